/*
 * strbuf.h - a growable string, for the short texts the renderers build
 * for every event (UIDs, SUMMARY, DESCRIPTION, a timeline's detail line).
 * An open_memstream() costs more than such a text: it zeroes a BUFSIZ
 * buffer for every string, and fprintf() parses its format for every
 * piece. A strbuf can also be emptied and filled again without freeing.
 *
 * A failed allocation is remembered: later appends do nothing and
 * strbuf_text() / strbuf_take() return NULL, so the caller checks once,
 * at the end. The strbuf owns its memory until strbuf_take() or
 * strbuf_free().
 */
#ifndef ALMANAC_STRBUF_H
#define ALMANAC_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;      /* NUL-terminated; NULL until the first append */
    size_t length;   /* bytes before the NUL */
    size_t capacity; /* bytes allocated */
    bool failed;     /* an allocation failed: the text is incomplete */
} strbuf;

#define STRBUF_INIT {NULL, 0, 0, false}

/* Appends LENGTH bytes of DATA. */
void strbuf_append(strbuf *b, const char *data, size_t length);

/* Appends the string TEXT (without its NUL). */
void strbuf_puts(strbuf *b, const char *text);

/* Appends what printf() would write. */
__attribute__((format(printf, 2, 3)))
void strbuf_printf(strbuf *b, const char *format, ...);

/* Empties B and forgets a failure; the memory stays for the next text. */
void strbuf_clear(strbuf *b);

/* The text ("" when empty), owned by B; NULL after a failed allocation. */
const char *strbuf_text(const strbuf *b);

/* The text as a malloc'ed string the caller frees, leaving B empty (as
 * STRBUF_INIT); NULL after a failed allocation (B is then freed). */
char *strbuf_take(strbuf *b);

/* Frees B's memory and leaves it empty; B may be reused. */
void strbuf_free(strbuf *b);

#endif
