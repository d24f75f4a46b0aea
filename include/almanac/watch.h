/*
 * almanac/watch.h - waiting, in the serve loop, for the events file to
 * change or for a signal to stop.
 *
 * A watch listens to SIGINT and SIGTERM (stop) and SIGHUP (rebuild now)
 * through a signalfd, and, when given a file, to changes of that file
 * through inotify on its directory, so that editors that save by writing a
 * new file and renaming it over the old one are seen too. Changes are
 * debounced: a burst of writes is one change.
 *
 * The caller must block SIGINT, SIGTERM and SIGHUP in every thread (call
 * almanac_watch_block_signals() before starting any) so that they arrive
 * here and nowhere else.
 */
#ifndef ALMANAC_WATCH_H
#define ALMANAC_WATCH_H
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct almanac_watch almanac_watch;

typedef enum {
    ALMANAC_WATCH_STOP,    /* SIGINT or SIGTERM */
    ALMANAC_WATCH_CHANGED, /* the file changed, or SIGHUP */
    ALMANAC_WATCH_FAILED   /* the watch itself failed: errno says why */
} almanac_watch_event;

/* Blocks the watched signals in the calling thread (and so in threads it
 * starts later). Returns 0 or -1 (errno). */
ALMANAC_API int almanac_watch_block_signals(void);

/* Watches PATH (NULL: signals only). Returns NULL with errno set. Free
 * with almanac_watch_close(). */
ALMANAC_API almanac_watch *almanac_watch_open(const char *path);

/* Waits for the next event. */
ALMANAC_API almanac_watch_event almanac_watch_wait(almanac_watch *watch);

/* Accepts NULL. */
ALMANAC_API void almanac_watch_close(almanac_watch *watch);

#ifdef __cplusplus
}
#endif

#endif
