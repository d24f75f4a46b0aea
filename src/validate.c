/*
 * validate.c - checks that need the whole document (see load.h).
 *
 * Everything here is O(n log n) in the number of events: uniqueness and
 * lookups go through sorted arrays, never nested loops, so a file of a
 * million events validates as fast as its parse.
 */
#include "almanac/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tzdb.h"

/* A name with where it was written; sorted by name for lookups. */
typedef struct {
    const char *name;
    size_t at;
    size_t owner; /* index of the event or feed it belongs to */
} located_name;

static int by_name(const void *a, const void *b)
{
    const located_name *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return (x->at > y->at) - (x->at < y->at);
}

static bool contains(const located_name *sorted, size_t count, const char *name)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sorted[mid].name, name);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* Suggestions cost an edit distance per distinct name; a hostile file with
 * many dangling references gets the first few, never a quadratic run. */
enum { SUGGESTIONS_MAX = 10, SUGGESTION_NAMES_MAX = 100000 };

/* The name in SORTED closest to WORD, when it is a plausible typo and the
 * suggestion BUDGET is not spent; NULL otherwise. */
static const char *closest_name(const located_name *sorted, size_t count, const char *word,
                                unsigned *budget)
{
    if (*budget == 0 || count > SUGGESTION_NAMES_MAX)
        return NULL;
    (*budget)--;
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && strcmp(sorted[i].name, sorted[i - 1].name) == 0)
            continue;
        size_t d = edit_distance(word, sorted[i].name, false);
        if (d < best_distance) {
            best_distance = d;
            best = sorted[i].name;
        }
    }
    return best != NULL && is_plausible_typo(word, best_distance) ? best : NULL;
}

/* PROBLEM, then "did you mean 'SUGGESTION'?" or OTHERWISE without one. */
static void report_missing(almanac_diagnostics *diags, almanac_severity severity, size_t at,
                           const char *pointer, const char *problem, const char *suggestion,
                           const char *otherwise)
{
    almanac_diagnostics_add(diags, severity, at, pointer, "%s%s%s%s", problem,
                            suggestion ? "; did you mean '" : otherwise,
                            suggestion ? suggestion : "", suggestion ? "'?" : "");
}

static void pointer_for(char *buffer, size_t size, const char *list, size_t index,
                        const char *key)
{
    snprintf(buffer, size, "/%s/%zu%s%s", list, index, key ? "/" : "", key ? key : "");
}

static void report_duplicates(const located_name *sorted, size_t count, const char *list,
                              const char *what, almanac_diagnostics *diags)
{
    char pointer[64];
    for (size_t i = 1; i < count; i++) {
        if (strcmp(sorted[i].name, sorted[i - 1].name) != 0)
            continue;
        pointer_for(pointer, sizeof pointer, list, sorted[i].owner, "id");
        almanac_diagnostics_add(diags, ALMANAC_ERROR, sorted[i].at, pointer,
                                "duplicate %s '%s': /%s/%zu already has it; ids must be unique",
                                what, sorted[i].name, list, sorted[i - 1].owner);
    }
}

static located_name *event_ids(const almanac_document *doc)
{
    located_name *ids = malloc((doc->event_count ? doc->event_count : 1) * sizeof *ids);
    if (ids == NULL)
        return NULL;
    for (size_t i = 0; i < doc->event_count; i++)
        ids[i] = (located_name){doc->events[i].id, doc->events[i].at_id, doc->events[i].index};
    qsort(ids, doc->event_count, sizeof *ids, by_name);
    return ids;
}

static void check_related(const almanac_document *doc, const located_name *ids,
                          almanac_diagnostics *diags)
{
    char pointer[96];
    unsigned budget = SUGGESTIONS_MAX;
    for (size_t i = 0; i < doc->event_count; i++) {
        const almanac_event *e = &doc->events[i];
        for (size_t r = 0; r < e->related.count; r++) {
            const char *target = e->related.items[r];
            snprintf(pointer, sizeof pointer, "/events/%zu/related/%zu", e->index, r);
            if (strcmp(target, e->id) == 0) {
                almanac_diagnostics_add(diags, ALMANAC_ERROR, e->related.at[r], pointer,
                                        "an event cannot be related to itself");
            } else if (!contains(ids, doc->event_count, target)) {
                char problem[160];
                snprintf(problem, sizeof problem, "related event '%.100s' does not exist", target);
                report_missing(diags, ALMANAC_ERROR, e->related.at[r], pointer, problem,
                               closest_name(ids, doc->event_count, target, &budget),
                               "; check the id");
            }
        }
    }
}

/* End and start must be of one precision, and in order. */
static void check_dates(const almanac_event *e, almanac_diagnostics *diags)
{
    char pointer[64];
    if (!e->complete || !e->has_end)
        return;
    pointer_for(pointer, sizeof pointer, "events", e->index, "end");
    char start[ALMANAC_DATE_TEXT_MAX], end[ALMANAC_DATE_TEXT_MAX];
    almanac_date_format(&e->start, start);
    almanac_date_format(&e->end, end);
    if (e->end.precision != e->start.precision) {
        almanac_diagnostics_add(diags, ALMANAC_ERROR, e->at_end, pointer,
                                "end %s is of %s precision but start %s is of %s precision; "
                                "write both the same way", end,
                                almanac_precision_name(e->end.precision), start,
                                almanac_precision_name(e->start.precision));
        return;
    }
    int c = almanac_date_compare(&e->end, &e->start);
    if (c < 0)
        almanac_diagnostics_add(diags, ALMANAC_ERROR, e->at_end, pointer,
                                "end %s is before the start %s", end, start);
    else if (c == 0 && almanac_date_is_timed(&e->start))
        almanac_diagnostics_add(diags, ALMANAC_ERROR, e->at_end, pointer,
                                "end %s is the same time as the start; leave end out for "
                                "an event without duration", end);
}

/* Checks that timed events have a timezone, and that every named zone
 * exists; each distinct bad name is explained once. */
static void check_timezones(const almanac_document *doc, almanac_diagnostics *diags)
{
    size_t n = doc->event_count + 1;
    located_name *zones = malloc(n * sizeof *zones);
    if (zones == NULL)
        return;
    size_t count = 0;
    if (doc->calendar.timezone != NULL)
        zones[count++] = (located_name){doc->calendar.timezone, doc->calendar.at_timezone, SIZE_MAX};
    char pointer[64];
    for (size_t i = 0; i < doc->event_count; i++) {
        const almanac_event *e = &doc->events[i];
        if (e->timezone != NULL) {
            zones[count++] = (located_name){e->timezone, e->at_timezone, e->index};
            if (e->complete && e->start.precision != ALMANAC_PRECISION_LOCAL_TIME) {
                pointer_for(pointer, sizeof pointer, "events", e->index, "timezone");
                almanac_diagnostics_add(diags, ALMANAC_WARNING, e->at_timezone, pointer,
                                        "timezone is ignored: the event's start is %s, not a "
                                        "local time", e->start.precision == ALMANAC_PRECISION_UTC_TIME
                                        ? "in UTC" : "a date");
            }
        } else if (e->complete && e->start.precision == ALMANAC_PRECISION_LOCAL_TIME &&
                   doc->calendar.timezone == NULL) {
            pointer_for(pointer, sizeof pointer, "events", e->index, "start");
            almanac_diagnostics_add(diags, ALMANAC_ERROR, e->at_start, pointer,
                                    "a local time needs a timezone: add \"timezone\" to the event "
                                    "or the calendar, or end the time with Z for UTC");
        }
    }
    qsort(zones, count, sizeof *zones, by_name);
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && strcmp(zones[i].name, zones[i - 1].name) == 0)
            continue;
        if (tzdb_exists(zones[i].name))
            continue;
        char suggestion[160];
        bool close = tzdb_suggest(zones[i].name, suggestion, sizeof suggestion);
        if (zones[i].owner == SIZE_MAX)
            snprintf(pointer, sizeof pointer, "/calendar/timezone");
        else
            pointer_for(pointer, sizeof pointer, "events", zones[i].owner, "timezone");
        almanac_diagnostics_add(diags, ALMANAC_ERROR, zones[i].at, pointer,
                                "unknown timezone '%s'%s%s%s", zones[i].name,
                                close ? "; did you mean '" : "; use an IANA name such as 'Asia/Tashkent'",
                                close ? suggestion : "", close ? "'?" : "");
    }
    free(zones);
}

static void check_feeds(const almanac_document *doc, almanac_diagnostics *diags)
{
    size_t tag_total = 0;
    for (size_t i = 0; i < doc->event_count; i++)
        tag_total += doc->events[i].tags.count;
    located_name *tags = malloc((tag_total ? tag_total : 1) * sizeof *tags);
    located_name *feed_ids = malloc((doc->feed_count ? doc->feed_count : 1) * sizeof *feed_ids);
    if (tags == NULL || feed_ids == NULL) {
        free(tags);
        free(feed_ids);
        return;
    }
    size_t t = 0;
    for (size_t i = 0; i < doc->event_count; i++)
        for (size_t k = 0; k < doc->events[i].tags.count; k++)
            tags[t++] = (located_name){doc->events[i].tags.items[k], 0, i};
    qsort(tags, t, sizeof *tags, by_name);
    char pointer[96];
    unsigned budget = SUGGESTIONS_MAX;
    for (size_t f = 0; f < doc->feed_count; f++) {
        const almanac_feed *feed = &doc->feeds[f];
        feed_ids[f] = (located_name){feed->id, feed->at_id, feed->index};
        if (strcmp(feed->id, "all") == 0) {
            pointer_for(pointer, sizeof pointer, "feeds", feed->index, "id");
            almanac_diagnostics_add(diags, ALMANAC_ERROR, feed->at_id, pointer,
                                    "feed id 'all' is reserved for the full calendar (all.ics); "
                                    "choose another id");
        }
        for (size_t k = 0; k < feed->tags.count; k++) {
            if (contains(tags, t, feed->tags.items[k]))
                continue;
            snprintf(pointer, sizeof pointer, "/feeds/%zu/tags/%zu", feed->index, k);
            char problem[160];
            snprintf(problem, sizeof problem, "no event has the tag '%.80s', so it selects "
                     "nothing", feed->tags.items[k]);
            report_missing(diags, ALMANAC_WARNING, feed->tags.at[k], pointer, problem,
                           closest_name(tags, t, feed->tags.items[k], &budget), "");
        }
    }
    qsort(feed_ids, doc->feed_count, sizeof *feed_ids, by_name);
    report_duplicates(feed_ids, doc->feed_count, "feeds", "feed id", diags);
    free(tags);
    free(feed_ids);
}

void almanac_validate(const almanac_document *doc, almanac_diagnostics *diags)
{
    if (doc->calendar.id == NULL)
        return; /* the loader has already said what is missing */
    located_name *ids = event_ids(doc);
    if (ids == NULL) {
        almanac_diagnostics_add(diags, ALMANAC_ERROR, ALMANAC_NO_OFFSET, NULL,
                                "out of memory while validating");
        return;
    }
    report_duplicates(ids, doc->event_count, "events", "event id", diags);
    check_related(doc, ids, diags);
    free(ids);
    for (size_t i = 0; i < doc->event_count; i++)
        check_dates(&doc->events[i], diags);
    check_timezones(doc, diags);
    check_feeds(doc, diags);
}
