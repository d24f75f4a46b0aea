/*
 * fuzz_import.c - libFuzzer harness (3): iCalendar import, as
 * `almanac import` runs it.
 *
 * Any bytes go through the importer (libical's parser, the line-number
 * pre-scan, the VTIMEZONE checks, the mapping), and what it makes is
 * written as an events file and checked as `almanac check` would: nothing
 * may crash, leak, read out of bounds or run away (libFuzzer's -timeout),
 * a refusal must say why, and whatever the importer accepts must pass the
 * loader and the validator without an error (the command checks its
 * result before writing it: an error there is an "internal error" that
 * writes nothing, a bug in the mapping).
 *
 * Seeds: the .ics files of tests/import/, its corpus, and seeds/import/
 * (components libical does not know, nested and at the top level;
 * VTIMEZONE rules; almanac's own X-ALMANAC-* shape). Dictionary: ics.dict.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "almanac/almanac.h"
#include "almanac/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    almanac_importer *importer = almanac_importer_new();
    if (importer == NULL)
        return 0;
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    long taken = almanac_importer_add(importer, "fuzz.ics", (const char *)data, size, &diags);
    if (taken < 0 && !almanac_diagnostics_has_errors(&diags) && diags.dropped == 0)
        abort(); /* refused without saying why */
    almanac_document *doc = almanac_importer_finish(importer);
    if (doc != NULL && taken > 0) {
        char *json = almanac_events_write(doc);
        if (json != NULL) {
            almanac_diagnostics again;
            almanac_diagnostics_init(&again);
            almanac_check_text(json, strlen(json), &again);
            if (almanac_diagnostics_has_errors(&again))
                abort(); /* the import would fail its own check */
            almanac_diagnostics_free(&again);
            free(json);
        }
    }
    almanac_document_free(doc);
    almanac_importer_free(importer);
    almanac_diagnostics_free(&diags);
    return 0;
}
