/*
 * load_file.c - the one sequence every command that reads an events file
 * runs: read it, load it, validate it, locate the diagnostics in its text,
 * apply --strict (see almanac/load.h). Written once here so that check,
 * build, add, fmt, import --merge and a serve rebuild judge a file alike.
 */
#include "almanac/load.h"

#include <stdlib.h>

almanac_document *almanac_load_checked(const char *text, size_t length,
                                       const almanac_load_options *options,
                                       almanac_diagnostics *diags)
{
    almanac_load_options plain = {.keep = ALMANAC_KEEP_ALL, .strict = false};
    if (options == NULL)
        options = &plain;
    almanac_document *doc = almanac_load_keeping(text, length, options->keep, diags);
    if (doc != NULL)
        almanac_validate(doc, diags);
    almanac_diagnostics_locate(diags, text, length);
    if (options->strict)
        almanac_diagnostics_promote_warnings(diags);
    if (almanac_diagnostics_has_errors(diags)) {
        almanac_document_free(doc);
        return NULL;
    }
    return doc;
}

int almanac_load_file(const char *path, const almanac_load_options *options,
                      almanac_document **document, almanac_diagnostics *diags)
{
    char *text = NULL;
    size_t length = 0;
    *document = NULL;
    int read = almanac_read_file(path, &text, &length, diags);
    if (read == 0)
        *document = almanac_load_checked(text, length, options, diags);
    free(text);
    if (read != 0)
        return read;
    return *document != NULL ? 0 : 1;
}
