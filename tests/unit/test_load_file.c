/*
 * test_load_file.c - the library calls the commands share: the one load
 * sequence (almanac_load_checked, almanac_load_file: located diagnostics,
 * --strict, the document only without errors, the read's result kept
 * apart) and import's steps (almanac_import_files, almanac_import_result:
 * a result only when it passes the check, --merge's file judged first).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "almanac/almanac.h"

#define WARNING_FILE "tests/cases/warn/dst-gap-fold.json"
#define BAD_FILE "tests/cases/bad/bad-dates.json"
#define ICS_FILE "tests/import/after-end.ics"

static void test_load_file_keeps_the_document_only_without_errors(void **state)
{
    (void)state;
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc;
    assert_int_equal(almanac_load_file("events.json", NULL, &doc, &diags), 0);
    assert_non_null(doc);
    assert_false(almanac_diagnostics_has_errors(&diags));
    almanac_document_free(doc);
    almanac_diagnostics_free(&diags);

    almanac_diagnostics_init(&diags);
    assert_int_equal(almanac_load_file(BAD_FILE, NULL, &doc, &diags), 1);
    assert_null(doc);
    assert_true(almanac_diagnostics_has_errors(&diags));
    /* located in the file's text */
    assert_true(diags.items[0].line > 0);
    almanac_diagnostics_free(&diags);

    almanac_diagnostics_init(&diags);
    assert_int_equal(almanac_load_file("tests/no-such-file.json", NULL, &doc, &diags), -1);
    assert_null(doc);
    assert_true(almanac_diagnostics_has_errors(&diags));
    almanac_diagnostics_free(&diags);
}

static void test_strict_makes_warnings_errors(void **state)
{
    (void)state;
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc;
    assert_int_equal(almanac_load_file(WARNING_FILE, NULL, &doc, &diags), 0);
    assert_non_null(doc);
    assert_true(diags.warning_count > 0);
    almanac_document_free(doc);
    almanac_diagnostics_free(&diags);

    almanac_load_options strict = {.keep = ALMANAC_KEEP_CHECKED, .strict = true};
    almanac_diagnostics_init(&diags);
    assert_int_equal(almanac_load_file(WARNING_FILE, &strict, &doc, &diags), 1);
    assert_null(doc);
    assert_int_equal(diags.warning_count, 0);
    assert_true(diags.error_count > 0);
    almanac_diagnostics_free(&diags);
}

/* The import of ICS_FILE, for import_result. */
static almanac_document *import_one(void)
{
    almanac_importer *importer = almanac_importer_new();
    almanac_import_source source = {.path = ICS_FILE};
    almanac_document *doc = almanac_import_files(importer, &source, 1);
    assert_non_null(doc);
    assert_int_equal(source.read, 0);
    assert_non_null(source.text);
    almanac_import_sources_free(&source, 1);
    almanac_importer_free(importer);
    return doc;
}

static void test_import_result_passes_check(void **state)
{
    (void)state;
    almanac_document *doc = import_one();
    almanac_import_outcome outcome;
    char *json = almanac_import_result(doc, NULL, &outcome);
    assert_non_null(json);
    assert_false(almanac_diagnostics_has_errors(&outcome.check));
    almanac_diagnostics check;
    almanac_diagnostics_init(&check);
    almanac_check_text(json, strlen(json), &check);
    assert_false(almanac_diagnostics_has_errors(&check));
    almanac_diagnostics_free(&check);
    free(json);
    almanac_import_outcome_free(&outcome);
    almanac_document_free(doc);
}

static void test_import_result_merges_only_into_a_valid_file(void **state)
{
    (void)state;
    almanac_document *doc = import_one();
    almanac_import_outcome outcome;

    char *json = almanac_import_result(doc, "tests/no-such-file.json", &outcome);
    assert_null(json);
    assert_int_equal(outcome.read, -1);
    assert_true(almanac_diagnostics_has_errors(&outcome.merge));
    almanac_import_outcome_free(&outcome);

    json = almanac_import_result(doc, BAD_FILE, &outcome);
    assert_null(json);
    assert_int_equal(outcome.read, 0);
    assert_false(outcome.merged);
    assert_true(almanac_diagnostics_has_errors(&outcome.existing));
    almanac_import_outcome_free(&outcome);

    json = almanac_import_result(doc, "events.json", &outcome);
    assert_non_null(json);
    assert_true(outcome.merged);
    assert_int_equal(outcome.counts.added, doc->event_count);
    free(json);
    almanac_import_outcome_free(&outcome);
    almanac_document_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_file_keeps_the_document_only_without_errors),
        cmocka_unit_test(test_strict_makes_warnings_errors),
        cmocka_unit_test(test_import_result_passes_check),
        cmocka_unit_test(test_import_result_merges_only_into_a_valid_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
