/*
 * http_headers.h - reading request headers and escaping request text for
 * the access log, for almanac serve. Pure functions on NUL-terminated
 * strings: no allocation, no I/O, no libmicrohttpd.
 */
#ifndef ALMANAC_HTTP_HEADERS_H
#define ALMANAC_HTTP_HEADERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies TEXT (NULL: "-") into OUT (SIZE > 0 bytes, always terminated,
 * cut when full) with quotes, backslashes and control bytes as \xHH. */
void http_log_escape(char *out, size_t size, const char *text);

/* Whether the Accept-Encoding header VALUE (NULL: absent) accepts gzip. */
bool http_accepts_gzip(const char *value);

/* Whether the If-None-Match header LIST names one of ETAGS, or is "*". */
bool http_etag_matches(const char *list, const char *const etags[2]);

/* Parses an IMF-fixdate into Unix seconds; false for anything else. */
bool http_parse_date(const char *text, int64_t *seconds);

#endif
