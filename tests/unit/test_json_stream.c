/*
 * test_json_stream.c - the piecewise cJSON reader the loader streams from,
 * with and without its worker thread, and the arena array it fills.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena.h"
#include "json_stream.h"

/* The kinds of every token of TEXT, one letter each (M member, [ array
 * begin, E element, ] array end, $ end, ! fail), into OUT. */
static void kinds(const char *text, bool ahead, char *out, size_t size)
{
    static const char letters[] = {
        [JSON_STREAM_MEMBER] = 'M', [JSON_STREAM_ARRAY_BEGIN] = '[',
        [JSON_STREAM_ELEMENT] = 'E', [JSON_STREAM_ARRAY_END] = ']',
        [JSON_STREAM_END] = '$',    [JSON_STREAM_FAIL] = '!'};
    json_stream *s = json_stream_open(text, strlen(text), 0, "events", ahead);
    assert_non_null(s);
    size_t n = 0;
    for (;;) {
        json_stream_token *t = json_stream_next(s);
        assert_true(n + 1 < size);
        out[n++] = letters[t->kind];
        if (t->kind == JSON_STREAM_END || t->kind == JSON_STREAM_FAIL)
            break;
    }
    out[n] = '\0';
    /* after the end, the end again */
    assert_int_equal(letters[json_stream_next(s)->kind], out[n - 1]);
    json_stream_close(s);
}

static void expect_kinds(const char *text, const char *want)
{
    char got[64];
    kinds(text, false, got, sizeof got);
    assert_string_equal(got, want);
    kinds(text, true, got, sizeof got);
    assert_string_equal(got, want);
}

static void test_tokens(void **state)
{
    (void)state;
    expect_kinds("{\"a\": 1, \"events\": [{}, [], \"x\"], \"b\": {\"events\": []}}\n",
                 "M[EEE]M$");
    expect_kinds(" {} ", "$");
    expect_kinds("{\"events\": []}", "[]$");
    /* "events" that is not an array is a member like any other */
    expect_kinds("{\"events\": {\"x\": 1}}", "M$");
    /* what the stream leaves to the whole-tree path */
    expect_kinds("{\"events\": [1, ]}", "[E!");
    expect_kinds("{\"events\": [1 2]}", "[E!");
    expect_kinds("{\"a\": 1} x", "M!");
    expect_kinds("{\"a\" 1}", "!");
    expect_kinds("{a: 1}", "!");
    expect_kinds("[1]", "!");
    expect_kinds("", "!");
    expect_kinds("{\"a\": 1", "M!");
    expect_kinds("{\"events\": [{\"x\": tru}]}", "[!");
}

static void test_offsets_and_values(void **state)
{
    (void)state;
    const char *text = "{\"calendar\": {\"id\": \"c\"},\n \"events\": [ {\"id\": \"a\"} ,\"b\"]}";
    for (int ahead = 0; ahead < 2; ahead++) {
        json_stream *s = json_stream_open(text, strlen(text), 0, "events", ahead);
        json_stream_token *t = json_stream_next(s);
        assert_int_equal(t->kind, JSON_STREAM_MEMBER);
        assert_string_equal(t->key->valuestring, "calendar");
        assert_int_equal(t->key_start, 1);
        assert_int_equal(t->start, 13);
        assert_int_equal(t->end, 24);
        /* the reader takes a value: the stream must not free it */
        cJSON *calendar = t->value;
        t->value = NULL;
        t = json_stream_next(s);
        assert_int_equal(t->kind, JSON_STREAM_ARRAY_BEGIN);
        assert_int_equal(t->key_start, 27);
        assert_int_equal(text[t->start], '[');
        t = json_stream_next(s);
        assert_int_equal(t->kind, JSON_STREAM_ELEMENT);
        assert_int_equal(text[t->start], '{');
        assert_int_equal(text[t->end - 1], '}');
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(t->value, "id")->valuestring, "a");
        t = json_stream_next(s);
        assert_int_equal(t->kind, JSON_STREAM_ELEMENT);
        assert_string_equal(t->value->valuestring, "b");
        assert_int_equal(json_stream_next(s)->kind, JSON_STREAM_ARRAY_END);
        assert_int_equal(json_stream_next(s)->kind, JSON_STREAM_END);
        json_stream_close(s);
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(calendar, "id")->valuestring, "c");
        cJSON_Delete(calendar);
    }
}

/* Many events through the ring, and a reader that stops half-way: the
 * worker is stopped and every tree freed (ASan's leak check says so). */
static void test_many_and_early_close(void **state)
{
    (void)state;
    size_t n = 5000, size = n * 40 + 64, used = 0;
    char *text = malloc(size);
    assert_non_null(text);
    used += (size_t)snprintf(text + used, size - used, "{\"events\": [");
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(text + used, size - used, "%s{\"id\": \"e%zu\"}",
                                 i ? "," : "", i);
    used += (size_t)snprintf(text + used, size - used, "]}");
    for (int ahead = 0; ahead < 2; ahead++) {
        json_stream *s = json_stream_open(text, used, 0, "events", ahead);
        assert_int_equal(json_stream_next(s)->kind, JSON_STREAM_ARRAY_BEGIN);
        for (size_t i = 0; i < n; i++) {
            json_stream_token *t = json_stream_next(s);
            if (i == 1) /* let the worker fill every batch it may */
                nanosleep(&(struct timespec){.tv_nsec = 50 * 1000 * 1000}, NULL);
            assert_int_equal(t->kind, JSON_STREAM_ELEMENT);
            char want[32];
            snprintf(want, sizeof want, "e%zu", i);
            assert_string_equal(cJSON_GetObjectItemCaseSensitive(t->value, "id")->valuestring,
                                want);
        }
        assert_int_equal(json_stream_next(s)->kind, JSON_STREAM_ARRAY_END);
        assert_int_equal(json_stream_next(s)->kind, JSON_STREAM_END);
        json_stream_close(s);

        s = json_stream_open(text, used, 0, "events", ahead);
        for (size_t i = 0; i < n / 2; i++)
            json_stream_next(s);
        json_stream_close(s);
    }
    json_stream_close(NULL);
    free(text);
}

static void test_arena_array_grow(void **state)
{
    (void)state;
    almanac_arena *arena = arena_new();
    assert_non_null(arena);
    /* from a small array in a shared block to large ones of their own */
    size_t count = 4;
    uint32_t *items = arena_array(arena, count, sizeof *items);
    char *neighbour = arena_strndup(arena, "neighbour", 9);
    for (size_t i = 0; i < count; i++)
        items[i] = (uint32_t)i * 7u;
    while (count < 1000000) {
        size_t grown = count * 2;
        items = arena_array_grow(arena, items, count, grown, sizeof *items);
        assert_non_null(items);
        for (size_t i = count; i < grown; i++)
            items[i] = (uint32_t)i * 7u;
        count = grown;
    }
    for (size_t i = 0; i < count; i++)
        if (items[i] != (uint32_t)i * 7u)
            fail_msg("item %zu is %u", i, items[i]);
    assert_string_equal(neighbour, "neighbour");
    assert_null(arena_array_grow(arena, items, count, SIZE_MAX / 2, sizeof *items));
    assert_int_equal(items[count - 1], (uint32_t)(count - 1) * 7u);
    arena_free(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tokens), cmocka_unit_test(test_offsets_and_values),
        cmocka_unit_test(test_many_and_early_close), cmocka_unit_test(test_arena_array_grow)};
    return cmocka_run_group_tests_name("json_stream", tests, NULL, NULL);
}
