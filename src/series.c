/*
 * series.c - occurrences of repeating events through libical (see
 * series.h).
 */
#include "series.h"

#include <libical/ical.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- dates to and from libical ----------------------------------------- */

static struct icaltimetype to_ical(const almanac_date *d)
{
    struct icaltimetype t = icaltime_null_time();
    t.year = d->year;
    t.month = d->month;
    t.day = d->day;
    if (!almanac_date_is_timed(d)) {
        t.is_date = 1;
        return t;
    }
    t.hour = d->hour;
    t.minute = d->minute;
    t.second = d->second;
    /* local and UTC times both iterate as wall-clock readings: a rule
     * repeats in the zone's local time (RFC 5545 §3.3.10) */
    return t;
}

static almanac_date from_ical(struct icaltimetype t, const almanac_date *kind)
{
    almanac_date d = *kind;
    d.year = t.year;
    d.month = t.month;
    d.day = t.day;
    if (almanac_date_is_timed(kind)) {
        d.hour = t.hour;
        d.minute = t.minute;
        d.second = t.second;
        d.has_seconds = kind->has_seconds || t.second != 0;
    }
    return d;
}

static bool same_kind(const almanac_date *a, const almanac_date *b)
{
    return a->precision == b->precision;
}

/* The UTC time UNTIL as a wall-clock reading in ZONE, so that libical,
 * which iterates wall-clock readings, compares like with like. */
static almanac_date until_in_zone(const almanac_date *until, const char *zone)
{
    icaltimezone *z = zone != NULL ? icaltimezone_get_builtin_timezone(zone) : NULL;
    if (z == NULL || until->precision != ALMANAC_PRECISION_UTC_TIME)
        return *until;
    struct icaltimetype t = to_ical(until);
    t.zone = icaltimezone_get_utc_timezone();
    t = icaltime_convert_to_zone(t, z);
    almanac_date local = *until;
    local.precision = ALMANAC_PRECISION_LOCAL_TIME;
    return from_ical(t, &local);
}

/* libical's rule for EVENT, its until made local for a local start. */
static struct icalrecurrencetype ical_rule(const almanac_event *e, const char *zone)
{
    struct icalrecurrencetype r = icalrecurrencetype_from_string(e->repeat.rule);
    if (e->repeat.has_until && e->start.precision == ALMANAC_PRECISION_LOCAL_TIME) {
        almanac_date local = until_in_zone(&e->repeat.until, zone);
        r.until = to_ical(&local);
    } else if (e->repeat.has_until) {
        r.until = to_ical(&e->repeat.until);
    }
    return r;
}

/* Whether BYMONTHDAY can fall in any month BYMONTH allows (libical loops
 * through the years looking for 30 February before it gives up). */
static bool month_days_possible(const struct icalrecurrencetype *r)
{
    if (r->by_month_day[0] == ICAL_RECURRENCE_ARRAY_MAX)
        return true;
    for (int i = 0; i < ICAL_BY_MONTH_SIZE && r->by_month[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
        int month = icalrecurrencetype_month_month(r->by_month[i]);
        int longest = month == 2 ? 29 : almanac_days_in_month(2001, month);
        for (int j = 0; j < ICAL_BY_MONTHDAY_SIZE &&
                        r->by_month_day[j] != ICAL_RECURRENCE_ARRAY_MAX; j++) {
            int day = r->by_month_day[j] < 0 ? -r->by_month_day[j] : r->by_month_day[j];
            if (day <= longest)
                return true;
        }
    }
    return r->by_month[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

/* ---- walking ------------------------------------------------------------ */

typedef struct {
    const almanac_event *event;
    almanac_date *extras; /* sorted copy of extra_dates */
    size_t extra_count, next_extra;
    icalrecur_iterator *rule;
    bool rule_done;
    bool have_rule_next;
    almanac_date rule_next;
} walker;

static int by_date(const void *a, const void *b)
{
    return almanac_date_compare(a, b);
}

static void rule_advance(walker *w)
{
    w->have_rule_next = false;
    if (w->rule == NULL || w->rule_done)
        return;
    struct icaltimetype t = icalrecur_iterator_next(w->rule);
    if (icaltime_is_null_time(t) || t.year > ALMANAC_YEAR_FEED_MAX) {
        w->rule_done = true;
        return;
    }
    w->rule_next = from_ical(t, &w->event->start);
    w->have_rule_next = true;
}

/* The next original start of the series (rule and extra dates merged, each
 * once); false when there is none. */
static bool walker_next(walker *w, almanac_date *next, bool *extra)
{
    bool have_extra = w->next_extra < w->extra_count;
    if (!w->have_rule_next && !have_extra)
        return false;
    int c = !w->have_rule_next ? 1 : !have_extra ? -1
            : almanac_date_compare(&w->rule_next, &w->extras[w->next_extra]);
    if (c <= 0) {
        *next = w->rule_next;
        *extra = false;
        rule_advance(w);
        if (c == 0)
            w->next_extra++;
    } else {
        *next = w->extras[w->next_extra++];
        *extra = true;
    }
    return true;
}

static bool is_excluded(const almanac_event *e, const almanac_date *d)
{
    for (size_t i = 0; i < e->excluded_dates.count; i++)
        if (almanac_date_compare(&e->excluded_dates.items[i], d) == 0)
            return true;
    return false;
}

static const almanac_override *override_of(const almanac_event *e, const almanac_date *d)
{
    for (size_t i = 0; i < e->override_count; i++)
        if (almanac_date_compare(&e->overrides[i].occurrence, d) == 0)
            return &e->overrides[i];
    return NULL;
}

/* Opens a walk of EVENT; the rule starts at FROM when it can (no COUNT). */
static bool walker_open(walker *w, const almanac_event *e, const char *zone, almanac_day from,
                        bool *no_occurrence)
{
    memset(w, 0, sizeof *w);
    w->event = e;
    *no_occurrence = false;
    if (e->extra_dates.count > 0) {
        w->extras = malloc(e->extra_dates.count * sizeof *w->extras);
        if (w->extras == NULL)
            return false;
        memcpy(w->extras, e->extra_dates.items, e->extra_dates.count * sizeof *w->extras);
        qsort(w->extras, e->extra_dates.count, sizeof *w->extras, by_date);
        w->extra_count = e->extra_dates.count;
        while (w->next_extra < w->extra_count &&
               almanac_day_compare(almanac_date_first_day(&w->extras[w->next_extra]), from) < 0)
            w->next_extra++;
    }
    if (!e->has_repeat)
        return true;
    struct icalrecurrencetype r = ical_rule(e, zone);
    if (r.freq == ICAL_NO_RECURRENCE || !month_days_possible(&r)) {
        *no_occurrence = true;
        return true;
    }
    w->rule = icalrecur_iterator_new(r, to_ical(&e->start));
    if (w->rule == NULL) {
        *no_occurrence = true;
        return true;
    }
    almanac_day first = almanac_date_first_day(&e->start);
    if (r.count == 0 && almanac_day_compare(from, first) > 0) {
        struct icaltimetype t = icaltime_null_time();
        t.year = from.year;
        t.month = from.month;
        t.day = from.day;
        t.is_date = almanac_date_is_timed(&e->start) ? 0 : 1;
        icalrecur_iterator_set_start(w->rule, t);
    }
    rule_advance(w);
    return true;
}

static void walker_close(walker *w)
{
    if (w->rule != NULL)
        icalrecur_iterator_free(w->rule);
    free(w->extras);
}

static long walk(const almanac_event *e, const char *zone, almanac_day from, almanac_day to,
                 series_visit visit, void *context, bool *truncated, bool *no_occurrence)
{
    walker w;
    if (truncated != NULL)
        *truncated = false;
    if (!walker_open(&w, e, zone, from, no_occurrence)) {
        walker_close(&w);
        return -1;
    }
    long visited = 0;
    almanac_date original;
    bool extra;
    for (size_t steps = 0; walker_next(&w, &original, &extra); steps++) {
        if (steps == SERIES_STEPS_MAX) {
            if (truncated != NULL)
                *truncated = true;
            break;
        }
        almanac_day day = almanac_date_first_day(&original);
        if (almanac_day_compare(day, to) > 0)
            break;
        if (almanac_day_compare(day, from) < 0 || is_excluded(e, &original))
            continue;
        series_occurrence o = {original, original, override_of(e, &original), extra};
        if (o.override != NULL && o.override->has_start)
            o.start = o.override->start;
        visited++;
        if (!visit(context, &o))
            break;
    }
    walker_close(&w);
    return visited;
}

long series_walk(const almanac_event *event, const char *zone, almanac_day from, almanac_day to,
                 series_visit visit, void *context, bool *truncated)
{
    bool none;
    long n = walk(event, zone, from, to, visit, context, truncated, &none);
    return none && event->extra_dates.count == 0 ? -1 : n;
}

almanac_date series_end_from(const almanac_event *e, const almanac_date *start)
{
    int64_t length = almanac_date_clock_seconds(&e->end) - almanac_date_clock_seconds(&e->start);
    almanac_date end = almanac_date_from_clock_seconds(
        almanac_date_clock_seconds(start) + length,
        almanac_date_is_timed(start) ? start->precision : ALMANAC_PRECISION_LOCAL_TIME);
    if (!almanac_date_is_timed(start)) {
        end.precision = ALMANAC_PRECISION_DAY;
        end.hour = end.minute = end.second = 0;
    }
    end.has_seconds = e->end.has_seconds;
    return end;
}

almanac_event series_occurrence_event(const almanac_event *e, const series_occurrence *oc)
{
    const almanac_override *o = oc->override;
    almanac_event copy = *e;
    copy.has_repeat = false;
    copy.extra_dates.count = 0;
    copy.excluded_dates.count = 0;
    copy.override_count = 0;
    copy.start = oc->start;
    if (o != NULL && o->has_end) {
        copy.end = o->end;
        copy.has_end = true;
    } else if (e->has_end) {
        copy.end = series_end_from(e, &copy.start);
    }
    if (o == NULL)
        return copy;
    if (o->title != NULL)
        copy.title = o->title;
    if (o->description != NULL)
        copy.description = o->description;
    if (o->has_status)
        copy.status = o->status;
    if (o->has_location) {
        copy.has_location = true;
        copy.location = o->location;
    }
    return copy;
}

/* ---- validation --------------------------------------------------------- */

typedef struct {
    almanac_date target;
    bool found;
    bool have_before, have_after;
    almanac_date before, after;
} match_search;

static bool find_match(void *context, const series_occurrence *o)
{
    match_search *m = context;
    int c = almanac_date_compare(&o->original, &m->target);
    if (c == 0) {
        m->found = true;
        return false;
    }
    if (c < 0) {
        m->before = o->original;
        m->have_before = true;
        return true;
    }
    m->after = o->original;
    m->have_after = true;
    return false;
}

static almanac_day day_before(almanac_day d)
{
    if (--d.day >= 1)
        return d;
    if (--d.month < 1) {
        d.month = 12;
        d.year--;
    }
    d.day = almanac_days_in_month(d.year, d.month);
    return d;
}

/* Whether TARGET is an original start of EVENT's series, excluded dates
 * counted in when COUNT_EXCLUDED; else the nearest starts into NEAREST
 * ("2024-03-05 or 2024-03-12"). */
static bool is_occurrence(const almanac_event *e, const char *zone, const almanac_date *target,
                          char *nearest, size_t size)
{
    match_search m = {.target = *target};
    almanac_day day = almanac_date_first_day(target);
    /* a week before, for the occurrence before; the walk stops at the first after */
    almanac_day from = day;
    for (int i = 0; i < 7; i++)
        from = day_before(from);
    almanac_day end = {ALMANAC_YEAR_FEED_MAX, 12, 31};
    almanac_event copy = *e;
    copy.excluded_dates.count = 0; /* an excluded date may be overridden too: still an occurrence */
    bool none;
    walk(&copy, zone, from, end, find_match, &m, NULL, &none);
    if (m.found)
        return true;
    char a[ALMANAC_DATE_TEXT_MAX], b[ALMANAC_DATE_TEXT_MAX];
    if (m.have_before)
        almanac_date_format(&m.before, a);
    if (m.have_after)
        almanac_date_format(&m.after, b);
    if (m.have_before && m.have_after)
        snprintf(nearest, size, "the nearest are %s and %s", a, b);
    else if (m.have_before || m.have_after)
        snprintf(nearest, size, "the nearest is %s", m.have_before ? a : b);
    else
        snprintf(nearest, size, "none is near it");
    return false;
}

static const char *kind_words(const almanac_date *d)
{
    switch (d->precision) {
    case ALMANAC_PRECISION_DAY:        return "a day such as \"2024-03-12\"";
    case ALMANAC_PRECISION_LOCAL_TIME: return "a local time such as \"2024-03-12T10:00\"";
    case ALMANAC_PRECISION_UTC_TIME:   return "a UTC time such as \"2024-03-12T09:00Z\"";
    default:                           return "a day or a time";
    }
}

static void pointer_of(char *buffer, size_t size, const almanac_event *e, const char *rest)
{
    snprintf(buffer, size, "/events/%zu/%s", e->index, rest);
}

/* The UTC time of the wall-clock reading LOCAL in ZONE. */
static almanac_date local_to_utc(const almanac_date *local, const char *zone)
{
    icaltimezone *z = zone != NULL ? icaltimezone_get_builtin_timezone(zone) : NULL;
    almanac_date utc = *local;
    utc.precision = ALMANAC_PRECISION_UTC_TIME;
    if (z == NULL)
        return utc;
    struct icaltimetype t = to_ical(local);
    t.zone = z;
    t = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
    return from_ical(t, &utc);
}

static void check_until(const almanac_event *e, const char *zone, almanac_diagnostics *diags)
{
    const almanac_date *u = &e->repeat.until, *s = &e->start;
    char pointer[80], want[ALMANAC_DATE_TEXT_MAX], shown[ALMANAC_DATE_TEXT_MAX];
    pointer_of(pointer, sizeof pointer, e, "repeat");
    almanac_date_format(u, shown);
    almanac_date fixed = *u;
    bool timed_start = almanac_date_is_timed(s);
    if (!timed_start && u->precision != ALMANAC_PRECISION_DAY) {
        fixed.precision = ALMANAC_PRECISION_DAY;
        almanac_date_format(&fixed, want);
        almanac_diagnostics_report(diags, e->repeat.at_until, pointer, ALMANAC_E250, shown, want);
        return;
    }
    if (timed_start && u->precision != ALMANAC_PRECISION_UTC_TIME) {
        if (u->precision == ALMANAC_PRECISION_DAY) {
            fixed.precision = ALMANAC_PRECISION_LOCAL_TIME;
            fixed.hour = 23;
            fixed.minute = 59;
            fixed.second = 59;
            fixed.has_seconds = true;
        } else if (u->precision != ALMANAC_PRECISION_LOCAL_TIME) {
            almanac_diagnostics_report(diags, e->repeat.at_until, pointer, ALMANAC_E251, shown);
            return;
        }
        almanac_date utc = s->precision == ALMANAC_PRECISION_LOCAL_TIME
                           ? local_to_utc(&fixed, zone) : fixed;
        utc.precision = ALMANAC_PRECISION_UTC_TIME;
        almanac_date_format(&utc, want);
        almanac_diagnostics_report(diags, e->repeat.at_until, pointer, ALMANAC_E252, shown,
                                   u->precision == ALMANAC_PRECISION_DAY ? "a day" : "a local time",
                                   u->precision == ALMANAC_PRECISION_DAY
                                   ? "the end of that day in UTC" : "that time in UTC", want);
        return;
    }
    almanac_date start_utc = s->precision == ALMANAC_PRECISION_LOCAL_TIME
                             ? local_to_utc(s, zone) : *s;
    if (almanac_date_compare(u, &start_utc) < 0) {
        char start[ALMANAC_DATE_TEXT_MAX];
        almanac_date_format(s, start);
        almanac_diagnostics_report(diags, e->repeat.at_until, pointer, ALMANAC_E253, shown, start);
    }
}

/* Dates in LIST must be of the start's kind. Returns whether all are. */
static bool check_kinds(const almanac_event *e, const almanac_date_list *list, const char *key,
                        almanac_diagnostics *diags)
{
    bool ok = true;
    char pointer[80], rest[40];
    for (size_t i = 0; i < list->count; i++) {
        if (same_kind(&list->items[i], &e->start))
            continue;
        snprintf(rest, sizeof rest, "%s/%zu", key, i);
        pointer_of(pointer, sizeof pointer, e, rest);
        char shown[ALMANAC_DATE_TEXT_MAX];
        almanac_date_format(&list->items[i], shown);
        almanac_diagnostics_report(diags, list->at[i], pointer, ALMANAC_E254, shown,
                                   almanac_precision_name(list->items[i].precision),
                                   almanac_precision_name(e->start.precision),
                                   kind_words(&e->start));
        ok = false;
    }
    return ok;
}

static void check_overrides(const almanac_event *e, const char *zone, bool matchable,
                            almanac_diagnostics *diags)
{
    char pointer[80], rest[48], nearest[96], shown[ALMANAC_DATE_TEXT_MAX];
    for (size_t i = 0; i < e->override_count; i++) {
        const almanac_override *o = &e->overrides[i];
        almanac_date_format(&o->occurrence, shown);
        snprintf(rest, sizeof rest, "overrides/%zu/occurrence", i);
        pointer_of(pointer, sizeof pointer, e, rest);
        if (!same_kind(&o->occurrence, &e->start)) {
            almanac_diagnostics_report(diags, o->at_occurrence, pointer, ALMANAC_E255, shown,
                                       almanac_precision_name(o->occurrence.precision),
                                       kind_words(&e->start));
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (almanac_date_compare(&e->overrides[j].occurrence, &o->occurrence) == 0)
                almanac_diagnostics_report(diags, o->at_occurrence, pointer, ALMANAC_E256, shown,
                                           j);
        if (matchable && !is_occurrence(e, zone, &o->occurrence, nearest, sizeof nearest))
            almanac_diagnostics_report(diags, o->at_occurrence, pointer, ALMANAC_E257, shown,
                                       nearest);
        if (o->has_start && !same_kind(&o->start, &e->start)) {
            snprintf(rest, sizeof rest, "overrides/%zu/start", i);
            pointer_of(pointer, sizeof pointer, e, rest);
            almanac_diagnostics_report(diags, o->at_start, pointer, ALMANAC_E258,
                                       kind_words(&e->start));
        }
        if (o->has_end && !same_kind(&o->end, &e->start)) {
            snprintf(rest, sizeof rest, "overrides/%zu/end", i);
            pointer_of(pointer, sizeof pointer, e, rest);
            almanac_diagnostics_report(diags, o->at, pointer, ALMANAC_E259,
                                       kind_words(&e->start));
        }
    }
}

typedef struct {
    bool any;
    almanac_date first;
} first_search;

static bool take_first(void *context, const series_occurrence *o)
{
    first_search *f = context;
    f->any = true;
    f->first = o->original;
    return false;
}

bool series_first_occurrence(const almanac_event *e, const char *zone, almanac_date *first)
{
    first_search f = {0};
    almanac_event rule_only = *e;
    rule_only.extra_dates.count = 0;
    rule_only.excluded_dates.count = 0;
    bool none;
    walk(&rule_only, zone, almanac_date_first_day(&e->start),
         (almanac_day){ALMANAC_YEAR_FEED_MAX, 12, 31}, take_first, &f, NULL, &none);
    if (f.any)
        *first = f.first;
    return f.any;
}

void series_validate(const almanac_event *e, const char *zone, almanac_diagnostics *diags)
{
    char pointer[80], shown[ALMANAC_DATE_TEXT_MAX];
    bool series = almanac_event_is_series(e);
    if (!series) {
        const char *key = e->excluded_dates.count ? "excluded_dates" : "overrides";
        if (e->excluded_dates.count || e->override_count) {
            pointer_of(pointer, sizeof pointer, e, key);
            almanac_diagnostics_report(diags, e->at, pointer, ALMANAC_E260, key);
        }
        return;
    }
    almanac_precision p = e->start.precision;
    if (p == ALMANAC_PRECISION_YEAR || p == ALMANAC_PRECISION_MONTH) {
        pointer_of(pointer, sizeof pointer, e, e->has_repeat ? "repeat" : "extra_dates");
        almanac_diagnostics_report(diags, e->has_repeat ? e->repeat.at : e->at,
                                pointer, ALMANAC_E261, almanac_precision_name(p));
        return;
    }
    bool timed = almanac_date_is_timed(&e->start);
    if (e->has_repeat && !timed && (e->repeat.sub_daily || e->repeat.has_time_parts)) {
        pointer_of(pointer, sizeof pointer, e, "repeat");
        almanac_diagnostics_report(diags, e->repeat.at, pointer, ALMANAC_E262, e->repeat.sub_daily
                                   ? "within a day" : "at hours, minutes or seconds");
        return;
    }
    /* both lists are checked, whatever the first says */
    bool extra_ok = check_kinds(e, &e->extra_dates, "extra_dates", diags);
    bool kinds_ok = check_kinds(e, &e->excluded_dates, "excluded_dates", diags) && extra_ok;
    if (e->has_repeat && e->repeat.has_until) {
        size_t errors = diags->error_count;
        check_until(e, zone, diags);
        if (diags->error_count != errors)
            return;
    }
    if (e->has_repeat) {
        first_search f = {0};
        f.any = series_first_occurrence(e, zone, &f.first);
        pointer_of(pointer, sizeof pointer, e, "repeat");
        almanac_date_format(&e->start, shown);
        if (!f.any) {
            almanac_diagnostics_report(diags, e->repeat.at, pointer, ALMANAC_E263, e->repeat.rule,
                                       shown);
            return;
        }
        if (almanac_date_compare(&f.first, &e->start) != 0) {
            char first_text[ALMANAC_DATE_TEXT_MAX];
            almanac_date_format(&f.first, first_text);
            almanac_diagnostics_report(diags, e->at_start, pointer, ALMANAC_E264, shown,
                                       e->repeat.rule, first_text, first_text);
            return;
        }
    }
    char rest[40], nearest[96];
    for (size_t i = 0; kinds_ok && i < e->excluded_dates.count; i++) {
        const almanac_date *d = &e->excluded_dates.items[i];
        if (is_occurrence(e, zone, d, nearest, sizeof nearest))
            continue;
        snprintf(rest, sizeof rest, "excluded_dates/%zu", i);
        pointer_of(pointer, sizeof pointer, e, rest);
        almanac_date_format(d, shown);
        almanac_diagnostics_report(diags, e->excluded_dates.at[i], pointer, ALMANAC_E265, shown,
                                   nearest);
    }
    check_overrides(e, zone, kinds_ok, diags);
}

/* ---- the rule in words ---------------------------------------------------- */

static const char *const weekday_abbrev[8] = {"", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const weekday_full[8] = {"", "Sunday", "Monday", "Tuesday", "Wednesday",
                                            "Thursday", "Friday", "Saturday"};

static const char *ordinal_suffix(int n)
{
    int a = n < 0 ? -n : n;
    if (a % 100 >= 11 && a % 100 <= 13)
        return "th";
    return a % 10 == 1 ? "st" : a % 10 == 2 ? "nd" : a % 10 == 3 ? "rd" : "th";
}

/* "2nd", "last", "2nd-last". */
static void ordinal_text(int n, char *buf, size_t size)
{
    if (n == -1)
        snprintf(buf, size, "last");
    else if (n < 0)
        snprintf(buf, size, "%d%s-last", -n, ordinal_suffix(-n));
    else
        snprintf(buf, size, "%d%s", n, ordinal_suffix(n));
}

typedef struct {
    char *buf;
    size_t size, used;
} words;

static void add(words *w, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void add(words *w, const char *format, ...)
{
    if (w->used >= w->size)
        return;
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(w->buf + w->used, w->size - w->used, format, ap);
    va_end(ap);
    if (n > 0)
        w->used += (size_t)n < w->size - w->used ? (size_t)n : w->size - w->used - 1;
}

static size_t list_length(const short *list, size_t size)
{
    size_t n = 0;
    while (n < size && list[n] != ICAL_RECURRENCE_ARRAY_MAX)
        n++;
    return n;
}

static const char *joiner(size_t i, size_t n)
{
    return i == 0 ? "" : i == n - 1 ? " and " : ", ";
}

static void add_weekdays(words *w, const short *days, size_t n, bool full)
{
    for (size_t i = 0; i < n; i++) {
        int pos = icalrecurrencetype_day_position(days[i]);
        int dow = icalrecurrencetype_day_day_of_week(days[i]);
        add(w, "%s", joiner(i, n));
        if (pos != 0) {
            char o[24];
            ordinal_text(pos, o, sizeof o);
            add(w, "%s ", o);
        }
        add(w, "%s", dow >= 1 && dow <= 7 ? (full || pos ? weekday_full : weekday_abbrev)[dow] : "?");
    }
}

static void add_numbers(words *w, const short *list, size_t n, bool ordinals)
{
    for (size_t i = 0; i < n; i++) {
        char o[24];
        if (ordinals)
            ordinal_text(list[i], o, sizeof o);
        else
            snprintf(o, sizeof o, "%d", list[i]);
        add(w, "%s%s", joiner(i, n), o);
    }
}

static void add_months(words *w, const short *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add(w, "%s%s", joiner(i, n), almanac_month_abbrev(icalrecurrencetype_month_month(list[i])));
}

void series_words(const almanac_event *e, char *buffer, size_t size)
{
    words w = {buffer, size, 0};
    buffer[0] = '\0';
    if (!e->has_repeat) {
        add(&w, "on %zu date%s", e->extra_dates.count + 1, e->extra_dates.count ? "s" : "");
        return;
    }
    struct icalrecurrencetype r = icalrecurrencetype_from_string(e->repeat.rule);
    static const char *const units[] = {"second", "minute", "hour", "day", "week", "month", "year"};
    int f = r.freq >= ICAL_SECONDLY_RECURRENCE && r.freq <= ICAL_YEARLY_RECURRENCE ? (int)r.freq : 3;
    size_t days = list_length(r.by_day, ICAL_BY_DAY_SIZE);
    size_t mdays = list_length(r.by_month_day, ICAL_BY_MONTHDAY_SIZE);
    size_t months = list_length(r.by_month, ICAL_BY_MONTH_SIZE);
    size_t ydays = list_length(r.by_year_day, ICAL_BY_YEARDAY_SIZE);
    size_t weeks = list_length(r.by_week_no, ICAL_BY_WEEKNO_SIZE);
    size_t setpos = list_length(r.by_set_pos, ICAL_BY_SETPOS_SIZE);
    bool ordinal_days = days > 0 && icalrecurrencetype_day_position(r.by_day[0]) != 0;
    char o[24];
    if (f == ICAL_MONTHLY_RECURRENCE && r.interval == 1 && ordinal_days && !mdays && !setpos) {
        add(&w, "every ");
        add_weekdays(&w, r.by_day, days, true);
        add(&w, " of the month");
    } else {
        add(&w, "every ");
        if (r.interval > 1) {
            ordinal_text(r.interval, o, sizeof o);
            add(&w, "%s ", o);
        }
        add(&w, "%s", units[f]);
        if (setpos) {
            add(&w, " on the ");
            add_numbers(&w, r.by_set_pos, setpos, true);
            add(&w, " of");
        }
        if (days) {
            add(&w, setpos ? " " : " on ");
            add_weekdays(&w, r.by_day, days, false);
        }
        if (mdays) {
            add(&w, " on the ");
            add_numbers(&w, r.by_month_day, mdays, true);
            add(&w, " day");
        }
        if (ydays) {
            add(&w, " on day ");
            add_numbers(&w, r.by_year_day, ydays, false);
            add(&w, " of the year");
        }
        if (weeks) {
            add(&w, " in week ");
            add_numbers(&w, r.by_week_no, weeks, false);
        }
        if (months) {
            add(&w, " in ");
            add_months(&w, r.by_month, months);
        }
        bool plain = !days && !mdays && !ydays && !weeks && !months && !setpos;
        if (plain && f == ICAL_YEARLY_RECURRENCE)
            add(&w, " on %d %s", e->start.day, almanac_month_abbrev(e->start.month));
        else if (plain && f == ICAL_MONTHLY_RECURRENCE)
            add(&w, " on the %d%s", e->start.day, ordinal_suffix(e->start.day));
        else if (plain && f == ICAL_WEEKLY_RECURRENCE) {
            struct icaltimetype t = to_ical(&e->start);
            add(&w, " on %s", weekday_abbrev[icaltime_day_of_week(t)]);
        }
    }
    size_t hours = list_length(r.by_hour, ICAL_BY_HOUR_SIZE);
    size_t minutes = list_length(r.by_minute, ICAL_BY_MINUTE_SIZE);
    if (hours) {
        add(&w, " at hour ");
        add_numbers(&w, r.by_hour, hours, false);
    }
    if (minutes) {
        add(&w, " at minute ");
        add_numbers(&w, r.by_minute, minutes, false);
    }
    if (r.count > 0)
        add(&w, ", %d time%s", r.count, r.count == 1 ? "" : "s");
    else if (e->repeat.has_until)
        add(&w, " until %d %s %d", e->repeat.until.day,
            almanac_month_abbrev(e->repeat.until.month), e->repeat.until.year);
    else
        add(&w, ", since %d", e->start.year);
    if (e->extra_dates.count)
        add(&w, ", and on %zu more date%s", e->extra_dates.count,
            e->extra_dates.count == 1 ? "" : "s");
    if (e->excluded_dates.count)
        add(&w, ", except %zu date%s", e->excluded_dates.count,
            e->excluded_dates.count == 1 ? "" : "s");
}
