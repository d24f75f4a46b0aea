/*
 * json_layout.h - how a JSON text is laid out, read from the text, and a
 * cJSON tree printed in a given layout.
 *
 * The events writer prints whole files in the canonical layout (two spaces
 * per level, one key per line, a list of plain values on one line). The
 * editors (write_events.c's merge, events_edit.c) print one event or feed
 * in the layout of the element it replaces or follows, read from the
 * user's file, so that the new bytes look as if the user had typed them:
 * the same newline (LF or CRLF), indentation (spaces or tabs, how many),
 * one line or several, spaces after ':' and ','.
 *
 * A layout read from a text points into it (MARGIN, INDENT): it lives as
 * long as that text.
 */
#ifndef ALMANAC_JSON_LAYOUT_H
#define ALMANAC_JSON_LAYOUT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "textbuf.h"

/* Bytes of a text, not NUL-terminated. */
typedef struct {
    const char *data;
    size_t length;
} text_slice;

typedef struct {
    const char *newline; /* "\n" or "\r\n" */
    text_slice indent;   /* one level deeper: "  ", "    ", "\t" */
    text_slice margin;   /* the indentation of the line the value starts on */
    bool one_line;       /* the whole value on one line */
    bool padded;         /* on one line: "{ " and " }" around members */
    bool colon_space;    /* "key": value rather than "key":value */
    bool comma_space;    /* ", " rather than "," between values on a line */
} json_layout;

/* The layout almanac_events_write() uses: LF, two spaces, one key per
 * line, a list of plain values on one line, no margin. */
json_layout json_layout_canonical(void);

/* The layout of the value at TEXT[START, END) (LENGTH bytes in all): its
 * line's indentation, whether it spans lines, the spaces it puts after ':'
 * and ',' and inside an object's braces, and one level of indentation (its
 * second line's, less its first line's). What the value does not show (a
 * value with no ',') is taken from FALLBACK. */
json_layout json_layout_read(const char *text, size_t length, size_t start, size_t end,
                             const json_layout *fallback);

/* "\r\n" when the text's first line ends so, else "\n". */
const char *json_text_newline(const char *text, size_t length);

/* The spaces and tabs that begin the line holding AT. */
text_slice json_line_indent(const char *text, size_t at);

/* Appends ITEM to OUT in LAYOUT: its first character as the value's, its
 * inner lines indented from LAYOUT's margin; no newline after it. */
void json_print(textbuf *out, const cJSON *item, const json_layout *layout);

/* Appends MEMBER (an object's child) as "key": value, in LAYOUT. */
void json_print_member(textbuf *out, const cJSON *member, const json_layout *layout);

/* A whole file: ROOT in the canonical layout with NEWLINE ("\n" or
 * "\r\n") for its line ends, one after it. Malloc'ed, the caller frees;
 * NULL when out of memory. */
char *json_print_document(const cJSON *root, const char *newline);

#endif
