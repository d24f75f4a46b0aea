/*
 * events_text.c - an events file as text, and edits that keep every byte
 * they do not touch (see events_text.h).
 *
 * Only the two arrays an editor adds to are located: the root's members
 * are walked in the json_map (one entry per value, in the order cJSON
 * keeps them), each array's elements by their subtree sizes. Where a value
 * ends is found only for the few values an edit needs.
 */
#include "events_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_map.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t skip_space(const char *text, size_t length, size_t at)
{
    while (at < length && is_space(text[at]))
        at++;
    return at;
}

#define refuse(diags, offset, ...) \
    almanac_diagnostics_report((diags), (offset), NULL, __VA_ARGS__)

/* ---- reading ----------------------------------------------------------- */

/* Maps TEXT into MAP; false when json_map found what cJSON reads otherwise
 * than JSON does: editing the tree cJSON made would change what the user
 * wrote. */
static bool map_as_written(const char *text, size_t length, size_t start, json_map *map,
                           almanac_diagnostics *diags)
{
    if (json_map_build(map, text, length, start) != 0) {
        refuse(diags, ALMANAC_NO_OFFSET, ALMANAC_E406);
        return false;
    }
    if (map->problem_count > 0) {
        refuse(diags, map->problems[0].offset, ALMANAC_E407);
        return false;
    }
    return true;
}

/* events_text_parse(), keeping the map in MAP (the caller frees it). */
static cJSON *parse_mapped(const char *text, size_t length, size_t *start, json_map *map,
                           almanac_diagnostics *diags)
{
    size_t at = length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    at = skip_space(text, length, at);
    *start = at;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text + at, length - at, &end, 0);
    if (root == NULL) {
        refuse(diags, end != NULL ? (size_t)(end - text) : at, ALMANAC_E408);
        return NULL;
    }
    size_t after = skip_space(text, length, (size_t)(end - text));
    if (after < length) {
        refuse(diags, after, ALMANAC_E052);
        cJSON_Delete(root);
        return NULL;
    }
    if (!map_as_written(text, length, at, map, diags)) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

cJSON *events_text_parse(const char *text, size_t length, size_t *start,
                         almanac_diagnostics *diags)
{
    json_map map = {0};
    cJSON *root = parse_mapped(text, length, start, &map, diags);
    json_map_free(&map);
    return root;
}

/* Just past the ']' of the array whose last element ends at AT (or whose
 * '[' is at AT - 1 when it has none). */
static size_t array_end_after(const events_text *file, size_t at)
{
    at = skip_space(file->text, file->length, at);
    return at < file->length ? at + 1 : file->length;
}

static size_t value_end(const events_text *file, size_t start)
{
    return json_value_end(file->text, file->length, start);
}

/* Fills ARRAY from ITEM, whose map entry is ENTRY. False when the map and
 * the tree disagree (they cannot on text both accepted) or out of memory. */
static bool locate_array(events_text *file, events_text_array *array, cJSON *item,
                         const json_map *map, size_t entry)
{
    array->array = item;
    array->key = map->entries[entry].key;
    array->start = map->entries[entry].value;
    size_t count = (size_t)cJSON_GetArraySize(item);
    array->elements = malloc((count > 0 ? count : 1) * sizeof *array->elements);
    if (array->elements == NULL)
        return false;
    size_t child = entry + 1, stop = entry + map->entries[entry].size;
    for (size_t i = 0; i < count; i++) {
        if (child >= stop)
            return false;
        array->elements[i] = map->entries[child].value;
        child += map->entries[child].size;
    }
    array->count = count;
    size_t last_end = count > 0 ? value_end(file, array->elements[count - 1])
                                : array->start + 1;
    array->end = array_end_after(file, last_end);
    return child == stop;
}

/* Finds "events" and "feeds" among the root's members (the first of
 * each, as cJSON_GetObjectItem and the loader take it). */
static bool locate_arrays(events_text *file, const json_map *map)
{
    size_t entry = 1;
    for (cJSON *member = file->root->child; member != NULL; member = member->next) {
        if (entry >= map->count)
            return false;
        events_text_array *array = NULL;
        if (cJSON_GetObjectItemCaseSensitive(file->root, "events") == member)
            array = &file->events;
        else if (cJSON_GetObjectItemCaseSensitive(file->root, "feeds") == member)
            array = &file->feeds;
        if (array != NULL && cJSON_IsArray(member) &&
            !locate_array(file, array, member, map, entry))
            return false;
        entry += map->entries[entry].size;
    }
    return true;
}

/* The layout of an array's new elements when it has none to follow: that
 * of the events' last element, else the feeds', else the file's. */
static json_layout element_layout(const events_text *file)
{
    const events_text_array *model = file->events.count > 0 ? &file->events
                                   : file->feeds.count > 0  ? &file->feeds : NULL;
    if (model == NULL)
        return file->layout;
    size_t last = model->elements[model->count - 1];
    return json_layout_read(file->text, file->length, last, value_end(file, last),
                            &file->layout);
}

int events_text_open(events_text *file, const char *text, size_t length,
                     almanac_diagnostics *diags)
{
    memset(file, 0, sizeof *file);
    file->text = text;
    file->length = length;
    json_map map = {0};
    file->root = parse_mapped(text, length, &file->root_start, &map, diags);
    bool object = cJSON_IsObject(file->root);
    bool located = !object || locate_arrays(file, &map);
    json_map_free(&map);
    if (file->root == NULL)
        return -1;
    if (!located || !object || file->events.array == NULL) {
        if (located)
            refuse(diags, file->root_start, ALMANAC_E409);
        else
            refuse(diags, ALMANAC_NO_OFFSET, ALMANAC_E406);
        events_text_close(file);
        return -1;
    }
    json_layout fallback = json_layout_canonical();
    fallback.newline = json_text_newline(text, length);
    file->layout = json_layout_read(text, length, file->root_start,
                                    value_end(file, file->root_start), &fallback);
    file->element_layout = element_layout(file);
    return 0;
}

void events_text_close(events_text *file)
{
    cJSON_Delete(file->root);
    free(file->events.elements);
    free(file->feeds.elements);
    for (size_t i = 0; i < file->edit_count; i++)
        free(file->edits[i].text);
    free(file->edits);
    memset(file, 0, sizeof *file);
}

/* ---- ids --------------------------------------------------------------- */

void events_id_index_add(events_id_index *index, cJSON *item, const char *id, size_t element)
{
    size_t comparisons = 0;
    if (index->count == index->capacity ||
        name_set_get_counted(&index->set, id, &comparisons) != NULL)
        return; /* the first of an id is the one found, as by a walk */
    located_name *name = &index->names[index->count];
    *name = (located_name){.name = id, .at = 0, .owner = element};
    index->items[index->count++] = item;
    name_set_put(&index->set, name);
}

bool events_id_index_init(events_id_index *index, const events_text *file, size_t extra)
{
    memset(index, 0, sizeof *index);
    index->capacity = file->events.count + extra;
    size_t room = index->capacity > 0 ? index->capacity : 1;
    index->names = calloc(room, sizeof *index->names);
    index->items = calloc(room, sizeof *index->items);
    if (index->names == NULL || index->items == NULL ||
        !name_set_init(&index->set, index->capacity)) {
        events_id_index_free(index);
        return false;
    }
    size_t element = 0;
    for (cJSON *item = file->events.array->child; item != NULL; item = item->next, element++) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
        if (cJSON_IsString(id))
            events_id_index_add(index, item, id->valuestring, element);
    }
    return true;
}

cJSON *events_id_index_find(const events_id_index *index, const char *id,
                            size_t *comparisons, size_t *element)
{
    const located_name *found = name_set_get_counted(&index->set, id, comparisons);
    if (found == NULL)
        return NULL;
    *element = found->owner;
    return index->items[found - index->names];
}

void events_id_index_free(events_id_index *index)
{
    name_set_free(&index->set);
    free(index->names);
    free(index->items);
    memset(index, 0, sizeof *index);
}

/* ---- editing ----------------------------------------------------------- */

/* Takes OUT's text as the replacement of TEXT[START, END). */
static void add_edit(events_text *file, size_t start, size_t end, textbuf *out)
{
    char *text = textbuf_take(out);
    if (text == NULL || file->failed) {
        free(text);
        file->failed = true;
        return;
    }
    if (file->edit_count == file->edit_capacity) {
        size_t capacity = file->edit_capacity ? file->edit_capacity * 2 : 16;
        text_edit *edits = realloc(file->edits, capacity * sizeof *edits);
        if (edits == NULL) {
            free(text);
            file->failed = true;
            return;
        }
        file->edits = edits;
        file->edit_capacity = capacity;
    }
    file->edits[file->edit_count] = (text_edit){start, end, file->edit_count, text};
    file->edit_count++;
}

/* Where one member of an object is written. */
typedef struct {
    size_t key, value, end; /* its key's quote, its value, just past it */
    const cJSON *item;      /* the member as the text has it */
} member_place;

/* An object of the file as written: its members' places and values. */
typedef struct {
    size_t start, end;
    cJSON *parsed;
    member_place *members;
    size_t count;
} written_object;

static void written_object_free(written_object *o)
{
    cJSON_Delete(o->parsed);
    free(o->members);
}

/* Reads the object at TEXT[START, END) again, and maps its members. */
static bool read_object(const events_text *file, size_t start, size_t end, written_object *o)
{
    *o = (written_object){.start = start, .end = end};
    o->parsed = cJSON_ParseWithLength(file->text + start, end - start);
    if (!cJSON_IsObject(o->parsed) || o->parsed->child == NULL)
        return false;
    size_t count = (size_t)cJSON_GetArraySize(o->parsed);
    json_map map = {0};
    o->members = malloc(count * sizeof *o->members);
    bool mapped = o->members != NULL && json_map_build(&map, file->text, file->length, start) == 0;
    size_t entry = 1;
    for (const cJSON *m = o->parsed->child; mapped && m != NULL; m = m->next, o->count++) {
        mapped = entry < map.count && entry < map.entries[0].size;
        if (mapped) {
            size_t value = map.entries[entry].value;
            o->members[o->count] = (member_place){map.entries[entry].key, value,
                                                  value_end(file, value), m};
            entry += map.entries[entry].size;
        }
    }
    json_map_free(&map);
    return mapped && o->count == count;
}

/* The index of the first member of O named KEY, or SIZE_MAX. */
static size_t written_member(const written_object *o, const char *key)
{
    for (size_t i = 0; i < o->count; i++)
        if (strcmp(o->members[i].item->string, key) == 0)
            return i;
    return SIZE_MAX;
}

/* The bytes that follow member I of O up to the next one's key. */
static void append_member_separator(const events_text *file, const written_object *o, size_t i,
                                    textbuf *out)
{
    textbuf_append(out, file->text + o->members[i].end,
                  o->members[i + 1].key - o->members[i].end);
}

/* Member I of O, now MEMBER: its bytes when its value is the same, else
 * its key as written and the value printed in the layout it had. */
static void append_member(const events_text *file, const written_object *o, size_t i,
                          const cJSON *member, const json_layout *layout, textbuf *out)
{
    const member_place *place = &o->members[i];
    if (cJSON_Compare(place->item, member, true)) {
        textbuf_append(out, file->text + place->key, place->end - place->key);
        return;
    }
    textbuf_append(out, file->text + place->key, place->value - place->key);
    json_layout own = json_layout_read(file->text, file->length, place->value, place->end, layout);
    json_print(out, member, &own);
}

/* A member the object did not have, after its last one. */
static void append_new_member(const events_text *file, const written_object *o,
                              const cJSON *member, const json_layout *layout, textbuf *out)
{
    if (o->count >= 2) {
        append_member_separator(file, o, o->count - 2, out);
    } else {
        textbuf_puts(out, ",");
        textbuf_append(out, file->text + o->start + 1, o->members[0].key - o->start - 1);
    }
    json_layout own = *layout;
    own.margin = json_line_indent(file->text, o->members[o->count - 1].key);
    json_print_member(out, member, &own);
}

/* ITEM printed over the object O member by member: a member whose value
 * did not change keeps its bytes, a changed one keeps its key and gets its
 * value printed in the value's own layout, a removed one goes with the
 * separator after it, a new one follows the last. False when ITEM's
 * members are not O's in O's order with new ones after (the merge never
 * makes that) or O has a duplicate key: the caller prints ITEM whole. */
static bool splice_members(const events_text *file, const written_object *o, const cJSON *item,
                           const json_layout *layout, textbuf *out)
{
    textbuf_append(out, file->text + o->start, o->members[0].key - o->start);
    size_t previous = SIZE_MAX;
    const cJSON *member = item->child;
    for (; member != NULL; member = member->next) {
        size_t i = written_member(o, member->string);
        if (i == SIZE_MAX)
            break; /* the new members */
        if (previous != SIZE_MAX && i <= previous)
            return false;
        if (previous != SIZE_MAX)
            append_member_separator(file, o, previous, out);
        append_member(file, o, i, member, layout, out);
        previous = i;
    }
    if (previous == SIZE_MAX)
        return false; /* nothing of the object is left */
    for (; member != NULL; member = member->next) {
        if (written_member(o, member->string) != SIZE_MAX)
            return false;
        append_new_member(file, o, member, layout, out);
    }
    const member_place *last = &o->members[o->count - 1];
    textbuf_append(out, file->text + last->end, o->end - last->end);
    return true;
}

void events_text_replace(events_text *file, const events_text_array *array, size_t index,
                         const cJSON *item)
{
    size_t start = array->elements[index], end = value_end(file, start);
    json_layout layout = json_layout_read(file->text, file->length, start, end, &file->layout);
    textbuf out = STRBUF_INIT;
    written_object written = {0};
    bool spliced = cJSON_IsObject(item) && item->child != NULL &&
                   read_object(file, start, end, &written) &&
                   splice_members(file, &written, item, &layout, &out);
    written_object_free(&written);
    if (!spliced) {
        textbuf_clear(&out);
        json_print(&out, item, &layout);
    }
    add_edit(file, start, end, &out);
}

/* What stands between two elements of ARRAY: the bytes between its last
 * two, or ',' and the space after '[' when it has one element. */
static void append_separator(const events_text *file, const events_text_array *array,
                             textbuf *out)
{
    size_t last = array->elements[array->count - 1];
    if (array->count >= 2) {
        size_t before = value_end(file, array->elements[array->count - 2]);
        textbuf_append(out, file->text + before, last - before);
        return;
    }
    textbuf_puts(out, ",");
    textbuf_append(out, file->text + array->start + 1, last - array->start - 1);
}

/* ITEMS' children as the inside of a new array whose line is indented by
 * OUTER: one per line, a level deeper (or all on one line, in a file that
 * has one line). */
static void print_new_elements(const events_text *file, text_slice outer, const cJSON *items,
                               textbuf *out)
{
    json_layout layout = file->element_layout;
    bool lines = !file->layout.one_line;
    textbuf margin = STRBUF_INIT;
    textbuf_append(&margin, outer.data, outer.length);
    textbuf_append(&margin, file->layout.indent.data, file->layout.indent.length);
    layout.margin = (text_slice){textbuf_text(&margin), margin.length};
    if (layout.margin.data == NULL) {
        out->failed = true;
        textbuf_free(&margin);
        return;
    }
    for (const cJSON *item = items->child; item != NULL; item = item->next) {
        if (item != items->child)
            textbuf_puts(out, lines || !layout.comma_space ? "," : ", ");
        if (lines) {
            textbuf_puts(out, file->layout.newline);
            textbuf_append(out, layout.margin.data, layout.margin.length);
        }
        json_print(out, item, &layout);
    }
    if (lines) {
        textbuf_puts(out, file->layout.newline);
        textbuf_append(out, outer.data, outer.length);
    }
    textbuf_free(&margin);
}

/* A new member NAME holding ITEMS, just before "events": its key starts
 * where "events" did, and "events" follows after the same spaces. */
static void add_member(events_text *file, const char *name, const cJSON *items)
{
    size_t key = file->events.key, before = key;
    while (before > file->root_start && is_space(file->text[before - 1]))
        before--;
    textbuf out = STRBUF_INIT;
    textbuf_printf(&out, "\"%s\"%s[", name, file->layout.colon_space ? ": " : ":");
    print_new_elements(file, json_line_indent(file->text, key), items, &out);
    textbuf_puts(&out, "],");
    textbuf_append(&out, file->text + before, key - before);
    add_edit(file, key, key, &out);
}

void events_text_append(events_text *file, const events_text_array *array, const char *name,
                        const cJSON *items)
{
    if (items->child == NULL)
        return;
    if (array->array == NULL) {
        add_member(file, name, items);
        return;
    }
    textbuf out = STRBUF_INIT;
    if (array->count == 0) {
        /* whatever spaces stood between the brackets give way */
        print_new_elements(file, json_line_indent(file->text, array->start), items, &out);
        add_edit(file, array->start + 1, array->end - 1, &out);
        return;
    }
    size_t last = array->elements[array->count - 1], last_end = value_end(file, last);
    json_layout layout = json_layout_read(file->text, file->length, last, last_end,
                                          &file->layout);
    for (const cJSON *item = items->child; item != NULL; item = item->next) {
        append_separator(file, array, &out);
        json_print(&out, item, &layout);
    }
    add_edit(file, last_end, last_end, &out);
}

static int compare_edits(const void *a, const void *b)
{
    const text_edit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

char *events_text_result(events_text *file)
{
    if (file->failed)
        return NULL;
    if (file->edit_count > 1)
        qsort(file->edits, file->edit_count, sizeof *file->edits, compare_edits);
    textbuf out = STRBUF_INIT;
    size_t at = 0;
    for (size_t i = 0; i < file->edit_count; i++) {
        const text_edit *edit = &file->edits[i];
        if (edit->start < at) { /* edits that overlap: a bug of the caller */
            textbuf_free(&out);
            return NULL;
        }
        textbuf_append(&out, file->text + at, edit->start - at);
        textbuf_puts(&out, edit->text);
        at = edit->end;
    }
    textbuf_append(&out, file->text + at, file->length - at);
    return textbuf_take(&out);
}
