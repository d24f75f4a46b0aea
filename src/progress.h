/*
 * progress.h - the progress line of a long build or import on a terminal.
 * Part of the program, not the library: the library only calls back
 * (almanac_build_options, almanac_importer_set_progress).
 */
#ifndef ALMANAC_PROGRESS_H
#define ALMANAC_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "almanac/import.h"

/* Progress of a long build or import on a terminal: after a second
 * (ALMANAC_PROGRESS_AFTER seconds, for tests), one line redrawn in place at
 * most ten times a second, and at once when what it says changes kind. */
typedef struct {
    struct timespec start, last;
    double after;
    int kind; /* of the line shown last */
    bool shown;
} progress_line;

/* Starts P; true when stderr is a terminal and QUIET (--quiet) is false,
 * that is when the line may be shown. */
bool progress_start(progress_line *p, bool quiet);

/* Whether the line is due now for something of KIND; FINAL forces it once
 * the first second has passed. */
bool progress_due(progress_line *p, int kind, bool final);

/* Erases the line, so that what is printed next takes its place. */
void progress_end(progress_line *p);

/* The lines themselves, each shown when due. almanac_build_options'
 * progress ("N of M events written") and almanac_importer_set_progress()'s
 * (reading, converting, linking); CONTEXT is the progress_line. */
void progress_show_build(void *context, size_t done, size_t total);
void progress_show_import(void *context, const char *name, almanac_import_phase phase,
                          size_t done, size_t total);

/* "writing N events", once the import is done and its file is written. */
void progress_show_writing(progress_line *p, size_t events);

#endif
