/*
 * text.h - small string checks shared by the loader and the renderers.
 */
#ifndef ALMANAC_TEXT_H
#define ALMANAC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Offset of the first byte that is not part of valid UTF-8 (overlongs,
 * surrogates and code points above U+10FFFF are invalid), or SIZE_MAX. */
size_t utf8_invalid_at(const char *text, size_t length);

/* Number of code points in valid UTF-8 TEXT. */
size_t utf8_length(const char *text, size_t length);

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

#endif
