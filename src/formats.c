/*
 * formats.c - the table of timeline formats (see formats.h).
 */
#include "formats.h"

#include <stdio.h>
#include <string.h>

const timeline_format timeline_formats[] = {
    {.name = "text", .file = "timeline.txt", .content_type = "text/plain; charset=utf-8",
     .render = almanac_render_text, .built = true},
    {.name = "markdown", .file = "timeline.md", .content_type = "text/markdown; charset=utf-8",
     .render = almanac_render_markdown, .built = true},
    {.name = "html", .file = "index.html", .content_type = "text/html; charset=utf-8",
     .render = almanac_render_html, .built = true, .year_pages = true},
    {.name = "json", .file = "timeline.json", .content_type = "application/json",
     .render = almanac_render_json},
};
const size_t timeline_format_count = sizeof timeline_formats / sizeof timeline_formats[0];

const timeline_format *timeline_format_find(const char *name)
{
    for (size_t i = 0; i < timeline_format_count; i++)
        if (strcmp(timeline_formats[i].name, name) == 0)
            return &timeline_formats[i];
    return NULL;
}

void timeline_format_names(char *buffer, size_t size, const char *between,
                           const char *before_last, const char *after_first)
{
    size_t used = 0;
    if (size > 0)
        buffer[0] = '\0';
    for (size_t i = 0; i < timeline_format_count && used < size; i++) {
        const char *before = i == 0 ? "" : i + 1 < timeline_format_count ? between : before_last;
        int n = snprintf(buffer + used, size - used, "%s%s%s", before, timeline_formats[i].name,
                         i == 0 ? after_first : "");
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

size_t timeline_format_built_count(void)
{
    size_t n = 0;
    for (size_t i = 0; i < timeline_format_count; i++)
        n += timeline_formats[i].built;
    return n;
}

const timeline_format *timeline_format_paged(void)
{
    for (size_t i = 0; i < timeline_format_count; i++)
        if (timeline_formats[i].year_pages)
            return &timeline_formats[i];
    return NULL;
}
