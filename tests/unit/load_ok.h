/*
 * load_ok.h - for unit tests that need a valid document: loads and
 * validates TEXT, prints any diagnostic and fails the test on an error.
 * Include after <cmocka.h>. The caller frees the document.
 */
#ifndef ALMANAC_TEST_LOAD_OK_H
#define ALMANAC_TEST_LOAD_OK_H

#include <string.h>

#include "almanac/almanac.h"

static almanac_document *load_ok(const char *text)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc = almanac_load(text, strlen(text), &diags);
    if (doc != NULL)
        almanac_validate(doc, &diags);
    almanac_diagnostics_locate(&diags, text, strlen(text));
    for (size_t i = 0; i < diags.count; i++)
        print_message("%u:%u %s\n", diags.items[i].line, diags.items[i].column,
                      diags.items[i].message);
    assert_int_equal(diags.error_count, 0);
    almanac_diagnostics_free(&diags);
    assert_non_null(doc);
    return doc;
}

#endif
