/* textbuf.c - a growable string (see textbuf.h). */
#include "textbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for LENGTH more bytes and the NUL; false (and B failed) if not. */
static bool reserve(textbuf *b, size_t length)
{
    if (b->failed)
        return false;
    if (b->capacity - b->length > length)
        return true;
    if (length > SIZE_MAX / 2 - b->length - 1) {
        b->failed = true;
        return false;
    }
    size_t capacity = b->capacity ? b->capacity : 256;
    while (capacity < b->length + length + 1)
        capacity *= 2;
    char *data = realloc(b->data, capacity);
    if (data == NULL) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->capacity = capacity;
    return true;
}

void textbuf_append(textbuf *b, const char *data, size_t length)
{
    if (!reserve(b, length))
        return;
    memcpy(b->data + b->length, data, length);
    b->length += length;
    b->data[b->length] = '\0';
}

void textbuf_puts(textbuf *b, const char *text)
{
    textbuf_append(b, text, strlen(text));
}

void textbuf_printf(textbuf *b, const char *format, ...)
{
    if (!reserve(b, 0))
        return;
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(b->data + b->length, b->capacity - b->length, format, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    /* It did not fit: grow, then format again. */
    if ((size_t)n >= b->capacity - b->length) {
        if (!reserve(b, (size_t)n))
            return;
        va_start(ap, format);
        vsnprintf(b->data + b->length, b->capacity - b->length, format, ap);
        va_end(ap);
    }
    b->length += (size_t)n;
}

void textbuf_clear(textbuf *b)
{
    b->length = 0;
    b->failed = false;
    if (b->data != NULL)
        b->data[0] = '\0';
}

const char *textbuf_text(const textbuf *b)
{
    if (b->failed)
        return NULL;
    return b->data != NULL ? b->data : "";
}

char *textbuf_take(textbuf *b)
{
    char *text = b->failed ? NULL : b->data != NULL ? b->data : strdup("");
    if (text != b->data)
        free(b->data);
    *b = (textbuf)STRBUF_INIT;
    return text;
}

void textbuf_free(textbuf *b)
{
    free(b->data);
    *b = (textbuf)STRBUF_INIT;
}
