/* strbuf.c - a growable string (see strbuf.h). */
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for LENGTH more bytes and the NUL; false (and B failed) if not. */
static bool reserve(strbuf *b, size_t length)
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

void strbuf_append(strbuf *b, const char *data, size_t length)
{
    if (!reserve(b, length))
        return;
    memcpy(b->data + b->length, data, length);
    b->length += length;
    b->data[b->length] = '\0';
}

void strbuf_puts(strbuf *b, const char *text)
{
    strbuf_append(b, text, strlen(text));
}

void strbuf_printf(strbuf *b, const char *format, ...)
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

void strbuf_clear(strbuf *b)
{
    b->length = 0;
    b->failed = false;
    if (b->data != NULL)
        b->data[0] = '\0';
}

const char *strbuf_text(const strbuf *b)
{
    if (b->failed)
        return NULL;
    return b->data != NULL ? b->data : "";
}

char *strbuf_take(strbuf *b)
{
    char *text = b->failed ? NULL : b->data != NULL ? b->data : strdup("");
    if (text != b->data)
        free(b->data);
    *b = (strbuf)STRBUF_INIT;
    return text;
}

void strbuf_free(strbuf *b)
{
    free(b->data);
    *b = (strbuf)STRBUF_INIT;
}
