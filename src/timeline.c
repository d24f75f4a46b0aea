/*
 * timeline.c - selection, order and date labels of the timelines (see
 * timeline.h). Dates are plain calendar days here: nothing passes through
 * time_t or a timezone, so no label can shift by a day.
 */
#include "almanac/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    return true;
}

size_t *almanac_timeline_select(const almanac_document *doc,
                                const almanac_timeline_filter *filter, size_t *count)
{
    static const almanac_timeline_filter everything = {0};
    const almanac_timeline_filter *f = filter != NULL ? filter : &everything;
    *count = 0;
    size_t *order = almanac_document_sorted(doc);
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
