/*
 * test_load.c - the loader and validator: the model they build, and the
 * place, pointer and wording of what they report.
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

typedef struct {
    almanac_document *doc;
    almanac_diagnostics diags;
} loaded;

static loaded load(const char *text)
{
    loaded r;
    almanac_diagnostics_init(&r.diags);
    r.doc = almanac_load(text, strlen(text), &r.diags);
    if (r.doc != NULL)
        almanac_validate(r.doc, &r.diags);
    almanac_diagnostics_locate(&r.diags, text, strlen(text));
    return r;
}

static void unload(loaded *r)
{
    almanac_document_free(r->doc);
    almanac_diagnostics_free(&r->diags);
}

/* Asserts that a diagnostic whose message contains NEEDLE exists at
 * LINE:COLUMN with POINTER and SEVERITY. */
static void expect(const loaded *r, almanac_severity severity, unsigned line, unsigned column,
                   const char *pointer, const char *needle)
{
    for (size_t i = 0; i < r->diags.count; i++) {
        const almanac_diagnostic *d = &r->diags.items[i];
        if (strstr(d->message, needle) == NULL)
            continue;
        if (d->severity != severity || d->line != line || d->column != column ||
            strcmp(d->pointer, pointer) != 0)
            fail_msg("'%s': got %s %u:%u [%s], expected %s %u:%u [%s]", needle,
                     d->severity == ALMANAC_ERROR ? "error" : "warning", d->line, d->column,
                     d->pointer, severity == ALMANAC_ERROR ? "error" : "warning", line, column,
                     pointer);
        return;
    }
    for (size_t i = 0; i < r->diags.count; i++)
        print_message("  have: %u:%u %s [%s]\n", r->diags.items[i].line,
                      r->diags.items[i].column, r->diags.items[i].message,
                      r->diags.items[i].pointer);
    fail_msg("no diagnostic contains '%s'", needle);
}

#define CAL "\"calendar\": {\"id\": \"c\", \"name\": \"C\", \"timezone\": \"Asia/Tashkent\"}"

static void test_good_document(void **state)
{
    (void)state;
    loaded r = load("{" CAL ",\n"
                    "\"feeds\": [{\"id\": \"f\", \"name\": \"F\", \"tags\": [\"x\"]}],\n"
                    "\"events\": [\n"
                    " {\"id\": \"a\", \"title\": \"Ä title\", \"start\": \"2022-09-15\",\n"
                    "  \"end\": \"2022-09-16\", \"tags\": [\"x\"], \"status\": \"tentative\",\n"
                    "  \"location\": {\"name\": \"Samarkand\", \"geo\": [39.65, 66.96]},\n"
                    "  \"sources\": [{\"title\": \"S\", \"date\": \"2022-10\"}], \"related\": [\"b\"]},\n"
                    " {\"id\": \"b\", \"title\": \"B\", \"start\": \"2023-04-01T10:00\"}]}");
    assert_int_equal(r.diags.count, 0);
    assert_non_null(r.doc);
    assert_int_equal(r.doc->event_count, 2);
    assert_int_equal(r.doc->feed_count, 1);
    const almanac_event *a = &r.doc->events[0];
    assert_string_equal(a->title, "Ä title");
    assert_true(a->has_end);
    assert_int_equal(a->end.day, 16);
    assert_int_equal(a->status, ALMANAC_STATUS_TENTATIVE);
    assert_true(a->location.has_geo);
    assert_true(a->location.latitude > 39.6 && a->location.latitude < 39.7);
    assert_int_equal(a->source_count, 1);
    assert_int_equal(a->sources[0].date.precision, ALMANAC_PRECISION_MONTH);
    assert_string_equal(a->related.items[0], "b");
    assert_string_equal(almanac_event_timezone(r.doc, &r.doc->events[1]), "Asia/Tashkent");
    assert_true(almanac_feed_selects(&r.doc->feeds[0], a));
    assert_false(almanac_feed_selects(&r.doc->feeds[0], &r.doc->events[1]));
    unload(&r);
}

static void test_positions_and_pointers(void **state)
{
    (void)state;
    /* The bad values sit deep in nested arrays and objects: the position map
     * must follow cJSON's order exactly, including skipped siblings. */
    loaded r = load("{" CAL ",\n"
                    "\"events\": [\n"
                    " {\"id\": \"a\", \"title\": \"A\", \"start\": \"2022-10-18\", \"tags\": [\"x\", \"y\"],\n"
                    "  \"sources\": [{\"title\": \"S\"}, {\"title\": \"T\", \"date\": \"2022-13\"}]},\n"
                    " {\"id\": \"b\", \"title\": \"B\", \"start\": \"2022-10-18\", \"end\": \"2022-10-17\"}]}");
    expect(&r, ALMANAC_ERROR, 4, 54, "/events/0/sources/1/date", "the month is out of range");
    expect(&r, ALMANAC_ERROR, 5, 58, "/events/1/end", "end 2022-10-17 is before the start 2022-10-18");
    assert_int_equal(r.diags.error_count, 2);
    unload(&r);
}

static void test_unknown_and_duplicate_keys(void **state)
{
    (void)state;
    loaded r = load("{" CAL ",\n\"events\": [\n"
                    " {\"id\": \"a\", \"title\": \"A\", \"start\": \"2022\", \"locaton\": {},\n"
                    "  \"title\": \"again\", \"Tags\": []}]}");
    expect(&r, ALMANAC_ERROR, 3, 45, "/events/0/locaton", "unknown key 'locaton'; did you mean 'location'?");
    expect(&r, ALMANAC_ERROR, 4, 3, "/events/0/title", "duplicate key 'title'");
    expect(&r, ALMANAC_ERROR, 4, 21, "/events/0/Tags", "did you mean 'tags'?");
    unload(&r);
}

static void test_required_and_types(void **state)
{
    (void)state;
    loaded r = load("{\"calendar\": {\"id\": \"c\", \"name\": 5},\n"
                    "\"events\": [{\"title\": \"A\", \"start\": 2022}, \"x\"]}");
    expect(&r, ALMANAC_ERROR, 1, 34, "/calendar/name", "expected a string, found a number");
    expect(&r, ALMANAC_ERROR, 2, 12, "/events/0", "the event is missing the required key 'id'");
    expect(&r, ALMANAC_ERROR, 2, 36, "/events/0/start", "expected a date string");
    expect(&r, ALMANAC_ERROR, 2, 43, "/events/1", "expected an event object, found a string");
    unload(&r);
}

static void test_syntax_errors(void **state)
{
    (void)state;
    loaded r = load("{\"calendar\": {\"id\": \"c\",}\n}");
    expect(&r, ALMANAC_ERROR, 1, 24, "", "trailing comma");
    assert_null(r.doc);
    unload(&r);
    r = load("{\"calendar\": {\"id\": \"c\"");
    expect(&r, ALMANAC_ERROR, 1, 24, "", "the file ends too early");
    unload(&r);
    r = load("{\"a\": 1} x");
    expect(&r, ALMANAC_ERROR, 1, 10, "", "unexpected text after the end");
    unload(&r);
    r = load("   \n ");
    expect(&r, ALMANAC_ERROR, 1, 1, "", "the file is empty");
    unload(&r);
    r = load("[1]");
    expect(&r, ALMANAC_ERROR, 1, 1, "", "must hold one JSON object");
    unload(&r);
}

/* For check, the texts only renderers show are checked but not kept. */
static void test_keep_checked(void **state)
{
    (void)state;
    const char *text =
        "{" CAL ", \"events\": [{\"id\": \"a\", \"title\": \"Title\", \"start\": \"2022\",\n"
        "\"description\": \"Text\", \"location\": {\"name\": \"Samarkand\"},\n"
        "\"url\": \"https://example.org/a\", \"tags\": [\"x\"], \"participants\": [\"P\"],\n"
        "\"sources\": [{\"title\": \"S\", \"url\": \"ftp://x\"}], \"timezone\": \"UTC\"},\n"
        "{\"id\": \"b\", \"title\": \"two\\nlines\", \"start\": \"2022\"}]}";
    almanac_diagnostics all, checked;
    almanac_diagnostics_init(&all);
    almanac_diagnostics_init(&checked);
    almanac_document *full = almanac_load(text, strlen(text), &all);
    almanac_document *lean = almanac_load_keeping(text, strlen(text), ALMANAC_KEEP_CHECKED,
                                                  &checked);
    assert_non_null(full);
    assert_non_null(lean);
    /* the same words, at the same places */
    assert_int_equal(all.count, 2);
    assert_int_equal(checked.count, all.count);
    for (size_t i = 0; i < all.count; i++) {
        assert_int_equal(checked.items[i].offset, all.items[i].offset);
        assert_string_equal(checked.items[i].message, all.items[i].message);
        assert_string_equal(checked.items[i].pointer, all.items[i].pointer);
    }
    assert_int_equal(lean->event_count, full->event_count);
    const almanac_event *f = &full->events[0], *e = &lean->events[0];
    assert_string_equal(f->title, "Title");
    assert_string_equal(f->description, "Text");
    assert_string_equal(e->title, "");
    assert_string_equal(e->description, "");
    assert_string_equal(e->location.name, "");
    assert_string_equal(e->url, "");
    assert_string_equal(e->participants.items[0], "");
    /* what validation needs is kept */
    assert_string_equal(e->id, "a");
    assert_string_equal(e->tags.items[0], "x");
    assert_string_equal(e->timezone, "UTC");
    almanac_document_free(full);
    almanac_document_free(lean);
    almanac_diagnostics_free(&all);
    almanac_diagnostics_free(&checked);
}

static void test_hostile_bytes(void **state)
{
    (void)state;
    loaded r = load("\xEF\xBB\xBF{" CAL ", \"events\": []}");
    expect(&r, ALMANAC_ERROR, 1, 1, "", "byte order mark");
    unload(&r);
    r = load("{" CAL ", \"events\": [{\"id\": \"a\", \"title\": \"\xC3\x28\"}]}");
    expect(&r, ALMANAC_ERROR, 1, 102, "", "invalid UTF-8");
    unload(&r);
    r = load("{" CAL ", \"events\": [{\"id\": \"a\", \"title\": \"x\\u0000y\", \"start\": \"2022\"}]}");
    expect(&r, ALMANAC_ERROR, 1, 103, "/events/0/title", "\\u0000 is not allowed");
    unload(&r);
    /* found while the events are read one by one: said at the value that holds it */
    r = load("{\"calendar\": {\"id\": \"c\", \"name\": \"C\tD\", \"timezone\": \"UTC\"}, "
             "\"events\": []}");
    expect(&r, ALMANAC_ERROR, 1, 36, "/calendar/name", "raw control character U+0009");
    unload(&r);
    /* bad bytes after good events: the check runs as the events arrive */
    r = load("{" CAL ", \"events\": [{\"id\": \"a\", \"title\": \"A\", \"start\": \"2022\"},\n"
             "{\"id\": \"b\", \"title\": \"\xC3\x28\", \"start\": \"2022\"}]}");
    expect(&r, ALMANAC_ERROR, 2, 23, "", "invalid UTF-8");
    assert_null(r.doc);
    unload(&r);
    r = load("{" CAL ", \"events\": [{\"id\": \"a\", \"title\": \"A\", \"start\": \"2022\"}]}\n\xFF");
    expect(&r, ALMANAC_ERROR, 2, 1, "", "invalid UTF-8");
    unload(&r);
    r = load("{" CAL ", \"events\": [{\"id\": \"a\", \"title\": \"two\\nlines\", \"start\": \"2022\"}]}");
    expect(&r, ALMANAC_ERROR, 1, 101, "/events/0/title", "a title or name must be one line");
    unload(&r);
    char deep[2200];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        deep[n++] = '[';
    for (int i = 0; i < 1000; i++)
        deep[n++] = ']';
    deep[n] = '\0';
    r = load(deep);
    expect(&r, ALMANAC_ERROR, 1, 33, "", "nest deeper than 32 levels");
    unload(&r);
}

static void test_cross_checks(void **state)
{
    (void)state;
    loaded r = load("{\"calendar\": {\"id\": \"c\", \"name\": \"C\"},\n"
                    "\"feeds\": [{\"id\": \"f\", \"name\": \"F\", \"tags\": [\"nope\"]},\n"
                    "          {\"id\": \"f\", \"name\": \"G\", \"tags\": [\"x\"]}],\n"
                    "\"events\": [\n"
                    " {\"id\": \"a\", \"title\": \"A\", \"start\": \"2022-10-18T10:00\", \"related\": [\"zz\"], \"tags\": [\"x\"]},\n"
                    " {\"id\": \"a\", \"title\": \"B\", \"start\": \"2022-10-18T10:00\", \"timezone\": \"Asia/Tashkend\"},\n"
                    " {\"id\": \"b\", \"title\": \"B\", \"start\": \"2022-10\", \"end\": \"2022-10-20\"}]}");
    expect(&r, ALMANAC_WARNING, 2, 45, "/feeds/0/tags/0", "no event has the tag 'nope'");
    expect(&r, ALMANAC_ERROR, 3, 18, "/feeds/1/id", "duplicate feed id 'f'");
    expect(&r, ALMANAC_ERROR, 5, 37, "/events/0/start", "a local time needs a timezone");
    expect(&r, ALMANAC_ERROR, 5, 69, "/events/0/related/0", "related event 'zz' does not exist");
    expect(&r, ALMANAC_ERROR, 6, 9, "/events/1/id", "duplicate event id 'a'");
    expect(&r, ALMANAC_ERROR, 6, 69, "/events/1/timezone", "did you mean 'Asia/Tashkent'?");
    expect(&r, ALMANAC_ERROR, 7, 55, "/events/2/end", "write both the same way");
    unload(&r);
}

static void test_values(void **state)
{
    (void)state;
    loaded r = load("{\"calendar\": {\"id\": \"Bad Id\", \"name\": \"C\", \"refresh\": \"1 day\",\n"
                    " \"url\": \"ftp://x\"},\n"
                    "\"events\": [{\"id\": \"a\", \"title\": \"A\", \"start\": \"2022\", \"status\": \"planned\",\n"
                    " \"url\": \"https://x.org/a b\", \"location\": {\"name\": \"N\", \"geo\": [91, 0]}}]}");
    expect(&r, ALMANAC_ERROR, 1, 21, "/calendar/id", "is not a slug");
    expect(&r, ALMANAC_ERROR, 1, 55, "/calendar/refresh", "not an ISO 8601 duration");
    expect(&r, ALMANAC_ERROR, 2, 9, "/calendar/url", "not an absolute http:// or https:// URL");
    expect(&r, ALMANAC_ERROR, 3, 65, "/events/0/status", "(did you mean 'tentative'?)");
    expect(&r, ALMANAC_ERROR, 4, 9, "/events/0/url", "percent-encode");
    expect(&r, ALMANAC_ERROR, 4, 63, "/events/0/location/geo", "out of range");
    unload(&r);
}

static void test_diagnostics_limit(void **state)
{
    (void)state;
    /* 3000 unknown keys: the list keeps the first 1000 and counts the rest. */
    size_t size = 3000 * 16 + 200;
    char *text = malloc(size);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, size, "{" CAL ", \"events\": [], \"x\": {");
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(text + n, size - n, "%s\"k%d\": 1", i ? "," : "", i);
    snprintf(text + n, size - n, "}}");
    loaded r = load(text);
    assert_int_equal(r.diags.count, 1);
    unload(&r);
    free(text);
}

/* A 31-bit pseudo-random number from *SEED (an LCG): generated
 * documents the same on every run. */
static uint64_t next_random(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return *seed >> 33;
}

/* TEXT loaded, printing any error before failing on it. */
static loaded load_without_errors(const char *text)
{
    loaded r = load(text);
    for (size_t i = 0; r.diags.error_count > 0 && i < r.diags.count; i++)
        print_message("%u:%u %s\n", r.diags.items[i].line, r.diags.items[i].column,
                      r.diags.items[i].message);
    assert_int_equal(r.diags.error_count, 0);
    return r;
}

/* Each event's feeds are worked out once at load (feed_bits, for the first
 * 64 feeds); a feed beyond those is still decided by its tags. Either way
 * the answer must be: the event has one of the feed's tags. */
static void test_feed_membership(void **state)
{
    (void)state;
    enum { FEEDS = 70, EVENTS = 300, TAGS = FEEDS + 2 };
    size_t size = 100000;
    char *text = malloc(size);
    assert_non_null(text);
    size_t used = (size_t)snprintf(text, size, "{" CAL ",\n\"feeds\": [");
    for (int k = 0; k < FEEDS; k++) { /* feed k: tags t<k>, and t<k+2> for every third */
        char second[16] = "";
        if (k % 3 == 0)
            snprintf(second, sizeof second, ", \"t%d\"", k + 2);
        used += (size_t)snprintf(text + used, size - used,
                                 "%s{\"id\": \"f%d\", \"name\": \"F\", \"tags\": [\"t%d\"%s]}",
                                 k ? ",\n" : "", k, k, second);
    }
    used += (size_t)snprintf(text + used, size - used, "],\n\"events\": [");
    uint64_t seed = 7;
    for (int i = 0; i < EVENTS; i++) {
        used += (size_t)snprintf(text + used, size - used,
                                 "%s{\"id\": \"e%d\", \"title\": \"E\", \"start\": \"2023-01-01\", "
                                 "\"tags\": [", i ? ",\n" : "", i);
        int tags = i % 4; /* 0 to 3 distinct tags */
        for (int t = 0; t < tags; t++) {
            int tag = (int)(next_random(&seed) % (TAGS / 3)) * 3 + t; /* distinct within the event */
            used += (size_t)snprintf(text + used, size - used, "%s\"t%d\"", t ? ", " : "", tag);
        }
        used += (size_t)snprintf(text + used, size - used, "]}");
    }
    snprintf(text + used, size - used, "]}");
    assert_true(used + 3 < size);
    loaded r = load_without_errors(text);
    assert_int_equal(r.doc->feed_count, FEEDS);
    size_t members = 0;
    for (size_t k = 0; k < r.doc->feed_count; k++) {
        const almanac_feed *f = &r.doc->feeds[k];
        assert_int_equal(f->indexed, k < 64);
        for (size_t i = 0; i < r.doc->event_count; i++) {
            const almanac_event *e = &r.doc->events[i];
            bool has = false;
            for (size_t t = 0; t < f->tags.count; t++)
                has = has || almanac_event_has_tag(e, f->tags.items[t]);
            if (almanac_feed_selects(f, e) != has)
                fail_msg("feed %s, event %s: selects %d, tags say %d", f->id, e->id, !has, has);
            members += has;
        }
    }
    assert_true(members > EVENTS / 2); /* the test means something */
    unload(&r);
    free(text);
}

/* Related ids are resolved once at load (related_index); without that,
 * almanac_related_event searches. Both must find the event of that id. */
static void test_related_events(void **state)
{
    (void)state;
    enum { EVENTS = 400 };
    size_t size = 100000;
    char *text = malloc(size);
    assert_non_null(text);
    size_t used = (size_t)snprintf(text, size, "{" CAL ",\n\"events\": [");
    uint64_t seed = 11;
    for (int i = 0; i < EVENTS; i++) {
        used += (size_t)snprintf(text + used, size - used,
                                 "%s{\"id\": \"ev-%d\", \"title\": \"E\", \"start\": \"2023-01-01\", "
                                 "\"related\": [", i ? ",\n" : "", i);
        int related = i % 4; /* 0 to 3, distinct, never itself */
        for (int k = 0; k < related; k++) {
            int other = (i + 1 + k * (EVENTS / 4) + (int)(next_random(&seed) % (EVENTS / 4 - 1))) % EVENTS;
            used += (size_t)snprintf(text + used, size - used, "%s\"ev-%d\"", k ? ", " : "", other);
        }
        used += (size_t)snprintf(text + used, size - used, "]}");
    }
    snprintf(text + used, size - used, "]}");
    assert_true(used + 3 < size);
    loaded r = load_without_errors(text);
    size_t references = 0;
    for (int pass = 0; pass < 2; pass++) { /* indexed, then searching */
        for (size_t i = 0; i < r.doc->event_count; i++) {
            almanac_event *e = &r.doc->events[i];
            if (pass == 0)
                assert_true((e->related_index != NULL) == (e->related.count > 0));
            else
                e->related_index = NULL;
            for (size_t k = 0; k < e->related.count; k++) {
                const almanac_event *other = almanac_related_event(r.doc, e, k);
                assert_non_null(other);
                assert_ptr_not_equal(other, e);
                assert_string_equal(other->id, e->related.items[k]);
                references += pass == 0;
            }
        }
    }
    assert_true(references > EVENTS); /* the test means something */
    unload(&r);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_document),      cmocka_unit_test(test_positions_and_pointers),
        cmocka_unit_test(test_unknown_and_duplicate_keys), cmocka_unit_test(test_required_and_types),
        cmocka_unit_test(test_syntax_errors),      cmocka_unit_test(test_hostile_bytes),
        cmocka_unit_test(test_cross_checks),       cmocka_unit_test(test_values),
        cmocka_unit_test(test_diagnostics_limit),  cmocka_unit_test(test_keep_checked),
        cmocka_unit_test(test_feed_membership),    cmocka_unit_test(test_related_events)};
    /* The same tests with cJSON parsing on a worker thread ahead of the
     * loader, and with everything on one thread: both must say the same. */
    setenv("ALMANAC_THREADS", "2", 1);
    int failed = cmocka_run_group_tests_name("load, parsing ahead on a worker", tests, NULL, NULL);
    setenv("ALMANAC_THREADS", "1", 1);
    failed += cmocka_run_group_tests_name("load, on one thread", tests, NULL, NULL);
    return failed;
}
