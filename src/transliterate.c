/*
 * transliterate.c - text in ASCII letters through ICU (see transliterate.h).
 *
 * ICU works in UTF-16: the text goes in and comes out through ustring's
 * converters. A transliteration can be much longer than its source (CJK
 * comes out as pinyin syllables), so the buffer has room for sixteen
 * UTF-16 units per character taken.
 */
#include "transliterate.h"

#include <stdint.h>
#include <stdlib.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

enum { ROOM_PER_CHARACTER = 16 };

/* The bytes of TEXT's first MAX_CHARACTERS UTF-8 characters. */
static size_t leading_bytes(const char *text, size_t max_characters)
{
    size_t at = 0, characters = 0;
    while (text[at] != '\0') {
        if (((unsigned char)text[at] & 0xC0) != 0x80 && characters++ == max_characters)
            break;
        at++;
    }
    return at;
}

/* TEXT (LENGTH bytes of UTF-8) transliterated in BUFFER (CAPACITY units);
 * returns its length in units, or -1. */
static int32_t transliterate_into(UChar *buffer, int32_t capacity, const char *text,
                                  int32_t length)
{
    UErrorCode status = U_ZERO_ERROR;
    int32_t units = 0;
    u_strFromUTF8(buffer, capacity, &units, text, length, &status);
    if (U_FAILURE(status))
        return -1;
    UChar id[] = u"Any-Latin; Latin-ASCII";
    UTransliterator *transliterator = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL,
                                                   &status);
    if (U_FAILURE(status))
        return -1;
    int32_t limit = units;
    utrans_transUChars(transliterator, buffer, &units, capacity, 0, &limit, &status);
    utrans_close(transliterator);
    return U_FAILURE(status) ? -1 : units;
}

char *ascii_transliterate(const char *text, size_t max_characters)
{
    size_t length = leading_bytes(text, max_characters);
    if (length > INT32_MAX / (ROOM_PER_CHARACTER * 3) - 1)
        return NULL;
    int32_t capacity = (int32_t)(length * ROOM_PER_CHARACTER + 1);
    UChar *buffer = malloc((size_t)capacity * sizeof *buffer);
    char *out = malloc((size_t)capacity * 3 + 1); /* at most 3 bytes per unit */
    int32_t units = buffer != NULL && out != NULL
                        ? transliterate_into(buffer, capacity, text, (int32_t)length) : -1;
    UErrorCode status = U_ZERO_ERROR;
    if (units >= 0)
        u_strToUTF8(out, capacity * 3 + 1, NULL, buffer, units, &status);
    free(buffer);
    if (units < 0 || U_FAILURE(status)) {
        free(out);
        return NULL;
    }
    return out;
}
