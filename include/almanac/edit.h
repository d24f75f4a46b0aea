/*
 * almanac/edit.h - changing an events file as a person would: an event
 * added after the last one, or the whole file laid out anew.
 *
 *   almanac_new_event event = {.title = "SCO Summit", .start = "2023-07-04",
 *                              .tags = tags, .tag_count = 2};
 *   almanac_added_event added;
 *   char *text = almanac_events_append(file, length, &event, &added, &diags);
 *   ... almanac_check_text(text, strlen(text), &check), as `almanac check`
 *       does; diagnostics under "/events/<added.index>" are the new event's;
 *       write the text only when there is no error ...
 *   free(text); free(added.id);
 *
 * almanac_events_append() and almanac_events_merge() (import.h) keep every
 * byte of the file they do not change: the new event follows the last one
 * with the separator, indentation, newline (LF or CRLF) and spacing the
 * file already uses, on one line if the last event is on one line.
 * almanac_events_format() is the other way, for people who want the
 * canonical layout, as gofmt or clang-format: the layout
 * almanac_events_write() writes, keys in the file's order.
 *
 * Both refuse (NULL, an error in DIAGS) a text cJSON cannot read or reads
 * otherwise than JSON does (a control character in a string, "\uGGGG",
 * 01): `almanac check` explains those; fix them first.
 *
 * Ownership: nothing is kept of the arguments; every returned string is
 * malloc'ed and the caller frees it. Nothing prints.
 */
#ifndef ALMANAC_EDIT_H
#define ALMANAC_EDIT_H

#include <stddef.h>

#include "almanac/diag.h"
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An event as `almanac add` takes it. Every text is written to the file
 * as given (JSON-escaped); NULL leaves the key out. */
typedef struct {
    const char *title;       /* required; the id is made from it */
    const char *id;          /* NULL: made from the title */
    const char *start;       /* required: "2023-07-04", "2023-07-04T10:00", ... */
    const char *end;         /* inclusive, at the start's precision */
    const char *timezone;    /* an IANA name; NULL: the calendar's */
    const char *status;      /* "confirmed", "tentative", "cancelled" */
    const char *location;    /* a place's name: "location": {"name": ...} */
    const char *description;
    const char *url;
    const char *const *tags; /* TAG_COUNT slugs ("summit") */
    size_t tag_count;
} almanac_new_event;

/* What almanac_events_append() did. */
typedef struct {
    char *id;     /* the event's id: malloc'ed, the caller frees */
    size_t index; /* its index in "events" */
} almanac_added_event;

/* ids made from titles are cut to this many bytes, at a hyphen where one
 * is near, so that "-2" ... fit in the loader's 100. */
enum { ALMANAC_TITLE_ID_MAX = 60 };

/* Appends EVENT to the events file TEXT (LENGTH bytes) as its last event.
 * Its id is made from the title: letters in ASCII ("Réunion à Ташкент" is
 * "reunion-a-taskent"), lower case, every other run of characters one
 * hyphen, "event" when nothing is left; then "-2", "-3" ... until no event
 * of the file has it. An id given in EVENT is taken as it is, unless an
 * event of the file has it. Returns the new text and fills ADDED, or
 * returns NULL with an error in DIAGS (no title or start, not an events
 * file, the id given is taken: its offset is the event that has it, out of
 * memory). The result is not checked: see above. */
ALMANAC_API char *almanac_events_append(const char *text, size_t length, const almanac_new_event *event,
                            almanac_added_event *added, almanac_diagnostics *diags);

/* TEXT (LENGTH bytes of JSON) in the canonical layout: two spaces per
 * level, one key per line, a list of plain values on one line, keys and
 * values as the file has them (cJSON writes every string and number: "\u00e9"
 * becomes "é", 1.50 becomes 1.5, the same values). Newlines stay LF or
 * CRLF as the file's first line ends; a byte order mark is dropped; one
 * newline ends the text. Formatting the result again gives the same bytes.
 * Returns the new text, or NULL with an error in DIAGS. */
ALMANAC_API char *almanac_events_format(const char *text, size_t length, almanac_diagnostics *diags);

#ifdef __cplusplus
}
#endif

#endif
