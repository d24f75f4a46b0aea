/*
 * render_json.c - the timeline as JSON for other tools (see render.h): the
 * selected events in timeline order, normalized. Each keeps its dates as
 * written ("start", "end") with their "precision", and adds the days they
 * cover ("first_day", "last_day", inclusive), the label the other formats
 * show, and the timezone that applies, so a consumer needs no date logic.
 *
 * The document is built with cJSON and printed once: cJSON does the
 * escaping, so any title is safe.
 */
#include "almanac/render.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline_render.h"

/* Out of memory, a cJSON_Add* call returns NULL and the key is missing; the
 * events and the tree as a whole are checked, so a timeline never lacks an
 * event, but a key may go missing when the machine has no memory left. */

static void add_string(cJSON *object, const char *key, const char *value)
{
    if (value != NULL)
        cJSON_AddStringToObject(object, key, value);
}

static void add_date(cJSON *object, const char *key, const almanac_date *date)
{
    char text[ALMANAC_DATE_TEXT_MAX];
    almanac_date_format(date, text);
    cJSON_AddStringToObject(object, key, text);
}

static void add_day(cJSON *object, const char *key, almanac_day day)
{
    char text[16];
    snprintf(text, sizeof text, "%04d-%02d-%02d", day.year, day.month, day.day);
    cJSON_AddStringToObject(object, key, text);
}

static void add_strings(cJSON *object, const char *key, const almanac_strings *list)
{
    if (list->count == 0)
        return;
    cJSON *array = cJSON_AddArrayToObject(object, key);
    for (size_t i = 0; array != NULL && i < list->count; i++)
        cJSON_AddItemToArray(array, cJSON_CreateString(list->items[i]));
}

static void add_location(cJSON *object, const almanac_location *l)
{
    cJSON *location = cJSON_AddObjectToObject(object, "location");
    if (location == NULL)
        return;
    add_string(location, "name", l->name);
    add_string(location, "country", l->country);
    if (l->has_geo) {
        cJSON *geo = cJSON_AddArrayToObject(location, "geo");
        if (geo != NULL) {
            cJSON_AddItemToArray(geo, cJSON_CreateNumber(l->latitude));
            cJSON_AddItemToArray(geo, cJSON_CreateNumber(l->longitude));
        }
    }
}

static void add_sources(cJSON *object, const almanac_event *e)
{
    cJSON *sources = cJSON_AddArrayToObject(object, "sources");
    for (size_t i = 0; sources != NULL && i < e->source_count; i++) {
        const almanac_source *s = &e->sources[i];
        cJSON *source = cJSON_CreateObject();
        if (source == NULL)
            return;
        cJSON_AddItemToArray(sources, source);
        add_string(source, "title", s->title);
        add_string(source, "publisher", s->publisher);
        if (s->has_date)
            add_date(source, "date", &s->date);
        add_string(source, "url", s->url);
    }
}

static void add_dates_list(cJSON *object, const char *key, const almanac_date_list *list)
{
    if (list->count == 0)
        return;
    cJSON *array = cJSON_AddArrayToObject(object, key);
    for (size_t i = 0; array != NULL && i < list->count; i++) {
        char text[ALMANAC_DATE_TEXT_MAX];
        almanac_date_format(&list->items[i], text);
        cJSON_AddItemToArray(array, cJSON_CreateString(text));
    }
}

/* A series: its rule and words; an occurrence: which series, and the start
 * the rule gave it. */
static void add_series(cJSON *event, const almanac_event *e)
{
    char words[1024];
    if (e->occurrence_of != NULL) {
        cJSON *o = cJSON_AddObjectToObject(event, "occurrence");
        if (o == NULL)
            return;
        add_string(o, "of", e->occurrence_of->id);
        add_date(o, "original_start", &e->original_start);
        almanac_timeline_series_label(e, words, sizeof words);
        add_string(o, "words", words);
        return;
    }
    if (!almanac_event_is_series(e))
        return;
    cJSON *r = cJSON_AddObjectToObject(event, "repeat");
    if (r == NULL)
        return;
    if (e->has_repeat)
        add_string(r, "rule", e->repeat.rule);
    almanac_timeline_series_label(e, words, sizeof words);
    add_string(r, "words", words);
    add_dates_list(r, "extra_dates", &e->extra_dates);
    add_dates_list(r, "excluded_dates", &e->excluded_dates);
    if (e->override_count > 0)
        cJSON_AddNumberToObject(r, "overrides", (double)e->override_count);
}

static void add_person(cJSON *object, const almanac_person *p, bool attendee)
{
    add_string(object, "name", p->name);
    add_string(object, "email", p->email);
    if (attendee) {
        add_string(object, "role", almanac_role_name(p->role));
        add_string(object, "status", almanac_partstat_name(p->status));
    }
}

/* Reminders, people and presentation, as the events file names them. */
static void add_people(cJSON *event, const almanac_alarm_list *alarms, const almanac_event *e)
{
    if (alarms->count > 0) {
        cJSON *list = cJSON_AddArrayToObject(event, "alarms");
        for (size_t i = 0; list != NULL && i < alarms->count; i++) {
            const almanac_alarm *a = &alarms->items[i];
            cJSON *alarm = cJSON_CreateObject();
            if (alarm == NULL)
                break;
            cJSON_AddItemToArray(list, alarm);
            if (a->kind == ALMANAC_ALARM_AT) {
                add_date(alarm, "at", &a->at);
            } else {
                add_string(alarm, a->kind == ALMANAC_ALARM_BEFORE ? "before" : "after",
                           a->duration);
                add_string(alarm, "of", a->of_end ? "end" : "start");
            }
            add_string(alarm, "description", a->description);
        }
    }
    if (e->has_organizer) {
        cJSON *o = cJSON_AddObjectToObject(event, "organizer");
        if (o != NULL)
            add_person(o, &e->organizer, false);
    }
    if (e->attendee_count > 0) {
        cJSON *list = cJSON_AddArrayToObject(event, "attendees");
        for (size_t i = 0; list != NULL && i < e->attendee_count; i++) {
            cJSON *a = cJSON_CreateObject();
            if (a == NULL)
                break;
            cJSON_AddItemToArray(list, a);
            add_person(a, &e->attendees[i], true);
        }
    }
    add_string(event, "color", e->color);
    add_string(event, "image", e->image);
    if (e->attachments.count > 0)
        add_strings(event, "attachments", &e->attachments);
}

static cJSON *event_json(const almanac_document *doc, const almanac_event *e, bool details)
{
    cJSON *event = cJSON_CreateObject();
    if (event == NULL)
        return NULL;
    char label[ALMANAC_LABEL_MAX];
    add_string(event, "id", e->id);
    add_string(event, "title", e->title);
    add_string(event, "status", almanac_status_name(e->status));
    add_string(event, "precision", almanac_precision_name(e->start.precision));
    add_date(event, "start", &e->start);
    if (e->has_end)
        add_date(event, "end", &e->end);
    add_day(event, "first_day", almanac_date_first_day(&e->start));
    add_day(event, "last_day", almanac_date_last_day(e->has_end ? &e->end : &e->start));
    almanac_timeline_dates_with_year(e, label);
    add_string(event, "label", label);
    if (almanac_date_is_timed(&e->start)) {
        add_string(event, "timezone", e->start.precision == ALMANAC_PRECISION_UTC_TIME
                                          ? "UTC" : almanac_event_timezone(doc, e));
        almanac_timeline_times(doc, e, label);
        add_string(event, "times", label);
    }
    if (e->has_location)
        add_location(event, &e->location);
    add_strings(event, "tags", &e->tags);
    add_series(event, e);
    if (!details)
        return event;
    add_people(event, almanac_event_alarms(doc, e), e);
    add_string(event, "description", e->description);
    add_strings(event, "participants", &e->participants);
    add_string(event, "url", e->url);
    if (e->source_count > 0)
        add_sources(event, e);
    add_strings(event, "related", &e->related);
    return event;
}

static cJSON *timeline_json(const almanac_document *doc, const almanac_timeline_options *o,
                            const size_t *order, size_t count)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *calendar = cJSON_AddObjectToObject(root, "calendar");
    if (root == NULL || calendar == NULL) {
        cJSON_Delete(root);
        return NULL;
    }
    add_string(calendar, "id", doc->calendar.id);
    add_string(calendar, "name", doc->calendar.name);
    add_string(calendar, "description", doc->calendar.description);
    add_string(calendar, "timezone", doc->calendar.timezone);
    add_string(calendar, "url", doc->calendar.url);
    cJSON_AddNumberToObject(root, "total", (double)almanac_timeline_total(doc));
    if (o->note != NULL && o->note[0] != '\0')
        add_string(root, "note", o->note);
    cJSON *events = cJSON_AddArrayToObject(root, "events");
    for (size_t i = 0; events != NULL && i < count; i++) {
        cJSON *event = event_json(doc, &doc->events[order[i]], !o->no_details);
        if (event == NULL) {
            cJSON_Delete(root);
            return NULL;
        }
        cJSON_AddItemToArray(events, event);
    }
    if (events == NULL || cJSON_GetArraySize(events) != (int)count) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

static int write_timeline(const almanac_document *doc, const almanac_timeline_options *o,
                          size_t *order, size_t count, FILE *out)
{
    cJSON *root = timeline_json(doc, o, order, count);
    char *text = root != NULL ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (text == NULL)
        return -1;
    fputs(text, out);
    fputc('\n', out);
    free(text);
    return 0;
}

int almanac_render_json(const almanac_document *doc, const almanac_timeline_options *options,
                        FILE *out)
{
    return timeline_render(doc, options, out, write_timeline);
}
