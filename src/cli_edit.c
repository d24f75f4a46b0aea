/*
 * cli_edit.c - the commands that edit an events file in place: add (an
 * event after the last one) and fmt (the canonical layout). The library
 * makes the new text (almanac/edit.h) and checks it; these read the file,
 * refuse a result that would not pass `almanac check`, replace the file
 * atomically and say what they did. Part of the program.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Checks TEXT, what PATH would become, as `almanac check` does, printing
 * its diagnostics under PATH's name; true when it has no error. */
static bool check_result(const char *text, const char *path, const command_line *o)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_load_options options = {.keep = ALMANAC_KEEP_CHECKED, .strict = o->strict};
    almanac_document *doc = almanac_load_checked(text, strlen(text), &options, &diags);
    bool good = doc != NULL;
    cli_report(&diags, NULL, 0, cli_display_name(path), o);
    almanac_diagnostics_free(&diags);
    almanac_document_free(doc);
    return good;
}

/* Replaces PATH with TEXT atomically; false after saying why not. */
static bool replace_events_file(const char *path, const char *text)
{
    if (almanac_write_file(path, text) == 0)
        return true;
    fprintf(stderr, "almanac: cannot write %s: %s; it is unchanged\n", path, strerror(errno));
    return false;
}

/* Reads PATH for editing; NULL (and *STATUS) after printing why not. */
static char *read_events_file(const char *path, const command_line *o, size_t *length,
                              int *status)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    char *text = NULL;
    int read = almanac_read_file(path, &text, length, &diags);
    if (read != 0) {
        cli_report(&diags, NULL, 0, cli_display_name(path), o);
        *status = read > 0 ? EXIT_INVALID : EXIT_IO;
    }
    almanac_diagnostics_free(&diags);
    return text;
}

int cli_run_add(const command_line *o)
{
    int status = EXIT_SUCCESS;
    size_t length;
    char *text = read_events_file(o->input, o, &length, &status);
    if (text == NULL)
        return status;
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_added_event added = {0};
    char *result = almanac_events_append(text, length, &o->event, &added, &diags);
    if (result == NULL) {
        cli_report(&diags, text, length, cli_display_name(o->input), o);
        status = EXIT_INVALID;
    } else if (!check_result(result, o->input, o)) {
        fprintf(stderr, "almanac: %s: the event was not added; the file is unchanged\n",
                cli_display_name(o->input));
        status = EXIT_INVALID;
    } else if (!replace_events_file(o->input, result)) {
        status = EXIT_IO;
    } else if (!o->quiet) {
        fprintf(stderr, "almanac: added '%s' to %s, event %zu\n", added.id, o->input,
                added.index + 1);
    }
    almanac_diagnostics_free(&diags);
    free(added.id);
    free(result);
    free(text);
    return status;
}

/* fmt of one file: rewritten in place, printed (for -), or with --check
 * named when it is not canonical. Sets *CHANGED when it differs. */
static int format_one(const char *path, const command_line *o, bool *changed)
{
    int status = EXIT_SUCCESS;
    size_t length;
    char *text = read_events_file(path, o, &length, &status);
    *changed = false;
    if (text == NULL)
        return status;
    char *result = NULL;
    if (!check_result(text, path, o)) {
        fprintf(stderr, "almanac: %s has errors: not formatted\n", cli_display_name(path));
        status = EXIT_INVALID;
    } else {
        almanac_diagnostics diags;
        almanac_diagnostics_init(&diags);
        result = almanac_events_format(text, length, &diags);
        if (result == NULL && cli_report(&diags, text, length, cli_display_name(path), o))
            status = EXIT_INVALID;
        almanac_diagnostics_free(&diags);
    }
    if (result != NULL) {
        *changed = strlen(result) != length || memcmp(result, text, length) != 0;
        if (*changed && o->fmt_check)
            printf("%s\n", cli_display_name(path));
        else if (strcmp(path, "-") == 0)
            fputs(result, stdout);
        else if (*changed && !replace_events_file(path, result))
            status = EXIT_IO;
    }
    free(result);
    free(text);
    return status;
}

int cli_run_fmt(const command_line *o)
{
    static const char *const default_input[] = {"events.json"};
    size_t count = o->input_count > 0 ? o->input_count : 1;
    const char *const *paths = o->input_count > 0 ? o->inputs : default_input;
    int worst = EXIT_SUCCESS;
    size_t changed = 0;
    for (size_t i = 0; i < count; i++) {
        bool differs;
        int status = format_one(paths[i], o, &differs);
        changed += differs;
        if (status > worst)
            worst = status;
    }
    if (o->fmt_check && changed > 0 && worst == EXIT_SUCCESS)
        worst = EXIT_INVALID;
    bool to_stdout = false;
    for (size_t i = 0; i < count; i++)
        to_stdout |= strcmp(paths[i], "-") == 0;
    if (!o->quiet && !o->fmt_check && !to_stdout && worst == EXIT_SUCCESS)
        fprintf(stderr, "almanac: %zu of %zu file%s rewritten in the canonical layout\n",
                changed, count, count == 1 ? "" : "s");
    return worst;
}
