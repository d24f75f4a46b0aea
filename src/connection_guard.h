/*
 * connection_guard.h - deadlines and room for the connections of
 * `almanac serve`, which libmicrohttpd 0.9.75 cannot give.
 *
 * libmicrohttpd's only timeout is an idle one that every byte a client
 * sends resets, and at its connection limit it stops accepting: clients
 * that trickle a request head one byte at a time can hold every
 * connection for as long as they like. The guard keeps its own account of
 * the connections, told by the server's libmicrohttpd callbacks, and ends
 * one by shutdown(2) of its socket, which libmicrohttpd sees as the client
 * leaving (EPOLLHUP) and closes on its own thread (it has no call to close
 * a connection from outside its callbacks):
 *   - a deadline for every request head: a connection that has not sent a
 *     whole head within HEAD_DEADLINE of its accept, or of the end of its
 *     previous response (keep-alive), is ended;
 *   - room for new clients: when CAPACITY connections are open, each new
 *     one ends the connection that has waited longest for its head, or,
 *     when none waits, the one whose response has taken longest.
 * A connection counts from connection_guard_add() to connection_guard_remove();
 * one the guard ended stays in the account, ended, until removed, so its
 * socket is still open whenever the guard touches it.
 *
 * Times are milliseconds of CLOCK_MONOTONIC (connection_guard_now()).
 * Thread safety: every function takes the guard's lock; the watchdog
 * thread (connection_guard_start) calls connection_guard_expire.
 * Ownership: connection_guard_new() returns a guard freed by
 * connection_guard_free() once every connection is removed and the
 * watchdog stopped; records from _add() are freed by _remove().
 */
#ifndef ALMANAC_CONNECTION_GUARD_H
#define ALMANAC_CONNECTION_GUARD_H

#include <stddef.h>
#include <stdint.h>

typedef struct connection_guard connection_guard;
typedef struct guarded_connection guarded_connection;

/* CAPACITY >= 1 connections before new ones end old ones; HEAD_DEADLINE_MS
 * > 0. NULL when out of memory. */
connection_guard *connection_guard_new(size_t capacity, int64_t head_deadline_ms);

/* Accepts NULL. */
void connection_guard_free(connection_guard *guard);

/* Starts the thread that ends connections past their head deadline.
 * Returns 0, or an errno value. */
int connection_guard_start(connection_guard *guard);

/* Stops and joins that thread (nothing when it was not started). */
void connection_guard_stop(connection_guard *guard);

/* A connection accepted at NOW on socket FD, waiting for its head. When
 * this makes more than the capacity, the oldest waiting (or else busy)
 * connection is ended. NULL when out of memory. */
guarded_connection *connection_guard_add(connection_guard *guard, int fd, int64_t now);

/* Its request head is in: no deadline while the request is answered. */
void connection_guard_head_received(connection_guard *guard, guarded_connection *connection,
                                    int64_t now);

/* Its response is done: it waits for the next head, deadline from NOW. */
void connection_guard_response_done(connection_guard *guard, guarded_connection *connection,
                                    int64_t now);

/* libmicrohttpd closed it (before closing its socket): frees the record.
 * Accepts NULL. */
void connection_guard_remove(connection_guard *guard, guarded_connection *connection);

/* Ends every connection whose head deadline is NOW or earlier; returns how
 * many. */
size_t connection_guard_expire(connection_guard *guard, int64_t now);

typedef struct {
    size_t waiting;   /* open, waiting for a request head */
    size_t busy;      /* open, a request being answered */
    uint64_t expired; /* ended at their head deadline, ever */
    uint64_t evicted; /* ended to make room, ever */
} connection_guard_counts;

connection_guard_counts connection_guard_count(connection_guard *guard);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t connection_guard_now(void);

#endif
