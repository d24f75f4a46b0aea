/*
 * load_series.c - the event keys of series, reminders, people and
 * presentation (see load_internal.h and the README's "Series, reminders
 * and people").
 *
 * A rule is read from an object ({"frequency": "weekly", "days":
 * ["tuesday"]}) or from an RRULE string ("FREQ=WEEKLY;BYDAY=TU"); both
 * fill the same rule_parts, checked part by part, and the RRULE value the
 * feeds carry is written from those parts. Nothing here expands a rule:
 * validation and the renderers ask libical (series.c).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_internal.h"
#include "textbuf.h"
#include "text.h"

/* ---- rule parts -------------------------------------------------------- */

enum { FREQ_YEARLY, FREQ_MONTHLY, FREQ_WEEKLY, FREQ_DAILY, FREQ_HOURLY, FREQ_MINUTELY,
       FREQ_SECONDLY, FREQ_COUNT };
static const char *const freq_names[FREQ_COUNT] = {
    "yearly", "monthly", "weekly", "daily", "hourly", "minutely", "secondly"};
static const char *const freq_ical[FREQ_COUNT] = {
    "YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY"};

static const char *const weekday_names[7] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
static const char *const weekday_ical[7] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

static const char *const month_names[12] = {
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december"};

/* The by-lists, in the order RRULE values are written. */
enum { BY_SECOND, BY_MINUTE, BY_HOUR, BY_DAY, BY_MONTH_DAY, BY_YEAR_DAY, BY_WEEK,
       BY_MONTH, BY_POSITION, BY_COUNT };
static const char *const by_keys[BY_COUNT] = {
    "seconds", "minutes", "hours", "days", "month_days", "year_days", "weeks", "months",
    "positions"};
static const char *const by_ical[BY_COUNT] = {
    "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO",
    "BYMONTH", "BYSETPOS"};
/* Allowed values: [min, max], zero excluded where min < 0. */
static const int by_min[BY_COUNT] = {0, 0, 0, 0, -31, -366, -53, 1, -366};
static const int by_max[BY_COUNT] = {60, 59, 23, 0, 31, 366, 53, 12, 366};

/* More values than any by-list can hold without repeating one (BYDAY: 53
 * ordinals of 7 weekdays, both signs). */
enum { BY_VALUES_MAX = 742 };

/* A BYDAY value is ORDINAL * 8 + WEEKDAY (0 = Monday); these take it apart
 * (C's division rounds towards zero, so a negative one needs care). */
static int day_ordinal(int value)
{
    return value >= 0 ? value / 8 : -((-value + 7) / 8);
}

static int day_weekday(int value)
{
    return value - day_ordinal(value) * 8;
}

typedef struct {
    int freq;                 /* -1 until read */
    int interval;             /* 0: not given */
    int count;                /* 0: not given */
    bool has_until;
    almanac_date until;
    size_t at_until;
    int week_start;           /* -1: not given */
    int *values[BY_COUNT];    /* BYDAY: ordinal * 8 + weekday (0 = Monday) */
    size_t counts[BY_COUNT];
    size_t at_by[BY_COUNT];
    bool broken;              /* a part was refused: write no rule */
} rule_parts;

static bool rule_lists_alloc(loader *l, rule_parts *r, int by)
{
    if (r->values[by] != NULL)
        return true;
    r->values[by] = arena_array(l->arena, BY_VALUES_MAX, sizeof *r->values[by]);
    if (r->values[by] == NULL)
        l->out_of_memory = true;
    return r->values[by] != NULL;
}

static const char *const ordinal_words[] = {
    "first", "second", "third", "fourth", "fifth", "last", "second-last", "third-last"};
static const int ordinal_values[] = {1, 2, 3, 4, 5, -1, -2, -3};
enum { ORDINAL_WORDS = 8 };

/* Reads a signed decimal number of at most 6 digits from S (LENGTH bytes);
 * false when it is anything else. */
static bool parse_int(const char *s, size_t length, int *value)
{
    size_t i = 0;
    bool negative = false;
    if (i < length && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    if (i == length || length - i > 6)
        return false;
    int v = 0;
    for (; i < length; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *value = negative ? -v : v;
    return true;
}

/* "2", "-1", "2nd", "21st", "2nd-last". */
static bool parse_ordinal(const char *s, int *value)
{
    size_t n = strlen(s);
    bool from_end = n > 5 && strcmp(s + n - 5, "-last") == 0;
    if (from_end)
        n -= 5;
    if (n > 2 && (strncmp(s + n - 2, "st", 2) == 0 || strncmp(s + n - 2, "nd", 2) == 0 ||
                  strncmp(s + n - 2, "rd", 2) == 0 || strncmp(s + n - 2, "th", 2) == 0))
        n -= 2;
    else if (from_end)
        return false;
    if (!parse_int(s, n, value) || *value == 0 || (n < strlen(s) && (s[0] == '-' || s[0] == '+')))
        return false;
    if (from_end)
        *value = -*value;
    return true;
}

static int find_name(const char *s, const char *const *names, int count)
{
    for (int i = 0; i < count; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

static void suggest(char *buf, size_t size, const char *s, const char *const *names, size_t count)
{
    const char *close = closest_word(s, names, count);
    if (close != NULL)
        snprintf(buf, size, " (did you mean \"%s\"?)", close);
    else
        buf[0] = '\0';
}

/* Adds VALUE to list BY, refusing a value listed twice. */
static bool add_by_value(loader *l, rule_parts *r, int by, int value, size_t at, const char *shown)
{
    if (!rule_lists_alloc(l, r, by))
        return false;
    for (size_t i = 0; i < r->counts[by]; i++)
        if (r->values[by][i] == value) {
            report_at(l, at, ALMANAC_E067, shown,
                      by_keys[by]);
            return false;
        }
    if (r->counts[by] == BY_VALUES_MAX) {
        report_at(l, at, ALMANAC_E068, by_keys[by]);
        return false;
    }
    r->values[by][r->counts[by]++] = value;
    return true;
}

/* A weekday with an optional ordinal: "tuesday", "second tuesday",
 * "last friday", "-2 friday" (object form), or "TU", "2TU", "-1FR" (RRULE
 * form, ICAL set). Sets *VALUE to ordinal * 8 + weekday. */
static bool parse_weekday(loader *l, const char *s, bool ical, size_t at, int *value)
{
    char head[40] = "", day[40] = "";
    int ordinal = 0, weekday = -1;
    if (ical) {
        size_t n = strlen(s);
        if (n < 2 || n > 5)
            goto bad;
        weekday = find_name(s + n - 2, weekday_ical, 7);
        if (weekday < 0 || (n > 2 && !parse_int(s, n - 2, &ordinal)))
            goto bad;
        if (n > 2 && ordinal == 0)
            goto bad;
    } else {
        const char *space = strrchr(s, ' ');
        if (strlen(s) >= sizeof day)
            goto bad;
        if (space != NULL) {
            snprintf(head, sizeof head, "%.*s", (int)(space - s), s);
            snprintf(day, sizeof day, "%s", space + 1);
        } else {
            snprintf(day, sizeof day, "%s", s);
        }
        weekday = find_name(day, weekday_names, 7);
        if (weekday < 0) {
            char hint[64];
            suggest(hint, sizeof hint, day, weekday_names, 7);
            report_at(l, at, ALMANAC_E069, day, hint);
            return false;
        }
        if (space != NULL) {
            int w = find_name(head, ordinal_words, ORDINAL_WORDS);
            if (w >= 0)
                ordinal = ordinal_values[w];
            else if (!parse_ordinal(head, &ordinal)) {
                char hint[64];
                suggest(hint, sizeof hint, head, ordinal_words, ORDINAL_WORDS);
                report_at(l, at, ALMANAC_E070,
                          head, hint);
                return false;
            }
        }
    }
    if (ordinal < -53 || ordinal > 53) {
        report_at(l, at, ALMANAC_E071, ordinal, s);
        return false;
    }
    *value = ordinal * 8 + weekday;
    return true;
bad:
    report_at(l, at, ALMANAC_E072, s);
    return false;
}

/* One value of a by-list (not BYDAY) from its text or number. */
static bool check_by_value(loader *l, rule_parts *r, int by, int value, size_t at)
{
    bool zero_ok = by_min[by] >= 0;
    if (value < by_min[by] || value > by_max[by] || (!zero_ok && value == 0)) {
        if (zero_ok)
            report_at(l, at, ALMANAC_E073, value, by_keys[by],
                      by_min[by], by_max[by]);
        else
            report_at(l, at, ALMANAC_E074, value, by_keys[by], by_max[by], by_min[by]);
        return false;
    }
    char shown[16];
    snprintf(shown, sizeof shown, "%d", value);
    return add_by_value(l, r, by, value, at, shown);
}

static const char *const repeat_keys[] = {
    "frequency", "interval", "count", "until", "days", "months", "month_days", "year_days",
    "weeks", "hours", "minutes", "seconds", "positions", "week_start"};
enum { RK_FREQUENCY, RK_INTERVAL, RK_COUNT, RK_UNTIL, RK_DAYS, RK_MONTHS, RK_MONTH_DAYS,
       RK_YEAR_DAYS, RK_WEEKS, RK_HOURS, RK_MINUTES, RK_SECONDS, RK_POSITIONS,
       RK_WEEK_START, RK_KEYS };

static int by_of_key(int k)
{
    switch (k) {
    case RK_DAYS:       return BY_DAY;
    case RK_MONTHS:     return BY_MONTH;
    case RK_MONTH_DAYS: return BY_MONTH_DAY;
    case RK_YEAR_DAYS:  return BY_YEAR_DAY;
    case RK_WEEKS:      return BY_WEEK;
    case RK_HOURS:      return BY_HOUR;
    case RK_MINUTES:    return BY_MINUTE;
    case RK_SECONDS:    return BY_SECOND;
    case RK_POSITIONS:  return BY_POSITION;
    default:            return -1;
    }
}

static bool read_int_in(loader *l, node n, int min, int max, const char *what, int *value)
{
    if (!expect_type(l, n, cJSON_IsNumber(n.json), "a whole number"))
        return false;
    double d = n.json->valuedouble;
    /* the range first: a cast of 1e32 to an integer is undefined */
    if (!(d >= min && d <= max) || d != (double)(long)d) {
        report_at(l, value_offset(l, n), ALMANAC_E075,
                  what, min, max, d);
        return false;
    }
    *value = (int)d;
    return true;
}

/* The object form of one by-list: an array of numbers, of weekday texts
 * (days) or of numbers and month names (months). */
static void read_by_list(loader *l, node n, rule_parts *r, int by)
{
    r->at_by[by] = value_offset(l, n);
    if (!expect_type(l, n, cJSON_IsArray(n.json), by == BY_DAY
                     ? "an array of weekdays such as [\"tuesday\", \"last friday\"]"
                     : "an array of numbers"))
        goto broken;
    if (cJSON_GetArraySize(n.json) == 0) {
        report_at(l, value_offset(l, n), ALMANAC_E076,
                  by_keys[by]);
        goto broken;
    }
    size_t i = 0;
    for (node item = first_child(n); item.json != NULL; item = next_sibling(l, item), i++) {
        size_t old = pointer_push_index(l, i);
        size_t at = value_offset(l, item);
        bool ok = false;
        int value;
        if (by == BY_DAY) {
            if (expect_type(l, item, cJSON_IsString(item.json),
                            "a weekday such as \"tuesday\" or \"second tuesday\"") &&
                parse_weekday(l, item.json->valuestring, false, at, &value))
                ok = add_by_value(l, r, by, value, at, item.json->valuestring);
        } else if (by == BY_MONTH && cJSON_IsString(item.json)) {
            value = find_name(item.json->valuestring, month_names, 12);
            if (value < 0) {
                char hint[64];
                suggest(hint, sizeof hint, item.json->valuestring, month_names, 12);
                for (int m = 0; m < 12; m++) /* "jan" for "january" */
                    if (strlen(item.json->valuestring) >= 3 &&
                        strncmp(month_names[m], item.json->valuestring,
                                strlen(item.json->valuestring)) == 0)
                        snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", month_names[m]);
                report_at(l, at, ALMANAC_E077,
                          item.json->valuestring, hint);
            } else {
                ok = check_by_value(l, r, by, value + 1, at);
            }
        } else if (expect_type(l, item, cJSON_IsNumber(item.json),
                               by == BY_MONTH ? "a month number or name" : "a whole number")) {
            double d = item.json->valuedouble;
            if (!(d >= -10000 && d <= 10000) || d != (double)(long)d)
                report_at(l, at, ALMANAC_E078, d,
                          by_keys[by]);
            else
                ok = check_by_value(l, r, by, (int)d, at);
        }
        if (!ok)
            r->broken = true;
        pointer_pop(l, old);
    }
    return;
broken:
    r->broken = true;
}

static bool read_weekday_name(loader *l, node n, int *weekday)
{
    if (!expect_type(l, n, cJSON_IsString(n.json), "a weekday such as \"monday\""))
        return false;
    *weekday = find_name(n.json->valuestring, weekday_names, 7);
    if (*weekday < 0) {
        char hint[64];
        suggest(hint, sizeof hint, n.json->valuestring, weekday_names, 7);
        report_at(l, value_offset(l, n), ALMANAC_E079, n.json->valuestring, hint);
    }
    return *weekday >= 0;
}

static void read_rule_object(loader *l, node n, rule_parts *r)
{
    key_set seen = {0};
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        int k = key_of_member(l, m, repeat_keys, RK_KEYS, &seen);
        bool ok = true;
        switch (k) {
        case RK_FREQUENCY:
            if (!expect_type(l, m, cJSON_IsString(m.json), "\"yearly\", \"monthly\", \"weekly\", "
                             "\"daily\", \"hourly\", \"minutely\" or \"secondly\"")) {
                ok = false;
                break;
            }
            r->freq = find_name(m.json->valuestring, freq_names, FREQ_COUNT);
            if (r->freq < 0) {
                char hint[64];
                suggest(hint, sizeof hint, m.json->valuestring, freq_names, FREQ_COUNT);
                report_at(l, value_offset(l, m), ALMANAC_E080,
                          m.json->valuestring, hint);
                ok = false;
            }
            break;
        case RK_INTERVAL: ok = read_int_in(l, m, 1, 1000, "the interval", &r->interval); break;
        case RK_COUNT:    ok = read_int_in(l, m, 1, ALMANAC_REPEAT_COUNT_MAX, "the count",
                                           &r->count); break;
        case RK_UNTIL:
            r->at_until = value_offset(l, m);
            ok = r->has_until = read_date(l, m, &r->until);
            break;
        case RK_WEEK_START: ok = read_weekday_name(l, m, &r->week_start); break;
        default:
            if (k >= 0 && by_of_key(k) >= 0)
                read_by_list(l, m, r, by_of_key(k));
            break;
        }
        if (!ok)
            r->broken = true;
        pointer_pop(l, old);
    }
    if (!(seen.seen & BIT(RK_FREQUENCY)) && !(seen.suggested & BIT(RK_FREQUENCY)))
        report_at(l, value_offset(l, n), ALMANAC_E081);
}

/* ---- the RRULE string form -------------------------------------------- */

/* An UNTIL value: 20240630, 20240630T100000 or 20240630T100000Z. */
static bool parse_until(const char *v, almanac_date *date)
{
    char iso[24];
    size_t n = strlen(v);
    if (n == 8)
        snprintf(iso, sizeof iso, "%.4s-%.2s-%.2s", v, v + 4, v + 6);
    else if ((n == 15 || (n == 16 && v[15] == 'Z')) && v[8] == 'T')
        snprintf(iso, sizeof iso, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%s", v, v + 4, v + 6, v + 9,
                 v + 11, v + 13, n == 16 ? "Z" : "");
    else
        return false;
    for (size_t i = 0; i < n; i++)
        if (i != 8 && i != 15 && !isdigit((unsigned char)v[i]))
            return false;
    return almanac_date_parse(iso, strlen(iso), date) == ALMANAC_DATE_OK;
}

static const char *const rrule_names[] = {
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTH", "BYMONTHDAY", "BYYEARDAY",
    "BYWEEKNO", "BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS", "WKST"};

/* One NAME=VALUE part; reports at AT (the string's offset) naming PART. */
static void read_rule_part(loader *l, rule_parts *r, int k, const char *value, size_t at,
                           const char *part)
{
    int v;
    switch (k) {
    case RK_FREQUENCY:
        r->freq = find_name(value, freq_ical, FREQ_COUNT);
        if (r->freq < 0) {
            report_at(l, at, ALMANAC_E082, part);
            r->broken = true;
        }
        return;
    case RK_INTERVAL:
    case RK_COUNT: {
        int max = k == RK_INTERVAL ? 1000 : ALMANAC_REPEAT_COUNT_MAX;
        if (!parse_int(value, strlen(value), &v) || v < 1 || v > max || value[0] == '+' ||
            value[0] == '-') {
            report_at(l, at, ALMANAC_E083, part,
                      rrule_names[k], max);
            r->broken = true;
        } else {
            *(k == RK_INTERVAL ? &r->interval : &r->count) = v;
        }
        return;
    }
    case RK_UNTIL:
        r->at_until = at;
        r->has_until = parse_until(value, &r->until);
        if (!r->has_until) {
            report_at(l, at, ALMANAC_E084, part);
            r->broken = true;
        } else if (r->until.year > ALMANAC_YEAR_FEED_MAX) {
            report_at(l, at, ALMANAC_E085,
                      part, ALMANAC_YEAR_FEED_MAX);
            r->broken = r->has_until = false;
            r->broken = true;
        }
        return;
    case RK_WEEK_START:
        r->week_start = find_name(value, weekday_ical, 7);
        if (r->week_start < 0) {
            report_at(l, at, ALMANAC_E086, part);
            r->broken = true;
        }
        return;
    default:
        break;
    }
    int by = by_of_key(k);
    if (by < 0)
        return;
    r->at_by[by] = at;
    if (*value == '\0') {
        report_at(l, at, ALMANAC_E087, part);
        r->broken = true;
        return;
    }
    const char *p = value;
    while (!r->broken) {
        size_t n = strcspn(p, ",");
        char item[16];
        bool ok = false;
        if (n == 0 || n >= sizeof item) {
            report_at(l, at, ALMANAC_E088, part, (int)(n < 16 ? n : 16), p);
        } else {
            memcpy(item, p, n);
            item[n] = '\0';
            if (by == BY_DAY) {
                ok = parse_weekday(l, item, true, at, &v) && add_by_value(l, r, by, v, at, item);
            } else if (!parse_int(item, n, &v)) {
                report_at(l, at, ALMANAC_E089, part, item);
            } else {
                ok = check_by_value(l, r, by, v, at);
            }
        }
        if (!ok)
            r->broken = true;
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
}

/* Where byte I of the string value at AT sits in the text: one past the
 * quote, when the text spells the value without escapes (then the bytes
 * match); else the value's own offset. */
static size_t offset_in_string(const loader *l, size_t at, size_t length, size_t i)
{
    if (at >= l->length || l->text[at] != '"' || length + 1 >= l->length - at ||
        memchr(l->text + at + 1, '\\', length) != NULL)
        return at;
    return at + 1 + i;
}

static void read_rule_string(loader *l, node n, const char *s, rule_parts *r)
{
    size_t at = value_offset(l, n);
    size_t whole = strlen(s);
    const char *begin = s;
    if (strncmp(s, "RRULE:", 6) == 0)
        s += 6;
    uint32_t seen = 0;
    size_t length = strlen(s);
    if (length == 0 || length > 2000) {
        report_at(l, at, ALMANAC_E090,
                  length == 0 ? "empty" : "too long");
        r->broken = true;
        return;
    }
    char *copy = arena_strndup(l->arena, s, length);
    if (copy == NULL) {
        l->out_of_memory = true;
        return;
    }
    for (char *part = copy, *next; part != NULL; part = next) {
        next = strchr(part, ';');
        if (next != NULL)
            *next++ = '\0';
        char *eq = strchr(part, '=');
        at = offset_in_string(l, value_offset(l, n), whole,
                              (size_t)(s - begin) + (size_t)(part - copy));
        if (eq == NULL) {
            report_at(l, at, ALMANAC_E091, part);
            r->broken = true;
            continue;
        }
        *eq = '\0';
        at = offset_in_string(l, value_offset(l, n), whole,
                              (size_t)(s - begin) + (size_t)(part - copy));
        int k = find_name(part, rrule_names, RK_KEYS);
        char shown[64];
        snprintf(shown, sizeof shown, "%.20s=%.40s", part, eq + 1);
        if (k < 0) {
            char hint[64];
            suggest(hint, sizeof hint, part, rrule_names, RK_KEYS);
            report_at(l, at, ALMANAC_E092, shown, hint);
            r->broken = true;
            continue;
        }
        if (seen & BIT(k)) {
            report_at(l, at, ALMANAC_E093, part);
            r->broken = true;
            continue;
        }
        seen |= BIT(k);
        read_rule_part(l, r, k, eq + 1, at, shown);
    }
    if (!(seen & BIT(RK_FREQUENCY)))
        report_at(l, value_offset(l, n), ALMANAC_E094);
}

/* ---- rule consistency and the RRULE value ------------------------------ */

/* What RFC 5545 §3.3.10 allows together, and what almanac bounds. Reports
 * at AT with the key names of the form the rule was written in. */
static bool rule_consistent(loader *l, const rule_parts *r, size_t at, bool object_form)
{
    const char *const *names = object_form ? by_keys : by_ical;
    bool ok = true;
    if (r->count > 0 && r->has_until) {
        report_at(l, at, ALMANAC_E095, object_form ? "count" : "COUNT",
                  object_form ? "until" : "UNTIL",
                  object_form ? "count for a number of occurrences" : "COUNT", object_form
                  ? "until" : "UNTIL");
        ok = false;
    }
    bool yearly_or_monthly = r->freq == FREQ_YEARLY || r->freq == FREQ_MONTHLY;
    for (size_t i = 0; r->freq == FREQ_MONTHLY && i < r->counts[BY_DAY]; i++) {
        int ordinal = day_ordinal(r->values[BY_DAY][i]);
        if (ordinal > 5 || ordinal < -5) {
            report_at(l, r->at_by[BY_DAY], ALMANAC_E096);
            ok = false;
            break;
        }
    }
    for (size_t i = 0; i < r->counts[BY_DAY]; i++)
        if (day_ordinal(r->values[BY_DAY][i]) != 0 && (!yearly_or_monthly ||
                                              (r->freq == FREQ_YEARLY && r->counts[BY_WEEK]))) {
            report_at(l, r->at_by[BY_DAY], ALMANAC_E097,
                      names[BY_WEEK]);
            ok = false;
            break;
        }
    /* RFC 5545 takes what a rule leaves out from the start ("FREQ=YEARLY;
     * BYMONTH=1" keeps the start's day), so a yearly rule of month days
     * without months means the start's month to libical and ical.js, and
     * every month to python-dateutil and the apps built on it. */
    if (r->freq == FREQ_YEARLY && r->counts[BY_MONTH_DAY] && !r->counts[BY_MONTH] &&
        !r->counts[BY_WEEK] && !r->counts[BY_YEAR_DAY]) {
        report_at(l, r->at_by[BY_MONTH_DAY], ALMANAC_E098, names[BY_MONTH_DAY], names[BY_MONTH],
                  object_form
                  ? "\"months\": [1]" : "BYMONTH=1");
        ok = false;
    }
    if (r->counts[BY_WEEK] && r->freq != FREQ_YEARLY) {
        report_at(l, r->at_by[BY_WEEK], ALMANAC_E099, names[BY_WEEK]);
        ok = false;
    }
    if (r->counts[BY_YEAR_DAY] && (r->freq == FREQ_DAILY || r->freq == FREQ_WEEKLY ||
                                   r->freq == FREQ_MONTHLY)) {
        report_at(l, r->at_by[BY_YEAR_DAY], ALMANAC_E100, names[BY_YEAR_DAY], freq_names[r->freq]);
        ok = false;
    }
    if (r->counts[BY_MONTH_DAY] && r->freq == FREQ_WEEKLY) {
        report_at(l, r->at_by[BY_MONTH_DAY], ALMANAC_E101, names[BY_MONTH_DAY]);
        ok = false;
    }
    if (r->counts[BY_POSITION]) {
        bool other = false;
        for (int by = 0; by < BY_COUNT; by++)
            other |= by != BY_POSITION && r->counts[by] > 0;
        if (!other) {
            report_at(l, r->at_by[BY_POSITION], ALMANAC_E102, names[BY_POSITION],
                      names[BY_DAY]);
            ok = false;
        }
    }
    /* libical steps through every hour, minute or second to find the days
     * such lists allow, without a bound: a rule that rarely or never
     * matches would take minutes or forever. */
    if (r->freq >= FREQ_HOURLY) {
        static const int day_lists[] = {BY_MONTH, BY_MONTH_DAY, BY_YEAR_DAY, BY_WEEK};
        for (size_t i = 0; i < sizeof day_lists / sizeof day_lists[0]; i++)
            if (r->counts[day_lists[i]]) {
                report_at(l, r->at_by[day_lists[i]], ALMANAC_E103,
                          r->freq == FREQ_HOURLY ? "an" : "a", freq_names[r->freq],
                          names[day_lists[i]], names[BY_HOUR], names[BY_MINUTE]);
                ok = false;
                break;
            }
    }
    return ok;
}

static void append_list(textbuf *b, int by, const int *values, size_t count)
{
    textbuf_printf(b, ";%s=", by_ical[by]);
    for (size_t i = 0; i < count; i++) {
        if (by == BY_DAY) {
            int ordinal = day_ordinal(values[i]), weekday = day_weekday(values[i]);
            if (ordinal != 0)
                textbuf_printf(b, "%s%d%s", i ? "," : "", ordinal, weekday_ical[weekday]);
            else
                textbuf_printf(b, "%s%s", i ? "," : "", weekday_ical[weekday]);
        } else {
            textbuf_printf(b, "%s%d", i ? "," : "", values[i]);
        }
    }
}

static char *rule_text(loader *l, const rule_parts *r)
{
    textbuf b = STRBUF_INIT;
    textbuf_printf(&b, "FREQ=%s", freq_ical[r->freq]);
    if (r->interval > 1)
        textbuf_printf(&b, ";INTERVAL=%d", r->interval);
    if (r->count > 0)
        textbuf_printf(&b, ";COUNT=%d", r->count);
    if (r->has_until) {
        const almanac_date *u = &r->until;
        if (almanac_date_is_timed(u))
            textbuf_printf(&b, ";UNTIL=%04d%02d%02dT%02d%02d%02d%s", u->year, u->month, u->day,
                          u->hour, u->minute, u->second,
                          u->precision == ALMANAC_PRECISION_UTC_TIME ? "Z" : "");
        else
            textbuf_printf(&b, ";UNTIL=%04d%02d%02d", u->year, u->month, u->day);
    }
    for (int by = 0; by < BY_COUNT; by++)
        if (r->counts[by])
            append_list(&b, by, r->values[by], r->counts[by]);
    if (r->week_start >= 0)
        textbuf_printf(&b, ";WKST=%s", weekday_ical[r->week_start]);
    const char *built = textbuf_text(&b);
    char *text = built != NULL ? arena_strndup(l->arena, built, b.length) : NULL;
    if (text == NULL)
        l->out_of_memory = true;
    textbuf_free(&b);
    return text;
}

void read_repeat(loader *l, node n, almanac_event *event)
{
    rule_parts r = {.freq = -1, .week_start = -1};
    bool object_form = cJSON_IsObject(n.json);
    if (object_form)
        read_rule_object(l, n, &r);
    else if (expect_type(l, n, cJSON_IsString(n.json), "a rule object such as {\"frequency\": "
                         "\"weekly\"} or an RRULE string such as \"FREQ=WEEKLY;BYDAY=TU\""))
        read_rule_string(l, n, n.json->valuestring, &r);
    else
        return;
    if (r.broken || r.freq < 0 || !rule_consistent(l, &r, value_offset(l, n), object_form))
        return;
    almanac_repeat *repeat = &event->repeat;
    repeat->rule = rule_text(l, &r);
    if (repeat->rule == NULL)
        return;
    repeat->has_until = r.has_until;
    repeat->until = r.until;
    repeat->at_until = r.at_until;
    repeat->sub_daily = r.freq >= FREQ_HOURLY;
    repeat->has_time_parts = r.counts[BY_HOUR] || r.counts[BY_MINUTE] || r.counts[BY_SECOND];
    repeat->at = value_offset(l, n);
    event->has_repeat = true;
}

/* ---- dates, overrides --------------------------------------------------- */

void read_event_dates(loader *l, node n, almanac_date_list *list, const char *what)
{
    (void)what;
    if (!expect_type(l, n, cJSON_IsArray(n.json), "an array of dates"))
        return;
    size_t count = (size_t)cJSON_GetArraySize(n.json);
    if (count > ALMANAC_MAX_LIST_ITEMS) {
        report_at(l, value_offset(l, n), ALMANAC_E104, count,
                  ALMANAC_MAX_LIST_ITEMS);
        return;
    }
    list->items = arena_array(l->arena, count ? count : 1, sizeof *list->items);
    list->at = arena_array(l->arena, count ? count : 1, sizeof *list->at);
    if (list->items == NULL || list->at == NULL) {
        l->out_of_memory = true;
        return;
    }
    size_t i = 0;
    for (node item = first_child(n); item.json != NULL; item = next_sibling(l, item), i++) {
        size_t old = pointer_push_index(l, i);
        almanac_date d;
        if (read_date(l, item, &d)) {
            list->items[list->count] = d;
            list->at[list->count] = value_offset(l, item);
            list->count++;
        }
        pointer_pop(l, old);
    }
}

static const char *const override_keys[] = {
    "occurrence", "start", "end", "title", "status", "description", "location"};
enum { OV_OCCURRENCE, OV_START, OV_END, OV_TITLE, OV_STATUS, OV_DESCRIPTION, OV_LOCATION,
       OV_KEYS };

static bool read_override(loader *l, node n, almanac_override *o)
{
    o->at = value_offset(l, n);
    if (!expect_type(l, n, cJSON_IsObject(n.json), "an override object such as "
                     "{\"occurrence\": \"2024-03-12T10:00\", \"status\": \"cancelled\"}"))
        return false;
    key_set seen = {0};
    bool ok = true, has_occurrence = false;
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        switch (key_of_member(l, m, override_keys, OV_KEYS, &seen)) {
        case OV_OCCURRENCE:
            o->at_occurrence = value_offset(l, m);
            ok &= has_occurrence = read_date(l, m, &o->occurrence);
            break;
        case OV_START:
            o->at_start = value_offset(l, m);
            ok &= o->has_start = read_date(l, m, &o->start);
            break;
        case OV_END:    ok &= o->has_end = read_date(l, m, &o->end); break;
        case OV_TITLE:
            o->title = read_shown_text(l, m, TEXT_LINE, ALMANAC_MAX_TITLE_BYTES);
            ok &= o->title != NULL;
            break;
        case OV_STATUS:
            o->status = read_status(l, m);
            o->has_status = true;
            break;
        case OV_DESCRIPTION:
            o->description = read_shown_text(l, m, TEXT_MULTILINE, ALMANAC_MAX_TEXT_BYTES);
            break;
        case OV_LOCATION: o->has_location = read_location(l, m, &o->location); break;
        default: break;
        }
        pointer_pop(l, old);
    }
    require_keys(l, n, override_keys, OV_KEYS, BIT(OV_OCCURRENCE), seen, "the override");
    if (has_occurrence && seen.seen == BIT(OV_OCCURRENCE))
        report_at(l, o->at, ALMANAC_W005);
    return ok && has_occurrence;
}

void read_overrides(loader *l, node n, almanac_event *event)
{
    if (!expect_type(l, n, cJSON_IsArray(n.json), "an array of override objects"))
        return;
    size_t count = (size_t)cJSON_GetArraySize(n.json);
    if (count > ALMANAC_MAX_LIST_ITEMS) {
        report_at(l, value_offset(l, n), ALMANAC_E105, count,
                  ALMANAC_MAX_LIST_ITEMS);
        return;
    }
    event->overrides = arena_array(l->arena, count ? count : 1, sizeof *event->overrides);
    if (event->overrides == NULL) {
        l->out_of_memory = true;
        return;
    }
    size_t i = 0;
    for (node item = first_child(n); item.json != NULL; item = next_sibling(l, item), i++) {
        size_t old = pointer_push_index(l, i);
        almanac_override *o = &event->overrides[event->override_count];
        memset(o, 0, sizeof *o);
        if (read_override(l, item, o))
            event->override_count++;
        pointer_pop(l, old);
    }
}

/* ---- alarms ------------------------------------------------------------ */

static const char *const alarm_keys[] = {"before", "after", "at", "of", "description"};
enum { AL_BEFORE, AL_AFTER, AL_AT, AL_OF, AL_DESCRIPTION, AL_KEYS };

static bool read_alarm(loader *l, node n, almanac_alarm *a)
{
    a->offset = value_offset(l, n);
    if (!expect_type(l, n, cJSON_IsObject(n.json), "an alarm object such as "
                     "{\"before\": \"PT30M\"}"))
        return false;
    key_set seen = {0};
    bool ok = true;
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        int k = key_of_member(l, m, alarm_keys, AL_KEYS, &seen);
        switch (k) {
        case AL_BEFORE:
        case AL_AFTER: {
            char *text = read_text(l, m, TEXT_LINE, 40);
            long seconds = text != NULL ? parse_duration(text) : -1;
            if (text != NULL && seconds < 0)
                report_at(l, value_offset(l, m), ALMANAC_E106,
                          text);
            ok &= seconds >= 0;
            a->kind = k == AL_BEFORE ? ALMANAC_ALARM_BEFORE : ALMANAC_ALARM_AFTER;
            a->seconds = seconds;
            a->duration = text;
            break;
        }
        case AL_AT:
            a->kind = ALMANAC_ALARM_AT;
            if (!read_date(l, m, &a->at)) {
                ok = false;
            } else if (a->at.precision != ALMANAC_PRECISION_UTC_TIME) {
                report_at(l, value_offset(l, m), ALMANAC_E107);
                ok = false;
            }
            break;
        case AL_OF:
            if (expect_type(l, m, cJSON_IsString(m.json), "\"start\" or \"end\"") &&
                (strcmp(m.json->valuestring, "start") == 0 ||
                 strcmp(m.json->valuestring, "end") == 0)) {
                a->of_end = strcmp(m.json->valuestring, "end") == 0;
            } else {
                if (cJSON_IsString(m.json))
                    report_at(l, value_offset(l, m), ALMANAC_E108,
                              m.json->valuestring);
                ok = false;
            }
            break;
        case AL_DESCRIPTION:
            a->description = read_shown_text(l, m, TEXT_LINE, ALMANAC_MAX_TITLE_BYTES);
            ok &= a->description != NULL;
            break;
        default: break;
        }
        pointer_pop(l, old);
    }
    uint32_t when = seen.seen & (BIT(AL_BEFORE) | BIT(AL_AFTER) | BIT(AL_AT));
    if (when == 0 && !(seen.suggested & (BIT(AL_BEFORE) | BIT(AL_AFTER) | BIT(AL_AT)))) {
        report_at(l, a->offset, ALMANAC_E109);
        ok = false;
    } else if (when & (when - 1)) {
        report_at(l, a->offset, ALMANAC_E110);
        ok = false;
    } else if ((seen.seen & BIT(AL_OF)) && (when & BIT(AL_AT))) {
        report_at(l, a->offset, ALMANAC_E111);
        ok = false;
    }
    return ok && when != 0;
}

void read_alarms(loader *l, node n, almanac_alarm_list *alarms)
{
    if (!expect_type(l, n, cJSON_IsArray(n.json), "an array of alarms such as "
                     "[{\"before\": \"PT30M\"}]"))
        return;
    size_t count = (size_t)cJSON_GetArraySize(n.json);
    if (count > ALMANAC_MAX_ALARMS) {
        report_at(l, value_offset(l, n), ALMANAC_E112, count,
                  ALMANAC_MAX_ALARMS);
        return;
    }
    alarms->items = arena_array(l->arena, count ? count : 1, sizeof *alarms->items);
    if (alarms->items == NULL) {
        l->out_of_memory = true;
        return;
    }
    alarms->given = true;
    size_t i = 0;
    for (node item = first_child(n); item.json != NULL; item = next_sibling(l, item), i++) {
        size_t old = pointer_push_index(l, i);
        almanac_alarm *a = &alarms->items[alarms->count];
        memset(a, 0, sizeof *a);
        if (read_alarm(l, item, a))
            alarms->count++;
        pointer_pop(l, old);
    }
}

/* ---- people ------------------------------------------------------------ */

static char *read_email(loader *l, node n)
{
    char *s = read_text(l, n, TEXT_LINE, 254);
    if (s == NULL)
        return NULL;
    char why[160];
    if (!email_address_ok(s, why, sizeof why)) {
        report_at(l, value_offset(l, n), ALMANAC_E113, s, why);
        return NULL;
    }
    return s;
}

static const char *const role_names[] = {"required", "chair", "optional", "non-participant"};
static const char *const partstat_names[] = {
    "needs-action", "accepted", "declined", "tentative", "delegated"};

static bool read_choice(loader *l, node n, const char *const *names, int count,
                        const char *what, int *choice)
{
    char expected[160];
    snprintf(expected, sizeof expected, "a %s such as \"%s\"", what, names[1]);
    if (!expect_type(l, n, cJSON_IsString(n.json), expected))
        return false;
    *choice = find_name(n.json->valuestring, names, count);
    if (*choice < 0) {
        char hint[64], list[160] = "";
        suggest(hint, sizeof hint, n.json->valuestring, names, (size_t)count);
        for (int i = 0; i < count; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"",
                     i == 0 ? "" : i == count - 1 ? " or " : ", ", names[i]);
        report_at(l, value_offset(l, n), ALMANAC_E114, what,
                  n.json->valuestring, hint, list);
    }
    return *choice >= 0;
}

static const char *const person_keys[] = {"name", "email", "role", "status"};
enum { PK_NAME, PK_EMAIL, PK_ROLE, PK_STATUS, PK_KEYS };

/* Reads a person; the organizer (ORGANIZER) has no role or status. */
static bool read_person(loader *l, node n, almanac_person *person, bool organizer)
{
    if (!expect_type(l, n, cJSON_IsObject(n.json), "an object such as {\"name\": \"Dilnoza "
                     "Karimova\", \"email\": \"d.karimova@example.org\"}"))
        return false;
    key_set seen = {0};
    bool ok = true;
    int count = organizer ? PK_ROLE : PK_KEYS;
    for (node m = first_child(n); m.json != NULL; m = next_sibling(l, m)) {
        size_t old = pointer_push(l, m.json->string);
        int choice;
        switch (key_of_member(l, m, person_keys, count, &seen)) {
        case PK_NAME:
            person->name = read_shown_text(l, m, TEXT_LINE, ALMANAC_MAX_SHORT_BYTES);
            break;
        case PK_EMAIL:
            person->email = read_email(l, m);
            ok &= person->email != NULL;
            break;
        case PK_ROLE:
            if (read_choice(l, m, role_names, 4, "role", &choice))
                person->role = (almanac_role)choice;
            break;
        case PK_STATUS:
            if (read_choice(l, m, partstat_names, 5, "participation status", &choice))
                person->status = (almanac_partstat)choice;
            break;
        default: break;
        }
        pointer_pop(l, old);
    }
    require_keys(l, n, person_keys, count, BIT(PK_EMAIL), seen,
                 organizer ? "the organizer" : "the attendee");
    return ok && person->email != NULL;
}

void read_organizer(loader *l, node n, almanac_event *event)
{
    event->has_organizer = read_person(l, n, &event->organizer, true);
}

/* Addresses compared as mail systems do in practice: without case. */
static bool same_address(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

void read_attendees(loader *l, node n, almanac_event *event)
{
    if (!expect_type(l, n, cJSON_IsArray(n.json), "an array of attendees"))
        return;
    size_t count = (size_t)cJSON_GetArraySize(n.json);
    if (count > ALMANAC_MAX_LIST_ITEMS) {
        report_at(l, value_offset(l, n), ALMANAC_E115, count,
                  ALMANAC_MAX_LIST_ITEMS);
        return;
    }
    event->attendees = arena_array(l->arena, count ? count : 1, sizeof *event->attendees);
    if (event->attendees == NULL) {
        l->out_of_memory = true;
        return;
    }
    size_t i = 0;
    for (node item = first_child(n); item.json != NULL; item = next_sibling(l, item), i++) {
        size_t old = pointer_push_index(l, i);
        almanac_person *p = &event->attendees[event->attendee_count];
        memset(p, 0, sizeof *p);
        if (read_person(l, item, p, false)) {
            for (size_t j = 0; j < event->attendee_count; j++)
                if (same_address(event->attendees[j].email, p->email)) {
                    report_at(l, value_offset(l, item), ALMANAC_E116, p->email);
                    p->email = NULL;
                    break;
                }
            if (p->email != NULL)
                event->attendee_count++;
        }
        pointer_pop(l, old);
    }
}

/* ---- presentation ------------------------------------------------------ */

char *read_color(loader *l, node n)
{
    char *color = read_text(l, n, TEXT_LINE, 40);
    bool ok = color != NULL;
    for (const char *p = color; ok && *p; p++)
        ok = *p >= 'a' && *p <= 'z';
    if (color != NULL && !ok)
        report_at(l, value_offset(l, n), ALMANAC_E117, color);
    return ok ? color : NULL;
}
