/*
 * textbuf.h - a growable string, for the short texts the renderers build
 * for every event (UIDs, SUMMARY, DESCRIPTION, a timeline's detail line).
 * An open_memstream() costs more than such a text: it zeroes a BUFSIZ
 * buffer for every string, and fprintf() parses its format for every
 * piece. A textbuf can also be emptied and filled again without freeing.
 *
 * A failed allocation is remembered: later appends do nothing and
 * textbuf_text() / textbuf_take() return NULL, so the caller checks once,
 * at the end. The textbuf owns its memory until textbuf_take() or
 * textbuf_free().
 */
#ifndef ALMANAC_TEXTBUF_H
#define ALMANAC_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data;      /* NUL-terminated; NULL until the first append */
    size_t length;   /* bytes before the NUL */
    size_t capacity; /* bytes allocated */
    bool failed;     /* an allocation failed: the text is incomplete */
} textbuf;

#define STRBUF_INIT {NULL, 0, 0, false}

/* Appends LENGTH bytes of DATA. */
void textbuf_append(textbuf *b, const char *data, size_t length);

/* Appends the string TEXT (without its NUL). */
void textbuf_puts(textbuf *b, const char *text);

/* Appends what printf() would write. */
__attribute__((format(printf, 2, 3)))
void textbuf_printf(textbuf *b, const char *format, ...);

/* Empties B and forgets a failure; the memory stays for the next text. */
void textbuf_clear(textbuf *b);

/* The text ("" when empty), owned by B; NULL after a failed allocation. */
const char *textbuf_text(const textbuf *b);

/* The text as a malloc'ed string the caller frees, leaving B empty (as
 * STRBUF_INIT); NULL after a failed allocation (B is then freed). */
char *textbuf_take(textbuf *b);

/* Frees B's memory and leaves it empty; B may be reused. */
void textbuf_free(textbuf *b);

#endif
