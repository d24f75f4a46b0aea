/*
 * model.c - document ownership and queries (see model.h).
 */
#include "almanac/model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "name_set.h"

void almanac_document_free(almanac_document *document)
{
    if (document == NULL)
        return;
    arena_free(document->arena);
    free(document);
}

const char *almanac_event_timezone(const almanac_document *document,
                                   const almanac_event *event)
{
    if (event->start.precision != ALMANAC_PRECISION_LOCAL_TIME)
        return NULL;
    return event->timezone != NULL ? event->timezone : document->calendar.timezone;
}

bool almanac_event_has_tag(const almanac_event *event, const char *tag)
{
    for (size_t i = 0; i < event->tags.count; i++)
        if (strcmp(event->tags.items[i], tag) == 0)
            return true;
    return false;
}

bool almanac_feed_selects(const almanac_feed *feed, const almanac_event *event)
{
    if (feed == NULL)
        return true;
    if (feed->indexed)
        return (event->feed_bits >> feed->bit & 1) != 0;
    for (size_t i = 0; i < feed->tags.count; i++)
        if (almanac_event_has_tag(event, feed->tags.items[i]))
            return true;
    return false;
}

static void index_feeds(almanac_document *document)
{
    size_t bits = document->feed_count < 64 ? document->feed_count : 64;
    for (size_t k = 0; k < document->feed_count; k++)
        document->feeds[k].indexed = false; /* selects by tags below */
    for (size_t i = 0; i < document->event_count; i++) {
        almanac_event *e = &document->events[i];
        e->feed_bits = 0;
        for (size_t k = 0; k < bits; k++)
            if (almanac_feed_selects(&document->feeds[k], e))
                e->feed_bits |= UINT64_C(1) << k;
    }
    for (size_t k = 0; k < bits; k++) {
        document->feeds[k].bit = k;
        document->feeds[k].indexed = true;
    }
}

/* related_index of every event, from one set of the ids: a search per
 * reference (or a sort of every id per output) is what it replaces. Left
 * NULL when out of memory. */
static void index_related(almanac_document *document)
{
    size_t n = document->event_count;
    for (size_t i = 0; i < n; i++)
        document->events[i].related_index = NULL;
    located_name *ids = malloc((n ? n : 1) * sizeof *ids);
    name_set set = {0};
    if (ids == NULL || !name_set_init(&set, n)) {
        free(ids);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        ids[i] = (located_name){document->events[i].id, 0, i};
        name_set_put(&set, &ids[i]);
    }
    for (size_t i = 0; i < n; i++) {
        almanac_event *e = &document->events[i];
        if (e->related.count == 0)
            continue;
        size_t *index = arena_array(document->arena, e->related.count, sizeof *index);
        if (index == NULL)
            break;
        for (size_t r = 0; r < e->related.count; r++) {
            const located_name *found = name_set_get(&set, e->related.items[r]);
            index[r] = found != NULL ? found->owner : SIZE_MAX;
        }
        e->related_index = index;
    }
    name_set_free(&set);
    free(ids);
}

void almanac_document_index(almanac_document *document)
{
    index_feeds(document);
    index_related(document);
}

const almanac_event *almanac_related_event(const almanac_document *document,
                                           const almanac_event *event, size_t i)
{
    if (event->related_index != NULL) {
        size_t k = event->related_index[i];
        return k < document->event_count ? &document->events[k] : NULL;
    }
    for (size_t k = 0; k < document->event_count; k++)
        if (strcmp(document->events[k].id, event->related.items[i]) == 0)
            return &document->events[k];
    return NULL;
}

const almanac_feed *almanac_document_find_feed(const almanac_document *document,
                                               const char *id)
{
    for (size_t i = 0; i < document->feed_count; i++)
        if (strcmp(document->feeds[i].id, id) == 0)
            return &document->feeds[i];
    return NULL;
}

const char *almanac_status_name(almanac_status status)
{
    switch (status) {
    case ALMANAC_STATUS_CONFIRMED: return "confirmed";
    case ALMANAC_STATUS_TENTATIVE: return "tentative";
    case ALMANAC_STATUS_CANCELLED: return "cancelled";
    }
    return "confirmed";
}

bool almanac_partial_policy_parse(const char *name, almanac_partial_policy *policy)
{
    static const struct { const char *name; almanac_partial_policy policy; } names[] = {
        {"span", ALMANAC_PARTIAL_SPAN}, {"first-day", ALMANAC_PARTIAL_FIRST_DAY},
        {"omit", ALMANAC_PARTIAL_OMIT}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0) {
            *policy = names[i].policy;
            return true;
        }
    return false;
}

/* The timeline order as numbers, so that sorting reads one small array
 * instead of chasing every compared event through the model, which grew
 * dearer per event the larger the model (perf, 100,000 vs 1,000,000
 * events). The encodings keep
 * almanac_date_compare's order for every date the loader accepts (month
 * 0-12, day 0-31, clock time within a day). */
typedef struct {
    int64_t first;  /* first day of the start */
    int64_t clock;  /* precision rank, time of day, precision */
    int64_t last;   /* last day of the end (or of the start) */
    const char *id; /* the last tie-breaker */
    size_t index;
} sort_key;

static int64_t day_number(almanac_day d)
{
    return (int64_t)d.year * 416 + d.month * 32 + d.day;
}

/* Both kinds of time rank as one before the clock decides (date.c). */
static int64_t clock_key(const almanac_date *d)
{
    int rank = d->precision == ALMANAC_PRECISION_UTC_TIME ? (int)ALMANAC_PRECISION_LOCAL_TIME
                                                           : (int)d->precision;
    int64_t seconds = (int64_t)d->hour * 3600 + d->minute * 60 + d->second;
    return ((int64_t)rank * 86401 + seconds) * 8 + (int64_t)d->precision;
}

static int compare_int64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

static int compare_keys(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    int c = compare_int64(x->first, y->first);
    if (c == 0)
        c = compare_int64(x->clock, y->clock);
    if (c == 0)
        c = compare_int64(x->last, y->last);
    return c != 0 ? c : strcmp(x->id, y->id);
}

size_t *almanac_document_sorted(const almanac_document *document)
{
    size_t n = document->event_count;
    if (n == 0)
        return NULL;
    sort_key *keys = malloc(n * sizeof *keys);
    size_t *indexes = malloc(n * sizeof *indexes);
    if (keys == NULL || indexes == NULL) {
        free(keys);
        free(indexes);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const almanac_event *e = &document->events[i];
        keys[i] = (sort_key){day_number(almanac_date_first_day(&e->start)), clock_key(&e->start),
                             day_number(almanac_date_last_day(e->has_end ? &e->end : &e->start)),
                             e->id, i};
    }
    qsort(keys, n, sizeof *keys, compare_keys);
    for (size_t i = 0; i < n; i++)
        indexes[i] = keys[i].index;
    free(keys);
    return indexes;
}

bool almanac_event_is_series(const almanac_event *event)
{
    return event->has_repeat || event->extra_dates.count > 0;
}

const almanac_alarm_list *almanac_event_alarms(const almanac_document *document,
                                               const almanac_event *event)
{
    return event->alarms.given ? &event->alarms : &document->calendar.alarms;
}

const char *almanac_role_ical(almanac_role role)
{
    static const char *const names[] = {"REQ-PARTICIPANT", "CHAIR", "OPT-PARTICIPANT",
                                        "NON-PARTICIPANT"};
    return names[role];
}

const char *almanac_partstat_ical(almanac_partstat status)
{
    static const char *const names[] = {"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE",
                                        "DELEGATED"};
    return names[status];
}

const char *almanac_role_name(almanac_role role)
{
    static const char *const names[] = {"required", "chair", "optional", "non-participant"};
    return names[role];
}

const char *almanac_partstat_name(almanac_partstat status)
{
    static const char *const names[] = {"needs-action", "accepted", "declined", "tentative",
                                        "delegated"};
    return names[status];
}
