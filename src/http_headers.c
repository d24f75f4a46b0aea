/*
 * http_headers.c - the few parts of an HTTP request that almanac serve
 * reads itself (see http_headers.h). Kept apart from serve.c so that the
 * fuzz harness (tests/fuzz/fuzz_http.c) can call them without a server.
 */
#define _DEFAULT_SOURCE /* strncasecmp */
#include "http_headers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "almanac/date.h"

/* The length (1 to 4) of the well-formed UTF-8 sequence at P, with its
 * code point in *CP; 0 when P does not start one: a stray continuation
 * byte, an overlong form, a surrogate, beyond U+10FFFF, or cut short (the
 * terminating NUL is not a continuation byte). */
static size_t utf8_sequence(const unsigned char *p, uint32_t *cp)
{
    size_t length;
    uint32_t least; /* the smallest code point that needs LENGTH bytes */
    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    }
    if ((p[0] & 0xe0) == 0xc0) {
        length = 2;
        least = 0x80;
    } else if ((p[0] & 0xf0) == 0xe0) {
        length = 3;
        least = 0x800;
    } else if ((p[0] & 0xf8) == 0xf0) {
        length = 4;
        least = 0x10000;
    } else {
        return 0;
    }
    *cp = p[0] & (0x7fu >> length);
    for (size_t i = 1; i < length; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        *cp = *cp << 6 | (p[i] & 0x3fu);
    }
    if (*cp < least || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return length;
}

/* Characters a log line must not hold as they are: what ends or forges a
 * line or a field (C0, quotes, backslashes, U+2028/U+2029), what a terminal
 * obeys (C0, DEL, and C1: U+009B is a CSI as much as ESC [ is), and what
 * reorders the text a reader sees (bidirectional formatting: U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069). */
static bool unsafe_in_log(uint32_t cp)
{
    return cp < 0x20 || cp == '"' || cp == '\\' || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c ||
           cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

/* Copies TEXT for the log: the bytes of unsafe characters and of anything
 * that is not well-formed UTF-8 become \xHH, so no request can forge a log
 * line, drive a terminal or disguise itself. A character is copied whole or
 * not at all, so a cut never leaves half of one. */
void http_log_escape(char *out, size_t size, const char *text)
{
    size_t n = 0, length;
    for (const unsigned char *p = (const unsigned char *)(text ? text : "-"); *p != '\0';
         p += length) {
        uint32_t cp;
        length = utf8_sequence(p, &cp);
        bool escape = length == 0 || unsafe_in_log(cp);
        if (length == 0)
            length = 1;
        if (n + (escape ? 4 * length : length) >= size)
            break;
        for (size_t i = 0; i < length; i++) {
            if (escape)
                n += (size_t)snprintf(out + n, size - n, "\\x%02x", p[i]);
            else
                out[n++] = (char)p[i];
        }
    }
    out[n] = '\0';
}

/* Whether the Accept-Encoding header VALUE accepts gzip (RFC 9110 12.5.3:
 * "gzip" or "x-gzip", or "*" when gzip is not named; q=0 refuses). */
bool http_accepts_gzip(const char *value)
{
    if (value == NULL)
        return false;
    bool star = false, named = false, gzip = false;
    const char *p = value;
    while (*p != '\0') {
        p += strspn(p, " \t,");
        size_t token = strcspn(p, " \t;,");
        const char *params = p + token;
        size_t params_length = strcspn(params, ",");
        bool refused = false;
        const char *q = params;
        while ((q = strchr(q, ';')) != NULL && q < params + params_length) {
            q += 1 + strspn(q + 1, " \t");
            if ((q[0] == 'q' || q[0] == 'Q') && q[1] == '=')
                refused = strtod(q + 2, NULL) <= 0.0;
        }
        if ((token == 4 && strncasecmp(p, "gzip", 4) == 0) ||
            (token == 6 && strncasecmp(p, "x-gzip", 6) == 0)) {
            named = true;
            gzip = !refused;
        } else if (token == 1 && *p == '*') {
            star = !refused;
        }
        p = params + params_length;
    }
    return named ? gzip : star;
}

/* Whether an If-None-Match list names one of ETAGS (weak comparison, as
 * RFC 9110 13.1.2 asks for GET and HEAD). */
bool http_etag_matches(const char *list, const char *const etags[2])
{
    const char *p = list;
    while (*p != '\0') {
        p += strspn(p, " \t,");
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        size_t length = strcspn(p, " \t,");
        for (int i = 0; i < 2; i++)
            if (strlen(etags[i]) == length && strncmp(p, etags[i], length) == 0)
                return true;
        p += length;
    }
    return false;
}

/* Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The number written with exactly COUNT ASCII digits at TEXT, or -1. */
static int fixed_digits(const char *text, int count)
{
    int value = 0;
    for (int i = 0; i < count; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

/* The 1-based index of the three letters at TEXT in NAMES (three letters
 * each), or 0. */
static int name_index(const char *text, const char *names)
{
    for (int i = 0; names[3 * i] != '\0'; i++)
        if (strncmp(text, names + 3 * i, 3) == 0)
            return i + 1;
    return 0;
}

/* Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 5.6.7:
 * fixed width, two-digit fields) into Unix seconds; false for anything
 * else (then the header is ignored and the full response sent). sscanf
 * was too lenient here: it took " 3" for a day and "-1" for an hour. */
bool http_parse_date(const char *text, int64_t *seconds)
{
    static const char layout[] = "Www, DD Mmm YYYY HH:MM:SS GMT";
    if (strlen(text) != sizeof layout - 1)
        return false;
    for (size_t i = 0; i < sizeof layout - 1; i++)
        if (strchr(", :", layout[i]) != NULL && text[i] != layout[i])
            return false;
    if (strcmp(text + 25, " GMT") != 0 || name_index(text, "MonTueWedThuFriSatSun") == 0)
        return false;
    int mon = name_index(text + 8, "JanFebMarAprMayJunJulAugSepOctNovDec");
    int day = fixed_digits(text + 5, 2), year = fixed_digits(text + 12, 4);
    int hour = fixed_digits(text + 17, 2), minute = fixed_digits(text + 20, 2);
    int second = fixed_digits(text + 23, 2);
    if (mon == 0 || year < 1970 || day < 1 || day > almanac_days_in_month(year, mon) ||
        hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
        return false;
    *seconds = days_from_civil(year, mon, day) * 86400 + hour * 3600 + minute * 60 + second;
    return true;
}
