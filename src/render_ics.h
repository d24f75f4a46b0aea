/*
 * render_ics.h - the texts the iCalendar renderer derives from an event,
 * shared with the importer so that it can take them apart again exactly.
 */
#ifndef ALMANAC_RENDER_ICS_H
#define ALMANAC_RENDER_ICS_H

#include <stdint.h>
#include <stdio.h>

#include "almanac/model.h"
#include "almanac/render.h"

/* SUMMARY: the title, then the status and approximate date when there are
 * any ("Forum (planned for April 2023, exact date not known)"). Returns a
 * malloc'ed string the caller frees, or NULL when out of memory. */
char *almanac_ics_summary(const almanac_event *event);

/* DESCRIPTION: the description, then the approximate date, participants
 * and sources as text; "" when there is none of them. Malloc'ed, the
 * caller frees; NULL when out of memory. */
char *almanac_ics_description(const almanac_document *document,
                              const almanac_event *event);

/* VEVENT text of an earlier build that a build may copy instead of
 * rendering the event again (build.c reads it from its index). Indexed
 * like the document's events; a NULL text renders that event. Each text
 * is used only when hash_block() of it is still HASH: a file changed
 * behind almanac's back costs a render, never a wrong byte. */
typedef struct {
    const char *const *text;
    const size_t *length;
    const uint64_t *hash;
} ics_reuse;

/* What a render wrote, per document event: the length of its VEVENT text
 * (its overrides' included; 0 when it is in no feed) and hash_block() of
 * it; and how many were copied and how many built with libical. */
typedef struct {
    size_t *length;
    uint64_t *hash;
    size_t reused, rendered;
} ics_layout;

/* almanac_render_ics_feeds() that copies the VEVENTs REUSE offers (NULL:
 * none) and records into LAYOUT (NULL: not wanted) what it wrote. */
int render_ics_feeds_reusing(const almanac_document *document,
                             const almanac_ics_options *options, FILE *const *outs,
                             size_t count, const ics_reuse *reuse, ics_layout *layout);

/* A hash of what makes a VEVENT's bytes beyond the event and its stamps:
 * the renderer's format version and the libical it was built with. A
 * build's index of reusable VEVENTs is valid only under the same key. */
uint64_t render_ics_format_key(void);

#endif
