/*
 * json_map.h - where each JSON value sits in the text.
 *
 * cJSON builds a tree but forgets positions. This module walks the same text
 * once and records, for every value in document order (pre-order: an object,
 * then its members' values, depth first), the byte offset of the value, of
 * its key when it is an object member, and how many values its subtree
 * holds. Because cJSON keeps members in text order (duplicates included),
 * the i-th value met walking the cJSON tree in pre-order is entry i here;
 * the subtree sizes let a walker skip a child without visiting it.
 *
 * The scan also notes what cJSON lets through but JSON forbids or we refuse:
 * raw control characters in strings, "\u0000" and "\u" escapes without four
 * hex digits (which cJSON uses to cut strings short, silently), and numbers
 * outside JSON's grammar that cJSON hands to strtod (01, 1.).
 */
#ifndef ALMANAC_JSON_MAP_H
#define ALMANAC_JSON_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t value;   /* byte offset of the value's first character */
    uint32_t key;     /* byte offset of its key's opening quote, or value */
    uint32_t size;    /* values in the subtree, this one included */
} json_map_entry;

typedef enum {
    JSON_PROBLEM_CONTROL_CHARACTER, /* raw byte < 0x20 inside a string */
    JSON_PROBLEM_CONTROL_OUTSIDE,   /* one between values, where cJSON takes
                                       any byte below 0x21 for a space */
    JSON_PROBLEM_NUL_ESCAPE,        /* \u0000 inside a string */
    JSON_PROBLEM_BAD_ESCAPE,        /* \u without four hex digits (cJSON reads
                                       "\uGGGG" as U+0000 and cuts the string
                                       there), or an unknown escape */
    JSON_PROBLEM_BAD_NUMBER         /* a number JSON's grammar refuses but
                                       strtod takes: 01, -01, 1., 1.e5 */
} json_problem_kind;

/* What is wrong with a number (json_problem.detail). */
typedef enum {
    JSON_NUMBER_LEADING_ZERO = 1, /* 01, -00 */
    JSON_NUMBER_BARE_POINT,       /* 1. or 1.e5: no digit after the point */
    JSON_NUMBER_BARE_EXPONENT,    /* 1e or 1e+: no digit in the exponent */
    JSON_NUMBER_NO_DIGITS,        /* a lone '-' */
    JSON_NUMBER_TRAILING_TEXT     /* 1x: a number runs into other text */
} json_number_problem;

typedef struct {
    json_problem_kind kind;
    size_t offset;
    unsigned char byte;   /* the control character, for the message */
    unsigned char detail; /* a json_number_problem, for BAD_NUMBER */
} json_problem;

enum { JSON_MAP_MAX_PROBLEMS = 100 };

typedef struct {
    json_map_entry *entries; /* malloc'ed; owned by the map */
    size_t count;
    size_t capacity;
    json_problem problems[JSON_MAP_MAX_PROBLEMS];
    size_t problem_count;
    size_t depth;            /* deepest nesting of arrays and objects met */
    size_t end;              /* offset just past the value, or SIZE_MAX when
                                the text ended before it did */
} json_map;

/* Scans the one JSON value at offset START of TEXT (LENGTH bytes), which
 * cJSON has already accepted (START is after any BOM and space). MAP is
 * zero-initialised or built before: its memory is reused, so mapping many
 * values one after another allocates once. Returns 0, or -1 when out of
 * memory or the text is longer than 4 GiB. Free with json_map_free(). */
int json_map_build(json_map *map, const char *text, size_t length, size_t start);

/* The same for an object member whose key's opening quote is at KEY: the
 * value after it is entry 0, and what the key's string holds is noted in
 * the problems too. */
int json_map_build_member(json_map *map, const char *text, size_t length, size_t key);

/* Makes MAP one entry: a value at VALUE, its key at KEY, with nothing mapped
 * inside (an object whose members are mapped one at a time). -1 when out of
 * memory. */
int json_map_point(json_map *map, size_t value, size_t key);

void json_map_free(json_map *map);

/* Finds the first place where arrays and objects nest deeper than
 * MAX_DEPTH, ignoring brackets inside strings; returns its offset, or
 * SIZE_MAX when there is none. Safe on any text, valid JSON or not. */
size_t json_find_too_deep(const char *text, size_t length, size_t max_depth);

/* How many arrays and objects are still open at the end of TEXT, and
 * whether it ends inside a string: tells a truncated file from a typo. */
size_t json_open_at_end(const char *text, size_t length, bool *in_string);

/* Offset just past the value that starts at AT (a string, an object or
 * array with all it holds, a scalar), or LENGTH when the text ends first. */
size_t json_value_end(const char *text, size_t length, size_t at);

/* Bytes of the scalar token (number or literal) at AT: up to the next
 * delimiter or space, never past LENGTH. */
size_t json_scalar_length(const char *text, size_t length, size_t at);

#endif
