/*
 * almanac/render.h - from a validated document to feeds and timelines.
 *
 * Every renderer takes a document that almanac_load() and almanac_validate()
 * accepted without errors, never changes it, and writes to a stdio stream.
 * Content cannot make a renderer fail; only the stream can, and then the
 * renderer returns -1 (check errno / ferror).
 */
#ifndef ALMANAC_RENDER_H
#define ALMANAC_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "almanac/model.h"
#include "almanac/timeline.h"
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* When an event last changed, as kept in the build state. */
typedef struct {
    unsigned sequence;  /* RFC 5545 SEQUENCE: bumped on every change */
    int64_t modified;   /* Unix seconds of the change: LAST-MODIFIED, DTSTAMP */
} almanac_event_stamp;

typedef struct {
    const almanac_feed *feed;           /* NULL: the full calendar */
    /* One stamp per document event (same index), or NULL: every event then
     * gets sequence 0 and DEFAULT_MODIFIED. */
    const almanac_event_stamp *stamps;
    int64_t default_modified;
    int64_t calendar_modified;          /* the feed's LAST-MODIFIED; 0: none */
    bool no_alarms;                     /* leave every VALARM out */
    /* Called now and then on the calling thread with how many events of
     * TOTAL are written; NULL for none. Only the first options' counts. */
    void (*progress)(void *context, size_t done, size_t total);
    void *progress_context;
} almanac_ics_options;

/* Writes the feed as an iCalendar object (RFC 5545 + RFC 7986), streaming
 * event by event. Returns 0, or -1 on a write error. */
ALMANAC_API int almanac_render_ics(const almanac_document *document,
                       const almanac_ics_options *options, FILE *out);

/* Writes COUNT feeds at once, OPTIONS[k] into OUTS[k], each exactly as
 * almanac_render_ics() would, in one pass over the events: an event's
 * VEVENT is built and serialised once for all the feeds that hold it. The
 * options may differ only in feed and calendar_modified (else -1, EINVAL).
 * Returns 0, or -1 on a write error, after which the stream that failed
 * has its error indicator set (ferror), unless memory ran out. */
ALMANAC_API int almanac_render_ics_feeds(const almanac_document *document,
                             const almanac_ics_options *options,
                             FILE *const *outs, size_t count);

/* A hash of everything EVENT's VEVENT is made of but its time stamps and
 * SEQUENCE, which tells whether the event changed between builds: its UID,
 * SUMMARY and DESCRIPTION text, dates, timezone, partial-date policy, place,
 * url, tags, status, related ids, participants, sources and a format
 * version. (Serialising the VEVENT with libical to hash it cost as much as
 * writing the feed.) The values are kept in build states, so unchanged
 * content must keep its hash. Sets *HASH, to 0 when the event is not in any
 * feed (an omitted partial date). Returns 0, or -1 when out of memory. */
ALMANAC_API int almanac_render_ics_event_hash(const almanac_document *document,
                                  const almanac_event *event, uint64_t *hash);

/* Room for any file name almanac writes: a feed's id (at most
 * ALMANAC_MAX_SLUG_BYTES) and ".ics", a year's page, a timeline. */
enum { ALMANAC_FILE_NAME_MAX = 256 };

/* The feed's file name: "all.ics" for NULL, else "<id>.ics". SIZE is
 * ALMANAC_FILE_NAME_MAX, which always has room. */
ALMANAC_API void almanac_feed_file_name(const almanac_feed *feed, char *buffer, size_t size);

/* Options of every timeline format. Zeroed: every event, with details. */
typedef struct {
    unsigned width;                 /* text: columns to wrap to; 0 means 80 */
    bool no_details;                /* titles and dates only */
    almanac_timeline_filter filter;
    const char *note;               /* said under the heading when not NULL or "" (see
                                       almanac_timeline_view) */
    int year;                       /* html: only the entries filed under this year (that
                                       of their first day); 0: all */
    bool year_pages;                /* html: the year index links to the pages of
                                       almanac_html_page_years(), not to headings */
    const size_t *sorted;           /* the document's events as almanac_document_sorted()
                                       gives them, for a caller rendering many pages
                                       of one document; NULL: sorted here */
} almanac_timeline_options;

/* Above this many entries the HTML timeline is a page per year: one page
 * of 10,000 events is 15 MB, which Chromium needs 2-3 s to open. */
enum { ALMANAC_HTML_PAGE_MAX = 1000 };

/* When DOCUMENT's whole timeline has more than ALMANAC_HTML_PAGE_MAX
 * entries: the years of its entries, ascending, each a page "YYYY.html"
 * that almanac_build() writes (index.html is then the latest year's);
 * *COUNT is their number. Otherwise *COUNT is 0: one page. Returns a
 * malloc'ed array the caller frees (NULL with *COUNT 0 when one page; NULL
 * with *COUNT 1 when out of memory). */
ALMANAC_API int *almanac_html_page_years(const almanac_document *document, size_t *count);

/* "2023.html": the name of a year's page. SIZE is at least 16. */
ALMANAC_API void almanac_html_page_name(int year, char *buffer, size_t size);

/* The chronological timeline, in four formats. OPTIONS may be NULL. Each
 * returns 0, or -1 on a write error. */

/* Plain text grouped by year, wrapped to the width in terminal columns. */
ALMANAC_API int almanac_render_text(const almanac_document *document,
                        const almanac_timeline_options *options, FILE *out);

/* Markdown: a heading per year, a list item per event, links. */
ALMANAC_API int almanac_render_markdown(const almanac_document *document,
                            const almanac_timeline_options *options, FILE *out);

/* One self-contained HTML page: the events on a vertical timeline. */
ALMANAC_API int almanac_render_html(const almanac_document *document,
                        const almanac_timeline_options *options, FILE *out);

/* JSON: the normalized, sorted events, for other tools. */
ALMANAC_API int almanac_render_json(const almanac_document *document,
                        const almanac_timeline_options *options, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
