/*
 * cli_parse.c - the command line read into a command_line (see cli.h):
 * getopt with the table of cli.c, each option's value checked, what holds
 * for the command and its options together, and the usage errors, each one
 * line and "try 'almanac --help'" (exit 2); and the other messages every
 * command shares (a file's name, its diagnostics). Part of the program.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "formats.h"

int cli_usage_error(const char *message, const char *detail)
{
    fprintf(stderr, "almanac: %s%s%s\ntry 'almanac --help'\n", message,
            detail ? ": " : "", detail ? detail : "");
    return EXIT_USAGE;
}

/* The name diagnostics give PATH: "-" is standard input. */
const char *cli_display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

int cli_unknown_command(const char *word)
{
    const char *suggestion = cli_command_suggest(word);
    if (suggestion != NULL)
        fprintf(stderr, "almanac: unknown command '%s'; did you mean '%s'?\n", word, suggestion);
    else
        fprintf(stderr, "almanac: unknown command '%s'\n", word);
    fputs("try 'almanac --help'\n", stderr);
    return EXIT_USAGE;
}

/* An option given to a command it does not apply to. */
static int misplaced_option(int id, cli_command cmd)
{
    char commands[160];
    cli_option_commands(id, commands, sizeof commands);
    fprintf(stderr, "almanac: --%s does not apply to %s; it goes with %s\n"
            "try 'almanac %s --help'\n", cli_option_long_name(id), cli_commands[cmd].name,
            commands, cli_commands[cmd].name);
    return EXIT_USAGE;
}

/* Locates and prints a file's diagnostics; true when they hold errors. */
bool cli_report(almanac_diagnostics *diags, const char *text, size_t length,
                   const char *name, const command_line *o)
{
    if (text != NULL)
        almanac_diagnostics_locate(diags, text, length);
    if (o->strict)
        almanac_diagnostics_promote_warnings(diags);
    if (diags->count > 0 || o->diag_format == ALMANAC_DIAG_JSON)
        almanac_diagnostics_print(diags, stderr, name, o->diag_format, o->color);
    return almanac_diagnostics_has_errors(diags);
}

/* Colour on a terminal only, and never when NO_COLOR is set (no-color.org). */
static bool color_auto(void)
{
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(STDERR_FILENO) && (no_color == NULL || no_color[0] == '\0') &&
           (term == NULL || strcmp(term, "dumb") != 0);
}

/* "POLICY" sets both; "month=POLICY,year=POLICY" (either or both) sets each. */
static bool parse_partial_dates(const char *spec, command_line *o)
{
    almanac_partial_policy policy;
    if (almanac_partial_policy_parse(spec, &policy)) {
        o->month_policy = o->year_policy = policy;
        o->month_policy_set = o->year_policy_set = true;
        return true;
    }
    char copy[64];
    if (snprintf(copy, sizeof copy, "%s", spec) >= (int)sizeof copy)
        return false;
    char *saved = NULL;
    for (char *part = strtok_r(copy, ",", &saved); part != NULL;
         part = strtok_r(NULL, ",", &saved)) {
        char *value = strchr(part, '=');
        if (value == NULL || !almanac_partial_policy_parse(value + 1, &policy))
            return false;
        *value = '\0';
        if (strcmp(part, "month") == 0) {
            o->month_policy = policy;
            o->month_policy_set = true;
        } else if (strcmp(part, "year") == 0) {
            o->year_policy = policy;
            o->year_policy_set = true;
        } else {
            return false;
        }
    }
    return o->month_policy_set || o->year_policy_set;
}

/* "confirmed,planned": a bit per status, added to *STATUSES. */
static bool parse_statuses(const char *list, unsigned *statuses)
{
    static const struct { const char *name; almanac_status status; } names[] = {
        {"confirmed", ALMANAC_STATUS_CONFIRMED}, {"tentative", ALMANAC_STATUS_TENTATIVE},
        {"planned", ALMANAC_STATUS_TENTATIVE},   {"cancelled", ALMANAC_STATUS_CANCELLED}};
    for (const char *p = list;; p++) {
        size_t length = strcspn(p, ",");
        size_t i = 0;
        while (i < sizeof names / sizeof names[0] &&
               !(strlen(names[i].name) == length && strncmp(p, names[i].name, length) == 0))
            i++;
        if (i == sizeof names / sizeof names[0])
            return false;
        *statuses |= 1u << names[i].status;
        p += length;
        if (*p == '\0')
            return true;
    }
}

/* --format names the command's output: the timeline's format, or else the
 * diagnostics'. Returns -1 to go on, or the usage error's exit status. */
static int parse_format(command_line *o)
{
    if (o->format == NULL)
        return -1;
    if (o->cmd == CLI_TIMELINE) {
        if (timeline_format_find(o->format) != NULL)
            return -1;
        char names[200], message[256];
        timeline_format_names(names, sizeof names, ", ", " or ", "");
        snprintf(message, sizeof message, "timeline --format takes %s", names);
        return cli_usage_error(message, o->format);
    }
    if (strcmp(o->format, "json") == 0)
        o->diag_format = ALMANAC_DIAG_JSON;
    else if (strcmp(o->format, "text") != 0)
        return cli_usage_error("--format takes text or json", o->format);
    return -1;
}

/* SOURCE_DATE_EPOCH as a time almanac can stamp, or -1 when it is set but
 * is not one: a reproducible build must not quietly use the clock instead
 * (reproducible-builds.org's specification says to fail). */
static int64_t source_date_epoch(const char **text)
{
    *text = getenv("SOURCE_DATE_EPOCH");
    if (*text == NULL || (*text)[0] == '\0')
        return 0;
    char *end;
    errno = 0;
    long long value = strtoll(*text, &end, 10);
    bool digits = (*text)[0] >= '0' && (*text)[0] <= '9';
    if (!digits || *end != '\0' || errno != 0 || value > ALMANAC_TIME_MAX)
        return -1;
    return value;
}

/* The time stamped on what a build changes: SOURCE_DATE_EPOCH, checked by
 * cli_parse(), else now. */
int64_t cli_build_time(void)
{
    const char *text;
    int64_t epoch = source_date_epoch(&text);
    if (text != NULL && text[0] != '\0' && epoch >= 0)
        return epoch;
    int64_t now = (int64_t)time(NULL);
    return now < ALMANAC_TIME_MAX ? now : ALMANAC_TIME_MAX;
}


/* A FILE or word after the command, in order. */
static int take_argument(command_line *o, const char *arg, size_t room)
{
    cli_files files = cli_commands[o->cmd].files;
    if (files == CLI_FILES_NONE && o->word == NULL) {
        o->word = arg;
        return -1;
    }
    if (files == CLI_FILES_NONE || (files == CLI_FILES_ONE && o->input_count == 1))
        return cli_usage_error("too many arguments", arg);
    if (o->input_count == room)
        return cli_usage_error("too many files", arg);
    o->inputs[o->input_count++] = arg;
    return -1;
}

/* What an option's argument says; -1 to go on, or the usage error's status. */
static int take_option(command_line *o, int c, const char *arg)
{
    almanac_timeline_filter *filter = &o->timeline.filter;
    switch (c) {
    case 'o': o->output_dir = arg; o->output_set = true; break;
    case CLI_OPT_MERGE: o->merge = arg; break;
    case CLI_OPT_NO_ALARMS: o->no_alarms = true; break;
    case 'f': o->feed = arg; break;
    case 'w': {
        char *end;
        long width = strtol(arg, &end, 10);
        if (*end != '\0' || width < 20 || width > 1000)
            return cli_usage_error("--width takes a number from 20 to 1000", arg);
        o->width = (unsigned)width;
        break;
    }
    case CLI_OPT_FORMAT: o->format = arg; break;
    case CLI_OPT_FROM:
    case CLI_OPT_TO: {
        almanac_date *date = c == CLI_OPT_FROM ? &filter->from : &filter->to;
        almanac_date_error e = almanac_date_parse(arg, strlen(arg), date);
        if (e != ALMANAC_DATE_OK)
            return cli_usage_error(almanac_date_error_text(e), arg);
        *(c == CLI_OPT_FROM ? &filter->has_from : &filter->has_to) = true;
        break;
    }
    case 't':
        if (filter->tag_count == sizeof o->tags / sizeof o->tags[0])
            return cli_usage_error("too many --tag options", arg);
        o->tags[filter->tag_count++] = arg;
        break;
    case 's': o->status = arg; break;
    case 'r': filter->reverse = true; break;
    case CLI_OPT_NO_DETAILS: o->timeline.no_details = true; break;
    case CLI_OPT_TITLE: o->event.title = arg; break;
    case CLI_OPT_START: o->event.start = arg; break;
    case CLI_OPT_END: o->event.end = arg; break;
    case CLI_OPT_TIMEZONE: o->event.timezone = arg; break;
    case CLI_OPT_LOCATION: o->event.location = arg; break;
    case CLI_OPT_DESCRIPTION: o->event.description = arg; break;
    case CLI_OPT_URL: o->event.url = arg; break;
    case CLI_OPT_ID: o->event.id = arg; break;
    case CLI_OPT_CHECK_ONLY: o->fmt_check = true; break;
    case CLI_OPT_STRICT: o->strict = true; break;
    case CLI_OPT_SHOW_SOURCE: o->show_source = true; break;
    case 'q': o->quiet = true; break;
    case 'l': {
        char host[ALMANAC_HOST_MAX];
        unsigned port;
        if (!almanac_listen_parse(arg, host, &port))
            return cli_usage_error("--listen takes ADDRESS:PORT, e.g. 127.0.0.1:8080, "
                               "0.0.0.0:8080 or [::1]:8080", arg);
        o->listen = arg;
        break;
    }
    case CLI_OPT_WATCH: o->watch = true; break;
    case CLI_OPT_PARTIAL:
        if (!parse_partial_dates(arg, o))
            return cli_usage_error("--partial-dates takes span, first-day or omit, or "
                               "month=POLICY,year=POLICY", arg);
        break;
    case CLI_OPT_COLOR:
        if (strcmp(arg, "always") == 0)
            o->color = true;
        else if (strcmp(arg, "never") == 0)
            o->color = false;
        else if (strcmp(arg, "auto") == 0)
            o->color = color_auto();
        else
            return cli_usage_error("--color takes auto, always or never", arg);
        break;
    default:
        return cli_usage_error("unknown or incomplete option", arg);
    }
    return -1;
}

/* What holds for the command and its options together. */
static int check_combination(command_line *o)
{
    almanac_timeline_filter *filter = &o->timeline.filter;
    o->input = o->input_count > 0 ? o->inputs[0] : "events.json";
    if (o->watch && strcmp(o->input, "-") == 0)
        return cli_usage_error("--watch needs a file, not standard input", NULL);
    if (o->cmd == CLI_ADD) {
        if (o->event.title == NULL || o->event.start == NULL)
            return cli_usage_error("add needs --title and --start", NULL);
        if (strcmp(o->input, "-") == 0)
            return cli_usage_error("add changes FILE in place: give a file, not standard "
                                   "input", NULL);
        o->event.tags = o->tags;
        o->event.tag_count = filter->tag_count;
        o->event.status = o->status;
    }
    if (o->cmd == CLI_TIMELINE) {
        filter->tags = filter->tag_count > 0 ? o->tags : NULL;
        if (o->status != NULL && !parse_statuses(o->status, &filter->statuses))
            return cli_usage_error("--status takes confirmed, tentative (or planned) and "
                               "cancelled, separated by commas", o->status);
    }
    const char *epoch;
    if ((o->cmd == CLI_BUILD || o->cmd == CLI_ICS || o->cmd == CLI_SERVE) &&
        source_date_epoch(&epoch) < 0)
        return cli_usage_error("SOURCE_DATE_EPOCH must be a Unix time in seconds from 0 to "
                           "32503679999 (2999-12-31T23:59:59Z)", epoch);
    if (filter->has_from && filter->has_to &&
        almanac_day_compare(almanac_date_first_day(&filter->from),
                            almanac_date_last_day(&filter->to)) > 0)
        return cli_usage_error("--from is after --to, so no event could be shown", NULL);
    int status = parse_format(o);
    if (status < 0 && o->show_source && o->diag_format == ALMANAC_DIAG_TEXT)
        o->diag_format = ALMANAC_DIAG_TEXT_SOURCE;
    return status;
}

/* --help and --version end the parse; the help is the command's when one
 * came before. */
static int print_and_exit(const command_line *o, bool have_command, int c)
{
    if (c == 'V')
        puts("almanac " ALMANAC_VERSION);
    else if (have_command)
        cli_print_command_help(stdout, o->cmd);
    else
        cli_print_help(stdout);
    return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_IO;
}

/* An unknown option, or a known one without its value. getopt has not
 * moved past a word of short options when it stops inside it ("-dash.json"),
 * so the word is found again from optopt; a file whose name starts with "-"
 * goes after "--". */
static int bad_option(int argc, char **argv, const command_line *o, bool have_command)
{
    if (optopt != 0 && cli_option_known(optopt)) {
        /* "--quiet=yes" is refused the same way as "--output" alone */
        const char *given = argv[optind - 1];
        bool valued = strncmp(given, "--", 2) == 0 && strchr(given, '=') != NULL;
        fprintf(stderr, "almanac: --%s %s\ntry 'almanac %s%s--help'\n",
                cli_option_long_name(optopt), valued ? "takes no value" : "needs a value",
                have_command ? cli_commands[o->cmd].name : "", have_command ? " " : "");
        return EXIT_USAGE;
    }
    if (optopt == 0)
        return cli_usage_error("unknown option", argv[optind - 1]);
    const char *word = argv[optind - 1];
    if (optind < argc && argv[optind][0] == '-' && strchr(argv[optind], optopt) != NULL)
        word = argv[optind];
    fprintf(stderr, "almanac: unknown option '-%c' in '%s'; a file whose name starts with '-' "
            "goes after '--': almanac %s -- %s\ntry 'almanac --help'\n", optopt, word,
            have_command ? cli_commands[o->cmd].name : "COMMAND", word);
    return EXIT_USAGE;
}

int cli_parse(int argc, char **argv, command_line *o)
{
    struct option long_options[64];
    char short_options[64];
    cli_getopt_tables(long_options, short_options, sizeof short_options);
    *o = (command_line){.output_dir = "out", .color = color_auto(),
                        .show_source = isatty(STDERR_FILENO) != 0};
    static const char *inputs[1024];
    o->inputs = inputs;
    int seen[64]; /* the options given, checked against the command at the end */
    size_t seen_count = 0;
    bool have_command = false;
    int c, status;
    opterr = 0;
    while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
        if (c == 1 && !have_command) {
            if (!cli_command_parse(optarg, &o->cmd))
                return cli_unknown_command(optarg);
            have_command = true;
            continue;
        }
        if (c == 1)
            status = take_argument(o, optarg, sizeof inputs / sizeof inputs[0]);
        else if (c == 'h' || c == 'V')
            return print_and_exit(o, have_command, c);
        else if (c == '?' || c == ':')
            return bad_option(argc, argv, o, have_command);
        else
            status = take_option(o, c, optarg != NULL ? optarg : argv[optind - 1]);
        if (status >= 0)
            return status;
        if (c != 1 && seen_count < sizeof seen / sizeof seen[0])
            seen[seen_count++] = c;
    }
    /* after "--", every word is an operand, even one that starts with "-" */
    for (; optind < argc; optind++) {
        if (have_command) {
            status = take_argument(o, argv[optind], sizeof inputs / sizeof inputs[0]);
            if (status >= 0)
                return status;
            continue;
        }
        if (!cli_command_parse(argv[optind], &o->cmd))
            return cli_unknown_command(argv[optind]);
        have_command = true;
    }
    if (!have_command)
        return cli_usage_error("missing command (check, build, ics, timeline, serve, import, add "
                           "or fmt)", NULL);
    for (size_t i = 0; i < seen_count; i++)
        if (!cli_option_applies(seen[i], o->cmd))
            return misplaced_option(seen[i], o->cmd);
    return check_combination(o);
}
