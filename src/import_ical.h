/*
 * import_ical.h - libical's answers, made safe for the importer in one place.
 *
 * Several libical calls answer NULL, a sentinel or a string of its ring
 * buffer where a caller would expect a name or a value:
 *   - icalcomponent_kind_to_string() is NULL for a component libical does not
 *     know (BEGIN:VX, RFC 9073's VLOCATION, PARTICIPANT, VRESOURCE: kind
 *     ICAL_NO_COMPONENT), and "X" for every X- component;
 *   - icalproperty_get_property_name() and icalproperty_get_value_as_string()
 *     return ring-buffer strings that libical frees 2,500 calls later, so a
 *     name held across a walk of a long component is freed under its holder;
 *   - parameters and X- values may be missing or have no value;
 *   - X-LIC-ERROR messages name what they are about in free text.
 * The importer calls libical for these through here only, and every function
 * here answers something that can be used as it is.
 *
 * Ownership: returned strings belong to libical's component or property (they
 * live as long as it does) or are static, unless a function says otherwise.
 */
#ifndef ALMANAC_IMPORT_ICAL_H
#define ALMANAC_IMPORT_ICAL_H

#include <libical/ical.h>
#include <stddef.h>

#include "arena.h"
#include "import_scan.h"

/* Called now and then while ical_parse() reads: DONE of TOTAL bytes. */
typedef struct {
    void (*call)(void *context, size_t done, size_t total);
    void *context;
} ical_parse_progress;

/* Parses TEXT (LENGTH bytes, NUL-terminated, no NUL inside) as
 * icalcomponent_new_from_string() does, but in time proportional to its
 * length: libical's own string reader looks for the end of the line anew
 * for each 1 KB piece it hands out, so one 20 MB line took 32 s. PROGRESS
 * may be NULL. The caller frees the result with icalcomponent_free(); NULL
 * when libical read no component. */
icalcomponent *ical_parse(const char *text, size_t length, const ical_parse_progress *progress);

/* The name P was written with: its X- name, or libical's name for its kind.
 * Never NULL ("" when libical knows neither). */
const char *ical_property_name(icalproperty *p);

/* libical's name for C's kind ("VEVENT"), or NULL when the kind does not
 * tell the name: a component libical does not know, or an X- component.
 * The text has the name then (the scan: import_scan.h). */
const char *ical_known_component_name(icalcomponent *c);

/* The value of P as text, copied into ARENA; NULL when P has no value (or
 * out of memory). */
char *ical_value_text(almanac_arena *arena, icalproperty *p);

/* P's TZID parameter, or NULL when it has none or it is empty. */
const char *ical_tzid(icalproperty *p);

/* The value of C's first X- property named NAME (any case), or NULL. */
const char *ical_x_value(icalcomponent *c, const char *name);

/* The value of P's X- parameter named NAME (any case), or NULL. */
const char *ical_x_parameter(icalproperty *p, const char *name);

/* libical's children of a component, paired one by one with the scan's
 * (import_scan.h), which know their lines and the names libical does not.
 * libical keeps them in document order, except VTIMEZONEs: it puts each
 * first as it reads it, so they come in reverse order before the others.
 * So each kind is paired in its own order: the n-th VEVENT libical holds
 * with the n-th the scan saw, and so on; components libical does not know
 * (its kind does not tell their name) with those of names it does not
 * know. */
enum { ICAL_CHILD_KINDS = 48 };

typedef struct {
    const ics_scan *scan;
    size_t first;             /* the parent's first child in the scan */
    struct {
        icalcomponent_kind kind;
        size_t next;          /* where to look for the next one */
    } cursors[ICAL_CHILD_KINDS];
    size_t cursor_count;
    size_t *zones;            /* the scan's VTIMEZONEs, in document order */
    size_t zone_count, zones_taken;
    bool zones_listed, out_of_memory;
} ical_children;

/* Pairs the children whose first in the scan is FIRST (from
 * ics_scan_first_child(); SIZE_MAX: none). */
void ical_children_init(ical_children *children, const ics_scan *scan, size_t first);
void ical_children_free(ical_children *children);

/* The scan's component for C, libical's next child of the parent; SIZE_MAX
 * when the scan has none to pair it with. */
size_t ical_children_next(ical_children *children, icalcomponent *c);

/* What an X-LIC-ERROR message is about. */
typedef enum {
    ICAL_ERROR_PROPERTY,  /* a property libical removed: NAME is its name, or
                             "" when the message does not tell (X- names) */
    ICAL_ERROR_LINE,      /* a line that is no property ("X"): NAME is how the
                             scan names that line */
    ICAL_ERROR_PARAMETER, /* a parameter libical left out of a property it
                             kept: NAME is the property's, or "" */
    ICAL_ERROR_EMPTY,     /* a property with no value: nothing to lose */
    ICAL_ERROR_OTHER      /* anything else (a missing END): NAME is "" */
} ical_error_kind;

/* Reads MESSAGE, the text of an X-LIC-ERROR property, for the name of the
 * line it is about (upper case, cut to fit). */
ical_error_kind ical_error_subject(const char *message, char name[ICS_NAME_MAX]);

#endif
