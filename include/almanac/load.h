/*
 * almanac/load.h - from the bytes of events.json to a checked document.
 *
 * almanac_load() parses the JSON (with cJSON), checks the document's shape
 * key by key and builds the model; almanac_validate() then checks what
 * needs the whole document (unique ids, references, date order, timezones).
 * Both report into a diagnostics list and carry on, so one run finds every
 * problem. Offsets in the diagnostics refer to TEXT; call
 * almanac_diagnostics_locate() with the same text to get line:column.
 */
#ifndef ALMANAC_LOAD_H
#define ALMANAC_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "almanac/diag.h"
#include "almanac/model.h"
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Parses TEXT (LENGTH bytes, need not be NUL-terminated) into a new
 * document. Returns NULL when the text is not usable at all (not JSON, not
 * an object, out of memory); otherwise a document the caller frees with
 * almanac_document_free(), which may still have errors recorded in DIAGS:
 * check almanac_diagnostics_has_errors() before using it. */
ALMANAC_API almanac_document *almanac_load(const char *text, size_t length,
                               almanac_diagnostics *diags);

/* Checks TEXT (LENGTH bytes) as `almanac check` does, loading and
 * validating it and keeping only the diagnostics: for a program that wrote
 * an events file and must know it passes before anyone reads it. */
ALMANAC_API void almanac_check_text(const char *text, size_t length, almanac_diagnostics *diags);

/* What of an event's texts the document keeps. */
typedef enum {
    ALMANAC_KEEP_ALL,    /* everything, for rendering */
    ALMANAC_KEEP_CHECKED /* for checking only: titles, descriptions, places,
                            participants, sources' titles and publishers and
                            URLs are checked as always but not copied, and
                            read "" (most of a large file's model) */
} almanac_keep;

/* almanac_load() keeping what KEEP says; the same diagnostics either way. */
ALMANAC_API almanac_document *almanac_load_keeping(const char *text, size_t length, almanac_keep keep,
                                       almanac_diagnostics *diags);

/* Cross-checks a loaded document: ids unique and slugs, related ids exist,
 * end not before start, timezones exist in the tz database (TZDIR or
 * /usr/share/zoneinfo), feeds select tags that some event uses. */
ALMANAC_API void almanac_validate(const almanac_document *document,
                      almanac_diagnostics *diags);

/* Reads PATH ("-" is standard input) into a malloc'ed buffer with a NUL
 * after the last byte. Returns 0; 1 when the input is over
 * ALMANAC_MAX_FILE_BYTES (refused like invalid content); -1 when it cannot
 * be read. Both record a diagnostic. The caller frees *TEXT. */
ALMANAC_API int almanac_read_file(const char *path, char **text, size_t *length,
                      almanac_diagnostics *diags);

/* How almanac_load_checked() and almanac_load_file() load. */
typedef struct {
    almanac_keep keep; /* what of the texts the document keeps */
    bool strict;       /* every warning becomes an error (--strict) */
} almanac_load_options;

/* The sequence `almanac check` runs on TEXT (LENGTH bytes):
 * almanac_load_keeping(), almanac_validate(), almanac_diagnostics_locate()
 * in TEXT, and with OPTIONS->strict every warning made an error (OPTIONS
 * NULL: keep all, not strict). Returns the document only when DIAGS then
 * holds no error; the caller frees it with almanac_document_free().
 * Otherwise NULL, and DIAGS says why. */
ALMANAC_API almanac_document *almanac_load_checked(const char *text, size_t length,
                                                   const almanac_load_options *options,
                                                   almanac_diagnostics *diags);

/* almanac_read_file() of PATH ("-" is standard input), then
 * almanac_load_checked() of what it read (the text is freed before it
 * returns). Returns 0 with *DOCUMENT set (the caller frees it); 1 when the
 * file is too large or has errors, -1 when it cannot be read, both with
 * *DOCUMENT NULL and the reason in DIAGS. */
ALMANAC_API int almanac_load_file(const char *path, const almanac_load_options *options,
                                  almanac_document **document, almanac_diagnostics *diags);

#ifdef __cplusplus
}
#endif

#endif
