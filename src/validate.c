/*
 * validate.c - checks that need the whole document (see load.h).
 *
 * Everything here is linear in the number of events: uniqueness and
 * lookups go through hash sets, never nested loops or sorts of every id,
 * so a file of a million events validates in a fraction of its parse.
 */
#include "almanac/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name_set.h"
#include "series.h"
#include "text.h"
#include "tzdb.h"

static int by_name(const void *a, const void *b)
{
    const located_name *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return (x->at > y->at) - (x->at < y->at);
}

/* Suggestions cost an edit distance per distinct name; a hostile file with
 * many dangling references gets the first few, never a quadratic run. */
enum { SUGGESTIONS_MAX = 10, SUGGESTION_NAMES_MAX = 100000 };

/* The name in SORTED closest to WORD, when it is a plausible typo and the
 * suggestion BUDGET is not spent; NULL otherwise. */
static const char *closest_name(const located_name *names, size_t count, const char *word,
                                unsigned *budget)
{
    if (*budget == 0 || count > SUGGESTION_NAMES_MAX)
        return NULL;
    (*budget)--;
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;
    for (size_t i = 0; i < count; i++) {
        size_t d = edit_distance(word, names[i].name, false);
        /* ties go to the name first in alphabetical order */
        if (d < best_distance ||
            (best != NULL && d == best_distance && strcmp(names[i].name, best) < 0)) {
            best_distance = d;
            best = names[i].name;
        }
    }
    return best != NULL && is_plausible_typo(word, best_distance) ? best : NULL;
}

/* The end of a message about a name that is not there, as three %s
 * arguments: "; did you mean 'SUGGESTION'?", or OTHERWISE without one. */
#define DID_YOU_MEAN(suggestion, otherwise) \
    (suggestion) ? "; did you mean '" : (otherwise), (suggestion) ? (suggestion) : "", \
    (suggestion) ? "'?" : ""

static void pointer_for(char *buffer, size_t size, const char *list, size_t index,
                        const char *key)
{
    snprintf(buffer, size, "/%s/%zu%s%s", list, index, key ? "/" : "", key ? key : "");
}

/* Puts NAMES (in document order) into SET, reporting each name met before. */
static void add_unique(name_set *set, const located_name *names, size_t count,
                       const char *list, const char *what, almanac_diagnostics *diags)
{
    char pointer[64];
    for (size_t i = 0; i < count; i++) {
        const located_name *previous = name_set_put(set, &names[i]);
        if (previous == NULL)
            continue;
        pointer_for(pointer, sizeof pointer, list, names[i].owner, "id");
        almanac_diagnostics_report(diags, names[i].at, pointer, ALMANAC_E200,
                                   what, names[i].name, list, previous->owner);
    }
}

static void check_related(const almanac_document *doc, const located_name *ids,
                          const name_set *id_set, almanac_diagnostics *diags)
{
    char pointer[96];
    unsigned budget = SUGGESTIONS_MAX;
    for (size_t i = 0; i < doc->event_count; i++) {
        const almanac_event *e = &doc->events[i];
        for (size_t r = 0; r < e->related.count; r++) {
            const char *target = e->related.items[r];
            bool self = strcmp(target, e->id) == 0;
            if (!self && name_set_get(id_set, target) != NULL)
                continue;
            snprintf(pointer, sizeof pointer, "/events/%zu/related/%zu", e->index, r);
            if (self) {
                almanac_diagnostics_report(diags, e->related.at[r], pointer, ALMANAC_E201);
            } else {
                const char *suggestion = closest_name(ids, doc->event_count, target, &budget);
                almanac_diagnostics_report(diags, e->related.at[r], pointer, ALMANAC_E210,
                                           target, DID_YOU_MEAN(suggestion, "; check the id"));
            }
        }
    }
}

/* Ids must be unique, and related ids must name events. */
static void check_ids(const almanac_document *doc, almanac_diagnostics *diags)
{
    located_name *ids = malloc((doc->event_count ? doc->event_count : 1) * sizeof *ids);
    name_set set;
    if (ids == NULL || !name_set_init(&set, doc->event_count)) {
        free(ids);
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E202);
        return;
    }
    for (size_t i = 0; i < doc->event_count; i++)
        ids[i] = (located_name){doc->events[i].id, doc->events[i].at_id, doc->events[i].index};
    add_unique(&set, ids, doc->event_count, "events", "event id", diags);
    check_related(doc, ids, &set, diags);
    name_set_free(&set);
    free(ids);
}

/* End and start must be of one precision, and in order. */
static void check_dates(const almanac_event *e, almanac_diagnostics *diags)
{
    char pointer[64];
    if (!e->complete || !e->has_end)
        return;
    bool same_precision = e->end.precision == e->start.precision;
    int c = same_precision ? almanac_date_compare(&e->end, &e->start) : 0;
    /* in order; a date may end on its start day (formatting is for errors) */
    if (same_precision && (c > 0 || (c == 0 && !almanac_date_is_timed(&e->start))))
        return;
    pointer_for(pointer, sizeof pointer, "events", e->index, "end");
    char start[ALMANAC_DATE_TEXT_MAX], end[ALMANAC_DATE_TEXT_MAX];
    almanac_date_format(&e->start, start);
    almanac_date_format(&e->end, end);
    if (!same_precision) {
        almanac_diagnostics_report(diags, e->at_end, pointer, ALMANAC_E203, end,
                                   almanac_precision_name(e->end.precision), start,
                                   almanac_precision_name(e->start.precision));
        return;
    }
    if (c < 0)
        almanac_diagnostics_report(diags, e->at_end, pointer, ALMANAC_E204, end, start);
    else if (c == 0 && almanac_date_is_timed(&e->start))
        almanac_diagnostics_report(diags, e->at_end, pointer, ALMANAC_E205, end);
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
                almanac_diagnostics_report(diags, e->at_timezone, pointer, ALMANAC_W200, e->start.precision == ALMANAC_PRECISION_UTC_TIME
                                           ? "in UTC" : "a date");
            }
        } else if (e->complete && e->start.precision == ALMANAC_PRECISION_LOCAL_TIME &&
                   doc->calendar.timezone == NULL) {
            pointer_for(pointer, sizeof pointer, "events", e->index, "start");
            almanac_diagnostics_report(diags, e->at_start, pointer, ALMANAC_E206);
        }
    }
    qsort(zones, count, sizeof *zones, by_name);
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && strcmp(zones[i].name, zones[i - 1].name) == 0)
            continue;
        if (tzdb_exists(zones[i].name))
            continue;
        if (zones[i].owner == SIZE_MAX)
            snprintf(pointer, sizeof pointer, "/calendar/timezone");
        else
            pointer_for(pointer, sizeof pointer, "events", zones[i].owner, "timezone");
        char suggestion[240];
        if (tzdb_explain_refusal(zones[i].name, suggestion, sizeof suggestion)) {
            almanac_diagnostics_report(diags, zones[i].at, pointer, ALMANAC_E207, zones[i].name,
                                       suggestion);
            continue;
        }
        bool close = tzdb_suggest(zones[i].name, suggestion, sizeof suggestion);
        almanac_diagnostics_report(diags, zones[i].at, pointer, ALMANAC_E208, zones[i].name,
                                   close ? "; did you mean '" : "; use an IANA name such as 'Asia/Tashkent'",
                                   close ? suggestion : "", close ? "'?" : "");
    }
    free(zones);
}

/* "02:30", or "02:30:15" when the seconds are not zero. */
static void format_clock(int64_t clock_seconds, char *buffer, size_t size)
{
    almanac_date d = almanac_date_from_clock_seconds(clock_seconds, ALMANAC_PRECISION_LOCAL_TIME);
    if (d.second != 0)
        snprintf(buffer, size, "%02d:%02d:%02d", d.hour, d.minute, d.second);
    else
        snprintf(buffer, size, "%02d:%02d", d.hour, d.minute);
}

static void format_offset(int offset, char *buffer, size_t size)
{
    int minutes = (offset < 0 ? -offset : offset) / 60;
    snprintf(buffer, size, "UTC%c%02d:%02d", offset < 0 ? '-' : '+', minutes / 60, minutes % 60);
}

/* A local time that the zone's clocks skip or pass twice (a daylight-saving
 * change) is written as it was given, and calendar apps resolve it as RFC
 * 5545 3.3.5 says: a skipped time with the offset before the gap, a
 * repeated one as its first occurrence. Say which time that is. */
static void check_local_time(const almanac_date *date, const char *zone,
                             const tzdb_zone *handle, size_t at, const char *pointer,
                             almanac_diagnostics *diags)
{
    int64_t local = almanac_date_clock_seconds(date);
    tzdb_change change;
    tzdb_local_kind kind = tzdb_classify_local(handle, local, &change);
    if (kind == TZDB_LOCAL_ONCE)
        return;
    char written[ALMANAC_DATE_TEXT_MAX], from[16], to[16], shown[16], offset[16];
    almanac_date_format(date, written);
    format_clock(change.at + change.offset_before, from, sizeof from);
    format_clock(change.at + change.offset_after, to, sizeof to);
    if (kind == TZDB_LOCAL_SKIPPED) {
        format_clock(local + change.offset_after - change.offset_before, shown, sizeof shown);
        almanac_diagnostics_report(diags, at, pointer, ALMANAC_W201, written, zone, from,
                                   to, shown);
        return;
    }
    char second[ALMANAC_DATE_TEXT_MAX];
    almanac_date utc = almanac_date_from_clock_seconds(local - change.offset_after,
                                                       ALMANAC_PRECISION_UTC_TIME);
    utc.has_seconds = date->has_seconds || utc.second != 0;
    almanac_date_format(&utc, second);
    format_offset(change.offset_before, offset, sizeof offset);
    almanac_diagnostics_report(diags, at, pointer, ALMANAC_W202, written, zone, from, to,
                               offset, second);
}

static void check_local_times(const almanac_document *doc, almanac_diagnostics *diags)
{
    /* the zones met so far and libical's handles of them: events share a
     * few zones, and a lookup by name costs a search through libical's
     * list (a zone that does not exist has no handle) */
    enum { ZONES_KEPT = 16 };
    struct { const char *name; const tzdb_zone *handle; } kept[ZONES_KEPT];
    size_t kept_count = 0, next = 0;
    char pointer[64];
    for (size_t i = 0; i < doc->event_count; i++) {
        const almanac_event *e = &doc->events[i];
        const char *zone = e->complete ? almanac_event_timezone(doc, e) : NULL;
        if (zone == NULL)
            continue;
        size_t k = 0;
        while (k < kept_count && strcmp(kept[k].name, zone) != 0)
            k++;
        if (k == kept_count) {
            k = kept_count < ZONES_KEPT ? kept_count++ : next++ % ZONES_KEPT;
            kept[k].name = zone;
            kept[k].handle = tzdb_exists(zone) ? tzdb_zone_get(zone) : NULL;
        }
        const tzdb_zone *handle = kept[k].handle;
        if (handle == NULL)
            continue; /* check_timezones() says what is wrong with it */
        pointer_for(pointer, sizeof pointer, "events", e->index, "start");
        check_local_time(&e->start, zone, handle, e->at_start, pointer, diags);
        if (e->has_end && e->end.precision == ALMANAC_PRECISION_LOCAL_TIME) {
            pointer_for(pointer, sizeof pointer, "events", e->index, "end");
            check_local_time(&e->end, zone, handle, e->at_end, pointer, diags);
        }
    }
}

/* The distinct tags of all events, in order of first use, with *COUNT and
 * SET (the set of them). NULL when out of memory. */
static located_name *distinct_tags(const almanac_document *doc, name_set *set, size_t *count)
{
    size_t total = 0;
    for (size_t i = 0; i < doc->event_count; i++)
        total += doc->events[i].tags.count;
    located_name *tags = malloc((total ? total : 1) * sizeof *tags);
    if (tags == NULL || !name_set_init(set, total)) {
        free(tags);
        return NULL;
    }
    *count = 0;
    for (size_t i = 0; i < doc->event_count; i++) {
        const almanac_strings *list = &doc->events[i].tags;
        for (size_t k = 0; k < list->count; k++) {
            if (name_set_get(set, list->items[k]) != NULL)
                continue;
            tags[*count] = (located_name){list->items[k], list->at ? list->at[k] : 0, i};
            name_set_put(set, &tags[(*count)++]);
        }
    }
    return tags;
}

/* A tag no feed selects but close to one a feed does ("sumit" beside a
 * feed of "summit") is most likely a typo that silently keeps its events
 * out of that feed: a warning at its first use. When no event has the
 * feed's tag, check_feeds() has already said so, from the feed's side. */
static void check_unselected_tags(const almanac_document *doc, const located_name *tags,
                                  size_t tag_count, const name_set *used,
                                  almanac_diagnostics *diags)
{
    size_t total = 0;
    for (size_t f = 0; f < doc->feed_count; f++)
        total += doc->feeds[f].tags.count;
    located_name *selected = malloc((total ? total : 1) * sizeof *selected);
    name_set set;
    if (selected == NULL || !name_set_init(&set, total)) {
        free(selected);
        return; /* only a warning is lost */
    }
    size_t n = 0;
    for (size_t f = 0; f < doc->feed_count; f++)
        for (size_t k = 0; k < doc->feeds[f].tags.count; k++)
            if (name_set_get(&set, doc->feeds[f].tags.items[k]) == NULL) {
                selected[n] = (located_name){doc->feeds[f].tags.items[k], 0, f};
                name_set_put(&set, &selected[n++]);
            }
    unsigned budget = SUGGESTIONS_MAX;
    for (size_t i = 0; i < tag_count && budget > 0; i++) {
        if (name_set_get(&set, tags[i].name) != NULL)
            continue;
        const char *close = closest_name(selected, n, tags[i].name, &budget);
        if (close == NULL || name_set_get(used, close) == NULL)
            continue;
        const located_name *feed_tag = name_set_get(&set, close);
        const almanac_event *e = &doc->events[tags[i].owner];
        size_t k = 0;
        while (k + 1 < e->tags.count && strcmp(e->tags.items[k], tags[i].name) != 0)
            k++;
        char pointer[64];
        snprintf(pointer, sizeof pointer, "/events/%zu/tags/%zu", e->index, k);
        almanac_diagnostics_report(diags, tags[i].at, pointer, ALMANAC_W203,
                                   tags[i].name, close, doc->feeds[feed_tag->owner].id);
    }
    name_set_free(&set);
    free(selected);
}

static void check_feeds(const almanac_document *doc, almanac_diagnostics *diags)
{
    name_set tag_set, id_set;
    size_t tag_count = 0;
    located_name *tags = distinct_tags(doc, &tag_set, &tag_count);
    located_name *feed_ids = malloc((doc->feed_count ? doc->feed_count : 1) * sizeof *feed_ids);
    if (tags == NULL || feed_ids == NULL || !name_set_init(&id_set, doc->feed_count)) {
        if (tags != NULL)
            name_set_free(&tag_set);
        free(tags);
        free(feed_ids);
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E202);
        return;
    }
    char pointer[96];
    unsigned budget = SUGGESTIONS_MAX;
    for (size_t f = 0; f < doc->feed_count; f++) {
        const almanac_feed *feed = &doc->feeds[f];
        feed_ids[f] = (located_name){feed->id, feed->at_id, feed->index};
        if (strcmp(feed->id, "all") == 0) {
            pointer_for(pointer, sizeof pointer, "feeds", feed->index, "id");
            almanac_diagnostics_report(diags, feed->at_id, pointer, ALMANAC_E209);
        }
        for (size_t k = 0; k < feed->tags.count; k++) {
            if (name_set_get(&tag_set, feed->tags.items[k]) != NULL)
                continue;
            snprintf(pointer, sizeof pointer, "/feeds/%zu/tags/%zu", feed->index, k);
            const char *suggestion = closest_name(tags, tag_count, feed->tags.items[k],
                                                  &budget);
            almanac_diagnostics_report(diags, feed->tags.at[k], pointer, ALMANAC_W204,
                                       feed->tags.items[k], DID_YOU_MEAN(suggestion, ""));
        }
    }
    add_unique(&id_set, feed_ids, doc->feed_count, "feeds", "feed id", diags);
    check_unselected_tags(doc, tags, tag_count, &tag_set, diags);
    name_set_free(&id_set);
    name_set_free(&tag_set);
    free(tags);
    free(feed_ids);
}

/* Series need their zone known to be expanded: checked after the zones. */
static void check_series(const almanac_document *doc, almanac_diagnostics *diags)
{
    for (size_t i = 0; i < doc->event_count; i++) {
        const almanac_event *e = &doc->events[i];
        if (!e->complete || (!almanac_event_is_series(e) && !e->excluded_dates.count &&
                             !e->override_count))
            continue;
        const char *zone = almanac_event_timezone(doc, e);
        if (zone != NULL && !tzdb_exists(zone))
            continue; /* check_timezones() said so */
        series_validate(e, e->start.precision == ALMANAC_PRECISION_LOCAL_TIME ? zone : NULL,
                        diags);
    }
}

void almanac_validate(const almanac_document *doc, almanac_diagnostics *diags)
{
    if (doc->calendar.id == NULL)
        return; /* the loader has already said what is missing */
    check_ids(doc, diags);
    for (size_t i = 0; i < doc->event_count; i++)
        check_dates(&doc->events[i], diags);
    check_timezones(doc, diags);
    check_local_times(doc, diags);
    check_series(doc, diags);
    check_feeds(doc, diags);
}
