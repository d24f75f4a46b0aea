/*
 * test_date.c - partial dates: every precision, calendar days, ordering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <time.h>

#include "almanac/date.h"

static almanac_date_error parse(const char *text, almanac_date *date)
{
    return almanac_date_parse(text, strlen(text), date);
}

static almanac_date must_parse(const char *text)
{
    almanac_date d;
    assert_int_equal(parse(text, &d), ALMANAC_DATE_OK);
    return d;
}

static void test_every_precision(void **state)
{
    (void)state;
    almanac_date d = must_parse("2023");
    assert_int_equal(d.precision, ALMANAC_PRECISION_YEAR);
    assert_int_equal(d.year, 2023);
    d = must_parse("2023-04");
    assert_int_equal(d.precision, ALMANAC_PRECISION_MONTH);
    assert_int_equal(d.month, 4);
    d = must_parse("2022-10-18");
    assert_int_equal(d.precision, ALMANAC_PRECISION_DAY);
    assert_int_equal(d.day, 18);
    d = must_parse("2022-10-18T10:05");
    assert_int_equal(d.precision, ALMANAC_PRECISION_LOCAL_TIME);
    assert_int_equal(d.hour, 10);
    assert_int_equal(d.minute, 5);
    assert_false(d.has_seconds);
    d = must_parse("2022-10-18T10:05:30Z");
    assert_int_equal(d.precision, ALMANAC_PRECISION_UTC_TIME);
    assert_int_equal(d.second, 30);
    assert_true(d.has_seconds);
}

static void test_calendar_days(void **state)
{
    (void)state;
    almanac_date d;
    assert_int_equal(parse("2022-02-29", &d), ALMANAC_DATE_DAY_RANGE);
    assert_int_equal(parse("2024-02-29", &d), ALMANAC_DATE_OK);
    assert_int_equal(parse("1900-02-29", &d), ALMANAC_DATE_DAY_RANGE);
    assert_int_equal(parse("2000-02-29", &d), ALMANAC_DATE_OK);
    assert_int_equal(parse("2022-04-31", &d), ALMANAC_DATE_DAY_RANGE);
    assert_int_equal(parse("2022-12-31", &d), ALMANAC_DATE_OK);
    assert_int_equal(parse("2022-01-00", &d), ALMANAC_DATE_DAY_RANGE);
    assert_int_equal(parse("2022-13", &d), ALMANAC_DATE_MONTH_RANGE);
    assert_int_equal(parse("2022-00-01", &d), ALMANAC_DATE_MONTH_RANGE);
    assert_int_equal(parse("0000", &d), ALMANAC_DATE_YEAR_RANGE);
}

static void test_times(void **state)
{
    (void)state;
    almanac_date d;
    assert_int_equal(parse("2022-10-18T24:00", &d), ALMANAC_DATE_HOUR_RANGE);
    assert_int_equal(parse("2022-10-18T23:60", &d), ALMANAC_DATE_MINUTE_RANGE);
    assert_int_equal(parse("2022-10-18T23:59:60", &d), ALMANAC_DATE_SECOND_RANGE);
    assert_int_equal(parse("2022-10-18T00:00", &d), ALMANAC_DATE_OK);
}

static void test_syntax(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "22", "2022-1", "2022-1-01", "2022/10/18", "2022-10-18 10:00",
        "2022-10-18T10", "2022-10-18T10:0", "2022-10-18Z",
        "20221018", "2022-10-18T10:00:00.5", " 2022", "2022 ", "two thousand",
        "2022-10-18T10:00ZZ", "-2022"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        almanac_date d;
        if (parse(bad[i], &d) != ALMANAC_DATE_SYNTAX)
            fail_msg("'%s' should be a syntax error", bad[i]);
    }
    /* A UTC offset gets its own message: it says to use a timezone. */
    static const char *const offsets[] = {
        "2022-10-18T10:00+05:00", "2022-10-18T10:00:00-04:00", "2022-10-18T10:00+0500"};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        almanac_date d;
        if (parse(offsets[i], &d) != ALMANAC_DATE_UTC_OFFSET)
            fail_msg("'%s' should be a UTC offset error", offsets[i]);
    }
}

static void test_spans(void **state)
{
    (void)state;
    almanac_date d = must_parse("2024-02");
    almanac_day first = almanac_date_first_day(&d), last = almanac_date_last_day(&d);
    assert_int_equal(first.day, 1);
    assert_int_equal(last.day, 29);
    d = must_parse("2023");
    last = almanac_date_last_day(&d);
    assert_int_equal(last.month, 12);
    assert_int_equal(last.day, 31);
    almanac_day next = almanac_day_next(last);
    assert_int_equal(next.year, 2024);
    assert_int_equal(next.month, 1);
    assert_int_equal(next.day, 1);
    next = almanac_day_next((almanac_day){2023, 2, 28});
    assert_int_equal(next.month, 3);
    next = almanac_day_next((almanac_day){2024, 2, 28});
    assert_int_equal(next.day, 29);
}

static void test_ordering(void **state)
{
    (void)state;
    /* year < its first month < the first day < a time on that day */
    const char *ordered[] = {"2022", "2022-01", "2022-01-01", "2022-01-01T09:00",
                             "2022-01-01T10:00Z", "2022-01-02", "2022-07", "2022-07-21",
                             "2023", "2023-04"};
    size_t n = sizeof ordered / sizeof ordered[0];
    for (size_t i = 0; i + 1 < n; i++) {
        almanac_date a = must_parse(ordered[i]), b = must_parse(ordered[i + 1]);
        if (almanac_date_compare(&a, &b) >= 0)
            fail_msg("'%s' should sort before '%s'", ordered[i], ordered[i + 1]);
        if (almanac_date_compare(&b, &a) <= 0)
            fail_msg("'%s' should sort after '%s'", ordered[i + 1], ordered[i]);
    }
    almanac_date a = must_parse("2022-07-21");
    assert_int_equal(almanac_date_compare(&a, &a), 0);
}

static void test_format_round_trip(void **state)
{
    (void)state;
    const char *texts[] = {"2023", "2023-04", "2022-10-18", "2022-10-18T10:00",
                           "2022-10-18T10:00:30", "2022-10-18T10:00Z", "0999-01-01"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        almanac_date d = must_parse(texts[i]);
        char buffer[ALMANAC_DATE_TEXT_MAX];
        almanac_date_format(&d, buffer);
        assert_string_equal(buffer, texts[i]);
    }
}

/* Seconds since the epoch against timegm(), the C library's answer, over
 * every day from 0001 to 2999 in steps that visit every month, both ways. */
static void test_clock_seconds(void **state)
{
    (void)state;
    almanac_date epoch = must_parse("1970-01-01T00:00Z");
    assert_int_equal(almanac_date_clock_seconds(&epoch), 0);
    almanac_date last = must_parse("2999-12-31T23:59:59Z");
    assert_int_equal(almanac_date_clock_seconds(&last), ALMANAC_TIME_MAX);
    almanac_date before = must_parse("1969-12-31T23:59:59Z");
    assert_int_equal(almanac_date_clock_seconds(&before), -1);
    for (int64_t day = -719162; day <= 376199; day += 29) { /* 0001-01-01 .. 2999-12-31 */
        int64_t seconds = day * 86400 + (day % 86400 + 86400) % 86400;
        almanac_date d = almanac_date_from_clock_seconds(seconds, ALMANAC_PRECISION_UTC_TIME);
        assert_int_equal(almanac_date_clock_seconds(&d), seconds);
        time_t t = (time_t)seconds;
        struct tm tm;
        assert_non_null(gmtime_r(&t, &tm));
        assert_int_equal(d.year, tm.tm_year + 1900);
        assert_int_equal(d.month, tm.tm_mon + 1);
        assert_int_equal(d.day, tm.tm_mday);
        assert_int_equal(d.hour * 3600 + d.minute * 60 + d.second,
                         tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_precision), cmocka_unit_test(test_calendar_days),
        cmocka_unit_test(test_times),           cmocka_unit_test(test_syntax),
        cmocka_unit_test(test_spans),           cmocka_unit_test(test_ordering),
        cmocka_unit_test(test_format_round_trip), cmocka_unit_test(test_clock_seconds)};
    return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
