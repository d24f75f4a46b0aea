/*
 * text.h - small string checks shared by the loader and the renderers.
 */
#ifndef ALMANAC_TEXT_H
#define ALMANAC_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Eight bytes at a time: the loader's scans run over every byte of files of
 * up to 1 GB, and most bytes need nothing. A word's "marks" have the high
 * bit set in bytes that need a closer look. The lowest marked byte is exact;
 * bytes after it may be marked falsely (a borrow), so callers only ever
 * take the first mark and look at that byte themselves. */
enum { WORD_BYTES = sizeof(uint64_t) };

#define WORD_ONES UINT64_C(0x0101010101010101)
#define WORD_HIGHS UINT64_C(0x8080808080808080)

/* The bytes at P as one word, first byte lowest. */
static inline uint64_t word_at(const char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof w);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
/* Whether S is an address a mailto: URI carries without escapes:
 * local@example.org with URI-safe characters in the local part and a host
 * name of at least two labels. Writes into WHY (SIZE bytes) what is wrong
 * when it is not. */
bool email_address_ok(const char *s, char *why, size_t size);

#endif
    return w;
}

/* Marks the bytes of W below N (N <= 128). */
static inline uint64_t word_below(uint64_t w, unsigned char n)
{
    return (w - WORD_ONES * n) & ~w & WORD_HIGHS;
}

/* Marks the bytes of W equal to B. */
static inline uint64_t word_equal(uint64_t w, unsigned char b)
{
    return word_below(w ^ (WORD_ONES * b), 1);
}

/* Index of the first marked byte; MARKS is not 0. */
static inline size_t word_first(uint64_t marks)
{
    return (size_t)__builtin_ctzll(marks) / 8;
}

/* Offset of the first byte that is not part of valid UTF-8 (overlongs,
 * surrogates and code points above U+10FFFF are invalid), or SIZE_MAX. */
size_t utf8_invalid_at(const char *text, size_t length);

/* The length in bytes of the control character at P (LEFT bytes remain):
 * C0 (U+0000-U+001F), DEL, or C1 (U+0080-U+009F, UTF-8 C2 80-C2 9F, whose
 * U+009B is CSI to terminals that honour 8-bit controls); 0 when P does not
 * start one. These are the characters the loader refuses in a text (load.c
 * check_text), apart from the newline and tab it allows in some. */
size_t utf8_control_width(const char *p, size_t left);

/* The code point of the valid UTF-8 character at TEXT (AVAILABLE > 0
 * bytes), with *BYTES set to its length; an invalid or cut sequence gives
 * its first byte as a code point, one byte long. */
uint32_t utf8_decode(const char *text, size_t available, size_t *bytes);

/* Bidirectional controls that reorder what follows them (embeddings,
 * overrides, isolates: U+202A-U+202E, U+2066-U+2069): "\u202Egnp.exe"
 * displays as "exe.png". The marks U+200E, U+200F and U+061C change no
 * order of their own and are not among them. */
bool unicode_is_bidi_control(uint32_t cp);

/* Characters that show nothing: white space (U+00A0, U+3000 ...) and the
 * default-ignorable ones (U+200B ZERO WIDTH SPACE, U+FEFF, variation
 * selectors, tags ...), and U+2800, a blank that names are padded with. */
bool unicode_is_invisible(uint32_t cp);

/* The first character of TEXT (LENGTH bytes of valid UTF-8) that is not
 * invisible, or SIZE_MAX when there is none. */
size_t utf8_first_visible(const char *text, size_t length);

/* Whether TEXT is a slug: lower-case ASCII letters and digits in groups
 * joined by single hyphens ("sco-summit-2022"). */
bool is_slug(const char *text);

/* Writes into OUT (SIZE bytes) a slug made from TEXT: ASCII letters in lower
 * case and digits, every other run of characters one hyphen. Returns false
 * when nothing is left (e.g. a text with no ASCII letter or digit). SIZE > 0. */
bool slugify(const char *text, char *out, size_t size);

/* Edit distance between A and B, ignoring ASCII case when FOLD_CASE. */
size_t edit_distance(const char *a, const char *b, bool fold_case);

/* The candidate closest to WORD, or NULL when none is close enough to be a
 * plausible typo. */
const char *closest_word(const char *word, const char *const *candidates,
                         size_t count);

/* Whether a word DISTANCE edits away from WORD could be what was meant. */
bool is_plausible_typo(const char *word, size_t distance);

/* Whether S is an address a mailto: URI carries without escapes:
 * local@example.org with URI-safe characters in the local part and a host
 * name of at least two labels. Writes into WHY (SIZE bytes) what is wrong
 * when it is not. */
bool email_address_ok(const char *s, char *why, size_t size);

#endif
