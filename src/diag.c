/*
 * diag.c - the diagnostics list and its one printer (see diag.h).
 */
#include "almanac/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

void almanac_diagnostics_init(almanac_diagnostics *list)
{
    memset(list, 0, sizeof *list);
}

void almanac_diagnostics_free(almanac_diagnostics *list)
{
    if (list == NULL)
        return;
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].pointer);
        free(list->items[i].message);
        free(list->items[i].excerpt);
    }
    free(list->items);
    almanac_diagnostics_init(list);
}

static void count_severity(almanac_diagnostics *list, almanac_severity severity)
{
    if (severity == ALMANAC_ERROR)
        list->error_count++;
    else
        list->warning_count++;
}

static bool reserve_one(almanac_diagnostics *list)
{
    if (list->count < list->capacity)
        return true;
    size_t capacity = list->capacity ? list->capacity * 2 : 16;
    almanac_diagnostic *items = realloc(list->items, capacity * sizeof *items);
    if (items == NULL)
        return false;
    list->items = items;
    list->capacity = capacity;
    return true;
}

/* Records a diagnostic whose MESSAGE (already allocated, or NULL when out
 * of memory) the list takes over. */
static void record(almanac_diagnostics *list, almanac_severity severity, almanac_diag_code code,
                   size_t offset, const char *pointer, char *message)
{
    count_severity(list, severity);
    char *pointer_copy = NULL;
    if (list->count >= ALMANAC_DIAGNOSTICS_MAX || !reserve_one(list) || message == NULL ||
        (pointer_copy = strdup(pointer != NULL ? pointer : "")) == NULL) {
        free(message);
        list->dropped++;
        return;
    }
    list->items[list->count++] = (almanac_diagnostic){
        .severity = severity, .code = code, .offset = offset, .pointer = pointer_copy,
        .message = message};
}

void almanac_diagnostics_report(almanac_diagnostics *list, size_t offset, const char *pointer,
                                almanac_diag_code code, const char *format, ...)
{
    if (list->count >= ALMANAC_DIAGNOSTICS_MAX) { /* not worth formatting */
        count_severity(list, almanac_diag_code_severity(code));
        list->dropped++;
        return;
    }
    va_list args;
    va_start(args, format);
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    char *message = length >= 0 ? malloc((size_t)length + 1) : NULL;
    if (message != NULL)
        vsnprintf(message, (size_t)length + 1, format, args);
    va_end(args);
    record(list, almanac_diag_code_severity(code), code, offset, pointer, message);
}

void almanac_diagnostics_copy(almanac_diagnostics *list, const almanac_diagnostic *d)
{
    size_t before = list->count;
    record(list, d->severity, d->code, d->offset, d->pointer, strdup(d->message));
    if (list->count == before)
        return;
    almanac_diagnostic *copy = &list->items[before];
    copy->line = d->line;
    copy->column = d->column;
    if (d->excerpt == NULL)
        return;
    copy->excerpt = malloc(d->excerpt_length + 1);
    if (copy->excerpt == NULL)
        return; /* the excerpt is a nicety: the diagnostic stands without it */
    memcpy(copy->excerpt, d->excerpt, d->excerpt_length + 1);
    copy->excerpt_length = d->excerpt_length;
    copy->excerpt_caret = d->excerpt_caret;
    copy->excerpt_cut_before = d->excerpt_cut_before;
    copy->excerpt_cut_after = d->excerpt_cut_after;
}

static int by_offset(const void *a, const void *b)
{
    const almanac_diagnostic *x = a, *y = b;
    /* No-offset diagnostics are about the whole file: they come first. */
    size_t ox = x->offset == ALMANAC_NO_OFFSET ? 0 : x->offset + 1;
    size_t oy = y->offset == ALMANAC_NO_OFFSET ? 0 : y->offset + 1;
    if (ox != oy)
        return (ox > oy) - (ox < oy);
    return (x->line > y->line) - (x->line < y->line); /* insertion order */
}

static bool ends_line(const char *text, size_t at, bool cr_lines)
{
    return text[at] == '\n' || (cr_lines && text[at] == '\r');
}

/* Keeps in D the bytes of its line (which starts at LINE_START in TEXT)
 * around AT: at most ALMANAC_EXCERPT_BYTES on each side, cut at character
 * boundaries, so that a 50 MB one-line file costs no more than a short one. */
static void keep_excerpt(almanac_diagnostic *d, const char *text, size_t length,
                         size_t line_start, size_t at, bool cr_lines)
{
    size_t start = at - line_start > ALMANAC_EXCERPT_BYTES ? at - ALMANAC_EXCERPT_BYTES
                                                            : line_start;
    while (start < at && ((unsigned char)text[start] & 0xC0) == 0x80)
        start++;
    size_t limit = length - at > ALMANAC_EXCERPT_BYTES ? at + ALMANAC_EXCERPT_BYTES : length;
    size_t end = at;
    while (end < limit && !ends_line(text, end, cr_lines))
        end++;
    bool cut_after = end == limit && end < length && !ends_line(text, end, cr_lines);
    if (cut_after)
        while (end > at && ((unsigned char)text[end] & 0xC0) == 0x80)
            end--;
    else if (end > at && text[end - 1] == '\r')
        end--; /* the CR of a CRLF is no part of what the line shows */
    free(d->excerpt);
    d->excerpt = malloc(end - start + 1);
    if (d->excerpt == NULL)
        return;
    memcpy(d->excerpt, text + start, end - start);
    d->excerpt[end - start] = '\0';
    d->excerpt_length = end - start;
    d->excerpt_caret = at - start;
    d->excerpt_cut_before = start > line_start;
    d->excerpt_cut_after = cut_after;
}

void almanac_diagnostics_locate(almanac_diagnostics *list, const char *text,
                                size_t length)
{
    /* qsort is not stable: keep insertion order among equal offsets by
     * using the not-yet-computed line field as a sequence number. */
    if (list->count == 0)
        return;
    for (size_t i = 0; i < list->count; i++)
        list->items[i].line = (unsigned)i;
    qsort(list->items, list->count, sizeof *list->items, by_offset);
    unsigned line = 1, column = 1;
    size_t position = 0, line_start = 0;
    /* A text whose lines end with CR alone (classic Mac OS) has no LF at
     * all: its CRs end the lines, as in an editor. */
    bool cr_lines = memchr(text, '\n', length) == NULL;
    for (size_t i = 0; i < list->count; i++) {
        almanac_diagnostic *d = &list->items[i];
        if (d->offset == ALMANAC_NO_OFFSET) {
            d->line = 0;
            d->column = 0;
            continue;
        }
        size_t target = d->offset < length ? d->offset : length;
        for (; position < target; position++) {
            unsigned char c = (unsigned char)text[position];
            if (c == '\n' || (c == '\r' && cr_lines)) {
                line++;
                column = 1;
                line_start = position + 1;
            } else if ((c & 0xC0) != 0x80) {
                column++; /* count code points, not continuation bytes */
            }
        }
        d->line = line;
        d->column = column;
        keep_excerpt(d, text, length, line_start, target, cr_lines);
    }
}

void almanac_diagnostics_promote_warnings(almanac_diagnostics *list)
{
    for (size_t i = 0; i < list->count; i++)
        list->items[i].severity = ALMANAC_ERROR;
    list->error_count += list->warning_count;
    list->warning_count = 0;
}

bool almanac_diagnostics_has_errors(const almanac_diagnostics *list)
{
    return list->error_count > 0;
}

/* The control character at P (C0, DEL, C1 as UTF-8 C2 80-C2 9F, or a
 * bidirectional control, which would reorder the rest of the line on the
 * terminal), or 0; *LENGTH is how many bytes it takes. */
static unsigned control_at(const unsigned char *p, size_t *length)
{
    *length = 1;
    if (*p < 0x20 || *p == 0x7f)
        return *p == 0 ? 0x100 : *p;
    if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
        *length = 2;
        return p[1];
    }
    if (p[0] == 0xe2 && p[1] != 0 && p[2] != 0) { /* the string is NUL-terminated */
        uint32_t cp = utf8_decode((const char *)p, 3, length);
        if (unicode_is_bidi_control(cp))
            return cp;
        *length = 1;
    }
    return 0;
}

/* Messages quote what the input said (a key, a date, a status), and the
 * input may hold escape sequences: print control characters as \xHH so
 * that a file cannot drive the terminal that checks it. */
static void print_plain(FILE *stream, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t length;
        unsigned c = control_at(p, &length);
        if (c > 0x100)
            fprintf(stream, "\\u%04x", c);
        else if (c != 0)
            fprintf(stream, "\\x%02x", c);
        else
            fputc(*p, stream);
        p += length;
    }
}

static void print_json_string(FILE *stream, const char *s)
{
    fputc('"', stream);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        size_t length;
        unsigned c = control_at(p, &length);
        if (*p == '"' || *p == '\\')
            fprintf(stream, "\\%c", *p);
        else if (c != 0)
            fprintf(stream, "\\u%04x", c);
        else
            fputc(*p, stream);
        p += length;
    }
    fputc('"', stream);
}

int almanac_diagnostics_print_json(const almanac_diagnostics *const *lists,
                                   const char *const *filenames, size_t count, FILE *stream)
{
    size_t printed = 0;
    fputs("[", stream);
    for (size_t f = 0; f < count; f++)
        for (size_t i = 0; i < lists[f]->count; i++) {
            const almanac_diagnostic *d = &lists[f]->items[i];
            fputs(printed++ ? ",\n " : "\n ", stream);
            fputs("{\"file\": ", stream);
            print_json_string(stream, filenames[f]);
            fprintf(stream, ", \"line\": %u, \"column\": %u, \"severity\": \"%s\", "
                    "\"code\": \"%s\", \"pointer\": ", d->line, d->column,
                    d->severity == ALMANAC_ERROR ? "error" : "warning",
                    almanac_diag_code_id(d->code));
            print_json_string(stream, d->pointer);
            fputs(", \"message\": ", stream);
            print_json_string(stream, d->message);
            fputs("}", stream);
        }
    fputs(printed ? "\n]\n" : "]\n", stream);
    return ferror(stream) ? -1 : 0;
}

/* Prints the character at P (LEFT bytes remain) as the excerpt shows it
 * and returns how many bytes it took; *WIDTH is how many columns it takes.
 * The input may hold anything: a control character, a bidirectional
 * control or a byte that is not UTF-8 is shown escaped, as messages show
 * them, so that the line cannot drive the terminal; a tab is four spaces,
 * so that the caret lines up whatever the terminal's tab stops. A
 * character is one column: a wide (CJK) one puts the caret off by one. */
static size_t print_shown(FILE *stream, const unsigned char *p, size_t left, unsigned *width)
{
    size_t length;
    if (*p == '\t') {
        fputs("    ", stream);
        *width = 4;
        return 1;
    }
    unsigned c = *p == 0 ? 0 : control_at(p, &length);
    if (*p == 0 || c != 0) {
        if (c > 0x100) {
            *width = (unsigned)fprintf(stream, "\\u%04x", c);
            return length;
        }
        *width = (unsigned)fprintf(stream, "\\x%02x", *p == 0 ? 0u : c);
        return *p == 0 ? 1 : length;
    }
    uint32_t cp = utf8_decode((const char *)p, left, &length);
    if (*p >= 0x80 && length == 1) { /* not UTF-8 */
        *width = (unsigned)fprintf(stream, "\\x%02x", *p);
        return 1;
    }
    (void)cp;
    fwrite(p, 1, length, stream);
    *width = 1;
    return length;
}

/* After a diagnostic: its line, and a caret under its column.
 *
 *     3 |     "start": "2022-02-29",
 *       |              ^
 */
static void print_excerpt(FILE *stream, const almanac_diagnostic *d, const char *hue,
                          const char *reset)
{
    int gutter = fprintf(stream, "%5u | ", d->line) - 2; /* up to the bar */
    unsigned caret = 0, column = 0, width;
    if (d->excerpt_cut_before) {
        fputs("...", stream);
        column = 3;
    }
    const unsigned char *text = (const unsigned char *)d->excerpt;
    for (size_t i = 0; i < d->excerpt_length;) {
        if (i <= d->excerpt_caret)
            caret = column;
        i += print_shown(stream, text + i, d->excerpt_length - i, &width);
        column += width;
    }
    if (d->excerpt_caret >= d->excerpt_length)
        caret = column;
    if (d->excerpt_cut_after)
        fputs("...", stream);
    fprintf(stream, "\n%*s| %*s%s^%s\n", gutter, "", (int)caret, "", hue, reset);
}

static void print_count(FILE *stream, size_t n, const char *noun)
{
    fprintf(stream, "%zu %s%s", n, noun, n == 1 ? "" : "s");
}

static void print_text(const almanac_diagnostics *list, FILE *stream,
                       const char *filename, bool color, bool source)
{
    const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
    for (size_t i = 0; i < list->count; i++) {
        const almanac_diagnostic *d = &list->items[i];
        bool error = d->severity == ALMANAC_ERROR;
        const char *hue = !color ? "" : error ? "\033[1;31m" : "\033[1;35m";
        fputs(bold, stream);
        print_plain(stream, filename);
        if (d->line > 0)
            fprintf(stream, ":%u:%u", d->line, d->column);
        fprintf(stream, ":%s %s%s[%s]:%s ", reset, hue, error ? "error" : "warning",
                almanac_diag_code_id(d->code), reset);
        print_plain(stream, d->message);
        if (d->pointer[0] != '\0') {
            fputs(" [", stream);
            print_plain(stream, d->pointer);
            fputc(']', stream);
        }
        fputc('\n', stream);
        if (source && d->excerpt != NULL && d->line > 0)
            print_excerpt(stream, d, hue, reset);
    }
    if (list->dropped > 0) {
        print_plain(stream, filename);
        fprintf(stream, ": %zu more not shown\n", list->dropped);
    }
    if (list->error_count + list->warning_count == 0)
        return;
    print_count(stream, list->error_count, "error");
    fputs(", ", stream);
    print_count(stream, list->warning_count, "warning");
    fputc('\n', stream);
}

int almanac_diagnostics_print(const almanac_diagnostics *list, FILE *stream,
                              const char *filename, almanac_diag_format format,
                              bool color)
{
    if (format == ALMANAC_DIAG_JSON)
        almanac_diagnostics_print_json(&list, &filename, 1, stream);
    else
        print_text(list, stream, filename, color, format == ALMANAC_DIAG_TEXT_SOURCE);
    return fflush(stream) == 0 && !ferror(stream) ? 0 : -1;
}
