/*
 * render_ics.c - the document as iCalendar feeds (see render.h).
 *
 * The only file that includes libical. Every component is built with
 * libical and serialised by it (CRLF, escaping, folding at 75 octets).
 * The calendar is streamed: the VCALENDAR header, then each VTIMEZONE,
 * then each VEVENT is built, written and freed in turn, so memory stays
 * flat however many events there are. Several feeds can be written in
 * the same pass, each VEVENT serialised once for all the feeds that hold
 * it (almanac_render_ics_feeds, used by the build).
 *
 * Policies (README "Partial dates"):
 * - a day-precision event is all-day: DTSTART;VALUE=DATE, DTEND the day
 *   after its last day (DTEND is exclusive for DATE values, RFC 5545 3.6.1);
 * - a month or year event follows the calendar's policy (span the whole
 *   month/year, a one-day marker, or omit), always says so in SUMMARY and
 *   DESCRIPTION, and carries X-ALMANAC-PRECISION so a re-import is lossless;
 * - what DESCRIPTION and LOCATION flatten into text (participants, sources,
 *   the country) and the calendar's own settings (its id, partial-date
 *   policy, and in all.ics the declared feeds) also go into X-ALMANAC-*
 *   properties, so that `almanac import` of all.ics builds the same feeds;
 * - local times carry the plain IANA TZID with a VTIMEZONE for it;
 * - everything is TRANSP:TRANSPARENT: following an event is not attending.
 */
#include "almanac/render.h"

#include <errno.h>
#include <libical/ical.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "almanac/version.h"
#include "hash.h"
#include "parallel.h"
#include "series.h"
#include "render_ics.h"
#include "textbuf.h"

/* ---- small helpers ---------------------------------------------------- */

_Static_assert(ALMANAC_FILE_NAME_MAX > ALMANAC_MAX_SLUG_BYTES + sizeof ".ics",
               "a feed's file name fits ALMANAC_FILE_NAME_MAX");

void almanac_feed_file_name(const almanac_feed *feed, char *buffer, size_t size)
{
    snprintf(buffer, size, "%s.ics", feed != NULL ? feed->id : "all");
}

static icaltimetype date_value(almanac_day day)
{
    icaltimetype t = icaltime_null_date();
    t.year = day.year;
    t.month = day.month;
    t.day = day.day;
    return t;
}

/* A date-time exactly as written: no conversion through time_t. */
static icaltimetype time_value(const almanac_date *date)
{
    icaltimetype t = icaltime_null_time();
    t.year = date->year;
    t.month = date->month;
    t.day = date->day;
    t.hour = date->hour;
    t.minute = date->minute;
    t.second = date->second;
    if (date->precision == ALMANAC_PRECISION_UTC_TIME)
        t.zone = icaltimezone_get_utc_timezone();
    return t;
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

static void add_x(icalcomponent *c, const char *name, const char *value)
{
    icalproperty *p = icalproperty_new_x(value);
    icalproperty_set_x_name(p, name);
    icalcomponent_add_property(c, p);
}

static void add_dates(const almanac_document *doc, const almanac_event *e, icalcomponent *c)
{
    const almanac_date *end = e->has_end ? &e->end : &e->start;
    if (almanac_date_is_timed(&e->start)) {
        icalproperty *start = icalproperty_new_dtstart(time_value(&e->start));
        icalproperty *finish = e->has_end ? icalproperty_new_dtend(time_value(&e->end)) : NULL;
        const char *tz = almanac_event_timezone(doc, e);
        if (tz != NULL) {
            /* The plain IANA name, matching our VTIMEZONE, not libical's
             * prefixed TZID (see LIBRARY-NOTES.md). */
            icalproperty_add_parameter(start, icalparameter_new_tzid(tz));
            if (finish != NULL)
                icalproperty_add_parameter(finish, icalparameter_new_tzid(tz));
        }
        icalcomponent_add_property(c, start);
        if (finish != NULL)
            icalcomponent_add_property(c, finish);
        return;
    }
    almanac_day first = almanac_date_first_day(&e->start);
    almanac_day last = almanac_date_last_day(end);
    if (is_partial(e) && policy_for(doc, e) == ALMANAC_PARTIAL_FIRST_DAY)
        last = first;
    icalcomponent_add_property(c, icalproperty_new_dtstart(date_value(first)));
    icalcomponent_add_property(c, icalproperty_new_dtend(date_value(almanac_day_next(last))));
}

/* "Youth Leaders Forum (planned for April 2023, exact date not known)". */
static void append_summary(textbuf *b, const almanac_event *e)
{
    char when[ALMANAC_LABEL_MAX] = "";
    if (is_partial(e))
        almanac_timeline_partial_label(e, when);
    const char *status = e->status == ALMANAC_STATUS_TENTATIVE ? "planned"
                       : e->status == ALMANAC_STATUS_CANCELLED ? "cancelled" : NULL;
    textbuf_puts(b, e->title);
    if (status != NULL && when[0] != '\0')
        textbuf_printf(b, " (%s %s, exact date not known)",
                      e->status == ALMANAC_STATUS_TENTATIVE ? "planned for" : "cancelled,", when);
    else if (status != NULL)
        textbuf_printf(b, " (%s)", status);
    else if (when[0] != '\0')
        textbuf_printf(b, " (%s, exact date not known)", when);
}

char *almanac_ics_summary(const almanac_event *e)
{
    textbuf b = STRBUF_INIT;
    append_summary(&b, e);
    return textbuf_take(&b);
}

static void append_source(textbuf *b, const almanac_source *src)
{
    textbuf_puts(b, "\n- ");
    textbuf_puts(b, src->title);
    if (src->publisher != NULL) {
        textbuf_puts(b, ", ");
        textbuf_puts(b, src->publisher);
    }
    if (src->has_date) {
        char date[ALMANAC_DATE_TEXT_MAX];
        almanac_date_format(&src->date, date);
        textbuf_puts(b, ", ");
        textbuf_puts(b, date);
    }
    if (src->url != NULL) {
        textbuf_puts(b, ": ");
        textbuf_puts(b, src->url);
    }
}

/* The description, then what a reader needs that has no property of its
 * own: the approximate date, participants and sources. */
static void append_description(textbuf *b, const almanac_document *doc, const almanac_event *e)
{
    const char *gap = "";
    if (e->description != NULL) {
        textbuf_puts(b, e->description);
        gap = "\n\n";
    }
    if (is_partial(e)) {
        char when[ALMANAC_LABEL_MAX];
        almanac_timeline_partial_label(e, when);
        textbuf_printf(b, "%sDate: %s, exact date not known (this calendar shows it %s)", gap, when,
                      policy_for(doc, e) == ALMANAC_PARTIAL_FIRST_DAY ? "on its first day"
                      : e->start.precision == ALMANAC_PRECISION_MONTH ? "across the whole month"
                                                                      : "across the whole year");
        gap = "\n\n";
    }
    if (e->participants.count > 0) {
        textbuf_puts(b, gap);
        textbuf_puts(b, "Participants: ");
        for (size_t i = 0; i < e->participants.count; i++) {
            if (i > 0)
                textbuf_puts(b, "; ");
            textbuf_puts(b, e->participants.items[i]);
        }
        gap = "\n\n";
    }
    if (e->source_count > 0) {
        textbuf_puts(b, gap);
        textbuf_puts(b, "Sources:");
        for (size_t i = 0; i < e->source_count; i++)
            append_source(b, &e->sources[i]);
    }
}

char *almanac_ics_description(const almanac_document *doc, const almanac_event *e)
{
    textbuf b = STRBUF_INIT;
    append_description(&b, doc, e);
    return textbuf_take(&b);
}

static icalproperty_status status_value(almanac_status status)
{
    switch (status) {
    case ALMANAC_STATUS_TENTATIVE: return ICAL_STATUS_TENTATIVE;
    case ALMANAC_STATUS_CANCELLED: return ICAL_STATUS_CANCELLED;
    case ALMANAC_STATUS_CONFIRMED: break;
    }
    return ICAL_STATUS_CONFIRMED;
}

/* "<event id>@<calendar id>". */
static void append_uid(textbuf *b, const almanac_document *doc, const char *event_id)
{
    textbuf_puts(b, event_id);
    textbuf_puts(b, "@");
    textbuf_puts(b, doc->calendar.id);
}

/* The texts build_event() derives from an event. The render loop keeps one
 * of these from event to event, so their memory is allocated once. */
typedef struct {
    textbuf uid, summary, description;
    textbuf scratch; /* a RELATED-TO uid, the CATEGORIES list */
} event_texts;

#define EVENT_TEXTS_INIT {STRBUF_INIT, STRBUF_INIT, STRBUF_INIT, STRBUF_INIT}

static void event_texts_free(event_texts *t)
{
    textbuf_free(&t->uid);
    textbuf_free(&t->summary);
    textbuf_free(&t->description);
    textbuf_free(&t->scratch);
}

/* Fills T's uid, summary and description for E; false when out of memory. */
static bool event_texts_fill(event_texts *t, const almanac_document *doc, const almanac_event *e)
{
    textbuf_clear(&t->uid);
    textbuf_clear(&t->summary);
    textbuf_clear(&t->description);
    append_uid(&t->uid, doc, e->id);
    append_summary(&t->summary, e);
    append_description(&t->description, doc, e);
    return !t->uid.failed && !t->summary.failed && !t->description.failed;
}

static void add_location(const almanac_event *e, icalcomponent *c)
{
    if (!e->has_location)
        return;
    char place[2 * 2048 + 3];
    if (e->location.country != NULL)
        snprintf(place, sizeof place, "%s, %s", e->location.name, e->location.country);
    else
        snprintf(place, sizeof place, "%s", e->location.name);
    icalcomponent_add_property(c, icalproperty_new_location(place));
    if (e->location.has_geo) {
        struct icalgeotype geo = {e->location.latitude, e->location.longitude};
        icalcomponent_add_property(c, icalproperty_new_geo(geo));
    }
}

/* Tags are slugs, so no tag holds the ',' or ';' that libical would leave
 * unescaped in CATEGORIES (LIBRARY-NOTES.md). */
static void add_categories(const almanac_event *e, icalcomponent *c, textbuf *list)
{
    if (e->tags.count == 0)
        return;
    textbuf_clear(list);
    for (size_t i = 0; i < e->tags.count; i++) {
        if (i > 0)
            textbuf_puts(list, ",");
        textbuf_puts(list, e->tags.items[i]);
    }
    if (textbuf_text(list) != NULL)
        icalcomponent_add_property(c, icalproperty_new_categories(textbuf_text(list)));
}

static void add_related(const almanac_document *doc, const almanac_event *e, icalcomponent *c,
                        textbuf *uid)
{
    for (size_t i = 0; i < e->related.count; i++) {
        textbuf_clear(uid);
        append_uid(uid, doc, e->related.items[i]);
        if (textbuf_text(uid) == NULL)
            continue;
        icalproperty *p = icalproperty_new_relatedto(textbuf_text(uid));
        /* Without RELTYPE, RFC 5545 reads RELATED-TO as PARENT. */
        icalproperty_add_parameter(p, icalparameter_new_reltype(ICAL_RELTYPE_SIBLING));
        icalcomponent_add_property(c, p);
    }
}

static void add_param(icalproperty *p, const char *name, const char *value)
{
    icalparameter *parameter = icalparameter_new_x(value);
    icalparameter_set_xname(parameter, name);
    icalproperty_add_parameter(p, parameter);
}

/* What DESCRIPTION and LOCATION flatten into text, kept as structure so that
 * `almanac import` restores the event exactly (README "Import"). Only values
 * that cannot hold '^' go into parameters: libical does not escape it there. */
static void add_structure(const almanac_event *e, icalcomponent *c)
{
    if (e->has_location && e->location.country != NULL)
        add_x(c, "X-ALMANAC-COUNTRY", e->location.country);
    for (size_t i = 0; i < e->participants.count; i++)
        add_x(c, "X-ALMANAC-PARTICIPANT", e->participants.items[i]);
    for (size_t i = 0; i < e->source_count; i++) {
        const almanac_source *src = &e->sources[i];
        icalproperty *p = icalproperty_new_x(src->title);
        icalproperty_set_x_name(p, "X-ALMANAC-SOURCE");
        if (src->has_date) {
            char date[ALMANAC_DATE_TEXT_MAX];
            almanac_date_format(&src->date, date);
            add_param(p, "X-ALMANAC-DATE", date);
        }
        if (src->url != NULL)
            add_param(p, "X-ALMANAC-URL", src->url);
        icalcomponent_add_property(c, p);
        /* belongs to the X-ALMANAC-SOURCE just before it */
        if (src->publisher != NULL)
            add_x(c, "X-ALMANAC-SOURCE-PUBLISHER", src->publisher);
    }
}

static void add_precision(const almanac_event *e, icalcomponent *c)
{
    if (!is_partial(e))
        return;
    char text[ALMANAC_DATE_TEXT_MAX];
    add_x(c, "X-ALMANAC-PRECISION", almanac_precision_name(e->start.precision));
    almanac_date_format(&e->start, text);
    add_x(c, "X-ALMANAC-START", text);
    if (e->has_end) {
        almanac_date_format(&e->end, text);
        add_x(c, "X-ALMANAC-END", text);
    }
}

/* ---- series, reminders, people ------------------------------------- */

/* A date of the event's kind as DTSTART would carry it, with TZID for a
 * local time: RDATE, EXDATE and RECURRENCE-ID are written like DTSTART
 * (RECURRENCE-ID in another zone than DTSTART is matched wrongly by
 * python3-recurring-ical-events). */
static void add_tzid(const almanac_document *doc, const almanac_event *e, icalproperty *p,
                     const almanac_date *d)
{
    const char *tz = almanac_event_timezone(doc, e);
    if (d->precision == ALMANAC_PRECISION_LOCAL_TIME && tz != NULL)
        icalproperty_add_parameter(p, icalparameter_new_tzid(tz));
}

static icaltimetype series_value(const almanac_date *d)
{
    return almanac_date_is_timed(d) ? time_value(d) : date_value(almanac_date_first_day(d));
}

static void add_recurrence(const almanac_document *doc, const almanac_event *e, icalcomponent *c)
{
    if (e->has_repeat)
        icalcomponent_add_property(c, icalproperty_new_rrule(
            icalrecurrencetype_from_string(e->repeat.rule)));
    for (size_t i = 0; i < e->extra_dates.count; i++) {
        struct icaldatetimeperiodtype v;
        memset(&v, 0, sizeof v);
        v.time = series_value(&e->extra_dates.items[i]);
        v.period = icalperiodtype_null_period();
        icalproperty *p = icalproperty_new_rdate(v);
        add_tzid(doc, e, p, &e->extra_dates.items[i]);
        if (!almanac_date_is_timed(&e->start))
            icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATE));
        icalcomponent_add_property(c, p);
    }
    for (size_t i = 0; i < e->excluded_dates.count; i++) {
        icalproperty *p = icalproperty_new_exdate(series_value(&e->excluded_dates.items[i]));
        add_tzid(doc, e, p, &e->excluded_dates.items[i]);
        icalcomponent_add_property(c, p);
    }
}

static void add_alarms(const almanac_document *doc, const almanac_event *e, icalcomponent *c,
                       const char *summary)
{
    const almanac_alarm_list *list = almanac_event_alarms(doc, e);
    for (size_t i = 0; i < list->count; i++) {
        const almanac_alarm *a = &list->items[i];
        icalcomponent *alarm = icalcomponent_new(ICAL_VALARM_COMPONENT);
        icalcomponent_add_property(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
        struct icaltriggertype trigger;
        memset(&trigger, 0, sizeof trigger);
        icalproperty *p;
        if (a->kind == ALMANAC_ALARM_AT) {
            trigger.time = time_value(&a->at);
            trigger.duration = icaldurationtype_null_duration();
            p = icalproperty_new_trigger(trigger);
            icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATETIME));
        } else {
            trigger.time = icaltime_null_time();
            long seconds = a->kind == ALMANAC_ALARM_BEFORE ? -a->seconds : a->seconds;
            trigger.duration = icaldurationtype_from_int((int)seconds);
            p = icalproperty_new_trigger(trigger);
            if (a->of_end)
                icalproperty_add_parameter(p, icalparameter_new_related(ICAL_RELATED_END));
        }
        icalcomponent_add_property(alarm, p);
        icalcomponent_add_property(alarm, icalproperty_new_description(
            a->description != NULL ? a->description : summary));
        icalcomponent_add_component(c, alarm);
    }
}

static icalproperty *person_property(const almanac_person *person, bool organizer,
                                     textbuf *scratch)
{
    textbuf_clear(scratch);
    textbuf_puts(scratch, "mailto:");
    textbuf_puts(scratch, person->email);
    if (textbuf_text(scratch) == NULL)
        return NULL;
    icalproperty *p = organizer ? icalproperty_new_organizer(textbuf_text(scratch))
                                : icalproperty_new_attendee(textbuf_text(scratch));
    if (person->name != NULL)
        icalproperty_add_parameter(p, icalparameter_new_cn(person->name));
    return p;
}

static void add_people(const almanac_event *e, icalcomponent *c, textbuf *scratch)
{
    static const icalparameter_role roles[] = {ICAL_ROLE_REQPARTICIPANT, ICAL_ROLE_CHAIR,
                                               ICAL_ROLE_OPTPARTICIPANT,
                                               ICAL_ROLE_NONPARTICIPANT};
    static const icalparameter_partstat partstats[] = {
        ICAL_PARTSTAT_NEEDSACTION, ICAL_PARTSTAT_ACCEPTED, ICAL_PARTSTAT_DECLINED,
        ICAL_PARTSTAT_TENTATIVE, ICAL_PARTSTAT_DELEGATED};
    icalproperty *p;
    if (e->has_organizer && (p = person_property(&e->organizer, true, scratch)) != NULL)
        icalcomponent_add_property(c, p);
    for (size_t i = 0; i < e->attendee_count; i++) {
        const almanac_person *a = &e->attendees[i];
        if ((p = person_property(a, false, scratch)) == NULL)
            continue;
        icalproperty_add_parameter(p, icalparameter_new_role(roles[a->role]));
        icalproperty_add_parameter(p, icalparameter_new_partstat(partstats[a->status]));
        icalcomponent_add_property(c, p);
    }
}

static void add_presentation(const almanac_event *e, icalcomponent *c)
{
    if (e->color != NULL)
        icalcomponent_add_property(c, icalproperty_new_color(e->color));
    if (e->image != NULL) {
        icalattach *a = icalattach_new_from_url(e->image);
        icalproperty *p = icalproperty_new_image(a);
        icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_URI));
        icalcomponent_add_property(c, p);
        icalattach_unref(a);
    }
    for (size_t i = 0; i < e->attachments.count; i++) {
        icalattach *a = icalattach_new_from_url(e->attachments.items[i]);
        icalcomponent_add_property(c, icalproperty_new_attach(a));
        icalattach_unref(a);
    }
}

/* Builds the VEVENT; STAMP NULL leaves out DTSTAMP and LAST-MODIFIED.
 * TEXTS is scratch space, reused from one event to the next. OVERRIDE,
 * when not NULL, makes it that occurrence's VEVENT (RECURRENCE-ID).
 * ALARMS: whether VALARMs go in. Returns NULL when out of memory. */
static icalcomponent *build_event(const almanac_document *doc, const almanac_event *series,
                                  const almanac_override *override, bool alarms,
                                  const almanac_event_stamp *stamp, event_texts *texts)
{
    almanac_event occurrence;
    const almanac_event *e = series;
    if (override != NULL) {
        series_occurrence o = {override->occurrence,
                               override->has_start ? override->start : override->occurrence,
                               override, false};
        occurrence = series_occurrence_event(series, &o);
        e = &occurrence;
    }
    if (!event_texts_fill(texts, doc, e))
        return NULL;
    icalcomponent *c = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    if (c == NULL)
        return NULL;
    const char *description = textbuf_text(&texts->description);
    icalcomponent_add_property(c, icalproperty_new_uid(textbuf_text(&texts->uid)));
    if (stamp != NULL)
        icalcomponent_add_property(c, icalproperty_new_dtstamp(utc_from_unix(stamp->modified)));
    add_dates(doc, e, c);
    if (override != NULL) {
        icalproperty *id = icalproperty_new_recurrenceid(series_value(&override->occurrence));
        add_tzid(doc, series, id, &override->occurrence);
        icalcomponent_add_property(c, id);
    }
    add_recurrence(doc, e, c);
    icalcomponent_add_property(c, icalproperty_new_summary(textbuf_text(&texts->summary)));
    if (description[0] != '\0')
        icalcomponent_add_property(c, icalproperty_new_description(description));
    add_location(e, c);
    if (e->url != NULL)
        icalcomponent_add_property(c, icalproperty_new_url(e->url));
    add_categories(e, c, &texts->scratch);
    icalcomponent_add_property(c, icalproperty_new_status(status_value(e->status)));
    icalcomponent_add_property(c, icalproperty_new_class(ICAL_CLASS_PUBLIC));
    icalcomponent_add_property(c, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
    add_related(doc, e, c, &texts->scratch);
    if (stamp != NULL) {
        icalcomponent_add_property(c, icalproperty_new_sequence((int)stamp->sequence));
        icalcomponent_add_property(c, icalproperty_new_lastmodified(utc_from_unix(stamp->modified)));
    }
    add_people(e, c, &texts->scratch);
    add_presentation(e, c);
    add_precision(e, c);
    add_structure(e, c);
    if (alarms)
        add_alarms(doc, e, c, e->title);
    return c;
}

/* Bump when build_event() writes anything differently, so that the first
 * build with the new almanac gives every event a new SEQUENCE. */
static const char ICS_FORMAT[] = "almanac-vevent-2";

/* The record is fed to the hash piece by piece, never built: the same
 * bytes, in the same order, as the string that was once built and hashed
 * with hash_string() (its NUL included), so that the hashes stored in build
 * states stay valid. Each field is "name\x1fvalue\x1e"; the unit and
 * record separators cannot occur in the loader's strings. */
static uint64_t hash_field(uint64_t hash, const char *name, const char *value)
{
    if (value == NULL)
        return hash;
    hash = hash_text(hash, name);
    hash = hash_bytes(hash, "\x1f", 1);
    hash = hash_text(hash, value);
    return hash_bytes(hash, "\x1e", 1);
}

/* The date as the feed shows it: "10:00" and "10:00:00" are one time. */
static uint64_t hash_date(uint64_t hash, const char *name, const almanac_date *d)
{
    char text[80];
    snprintf(text, sizeof text, "%d %04d-%02d-%02dT%02d:%02d:%02d", (int)d->precision, d->year,
             d->month, d->day, d->hour, d->minute, d->second);
    return hash_field(hash, name, text);
}

static uint64_t hash_person(uint64_t h, const char *name, const almanac_person *p)
{
    char text[64];
    h = hash_field(h, name, p->email);
    h = hash_field(h, "cn", p->name);
    snprintf(text, sizeof text, "%d %d", (int)p->role, (int)p->status);
    return hash_field(h, "role", text);
}

/* The fields of series, reminders and people: hashed only when present,
 * so that events without them keep the hashes earlier builds stored. */
static uint64_t hash_series(uint64_t h, const almanac_document *doc, const almanac_event *e)
{
    char text[64];
    if (e->has_repeat)
        h = hash_field(h, "repeat", e->repeat.rule);
    for (size_t i = 0; i < e->extra_dates.count; i++)
        h = hash_date(h, "rdate", &e->extra_dates.items[i]);
    for (size_t i = 0; i < e->excluded_dates.count; i++)
        h = hash_date(h, "exdate", &e->excluded_dates.items[i]);
    /* an override as its VEVENT shows it: "start" equal to the occurrence,
     * or an end that keeps the series' length, is the same override */
    for (size_t i = 0; i < e->override_count; i++) {
        const almanac_override *o = &e->overrides[i];
        series_occurrence so = {o->occurrence, o->has_start ? o->start : o->occurrence, o, false};
        almanac_event oc = series_occurrence_event(e, &so);
        h = hash_date(h, "override", &o->occurrence);
        h = hash_date(h, "override-start", &oc.start);
        if (oc.has_end)
            h = hash_date(h, "override-end", &oc.end);
        h = hash_field(h, "override-title", oc.title);
        h = hash_field(h, "override-description", oc.description);
        h = hash_field(h, "override-status", almanac_status_name(oc.status));
        if (oc.has_location) {
            h = hash_field(h, "override-location", oc.location.name);
            h = hash_field(h, "override-country", oc.location.country);
            if (oc.location.has_geo) {
                snprintf(text, sizeof text, "%.17g;%.17g", oc.location.latitude,
                         oc.location.longitude);
                h = hash_field(h, "override-geo", text);
            }
        }
    }
    /* alarms count where the feeds carry them: a change of what build
     * leaves out is no change to a subscriber */
    const almanac_alarm_list *alarms = almanac_event_alarms(doc, e);
    for (size_t i = 0; doc->calendar.alarms_in_feeds && i < alarms->count; i++) {
        const almanac_alarm *a = &alarms->items[i];
        snprintf(text, sizeof text, "%d %ld %d", (int)a->kind, a->seconds, (int)a->of_end);
        h = hash_field(h, "alarm", text);
        if (a->kind == ALMANAC_ALARM_AT)
            h = hash_date(h, "alarm-at", &a->at);
        h = hash_field(h, "alarm-description", a->description);
    }
    if (e->has_organizer)
        h = hash_person(h, "organizer", &e->organizer);
    for (size_t i = 0; i < e->attendee_count; i++)
        h = hash_person(h, "attendee", &e->attendees[i]);
    h = hash_field(h, "color", e->color);
    h = hash_field(h, "image", e->image);
    for (size_t i = 0; i < e->attachments.count; i++)
        h = hash_field(h, "attachment", e->attachments.items[i]);
    return h;
}

int almanac_render_ics_event_hash(const almanac_document *doc, const almanac_event *e,
                                  uint64_t *hash)
{
    *hash = 0;
    if (!in_feeds(doc, e))
        return 0;
    event_texts texts = EVENT_TEXTS_INIT;
    int result = event_texts_fill(&texts, doc, e) ? 0 : -1;
    if (result == 0) {
        char text[80];
        uint64_t h = hash_field(HASH_SEED, "format", ICS_FORMAT);
        h = hash_field(h, "uid", textbuf_text(&texts.uid));
        h = hash_field(h, "summary", textbuf_text(&texts.summary));
        h = hash_field(h, "description", textbuf_text(&texts.description));
        h = hash_date(h, "start", &e->start);
        if (e->has_end)
            h = hash_date(h, "end", &e->end);
        h = hash_field(h, "timezone", almanac_event_timezone(doc, e));
        snprintf(text, sizeof text, "%d %d", (int)doc->calendar.month_policy,
                 (int)doc->calendar.year_policy);
        h = hash_field(h, "policy", text);
        if (e->has_location) {
            h = hash_field(h, "location", e->location.name);
            h = hash_field(h, "country", e->location.country);
            if (e->location.has_geo) {
                snprintf(text, sizeof text, "%.17g;%.17g", e->location.latitude,
                         e->location.longitude);
                h = hash_field(h, "geo", text);
            }
        }
        h = hash_field(h, "url", e->url);
        for (size_t i = 0; i < e->tags.count; i++)
            h = hash_field(h, "tag", e->tags.items[i]);
        h = hash_field(h, "status", almanac_status_name(e->status));
        for (size_t i = 0; i < e->related.count; i++)
            h = hash_field(h, "related", e->related.items[i]);
        for (size_t i = 0; i < e->participants.count; i++)
            h = hash_field(h, "participant", e->participants.items[i]);
        for (size_t i = 0; i < e->source_count; i++) {
            const almanac_source *src = &e->sources[i];
            h = hash_field(h, "source", src->title);
            h = hash_field(h, "publisher", src->publisher);
            h = hash_field(h, "source-url", src->url);
            if (src->has_date)
                h = hash_date(h, "source-date", &src->date);
        }
        h = hash_series(h, doc, e);
        *hash = hash_bytes(h, "", 1); /* the NUL that ended the string */
    }
    event_texts_free(&texts);
    return result;
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

static const char *policy_name(almanac_partial_policy policy)
{
    switch (policy) {
    case ALMANAC_PARTIAL_FIRST_DAY: return "first-day";
    case ALMANAC_PARTIAL_OMIT: return "omit";
    case ALMANAC_PARTIAL_SPAN: break;
    }
    return "span";
}

/* The calendar's id and partial-date policy, and in the full calendar the
 * declared feeds, so that `almanac import` of all.ics gives back a file
 * that builds the same feeds. Ids and tags are slugs: safe as parameters. */
static void add_calendar_structure(const almanac_document *doc, const almanac_feed *feed,
                                   icalcomponent *c)
{
    char policy[64];
    add_x(c, "X-ALMANAC-CALENDAR-ID", doc->calendar.id);
    snprintf(policy, sizeof policy, "month=%s,year=%s", policy_name(doc->calendar.month_policy),
             policy_name(doc->calendar.year_policy));
    add_x(c, "X-ALMANAC-PARTIAL-DATES", policy);
    for (size_t i = 0; feed == NULL && i < doc->feed_count; i++) {
        const almanac_feed *f = &doc->feeds[i];
        size_t length = 1;
        for (size_t k = 0; k < f->tags.count; k++)
            length += strlen(f->tags.items[k]) + 1;
        char *tags = malloc(length);
        if (tags == NULL)
            continue;
        tags[0] = '\0';
        for (size_t k = 0; k < f->tags.count; k++) {
            if (k > 0)
                strcat(tags, ",");
            strcat(tags, f->tags.items[k]);
        }
        icalproperty *p = icalproperty_new_x(f->name);
        icalproperty_set_x_name(p, "X-ALMANAC-FEED");
        add_param(p, "X-ALMANAC-ID", f->id);
        add_param(p, "X-ALMANAC-TAGS", tags);
        icalcomponent_add_property(c, p);
        free(tags);
        if (f->description != NULL) {
            p = icalproperty_new_x(f->description);
            icalproperty_set_x_name(p, "X-ALMANAC-FEED-DESCRIPTION");
            add_param(p, "X-ALMANAC-ID", f->id);
            icalcomponent_add_property(c, p);
        }
    }
}

/* Writes the VCALENDAR's opening and properties, but not its end. */
static int write_header(const almanac_document *doc, const almanac_ics_options *o,
                        FILE *out)
{
    const almanac_calendar *cal = &doc->calendar;
    const almanac_feed *feed = o->feed;
    icalcomponent *c = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    char name[2100], file[ALMANAC_FILE_NAME_MAX];
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
    add_calendar_structure(doc, feed, c);
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

/* The first year the event's VEVENTs name: extra dates and moved
 * occurrences may come before the start. */
static int earliest_year(const almanac_event *e)
{
    int year = e->start.year;
    for (size_t i = 0; i < e->extra_dates.count; i++)
        if (e->extra_dates.items[i].year < year)
            year = e->extra_dates.items[i].year;
    for (size_t i = 0; i < e->override_count; i++)
        if (e->overrides[i].has_start && e->overrides[i].start.year < year)
            year = e->overrides[i].start.year;
    return year;
}

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
            zones[(*count)++] = (zone_use){tz, earliest_year(e)};
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

/* Writes the VCALENDAR's opening and the VTIMEZONEs of the feed's zones;
 * *HAS_ZONES tells whether there were any. */
static int write_opening(const almanac_document *doc, const almanac_ics_options *o,
                         const size_t *order, size_t n, FILE *out, bool *has_zones)
{
    size_t zone_count = 0;
    zone_use *zones = zones_used(doc, order, n, o->feed, &zone_count);
    int result = zones != NULL ? write_header(doc, o, out) : -1;
    for (size_t i = 0; result == 0 && i < zone_count; i++)
        result = write_timezone(zones[i].name, zones[i].first_year, out);
    *has_zones = zone_count > 0;
    free(zones);
    return result;
}

/* ---- the events, on every core ---------------------------------------- */

/* Events are built and serialised in batches on worker threads (libical
 * keeps its scratch memory per thread, and each VEVENT is a component of
 * its own), and written on the calling thread in the feed's order. */
enum { EVENTS_PER_BATCH = 64 };

/* One batch's VEVENTs, serialised one after another. */
typedef struct {
    textbuf text;
    size_t index[EVENTS_PER_BATCH]; /* document index of each VEVENT */
    size_t end[EVENTS_PER_BATCH];   /* where its text ends */
    uint64_t hash[EVENTS_PER_BATCH]; /* hash_block() of its text, for a layout */
    size_t count;
    size_t reused;                  /* of them, copied from an earlier build */
} event_batch;

typedef struct {
    const almanac_document *doc;
    const almanac_ics_options *options;
    FILE *const *outs;
    size_t count;          /* feeds */
    const size_t *order;
    size_t n;              /* events in order */
    bool *has_component;   /* per feed */
    event_batch *slots;    /* parallel_slots() of them */
    event_texts *texts;    /* one per worker */
    const ics_reuse *reuse; /* NULL: build every VEVENT */
    ics_layout *layout;     /* NULL: not recorded */
} event_writer;

static bool selected_by_any(const event_writer *w, const almanac_event *e)
{
    for (size_t k = 0; k < w->count; k++)
        if (almanac_feed_selects(w->options[k].feed, e))
            return true;
    return false;
}

/* libical numbers every list and list element it creates from two global
 * counters, unguarded (pvl.c); helgrind sees two threads adding properties
 * race on them. The numbers are never read, but a race is a race: building
 * components takes this lock. Serialising, most of the work, only reads a
 * component and runs on every core. */
static pthread_mutex_t libical_lists = PTHREAD_MUTEX_INITIALIZER;

/* Appends event E's VEVENTs (document index I) to TEXT, built with libical:
 * the series, then one for each overridden occurrence. */
static int write_event_text(const event_writer *w, const almanac_event *e, size_t i,
                            event_texts *texts, textbuf *text)
{
    almanac_event_stamp stamp = {0, w->options[0].default_modified};
    if (w->options[0].stamps != NULL)
        stamp = w->options[0].stamps[i];
    bool alarms = !w->options[0].no_alarms;
    for (size_t k = 0; k <= e->override_count; k++) {
        const almanac_override *o = k == 0 ? NULL : &e->overrides[k - 1];
        pthread_mutex_lock(&libical_lists);
        icalcomponent *c = build_event(w->doc, e, o, alarms, &stamp, texts);
        pthread_mutex_unlock(&libical_lists);
        char *serialised = c != NULL ? icalcomponent_as_ical_string_r(c) : NULL;
        if (serialised != NULL)
            textbuf_puts(text, serialised);
        free(serialised);
        if (c != NULL)
            icalcomponent_free(c);
        if (serialised == NULL)
            return -1;
    }
    return 0;
}

/* Appends to TEXT the earlier build's VEVENT text of event I when REUSE
 * has one that still hashes as recorded; false when it must be built. */
static bool copy_reusable(const ics_reuse *reuse, size_t i, textbuf *text)
{
    if (reuse == NULL || reuse->text[i] == NULL ||
        hash_block(reuse->text[i], reuse->length[i]) != reuse->hash[i])
        return false;
    textbuf_append(text, reuse->text[i], reuse->length[i]);
    return true;
}

/* Serialises the VEVENTs of batch BATCH into SLOT (on a worker thread). */
static int produce_batch(void *ctx, unsigned worker, size_t batch, size_t slot)
{
    event_writer *w = ctx;
    event_batch *out = &w->slots[slot];
    textbuf_clear(&out->text);
    out->count = 0;
    out->reused = 0;
    size_t first = batch * EVENTS_PER_BATCH;
    size_t last = w->n - first > EVENTS_PER_BATCH ? first + EVENTS_PER_BATCH : w->n;
    for (size_t i = first; i < last; i++) {
        const almanac_event *e = &w->doc->events[w->order[i]];
        if (!in_feeds(w->doc, e) || !selected_by_any(w, e))
            continue;
        size_t start = out->text.length;
        bool copied = copy_reusable(w->reuse, w->order[i], &out->text);
        if (!copied && write_event_text(w, e, w->order[i], &w->texts[worker], &out->text) != 0)
            return -1;
        if (out->text.failed)
            return -1;
        out->reused += copied;
        if (w->layout != NULL) /* a copy was just checked against its hash */
            out->hash[out->count] = copied ? w->reuse->hash[w->order[i]]
                                           : hash_block(out->text.data + start,
                                                        out->text.length - start);
        out->index[out->count] = w->order[i];
        out->end[out->count++] = out->text.length;
    }
    return 0;
}

/* Writes the VEVENTs of SLOT into each feed that holds them (in order, on
 * the calling thread). */
static int consume_batch(void *ctx, size_t batch, size_t slot)
{
    event_writer *w = ctx;
    const event_batch *in = &w->slots[slot];
    size_t start = 0;
    if (w->layout != NULL) {
        w->layout->reused += in->reused;
        w->layout->rendered += in->count - in->reused;
    }
    for (size_t j = 0; j < in->count; start = in->end[j++]) {
        const almanac_event *e = &w->doc->events[in->index[j]];
        size_t length = in->end[j] - start;
        if (w->layout != NULL) {
            w->layout->length[in->index[j]] = length;
            w->layout->hash[in->index[j]] = in->hash[j];
        }
        for (size_t k = 0; k < w->count; k++) {
            if (!almanac_feed_selects(w->options[k].feed, e))
                continue;
            if (fwrite(in->text.data + start, 1, length, w->outs[k]) != length)
                return -1;
            w->has_component[k] = true;
        }
    }
    if (w->options[0].progress != NULL) {
        size_t done = (batch + 1) * EVENTS_PER_BATCH;
        w->options[0].progress(w->options[0].progress_context, done < w->n ? done : w->n, w->n);
    }
    return 0;
}

static int write_events(event_writer *w)
{
    unsigned workers = parallel_workers();
    size_t slot_count = parallel_slots(workers);
    w->slots = calloc(slot_count, sizeof *w->slots);
    w->texts = calloc(workers, sizeof *w->texts);
    int result = w->slots != NULL && w->texts != NULL ? 0 : -1;
    /* libical creates its UTC zone on first use: not on two threads at once */
    (void)icaltimezone_get_utc_timezone();
    size_t batches = (w->n + EVENTS_PER_BATCH - 1) / EVENTS_PER_BATCH;
    if (result == 0)
        result = parallel_ordered(batches, workers, produce_batch, consume_batch, w);
    for (size_t i = 0; w->slots != NULL && i < slot_count; i++)
        textbuf_free(&w->slots[i].text);
    for (unsigned i = 0; w->texts != NULL && i < workers; i++)
        event_texts_free(&w->texts[i]);
    free(w->slots);
    free(w->texts);
    return result;
}

/* Ends the VCALENDAR. RFC 5545 needs at least one component: a feed that
 * selects nothing carries the VTIMEZONE of the calendar's zone (UTC when
 * none is set), which calendar apps accept and show as an empty calendar. */
static int write_closing(const almanac_document *doc, bool has_component, FILE *out)
{
    int result = 0;
    if (!has_component)
        result = write_timezone(doc->calendar.timezone != NULL ? doc->calendar.timezone : "UTC",
                                1970, out);
    if (result == 0 && fputs("END:VCALENDAR\r\n", out) < 0)
        result = -1;
    return result;
}

int almanac_render_ics_feeds(const almanac_document *doc, const almanac_ics_options *options,
                             FILE *const *outs, size_t count)
{
    return render_ics_feeds_reusing(doc, options, outs, count, NULL, NULL);
}

uint64_t render_ics_format_key(void)
{
    char libical[64];
    snprintf(libical, sizeof libical, "libical %d.%d.%d", ICAL_MAJOR_VERSION,
             ICAL_MINOR_VERSION, ICAL_PATCH_VERSION);
    return hash_string(hash_string(HASH_SEED, ICS_FORMAT), libical);
}

int render_ics_feeds_reusing(const almanac_document *doc, const almanac_ics_options *options,
                             FILE *const *outs, size_t count, const ics_reuse *reuse,
                             ics_layout *layout)
{
    /* One VEVENT serves every feed, so its stamps must be the same in all. */
    for (size_t k = 1; k < count; k++)
        if (options[k].stamps != options[0].stamps ||
            options[k].default_modified != options[0].default_modified) {
            errno = EINVAL;
            return -1;
        }
    if (count == 0)
        return 0;
    size_t *order = almanac_document_sorted(doc);
    size_t n = order != NULL ? doc->event_count : 0;
    bool *has_component = calloc(count, sizeof *has_component);
    int result = has_component != NULL && (n > 0 || doc->event_count == 0) ? 0 : -1;
    for (size_t k = 0; result == 0 && k < count; k++)
        result = write_opening(doc, &options[k], order, n, outs[k], &has_component[k]);
    event_writer writer = {.doc = doc, .options = options, .outs = outs, .count = count,
                           .order = order, .n = n, .has_component = has_component,
                           .reuse = reuse, .layout = layout};
    if (result == 0)
        result = write_events(&writer);
    for (size_t k = 0; result == 0 && k < count; k++)
        result = write_closing(doc, has_component[k], outs[k]);
    free(has_component);
    free(order);
    return result;
}

int almanac_render_ics(const almanac_document *doc, const almanac_ics_options *o, FILE *out)
{
    return almanac_render_ics_feeds(doc, o, &out, 1);
}
