/*
 * test_strbuf.c - the growable string: appends across growth, printf
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

#include "strbuf.h"

static void test_empty(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    assert_string_equal(strbuf_text(&b), "");
    char *text = strbuf_take(&b);
    assert_string_equal(text, "");
    free(text);
    strbuf_free(&b);
}

static void test_append_grows(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    char expected[5001] = "";
    for (int i = 0; i < 1000; i++) {
        strbuf_puts(&b, "ab");
        strbuf_append(&b, "cdefgh", 3);
        strcat(expected, "abcde");
    }
    assert_int_equal(b.length, 5000);
    assert_string_equal(strbuf_text(&b), expected);
    strbuf_free(&b);
    assert_null(b.data);
}

static void test_printf(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    strbuf_printf(&b, "%s=%d;", "x", 42);
    char long_text[1000];
    memset(long_text, 'y', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    /* longer than what is left: formatted again after growing */
    strbuf_printf(&b, "[%s]%.17g", long_text, 0.1);
    assert_int_equal(b.length, 5 + 1 + 999 + 1 + 19);
    assert_memory_equal(strbuf_text(&b), "x=42;[yyy", 9);
    assert_string_equal(strbuf_text(&b) + 5 + 1 + 999, "]0.10000000000000001");
    strbuf_free(&b);
}

static void test_clear_and_take(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    strbuf_puts(&b, "first");
    size_t capacity = b.capacity;
    strbuf_clear(&b);
    assert_string_equal(strbuf_text(&b), "");
    assert_int_equal(b.capacity, capacity); /* memory kept for the next text */
    strbuf_puts(&b, "second");
    char *text = strbuf_take(&b);
    assert_string_equal(text, "second");
    free(text);
    assert_null(b.data);
    assert_int_equal(b.length, 0);
}

static void test_failure_is_sticky(void **state)
{
    (void)state;
    strbuf b = STRBUF_INIT;
    strbuf_puts(&b, "kept");
    b.failed = true; /* as after a failed realloc */
    strbuf_puts(&b, "lost");
    strbuf_printf(&b, "%d", 1);
    assert_int_equal(b.length, 4);
    assert_null(strbuf_text(&b));
    assert_null(strbuf_take(&b));
    assert_false(b.failed);
    /* a too-large append fails instead of wrapping around */
    strbuf_puts(&b, "x");
    strbuf_append(&b, "", SIZE_MAX - 1);
    assert_true(b.failed);
    strbuf_clear(&b); /* forgets the failure */
    strbuf_puts(&b, "again");
    assert_string_equal(strbuf_text(&b), "again");
    strbuf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty), cmocka_unit_test(test_append_grows),
        cmocka_unit_test(test_printf), cmocka_unit_test(test_clear_and_take),
        cmocka_unit_test(test_failure_is_sticky)};
    return cmocka_run_group_tests_name("strbuf", tests, NULL, NULL);
}
