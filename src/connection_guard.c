/*
 * connection_guard.c - head deadlines and room for new clients (see
 * connection_guard.h).
 *
 * Two lists in time order: connections waiting for a request head, by
 * when they started to wait, and busy ones, by when their request came
 * in. Every deadline is the same length after that time, so the first
 * waiting connection is always the next to expire and the one to end
 * first for room: every operation is O(1) but expiry, which is O(ended).
 */
#define _GNU_SOURCE /* pthread_condattr_setclock */
#include "connection_guard.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

typedef enum { WAITING, BUSY, ENDED } connection_state;

struct guarded_connection {
    guarded_connection *prev, *next; /* in its state's list; unlinked when ENDED */
    int fd;
    connection_state state;
    int64_t since; /* when it started to wait (WAITING) or its request came (BUSY) */
};

typedef struct {
    guarded_connection *first, *last;
    size_t count;
} connection_list;

struct connection_guard {
    pthread_mutex_t lock;
    pthread_cond_t wake; /* the watchdog: stop, or a deadline may be sooner */
    connection_list waiting, busy;
    size_t capacity;
    int64_t head_deadline;
    connection_guard_counts ended;
    pthread_t watchdog;
    bool watching, stopping;
};

int64_t connection_guard_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void list_append(connection_list *list, guarded_connection *c)
{
    c->prev = list->last;
    c->next = NULL;
    if (list->last != NULL)
        list->last->next = c;
    else
        list->first = c;
    list->last = c;
    list->count++;
}

static void list_unlink(connection_list *list, guarded_connection *c)
{
    if (c->prev != NULL)
        c->prev->next = c->next;
    else
        list->first = c->next;
    if (c->next != NULL)
        c->next->prev = c->prev;
    else
        list->last = c->prev;
    c->prev = c->next = NULL;
    list->count--;
}

static connection_list *list_of(connection_guard *guard, connection_state state)
{
    return state == WAITING ? &guard->waiting : state == BUSY ? &guard->busy : NULL;
}

/* Moves C to the end of the list of STATE, as of NOW. */
static void move_to(connection_guard *guard, guarded_connection *c, connection_state state,
                    int64_t now)
{
    connection_list *from = list_of(guard, c->state);
    if (from != NULL)
        list_unlink(from, c);
    c->state = state;
    c->since = now;
    connection_list *to = list_of(guard, state);
    if (to != NULL)
        list_append(to, c);
}

/* Shuts the socket down; libmicrohttpd sees EPOLLHUP and closes the
 * connection, then calls connection_guard_remove(). The socket is still
 * open: libmicrohttpd closes it only after that call, which waits for
 * the lock held here. */
static void end(connection_guard *guard, guarded_connection *c)
{
    shutdown(c->fd, SHUT_RDWR);
    move_to(guard, c, ENDED, c->since);
}

connection_guard *connection_guard_new(size_t capacity, int64_t head_deadline_ms)
{
    connection_guard *guard = calloc(1, sizeof *guard);
    if (guard == NULL)
        return NULL;
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&guard->wake, &attributes);
    pthread_condattr_destroy(&attributes);
    pthread_mutex_init(&guard->lock, NULL);
    guard->capacity = capacity > 0 ? capacity : 1;
    guard->head_deadline = head_deadline_ms > 0 ? head_deadline_ms : 1;
    return guard;
}

void connection_guard_free(connection_guard *guard)
{
    if (guard == NULL)
        return;
    connection_guard_stop(guard);
    pthread_cond_destroy(&guard->wake);
    pthread_mutex_destroy(&guard->lock);
    free(guard);
}

guarded_connection *connection_guard_add(connection_guard *guard, int fd, int64_t now)
{
    guarded_connection *c = calloc(1, sizeof *c);
    if (c == NULL)
        return NULL;
    c->fd = fd;
    c->state = ENDED; /* in no list yet */
    pthread_mutex_lock(&guard->lock);
    bool first_deadline = guard->waiting.first == NULL;
    move_to(guard, c, WAITING, now);
    if (guard->waiting.count + guard->busy.count > guard->capacity) {
        /* c is the newest: it is never the first waiting one while an
         * older one waits, and capacity >= 1 keeps another one open */
        guarded_connection *victim = guard->waiting.first != c ? guard->waiting.first
                                                               : guard->busy.first;
        if (victim != NULL) {
            end(guard, victim);
            guard->ended.evicted++;
        }
    }
    if (first_deadline)
        pthread_cond_signal(&guard->wake);
    pthread_mutex_unlock(&guard->lock);
    return c;
}

void connection_guard_head_received(connection_guard *guard, guarded_connection *c, int64_t now)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&guard->lock);
    if (c->state == WAITING)
        move_to(guard, c, BUSY, now);
    pthread_mutex_unlock(&guard->lock);
}

void connection_guard_response_done(connection_guard *guard, guarded_connection *c, int64_t now)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&guard->lock);
    if (c->state == BUSY) {
        bool first_deadline = guard->waiting.first == NULL;
        move_to(guard, c, WAITING, now);
        if (first_deadline)
            pthread_cond_signal(&guard->wake);
    }
    pthread_mutex_unlock(&guard->lock);
}

void connection_guard_remove(connection_guard *guard, guarded_connection *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&guard->lock);
    move_to(guard, c, ENDED, c->since);
    pthread_mutex_unlock(&guard->lock);
    free(c);
}

/* With the lock held. */
static size_t expire_locked(connection_guard *guard, int64_t now)
{
    size_t count = 0;
    guarded_connection *c;
    while ((c = guard->waiting.first) != NULL && c->since + guard->head_deadline <= now) {
        end(guard, c);
        count++;
    }
    guard->ended.expired += count;
    return count;
}

size_t connection_guard_expire(connection_guard *guard, int64_t now)
{
    pthread_mutex_lock(&guard->lock);
    size_t count = expire_locked(guard, now);
    pthread_mutex_unlock(&guard->lock);
    return count;
}

connection_guard_counts connection_guard_count(connection_guard *guard)
{
    pthread_mutex_lock(&guard->lock);
    connection_guard_counts counts = guard->ended;
    counts.waiting = guard->waiting.count;
    counts.busy = guard->busy.count;
    pthread_mutex_unlock(&guard->lock);
    return counts;
}

/* Sleeps until the first waiting connection's deadline (or a second when
 * none waits: an added one wakes it sooner) and ends what expired. */
static void *watch(void *cls)
{
    connection_guard *guard = cls;
    pthread_mutex_lock(&guard->lock);
    while (!guard->stopping) {
        int64_t now = connection_guard_now();
        expire_locked(guard, now);
        int64_t until = guard->waiting.first != NULL
                            ? guard->waiting.first->since + guard->head_deadline
                            : now + 1000;
        struct timespec deadline = {.tv_sec = (time_t)(until / 1000),
                                    .tv_nsec = (long)(until % 1000) * 1000000};
        pthread_cond_timedwait(&guard->wake, &guard->lock, &deadline);
    }
    pthread_mutex_unlock(&guard->lock);
    return NULL;
}

int connection_guard_start(connection_guard *guard)
{
    pthread_mutex_lock(&guard->lock);
    guard->stopping = false;
    int error = pthread_create(&guard->watchdog, NULL, watch, guard);
    guard->watching = error == 0;
    pthread_mutex_unlock(&guard->lock);
    return error;
}

void connection_guard_stop(connection_guard *guard)
{
    pthread_mutex_lock(&guard->lock);
    bool watching = guard->watching;
    guard->stopping = true;
    guard->watching = false;
    pthread_cond_signal(&guard->wake);
    pthread_mutex_unlock(&guard->lock);
    if (watching)
        pthread_join(guard->watchdog, NULL);
}
