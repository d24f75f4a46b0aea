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
    /* overlong '/', a UTF-16 surrogate, beyond U+10FFFF, a lone continuation
     * byte, and a sequence cut short at the end */
    static const struct { const char *text; size_t at; } bad[] = {
        {"a\xC0\xAF", 1}, {"ab\xED\xA0\x80", 2}, {"\xF4\x90\x80\x80", 0},
        {"abc\x80", 3},   {"x\xD0", 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(utf8_invalid_at(bad[i].text, strlen(bad[i].text)), bad[i].at);
}

/* The rules of RFC 3629 one byte at a time, written for clarity: the
 * reference the word-at-a-time utf8_invalid_at() must agree with. */
static size_t reference_invalid_at(const unsigned char *s, size_t length)
{
    for (size_t i = 0; i < length;) {
        unsigned c = s[i];
        size_t need = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                    : c >= 0xF0 && c <= 0xF4 ? 3 : 4;
        if (need == 4 || length - i <= need)
            return need == 0 ? SIZE_MAX : i;
        unsigned cp = need == 0 ? c : c & (0x3Fu >> need);
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3Fu);
        }
        static const unsigned least[] = {0, 0x80, 0x800, 0x10000};
        if (cp < least[need] || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return i;
        i += need + 1;
    }
    return SIZE_MAX;
}

/* Random text made of pieces that meet at every offset of a word: ASCII,
 * two-, three- and four-byte characters, and now and then a bad byte. */
static void test_utf8_agrees_with_reference(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", " ", "\"", "Ж", "й", "é", "\xC2\x80", "\xDF\xBF", "東", "😀", "\xEF\xBF\xBF",
        "\xF4\x8F\xBF\xBF", "abcdefg", "ДушанбеТашкент"};
    static const char *const bad[] = {
        "\x80", "\xBF", "\xC0\xAF", "\xC1\xBF", "\xC2", "\xD0 ", "\xE0\x80\x80",
        "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xF5", "\xFF", "\xE6\x9D", "\xF0\x9F\x98"};
    uint32_t seed = 12345;
    unsigned char text[256];
    for (int round = 0; round < 20000; round++) {
        size_t length = 0;
        while (length < 200) {
            seed = seed * 1103515245u + 12345u;
            unsigned pick = (seed >> 16) % 1000;
            const char *piece = pick < 6 ? bad[pick % (sizeof bad / sizeof bad[0])]
                                         : pieces[pick % (sizeof pieces / sizeof pieces[0])];
            size_t n = strlen(piece);
            memcpy(text + length, piece, n);
            length += n;
        }
        for (size_t cut = length - 16; cut <= length; cut++) {
            size_t expected = reference_invalid_at(text, cut);
            size_t got = utf8_invalid_at((const char *)text, cut);
            if (got != expected)
                fail_msg("round %d, %zu bytes: invalid at %zu, the reference says %zu", round,
                         cut, got, expected);
        }
    }
}

static void test_control_characters(void **state)
{
    (void)state;
    assert_int_equal(utf8_control_width("\x01", 1), 1);
    assert_int_equal(utf8_control_width("\x7f", 1), 1);
    assert_int_equal(utf8_control_width("\n", 1), 1);
    assert_int_equal(utf8_control_width("\xc2\x85", 2), 2);  /* NEL */
    assert_int_equal(utf8_control_width("\xc2\x9b", 2), 2);  /* CSI */
    assert_int_equal(utf8_control_width("\xc2\xa0", 2), 0);  /* no-break space */
    assert_int_equal(utf8_control_width("\xc2", 1), 0);       /* cut short */
    assert_int_equal(utf8_control_width("a", 1), 0);
    assert_int_equal(utf8_control_width("\xd0\x96", 2), 0);  /* Cyrillic Zhe */
    assert_int_equal(utf8_control_width("", 0), 0);
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

static void test_code_points(void **state)
{
    (void)state;
    size_t bytes;
    assert_int_equal(utf8_decode("A", 1, &bytes), 'A');
    assert_int_equal(bytes, 1);
    assert_int_equal(utf8_decode("\xD0\x94", 2, &bytes), 0x0414); /* Д */
    assert_int_equal(bytes, 2);
    assert_int_equal(utf8_decode("\xE2\x80\xAE", 3, &bytes), 0x202E);
    assert_int_equal(bytes, 3);
    assert_int_equal(utf8_decode("\xF0\x9F\x98\x80", 4, &bytes), 0x1F600);
    assert_int_equal(bytes, 4);
    /* cut short, or a continuation byte missing: the first byte alone */
    assert_int_equal(utf8_decode("\xE2\x80", 2, &bytes), 0xE2);
    assert_int_equal(bytes, 1);
    assert_int_equal(utf8_decode("\xE2x\xAE", 3, &bytes), 0xE2);
    assert_int_equal(bytes, 1);
    for (uint32_t cp = 0x202A; cp <= 0x202E; cp++)
        assert_true(unicode_is_bidi_control(cp));
    for (uint32_t cp = 0x2066; cp <= 0x2069; cp++)
        assert_true(unicode_is_bidi_control(cp));
    assert_false(unicode_is_bidi_control(0x200F)); /* RLM reorders nothing by itself */
    assert_false(unicode_is_bidi_control(0x0627)); /* Arabic alef */
}

static void test_visible(void **state)
{
    (void)state;
    static const char *const invisible[] = {
        "", " \t\n", "\xE2\x80\x8B", "\xC2\xA0\xE2\x81\xA0", "\xEF\xBB\xBF",
        "\xE3\x80\x80\xE2\xA0\x80", "\xE3\x85\xA4", "\xF3\xA0\x80\x81",
        "\xE2\x80\x8F\xCD\x8F"};
    for (size_t i = 0; i < sizeof invisible / sizeof invisible[0]; i++)
        assert_int_equal(utf8_first_visible(invisible[i], strlen(invisible[i])), SIZE_MAX);
    assert_int_equal(utf8_first_visible("\xE2\x80\x8Bx", 4), 3);
    assert_int_equal(utf8_first_visible("\xD8\xAF", 2), 0); /* Arabic dal */
    assert_int_equal(utf8_first_visible(" \xE6\x9D\xB1", 4), 1); /* 東 */
    assert_false(unicode_is_invisible('a'));
    assert_true(unicode_is_invisible(0x200B));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8), cmocka_unit_test(test_utf8_agrees_with_reference),
        cmocka_unit_test(test_control_characters), cmocka_unit_test(test_slugs),
        cmocka_unit_test(test_suggestions), cmocka_unit_test(test_code_points),
        cmocka_unit_test(test_visible)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
