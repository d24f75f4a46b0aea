/*
 * fuzz_load.c - libFuzzer harness (1): the events loader and validator.
 *
 * Any bytes go through almanac_load(), almanac_validate() and
 * almanac_diagnostics_locate(), as `almanac check` runs them, and the
 * diagnostics are printed with their source lines (--show-source). Nothing may
 * crash, leak or read out of bounds, and a document that loads must come
 * with no errors or with at least one error recorded (never a silent NULL
 * for JSON that parsed).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "almanac/almanac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc = almanac_load((const char *)data, size, &diags);
    if (doc != NULL)
        almanac_validate(doc, &diags);
    else if (!almanac_diagnostics_has_errors(&diags) && diags.dropped == 0)
        abort(); /* refused without saying why */
    almanac_diagnostics_locate(&diags, (const char *)data, size);
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].offset != ALMANAC_NO_OFFSET &&
            (diags.items[i].offset > size || diags.items[i].line == 0))
            abort(); /* a place outside the input */
    for (size_t i = 0; i < diags.count; i++)
        if (diags.items[i].excerpt != NULL &&
            (diags.items[i].excerpt_caret > diags.items[i].excerpt_length ||
             diags.items[i].excerpt_length > 2 * ALMANAC_EXCERPT_BYTES))
            abort(); /* an excerpt larger than its bound, or a caret outside it */
    static FILE *sink;
    if (sink == NULL)
        sink = fopen("/dev/null", "w");
    if (sink != NULL)
        almanac_diagnostics_print(&diags, sink, "fuzz.json", ALMANAC_DIAG_TEXT_SOURCE, true);
    almanac_document_free(doc);
    almanac_diagnostics_free(&diags);
    return 0;
}
