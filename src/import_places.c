/*
 * import_places.c - where libical's properties are in the text (see
 * import_places.h).
 */
#include "import_places.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_ical.h"

void places_init(ics_places *places, const ics_scan *scan)
{
    memset(places, 0, sizeof *places);
    places->scan = scan;
    places->component = SIZE_MAX;
}

void places_free(ics_places *places)
{
    free(places->lines);
    free(places->named);
    free(places->properties);
    places_init(places, places->scan);
}

ics_place places_component(const ics_scan *scan, size_t component)
{
    if (component == SIZE_MAX)
        return (ics_place){SIZE_MAX, 0};
    return (ics_place){scan->components[component].begin, scan->components[component].line};
}

static int property_by_name(const void *a, const void *b)
{
    const ics_named_property *x = a, *y = b;
    int order = strcmp(x->name, y->name);
    return order != 0 ? order : (x->sequence > y->sequence) - (x->sequence < y->sequence);
}

static int line_by_name(const void *a, const void *b)
{
    const ics_named_line *x = a, *y = b;
    int order = strcmp(x->name, y->name);
    return order != 0 ? order : (x->offset > y->offset) - (x->offset < y->offset);
}

static int line_by_property(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)((const ics_property_line *)a)->property;
    uintptr_t y = (uintptr_t)((const ics_property_line *)b)->property;
    return (x > y) - (x < y);
}

/* The first of the N entries of SORTED (each SIZE bytes, its name at
 * NAME_AT) whose name is not below NAME. */
static size_t first_named(const void *sorted, size_t n, size_t size,
                          const char *(*name_at)(const void *entry), const char *name)
{
    size_t low = 0, high = n;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (strcmp(name_at((const char *)sorted + mid * size), name) < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

static const char *line_name(const void *entry)
{
    return ((const ics_named_line *)entry)->name;
}

static const char *property_name(const void *entry)
{
    return ((const ics_named_property *)entry)->name;
}

const ics_named_line *places_lines_named(const ics_places *places, const char *name,
                                         size_t *count)
{
    size_t first = first_named(places->lines, places->line_count, sizeof *places->lines,
                               line_name, name);
    size_t n = 0;
    while (first + n < places->line_count && strcmp(places->lines[first + n].name, name) == 0)
        n++;
    *count = n;
    return n > 0 ? &places->lines[first] : NULL;
}

/* The content lines of scan component COMPONENT, by name (*COUNT of them;
 * malloc'ed). Its lines follow its BEGIN, among those of its children. */
static ics_named_line *component_lines(const ics_scan *scan, size_t component, size_t *count)
{
    *count = 0;
    const ics_component *k = &scan->components[component];
    size_t low = 0, high = scan->line_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (scan->lines[mid].offset < k->begin)
            low = mid + 1;
        else
            high = mid;
    }
    size_t n = 0;
    for (size_t i = low; i < scan->line_count && scan->lines[i].offset < k->end; i++)
        n += scan->lines[i].component == component;
    ics_named_line *lines = malloc((n ? n : 1) * sizeof *lines);
    if (lines == NULL)
        return NULL;
    for (size_t i = low; *count < n; i++)
        if (scan->lines[i].component == component)
            lines[(*count)++] = (ics_named_line){scan->lines[i].name, scan->lines[i].offset,
                                                 scan->lines[i].line};
    if (n > 1)
        qsort(lines, n, sizeof *lines, line_by_name);
    return lines;
}

/* C's properties, with their names as the scan writes them, in order. */
static size_t name_properties(icalcomponent *c, ics_named_property *named, size_t count)
{
    /* libical has one property iterator per component, and callers come
     * here from their walks over C: put it back where it was. */
    icalproperty *current = icalcomponent_get_current_property(c);
    size_t n = 0;
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY);
         p != NULL && n < count; p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
        named[n].property = p;
        named[n].sequence = n;
        snprintf(named[n].name, sizeof named[n].name, "%s", ical_property_name(p));
        for (char *s = named[n].name; *s; s++)
            if (*s >= 'a' && *s <= 'z')
                *s = (char)(*s - 'a' + 'A');
        n++;
    }
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY);
         p != NULL && p != current; p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY))
        continue;
    return n;
}

bool places_index(ics_places *places, icalcomponent *c, size_t component)
{
    if (places->c == c && places->component == component)
        return true;
    places_free(places);
    size_t count = (size_t)icalcomponent_count_properties(c, ICAL_ANY_PROPERTY);
    places->named = malloc((count ? count : 1) * sizeof *places->named);
    places->properties = malloc((count ? count : 1) * sizeof *places->properties);
    if (component != SIZE_MAX)
        places->lines = component_lines(places->scan, component, &places->line_count);
    if (places->named == NULL || places->properties == NULL ||
        (component != SIZE_MAX && places->lines == NULL)) {
        places_free(places);
        return false;
    }
    ics_named_property *named = places->named;
    size_t n = name_properties(c, named, count);
    if (n > 1)
        qsort(named, n, sizeof *named, property_by_name);
    ics_place none = places_component(places->scan, component);
    for (size_t i = 0; i < n;) {
        size_t lines;
        const ics_named_line *line = places_lines_named(places, named[i].name, &lines);
        for (size_t k = 0; i < n && (k == 0 || strcmp(named[i].name, named[i - 1].name) == 0);
             i++, k++)
            places->properties[i] = (ics_property_line){
                named[i].property, named[i].sequence,
                k < lines ? (ics_place){line[k].offset, line[k].line} : none, k < lines};
    }
    places->property_count = n;
    if (n > 1)
        qsort(places->properties, n, sizeof *places->properties, line_by_property);
    places->c = c;
    places->component = component;
    return true;
}

static const ics_property_line *entry_of(const ics_places *places, icalproperty *p)
{
    ics_property_line key = {.property = p};
    return places->property_count > 0
        ? bsearch(&key, places->properties, places->property_count, sizeof key,
                  line_by_property)
        : NULL;
}

ics_place places_property(const ics_places *places, icalproperty *p, bool *seen)
{
    const ics_property_line *entry = entry_of(places, p);
    if (seen != NULL)
        *seen = entry != NULL && entry->seen;
    return entry != NULL ? entry->place : places_component(places->scan, places->component);
}

ics_place places_line(const ics_places *places, const char *name, size_t ordinal)
{
    size_t count;
    const ics_named_line *line = places_lines_named(places, name, &count);
    return ordinal < count ? (ics_place){line[ordinal].offset, line[ordinal].line}
                           : places_component(places->scan, places->component);
}

size_t places_named_before(const ics_places *places, const char *name, icalproperty *p)
{
    const ics_property_line *entry = entry_of(places, p);
    if (entry == NULL)
        return 0;
    const ics_named_property *named = places->named;
    size_t first = first_named(named, places->property_count, sizeof *named, property_name,
                               name);
    size_t n = 0;
    while (first + n < places->property_count && strcmp(named[first + n].name, name) == 0 &&
           named[first + n].sequence < entry->sequence)
        n++;
    return n;
}
