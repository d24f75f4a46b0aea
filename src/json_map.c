/*
 * json_map.c - one pass over JSON text that cJSON accepted (see json_map.h).
 *
 * The scanner trusts the text's grammar (cJSON checked it) but never its
 * bounds: every read is checked against LENGTH, so a disagreement between
 * the two parsers ends the scan early instead of reading past the buffer.
 */
#include "json_map.h"

#include "text.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *text;
    size_t length;
    size_t at;
    json_map *map;
    size_t *open;        /* stack of entry indexes of open containers */
    size_t open_count;
    size_t open_capacity;
} scanner;

static void skip_space(scanner *s)
{
    while (s->at < s->length) {
        char c = s->text[s->at];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        s->at++;
    }
}

static void note_problem(json_map *map, json_problem_kind kind, size_t offset,
                         unsigned char byte)
{
    if (map->problem_count < JSON_MAP_MAX_PROBLEMS)
        map->problems[map->problem_count++] = (json_problem){kind, offset, byte, 0};
}

static bool is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The escape at s->at (a backslash): notes what JSON refuses in it. */
static void check_escape(scanner *s)
{
    size_t at = s->at;
    char next = at + 1 < s->length ? s->text[at + 1] : '\0';
    if (next != 'u') {
        if (strchr("\"\\/bfnrt", next) == NULL || next == '\0')
            note_problem(s->map, JSON_PROBLEM_BAD_ESCAPE, at, (unsigned char)next);
        return;
    }
    bool hex = at + 6 <= s->length;
    for (size_t i = 2; hex && i < 6; i++)
        hex = is_hex_digit(s->text[at + i]);
    if (!hex)
        note_problem(s->map, JSON_PROBLEM_BAD_ESCAPE, at, 'u');
    else if (memcmp(s->text + at, "\\u0000", 6) == 0)
        note_problem(s->map, JSON_PROBLEM_NUL_ESCAPE, at, 0);
}

/* Skips a string starting at its opening quote. */
static void skip_string(scanner *s)
{
    s->at++; /* opening quote */
    while (s->at < s->length) {
        /* most of a string is plain text: skip it a word at a time */
        while (s->length - s->at >= WORD_BYTES) {
            uint64_t w = word_at(s->text + s->at);
            uint64_t marks = word_equal(w, '"') | word_equal(w, '\\') | word_below(w, 0x20);
            if (marks != 0) {
                s->at += word_first(marks);
                break;
            }
            s->at += WORD_BYTES;
        }
        if (s->at == s->length)
            return;
        unsigned char c = (unsigned char)s->text[s->at];
        if (c == '"') {
            s->at++;
            return;
        }
        if (c == '\\') {
            check_escape(s);
            s->at += 2;
            continue;
        }
        if (c < 0x20)
            note_problem(s->map, JSON_PROBLEM_CONTROL_CHARACTER, s->at, c);
        s->at++;
    }
}

static bool reserve_entry(json_map *map)
{
    if (map->count < map->capacity)
        return true;
    size_t capacity = map->capacity ? map->capacity * 2 : 256;
    json_map_entry *entries = realloc(map->entries, capacity * sizeof *entries);
    if (entries == NULL)
        return false;
    map->entries = entries;
    map->capacity = capacity;
    return true;
}

static bool push_entry(scanner *s, size_t key, size_t value)
{
    json_map *map = s->map;
    if (!reserve_entry(map))
        return false;
    map->entries[map->count++] = (json_map_entry){
        .value = (uint32_t)value, .key = (uint32_t)key, .size = 1};
    return true;
}

static bool push_open(scanner *s, size_t index)
{
    if (s->open_count == s->open_capacity) {
        size_t capacity = s->open_capacity ? s->open_capacity * 2 : 32;
        size_t *open = realloc(s->open, capacity * sizeof *open);
        if (open == NULL)
            return false;
        s->open = open;
        s->open_capacity = capacity;
    }
    s->open[s->open_count++] = index;
    if (s->open_count > s->map->depth)
        s->map->depth = s->open_count;
    return true;
}

static void close_container(scanner *s)
{
    if (s->open_count == 0)
        return;
    size_t index = s->open[--s->open_count];
    s->map->entries[index].size = (uint32_t)(s->map->count - index);
}

static bool is_delimiter(char c)
{
    return c == ',' || c == ']' || c == '}' || c == ':' || c == ' ' || c == '\t' ||
           c == '\n' || c == '\r';
}

size_t json_scalar_length(const char *text, size_t length, size_t at)
{
    size_t end = at;
    while (end < length && !is_delimiter(text[end]))
        end++;
    return end - at;
}

static size_t skip_digits(const char *t, size_t i, size_t n)
{
    while (i < n && t[i] >= '0' && t[i] <= '9')
        i++;
    return i;
}

/* What RFC 8259's number grammar refuses in the N bytes at T, or 0:
 *   number = [ "-" ] ( "0" / 1-9 *DIGIT ) [ "." 1*DIGIT ] [ e [ + / - ] 1*DIGIT ] */
static json_number_problem number_problem(const char *t, size_t n)
{
    size_t i = t[0] == '-' ? 1 : 0;
    size_t digits = skip_digits(t, i, n);
    if (digits == i)
        return JSON_NUMBER_NO_DIGITS;
    if (t[i] == '0' && digits > i + 1)
        return JSON_NUMBER_LEADING_ZERO;
    i = digits;
    if (i < n && t[i] == '.') {
        size_t fraction = skip_digits(t, i + 1, n);
        if (fraction == i + 1)
            return JSON_NUMBER_BARE_POINT;
        i = fraction;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            i++;
        size_t exponent = skip_digits(t, i, n);
        if (exponent == i)
            return JSON_NUMBER_BARE_EXPONENT;
        i = exponent;
    }
    return i == n ? 0 : JSON_NUMBER_TRAILING_TEXT;
}

/* Skips a number, true, false or null, noting a number JSON refuses. */
static void skip_scalar(scanner *s)
{
    size_t at = s->at;
    size_t n = json_scalar_length(s->text, s->length, at);
    s->at += n > 0 ? n : 1; /* always on: text cJSON refused cannot stall the scan */
    char c = s->text[at];
    if (n > 0 && (c == '-' || (c >= '0' && c <= '9'))) {
        json_number_problem problem = number_problem(s->text + at, n);
        if (problem != 0 && s->map->problem_count < JSON_MAP_MAX_PROBLEMS)
            s->map->problems[s->map->problem_count++] =
                (json_problem){JSON_PROBLEM_BAD_NUMBER, at, 0, (unsigned char)problem};
    }
}

/* Maps the value at s->at; KEY is its key's offset, or SIZE_MAX. */
static int scan(scanner *s, size_t key)
{
    skip_space(s);
    while (s->at < s->length) {
        char c = s->text[s->at];
        if (c == ',' ) {
            s->at++;
        } else if ((unsigned char)c < 0x20) {
            /* cJSON skips every byte below 0x21 as if it were a space */
            note_problem(s->map, JSON_PROBLEM_CONTROL_OUTSIDE, s->at, (unsigned char)c);
            s->at++;
        } else if (c == ']' || c == '}') {
            close_container(s);
            s->at++;
            if (s->open_count == 0) {
                s->map->end = s->at;
                return 0;
            }
        } else if (c == '"' && s->open_count > 0 && key == SIZE_MAX &&
                   s->text[s->map->entries[s->open[s->open_count - 1]].value] == '{') {
            key = s->at; /* a member's key; its value follows the colon */
            skip_string(s);
            skip_space(s);
            if (s->at < s->length && s->text[s->at] == ':')
                s->at++;
        } else {
            size_t value = s->at;
            if (!push_entry(s, key == SIZE_MAX ? value : key, value))
                return -1;
            key = SIZE_MAX;
            if (c == '{' || c == '[') {
                if (!push_open(s, s->map->count - 1))
                    return -1;
                s->at++;
            } else {
                if (c == '"')
                    skip_string(s);
                else
                    skip_scalar(s);
                if (s->open_count == 0) {
                    s->map->end = s->at;
                    return 0;
                }
            }
        }
        skip_space(s);
    }
    return 0;
}

/* Empties MAP, keeping its memory. */
static void reset(json_map *map)
{
    map->count = 0;
    map->problem_count = 0;
    map->depth = 0;
    map->end = SIZE_MAX;
}

/* Maps the value at START, KEY its key's offset (SIZE_MAX: none). */
static int build(json_map *map, const char *text, size_t length, size_t start, size_t key)
{
    reset(map);
    if (length > UINT32_MAX)
        return -1;
    scanner s = {.text = text, .length = length, .at = start, .map = map};
    if (key != SIZE_MAX) {
        /* the member's key, for what its string holds, then the colon */
        s.at = key;
        skip_string(&s);
        skip_space(&s);
        if (s.at < length && text[s.at] == ':')
            s.at++;
    }
    int result = scan(&s, key);
    free(s.open);
    if (result != 0)
        json_map_free(map);
    return result;
}

int json_map_build(json_map *map, const char *text, size_t length, size_t start)
{
    return build(map, text, length, start, SIZE_MAX);
}

int json_map_build_member(json_map *map, const char *text, size_t length, size_t key)
{
    return build(map, text, length, key, key);
}

int json_map_point(json_map *map, size_t value, size_t key)
{
    reset(map);
    if (value > UINT32_MAX || key > UINT32_MAX || !reserve_entry(map))
        return -1;
    map->entries[map->count++] = (json_map_entry){
        .value = (uint32_t)value, .key = (uint32_t)key, .size = 1};
    return 0;
}

void json_map_free(json_map *map)
{
    free(map->entries);
    memset(map, 0, sizeof *map);
}

/* Walks brackets outside strings; stops early when depth passes MAX. */
static size_t walk_nesting(const char *text, size_t length, size_t max_depth,
                           size_t *depth_out, bool *in_string_out)
{
    size_t depth = 0;
    bool in_string = false;
    size_t too_deep = SIZE_MAX;
    for (size_t i = 0; i < length && too_deep == SIZE_MAX; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max_depth)
                too_deep = i;
        } else if ((c == '}' || c == ']') && depth > 0) {
            depth--;
        }
    }
    *depth_out = depth;
    *in_string_out = in_string;
    return too_deep;
}

size_t json_find_too_deep(const char *text, size_t length, size_t max_depth)
{
    size_t depth;
    bool in_string;
    return walk_nesting(text, length, max_depth, &depth, &in_string);
}

size_t json_open_at_end(const char *text, size_t length, bool *in_string)
{
    size_t depth;
    walk_nesting(text, length, SIZE_MAX, &depth, in_string);
    return depth;
}

size_t json_value_end(const char *text, size_t length, size_t at)
{
    if (at >= length)
        return length;
    char c = text[at];
    if (c != '"' && c != '{' && c != '[')
        return at + json_scalar_length(text, length, at);
    size_t depth = 0;
    bool in_string = false;
    for (size_t i = at; i < length; i++) {
        char d = text[i];
        if (in_string) {
            if (d == '\\')
                i++;
            else if (d == '"')
                in_string = false;
            if (!in_string && depth == 0)
                return i + 1; /* a string value ends with its quote */
        } else if (d == '"') {
            in_string = true;
        } else if (d == '{' || d == '[') {
            depth++;
        } else if ((d == '}' || d == ']') && depth > 0 && --depth == 0) {
            return i + 1;
        }
    }
    return length;
}
