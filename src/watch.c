/*
 * watch.c - signals and file changes for `almanac serve` (see watch.h).
 * Linux: signalfd and inotify, waited on together with poll().
 */
#define _GNU_SOURCE /* signalfd, inotify */
#include "almanac/watch.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

/* How long the file must stay quiet before a change counts: an editor's
 * save is often several writes and a rename. */
enum { SETTLE_MS = 150 };

struct almanac_watch {
    int signals;   /* signalfd */
    int changes;   /* inotify, -1 without a file */
    char name[NAME_MAX + 1]; /* the file's name in its directory */
};

static sigset_t watched_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

int almanac_watch_block_signals(void)
{
    sigset_t set = watched_signals();
    int error = pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}

static int watch_file(almanac_watch *w, const char *path)
{
    char copy[PATH_MAX], copy2[PATH_MAX];
    if (strlen(path) >= sizeof copy) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(copy, path);
    strcpy(copy2, path);
    const char *base = basename(copy);
    if (strlen(base) >= sizeof w->name) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(w->name, base);
    w->changes = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->changes < 0)
        return -1;
    uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_MODIFY | IN_DELETE;
    return inotify_add_watch(w->changes, dirname(copy2), mask) < 0 ? -1 : 0;
}

almanac_watch *almanac_watch_open(const char *path)
{
    almanac_watch *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->changes = -1;
    sigset_t set = watched_signals();
    w->signals = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (w->signals < 0 || (path != NULL && watch_file(w, path) != 0)) {
        int saved = errno;
        almanac_watch_close(w);
        errno = saved;
        return NULL;
    }
    return w;
}

/* Reads what inotify has; true when any of it is about our file. The
 * directory's other files are not: an access log written beside the file
 * changes with every request. A full queue (IN_Q_OVERFLOW) lost events that
 * may have been ours, so it counts as ours. */
static bool drain_changes(almanac_watch *w)
{
    char buffer[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool ours = false;
    ssize_t n;
    while ((n = read(w->changes, buffer, sizeof buffer)) > 0) {
        for (char *p = buffer; p < buffer + n;) {
            const struct inotify_event *e = (const struct inotify_event *)(void *)p;
            if ((e->len > 0 && strcmp(e->name, w->name) == 0) || (e->mask & IN_Q_OVERFLOW))
                ours = true;
            p += sizeof *e + e->len;
        }
    }
    return ours;
}

static int64_t monotonic_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

almanac_watch_event almanac_watch_wait(almanac_watch *w)
{
    /* When the file has been quiet for SETTLE_MS: a deadline, not a poll
     * timeout, since a timeout would start again with every event of the
     * directory, ours or not, and steady traffic to a log beside the file
     * would put the rebuild off for ever. */
    int64_t settled_at = -1; /* -1: no change pending */
    for (;;) {
        int timeout = -1;
        if (settled_at >= 0) {
            int64_t left = settled_at - monotonic_ms();
            if (left <= 0)
                return ALMANAC_WATCH_CHANGED;
            timeout = (int)left;
        }
        struct pollfd fds[2] = {{w->signals, POLLIN, 0}, {w->changes, POLLIN, 0}};
        int ready = poll(fds, w->changes >= 0 ? 2 : 1, timeout);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            return ALMANAC_WATCH_FAILED;
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            if (read(w->signals, &info, sizeof info) == (ssize_t)sizeof info) {
                if (info.ssi_signo == SIGHUP)
                    return ALMANAC_WATCH_CHANGED;
                return ALMANAC_WATCH_STOP;
            }
        }
        if (w->changes >= 0 && (fds[1].revents & POLLIN) && drain_changes(w))
            settled_at = monotonic_ms() + SETTLE_MS;
    }
}

void almanac_watch_close(almanac_watch *w)
{
    if (w == NULL)
        return;
    if (w->signals >= 0)
        close(w->signals);
    if (w->changes >= 0)
        close(w->changes);
    free(w);
}
