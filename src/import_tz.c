/*
 * import_tz.c - a file's VTIMEZONEs, checked before libical uses them (see
 * import_tz.h).
 *
 * The count of onsets follows libical 3.0's icaltimezone_expand_vtimezone():
 * the DTSTART of each observance, each RDATE, and each occurrence of each
 * RRULE after DTSTART up to the last year libical expands to (2582 with a
 * 64-bit time_t; it stops earlier for the years a file needs). An RRULE's
 * occurrences are counted for its first 25 years and estimated after.
 */
#include "import_tz.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "import_ical.h"

enum {
    LAST_EXPANDED_YEAR = 2582,
    SAMPLE_YEARS = 25 /* counted; the years after are estimated */
};

void tz_budget_init(tz_budget *budget, size_t onsets, double seconds)
{
    budget->onsets_left = onsets;
    clock_gettime(CLOCK_MONOTONIC, &budget->deadline);
    long whole = (long)seconds;
    long nanoseconds = (long)((seconds - (double)whole) * 1e9);
    budget->deadline.tv_sec += whole;
    budget->deadline.tv_nsec += nanoseconds;
    if (budget->deadline.tv_nsec >= 1000000000L) {
        budget->deadline.tv_sec++;
        budget->deadline.tv_nsec -= 1000000000L;
    }
}

static bool past_deadline(const tz_budget *budget)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > budget->deadline.tv_sec ||
           (now.tv_sec == budget->deadline.tv_sec && now.tv_nsec >= budget->deadline.tv_nsec);
}

static bool two_digits(const char *s, int max, int *value)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return false;
    *value = (s[0] - '0') * 10 + (s[1] - '0');
    return *value <= max;
}

bool tz_offset_is_valid(const char *text)
{
    size_t n = strlen(text);
    int hours, minutes, seconds = 0;
    if ((n != 5 && n != 7) || (text[0] != '+' && text[0] != '-') ||
        !two_digits(text + 1, 23, &hours) || !two_digits(text + 3, 59, &minutes) ||
        (n == 7 && !two_digits(text + 5, 59, &seconds)))
        return false;
    /* "-0000" and "-000000" are not allowed (RFC 5545 3.3.14) */
    return text[0] == '+' || hours != 0 || minutes != 0 || seconds != 0;
}

/* What is being checked, and where the verdict goes. */
typedef struct {
    icalcomponent *zone;
    const char *tzid;
    const ics_scan *scan;
    size_t zone_index;
    const char *text;
    size_t length;
    tz_finding *finding;
} zone_check;

/* Records the first finding that matters most: a refusal replaces a note,
 * nothing replaces a refusal. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static void find(zone_check *z, tz_verdict verdict, size_t offset, const char *pointer,
                 const char *format, ...)
{
    tz_finding *f = z->finding;
    if (f->noted && (f->verdict != TZ_USABLE || verdict == TZ_USABLE))
        return;
    f->verdict = verdict;
    f->noted = true;
    f->offset = offset;
    snprintf(f->pointer, sizeof f->pointer, "%s", pointer);
    char what[320];
    va_list args;
    va_start(args, format);
    vsnprintf(what, sizeof what, format, args);
    va_end(args);
    /* What became of the zone is said by the diagnostic's code (E302, W316). */
    snprintf(f->message, sizeof f->message, "VTIMEZONE '%.60s': %s", z->tzid, what);
}

static size_t zone_begin(const zone_check *z)
{
    return z->zone_index != SIZE_MAX ? z->scan->components[z->zone_index].begin : SIZE_MAX;
}

/* Where the ORDINAL-th line NAME of observance INDEX is, else the
 * observance's BEGIN, else the zone's. */
static size_t line_offset(const zone_check *z, size_t index, const char *name, size_t ordinal)
{
    const ics_line *l = index != SIZE_MAX ? ics_scan_property(z->scan, index, name, ordinal) : NULL;
    if (l != NULL)
        return l->offset;
    return index != SIZE_MAX ? z->scan->components[index].begin : zone_begin(z);
}

/* Checks the TZOFFSETFROM or TZOFFSETTO of observance OBSERVANCE as
 * written. Returns false when it is missing. */
static bool check_offset(zone_check *z, icalcomponent *observance, size_t index,
                         const char *kind, icalproperty_kind property, const char *name)
{
    char pointer[80];
    snprintf(pointer, sizeof pointer, "VTIMEZONE/%s/%s", kind, name);
    const ics_line *l = index != SIZE_MAX ? ics_scan_property(z->scan, index, name, 0) : NULL;
    if (l != NULL) {
        char value[64];
        ics_scan_value(z->text, z->length, l->offset, value, sizeof value);
        size_t n = strlen(value);
        while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
            value[--n] = '\0';
        if (!tz_offset_is_valid(value)) {
            find(z, TZ_REFUSED, l->offset, pointer, "%s '%.20s' of its %s observance is not a "
                 "UTC offset (+HHMM or -HHMM, hours 00-23, minutes 00-59)", name, value, kind);
            return true;
        }
    }
    icalproperty *p = icalcomponent_get_first_property(observance, property);
    if (p == NULL)
        return l != NULL; /* written, but libical could not read it: said above */
    int seconds = property == ICAL_TZOFFSETFROM_PROPERTY ? icalproperty_get_tzoffsetfrom(p)
                                                         : icalproperty_get_tzoffsetto(p);
    if (l == NULL && (seconds <= -86400 || seconds >= 86400))
        find(z, TZ_REFUSED, line_offset(z, index, name, 0), pointer, "%s of its %s observance "
             "is not a UTC offset", name, kind);
    return true;
}

static void check_observance(zone_check *z, icalcomponent *observance, size_t index,
                             const char *kind)
{
    char pointer[80];
    size_t at = index != SIZE_MAX ? z->scan->components[index].begin : zone_begin(z);
    snprintf(pointer, sizeof pointer, "VTIMEZONE/%s/DTSTART", kind);
    icalproperty *start = icalcomponent_get_first_property(observance, ICAL_DTSTART_PROPERTY);
    icaltimetype t = start != NULL ? icalproperty_get_dtstart(start) : icaltime_null_time();
    if (start == NULL || icaltime_is_null_time(t) || !icaltime_is_valid_time(t))
        find(z, TZ_REFUSED, start != NULL ? line_offset(z, index, "DTSTART", 0) : at, pointer,
             "its %s observance has no valid DTSTART, so libical would ignore it", kind);
    if (!check_offset(z, observance, index, kind, ICAL_TZOFFSETTO_PROPERTY, "TZOFFSETTO")) {
        snprintf(pointer, sizeof pointer, "VTIMEZONE/%s", kind);
        find(z, TZ_REFUSED, at, pointer, "its %s observance has no TZOFFSETTO, so libical "
             "would ignore it", kind);
    }
    if (!check_offset(z, observance, index, kind, ICAL_TZOFFSETFROM_PROPERTY, "TZOFFSETFROM")) {
        snprintf(pointer, sizeof pointer, "VTIMEZONE/%s", kind);
        find(z, TZ_USABLE, at, pointer, "its %s observance has no TZOFFSETFROM (RFC 5545 "
             "requires one): taken to be its TZOFFSETTO", kind);
    }
}

static const char *how_often(icalrecurrencetype_frequency frequency)
{
    switch (frequency) {
    case ICAL_SECONDLY_RECURRENCE: return "every second (FREQ=SECONDLY)";
    case ICAL_MINUTELY_RECURRENCE: return "every minute (FREQ=MINUTELY)";
    case ICAL_HOURLY_RECURRENCE: return "every hour (FREQ=HOURLY)";
    case ICAL_DAILY_RECURRENCE: return "every day (FREQ=DAILY)";
    case ICAL_WEEKLY_RECURRENCE: return "every week (FREQ=WEEKLY)";
    default: return NULL;
    }
}

/* Counts the onsets of RRULE P of an observance starting at DTSTART, as
 * libical would expand them, into *ONSETS; false (after a finding) when
 * the budget runs out first. */
static bool count_rule(zone_check *z, icalproperty *p, icaltimetype dtstart, int from_offset,
                       size_t at, const char *kind, tz_budget *budget, size_t *onsets)
{
    char pointer[80];
    snprintf(pointer, sizeof pointer, "VTIMEZONE/%s/RRULE", kind);
    struct icalrecurrencetype rule = icalproperty_get_rrule(p);
    const char *often = how_often(rule.freq);
    if (often != NULL) {
        find(z, TZ_HOSTILE, at, pointer, "its %s observance repeats %s, and a timezone "
             "changes its offset a few times a year at most", kind, often);
        return false;
    }
    if (!icaltime_is_null_time(rule.until) && icaltime_is_utc(rule.until)) {
        icaltime_adjust(&rule.until, 0, 0, 0, from_offset); /* as libical does */
        rule.until.zone = NULL;
    }
    /* The onsets of the first SAMPLE_YEARS are counted, and the rest
     * estimated at the same rate: a rule repeats the same way every year or
     * month, and a real zone's yearly rules from 1601 cost 1,000 steps of
     * libical's iterator each, which a file of 100 zones could not afford. */
    icalrecur_iterator *it = icalrecur_iterator_new(rule, dtstart);
    size_t sampled = 0;
    bool ended = it == NULL, hostile = false;
    for (size_t steps = 0; it != NULL; steps++) {
        if (steps % 64 == 0 && past_deadline(budget)) {
            find(z, TZ_HOSTILE, at, pointer, "checking the file's timezones took too long "
                 "(at its %s observance's RRULE)", kind);
            hostile = true;
            break;
        }
        icaltimetype occurrence = icalrecur_iterator_next(it);
        if (icaltime_compare(dtstart, occurrence) == 0)
            continue;
        ended = icaltime_is_null_time(occurrence) || occurrence.year > LAST_EXPANDED_YEAR;
        if (ended || occurrence.year >= dtstart.year + SAMPLE_YEARS)
            break;
        if (++sampled > TZ_MAX_ZONE_ONSETS)
            break;
    }
    icalrecur_iterator_free(it);
    if (hostile)
        return false;
    size_t years = (size_t)(LAST_EXPANDED_YEAR - dtstart.year + 1);
    size_t estimate = ended || sampled > TZ_MAX_ZONE_ONSETS
                          ? sampled
                          : (sampled * years + SAMPLE_YEARS - 1) / SAMPLE_YEARS;
    *onsets += estimate;
    if (*onsets > TZ_MAX_ZONE_ONSETS || estimate > budget->onsets_left) {
        bool file = *onsets <= TZ_MAX_ZONE_ONSETS;
        find(z, TZ_HOSTILE, at, pointer, "%s expands to more than %zu onsets (its %s "
             "observance's RRULE), where a real timezone has a few hundred",
             file ? "with the file's other timezones, it" : "it",
             file ? (size_t)TZ_MAX_FILE_ONSETS : (size_t)TZ_MAX_ZONE_ONSETS, kind);
        return false;
    }
    budget->onsets_left -= estimate;
    return true;
}

/* Counts the onsets of observance OBSERVANCE; false after a finding. */
static bool count_observance(zone_check *z, icalcomponent *observance, size_t index,
                             const char *kind, tz_budget *budget, size_t *onsets)
{
    icalproperty *start = icalcomponent_get_first_property(observance, ICAL_DTSTART_PROPERTY);
    icalproperty *from = icalcomponent_get_first_property(observance,
                                                          ICAL_TZOFFSETFROM_PROPERTY);
    icalproperty *to = icalcomponent_get_first_property(observance, ICAL_TZOFFSETTO_PROPERTY);
    icaltimetype dtstart = icalproperty_get_dtstart(start);
    int from_offset = from != NULL ? icalproperty_get_tzoffsetfrom(from)
                                   : icalproperty_get_tzoffsetto(to);
    size_t rules = 0;
    for (icalproperty *p = icalcomponent_get_first_property(observance, ICAL_ANY_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(observance, ICAL_ANY_PROPERTY)) {
        icalproperty_kind property = icalproperty_isa(p);
        if (property != ICAL_RRULE_PROPERTY && property != ICAL_RDATE_PROPERTY)
            continue;
        /* the RDATE itself, or the DTSTART libical adds for each RRULE */
        char pointer[80];
        snprintf(pointer, sizeof pointer, "VTIMEZONE/%s/%s", kind,
                 property == ICAL_RRULE_PROPERTY ? "RRULE" : "RDATE");
        if (++*onsets > TZ_MAX_ZONE_ONSETS || budget->onsets_left == 0) {
            find(z, TZ_HOSTILE, line_offset(z, index, property == ICAL_RRULE_PROPERTY
                                                          ? "RRULE" : "RDATE", 0),
                 pointer, "it has more than %zu onsets, where a real timezone has a few "
                 "hundred", (size_t)TZ_MAX_ZONE_ONSETS);
            return false;
        }
        budget->onsets_left--;
        if (property == ICAL_RRULE_PROPERTY &&
            !count_rule(z, p, dtstart, from_offset, line_offset(z, index, "RRULE", rules++),
                        kind, budget, onsets))
            return false;
    }
    return true;
}

void tz_check(icalcomponent *zone, const ics_scan *scan, size_t zone_index, const char *text,
              size_t length, tz_budget *budget, tz_finding *finding)
{
    memset(finding, 0, sizeof *finding);
    icalproperty *tzid = icalcomponent_get_first_property(zone, ICAL_TZID_PROPERTY);
    const char *name = tzid != NULL ? icalproperty_get_tzid(tzid) : NULL;
    if (name == NULL || name[0] == '\0')
        return; /* no TZID names it: libical never uses it */
    zone_check z = {zone, name, scan, zone_index, text, length, finding};
    finding->offset = zone_begin(&z);
    /* What libical ignores (other components) is not checked; what it
     * reads must be right. */
    ical_children children;
    ical_children_init(&children, scan,
                       zone_index != SIZE_MAX ? ics_scan_first_child(scan, zone_index) : SIZE_MAX);
    size_t observances = 0;
    for (icalcomponent *o = icalcomponent_get_first_component(zone, ICAL_ANY_COMPONENT);
         o != NULL; o = icalcomponent_get_next_component(zone, ICAL_ANY_COMPONENT)) {
        size_t index = ical_children_next(&children, o);
        icalcomponent_kind kind = icalcomponent_isa(o);
        if (kind == ICAL_XSTANDARD_COMPONENT || kind == ICAL_XDAYLIGHT_COMPONENT) {
            observances++;
            check_observance(&z, o, index,
                             kind == ICAL_XSTANDARD_COMPONENT ? "STANDARD" : "DAYLIGHT");
        }
    }
    ical_children_free(&children);
    if (observances == 0)
        find(&z, TZ_REFUSED, zone_begin(&z), "VTIMEZONE", "it has no STANDARD or DAYLIGHT "
             "observance");
    if (finding->verdict != TZ_USABLE)
        return;
    /* Only a zone libical could use is worth counting. */
    size_t onsets = 0;
    ical_children_init(&children, scan,
                       zone_index != SIZE_MAX ? ics_scan_first_child(scan, zone_index) : SIZE_MAX);
    for (icalcomponent *o = icalcomponent_get_first_component(zone, ICAL_ANY_COMPONENT);
         o != NULL; o = icalcomponent_get_next_component(zone, ICAL_ANY_COMPONENT)) {
        size_t index = ical_children_next(&children, o);
        icalcomponent_kind kind = icalcomponent_isa(o);
        if ((kind == ICAL_XSTANDARD_COMPONENT || kind == ICAL_XDAYLIGHT_COMPONENT) &&
            !count_observance(&z, o, index,
                              kind == ICAL_XSTANDARD_COMPONENT ? "STANDARD" : "DAYLIGHT",
                              budget, &onsets))
            break;
    }
    ical_children_free(&children);
}
