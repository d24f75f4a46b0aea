/*
 * test_text.c - UTF-8 checks, slugs and "did you mean" suggestions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "text.h"

static void test_utf8(void **state)
{
    (void)state;
    static const char good[] = "Душанбе, 東京, café 😀";
    assert_int_equal(utf8_invalid_at(good, strlen(good)), SIZE_MAX);
    assert_int_equal(utf8_length("Душанбе", strlen("Душанбе")), 7);
    /* overlong '/', a UTF-16 surrogate, beyond U+10FFFF, a lone continuation
     * byte, and a sequence cut short at the end */
    static const struct { const char *text; size_t at; } bad[] = {
        {"a\xC0\xAF", 1}, {"ab\xED\xA0\x80", 2}, {"\xF4\x90\x80\x80", 0},
        {"abc\x80", 3},   {"x\xD0", 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(utf8_invalid_at(bad[i].text, strlen(bad[i].text)), bad[i].at);
}

static void test_slugs(void **state)
{
    (void)state;
    assert_true(is_slug("sco-summit-2022"));
    assert_true(is_slug("a"));
    static const char *const not_slugs[] = {"", "-a", "a-", "a--b", "A", "a b", "a_b", "é"};
    for (size_t i = 0; i < sizeof not_slugs / sizeof not_slugs[0]; i++)
        if (is_slug(not_slugs[i]))
            fail_msg("'%s' is not a slug", not_slugs[i]);

    char slug[16];
    assert_true(slugify("  SCO Summit, 2022! ", slug, sizeof slug));
    assert_string_equal(slug, "sco-summit-2022");
    assert_true(is_slug(slug));
    assert_true(slugify("Border_security--Tajikistan", slug, sizeof slug));
    assert_string_equal(slug, "border-security"); /* cut to fit, no trailing hyphen */
    assert_true(is_slug(slug));
    assert_false(slugify("Душанбе", slug, sizeof slug));
    assert_string_equal(slug, "");
}

static void test_suggestions(void **state)
{
    (void)state;
    static const char *const keys[] = {"title", "start", "end", "location", "timezone"};
    assert_string_equal(closest_word("locaton", keys, 5), "location");
    assert_string_equal(closest_word("Title", keys, 5), "title"); /* case is folded */
    assert_string_equal(closest_word("timzone", keys, 5), "timezone");
    assert_null(closest_word("participants", keys, 5));
    assert_int_equal(edit_distance("kitten", "sitting", false), 3);
    assert_int_equal(edit_distance("", "abc", false), 3);
    assert_int_equal(edit_distance("ABC", "abc", true), 0);
    assert_false(is_plausible_typo("end", 3));
    assert_true(is_plausible_typo("sco-sumit-2022", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8), cmocka_unit_test(test_slugs),
        cmocka_unit_test(test_suggestions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
