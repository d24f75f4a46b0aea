/*
 * formats.c - the table of timeline formats (see formats.h).
 */
#include "formats.h"

#include <string.h>

#define ROW(name, file, content_type, render, built, year_pages) \
    {name, file, content_type, render, built, year_pages},

const timeline_format timeline_formats[] = {TIMELINE_FORMATS(ROW)};
const size_t timeline_format_count = sizeof timeline_formats / sizeof timeline_formats[0];

const timeline_format *timeline_format_find(const char *name)
{
    for (size_t i = 0; i < timeline_format_count; i++)
        if (strcmp(timeline_formats[i].name, name) == 0)
            return &timeline_formats[i];
    return NULL;
}

const timeline_format *timeline_format_paged(void)
{
    for (size_t i = 0; i < timeline_format_count; i++)
        if (timeline_formats[i].year_pages)
            return &timeline_formats[i];
    return NULL;
}
