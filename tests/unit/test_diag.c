/*
 * test_diag.c - the catalogue of diagnostics and the list (diag.h,
 * diag_codes.h): a code's identifier, severity and template; a report
 * takes the code's severity; the excerpt of the line that locate keeps
 * (CRLF, CR alone, the end of the file, a NUL, a long line cut) and the
 * caret --show-source prints under it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "almanac/diag.h"

static void test_codes_have_an_identifier_a_severity_and_a_template(void **state)
{
    (void)state;
    assert_string_equal(almanac_diag_code_id(ALMANAC_CODE_E011), "E011");
    assert_string_equal(almanac_diag_code_template(ALMANAC_CODE_E011),
                        "invalid date '%.40s': %s");
    assert_int_equal(almanac_diag_code_severity(ALMANAC_CODE_E011), ALMANAC_ERROR);
    assert_int_equal(almanac_diag_code_severity(ALMANAC_CODE_W001), ALMANAC_WARNING);
    assert_int_equal(almanac_diag_code_find("e011"), ALMANAC_CODE_E011);
    assert_int_equal(almanac_diag_code_find("W358"), ALMANAC_CODE_W358);
    assert_int_equal(almanac_diag_code_find("E999"), ALMANAC_CODE_COUNT);
    assert_int_equal(almanac_diag_code_find("E01"), ALMANAC_CODE_COUNT);
    assert_string_equal(almanac_diag_code_id(ALMANAC_CODE_COUNT), "");
    /* every code: an identifier that finds it again, a template */
    for (unsigned c = 0; c < ALMANAC_CODE_COUNT; c++) {
        const char *id = almanac_diag_code_id((almanac_diag_code)c);
        assert_int_equal(strlen(id), 4);
        assert_true(id[0] == 'E' || id[0] == 'W');
        assert_int_equal(almanac_diag_code_find(id), c);
        assert_true(almanac_diag_code_template((almanac_diag_code)c)[0] != '\0');
    }
}

static void test_a_report_takes_its_code_and_severity(void **state)
{
    (void)state;
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_diagnostics_report(&diags, 3, "/events/0/start", ALMANAC_E011, "2022-13",
                               "the month is out of range");
    almanac_diagnostics_report(&diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_W002, 9999);
    assert_int_equal(diags.count, 2);
    assert_int_equal(diags.error_count, 1);
    assert_int_equal(diags.warning_count, 1);
    assert_int_equal(diags.items[0].code, ALMANAC_CODE_E011);
    assert_int_equal(diags.items[0].severity, ALMANAC_ERROR);
    assert_string_equal(diags.items[0].message,
                        "invalid date '2022-13': the month is out of range");
    assert_int_equal(diags.items[1].severity, ALMANAC_WARNING);
    almanac_diagnostics copy;
    almanac_diagnostics_init(&copy);
    almanac_diagnostics_copy(&copy, &diags.items[0]);
    assert_int_equal(copy.items[0].code, ALMANAC_CODE_E011);
    assert_string_equal(copy.items[0].pointer, "/events/0/start");
    almanac_diagnostics_free(&copy);
    almanac_diagnostics_free(&diags);
}

/* The excerpt of the one diagnostic at OFFSET in TEXT (LENGTH bytes). */
static almanac_diagnostics located(const char *text, size_t length, size_t offset)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_diagnostics_report(&diags, offset, NULL, ALMANAC_E052);
    almanac_diagnostics_locate(&diags, text, length);
    assert_non_null(diags.items[0].excerpt);
    return diags;
}

static void test_the_excerpt_is_the_line(void **state)
{
    (void)state;
    const char crlf[] = "{\r\n  \"a\": 1,\r\n}";
    almanac_diagnostics d = located(crlf, sizeof crlf - 1, 9);
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].excerpt, "  \"a\": 1,"); /* no CR */
    assert_int_equal(d.items[0].excerpt_caret, 6);
    almanac_diagnostics_free(&d);

    const char cr[] = "{\r  \"a\": 1,\r}";
    d = located(cr, sizeof cr - 1, 8);
    assert_int_equal(d.items[0].line, 2);
    assert_string_equal(d.items[0].excerpt, "  \"a\": 1,");
    almanac_diagnostics_free(&d);

    const char end[] = "{\n\"a\"";
    d = located(end, sizeof end - 1, sizeof end - 1); /* at the end of the file */
    assert_string_equal(d.items[0].excerpt, "\"a\"");
    assert_int_equal(d.items[0].excerpt_caret, 3);
    almanac_diagnostics_free(&d);

    const char nul[] = "ab\0cd\nx";
    d = located(nul, sizeof nul - 1, 3);
    assert_int_equal(d.items[0].excerpt_length, 5); /* the NUL is kept */
    assert_memory_equal(d.items[0].excerpt, "ab\0cd", 5);
    almanac_diagnostics_free(&d);
}

static void test_a_long_line_is_cut_around_the_offset(void **state)
{
    (void)state;
    char text[10000];
    memset(text, 'a', sizeof text);
    memcpy(text + 5000, "\xc3\xa9", 2); /* a character across the cut */
    size_t at = 5000 + ALMANAC_EXCERPT_BYTES - 1;
    almanac_diagnostics d = located(text, sizeof text, at);
    const almanac_diagnostic *x = &d.items[0];
    assert_true(x->excerpt_cut_before && x->excerpt_cut_after);
    assert_true(x->excerpt_length <= 2 * ALMANAC_EXCERPT_BYTES);
    assert_true((x->excerpt[0] & 0xC0) != 0x80); /* cut between characters */
    assert_int_equal(x->excerpt[x->excerpt_caret], 'a');
    almanac_diagnostics_free(&d);
}

static void test_the_caret_is_under_the_column(void **state)
{
    (void)state;
    const char text[] = "{\n\t\"x\xff\": \x1b\"\xc3\xa9\" }\n";
    const char *where = strchr(text, '}');
    almanac_diagnostics d = located(text, sizeof text - 1, (size_t)(where - text));
    char *out = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&out, &size);
    assert_int_equal(almanac_diagnostics_print(&d, stream, "f.json", ALMANAC_DIAG_TEXT_SOURCE,
                                               false), 0);
    fclose(stream);
    /* tab: 4 columns; \xff and \x1b shown escaped: 4 each; é: 1 */
    bool found = strstr(out, "f.json:2:13: error[E052]: ") != NULL &&
                 strstr(out, "\n    2 |     \"x\\xff\": \\x1b\"\xc3\xa9\" }\n"
                                "      |                      ^\n") != NULL;
    if (!found)
        fputs(out, stderr);
    free(out);
    almanac_diagnostics_free(&d);
    assert_true(found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_have_an_identifier_a_severity_and_a_template),
        cmocka_unit_test(test_a_report_takes_its_code_and_severity),
        cmocka_unit_test(test_the_excerpt_is_the_line),
        cmocka_unit_test(test_a_long_line_is_cut_around_the_offset),
        cmocka_unit_test(test_the_caret_is_under_the_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
