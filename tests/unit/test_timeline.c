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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_of_mixed_precisions),
        cmocka_unit_test(test_filters),
        cmocka_unit_test(test_empty_document),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_partial_labels_and_marks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
