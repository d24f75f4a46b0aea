/*
 * progress.c - the progress line of a long build or import (see
 * progress.h): after a second, redrawn in place at most ten times a second.
 */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

