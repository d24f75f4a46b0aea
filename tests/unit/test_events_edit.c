/*
 * test_events_edit.c - editing an events file without reformatting it:
 * the merge of an import into the repository's events.json, into a file of
 * one line per event, into a CRLF file indented with tabs; `add`'s unique
 * ids from titles; `fmt`'s canonical layout, the same model before and
 * after, the same bytes when run twice. Every result must pass the loader
 * and the validator as `almanac check` does.
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
#include "almanac/edit.h"
#include "almanac/import.h"
#include "events_text.h"
#include "json_map.h"

/* ---- helpers ------------------------------------------------------------ */

static char *read_text(const char *path, size_t *length)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    char *text = NULL;
    assert_int_equal(almanac_read_file(path, &text, length, &diags), 0);
    almanac_diagnostics_free(&diags);
    return text;
}

static void assert_checks(const char *text)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_check_text(text, strlen(text), &diags);
    if (almanac_diagnostics_has_errors(&diags)) {
        almanac_diagnostics_locate(&diags, text, strlen(text));
        almanac_diagnostics_print(&diags, stderr, "<edited>", ALMANAC_DIAG_TEXT, false);
        fail_msg("the edited file does not pass check:\n%s", text);
    }
    almanac_diagnostics_free(&diags);
}

/* TEXT loaded and validated with no error; the caller frees it. */
static almanac_document *load(const char *text)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc = almanac_load(text, strlen(text), &diags);
    assert_non_null(doc);
    almanac_validate(doc, &diags);
    assert_int_equal(diags.error_count, 0);
    almanac_diagnostics_free(&diags);
    return doc;
}

/* IMPORTED merged into TEXT; the result passes check. */
static char *merge(const char *text, const almanac_document *imported,
                   almanac_merge_counts *counts)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    char *merged = almanac_events_merge(text, strlen(text), imported, counts, &diags);
    assert_non_null(merged);
    assert_int_equal(diags.error_count, 0);
    almanac_diagnostics_free(&diags);
    assert_checks(merged);
    return merged;
}

/* A text of the file's events array: where each element is. */
typedef struct {
    events_text file;
    size_t *ends;
} spans;

static void open_spans(spans *s, const char *text)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    assert_int_equal(events_text_open(&s->file, text, strlen(text), &diags), 0);
    almanac_diagnostics_free(&diags);
    s->ends = calloc(s->file.events.count + 1, sizeof *s->ends);
    assert_non_null(s->ends);
    for (size_t i = 0; i < s->file.events.count; i++)
        s->ends[i] = json_value_end(text, strlen(text), s->file.events.elements[i]);
}

static void close_spans(spans *s)
{
    free(s->ends);
    events_text_close(&s->file);
}

/* TEXT[A, B) and OTHER[C, D) are the same bytes. */
static void assert_same_bytes(const char *text, size_t a, size_t b, const char *other, size_t c,
                              size_t d)
{
    assert_int_equal(b - a, d - c);
    if (memcmp(text + a, other + c, b - a) != 0)
        fail_msg("bytes differ: '%.*s' and '%.*s'", (int)(b - a), text + a, (int)(d - c),
                 other + c);
}

/* Everything a loaded model renders to: the JSON timeline and the feed. */
static char *render_model(const char *text)
{
    almanac_document *doc = load(text);
    char *out = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&out, &size);
    assert_non_null(stream);
    assert_int_equal(almanac_render_json(doc, NULL, stream), 0);
    almanac_ics_options options = {.default_modified = 1666310400};
    assert_int_equal(almanac_render_ics(doc, &options, stream), 0);
    assert_int_equal(fclose(stream), 0);
    almanac_document_free(doc);
    return out;
}

static char *format(const char *text)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    char *formatted = almanac_events_format(text, strlen(text), &diags);
    assert_non_null(formatted);
    assert_int_equal(diags.count, 0);
    almanac_diagnostics_free(&diags);
    return formatted;
}

static char *append(const char *text, const almanac_new_event *event, char **id)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_added_event added;
    char *result = almanac_events_append(text, strlen(text), event, &added, &diags);
    assert_non_null(result);
    assert_int_equal(diags.count, 0);
    almanac_diagnostics_free(&diags);
    assert_checks(result);
    *id = added.id;
    return result;
}

/* ---- merge -------------------------------------------------------------- */

/* The repository's events.json, hand-formatted (feeds and sources wrapped
 * by hand, places on one line): its events imported back with one title
 * changed and two events added. Only the changed title's bytes and the
 * added events may differ: the text before, between and after the events
 * stays, and so does every other event and the rest of the changed one. */
static void test_merge_into_the_repository_file(void **state)
{
    (void)state;
    size_t length;
    char *text = read_text("events.json", &length);
    almanac_document *doc = load(text);
    assert_true(doc->event_count >= 3);
    size_t n = doc->event_count, changed = n / 2;
    almanac_document imported = *doc;
    almanac_event *events = calloc(n + 2, sizeof *events);
    assert_non_null(events);
    memcpy(events, doc->events, n * sizeof *events);
    events[changed].title = "A title changed in the calendar app";
    events[n] = doc->events[0];
    events[n].id = "added-one";
    events[n].title = "Added one";
    events[n].related = (almanac_strings){0};
    events[n + 1] = doc->events[1];
    events[n + 1].id = "added-two";
    events[n + 1].related = (almanac_strings){0};
    imported.events = events;
    imported.event_count = n + 2;

    almanac_merge_counts counts;
    char *merged = merge(text, &imported, &counts);
    assert_int_equal(counts.updated, 1);
    assert_int_equal(counts.added, 2);
    assert_int_equal(counts.unchanged, n - 1);

    spans before, after;
    open_spans(&before, text);
    open_spans(&after, merged);
    assert_int_equal(after.file.events.count, n + 2);
    const size_t *b = before.file.events.elements, *a = after.file.events.elements;
    assert_same_bytes(text, 0, b[0], merged, 0, a[0]);
    for (size_t i = 0; i < n; i++) {
        if (i > 0) /* the separator before it */
            assert_same_bytes(text, before.ends[i - 1], b[i], merged, after.ends[i - 1], a[i]);
        if (i != changed)
            assert_same_bytes(text, b[i], before.ends[i], merged, a[i], after.ends[i]);
    }
    /* the changed event: only its title's value */
    char *event = strndup(text + b[changed], before.ends[changed] - b[changed]);
    char *title = strstr(event, "\"title\": ") + strlen("\"title\": ");
    size_t title_end = json_value_end(event, strlen(event), (size_t)(title - event));
    size_t size = strlen(event) + 100;
    char *expected = malloc(size);
    assert_non_null(expected);
    snprintf(expected, size, "%.*s\"A title changed in the calendar app\"%s",
             (int)(title - event), event, event + title_end);
    assert_same_bytes(expected, 0, strlen(expected), merged, a[changed], after.ends[changed]);
    free(expected);
    free(event);
    /* the added ones: after the same separator, then the file's end as it was */
    for (size_t i = n; i < n + 2; i++)
        assert_same_bytes(text, before.ends[n - 2], b[n - 1], merged, after.ends[i - 1], a[i]);
    assert_same_bytes(text, before.ends[n - 1], length, merged, after.ends[n + 1],
                      strlen(merged));
    assert_non_null(strstr(merged, "\n    {\n      \"id\": \"added-one\",\n"));

    /* merged again: nothing changes, not a byte */
    char *again = merge(merged, &imported, &counts);
    assert_int_equal(counts.updated + counts.added, 0);
    assert_string_equal(again, merged);
    free(again);

    close_spans(&before);
    close_spans(&after);
    free(merged);
    free(events);
    almanac_document_free(doc);
    free(text);
}

#define COMPACT                                                                         \
    "{\"calendar\": {\"id\": \"c\", \"name\": \"C\", \"timezone\": \"Europe/Berlin\"},\n" \
    " \"events\": [\n"                                                                  \
    "  {\"id\": \"a\", \"title\": \"Caf\\u00e9\", \"start\": \"2023-01-01\"},\n"        \
    "  {\"id\": \"b\", \"title\": \"B\", \"start\": \"2023-01-02\", \"tags\": [\"x\"]}\n" \
    " ]}"

/* One event per line, no newline at the end: the changed event stays on
 * its line, the new one gets its own line like the others, the new feed
 * too, in a "feeds" member before "events"; the escape the user wrote in
 * an untouched title stays as written. */
static void test_merge_keeps_one_line_per_event(void **state)
{
    (void)state;
    almanac_document *imported = load(
        "{\"calendar\": {\"id\": \"i\", \"name\": \"I\"},\n"
        " \"feeds\": [{\"id\": \"xs\", \"name\": \"X\", \"tags\": [\"x\"]}],\n"
        " \"events\": [\n"
        "  {\"id\": \"b\", \"title\": \"B changed\", \"start\": \"2023-01-02\", \"tags\": [\"x\"]},\n"
        "  {\"id\": \"c\", \"title\": \"C\", \"start\": \"2023-01-03\", \"end\": \"2023-01-04\"}\n"
        " ]}");
    almanac_merge_counts counts;
    char *merged = merge(COMPACT, imported, &counts);
    assert_string_equal(merged,
        "{\"calendar\": {\"id\": \"c\", \"name\": \"C\", \"timezone\": \"Europe/Berlin\"},\n"
        " \"feeds\": [\n"
        "  {\"id\": \"xs\", \"name\": \"X\", \"tags\": [\"x\"]}\n"
        " ],\n"
        " \"events\": [\n"
        "  {\"id\": \"a\", \"title\": \"Caf\\u00e9\", \"start\": \"2023-01-01\"},\n"
        "  {\"id\": \"b\", \"title\": \"B changed\", \"start\": \"2023-01-02\", \"tags\": [\"x\"]},\n"
        "  {\"id\": \"c\", \"title\": \"C\", \"start\": \"2023-01-03\", \"end\": \"2023-01-04\"}\n"
        " ]}");
    free(merged);
    almanac_document_free(imported);
}

/* A file of CRLF lines indented with tabs, compact separators: the
 * changed event and the new one come out in the same. */
static void test_merge_keeps_crlf_and_tabs(void **state)
{
    (void)state;
    static const char text[] =
        "{\r\n"
        "\t\"calendar\":{\r\n\t\t\"id\":\"c\",\r\n\t\t\"name\":\"C\"\r\n\t},\r\n"
        "\t\"events\":[\r\n"
        "\t\t{\r\n\t\t\t\"id\":\"a\",\r\n\t\t\t\"title\":\"A\",\r\n\t\t\t\"start\":\"2023-01-01\"\r\n\t\t},\r\n"
        "\t\t{\r\n\t\t\t\"id\":\"b\",\r\n\t\t\t\"title\":\"B\",\r\n\t\t\t\"start\":\"2023-01-02\"\r\n\t\t}\r\n"
        "\t]\r\n"
        "}\r\n";
    almanac_document *imported = load(
        "{\"calendar\": {\"id\": \"i\", \"name\": \"I\"}, \"events\": ["
        "{\"id\": \"a\", \"title\": \"A changed\", \"start\": \"2023-01-01\","
        " \"location\": {\"name\": \"Tashkent\"}},"
        "{\"id\": \"c\", \"title\": \"C\", \"start\": \"2023-01-03\", \"tags\": [\"p\", \"q\"]}]}");
    almanac_merge_counts counts;
    char *merged = merge(text, imported, &counts);
    assert_string_equal(merged,
        "{\r\n"
        "\t\"calendar\":{\r\n\t\t\"id\":\"c\",\r\n\t\t\"name\":\"C\"\r\n\t},\r\n"
        "\t\"events\":[\r\n"
        "\t\t{\r\n\t\t\t\"id\":\"a\",\r\n\t\t\t\"title\":\"A changed\",\r\n"
        "\t\t\t\"start\":\"2023-01-01\",\r\n"
        "\t\t\t\"location\":{\r\n\t\t\t\t\"name\":\"Tashkent\"\r\n\t\t\t}\r\n\t\t},\r\n"
        "\t\t{\r\n\t\t\t\"id\":\"b\",\r\n\t\t\t\"title\":\"B\",\r\n\t\t\t\"start\":\"2023-01-02\"\r\n\t\t},\r\n"
        "\t\t{\r\n\t\t\t\"id\":\"c\",\r\n\t\t\t\"title\":\"C\",\r\n\t\t\t\"start\":\"2023-01-03\",\r\n"
        "\t\t\t\"tags\":[\"p\", \"q\"]\r\n\t\t}\r\n"
        "\t]\r\n"
        "}\r\n");
    for (const char *p = merged; (p = strchr(p, '\n')) != NULL; p++)
        assert_int_equal(p[-1], '\r');
    free(merged);
    almanac_document_free(imported);
}

/* A changed event is edited member by member: a member whose value is
 * the same keeps its bytes (a place the user wrote on one line), a changed
 * value is printed in its own layout, a removed member goes with its
 * separator (in the middle, and last), a new one follows the last. */
static void test_merge_edits_a_changed_event_by_member(void **state)
{
    (void)state;
    static const char text[] =
        "{\n"
        "  \"calendar\": { \"id\": \"c\", \"name\": \"C\", \"timezone\": \"Europe/Berlin\" },\n"
        "  \"events\": [\n"
        "    {\n"
        "      \"id\": \"a\",\n"
        "      \"title\": \"A\",\n"
        "      \"start\": \"2024-01-09T10:00\",\n"
        "      \"end\": \"2024-01-09T11:00\",\n"
        "      \"repeat\": { \"frequency\": \"weekly\", \"count\": 3 },\n"
        "      \"location\": { \"name\": \"Berlin\", \"country\": \"Germany\" },\n"
        "      \"tags\": [\"x\"]\n"
        "    },\n"
        "    { \"id\": \"b\", \"title\": \"B\", \"start\": \"2024-02-01\", \"end\": \"2024-02-02\" }\n"
        "  ]\n"
        "}\n";
    almanac_document *imported = load(
        "{\"calendar\": {\"id\": \"i\", \"name\": \"I\", \"timezone\": \"Europe/Berlin\"},"
        " \"events\": [{\"id\": \"a\", \"title\": \"A moved\", \"start\": \"2024-01-09T10:00\","
        " \"status\": \"tentative\", \"repeat\": {\"frequency\": \"weekly\", \"count\": 3},"
        " \"location\": {\"name\": \"Berlin\", \"country\": \"Germany\"}, \"tags\": [\"x\"]},"
        " {\"id\": \"b\", \"title\": \"B\", \"start\": \"2024-02-01\"}]}");
    almanac_merge_counts counts;
    char *merged = merge(text, imported, &counts);
    assert_int_equal(counts.updated, 2);
    assert_string_equal(merged,
        "{\n"
        "  \"calendar\": { \"id\": \"c\", \"name\": \"C\", \"timezone\": \"Europe/Berlin\" },\n"
        "  \"events\": [\n"
        "    {\n"
        "      \"id\": \"a\",\n"
        "      \"title\": \"A moved\",\n"
        "      \"start\": \"2024-01-09T10:00\",\n"
        "      \"repeat\": \"FREQ=WEEKLY;COUNT=3\",\n"
        "      \"location\": { \"name\": \"Berlin\", \"country\": \"Germany\" },\n"
        "      \"tags\": [\"x\"],\n"
        "      \"status\": \"tentative\"\n"
        "    },\n"
        "    { \"id\": \"b\", \"title\": \"B\", \"start\": \"2024-02-01\" }\n"
        "  ]\n"
        "}\n");
    free(merged);
    almanac_document_free(imported);
}

/* An empty "events" array has no element to follow: the new events get a
 * line each, a level deeper than the array's line. */
static void test_merge_into_an_empty_array(void **state)
{
    (void)state;
    almanac_document *imported = load(
        "{\"calendar\": {\"id\": \"i\", \"name\": \"I\"}, \"events\": ["
        "{\"id\": \"a\", \"title\": \"A\", \"start\": \"2023-01-01\"},"
        "{\"id\": \"b\", \"title\": \"B\", \"start\": \"2023-01-02\"}]}");
    almanac_merge_counts counts;
    char *merged = merge("{\n  \"calendar\": {\"id\": \"c\", \"name\": \"C\"},\n"
                         "  \"events\": [ ]\n}\n", imported, &counts);
    assert_string_equal(merged,
        "{\n  \"calendar\": {\"id\": \"c\", \"name\": \"C\"},\n"
        "  \"events\": [\n"
        "    {\n      \"id\": \"a\",\n      \"title\": \"A\",\n      \"start\": \"2023-01-01\"\n    },\n"
        "    {\n      \"id\": \"b\",\n      \"title\": \"B\",\n      \"start\": \"2023-01-02\"\n    }\n"
        "  ]\n}\n");
    free(merged);
    /* a file on one line stays on one line */
    merged = merge("{\"calendar\": {\"id\": \"c\", \"name\": \"C\"}, \"events\": []}", imported,
                   &counts);
    assert_string_equal(merged, "{\"calendar\": {\"id\": \"c\", \"name\": \"C\"}, \"events\": ["
                                "{\"id\": \"a\", \"title\": \"A\", \"start\": \"2023-01-01\"}, "
                                "{\"id\": \"b\", \"title\": \"B\", \"start\": \"2023-01-02\"}]}");
    free(merged);
    almanac_document_free(imported);
}

/* ---- add ---------------------------------------------------------------- */

/* The id is the title as a slug, made unique; the rest of the file keeps
 * its bytes: the result is the file with the event inserted after the
 * last one, and nothing else. */
static void test_append_makes_a_unique_slug(void **state)
{
    (void)state;
    static const char text[] =
        "{\"calendar\": {\"id\": \"c\", \"name\": \"C\", \"timezone\": \"Asia/Tashkent\"},\n"
        " \"events\": [\n"
        "  { \"id\": \"sco-summit\", \"title\": \"SCO Summit\", \"start\": \"2022-09-15\" },\n"
        "  { \"id\": \"sco-summit-2\", \"title\": \"SCO Summit\", \"start\": \"2023-07-04\" }\n"
        " ]\n}\n";
    const char *tags[] = {"summit", "sco"};
    almanac_new_event event = {.title = "SCO Summit", .start = "2024-07-03",
                               .end = "2024-07-04", .timezone = "Asia/Almaty",
                               .status = "tentative", .location = "Astana",
                               .tags = tags, .tag_count = 2, .url = "https://example.org/sco"};
    char *id;
    char *result = append(text, &event, &id);
    assert_string_equal(id, "sco-summit-3");
    const char *last = strstr(text, "\"2023-07-04\" }") + strlen("\"2023-07-04\" }");
    size_t prefix = (size_t)(last - text);
    assert_memory_equal(result, text, prefix);
    assert_string_equal(result + prefix,
        ",\n  { \"id\": \"sco-summit-3\", \"title\": \"SCO Summit\", \"start\": \"2024-07-03\", "
        "\"end\": \"2024-07-04\", \"timezone\": \"Asia/Almaty\", \"status\": \"tentative\", "
        "\"location\": { \"name\": \"Astana\" }, \"tags\": [\"summit\", \"sco\"], "
        "\"url\": \"https://example.org/sco\" }\n ]\n}\n");
    free(id);

    /* added to the result: -4 */
    char *again = append(result, &event, &id);
    assert_string_equal(id, "sco-summit-4");
    free(id);
    free(again);

    /* an id given is kept, unless an event has it: then the error is there */
    event.id = "sco-summit-astana";
    again = append(result, &event, &id);
    assert_string_equal(id, "sco-summit-astana");
    assert_non_null(strstr(again, "{ \"id\": \"sco-summit-astana\", \"title\": \"SCO Summit\""));
    free(id);
    free(again);
    event.id = "sco-summit-2";
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_added_event added;
    assert_null(almanac_events_append(result, strlen(result), &event, &added, &diags));
    assert_null(added.id);
    assert_int_equal(diags.count, 1);
    assert_string_equal(diags.items[0].pointer, "/events/1");
    assert_int_equal(diags.items[0].offset, strstr(text, "{ \"id\": \"sco-summit-2\"") - text);
    almanac_diagnostics_free(&diags);
    free(result);
}

static char *id_for(const char *title)
{
    static const char text[] = "{\"calendar\": {\"id\": \"c\", \"name\": \"C\"}, \"events\": ["
                               "{\"id\": \"event\", \"title\": \"E\", \"start\": \"2023\"}]}";
    almanac_new_event event = {.title = title, .start = "2023-05-01"};
    char *id;
    free(append(text, &event, &id));
    return id;
}

static void assert_id_for(const char *title, const char *expected)
{
    char *id = id_for(title);
    assert_string_equal(id, expected);
    free(id);
}

/* Letters in ASCII, lower case, runs of anything else one hyphen; a long
 * title cut after a word; "event" (here taken: "event-2") for a title of
 * no letter. */
static void test_append_ids_from_titles(void **state)
{
    (void)state;
    assert_id_for("  Tashkent International Conference: 2022!  ", "tashkent-international-conference-2022");
    assert_id_for("Café Réunion à Zürich", "cafe-reunion-a-zurich");
    assert_id_for("Саммит ШОС в Самарканде", "sammit-sos-v-samarkande");
    assert_id_for("Straße", "strasse");
    assert_id_for("!!! ???", "event-2");
    assert_id_for("🎉", "event-2");
    char *id = id_for("The Conference on Interaction and Confidence-Building Measures in Asia, "
                      "sixth summit, Astana");
    assert_string_equal(id, "the-conference-on-interaction-and-confidence-building");
    assert_true(strlen(id) <= ALMANAC_TITLE_ID_MAX);
    free(id);
}

static void test_append_needs_a_title_and_an_events_file(void **state)
{
    (void)state;
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_added_event added;
    almanac_new_event no_title = {.start = "2023-01-01"};
    assert_null(almanac_events_append("{\"events\": []}", 14, &no_title, &added, &diags));
    almanac_new_event event = {.title = "T", .start = "2023-01-01"};
    assert_null(almanac_events_append("{\"calendar\": {}}", 16, &event, &added, &diags));
    assert_null(almanac_events_append("[1, 2]", 6, &event, &added, &diags));
    assert_null(added.id);
    assert_int_equal(diags.error_count, 3);
    assert_non_null(strstr(diags.items[1].message, "not an events file"));
    assert_non_null(strstr(diags.items[2].message, "not an events file"));
    almanac_diagnostics_free(&diags);
}

/* ---- fmt ---------------------------------------------------------------- */

/* TEXT formatted: the canonical layout, the same bytes when formatted
 * again, the same model (what it renders to) as the text. */
static char *assert_formats(const char *text)
{
    char *formatted = format(text);
    char *twice = format(formatted);
    assert_string_equal(twice, formatted);
    char *model = render_model(text), *model_formatted = render_model(formatted);
    assert_string_equal(model_formatted, model);
    free(model);
    free(model_formatted);
    free(twice);
    return formatted;
}

static void test_format_is_idempotent_and_keeps_the_model(void **state)
{
    (void)state;
    size_t length;
    char *text = read_text("events.json", &length);
    free(assert_formats(text));
    char *formatted = assert_formats(COMPACT);
    assert_string_equal(formatted,
        "{\n"
        "  \"calendar\": {\n"
        "    \"id\": \"c\",\n    \"name\": \"C\",\n    \"timezone\": \"Europe/Berlin\"\n  },\n"
        "  \"events\": [\n"
        "    {\n      \"id\": \"a\",\n      \"title\": \"Café\",\n      \"start\": \"2023-01-01\"\n    },\n"
        "    {\n      \"id\": \"b\",\n      \"title\": \"B\",\n      \"start\": \"2023-01-02\",\n"
        "      \"tags\": [\"x\"]\n    }\n"
        "  ]\n"
        "}\n");
    free(formatted);
    /* what almanac_events_write() writes is already formatted */
    almanac_document *doc = load(text);
    char *written = almanac_events_write(doc);
    formatted = format(written);
    assert_string_equal(formatted, written);
    free(formatted);
    free(written);
    almanac_document_free(doc);
    free(text);
}

static void test_format_keeps_crlf(void **state)
{
    (void)state;
    char *formatted = assert_formats("{\"calendar\": {\"id\": \"c\", \"name\": \"C\"},\r\n"
                                     "\"events\": [{\"id\": \"a\", \"title\": \"A\","
                                     " \"start\": \"2023-01-01\", \"location\":"
                                     " {\"name\": \"Tashkent\", \"geo\": [41.3, 69.240000]}}]}");
    assert_string_equal(formatted,
        "{\r\n  \"calendar\": {\r\n    \"id\": \"c\",\r\n    \"name\": \"C\"\r\n  },\r\n"
        "  \"events\": [\r\n    {\r\n      \"id\": \"a\",\r\n      \"title\": \"A\",\r\n"
        "      \"start\": \"2023-01-01\",\r\n      \"location\": {\r\n"
        "        \"name\": \"Tashkent\",\r\n        \"geo\": [41.3, 69.24]\r\n      }\r\n    }\r\n  ]\r\n}\r\n");
    free(formatted);
}

/* What cJSON would read otherwise than JSON: formatting it would change
 * the file's meaning, so it is refused with the place. */
static void test_format_refuses_what_parsers_read_differently(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{\"events\": [], \"x\": \"ab\\uGGGGcd\"}",
        "{\"events\": [], \"x\": 01}",
        "{\"events\": [], \"x\": 1e400}",
        "{\"events\": [] } x",
        "{\"events\": [",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        almanac_diagnostics diags;
        almanac_diagnostics_init(&diags);
        assert_null(almanac_events_format(texts[i], strlen(texts[i]), &diags));
        assert_int_equal(diags.error_count, 1);
        almanac_diagnostics_free(&diags);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_merge_into_the_repository_file),
        cmocka_unit_test(test_merge_keeps_one_line_per_event),
        cmocka_unit_test(test_merge_keeps_crlf_and_tabs),
        cmocka_unit_test(test_merge_edits_a_changed_event_by_member),
        cmocka_unit_test(test_merge_into_an_empty_array),
        cmocka_unit_test(test_append_makes_a_unique_slug),
        cmocka_unit_test(test_append_ids_from_titles),
        cmocka_unit_test(test_append_needs_a_title_and_an_events_file),
        cmocka_unit_test(test_format_is_idempotent_and_keeps_the_model),
        cmocka_unit_test(test_format_keeps_crlf),
        cmocka_unit_test(test_format_refuses_what_parsers_read_differently),
    };
    return cmocka_run_group_tests_name("events_edit", tests, NULL, NULL);
}
