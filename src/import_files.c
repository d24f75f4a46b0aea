/*
 * import_files.c - the steps of `almanac import` around the importer (see
 * almanac/import.h): the files read and imported, and the events file the
 * import makes (alone or merged into --merge's), checked as `almanac check`
 * would before anyone writes it. Values and diagnostics only: the caller
 * prints them and writes the result.
 */
#include "almanac/import.h"

#include <stdlib.h>
#include <string.h>

#include "almanac/load.h"

almanac_document *almanac_import_files(almanac_importer *importer,
                                       almanac_import_source *sources, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        almanac_import_source *s = &sources[i];
        almanac_diagnostics_init(&s->diags);
        s->read = almanac_read_file(s->path, &s->text, &s->length, &s->diags);
        if (s->read == 0)
            almanac_importer_add(importer, s->path, s->text, s->length, &s->diags);
    }
    /* finishing may warn about any file (a RELATED-TO naming no event) */
    almanac_document *doc = almanac_importer_finish(importer);
    for (size_t i = 0; i < count; i++)
        if (sources[i].text != NULL)
            almanac_diagnostics_locate(&sources[i].diags, sources[i].text, sources[i].length);
    return doc;
}

void almanac_import_sources_free(almanac_import_source *sources, size_t count)
{
    for (size_t i = 0; sources != NULL && i < count; i++) {
        free(sources[i].text);
        almanac_diagnostics_free(&sources[i].diags);
    }
}

/* DOCUMENT merged into the events file MERGE; NULL when that cannot be. */
static char *merge_into(const almanac_document *doc, const char *merge,
                        almanac_import_outcome *out)
{
    char *text = NULL, *merged = NULL;
    size_t length = 0;
    out->read = almanac_read_file(merge, &text, &length, &out->merge);
    if (out->read != 0)
        return NULL;
    /* not strict: the file's own warnings are the user's business */
    almanac_document *existing = almanac_load_checked(text, length, NULL, &out->existing);
    if (existing != NULL)
        merged = almanac_events_merge(text, length, doc, &out->counts, &out->merge);
    out->merged = merged != NULL;
    almanac_document_free(existing);
    free(text);
    return merged;
}

char *almanac_import_result(const almanac_document *doc, const char *merge,
                            almanac_import_outcome *out)
{
    *out = (almanac_import_outcome){0};
    almanac_diagnostics_init(&out->existing);
    almanac_diagnostics_init(&out->merge);
    almanac_diagnostics_init(&out->check);
    char *json = merge != NULL ? merge_into(doc, merge, out) : almanac_events_write(doc);
    if (json == NULL)
        return NULL;
    /* Its warnings are the calendar's, for `almanac check` to show; an
     * error would be a fault of the importer: the text is not returned. */
    almanac_load_options options = {.keep = ALMANAC_KEEP_CHECKED, .strict = false};
    almanac_document *check = almanac_load_checked(json, strlen(json), &options, &out->check);
    if (check == NULL) {
        free(json);
        return NULL;
    }
    almanac_document_free(check);
    return json;
}

void almanac_import_outcome_free(almanac_import_outcome *out)
{
    almanac_diagnostics_free(&out->existing);
    almanac_diagnostics_free(&out->merge);
    almanac_diagnostics_free(&out->check);
}
