/*
 * model.c - document ownership and queries (see model.h).
 */
#include "almanac/model.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"

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
    for (size_t i = 0; i < feed->tags.count; i++)
        if (almanac_event_has_tag(event, feed->tags.items[i]))
            return true;
    return false;
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

/* qsort has no context argument in C11: sort pointers to events instead of
 * indexes, then turn them back into indexes. */
static int compare_events(const void *a, const void *b)
{
    const almanac_event *x = *(const almanac_event *const *)a;
    const almanac_event *y = *(const almanac_event *const *)b;
    int c = almanac_date_compare(&x->start, &y->start);
    if (c != 0)
        return c;
    const almanac_date *ex = x->has_end ? &x->end : &x->start;
    const almanac_date *ey = y->has_end ? &y->end : &y->start;
    c = almanac_day_compare(almanac_date_last_day(ex), almanac_date_last_day(ey));
    if (c != 0)
        return c;
    return strcmp(x->id, y->id);
}

size_t *almanac_document_sorted(const almanac_document *document)
{
    size_t n = document->event_count;
    if (n == 0)
        return NULL;
    const almanac_event **order = malloc(n * sizeof *order);
    size_t *indexes = malloc(n * sizeof *indexes);
    if (order == NULL || indexes == NULL) {
        free(order);
        free(indexes);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = &document->events[i];
    qsort(order, n, sizeof *order, compare_events);
    for (size_t i = 0; i < n; i++)
        indexes[i] = (size_t)(order[i] - document->events);
    free(order);
    return indexes;
}
