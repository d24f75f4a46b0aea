/*
 * load.c - events.json to almanac_document (see load.h).
 *
 * cJSON parses (through json_stream.c for a well-formed file, one event at
 * a time); json_map.c tells where each value sits; this file walks both in
 * step, checks every key and value against the format, and copies what it
 * accepts into the document's arena.
 * It reports and carries on: one run shows every problem in the file.
 */
#include "almanac/load.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "load_internal.h"
#include "json_map.h"
#include "json_stream.h"
#include "parallel.h"
#include "text.h"

/* ---- positions and pointers ------------------------------------------ */

size_t value_offset(const loader *l, node n)
{
    return n.index < l->map.count ? l->map.entries[n.index].value : ALMANAC_NO_OFFSET;
}

size_t key_offset(const loader *l, node n)
{
    return n.index < l->map.count ? l->map.entries[n.index].key : ALMANAC_NO_OFFSET;
}

/* The first child of N; walk on with next_sibling(). */
node first_child(node n)
{
    return (node){n.json->child, n.index + 1};
}

node next_sibling(const loader *l, node n)
{
    size_t size = n.index < l->map.count ? l->map.entries[n.index].size : 1;
    return (node){n.json->next, n.index + size};
}

/* Appends "/SEGMENT" (escaped per RFC 6901) to the current pointer and
 * returns the old length, to give back to pointer_pop(). */
size_t pointer_push(loader *l, const char *segment)
{
    size_t old = l->pointer_length;
    size_t need = old + 2 + 2 * strlen(segment);
    if (need > l->pointer_capacity) {
        size_t capacity = need * 2;
        char *p = realloc(l->pointer, capacity);
        if (p == NULL) {
            l->out_of_memory = true;
            return old;
        }
        l->pointer = p;
        l->pointer_capacity = capacity;
    }
    char *out = l->pointer + old;
    *out++ = '/';
    for (const char *s = segment; *s; s++) {
        if (*s == '~' || *s == '/') {
            *out++ = '~';
            *out++ = *s == '~' ? '0' : '1';
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
    l->pointer_length = (size_t)(out - l->pointer);
    return old;
}

size_t pointer_push_index(loader *l, size_t index)
{
    char digits[24], *d = digits + sizeof digits; /* snprintf costs more than the event */
    *--d = '\0';
    do
        *--d = (char)('0' + index % 10);
    while ((index /= 10) != 0);
    return pointer_push(l, d);
}

void pointer_pop(loader *l, size_t old)
{
    if (l->pointer != NULL) {
        l->pointer_length = old;
        l->pointer[old] = '\0';
    }
}

const char *pointer(const loader *l)
{
    return l->pointer != NULL ? l->pointer : "";
}

/* ---- values ----------------------------------------------------------- */

static const char *type_name(const cJSON *json)
{
    if (cJSON_IsString(json)) return "a string";
    if (cJSON_IsNumber(json)) return "a number";
    if (cJSON_IsBool(json))   return "a boolean";
    if (cJSON_IsNull(json))   return "null";
    if (cJSON_IsArray(json))  return "an array";
    if (cJSON_IsObject(json)) return "an object";
    return "an invalid value";
}

bool expect_type(loader *l, node n, bool ok, const char *expected)
{
    if (!ok)
        report_at(l, value_offset(l, n), ALMANAC_E001, expected,
                  type_name(n.json));
    return ok;
}

static char *copy_string(loader *l, const char *text, size_t length)
{
    char *copy = arena_strndup(l->arena, text, length);
    if (copy == NULL)
        l->out_of_memory = true;
    return copy;
}


/* A text must show something: empty, blank or only invisible characters
 * (U+200B ZERO WIDTH SPACE ...) is refused at AT. True when it shows. */
static bool check_visible(loader *l, size_t at, const char *s, size_t length)
{
    if (utf8_first_visible(s, length) != SIZE_MAX)
        return true;
    size_t i = 0;
    while (i < length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i == length) {
        report_at(l, at, ALMANAC_E002);
        return false;
    }
    size_t bytes;
    report_at(l, at, ALMANAC_E003, (unsigned)utf8_decode(s + i, length - i, &bytes));
    return false;
}

/* Checks a string value: valid UTF-8, not empty, no control characters
 * (C0, DEL, C1) beyond what KIND allows, at most MAX_BYTES bytes. Returns
 * it (in the cJSON tree; *LENGTH its bytes), or NULL after reporting. */
const char *check_text(loader *l, node n, text_kind kind, size_t max_bytes,
                              size_t *length_out)
{
    if (!expect_type(l, n, cJSON_IsString(n.json), "a string"))
        return NULL;
    for (size_t i = 0; i < l->damaged_count; i++)
        if (l->damaged[i] == n.index)
            return NULL; /* reported already, and cut short by cJSON */
    const char *s = n.json->valuestring;
    size_t length = strlen(s);
    *length_out = length;
    size_t at = value_offset(l, n);
    /* No UTF-8 check here: the text is checked before it gets here (the
     * stream checks a value's bytes before handing it over, the whole-tree
     * path the whole text first), and cJSON turns \u escapes into valid
     * UTF-8 or refuses them (a lone surrogate fails the parse). A second
     * pass per string cost a fifth of a large check. */
    if (length > max_bytes) {
        report_at(l, at, ALMANAC_E004,
                  length, max_bytes);
        return NULL;
    }
    if (!check_visible(l, at, s, length))
        return NULL;
    for (size_t i = 0; i < length; i++) {
        /* skip words with no control character, no C1 lead byte and no
         * lead byte of a bidirectional control (E2) */
        while (length - i >= WORD_BYTES) {
            uint64_t w = word_at(s + i);
            uint64_t marks = word_below(w, 0x20) | word_equal(w, 0x7F) | word_equal(w, 0xC2) |
                             word_equal(w, 0xE2);
            if (marks != 0) {
                i += word_first(marks);
                break;
            }
            i += WORD_BYTES;
        }
        if (i == length)
            break;
        unsigned c = (unsigned char)s[i];
        if (c == 0xE2) {
            size_t bytes;
            uint32_t cp = utf8_decode(s + i, length - i, &bytes);
            if (unicode_is_bidi_control(cp)) {
                report_at(l, at, ALMANAC_E005, (unsigned)cp);
                return NULL;
            }
            continue;
        }
        /* C1 controls (U+0080-U+009F, UTF-8 C2 80-C2 9F): U+009B is CSI,
         * an escape sequence to terminals that honour 8-bit controls. */
        if (c == 0xC2 && i + 1 < length && (unsigned char)s[i + 1] <= 0x9F)
            c = (unsigned char)s[i + 1];
        else if (c >= 0x80)
            continue; /* other non-ASCII characters (the text is valid UTF-8) */
        bool control = c < 0x20 || c >= 0x7F;
        if (control && kind == TEXT_MULTILINE && (c == '\n' || c == '\t'))
            continue;
        if (control && kind == TEXT_URL) {
            report_at(l, at, ALMANAC_E006, c, c);
            return NULL;
        }
        if (control) {
            report_at(l, at, ALMANAC_E007, c,
                      kind == TEXT_LINE && (c == '\n' || c == '\r')
                          ? "; a title or name must be one line"
                          : "; remove it");
            return NULL;
        }
    }
    return s;
}

/* A string value that passes check_text(), copied into the model. */
char *read_text(loader *l, node n, text_kind kind, size_t max_bytes)
{
    size_t length;
    const char *s = check_text(l, n, kind, max_bytes, &length);
    return s != NULL ? copy_string(l, s, length) : NULL;
}

/* S (LENGTH bytes), a checked text only renderers show, as the model
 * holds it: a copy, or "" when the caller only checks the document. */
static char *keep_shown(loader *l, const char *s, size_t length)
{
    if (l->keep == ALMANAC_KEEP_ALL)
        return copy_string(l, s, length);
    if (l->not_kept == NULL)
        l->not_kept = copy_string(l, "", 0);
    return l->not_kept;
}

/* A text only renderers show (a title, a description, a place): checked
 * like any, and kept unless the caller only checks the document. */
char *read_shown_text(loader *l, node n, text_kind kind, size_t max_bytes)
{
    size_t length;
    const char *s = check_text(l, n, kind, max_bytes, &length);
    return s != NULL ? keep_shown(l, s, length) : NULL;
}

char *read_slug(loader *l, node n, const char *what)
{
    char *s = read_text(l, n, TEXT_LINE, ALMANAC_MAX_SLUG_BYTES);
    if (s != NULL && !is_slug(s)) {
        char slug[ALMANAC_MAX_SLUG_BYTES + 1];
        bool have_slug = slugify(s, slug, sizeof slug);
        report_at(l, value_offset(l, n), ALMANAC_E008, what, s, have_slug ? "such as" : "like",
                  have_slug ? slug : "sco-summit-2022");
        return NULL;
    }
    return s;
}

/* An absolute http(s) URL of printable ASCII. libical writes URL values
 * unescaped, so anything else could break the feed. */
char *read_url(loader *l, node n)
{
    size_t length;
    const char *s = check_text(l, n, TEXT_URL, ALMANAC_MAX_SHORT_BYTES, &length);
    if (s == NULL)
        return NULL;
    size_t at = value_offset(l, n);
    const char *rest = NULL;
    if (strncmp(s, "https://", 8) == 0)
        rest = s + 8;
    else if (strncmp(s, "http://", 7) == 0)
        rest = s + 7;
    if (rest == NULL || *rest == '\0' || *rest == '/') {
        report_at(l, at, ALMANAC_E009, s);
        return NULL;
    }
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}", c) != NULL) {
            char shown[8];
            snprintf(shown, sizeof shown, "'%c'", (char)c);
            report_at(l, at, ALMANAC_E010,
                      c == ' ' ? "a space" : c >= 0x7F ? "a non-ASCII character"
                      : c < 0x20 ? "a control character" : shown, (size_t)(p - s) + 1);
            return NULL;
        }
    }
    return keep_shown(l, s, length);
}

bool read_date(loader *l, node n, almanac_date *date)
{
    if (!expect_type(l, n, cJSON_IsString(n.json), "a date string such as \"2022-10-18\""))
        return false;
    const char *s = n.json->valuestring;
    almanac_date_error e = almanac_date_parse(s, strlen(s), date);
    if (e != ALMANAC_DATE_OK) {
        report_at(l, value_offset(l, n), ALMANAC_E011, s,
                  almanac_date_error_text(e));
        return false;
    }
    if (date->year > ALMANAC_YEAR_FEED_MAX) {
        report_at(l, value_offset(l, n), ALMANAC_E012, date->year, ALMANAC_YEAR_FEED_MAX);
        return false;
    }
    if (date->year < ALMANAC_YEAR_USUAL_MIN)
        report_at(l, value_offset(l, n), ALMANAC_W001, date->year);
    else if (date->year > ALMANAC_YEAR_USUAL_MAX)
        report_at(l, value_offset(l, n), ALMANAC_W002,
                  date->year);
    return true;
}

/* ---- objects ---------------------------------------------------------- */


/* Looks up member M's key in KEYS, reporting unknown and repeated keys.
 * Returns the key's index, or -1 when the member is to be skipped. */
int key_of_member(loader *l, node m, const char *const *keys, int count, key_set *set)
{
    const char *key = m.json->string;
    for (int n = 0; n < count; n++) {
        int i = (set->next + n) % count;
        if (strcmp(key, keys[i]) != 0)
            continue;
        set->next = (i + 1) % count;
        if (set->seen & (UINT32_C(1) << i)) {
            report_at(l, key_offset(l, m), ALMANAC_E013, key);
            return -1;
        }
        set->seen |= UINT32_C(1) << i;
        return i;
    }
    const char *suggestion = closest_word(key, keys, (size_t)count);
    if (suggestion != NULL) {
        for (int i = 0; i < count; i++)
            if (keys[i] == suggestion)
                set->suggested |= UINT32_C(1) << i;
        report_at(l, key_offset(l, m), ALMANAC_E014, key, suggestion);
    } else {
        report_at(l, key_offset(l, m), ALMANAC_E015, key,
                  keys[0], count > 1 ? ", " : "", count > 1 ? keys[1] : "",
                  count > 2 ? " ..." : "");
    }
    return -1;
}

/* Reports each key in REQUIRED (a bit set over KEYS) that SET lacks, unless
 * a misspelling of it was already reported. */
void require_keys(loader *l, node object, const char *const *keys,
                         int count, uint32_t required, key_set set, const char *what)
{
    uint32_t missing = required & ~set.seen & ~set.suggested;
    for (int i = 0; i < count; i++)
        if (missing & (UINT32_C(1) << i))
            report_at(l, value_offset(l, object), ALMANAC_E016,
                      what, keys[i]);
}



char *read_line_item(loader *l, node n, const char *what)
{
    (void)what;
    return read_shown_text(l, n, TEXT_LINE, ALMANAC_MAX_SHORT_BYTES);
}

static char *read_url_item(loader *l, node n, const char *what)
{
    (void)what;
    return read_url(l, n);
}

/* Reads an array of strings, each read by READ_ITEM. */
void read_string_list(loader *l, node n, almanac_strings *list,
                             item_reader read_item, const char *what)
{
    if (!expect_type(l, n, cJSON_IsArray(n.json), "an array of strings"))
        return;
    size_t count = (size_t)cJSON_GetArraySize(n.json);
    if (count > ALMANAC_MAX_LIST_ITEMS) {
        report_at(l, value_offset(l, n), ALMANAC_E017, count,
                  ALMANAC_MAX_LIST_ITEMS);
        return;
    }
    list->items = arena_array(l->arena, count, sizeof *list->items);
    list->at = arena_array(l->arena, count, sizeof *list->at);
    if (list->items == NULL || list->at == NULL) {
        l->out_of_memory = true;
        return;
    }
    size_t i = 0;
    for (node item = first_child(n); item.json != NULL; item = next_sibling(l, item), i++) {
        size_t old = pointer_push_index(l, i);
        char *s = read_item(l, item, what);
        if (s != NULL) {
            list->items[list->count] = s;
            list->at[list->count] = value_offset(l, item);
            list->count++;
        }
        pointer_pop(l, old);
    }
}

/* ---- the calendar ----------------------------------------------------- */

/* Parses an ISO 8601 duration of weeks, days, hours, minutes and seconds
 * ("P1D", "PT6H", "P1W"); months and years have no fixed length and are
 * refused. Returns seconds, or -1. */
long parse_duration(const char *s)
{
    if (*s++ != 'P')
        return -1;
    long total = 0;
    bool in_time = false, any = false;
    while (*s) {
        if (*s == 'T' && !in_time) {
            in_time = true;
            s++;
            continue;
        }
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (end == s || *s == '-' || *s == '+' || errno != 0 || v > 1000000)
            return -1;
        long unit;
        switch (*end) {
        case 'W': unit = in_time ? -1 : 604800; break;
        case 'D': unit = in_time ? -1 : 86400; break;
        case 'H': unit = in_time ? 3600 : -1; break;
        case 'M': unit = in_time ? 60 : -1; break;
        case 'S': unit = in_time ? 1 : -1; break;
        default: unit = -1;
        }
        if (unit < 0)
            return -1;
        total += v * unit;
        any = true;
        s = end + 1;
    }
    return any ? total : -1;
}

static almanac_partial_policy read_policy(loader *l, node n, bool *ok)
{
    almanac_partial_policy policy = ALMANAC_PARTIAL_SPAN;
    *ok = false;
    if (!expect_type(l, n, cJSON_IsString(n.json), "\"span\", \"first-day\" or \"omit\""))
        return policy;
    if (almanac_partial_policy_parse(n.json->valuestring, &policy)) {
        *ok = true;
        return policy;
    }
    report_at(l, value_offset(l, n), ALMANAC_E018,
              n.json->valuestring);
    return ALMANAC_PARTIAL_SPAN;
}

static void read_partial_dates(loader *l, node n, almanac_calendar *calendar)
{
    static const char *const keys[] = {"month", "year"};
    if (!expect_type(l, n, cJSON_IsObject(n.json), "an object like {\"month\": \"span\", \"year\": \"span\"}"))
        return;
    key_set seen = {0};
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        int k = key_of_member(l, m, keys, 2, &seen);
        bool ok;
        if (k >= 0) {
            almanac_partial_policy p = read_policy(l, m, &ok);
            if (ok && k == 0)
                calendar->month_policy = p;
            else if (ok)
                calendar->year_policy = p;
        }
        pointer_pop(l, old);
    }
}

/* Whether HOST (LENGTH bytes, any case) is NAME or ends in ".NAME". */
static bool host_is_under(const char *host, size_t length, const char *name)
{
    size_t n = strlen(name);
    if (length < n || strncasecmp(host + length - n, name, n) != 0)
        return false;
    return length == n || host[length - n - 1] == '.';
}

/* The calendar's URL is where subscribers fetch the feeds from; a name
 * reserved for examples or tests (RFC 2606, RFC 6761) reaches nobody,
 * which is what a copied sample's placeholder does. URL is the value read,
 * already checked to be http(s). */
static void warn_reserved_host(loader *l, node n, const char *url)
{
    static const char *const reserved[] = {"example.org", "example.com", "example.net",
                                           "example", "invalid", "test", "localhost"};
    const char *host = strstr(url, "://") + 3;
    const char *at = strchr(host, '@'), *end = host + strcspn(host, "/?#");
    if (at != NULL && at < end)
        host = at + 1;
    size_t length = strcspn(host, ":/?#");
    while (length > 0 && host[length - 1] == '.')
        length--; /* "example.org." is the same name */
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (host_is_under(host, length, reserved[i])) {
            report_at(l, value_offset(l, n), ALMANAC_W003, (int)length, host, reserved[i]);
            return;
        }
}

enum { CAL_ID, CAL_NAME, CAL_DESCRIPTION, CAL_TIMEZONE, CAL_URL, CAL_REFRESH,
       CAL_COLOR, CAL_PARTIAL, CAL_ALARMS, CAL_ALARMS_IN_FEEDS, CAL_KEYS };
static const char *const calendar_keys[CAL_KEYS] = {
    "id", "name", "description", "timezone", "url", "refresh", "color", "partial_dates",
    "alarms", "alarms_in_feeds"};

static void read_calendar_member(loader *l, node m, int k, almanac_calendar *c)
{
    switch (k) {
    case CAL_ID:          c->id = read_slug(l, m, "calendar id"); break;
    case CAL_NAME:        c->name = read_text(l, m, TEXT_LINE, ALMANAC_MAX_TITLE_BYTES); break;
    case CAL_DESCRIPTION: c->description = read_text(l, m, TEXT_MULTILINE, ALMANAC_MAX_TEXT_BYTES); break;
    case CAL_TIMEZONE:
        c->timezone = read_text(l, m, TEXT_LINE, 128);
        c->at_timezone = value_offset(l, m);
        break;
    case CAL_URL:
        c->url = read_url(l, m);
        if (c->url != NULL)
            warn_reserved_host(l, m, m.json->valuestring);
        break;
    case CAL_COLOR:       c->color = read_color(l, m); break;
    case CAL_ALARMS:      read_alarms(l, m, &c->alarms); break;
    case CAL_ALARMS_IN_FEEDS:
        if (expect_type(l, m, cJSON_IsBool(m.json), "true or false"))
            c->alarms_in_feeds = cJSON_IsTrue(m.json);
        break;
    case CAL_REFRESH: {
        char *text = read_text(l, m, TEXT_LINE, 40);
        long seconds = text != NULL ? parse_duration(text) : -1;
        if (text != NULL && seconds < 0)
            report_at(l, value_offset(l, m), ALMANAC_E019, text);
        else if (text != NULL && (seconds < 900 || seconds > 31 * 86400))
            report_at(l, value_offset(l, m), ALMANAC_W004, text);
        if (seconds >= 0) {
            c->refresh = text;
            c->refresh_seconds = seconds;
        }
        break;
    }
    case CAL_PARTIAL:     read_partial_dates(l, m, c); break;
    default: break;
    }
}

static void read_calendar(loader *l, node n, almanac_calendar *calendar)
{
    if (!expect_type(l, n, cJSON_IsObject(n.json), "an object"))
        return;
    key_set seen = {0};
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        int k = key_of_member(l, m, calendar_keys, CAL_KEYS, &seen);
        if (k >= 0)
            read_calendar_member(l, m, k, calendar);
        pointer_pop(l, old);
    }
    require_keys(l, n, calendar_keys, CAL_KEYS, BIT(CAL_ID) | BIT(CAL_NAME), seen,
                 "the calendar");
}

/* ---- feeds ------------------------------------------------------------ */

enum { FEED_ID, FEED_NAME, FEED_DESCRIPTION, FEED_TAGS, FEED_KEYS };
static const char *const feed_keys[FEED_KEYS] = {"id", "name", "description", "tags"};

static void read_feed(loader *l, node n, almanac_feed *feed)
{
    feed->at = value_offset(l, n);
    if (!expect_type(l, n, cJSON_IsObject(n.json), "a feed object"))
        return;
    key_set seen = {0};
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        switch (key_of_member(l, m, feed_keys, FEED_KEYS, &seen)) {
        case FEED_ID:
            feed->id = read_slug(l, m, "feed id");
            feed->at_id = value_offset(l, m);
            break;
        case FEED_NAME:
            feed->name = read_text(l, m, TEXT_LINE, ALMANAC_MAX_TITLE_BYTES);
            break;
        case FEED_DESCRIPTION:
            feed->description = read_text(l, m, TEXT_MULTILINE, ALMANAC_MAX_TEXT_BYTES);
            break;
        case FEED_TAGS:
            read_string_list(l, m, &feed->tags, read_slug, "tag");
            if (cJSON_IsArray(m.json) && cJSON_GetArraySize(m.json) == 0)
                report_at(l, value_offset(l, m), ALMANAC_E020);
            break;
        default:
            break;
        }
        pointer_pop(l, old);
    }
    require_keys(l, n, feed_keys, FEED_KEYS, BIT(FEED_ID) | BIT(FEED_NAME) | BIT(FEED_TAGS),
                 seen, "the feed");
}

/* ---- events ----------------------------------------------------------- */

enum { LOC_NAME, LOC_COUNTRY, LOC_GEO, LOC_KEYS };
static const char *const location_keys[LOC_KEYS] = {"name", "country", "geo"};

static void read_geo(loader *l, node n, almanac_location *location)
{
    const char *expected = "an array [latitude, longitude] of two numbers";
    if (!expect_type(l, n, cJSON_IsArray(n.json), expected))
        return;
    const cJSON *lat = cJSON_GetArrayItem(n.json, 0), *lon = cJSON_GetArrayItem(n.json, 1);
    if (cJSON_GetArraySize(n.json) != 2 || !cJSON_IsNumber(lat) || !cJSON_IsNumber(lon)) {
        report_at(l, value_offset(l, n), ALMANAC_E021, expected);
        return;
    }
    double la = lat->valuedouble, lo = lon->valuedouble;
    if (!(la >= -90.0 && la <= 90.0) || !(lo >= -180.0 && lo <= 180.0)) {
        report_at(l, value_offset(l, n), ALMANAC_E022, la, lo);
        return;
    }
    location->has_geo = true;
    location->latitude = la;
    location->longitude = lo;
}

bool read_location(loader *l, node n, almanac_location *location)
{
    if (!expect_type(l, n, cJSON_IsObject(n.json),
                     "an object like {\"name\": \"Samarkand\", \"country\": \"Uzbekistan\"}"))
        return false;
    key_set seen = {0};
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        switch (key_of_member(l, m, location_keys, LOC_KEYS, &seen)) {
        case LOC_NAME:    location->name = read_shown_text(l, m, TEXT_LINE, ALMANAC_MAX_SHORT_BYTES); break;
        case LOC_COUNTRY: location->country = read_shown_text(l, m, TEXT_LINE, ALMANAC_MAX_SHORT_BYTES); break;
        case LOC_GEO:     read_geo(l, m, location); break;
        default: break;
        }
        pointer_pop(l, old);
    }
    require_keys(l, n, location_keys, LOC_KEYS, BIT(LOC_NAME), seen, "the location");
    return location->name != NULL;
}

enum { SRC_TITLE, SRC_PUBLISHER, SRC_DATE, SRC_URL, SRC_KEYS };
static const char *const source_keys[SRC_KEYS] = {"title", "publisher", "date", "url"};

static void read_source(loader *l, node n, almanac_source *source)
{
    if (!expect_type(l, n, cJSON_IsObject(n.json), "a source object"))
        return;
    key_set seen = {0};
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        switch (key_of_member(l, m, source_keys, SRC_KEYS, &seen)) {
        case SRC_TITLE:     source->title = read_shown_text(l, m, TEXT_LINE, ALMANAC_MAX_TITLE_BYTES); break;
        case SRC_PUBLISHER: source->publisher = read_shown_text(l, m, TEXT_LINE, ALMANAC_MAX_SHORT_BYTES); break;
        case SRC_DATE:
            source->has_date = read_date(l, m, &source->date);
            if (source->has_date && almanac_date_is_timed(&source->date)) {
                report_at(l, value_offset(l, m), ALMANAC_E023);
                source->has_date = false;
            }
            break;
        case SRC_URL:       source->url = read_url(l, m); break;
        default: break;
        }
        pointer_pop(l, old);
    }
    require_keys(l, n, source_keys, SRC_KEYS, BIT(SRC_TITLE), seen, "the source");
}

static void read_sources(loader *l, node n, almanac_event *event)
{
    if (!expect_type(l, n, cJSON_IsArray(n.json), "an array of source objects"))
        return;
    size_t count = (size_t)cJSON_GetArraySize(n.json);
    if (count > ALMANAC_MAX_LIST_ITEMS) {
        report_at(l, value_offset(l, n), ALMANAC_E024, count,
                  ALMANAC_MAX_LIST_ITEMS);
        return;
    }
    event->sources = arena_array(l->arena, count, sizeof *event->sources);
    if (event->sources == NULL) {
        l->out_of_memory = true;
        return;
    }
    size_t i = 0;
    for (node item = first_child(n); item.json != NULL; item = next_sibling(l, item), i++) {
        size_t old = pointer_push_index(l, i);
        almanac_source *source = &event->sources[event->source_count];
        read_source(l, item, source);
        if (source->title != NULL)
            event->source_count++;
        pointer_pop(l, old);
    }
}

almanac_status read_status(loader *l, node n)
{
    static const char *const names[] = {"confirmed", "tentative", "cancelled"};
    if (!expect_type(l, n, cJSON_IsString(n.json), "\"confirmed\", \"tentative\" or \"cancelled\""))
        return ALMANAC_STATUS_CONFIRMED;
    for (int i = 0; i < 3; i++)
        if (strcmp(n.json->valuestring, names[i]) == 0)
            return (almanac_status)i;
    const char *suggestion = closest_word(n.json->valuestring, names, 3);
    if (strcmp(n.json->valuestring, "planned") == 0)
        suggestion = "tentative";
    report_at(l, value_offset(l, n), ALMANAC_E025, n.json->valuestring,
              suggestion ? " (did you mean '" : "", suggestion ? suggestion : "",
              suggestion ? "'?)" : "");
    return ALMANAC_STATUS_CONFIRMED;
}

enum { EV_ID, EV_TITLE, EV_START, EV_END, EV_TIMEZONE, EV_STATUS, EV_LOCATION,
       EV_TAGS, EV_PARTICIPANTS, EV_DESCRIPTION, EV_URL, EV_SOURCES, EV_RELATED,
       EV_REPEAT, EV_EXTRA_DATES, EV_EXCLUDED_DATES, EV_OVERRIDES, EV_ALARMS,
       EV_ORGANIZER, EV_ATTENDEES, EV_COLOR, EV_IMAGE, EV_ATTACHMENTS, EV_KEYS };
static const char *const event_keys[EV_KEYS] = {
    "id", "title", "start", "end", "timezone", "status", "location", "tags",
    "participants", "description", "url", "sources", "related",
    "repeat", "extra_dates", "excluded_dates", "overrides", "alarms",
    "organizer", "attendees", "color", "image", "attachments"};

/* Reads one member of an event; returns false when it made the event
 * unusable (so the event is left out of the document). */
static bool read_event_member(loader *l, node m, int k, almanac_event *e)
{
    switch (k) {
    case EV_ID:
        e->id = read_slug(l, m, "event id");
        e->at_id = value_offset(l, m);
        return e->id != NULL;
    case EV_TITLE:
        e->title = read_shown_text(l, m, TEXT_LINE, ALMANAC_MAX_TITLE_BYTES);
        return e->title != NULL;
    case EV_START:
        e->at_start = value_offset(l, m);
        return read_date(l, m, &e->start);
    case EV_END:
        e->at_end = value_offset(l, m);
        e->has_end = read_date(l, m, &e->end);
        return e->has_end;
    case EV_TIMEZONE:
        e->timezone = read_text(l, m, TEXT_LINE, 128);
        e->at_timezone = value_offset(l, m);
        return e->timezone != NULL;
    case EV_STATUS:       e->status = read_status(l, m); return true;
    case EV_LOCATION:     e->has_location = read_location(l, m, &e->location); return true;
    case EV_TAGS:         read_string_list(l, m, &e->tags, read_slug, "tag"); return true;
    case EV_PARTICIPANTS: read_string_list(l, m, &e->participants, read_line_item, "participant"); return true;
    case EV_DESCRIPTION:
        e->description = read_shown_text(l, m, TEXT_MULTILINE, ALMANAC_MAX_TEXT_BYTES);
        return true;
    case EV_URL:          e->url = read_url(l, m); return true;
    case EV_SOURCES:      read_sources(l, m, e); return true;
    case EV_RELATED:      read_string_list(l, m, &e->related, read_slug, "related event id"); return true;
    case EV_REPEAT:       read_repeat(l, m, e); return true;
    case EV_EXTRA_DATES:  read_event_dates(l, m, &e->extra_dates, "an extra date"); return true;
    case EV_EXCLUDED_DATES: read_event_dates(l, m, &e->excluded_dates, "an excluded date"); return true;
    case EV_OVERRIDES:    read_overrides(l, m, e); return true;
    case EV_ALARMS:       read_alarms(l, m, &e->alarms); return true;
    case EV_ORGANIZER:    read_organizer(l, m, e); return true;
    case EV_ATTENDEES:    read_attendees(l, m, e); return true;
    case EV_COLOR:        e->color = read_color(l, m); return true;
    case EV_IMAGE:        e->image = read_url(l, m); return true;
    case EV_ATTACHMENTS:  read_string_list(l, m, &e->attachments, read_url_item, "attachment"); return true;
    default:              return true;
    }
}

/* Returns true when the event is complete enough to keep. */
static bool read_event(loader *l, node n, almanac_event *event)
{
    event->at = value_offset(l, n);
    if (!expect_type(l, n, cJSON_IsObject(n.json), "an event object"))
        return false;
    key_set seen = {0};
    bool usable = true;
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        int k = key_of_member(l, m, event_keys, EV_KEYS, &seen);
        if (k >= 0 && !read_event_member(l, m, k, event))
            usable = false;
        pointer_pop(l, old);
    }
    uint32_t required = BIT(EV_ID) | BIT(EV_TITLE) | BIT(EV_START);
    require_keys(l, n, event_keys, EV_KEYS, required, seen, "the event");
    return usable && (seen.seen & required) == required;
}

/* ---- the document ----------------------------------------------------- */

static void read_feeds(loader *l, node n, almanac_document *doc)
{
    if (!expect_type(l, n, cJSON_IsArray(n.json), "an array of feeds"))
        return;
    size_t count = (size_t)cJSON_GetArraySize(n.json);
    if (count > ALMANAC_MAX_FEEDS) {
        report_at(l, value_offset(l, n), ALMANAC_E026, count,
                  ALMANAC_MAX_FEEDS);
        return;
    }
    doc->feeds = arena_array(l->arena, count, sizeof *doc->feeds);
    if (doc->feeds == NULL) {
        l->out_of_memory = true;
        return;
    }
    size_t i = 0;
    for (node item = first_child(n); item.json != NULL; item = next_sibling(l, item), i++) {
        size_t old = pointer_push_index(l, i);
        almanac_feed *feed = &doc->feeds[doc->feed_count];
        feed->index = i;
        read_feed(l, item, feed);
        if (feed->id != NULL && feed->name != NULL && feed->tags.count > 0)
            doc->feed_count++;
        else
            memset(feed, 0, sizeof *feed);
        pointer_pop(l, old);
    }
}

static void read_events(loader *l, node n, almanac_document *doc)
{
    if (!expect_type(l, n, cJSON_IsArray(n.json), "an array of events"))
        return;
    size_t count = (size_t)cJSON_GetArraySize(n.json);
    if (count > ALMANAC_MAX_EVENTS) {
        report_at(l, value_offset(l, n), ALMANAC_E027,
                  count, ALMANAC_MAX_EVENTS);
        return;
    }
    doc->events = arena_array(l->arena, count, sizeof *doc->events);
    if (doc->events == NULL) {
        l->out_of_memory = true;
        return;
    }
    size_t i = 0;
    for (node item = first_child(n), next; item.json != NULL; item = next, i++) {
        size_t old = pointer_push_index(l, i);
        /* Events whose id could be read stay in the document even when
         * something else is wrong, so that checks of ids and references
         * do not report them as missing. */
        almanac_event *event = &doc->events[doc->event_count];
        event->index = i;
        event->complete = read_event(l, item, event);
        if (event->id != NULL)
            doc->event_count++;
        else
            memset(event, 0, sizeof *event);
        pointer_pop(l, old);
        /* The event is copied into the model: free its part of the tree
         * now, so that the tree and the model are never both whole in
         * memory (the loader owns the tree; nothing else refers to it). */
        next = next_sibling(l, item);
        cJSON_Delete(cJSON_DetachItemViaPointer((cJSON *)n.json, (cJSON *)item.json));
    }
}

enum { DOC_SCHEMA, DOC_CALENDAR, DOC_FEEDS, DOC_EVENTS, DOC_KEYS };
static const char *const document_keys[DOC_KEYS] = {"$schema", "calendar", "feeds", "events"};

static void read_document_member(loader *l, node m, int k, almanac_document *doc)
{
    switch (k) {
    case DOC_SCHEMA:   expect_type(l, m, cJSON_IsString(m.json), "a string"); break;
    case DOC_CALENDAR: read_calendar(l, m, &doc->calendar); break;
    case DOC_FEEDS:    read_feeds(l, m, doc); break;
    case DOC_EVENTS:   read_events(l, m, doc); break;
    default: break;
    }
}

static void read_document(loader *l, node root, almanac_document *doc)
{
    if (!cJSON_IsObject(root.json)) {
        report_at(l, value_offset(l, root), ALMANAC_E028, type_name(root.json));
        return;
    }
    key_set seen = {0};
    for (node m = first_child(root); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        read_document_member(l, m, key_of_member(l, m, document_keys, DOC_KEYS, &seen), doc);
        pointer_pop(l, old);
    }
    require_keys(l, root, document_keys, DOC_KEYS, BIT(DOC_CALENDAR) | BIT(DOC_EVENTS), seen,
                 "the document");
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset of the last non-space character before AT, or SIZE_MAX. */
static size_t previous_significant(const loader *l, size_t at)
{
    while (at > 0 && is_space(l->text[at - 1]))
        at--;
    return at > 0 ? at - 1 : SIZE_MAX;
}

/* The first non-space character at or after AT, or '\0' at the end of the
 * text. The text is LENGTH bytes with nothing promised after them (a
 * library caller need not NUL-terminate it), so every look ahead is
 * bounded by LENGTH, never by a terminator. */
static char next_significant_char(const loader *l, size_t at)
{
    while (at < l->length && is_space(l->text[at]))
        at++;
    return at < l->length ? l->text[at] : '\0';
}

static bool inside_string(const loader *l, size_t at)
{
    bool in_string;
    json_open_at_end(l->text, at, &in_string);
    return in_string;
}

/* Offset of the quote that opens the string closed by the quote at CLOSE,
 * or SIZE_MAX. A quote after an odd number of backslashes is escaped. */
static size_t string_opening(const loader *l, size_t close)
{
    for (size_t q = close; q-- > 0;) {
        if (l->text[q] != '"')
            continue;
        size_t backslashes = 0;
        while (backslashes < q && l->text[q - 1 - backslashes] == '\\')
            backslashes++;
        if (backslashes % 2 == 0)
            return q;
    }
    return SIZE_MAX;
}

/* A backslash that cJSON refused: an unknown escape or a broken \\u. */
static void report_bad_escape(loader *l, size_t at)
{
    char next = at + 1 < l->length ? l->text[at + 1] : '\0';
    if (next == 'u')
        report_at(l, at, ALMANAC_E029);
    else
        report_at(l, at, ALMANAC_E030,
                  next > 0x20 && next < 0x7F ? next : '?');
}

static bool is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || (unsigned char)c >= 0x80;
}

/* A bare word where JSON wants a string or a literal ("{ name: 1 }",
 * "tru", "None"): names the word and the fix. Returns false when the text
 * at AT is no such word. */
static bool report_bare_word(loader *l, size_t at)
{
    if (l->text[at] == ':' && previous_significant(l, at) != SIZE_MAX &&
        l->text[previous_significant(l, at)] != '"')
        at = previous_significant(l, at); /* cJSON read the key's word, then stopped */
    char c = l->text[at];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'))
        return false;
    size_t start = at, end = at;
    while (start > 0 && is_word_char(l->text[start - 1]))
        start--;
    while (end < l->length && is_word_char(l->text[end]))
        end++;
    if (start > 0 && l->text[start - 1] == '"')
        return false; /* part of a string: another case */
    int length = end - start > 40 ? 40 : (int)(end - start);
    char word[48];
    snprintf(word, sizeof word, "%.*s", length, l->text + start);
    static const char *const literals[] = {"true", "false", "null"};
    const char *literal = closest_word(word, literals, 3);
    if (strcmp(word, "None") == 0 || strcmp(word, "nil") == 0 || strcmp(word, "undefined") == 0)
        literal = "null"; /* what other languages call it */
    size_t before = previous_significant(l, start);
    char previous = before != SIZE_MAX ? l->text[before] : '\0';
    if (literal != NULL && previous != '{')
        report_at(l, start, ALMANAC_E031, word, literal);
    else if (previous == '{' || (previous == ',' && next_significant_char(l, end) == ':'))
        report_at(l, start, ALMANAC_E032, word);
    else
        report_at(l, start, ALMANAC_E033,
                  word, word);
    return true;
}

/* Whether CP is a decimal digit of a script other than Latin (Unicode's
 * Nd blocks of the scripts most often typed: Arabic-Indic, Persian,
 * Devanagari and its neighbours, Thai, fullwidth ...). */
static bool is_other_digit(uint32_t cp)
{
    static const uint32_t zeros[] = {
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
        0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810,
        0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0,
        0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};
    for (size_t i = 0; i < sizeof zeros / sizeof zeros[0]; i++)
        if (cp >= zeros[i] && cp <= zeros[i] + 9)
            return true;
    return false;
}

/* A character where JSON has no use for it: shown as itself when it is
 * printable, and by its code point always, so that a look-alike (a
 * non-breaking space, a curly quote, a Persian digit) can be told apart. */
static void report_unexpected(loader *l, size_t at)
{
    unsigned char c = (unsigned char)l->text[at];
    if (c > 0x20 && c < 0x7F) {
        report_at(l, at, ALMANAC_E034, c);
        return;
    }
    size_t bytes;
    uint32_t cp = utf8_decode(l->text + at, l->length - at, &bytes);
    char shown[16] = "";
    if (cp >= 0xA0 && !unicode_is_invisible(cp) && !unicode_is_bidi_control(cp))
        snprintf(shown, sizeof shown, "'%.*s' ", (int)bytes, l->text + at);
    if (is_other_digit(cp))
        report_at(l, at, ALMANAC_E035, shown, (unsigned)cp);
    else if (cp == 0x201C || cp == 0x201D || cp == 0x00AB || cp == 0x00BB)
        report_at(l, at, ALMANAC_E036, shown, (unsigned)cp);
    else
        report_at(l, at, ALMANAC_E037, shown, (unsigned)cp);
}

/* Explains where and why cJSON stopped. cJSON reports the failure at or
 * just after the offending character, so both are looked at. */
static void report_syntax_error(loader *l, size_t at)
{
    size_t end = l->length;
    while (end > 0 && is_space(l->text[end - 1]))
        end--;
    if (at >= l->length)
        at = l->length - 1; /* the caller made sure the text is not empty */
    size_t bracket = at;
    if (l->text[at] != '}' && l->text[at] != ']')
        bracket = previous_significant(l, at);
    if (bracket != SIZE_MAX && (l->text[bracket] == '}' || l->text[bracket] == ']')) {
        size_t comma = previous_significant(l, bracket);
        if (comma != SIZE_MAX && l->text[comma] == ',') {
            report_at(l, comma, ALMANAC_E038, l->text[bracket]);
            return;
        }
    }
    bool in_string;
    size_t open = json_open_at_end(l->text, l->length, &in_string);
    if (at + 1 >= end || at + 1 >= l->length) {
        if (in_string)
            report_at(l, end, ALMANAC_E039);
        else if (open > 0)
            report_at(l, end, ALMANAC_E040, open, open == 1 ? "" : "s",
                      open == 1 ? " is" : "s are");
        else
            report_at(l, end, ALMANAC_E041);
        return;
    }
    if (is_space(l->text[at]) && previous_significant(l, at) != SIZE_MAX)
        at = previous_significant(l, at); /* the offending character, not the space after */
    char c = l->text[at];
    size_t before = previous_significant(l, at);
    char previous = before != SIZE_MAX ? l->text[before] : '\0';
    bool after_value = previous == '"' || previous == '}' || previous == ']' ||
                       (previous >= '0' && previous <= '9') || previous == 'e' ||
                       previous == 'l';
    /* cJSON lets a string run over a line end, so a missing quote shows up
     * one line later: point at the line where the string should have ended. */
    size_t open_quote = previous == '"' ? string_opening(l, before) : SIZE_MAX;
    const char *newline = open_quote != SIZE_MAX
                              ? memchr(l->text + open_quote, '\n', before - open_quote)
                              : NULL;
    if (c == '\\' && inside_string(l, at))
        report_bad_escape(l, at);
    else if (previous == '"' && before + 1 == at && memchr(l->text + at, '"', end - at) == NULL)
        report_at(l, before, ALMANAC_E042);
    else if (newline != NULL)
        report_at(l, (size_t)(newline - l->text), ALMANAC_E043);
    else if (previous == '"' && open_quote != SIZE_MAX &&
             ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
        report_at(l, open_quote, ALMANAC_E044);
    else if (after_value && previous == '"' && before > 0 && l->text[before - 1] == ',' &&
             (c == '"' || c == '{' || c == '['))
        report_at(l, before - 1, ALMANAC_E045);
    else if ((c == '"' || c == '{' || c == '[' || (c >= '0' && c <= '9')) && after_value)
        report_at(l, before + 1, ALMANAC_E046);
    else if (c == '{' && previous == ',')
        report_at(l, at, ALMANAC_E047);
    else if (c == '\'' || previous == '\'')
        report_at(l, c == '\'' ? at : before, ALMANAC_E048);
    else if (c == '/')
        report_at(l, at, ALMANAC_E049);
    else if (!report_bare_word(l, at))
        report_unexpected(l, at);
}

static cJSON *parse_json(loader *l, size_t start)
{
    size_t deep = json_find_too_deep(l->text + start, l->length - start, ALMANAC_MAX_DEPTH);
    if (deep != SIZE_MAX) {
        report_at(l, start + deep, ALMANAC_E050, ALMANAC_MAX_DEPTH);
        return NULL;
    }
    const char *end = NULL;
    /* The text handed to us is NUL-terminated one byte past LENGTH only if
     * the caller made it so; require_null_terminated needs length + 1. */
    cJSON *root = cJSON_ParseWithLengthOpts(l->text + start, l->length - start, &end, 0);
    if (root == NULL) {
        report_syntax_error(l, end != NULL ? (size_t)(end - l->text) : start);
        return NULL;
    }
    size_t after = (size_t)(end - l->text);
    while (after < l->length && is_space(l->text[after]))
        after++;
    if (after < l->length && cJSON_IsString(root) && l->text[after] == ':') {
        /* the document is a lone string followed by ':', as in "calendar": */
        const char *quote = memchr(l->text + start, '"', l->length - start);
        report_at(l, quote != NULL ? (size_t)(quote - l->text) : start, ALMANAC_E051);
        cJSON_Delete(root);
        return NULL;
    }
    if (after < l->length) {
        report_at(l, after, ALMANAC_E052);
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

/* Pushes onto the pointer the path from the map's first entry (the value
 * the pointer names now) down to the innermost value whose text, key
 * included, holds OFFSET, and sets *ENTRY to that value's entry; returns
 * the old length for pointer_pop(). */
static size_t pointer_push_path_to(loader *l, size_t offset, size_t *entry)
{
    size_t old = l->pointer_length;
    const json_map *m = &l->map;
    size_t j = 0;
    while (j < m->count) {
        char open = l->text[m->entries[j].value];
        if (open != '{' && open != '[')
            break;
        size_t end = j + m->entries[j].size, found = SIZE_MAX, index = 0;
        for (size_t child = j + 1; child < end; index++) {
            size_t next = child + m->entries[child].size;
            size_t stop = next < end ? m->entries[next].key : SIZE_MAX;
            if (offset >= m->entries[child].key && offset < stop) {
                found = child; /* unless OFFSET is after its value, in between */
                break;
            }
            child = next;
        }
        if (found != SIZE_MAX &&
            offset >= json_value_end(l->text, l->length, m->entries[found].value))
            found = SIZE_MAX;
        if (found == SIZE_MAX)
            break;
        if (open == '[') {
            pointer_push_index(l, index);
        } else { /* the key as written, without its quotes */
            size_t key = m->entries[found].key, close = key + 1;
            while (close < l->length && close - key <= 100 && l->text[close] != '"')
                close += l->text[close] == '\\' ? 2 : 1;
            char segment[104];
            size_t n = close < l->length ? close - key - 1 : 0;
            snprintf(segment, sizeof segment, "%.*s", (int)(n > 100 ? 100 : n), l->text + key + 1);
            pointer_push(l, segment);
        }
        j = found;
    }
    *entry = j;
    return old;
}

static void report_bad_number(loader *l, const json_problem *p)
{
    size_t n = json_scalar_length(l->text, l->length, p->offset);
    int shown = n > 40 ? 40 : (int)n;
    const char *number = l->text + p->offset;
    switch ((json_number_problem)p->detail) {
    case JSON_NUMBER_LEADING_ZERO:
        report_at(l, p->offset, ALMANAC_E053, shown, number);
        break;
    case JSON_NUMBER_BARE_POINT:
        report_at(l, p->offset, ALMANAC_E054, shown, number);
        break;
    case JSON_NUMBER_BARE_EXPONENT:
        report_at(l, p->offset, ALMANAC_E055, shown, number);
        break;
    case JSON_NUMBER_NO_DIGITS:
    case JSON_NUMBER_TRAILING_TEXT:
        report_at(l, p->offset, ALMANAC_E056, shown, number);
        break;
    }
}

/* What json_map noted that cJSON let through: each at its place, under the
 * pointer of the value (or key) that holds it. */
static void report_lexical_problems(loader *l)
{
    l->damaged_count = 0;
    for (size_t i = 0; i < l->map.problem_count; i++) {
        const json_problem *p = &l->map.problems[i];
        size_t entry;
        size_t old = pointer_push_path_to(l, p->offset, &entry);
        l->damaged[l->damaged_count++] = entry;
        if (p->kind == JSON_PROBLEM_NUL_ESCAPE)
            report_at(l, p->offset, ALMANAC_E057);
        else if (p->kind == JSON_PROBLEM_BAD_ESCAPE)
            report_bad_escape(l, p->offset);
        else if (p->kind == JSON_PROBLEM_BAD_NUMBER)
            report_bad_number(l, p);
        else if (p->kind == JSON_PROBLEM_CONTROL_OUTSIDE)
            report_at(l, p->offset, ALMANAC_E058, p->byte);
        else
            report_at(l, p->offset, ALMANAC_E059, p->byte);
        pointer_pop(l, old);
    }
}

/* ---- streaming: one event at a time ---------------------------------- */

/* A whole cJSON tree of 100,000 events is three times the size of the file
 * and takes longer to build and free than everything else the loader does.
 * So a well-formed file is read from a json_stream: the root object's
 * members one by one and the events array one event at a time, each event
 * mapped and copied into the model before the next is asked for, while its
 * bytes are still in the cache. On two cores cJSON parses ahead on a
 * worker. This path only takes text the stream followed to its end (valid
 * UTF-8 without NUL, which the stream checks), with the position map and
 * cJSON agreeing on where every value ends; anything else (a syntax error,
 * a duplicate "events") sends the loader back to the whole-tree path, which
 * explains every error. */

/* Nesting above an event: the root object and the events array. */
enum { EVENT_DEPTH = 2 };

/* Maps the value of token T, nested DEPTH deep, into l->map (with its key,
 * when MEMBER): the node of the value is then index 0. False when the map
 * and cJSON disagree on its end, or it nests too deep for the format. */
static bool map_value(loader *l, const json_stream_token *t, bool member, size_t depth)
{
    int built = member ? json_map_build_member(&l->map, l->text, t->end, t->key_start)
                       : json_map_build(&l->map, l->text, t->end, t->start);
    return built == 0 && l->map.count > 0 && l->map.entries[0].value == t->start &&
           l->map.end == t->end && l->map.depth + depth <= ALMANAC_MAX_DEPTH;
}

/* The events array, in the arena, grown as events arrive. */
static almanac_event *next_event_slot(loader *l, almanac_document *doc, size_t *capacity)
{
    if (doc->event_count == *capacity) {
        size_t grown = *capacity ? *capacity * 2 : 64;
        almanac_event *events = arena_array_grow(l->arena, doc->events, doc->event_count,
                                                 grown, sizeof *events);
        if (events == NULL)
            return NULL;
        doc->events = events;
        *capacity = grown;
    }
    almanac_event *event = &doc->events[doc->event_count];
    memset(event, 0, sizeof *event);
    return event;
}

/* Reads the elements of the events array the stream has just begun, up to
 * its ARRAY_END. */
static bool stream_events(loader *l, json_stream *stream, almanac_document *doc)
{
    size_t capacity = 0, i = 0;
    for (json_stream_token *t = json_stream_next(stream); t->kind != JSON_STREAM_ARRAY_END;
         t = json_stream_next(stream), i++) {
        if (t->kind != JSON_STREAM_ELEMENT || i == ALMANAC_MAX_EVENTS ||
            !map_value(l, t, false, EVENT_DEPTH))
            return false; /* the whole-tree path says why */
        almanac_event *event = next_event_slot(l, doc, &capacity);
        if (event == NULL)
            return false;
        size_t old = pointer_push_index(l, i);
        report_lexical_problems(l);
        event->index = i;
        event->complete = read_event(l, (node){t->value, 0}, event);
        if (event->id != NULL)
            doc->event_count++;
        pointer_pop(l, old);
    }
    if (doc->events == NULL)
        doc->events = arena_array(l->arena, 0, sizeof *doc->events);
    return doc->events != NULL;
}

/* One member of the root object, the stream's token T: adds it to ROOT and
 * reads it into DOC. */
static bool stream_member(loader *l, json_stream *stream, json_stream_token *t, cJSON *root,
                          key_set *seen, almanac_document *doc)
{
    bool events = t->kind == JSON_STREAM_ARRAY_BEGIN;
    if (events ? json_map_point(&l->map, t->start, t->key_start) != 0
               : !map_value(l, t, true, 1))
        return false;
    cJSON *value = events ? cJSON_CreateArray() : t->value;
    t->value = NULL; /* ROOT owns it now */
    if (value == NULL)
        return false;
    if (!cJSON_AddItemToObject(root, t->key->valuestring, value)) {
        cJSON_Delete(value);
        return false;
    }
    node m = {value, 0};
    size_t old = pointer_push(l, value->string);
    report_lexical_problems(l);
    int k = key_of_member(l, m, document_keys, DOC_KEYS, seen);
    bool ok = true;
    if (events)
        ok = k == DOC_EVENTS && stream_events(l, stream, doc);
    else
        read_document_member(l, m, k, doc);
    pointer_pop(l, old);
    return ok;
}

/* Reads the document from STREAM, which starts at START; false when the
 * text is not for this path (DOC and the diagnostics are then to be thrown
 * away). */
static bool stream_document(loader *l, json_stream *stream, size_t start,
                            almanac_document *doc)
{
    size_t p = start;
    while (p < l->length && is_space(l->text[p]))
        p++;
    cJSON *root = cJSON_CreateObject();
    if (root == NULL)
        return false;
    key_set seen = {0};
    bool ok = true;
    while (ok) {
        json_stream_token *t = json_stream_next(stream);
        if (t->kind == JSON_STREAM_END)
            break;
        ok = (t->kind == JSON_STREAM_MEMBER || t->kind == JSON_STREAM_ARRAY_BEGIN) &&
             stream_member(l, stream, t, root, &seen, doc);
    }
    ok = ok && json_map_point(&l->map, p, p) == 0;
    if (ok)
        require_keys(l, (node){root, 0}, document_keys, DOC_KEYS,
                     BIT(DOC_CALENDAR) | BIT(DOC_EVENTS), seen, "the document");
    cJSON_Delete(root);
    return ok;
}

/* Moves the diagnostics of FROM to the end of TO, counts included. */
static void move_diagnostics(almanac_diagnostics *from, almanac_diagnostics *to)
{
    size_t errors = 0, warnings = 0;
    for (size_t i = 0; i < from->count; i++) {
        const almanac_diagnostic *d = &from->items[i];
        almanac_diagnostics_copy(to, d);
        *(d->severity == ALMANAC_ERROR ? &errors : &warnings) += 1;
    }
    to->error_count += from->error_count - errors;
    to->warning_count += from->warning_count - warnings;
    to->dropped += from->dropped;
    almanac_diagnostics_free(from);
}

static void document_defaults(almanac_document *doc)
{
    doc->calendar.refresh = "P1D";
    doc->calendar.refresh_seconds = 86400;
    doc->calendar.month_policy = ALMANAC_PARTIAL_SPAN;
    doc->calendar.year_policy = ALMANAC_PARTIAL_SPAN;
    doc->calendar.at_timezone = ALMANAC_NO_OFFSET;
    doc->calendar.alarms_in_feeds = true;
}

/* The streaming read of TEXT from START, STREAM's start; NULL when the
 * whole-tree path must read it instead (nothing is then recorded in DIAGS). */
static almanac_document *load_streaming(const char *text, size_t length, size_t start,
                                        almanac_keep keep, json_stream *stream,
                                        almanac_diagnostics *diags)
{
    almanac_diagnostics local;
    almanac_diagnostics_init(&local);
    loader l = {.text = text, .length = length, .diags = &local, .keep = keep};
    almanac_document *doc = calloc(1, sizeof *doc);
    bool ok = doc != NULL && (doc->arena = arena_new()) != NULL;
    if (ok) {
        l.arena = doc->arena;
        document_defaults(doc);
        ok = stream_document(&l, stream, start, doc) && !l.out_of_memory;
    }
    json_map_free(&l.map);
    free(l.pointer);
    if (!ok) {
        almanac_diagnostics_free(&local);
        almanac_document_free(doc);
        return NULL;
    }
    move_diagnostics(&local, diags);
    return doc;
}

/* Refuses text that is not UTF-8 JSON text at all; true when it did. */
static bool refuse_bytes(loader *l, size_t start)
{
    size_t bad = utf8_invalid_at(l->text, l->length);
    if (bad != SIZE_MAX) {
        report_at(l, bad, ALMANAC_E060);
        return true;
    }
    const char *nul = memchr(l->text, '\0', l->length);
    if (nul != NULL) {
        report_at(l, (size_t)(nul - l->text), ALMANAC_E061);
        return true;
    }
    size_t first = start;
    while (first < l->length && is_space(l->text[first]))
        first++;
    if (first == l->length) {
        report_at(l, 0, ALMANAC_E062);
        return true;
    }
    return false;
}

/* Reads the document the whole-tree way: every error explained. */
static almanac_document *load_whole(loader *l, size_t start)
{
    cJSON *root = parse_json(l, start);
    if (root == NULL)
        return NULL;
    almanac_document *doc = calloc(1, sizeof *doc);
    if (doc == NULL || json_map_build(&l->map, l->text, l->length, start) != 0 ||
        (doc->arena = arena_new()) == NULL) {
        report_at(l, ALMANAC_NO_OFFSET, ALMANAC_E063);
        cJSON_Delete(root);
        json_map_free(&l->map);
        almanac_document_free(doc);
        return NULL;
    }
    l->arena = doc->arena;
    document_defaults(doc);
    report_lexical_problems(l);
    read_document(l, (node){root, 0}, doc);
    if (l->out_of_memory)
        report_at(l, ALMANAC_NO_OFFSET, ALMANAC_E063);
    cJSON_Delete(root);
    json_map_free(&l->map);
    free(l->pointer);
    return doc;
}

void almanac_check_text(const char *text, size_t length, almanac_diagnostics *diags)
{
    almanac_document *doc = almanac_load(text, length, diags);
    if (doc != NULL)
        almanac_validate(doc, diags);
    almanac_document_free(doc);
}

almanac_document *almanac_load(const char *text, size_t length,
                               almanac_diagnostics *diags)
{
    return almanac_load_keeping(text, length, ALMANAC_KEEP_ALL, diags);
}

almanac_document *almanac_load_keeping(const char *text, size_t length, almanac_keep keep,
                                       almanac_diagnostics *diags)
{
    loader l = {.text = text, .length = length, .diags = diags, .keep = keep};
    if (length > ALMANAC_MAX_FILE_BYTES) {
        report_at(&l, ALMANAC_NO_OFFSET, ALMANAC_E064,
                  length, ALMANAC_MAX_FILE_BYTES);
        return NULL;
    }
    size_t start = 0;
    if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        report_at(&l, 0, ALMANAC_E065);
        start = 3;
    }
    if (length >= 2 && (memcmp(text, "\xFF\xFE", 2) == 0 || memcmp(text, "\xFE\xFF", 2) == 0)) {
        report_at(&l, 0, ALMANAC_E066);
        return NULL;
    }
    /* The stream is closed before the whole-tree path runs: cJSON allows
     * only one parse at a time. */
    json_stream *stream = json_stream_open(text, length, start, "events",
                                           parallel_workers() > 1);
    almanac_document *doc = NULL;
    if (stream != NULL)
        doc = load_streaming(text, length, start, keep, stream, diags);
    json_stream_close(stream);
    if (doc == NULL && !refuse_bytes(&l, start))
        doc = load_whole(&l, start);
    /* Only renderers ask which feeds hold an event and where its related
     * events are; a checked document still answers, by comparing names. */
    if (doc != NULL && keep == ALMANAC_KEEP_ALL)
        almanac_document_index(doc);
    return doc;
}
