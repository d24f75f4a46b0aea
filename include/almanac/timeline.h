/*
 * almanac/timeline.h - which events a timeline shows, in which order, and
 * how their dates read. Shared by the text, Markdown, HTML and JSON
 * timelines so that they agree on every label.
 *
 * Order (one documented rule): by start, where a coarser date comes before
 * the finer dates it contains (2023, then Apr 2023, then 1 Apr 2023, then a
 * time that day); then by end, the shorter first; ties by id.
 */
#ifndef ALMANAC_TIMELINE_H
#define ALMANAC_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "almanac/model.h"
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a timeline keeps. Zeroed, it keeps every event. */
typedef struct {
    bool has_from, has_to;
    almanac_date from, to;    /* any precision: an event is kept when any of
                                 its days falls within [from, to] */
    const char *const *tags;  /* kept when it has any of these */
    size_t tag_count;
    const almanac_feed *feed; /* kept when the feed selects it; NULL: all */
    unsigned statuses;        /* bit (1u << almanac_status) per status kept;
                                 0: all */
    bool reverse;             /* latest first */
} almanac_timeline_filter;

/* Indexes into DOCUMENT's events of those FILTER keeps (NULL: all), in
 * timeline order. Sets *COUNT. Returns a malloc'ed array the caller frees
 * (never NULL unless out of memory, even when *COUNT is 0). */
ALMANAC_API size_t *almanac_timeline_select(const almanac_document *document,
                                const almanac_timeline_filter *filter, size_t *count);

/* almanac_timeline_select() from SORTED, the document's events as
 * almanac_document_sorted() gives them (NULL: sorted here): a caller that
 * renders many pages of one document sorts it once. */
ALMANAC_API size_t *almanac_timeline_select_sorted(const almanac_document *document,
                                                   const almanac_timeline_filter *filter,
                                                   const size_t *sorted, size_t *count);

/* Enough for any label below. */
enum { ALMANAC_LABEL_MAX = 96 };

/* The event's dates as a person writes them, at exactly their precision,
 * without the year when the timeline's year heading gives it:
 * "21 Jul", "15–16 Sep", "30 Sep – 2 Oct", "28 Dec 2022 – 3 Jan 2023",
 * "Apr", "Apr–Jun", "2023", "2023–2024". Timed events show their day. */
ALMANAC_API void almanac_timeline_dates(const almanac_event *event, char label[ALMANAC_LABEL_MAX]);

/* The same with the year always given: "21 Jul 2022", "April 2023" ... */
ALMANAC_API void almanac_timeline_dates_with_year(const almanac_event *event,
                                      char label[ALMANAC_LABEL_MAX]);

/* One date at its precision, with its year: "21 Oct 2022", "Oct 2022",
 * "2022" (a time shows its day). */
ALMANAC_API void almanac_timeline_date(const almanac_date *date, char label[ALMANAC_LABEL_MAX]);

/* "10:00–12:30 Asia/Tashkent", "09:00 UTC"; empty for untimed events. */
ALMANAC_API void almanac_timeline_times(const almanac_document *document, const almanac_event *event,
                            char label[ALMANAC_LABEL_MAX]);

/* For an event known only to the month or year, how a sentence names its
 * time: "April 2023", "April - June 2023", "2023", "2022 - 2023"; an empty
 * label for exact events. */
ALMANAC_API void almanac_timeline_partial_label(const almanac_event *event, char label[ALMANAC_LABEL_MAX]);

/* The document as a timeline shows it. When FILTER gives --from or --to,
 * each series within the range is replaced by its occurrences, each an
 * event of its own in its place (occurrence_of set; the series itself is
 * marked expanded and not shown); without --to, occurrences stop at a
 * horizon one year after --from. NOTE (SIZE bytes) receives what the
 * reader must be told ("Repeating events are shown to 5 Dec 2027 ..."),
 * or "". Returns a document to free with almanac_document_free(), or NULL
 * when out of memory. Events, feeds and strings are shared with DOCUMENT,
 * which must outlive it. */
ALMANAC_API almanac_document *almanac_timeline_view(const almanac_document *document,
                                        const almanac_timeline_filter *filter,
                                        char *note, size_t size);

/* What the timeline says of a series or an occurrence in one line: the
 * rule in words, and for an occurrence that moved, where from ("every week
 * on Tue, 10 times · moved from 22 Apr 2025"). Empty for one-off events. */
ALMANAC_API void almanac_timeline_series_label(const almanac_event *event, char *buffer, size_t size);

/* Reminders, organizer and attendees in one line for a reader:
 * "reminder 30 min before · organizer Dilnoza Karimova · attendees: Jonas
 * Weber (chair, accepted), …". Empty when the event has none. ALARMS are
 * the ones that apply (almanac_event_alarms). */
ALMANAC_API void almanac_timeline_people_label(const almanac_event *event,
                                   const almanac_alarm_list *alarms, char *buffer, size_t size);

/* The count every timeline states: "7 events", "3 of 7 events", or for a
 * view with occurrences "12 entries from 7 events". SHOWN: entries kept. */
ALMANAC_API void almanac_timeline_count_label(const almanac_document *document, size_t shown,
                                  char *buffer, size_t size);

/* The events of the file in a timeline's view (occurrences not counted). */
ALMANAC_API size_t almanac_timeline_total(const almanac_document *document);

/* " (planned)", " (cancelled)" or "" for confirmed events. */
ALMANAC_API const char *almanac_timeline_status_mark(almanac_status status);

#ifdef __cplusplus
}
#endif

#endif
