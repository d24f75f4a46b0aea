/*
 * main.c - the almanac command line. Reads it (cli_parse.c, with the table
 * in cli.c), runs the command with the library (add and fmt: cli_edit.c),
 * prints diagnostics and maps the outcome to an exit status:
 *   0 success, 1 the input is invalid, 2 usage error, 3 I/O error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "almanac/almanac.h"
#include "cli.h"
#include "formats.h"
#include "progress.h"

static unsigned terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

/* The feed --feed names, in *FEED (NULL for none or "all"); false after
 * saying which feeds there are when there is no such feed. */
static bool find_feed(const almanac_document *doc, const command_line *o,
                      const almanac_feed **feed)
{
    *feed = NULL;
    if (o->feed == NULL || strcmp(o->feed, "all") == 0)
        return true;
    *feed = almanac_document_find_feed(doc, o->feed);
    if (*feed != NULL)
        return true;
    fprintf(stderr, "almanac: no feed '%s' in %s; feeds:", o->feed, cli_display_name(o->input));
    for (size_t i = 0; i < doc->feed_count; i++)
        fprintf(stderr, " %s", doc->feeds[i].id);
    fputs(" (and all)\n", stderr);
    return false;
}

static int run_timeline(const almanac_document *doc, const command_line *o)
{
    almanac_timeline_options options = o->timeline;
    if (!find_feed(doc, o, &options.filter.feed))
        return EXIT_USAGE;
    options.width = o->width ? o->width : terminal_width();
    /* with a range, series show as their occurrences */
    char note[512];
    almanac_document *view = almanac_timeline_view(doc, &options.filter, note, sizeof note);
    if (view == NULL) {
        fprintf(stderr, "almanac: out of memory\n");
        return EXIT_IO;
    }
    options.note = note;
    /* cli_parse() accepted the name; the first format is the default */
    const timeline_format *format =
        o->format != NULL ? timeline_format_find(o->format) : &timeline_formats[0];
    int result = format->render(view, &options, stdout);
    almanac_document_free(view);
    return result == 0 ? EXIT_SUCCESS : EXIT_IO;
}

static int run_ics(const almanac_document *doc, const command_line *o, almanac_diagnostics *diags)
{
    const almanac_feed *feed;
    if (!find_feed(doc, o, &feed))
        return EXIT_USAGE;
    almanac_stamps stamps;
    if (almanac_stamps_compute(doc, o->output_dir, cli_build_time(), &stamps, diags) != 0)
        return EXIT_IO;
    size_t index = feed != NULL ? (size_t)(feed - doc->feeds) : doc->feed_count;
    almanac_ics_options options = {.feed = feed, .stamps = stamps.events,
                                   .calendar_modified = stamps.feeds[index].modified,
                                   .no_alarms = o->no_alarms};
    int result = almanac_render_ics(doc, &options, stdout);
    almanac_stamps_free(&stamps);
    return result == 0 ? EXIT_SUCCESS : EXIT_IO;
}

/* almanac_build_reported() into -o DIR, with progress on a terminal. */
static int build_into(const almanac_document *doc, const command_line *o, int64_t now,
                      bool served, almanac_build_report *report, almanac_diagnostics *diags)
{
    progress_line progress;
    bool terminal = progress_start(&progress, o->quiet);
    almanac_build_options options = {.progress = terminal ? progress_show_build : NULL,
                                     .context = &progress, .gzip_siblings = served};
    int result = almanac_build_reported(doc, o->output_dir, now, &options, report, diags);
    progress_end(&progress);
    return result;
}

/* --partial-dates overrides the calendar's own policy. */
static void apply_overrides(almanac_document *doc, const command_line *o)
{
    if (o->month_policy_set)
        doc->calendar.month_policy = o->month_policy;
    if (o->year_policy_set)
        doc->calendar.year_policy = o->year_policy;
}

/* almanac_serve()'s calls back: the build with its progress line, and
 * --partial-dates on each document loaded again. */
static int serve_build(void *context, const almanac_document *doc, int64_t now,
                       almanac_build_report *report, almanac_diagnostics *diags)
{
    return build_into(doc, context, now, true, report, diags);
}

static void serve_adjust(void *context, almanac_document *doc)
{
    apply_overrides(doc, context);
}

/* Takes DOC (almanac_serve frees it once served). */
static int run_serve(almanac_document *doc, const command_line *o, almanac_diagnostics *diags)
{
    almanac_serve_options options = {
        .path = o->input, .name = cli_display_name(o->input), .dir = o->output_dir,
        .watch = o->watch, .server = {.listen = o->listen, .log = stderr},
        .load = {.keep = ALMANAC_KEEP_ALL, .strict = o->strict},
        .diag_format = o->diag_format, .color = o->color, .out = stdout, .log = stderr,
        .summary = o->quiet ? NULL : stderr, .now = cli_build_time, .build = serve_build,
        .adjust = serve_adjust, .context = (void *)o};
    return almanac_serve(doc, &options, diags) == 0 ? EXIT_SUCCESS : EXIT_IO;
}

static int run(const almanac_document *doc, const command_line *o, almanac_diagnostics *diags)
{
    switch (o->cmd) {
    case CLI_BUILD: {
        almanac_build_report report;
        if (build_into(doc, o, cli_build_time(), false, &report, diags) != 0)
            return EXIT_IO;
        if (!o->quiet)
            almanac_build_report_print(stderr, &report, doc, "built", o->output_dir,
                                       cli_display_name(o->input));
        return EXIT_SUCCESS;
    }
    case CLI_ICS:
        return run_ics(doc, o, diags);
    case CLI_TIMELINE:
        return run_timeline(doc, o);
    default:
        break; /* serve takes the document: main(); the others read none */
    }
    return EXIT_USAGE;
}

/* almanac_load_file() of PATH with --strict; the exit status in *STATUS. */
static almanac_document *load_events(const char *path, const command_line *o,
                                     almanac_diagnostics *diags, int *status)
{
    /* check shows no text: it need not keep the largest part of the model */
    almanac_load_options options = {
        .keep = o->cmd == CLI_CHECK ? ALMANAC_KEEP_CHECKED : ALMANAC_KEEP_ALL,
        .strict = o->strict};
    almanac_document *doc;
    int read = almanac_load_file(path, &options, &doc, diags);
    *status = read == 0 ? EXIT_SUCCESS : read > 0 ? EXIT_INVALID : EXIT_IO;
    return doc;
}

/* Loads and validates the input; returns the document only when it has no
 * errors (after --strict), printing the diagnostics either way. */
static almanac_document *load_input(const command_line *o, int *status)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc = load_events(o->input, o, &diags, status);
    if (diags.count > 0 || o->diag_format == ALMANAC_DIAG_JSON)
        almanac_diagnostics_print(&diags, stderr, cli_display_name(o->input), o->diag_format,
                                  o->color);
    almanac_diagnostics_free(&diags);
    return doc;
}

/* Checks every FILE. In text, each file's diagnostics go to stderr and a
 * line per valid file to stdout; in JSON, one array of them all is the only
 * output, on stdout, for tools to read. */
static int run_check(const command_line *o)
{
    static const char *const default_input[] = {"events.json"};
    size_t count = o->input_count > 0 ? o->input_count : 1;
    const char *const *paths = o->input_count > 0 ? o->inputs : default_input;
    almanac_diagnostics *lists = calloc(count, sizeof *lists);
    const almanac_diagnostics **list_of = calloc(count, sizeof *list_of);
    const char **names = calloc(count, sizeof *names);
    if (lists == NULL || list_of == NULL || names == NULL) {
        free(lists), free(list_of), free(names);
        fputs("almanac: out of memory\n", stderr);
        return EXIT_IO;
    }
    bool json = o->diag_format == ALMANAC_DIAG_JSON;
    int worst = EXIT_SUCCESS;
    for (size_t i = 0; i < count; i++) {
        int status;
        almanac_diagnostics_init(&lists[i]);
        list_of[i] = &lists[i];
        names[i] = cli_display_name(paths[i]);
        almanac_document *doc = load_events(paths[i], o, &lists[i], &status);
        if (!json && lists[i].count > 0)
            almanac_diagnostics_print(&lists[i], stderr, names[i], o->diag_format, o->color);
        if (!json && doc != NULL)
            printf("%s: %zu event%s, %zu feed%s: valid\n", names[i], doc->event_count,
                   doc->event_count == 1 ? "" : "s", doc->feed_count,
                   doc->feed_count == 1 ? "" : "s");
        almanac_document_free(doc);
        if (status > worst)
            worst = status;
    }
    if (json)
        almanac_diagnostics_print_json(list_of, names, count, stdout);
    for (size_t i = 0; i < count; i++)
        almanac_diagnostics_free(&lists[i]);
    free(lists), free(list_of), free(names);
    return worst;
}

/* ---- import ------------------------------------------------------------ */

/* Prints what almanac_import_result() found: --merge's file and the merge,
 * and a result that would not pass `almanac check`. */
static int import_result(const almanac_document *doc, const command_line *o, char **json)
{
    almanac_import_outcome out;
    *json = almanac_import_result(doc, o->merge, &out);
    int status = EXIT_SUCCESS;
    if (o->merge != NULL && out.read != 0) {
        cli_report(&out.merge, NULL, 0, o->merge, o);
        status = out.read > 0 ? EXIT_INVALID : EXIT_IO;
    } else if (o->merge != NULL) {
        /* not strict: the file's own warnings are the user's business */
        if (out.existing.count > 0 || o->diag_format == ALMANAC_DIAG_JSON)
            almanac_diagnostics_print(&out.existing, stderr, o->merge, o->diag_format, o->color);
        if (out.merged)
            fprintf(stderr, "almanac: %s: %zu added, %zu updated, %zu unchanged\n", o->merge,
                    out.counts.added, out.counts.updated, out.counts.unchanged);
        cli_report(&out.merge, NULL, 0, o->merge, o);
        if (!out.merged)
            status = EXIT_INVALID;
    }
    if (almanac_diagnostics_has_errors(&out.check)) {
        fputs("almanac: internal error: the imported events file would not pass "
              "`almanac check`; nothing was written:\n", stderr);
        almanac_diagnostics_print(&out.check, stderr, "<import result>", ALMANAC_DIAG_TEXT, false);
        status = EXIT_INVALID;
    } else if (*json == NULL && status == EXIT_SUCCESS) {
        /* no text and no reason given: writing or checking it ran out of memory */
        fputs("almanac: out of memory while writing the events file; nothing was written\n",
              stderr);
        status = EXIT_IO;
    }
    almanac_import_outcome_free(&out);
    return status;
}

/* Writes the events file where it goes: -o FILE, the --merge file, or
 * standard output. */
static int write_import(const char *json, const command_line *o)
{
    const char *path = o->output_set ? o->output_dir : o->merge;
    if (path == NULL)
        return fputs(json, stdout) < 0 ? EXIT_IO : EXIT_SUCCESS;
    if (almanac_write_file(path, json) != 0) {
        if (errno == EISDIR)
            fprintf(stderr, "almanac: cannot write %s: it is a directory; give the name of the "
                    "file to write, such as %s%sevents.json\n", path, path,
                    path[0] != '\0' && path[strlen(path) - 1] == '/' ? "" : "/");
        else if (errno == EINVAL)
            fprintf(stderr, "almanac: cannot write %s: it is not a regular file (a device or "
                    "a FIFO); write to a file, or leave -o out to write to standard output\n",
                    path);
        else
            fprintf(stderr, "almanac: cannot write %s: %s\n", path, strerror(errno));
        return EXIT_IO;
    }
    return EXIT_SUCCESS;
}

static int run_import(const command_line *o)
{
    static const char *standard_input[] = {"-"};
    size_t count = o->input_count > 0 ? o->input_count : 1;
    const char **paths = o->input_count > 0 ? o->inputs : standard_input;
    almanac_import_source *in = calloc(count, sizeof *in);
    almanac_importer *importer = almanac_importer_new();
    if (in == NULL || importer == NULL) {
        free(in);
        almanac_importer_free(importer);
        fputs("almanac: out of memory\n", stderr);
        return EXIT_IO;
    }
    progress_line progress;
    bool terminal = progress_start(&progress, o->quiet);
    if (terminal)
        almanac_importer_set_progress(importer, progress_show_import, &progress);
    for (size_t i = 0; i < count; i++)
        in[i].path = paths[i];
    almanac_document *doc = almanac_import_files(importer, in, count);
    progress_end(&progress);
    int status = EXIT_SUCCESS;
    size_t warnings = 0;
    for (size_t i = 0; i < count; i++) {
        if (in[i].read != 0)
            status = in[i].read > 0 && status != EXIT_IO ? EXIT_INVALID : EXIT_IO;
        warnings += in[i].diags.warning_count;
        if (cli_report(&in[i].diags, NULL, 0, cli_display_name(in[i].path), o) &&
            status == EXIT_SUCCESS)
            status = EXIT_INVALID;
    }
    if (doc == NULL && status == EXIT_SUCCESS) {
        fputs("almanac: out of memory\n", stderr);
        status = EXIT_IO;
    } else if (status == EXIT_SUCCESS && doc->event_count == 0 && warnings > 0) {
        fputs("almanac: no event could be imported (see the warnings above); nothing was "
              "written\n", stderr);
        status = EXIT_INVALID;
    }
    if (status == EXIT_SUCCESS && terminal)
        progress_show_writing(&progress, doc->event_count);
    char *json = NULL;
    if (status == EXIT_SUCCESS)
        status = import_result(doc, o, &json);
    if (json != NULL)
        status = write_import(json, o);
    progress_end(&progress);
    if (status == EXIT_SUCCESS)
        fprintf(stderr, "almanac: imported %zu event%s from %zu file%s\n", doc->event_count,
                doc->event_count == 1 ? "" : "s", count, count == 1 ? "" : "s");
    free(json);
    almanac_document_free(doc);
    almanac_importer_free(importer);
    almanac_import_sources_free(in, count);
    free(in);
    return status;
}

/* The commands that take no single events file. */
static int run_other(const command_line *o)
{
    cli_command command;
    switch (o->cmd) {
    case CLI_CHECK:
        return run_check(o);
    case CLI_IMPORT:
        return run_import(o);
    case CLI_ADD:
        return cli_run_add(o);
    case CLI_FMT:
        return cli_run_fmt(o);
    case CLI_COMPLETIONS:
        if (o->word == NULL)
            return cli_usage_error("completions needs a shell: bash, zsh or fish", NULL);
        if (!cli_print_completions(stdout, o->word))
            return cli_usage_error("completions knows bash, zsh and fish", o->word);
        return EXIT_SUCCESS;
    case CLI_HELP:
        if (o->word == NULL)
            cli_print_help(stdout);
        else if (cli_command_parse(o->word, &command))
            cli_print_command_help(stdout, command);
        else
            return cli_unknown_command(o->word);
        return EXIT_SUCCESS;
    default:
        return -1;
    }
}

int main(int argc, char **argv)
{
    command_line o;
    int status = cli_parse(argc, argv, &o);
    if (status >= 0)
        return status;
    almanac_document *doc = NULL;
    status = run_other(&o);
    if (status < 0)
        doc = load_input(&o, &status);
    if (doc != NULL) {
        apply_overrides(doc, &o);
        almanac_diagnostics diags;
        almanac_diagnostics_init(&diags);
        if (o.cmd == CLI_SERVE) {
            status = run_serve(doc, &o, &diags); /* which takes the document */
            doc = NULL;
        } else {
            status = run(doc, &o, &diags);
        }
        almanac_diagnostics_print(&diags, stderr, "almanac", ALMANAC_DIAG_TEXT, o.color);
        almanac_diagnostics_free(&diags);
        almanac_document_free(doc);
    }
    /* A result that did not reach stdout (a full disk, a closed pipe) is a
     * failure, not a success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "almanac: writing output failed: %s\n", strerror(errno));
        return EXIT_IO;
    }
    return status;
}
