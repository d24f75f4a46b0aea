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

/* What a request head's fields say about its framing: whether it has a
 * body, and whether where it ends can be trusted (RFC 9112 6.3). Start
 * from HTTP_HEAD_INIT, give every header field to http_head_field(), then
 * ask http_head_verdict(). */
typedef struct {
    unsigned content_lengths;    /* Content-Length fields */
    unsigned transfer_encodings; /* Transfer-Encoding fields */
    unsigned hosts;              /* Host fields */
    uint64_t content_length;     /* the first Content-Length's value */
    bool length_conflict;        /* a Content-Length not 1*DIGIT, or two that differ */
    bool chunked_last;           /* the last transfer coding named is "chunked" */
    bool bad_name;               /* a field name that is not a token ("Content-Length ") */
} http_head;

#define HTTP_HEAD_INIT {0, 0, 0, 0, false, false, false}

void http_head_field(http_head *head, const char *name, const char *value);

typedef enum {
    HTTP_HEAD_NO_BODY,   /* no body follows the head */
    HTTP_HEAD_BODY,      /* a body follows, of a known length or chunked */
    HTTP_HEAD_BAD        /* malformed or ambiguous: answer 400 and close */
} http_head_verdict_kind;

/* The verdict on HEAD for a request for TARGET (as sent) of VERSION
 * ("HTTP/1.1"); for HTTP_HEAD_BAD, *WHY says what is wrong (a static
 * string). */
http_head_verdict_kind http_head_verdict(const http_head *head, const char *target,
                                         const char *version, const char **why);

#endif
