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

#include <stdint.h>

#include "almanac/diag.h"
#include "almanac/model.h"
#include "almanac/render.h"

#define ALMANAC_STATE_FILE ".almanac-state"

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
} almanac_stamps;

/* Computes stamps for DOCUMENT against the state in DIR (a missing state
 * file is an empty one). NOW (Unix seconds) is the time given to what
 * changed; times never move backwards. Returns 0, or -1 with a diagnostic
 * (unreadable state, out of memory). Free with almanac_stamps_free(). */
int almanac_stamps_compute(const almanac_document *document, const char *dir,
                           int64_t now, almanac_stamps *stamps,
                           almanac_diagnostics *diags);
void almanac_stamps_free(almanac_stamps *stamps);

/* Writes every feed (all.ics and <feed>.ics), the timeline (timeline.txt,
 * timeline.md, index.html) and the state into DIR, creating DIR if needed,
 * and removes the feeds of the last build that are no longer declared (only
 * files the state names; nothing else in DIR is touched). Returns 0, or -1
 * after recording an I/O diagnostic; on -1 nothing in DIR has changed. */
int almanac_build(const almanac_document *document, const char *dir, int64_t now,
                  almanac_diagnostics *diags);

/* Replaces the file PATH with TEXT as a build replaces its outputs
 * (temporary file, fsync, exchange, directory fsync): on any failure the
 * old file stays as it was. Returns 0, or -1 with errno set. */
int almanac_write_file(const char *path, const char *text);

#endif
