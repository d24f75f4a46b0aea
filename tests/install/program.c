/*
 * program.c - a user's program against the installed library: checks an
 * events file and writes its full calendar to stdout, using only what
 * <almanac/almanac.h> declares. Built by tests/install/run.sh with
 * `pkg-config --cflags --libs almanac`, statically and dynamically.
 */
#include <stdio.h>
#include <stdlib.h>

#include <almanac/almanac.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: program EVENTS.json\n", stderr);
        return 2;
    }
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    char *text = NULL;
    size_t length = 0;
    int status = 1;
    if (almanac_read_file(argv[1], &text, &length, &diags) == 0) {
        almanac_document *doc = almanac_load(text, length, &diags);
        if (doc != NULL)
            almanac_validate(doc, &diags);
        almanac_diagnostics_locate(&diags, text, length);
        if (doc != NULL && !almanac_diagnostics_has_errors(&diags)) {
            almanac_ics_options options = {.default_modified = 1666310400};
            status = almanac_render_ics(doc, &options, stdout) == 0 ? 0 : 3;
        }
        almanac_document_free(doc);
    }
    almanac_diagnostics_print(&diags, stderr, argv[1], ALMANAC_DIAG_TEXT, false);
    almanac_diagnostics_free(&diags);
    free(text);
    return status;
}
