/*
 * import.c - iCalendar to the events model (see import.h).
 *
 * libical parses every file; import_scan.c tells the line of each
 * component and property, since libical keeps none. Each VEVENT becomes
 * one event; what the events format cannot hold is counted per kind and
 * reported once per file with its lines, never dropped in silence.
 *
 * Feeds written by almanac carry X-ALMANAC-* properties (render_ics.c)
 * with what their text flattens: the importer takes SUMMARY, DESCRIPTION
 * and LOCATION apart again by rendering the same suffixes and removing
 * them, so that a build of the import gives the same bytes.
 */
#include "almanac/import.h"

#include <libical/ical.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "almanac/load.h"
#include "arena.h"
#include "hash.h"
#include "import_ical.h"
#include "import_places.h"
#include "import_scan.h"
#include "import_tz.h"
#include "import_zone.h"
#include "render_ics.h"
#include "series.h"
#include "text.h"
#include "tzdb.h"

/* ---- a hash of the keys of a growing array ------------------------------ */

/* Finds the items of an array that grows (losses, category labels) by a text
 * key: a file may hold 100,000 different ones, and a walk per item would
 * take their square. KEY_AT reads item I's key from OWNER, which owns the
 * array, so the array may move. */
typedef struct {
    size_t *slots;      /* item index + 1, or 0: at most half full */
    size_t mask;
    const char *(*key_at)(const void *owner, size_t i);
    const void *owner;
} key_index;

/* The slot of KEY: its own, or the empty one where it goes. */
static size_t *key_slot(const key_index *x, const char *key)
{
    size_t i = (size_t)hash_string(HASH_SEED, key) & x->mask;
    while (x->slots[i] != 0 && strcmp(x->key_at(x->owner, x->slots[i] - 1), key) != 0)
        i = (i + 1) & x->mask;
    return &x->slots[i];
}

/* The index of the item KEY, or SIZE_MAX. */
static size_t key_find(const key_index *x, const char *key)
{
    if (x->slots == NULL)
        return SIZE_MAX;
    size_t slot = *key_slot(x, key);
    return slot != 0 ? slot - 1 : SIZE_MAX;
}

/* Adds item COUNT (the array now holds COUNT + 1), its key new. False when
 * out of memory. */
static bool key_add(key_index *x, size_t count)
{
    size_t slots = x->slots != NULL ? x->mask + 1 : 0;
    if (2 * (count + 1) > slots) {
        size_t bigger = slots ? 2 * slots : 64;
        size_t *table = calloc(bigger, sizeof *table);
        if (table == NULL)
            return false;
        free(x->slots);
        x->slots = table;
        x->mask = bigger - 1;
        for (size_t i = 0; i < count; i++)
            *key_slot(x, x->key_at(x->owner, i)) = i + 1;
    }
    *key_slot(x, x->key_at(x->owner, count)) = count + 1;
    return true;
}

static void key_index_free(key_index *x)
{
    free(x->slots);
    x->slots = NULL;
}

typedef struct {
    almanac_event event;
    char *uid;                 /* NULL when the VEVENT has none */
    char *occurrence;          /* RECURRENCE-ID as text, or NULL */
    bool has_rid;              /* RECURRENCE-ID read as a date of the event's frame */
    almanac_date rid;
    char rid_zone[128];        /* the frame's zone ("" for dates and UTC) */
    size_t rid_offset;         /* where it is, for warnings */
    unsigned rid_line;
    const char *uid_calendar;  /* almanac feeds: the calendar id in UIDs */
    char **related;            /* UIDs of RELATED-TO */
    size_t *related_at;
    size_t related_count;
    almanac_diagnostics *diags;
} imported_event;

struct almanac_importer {
    almanac_arena *arena;
    imported_event *events;
    size_t event_count, event_capacity;
    almanac_calendar calendar;
    bool have_calendar;
    almanac_feed *feeds;       /* declared by an almanac feed (X-ALMANAC-FEED) */
    size_t feed_count;
    char **label_tags, **labels; /* a category's slug and its original text */
    almanac_diagnostics **label_diags; /* where the first such category was */
    size_t *label_at;
    size_t label_count, label_capacity;
    key_index label_index;       /* by tag */
    almanac_import_progress progress; /* NULL for none */
    void *progress_context;
};

/* ---- losses: what did not fit, counted per kind ------------------------ */

enum { LOSS_LINES = 8 };

typedef struct {
    char key[64];       /* code and detail, as "W335:X-FOO": one loss per key */
    almanac_diag_code code; /* ALMANAC_CODE_W320 ... W358 */
    char detail[64];    /* what the code's message names: "X-FOO", "Europe_Berlin" */
    char pointer[2 * ICS_NAME_MAX + 8]; /* "VEVENT/RRULE" */
    size_t count;
    size_t offset;      /* of the first one */
    unsigned lines[LOSS_LINES];
} loss;

typedef struct {
    almanac_importer *im;
    const char *name;
    const char *text;
    size_t length;
    almanac_diagnostics *diags;
    ics_scan scan;
    icalcomponent *calendar;     /* the VCALENDAR being read, or NULL */
    size_t calendar_index;       /* its index in the scan */
    const char *almanac_id;      /* X-ALMANAC-CALENDAR-ID, or NULL */
    const char *zone;            /* X-WR-TIMEZONE when an IANA zone */
    almanac_document settings;   /* the partial-date policy, for our texts */
    loss *losses;
    size_t loss_count, loss_capacity;
    key_index loss_index;        /* by key */
    ics_places places;           /* of the component read last */
    tz_budget tz_budget;         /* the work the file's VTIMEZONEs may take */
    const char **refused_zones;  /* TZIDs of the calendar's VTIMEZONEs that
                                    failed their check, sorted */
    size_t refused_count;
    /* TZIDs that name no IANA zone and the zone import_zone_find() took
     * each for ("" for none), so that each is looked up and said once */
    struct { char tzid[128]; char zone[128]; } mapped[16];
    size_t mapped_count;
    bool out_of_memory;
} ics_file;

/* ---- progress ----------------------------------------------------------- */

/* Events converted between two progress calls. */
enum { PROGRESS_EVENTS = 1024 };

static void say_progress(const ics_file *f, almanac_import_phase phase, size_t done, size_t total)
{
    if (f->im->progress != NULL)
        f->im->progress(f->im->progress_context, f->name, phase, done, total);
}

static void say_parsed(void *context, size_t done, size_t total)
{
    say_progress(context, ALMANAC_IMPORT_PARSING, done, total);
}

static const char *loss_key(const void *owner, size_t i)
{
    return ((const ics_file *)owner)->losses[i].key;
}

/* Counts one loss of kind CODE (one of the W320-W358 of the catalogue) about
 * DETAIL ("" when the code needs none); the losses of one code and detail
 * are reported together, with their lines. */
static void lose(ics_file *f, almanac_diag_code code, const char *detail, const char *pointer,
                 size_t offset, unsigned line)
{
    char cut[sizeof ((loss *)0)->key];
    snprintf(cut, sizeof cut, "%s:%s", almanac_diag_code_id(code), detail);
    f->loss_index.key_at = loss_key;
    f->loss_index.owner = f;
    size_t found = key_find(&f->loss_index, cut);
    if (found == SIZE_MAX) {
        if (f->loss_count == f->loss_capacity) {
            size_t capacity = f->loss_capacity ? f->loss_capacity * 2 : 16;
            loss *bigger = realloc(f->losses, capacity * sizeof *bigger);
            if (bigger == NULL) {
                f->out_of_memory = true;
                return;
            }
            f->losses = bigger;
            f->loss_capacity = capacity;
        }
        loss *l = &f->losses[f->loss_count];
        memset(l, 0, sizeof *l);
        memcpy(l->key, cut, sizeof l->key);
        l->code = code;
        snprintf(l->detail, sizeof l->detail, "%s", detail);
        snprintf(l->pointer, sizeof l->pointer, "%s", pointer);
        l->offset = offset;
        if (!key_add(&f->loss_index, f->loss_count)) {
            f->out_of_memory = true;
            return;
        }
        found = f->loss_count++;
    }
    loss *l = &f->losses[found];
    if (l->count < LOSS_LINES)
        l->lines[l->count] = line;
    l->count++;
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* " (line 4)", " (lines 4, 9 and 3 more)": where the losses of L are. */
static void loss_lines(const loss *l, char *out, size_t size)
{
    size_t n = l->count;
    size_t shown = n < LOSS_LINES ? n : LOSS_LINES;
    unsigned lines[LOSS_LINES];
    memcpy(lines, l->lines, sizeof lines);
    for (size_t i = 1; i < shown; i++) /* in order: a few, insertion sort */
        for (size_t k = i; k > 0 && lines[k - 1] > lines[k]; k--) {
            unsigned t = lines[k];
            lines[k] = lines[k - 1];
            lines[k - 1] = t;
        }
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < shown && used + 16 < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%u",
                                 i == 0 ? (n == 1 ? " (line " : " (lines ") : ", ", lines[i]);
    if (n > shown && used + 24 < size)
        used += (size_t)snprintf(out + used, size - used, " and %zu more", n - shown);
    if (used + 2 < size)
        snprintf(out + used, size - used, ")");
}

/* One warning for the losses of one kind and detail: the sentence of its
 * code, with the count and the lines. */
static void report_loss(ics_file *f, const loss *l)
{
    almanac_diagnostics *d = f->diags;
    size_t n = l->count, at = l->offset;
    const char *detail = l->detail, *pointer = l->pointer;
    char lines[160];
    loss_lines(l, lines, sizeof lines);
    switch (l->code) {
    case ALMANAC_CODE_W320: /* RRULE */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W320,
                                   n, plural(n, "event has", "events have"), lines);
        break;
    case ALMANAC_CODE_W321: /* date */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W321,
                                   n, detail, plural(n, "value is", "values are"),
                                   plural(n, "its event's", "their events'"), lines);
        break;
    case ALMANAC_CODE_W322: /* RECURRENCE-ID */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W322,
                                   n, plural(n, "event changes", "events change"), lines);
        break;
    case ALMANAC_CODE_W323: /* alarm-trigger */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W323,
                                   n, plural(n, "alarm (VALARM) has", "alarms (VALARM) have"),
                                   lines);
        break;
    case ALMANAC_CODE_W324: /* alarms-max */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W324,
                                   n, plural(n, "alarm", "alarms"), ALMANAC_MAX_ALARMS, lines);
        break;
    case ALMANAC_CODE_W325: /* alarm-action */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W325,
                                   n, plural(n, "alarm has", "alarms have"), detail, lines);
        break;
    case ALMANAC_CODE_W326: /* address */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W326,
                                   n, detail, plural(n, "is", "are"), lines);
        break;
    case ALMANAC_CODE_W327: /* list */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W327,
                                   n, detail, ALMANAC_MAX_LIST_ITEMS, lines);
        break;
    case ALMANAC_CODE_W328: /* color */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W328, n, plural(n, "is", "are"), lines);
        break;
    case ALMANAC_CODE_W329: /* attach */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W329,
                                   n, detail, plural(n, "is", "are"), lines);
        break;
    case ALMANAC_CODE_W330: /* zone-series */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W330,
                                   n, plural(n, "event uses", "events use"), detail,
                                   plural(n, "it repeats", "they repeat"),
                                   plural(n, "its occurrences", "their occurrences"), lines);
        break;
    case ALMANAC_CODE_W331: /* exdate-alone */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W331,
                                   n, plural(n, "date", "dates"), plural(n, "an event", "events"),
                                   plural(n, "does", "do"), lines);
        break;
    case ALMANAC_CODE_W332: /* start-extra */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W332,
                                   n, plural(n, "series starts", "series start"),
                                   plural(n, "its", "their"), lines);
        break;
    case ALMANAC_CODE_W333: /* component */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W333,
                                   n, plural(n, "component", "components"),
                                   strchr(detail, '/') != NULL ? strchr(detail, '/') + 1 : detail,
                                   plural(n, "was", "were"), lines);
        break;
    case ALMANAC_CODE_W334: /* property */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W334,
                                   n, detail, plural(n, "property was", "properties were"),
                                   lines);
        break;
    case ALMANAC_CODE_W335: /* floating */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W335,
                                   n, plural(n, "event has", "events have"), detail, lines);
        break;
    case ALMANAC_CODE_W336: /* tzid */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W336,
                                   n, plural(n, "event uses", "events use"), detail,
                                   plural(n, "its time was", "their times were"), lines);
        break;
    case ALMANAC_CODE_W337: /* status */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W337,
                                   n, plural(n, "event has", "events have"), detail, lines);
        break;
    case ALMANAC_CODE_W338: /* url */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W338,
                                   n, plural(n, "URL is", "URLs are"), lines);
        break;
    case ALMANAC_CODE_W339: /* reltype */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W339,
                                   n, plural(n, "has", "have"), detail, lines);
        break;
    case ALMANAC_CODE_W340: /* oneline */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W340,
                                   n, plural(n, "value has", "values have"), detail, lines);
        break;
    case ALMANAC_CODE_W341: /* utf8 */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W341,
                                   n, plural(n, "value", "values"), detail,
                                   plural(n, "has", "have"), plural(n, "its", "their"), lines);
        break;
    case ALMANAC_CODE_W342: /* bidi */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W342,
                                   n, plural(n, "value", "values"), detail,
                                   plural(n, "has", "have"), lines);
        break;
    case ALMANAC_CODE_W343: /* long */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W343,
                                   n, plural(n, "value of", "values of"), detail, lines);
        break;
    case ALMANAC_CODE_W344: /* untitled */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W344,
                                   n, plural(n, "event has", "events have"), lines);
        break;
    case ALMANAC_CODE_W345: /* geo */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W345,
                                   n, plural(n, "value is", "values are"), lines);
        break;
    case ALMANAC_CODE_W346: /* tag */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W346,
                                   n, plural(n, "category has", "categories have"), lines);
        break;
    case ALMANAC_CODE_W347: /* end */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W347,
                                   n, plural(n, "event ends", "events end"),
                                   plural(n, "its", "their"), lines);
        break;
    case ALMANAC_CODE_W348: /* outside-event */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W348,
                                   n, plural(n, "event is", "events are"), lines);
        break;
    case ALMANAC_CODE_W349: /* outside-line */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W349,
                                   n, plural(n, "line is", "lines are"), lines);
        break;
    case ALMANAC_CODE_W350: /* feed */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W350,
                                   n, plural(n, "declaration", "declarations"),
                                   plural(n, "was", "were"), lines);
        break;
    case ALMANAC_CODE_W351: /* values */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W351,
                                   n, detail, n == 1 ? " has" : "s have",
                                   plural(n, "was", "were"), lines);
        break;
    case ALMANAC_CODE_W352: /* full */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W352,
                                   n, plural(n, "value", "values"), detail,
                                   plural(n, "was", "were"), ALMANAC_MAX_LIST_ITEMS, lines);
        break;
    case ALMANAC_CODE_W353: /* repeated */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W353,
                                   n, plural(n, "event has", "events have"), detail, lines);
        break;
    case ALMANAC_CODE_W354: /* separated */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W354,
                                   n, plural(n, "date is", "dates are"),
                                   plural(n, "it spells", "they spell"), lines);
        break;
    case ALMANAC_CODE_W355: /* bad-end */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W355, n, plural(n, "is", "are"), lines);
        break;
    case ALMANAC_CODE_W356: /* days */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W356,
                                   n, plural(n, "event has", "events have"), lines);
        break;
    case ALMANAC_CODE_W357: /* mixed */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W357,
                                   n, plural(n, "event has", "events have"), lines);
        break;
    case ALMANAC_CODE_W358: /* calendar */
        almanac_diagnostics_report(d, at, pointer, ALMANAC_W358,
                                   l->pointer + sizeof "VCALENDAR", detail, lines);
        break;
    default: /* lose() is only ever given the codes above */
        break;
    }
}

static void report_losses(ics_file *f)
{
    for (size_t i = 0; i < f->loss_count; i++)
        report_loss(f, &f->losses[i]);
}

/* A VTIMEZONE's problem; the code says what became of the zone. */
static void report_zone_finding(ics_file *f, const tz_finding *finding)
{
    if (finding->verdict == TZ_HOSTILE)
        almanac_diagnostics_report(f->diags, finding->offset, finding->pointer, ALMANAC_E302,
                                   finding->message);
    else if (finding->verdict == TZ_REFUSED)
        almanac_diagnostics_report(f->diags, finding->offset, finding->pointer, ALMANAC_W316,
                                   finding->message);
    else
        almanac_diagnostics_report(f->diags, finding->offset, finding->pointer, ALMANAC_W317,
                                   finding->message);
}

/* ---- places in the text ------------------------------------------------ */

typedef ics_place place;

static place component_place(const ics_file *f, size_t component)
{
    return places_component(&f->scan, component);
}

/* The name of component C (COMPONENT in the scan): libical's, or the
 * text's for a kind libical does not know (VLOCATION, X-FOO). */
static const char *component_name(const ics_file *f, icalcomponent *c, size_t component)
{
    const char *known = ical_known_component_name(c);
    if (known != NULL)
        return known;
    if (component != SIZE_MAX && f->scan.components[component].name[0] != '\0')
        return f->scan.components[component].name;
    return "UNNAMED";
}

/* Pairs libical's children of scan component PARENT with the scan's
 * (import_ical.h); none when the scan has no PARENT. Free with
 * ical_children_free(). */
static void children_of(const ics_file *f, size_t parent, ical_children *children)
{
    ical_children_init(children, &f->scan,
                       parent != SIZE_MAX ? ics_scan_first_child(&f->scan, parent) : SIZE_MAX);
}

/* Indexes where C's properties are (import_places.h), once per component. */
static void index_places(ics_file *f, icalcomponent *c, size_t component)
{
    if (!places_index(&f->places, c, component))
        f->out_of_memory = true;
}

/* Where the ORDINAL-th property NAME (upper case) of C, COMPONENT in the
 * scan, is; the component's BEGIN when the scan did not see it. */
static place property_place(ics_file *f, icalcomponent *c, size_t component, const char *name,
                            size_t ordinal)
{
    index_places(f, c, component);
    return places_line(&f->places, name, ordinal);
}

static place place_of(ics_file *f, icalcomponent *c, size_t component, icalproperty *p)
{
    index_places(f, c, component);
    return places_property(&f->places, p, NULL);
}

/* How many properties named NAME come before P in C (libical's order, the
 * text's). */
static size_t named_before(ics_file *f, icalcomponent *c, size_t component, const char *name,
                           icalproperty *p)
{
    index_places(f, c, component);
    return places_named_before(&f->places, name, p);
}

static void lose_property(ics_file *f, almanac_diag_code code, const char *detail,
                          icalcomponent *c, size_t component, icalproperty *p)
{
    char pointer[48];
    place at = place_of(f, c, component, p);
    snprintf(pointer, sizeof pointer, "%s/%s", component_name(f, c, component),
             ical_property_name(p));
    lose(f, code, detail, pointer, at.offset, at.line);
}

/* ---- text --------------------------------------------------------------- */

/* Cuts TEXT to at most MAX bytes without splitting a UTF-8 character. */
static size_t utf8_cut(const char *text, size_t length, size_t max)
{
    if (length <= max)
        return length;
    while (max > 0 && ((unsigned char)text[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* Replaces bytes that are not UTF-8 by U+FFFD, in a new string. */
static char *utf8_repaired(const char *text, size_t length, size_t *bad)
{
    char *out = malloc(3 * length + 1);
    size_t n = 0, i = 0;
    *bad = 0;
    if (out == NULL)
        return NULL;
    while (i < length) {
        size_t invalid = utf8_invalid_at(text + i, length - i);
        size_t good = invalid == SIZE_MAX ? length - i : invalid;
        memcpy(out + n, text + i, good);
        n += good;
        i += good;
        if (i < length) {
            memcpy(out + n, "\xEF\xBF\xBD", 3);
            n += 3;
            i++;
            (*bad)++;
        }
    }
    out[n] = '\0';
    return out;
}

/* S as valid UTF-8: S itself, or a copy in ARENA with each byte that is
 * not part of a character replaced by U+FFFD. The text given to libical is
 * valid, but libical's unescaping can break it (a backslash before a
 * folded line break and a multibyte character). *REPAIRED tells. */
static const char *valid_utf8(almanac_arena *arena, const char *s, bool *repaired)
{
    size_t length = strlen(s), bad;
    if (utf8_invalid_at(s, length) == SIZE_MAX)
        return s;
    *repaired = true;
    char *fixed = utf8_repaired(s, length, &bad);
    char *copy = fixed != NULL ? arena_strndup(arena, fixed, strlen(fixed)) : NULL;
    free(fixed);
    return copy != NULL ? copy : "";
}

/* What cleaning a text changed. */
typedef struct {
    bool broken;   /* control characters replaced or removed */
    bool repaired; /* bytes that are not UTF-8 replaced by U+FFFD */
    bool cut;      /* cut to the length the format allows */
    bool bidi;     /* bidirectional controls removed */
} cleaning;

/* Bytes of the bidirectional control at P (an embedding, override or
 * isolate, which the loader refuses: "\u202Egnp.exe" shows as "exe.png"),
 * or 0. P is valid UTF-8. */
static size_t bidi_control_width(const char *p, size_t left)
{
    if ((unsigned char)p[0] != 0xE2 || left < 3)
        return 0;
    size_t bytes;
    return unicode_is_bidi_control(utf8_decode(p, left, &bytes)) ? bytes : 0;
}

/* Steps *I over a bidirectional control in S (LENGTH bytes), noting it in
 * WHAT: true when there was one, which the cleaned text leaves out. */
static bool skip_bidi(const char *s, size_t length, size_t *i, cleaning *what)
{
    size_t bidi = bidi_control_width(s + *i, length - *i);
    if (bidi == 0)
        return false;
    what->bidi = true;
    *i += bidi;
    return true;
}

/* One line of text: control characters (C0, DEL, C1: what the loader
 * refuses) become spaces, bytes that are not UTF-8 U+FFFD, ends trimmed,
 * cut to MAX bytes. NULL when nothing is left. */
static char *clean_line(almanac_arena *arena, const char *s, size_t max, cleaning *what)
{
    bool *broken = &what->broken, *cut = &what->cut;
    s = valid_utf8(arena, s, &what->repaired);
    size_t length = strlen(s), n = 0;
    char *copy = arena_strndup(arena, s, length);
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < length;) {
        if (skip_bidi(s, length, &i, what))
            continue;
        size_t control = utf8_control_width(s + i, length - i);
        if (control > 0)
            *broken = true;
        copy[n++] = control > 0 ? ' ' : s[i];
        i += control > 0 ? control : 1;
    }
    size_t first = 0;
    while (first < n && copy[first] == ' ')
        first++;
    while (n > first && copy[n - 1] == ' ')
        n--;
    size_t kept = utf8_cut(copy + first, n - first, max);
    *cut = *cut || kept < n - first;
    memmove(copy, copy + first, kept);
    copy[kept] = '\0';
    /* a text of only invisible characters (U+200B ...) is no text: the
     * loader refuses it */
    return kept > 0 && utf8_first_visible(copy, kept) != SIZE_MAX ? copy : NULL;
}

/* Free text: newlines and tabs stay, CR and the other controls (C0, DEL,
 * C1) go, bytes that are not UTF-8 become U+FFFD. NULL when only blanks
 * are left. */
static char *clean_text(almanac_arena *arena, const char *s, size_t max, cleaning *what)
{
    bool *cut = &what->cut;
    s = valid_utf8(arena, s, &what->repaired);
    size_t length = strlen(s), n = 0;
    char *copy = arena_strndup(arena, s, length);
    if (copy == NULL)
        return NULL;
    for (size_t i = 0; i < length;) {
        if (skip_bidi(s, length, &i, what))
            continue;
        size_t control = utf8_control_width(s + i, length - i);
        if (control > 0 && s[i] != '\n' && s[i] != '\t') {
            i += control;
            continue;
        }
        copy[n++] = s[i++];
    }
    size_t kept = utf8_cut(copy, n, max);
    *cut = *cut || kept < n;
    copy[kept] = '\0';
    return utf8_first_visible(copy, kept) != SIZE_MAX ? copy : NULL;
}

/* Reports against P what cleaning its value changed. */
static void report_cleaning(ics_file *f, icalcomponent *c, size_t component, icalproperty *p,
                            const cleaning *what)
{
    static const almanac_diag_code kinds[] = {ALMANAC_CODE_W340, ALMANAC_CODE_W341,
    ALMANAC_CODE_W343, ALMANAC_CODE_W342};
    const bool changed[] = {what->broken, what->repaired, what->cut, what->bidi};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (!changed[i])
            continue;
        char detail[64];
        snprintf(detail, sizeof detail, "%.50s", ical_property_name(p));
        lose_property(f, kinds[i], detail, c, component, p);
    }
}

/* The one-line text VALUE of property P, cleaned; a change is reported
 * against P. */
static char *line_value(ics_file *f, icalcomponent *c, size_t component, icalproperty *p,
                        const char *value, size_t max)
{
    cleaning what = {0};
    char *text = clean_line(f->im->arena, value, max, &what);
    report_cleaning(f, c, component, p, &what);
    return text;
}

/* The free text VALUE of property P, cleaned; a change is reported. */
static char *text_value(ics_file *f, icalcomponent *c, size_t component, icalproperty *p,
                        const char *value, size_t max)
{
    cleaning what = {0};
    char *text = clean_text(f->im->arena, value, max, &what);
    report_cleaning(f, c, component, p, &what);
    return text;
}

/* An http(s) URL the loader accepts (load.c read_url). */
static bool is_web_url(const char *s)
{
    const char *rest = strncmp(s, "https://", 8) == 0 ? s + 8
                     : strncmp(s, "http://", 7) == 0  ? s + 7 : NULL;
    if (rest == NULL || *rest == '\0' || *rest == '/' || strlen(s) > ALMANAC_MAX_SHORT_BYTES)
        return false;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7F || strchr("\"<>\\^`{|}", c) != NULL)
            return false;
    }
    return true;
}

/* ---- timezones and dates ---------------------------------------------- */

/* The earliest onset of the file's zone (its first observance's DTSTART);
 * null when it has none. */
static icaltimetype first_onset(icaltimezone *file_zone)
{
    icaltimetype first = icaltime_null_time();
    icalcomponent *vtz = icaltimezone_get_component(file_zone);
    for (icalcomponent *o = vtz != NULL ? icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT)
                                        : NULL;
         o != NULL; o = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
        icalproperty *p = icalcomponent_get_first_property(o, ICAL_DTSTART_PROPERTY);
        icaltimetype t = p != NULL ? icalproperty_get_dtstart(p) : icaltime_null_time();
        if (!icaltime_is_null_time(t) && (icaltime_is_null_time(first) ||
                                          icaltime_compare(t, first) < 0))
            first = t;
    }
    return first;
}

/* Whether the file's zone and IANA's agree at T. Before the file's zone
 * begins (many files carry only the last few years) it says nothing, and
 * two times of its first year are compared instead. */
static bool offsets_agree(icaltimezone *file_zone, const char *iana, icaltimetype t)
{
    icaltimezone *zone = icaltimezone_get_builtin_timezone(iana);
    if (zone == NULL)
        return false;
    if (file_zone == NULL)
        return true;
    int dst = 0;
    t.zone = NULL;
    icaltimetype first = first_onset(file_zone);
    if (icaltime_is_null_time(first) || icaltime_compare(t, first) >= 0)
        return icaltimezone_get_utc_offset(file_zone, &t, &dst) ==
               icaltimezone_get_utc_offset(zone, &t, &dst);
    first.zone = NULL;
    first.is_date = 0;
    for (int months = 0; months < 12; months += 6) {
        icaltimetype probe = first;
        icaltime_adjust(&probe, 1, 0, 0, 0);
        probe.month += months;
        probe = icaltime_normalize(probe);
        if (icaltimezone_get_utc_offset(file_zone, &probe, &dst) !=
            icaltimezone_get_utc_offset(zone, &probe, &dst))
            return false;
    }
    return true;
}

/* The IANA name a TZID stands for, checked against the file's VTIMEZONE at
 * time T when there is one: the TZID itself, a globally unique TZID's
 * trailing IANA part ("/mozilla.org/20070129_1/America/New_York"), the
 * VTIMEZONE's X-LIC-LOCATION, or "Europe_Berlin" as "Europe/Berlin".
 * Writes it into BUFFER and returns true, or false. */
static bool iana_zone(const char *tzid, icaltimezone *file_zone, icaltimetype t, char *buffer,
                      size_t size)
{
    for (const char *p = tzid; p != NULL; p = strchr(p + 1, '/')) {
        const char *name = *p == '/' ? p + 1 : p;
        if (tzdb_exists(name) && offsets_agree(file_zone, name, t)) {
            snprintf(buffer, size, "%s", name);
            return true;
        }
    }
    const char *location = file_zone != NULL ? icaltimezone_get_location(file_zone) : NULL;
    if (location != NULL && tzdb_exists(location) && offsets_agree(file_zone, location, t)) {
        snprintf(buffer, size, "%s", location);
        return true;
    }
    snprintf(buffer, size, "%s", tzid);
    char *underscore = strchr(buffer, '_');
    if (underscore != NULL) {
        *underscore = '/';
        if (tzdb_exists(buffer) && offsets_agree(file_zone, buffer, t))
            return true;
    }
    return false;
}

/* A date or date-time almanac can keep: a real calendar day, in the years
 * the loader takes (to 2999, libical's last). */
static bool valid_time(icaltimetype t)
{
    if (icaltime_is_null_time(t) || t.year < ALMANAC_YEAR_MIN || t.year > ALMANAC_YEAR_FEED_MAX ||
        t.month < 1 || t.month > 12 || t.day < 1 ||
        t.day > almanac_days_in_month(t.year, t.month))
        return false;
    return t.is_date || (t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 &&
                         t.second >= 0 && t.second < 60);
}

static almanac_date date_of(icaltimetype t, almanac_precision precision)
{
    almanac_date d = {.precision = precision, .year = t.year, .month = t.month, .day = t.day};
    if (precision >= ALMANAC_PRECISION_LOCAL_TIME) {
        d.hour = t.hour;
        d.minute = t.minute;
        d.second = t.second;
        d.has_seconds = t.second != 0;
    }
    return d;
}

/* How a timed value is read: as a local time in ZONE, or as UTC (a Z
 * time, or one converted with the file's VTIMEZONE). */
typedef struct {
    bool utc;
    char zone[128];       /* local times: the IANA zone */
    icaltimezone *source; /* the zone the value was written in, or NULL */
} time_frame;

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether TZID names a VTIMEZONE of the calendar that failed its check. */
static bool is_refused_zone(const ics_file *f, const char *tzid)
{
    return f->refused_count > 0 &&
           bsearch(&tzid, f->refused_zones, f->refused_count, sizeof *f->refused_zones,
                   by_text) != NULL;
}

/* The calendar's VTIMEZONE named TZID, or NULL; never one that failed its
 * check (libical would expand it without bound, or convert wrongly). */
static icaltimezone *file_zone(const ics_file *f, const char *tzid)
{
    if (f->calendar == NULL || tzid == NULL || is_refused_zone(f, tzid))
        return NULL;
    return icalcomponent_get_timezone(f->calendar, tzid);
}

/* Checks every VTIMEZONE of calendar CAL (INDEX in the scan) before
 * libical may use one (import_tz.h); those that fail are refused. */
static void check_timezones(ics_file *f, icalcomponent *cal, size_t index)
{
    f->refused_count = 0;
    ical_children children;
    children_of(f, index, &children);
    for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(cal, ICAL_ANY_COMPONENT)) {
        size_t zone = ical_children_next(&children, c);
        if (icalcomponent_isa(c) != ICAL_VTIMEZONE_COMPONENT)
            continue;
        tz_finding finding;
        tz_check(c, &f->scan, zone, f->text, f->length, &f->tz_budget, &finding);
        if (finding.noted)
            report_zone_finding(f, &finding);
        icalproperty *tzid = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
        const char *name = tzid != NULL ? icalproperty_get_tzid(tzid) : NULL;
        if (finding.verdict == TZ_USABLE || name == NULL)
            continue;
        const char **bigger = realloc(f->refused_zones,
                                      (f->refused_count + 1) * sizeof *bigger);
        if (bigger == NULL) {
            f->out_of_memory = true;
            break;
        }
        f->refused_zones = bigger;
        f->refused_zones[f->refused_count++] = name;
    }
    ical_children_free(&children);
    if (f->refused_count > 1)
        qsort(f->refused_zones, f->refused_count, sizeof *f->refused_zones, by_text);
}

/* Decides the frame of a timed start. Returns false (after a warning) when
 * the TZID is unknown. */
/* The IANA zone a TZID that names none stands for (a Windows zone ID, a
 * display name, the rules of the file's VTIMEZONE OWN), said once per file
 * at P; "" when none is found. */
static const char *mapped_zone(ics_file *f, const char *tzid, icaltimezone *own,
                               icalcomponent *c, size_t component, icalproperty *p)
{
    for (size_t i = 0; i < f->mapped_count; i++)
        if (strcmp(f->mapped[i].tzid, tzid) == 0)
            return f->mapped[i].zone;
    size_t k = f->mapped_count < 16 ? f->mapped_count++ : 15;
    snprintf(f->mapped[k].tzid, sizeof f->mapped[k].tzid, "%s", tzid);
    icalcomponent *vtz = own != NULL ? icaltimezone_get_component(own) : NULL;
    import_zone_how how = import_zone_find(tzid, vtz, f->mapped[k].zone,
                                           sizeof f->mapped[k].zone);
    /* A zone of one offset is exact in UTC for every date; matched by its
     * rules alone, the IANA zone would be one of many that share them. */
    if (how == IMPORT_ZONE_RULES &&
        icalcomponent_get_first_component(vtz, ICAL_XDAYLIGHT_COMPONENT) == NULL) {
        how = IMPORT_ZONE_NONE;
        f->mapped[k].zone[0] = '\0';
    }
    if (how != IMPORT_ZONE_NONE && c != NULL) {
        place at = place_of(f, c, component, p);
        almanac_diagnostics_report(f->diags, at.offset, "VEVENT/DTSTART", ALMANAC_W300, tzid,
                                   f->mapped[k].zone,
                                   import_zone_how_name(how));
    }
    return f->mapped[k].zone;
}

static bool start_frame(ics_file *f, icalcomponent *c, size_t component, icalproperty *p,
                        icaltimetype t, time_frame *frame)
{
    memset(frame, 0, sizeof *frame);
    const char *tzid = ical_tzid(p);
    if (icaltime_is_utc(t) && tzid == NULL) {
        frame->utc = true;
        return true;
    }
    if (tzid == NULL) {
        const char *zone = f->zone != NULL ? f->zone : "UTC";
        char detail[160];
        snprintf(detail, sizeof detail, "%s", zone);
        lose_property(f, ALMANAC_CODE_W335, detail, c, component, p);
        snprintf(frame->zone, sizeof frame->zone, "%s", zone);
        return true;
    }
    icaltimezone *own = file_zone(f, tzid);
    if (iana_zone(tzid, own, t, frame->zone, sizeof frame->zone)) {
        frame->source = icaltimezone_get_builtin_timezone(frame->zone);
        return true;
    }
    /* Outlook's "W. Europe Standard Time" and the like: the wall-clock time
     * as written, in the zone meant, so that a series keeps following its
     * daylight-saving changes */
    const char *mapped = is_refused_zone(f, tzid) ? "" : mapped_zone(f, tzid, own, c, component, p);
    if (mapped[0] != '\0') {
        snprintf(frame->zone, sizeof frame->zone, "%s", mapped);
        frame->source = icaltimezone_get_builtin_timezone(mapped);
        return true;
    }
    if (own != NULL) {
        char detail[160];
        snprintf(detail, sizeof detail, "%.58s", tzid);
        lose_property(f, ALMANAC_CODE_W336, detail, c, component, p);
        frame->utc = true;
        frame->source = own;
        return true;
    }
    place at = place_of(f, c, component, p);
    if (is_refused_zone(f, tzid))
        almanac_diagnostics_report(f->diags, at.offset, "VEVENT/DTSTART", ALMANAC_W301, tzid);
    else
        almanac_diagnostics_report(f->diags, at.offset, "VEVENT/DTSTART", ALMANAC_W302, tzid);
    return false;
}

/* The zone a value of property P was written in, or NULL (floating). */
static icaltimezone *value_zone(ics_file *f, icalproperty *p, icaltimetype t)
{
    const char *tzid = ical_tzid(p);
    if (tzid == NULL)
        return icaltime_is_utc(t) ? icaltimezone_get_utc_timezone() : NULL;
    icaltimezone *own = file_zone(f, tzid);
    char iana[128];
    if (iana_zone(tzid, own, t, iana, sizeof iana))
        return icaltimezone_get_builtin_timezone(iana);
    const char *mapped = is_refused_zone(f, tzid) ? "" : mapped_zone(f, tzid, own, NULL, 0, p);
    if (mapped[0] != '\0')
        return icaltimezone_get_builtin_timezone(mapped);
    return own;
}

/* T (written in SOURCE, NULL: the frame's own) in the frame. */
static icaltimetype in_frame(icaltimetype t, icaltimezone *source, const time_frame *frame)
{
    icaltimezone *target = frame->utc ? icaltimezone_get_utc_timezone()
                                      : icaltimezone_get_builtin_timezone(frame->zone);
    if (source == NULL)
        source = frame->source;
    if (source == NULL || target == NULL || source == target)
        return t;
    t.zone = source;
    t = icaltime_convert_to_zone(t, target);
    return t;
}

static int compare_dates(const almanac_date *a, const almanac_date *b)
{
    int x[6] = {a->year, a->month, a->day, a->hour, a->minute, a->second};
    int y[6] = {b->year, b->month, b->day, b->hour, b->minute, b->second};
    for (int i = 0; i < 6; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* The dates of X-ALMANAC-PRECISION/START/END, from almanac's own feeds. */
static bool read_partial_dates(icalcomponent *c, almanac_event *e)
{
    const char *precision = ical_x_value(c, "X-ALMANAC-PRECISION");
    const char *start = ical_x_value(c, "X-ALMANAC-START");
    const char *end = ical_x_value(c, "X-ALMANAC-END");
    if (precision == NULL || start == NULL)
        return false;
    almanac_date s, t;
    if (almanac_date_parse(start, strlen(start), &s) != ALMANAC_DATE_OK ||
        strcmp(almanac_precision_name(s.precision), precision) != 0 ||
        s.precision > ALMANAC_PRECISION_MONTH || s.year > ALMANAC_YEAR_FEED_MAX)
        return false;
    if (end != NULL && (almanac_date_parse(end, strlen(end), &t) != ALMANAC_DATE_OK ||
                        t.precision != s.precision || t.year > ALMANAC_YEAR_FEED_MAX ||
                        almanac_date_compare(&t, &s) < 0))
        return false;
    e->start = s;
    e->has_end = end != NULL;
    if (end != NULL)
        e->end = t;
    return true;
}

/* A bad or missing DTSTART: says so, with the value as written. */
static void report_no_start(ics_file *f, size_t component, const char *what)
{
    const ics_line *l = ics_scan_property(&f->scan, component, "DTSTART", 0);
    if (l == NULL) {
        place at = component_place(f, component);
        almanac_diagnostics_report(f->diags, at.offset, "VEVENT", ALMANAC_W303, what);
        return;
    }
    char value[64];
    ics_scan_value(f->text, f->length, l->offset, value, sizeof value);
    almanac_diagnostics_report(f->diags, l->offset, "VEVENT/DTSTART", ALMANAC_W304,
                               value, strlen(value) >= 4 && strncmp(value, "2999", 4) > 0 &&
                               value[0] >= '0' && value[0] <= '9'
                               ? " almanac can write (its years end at 2999, where libical's do)"
                               : "");
}

/* T + the nominal part of D (weeks and days: the same wall-clock time so
 * many days on) and its exact part (hours, minutes, seconds: elapsed time,
 * across a daylight-saving switch), as RFC 5545 3.3.6 reads a duration. T
 * is a wall-clock time in ZONE (NULL or UTC: no switch to cross). A null
 * time when the sum leaves any calendar. */
static icaltimetype add_duration(icaltimetype t, struct icaldurationtype d, icaltimezone *zone)
{
    long long days = 7LL * d.weeks + d.days;
    long long seconds = 3600LL * d.hours + 60LL * d.minutes + d.seconds;
    if (days > 4000000 || seconds > 4000000LL * 86400) /* beyond year 9999 from year 1 */
        return icaltime_null_time();
    icaltime_adjust(&t, (int)days, 0, 0, 0);
    if (seconds == 0)
        return t;
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    icaltimetype u = t;
    if (zone != NULL && zone != utc) {
        t.zone = zone;
        u = icaltime_convert_to_zone(t, utc);
    }
    icaltime_adjust(&u, (int)(seconds / 86400), 0, 0, (int)(seconds % 86400));
    if (zone == NULL || zone == utc)
        return u;
    icaltimetype back = icaltime_convert_to_zone(u, zone);
    back.zone = NULL;
    return back;
}

/* How many days D lasts for an all-day event: its weeks and days, and its
 * hours, minutes and seconds in whole days (RFC 5545 3.8.2.5 wants days or
 * weeks there; PT86400S is one day), rounded up. *WHOLE: no rounding. */
static long long duration_days(struct icaldurationtype d, bool *whole)
{
    long long seconds = 3600LL * d.hours + 60LL * d.minutes + d.seconds;
    *whole = seconds % 86400 == 0;
    return 7LL * d.weeks + d.days + (seconds + 86399) / 86400;
}

/* Whether a DURATION can give an end: not negative, and one libical read. */
static bool usable_duration(struct icaldurationtype d)
{
    return !d.is_neg && !icaldurationtype_is_bad_duration(d);
}

/* How a DATE or DATE-TIME value is written (RFC 5545 3.3.4, 3.3.5). */
typedef enum {
    WRITTEN_RFC,        /* 20230401, 20230401T100000, ...Z */
    WRITTEN_SEPARATED,  /* 2023-04-01, 2023-04-01T10:00:00: libical reads them */
    WRITTEN_WRONG,      /* anything else: libical may read a wrong date from it */
    WRITTEN_UNSEEN      /* the scan did not see the line */
} written_form;

static int digits_at(const char *s, size_t n)
{
    int value = 0;
    for (size_t i = 0; i < n; i++)
        value = value * 10 + (s[i] - '0');
    return value;
}

/* How the value of P, read by libical as T, is written: libical reads
 * "2023042T" as 2 April without a word. Only a value that spells what
 * libical read is taken. */
static written_form date_form(ics_file *f, icalcomponent *c, size_t component, icalproperty *p,
                              icaltimetype t)
{
    bool seen;
    index_places(f, c, component);
    place at = places_property(&f->places, p, &seen);
    if (!seen)
        return WRITTEN_UNSEEN;
    char value[64], s[64];
    ics_scan_value(f->text, f->length, at.offset, value, sizeof value);
    size_t n = 0;
    bool separated = false;
    for (const char *v = value; *v && n + 1 < sizeof s; v++) {
        if (*v == '-' || *v == ':')
            separated = true;
        else if (*v != ' ' && *v != '\t')
            s[n++] = *v >= 'a' && *v <= 'z' ? (char)(*v - 'a' + 'A') : *v;
    }
    s[n] = '\0';
    bool timed = n == 15 || (n == 16 && s[15] == 'Z');
    if ((n != 8 && !timed) || strspn(s, "0123456789") != 8 ||
        (timed && (s[8] != 'T' || strspn(s + 9, "0123456789") != 6)))
        return WRITTEN_WRONG;
    if (digits_at(s, 4) != t.year || digits_at(s + 4, 2) != t.month ||
        digits_at(s + 6, 2) != t.day || timed == (t.is_date != 0) ||
        (timed && (digits_at(s + 9, 2) != t.hour || digits_at(s + 11, 2) != t.minute ||
                   digits_at(s + 13, 2) != t.second)))
        return WRITTEN_WRONG;
    return separated ? WRITTEN_SEPARATED : WRITTEN_RFC;
}

static bool read_dates(ics_file *f, icalcomponent *c, size_t component, almanac_event *e,
                       const char *what, time_frame *frame_out)
{
    memset(frame_out, 0, sizeof *frame_out);
    if (read_partial_dates(c, e))
        return true;
    icalproperty *p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    icaltimetype start = p != NULL ? icalproperty_get_dtstart(p) : icaltime_null_time();
    written_form form = p != NULL ? date_form(f, c, component, p, start) : WRITTEN_WRONG;
    if (p == NULL || !valid_time(start) || form == WRITTEN_WRONG) {
        report_no_start(f, component, what);
        return false;
    }
    if (form == WRITTEN_SEPARATED)
        lose_property(f, ALMANAC_CODE_W354, "", c, component, p);
    icalproperty *dtend = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
    icalproperty *duration = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY);
    icaltimetype end = icaltime_null_time();
    icalproperty *end_property = dtend != NULL ? dtend : duration;
    struct icaldurationtype length = icaldurationtype_null_duration();
    if (dtend == NULL && duration != NULL)
        length = icalproperty_get_duration(duration);
    if (dtend != NULL) {
        end = icalproperty_get_dtend(dtend);
        written_form end_form = date_form(f, c, component, dtend, end);
        if (end_form == WRITTEN_WRONG) {
            lose_property(f, ALMANAC_CODE_W355, "", c, component, dtend);
            end_property = NULL;
        } else if (end_form == WRITTEN_SEPARATED) {
            lose_property(f, ALMANAC_CODE_W354, "", c, component, dtend);
        }
    } else if (duration != NULL && usable_duration(length) && start.is_date) {
        bool whole;
        long long days = duration_days(length, &whole);
        if (!whole)
            lose_property(f, ALMANAC_CODE_W356, "", c, component, duration);
        end = start;
        if (days <= 4000000)
            icaltime_adjust(&end, (int)days, 0, 0, 0);
        else
            end = icaltime_null_time();
    } else if (duration != NULL && usable_duration(length)) {
        end = start; /* its exact part is added in the start's zone, below */
    }
    if (end_property != NULL && !valid_time(end)) {
        lose_property(f, ALMANAC_CODE_W347, "", c, component, end_property);
        end_property = NULL;
    }
    if (end_property != NULL && end.is_date != start.is_date) {
        lose_property(f, ALMANAC_CODE_W357, "", c, component, end_property);
        end_property = NULL;
    }
    if (start.is_date) {
        e->start = date_of(start, ALMANAC_PRECISION_DAY);
        if (end_property == NULL)
            return true;
        /* DTEND is exclusive for DATE values (RFC 5545 3.6.1). */
        icaltime_adjust(&end, -1, 0, 0, 0);
        e->end = date_of(end, ALMANAC_PRECISION_DAY);
        int order = compare_dates(&e->end, &e->start);
        if (order < 0)
            lose_property(f, ALMANAC_CODE_W347, "", c, component, end_property);
        e->has_end = order > 0;
        return true;
    }
    time_frame frame;
    if (!start_frame(f, c, component, p, start, &frame))
        return false;
    *frame_out = frame;
    almanac_precision precision = frame.utc ? ALMANAC_PRECISION_UTC_TIME
                                            : ALMANAC_PRECISION_LOCAL_TIME;
    e->start = date_of(in_frame(start, frame.source, &frame), precision);
    if (!frame.utc)
        e->timezone = arena_strndup(f->im->arena, frame.zone, strlen(frame.zone));
    if (end_property == NULL)
        return true;
    if (dtend == NULL) {
        /* the zone the start is in; floating times are read in the frame's */
        icaltimezone *zone = frame.source;
        if (zone == NULL && !frame.utc)
            zone = icaltimezone_get_builtin_timezone(frame.zone);
        end = add_duration(start, length, zone);
        if (!valid_time(end)) {
            lose_property(f, ALMANAC_CODE_W347, "", c, component, end_property);
            return true;
        }
    }
    icaltimezone *end_zone = dtend != NULL ? value_zone(f, dtend, end) : frame.source;
    e->end = date_of(in_frame(end, end_zone, &frame), precision);
    int order = compare_dates(&e->end, &e->start);
    if (order < 0)
        lose_property(f, ALMANAC_CODE_W347, "", c, component, end_property);
    e->has_end = order > 0;
    return true;
}

/* ---- our own texts, taken apart again ----------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return k <= n && strcmp(s + n - k, suffix) == 0;
}

/* SUMMARY less what almanac_ics_summary() appends for this event. */
static void strip_summary(almanac_event *e)
{
    almanac_event probe = *e;
    probe.title = "";
    char *suffix = almanac_ics_summary(&probe);
    if (suffix != NULL && suffix[0] != '\0' && ends_with(e->title, suffix) &&
        strlen(e->title) > strlen(suffix))
        e->title[strlen(e->title) - strlen(suffix)] = '\0';
    free(suffix);
}

/* DESCRIPTION less the approximate date, participants and sources that
 * almanac_ics_description() adds after a blank line. */
static void strip_description(ics_file *f, almanac_event *e)
{
    almanac_event probe = *e;
    probe.description = NULL;
    char *extra = almanac_ics_description(&f->settings, &probe);
    if (extra == NULL || extra[0] == '\0' || e->description == NULL) {
        free(extra);
        return;
    }
    size_t n = strlen(e->description), k = strlen(extra);
    if (strcmp(e->description, extra) == 0)
        e->description = NULL;
    else if (n > k + 2 && ends_with(e->description, extra) &&
             strncmp(e->description + n - k - 2, "\n\n", 2) == 0)
        e->description[n - k - 2] = '\0';
    free(extra);
}

/* ---- one event ---------------------------------------------------------- */

/* Whether a list (tags, participants, related ids) is as long as the
 * loader allows; what comes after is reported, not kept. */
static bool list_full(size_t count)
{
    return count >= ALMANAC_MAX_LIST_ITEMS;
}

/* Adds ITEM to LIST unless it is there (lists are at most
 * ALMANAC_MAX_LIST_ITEMS long). The arrays grow by doubling: their
 * capacity is the power of two at or above the count. False when out of
 * memory. */
static bool add_string(almanac_arena *arena, almanac_strings *list, char *item, size_t at)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->items[i], item) == 0)
            return true;
    size_t n = list->count;
    if (n == 0 || (n & (n - 1)) == 0) { /* full: 0, 1, 2, 4, 8 ... */
        size_t bigger = n ? 2 * n : 4;
        char **items = n ? arena_array_grow(arena, list->items, n, bigger, sizeof *items)
                         : arena_array(arena, bigger, sizeof *items);
        if (items == NULL)
            return false;
        list->items = items;
        size_t *offsets = n ? arena_array_grow(arena, list->at, n, bigger, sizeof *offsets)
                            : arena_array(arena, bigger, sizeof *offsets);
        if (offsets == NULL)
            return false;
        list->at = offsets;
    }
    list->items[n] = item;
    list->at[n] = at;
    list->count++;
    return true;
}

static const char *label_tag(const void *owner, size_t i)
{
    return ((const almanac_importer *)owner)->label_tags[i];
}

/* Keeps LABEL, the text of the category whose tag is TAG, for a feed named
 * by it; the first text seen names the feed. AT in DIAGS is where it was. */
static bool remember_label(almanac_importer *im, const char *tag, const char *label,
                           almanac_diagnostics *diags, size_t at)
{
    im->label_index.key_at = label_tag;
    im->label_index.owner = im;
    if (key_find(&im->label_index, tag) != SIZE_MAX)
        return true;
    if (im->label_count == im->label_capacity) {
        size_t n = im->label_capacity, capacity = n ? n * 2 : 16;
        char **tags = n ? arena_array_grow(im->arena, im->label_tags, n, capacity, sizeof *tags)
                        : arena_array(im->arena, capacity, sizeof *tags);
        if (tags != NULL)
            im->label_tags = tags;
        char **labels = n ? arena_array_grow(im->arena, im->labels, n, capacity, sizeof *labels)
                          : arena_array(im->arena, capacity, sizeof *labels);
        if (labels != NULL)
            im->labels = labels;
        almanac_diagnostics **where =
            n ? arena_array_grow(im->arena, im->label_diags, n, capacity, sizeof *where)
              : arena_array(im->arena, capacity, sizeof *where);
        if (where != NULL)
            im->label_diags = where;
        size_t *offsets = n ? arena_array_grow(im->arena, im->label_at, n, capacity,
                                               sizeof *offsets)
                            : arena_array(im->arena, capacity, sizeof *offsets);
        if (offsets != NULL)
            im->label_at = offsets;
        if (tags == NULL || labels == NULL || where == NULL || offsets == NULL)
            return false;
        im->label_capacity = capacity;
    }
    size_t i = im->label_count;
    im->label_tags[i] = arena_strndup(im->arena, tag, strlen(tag));
    im->labels[i] = arena_strndup(im->arena, label, strlen(label));
    im->label_diags[i] = diags;
    im->label_at[i] = at;
    if (im->label_tags[i] == NULL || im->labels[i] == NULL || !key_add(&im->label_index, i))
        return false;
    im->label_count++;
    return true;
}

static void read_category(ics_file *f, icalcomponent *c, size_t component, icalproperty *p,
                          almanac_event *e)
{
    const char *value = icalproperty_get_categories(p);
    /* a label that is not its tag becomes a feed's name: a title's length */
    char *label = value != NULL ? line_value(f, c, component, p, value, ALMANAC_MAX_TITLE_BYTES)
                                : NULL;
    char slug[ALMANAC_MAX_SLUG_BYTES + 1];
    if (label == NULL || !slugify(label, slug, sizeof slug)) {
        if (label != NULL)
            lose_property(f, ALMANAC_CODE_W346, "", c, component, p);
        return;
    }
    if (list_full(e->tags.count)) {
        lose_property(f, ALMANAC_CODE_W352, "CATEGORIES", c, component, p);
        return;
    }
    char *tag = arena_strndup(f->im->arena, slug, strlen(slug));
    if (tag == NULL || !add_string(f->im->arena, &e->tags, tag, ALMANAC_NO_OFFSET))
        f->out_of_memory = true;
    else if (strcmp(tag, label) != 0 &&
             !remember_label(f->im, tag, label, f->diags, place_of(f, c, component, p).offset))
        f->out_of_memory = true;
}

static void read_status(ics_file *f, icalcomponent *c, size_t component, icalproperty *p,
                        almanac_event *e)
{
    switch (icalproperty_get_status(p)) {
    case ICAL_STATUS_TENTATIVE: e->status = ALMANAC_STATUS_TENTATIVE; return;
    case ICAL_STATUS_CANCELLED: e->status = ALMANAC_STATUS_CANCELLED; return;
    case ICAL_STATUS_CONFIRMED: e->status = ALMANAC_STATUS_CONFIRMED; return;
    default: break;
    }
    char detail[80];
    const char *value = ical_value_text(f->im->arena, p);
    snprintf(detail, sizeof detail, "%.56s", value != NULL ? value : "");
    lose_property(f, ALMANAC_CODE_W337, detail, c, component, p);
}

static void read_related(ics_file *f, icalcomponent *c, size_t component, icalproperty *p,
                         imported_event *ie)
{
    const char *uid = icalproperty_get_relatedto(p);
    if (uid == NULL || uid[0] == '\0')
        return;
    icalparameter *type = icalproperty_get_first_parameter(p, ICAL_RELTYPE_PARAMETER);
    icalparameter_reltype reltype = type != NULL ? icalparameter_get_reltype(type)
                                                 : ICAL_RELTYPE_PARENT;
    if (reltype != ICAL_RELTYPE_SIBLING) {
        char detail[64];
        snprintf(detail, sizeof detail, "%s",
                 reltype == ICAL_RELTYPE_PARENT ? "PARENT" : reltype == ICAL_RELTYPE_CHILD
                                                 ? "CHILD" : "other");
        lose_property(f, ALMANAC_CODE_W339, detail, c, component, p);
    }
    if (list_full(ie->related_count)) {
        lose_property(f, ALMANAC_CODE_W352, "RELATED-TO", c, component, p);
        return;
    }
    size_t n = ie->related_count;
    if (n == 0 || (n & (n - 1)) == 0) { /* grown by doubling, as add_string() */
        size_t bigger = n ? 2 * n : 4;
        char **related = n ? arena_array_grow(f->im->arena, ie->related, n, bigger,
                                              sizeof *related)
                           : arena_array(f->im->arena, bigger, sizeof *related);
        if (related != NULL)
            ie->related = related;
        size_t *at = n ? arena_array_grow(f->im->arena, ie->related_at, n, bigger, sizeof *at)
                       : arena_array(f->im->arena, bigger, sizeof *at);
        if (at != NULL)
            ie->related_at = at;
        if (related == NULL || at == NULL) {
            f->out_of_memory = true;
            return;
        }
    }
    char *copy = arena_strndup(f->im->arena, uid, strlen(uid));
    if (copy == NULL) {
        f->out_of_memory = true;
        return;
    }
    ie->related[n] = copy;
    ie->related_at[n] = place_of(f, c, component, p).offset;
    ie->related_count++;
}

static void read_location(ics_file *f, icalcomponent *c, size_t component, almanac_event *e)
{
    icalproperty *p = icalcomponent_get_first_property(c, ICAL_LOCATION_PROPERTY);
    const char *value = p != NULL ? icalproperty_get_location(p) : NULL;
    char *name = value != NULL ? line_value(f, c, component, p, value, ALMANAC_MAX_SHORT_BYTES)
                               : NULL;
    const char *written = f->almanac_id != NULL ? ical_x_value(c, "X-ALMANAC-COUNTRY") : NULL;
    cleaning what = {0}; /* the country is read again from LOCATION */
    char *country = written != NULL ? clean_line(f->im->arena, written, ALMANAC_MAX_SHORT_BYTES,
                                                 &what)
                                    : NULL;
    if (name != NULL && country != NULL) {
        size_t n = strlen(name), k = strlen(country);
        if (n > k + 2 && ends_with(name, country) && strncmp(name + n - k - 2, ", ", 2) == 0) {
            name[n - k - 2] = '\0';
            e->location.country = country;
        }
    }
    icalproperty *g = icalcomponent_get_first_property(c, ICAL_GEO_PROPERTY);
    if (g != NULL) {
        struct icalgeotype geo = icalproperty_get_geo(g);
        if (geo.lat >= -90.0 && geo.lat <= 90.0 && geo.lon >= -180.0 && geo.lon <= 180.0) {
            e->location.has_geo = true;
            e->location.latitude = geo.lat;
            e->location.longitude = geo.lon;
            if (name == NULL) {
                char text[64];
                snprintf(text, sizeof text, "%g, %g", geo.lat, geo.lon);
                name = arena_strndup(f->im->arena, text, strlen(text));
            }
        } else {
            lose_property(f, ALMANAC_CODE_W345, "", c, component, g);
        }
    }
    e->location.name = name;
    e->has_location = name != NULL;
}

/* What almanac's own feeds flatten into their texts: participants and
 * sources, each text cleaned as the loader requires. */
static void read_structure(ics_file *f, icalcomponent *c, size_t component, almanac_event *e)
{
    almanac_arena *arena = f->im->arena;
    size_t sources = 0;
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
        sources += strcasecmp(ical_property_name(p), "X-ALMANAC-SOURCE") == 0;
    e->sources = arena_array(arena, sources ? sources : 1, sizeof *e->sources);
    if (e->sources == NULL) {
        f->out_of_memory = true;
        return;
    }
    almanac_source *last = NULL;
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
        const char *name = ical_property_name(p), *value = icalproperty_get_x(p);
        if (value == NULL)
            continue;
        bool participant = strcasecmp(name, "X-ALMANAC-PARTICIPANT") == 0;
        bool source = strcasecmp(name, "X-ALMANAC-SOURCE") == 0;
        bool publisher = strcasecmp(name, "X-ALMANAC-SOURCE-PUBLISHER") == 0;
        if (!participant && !source && !publisher)
            continue;
        char *copy = line_value(f, c, component, p, value,
                                source ? ALMANAC_MAX_TITLE_BYTES : ALMANAC_MAX_SHORT_BYTES);
        if (source)
            last = NULL; /* a source without a title takes no publisher */
        if (copy != NULL && ((participant && list_full(e->participants.count)) ||
                             (source && list_full(e->source_count)))) {
            char detail[64];
            snprintf(detail, sizeof detail, "%s", name);
            lose_property(f, ALMANAC_CODE_W352, detail, c, component, p);
        } else if (participant && copy != NULL) {
            if (!add_string(arena, &e->participants, copy, ALMANAC_NO_OFFSET))
                f->out_of_memory = true;
        } else if (source && copy != NULL) {
            last = &e->sources[e->source_count++];
            last->title = copy;
            const char *date = ical_x_parameter(p, "X-ALMANAC-DATE");
            const char *url = ical_x_parameter(p, "X-ALMANAC-URL");
            /* as the loader takes a source's date: a day, month or year it can write */
            last->has_date = date != NULL &&
                             almanac_date_parse(date, strlen(date), &last->date) == ALMANAC_DATE_OK &&
                             !almanac_date_is_timed(&last->date) &&
                             last->date.year <= ALMANAC_YEAR_FEED_MAX;
            if (url != NULL && is_web_url(url))
                last->url = arena_strndup(arena, url, strlen(url));
        } else if (publisher && last != NULL) {
            last->publisher = copy;
        }
    }
}

/* Properties that are read, or that a build writes anew (stamps, CLASS,
 * TRANSP): nothing is lost by not importing them. */
static bool is_known(const char *name)
{
    static const char *const known[] = {
        "UID", "DTSTAMP", "DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION",
        "LOCATION", "GEO", "URL", "CATEGORIES", "STATUS", "RELATED-TO", "CLASS", "TRANSP",
        "SEQUENCE", "LAST-MODIFIED", "CREATED", "X-LIC-ERROR", "RECURRENCE-ID",
        "RRULE", "RDATE", "EXDATE", "ORGANIZER", "ATTENDEE", "COLOR", "IMAGE", "ATTACH"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcasecmp(name, known[i]) == 0)
            return true;
    return strncasecmp(name, "X-ALMANAC-", 10) == 0;
}

/* The X-LIC-ERROR properties libical put in C for lines it could not read,
 * each where the line was: a property it removed, a bare line, or a
 * parameter it left out. */
static void report_parse_errors(ics_file *f, icalcomponent *c, size_t component)
{
    char names[16][ICS_NAME_MAX];
    size_t removed[16], distinct = 0;
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
        const char *message = icalproperty_get_xlicerror(p);
        char name[ICS_NAME_MAX];
        ical_error_kind kind = ical_error_subject(message, name);
        if (kind == ICAL_ERROR_EMPTY)
            continue; /* an empty property: nothing to lose */
        if (kind == ICAL_ERROR_PROPERTY && strcmp(name, "DTSTART") == 0)
            continue; /* said when the event is skipped */
        place at = component_place(f, component);
        if (name[0] != '\0') {
            /* The error stands where its line was, among the properties
             * libical kept: those of the same name before it, and the
             * lines of that name it removed before, come first. A kept
             * property has its parameter error just after it. */
            size_t k = 0;
            while (k < distinct && strcmp(names[k], name) != 0)
                k++;
            if (k == distinct && distinct < 16) {
                memcpy(names[distinct], name, sizeof names[0]);
                removed[distinct++] = 0;
            }
            size_t before = named_before(f, c, component, name, p);
            size_t ordinal = before + (k < distinct ? removed[k] : 0);
            if (kind == ICAL_ERROR_PARAMETER && before > 0)
                ordinal--;
            else if (kind != ICAL_ERROR_PARAMETER && k < distinct)
                removed[k]++;
            at = property_place(f, c, component, name, ordinal);
        }
        char pointer[2 * ICS_NAME_MAX + 8];
        snprintf(pointer, sizeof pointer, "%s%s%s", component_name(f, c, component),
                 name[0] != '\0' && kind != ICAL_ERROR_LINE ? "/" : "",
                 kind != ICAL_ERROR_LINE ? name : "");
        const char *what = kind == ICAL_ERROR_LINE ? "a line that is not a property"
                           : kind == ICAL_ERROR_PARAMETER ? "a parameter" : "a property";
        bool named = name[0] != '\0' && kind != ICAL_ERROR_LINE;
        almanac_diagnostics_report(f->diags, at.offset, pointer, ALMANAC_W305, what,
                                   named ? (kind == ICAL_ERROR_PARAMETER ? " of " : " (") : "",
                                   named ? name : "",
                                   named && kind != ICAL_ERROR_PARAMETER ? ")" : "",
                                   message != NULL ? message : "no message");
    }
}

/* What an event holds that the format cannot: counted per kind. */
static void note_losses(ics_file *f, icalcomponent *c, size_t component)
{
    /* Read once, from the first: RFC 5545 allows one in an event. */
    static const char *const single[] = {
        "DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION", "LOCATION", "GEO", "URL",
        "STATUS", "UID", "X-ALMANAC-PRECISION", "X-ALMANAC-START", "X-ALMANAC-END",
        "X-ALMANAC-COUNTRY", "RRULE", "ORGANIZER", "COLOR", "IMAGE", "RECURRENCE-ID"};
    enum { SINGLE = sizeof single / sizeof single[0] };
    size_t seen[SINGLE] = {0};
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
        const char *name = ical_property_name(p);
        size_t k = 0;
        while (k < SINGLE && strcasecmp(name, single[k]) != 0)
            k++;
        if (k < SINGLE && seen[k]++ > 0) {
            char detail[64];
            snprintf(detail, sizeof detail, "%s", single[k]);
            lose_property(f, ALMANAC_CODE_W353, detail, c, component, p);
            continue;
        }
        if (!is_known(name)) {
            char detail[64];
            snprintf(detail, sizeof detail, "%.50s", name);
            lose_property(f, ALMANAC_CODE_W334, detail, c, component, p);
        }
    }
    ical_children children;
    children_of(f, component, &children);
    for (icalcomponent *sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
         sub != NULL; sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
        size_t index = ical_children_next(&children, sub);
        const char *kind = component_name(f, sub, index);
        bool alarm = icalcomponent_isa(sub) == ICAL_VALARM_COMPONENT;
        if (alarm)
            continue; /* read_alarms() took it, or said why not */
        place at = component_place(f, index != SIZE_MAX ? index : component);
        char detail[64], pointer[48];
        snprintf(detail, sizeof detail, "VEVENT/%.40s", kind);
        snprintf(pointer, sizeof pointer, "VEVENT/%s", kind);
        lose(f, ALMANAC_CODE_W333, detail, pointer, at.offset, at.line);
    }
    ical_children_free(&children);
}

/* ---- series, reminders, people ----------------------------------------- */

/* A value of P (RDATE, EXDATE, RECURRENCE-ID) as a date of E's kind, read
 * in the event's FRAME: false when it is of another kind or unreadable. */
static bool series_date(ics_file *f, icalproperty *p, icaltimetype t, const almanac_event *e,
                        const time_frame *frame, almanac_date *out)
{
    if (!valid_time(t))
        return false;
    if (e->start.precision == ALMANAC_PRECISION_DAY) {
        if (!t.is_date)
            return false;
        *out = date_of(t, ALMANAC_PRECISION_DAY);
        return true;
    }
    if (t.is_date)
        return false;
    *out = date_of(in_frame(t, value_zone(f, p, t), frame), e->start.precision);
    return true;
}

/* The RRULE of C as the RRULE value the events format takes: its UNTIL of
 * the kind RFC 5545 asks for (a day for an all-day event, else UTC), read
 * in the event's frame when the file wrote it otherwise. */
static void read_rule(ics_file *f, icalcomponent *c, size_t component, almanac_event *e,
                      const time_frame *frame)
{
    icalproperty *p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
    if (p == NULL)
        return;
    struct icalrecurrencetype r = icalproperty_get_rrule(p);
    if (r.freq == ICAL_NO_RECURRENCE || r.rscale != NULL) {
        lose_property(f, ALMANAC_CODE_W320, "", c, component, p);
        return;
    }
    if (!icaltime_is_null_time(r.until) && r.until.year > ALMANAC_YEAR_FEED_MAX - 1)
        r.until = icaltime_null_time(); /* "forever" by a far year: no end, within almanac's */
    if (!icaltime_is_null_time(r.until)) {
        icaltimetype u = r.until;
        if (e->start.precision == ALMANAC_PRECISION_DAY) {
            if (!u.is_date) {
                /* the day it falls on where the event is: all-day events have no zone */
                u.is_date = 1;
                u.hour = u.minute = u.second = 0;
                u.zone = NULL;
            }
        } else {
            icaltimezone *zone = frame->utc ? icaltimezone_get_utc_timezone()
                                            : icaltimezone_get_builtin_timezone(frame->zone);
            if (frame->source != NULL && !frame->utc)
                zone = frame->source;
            if (u.is_date) { /* the end of that day, where the event is */
                u.is_date = 0;
                u.hour = 23;
                u.minute = u.second = 59;
            }
            if (!icaltime_is_utc(u) && zone != NULL) {
                u.zone = zone;
                u = icaltime_convert_to_zone(u, icaltimezone_get_utc_timezone());
            }
            u.zone = icaltimezone_get_utc_timezone();
        }
        r.until = u;
    }
    char *text = icalrecurrencetype_as_string_r(&r);
    if (text == NULL) {
        f->out_of_memory = true;
        return;
    }
    e->repeat.rule = arena_strndup(f->im->arena, text, strlen(text));
    free(text);
    e->has_repeat = e->repeat.rule != NULL;
    if (!icaltime_is_null_time(r.until)) {
        e->repeat.has_until = true;
        e->repeat.until = date_of(r.until, r.until.is_date ? ALMANAC_PRECISION_DAY
                                                           : ALMANAC_PRECISION_UTC_TIME);
    }
    if (frame->utc && frame->source != NULL) {
        /* a zone libical read from the file but that has no IANA name: the
         * series repeats in UTC, so it stops following the zone's clock
         * changes */
        char detail[160];
        snprintf(detail, sizeof detail, "%.51s", ical_tzid(
            icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY)));
        lose_property(f, ALMANAC_CODE_W330, detail, c, component, p);
    }
}

static void read_date_list(ics_file *f, icalcomponent *c, size_t component, almanac_event *e,
                           const time_frame *frame, icalproperty_kind kind,
                           almanac_date_list *list)
{
    size_t count = 0;
    for (icalproperty *p = icalcomponent_get_first_property(c, kind); p != NULL;
         p = icalcomponent_get_next_property(c, kind))
        count++;
    if (count == 0)
        return;
    almanac_arena *arena = f->im->arena;
    list->items = arena_array(arena, count, sizeof *list->items);
    list->at = arena_array(arena, count, sizeof *list->at);
    if (list->items == NULL || list->at == NULL) {
        f->out_of_memory = true;
        return;
    }
    const char *name = kind == ICAL_RDATE_PROPERTY ? "RDATE" : "EXDATE";
    for (icalproperty *p = icalcomponent_get_first_property(c, kind); p != NULL;
         p = icalcomponent_get_next_property(c, kind)) {
        icaltimetype t;
        if (kind == ICAL_RDATE_PROPERTY) {
            struct icaldatetimeperiodtype v = icalproperty_get_rdate(p);
            t = icaltime_is_null_time(v.time) ? v.period.start : v.time;
        } else {
            t = icalproperty_get_exdate(p);
        }
        almanac_date d;
        if (list->count >= ALMANAC_MAX_LIST_ITEMS || !series_date(f, p, t, e, frame, &d)) {
            char detail[32];
            snprintf(detail, sizeof detail, "%s", name);
            lose_property(f, ALMANAC_CODE_W321, detail, c, component, p);
            continue;
        }
        bool again = false;
        for (size_t i = 0; i < list->count && !again; i++)
            again = almanac_date_compare(&list->items[i], &d) == 0;
        if (!again) {
            list->items[list->count] = d;
            list->at[list->count++] = component_place(f, component).offset;
        }
    }
}

/* "PT30M", "P1D", "P1DT2H", "PT0S" for a number of seconds. */
static char *duration_text(almanac_arena *arena, long seconds)
{
    char text[48];
    long days = seconds / 86400, rest = seconds % 86400;
    int n = snprintf(text, sizeof text, "P");
    if (days > 0 && days % 7 == 0 && rest == 0) {
        snprintf(text + n, sizeof text - (size_t)n, "%ldW", days / 7);
        return arena_strndup(arena, text, strlen(text));
    }
    if (days > 0)
        n += snprintf(text + n, sizeof text - (size_t)n, "%ldD", days);
    if (rest > 0 || days == 0) {
        n += snprintf(text + n, sizeof text - (size_t)n, "T");
        if (rest / 3600)
            n += snprintf(text + n, sizeof text - (size_t)n, "%ldH", rest / 3600);
        if (rest % 3600 / 60)
            n += snprintf(text + n, sizeof text - (size_t)n, "%ldM", rest % 3600 / 60);
        if (rest % 60 || rest == 0)
            snprintf(text + n, sizeof text - (size_t)n, "%ldS", rest % 60);
    }
    return arena_strndup(arena, text, strlen(text));
}

/* VALARMs of C: each a reminder, whatever its ACTION (an AUDIO or EMAIL
 * alarm becomes one shown on screen, said in a warning). */
static void read_alarms(ics_file *f, icalcomponent *c, size_t component, almanac_event *e)
{
    size_t count = 0;
    for (icalcomponent *a = icalcomponent_get_first_component(c, ICAL_VALARM_COMPONENT);
         a != NULL; a = icalcomponent_get_next_component(c, ICAL_VALARM_COMPONENT))
        count++;
    if (count == 0)
        return;
    almanac_arena *arena = f->im->arena;
    e->alarms.items = arena_array(arena, count, sizeof *e->alarms.items);
    if (e->alarms.items == NULL) {
        f->out_of_memory = true;
        return;
    }
    e->alarms.given = true;
    ical_children children;
    children_of(f, component, &children);
    for (icalcomponent *sub = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
         sub != NULL; sub = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
        size_t index = ical_children_next(&children, sub);
        if (icalcomponent_isa(sub) != ICAL_VALARM_COMPONENT)
            continue;
        place at = component_place(f, index != SIZE_MAX ? index : component);
        icalproperty *trigger = icalcomponent_get_first_property(sub, ICAL_TRIGGER_PROPERTY);
        struct icaltriggertype t = trigger != NULL ? icalproperty_get_trigger(trigger)
                                                   : (struct icaltriggertype){0};
        almanac_alarm *a = &e->alarms.items[e->alarms.count];
        memset(a, 0, sizeof *a);
        bool ok = trigger != NULL && e->alarms.count < ALMANAC_MAX_ALARMS;
        if (ok && !icaltime_is_null_time(t.time)) {
            icaltimetype when = t.time;
            if (!icaltime_is_utc(when))
                ok = false; /* RFC 5545 3.8.6.3: an absolute trigger is UTC */
            a->kind = ALMANAC_ALARM_AT;
            a->at = date_of(when, ALMANAC_PRECISION_UTC_TIME);
            ok = ok && valid_time(when);
        } else if (ok) {
            int seconds = icaldurationtype_as_int(t.duration);
            a->kind = seconds < 0 ? ALMANAC_ALARM_BEFORE : ALMANAC_ALARM_AFTER;
            a->seconds = seconds < 0 ? -(long)seconds : seconds;
            a->duration = duration_text(arena, a->seconds);
            icalparameter *related = icalproperty_get_first_parameter(trigger,
                                                                      ICAL_RELATED_PARAMETER);
            a->of_end = related != NULL && icalparameter_get_related(related) == ICAL_RELATED_END;
            ok = a->duration != NULL && a->seconds <= 1000000L * 60;
        }
        if (!ok) {
            lose(f, e->alarms.count >= ALMANAC_MAX_ALARMS ? ALMANAC_CODE_W324 : ALMANAC_CODE_W323,
                 "",
                 "VEVENT/VALARM", at.offset, at.line);
            continue;
        }
        icalproperty *action = icalcomponent_get_first_property(sub, ICAL_ACTION_PROPERTY);
        const char *act = action != NULL ? icalproperty_get_value_as_string(action) : NULL;
        if (act != NULL && strcasecmp(act, "DISPLAY") != 0) {
            char detail[48];
            snprintf(detail, sizeof detail, "%.30s", act);
            lose(f, ALMANAC_CODE_W325, detail, "VEVENT/VALARM/ACTION", at.offset, at.line);
        }
        icalproperty *d = icalcomponent_get_first_property(sub, ICAL_DESCRIPTION_PROPERTY);
        const char *text = d != NULL ? icalproperty_get_description(d) : NULL;
        if (text != NULL && text[0] != '\0' && strcmp(text, e->title) != 0) {
            cleaning what = {0};
            a->description = clean_line(arena, text, ALMANAC_MAX_TITLE_BYTES, &what);
            if (a->description != NULL && a->description[0] == '\0')
                a->description = NULL;
        }
        a->offset = at.offset;
        e->alarms.count++;
    }
    ical_children_free(&children);
}

/* A mailto: address of P (ORGANIZER or ATTENDEE) with its CN; false when
 * it is not one the format can hold. */
static bool read_person(ics_file *f, icalcomponent *c, size_t component, icalproperty *p,
                        const char *value, almanac_person *person)
{
    const char *name = ical_property_name(p);
    char detail[40], why[160];
    snprintf(detail, sizeof detail, "%s", name);
    if (value == NULL || strncasecmp(value, "mailto:", 7) != 0 ||
        !email_address_ok(value + 7, why, sizeof why)) {
        lose_property(f, ALMANAC_CODE_W326, detail, c, component, p);
        return false;
    }
    almanac_arena *arena = f->im->arena;
    person->email = arena_strndup(arena, value + 7, strlen(value + 7));
    icalparameter *cn = icalproperty_get_first_parameter(p, ICAL_CN_PARAMETER);
    const char *shown = cn != NULL ? icalparameter_get_cn(cn) : NULL;
    if (shown != NULL && shown[0] != '\0') {
        cleaning what = {0};
        person->name = clean_line(arena, shown, ALMANAC_MAX_SHORT_BYTES, &what);
        if (person->name != NULL && (person->name[0] == '\0' ||
                                     strcmp(person->name, person->email) == 0))
            person->name = NULL;
    }
    return person->email != NULL;
}

static void read_people(ics_file *f, icalcomponent *c, size_t component, almanac_event *e)
{
    icalproperty *o = icalcomponent_get_first_property(c, ICAL_ORGANIZER_PROPERTY);
    if (o != NULL)
        e->has_organizer = read_person(f, c, component, o, icalproperty_get_organizer(o),
                                       &e->organizer);
    size_t count = 0;
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(c, ICAL_ATTENDEE_PROPERTY))
        count++;
    if (count == 0)
        return;
    e->attendees = arena_array(f->im->arena, count, sizeof *e->attendees);
    if (e->attendees == NULL) {
        f->out_of_memory = true;
        return;
    }
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ATTENDEE_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(c, ICAL_ATTENDEE_PROPERTY)) {
        almanac_person *a = &e->attendees[e->attendee_count];
        memset(a, 0, sizeof *a);
        if (e->attendee_count >= ALMANAC_MAX_LIST_ITEMS) {
            lose_property(f, ALMANAC_CODE_W327, "ATTENDEE", c, component, p);
            continue;
        }
        if (!read_person(f, c, component, p, icalproperty_get_attendee(p), a))
            continue;
        bool again = false;
        for (size_t i = 0; i < e->attendee_count && !again; i++)
            again = strcasecmp(e->attendees[i].email, a->email) == 0;
        if (again) {
            lose_property(f, ALMANAC_CODE_W353, "ATTENDEE", c, component, p);
            continue;
        }
        icalparameter *role = icalproperty_get_first_parameter(p, ICAL_ROLE_PARAMETER);
        switch (role != NULL ? icalparameter_get_role(role) : ICAL_ROLE_REQPARTICIPANT) {
        case ICAL_ROLE_CHAIR:           a->role = ALMANAC_ROLE_CHAIR; break;
        case ICAL_ROLE_OPTPARTICIPANT:  a->role = ALMANAC_ROLE_OPTIONAL; break;
        case ICAL_ROLE_NONPARTICIPANT:  a->role = ALMANAC_ROLE_NON_PARTICIPANT; break;
        default:                        a->role = ALMANAC_ROLE_REQUIRED; break;
        }
        icalparameter *ps = icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER);
        switch (ps != NULL ? icalparameter_get_partstat(ps) : ICAL_PARTSTAT_NEEDSACTION) {
        case ICAL_PARTSTAT_ACCEPTED:  a->status = ALMANAC_PARTSTAT_ACCEPTED; break;
        case ICAL_PARTSTAT_DECLINED:  a->status = ALMANAC_PARTSTAT_DECLINED; break;
        case ICAL_PARTSTAT_TENTATIVE: a->status = ALMANAC_PARTSTAT_TENTATIVE; break;
        case ICAL_PARTSTAT_DELEGATED: a->status = ALMANAC_PARTSTAT_DELEGATED; break;
        default:                      a->status = ALMANAC_PARTSTAT_NEEDS_ACTION; break;
        }
        e->attendee_count++;
    }
}

/* The URL of an ATTACH or IMAGE value, or NULL for inline data. */
static const char *attach_url(icalproperty *p)
{
    /* libical holds IMAGE;VALUE=URI as a URI value, ATTACH as an attachment */
    icalvalue *v = icalproperty_get_value(p);
    if (v != NULL && icalvalue_isa(v) == ICAL_URI_VALUE)
        return icalvalue_get_uri(v);
    if (v == NULL || icalvalue_isa(v) != ICAL_ATTACH_VALUE)
        return NULL;
    icalattach *a = icalvalue_get_attach(v);
    return a != NULL && icalattach_get_is_url(a) ? icalattach_get_url(a) : NULL;
}

static void read_presentation(ics_file *f, icalcomponent *c, size_t component, almanac_event *e)
{
    almanac_arena *arena = f->im->arena;
    icalproperty *color = icalcomponent_get_first_property(c, ICAL_COLOR_PROPERTY);
    if (color != NULL) {
        const char *v = icalproperty_get_color(color);
        bool ok = v != NULL && v[0] != '\0' && strlen(v) <= 40;
        for (const char *q = v; ok && *q; q++)
            ok = (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z');
        if (ok) {
            e->color = arena_strndup(arena, v, strlen(v));
            for (char *q = e->color; q != NULL && *q; q++)
                *q = (char)(*q | 0x20); /* CSS names are ASCII, any case */
        } else {
            lose_property(f, ALMANAC_CODE_W328, "", c, component, color);
        }
    }
    icalproperty *image = icalcomponent_get_first_property(c, ICAL_IMAGE_PROPERTY);
    if (image != NULL) {
        const char *url = attach_url(image);
        if (url != NULL && is_web_url(url))
            e->image = arena_strndup(arena, url, strlen(url));
        else
            lose_property(f, ALMANAC_CODE_W329, "IMAGE", c, component, image);
    }
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ATTACH_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_ATTACH_PROPERTY)) {
        const char *url = attach_url(p);
        if (url == NULL || !is_web_url(url) || list_full(e->attachments.count)) {
            lose_property(f, ALMANAC_CODE_W329, "ATTACH", c, component, p);
            continue;
        }
        char *copy = arena_strndup(arena, url, strlen(url));
        if (copy == NULL || !add_string(arena, &e->attachments, copy,
                                        component_place(f, component).offset))
            f->out_of_memory = true;
    }
}

/* A VEVENT with RECURRENCE-ID: the occurrence it changes, in its own
 * frame, for merge_overrides(). */
static void read_occurrence_id(ics_file *f, icalcomponent *c, size_t component,
                               imported_event *ie, const time_frame *frame)
{
    icalproperty *rid = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
    if (rid == NULL)
        return;
    place at = place_of(f, c, component, rid);
    ie->rid_offset = at.offset;
    ie->rid_line = at.line;
    icaltimetype t = icalproperty_get_recurrenceid(rid);
    ie->has_rid = series_date(f, rid, t, &ie->event, frame, &ie->rid);
    if (ie->has_rid && !frame->utc && ie->event.start.precision == ALMANAC_PRECISION_LOCAL_TIME)
        snprintf(ie->rid_zone, sizeof ie->rid_zone, "%s", frame->zone);
}

/* RFC 5545 makes DTSTART the first instance but leaves a series whose
 * DTSTART its rule does not give undefined; calendar apps disagree on it,
 * and almanac check refuses it. What most read it as is kept: the start
 * as an extra date, the series from its rule's first occurrence. */
static void start_as_extra_date(ics_file *f, icalcomponent *c, size_t component,
                                almanac_event *e, const time_frame *frame)
{
    const char *zone = e->start.precision == ALMANAC_PRECISION_LOCAL_TIME && !frame->utc
                       ? frame->zone : NULL;
    almanac_date first;
    if (!e->has_repeat || !series_first_occurrence(e, zone, &first) ||
        almanac_date_compare(&first, &e->start) == 0)
        return;
    almanac_date_list *extra = &e->extra_dates;
    almanac_date *items = arena_array(f->im->arena, extra->count + 1, sizeof *items);
    size_t *at = arena_array(f->im->arena, extra->count + 1, sizeof *at);
    if (items == NULL || at == NULL) {
        f->out_of_memory = true;
        return;
    }
    if (extra->count > 0) {
        memcpy(items, extra->items, extra->count * sizeof *items);
        memcpy(at, extra->at, extra->count * sizeof *at);
    }
    bool listed = false;
    for (size_t i = 0; i < extra->count && !listed; i++)
        listed = almanac_date_compare(&items[i], &e->start) == 0;
    if (!listed) {
        items[extra->count] = e->start;
        at[extra->count++] = e->at;
    }
    extra->items = items;
    extra->at = at;
    if (e->has_end)
        e->end = series_end_from(e, &first);
    e->start = first;
    lose_property(f, ALMANAC_CODE_W332, "", c, component,
                  icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY));
}

static void read_series_parts(ics_file *f, icalcomponent *c, size_t component,
                              imported_event *ie, const time_frame *frame)
{
    almanac_event *e = &ie->event;
    if (e->start.precision >= ALMANAC_PRECISION_DAY) {
        if (ie->occurrence == NULL) {
            read_rule(f, c, component, e, frame);
            read_date_list(f, c, component, e, frame, ICAL_RDATE_PROPERTY, &e->extra_dates);
            if (almanac_event_is_series(e))
                read_date_list(f, c, component, e, frame, ICAL_EXDATE_PROPERTY,
                               &e->excluded_dates);
            else
                for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY);
                     p != NULL; p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY))
                    lose_property(f, ALMANAC_CODE_W331, "", c, component, p);
            start_as_extra_date(f, c, component, e, frame);
        } else {
            read_occurrence_id(f, c, component, ie, frame);
        }
    }
    read_alarms(f, c, component, e);
    read_people(f, c, component, e);
    read_presentation(f, c, component, e);
}

static imported_event *new_event(ics_file *f)
{
    almanac_importer *im = f->im;
    if (im->event_count == im->event_capacity) {
        size_t capacity = im->event_capacity ? im->event_capacity * 2 : 64;
        imported_event *bigger = realloc(im->events, capacity * sizeof *bigger);
        if (bigger == NULL)
            return NULL;
        im->events = bigger;
        im->event_capacity = capacity;
    }
    imported_event *ie = &im->events[im->event_count];
    memset(ie, 0, sizeof *ie);
    ie->diags = f->diags;
    ie->uid_calendar = f->almanac_id;
    return ie;
}

/* libical reads at most 500 values of one line (MAXIMUM_ALLOWED_MULTIPLE_
 * VALUES) and drops the rest without a word: CATEGORIES lines with more. */
static void note_cut_lists(ics_file *f, icalcomponent *c, size_t component)
{
    enum { LIBICAL_MAX_VALUES = 500 };
    index_places(f, c, component);
    size_t count;
    const ics_named_line *line = places_lines_named(&f->places, "CATEGORIES", &count);
    for (size_t i = 0; i < count; i++)
        if (ics_scan_value_count(f->text, f->length, line[i].offset) > LIBICAL_MAX_VALUES)
            lose(f, ALMANAC_CODE_W351, "CATEGORIES", "VEVENT/CATEGORIES", line[i].offset,
                 line[i].line);
}

static bool read_event(ics_file *f, icalcomponent *c, size_t component)
{
    almanac_arena *arena = f->im->arena;
    imported_event *ie = new_event(f);
    if (ie == NULL) {
        f->out_of_memory = true;
        return false;
    }
    almanac_event *e = &ie->event;
    e->at = component_place(f, component).offset;
    report_parse_errors(f, c, component);
    icalproperty *summary = icalcomponent_get_first_property(c, ICAL_SUMMARY_PROPERTY);
    const char *title = summary != NULL ? icalproperty_get_summary(summary) : NULL;
    e->title = title != NULL ? line_value(f, c, component, summary, title,
                                          ALMANAC_MAX_TITLE_BYTES) : NULL;
    char what[80];
    snprintf(what, sizeof what, "'%.60s'", e->title != NULL ? e->title : "(no title)");
    time_frame frame;
    if (!read_dates(f, c, component, e, what, &frame))
        return false;
    if (e->title == NULL) {
        place at = component_place(f, component);
        lose(f, ALMANAC_CODE_W344, "", "VEVENT/SUMMARY", at.offset, at.line);
        e->title = arena_strndup(arena, "(no title)", 10);
    }
    const char *uid = icalcomponent_get_uid(c);
    if (uid != NULL && uid[0] != '\0')
        ie->uid = arena_strndup(arena, uid, strlen(uid));
    icalproperty *rid = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
    if (rid != NULL)
        ie->occurrence = ical_value_text(arena, rid);
    icalproperty *description = icalcomponent_get_first_property(c, ICAL_DESCRIPTION_PROPERTY);
    const char *text = description != NULL ? icalproperty_get_description(description) : NULL;
    e->description = text != NULL ? text_value(f, c, component, description, text,
                                               ALMANAC_MAX_TEXT_BYTES)
                                  : NULL;
    read_location(f, c, component, e);
    icalproperty *url = icalcomponent_get_first_property(c, ICAL_URL_PROPERTY);
    const char *link = url != NULL ? icalproperty_get_url(url) : NULL;
    if (link != NULL && is_web_url(link))
        e->url = arena_strndup(arena, link, strlen(link));
    else if (link != NULL && link[0] != '\0')
        lose_property(f, ALMANAC_CODE_W338, "", c, component, url);
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_CATEGORIES_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(c, ICAL_CATEGORIES_PROPERTY))
        read_category(f, c, component, p, e);
    note_cut_lists(f, c, component);
    icalproperty *status = icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY);
    if (status != NULL)
        read_status(f, c, component, status, e);
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_RELATEDTO_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(c, ICAL_RELATEDTO_PROPERTY))
        read_related(f, c, component, p, ie);
    if (f->almanac_id != NULL) {
        read_structure(f, c, component, e);
        strip_summary(e);
        strip_description(f, e);
    }
    read_series_parts(f, c, component, ie, &frame);
    note_losses(f, c, component);
    e->complete = true;
    f->im->event_count++;
    return true;
}

/* ---- the calendar ------------------------------------------------------- */

static bool is_refresh(const char *s)
{
    /* ISO 8601 weeks/days/hours/minutes/seconds, as load.c parse_duration */
    if (s == NULL || *s++ != 'P' || *s == '\0' || strlen(s) > 38)
        return false;
    bool in_time = false, any = false;
    const char *units = "WD";
    while (*s) {
        if (*s == 'T' && !in_time) {
            in_time = true;
            units = "HMS";
            s++;
            continue;
        }
        const char *digits = s;
        while (*s >= '0' && *s <= '9')
            s++;
        if (s == digits || *s == '\0' || strchr(units, *s) == NULL || s - digits > 7)
            return false;
        units = strchr(units, *s) + 1;
        any = true;
        s++;
    }
    return any;
}

static bool read_policy(const char *text, almanac_calendar *calendar)
{
    char month[16], year[16];
    if (text == NULL || sscanf(text, "month=%15[a-z-],year=%15[a-z-]", month, year) != 2)
        return false;
    return almanac_partial_policy_parse(month, &calendar->month_policy) &&
           almanac_partial_policy_parse(year, &calendar->year_policy);
}

static void calendar_loss(ics_file *f, const char *property, const char *value)
{
    char detail[96], pointer[48];
    snprintf(detail, sizeof detail, "%.54s", value);
    snprintf(pointer, sizeof pointer, "VCALENDAR/%s", property);
    place at = property_place(f, f->calendar, f->calendar_index, property, 0);
    lose(f, ALMANAC_CODE_W358, detail, pointer, at.offset, at.line);
}

static char *calendar_text(ics_file *f, icalcomponent *cal, icalproperty_kind kind,
                           const char *x_name, bool multiline)
{
    icalproperty *p = icalcomponent_get_first_property(cal, kind);
    const char *value = NULL;
    if (p != NULL && kind == ICAL_NAME_PROPERTY)
        value = icalproperty_get_name(p);
    else if (p != NULL && kind == ICAL_DESCRIPTION_PROPERTY)
        value = icalproperty_get_description(p);
    if (value == NULL)
        value = ical_x_value(cal, x_name);
    if (value == NULL)
        return NULL;
    cleaning what = {0}; /* the calendar's own texts are cleaned without a report */
    return multiline ? clean_text(f->im->arena, value, ALMANAC_MAX_TEXT_BYTES, &what)
                     : clean_line(f->im->arena, value, ALMANAC_MAX_TITLE_BYTES, &what);
}

/* A slug the loader takes as an id or a tag: at most 100 bytes. */
static bool is_short_slug(const char *s)
{
    return s != NULL && strlen(s) <= 100 && is_slug(s);
}

static const almanac_feed *feed_named(const almanac_importer *im, const char *id)
{
    for (size_t i = 0; i < im->feed_count; i++)
        if (strcmp(im->feeds[i].id, id) == 0)
            return &im->feeds[i];
    return NULL;
}

/* The feeds almanac's own all.ics declares (X-ALMANAC-FEED), each as the
 * loader requires one: an id that is a slug, not "all" and not taken, a
 * name, and a tag at least; any other is reported, not imported. */
static void read_feeds(ics_file *f, icalcomponent *cal)
{
    almanac_importer *im = f->im;
    almanac_arena *arena = im->arena;
    for (icalproperty *p = icalcomponent_get_first_property(cal, ICAL_X_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(cal, ICAL_X_PROPERTY)) {
        const char *name = ical_property_name(p), *value = icalproperty_get_x(p);
        const char *id = ical_x_parameter(p, "X-ALMANAC-ID");
        bool declared = strcasecmp(name, "X-ALMANAC-FEED") == 0;
        if (value == NULL || (!declared && strcasecmp(name, "X-ALMANAC-FEED-DESCRIPTION") != 0))
            continue;
        if (!is_short_slug(id) ||
            (declared && (strcmp(id, "all") == 0 || feed_named(im, id) != NULL))) {
            lose_property(f, ALMANAC_CODE_W350, "", cal, f->calendar_index, p);
            continue;
        }
        if (!declared) { /* the description of a feed declared before it */
            almanac_feed *described = (almanac_feed *)feed_named(im, id);
            if (described != NULL)
                described->description = text_value(f, cal, f->calendar_index, p, value,
                                                    ALMANAC_MAX_TEXT_BYTES);
            else
                lose_property(f, ALMANAC_CODE_W350, "", cal, f->calendar_index, p);
            continue;
        }
        const char *tags = ical_x_parameter(p, "X-ALMANAC-TAGS");
        char *feed_name = line_value(f, cal, f->calendar_index, p, value, ALMANAC_MAX_TITLE_BYTES);
        almanac_strings tag_list = {0};
        for (const char *t = tags != NULL ? tags : ""; *t;) {
            size_t n = strcspn(t, ",");
            char *tag = arena_strndup(arena, t, n);
            if (tag != NULL && is_short_slug(tag))
                add_string(arena, &tag_list, tag, ALMANAC_NO_OFFSET);
            t += n + (t[n] == ',');
        }
        if (feed_name == NULL || tag_list.count == 0 || im->feed_count >= ALMANAC_MAX_FEEDS) {
            lose_property(f, ALMANAC_CODE_W350, "", cal, f->calendar_index, p);
            continue;
        }
        if (im->feeds == NULL) /* room for all there may be, once */
            im->feeds = arena_array(arena, ALMANAC_MAX_FEEDS, sizeof *im->feeds);
        if (im->feeds == NULL) {
            f->out_of_memory = true;
            return;
        }
        almanac_feed *feed = &im->feeds[im->feed_count];
        feed->id = arena_strndup(arena, id, strlen(id));
        feed->name = feed_name;
        feed->tags = tag_list;
        feed->index = im->feed_count;
        im->feed_count++;
    }
}

static void base_name(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    snprintf(out, size, "%s", slash != NULL ? slash + 1 : path);
    char *dot = strrchr(out, '.');
    if (dot != NULL && dot != out)
        *dot = '\0';
}

/* The settings of this file's calendar; the first file that has a
 * calendar gives the document's. */
static void read_calendar(ics_file *f, icalcomponent *cal)
{
    almanac_importer *im = f->im;
    almanac_calendar *c = &f->settings.calendar;
    const char *id = ical_x_value(cal, "X-ALMANAC-CALENDAR-ID");
    f->almanac_id = is_short_slug(id) ? arena_strndup(im->arena, id, strlen(id)) : NULL;
    read_policy(ical_x_value(cal, "X-ALMANAC-PARTIAL-DATES"), c);
    const char *zone = ical_x_value(cal, "X-WR-TIMEZONE");
    if (zone != NULL && tzdb_exists(zone))
        f->zone = arena_strndup(im->arena, zone, strlen(zone));
    else if (zone != NULL)
        calendar_loss(f, "X-WR-TIMEZONE", zone);
    if (im->have_calendar)
        return;
    im->have_calendar = true;
    almanac_calendar *out = &im->calendar;
    out->month_policy = c->month_policy;
    out->year_policy = c->year_policy;
    out->timezone = (char *)f->zone;
    out->name = calendar_text(f, cal, ICAL_NAME_PROPERTY, "X-WR-CALNAME", false);
    out->description = calendar_text(f, cal, ICAL_DESCRIPTION_PROPERTY, "X-WR-CALDESC", true);
    char slug[ALMANAC_MAX_SLUG_BYTES + 1], name[256];
    base_name(f->name, name, sizeof name);
    if (out->name == NULL && strcmp(f->name, "-") != 0)
        out->name = arena_strndup(im->arena, name, strlen(name));
    if (f->almanac_id != NULL)
        out->id = (char *)f->almanac_id;
    else if (slugify(out->name != NULL ? out->name : "", slug, sizeof slug))
        out->id = arena_strndup(im->arena, slug, strlen(slug));
    icalproperty *url = icalcomponent_get_first_property(cal, ICAL_URL_PROPERTY);
    const char *link = url != NULL ? icalproperty_get_url(url) : NULL;
    if (link != NULL && is_web_url(link))
        out->url = arena_strndup(im->arena, link, strlen(link));
    else if (link != NULL)
        calendar_loss(f, "URL", link);
    const char *refresh = ical_x_value(cal, "X-PUBLISHED-TTL");
    icalproperty *interval = icalcomponent_get_first_property(cal, ICAL_REFRESHINTERVAL_PROPERTY);
    if (refresh == NULL && interval != NULL)
        refresh = ical_value_text(im->arena, interval);
    if (refresh != NULL && is_refresh(refresh))
        out->refresh = arena_strndup(im->arena, refresh, strlen(refresh));
    else if (refresh != NULL)
        calendar_loss(f, "X-PUBLISHED-TTL", refresh);
    icalproperty *color = icalcomponent_get_first_property(cal, ICAL_COLOR_PROPERTY);
    const char *colour = color != NULL ? icalproperty_get_color(color) : NULL;
    bool named = colour != NULL && colour[0] != '\0' && strlen(colour) <= 40;
    for (const char *p = colour; named && *p; p++)
        named = *p >= 'a' && *p <= 'z';
    if (named)
        out->color = arena_strndup(im->arena, colour, strlen(colour));
    else if (colour != NULL)
        calendar_loss(f, "COLOR", colour);
    read_feeds(f, cal);
}

static void read_calendar_component(ics_file *f, icalcomponent *cal, size_t index)
{
    f->calendar = cal;
    f->calendar_index = index;
    f->almanac_id = NULL;
    f->zone = NULL;
    f->settings.calendar.month_policy = ALMANAC_PARTIAL_SPAN;
    f->settings.calendar.year_policy = ALMANAC_PARTIAL_SPAN;
    read_calendar(f, cal);
    report_parse_errors(f, cal, index);
    check_timezones(f, cal, index);
    ical_children children;
    children_of(f, index, &children);
    size_t events = 0, total = 0;
    if (f->im->progress != NULL) {
        total = (size_t)icalcomponent_count_components(cal, ICAL_VEVENT_COMPONENT);
        say_progress(f, ALMANAC_IMPORT_CONVERTING, 0, total);
    }
    for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(cal, ICAL_ANY_COMPONENT)) {
        icalcomponent_kind kind = icalcomponent_isa(c);
        size_t child = ical_children_next(&children, c);
        if (kind == ICAL_VEVENT_COMPONENT) {
            read_event(f, c, child);
            if (++events % PROGRESS_EVENTS == 0 || events == total)
                say_progress(f, ALMANAC_IMPORT_CONVERTING, events, total);
            continue;
        }
        if (kind == ICAL_VTIMEZONE_COMPONENT)
            continue;
        const char *name = component_name(f, c, child);
        place at = component_place(f, child != SIZE_MAX ? child : index);
        char detail[64], pointer[48];
        snprintf(detail, sizeof detail, "VCALENDAR/%.40s", name);
        snprintf(pointer, sizeof pointer, "VCALENDAR/%s", name);
        lose(f, ALMANAC_CODE_W333, detail, pointer, at.offset, at.line);
    }
    ical_children_free(&children);
    for (icalproperty *p = icalcomponent_get_first_property(cal, ICAL_ANY_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(cal, ICAL_ANY_PROPERTY)) {
        static const char *const known[] = {
            "VERSION", "PRODID", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME", "DESCRIPTION",
            "X-WR-CALDESC", "X-WR-TIMEZONE", "URL", "SOURCE", "REFRESH-INTERVAL",
            "X-PUBLISHED-TTL", "COLOR", "LAST-MODIFIED", "X-LIC-ERROR"};
        const char *name = ical_property_name(p);
        bool is_known_name = strncasecmp(name, "X-ALMANAC-", 10) == 0;
        for (size_t i = 0; !is_known_name && i < sizeof known / sizeof known[0]; i++)
            is_known_name = strcasecmp(name, known[i]) == 0;
        if (!is_known_name) {
            char detail[64];
            snprintf(detail, sizeof detail, "%.50s", name);
            lose_property(f, ALMANAC_CODE_W334, detail, cal, index, p);
        }
    }
}

/* ---- a file ----------------------------------------------------------- */

/* One of several components at the top level (libical's XROOT): another
 * VCALENDAR, or something after END:VCALENDAR (or before BEGIN:VCALENDAR)
 * that RFC 5545 puts inside one. An event there is imported all the same,
 * in the calendar read last; anything else is a loss. */
static void read_top_level(ics_file *f, icalcomponent *c, size_t index)
{
    icalcomponent_kind kind = icalcomponent_isa(c);
    if (kind == ICAL_VCALENDAR_COMPONENT) {
        read_calendar_component(f, c, index);
        return;
    }
    place at = component_place(f, index);
    const char *name = component_name(f, c, index);
    char detail[64];
    if (kind == ICAL_VEVENT_COMPONENT) {
        lose(f, ALMANAC_CODE_W348, "", "VEVENT", at.offset, at.line);
        read_event(f, c, index);
        return;
    }
    snprintf(detail, sizeof detail, "/%.40s", name);
    lose(f, ALMANAC_CODE_W333, detail, name, at.offset, at.line);
}

/* Content lines outside any component: libical skips them in silence. */
static void report_outside_lines(ics_file *f)
{
    for (size_t i = 0; i < f->scan.line_count; i++)
        if (f->scan.lines[i].component == SIZE_MAX)
            lose(f, ALMANAC_CODE_W349, "", "", f->scan.lines[i].offset, f->scan.lines[i].line);
}

/* libical reads "\é" (an escape RFC 5545 does not have) as its backslash
 * and the first byte of the character dropped, leaving bytes that are not
 * UTF-8. For an unknown escape of an ASCII character libical drops the
 * backslash: so does this, for every character, in TEXT (in place). */
static void drop_escapes_of_multibyte(char *text)
{
    size_t n = 0;
    for (size_t i = 0; text[i] != '\0'; i++) {
        if (text[i] == '\\' && text[i + 1] == '\\') {
            text[n++] = text[i++];
        } else if (text[i] == '\\') {
            size_t k = i + 1; /* the escaped character ... */
            size_t eol = text[k] == '\r' && text[k + 1] == '\n' ? 2 : text[k] == '\n' ? 1 : 0;
            if (eol > 0 && (text[k + eol] == ' ' || text[k + eol] == '\t'))
                k += eol + 1; /* ... across a fold */
            if ((unsigned char)text[k] >= 0x80)
                continue;
        }
        text[n++] = text[i];
    }
    text[n] = '\0';
}

static unsigned line_at(const char *text, size_t offset)
{
    unsigned line = 1;
    for (size_t i = 0; i < offset; i++)
        line += text[i] == '\n';
    return line;
}

/* Refuses what is not iCalendar text at all; returns false after an error. */
static bool check_encoding(ics_file *f)
{
    const char *text = f->text;
    size_t length = f->length;
    if (length >= 2 && (memcmp(text, "\xFF\xFE", 2) == 0 || memcmp(text, "\xFE\xFF", 2) == 0)) {
        almanac_diagnostics_report(f->diags, 0, NULL, ALMANAC_E066);
        return false;
    }
    const char *nul = memchr(text, '\0', length);
    if (nul != NULL) {
        almanac_diagnostics_report(f->diags, (size_t)(nul - text), NULL, ALMANAC_E300);
        return false;
    }
    return true;
}

static void finish_file(ics_file *f)
{
    report_losses(f);
    free(f->losses);
    key_index_free(&f->loss_index);
    free(f->refused_zones);
    places_free(&f->places);
    ics_scan_free(&f->scan);
}

static void merge_overrides(ics_file *f, size_t first);

/* Reads F, whose text is known to be iCalendar-like. */
static long add_file(ics_file *fp)
{
    ics_file f = *fp;
    places_init(&f.places, &f.scan);
    almanac_importer *im = f.im;
    const char *text = f.text;
    size_t length = f.length;
    almanac_diagnostics *diags = f.diags;
    size_t start = length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (ics_scan_run(&f.scan, text, length, diags) != 0) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E063);
        ics_scan_free(&f.scan);
        return -1;
    }
    const char *parsed = f.scan.repaired != NULL ? f.scan.repaired : text;
    size_t parsed_length = f.scan.repaired != NULL ? f.scan.repaired_length : length;
    if (parsed == text)
        parsed += start, parsed_length -= start;
    else if (parsed_length >= 3 && memcmp(parsed, "\xEF\xBB\xBF", 3) == 0)
        parsed += 3, parsed_length -= 3;
    size_t bad = 0;
    char *clean = utf8_repaired(parsed, parsed_length, &bad);
    if (clean != NULL)
        drop_escapes_of_multibyte(clean);
    if (bad > 0) {
        size_t at = utf8_invalid_at(text, length);
        almanac_diagnostics_report(diags, at, NULL, ALMANAC_W306, bad, plural(bad, "byte is",
                                                                              "bytes are"),
                                   line_at(text, at));
    }
    ical_parse_progress parsing = {say_parsed, &f};
    icalcomponent *root = clean != NULL ? ical_parse(clean, strlen(clean),
                                                     im->progress != NULL ? &parsing : NULL)
                                        : NULL;
    free(clean);
    icalcomponent_kind kind = root != NULL ? icalcomponent_isa(root) : ICAL_NO_COMPONENT;
    if (kind != ICAL_VCALENDAR_COMPONENT && kind != ICAL_VEVENT_COMPONENT &&
        kind != ICAL_XROOT_COMPONENT) {
        almanac_diagnostics_report(diags, 0, NULL, ALMANAC_E301);
        if (root != NULL)
            icalcomponent_free(root);
        ics_scan_free(&f.scan);
        return -1;
    }
    size_t before = im->event_count;
    tz_budget_init(&f.tz_budget, TZ_MAX_FILE_ONSETS, TZ_CHECK_SECONDS);
    ical_children top;
    ical_children_init(&top, &f.scan, ics_scan_first_child(&f.scan, SIZE_MAX));
    if (kind == ICAL_VEVENT_COMPONENT) {
        read_event(&f, root, ical_children_next(&top, root));
    } else if (kind == ICAL_VCALENDAR_COMPONENT) {
        read_calendar_component(&f, root, ical_children_next(&top, root));
    } else {
        for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT);
             c != NULL; c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT))
            read_top_level(&f, c, ical_children_next(&top, c));
    }
    ical_children_free(&top);
    say_progress(&f, ALMANAC_IMPORT_FINISHING, 0, 0);
    merge_overrides(&f, before);
    report_outside_lines(&f);
    icalcomponent_free(root);
    bool out_of_memory = f.out_of_memory;
    finish_file(&f);
    if (out_of_memory) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E063);
        return -1;
    }
    return (long)(im->event_count - before);
}

/* Where the lines end with CR alone (classic Mac OS; RFC 5545 wants CRLF)
 * and never with LF: a copy of TEXT with each CR a LF, the same length so
 * that offsets hold (almanac_diagnostics_locate() counts such lines too).
 * NULL when the text has LF line ends; *FAILED when out of memory. */
static char *cr_lines_read_as_lf(const char *text, size_t length, almanac_diagnostics *diags,
                                 bool *failed)
{
    *failed = false;
    const char *cr = memchr(text, '\r', length);
    if (cr == NULL || memchr(text, '\n', length) != NULL)
        return NULL;
    char *copy = malloc(length + 1);
    if (copy == NULL) {
        *failed = true;
        return NULL;
    }
    for (size_t i = 0; i < length; i++)
        copy[i] = text[i] == '\r' ? '\n' : text[i];
    copy[length] = '\0';
    almanac_diagnostics_report(diags, (size_t)(cr - text), NULL, ALMANAC_W307);
    return copy;
}

long almanac_importer_add(almanac_importer *im, const char *name, const char *text,
                          size_t length, almanac_diagnostics *diags)
{
    ics_file f = {.im = im, .name = name, .text = text, .length = length, .diags = diags};
    if (!check_encoding(&f))
        return -1;
    bool failed;
    char *lf = cr_lines_read_as_lf(text, length, diags, &failed);
    if (failed) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E063);
        return -1;
    }
    if (lf != NULL)
        f.text = lf;
    long taken = add_file(&f);
    free(lf);
    return taken;
}

/* ---- the importer ------------------------------------------------------- */

almanac_importer *almanac_importer_new(void)
{
    almanac_importer *im = calloc(1, sizeof *im);
    if (im == NULL)
        return NULL;
    im->arena = arena_new();
    if (im->arena == NULL) {
        free(im);
        return NULL;
    }
    im->calendar.month_policy = ALMANAC_PARTIAL_SPAN;
    im->calendar.year_policy = ALMANAC_PARTIAL_SPAN;
    im->calendar.at_timezone = ALMANAC_NO_OFFSET;
    return im;
}

void almanac_importer_free(almanac_importer *im)
{
    if (im == NULL)
        return;
    arena_free(im->arena);
    free(im->events);
    key_index_free(&im->label_index);
    free(im);
}

static uint64_t fnv(const char *s)
{
    return hash_bytes(HASH_SEED, s, strlen(s));
}

/* The id an event would like: its UID as a slug (in almanac's own feeds
 * the part before "@<calendar id>"), with the occurrence it changes; a
 * UID too long for a slug keeps its start and a hash of the whole. */
static void wanted_id(const imported_event *ie, char out[ALMANAC_MAX_SLUG_BYTES + 1])
{
    char slug[1024];
    const char *uid = ie->uid;
    bool have = false;
    if (uid != NULL && ie->uid_calendar != NULL) {
        size_t n = strlen(uid), k = strlen(ie->uid_calendar);
        if (n > k + 1 && uid[n - k - 1] == '@' && strcmp(uid + n - k, ie->uid_calendar) == 0 &&
            n - k - 1 < sizeof slug) {
            memcpy(slug, uid, n - k - 1);
            slug[n - k - 1] = '\0';
            have = is_slug(slug);
        }
    }
    if (!have)
        have = slugify(uid != NULL ? uid : ie->event.title, slug, sizeof slug);
    if (!have)
        snprintf(slug, sizeof slug, "event-%08" PRIx64, fnv(uid != NULL ? uid : ""));
    char occurrence[64] = "";
    if (ie->occurrence != NULL && slugify(ie->occurrence, occurrence + 1, sizeof occurrence - 1))
        occurrence[0] = '-';
    size_t room = 90 - strlen(occurrence);
    if (strlen(slug) > room) {
        uint32_t hash = (uint32_t)fnv(uid != NULL ? uid : ie->event.title);
        size_t keep = room - 9;
        while (keep > 0 && slug[keep - 1] == '-')
            keep--;
        snprintf(slug + keep, sizeof slug - keep, "-%08" PRIx32, hash);
    }
    snprintf(out, 101, "%s%s", slug, occurrence);
}

/* A set of strings: open addressing, for unique ids and the UID lookup. */
typedef struct {
    const char **keys;
    size_t *values;
    size_t capacity;
} string_set;

static bool set_init(string_set *s, size_t count)
{
    s->capacity = 16;
    while (s->capacity < 2 * count + 2)
        s->capacity *= 2;
    s->keys = calloc(s->capacity, sizeof *s->keys);
    s->values = calloc(s->capacity, sizeof *s->values);
    return s->keys != NULL && s->values != NULL;
}

static size_t *set_find(string_set *s, const char *key, bool insert)
{
    size_t i = (size_t)fnv(key) & (s->capacity - 1);
    while (s->keys[i] != NULL) {
        if (strcmp(s->keys[i], key) == 0)
            return &s->values[i];
        i = (i + 1) & (s->capacity - 1);
    }
    if (!insert)
        return NULL;
    s->keys[i] = key;
    return &s->values[i];
}

static void set_free(string_set *s)
{
    free(s->keys);
    free(s->values);
}

/* ---- overrides into their series ------------------------------------------ */

/* DATE, a local time in zone FROM ("" for UTC and days), as a reading of
 * the kind and zone of the series E (zone TO). */
static almanac_date frame_date(almanac_date date, const char *from, const almanac_event *e,
                               const char *to)
{
    if (date.precision == ALMANAC_PRECISION_DAY || e->start.precision == ALMANAC_PRECISION_DAY)
        return date;
    if (date.precision == e->start.precision && strcmp(from, to) == 0)
        return date;
    icaltimetype t = icaltime_null_time();
    t.year = date.year, t.month = date.month, t.day = date.day;
    t.hour = date.hour, t.minute = date.minute, t.second = date.second;
    t.zone = from[0] ? icaltimezone_get_builtin_timezone(from) : icaltimezone_get_utc_timezone();
    icaltimezone *target = to[0] ? icaltimezone_get_builtin_timezone(to)
                                 : icaltimezone_get_utc_timezone();
    if (t.zone == NULL || target == NULL)
        return date;
    t = icaltime_convert_to_zone(t, target);
    almanac_date out = date_of(t, e->start.precision);
    out.has_seconds = date.has_seconds || out.second != 0;
    return out;
}

static bool same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same_place(const almanac_event *a, const almanac_event *b)
{
    if (a->has_location != b->has_location)
        return false;
    return !a->has_location ||
           (same_text(a->location.name, b->location.name) &&
            same_text(a->location.country, b->location.country) &&
            a->location.has_geo == b->location.has_geo &&
            (!a->location.has_geo || (a->location.latitude == b->location.latitude &&
                                      a->location.longitude == b->location.longitude)));
}

/* The override that the VEVENT OV (with RECURRENCE-ID) makes of series S:
 * what differs from the series, and nothing else. */
static almanac_override override_of(const imported_event *s, const imported_event *ov,
                                    const char *series_zone)
{
    const almanac_event *e = &s->event, *o = &ov->event;
    almanac_override v;
    memset(&v, 0, sizeof v);
    const char *own_zone = o->timezone != NULL ? o->timezone : "";
    v.occurrence = frame_date(ov->rid, ov->rid_zone, e, series_zone);
    almanac_date start = frame_date(o->start, own_zone, e, series_zone);
    v.has_start = almanac_date_compare(&start, &v.occurrence) != 0;
    v.start = start;
    if (o->has_end) {
        almanac_date end = frame_date(o->end, own_zone, e, series_zone);
        /* an end the feed writer would give anyway (the series' length from
         * the new start) is no change */
        if (e->has_end) {
            almanac_date kept = series_end_from(e, &start);
            v.has_end = almanac_date_compare(&kept, &end) != 0;
        } else {
            v.has_end = true;
        }
        v.end = end;
    }
    if (!same_text(o->title, e->title))
        v.title = o->title;
    if (!same_text(o->description, e->description))
        v.description = o->description;
    if (o->status != e->status) {
        v.has_status = true;
        v.status = o->status;
    }
    if (!same_place(o, e) && o->has_location) {
        v.has_location = true;
        v.location = o->location;
    }
    return v;
}

/* Moves the VEVENTs of F with RECURRENCE-ID (events FIRST and after) into
 * the overrides of their series, when the file has that series; the rest
 * stay events of their own, with a warning. */
static void merge_overrides(ics_file *f, size_t first)
{
    almanac_importer *im = f->im;
    size_t count = 0;
    for (size_t i = first; i < im->event_count; i++)
        count += im->events[i].occurrence != NULL;
    if (count == 0)
        return;
    string_set series = {0};
    if (!set_init(&series, im->event_count - first)) {
        set_free(&series);
        f->out_of_memory = true;
        return;
    }
    for (size_t i = first; i < im->event_count; i++) {
        imported_event *ie = &im->events[i];
        if (ie->occurrence == NULL && ie->uid != NULL && almanac_event_is_series(&ie->event) &&
            set_find(&series, ie->uid, false) == NULL)
            *set_find(&series, ie->uid, true) = i;
    }
    /* first into their series, then the array closed up: moving events
     * while merging would leave the set pointing at old places */
    bool *merged = calloc(im->event_count - first, sizeof *merged);
    if (merged == NULL) {
        set_free(&series);
        f->out_of_memory = true;
        return;
    }
    for (size_t i = first; i < im->event_count; i++) {
        imported_event *ie = &im->events[i];
        if (ie->occurrence == NULL)
            continue;
        size_t *found = ie->uid != NULL ? set_find(&series, ie->uid, false) : NULL;
        imported_event *s = found != NULL ? &im->events[*found] : NULL;
        almanac_event *e = s != NULL ? &s->event : NULL;
        if (s == NULL || !ie->has_rid ||
            (ie->rid.precision == ALMANAC_PRECISION_DAY) !=
            (e->start.precision == ALMANAC_PRECISION_DAY) ||
            e->override_count >= ALMANAC_MAX_LIST_ITEMS) {
            lose(f, ALMANAC_CODE_W322, "", "VEVENT/RECURRENCE-ID", ie->rid_offset, ie->rid_line);
            continue;
        }
        if (e->overrides == NULL) {
            e->overrides = arena_array(im->arena, count, sizeof *e->overrides);
            if (e->overrides == NULL) {
                f->out_of_memory = true;
                continue;
            }
        }
        const char *zone = e->timezone != NULL ? e->timezone : "";
        almanac_override v = override_of(s, ie, zone);
        v.at = v.at_occurrence = v.at_start = ie->rid_offset;
        bool again = false;
        for (size_t k = 0; k < e->override_count && !again; k++)
            again = almanac_date_compare(&e->overrides[k].occurrence, &v.occurrence) == 0;
        if (again)
            lose(f, ALMANAC_CODE_W353, "RECURRENCE-ID", "VEVENT/RECURRENCE-ID", ie->rid_offset,
                 ie->rid_line);
        else
            e->overrides[e->override_count++] = v;
        merged[i - first] = true;
    }
    size_t kept = first;
    for (size_t i = first; i < im->event_count; i++)
        if (!merged[i - first])
            im->events[kept++] = im->events[i];
    free(merged);
    im->event_count = kept;
    set_free(&series);
}

static void assign_ids(almanac_importer *im, string_set *ids)
{
    for (size_t i = 0; i < im->event_count; i++) {
        char base[ALMANAC_MAX_SLUG_BYTES + 1], id[112];
        wanted_id(&im->events[i], base);
        snprintf(id, sizeof id, "%s", base);
        for (unsigned n = 2; set_find(ids, id, false) != NULL; n++)
            snprintf(id, sizeof id, "%.90s-%u", base, n);
        im->events[i].event.id = arena_strndup(im->arena, id, strlen(id));
        if (im->events[i].event.id != NULL)
            *set_find(ids, im->events[i].event.id, true) = i;
    }
}

static void resolve_related(almanac_importer *im, string_set *uids)
{
    for (size_t i = 0; i < im->event_count; i++) {
        imported_event *ie = &im->events[i];
        if (ie->uid != NULL && ie->occurrence == NULL && set_find(uids, ie->uid, false) == NULL)
            *set_find(uids, ie->uid, true) = i;
    }
    for (size_t i = 0; i < im->event_count; i++) {
        imported_event *ie = &im->events[i];
        for (size_t k = 0; k < ie->related_count; k++) {
            size_t *target = set_find(uids, ie->related[k], false);
            if (target != NULL && *target != i) {
                add_string(im->arena, &ie->event.related, im->events[*target].event.id,
                           ALMANAC_NO_OFFSET);
                continue;
            }
            almanac_diagnostics_report(ie->diags, ie->related_at[k],
                                    "VEVENT/RELATED-TO", ALMANAC_W308, ie->related[k],
                                    target != NULL ? "the event "
                                       "itself" : "no event of the imported calendars");
        }
    }
}

/* A feed per category whose text is not its tag, named by the text. */
static void add_label_feeds(almanac_importer *im)
{
    if (im->label_count == 0)
        return;
    size_t room = im->feed_count + (im->label_count < ALMANAC_MAX_FEEDS ? im->label_count
                                                                        : ALMANAC_MAX_FEEDS);
    almanac_feed *feeds = arena_array(im->arena, room, sizeof *feeds);
    if (feeds == NULL)
        return;
    if (im->feed_count > 0)
        memcpy(feeds, im->feeds, im->feed_count * sizeof *feeds);
    im->feeds = feeds;
    for (size_t i = 0; i < im->label_count; i++) {
        const char *tag = im->label_tags[i];
        bool taken = false; /* by a feed of that id: its name keeps the text */
        for (size_t k = 0; !taken && k < im->feed_count; k++)
            taken = strcmp(im->feeds[k].id, tag) == 0;
        if (taken)
            continue;
        if (strcmp(tag, "all") == 0 || im->feed_count >= ALMANAC_MAX_FEEDS) {
            almanac_diagnostics_report(im->label_diags[i], im->label_at[i],
                                    "VEVENT/CATEGORIES", ALMANAC_W309, im->labels[i], tag,
                                       strcmp(tag, "all") == 0 ? "'all' is the full calendar"
                                       : "the calendar has as many feeds as it may");
            continue;
        }
        almanac_feed *feed = &im->feeds[im->feed_count];
        feed->id = im->label_tags[i];
        feed->name = im->labels[i];
        feed->index = im->feed_count;
        add_string(im->arena, &feed->tags, im->label_tags[i], ALMANAC_NO_OFFSET);
        im->feed_count++;
    }
}

/* ---- the import's own check of what is new in the format ----------------- */



static bool has_extras(const almanac_event *e)
{
    return almanac_event_is_series(e) || e->override_count || e->excluded_dates.count ||
           e->alarms.given || e->has_organizer || e->attendee_count || e->color != NULL ||
           e->image != NULL || e->attachments.count;
}

/* The event an error's pointer names ("/events/12/overrides/2/start"),
 * with the key in KEY (SIZE bytes) and the item of a list in *ITEM
 * (SIZE_MAX for none); false for any other pointer. */
static bool pointer_event(const char *pointer, size_t *index, char *key, size_t size,
                          size_t *item)
{
    if (strncmp(pointer, "/events/", 8) != 0)
        return false;
    char *end;
    unsigned long n = strtoul(pointer + 8, &end, 10);
    if (end == pointer + 8 || *end != '/')
        return false;
    size_t length = strcspn(end + 1, "/");
    snprintf(key, size, "%.*s", (int)(length < size ? length : size - 1), end + 1);
    *index = n;
    *item = SIZE_MAX;
    const char *rest = end + 1 + length;
    if (rest[0] == '/' && rest[1] >= '0' && rest[1] <= '9')
        *item = strtoul(rest + 1, NULL, 10);
    return true;
}

/* Marks item ITEM of a list of LENGTH for removal (a year of 0, which no
 * item has); compact_dates() and compact_overrides() take them out. */
static bool mark_date(almanac_date *items, size_t length, size_t item)
{
    if (item >= length)
        return false;
    items[item].year = 0;
    return true;
}

static void compact_dates(almanac_date_list *list)
{
    size_t kept = 0;
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].year != 0) {
            list->at[kept] = list->at[i];
            list->items[kept++] = list->items[i];
        }
    list->count = kept;
}

static void compact_overrides(almanac_event *e)
{
    size_t kept = 0;
    for (size_t i = 0; i < e->override_count; i++)
        if (e->overrides[i].occurrence.year != 0)
            e->overrides[kept++] = e->overrides[i];
    e->override_count = kept;
}

/* Takes out of event E what KEY's check refused: one excluded or extra
 * date, or one override, when the error names it (ITEM); the whole series
 * for its rule or its start; else that key. Returns what went, for the
 * warning ("series", "an override", ...), or NULL when nothing did. */
static const char *drop_refused(almanac_event *e, const char *key, size_t item)
{
    if (strcmp(key, "excluded_dates") == 0 &&
        mark_date(e->excluded_dates.items, e->excluded_dates.count, item))
        return "an excluded date (EXDATE)";
    if (strcmp(key, "extra_dates") == 0 &&
        mark_date(e->extra_dates.items, e->extra_dates.count, item))
        return "an extra date (RDATE)";
    if (strcmp(key, "overrides") == 0 && item < e->override_count) {
        e->overrides[item].occurrence.year = 0;
        return "a changed occurrence (RECURRENCE-ID)";
    }
    if (!almanac_event_is_series(e) && (strcmp(key, "excluded_dates") == 0 ||
                                         strcmp(key, "overrides") == 0)) {
        e->excluded_dates.count = 0; /* of nothing that repeats */
        e->override_count = 0;
        return "series";
    }
    static const char *const series_keys[] = {"repeat", "extra_dates", "excluded_dates",
                                              "overrides", "start"};
    for (size_t i = 0; i < sizeof series_keys / sizeof series_keys[0]; i++)
        if (strcmp(key, series_keys[i]) == 0 && almanac_event_is_series(e)) {
            e->has_repeat = false;
            e->extra_dates.count = e->excluded_dates.count = 0;
            e->override_count = 0;
            return "series";
        }
    if (strcmp(key, "sources") == 0 && item < e->source_count) {
        memmove(&e->sources[item], &e->sources[item + 1],
                (e->source_count - item - 1) * sizeof *e->sources);
        e->source_count--;
        return "a source";
    }
    if (strcmp(key, "end") == 0 && e->has_end) {
        e->has_end = false;
        return key;
    }
    if (strcmp(key, "alarms") == 0) {
        e->alarms.given = false;
        e->alarms.count = 0;
    } else if (strcmp(key, "url") == 0) {
        e->url = NULL;
    } else if (strcmp(key, "location") == 0) {
        e->has_location = false;
    } else if (strcmp(key, "related") == 0) {
        e->related.count = 0;
    } else if (strcmp(key, "participants") == 0) {
        e->participants.count = 0;
    } else if (strcmp(key, "organizer") == 0) {
        e->has_organizer = false;
    } else if (strcmp(key, "attendees") == 0) {
        e->attendee_count = 0;
    } else if (strcmp(key, "color") == 0) {
        e->color = NULL;
    } else if (strcmp(key, "image") == 0) {
        e->image = NULL;
    } else if (strcmp(key, "attachments") == 0) {
        e->attachments.count = 0;
    } else {
        return NULL;
    }
    return key;
}

/* Checks DOC's events as almanac check will check the file written from
 * them, and where a part does not pass (a start that is not an occurrence
 * of its rule, an excluded date that is none, a rule almanac refuses, a
 * source's date it cannot write), takes that part out with a warning at
 * its event, so that one odd part costs itself, not the whole import. */
static void drop_what_fails(almanac_importer *im, almanac_document *doc)
{
    /* Each pass costs a write and a load of the whole file (a fifth of an
     * import's time): only files with parts that depend on each other,
     * series, reminders and people, take it. What else the check could
     * refuse is made right where it is read (a source's date beyond 2999),
     * and fuzz_import holds the import to its own check. A dropped rule can
     * make its overrides refused in the next pass. */
    bool any = false;
    for (size_t i = 0; i < doc->event_count && !any; i++)
        any = has_extras(&doc->events[i]);
    for (int pass = 0; any && pass < 3; pass++) {
        char *json = almanac_events_write(doc);
        if (json == NULL)
            return;
        almanac_diagnostics diags;
        almanac_diagnostics_init(&diags);
        almanac_check_text(json, strlen(json), &diags);
        free(json);
        bool dropped = false;
        for (size_t k = 0; k < diags.count; k++) {
            const almanac_diagnostic *d = &diags.items[k];
            size_t i, item;
            char key[40];
            if (d->severity != ALMANAC_ERROR || d->pointer == NULL ||
                !pointer_event(d->pointer, &i, key, sizeof key, &item) ||
                i >= doc->event_count)
                continue;
            almanac_event *e = &doc->events[i];
            const char *what = drop_refused(e, key, item);
            if (what == NULL)
                continue;
            dropped = true;
            const imported_event *ie = &im->events[i];
            if (strcmp(what, "series") == 0)
                almanac_diagnostics_report(ie->diags, ie->event.at,
                                        "VEVENT/RRULE", ALMANAC_W310, e->title, d->message);
            else
                almanac_diagnostics_report(ie->diags, ie->event.at, "VEVENT", ALMANAC_W311,
                                           e->title,
                                           strncmp(what, "a",
                                                   1) == 0 && what[1] == ' ' ? "" : "its ",
                                           what, d->message);
        }
        almanac_diagnostics_free(&diags);
        for (size_t i = 0; i < doc->event_count; i++) {
            compact_dates(&doc->events[i].extra_dates);
            compact_dates(&doc->events[i].excluded_dates);
            compact_overrides(&doc->events[i]);
        }
        if (!dropped)
            return;
    }
}

void almanac_importer_set_progress(almanac_importer *im, almanac_import_progress progress,
                                   void *context)
{
    im->progress = progress;
    im->progress_context = context;
}

almanac_document *almanac_importer_finish(almanac_importer *im)
{
    if (im->progress != NULL)
        im->progress(im->progress_context, NULL, ALMANAC_IMPORT_FINISHING, 0, 0);
    almanac_document *doc = calloc(1, sizeof *doc);
    string_set ids = {0}, uids = {0};
    if (doc == NULL || !set_init(&ids, im->event_count) || !set_init(&uids, im->event_count)) {
        free(doc);
        set_free(&ids);
        set_free(&uids);
        return NULL;
    }
    assign_ids(im, &ids);
    resolve_related(im, &uids);
    set_free(&ids);
    set_free(&uids);
    add_label_feeds(im);
    doc->calendar = im->calendar;
    doc->calendar.alarms_in_feeds = true; /* a calendar file says nothing of it */
    if (doc->calendar.id == NULL)
        doc->calendar.id = "imported";
    if (doc->calendar.name == NULL)
        doc->calendar.name = "Imported calendar";
    doc->feeds = im->feeds;
    doc->feed_count = im->feed_count;
    doc->events = arena_array(im->arena, im->event_count ? im->event_count : 1,
                              sizeof *doc->events);
    if (doc->events == NULL) {
        free(doc);
        return NULL;
    }
    for (size_t i = 0; i < im->event_count; i++) {
        doc->events[i] = im->events[i].event;
        doc->events[i].index = i;
    }
    doc->event_count = im->event_count;
    doc->arena = im->arena;
    drop_what_fails(im, doc);
    almanac_document_index(doc);
    /* the document owns the arena now; the importer starts empty */
    im->arena = arena_new();
    im->event_count = 0;
    im->feed_count = 0;
    im->feeds = NULL;
    im->label_count = im->label_capacity = 0;
    key_index_free(&im->label_index); /* its labels went with the arena */
    im->have_calendar = false;
    memset(&im->calendar, 0, sizeof im->calendar);
    return doc;
}
