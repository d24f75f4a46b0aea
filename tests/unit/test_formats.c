/*
 * test_formats.c - the table of timeline formats (formats.h) that the
 * command line, build, serve and the fuzz harness read: its rows are
 * complete and distinct, the first is the default, build writes the three
 * files the README names, and each row's renderer writes through the
 * shared step (timeline_render.h) as its public function does.
 */
#define _DEFAULT_SOURCE /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "almanac/almanac.h"
#include "formats.h"
#include "load_ok.h"
#include "timeline_render.h"

static const char DOC[] =
    "{\"calendar\": {\"id\": \"cal\", \"name\": \"Cal\", \"timezone\": \"Asia/Tashkent\"},\n"
    "\"events\": ["
    "{\"id\": \"b\", \"title\": \"B\", \"start\": \"2023-04-01\", \"tags\": [\"talk\"]},"
    "{\"id\": \"a\", \"title\": \"A\", \"start\": \"2022-10\"}]}";

static void test_rows_are_complete_and_distinct(void **state)
{
    (void)state;
    assert_true(timeline_format_count >= 4);
    size_t paged = 0;
    for (size_t i = 0; i < timeline_format_count; i++) {
        const timeline_format *f = &timeline_formats[i];
        assert_non_null(f->name);
        assert_non_null(f->file);
        assert_non_null(f->content_type);
        assert_non_null(f->render);
        assert_ptr_equal(timeline_format_find(f->name), f);
        for (size_t k = 0; k < i; k++) {
            assert_string_not_equal(timeline_formats[k].name, f->name);
            assert_string_not_equal(timeline_formats[k].file, f->file);
        }
        /* a built file must not look like a feed, the state or a year's page */
        assert_null(strstr(f->file, ".ics"));
        assert_string_not_equal(f->file, ALMANAC_STATE_FILE);
        paged += f->year_pages;
    }
    assert_true(paged <= 1); /* the year pages' names would collide */
    assert_null(timeline_format_find("pdf"));
    assert_null(timeline_format_find(""));
}

static void test_the_formats_the_command_line_and_build_know(void **state)
{
    (void)state;
    /* the default of almanac timeline */
    assert_string_equal(timeline_formats[0].name, "text");
    assert_ptr_equal(timeline_format_find("text")->render, almanac_render_text);
    assert_ptr_equal(timeline_format_find("markdown")->render, almanac_render_markdown);
    assert_ptr_equal(timeline_format_find("html")->render, almanac_render_html);
    assert_ptr_equal(timeline_format_find("json")->render, almanac_render_json);
    /* what almanac build writes and serve serves, in this order */
    const char *built[8];
    size_t count = 0;
    for (size_t i = 0; i < timeline_format_count && count < 8; i++)
        if (timeline_formats[i].built)
            built[count++] = timeline_formats[i].file;
    assert_int_equal(count, 3);
    assert_int_equal(timeline_format_built_count(), 3);
    assert_string_equal(built[0], "timeline.txt");
    assert_string_equal(built[1], "timeline.md");
    assert_string_equal(built[2], "index.html");
    assert_false(timeline_format_find("json")->built);
    assert_ptr_equal(timeline_format_paged(), timeline_format_find("html"));
    assert_string_equal(timeline_format_paged()->content_type, "text/html; charset=utf-8");
}

/* What RENDER writes of DOC with OPTIONS; NULL after a failure. */
static char *rendered(timeline_renderer render, const almanac_document *doc,
                      const almanac_timeline_options *options)
{
    char *buffer = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&buffer, &length);
    assert_non_null(out);
    int result = render(doc, options, out);
    fclose(out);
    if (result != 0) {
        free(buffer);
        return NULL;
    }
    return buffer;
}

static void test_every_renderer_writes_with_or_without_options(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(DOC);
    almanac_timeline_options zeroed = {0};
    for (size_t i = 0; i < timeline_format_count; i++) {
        char *defaults = rendered(timeline_formats[i].render, doc, NULL);
        char *given = rendered(timeline_formats[i].render, doc, &zeroed);
        assert_non_null(defaults);
        assert_non_null(given);
        assert_true(strlen(defaults) > 0);
        assert_string_equal(defaults, given); /* NULL means zeroed options */
        assert_non_null(strstr(defaults, "2023"));
        free(defaults);
        free(given);
    }
    almanac_document_free(doc);
}

static size_t body_count;

static int counting_body(const almanac_document *doc, const almanac_timeline_options *options,
                         size_t *order, size_t count, FILE *out)
{
    (void)options;
    body_count = count;
    for (size_t i = 0; i < count; i++)
        fprintf(out, "%s ", doc->events[order[i]].id);
    return 0;
}

static int failing_body(const almanac_document *doc, const almanac_timeline_options *options,
                        size_t *order, size_t count, FILE *out)
{
    (void)doc, (void)options, (void)order, (void)count, (void)out;
    return -1;
}

static void test_the_shared_step_selects_and_reports(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(DOC);
    char *buffer = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&buffer, &length);
    assert_non_null(out);
    /* NULL options: every event, in timeline order */
    assert_int_equal(timeline_render(doc, NULL, out, counting_body), 0);
    fflush(out);
    assert_int_equal(body_count, 2);
    assert_string_equal(buffer, "a b ");
    /* the options' filter chooses */
    static const char *const talk[] = {"talk"};
    almanac_timeline_options options = {.filter = {.tags = talk, .tag_count = 1}};
    assert_int_equal(timeline_render(doc, &options, out, counting_body), 0);
    assert_int_equal(body_count, 1);
    /* a failing body fails the render */
    assert_int_equal(timeline_render(doc, NULL, out, failing_body), -1);
    fclose(out);
    free(buffer);
    almanac_document_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows_are_complete_and_distinct),
        cmocka_unit_test(test_the_formats_the_command_line_and_build_know),
        cmocka_unit_test(test_every_renderer_writes_with_or_without_options),
        cmocka_unit_test(test_the_shared_step_selects_and_reports),
    };
    return cmocka_run_group_tests_name("formats", tests, NULL, NULL);
}
