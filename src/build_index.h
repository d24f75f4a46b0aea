/*
 * build_index.h - what lets a build copy, instead of render, the VEVENTs
 * of events that did not change since the last build.
 *
 * Beside the state, a build writes DIR/.almanac-index: for each event in
 * all.ics, a key of its content hash and stamps, where its VEVENT text
 * lies in all.ics, and a hash of that text. The next build maps the old
 * all.ics and offers the text of every event whose key is unchanged to the
 * renderer, which checks the hash before copying it. The index is a cache:
 * a missing, damaged or foreign one (another almanac or libical version)
 * means every VEVENT is rendered, never a wrong byte, so its problems are
 * not diagnostics.
 *
 * Ownership: build_reuse owns its arrays and the mapping; the texts it
 * offers point into the mapping and live until build_reuse_close().
 */
#ifndef ALMANAC_BUILD_INDEX_H
#define ALMANAC_BUILD_INDEX_H

#include <stdint.h>
#include <stdio.h>

#include "almanac/build.h"
#include "render_ics.h"

#define BUILD_INDEX_FILE ".almanac-index"

typedef struct {
    ics_reuse reuse;    /* what render_ics_feeds_reusing() takes */
    const char **text;  /* per event: its old VEVENT text, or NULL */
    size_t *length;
    uint64_t *hash;
    size_t offered;     /* events with a text */
    char *map;          /* the old all.ics, mapped read-only */
    size_t map_size;
} build_reuse;

/* Fills R with what DIR's index and all.ics offer for DOCUMENT's events
 * under STAMPS (of this build). Returns 0 (perhaps offering nothing), or -1
 * when out of memory. Release with build_reuse_close() either way. */
int build_reuse_open(build_reuse *r, const char *dir, const almanac_document *document,
                     const almanac_stamps *stamps);
void build_reuse_close(build_reuse *r);

/* Writes the index of the all.ics that a render described in LAYOUT and
 * that is SIZE bytes long; ORDER is the events in feed order (that of
 * almanac_document_sorted()), BY_ID the events sorted by id, in which the
 * records go. Returns 0, or -1 on a write error or out of memory. */
int build_index_write(FILE *out, const almanac_document *document,
                      const almanac_stamps *stamps, const ics_layout *layout, uint64_t size,
                      const size_t *order, const almanac_event *const *by_id);

#endif
