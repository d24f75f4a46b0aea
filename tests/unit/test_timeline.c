/*
 * test_timeline.c - what every timeline format shares: the order of mixed
 * precisions, the filters, and the date labels.
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
#include "load_ok.h"

static almanac_date date(const char *text)
{
    almanac_date d;
    assert_int_equal(almanac_date_parse(text, strlen(text), &d), ALMANAC_DATE_OK);
    return d;
}

/* The selected ids joined by spaces, for one readable comparison. */
static void assert_selects(const almanac_document *doc, const almanac_timeline_filter *filter,
                           const char *expected)
{
    size_t count;
    size_t *order = almanac_timeline_select(doc, filter, &count);
    assert_non_null(order);
    char ids[512] = "";
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            strcat(ids, " ");
        strcat(ids, doc->events[order[i]].id);
    }
    free(order);
    assert_string_equal(ids, expected);
}

#define HEAD "{\"calendar\": {\"id\": \"cal\", \"name\": \"Cal\", \"timezone\": \"Asia/Tashkent\"},\n"

/* Written out of order on purpose: the timeline sorts. */
static const char MIXED[] = HEAD
    "\"feeds\": [{\"id\": \"talks\", \"name\": \"Talks\", \"tags\": [\"talk\"]}],\n"
    "\"events\": ["
    "{\"id\": \"day-b\", \"title\": \"B\", \"start\": \"2023-04-01\", \"tags\": [\"talk\"]},"
    "{\"id\": \"day-a\", \"title\": \"A\", \"start\": \"2023-04-01\"},"
    "{\"id\": \"late\", \"title\": \"L\", \"start\": \"2023-04-01T18:00\"},"
    "{\"id\": \"early\", \"title\": \"E\", \"start\": \"2023-04-01T09:00\","
    " \"timezone\": \"America/New_York\"},"
    "{\"id\": \"month\", \"title\": \"M\", \"start\": \"2023-04\", \"status\": \"tentative\"},"
    "{\"id\": \"year\", \"title\": \"Y\", \"start\": \"2023\", \"tags\": [\"talk\"]},"
    "{\"id\": \"longer\", \"title\": \"Two days\", \"start\": \"2023-04-01\","
    " \"end\": \"2023-04-02\"},"
    "{\"id\": \"before\", \"title\": \"Dec\", \"start\": \"2022-12-28\", \"end\": \"2023-01-03\","
    " \"status\": \"cancelled\"}]}";

static void test_order_of_mixed_precisions(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(MIXED);
    /* A year before its months, a month before its days, the days (the
     * shorter span first, ties by id) before the times of the same first
     * day, which go by local clock time whatever their zone. */
    assert_selects(doc, NULL, "before year month day-a day-b longer early late");
    almanac_timeline_filter reverse = {.reverse = true};
    assert_selects(doc, &reverse, "late early longer day-b day-a month year before");
    almanac_document_free(doc);
}

/* A deterministic generator (a 64-bit LCG) for the many-events test. */
static unsigned next_random(uint64_t *seed, unsigned below)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return (unsigned)(*seed >> 33) % below;
}

/* One random event: every precision, few distinct days (many ties), ends
 * of the start's kind. Appends to TEXT (SIZE bytes). */
static void random_event(uint64_t *seed, unsigned n, char *text, size_t size)
{
    static const int years[] = {1583, 2023, 2024, 2199};
    int y = years[next_random(seed, 4)], m = 1 + (int)next_random(seed, 3);
    int d = 1 + (int)next_random(seed, 3), k = (int)next_random(seed, 3);
    char start[32], end[40] = "";
    switch (next_random(seed, 5)) {
    case 0:
        snprintf(start, sizeof start, "%04d", y);
        if (k > 0 && y < 2199)
            snprintf(end, sizeof end, ", \"end\": \"%04d\"", y + 1);
        break;
    case 1:
        snprintf(start, sizeof start, "%04d-%02d", y, m);
        if (k > 0)
            snprintf(end, sizeof end, ", \"end\": \"%04d-%02d\"", y, m + k);
        break;
    case 2:
        snprintf(start, sizeof start, "%04d-%02d-%02d", y, m, d);
        if (k > 0)
            snprintf(end, sizeof end, ", \"end\": \"%04d-%02d-%02d\"", y, m, d + k);
        break;
    default:
        snprintf(start, sizeof start, "%04d-%02d-%02dT%02u:%02u%s%s", y, m, d,
                 next_random(seed, 3) * 9, next_random(seed, 2) * 30,
                 next_random(seed, 2) ? ":15" : "", next_random(seed, 2) ? "Z" : "");
        break;
    }
    size_t used = strlen(text);
    snprintf(text + used, size - used, "%s{\"id\": \"e%u-%u\", \"title\": \"T\", \"start\": \"%s\"%s}",
             n > 0 ? ",\n" : "", next_random(seed, 1000), n, start, end);
}

/* The sort works on keys made from the dates; the order must be exactly
 * almanac_date_compare on the start, then the last day, then the id. */
static void test_order_of_many_events(void **state)
{
    (void)state;
    enum { COUNT = 1500 };
    size_t size = (size_t)COUNT * 128 + 256;
    char *text = malloc(size);
    assert_non_null(text);
    snprintf(text, size, "%s\"events\": [\n", HEAD);
    uint64_t seed = 20221021;
    for (unsigned n = 0; n < COUNT; n++)
        random_event(&seed, n, text, size);
    strcat(text, "]}");
    almanac_document *doc = load_ok(text);
    free(text);
    size_t *order = almanac_document_sorted(doc);
    assert_non_null(order);
    for (size_t i = 1; i < doc->event_count; i++) {
        const almanac_event *a = &doc->events[order[i - 1]], *b = &doc->events[order[i]];
        int c = almanac_date_compare(&a->start, &b->start);
        if (c == 0)
            c = almanac_day_compare(almanac_date_last_day(a->has_end ? &a->end : &a->start),
                                    almanac_date_last_day(b->has_end ? &b->end : &b->start));
        if (c == 0)
            c = strcmp(a->id, b->id);
        if (c >= 0)
            fail_msg("%s sorted before %s", a->id, b->id);
    }
    free(order);
    almanac_document_free(doc);
}

static void test_filters(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(MIXED);
    /* Overlap, at any precision: the span from 2022 reaches into 2023. */
    almanac_timeline_filter f = {.has_from = true, .from = date("2023-01")};
    assert_selects(doc, &f, "before year month day-a day-b longer early late");
    f.from = date("2023-01-04");
    assert_selects(doc, &f, "year month day-a day-b longer early late");
    f.from = date("2023-04-02");
    assert_selects(doc, &f, "year month longer");
    f = (almanac_timeline_filter){.has_to = true, .to = date("2022")};
    assert_selects(doc, &f, "before");
    f.to = date("2023-03-31");
    assert_selects(doc, &f, "before year");
    f = (almanac_timeline_filter){.has_from = true, .from = date("2023-04"),
                                  .has_to = true, .to = date("2023-04")};
    assert_selects(doc, &f, "year month day-a day-b longer early late");

    const char *tags[] = {"talk", "none-has-it"};
    f = (almanac_timeline_filter){.tags = tags, .tag_count = 2};
    assert_selects(doc, &f, "year day-b");
    f = (almanac_timeline_filter){.feed = almanac_document_find_feed(doc, "talks")};
    assert_selects(doc, &f, "year day-b");
    f = (almanac_timeline_filter){.statuses = 1u << ALMANAC_STATUS_TENTATIVE |
                                              1u << ALMANAC_STATUS_CANCELLED};
    assert_selects(doc, &f, "before month");
    /* Filters combine: all of them must hold. */
    f.has_from = true;
    f.from = date("2023");
    assert_selects(doc, &f, "before month");
    f.from = date("2023-02");
    assert_selects(doc, &f, "month");
    f.from = date("2024");
    assert_selects(doc, &f, "");
    almanac_document_free(doc);
}

static void test_empty_document(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(HEAD "\"events\": []}");
    assert_selects(doc, NULL, "");
    almanac_document_free(doc);
}

/* Each event's label without and with its year, then its times. */
static void test_labels(void **state)
{
    (void)state;
    static const struct {
        const char *start, *end, *label, *with_year, *times;
    } cases[] = {
        {"2022-07-21", NULL, "21 Jul", "21 Jul 2022", ""},
        {"2022-09-15", "2022-09-16", "15–16 Sep", "15–16 Sep 2022", ""},
        {"2022-09-30", "2022-10-02", "30 Sep – 2 Oct", "30 Sep – 2 Oct 2022", ""},
        {"2022-12-28", "2023-01-03", "28 Dec 2022 – 3 Jan 2023", "28 Dec 2022 – 3 Jan 2023", ""},
        {"2023-04", NULL, "Apr", "Apr 2023", ""},
        {"2023-04", "2023-06", "Apr–Jun", "Apr–Jun 2023", ""},
        {"2023-11", "2024-02", "Nov 2023 – Feb 2024", "Nov 2023 – Feb 2024", ""},
        {"2023", NULL, "2023", "2023", ""},
        {"2023", "2024", "2023–2024", "2023–2024", ""},
        {"2022-10-18T10:00", "2022-10-18T12:30", "18 Oct", "18 Oct 2022",
         "10:00–12:30 Asia/Tashkent"},
        {"2025-03-29T22:00", "2025-03-30T04:00:30", "29–30 Mar", "29–30 Mar 2025",
         "22:00–04:00:30 Asia/Tashkent"},
        {"2022-10-18T05:00Z", NULL, "18 Oct", "18 Oct 2022", "05:00 UTC"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, HEAD "\"events\": [{\"id\": \"e\", \"title\": \"T\","
                 " \"start\": \"%s\"%s%s%s}]}", cases[i].start, cases[i].end ? ", \"end\": \"" : "",
                 cases[i].end ? cases[i].end : "", cases[i].end ? "\"" : "");
        almanac_document *doc = load_ok(text);
        char label[ALMANAC_LABEL_MAX];
        almanac_timeline_dates(&doc->events[0], label);
        assert_string_equal(label, cases[i].label);
        almanac_timeline_dates_with_year(&doc->events[0], label);
        assert_string_equal(label, cases[i].with_year);
        almanac_timeline_times(doc, &doc->events[0], label);
        assert_string_equal(label, cases[i].times);
        almanac_document_free(doc);
    }
}

static void test_partial_labels_and_marks(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(HEAD "\"events\": ["
        "{\"id\": \"a\", \"title\": \"T\", \"start\": \"2023-04\"},"
        "{\"id\": \"b\", \"title\": \"T\", \"start\": \"2023-04\", \"end\": \"2023-06\"},"
        "{\"id\": \"c\", \"title\": \"T\", \"start\": \"2023-11\", \"end\": \"2024-02\"},"
        "{\"id\": \"d\", \"title\": \"T\", \"start\": \"2023\"},"
        "{\"id\": \"e\", \"title\": \"T\", \"start\": \"2023\", \"end\": \"2024\"},"
        "{\"id\": \"f\", \"title\": \"T\", \"start\": \"2023-04-01\"}]}");
    static const char *const expected[] = {"April 2023", "April - June 2023",
                                           "November 2023 - February 2024", "2023",
                                           "2023 - 2024", ""};
    for (size_t i = 0; i < doc->event_count; i++) {
        char label[ALMANAC_LABEL_MAX];
        almanac_timeline_partial_label(&doc->events[i], label);
        assert_string_equal(label, expected[i]);
    }
    almanac_document_free(doc);
    assert_string_equal(almanac_timeline_status_mark(ALMANAC_STATUS_CONFIRMED), "");
    assert_string_equal(almanac_timeline_status_mark(ALMANAC_STATUS_TENTATIVE), " (planned)");
    assert_string_equal(almanac_timeline_status_mark(ALMANAC_STATUS_CANCELLED), " (cancelled)");
}

/* The loader refuses control characters, but the text timeline must not
 * pass one to the terminal whatever document it gets: every printed field
 * (calendar name, title, place, country, tags) with ESC, BEL, CR, TAB, DEL
 * and the C1 CSI comes out with none of them. */
static void test_text_prints_no_control_characters(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(
        "{\"calendar\": {\"id\": \"c\", \"name\": \"C\"},"
        " \"events\": [{\"id\": \"a\", \"title\": \"T\", \"start\": \"2022-10-18\","
        " \"location\": {\"name\": \"P\", \"country\": \"K\"}, \"tags\": [\"t\"]}]}");
    char name[] = "Cal\x1b]0;owned\x07 name", title[] = "Title\x1b[2J\r\nwith\tcontrols\x7f",
         place[] = "Place\xc2\x9b" "31m red", country[] = "Land\x1b[0m", tag[] = "tag\x1b";
    almanac_event *e = &doc->events[0];
    char *saved[5] = {doc->calendar.name, e->title, e->location.name, e->location.country,
                      e->tags.items[0]};
    doc->calendar.name = name, e->title = title, e->location.name = place;
    e->location.country = country, e->tags.items[0] = tag;
    for (unsigned width = 20; width <= 80; width += 60) {
        char *text = NULL;
        size_t length = 0;
        FILE *out = open_memstream(&text, &length);
        assert_non_null(out);
        almanac_timeline_options options = {.width = width};
        assert_int_equal(almanac_render_text(doc, &options, out), 0);
        fclose(out);
        for (size_t i = 0; i < length; i++) {
            unsigned char c = (unsigned char)text[i];
            if ((c < 0x20 && c != '\n') || c == 0x7f ||
                (c == 0xc2 && (unsigned char)text[i + 1] <= 0x9f))
                fail_msg("control byte 0x%02x at %zu in:\n%s", c, i, text);
        }
        /* the text around them is all there */
        assert_non_null(strstr(text, "Title"));
        assert_non_null(strstr(text, "controls"));
        assert_non_null(strstr(text, "red"));
        free(text);
    }
    doc->calendar.name = saved[0], e->title = saved[1], e->location.name = saved[2];
    e->location.country = saved[3], e->tags.items[0] = saved[4];
    almanac_document_free(doc);
}

/* N events, event i in year 2000 + i % YEARS: the JSON of a calendar. */
static char *archive(size_t n, int years)
{
    size_t size = 200 + n * 80;
    char *text = malloc(size);
    assert_non_null(text);
    int used = snprintf(text, size, "{\"calendar\": {\"id\": \"c\", \"name\": \"C\"}, \"events\": [");
    for (size_t i = 0; i < n; i++)
        used += snprintf(text + used, size - (size_t)used,
                         "%s{\"id\": \"e%zu\", \"title\": \"E\", \"start\": \"%d-03-01\"}",
                         i > 0 ? "," : "", i, 2000 + (int)(i % (size_t)years));
    snprintf(text + used, size - (size_t)used, "]}");
    return text;
}

/* One page up to ALMANAC_HTML_PAGE_MAX entries; above, a page per year
 * that has entries, ascending. */
static void test_html_page_years(void **state)
{
    (void)state;
    char *text = archive(ALMANAC_HTML_PAGE_MAX, 3);
    almanac_document *doc = load_ok(text);
    size_t count = 99;
    assert_null(almanac_html_page_years(doc, &count));
    assert_int_equal(count, 0);
    almanac_document_free(doc);
    free(text);

    text = archive(ALMANAC_HTML_PAGE_MAX + 1, 3);
    doc = load_ok(text);
    int *years = almanac_html_page_years(doc, &count);
    assert_non_null(years);
    assert_int_equal(count, 3);
    assert_int_equal(years[0], 2000);
    assert_int_equal(years[2], 2002);
    char name[16];
    almanac_html_page_name(years[1], name, sizeof name);
    assert_string_equal(name, "2001.html");
    free(years);
    almanac_document_free(doc);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_of_mixed_precisions),
        cmocka_unit_test(test_order_of_many_events),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_partial_labels_and_marks),
        cmocka_unit_test(test_text_prints_no_control_characters),
        cmocka_unit_test(test_html_page_years),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
