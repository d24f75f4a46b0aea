/*
 * date.c - parsing, comparing and printing partial dates (see date.h).
 *
 * Accepted forms, all ISO 8601 extended format:
 *   YYYY  YYYY-MM  YYYY-MM-DD  YYYY-MM-DDThh:mm[:ss]  YYYY-MM-DDThh:mm[:ss]Z
 * Calendar days are checked against the real calendar (2022-02-29 is
 * rejected, 2024-02-29 accepted); 24:00 and leap seconds are rejected
 * because iCalendar clients do not agree on them.
 */
#include "almanac/date.h"

#include <stdio.h>
#include <string.h>

static const char *const month_names[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

static const char *const month_abbrevs[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool almanac_is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int almanac_days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && almanac_is_leap_year(year))
        return 29;
    return days[month - 1];
}

/* Reads exactly COUNT decimal digits at TEXT into *VALUE. */
static bool read_digits(const char *text, size_t count, int *value)
{
    int v = 0;
    for (size_t i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return false;
        v = v * 10 + (text[i] - '0');
    }
    *value = v;
    return true;
}

static almanac_date_error parse_time(const char *text, size_t length,
                                     almanac_date *date)
{
    /* text is what follows the 'T': hh:mm[:ss][Z] */
    date->precision = ALMANAC_PRECISION_LOCAL_TIME;
    if (length > 0 && text[length - 1] == 'Z') {
        date->precision = ALMANAC_PRECISION_UTC_TIME;
        length--;
    }
    if (memchr(text, '+', length) != NULL || memchr(text, '-', length) != NULL)
        return ALMANAC_DATE_UTC_OFFSET;
    if (length != 5 && length != 8)
        return ALMANAC_DATE_SYNTAX;
    if (!read_digits(text, 2, &date->hour) || text[2] != ':' ||
        !read_digits(text + 3, 2, &date->minute))
        return ALMANAC_DATE_SYNTAX;
    if (length == 8) {
        if (text[5] != ':' || !read_digits(text + 6, 2, &date->second))
            return ALMANAC_DATE_SYNTAX;
        date->has_seconds = true;
    }
    if (date->hour > 23)
        return ALMANAC_DATE_HOUR_RANGE;
    if (date->minute > 59)
        return ALMANAC_DATE_MINUTE_RANGE;
    if (date->second > 59)
        return ALMANAC_DATE_SECOND_RANGE;
    return ALMANAC_DATE_OK;
}

almanac_date_error almanac_date_parse(const char *text, size_t length,
                                      almanac_date *date)
{
    memset(date, 0, sizeof *date);
    if (length < 4 || !read_digits(text, 4, &date->year))
        return ALMANAC_DATE_SYNTAX;
    date->precision = ALMANAC_PRECISION_YEAR;
    if (length > 4) {
        if (length < 7 || text[4] != '-' || !read_digits(text + 5, 2, &date->month))
            return ALMANAC_DATE_SYNTAX;
        date->precision = ALMANAC_PRECISION_MONTH;
    }
    if (length > 7) {
        if (length < 10 || text[7] != '-' || !read_digits(text + 8, 2, &date->day))
            return ALMANAC_DATE_SYNTAX;
        date->precision = ALMANAC_PRECISION_DAY;
    }
    if (length > 10) {
        if (text[10] != 'T')
            return ALMANAC_DATE_SYNTAX;
        almanac_date_error e = parse_time(text + 11, length - 11, date);
        if (e != ALMANAC_DATE_OK)
            return e;
    }
    /* Ranges are checked from the largest unit down so the message names
     * the first part that is wrong. */
    if (date->year < ALMANAC_YEAR_MIN || date->year > ALMANAC_YEAR_MAX)
        return ALMANAC_DATE_YEAR_RANGE;
    if (date->precision >= ALMANAC_PRECISION_MONTH &&
        (date->month < 1 || date->month > 12))
        return ALMANAC_DATE_MONTH_RANGE;
    if (date->precision >= ALMANAC_PRECISION_DAY &&
        (date->day < 1 || date->day > almanac_days_in_month(date->year, date->month)))
        return ALMANAC_DATE_DAY_RANGE;
    return ALMANAC_DATE_OK;
}

const char *almanac_date_error_text(almanac_date_error error)
{
    switch (error) {
    case ALMANAC_DATE_OK:           return "no error";
    case ALMANAC_DATE_SYNTAX:       return "not a date of the form YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss] or YYYY-MM-DDThh:mm[:ss]Z";
    case ALMANAC_DATE_YEAR_RANGE:   return "the year is out of range (0001 to 9999)";
    case ALMANAC_DATE_MONTH_RANGE:  return "the month is out of range (01 to 12)";
    case ALMANAC_DATE_DAY_RANGE:    return "the day does not exist in that month";
    case ALMANAC_DATE_HOUR_RANGE:   return "the hour is out of range (00 to 23; write 24:00 as 00:00 of the next day)";
    case ALMANAC_DATE_UTC_OFFSET:   return "a UTC offset is not accepted; write the local time with a \"timezone\" (an IANA name such as Asia/Tashkent), or the UTC time ending in Z";
    case ALMANAC_DATE_MINUTE_RANGE: return "the minute is out of range (00 to 59)";
    case ALMANAC_DATE_SECOND_RANGE: return "the second is out of range (00 to 59)";
    }
    return "unknown date error";
}

const char *almanac_precision_name(almanac_precision precision)
{
    switch (precision) {
    case ALMANAC_PRECISION_YEAR:       return "year";
    case ALMANAC_PRECISION_MONTH:      return "month";
    case ALMANAC_PRECISION_DAY:        return "day";
    case ALMANAC_PRECISION_LOCAL_TIME: return "local-time";
    case ALMANAC_PRECISION_UTC_TIME:   return "utc-time";
    }
    return "unknown";
}

bool almanac_date_is_timed(const almanac_date *date)
{
    return date->precision == ALMANAC_PRECISION_LOCAL_TIME ||
           date->precision == ALMANAC_PRECISION_UTC_TIME;
}

almanac_day almanac_date_first_day(const almanac_date *date)
{
    almanac_day d = {date->year, date->month, date->day};
    if (date->precision == ALMANAC_PRECISION_YEAR)
        d.month = 1;
    if (date->precision <= ALMANAC_PRECISION_MONTH)
        d.day = 1;
    return d;
}

almanac_day almanac_date_last_day(const almanac_date *date)
{
    almanac_day d = {date->year, date->month, date->day};
    if (date->precision == ALMANAC_PRECISION_YEAR)
        d.month = 12;
    if (date->precision <= ALMANAC_PRECISION_MONTH)
        d.day = almanac_days_in_month(d.year, d.month);
    return d;
}

almanac_day almanac_day_next(almanac_day day)
{
    day.day++;
    if (day.day > almanac_days_in_month(day.year, day.month)) {
        day.day = 1;
        day.month++;
        if (day.month > 12) {
            day.month = 1;
            day.year++;
        }
    }
    return day;
}

static int compare_int(int a, int b)
{
    return (a > b) - (a < b);
}

int almanac_day_compare(almanac_day a, almanac_day b)
{
    int c = compare_int(a.year, b.year);
    if (c == 0)
        c = compare_int(a.month, b.month);
    if (c == 0)
        c = compare_int(a.day, b.day);
    return c;
}

/* Precision rank for ordering: both kinds of time rank as one. */
static int precision_rank(almanac_precision p)
{
    return p == ALMANAC_PRECISION_UTC_TIME ? ALMANAC_PRECISION_LOCAL_TIME : (int)p;
}

int almanac_date_compare(const almanac_date *a, const almanac_date *b)
{
    int c = almanac_day_compare(almanac_date_first_day(a), almanac_date_first_day(b));
    if (c == 0)
        c = compare_int(precision_rank(a->precision), precision_rank(b->precision));
    /* Times on the same written day go by clock time as written; comparing
     * across timezones would need the tz database and the timeline groups
     * by the day people see in the source anyway. */
    if (c == 0)
        c = compare_int(a->hour * 3600 + a->minute * 60 + a->second,
                        b->hour * 3600 + b->minute * 60 + b->second);
    if (c == 0)
        c = compare_int(a->precision, b->precision);
    return c;
}

size_t almanac_date_format(const almanac_date *date, char *buffer)
{
    int n = 0;
    switch (date->precision) {
    case ALMANAC_PRECISION_YEAR:
        n = snprintf(buffer, ALMANAC_DATE_TEXT_MAX, "%04d", date->year);
        break;
    case ALMANAC_PRECISION_MONTH:
        n = snprintf(buffer, ALMANAC_DATE_TEXT_MAX, "%04d-%02d", date->year, date->month);
        break;
    case ALMANAC_PRECISION_DAY:
        n = snprintf(buffer, ALMANAC_DATE_TEXT_MAX, "%04d-%02d-%02d",
                     date->year, date->month, date->day);
        break;
    case ALMANAC_PRECISION_LOCAL_TIME:
    case ALMANAC_PRECISION_UTC_TIME:
        n = snprintf(buffer, ALMANAC_DATE_TEXT_MAX, "%04d-%02d-%02dT%02d:%02d",
                     date->year, date->month, date->day, date->hour, date->minute);
        if (n > 0 && date->has_seconds)
            n += snprintf(buffer + n, ALMANAC_DATE_TEXT_MAX - (size_t)n, ":%02d",
                          date->second);
        if (n > 0 && date->precision == ALMANAC_PRECISION_UTC_TIME)
            n += snprintf(buffer + n, ALMANAC_DATE_TEXT_MAX - (size_t)n, "Z");
        break;
    }
    return n > 0 ? (size_t)n : 0;
}

const char *almanac_month_name(int month)
{
    return month >= 1 && month <= 12 ? month_names[month - 1] : "?";
}

const char *almanac_month_abbrev(int month)
{
    return month >= 1 && month <= 12 ? month_abbrevs[month - 1] : "?";
}

/* Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar
 * (the "days from civil" algorithm: years counted from March, so that the
 * leap day ends a year; eras of 400 years). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t year_of_era = y - era * 400;
    int64_t day_of_year = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

int64_t almanac_date_clock_seconds(const almanac_date *date)
{
    almanac_day day = almanac_date_first_day(date);
    int64_t seconds = days_from_civil(day.year, day.month, day.day) * 86400;
    if (almanac_date_is_timed(date))
        seconds += date->hour * 3600 + date->minute * 60 + date->second;
    return seconds;
}

almanac_date almanac_date_from_clock_seconds(int64_t seconds, almanac_precision precision)
{
    int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    int64_t clock = seconds - days * 86400;
    /* civil from days: the inverse of days_from_civil() */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t day_of_era = z - era * 146097;
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
                           day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t mp = (5 * day_of_year + 2) / 153;
    int month = (int)(mp < 10 ? mp + 3 : mp - 9);
    return (almanac_date){
        .precision = precision,
        .year = (int)(year_of_era + era * 400 + (month <= 2)),
        .month = month,
        .day = (int)(day_of_year - (153 * mp + 2) / 5 + 1),
        .hour = (int)(clock / 3600),
        .minute = (int)(clock / 60 % 60),
        .second = (int)(clock % 60),
        .has_seconds = clock % 60 != 0,
    };
}
