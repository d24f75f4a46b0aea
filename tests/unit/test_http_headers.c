/*
 * test_http_headers.c - what almanac serve reads of a request itself:
 * escaping request text for the access log, and judging a request head's
 * framing (RFC 9112).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http_headers.h"

static void assert_escaped(const char *text, const char *expected)
{
    char out[256];
    http_log_escape(out, sizeof out, text);
    assert_string_equal(out, expected);
}

static void test_escape_ascii(void **state)
{
    (void)state;
    assert_escaped("/all.ics?x=1", "/all.ics?x=1");
    assert_escaped(NULL, "-");
    assert_escaped("a\"b\\c", "a\\x22b\\x5cc");
    assert_escaped("\r\n\t\x1b[31m\x7f", "\\x0d\\x0a\\x09\\x1b[31m\\x7f");
}

/* C1 controls: a terminal obeys U+009B (CSI) and U+009D (OSC) as it obeys
 * ESC [ and ESC ]; U+0085 (NEL) ends a line for some readers. */
static void test_escape_c1(void **state)
{
    (void)state;
    assert_escaped("\xc2\x9b" "31m", "\\xc2\\x9b31m");
    assert_escaped("\xc2\x9d" "0;x\xc2\x9c", "\\xc2\\x9d0;x\\xc2\\x9c");
    assert_escaped("a\xc2\x85" "b", "a\\xc2\\x85b");
    assert_escaped("\xc2\x80\xc2\x9f", "\\xc2\\x80\\xc2\\x9f");
    /* the same controls as single bytes (Latin-1), not UTF-8 at all */
    assert_escaped("\x9b" "31m\x85", "\\x9b31m\\x85");
}

/* Bidirectional formatting reorders what a reader sees: "\u202egnp.exe"
 * shows as "exe.png". Line and paragraph separators end a line. */
static void test_escape_bidi(void **state)
{
    (void)state;
    assert_escaped("\xe2\x80\xae" "gnp.exe", "\\xe2\\x80\\xaegnp.exe");
    static const char *const each[][2] = {
        {"\xd8\x9c", "\\xd8\\x9c"},                 /* U+061C ARABIC LETTER MARK */
        {"\xe2\x80\x8e", "\\xe2\\x80\\x8e"},        /* U+200E LRM */
        {"\xe2\x80\x8f", "\\xe2\\x80\\x8f"},        /* U+200F RLM */
        {"\xe2\x80\xa8", "\\xe2\\x80\\xa8"},        /* U+2028 LINE SEPARATOR */
        {"\xe2\x80\xa9", "\\xe2\\x80\\xa9"},        /* U+2029 PARAGRAPH SEPARATOR */
        {"\xe2\x80\xaa", "\\xe2\\x80\\xaa"},        /* U+202A LRE */
        {"\xe2\x80\xab", "\\xe2\\x80\\xab"},        /* U+202B RLE */
        {"\xe2\x80\xac", "\\xe2\\x80\\xac"},        /* U+202C PDF */
        {"\xe2\x80\xad", "\\xe2\\x80\\xad"},        /* U+202D LRO */
        {"\xe2\x81\xa6", "\\xe2\\x81\\xa6"},        /* U+2066 LRI */
        {"\xe2\x81\xa7", "\\xe2\\x81\\xa7"},        /* U+2067 RLI */
        {"\xe2\x81\xa8", "\\xe2\\x81\\xa8"},        /* U+2068 FSI */
        {"\xe2\x81\xa9", "\\xe2\\x81\\xa9"},        /* U+2069 PDI */
    };
    for (size_t i = 0; i < sizeof each / sizeof each[0]; i++)
        assert_escaped(each[i][0], each[i][1]);
}

/* Text people write stays readable, the neighbours of the ranges above
 * included. */
static void test_keep_text(void **state)
{
    (void)state;
    assert_escaped("Mozilla/5.0 (Thunderbird) caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x85",
                   "Mozilla/5.0 (Thunderbird) caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x85");
    assert_escaped("\xc2\xa0\xe2\x80\x8d\xe2\x80\xb0\xe2\x81\xa5\xe2\x81\xaa\xd8\x9b",
                   "\xc2\xa0\xe2\x80\x8d\xe2\x80\xb0\xe2\x81\xa5\xe2\x81\xaa\xd8\x9b");
    assert_escaped("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82",
                   "\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82");
}

/* Bytes that are not well-formed UTF-8 are escaped one by one: a reader
 * decoding them some other way must not find a control among them. */
static void test_escape_malformed(void **state)
{
    (void)state;
    assert_escaped("\xc0\xaf", "\\xc0\\xaf");               /* overlong '/' */
    assert_escaped("\xe0\x80\xae", "\\xe0\\x80\\xae");       /* overlong '.' */
    assert_escaped("\xed\xa0\x80", "\\xed\\xa0\\x80");       /* a surrogate */
    assert_escaped("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
    assert_escaped("\x80x", "\\x80x");                       /* a lone continuation */
    assert_escaped("a\xe2\x80", "a\\xe2\\x80");              /* cut short by the end */
    assert_escaped("\xe2\x80" "b", "\\xe2\\x80b");           /* cut short by a letter */
    assert_escaped("\xff\xfe", "\\xff\\xfe");
}

/* The output always fits and never ends inside a character or an escape. */
static void test_cut_whole(void **state)
{
    (void)state;
    char out[8];
    http_log_escape(out, 3, "\xc3\xa9\xc3\xa9");
    assert_string_equal(out, "\xc3\xa9");
    http_log_escape(out, 2, "\xc3\xa9");
    assert_string_equal(out, "");
    http_log_escape(out, 8, "ab\xe2\x80\xae");
    assert_string_equal(out, "ab");
    http_log_escape(out, 8, "a\x1b\x1b");
    assert_string_equal(out, "a\\x1b");
    http_log_escape(out, 1, "abc");
    assert_string_equal(out, "");
}

/* FIELDS: "name", "value" pairs, NULL-terminated. */
static http_head_verdict_kind judge(const char *target, const char *version,
                                    const char *const *fields, const char **why)
{
    http_head head = HTTP_HEAD_INIT;
    for (size_t i = 0; fields[i] != NULL; i += 2)
        http_head_field(&head, fields[i], fields[i + 1]);
    return http_head_verdict(&head, target, version, why);
}

#define JUDGE(target, version, ...) judge(target, version, (const char *const[]){__VA_ARGS__, NULL}, &why)

static void test_head_without_body(void **state)
{
    (void)state;
    const char *why;
    assert_int_equal(JUDGE("/all.ics", "HTTP/1.1", "Host", "x"), HTTP_HEAD_NO_BODY);
    assert_null(why);
    assert_int_equal(JUDGE("/", "HTTP/1.1", "host", "x", "Content-Length", "0"), HTTP_HEAD_NO_BODY);
    assert_int_equal(JUDGE("/", "HTTP/1.1", "Host", "x", "Content-Length", "0", "content-length", "000"),
                     HTTP_HEAD_NO_BODY);
    assert_int_equal(JUDGE("/", "HTTP/1.0", "User-Agent", "x"), HTTP_HEAD_NO_BODY);
}

static void test_head_with_body(void **state)
{
    (void)state;
    const char *why;
    assert_int_equal(JUDGE("/", "HTTP/1.1", "Host", "x", "Content-Length", "5"), HTTP_HEAD_BODY);
    assert_int_equal(JUDGE("/", "HTTP/1.1", "Host", "x", "Content-Length", "9223372036854775807",
                           "Content-Length", "009223372036854775807"), HTTP_HEAD_BODY);
    assert_int_equal(JUDGE("/", "HTTP/1.1", "Host", "x", "Content-Length", "5", "Content-Length", "5"),
                     HTTP_HEAD_BODY);
    assert_int_equal(JUDGE("/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "chunked"), HTTP_HEAD_BODY);
    assert_int_equal(JUDGE("/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "gzip, Chunked"),
                     HTTP_HEAD_BODY);
    assert_int_equal(JUDGE("/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "gzip",
                           "Transfer-Encoding", "chunked"), HTTP_HEAD_BODY);
    /* empty list elements count for nothing (RFC 9110 5.6.1) */
    assert_int_equal(JUDGE("/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", ", chunked ,"),
                     HTTP_HEAD_BODY);
    assert_int_equal(JUDGE("/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "gzip;q=1 , chunked "),
                     HTTP_HEAD_BODY);
}

static void assert_bad(const char *expected, const char *target, const char *version,
                       const char *const *fields)
{
    const char *why;
    assert_int_equal(judge(target, version, fields, &why), HTTP_HEAD_BAD);
    assert_non_null(why);
    assert_non_null(strstr(why, expected));
}

/* BAD(what WHY mentions, target, version, field name and value pairs...) */
#define BAD(expected, target, version, ...) \
    assert_bad(expected, target, version, (const char *const[]){__VA_ARGS__, NULL})

/* RFC 9112 6.3: lengths that disagree, or a length beside chunked, leave
 * the end of the request to whoever reads it: the smuggling cases. */
static void test_head_framing_bad(void **state)
{
    (void)state;
    BAD("Content-Length", "/", "HTTP/1.1", "Host", "x", "Content-Length", "0", "Content-Length", "5");
    BAD("Content-Length", "/", "HTTP/1.1", "Host", "x", "Content-Length", "5, 5");
    BAD("Content-Length", "/", "HTTP/1.1", "Host", "x", "Content-Length", "");
    BAD("Content-Length", "/", "HTTP/1.1", "Host", "x", "Content-Length", "-1");
    BAD("Content-Length", "/", "HTTP/1.1", "Host", "x", "Content-Length", "+5");
    BAD("Content-Length", "/", "HTTP/1.1", "Host", "x", "Content-Length", "99999999999999999999999");
    BAD("Content-Length", "/", "HTTP/1.1", "Host", "x", "Content-Length", "9223372036854775808");
    BAD("Content-Length", "/", "HTTP/1.1", "Host", "x", "Content-Length", "09844674407370955671");
    BAD("both", "/", "HTTP/1.1", "Host", "x", "Content-Length", "5", "Transfer-Encoding", "chunked");
    BAD("last coding", "/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "xchunked");
    BAD("last coding", "/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "chunked, gzip");
    BAD("last coding", "/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "chunked",
        "Transfer-Encoding", "gzip");
    BAD("last coding", "/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "");
    BAD("last coding", "/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "chunked gzip");
    BAD("last coding", "/", "HTTP/1.1", "Host", "x", "Transfer-Encoding", "chunked;q=1, ;x");
    BAD("HTTP/1.0", "/", "HTTP/1.0", "Transfer-Encoding", "chunked");
}

static void test_head_fields_bad(void **state)
{
    (void)state;
    const char *why;
    BAD("without a Host", "/", "HTTP/1.1", "User-Agent", "x");
    BAD("more than one Host", "/", "HTTP/1.1", "Host", "x", "Host", "y");
    BAD("field name", "/", "HTTP/1.1", "Host", "x", "Content-Length ", "5");
    BAD("field name", "/", "HTTP/1.1", "Host", "x", "Transfer-Encoding\t", "chunked");
    BAD("field name", "/", "HTTP/1.1", "Host", "x", "", "x");
    BAD("field name", "/", "HTTP/1.1", "Host", "x", "X(y)", "x");
    BAD("request target", "/a b", "HTTP/1.1", "Host", "x");
    BAD("request target", "/a\x01", "HTTP/1.1", "Host", "x");
    assert_int_equal(JUDGE("/a%20b", "HTTP/1.1", "Host", "x", "X-Custom_Field.1~", "v"), HTTP_HEAD_NO_BODY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_ascii),     cmocka_unit_test(test_escape_c1),
        cmocka_unit_test(test_escape_bidi),      cmocka_unit_test(test_keep_text),
        cmocka_unit_test(test_escape_malformed), cmocka_unit_test(test_cut_whole),
        cmocka_unit_test(test_head_without_body), cmocka_unit_test(test_head_with_body),
        cmocka_unit_test(test_head_framing_bad),  cmocka_unit_test(test_head_fields_bad),
    };
    return cmocka_run_group_tests_name("http_headers", tests, NULL, NULL);
}
