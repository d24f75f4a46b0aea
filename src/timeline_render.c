/*
 * timeline_render.c - the renderers' shared step (see timeline_render.h).
 */
#include "timeline_render.h"

#include <stdlib.h>

int timeline_render(const almanac_document *doc, const almanac_timeline_options *options,
                    FILE *out, timeline_body body)
{
    static const almanac_timeline_options defaults = {0};
    const almanac_timeline_options *o = options != NULL ? options : &defaults;
    size_t count;
    size_t *order = almanac_timeline_select_sorted(doc, &o->filter, o->sorted, &count);
    if (order == NULL)
        return -1;
    int result = body(doc, o, order, count, out);
    free(order);
    return result == 0 && !ferror(out) ? 0 : -1;
}
