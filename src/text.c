/*
 * text.c - UTF-8 checks, slugs and "did you mean" (see text.h).
 */
#include "text.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Skips from I whole words of ASCII and two-byte characters (Latin,
 * Cyrillic, Greek, Arabic, Hebrew...), which is nearly every word of an
 * events file; returns where a word holds anything else. A two-byte
 * character is a lead byte C2-DF followed by a continuation byte 80-BF, so
 * a word passes when it has no lead byte of another kind, and its
 * continuation bytes are exactly the bytes after its leads (with one
 * carried in when the word before ended with a lead). */
static size_t skip_simple_words(const char *text, size_t length, size_t i)
{
    uint64_t carry = 0; /* 0x80 when the word before ended with a lead */
    while (length - i >= WORD_BYTES) {
        uint64_t w = word_at(text + i);
        uint64_t high = w & WORD_HIGHS;
        uint64_t bit6 = (w << 1) & WORD_HIGHS;
        uint64_t lead = high & bit6, cont = high & ~bit6;
        uint64_t long_lead = lead & (w << 2);        /* E0-FF: three or more bytes */
        uint64_t overlong = word_equal(w & ~WORD_ONES, 0xC0); /* C0, C1 */
        if (long_lead != 0 || overlong != 0 || cont != ((lead << 8) | carry))
            break;
        carry = lead >> 56;
        i += WORD_BYTES;
    }
    return carry != 0 ? i - 1 : i; /* a lead carried out: look at it again */
}

size_t utf8_control_width(const char *p, size_t left)
{
    if (left == 0)
        return 0;
    unsigned char c = (unsigned char)p[0];
    if (c < 0x20 || c == 0x7F)
        return 1;
    if (c == 0xC2 && left >= 2 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9F)
        return 2;
    return 0;
}

size_t utf8_invalid_at(const char *text, size_t length)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < length) {
        i = skip_simple_words(text, length, i);
        /* the next word's worth one character at a time */
        size_t stop = length - i < WORD_BYTES ? length : i + WORD_BYTES;
        while (i < stop) {
            unsigned char c = s[i];
            size_t need;
            uint32_t cp;
            if (c < 0x80) {
                i++;
                continue;
            }
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                cp = 0x80; /* never overlong, never a surrogate */
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                cp = c & 0x0Fu;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                cp = c & 0x07u;
            } else {
                return i;
            }
            if (length - i <= need)
                return i;
            for (size_t k = 1; k <= need; k++) {
                if ((s[i + k] & 0xC0) != 0x80)
                    return i;
                cp = (cp << 6) | (s[i + k] & 0x3Fu);
            }
            if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
                (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
                return i;
            i += need + 1;
        }
    }
    return SIZE_MAX;
}

uint32_t utf8_decode(const char *text, size_t available, size_t *bytes)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t need = s[0] < 0x80 ? 0 : s[0] >= 0xF0 ? 3 : s[0] >= 0xE0 ? 2 : s[0] >= 0xC0 ? 1 : 0;
    uint32_t cp = need == 0 ? s[0] : s[0] & (0x3Fu >> need);
    *bytes = 1;
    if (need == 0 || need >= available)
        return s[0];
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return s[0];
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    *bytes = need + 1;
    return cp;
}

bool unicode_is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool unicode_is_invisible(uint32_t cp)
{
    /* Unicode's White_Space and Default_Ignorable_Code_Point (16.0), as
     * ranges; U+2800 BRAILLE PATTERN BLANK is added: it prints nothing and
     * is the usual way to make a name look empty. */
    static const uint32_t ranges[][2] = {
        {0x0009, 0x000D}, {0x0020, 0x0020}, {0x0085, 0x0085}, {0x00A0, 0x00A0},
        {0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C}, {0x115F, 0x1160},
        {0x1680, 0x1680}, {0x17B4, 0x17B5}, {0x180B, 0x180F}, {0x2000, 0x200F},
        {0x2028, 0x202F}, {0x205F, 0x206F}, {0x2800, 0x2800}, {0x3000, 0x3000},
        {0x3164, 0x3164}, {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF}, {0xFFA0, 0xFFA0},
        {0xFFF0, 0xFFF8}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0] && cp >= ranges[i][0]; i++)
        if (cp <= ranges[i][1])
            return true;
    return false;
}

size_t utf8_first_visible(const char *text, size_t length)
{
    for (size_t i = 0; i < length;) {
        unsigned char c = (unsigned char)text[i];
        if (c > 0x20 && c < 0x7F)
            return i; /* the common case: a printable ASCII character */
        size_t bytes;
        if (!unicode_is_invisible(utf8_decode(text + i, length - i, &bytes)))
            return i;
        i += bytes;
    }
    return SIZE_MAX;
}

static bool is_slug_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_slug(const char *text)
{
    if (!is_slug_char(text[0]))
        return false;
    for (const char *p = text; *p; p++) {
        if (*p == '-') {
            if (!is_slug_char(p[1]))
                return false; /* "--" or a trailing hyphen */
        } else if (!is_slug_char(*p)) {
            return false;
        }
    }
    return true;
}

bool slugify(const char *text, char *out, size_t size)
{
    size_t n = 0;
    bool pending_hyphen = false;
    for (const char *p = text; *p; p++) {
        char c = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
        if (!is_slug_char(c)) {
            pending_hyphen = n > 0;
            continue;
        }
        if (n + (pending_hyphen ? 2 : 1) >= size)
            break; /* full; a hyphen is only ever written before a character */
        if (pending_hyphen)
            out[n++] = '-';
        pending_hyphen = false;
        out[n++] = c;
    }
    out[n] = '\0';
    return n > 0;
}

static char fold(char c, bool fold_case)
{
    return fold_case && c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

size_t edit_distance(const char *a, const char *b, bool fold_case)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 256 || lb > 256)
        return SIZE_MAX; /* no typo is that long; keep the work bounded */
    size_t row[257];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t cost = fold(a[i - 1], fold_case) == fold(b[j - 1], fold_case) ? 0 : 1;
            size_t best = diagonal + cost;
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diagonal = above;
        }
    }
    return row[lb];
}

const char *closest_word(const char *word, const char *const *candidates,
                         size_t count)
{
    const char *best = NULL;
    size_t best_distance = SIZE_MAX;
    for (size_t i = 0; i < count; i++) {
        size_t d = edit_distance(word, candidates[i], true);
        if (d < best_distance) {
            best_distance = d;
            best = candidates[i];
        }
    }
    return is_plausible_typo(word, best_distance) ? best : NULL;
}

bool is_plausible_typo(const char *word, size_t distance)
{
    /* A plausible typo changes at most a third of the word (and at least
     * one or two letters for short words). */
    size_t allowed = strlen(word) / 3;
    if (allowed < 2)
        allowed = 2;
    return distance <= allowed;
}

/* ---- addresses ---------------------------------------------------------- */

static bool is_local_char(char c)
{
    return isalnum((unsigned char)c) || strchr(".!$'*+_~-", c) != NULL;
}

bool email_address_ok(const char *s, char *why, size_t size)
{
    const char *at = strchr(s, '@');
    size_t length = strlen(s);
    if (at == NULL || strchr(at + 1, '@') != NULL) {
        snprintf(why, size, "it needs exactly one '@'");
        return false;
    }
    if (at == s || length > 254) {
        snprintf(why, size, at == s ? "nothing comes before the '@'" : "it is too long");
        return false;
    }
    for (const char *p = s; p < at; p++)
        if (!is_local_char(*p)) {
            if ((unsigned char)*p < 0x80 && *p > ' ')
                snprintf(why, size, "'%c' cannot stand in it unescaped", *p);
            else
                snprintf(why, size, "it holds a space, a control or a non-ASCII character");
            return false;
        }
    if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL) {
        snprintf(why, size, "its name part has a dot at an end or two in a row");
        return false;
    }
    const char *host = at + 1, *label = host;
    size_t labels = 0;
    for (const char *p = host;; p++) {
        if (*p == '.' || *p == '\0') {
            size_t n = (size_t)(p - label);
            if (n == 0 || n > 63 || label[0] == '-' || p[-1] == '-') {
                snprintf(why, size, "its domain '%s' is not a host name such as example.org", host);
                return false;
            }
            labels++;
            if (*p == '\0')
                break;
            label = p + 1;
        } else if (!isalnum((unsigned char)*p) && *p != '-') {
            snprintf(why, size, "its domain '%s' is not a host name such as example.org", host);
            return false;
        }
    }
    if (labels < 2) {
        snprintf(why, size, "its domain '%s' has no dot: write the full domain, such as "
                 "example.org", host);
        return false;
    }
    return true;
}

