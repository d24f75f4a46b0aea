/*
 * fuzz_edit.c - libFuzzer harness (5): editing an events file in place.
 *
 * Any bytes are the file `almanac add`, `fmt` and `import --merge` edit:
 * almanac_events_append() with a fixed event, almanac_events_format() and
 * almanac_events_merge() of a one-event import. Nothing may crash, leak or
 * read out of bounds; a refusal must say why (an error in the diagnostics);
 * formatting twice gives the same bytes; and when the file passes
 * `almanac check`, so does what add and fmt make of it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "almanac/almanac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool passes_check(const char *text, size_t length)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_check_text(text, length, &diags);
    bool good = !almanac_diagnostics_has_errors(&diags);
    almanac_diagnostics_free(&diags);
    return good;
}

/* A result is NULL with an error said, or text; when GOOD, text that
 * passes check (add's event is valid in any valid file). */
static void expect(const char *result, const almanac_diagnostics *diags, bool good)
{
    if (result == NULL && !almanac_diagnostics_has_errors(diags) && diags->dropped == 0)
        abort(); /* refused without saying why */
    if (result != NULL && good && !passes_check(result, strlen(result)))
        abort(); /* made a valid file invalid */
}

static void try_append(const char *text, size_t size, bool good)
{
    static const char *const tags[] = {"summit"};
    almanac_new_event event = {.title = "Summit in Astana \"2024\"", .start = "2024-07-03",
                               .end = "2024-07-04", .location = "Astana",
                               .tags = tags, .tag_count = 1};
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_added_event added = {0};
    char *result = almanac_events_append(text, size, &event, &added, &diags);
    expect(result, &diags, good);
    free(result);
    free(added.id);
    almanac_diagnostics_free(&diags);
}

static void try_format(const char *text, size_t size, bool good)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    char *once = almanac_events_format(text, size, &diags);
    expect(once, &diags, good);
    if (once != NULL) {
        almanac_diagnostics again_diags;
        almanac_diagnostics_init(&again_diags);
        char *twice = almanac_events_format(once, strlen(once), &again_diags);
        if (twice == NULL || strcmp(once, twice) != 0)
            abort(); /* not idempotent */
        free(twice);
        almanac_diagnostics_free(&again_diags);
    }
    free(once);
    almanac_diagnostics_free(&diags);
}

static void try_merge(const char *text, size_t size, bool good)
{
    static const char ics[] =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\nBEGIN:VEVENT\r\n"
        "UID:fuzz-1\r\nDTSTAMP:20240101T000000Z\r\nDTSTART;VALUE=DATE:20240703\r\n"
        "SUMMARY:Summit\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    almanac_diagnostics import_diags, diags;
    almanac_diagnostics_init(&import_diags);
    almanac_diagnostics_init(&diags);
    almanac_importer *importer = almanac_importer_new();
    if (importer != NULL)
        almanac_importer_add(importer, "fuzz.ics", ics, sizeof ics - 1, &import_diags);
    almanac_document *imported = importer != NULL ? almanac_importer_finish(importer) : NULL;
    if (imported != NULL && good) {
        almanac_merge_counts counts;
        char *result = almanac_events_merge(text, size, imported, &counts, &diags);
        expect(result, &diags, false); /* an id clash may make it invalid: check says so */
        free(result);
    }
    almanac_document_free(imported);
    almanac_importer_free(importer);
    almanac_diagnostics_free(&diags);
    almanac_diagnostics_free(&import_diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    bool good = passes_check(text, size);
    try_append(text, size, good);
    try_format(text, size, good);
    try_merge(text, size, good);
    return 0;
}
