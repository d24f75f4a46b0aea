/*
 * import_places.h - where libical's properties are in the text.
 *
 * libical keeps no line numbers; the pre-scan (import_scan.h) has the line
 * of every content line. This pairs the properties libical holds for one
 * component with the scan's lines of that component, once for the whole
 * component: a component may hold 100,000 properties, and a walk to find
 * each one's line would take their square. The n-th property of a name is
 * taken to be on the n-th line of that name (libical keeps them in the
 * text's order).
 *
 * Ownership: the index points into the scan and into libical's component,
 * which must outlive it (until places_free() or the next places_index());
 * it owns its arrays.
 */
#ifndef ALMANAC_IMPORT_PLACES_H
#define ALMANAC_IMPORT_PLACES_H

#include <libical/ical.h>
#include <stdbool.h>
#include <stddef.h>

#include "import_scan.h"

/* A place in the text: a byte offset (SIZE_MAX: none) and its line. */
typedef struct {
    size_t offset;
    unsigned line;
} ics_place;

typedef struct {
    const char *name;     /* upper case; the scan's */
    size_t offset;
    unsigned line;
} ics_named_line;

typedef struct {
    icalproperty *property;
    size_t sequence;      /* its position among the component's properties */
    char name[ICS_NAME_MAX]; /* upper case, cut as the scan cuts */
} ics_named_property;

typedef struct {
    icalproperty *property;
    size_t sequence;
    ics_place place;      /* the component's BEGIN when the scan did not see it */
    bool seen;            /* the scan had a line for it */
} ics_property_line;

typedef struct {
    const ics_scan *scan;
    icalcomponent *c;     /* the component indexed, or NULL */
    size_t component;     /* its index in the scan, or SIZE_MAX */
    ics_named_line *lines; /* its content lines, by name, then in order */
    size_t line_count;
    ics_named_property *named; /* its properties, by name, then in order */
    ics_property_line *properties; /* the same, by address */
    size_t property_count;
} ics_places;

void places_init(ics_places *places, const ics_scan *scan);
void places_free(ics_places *places);

/* Indexes component C of libical, COMPONENT in the scan (SIZE_MAX: not
 * seen), unless it is the one indexed. libical's iterator over C's
 * properties is left where it was. False when out of memory: every lookup
 * then answers the component's BEGIN. */
bool places_index(ics_places *places, icalcomponent *c, size_t component);

/* The BEGIN of scan component COMPONENT, or no place for SIZE_MAX. */
ics_place places_component(const ics_scan *scan, size_t component);

/* Where property P of the indexed component is; *SEEN (may be NULL): the
 * scan had its line. */
ics_place places_property(const ics_places *places, icalproperty *p, bool *seen);

/* Where the ORDINAL-th line named NAME (upper case) of the indexed
 * component is; its BEGIN when there is none. */
ics_place places_line(const ics_places *places, const char *name, size_t ordinal);

/* The indexed component's lines named NAME: the first, and *COUNT. */
const ics_named_line *places_lines_named(const ics_places *places, const char *name,
                                         size_t *count);

/* How many properties named NAME come before P in the indexed component. */
size_t places_named_before(const ics_places *places, const char *name, icalproperty *p);

#endif
