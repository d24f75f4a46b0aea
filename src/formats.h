/*
 * formats.h - the one table of timeline formats: each one's --format name,
 * the file almanac build writes it to, the content type almanac serve
 * gives that file, and its renderer.
 *
 * main.c (--format), cli.c (the help and completions), build.c (what it writes and
 * may clean up), serve.c (what it serves) and the fuzz harness all read
 * this table, so a new format is a renderer in its own render_*.c file
 * and a row here. The feeds (one file per feed, almanac_render_ics) and
 * the build state are not timelines and are not in it.
 */
#ifndef ALMANAC_FORMATS_H
#define ALMANAC_FORMATS_H

#include <stdbool.h>
#include <stdio.h>

#include "almanac/render.h"

/* How the feeds (almanac_render_ics) are served. */
#define FEED_CONTENT_TYPE "text/calendar; charset=utf-8"

typedef int (*timeline_renderer)(const almanac_document *document,
                                 const almanac_timeline_options *options, FILE *out);

/* A row. The rows (formats.c) are in the order build writes them; the
 * first is the default format. A format build does not write has its file
 * named all the same: making it BUILT is all it takes to write and serve
 * it. */
typedef struct {
    const char *name;         /* --format's word */
    const char *file;         /* the file build writes it to when BUILT */
    const char *content_type; /* the Content-Type serve gives the file */
    timeline_renderer render;
    bool built;               /* almanac build writes it, almanac serve serves it */
    bool year_pages;          /* a long timeline is also a page per year
                                 (almanac_html_page_years); one format at most */
} timeline_format;

extern const timeline_format timeline_formats[];
extern const size_t timeline_format_count;

/* The row called NAME, or NULL. */
const timeline_format *timeline_format_find(const char *name);

/* The formats' names as a list, into BUFFER (SIZE bytes; cut short when
 * it does not fit): BETWEEN between two names, BEFORE_LAST before the last
 * one instead, AFTER_FIRST after the first name. (", ", " or ", "") make
 * "text, markdown, html or json"; (" ", " ", "") a list of words. */
void timeline_format_names(char *buffer, size_t size, const char *between,
                           const char *before_last, const char *after_first);

/* How many formats build writes (BUILT). */
size_t timeline_format_built_count(void);

/* The format whose long timeline is also a page per year, or NULL. */
const timeline_format *timeline_format_paged(void);

#endif
