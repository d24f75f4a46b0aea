/*
 * fuzz_render.c - libFuzzer harness (2): the loader, then every renderer.
 *
 * What loads and validates without errors is rendered in memory as every
 * feed (all.ics and one per declared feed) and as every timeline format of
 * the table (formats.h), with default options, narrow and without details,
 * as `almanac build` and `almanac timeline` would; a paged format also as
 * one year's page. Renderers must not fail on content: a -1 from a memory
 * stream is a bug.
 */
#define _DEFAULT_SOURCE /* open_memstream */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "almanac/almanac.h"
#include "formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void render_timeline(const almanac_document *doc, timeline_renderer render,
                            const almanac_timeline_options *options)
{
    char *buffer = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&buffer, &length);
    if (out == NULL)
        return;
    if (render(doc, options, out) != 0)
        abort();
    fclose(out);
    free(buffer);
}

static void render_feed(const almanac_document *doc, const almanac_feed *feed)
{
    char *buffer = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&buffer, &length);
    if (out == NULL)
        return;
    almanac_ics_options options = {.feed = feed, .default_modified = 1666310400,
                                   .calendar_modified = 1666310400};
    if (almanac_render_ics(doc, &options, out) != 0)
        abort();
    fclose(out);
    free(buffer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc = almanac_load((const char *)data, size, &diags);
    if (doc != NULL)
        almanac_validate(doc, &diags);
    if (doc != NULL && !almanac_diagnostics_has_errors(&diags)) {
        render_feed(doc, NULL);
        for (size_t i = 0; i < doc->feed_count; i++)
            render_feed(doc, &doc->feeds[i]);
        almanac_timeline_options narrow = {.width = 20};
        almanac_timeline_options details_off = {.width = 80, .no_details = true};
        for (size_t f = 0; f < timeline_format_count; f++) {
            timeline_renderer render = timeline_formats[f].render;
            render_timeline(doc, render, NULL);
            render_timeline(doc, render, &narrow);
            render_timeline(doc, render, &details_off);
            if (timeline_formats[f].year_pages && doc->event_count > 0) {
                /* one year's page, as build writes a long timeline */
                almanac_timeline_options year = {
                    .year = almanac_date_first_day(&doc->events[0].start).year,
                    .year_pages = true};
                render_timeline(doc, render, &year);
            }
        }
    }
    almanac_document_free(doc);
    almanac_diagnostics_free(&diags);
    return 0;
}
