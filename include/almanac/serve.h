/*
 * almanac/serve.h - publishing a build over HTTP (libmicrohttpd).
 *
 * The server answers only for the files a build wrote, by name from a
 * table made at publish time: "/" and "/index.html", "/all.ics", one
 * "/<feed>.ics" per declared feed, "/timeline.txt" and "/timeline.md".
 * No part of a request ever reaches the filesystem: the table holds, per
 * name, the built file open (and its gzip sibling, NAME.gz, when there is
 * one that matches it), its size, strong ETag and Last-Modified, made
 * once per publish; a 200 sends the file from its descriptor, so no
 * output is held in memory. A publish opens every file of a finished
 * build and then swaps the whole table at once, so a client gets either
 * the old build or the new one, never a mix; a response in flight keeps
 * its open file, and so the old bytes, until it finishes.
 *
 * Slow or many clients cannot hold it: a request head must arrive whole
 * within 10 s of the connection (or of the previous response), a client
 * address may hold 32 connections, and near the connection limit a new
 * client ends the connection that has waited longest for a head. Heads
 * over 16 KiB or 100 fields get 431; a request whose end is uncertain
 * (RFC 9112 6.3) gets 400 and the connection is closed.
 *
 * almanac_serve() is the whole of `almanac serve` once the file is loaded:
 * the first build, the server, and the loop that rebuilds on a change.
 *
 * Ownership: almanac_server_start() returns a server the caller stops
 * with almanac_server_stop(), which also frees it. The server copies what
 * it needs from the document and the options.
 */
#ifndef ALMANAC_SERVE_H
#define ALMANAC_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "almanac/build.h"
#include "almanac/diag.h"
#include "almanac/load.h"
#include "almanac/model.h"
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALMANAC_DEFAULT_LISTEN "127.0.0.1:8080"

typedef struct almanac_server almanac_server;

typedef struct {
    const char *listen; /* "ADDR:PORT", "[IPV6]:PORT" or "HOST:PORT"; port 0
                           picks a free one. NULL: ALMANAC_DEFAULT_LISTEN */
    FILE *log;          /* access log (one line per request, combined log
                           format) and server errors; NULL: none */
} almanac_server_options;

enum { ALMANAC_HOST_MAX = 256 };

/* Splits LISTEN ("127.0.0.1:8080", "[::1]:8080", "localhost:0") into its
 * host, without brackets, and its port. False when it has not that form. */
ALMANAC_API bool almanac_listen_parse(const char *listen, char host[ALMANAC_HOST_MAX], unsigned *port);

/* Binds and starts serving (every path 404 until the first publish).
 * Raises the process's soft limit of open files toward its hard limit,
 * for one descriptor per connection. Returns NULL after recording a
 * diagnostic (a bad address, a port in use, out of memory). */
ALMANAC_API almanac_server *almanac_server_start(const almanac_server_options *options,
                                     almanac_diagnostics *diags);

/* Serves what almanac_build() wrote into DIR for DOCUMENT, replacing what
 * was served before in one step. NOW (Unix seconds) is the Last-Modified of
 * a file whose content changed since the last publish and that the build
 * state gives no time for. Returns 0, or -1 after recording a diagnostic;
 * on -1 the previous files are still served. */
ALMANAC_API int almanac_server_publish(almanac_server *server, const almanac_document *document,
                           const char *dir, int64_t now, almanac_diagnostics *diags);

/* Writes the gzip sibling (DIR/NAME.gz, gzip_sibling.h) of every file
 * served without one whose bytes gzip makes smaller, then serves the same
 * build with them. A publish uses the siblings that match their files, so
 * this compresses only what changed; it runs after the publish, so that an
 * edit is served as soon as it is built, and gzip follows. Returns 0, or
 * -1 after a warning (what could not be compressed is served as it is). */
ALMANAC_API int almanac_server_compress(almanac_server *server, const char *dir,
                                        almanac_diagnostics *diags);

/* The port the server listens on (the one picked, for port 0). */
ALMANAC_API unsigned almanac_server_port(const almanac_server *server);

/* Stops accepting, finishes the responses in flight, frees everything.
 * NULL is allowed. */
ALMANAC_API void almanac_server_stop(almanac_server *server);

/* ---- the serve command (serve_loop.c) ------------------------------------ */

/* What almanac_serve() builds and serves, and where it says what it does. */
typedef struct {
    const char *path;    /* the events file; "-" (standard input) is not read again */
    const char *name;    /* PATH as diagnostics name it ("<stdin>" for "-") */
    const char *dir;     /* where the builds go, and what is served */
    bool watch;          /* rebuild when PATH changes (SIGHUP rebuilds either way) */
    almanac_server_options server;
    almanac_load_options load;       /* how a rebuild loads PATH */
    almanac_diag_format diag_format; /* how a rebuild prints PATH's diagnostics */
    bool color;
    FILE *out;           /* the addresses to subscribe to (stdout) */
    FILE *log;           /* what the loop does, a rebuild's diagnostics (stderr) */
    FILE *summary;       /* each build's summary line; NULL: none (--quiet) */
    /* The caller's part, called with CONTEXT: the time a build stamps;
     * a build of DOCUMENT into DIR at NOW (almanac_build_reported(), with
     * a progress line or not), 0 or -1; and ADJUST (NULL: none), which may
     * change each document loaded again before it is built. */
    int64_t (*now)(void);
    int (*build)(void *context, const almanac_document *document, int64_t now,
                 almanac_build_report *report, almanac_diagnostics *diags);
    void (*adjust)(void *context, almanac_document *document);
    void *context;
} almanac_serve_options;

/* Builds DOCUMENT (loaded from OPTIONS->path and checked), serves the build
 * and writes the addresses to subscribe to, then waits: a change of the
 * file (with OPTIONS->watch) or SIGHUP loads, builds and publishes it
 * again, leaving the last good build served when that fails; SIGINT or
 * SIGTERM stops. Takes DOCUMENT and frees it once its build is served
 * (what is served is the files; a rebuild loads the file anew), so that
 * the server holds no model while idle. Blocks those signals in the
 * calling thread first (see almanac/watch.h). Returns 0 when stopped by a
 * signal; -1 when the build, the server or the watch failed (a diagnostic
 * in DIAGS, or a line on OPTIONS->log). */
ALMANAC_API int almanac_serve(almanac_document *document,
                              const almanac_serve_options *options,
                              almanac_diagnostics *diags);

#ifdef __cplusplus
}
#endif

#endif
