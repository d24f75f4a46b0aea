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
    almanac_date utc = {.precision = ALMANAC_PRECISION_UTC_TIME, .year = year, .month = mon,
                        .day = day, .hour = hour, .minute = minute, .second = second};
    *seconds = almanac_date_clock_seconds(&utc);
    return true;
}

/* ---- framing ------------------------------------------------------------ */

/* A field name is a token (RFC 9110 5.1, 5.6.2): a name with a space or
 * anything else in it ("Content-Length ", "Transfer-Encoding\t") is one
 * that some other server on the way may read as the real field. */
static bool is_token(const char *text)
{
    static const char others[] = "!#$%&'*+-.^_`|~";
    if (*text == '\0')
        return false;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              strchr(others, *p) != NULL))
            return false;
    return true;
}

/* A Content-Length value: 1*DIGIT (RFC 9110 8.6) up to INT64_MAX, the
 * largest length a file offset can hold. */
static bool parse_length(const char *value, uint64_t *length)
{
    *length = 0;
    if (*value == '\0')
        return false;
    for (const char *p = value; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return false;
        uint64_t digit = (uint64_t)(*p - '0');
        if (*length > ((uint64_t)INT64_MAX - digit) / 10)
            return false;
        *length = *length * 10 + digit;
    }
    return true;
}

/* Whether the last coding listed in a Transfer-Encoding VALUE is chunked
 * ("gzip, chunked" yes; "chunked, gzip", "xchunked", "chunked gzip",
 * "chunked, ;x", "" no). Elements are separated by commas, may have parameters after a ';'
 * and may be empty (RFC 9110 5.6.1). Fields can be repeated: the caller
 * keeps the answer for the last one. */
static bool last_coding_is_chunked(const char *value)
{
    const char *last = NULL;
    size_t last_length = 0;
    for (const char *element = value;; element++) {
        size_t length = strcspn(element, ",");
        const char *start = element + strspn(element, " \t");
        const char *end = element + strcspn(element, ";,"); /* parameters are not the name */
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
        if (end > start || *start == ';') { /* ";x": parameters without a name */
            last = start;
            last_length = (size_t)(end - start);
        }
        element += length;
        if (*element == '\0')
            break;
    }
    return last != NULL && last_length == 7 && strncasecmp(last, "chunked", 7) == 0;
}

void http_head_field(http_head *head, const char *name, const char *value)
{
    if (value == NULL)
        value = "";
    if (!is_token(name)) {
        head->bad_name = true;
    } else if (strcasecmp(name, "Content-Length") == 0) {
        uint64_t length;
        if (!parse_length(value, &length) ||
            (head->content_lengths > 0 && length != head->content_length))
            head->length_conflict = true;
        if (head->content_lengths++ == 0)
            head->content_length = length;
    } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
        head->transfer_encodings++;
        head->chunked_last = last_coding_is_chunked(value);
    } else if (strcasecmp(name, "Host") == 0) {
        head->hosts++;
    }
}

/* Whether TARGET holds a space or a control character: not a
 * request-target (RFC 9112 3.2), whatever a lenient parser made of it. */
static bool bad_target(const char *target)
{
    for (const unsigned char *p = (const unsigned char *)target; *p != '\0'; p++)
        if (*p <= 0x20 || *p == 0x7f)
            return true;
    return false;
}

/* RFC 9112: 3.2 (request target, Host), 5.1 (field names), 6.1
 * (Transfer-Encoding) and 6.3 (message body length). Each of these makes
 * the end of the request uncertain, or shows a client or proxy that
 * another server may read differently: the only safe answer is 400 and
 * closing the connection. */
http_head_verdict_kind http_head_verdict(const http_head *head, const char *target,
                                         const char *version, const char **why)
{
    bool http_1_0 = strcmp(version, "HTTP/1.0") == 0;
    *why = NULL;
    if (bad_target(target))
        *why = "a space or a control character in the request target";
    else if (head->bad_name)
        *why = "a header field name holds a space or a character a name cannot hold";
    else if (head->hosts > 1)
        *why = "more than one Host header field";
    else if (head->hosts == 0 && !http_1_0)
        *why = "an HTTP/1.1 request without a Host header field";
    else if (head->transfer_encodings > 0 && head->content_lengths > 0)
        *why = "both Transfer-Encoding and Content-Length";
    else if (head->transfer_encodings > 0 && http_1_0)
        *why = "Transfer-Encoding in an HTTP/1.0 request";
    else if (head->transfer_encodings > 0 && !head->chunked_last)
        *why = "a Transfer-Encoding whose last coding is not chunked";
    else if (head->length_conflict)
        *why = "Content-Length is not one decimal number";
    if (*why != NULL)
        return HTTP_HEAD_BAD;
    if (head->transfer_encodings > 0 || head->content_length > 0)
        return HTTP_HEAD_BODY;
    return HTTP_HEAD_NO_BODY;
}
