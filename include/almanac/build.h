/*
 * almanac/build.h - writing out/: feeds, timeline and the build state.
 *
 * A build renders every output into a temporary file beside its target,
 * flushes and fsyncs it, and only when all of them are complete renames
 * them into place (then fsyncs the directory). A failure at any point
 * removes the temporary files and leaves every previous output untouched.
 *
 * The build state (DIR/.almanac-state, a small tab-separated text file that
 * is committed with out/) remembers a hash of each event's content with its
 * SEQUENCE and time of change, so that unchanged events stay byte-identical
 * between builds and a changed one gets exactly one SEQUENCE bump.
 */
#ifndef ALMANAC_BUILD_H
#define ALMANAC_BUILD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "almanac/diag.h"
#include "almanac/model.h"
#include "almanac/render.h"
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ALMANAC_STATE_FILE ".almanac-state"

/* How many changed events a build names in its summary. */
#define ALMANAC_REPORT_IDS 5

/* Stamps for one build: one per event (same index as the document's
 * events) and one per feed, the full calendar last (index feed_count). */
typedef struct {
    almanac_event_stamp *events;
    almanac_event_stamp *feeds;
    uint64_t *event_hashes;
    uint64_t *feed_hashes;
    char **stale_feeds; /* file names of feeds the last build wrote and this one
                           does not, and (added by almanac_build) year pages of
                           the timeline it no longer writes: a build removes them */
    size_t stale_count;
    /* Against the last build's state: events new to it, events whose
     * content changed (SEQUENCE bumped), and events it had that are gone.
     * Events in no feed are not counted. */
    size_t added, changed, removed;
    size_t changed_events[ALMANAC_REPORT_IDS]; /* the first changed ones' indices */
} almanac_stamps;

/* Computes stamps for DOCUMENT against the state in DIR (a missing state
 * file is an empty one). NOW (Unix seconds) is the time given to what
 * changed; times never move backwards. Returns 0, or -1 with a diagnostic
 * (unreadable state, out of memory). Free with almanac_stamps_free(). */
ALMANAC_API int almanac_stamps_compute(const almanac_document *document, const char *dir,
                           int64_t now, almanac_stamps *stamps,
                           almanac_diagnostics *diags);
ALMANAC_API void almanac_stamps_free(almanac_stamps *stamps);

/* Writes every feed (all.ics and <feed>.ics), the timeline (timeline.txt,
 * timeline.md, index.html) and the state into DIR, creating DIR if needed,
 * and removes the feeds of the last build that are no longer declared (only
 * files the state names; nothing else in DIR is touched). Returns 0, or -1
 * after recording an I/O diagnostic; on -1 nothing in DIR has changed. */
ALMANAC_API int almanac_build(const almanac_document *document, const char *dir, int64_t now,
                  almanac_diagnostics *diags);

/* What a build did, for a summary line. */
typedef struct {
    size_t feeds;          /* feed files written, the full calendar's included */
    size_t files;          /* files written, feeds and timeline pages and state */
    size_t removed_files;  /* files of the last build no longer written */
    size_t added, changed, removed; /* events, as in almanac_stamps */
    /* The first ALMANAC_REPORT_IDS changed events' ids, in document order;
     * they point into the document. */
    const char *changed_ids[ALMANAC_REPORT_IDS];
    /* Events whose VEVENTs were built with libical, and those copied from
     * the last build's all.ics because they did not change (see the
     * index, .almanac-index). */
    size_t vevents_rendered, vevents_reused;
    /* Outputs whose new bytes equal the old: left in place, untouched
     * (counted in files). */
    size_t unchanged_files;
} almanac_build_report;

typedef struct {
    /* Called now and then, on the calling thread, with how many events of
     * TOTAL the feeds hold so far; NULL for none. */
    void (*progress)(void *context, size_t done, size_t total);
    void *context;
    /* DIR is served: its gzip siblings (NAME.gz beside NAME, written by the
     * server after it publishes a build, checked against NAME before use)
     * are left for the server to keep or refresh. Without it a build
     * removes almanac's siblings of what it writes, so that a directory
     * published by another server never holds the gzip of older bytes.
     * Either way the siblings of files no longer written go with them, and
     * a NAME.gz that is not almanac's is never touched. */
    bool gzip_siblings;
} almanac_build_options;

/* almanac_build() with OPTIONS (NULL: none), and what it did in *REPORT
 * (filled on success). */
ALMANAC_API int almanac_build_reported(const almanac_document *document, const char *dir,
                                       int64_t now, const almanac_build_options *options,
                                       almanac_build_report *report,
                                       almanac_diagnostics *diags);

/* Writes to OUT the one line that says what a build of DOCUMENT into DIR
 * did (REPORT), for a person: "almanac: VERB DIR from NAME: 7 events,
 * 6 feeds, 9 files; 1 changed (SEQUENCE bumped: x), 1 added". */
ALMANAC_API void almanac_build_report_print(FILE *out, const almanac_build_report *report,
                                           const almanac_document *document, const char *verb,
                                           const char *dir, const char *name);

/* Replaces the file PATH with TEXT as a build replaces its outputs
 * (temporary file, fsync, exchange, directory fsync): on any failure the
 * old file stays as it was. Returns 0, or -1 with errno set. */
ALMANAC_API int almanac_write_file(const char *path, const char *text);

#ifdef __cplusplus
}
#endif

#endif
