/*
 * almanac/diag.h - diagnostics as values.
 *
 * Every problem found in an input is recorded in an almanac_diagnostics list
 * with its severity, the byte offset of the offending value in the input
 * text, its JSON Pointer, its code in the catalogue (diag_codes.h) and a
 * message that says how to fix it. Nothing in the library prints or exits:
 * the caller decides what to do with the list.
 *
 * Ownership: the list owns every string in it; almanac_diagnostics_free()
 * releases all of them. Callers never free individual entries.
 */
#ifndef ALMANAC_DIAG_H
#define ALMANAC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "almanac/diag_codes.h"
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Offset meaning "no particular place in the file". */
#define ALMANAC_NO_OFFSET SIZE_MAX

typedef struct {
    almanac_severity severity; /* the code's, or error after --strict */
    almanac_diag_code code;    /* its entry in the catalogue (diag_codes.h) */
    size_t offset;   /* byte offset into the input, or ALMANAC_NO_OFFSET */
    unsigned line;   /* 1-based; 0 until almanac_diagnostics_locate() */
    unsigned column; /* 1-based, in characters (code points) */
    char *pointer;   /* JSON Pointer such as "/events/4/end", or "" */
    char *message;
    /* The line the diagnostic is on, as almanac_diagnostics_locate() found
     * it: its raw bytes (anything the input held, NUL included) around the
     * offset, at most ALMANAC_EXCERPT_BYTES on each side; NULL when there is
     * no place or no memory. EXCERPT_CARET is the offset's byte in it; the
     * CUT flags say the line goes on before or after the excerpt. */
    char *excerpt;
    size_t excerpt_length;
    size_t excerpt_caret;
    bool excerpt_cut_before, excerpt_cut_after;
} almanac_diagnostic;

/* How many bytes of the line an excerpt keeps on each side of the offset. */
enum { ALMANAC_EXCERPT_BYTES = 60 };

typedef struct {
    almanac_diagnostic *items;
    size_t count;
    size_t capacity;
    size_t error_count;
    size_t warning_count;
    size_t dropped; /* not recorded because the list was full */
} almanac_diagnostics;

/* At most this many diagnostics are kept; a hostile file with millions of
 * errors gets the first ones and a count of the rest. */
enum { ALMANAC_DIAGNOSTICS_MAX = 1000 };

ALMANAC_API void almanac_diagnostics_init(almanac_diagnostics *list);
ALMANAC_API void almanac_diagnostics_free(almanac_diagnostics *list);

/* Records one diagnostic of the catalogue: CODE_AND_TEMPLATE is one of its
 * entries, such as ALMANAC_E012, which expands to the code and its printf
 * template, so that the compiler checks the arguments against the template:
 *
 *     almanac_diagnostics_report(list, offset, "/events/4", ALMANAC_E012, name);
 *
 * POINTER may be NULL. The severity is the code's. Out of memory is recorded
 * as a dropped diagnostic, never a crash. */
#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
ALMANAC_API void almanac_diagnostics_report(almanac_diagnostics *list, size_t offset,
                                            const char *pointer, almanac_diag_code code,
                                            const char *format, ...);

/* Appends a copy of D (message, pointer, code, severity) to LIST. */
ALMANAC_API void almanac_diagnostics_copy(almanac_diagnostics *list, const almanac_diagnostic *d);

/* Turns byte offsets into line:column for TEXT (LENGTH bytes) in one pass,
 * keeps each one's excerpt of its line, then sorts the list by position
 * (diagnostics with no offset first). */
ALMANAC_API void almanac_diagnostics_locate(almanac_diagnostics *list, const char *text,
                                size_t length);

/* Treats every warning as an error (--strict). */
ALMANAC_API void almanac_diagnostics_promote_warnings(almanac_diagnostics *list);

ALMANAC_API bool almanac_diagnostics_has_errors(const almanac_diagnostics *list);

typedef enum {
    ALMANAC_DIAG_TEXT,        /* file:line:col: error[E012]: message [pointer] */
    ALMANAC_DIAG_JSON,        /* one JSON array */
    ALMANAC_DIAG_TEXT_SOURCE  /* text, each followed by its line and a caret
                                 under the column (--show-source) */
} almanac_diag_format;

/* Prints the list, then (text format) a summary line such as
 * "2 errors, 1 warning". FILENAME is what the user called the input.
 * COLOR adds ANSI colour to the severities. Returns 0, or -1 on a write
 * error. */
ALMANAC_API int almanac_diagnostics_print(const almanac_diagnostics *list, FILE *stream,
                              const char *filename, almanac_diag_format format,
                              bool color);

/* One JSON array of the diagnostics of COUNT files: LISTS[i] of the file
 * the user called FILENAMES[i]. Returns 0, or -1 on a write error. */
ALMANAC_API int almanac_diagnostics_print_json(const almanac_diagnostics *const *lists,
                                               const char *const *filenames, size_t count,
                                               FILE *stream);

#ifdef __cplusplus
}
#endif

#endif
