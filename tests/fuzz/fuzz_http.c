/*
 * fuzz_http.c - libFuzzer harness (4): what almanac serve parses itself
 * (src/http_headers.c). libmicrohttpd parses the request line and headers;
 * almanac reads Accept-Encoding, If-None-Match and If-Modified-Since, and
 * escapes request text for the access log.
 *
 * The input is split at its first NUL bytes into header values. Beyond not
 * crashing, the results are checked: a log line holds no control byte
 * (C0, DEL, C1), quote, lone backslash or bidirectional formatting
 * character, is well-formed UTF-8, fits its buffer and undoes to the text
 * it came from; a date that parses is a real time that prints back the
 * same (day, month, year, clock).
 *
 * A fifth part is a request head for http_head_field()/http_head_verdict():
 * its first line is the request target ("0" before it: an HTTP/1.0
 * request), each further line "name:value". The verdict is checked against
 * the rules of RFC 9112 worked out again here, more plainly.
 */
#define _DEFAULT_SOURCE /* gmtime_r, strftime, strncasecmp */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http_headers.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether S holds, raw, a character the log must show escaped: C1
 * (U+0080..U+009F), bidirectional formatting (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069) or U+2028/U+2029, matched as the UTF-8
 * bytes they are (independently of how http_headers.c decodes). */
static bool has_unsafe_character(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
            return true;
        if (p[0] == 0xd8 && p[1] == 0x9c)
            return true;
        if (p[0] == 0xe2 && p[1] == 0x80 &&
            (p[2] == 0x8e || p[2] == 0x8f || (p[2] >= 0xa8 && p[2] <= 0xae)))
            return true;
        if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
            return true;
    }
    return false;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Undoes the log's \xHH escapes into OUT (SIZE bytes); false when an
 * escape is malformed. */
static bool unescape(const char *escaped, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = escaped; *p != '\0' && n + 1 < size; n++) {
        if (*p != '\\') {
            out[n] = *p++;
            continue;
        }
        int high = p[1] == 'x' ? hex_digit(p[2]) : -1;
        int low = high >= 0 ? hex_digit(p[3]) : -1;
        if (low < 0)
            return false;
        out[n] = (char)(high * 16 + low);
        p += 4;
    }
    out[n] = '\0';
    return true;
}

static void check_log_escape(const char *text)
{
    static const size_t sizes[] = {1, 2, 5, 16, 1024};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char out[1024];
        http_log_escape(out, sizes[k], text);
        size_t length = strlen(out);
        if (length >= sizes[k])
            abort();
        for (size_t i = 0; i < length; i++) {
            unsigned char c = (unsigned char)out[i];
            if (c < 0x20 || c == 0x7f || c == '"')
                abort();
            if (c == '\\' && out[i + 1] != 'x')
                abort();
        }
        /* what is left is well-formed UTF-8 with nothing a terminal obeys */
        if (utf8_invalid_at(out, length) != SIZE_MAX || has_unsafe_character(out))
            abort();
        /* nothing is lost but what did not fit: the escapes undo to a
         * prefix of the text, and the whole text when it fits fourfold */
        char back[1024];
        if (!unescape(out, back, sizeof back) || strncmp(back, text, strlen(back)) != 0)
            abort();
        if (strlen(text) * 4 < sizes[k] && strcmp(back, text) != 0)
            abort();
    }
}

static void check_date(const char *text)
{
    int64_t seconds;
    if (!http_parse_date(text, &seconds))
        return;
    if (seconds < 0)
        abort();
    /* The part after the weekday must be what the time prints as. */
    time_t t = (time_t)seconds;
    struct tm tm;
    char printed[64];
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(printed, sizeof printed, "%d %b %Y %H:%M:%S GMT", &tm) == 0)
        abort();
    const char *comma = strchr(text, ',');
    if (comma == NULL)
        abort();
    const char *rest = comma + 1 + strspn(comma + 1, " ");
    /* :60, a leap second, is accepted and reads as the next minute's :00 */
    if (strcmp(rest, printed) != 0 && strstr(rest, ":60 GMT") == NULL)
        abort();
}

/* ---- the request head's verdict ---------------------------------------- */

typedef struct {
    const char *name, *value;
} field;

enum { FIELDS_MAX = 64 };

static bool tchar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool all_digits(const char *s)
{
    return *s != '\0' && strspn(s, "0123456789") == strlen(s);
}

/* Two Content-Length values name the same number: equal once the leading
 * zeros are gone (both all digits). */
static bool same_number(const char *a, const char *b)
{
    a += strspn(a, "0");
    b += strspn(b, "0");
    return strcmp(a, b) == 0;
}

/* The last non-empty element of a comma list, without parameters or
 * spaces, is "chunked" (an element of parameters alone is a bad one). */
static bool ends_in_chunked(const char *value)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", value);
    char *last = NULL;
    char *state;
    for (char *element = strtok_r(copy, ",", &state); element != NULL;
         element = strtok_r(NULL, ",", &state)) {
        element += strspn(element, " \t");
        if (*element == ';') { /* parameters without a coding */
            last = "";
            continue;
        }
        element[strcspn(element, ";")] = '\0';
        size_t n = strlen(element);
        while (n > 0 && (element[n - 1] == ' ' || element[n - 1] == '\t'))
            element[--n] = '\0';
        if (n > 0)
            last = element;
    }
    return last != NULL && strcasecmp(last, "chunked") == 0;
}

static void check_head(char *text)
{
    field fields[FIELDS_MAX];
    size_t count = 0;
    char *state;
    char *line = strtok_r(text, "\n", &state);
    if (line == NULL)
        return;
    bool http_1_0 = line[0] == '0';
    const char *target = http_1_0 ? line + 1 : line;
    while ((line = strtok_r(NULL, "\n", &state)) != NULL && count < FIELDS_MAX) {
        char *colon = strchr(line, ':');
        if (colon == NULL || strlen(colon + 1) >= 500)
            continue;
        *colon = '\0';
        fields[count++] = (field){line, colon + 1 + strspn(colon + 1, " \t")};
    }
    http_head head = HTTP_HEAD_INIT;
    for (size_t i = 0; i < count; i++)
        http_head_field(&head, fields[i].name, fields[i].value);
    const char *why;
    http_head_verdict_kind verdict =
        http_head_verdict(&head, target, http_1_0 ? "HTTP/1.0" : "HTTP/1.1", &why);
    if ((verdict == HTTP_HEAD_BAD) != (why != NULL))
        abort();

    /* the same rules, plainly */
    bool bad = false, body = false;
    for (const char *t = target; *t != '\0'; t++)
        bad |= (unsigned char)*t <= 0x20 || *t == 0x7f;
    size_t hosts = 0, lengths = 0, encodings = 0;
    const char *first_length = NULL, *last_encoding = NULL;
    for (size_t i = 0; i < count; i++) {
        bool token = fields[i].name[0] != '\0';
        for (const char *n = fields[i].name; *n != '\0'; n++)
            token &= tchar(*n);
        bad |= !token;
        if (!token)
            continue;
        if (strcasecmp(fields[i].name, "Host") == 0)
            hosts++;
        if (strcasecmp(fields[i].name, "Transfer-Encoding") == 0) {
            encodings++;
            last_encoding = fields[i].value;
        }
        if (strcasecmp(fields[i].name, "Content-Length") == 0) {
            lengths++;
            const char *v = fields[i].value;
            const char *significant = v + strspn(v, "0");
            size_t digits = strlen(significant);
            /* at most INT64_MAX, compared as text */
            bool too_long = digits > 19 ||
                            (digits == 19 && strcmp(significant, "9223372036854775807") > 0);
            bad |= !all_digits(v) || too_long ||
                   (first_length != NULL && !same_number(first_length, v));
            if (first_length == NULL)
                first_length = fields[i].value;
        }
    }
    bad |= hosts > 1 || (hosts == 0 && !http_1_0);
    bad |= encodings > 0 && (lengths > 0 || http_1_0 || !ends_in_chunked(last_encoding));
    body = encodings > 0 || (first_length != NULL && first_length[strspn(first_length, "0")] != '\0');
    if (bad != (verdict == HTTP_HEAD_BAD))
        abort();
    if (!bad && verdict != (body ? HTTP_HEAD_BODY : HTTP_HEAD_NO_BODY))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char *parts[5];
    for (int i = 0; i < 5; i++)
        parts[i] = text + size; /* "" */
    char *p = text;
    for (int i = 0; i < 5 && p <= text + size; i++) {
        parts[i] = p;
        p += strlen(p) + 1;
    }
    check_log_escape(parts[0]);
    (void)http_accepts_gzip(parts[1]);
    const char *const etags[2] = {"\"0123456789abcdef\"", "\"0123456789abcdef-gz\""};
    (void)http_etag_matches(parts[2], etags);
    (void)http_etag_matches(parts[0], etags);
    check_date(parts[3]);
    check_date(parts[0]);
    check_head(parts[4]); /* last: it cuts its part into lines */
    free(text);
    return 0;
}
