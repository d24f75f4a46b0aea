/*
 * almanac/import.h - iCalendar (RFC 5545) into the events format.
 *
 * What `almanac import` does, in two calls (import_files.c):
 *   almanac_document *doc = almanac_import_files(im, sources, count);
 *   char *json = almanac_import_result(doc, merge_or_NULL, &outcome);
 * or step by step:
 *   almanac_importer *im = almanac_importer_new();
 *   almanac_importer_add(im, "cal.ics", text, length, &diags);   (per file)
 *   almanac_document *doc = almanac_importer_finish(im);
 *   char *json = almanac_events_write(doc);   or almanac_events_merge(...)
 *   ... check json with almanac_load()/almanac_validate(), write it ...
 *   free(json); almanac_document_free(doc); almanac_importer_free(im);
 *
 * almanac_events_merge() edits the file's text rather than printing it
 * anew: events, feeds and the calendar it does not change keep their
 * bytes, a changed event only its changed members', new events and feeds
 * follow the last ones in the file's own layout (see almanac/edit.h).
 *
 * libical parses; a pre-scan of the raw text gives each diagnostic its line
 * (libical keeps none) and lets the events of a file with unbalanced
 * BEGIN/END still be read. Severities:
 *   error   - nothing of that file could be read (not iCalendar, UTF-16,
 *             NUL bytes); the caller writes nothing;
 *   warning - something was left out or changed to fit the events format:
 *             an event that could not be read (a bad date, an unknown
 *             TZID), or a kind of data the format cannot hold (RRULE,
 *             VALARM, ATTENDEE ...), one warning per kind with a count and
 *             its lines. --strict makes them errors.
 * Diagnostics carry byte offsets into the text given to _add(); their
 * "pointer" names the component and property ("VEVENT/RRULE").
 *
 * Ownership: the importer copies what it keeps; TEXT may be freed after
 * _add(), but each DIAGS list must live until _finish(), which may add
 * warnings to it (a RELATED-TO naming no imported event).
 */
#ifndef ALMANAC_IMPORT_H
#define ALMANAC_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "almanac/diag.h"
#include "almanac/model.h"
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct almanac_importer almanac_importer;

/* NULL when out of memory. Free with almanac_importer_free(). */
ALMANAC_API almanac_importer *almanac_importer_new(void);
ALMANAC_API void almanac_importer_free(almanac_importer *importer); /* accepts NULL */

/* What a long import is doing, for a progress line. */
typedef enum {
    ALMANAC_IMPORT_PARSING,    /* libical reads the text: DONE of TOTAL bytes */
    ALMANAC_IMPORT_CONVERTING, /* DONE of TOTAL events of a calendar converted */
    ALMANAC_IMPORT_FINISHING   /* recurrence overrides, ids, relations: TOTAL 0 */
} almanac_import_phase;

/* Called now and then, on the calling thread, from almanac_importer_add()
 * (NAME is the file's name) and almanac_importer_finish() (NAME is NULL);
 * at least once as each phase begins. */
typedef void (*almanac_import_progress)(void *context, const char *name,
                                        almanac_import_phase phase, size_t done, size_t total);

/* PROGRESS (NULL for none) is called with CONTEXT from now on. */
ALMANAC_API void almanac_importer_set_progress(almanac_importer *importer,
                                              almanac_import_progress progress, void *context);

/* Reads one iCalendar text of LENGTH bytes. NAME (a file name) names the
 * calendar when the text gives no name. The first text that has calendar
 * settings gives the document's. Returns the number of events taken, or
 * -1 when nothing could be read (an error is in DIAGS). */
ALMANAC_API long almanac_importer_add(almanac_importer *importer, const char *name, const char *text,
                          size_t length, almanac_diagnostics *diags);

/* The document of every event read: ids made unique and stable (from UIDs),
 * RELATED-TO resolved to ids, a feed per category whose label is not its
 * tag. The importer is left empty. Returns NULL when out of memory; the
 * caller frees with almanac_document_free(). An event's "timezone" is
 * always set for local times (writers leave it out where the calendar's
 * applies). */
ALMANAC_API almanac_document *almanac_importer_finish(almanac_importer *importer);

/* The document as an events file: pretty-printed JSON, keys in the
 * format's order, "$schema" set. Malloc'ed, the caller frees; NULL when out
 * of memory. */
ALMANAC_API char *almanac_events_write(const almanac_document *document);

typedef struct {
    size_t added, updated, unchanged;
    size_t id_comparisons; /* ids compared to match events: a few per event,
                              found by hash (a test shows the merge linear) */
} almanac_merge_counts;

/* Merges IMPORTED into the events file TEXT (LENGTH bytes, already checked
 * by almanac_load()/almanac_validate()): events are matched by id; a
 * matched event gets the imported values of the keys the calendar decides
 * (title, start, end, timezone, status are also removed when the import
 * has none) and keeps the user's other keys and their order; new events
 * are appended, and so are feeds the file does not declare. The calendar
 * stays the file's. Returns the new text (malloc'ed) and the counts, or
 * NULL with an error in DIAGS. */
ALMANAC_API char *almanac_events_merge(const char *text, size_t length, const almanac_document *imported,
                           almanac_merge_counts *counts, almanac_diagnostics *diags);

/* ---- the import command's steps (import_files.c) -------------------------- */

/* One file almanac_import_files() reads. */
typedef struct {
    const char *path;          /* set by the caller; "-" is standard input */
    char *text;                /* what was read; NULL when it could not be */
    size_t length;
    int read;                  /* almanac_read_file()'s result: 0; 1 too large; -1 unreadable */
    almanac_diagnostics diags; /* reading and importing it, located in TEXT */
} almanac_import_source;

/* Reads each of the COUNT files SOURCES[i].path names, adds each one read
 * to IMPORTER (progress, if set, is called meanwhile), and finishes it.
 * Returns the document (the caller frees it), or NULL when out of memory.
 * Every source's fields but PATH are set; free them with
 * almanac_import_sources_free(), which leaves the array to the caller. */
ALMANAC_API almanac_document *almanac_import_files(almanac_importer *importer,
                                                   almanac_import_source *sources,
                                                   size_t count);
ALMANAC_API void almanac_import_sources_free(almanac_import_source *sources, size_t count);

/* What almanac_import_result() did, beside the text it returns. */
typedef struct {
    int read;                     /* almanac_read_file() of MERGE: 0; 1 too large; -1 unreadable */
    almanac_diagnostics existing; /* MERGE's own problems, as `almanac check` finds them
                                     (never strict: they are the user's), located */
    almanac_diagnostics merge;    /* reading MERGE and merging into it; not located */
    bool merged;                  /* the merge was made: COUNTS says what it did */
    almanac_merge_counts counts;
    almanac_diagnostics check;    /* the result checked as `almanac check` would, located
                                     in it: an error is the importer's fault */
} almanac_import_outcome;

/* The events file an import makes: DOCUMENT alone (almanac_events_write())
 * or, with MERGE, merged into the events file MERGE names
 * (almanac_events_merge(), only when MERGE has no error). Returns it
 * (malloc'ed, the caller frees) only when it passes the check; otherwise
 * NULL, and *OUTCOME says why (nothing in it when out of memory). Free
 * *OUTCOME's lists with almanac_import_outcome_free() either way. */
ALMANAC_API char *almanac_import_result(const almanac_document *document, const char *merge,
                                        almanac_import_outcome *outcome);
ALMANAC_API void almanac_import_outcome_free(almanac_import_outcome *outcome);

#ifdef __cplusplus
}
#endif

#endif
