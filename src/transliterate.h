/*
 * transliterate.h - a text in ASCII letters, for ids made from titles:
 * "Café" is "Cafe", "Ташкент" is "Tashkent"-like ("Taskent"), "Straße" is
 * "Strasse". ICU's "Any-Latin; Latin-ASCII" transliterator does the work;
 * this is the one file that uses it.
 */
#ifndef ALMANAC_TRANSLITERATE_H
#define ALMANAC_TRANSLITERATE_H

#include <stddef.h>

/* The first MAX_CHARACTERS characters of TEXT (UTF-8) in Latin letters,
 * accents and marks taken off, as a malloc'ed UTF-8 string the caller
 * frees; what ICU cannot write in ASCII (emoji) stays as it was. NULL when
 * TEXT is not UTF-8, ICU lacks the transliterator, or memory runs out: the
 * caller then uses TEXT as it is. Opening the transliterator costs about
 * 0.1 s, so call it only for a text that is not ASCII already. */
char *ascii_transliterate(const char *text, size_t max_characters);

#endif
