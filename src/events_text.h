/*
 * events_text.h - an events file as text: where its "events" and "feeds"
 * arrays and their elements are, and edits that keep every other byte.
 *
 * An editor (the merge of an import, `almanac add`) opens the file, changes
 * the parsed tree, then says which elements to print again and which to
 * add; the result is the file's text with only those bytes changed (in an
 * element, only its changed members), each printed in the layout of its
 * neighbours (json_layout.h). Positions come
 * from json_map (one pass, as the loader maps a file) and json_value_end
 * (only for the elements an edit touches).
 *
 * Ownership: the events_text owns the parsed tree and its edits; TEXT
 * must stay alive and unchanged until events_text_close().
 */
#ifndef ALMANAC_EVENTS_TEXT_H
#define ALMANAC_EVENTS_TEXT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "almanac/diag.h"
#include "json_layout.h"
#include "name_set.h"

typedef struct {
    cJSON *array;      /* the member's value in the tree; NULL when absent */
    size_t key;        /* offset of the member's key */
    size_t start, end; /* its '[' and just past its ']' */
    size_t *elements;  /* each element's first byte, in order (malloc'ed) */
    size_t count;
} events_text_array;

typedef struct {
    size_t start, end; /* the bytes replaced; START == END inserts */
    size_t order;      /* edits at the same START apply in the order given */
    char *text;        /* malloc'ed */
} text_edit;

typedef struct {
    const char *text;
    size_t length;
    cJSON *root;                  /* the parsed file, owned */
    size_t root_start;
    events_text_array events, feeds;
    json_layout layout;           /* the file's: newline, indentation, spaces */
    json_layout element_layout;   /* for the elements of an array that has
                                     none yet: its events', else its feeds' */
    text_edit *edits;
    size_t edit_count, edit_capacity;
    bool failed;                  /* memory ran out while editing */
} events_text;

/* Parses TEXT (LENGTH bytes) as the loader reads JSON: an error in DIAGS,
 * and NULL, when cJSON refuses it, when text follows the value, or when it
 * holds what cJSON reads differently from JSON (json_map's problems: a
 * control character, a bad escape or number). *START is the value's first
 * byte (after a byte order mark and spaces). The caller frees the tree
 * with cJSON_Delete(). */
cJSON *events_text_parse(const char *text, size_t length, size_t *start,
                         almanac_diagnostics *diags);

/* Opens TEXT as an events file: an object with an "events" array. Returns
 * 0, or -1 with an error in DIAGS (FILE is then closed). */
int events_text_open(events_text *file, const char *text, size_t length,
                     almanac_diagnostics *diags);

/* Frees what FILE owns; accepts a zeroed or closed FILE. */
void events_text_close(events_text *file);

/* Element INDEX of ARRAY is to be ITEM (printed now). When both are
 * objects with ITEM's members in the element's order (removed ones left
 * out, new ones last), only what differs is printed: a member whose value
 * is the same keeps its bytes, a changed value is laid out as it was (one
 * line or several, at its indentation), a new member follows the last.
 * Otherwise ITEM is printed whole, in the element's layout. */
void events_text_replace(events_text *file, const events_text_array *array, size_t index,
                         const cJSON *item);

/* The children of ITEMS (a cJSON array) are to follow ARRAY's last
 * element, with the separator and layout its elements have. When ARRAY
 * is absent (the file has no such member), it is added as NAME just
 * before "events". */
void events_text_append(events_text *file, const events_text_array *array, const char *name,
                        const cJSON *items);

/* The file's events by "id", and the events an editor adds: a walk of
 * the array for each lookup made a merge of 50,000 events take minutes. */
typedef struct {
    located_name *names; /* .owner: the event's index in the file's array,
                            SIZE_MAX for an added one */
    cJSON **items;       /* the event of each name (same index) */
    size_t count, capacity;
    name_set set;
} events_id_index;

/* Indexes FILE's events, with room for EXTRA more. False when out of
 * memory (INDEX is then empty, and may be freed). The names point into
 * FILE's tree. */
bool events_id_index_init(events_id_index *index, const events_text *file, size_t extra);

/* Adds ITEM as ID (a string that lives as long as the index); ELEMENT is
 * its index in the file's array, SIZE_MAX for an added event. The first
 * of an id stays the one found. */
void events_id_index_add(events_id_index *index, cJSON *item, const char *id, size_t element);

/* The event of ID, or NULL; *ELEMENT is set as given to _add(). Adds to
 * *COMPARISONS the ids compared. */
cJSON *events_id_index_find(const events_id_index *index, const char *id,
                            size_t *comparisons, size_t *element);

void events_id_index_free(events_id_index *index);

/* The file's text with every edit made: malloc'ed, the caller frees; NULL
 * when out of memory. */
char *events_text_result(events_text *file);

#endif
