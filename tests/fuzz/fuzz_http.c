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
 */
#define _DEFAULT_SOURCE /* gmtime_r, strftime */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *parts[4] = {"", "", "", ""};
    const char *p = text;
    for (int i = 0; i < 4 && p <= text + size; i++) {
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
    free(text);
    return 0;
}
