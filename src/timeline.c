/*
 * timeline.c - selection, order and date labels of the timelines (see
 * timeline.h). Dates are plain calendar days here: nothing passes through
 * time_t or a timezone, so no label can shift by a day.
 */
#include "almanac/timeline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "series.h"

/* ---- selection -------------------------------------------------------- */

static almanac_day last_day_of(const almanac_event *e)
{
    return almanac_date_last_day(e->has_end ? &e->end : &e->start);
}

static bool has_any_tag(const almanac_event *e, const char *const *tags, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (almanac_event_has_tag(e, tags[i]))
            return true;
    return false;
}

static bool keeps(const almanac_timeline_filter *f, const almanac_event *e)
{
    if (f->has_from &&
        almanac_day_compare(last_day_of(e), almanac_date_first_day(&f->from)) < 0)
        return false;
    if (f->has_to &&
        almanac_day_compare(almanac_date_first_day(&e->start), almanac_date_last_day(&f->to)) > 0)
        return false;
    if (f->tag_count > 0 && !has_any_tag(e, f->tags, f->tag_count))
        return false;
    if (f->feed != NULL && !almanac_feed_selects(f->feed, e))
        return false;
    if (f->statuses != 0 && !(f->statuses & (1u << e->status)))
        return false;
    return !e->expanded;
}

size_t *almanac_timeline_select(const almanac_document *doc,
                                const almanac_timeline_filter *filter, size_t *count)
{
    return almanac_timeline_select_sorted(doc, filter, NULL, count);
}

size_t *almanac_timeline_select_sorted(const almanac_document *doc,
                                       const almanac_timeline_filter *filter,
                                       const size_t *sorted, size_t *count)
{
    static const almanac_timeline_filter everything = {0};
    const almanac_timeline_filter *f = filter != NULL ? filter : &everything;
    *count = 0;
    size_t *order = NULL;
    if (sorted == NULL) {
        order = almanac_document_sorted(doc);
    } else if (doc->event_count > 0 && (order = malloc(doc->event_count * sizeof *order)) != NULL) {
        memcpy(order, sorted, doc->event_count * sizeof *order);
    }
    if (order == NULL)
        return doc->event_count == 0 ? calloc(1, sizeof *order) : NULL;
    size_t kept = 0;
    for (size_t i = 0; i < doc->event_count; i++)
        if (keeps(f, &doc->events[order[i]]))
            order[kept++] = order[i];
    for (size_t i = 0; f->reverse && i < kept / 2; i++) {
        size_t swap = order[i];
        order[i] = order[kept - 1 - i];
        order[kept - 1 - i] = swap;
    }
    *count = kept;
    return order;
}

/* ---- labels ----------------------------------------------------------- */

/* One date at its precision: "21 Jul", "Jul", "2023"; with the year when
 * WITH_YEAR ("21 Jul 2022", "Jul 2023"). */
static void one_date(const almanac_date *d, bool with_year, char *buf, size_t size)
{
    switch (d->precision) {
    case ALMANAC_PRECISION_YEAR:
        snprintf(buf, size, "%d", d->year);
        break;
    case ALMANAC_PRECISION_MONTH:
        snprintf(buf, size, with_year ? "%s %d" : "%s", almanac_month_abbrev(d->month), d->year);
        break;
    default:
        snprintf(buf, size, with_year ? "%d %s %d" : "%d %s", d->day,
                 almanac_month_abbrev(d->month), d->year);
        break;
    }
}

static void dates_label(const almanac_event *e, bool always_year, char *buf, size_t size)
{
    const almanac_date *s = &e->start;
    almanac_day first = almanac_date_first_day(s), last = last_day_of(e);
    if (s->precision == ALMANAC_PRECISION_YEAR) {
        if (last.year != first.year)
            snprintf(buf, size, "%d–%d", first.year, last.year);
        else
            snprintf(buf, size, "%d", first.year);
        return;
    }
    char a[40], b[40];
    if (almanac_day_compare(first, last) == 0 ||
        (s->precision == ALMANAC_PRECISION_MONTH && first.month == last.month &&
         first.year == last.year)) {
        one_date(s, always_year, buf, size);
    } else if (first.year != last.year) {
        one_date(s, true, a, sizeof a);
        one_date(&e->end, true, b, sizeof b);
        snprintf(buf, size, "%s – %s", a, b);
    } else if (s->precision == ALMANAC_PRECISION_MONTH) {
        snprintf(buf, size, always_year ? "%s–%s %d" : "%s–%s", almanac_month_abbrev(first.month),
                 almanac_month_abbrev(last.month), first.year);
    } else if (first.month == last.month) {
        snprintf(buf, size, always_year ? "%d–%d %s %d" : "%d–%d %s", first.day, last.day,
                 almanac_month_abbrev(first.month), first.year);
    } else {
        one_date(s, false, a, sizeof a);
        one_date(&e->end, always_year, b, sizeof b);
        snprintf(buf, size, "%s – %s", a, b);
    }
}

void almanac_timeline_date(const almanac_date *date, char label[ALMANAC_LABEL_MAX])
{
    one_date(date, true, label, ALMANAC_LABEL_MAX);
}

void almanac_timeline_dates(const almanac_event *event, char label[ALMANAC_LABEL_MAX])
{
    dates_label(event, false, label, ALMANAC_LABEL_MAX);
}

void almanac_timeline_dates_with_year(const almanac_event *event,
                                      char label[ALMANAC_LABEL_MAX])
{
    dates_label(event, true, label, ALMANAC_LABEL_MAX);
}

static void clock_label(const almanac_date *d, char *buf, size_t size)
{
    if (d->has_seconds)
        snprintf(buf, size, "%02d:%02d:%02d", d->hour, d->minute, d->second);
    else
        snprintf(buf, size, "%02d:%02d", d->hour, d->minute);
}

void almanac_timeline_times(const almanac_document *doc, const almanac_event *e,
                            char label[ALMANAC_LABEL_MAX])
{
    label[0] = '\0';
    if (!almanac_date_is_timed(&e->start))
        return;
    char a[16], b[16] = "";
    clock_label(&e->start, a, sizeof a);
    if (e->has_end)
        clock_label(&e->end, b, sizeof b);
    const char *zone = e->start.precision == ALMANAC_PRECISION_UTC_TIME
                           ? "UTC" : almanac_event_timezone(doc, e);
    snprintf(label, ALMANAC_LABEL_MAX, "%s%s%s%s%s", a, b[0] ? "–" : "", b, zone ? " " : "",
             zone ? zone : "");
}

void almanac_timeline_partial_label(const almanac_event *e, char label[ALMANAC_LABEL_MAX])
{
    const almanac_date *s = &e->start, *end = e->has_end ? &e->end : &e->start;
    bool month = s->precision == ALMANAC_PRECISION_MONTH;
    bool same = s->year == end->year && (!month || s->month == end->month);
    const size_t size = ALMANAC_LABEL_MAX;
    if (s->precision > ALMANAC_PRECISION_MONTH)
        label[0] = '\0';
    else if (month && same)
        snprintf(label, size, "%s %d", almanac_month_name(s->month), s->year);
    else if (month && s->year == end->year)
        snprintf(label, size, "%s - %s %d", almanac_month_name(s->month),
                 almanac_month_name(end->month), s->year);
    else if (month)
        snprintf(label, size, "%s %d - %s %d", almanac_month_name(s->month), s->year,
                 almanac_month_name(end->month), end->year);
    else if (same)
        snprintf(label, size, "%d", s->year);
    else
        snprintf(label, size, "%d - %d", s->year, end->year);
}

const char *almanac_timeline_status_mark(almanac_status status)
{
    switch (status) {
    case ALMANAC_STATUS_TENTATIVE: return " (planned)";
    case ALMANAC_STATUS_CANCELLED: return " (cancelled)";
    case ALMANAC_STATUS_CONFIRMED: break;
    }
    return "";
}

/* ---- series ------------------------------------------------------------- */

/* Occurrences a view holds at most, all series together. */
enum { VIEW_OCCURRENCES_MAX = 1000000 };

typedef struct {
    almanac_arena *arena;
    const almanac_event *series;
    almanac_event *events;
    size_t count, capacity;
    size_t originals; /* the document's events, first in EVENTS */
    bool full;
} view_builder;

static bool add_occurrence(void *context, const series_occurrence *o)
{
    view_builder *v = context;
    if (v->count - v->originals >= VIEW_OCCURRENCES_MAX) {
        v->full = true;
        return false;
    }
    if (v->count == v->capacity) {
        size_t grown = v->capacity * 2;
        almanac_event *events = arena_array_grow(v->arena, v->events, v->count, grown,
                                                 sizeof *events);
        if (events == NULL) {
            v->full = true;
            return false;
        }
        v->events = events;
        v->capacity = grown;
    }
    almanac_event e = series_occurrence_event(v->series, o);
    e.occurrence_of = v->series;
    e.original_start = o->original;
    e.expanded = false;
    v->events[v->count++] = e;
    return true;
}

static almanac_day day_of(const almanac_date *d, bool last)
{
    return last ? almanac_date_last_day(d) : almanac_date_first_day(d);
}

almanac_document *almanac_timeline_view(const almanac_document *doc,
                                        const almanac_timeline_filter *filter,
                                        char *note, size_t size)
{
    note[0] = '\0';
    almanac_document *view = calloc(1, sizeof *view);
    if (view == NULL)
        return NULL;
    *view = *doc;
    view->arena = arena_new();
    size_t capacity = doc->event_count + 16;
    view_builder v = {view->arena, NULL, NULL, doc->event_count, capacity, doc->event_count,
                      false};
    v.events = view->arena != NULL ? arena_array(view->arena, capacity, sizeof *v.events) : NULL;
    if (v.events == NULL) {
        almanac_document_free(view);
        return NULL;
    }
    if (doc->event_count > 0)
        memcpy(v.events, doc->events, doc->event_count * sizeof *v.events);
    bool expand = filter != NULL && (filter->has_from || filter->has_to);
    almanac_day from = {ALMANAC_YEAR_MIN, 1, 1}, to = {ALMANAC_YEAR_FEED_MAX, 12, 31};
    bool horizon = false;
    if (expand && filter->has_from)
        from = day_of(&filter->from, false);
    if (expand && filter->has_to) {
        to = day_of(&filter->to, true);
    } else if (expand) {
        to = from;
        to.year++;
        if (to.month == 2 && to.day == 29)
            to.day = 28;
        horizon = true;
    }
    size_t expanded = 0;
    bool truncated = false;
    for (size_t i = 0; expand && i < doc->event_count && !v.full; i++) {
        const almanac_event *e = &doc->events[i];
        if (!almanac_event_is_series(e))
            continue;
        v.series = e;
        v.events[i].expanded = true;
        bool cut = false;
        series_walk(e, almanac_event_timezone(doc, e), from, to, add_occurrence, &v, &cut);
        truncated |= cut;
        expanded++;
    }
    view->events = v.events;
    view->event_count = v.count;
    char shown[ALMANAC_LABEL_MAX];
    if (expanded > 0 && horizon) {
        almanac_date d = {.precision = ALMANAC_PRECISION_DAY, .year = to.year,
                          .month = to.month, .day = to.day};
        almanac_timeline_date(&d, shown);
        snprintf(note, size, "Repeating events are shown occurrence by occurrence up to %s, "
                 "one year after --from; give --to to see further.", shown);
    } else if (expanded > 0) {
        snprintf(note, size, "Repeating events are shown occurrence by occurrence.");
    }
    if (v.full || truncated) {
        size_t used = strlen(note);
        snprintf(note + used, size - used, "%sSome series have more occurrences in the range "
                 "than a timeline shows (%d); give a shorter range.", used ? " " : "",
                 v.full ? VIEW_OCCURRENCES_MAX : SERIES_STEPS_MAX);
    }
    return view;
}

void almanac_timeline_series_label(const almanac_event *event, char *buffer, size_t size)
{
    buffer[0] = '\0';
    const almanac_event *series = event->occurrence_of != NULL ? event->occurrence_of : event;
    if (!almanac_event_is_series(series))
        return;
    series_words(series, buffer, size);
    if (event->occurrence_of != NULL &&
        almanac_date_compare(&event->start, &event->original_start) != 0) {
        char from[ALMANAC_LABEL_MAX], time[16] = "";
        almanac_timeline_date(&event->original_start, from);
        if (almanac_date_is_timed(&event->original_start))
            snprintf(time, sizeof time, " %02d:%02d", event->original_start.hour,
                     event->original_start.minute);
        size_t used = strlen(buffer);
        snprintf(buffer + used, size - used, " · moved from %s%s", from, time);
    }
}

static void append(char *buffer, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
static void append(char *buffer, size_t size, const char *format, ...)
{
    size_t used = strlen(buffer);
    if (used + 1 >= size)
        return;
    va_list ap;
    va_start(ap, format);
    vsnprintf(buffer + used, size - used, format, ap);
    va_end(ap);
}

/* "30 min", "1 h 30 min", "1 day", "2 weeks". */
static void duration_words(long seconds, char *buffer, size_t size)
{
    buffer[0] = '\0';
    if (seconds == 0) {
        snprintf(buffer, size, "0 min");
        return;
    }
    if (seconds % 604800 == 0) {
        snprintf(buffer, size, "%ld week%s", seconds / 604800, seconds == 604800 ? "" : "s");
        return;
    }
    long days = seconds / 86400, hours = seconds % 86400 / 3600, minutes = seconds % 3600 / 60;
    if (days)
        append(buffer, size, "%ld day%s", days, days == 1 ? "" : "s");
    if (hours)
        append(buffer, size, "%s%ld h", buffer[0] ? " " : "", hours);
    if (minutes)
        append(buffer, size, "%s%ld min", buffer[0] ? " " : "", minutes);
    if (seconds % 60)
        append(buffer, size, "%s%ld s", buffer[0] ? " " : "", seconds % 60);
}

void almanac_timeline_people_label(const almanac_event *e, const almanac_alarm_list *alarms,
                                   char *buffer, size_t size)
{
    buffer[0] = '\0';
    for (size_t i = 0; alarms != NULL && i < alarms->count; i++) {
        const almanac_alarm *a = &alarms->items[i];
        append(buffer, size, "%s", i == 0 ? "reminder " : ", ");
        if (a->kind == ALMANAC_ALARM_AT) {
            char when[ALMANAC_LABEL_MAX];
            almanac_timeline_date(&a->at, when);
            append(buffer, size, "at %s %02d:%02d UTC", when, a->at.hour, a->at.minute);
        } else {
            char d[64];
            duration_words(a->seconds, d, sizeof d);
            append(buffer, size, "%s %s %s", d,
                   a->kind == ALMANAC_ALARM_BEFORE ? "before" : "after",
                   a->of_end ? "the end" : "the start");
        }
    }
    if (e->has_organizer) {
        append(buffer, size, "%sorganizer %s", buffer[0] ? " · " : "",
               e->organizer.name != NULL ? e->organizer.name : e->organizer.email);
    }
    for (size_t i = 0; i < e->attendee_count; i++) {
        const almanac_person *p = &e->attendees[i];
        append(buffer, size, "%s%s (%s, %s)", i == 0 ? (buffer[0] ? " · attendees: "
                                                                  : "attendees: ") : ", ",
               p->name != NULL ? p->name : p->email, almanac_role_name(p->role),
               almanac_partstat_name(p->status));
    }
}

size_t almanac_timeline_total(const almanac_document *doc)
{
    size_t total = 0;
    for (size_t i = 0; i < doc->event_count; i++)
        total += doc->events[i].occurrence_of == NULL;
    return total;
}

void almanac_timeline_count_label(const almanac_document *doc, size_t shown, char *buffer,
                                  size_t size)
{
    size_t total = almanac_timeline_total(doc);
    if (total != doc->event_count)
        snprintf(buffer, size, "%zu entr%s from %zu event%s", shown, shown == 1 ? "y" : "ies",
                 total, total == 1 ? "" : "s");
    else if (shown == total)
        snprintf(buffer, size, "%zu event%s", shown, shown == 1 ? "" : "s");
    else
        snprintf(buffer, size, "%zu of %zu events", shown, total);
}
