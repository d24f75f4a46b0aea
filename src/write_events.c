/*
 * write_events.c - a document as an events file, and the merge of an
 * import into an existing one (see import.h).
 *
 * cJSON builds the tree; json_layout.c lays it out the way events.json is
 * written: two spaces per level, one key per line, a list of plain values
 * on one line. Keys come in the format's order (load.c event_keys), so the
 * same import gives the same bytes.
 *
 * The merge builds the imported events the same way but does not print the
 * file anew: it edits the user's text (events_text.c), so that what the
 * import does not change keeps its bytes.
 */
#include "almanac/import.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events_text.h"
#include "json_layout.h"

#define SCHEMA_PATH "schema/events.schema.json"

/* ---- building the tree ------------------------------------------------ */

static void add_string(cJSON *object, const char *key, const char *value)
{
    if (value != NULL)
        cJSON_AddItemToObject(object, key, cJSON_CreateString(value));
}

static void add_strings(cJSON *object, const char *key, const almanac_strings *list)
{
    if (list->count == 0)
        return;
    cJSON *array = cJSON_AddArrayToObject(object, key);
    for (size_t i = 0; array != NULL && i < list->count; i++)
        cJSON_AddItemToArray(array, cJSON_CreateString(list->items[i]));
}

static void add_date(cJSON *object, const char *key, const almanac_date *date)
{
    char text[ALMANAC_DATE_TEXT_MAX];
    almanac_date_format(date, text);
    add_string(object, key, text);
}

static const char *policy_name(almanac_partial_policy policy)
{
    return policy == ALMANAC_PARTIAL_FIRST_DAY ? "first-day"
         : policy == ALMANAC_PARTIAL_OMIT      ? "omit" : "span";
}

static void add_alarms(cJSON *o, const char *key, const almanac_alarm_list *alarms);

static cJSON *calendar_json(const almanac_calendar *c)
{
    cJSON *o = cJSON_CreateObject();
    add_string(o, "id", c->id);
    add_string(o, "name", c->name);
    add_string(o, "description", c->description);
    add_string(o, "timezone", c->timezone);
    add_string(o, "url", c->url);
    add_string(o, "refresh", c->refresh);
    add_string(o, "color", c->color);
    if (c->alarms.given)
        add_alarms(o, "alarms", &c->alarms);
    if (!c->alarms_in_feeds)
        cJSON_AddItemToObject(o, "alarms_in_feeds", cJSON_CreateFalse());
    if (c->month_policy != ALMANAC_PARTIAL_SPAN || c->year_policy != ALMANAC_PARTIAL_SPAN) {
        cJSON *p = cJSON_AddObjectToObject(o, "partial_dates");
        if (p != NULL && c->month_policy != ALMANAC_PARTIAL_SPAN)
            add_string(p, "month", policy_name(c->month_policy));
        if (p != NULL && c->year_policy != ALMANAC_PARTIAL_SPAN)
            add_string(p, "year", policy_name(c->year_policy));
    }
    return o;
}

static cJSON *feed_json(const almanac_feed *f)
{
    cJSON *o = cJSON_CreateObject();
    add_string(o, "id", f->id);
    add_string(o, "name", f->name);
    add_string(o, "description", f->description);
    add_strings(o, "tags", &f->tags);
    return o;
}

static void add_dates(cJSON *object, const char *key, const almanac_date_list *list)
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

static void add_location_object(cJSON *o, const almanac_location *location)
{
    cJSON *l = cJSON_AddObjectToObject(o, "location");
    add_string(l, "name", location->name);
    add_string(l, "country", location->country);
    if (l != NULL && location->has_geo) {
        double geo[2] = {location->latitude, location->longitude};
        cJSON_AddItemToObject(l, "geo", cJSON_CreateDoubleArray(geo, 2));
    }
}

/* The rule as an RRULE string (the loader reads it as strictly as the
 * object form), extra and excluded dates, overrides. */
static void add_series(cJSON *o, const almanac_event *e)
{
    if (e->has_repeat)
        add_string(o, "repeat", e->repeat.rule);
    add_dates(o, "extra_dates", &e->extra_dates);
    add_dates(o, "excluded_dates", &e->excluded_dates);
    if (e->override_count == 0)
        return;
    cJSON *list = cJSON_AddArrayToObject(o, "overrides");
    for (size_t i = 0; list != NULL && i < e->override_count; i++) {
        const almanac_override *v = &e->overrides[i];
        cJSON *ov = cJSON_CreateObject();
        add_date(ov, "occurrence", &v->occurrence);
        if (v->has_start)
            add_date(ov, "start", &v->start);
        if (v->has_end)
            add_date(ov, "end", &v->end);
        add_string(ov, "title", v->title);
        if (v->has_status)
            add_string(ov, "status", almanac_status_name(v->status));
        add_string(ov, "description", v->description);
        if (v->has_location)
            add_location_object(ov, &v->location);
        cJSON_AddItemToArray(list, ov);
    }
}

static void add_alarms(cJSON *o, const char *key, const almanac_alarm_list *alarms)
{
    cJSON *list = cJSON_AddArrayToObject(o, key);
    for (size_t i = 0; list != NULL && i < alarms->count; i++) {
        const almanac_alarm *a = &alarms->items[i];
        cJSON *al = cJSON_CreateObject();
        if (a->kind == ALMANAC_ALARM_AT) {
            add_date(al, "at", &a->at);
        } else {
            add_string(al, a->kind == ALMANAC_ALARM_BEFORE ? "before" : "after", a->duration);
            if (a->of_end)
                add_string(al, "of", "end");
        }
        add_string(al, "description", a->description);
        cJSON_AddItemToArray(list, al);
    }
}

static cJSON *person_json(const almanac_person *p, bool attendee)
{
    cJSON *o = cJSON_CreateObject();
    add_string(o, "name", p->name);
    add_string(o, "email", p->email);
    if (attendee && p->role != ALMANAC_ROLE_REQUIRED)
        add_string(o, "role", almanac_role_name(p->role));
    if (attendee && p->status != ALMANAC_PARTSTAT_NEEDS_ACTION)
        add_string(o, "status", almanac_partstat_name(p->status));
    return o;
}

static void add_people(cJSON *o, const almanac_event *e)
{
    if (e->has_organizer)
        cJSON_AddItemToObject(o, "organizer", person_json(&e->organizer, false));
    if (e->attendee_count == 0)
        return;
    cJSON *list = cJSON_AddArrayToObject(o, "attendees");
    for (size_t i = 0; list != NULL && i < e->attendee_count; i++)
        cJSON_AddItemToArray(list, person_json(&e->attendees[i], true));
}

/* One event; its timezone is left out when CALENDAR_ZONE applies anyway. */
static cJSON *event_json(const almanac_event *e, const char *calendar_zone)
{
    cJSON *o = cJSON_CreateObject();
    add_string(o, "id", e->id);
    add_string(o, "title", e->title);
    add_date(o, "start", &e->start);
    if (e->has_end)
        add_date(o, "end", &e->end);
    if (e->timezone != NULL && (calendar_zone == NULL || strcmp(e->timezone, calendar_zone) != 0))
        add_string(o, "timezone", e->timezone);
    if (e->status != ALMANAC_STATUS_CONFIRMED)
        add_string(o, "status", almanac_status_name(e->status));
    if (e->has_location)
        add_location_object(o, &e->location);
    add_strings(o, "tags", &e->tags);
    add_strings(o, "participants", &e->participants);
    add_string(o, "description", e->description);
    add_string(o, "url", e->url);
    if (e->source_count > 0) {
        cJSON *sources = cJSON_AddArrayToObject(o, "sources");
        for (size_t i = 0; sources != NULL && i < e->source_count; i++) {
            const almanac_source *s = &e->sources[i];
            cJSON *so = cJSON_CreateObject();
            add_string(so, "title", s->title);
            add_string(so, "publisher", s->publisher);
            if (s->has_date)
                add_date(so, "date", &s->date);
            add_string(so, "url", s->url);
            cJSON_AddItemToArray(sources, so);
        }
    }
    add_strings(o, "related", &e->related);
    add_series(o, e);
    if (e->alarms.given)
        add_alarms(o, "alarms", &e->alarms);
    add_people(o, e);
    add_string(o, "color", e->color);
    add_string(o, "image", e->image);
    add_strings(o, "attachments", &e->attachments);
    return o;
}

char *almanac_events_write(const almanac_document *doc)
{
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    add_string(root, "$schema", SCHEMA_PATH);
    cJSON_AddItemToObject(root, "calendar", calendar_json(&doc->calendar));
    if (doc->feed_count > 0) {
        cJSON *feeds = cJSON_AddArrayToObject(root, "feeds");
        for (size_t i = 0; feeds != NULL && i < doc->feed_count; i++)
            cJSON_AddItemToArray(feeds, feed_json(&doc->feeds[i]));
    }
    cJSON *events = cJSON_AddArrayToObject(root, "events");
    for (size_t i = 0; events != NULL && i < doc->event_count; i++)
        cJSON_AddItemToArray(events, event_json(&doc->events[i], doc->calendar.timezone));
    char *text = json_print_document(root, "\n");
    cJSON_Delete(root);
    return text;
}

/* ---- merging ----------------------------------------------------------- */

static const cJSON *member(const cJSON *object, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(object, key);
}

static const char *string_member(const cJSON *object, const char *key)
{
    const cJSON *item = member(object, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* A feed of ARRAY by id: a file has at most ALMANAC_MAX_FEEDS. */
static cJSON *feed_by_id(cJSON *array, const char *id)
{
    for (cJSON *item = array != NULL ? array->child : NULL; item != NULL; item = item->next) {
        const char *other = string_member(item, "id");
        if (other != NULL && strcmp(other, id) == 0)
            return item;
    }
    return NULL;
}

/* Keys the calendar decides even by leaving them out: no DTEND means no
 * "end", no STATUS means confirmed, no RRULE means no repeat. */
static bool decided_by_import(const char *key)
{
    static const char *const keys[] = {"title", "start", "end", "timezone", "status",
                                       "repeat", "extra_dates", "excluded_dates", "overrides"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0)
            return true;
    return false;
}

/* Updates OLD (an event of the file) to NEW in place; true when it
 * changed. CALENDAR_ZONE is the file's calendar timezone. */
static bool update_event(cJSON *old, cJSON *new, const char *calendar_zone)
{
    bool changed = false;
    const char *zone = string_member(old, "timezone");
    if (member(new, "timezone") == NULL && zone != NULL && calendar_zone != NULL &&
        strcmp(zone, calendar_zone) == 0)
        cJSON_DeleteItemFromObjectCaseSensitive(old, "timezone"); /* the same zone */
    for (cJSON *item = old->child; item != NULL;) {
        cJSON *next = item->next;
        if (decided_by_import(item->string) && member(new, item->string) == NULL) {
            cJSON_Delete(cJSON_DetachItemViaPointer(old, item));
            changed = true;
        }
        item = next;
    }
    while (new->child != NULL) {
        cJSON *item = cJSON_DetachItemViaPointer(new, new->child);
        cJSON *existing = cJSON_GetObjectItemCaseSensitive(old, item->string);
        if (existing == NULL) {
            cJSON_AddItemToObject(old, item->string, item);
            changed = true;
        } else if (!cJSON_Compare(existing, item, true)) {
            cJSON_ReplaceItemViaPointer(old, existing, item);
            changed = true;
        } else {
            cJSON_Delete(item);
        }
    }
    return changed;
}

/* Where the merge stands: the file, its events by id, what it adds. */
typedef struct {
    events_text file;
    events_id_index ids;
    bool *changed;       /* per event of the file: to be printed again */
    cJSON *added_events; /* arrays of what the file does not hold yet */
    cJSON *added_feeds;
    const char *zone;    /* the file's calendar timezone */
} merge;

static bool merge_open(merge *m, const char *text, size_t length, size_t extra,
                       almanac_diagnostics *diags)
{
    memset(m, 0, sizeof *m);
    if (events_text_open(&m->file, text, length, diags) != 0)
        return false;
    m->zone = string_member(member(m->file.root, "calendar"), "timezone");
    m->changed = calloc(m->file.events.count + 1, sizeof *m->changed);
    m->added_events = cJSON_CreateArray();
    m->added_feeds = cJSON_CreateArray();
    if (m->changed == NULL || m->added_events == NULL || m->added_feeds == NULL ||
        !events_id_index_init(&m->ids, &m->file, extra)) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E401);
        return false;
    }
    return true;
}

static void merge_close(merge *m)
{
    events_id_index_free(&m->ids);
    free(m->changed);
    cJSON_Delete(m->added_events);
    cJSON_Delete(m->added_feeds);
    events_text_close(&m->file);
}

/* One imported event: updates the file's event of its id, or adds it. */
static void merge_event(merge *m, const almanac_event *e, almanac_merge_counts *counts)
{
    cJSON *new = event_json(e, m->zone);
    size_t element = SIZE_MAX;
    cJSON *old = events_id_index_find(&m->ids, e->id, &counts->id_comparisons, &element);
    if (new == NULL)
        return;
    if (old == NULL) {
        cJSON_AddItemToArray(m->added_events, new);
        events_id_index_add(&m->ids, new, e->id, SIZE_MAX);
        counts->added++;
        return;
    }
    if (update_event(old, new, m->zone)) {
        counts->updated++;
        if (element != SIZE_MAX) /* an added event is printed whole anyway */
            m->changed[element] = true;
    } else {
        counts->unchanged++;
    }
    cJSON_Delete(new);
}

/* The imported feeds the file does not declare. */
static void merge_feeds(merge *m, const almanac_document *imported)
{
    for (size_t i = 0; i < imported->feed_count; i++) {
        const char *id = imported->feeds[i].id;
        if (feed_by_id(m->file.feeds.array, id) == NULL && feed_by_id(m->added_feeds, id) == NULL)
            cJSON_AddItemToArray(m->added_feeds, feed_json(&imported->feeds[i]));
    }
}

/* The file's text with the changed events printed again where they were
 * and the new events and feeds after the last ones: nothing else moves,
 * so a hand-formatted file keeps its look (a re-print of the whole file
 * made a 185-line diff of a 3-event merge). */
static char *merge_text(merge *m)
{
    size_t i = 0;
    for (const cJSON *event = m->file.events.array->child; event != NULL;
         event = event->next, i++)
        if (m->changed[i])
            events_text_replace(&m->file, &m->file.events, i, event);
    events_text_append(&m->file, &m->file.events, "events", m->added_events);
    events_text_append(&m->file, &m->file.feeds, "feeds", m->added_feeds);
    return events_text_result(&m->file);
}

char *almanac_events_merge(const char *text, size_t length, const almanac_document *imported,
                           almanac_merge_counts *counts, almanac_diagnostics *diags)
{
    memset(counts, 0, sizeof *counts);
    merge m;
    if (!merge_open(&m, text, length, imported->event_count, diags)) {
        merge_close(&m);
        return NULL;
    }
    for (size_t i = 0; i < imported->event_count; i++)
        merge_event(&m, &imported->events[i], counts);
    merge_feeds(&m, imported);
    char *result = merge_text(&m);
    merge_close(&m);
    if (result == NULL)
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E401);
    return result;
}
