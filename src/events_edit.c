/*
 * events_edit.c - `almanac add` and `almanac fmt` as library functions
 * (see almanac/edit.h): an event appended, with an id made from its title,
 * in the layout the file already has; a file in the canonical layout.
 *
 * The splicing is events_text.c's, shared with the merge of an import;
 * this file makes the new event's tree and its id.
 */
#include "almanac/edit.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events_text.h"
#include "json_layout.h"
#include "text.h"
#include "transliterate.h"

/* A title's characters looked at for its id: more than an id can hold. */
enum { TITLE_CHARACTERS = 2 * ALMANAC_TITLE_ID_MAX };

/* A problem with the request as a whole: no place in the file. */
#define refuse(diags, ...) \
    almanac_diagnostics_report((diags), ALMANAC_NO_OFFSET, NULL, __VA_ARGS__)

/* ---- the id ------------------------------------------------------------ */

static bool is_ascii(const char *text)
{
    for (const char *p = text; *p != '\0'; p++)
        if ((unsigned char)*p >= 0x80)
            return false;
    return true;
}

/* SLUG (a slug) cut to ALMANAC_TITLE_ID_MAX bytes: after the last whole
 * word when one ends in the second half, else inside the word. */
static void cut_slug(char *slug)
{
    size_t cut = ALMANAC_TITLE_ID_MAX;
    if (strlen(slug) <= cut)
        return;
    while (cut > ALMANAC_TITLE_ID_MAX / 2 && slug[cut] != '-')
        cut--;
    if (slug[cut] != '-')
        cut = ALMANAC_TITLE_ID_MAX;
    while (cut > 0 && slug[cut - 1] == '-')
        cut--;
    slug[cut] = '\0';
}

/* TITLE as a slug in OUT: its letters in ASCII when it has others (ICU
 * costs 0.1 s, so only then), "event" when nothing is left. */
static void title_slug(const char *title, char out[ALMANAC_TITLE_ID_MAX + 1])
{
    char *ascii = is_ascii(title) ? NULL : ascii_transliterate(title, TITLE_CHARACTERS);
    char slug[2 * ALMANAC_TITLE_ID_MAX + 2]; /* room to see where a word ends */
    bool have = slugify(ascii != NULL ? ascii : title, slug, sizeof slug);
    free(ascii);
    if (!have) {
        strcpy(out, "event");
        return;
    }
    cut_slug(slug);
    strcpy(out, slug);
}

/* BASE, else BASE-2, BASE-3 ...: the first that no event of IDS has. */
static char *unique_id(const events_id_index *ids, const char *base)
{
    char id[ALMANAC_TITLE_ID_MAX + 24];
    snprintf(id, sizeof id, "%s", base);
    size_t comparisons = 0, element;
    for (unsigned long n = 2; events_id_index_find(ids, id, &comparisons, &element) != NULL; n++)
        snprintf(id, sizeof id, "%s-%lu", base, n);
    return strdup(id);
}

/* ---- the event --------------------------------------------------------- */

/* Adds KEY: VALUE to OBJECT unless VALUE is NULL; false when out of memory. */
static bool add_text(cJSON *object, const char *key, const char *value)
{
    return value == NULL || cJSON_AddStringToObject(object, key, value) != NULL;
}

static bool add_tags(cJSON *object, const char *const *tags, size_t count)
{
    if (count == 0)
        return true;
    cJSON *array = cJSON_AddArrayToObject(object, "tags");
    bool ok = array != NULL;
    for (size_t i = 0; ok && i < count; i++) {
        cJSON *tag = tags[i] != NULL ? cJSON_CreateString(tags[i]) : NULL;
        ok = tags[i] == NULL || (tag != NULL && cJSON_AddItemToArray(array, tag));
    }
    return ok;
}

/* The event's tree, keys in the format's order (as write_events.c). */
static cJSON *new_event_json(const almanac_new_event *event, const char *id)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o != NULL && add_text(o, "id", id) && add_text(o, "title", event->title) &&
              add_text(o, "start", event->start) && add_text(o, "end", event->end) &&
              add_text(o, "timezone", event->timezone) && add_text(o, "status", event->status);
    if (ok && event->location != NULL) {
        cJSON *location = cJSON_AddObjectToObject(o, "location");
        ok = location != NULL && add_text(location, "name", event->location);
    }
    ok = ok && add_tags(o, event->tags, event->tag_count) &&
         add_text(o, "description", event->description) && add_text(o, "url", event->url);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

/* *ID: the one EVENT gives, or one made from its title and unique (NULL
 * when out of memory). False, with an error in DIAGS, when the one given
 * is taken. */
static bool choose_id(const events_text *file, const events_id_index *ids,
                      const almanac_new_event *event, char **id, almanac_diagnostics *diags)
{
    if (event->id == NULL) {
        char base[ALMANAC_TITLE_ID_MAX + 1];
        title_slug(event->title, base);
        *id = unique_id(ids, base);
        return true;
    }
    size_t comparisons = 0, element;
    if (events_id_index_find(ids, event->id, &comparisons, &element) != NULL) {
        char pointer[48];
        snprintf(pointer, sizeof pointer, "/events/%zu", element);
        almanac_diagnostics_report(diags, file->events.elements[element], pointer, ALMANAC_E400,
                                   event->id);
        return false;
    }
    *id = strdup(event->id);
    return true;
}

/* The new text with EVENT after the file's last event (its id in *ID),
 * or NULL: *REFUSED when an error is in DIAGS, else out of memory. */
static char *append_event(events_text *file, const almanac_new_event *event, char **id,
                          bool *refused, almanac_diagnostics *diags)
{
    events_id_index ids;
    if (!events_id_index_init(&ids, file, 0))
        return NULL;
    *refused = !choose_id(file, &ids, event, id, diags);
    events_id_index_free(&ids);
    if (*id == NULL)
        return NULL;
    cJSON *items = cJSON_CreateArray();
    cJSON *item = new_event_json(event, *id);
    char *result = NULL;
    if (items != NULL && item != NULL && cJSON_AddItemToArray(items, item)) {
        item = NULL; /* the array's now */
        events_text_append(file, &file->events, "events", items);
        result = events_text_result(file);
    }
    cJSON_Delete(item);
    cJSON_Delete(items);
    return result;
}

static bool is_given(const char *text)
{
    return text != NULL && text[0] != '\0';
}

char *almanac_events_append(const char *text, size_t length, const almanac_new_event *event,
                            almanac_added_event *added, almanac_diagnostics *diags)
{
    memset(added, 0, sizeof *added);
    if (!is_given(event->title) || !is_given(event->start)) {
        refuse(diags, ALMANAC_E402);
        return NULL;
    }
    events_text file;
    if (events_text_open(&file, text, length, diags) != 0)
        return NULL;
    added->index = file.events.count;
    bool refused = false;
    char *result = append_event(&file, event, &added->id, &refused, diags);
    events_text_close(&file);
    if (result == NULL) {
        free(added->id);
        added->id = NULL;
        if (!refused)
            refuse(diags, ALMANAC_E403);
    }
    return result;
}

/* ---- the canonical layout ---------------------------------------------- */

/* cJSON reads 1e400 as infinity and would write it as null. */
static bool numbers_are_finite(const cJSON *item)
{
    if (cJSON_IsNumber(item))
        return isfinite(item->valuedouble);
    for (const cJSON *child = item->child; child != NULL; child = child->next)
        if (!numbers_are_finite(child))
            return false;
    return true;
}

char *almanac_events_format(const char *text, size_t length, almanac_diagnostics *diags)
{
    size_t start;
    cJSON *root = events_text_parse(text, length, &start, diags);
    if (root == NULL)
        return NULL;
    char *result = NULL;
    if (!numbers_are_finite(root))
        refuse(diags, ALMANAC_E404);
    else if ((result = json_print_document(root, json_text_newline(text, length))) == NULL)
        refuse(diags, ALMANAC_E405);
    cJSON_Delete(root);
    return result;
}
