/*
 * test_render_ics.c - the iCalendar builder: properties, all-day spans,
 * partial dates, timezones, escaping, folding, streaming to a FILE.
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

/* Renders the feed and unfolds it (RFC 5545 3.1) so tests can look for
 * whole content lines. */
static char *render(const almanac_document *doc, const almanac_feed *feed, char **raw_out)
{
    char *raw = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&raw, &size);
    assert_non_null(out);
    almanac_ics_options options = {.feed = feed, .default_modified = 1666310400};
    assert_int_equal(almanac_render_ics(doc, &options, out), 0);
    assert_int_equal(fclose(out), 0);
    char *unfolded = malloc(size + 1);
    assert_non_null(unfolded);
    size_t n = 0;
    for (size_t i = 0; i < size; i++) {
        if (raw[i] == '\r' && i + 2 < size && raw[i + 1] == '\n' && (raw[i + 2] == ' ' || raw[i + 2] == '\t')) {
            i += 2;
            continue;
        }
        unfolded[n++] = raw[i];
    }
    unfolded[n] = '\0';
    if (raw_out != NULL)
        *raw_out = raw;
    else
        free(raw);
    return unfolded;
}

static void assert_has_line(const char *ics, const char *line)
{
    size_t length = strlen(line);
    for (const char *p = ics; (p = strstr(p, line)) != NULL; p++) {
        bool starts = p == ics || p[-1] == '\n';
        if (starts && p[length] == '\r' && p[length + 1] == '\n')
            return;
    }
    fail_msg("no line '%s' in:\n%s", line, ics);
}

#define HEAD "{\"calendar\": {\"id\": \"cal\", \"name\": \"Cal\", \"timezone\": \"Asia/Tashkent\"," \
             " \"url\": \"https://example.org/a/\"},\n"

static void test_all_day_and_span(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(HEAD "\"events\": ["
        "{\"id\": \"a\", \"title\": \"A\", \"start\": \"2022-12-28\", \"end\": \"2023-01-03\"},"
        "{\"id\": \"b\", \"title\": \"Leap\", \"start\": \"2024-02-29\"}]}");
    char *ics = render(doc, NULL, NULL);
    assert_has_line(ics, "UID:a@cal");
    assert_has_line(ics, "DTSTART;VALUE=DATE:20221228");
    assert_has_line(ics, "DTEND;VALUE=DATE:20230104"); /* exclusive */
    assert_has_line(ics, "DTSTART;VALUE=DATE:20240229");
    assert_has_line(ics, "DTEND;VALUE=DATE:20240301");
    assert_has_line(ics, "DTSTAMP:20221021T000000Z");
    assert_has_line(ics, "TRANSP:TRANSPARENT");
    assert_has_line(ics, "STATUS:CONFIRMED");
    assert_has_line(ics, "SOURCE;VALUE=URI:https://example.org/a/all.ics");
    assert_has_line(ics, "REFRESH-INTERVAL;VALUE=DURATION:P1D");
    assert_null(strstr(ics, "METHOD:"));
    assert_null(strstr(ics, "BEGIN:VTIMEZONE")); /* no timed events */
    free(ics);
    almanac_document_free(doc);
}

static void test_partial_dates(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(HEAD "\"events\": ["
        "{\"id\": \"m\", \"title\": \"Forum\", \"start\": \"2023-04\", \"status\": \"tentative\"},"
        "{\"id\": \"y\", \"title\": \"Conf\", \"start\": \"2023\"}]}");
    char *ics = render(doc, NULL, NULL);
    assert_has_line(ics, "DTSTART;VALUE=DATE:20230401");
    assert_has_line(ics, "DTEND;VALUE=DATE:20230501");
    assert_has_line(ics, "SUMMARY:Forum (planned for April 2023\\, exact date not known)");
    assert_has_line(ics, "STATUS:TENTATIVE");
    assert_has_line(ics, "X-ALMANAC-PRECISION:month");
    assert_has_line(ics, "X-ALMANAC-START:2023-04");
    assert_has_line(ics, "DTSTART;VALUE=DATE:20230101");
    assert_has_line(ics, "DTEND;VALUE=DATE:20240101");
    assert_has_line(ics, "SUMMARY:Conf (2023\\, exact date not known)");
    free(ics);
    almanac_document_free(doc);

    doc = load_ok("{\"calendar\": {\"id\": \"cal\", \"name\": \"Cal\","
                  " \"partial_dates\": {\"month\": \"first-day\", \"year\": \"omit\"}},\n"
                  "\"events\": [{\"id\": \"m\", \"title\": \"F\", \"start\": \"2023-04\"},"
                  "{\"id\": \"y\", \"title\": \"C\", \"start\": \"2023\"}]}");
    ics = render(doc, NULL, NULL);
    assert_has_line(ics, "DTSTART;VALUE=DATE:20230401");
    assert_has_line(ics, "DTEND;VALUE=DATE:20230402");
    assert_null(strstr(ics, "UID:y@cal"));
    free(ics);
    almanac_document_free(doc);
}

static void test_timed_events(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(HEAD "\"events\": ["
        "{\"id\": \"t\", \"title\": \"T\", \"start\": \"2022-10-18T10:00\", \"end\": \"2022-10-18T12:30\"},"
        "{\"id\": \"b\", \"title\": \"B\", \"start\": \"2025-07-01T09:00\", \"timezone\": \"Europe/Berlin\"},"
        "{\"id\": \"u\", \"title\": \"U\", \"start\": \"2022-10-18T05:00:30Z\"}]}");
    char *ics = render(doc, NULL, NULL);
    assert_has_line(ics, "DTSTART;TZID=Asia/Tashkent:20221018T100000");
    assert_has_line(ics, "DTEND;TZID=Asia/Tashkent:20221018T123000");
    assert_has_line(ics, "DTSTART;TZID=Europe/Berlin:20250701T090000");
    assert_has_line(ics, "DTSTART:20221018T050030Z");
    assert_has_line(ics, "TZID:Asia/Tashkent");
    assert_has_line(ics, "TZID:Europe/Berlin");
    assert_null(strstr(ics, "freeassociation"));
    /* VTIMEZONEs come before the events that use them */
    assert_true(strstr(ics, "BEGIN:VTIMEZONE") < strstr(ics, "BEGIN:VEVENT"));
    free(ics);
    almanac_document_free(doc);
}

static void test_escaping_and_folding(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(HEAD "\"events\": [{\"id\": \"e\", "
        "\"title\": \"Саммит ШОС, Самарканд; 上海合作组织峰会 \\\\ 🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉\", "
        "\"start\": \"2022-09-15\", \"description\": \"line one\\nline two, with; all\", "
        "\"tags\": [\"summit\", \"sco\"]}]}");
    char *raw = NULL;
    char *ics = render(doc, NULL, &raw);
    assert_has_line(ics, "SUMMARY:Саммит ШОС\\, Самарканд\\; 上海合作组织峰会 \\\\ "
                         "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉");
    assert_has_line(ics, "DESCRIPTION:line one\\nline two\\, with\\; all");
    assert_has_line(ics, "CATEGORIES:summit,sco");
    /* Every physical line: CRLF, at most 75 octets, never ends inside a
     * UTF-8 character. */
    for (char *line = raw; *line != '\0';) {
        char *end = strstr(line, "\r\n");
        assert_non_null(end);
        assert_true(end - line <= 75);
        if (end > line)
            assert_true(((unsigned char)end[-1] & 0xC0) != 0xC0);        /* no lead byte last */
        if (end[2] == ' ')
            assert_true(((unsigned char)end[3] & 0xC0) != 0x80);         /* no continuation first */
        for (char *p = line; p < end; p++)
            assert_true(*p != '\n' && *p != '\r');
        line = end + 2;
    }
    free(raw);
    free(ics);
    almanac_document_free(doc);
}

static void test_feed_selection_and_empty_feed(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(HEAD
        "\"feeds\": [{\"id\": \"x\", \"name\": \"X\", \"tags\": [\"x\"]},"
        "            {\"id\": \"none\", \"name\": \"None\", \"tags\": [\"y\"]}],\n"
        "\"events\": [{\"id\": \"a\", \"title\": \"A\", \"start\": \"2022\", \"tags\": [\"x\"]},"
        "{\"id\": \"b\", \"title\": \"B\", \"start\": \"2022\"}, "
        "{\"id\": \"c\", \"title\": \"C\", \"start\": \"2021\", \"tags\": [\"z\", \"y\"], \"related\": [\"a\"]}]}");
    char *ics = render(doc, &doc->feeds[0], NULL);
    assert_has_line(ics, "UID:a@cal");
    assert_null(strstr(ics, "UID:b@cal"));
    assert_has_line(ics, "NAME:Cal: X");
    assert_has_line(ics, "SOURCE;VALUE=URI:https://example.org/a/x.ics");
    free(ics);
    ics = render(doc, &doc->feeds[1], NULL);
    assert_has_line(ics, "RELATED-TO;RELTYPE=SIBLING:a@cal");
    free(ics);
    almanac_document_free(doc);

    /* A feed with no event is still a calendar with a component. */
    doc = load_ok("{\"calendar\": {\"id\": \"cal\", \"name\": \"Cal\"}, \"events\": []}");
    ics = render(doc, NULL, NULL);
    assert_has_line(ics, "BEGIN:VTIMEZONE");
    assert_has_line(ics, "TZID:UTC");
    assert_has_line(ics, "END:VCALENDAR");
    free(ics);
    almanac_document_free(doc);
}

static void test_write_error_is_reported(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(HEAD "\"events\": [{\"id\": \"a\", \"title\": \"A\", \"start\": \"2022\"}]}");
    FILE *full = fopen("/dev/full", "w");
    assert_non_null(full);
    setvbuf(full, NULL, _IONBF, 0);
    almanac_ics_options options = {.default_modified = 1};
    assert_int_equal(almanac_render_ics(doc, &options, full), -1);
    fclose(full);
    almanac_document_free(doc);
}

/* Several feeds in one pass give each feed the bytes it gets alone. */
static void test_feeds_in_one_pass(void **state)
{
    (void)state;
    almanac_document *doc = load_ok(HEAD
        "\"feeds\": [{\"id\": \"x\", \"name\": \"X\", \"tags\": [\"x\"]},"
        "            {\"id\": \"none\", \"name\": \"None\", \"tags\": [\"y\"]},"
        "            {\"id\": \"z\", \"name\": \"Z\", \"tags\": [\"z\", \"x\"]}],\n"
        "\"events\": [{\"id\": \"a\", \"title\": \"A\", \"start\": \"2022-10-18T10:00\","
        " \"tags\": [\"x\"]},"
        "{\"id\": \"b\", \"title\": \"B\", \"start\": \"2022\"}, "
        "{\"id\": \"c\", \"title\": \"C\", \"start\": \"2021-03-01T09:00\","
        " \"timezone\": \"Europe/Berlin\", \"tags\": [\"z\"], \"related\": [\"a\"]}]}");
    enum { FEEDS = 4 };
    almanac_event_stamp stamps[3] = {{1, 1666310400}, {2, 1666310401}, {0, 1666310402}};
    almanac_ics_options options[FEEDS];
    char *together[FEEDS];
    size_t sizes[FEEDS];
    FILE *outs[FEEDS];
    for (size_t k = 0; k < FEEDS; k++) {
        options[k] = (almanac_ics_options){
            .feed = k < doc->feed_count ? &doc->feeds[k] : NULL, .stamps = stamps,
            .default_modified = 1, .calendar_modified = 1666310500 + (int64_t)k};
        outs[k] = open_memstream(&together[k], &sizes[k]);
        assert_non_null(outs[k]);
    }
    assert_int_equal(almanac_render_ics_feeds(doc, options, outs, FEEDS), 0);
    for (size_t k = 0; k < FEEDS; k++) {
        assert_int_equal(fclose(outs[k]), 0);
        char *alone = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&alone, &size);
        assert_non_null(out);
        assert_int_equal(almanac_render_ics(doc, &options[k], out), 0);
        assert_int_equal(fclose(out), 0);
        assert_string_equal(together[k], alone);
        free(alone);
        free(together[k]);
    }
    /* one VEVENT serves every feed: the stamps must agree */
    options[2].stamps = NULL;
    assert_int_equal(almanac_render_ics_feeds(doc, options, outs, FEEDS), -1);
    almanac_document_free(doc);
}

/* Build states keep these hashes: unchanged content must hash the same
 * whichever way the hash is computed. The values are those of the first
 * implementation, which built the record as a string and hashed that. */
static void test_event_hash_is_stable(void **state)
{
    (void)state;
    static const struct { const char *id; uint64_t hash; } expected[] = {
        {"m", UINT64_C(0xe7f32d0f0f5ae713)}, {"t", UINT64_C(0xd64b06db6dd57314)},
        {"u", UINT64_C(0x3d8b6ca405ed7ee4)}, {"d", UINT64_C(0xce27b387e706f058)},
        {"y", 0} /* year events omitted: in no feed */};
    almanac_document *doc = load_ok(
        "{\"calendar\": {\"id\": \"cal\", \"name\": \"Cal\", \"timezone\": \"Asia/Tashkent\","
        " \"partial_dates\": {\"month\": \"first-day\", \"year\": \"omit\"}},\n"
        "\"events\": ["
        "{\"id\": \"m\", \"title\": \"Forum \\u00e9\", \"start\": \"2023-04\", \"status\": \"tentative\","
        " \"description\": \"Line one\\nline two\", \"url\": \"https://example.org/m\","
        " \"location\": {\"name\": \"Tashkent\", \"country\": \"Uzbekistan\", \"geo\": [41.3, 69.24]},"
        " \"tags\": [\"summit\", \"youth\"], \"participants\": [\"Uzbekistan\", \"Tajikistan\"],"
        " \"sources\": [{\"title\": \"Report\", \"publisher\": \"TDI\", \"date\": \"2022-10-21\","
        " \"url\": \"https://example.org/r\"}, {\"title\": \"Note\"}], \"related\": [\"t\", \"u\"]},"
        "{\"id\": \"t\", \"title\": \"T\", \"start\": \"2025-07-01T09:00\", \"end\": \"2025-07-01T10:30:15\","
        " \"timezone\": \"Europe/Berlin\", \"status\": \"cancelled\", \"location\": {\"name\": \"Berlin\"}},"
        "{\"id\": \"u\", \"title\": \"U\", \"start\": \"2022-10-18T05:00:30Z\", \"location\": {\"name\": \"X\", \"geo\": [-33.8688, 151.2093]}},"
        "{\"id\": \"d\", \"title\": \"D\", \"start\": \"2022-12-28\", \"end\": \"2023-01-03\"},"
        "{\"id\": \"y\", \"title\": \"Y\", \"start\": \"2023\"}]}");
    assert_int_equal(doc->event_count, 5);
    for (size_t i = 0; i < doc->event_count; i++) {
        uint64_t hash = 1;
        assert_string_equal(doc->events[i].id, expected[i].id);
        assert_int_equal(almanac_render_ics_event_hash(doc, &doc->events[i], &hash), 0);
        assert_true(hash == expected[i].hash);
    }
    almanac_document_free(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_day_and_span),  cmocka_unit_test(test_partial_dates),
        cmocka_unit_test(test_timed_events),      cmocka_unit_test(test_escaping_and_folding),
        cmocka_unit_test(test_feed_selection_and_empty_feed),
        cmocka_unit_test(test_write_error_is_reported),
        cmocka_unit_test(test_feeds_in_one_pass),
        cmocka_unit_test(test_event_hash_is_stable)};
    return cmocka_run_group_tests_name("render_ics", tests, NULL, NULL);
}
