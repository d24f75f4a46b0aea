/*
 * fuzz_import.c - libFuzzer harness (3): iCalendar import, as
 * `almanac import` runs it.
 *
 * Any bytes go through the importer (libical's parser, the line-number
 * pre-scan, the mapping), and what it makes is written as an events file
 * and loaded back: nothing may crash, leak or read out of bounds, a
 * refusal must say why, and whatever the importer accepts must be an
 * events file that the loader reads back (the command validates it before
 * writing, so a file it rejects is a bug in the mapping only when it does
 * not load at all).
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
            almanac_document *back = almanac_load(json, strlen(json), &again);
            if (back == NULL && !almanac_diagnostics_has_errors(&again))
                abort();
            almanac_document_free(back);
            almanac_diagnostics_free(&again);
            free(json);
        }
    }
    almanac_document_free(doc);
    almanac_importer_free(importer);
    almanac_diagnostics_free(&diags);
    return 0;
}
