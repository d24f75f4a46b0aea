/*
 * atomic.h - replacing a file so that readers see the old one or the new
 * one, never a mix: write a temporary file in the same directory, flush and
 * fsync it, rename it over the target, fsync the directory.
 */
#ifndef ALMANAC_ATOMIC_H
#define ALMANAC_ATOMIC_H

#include <stdio.h>

typedef struct {
    char *path;      /* the target */
    char *temp_path; /* the temporary file beside it */
    FILE *stream;    /* open for writing until atomic_close() */
} atomic_file;

/* Creates a temporary file for DIR/NAME. Returns 0, or -1 with errno set. */
int atomic_open(atomic_file *file, const char *dir, const char *name);

/* Flushes, fsyncs and closes the temporary file. Returns 0 or -1 (errno). */
int atomic_close(atomic_file *file);

/* Renames the temporary file over the target. Returns 0 or -1 (errno). */
int atomic_commit(atomic_file *file);

/* Closes (if open) and removes the temporary file; frees the names. Safe
 * after atomic_commit() and on a zeroed struct. */
void atomic_discard(atomic_file *file);

/* fsyncs directory DIR so that renames in it are durable. */
int atomic_sync_dir(const char *dir);

#endif
