/*
 * timeline_render.h - the step every timeline renderer shares: the default
 * options when the caller gave none, the events the options select (in
 * timeline order), the body that writes them, the selection freed, and
 * the stream's error state as the result.
 */
#ifndef ALMANAC_TIMELINE_RENDER_H
#define ALMANAC_TIMELINE_RENDER_H

#include <stddef.h>
#include <stdio.h>

#include "almanac/render.h"

/* Writes the COUNT events of DOC at the indexes ORDER holds, in that
 * order, with OPTIONS (never NULL), to OUT; ORDER is its to narrow in
 * place. Returns 0, or -1 when it could not (out of memory); write errors
 * are left to OUT's error indicator. */
typedef int (*timeline_body)(const almanac_document *doc,
                             const almanac_timeline_options *options, size_t *order,
                             size_t count, FILE *out);

/* Runs BODY on the events OPTIONS (NULL: every event, with details)
 * selects. Returns 0, or -1 when selecting or BODY failed or OUT has its
 * error indicator set. */
int timeline_render(const almanac_document *doc, const almanac_timeline_options *options,
                    FILE *out, timeline_body body);

#endif
