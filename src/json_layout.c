/*
 * json_layout.c - reading a JSON text's layout, printing a tree in one
 * (see json_layout.h).
 *
 * cJSON writes every scalar (strings escaped by it); this file only places
 * them: where lines break, how deep they are indented, which spaces sit
 * between the tokens.
 */
#include "json_layout.h"

#include <string.h>

json_layout json_layout_canonical(void)
{
    return (json_layout){.newline = "\n", .indent = {"  ", 2}, .margin = {"", 0},
                         .one_line = false, .padded = false, .colon_space = true,
                         .comma_space = true};
}

const char *json_text_newline(const char *text, size_t length)
{
    const char *newline = memchr(text, '\n', length);
    return newline != NULL && newline > text && newline[-1] == '\r' ? "\r\n" : "\n";
}

static size_t indent_length(const char *text, size_t from, size_t limit)
{
    size_t at = from;
    while (at < limit && (text[at] == ' ' || text[at] == '\t'))
        at++;
    return at - from;
}

text_slice json_line_indent(const char *text, size_t at)
{
    size_t line = at;
    while (line > 0 && text[line - 1] != '\n')
        line--;
    return (text_slice){text + line, indent_length(text, line, at)};
}

/* The first C in TEXT[START, END) that is not inside a string, or END. */
static size_t find_outside_strings(const char *text, size_t start, size_t end, char c)
{
    bool in_string = false;
    for (size_t i = start; i < end; i++) {
        if (in_string) {
            if (text[i] == '\\')
                i++;
            else if (text[i] == '"')
                in_string = false;
        } else if (text[i] == '"') {
            in_string = true;
        } else if (text[i] == c) {
            return i;
        }
    }
    return end;
}

/* One level of indentation: what the line at LINE adds to MARGIN, or
 * FALLBACK when it adds nothing (a closing brace on the second line). */
static text_slice inner_indent(const char *text, size_t end, size_t line, text_slice margin,
                               text_slice fallback)
{
    size_t length = indent_length(text, line, end);
    if (length <= margin.length || memcmp(text + line, margin.data, margin.length) != 0)
        return fallback;
    return (text_slice){text + line + margin.length, length - margin.length};
}

json_layout json_layout_read(const char *text, size_t length, size_t start, size_t end,
                             const json_layout *fallback)
{
    json_layout layout = *fallback;
    if (end > length)
        end = length;
    if (start >= end)
        return layout;
    const char *newline = memchr(text + start, '\n', end - start);
    layout.one_line = newline == NULL;
    layout.margin = json_line_indent(text, start);
    if (text[start] == '{' && start + 1 < end)
        layout.padded = text[start + 1] == ' ';
    size_t colon = find_outside_strings(text, start, end, ':');
    if (colon + 1 < end)
        layout.colon_space = text[colon + 1] == ' ';
    /* a ',' at the end of a line says nothing about ", " */
    size_t comma = find_outside_strings(text, start, end, ',');
    if (comma + 1 < end && text[comma + 1] != '\n' && text[comma + 1] != '\r')
        layout.comma_space = text[comma + 1] == ' ';
    if (newline != NULL)
        layout.indent = inner_indent(text, end, (size_t)(newline - text) + 1, layout.margin,
                                     fallback->indent);
    return layout;
}

/* ---- printing ---------------------------------------------------------- */

static void print_scalar(textbuf *out, const cJSON *item)
{
    char *text = cJSON_PrintUnformatted(item);
    if (text == NULL) {
        out->failed = true;
        return;
    }
    textbuf_puts(out, text);
    cJSON_free(text);
}

static void print_member_name(textbuf *out, const cJSON *member, const json_layout *layout)
{
    cJSON key = {.type = cJSON_String, .valuestring = member->string};
    print_scalar(out, &key);
    textbuf_puts(out, layout->colon_space ? ": " : ":");
}

/* A list of plain values, which stays on one line in every layout. */
static bool is_flat(const cJSON *item)
{
    if (!cJSON_IsArray(item))
        return !cJSON_IsObject(item);
    for (const cJSON *c = item->child; c != NULL; c = c->next)
        if (cJSON_IsArray(c) || cJSON_IsObject(c))
            return false;
    return true;
}

/* ITEM on one line: ["a", "b"], { "a": 1 }. */
static void print_inline(textbuf *out, const cJSON *item, const json_layout *layout)
{
    if (!cJSON_IsArray(item) && !cJSON_IsObject(item)) {
        print_scalar(out, item);
        return;
    }
    bool object = cJSON_IsObject(item);
    textbuf_puts(out, object ? "{" : "[");
    bool padded = object && layout->padded && item->child != NULL;
    if (padded)
        textbuf_puts(out, " ");
    for (const cJSON *c = item->child; c != NULL; c = c->next) {
        if (object)
            print_member_name(out, c, layout);
        print_inline(out, c, layout);
        if (c->next != NULL)
            textbuf_puts(out, layout->comma_space ? ", " : ",");
    }
    if (padded)
        textbuf_puts(out, " ");
    textbuf_puts(out, object ? "}" : "]");
}

static void print_line_break(textbuf *out, const json_layout *layout, size_t depth)
{
    textbuf_puts(out, layout->newline);
    textbuf_append(out, layout->margin.data, layout->margin.length);
    for (size_t i = 0; i < depth; i++)
        textbuf_append(out, layout->indent.data, layout->indent.length);
}

static void print_value(textbuf *out, const cJSON *item, const json_layout *layout, size_t depth)
{
    if (layout->one_line || is_flat(item) || item->child == NULL) {
        print_inline(out, item, layout);
        return;
    }
    bool object = cJSON_IsObject(item);
    textbuf_puts(out, object ? "{" : "[");
    for (const cJSON *c = item->child; c != NULL; c = c->next) {
        print_line_break(out, layout, depth + 1);
        if (object)
            print_member_name(out, c, layout);
        print_value(out, c, layout, depth + 1);
        if (c->next != NULL)
            textbuf_puts(out, ",");
    }
    print_line_break(out, layout, depth);
    textbuf_puts(out, object ? "}" : "]");
}

void json_print(textbuf *out, const cJSON *item, const json_layout *layout)
{
    print_value(out, item, layout, 0);
}

void json_print_member(textbuf *out, const cJSON *member, const json_layout *layout)
{
    print_member_name(out, member, layout);
    print_value(out, member, layout, 0);
}

char *json_print_document(const cJSON *root, const char *newline)
{
    json_layout layout = json_layout_canonical();
    layout.newline = newline;
    textbuf out = STRBUF_INIT;
    json_print(&out, root, &layout);
    textbuf_puts(&out, newline);
    return textbuf_take(&out);
}
