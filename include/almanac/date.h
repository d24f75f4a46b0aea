/*
 * almanac/date.h - partial dates and times as people write them.
 *
 * An almanac date keeps the precision it was written with: a year ("2023"),
 * a month ("2023-04"), a day ("2022-10-18"), a local time in some timezone
 * ("2022-10-18T10:00", seconds optional) or a UTC time ("...Z"). Nothing here
 * ever turns a month into a day: callers ask for the first or last day of the
 * span a date covers when they need one.
 *
 * Values are plain structs; nothing here allocates.
 */
#ifndef ALMANAC_DATE_H
#define ALMANAC_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ALMANAC_PRECISION_YEAR,
    ALMANAC_PRECISION_MONTH,
    ALMANAC_PRECISION_DAY,
    ALMANAC_PRECISION_LOCAL_TIME, /* wall-clock time in an IANA timezone */
    ALMANAC_PRECISION_UTC_TIME    /* written with a trailing Z */
} almanac_precision;

/* Years outside this range cannot be written as iCalendar's 4-digit years. */
enum { ALMANAC_YEAR_MIN = 1, ALMANAC_YEAR_MAX = 9999 };

/* The last year an event may have: RFC 5545 allows 9999, but libical, which
 * writes the feeds, treats years after 3000 as invalid (it writes them as
 * 00000000T000000), and an all-day event's DTEND is the day after it. Times
 * almanac stamps (DTSTAMP, LAST-MODIFIED) stay in the same range. */
enum { ALMANAC_YEAR_FEED_MAX = 2999 };
#define ALMANAC_TIME_MAX INT64_C(32503679999) /* 2999-12-31T23:59:59Z */

/* Years outside this range are accepted with a warning: before 1583 the
 * Gregorian calendar that iCalendar assumes was not yet in use, and after
 * 2199 a year is more likely a typo than a plan. */
enum { ALMANAC_YEAR_USUAL_MIN = 1583, ALMANAC_YEAR_USUAL_MAX = 2199 };

typedef struct {
    almanac_precision precision;
    int year;
    int month;  /* 1-12, or 0 when precision is YEAR */
    int day;    /* 1-31, or 0 when precision is YEAR or MONTH */
    int hour;   /* 0-23 for times, else 0 */
    int minute;
    int second;
    bool has_seconds; /* the text gave seconds: keep them when printing */
} almanac_date;

/* A plain calendar day, used for spans and comparisons. */
typedef struct {
    int year;
    int month;
    int day;
} almanac_day;

/* Why a date failed to parse; almanac_date_error_text() explains it. */
typedef enum {
    ALMANAC_DATE_OK = 0,
    ALMANAC_DATE_SYNTAX,
    ALMANAC_DATE_YEAR_RANGE,
    ALMANAC_DATE_MONTH_RANGE,
    ALMANAC_DATE_DAY_RANGE,     /* day 0 or beyond the month's length */
    ALMANAC_DATE_HOUR_RANGE,
    ALMANAC_DATE_MINUTE_RANGE,
    ALMANAC_DATE_SECOND_RANGE,
    ALMANAC_DATE_UTC_OFFSET     /* 10:00+05:00: we take a timezone or Z instead */
} almanac_date_error;

/* Parses TEXT (exactly LENGTH bytes) into *DATE. Returns ALMANAC_DATE_OK or
 * the first thing found wrong; *DATE is unspecified on error. */
ALMANAC_API almanac_date_error almanac_date_parse(const char *text, size_t length,
                                      almanac_date *date);

/* A static English sentence for ERROR, e.g. "the day is out of range". */
ALMANAC_API const char *almanac_date_error_text(almanac_date_error error);

/* Short name of a precision: "year", "month", "day", "local-time", "utc-time". */
ALMANAC_API const char *almanac_precision_name(almanac_precision precision);

ALMANAC_API bool almanac_date_is_timed(const almanac_date *date);

ALMANAC_API bool almanac_is_leap_year(int year);
ALMANAC_API int almanac_days_in_month(int year, int month);

/* The first and last calendar day the date covers (a month covers all its
 * days; a time covers its own day as written, before any timezone). */
ALMANAC_API almanac_day almanac_date_first_day(const almanac_date *date);
ALMANAC_API almanac_day almanac_date_last_day(const almanac_date *date);

/* The day after DAY, rolling over months and years. */
ALMANAC_API almanac_day almanac_day_next(almanac_day day);

/* <0, 0, >0 like strcmp. */
ALMANAC_API int almanac_day_compare(almanac_day a, almanac_day b);

/* Orders dates for a timeline: by first day; on the same first day a
 * coarser precision comes first (the year before its months, a month before
 * its days, a day before its times); times of one day by clock time. */
ALMANAC_API int almanac_date_compare(const almanac_date *a, const almanac_date *b);

/* Writes the ISO 8601 form the date was given in ("2023-04",
 * "2022-10-18T10:00Z") into BUFFER; returns the length written. BUFFER
 * must hold ALMANAC_DATE_TEXT_MAX bytes. */
enum { ALMANAC_DATE_TEXT_MAX = 24 };
ALMANAC_API size_t almanac_date_format(const almanac_date *date, char *buffer);

/* The date's first day at its clock time (00:00 for dates) as seconds
 * since 1970-01-01T00:00, counted as if the clock were UTC: for a UTC
 * time its Unix time, for a local time its wall-clock reading. */
ALMANAC_API int64_t almanac_date_clock_seconds(const almanac_date *date);

/* The inverse: the time SECONDS after 1970-01-01T00:00, of PRECISION
 * ALMANAC_PRECISION_LOCAL_TIME or ALMANAC_PRECISION_UTC_TIME. */
ALMANAC_API almanac_date almanac_date_from_clock_seconds(int64_t seconds, almanac_precision precision);

/* English month names, 1-12: "January", and three-letter "Jan". */
ALMANAC_API const char *almanac_month_name(int month);
ALMANAC_API const char *almanac_month_abbrev(int month);

#ifdef __cplusplus
}
#endif

#endif
