/*
 * render_ics.c - the document as iCalendar feeds (see render.h).
 *
 * The only file that includes libical. The VCALENDAR header and the
 * VTIMEZONEs are built with libical and serialised by it; each VEVENT is
 * written directly by libical's serialisation rules (CRLF, escaping,
 * folding at 75 octets), because libical's trees cost ten times the bytes
 * (see "one event"). The calendar is streamed: the header, then each
 * VTIMEZONE, then each VEVENT is written into one reused buffer and out,
 * so memory stays flat however many events there are.
 *
 * Policies (README "Partial dates"):
 * - a day-precision event is all-day: DTSTART;VALUE=DATE, DTEND the day
 *   after its last day (DTEND is exclusive for DATE values, RFC 5545 3.6.1);
 * - a month or year event follows the calendar's policy (span the whole
 *   month/year, a one-day marker, or omit), always says so in SUMMARY and
 *   DESCRIPTION, and carries X-ALMANAC-PRECISION so a re-import is lossless;
 * - local times carry the plain IANA TZID with a VTIMEZONE for it;
 * - everything is TRANSP:TRANSPARENT: following an event is not attending.
 */
#include "almanac/render.h"

#include <libical/ical.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- small helpers ---------------------------------------------------- */

void almanac_feed_file_name(const almanac_feed *feed, char *buffer, size_t size)
{
    snprintf(buffer, size, "%s.ics", feed != NULL ? feed->id : "all");
}

static icaltimetype utc_from_unix(int64_t seconds)
{
    return icaltime_from_timet_with_zone((time_t)seconds, 0, icaltimezone_get_utc_timezone());
}

static almanac_partial_policy policy_for(const almanac_document *doc, const almanac_event *e)
{
    if (e->start.precision == ALMANAC_PRECISION_MONTH)
        return doc->calendar.month_policy;
    if (e->start.precision == ALMANAC_PRECISION_YEAR)
        return doc->calendar.year_policy;
    return ALMANAC_PARTIAL_SPAN;
}

static bool is_partial(const almanac_event *e)
{
    return e->start.precision <= ALMANAC_PRECISION_MONTH;
}

static bool in_feeds(const almanac_document *doc, const almanac_event *e)
{
    return !is_partial(e) || policy_for(doc, e) != ALMANAC_PARTIAL_OMIT;
}

/* ---- one event -------------------------------------------------------- */

/* VEVENTs are the bulk of every feed. Building each one as a libical tree
 * and serialising it cost about ten times what its bytes cost to write, so
 * they are written here by the rules libical 3.0.16 serialises with: the
 * same content lines, the same escaping of TEXT values and the same folding
 * (fold_line below). Tests compare the feeds byte for byte with goldens that
 * libical wrote. The VCALENDAR header and the VTIMEZONEs, a few per feed,
 * are still built and serialised by libical. */

typedef struct {
    char *data;
    size_t length;
    size_t capacity;
    bool failed; /* out of memory: the text is incomplete */
} text_buffer;

static bool buffer_reserve(text_buffer *b, size_t extra)
{
    if (b->failed)
        return false;
    if (b->length + extra + 1 <= b->capacity)
        return true;
    size_t capacity = b->capacity ? b->capacity : 4096;
    while (capacity < b->length + extra + 1)
        capacity *= 2;
    char *data = realloc(b->data, capacity);
    if (data == NULL) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->capacity = capacity;
    return true;
}

static void buffer_add(text_buffer *b, const char *s, size_t n)
{
    if (!buffer_reserve(b, n))
        return;
    memcpy(b->data + b->length, s, n);
    b->length += n;
    b->data[b->length] = '\0';
}

static void buffer_adds(text_buffer *b, const char *s)
{
    buffer_add(b, s, strlen(s));
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void buffer_printf(text_buffer *b, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    if (n >= 0 && buffer_reserve(b, (size_t)n)) {
        vsnprintf(b->data + b->length, (size_t)n + 1, format, args);
        b->length += (size_t)n;
    }
    va_end(args);
}

typedef struct {
    text_buffer event; /* the VEVENT so far, folded, CRLF line ends */
    text_buffer line;  /* the content line being built, unfolded */
    text_buffer text;  /* scratch: a SUMMARY or DESCRIPTION before escaping */
} event_writer;

static void event_writer_free(event_writer *w)
{
    free(w->event.data);
    free(w->line.data);
    free(w->text.data);
}

static void line_begin(event_writer *w, const char *name)
{
    w->line.length = 0;
    buffer_adds(&w->line, name);
}

/* ";NAME=VALUE". Values here are IANA zone names and RELTYPE values, which
 * hold none of the characters that would make libical quote them. */
static void line_parameter(event_writer *w, const char *name, const char *value)
{
    buffer_add(&w->line, ";", 1);
    buffer_adds(&w->line, name);
    buffer_add(&w->line, "=", 1);
    buffer_adds(&w->line, value);
}

/* A value written as it is: URIs (libical never escapes them; the loader
 * refuses control characters in URLs), dates, numbers, enumerations. */
static void line_raw(event_writer *w, const char *value)
{
    buffer_add(&w->line, ":", 1);
    buffer_adds(&w->line, value);
}

typedef enum {
    ESCAPE_TEXT, /* TEXT: \ ; , and newline escaped */
    ESCAPE_LIST, /* CATEGORIES: , and ; are list separators, left alone */
    ESCAPE_X     /* X- properties: \ and newline escaped, , and ; not */
} escape_kind;

/* The value, escaped as libical 3.0.16 escapes it: newline becomes \n; a
 * backslash (and ; and , where KIND says) gets a backslash before it; TAB
 * stays raw; CR, BS and FF are dropped. */
static void line_text(event_writer *w, const char *value, escape_kind kind)
{
    const char *special = kind == ESCAPE_TEXT ? "\\;,\n\r\b\f" : "\\\n\r\b\f";
    buffer_add(&w->line, ":", 1);
    const char *p = value;
    for (;;) {
        size_t plain = strcspn(p, special);
        buffer_add(&w->line, p, plain);
        p += plain;
        if (*p == '\0')
            return;
        if (*p == '\n')
            buffer_add(&w->line, "\\n", 2);
        else if (*p == '\\' || *p == ';' || *p == ',') {
            char escaped[2] = {'\\', *p};
            buffer_add(&w->line, escaped, 2);
        }
        p++;
    }
}

/* Where the next folded line starts in LINE (LEFT bytes remain, the
 * trailing CRLF included): libical's rule, kept exactly so that feeds stay
 * byte-identical. A line may hold 74 bytes; the break goes after the last
 * ';', ':' or space among the first 74, else before a byte that starts a
 * UTF-8 character. */
static size_t next_line_start(const char *line, size_t left)
{
    enum { MAX_LINE_LENGTH = 75 };
    if (left < MAX_LINE_LENGTH)
        return left;
    for (size_t at = MAX_LINE_LENGTH - 2; at > 0; at--)
        if (line[at] == ';' || line[at] == ':' || line[at] == ' ')
            return at + 1;
    for (size_t at = MAX_LINE_LENGTH - 1; at > 0; at--) {
        unsigned char c = (unsigned char)line[at];
        if ((c & 0x80) == 0 || (c & 0xC0) == 0xC0)
            return at;
    }
    return MAX_LINE_LENGTH - 1;
}

/* Ends the content line and appends it, folded, to the event. As in
 * libical, the CRLF is part of the text being folded. */
static void line_end(event_writer *w)
{
    buffer_add(&w->line, "\r\n", 2);
    if (w->line.failed) {
        w->event.failed = true;
        return;
    }
    const char *line = w->line.data;
    size_t left = w->line.length;
    for (bool first = true; left > 0; first = false) {
        size_t n = next_line_start(line, left);
        if (!first)
            buffer_add(&w->event, "\r\n ", 3);
        buffer_add(&w->event, line, n);
        line += n;
        left -= n;
    }
}

static void property_raw(event_writer *w, const char *name, const char *value)
{
    line_begin(w, name);
    line_raw(w, value);
    line_end(w);
}

static void property_text(event_writer *w, const char *name, const char *value,
                          escape_kind kind)
{
    line_begin(w, name);
    line_text(w, value, kind);
    line_end(w);
}

/* DATE and DATE-TIME values as libical prints them. */
static void format_day(almanac_day day, char text[16])
{
    snprintf(text, 16, "%04d%02d%02d", day.year % 10000, day.month % 100, day.day % 100);
}

/* A date-time exactly as written: no conversion through time_t. */
static void format_time(const almanac_date *date, char text[24])
{
    snprintf(text, 24, "%04d%02d%02dT%02d%02d%02d%s", date->year % 10000, date->month % 100,
             date->day % 100, date->hour % 100, date->minute % 100, date->second % 100,
             date->precision == ALMANAC_PRECISION_UTC_TIME ? "Z" : "");
}

static void format_unix_utc(int64_t seconds, char text[24])
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL)
        memset(&tm, 0, sizeof tm);
    snprintf(text, 24, "%04d%02d%02dT%02d%02d%02dZ", (tm.tm_year + 1900) % 10000,
             (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100,
             tm.tm_sec % 100);
}

static void write_dates(event_writer *w, const almanac_document *doc, const almanac_event *e)
{
    char text[24];
    if (almanac_date_is_timed(&e->start)) {
        /* The plain IANA name, matching our VTIMEZONE, not libical's
         * prefixed TZID (see LIBRARY-NOTES.md); UTC times end in Z. */
        const char *tz = almanac_event_timezone(doc, e);
        line_begin(w, "DTSTART");
        if (tz != NULL)
            line_parameter(w, "TZID", tz);
        format_time(&e->start, text);
        line_raw(w, text);
        line_end(w);
        if (e->has_end) {
            line_begin(w, "DTEND");
            if (tz != NULL)
                line_parameter(w, "TZID", tz);
            format_time(&e->end, text);
            line_raw(w, text);
            line_end(w);
        }
        return;
    }
    almanac_day first = almanac_date_first_day(&e->start);
    almanac_day last = almanac_date_last_day(e->has_end ? &e->end : &e->start);
    if (is_partial(e) && policy_for(doc, e) == ALMANAC_PARTIAL_FIRST_DAY)
        last = first;
    format_day(first, text);
    property_raw(w, "DTSTART;VALUE=DATE", text);
    format_day(almanac_day_next(last), text);
    property_raw(w, "DTEND;VALUE=DATE", text);
}

/* "Youth Leaders Forum (planned for April 2023, exact date not known)". */
static void write_summary(event_writer *w, const almanac_event *e)
{
    char when[ALMANAC_LABEL_MAX] = "";
    if (is_partial(e))
        almanac_timeline_partial_label(e, when);
    const char *status = e->status == ALMANAC_STATUS_TENTATIVE ? "planned"
                       : e->status == ALMANAC_STATUS_CANCELLED ? "cancelled" : NULL;
    text_buffer *s = &w->text;
    s->length = 0;
    buffer_adds(s, e->title);
    if (status != NULL && when[0] != '\0')
        buffer_printf(s, " (%s %s, exact date not known)",
                      e->status == ALMANAC_STATUS_TENTATIVE ? "planned for" : "cancelled,", when);
    else if (status != NULL)
        buffer_printf(s, " (%s)", status);
    else if (when[0] != '\0')
        buffer_printf(s, " (%s, exact date not known)", when);
    property_text(w, "SUMMARY", s->data, ESCAPE_TEXT);
}

static void write_source(text_buffer *s, const almanac_source *src)
{
    buffer_printf(s, "\n- %s", src->title);
    if (src->publisher != NULL)
        buffer_printf(s, ", %s", src->publisher);
    if (src->has_date) {
        char date[ALMANAC_DATE_TEXT_MAX];
        almanac_date_format(&src->date, date);
        buffer_printf(s, ", %s", date);
    }
    if (src->url != NULL)
        buffer_printf(s, ": %s", src->url);
}

/* The description, then what a reader needs that has no property of its
 * own: the approximate date, participants and sources. */
static void write_description(event_writer *w, const almanac_document *doc,
                              const almanac_event *e)
{
    text_buffer *s = &w->text;
    s->length = 0;
    const char *gap = "";
    if (e->description != NULL) {
        buffer_adds(s, e->description);
        gap = "\n\n";
    }
    if (is_partial(e)) {
        char when[ALMANAC_LABEL_MAX];
        almanac_timeline_partial_label(e, when);
        buffer_printf(s, "%sDate: %s, exact date not known (this calendar shows it %s)", gap,
                      when, policy_for(doc, e) == ALMANAC_PARTIAL_FIRST_DAY ? "on its first day"
                      : e->start.precision == ALMANAC_PRECISION_MONTH ? "across the whole month"
                                                                      : "across the whole year");
        gap = "\n\n";
    }
    if (e->participants.count > 0) {
        buffer_printf(s, "%sParticipants: ", gap);
        for (size_t i = 0; i < e->participants.count; i++)
            buffer_printf(s, "%s%s", i ? "; " : "", e->participants.items[i]);
        gap = "\n\n";
    }
    if (e->source_count > 0) {
        buffer_printf(s, "%sSources:", gap);
        for (size_t i = 0; i < e->source_count; i++)
            write_source(s, &e->sources[i]);
    }
    if (s->length > 0 && !s->failed)
        property_text(w, "DESCRIPTION", s->data, ESCAPE_TEXT);
    else if (s->failed)
        w->event.failed = true;
}

static void write_location(event_writer *w, const almanac_event *e)
{
    if (!e->has_location)
        return;
    text_buffer *s = &w->text;
    s->length = 0;
    buffer_adds(s, e->location.name);
    if (e->location.country != NULL) {
        buffer_add(s, ", ", 2);
        buffer_adds(s, e->location.country);
    }
    if (s->failed) {
        w->event.failed = true;
        return;
    }
    property_text(w, "LOCATION", s->data, ESCAPE_TEXT);
    if (e->location.has_geo) {
        char geo[80];
        snprintf(geo, sizeof geo, "%f;%f", e->location.latitude, e->location.longitude);
        property_raw(w, "GEO", geo);
    }
}

/* Tags are slugs, so no tag holds the ',' or ';' that libical would leave
 * unescaped in CATEGORIES (LIBRARY-NOTES.md). */
static void write_categories(event_writer *w, const almanac_event *e)
{
    if (e->tags.count == 0)
        return;
    text_buffer *s = &w->text;
    s->length = 0;
    for (size_t i = 0; i < e->tags.count; i++) {
        if (i > 0)
            buffer_add(s, ",", 1);
        buffer_adds(s, e->tags.items[i]);
    }
    if (!s->failed)
        property_text(w, "CATEGORIES", s->data, ESCAPE_LIST);
}

static const char *status_text(almanac_status status)
{
    switch (status) {
    case ALMANAC_STATUS_TENTATIVE: return "TENTATIVE";
    case ALMANAC_STATUS_CANCELLED: return "CANCELLED";
    case ALMANAC_STATUS_CONFIRMED: break;
    }
    return "CONFIRMED";
}

/* "<event id>@<calendar id>", a TEXT value. */
static void write_uid(event_writer *w, const char *name, const char *parameter,
                      const almanac_document *doc, const char *event_id)
{
    text_buffer *s = &w->text;
    s->length = 0;
    buffer_adds(s, event_id);
    buffer_add(s, "@", 1);
    buffer_adds(s, doc->calendar.id);
    if (s->failed) {
        w->event.failed = true;
        return;
    }
    line_begin(w, name);
    if (parameter != NULL)
        line_parameter(w, "RELTYPE", parameter);
    line_text(w, s->data, ESCAPE_TEXT);
    line_end(w);
}

static void write_precision(event_writer *w, const almanac_event *e)
{
    if (!is_partial(e))
        return;
    char text[ALMANAC_DATE_TEXT_MAX];
    property_text(w, "X-ALMANAC-PRECISION", almanac_precision_name(e->start.precision), ESCAPE_X);
    almanac_date_format(&e->start, text);
    property_text(w, "X-ALMANAC-START", text, ESCAPE_X);
    if (e->has_end) {
        almanac_date_format(&e->end, text);
        property_text(w, "X-ALMANAC-END", text, ESCAPE_X);
    }
}

/* Writes the VEVENT into W->event (replacing what was there); STAMP NULL
 * leaves out DTSTAMP, SEQUENCE and LAST-MODIFIED (the form that is hashed
 * to detect changes). Returns false when out of memory. */
static bool write_event(event_writer *w, const almanac_document *doc, const almanac_event *e,
                        const almanac_event_stamp *stamp)
{
    char time_text[24];
    w->event.length = 0;
    buffer_adds(&w->event, "BEGIN:VEVENT\r\n");
    write_uid(w, "UID", NULL, doc, e->id);
    if (stamp != NULL) {
        format_unix_utc(stamp->modified, time_text);
        property_raw(w, "DTSTAMP", time_text);
    }
    write_dates(w, doc, e);
    write_summary(w, e);
    write_description(w, doc, e);
    write_location(w, e);
    if (e->url != NULL)
        property_raw(w, "URL", e->url);
    write_categories(w, e);
    property_raw(w, "STATUS", status_text(e->status));
    property_raw(w, "CLASS", "PUBLIC");
    property_raw(w, "TRANSP", "TRANSPARENT");
    /* Without RELTYPE, RFC 5545 reads RELATED-TO as PARENT. */
    for (size_t i = 0; i < e->related.count; i++)
        write_uid(w, "RELATED-TO", "SIBLING", doc, e->related.items[i]);
    if (stamp != NULL) {
        char sequence[16];
        snprintf(sequence, sizeof sequence, "%d", (int)stamp->sequence);
        property_raw(w, "SEQUENCE", sequence);
        property_raw(w, "LAST-MODIFIED", time_text);
    }
    write_precision(w, e);
    buffer_adds(&w->event, "END:VEVENT\r\n");
    return !w->event.failed && !w->line.failed && !w->text.failed;
}

char *almanac_render_ics_event_content(const almanac_document *document,
                                       const almanac_event *event)
{
    if (!in_feeds(document, event))
        return NULL;
    event_writer w = {0};
    char *text = NULL;
    if (write_event(&w, document, event, NULL)) {
        text = w.event.data; /* handed over to the caller */
        w.event.data = NULL;
    }
    event_writer_free(&w);
    return text;
}

/* ---- the calendar ----------------------------------------------------- */

static int write_component(icalcomponent *c, FILE *out)
{
    char *text = icalcomponent_as_ical_string_r(c);
    if (text == NULL)
        return -1;
    int result = fputs(text, out) < 0 ? -1 : 0;
    free(text);
    return result;
}

static void add_x(icalcomponent *c, const char *name, const char *value)
{
    icalproperty *p = icalproperty_new_x(value);
    icalproperty_set_x_name(p, name);
    icalcomponent_add_property(c, p);
}

/* Writes the VCALENDAR's opening and properties, but not its end. */
static int write_header(const almanac_document *doc, const almanac_ics_options *o,
                        FILE *out)
{
    const almanac_calendar *cal = &doc->calendar;
    const almanac_feed *feed = o->feed;
    icalcomponent *c = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    char name[2100], file[256];
    if (feed != NULL)
        snprintf(name, sizeof name, "%s: %s", cal->name, feed->name);
    else
        snprintf(name, sizeof name, "%s", cal->name);
    almanac_feed_file_name(feed, file, sizeof file);
    const char *description = feed != NULL && feed->description != NULL ? feed->description
                                                                        : cal->description;
    icalcomponent_add_property(c, icalproperty_new_version("2.0"));
    icalcomponent_add_property(c, icalproperty_new_prodid("-//almanac//almanac " ALMANAC_VERSION "//EN"));
    icalcomponent_add_property(c, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(c, icalproperty_new_name(name));
    add_x(c, "X-WR-CALNAME", name);
    if (description != NULL) {
        icalcomponent_add_property(c, icalproperty_new_description(description));
        add_x(c, "X-WR-CALDESC", description);
    }
    if (cal->timezone != NULL)
        add_x(c, "X-WR-TIMEZONE", cal->timezone);
    if (cal->url != NULL) {
        icalcomponent_add_property(c, icalproperty_new_url(cal->url));
        size_t n = strlen(cal->url);
        char *source = malloc(n + sizeof file + 2);
        if (source != NULL) {
            snprintf(source, n + sizeof file + 2, "%s%s%s", cal->url,
                     n > 0 && cal->url[n - 1] == '/' ? "" : "/", file);
            icalcomponent_add_property(c, icalproperty_new_source(source));
            free(source);
        }
    }
    struct icaldurationtype refresh = icaldurationtype_from_int((int)cal->refresh_seconds);
    icalproperty *p = icalproperty_new_refreshinterval(refresh);
    icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DURATION));
    icalcomponent_add_property(c, p);
    add_x(c, "X-PUBLISHED-TTL", cal->refresh);
    if (cal->color != NULL)
        icalcomponent_add_property(c, icalproperty_new_color(cal->color));
    if (o->calendar_modified > 0)
        icalcomponent_add_property(c, icalproperty_new_lastmodified(utc_from_unix(o->calendar_modified)));
    char *text = icalcomponent_as_ical_string_r(c);
    icalcomponent_free(c);
    if (text == NULL)
        return -1;
    char *end = strstr(text, "END:VCALENDAR\r\n");
    if (end != NULL)
        *end = '\0';
    int result = fputs(text, out) < 0 ? -1 : 0;
    free(text);
    return result;
}

typedef struct {
    const char *name;
    int first_year; /* earliest year an event in the feed needs */
} zone_use;

static int by_zone_name(const void *a, const void *b)
{
    return strcmp(((const zone_use *)a)->name, ((const zone_use *)b)->name);
}

/* The distinct zones the feed's events use, sorted by name, each with the
 * earliest year it must cover; *COUNT gets their number. */
static zone_use *zones_used(const almanac_document *doc, const size_t *order, size_t n,
                            const almanac_feed *feed, size_t *count)
{
    zone_use *zones = malloc((n ? n : 1) * sizeof *zones);
    *count = 0;
    if (zones == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const almanac_event *e = &doc->events[order[i]];
        const char *tz = almanac_event_timezone(doc, e);
        if (tz != NULL && almanac_feed_selects(feed, e))
            zones[(*count)++] = (zone_use){tz, e->start.year};
    }
    qsort(zones, *count, sizeof *zones, by_zone_name);
    size_t distinct = 0;
    for (size_t i = 0; i < *count; i++) {
        if (distinct > 0 && strcmp(zones[distinct - 1].name, zones[i].name) == 0) {
            if (zones[i].first_year < zones[distinct - 1].first_year)
                zones[distinct - 1].first_year = zones[i].first_year;
        } else {
            zones[distinct++] = zones[i];
        }
    }
    *count = distinct;
    return zones;
}

/* A VTIMEZONE from the system tz database, named by its plain IANA name and
 * cut to the years from FIRST_YEAR on. */
static int write_timezone(const char *name, int first_year, FILE *out)
{
    icaltimezone *zone = icaltimezone_get_builtin_timezone(name);
    /* libical's own UTC zone has no VTIMEZONE: use the tz database's. */
    if (zone != NULL && icaltimezone_get_component(zone) == NULL)
        zone = icaltimezone_get_builtin_timezone("Etc/UTC");
    if (zone == NULL || icaltimezone_get_component(zone) == NULL)
        return -1; /* validation checked the zone exists; libical disagrees */
    icalcomponent *vtz = icalcomponent_new_clone(icaltimezone_get_component(zone));
    if (vtz == NULL)
        return -1;
    icaltimetype start = icaltime_null_time();
    start.year = first_year - 1; /* a year of margin for events near 1 Jan */
    start.month = 1;
    start.day = 1;
    start.zone = icaltimezone_get_utc_timezone();
    icaltimezone_truncate_vtimezone(vtz, start, icaltime_null_time(), 0);
    icalproperty *tzid = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
    if (tzid != NULL)
        icalproperty_set_tzid(tzid, name);
    int result = write_component(vtz, out);
    icalcomponent_free(vtz);
    return result;
}

int almanac_render_ics(const almanac_document *doc, const almanac_ics_options *o,
                       FILE *out)
{
    size_t *order = almanac_document_sorted(doc);
    size_t n = order != NULL ? doc->event_count : 0;
    size_t zone_count = 0;
    zone_use *zones = zones_used(doc, order, n, o->feed, &zone_count);
    int result = zones != NULL && (n > 0 || doc->event_count == 0) ? 0 : -1;
    if (result == 0)
        result = write_header(doc, o, out);
    for (size_t i = 0; result == 0 && i < zone_count; i++)
        result = write_timezone(zones[i].name, zones[i].first_year, out);
    size_t written = 0;
    event_writer writer = {0};
    for (size_t i = 0; result == 0 && i < n; i++) {
        const almanac_event *e = &doc->events[order[i]];
        if (!almanac_feed_selects(o->feed, e) || !in_feeds(doc, e))
            continue;
        almanac_event_stamp stamp = {0, o->default_modified};
        if (o->stamps != NULL)
            stamp = o->stamps[order[i]];
        if (!write_event(&writer, doc, e, &stamp) ||
            fwrite(writer.event.data, 1, writer.event.length, out) != writer.event.length)
            result = -1;
        written++;
    }
    event_writer_free(&writer);
    /* RFC 5545 needs at least one component: a feed that selects nothing
     * carries the VTIMEZONE of the calendar's zone (UTC when none is set),
     * which calendar apps accept and show as an empty calendar. */
    if (result == 0 && written == 0 && zone_count == 0)
        result = write_timezone(doc->calendar.timezone != NULL ? doc->calendar.timezone : "UTC",
                                1970, out);
    if (result == 0 && fputs("END:VCALENDAR\r\n", out) < 0)
        result = -1;
    free(zones);
    free(order);
    return result;
}
