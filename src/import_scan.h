/*
 * import_scan.h - a pre-scan of raw iCalendar text for what libical does
 * not tell: the line of every component and property, and BEGIN/END that
 * do not balance (libical then refuses the whole file).
 *
 * The scan does not parse values: libical does. It unfolds just enough of
 * each content line to read the property name, and, when BEGIN/END do not
 * balance, makes a repaired copy of the text without the broken components
 * so that libical can read the rest.
 */
#ifndef ALMANAC_IMPORT_SCAN_H
#define ALMANAC_IMPORT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "almanac/diag.h"

enum {
    ICS_NAME_MAX = 32,
    /* Components nest at most this deep; deeper ones are cut out. RFC 5545
     * and 9073 need four (VCALENDAR, VEVENT, PARTICIPANT, VLOCATION), and
     * libical frees a component by recursion: a million levels overflow
     * the stack. */
    ICS_MAX_DEPTH = 32
};

typedef struct {
    size_t offset;      /* start of the content line */
    unsigned line;      /* its 1-based line number */
    size_t component;   /* index of the component it is in, or SIZE_MAX */
    char name[ICS_NAME_MAX]; /* upper case, cut to fit */
} ics_line;

typedef struct {
    char name[ICS_NAME_MAX]; /* VEVENT, VALARM ... upper case */
    size_t begin;       /* offset of its BEGIN line */
    unsigned line;      /* line of its BEGIN */
    size_t end;         /* offset after its END line (or where it was cut) */
    size_t parent;      /* index of the enclosing component, or SIZE_MAX */
    size_t first_child; /* the first component inside it that was not
                           dropped, or SIZE_MAX */
    size_t next_sibling; /* the next component of its parent that was not
                            dropped, or SIZE_MAX */
    bool dropped;       /* unbalanced: left out of the repaired text */
} ics_component;

typedef struct {
    ics_line *lines;    /* every content line but BEGIN and END */
    size_t line_count;
    ics_component *components; /* in document order */
    size_t component_count;
    size_t first_top;   /* the first top-level component not dropped, or
                           SIZE_MAX; the others follow by next_sibling */
    char *repaired;     /* the text without broken components, or NULL when
                           the text balances as it is */
    size_t repaired_length;
} ics_scan;

/* Scans TEXT (LENGTH bytes). Unbalanced BEGIN/END are reported into DIAGS
 * as warnings at their offsets. Returns 0, or -1 when out of memory.
 * Free with ics_scan_free() either way. */
int ics_scan_run(ics_scan *scan, const char *text, size_t length,
                 almanac_diagnostics *diags);
void ics_scan_free(ics_scan *scan);

/* The first component directly inside PARENT (SIZE_MAX: the top level)
 * that was not dropped, or SIZE_MAX. Its next_sibling links lead to the
 * others, in document order: the order in which libical holds them. */
size_t ics_scan_first_child(const ics_scan *scan, size_t parent);

/* The ORDINAL-th content line named NAME directly inside COMPONENT, or
 * NULL. */
const ics_line *ics_scan_property(const ics_scan *scan, size_t component,
                                  const char *name, size_t ordinal);

/* How many values the content line at OFFSET holds: its value's commas
 * that no backslash escapes, plus one (libical reads at most 500). */
size_t ics_scan_value_count(const char *text, size_t length, size_t offset);

/* Copies the value of the content line at OFFSET (after the first ':'
 * outside quotes, unfolded) into BUFFER, at most SIZE - 1 bytes. */
void ics_scan_value(const char *text, size_t length, size_t offset,
                    char *buffer, size_t size);

#endif
