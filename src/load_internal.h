/*
 * load_internal.h - what the loader's modules share (load.c reads the
 * document, load_series.c the keys of series, reminders and people).
 *
 * A loader walks the cJSON tree and the position map in step; every
 * reader below reports what it finds wrong into the loader's diagnostics
 * (at the value's offset, with the JSON Pointer of the value being read)
 * and returns NULL/false for a value it refused. Strings it returns live
 * in the loader's arena, owned by the document.
 */
#ifndef ALMANAC_LOAD_INTERNAL_H
#define ALMANAC_LOAD_INTERNAL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "almanac/load.h"
#include "arena.h"
#include "json_map.h"

/* A cJSON value together with its entry in the position map. */
typedef struct {
    const cJSON *json;
    size_t index;
} node;

typedef struct {
    const char *text;
    size_t length;
    json_map map;
    almanac_diagnostics *diags;
    almanac_arena *arena;
    almanac_keep keep;  /* what of the texts the model keeps */
    char *not_kept;     /* the "" that stands for a text not kept */
    char *pointer;      /* JSON Pointer of the value being read */
    size_t pointer_length;
    size_t pointer_capacity;
    /* Map entries of the values whose text holds a lexical problem: cJSON
     * cut such a string short, and what is left of it is not checked again. */
    size_t damaged[JSON_MAP_MAX_PROBLEMS];
    size_t damaged_count;
    bool out_of_memory;
} loader;

typedef enum {
    TEXT_LINE,      /* one line: no control characters at all */
    TEXT_MULTILINE, /* may hold newlines and tabs */
    TEXT_URL        /* one line, and read_url() checks the rest */
} text_kind;

/* The keys of one object met so far, and the keys that an unknown key was
 * taken for ("satrt" for "start"), so that a misspelt required key is one
 * error at the typo, not a second one about a missing key. */
typedef struct {
    uint32_t seen;
    uint32_t suggested;
    int next; /* where to start looking: files mostly keep one key order */
} key_set;

/* Reads one item of a list of strings. */
typedef char *(*item_reader)(loader *l, node n, const char *what);

#define BIT(k) (UINT32_C(1) << (k))

/* Reports a diagnostic of the catalogue at OFFSET and the current JSON
 * Pointer: report_at(l, offset, ALMANAC_E012, arguments of its template). */
#define report_at(l, offset, ...) \
    almanac_diagnostics_report((l)->diags, (offset), pointer(l), __VA_ARGS__)


size_t value_offset(const loader *l, node n);
size_t key_offset(const loader *l, node n);
node first_child(node n);
node next_sibling(const loader *l, node n);
size_t pointer_push(loader *l, const char *segment);
size_t pointer_push_index(loader *l, size_t index);
void pointer_pop(loader *l, size_t old);
const char *pointer(const loader *l);
bool expect_type(loader *l, node n, bool ok, const char *expected);
char *read_text(loader *l, node n, text_kind kind, size_t max_bytes);
char *read_shown_text(loader *l, node n, text_kind kind, size_t max_bytes);
char *read_slug(loader *l, node n, const char *what);
char *read_url(loader *l, node n);
bool read_date(loader *l, node n, almanac_date *date);
int key_of_member(loader *l, node m, const char *const *keys, int count, key_set *set);
void require_keys(loader *l, node object, const char *const *keys,
                         int count, uint32_t required, key_set set, const char *what);
almanac_status read_status(loader *l, node n);
bool read_location(loader *l, node n, almanac_location *location);
long parse_duration(const char *s);
void read_string_list(loader *l, node n, almanac_strings *list,
                             item_reader read_item, const char *what);
char *read_line_item(loader *l, node n, const char *what);
const char *check_text(loader *l, node n, text_kind kind, size_t max_bytes,
                              size_t *length_out);

/* Readers of load_series.c, called by load.c for the keys they own. */
void read_repeat(loader *l, node n, almanac_event *event);
void read_event_dates(loader *l, node n, almanac_date_list *list, const char *what);
void read_overrides(loader *l, node n, almanac_event *event);
void read_alarms(loader *l, node n, almanac_alarm_list *alarms);
void read_organizer(loader *l, node n, almanac_event *event);
void read_attendees(loader *l, node n, almanac_event *event);
char *read_color(loader *l, node n);

#endif
