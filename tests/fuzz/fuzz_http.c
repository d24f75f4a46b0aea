/*
 * fuzz_http.c - libFuzzer harness (4): what almanac serve parses itself
 * (src/http_headers.c). libmicrohttpd parses the request line and headers;
 * almanac reads Accept-Encoding, If-None-Match and If-Modified-Since, and
 * escapes request text for the access log.
 *
 * The input is split at its first NUL bytes into header values. Beyond not
 * crashing, the results are checked: a log line holds no control byte,
 * quote or lone backslash and fits its buffer; a date that parses is a real
 * time that prints back the same (day, month, year, clock).
 */
#define _DEFAULT_SOURCE /* gmtime_r, strftime */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_headers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
