/*
 * progress.c - the progress line of a long build or import (see
 * progress.h): after a second, redrawn in place at most ten times a second,
 * and what it says for a build and for an import.
 */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Starts P; true when stderr is a terminal and QUIET (--quiet) is false,
 * that is when the line may be shown. */
bool progress_start(progress_line *p, bool quiet)
{
    *p = (progress_line){.after = 1.0, .kind = -1};
    const char *after = getenv("ALMANAC_PROGRESS_AFTER");
    if (after != NULL && after[0] != '\0')
        p->after = strtod(after, NULL);
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    return !quiet && isatty(STDERR_FILENO);
}

/* Whether the line is due now for something of KIND; FINAL forces it once
 * the first second has passed. */
bool progress_due(progress_line *p, int kind, bool final)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (seconds_between(&p->start, &now) < p->after)
        return false;
    if (p->shown && kind == p->kind && !final && seconds_between(&p->last, &now) < 0.1)
        return false;
    p->last = now;
    p->kind = kind;
    p->shown = true;
    return true;
}

/* Erases the line, so that what is printed next takes its place. */
void progress_end(progress_line *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = false;
}

void progress_show_build(void *context, size_t done, size_t total)
{
    if (progress_due(context, 0, done == total)) {
        fprintf(stderr, "\r\033[Kalmanac: %zu of %zu events written", done, total);
        fflush(stderr);
    }
}

/* Progress line kinds past the library's phases: the importer's own
 * finishing step (ids, relations), and the events file written. */
enum { IMPORT_LINKING = ALMANAC_IMPORT_FINISHING + 1, IMPORT_WRITING };

void progress_show_import(void *context, const char *name, almanac_import_phase phase,
                          size_t done, size_t total)
{
    int kind = phase == ALMANAC_IMPORT_FINISHING && name == NULL ? IMPORT_LINKING : (int)phase;
    if (!progress_due(context, kind, total > 0 && done == total))
        return;
    name = name != NULL ? cli_display_name(name) : NULL;
    if (phase == ALMANAC_IMPORT_PARSING)
        fprintf(stderr, "\r\033[Kalmanac: reading %s: %.0f%%", name,
                total > 0 ? 100.0 * (double)done / (double)total : 100.0);
    else if (phase == ALMANAC_IMPORT_CONVERTING)
        fprintf(stderr, "\r\033[Kalmanac: converting %s: %zu of %zu events", name, done, total);
    else if (name != NULL)
        fprintf(stderr, "\r\033[Kalmanac: converting %s: recurrences", name);
    else
        fputs("\r\033[Kalmanac: making ids and linking related events", stderr);
    fflush(stderr);
}


void progress_show_writing(progress_line *p, size_t events)
{
    if (progress_due(p, IMPORT_WRITING, true)) {
        fprintf(stderr, "\ralmanac: writing %zu events", events);
        fflush(stderr);
    }
}
