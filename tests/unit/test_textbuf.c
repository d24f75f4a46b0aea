/*
 * test_textbuf.c - the growable string: appends across growth, printf
 * that does not fit, clearing for reuse, taking the text, and a failed
 * allocation that later appends and the result report.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"

static void test_empty(void **state)
{
    (void)state;
    textbuf b = STRBUF_INIT;
    assert_string_equal(textbuf_text(&b), "");
    char *text = textbuf_take(&b);
    assert_string_equal(text, "");
    free(text);
    textbuf_free(&b);
}

static void test_append_grows(void **state)
{
    (void)state;
    textbuf b = STRBUF_INIT;
    char expected[5001] = "";
    for (int i = 0; i < 1000; i++) {
        textbuf_puts(&b, "ab");
        textbuf_append(&b, "cdefgh", 3);
        strcat(expected, "abcde");
    }
    assert_int_equal(b.length, 5000);
    assert_string_equal(textbuf_text(&b), expected);
    textbuf_free(&b);
    assert_null(b.data);
}

static void test_printf(void **state)
{
    (void)state;
    textbuf b = STRBUF_INIT;
    textbuf_printf(&b, "%s=%d;", "x", 42);
    char long_text[1000];
    memset(long_text, 'y', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    /* longer than what is left: formatted again after growing */
    textbuf_printf(&b, "[%s]%.17g", long_text, 0.1);
    assert_int_equal(b.length, 5 + 1 + 999 + 1 + 19);
    assert_memory_equal(textbuf_text(&b), "x=42;[yyy", 9);
    assert_string_equal(textbuf_text(&b) + 5 + 1 + 999, "]0.10000000000000001");
    textbuf_free(&b);
}

static void test_clear_and_take(void **state)
{
    (void)state;
    textbuf b = STRBUF_INIT;
    textbuf_puts(&b, "first");
    size_t capacity = b.capacity;
    textbuf_clear(&b);
    assert_string_equal(textbuf_text(&b), "");
    assert_int_equal(b.capacity, capacity); /* memory kept for the next text */
    textbuf_puts(&b, "second");
    char *text = textbuf_take(&b);
    assert_string_equal(text, "second");
    free(text);
    assert_null(b.data);
    assert_int_equal(b.length, 0);
}

static void test_failure_is_sticky(void **state)
{
    (void)state;
    textbuf b = STRBUF_INIT;
    textbuf_puts(&b, "kept");
    b.failed = true; /* as after a failed realloc */
    textbuf_puts(&b, "lost");
    textbuf_printf(&b, "%d", 1);
    assert_int_equal(b.length, 4);
    assert_null(textbuf_text(&b));
    assert_null(textbuf_take(&b));
    assert_false(b.failed);
    /* a too-large append fails instead of wrapping around */
    textbuf_puts(&b, "x");
    textbuf_append(&b, "", SIZE_MAX - 1);
    assert_true(b.failed);
    textbuf_clear(&b); /* forgets the failure */
    textbuf_puts(&b, "again");
    assert_string_equal(textbuf_text(&b), "again");
    textbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty), cmocka_unit_test(test_append_grows),
        cmocka_unit_test(test_printf), cmocka_unit_test(test_clear_and_take),
        cmocka_unit_test(test_failure_is_sticky)};
    return cmocka_run_group_tests_name("textbuf", tests, NULL, NULL);
}
