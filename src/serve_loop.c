/*
 * serve_loop.c - almanac_serve(): what `almanac serve` does once the file
 * is loaded (see almanac/serve.h). The first build, the server, the
 * addresses to subscribe to, then a loop that rebuilds on a change (or
 * SIGHUP) and stops on SIGINT or SIGTERM. A rebuild that fails leaves the
 * last good build served. It writes only to the streams it is given.
 */
#include "almanac/serve.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

#include "almanac/build.h"
#include "almanac/load.h"
#include "almanac/watch.h"

/* The host part of LISTEN as a URL shows it; a wildcard address becomes
 * this machine's name, which is what colleagues would type. */
static void url_host(const char *listen, char *host, size_t size)
{
    char name[ALMANAC_HOST_MAX];
    unsigned port;
    if (!almanac_listen_parse(listen, name, &port))
        snprintf(name, sizeof name, "localhost"); /* the caller checked it */
    if (strcmp(name, "0.0.0.0") == 0 || strcmp(name, "::") == 0) {
        if (gethostname(name, sizeof name) != 0 || name[0] == '\0')
            snprintf(name, sizeof name, "localhost");
        name[sizeof name - 1] = '\0';
    }
    snprintf(host, size, strchr(name, ':') != NULL ? "[%s]" : "%s", name);
}

static void print_subscriptions(const almanac_document *doc, const almanac_serve_options *o,
                                unsigned port)
{
    char host[256];
    const char *listen = o->server.listen;
    url_host(listen != NULL ? listen : ALMANAC_DEFAULT_LISTEN, host, sizeof host);
    fprintf(o->out, "almanac: serving %s/ at http://%s:%u/ (Ctrl-C stops%s)\n", o->dir, host,
            port, o->watch ? "; rebuilds when the file changes" : "");
    for (size_t k = 0; k <= doc->feed_count; k++) {
        const almanac_feed *feed = k < doc->feed_count ? &doc->feeds[k] : NULL;
        char file[ALMANAC_FILE_NAME_MAX];
        almanac_feed_file_name(feed, file, sizeof file);
        fprintf(o->out, "  %s\n    http://%s:%u/%s\n    webcal://%s:%u/%s\n",
                feed != NULL ? feed->name : "All events", host, port, file, host, port, file);
    }
    /* the page links where calendar.url says: elsewhere than here, which can surprise */
    if (doc->calendar.url != NULL)
        fprintf(o->out, "  the page at / links to the feeds at %s (calendar.url), not to this "
                "server\n", doc->calendar.url);
    fflush(o->out);
}

/* Loads PATH as the first time, printing its diagnostics; NULL when it has
 * errors. */
static almanac_document *reload(const almanac_serve_options *o)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc;
    almanac_load_file(o->path, &o->load, &doc, &diags);
    if (diags.count > 0 || o->diag_format == ALMANAC_DIAG_JSON)
        almanac_diagnostics_print(&diags, o->log, o->name, o->diag_format, o->color);
    almanac_diagnostics_free(&diags);
    if (doc != NULL && o->adjust != NULL)
        o->adjust(o->context, doc);
    return doc;
}

/* The gzip forms of what the last publish serves without one (see
 * almanac_server_compress); a failure is a warning: served as it is. */
static void compress(const almanac_serve_options *o, almanac_server *server)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_server_compress(server, o->dir, &diags);
    almanac_diagnostics_print(&diags, o->log, "almanac", ALMANAC_DIAG_TEXT, o->color);
    almanac_diagnostics_free(&diags);
}

/* Loads, validates and builds the file again, then serves the result. An
 * invalid file or a failed build leaves the last good build served. */
static void rebuild(const almanac_serve_options *o, almanac_server *server)
{
    if (strcmp(o->path, "-") == 0) {
        fputs("almanac: standard input cannot be read again: nothing rebuilt\n", o->log);
        return;
    }
    almanac_document *doc = reload(o);
    if (doc == NULL) {
        fprintf(o->log, "almanac: %s: not rebuilt; still serving the last good build\n",
                o->path);
        return;
    }
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    int64_t now = o->now();
    almanac_build_report report;
    if (o->build(o->context, doc, now, &report, &diags) == 0 &&
        almanac_server_publish(server, doc, o->dir, now, &diags) == 0) {
        if (o->summary != NULL)
            almanac_build_report_print(o->summary, &report, doc, "rebuilt", o->dir, o->name);
        compress(o, server);
    } else {
        fprintf(o->log, "almanac: rebuilding %s failed; still serving the last good build\n",
                o->path);
    }
    almanac_diagnostics_print(&diags, o->log, "almanac", ALMANAC_DIAG_TEXT, o->color);
    almanac_diagnostics_free(&diags);
    almanac_document_free(doc);
}

/* The first build, the signals blocked, the watch, the server and the
 * first publish, into *WATCH and *SERVER (which the caller closes and
 * stops, NULL or not). Returns 0 or -1. */
static int start(const almanac_document *doc, const almanac_serve_options *o,
                 almanac_diagnostics *diags, almanac_watch **watch, almanac_server **server)
{
    int64_t now = o->now();
    almanac_build_report report;
    if (o->build(o->context, doc, now, &report, diags) != 0)
        return -1;
    if (o->summary != NULL)
        almanac_build_report_print(o->summary, &report, doc, "built", o->dir, o->name);
    /* Before the server starts its threads, so that the signals reach the
     * watch and no thread of libmicrohttpd. */
    if (almanac_watch_block_signals() != 0) {
        fprintf(o->log, "almanac: cannot block signals: %s\n", strerror(errno));
        return -1;
    }
    *watch = almanac_watch_open(o->watch ? o->path : NULL);
    if (*watch == NULL) {
        fprintf(o->log, "almanac: cannot watch %s: %s\n", o->path, strerror(errno));
        return -1;
    }
    *server = almanac_server_start(&o->server, diags);
    if (*server == NULL || almanac_server_publish(*server, doc, o->dir, now, diags) != 0)
        return -1;
    print_subscriptions(doc, o, almanac_server_port(*server));
    return 0;
}

/* Hands the memory of a model just freed back to the system: glibc keeps
 * freed heap pages, and a server that loaded 100,000 events would go on
 * holding the pages of a model it no longer has. */
static void trim_memory(void)
{
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}

int almanac_serve(almanac_document *doc, const almanac_serve_options *o,
                  almanac_diagnostics *diags)
{
    almanac_watch *watch = NULL;
    almanac_server *server = NULL;
    int status = start(doc, o, diags, &watch, &server);
    /* What is served is the files: the model is not needed again until a
     * change loads the file anew, and a rebuild then holds one, not two. */
    almanac_document_free(doc);
    trim_memory();
    if (status == 0)
        compress(o, server);
    for (bool serving = status == 0; serving;) {
        switch (almanac_watch_wait(watch)) {
        case ALMANAC_WATCH_CHANGED:
            rebuild(o, server);
            trim_memory();
            break;
        case ALMANAC_WATCH_FAILED:
            fprintf(o->log, "almanac: watching %s failed: %s\n", o->path, strerror(errno));
            status = -1;
            serving = false;
            break;
        case ALMANAC_WATCH_STOP:
            fputs("almanac: stopping\n", o->log);
            serving = false;
            break;
        }
    }
    almanac_server_stop(server);
    almanac_watch_close(watch);
    return status;
}
