/*
 * main.c - the almanac command line. Parses options, calls the library,
 * prints diagnostics and maps the outcome to an exit status:
 *   0 success, 1 the input is invalid, 2 usage error, 3 I/O error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "almanac/almanac.h"
#include "almanac/import.h"

enum { EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

typedef enum { CMD_CHECK, CMD_BUILD, CMD_ICS, CMD_TIMELINE, CMD_SERVE, CMD_IMPORT } command;

typedef struct {
    command cmd;
    const char *input;
    const char *output_dir;
    bool output_set;      /* -o given: import writes that file */
    const char *merge;    /* import --merge FILE */
    const char **inputs;  /* import: every FILE.ics, in order */
    size_t input_count;
    const char *feed;
    unsigned width;
    almanac_diag_format diag_format;
    bool strict;
    bool color; /* diagnostics in colour: --color, or auto (a terminal) */
    const char *format;  /* --format, read once the command is known */
    /* timeline filters; the feed is resolved once the file is loaded */
    almanac_timeline_options timeline;
    const char *tags[64];
    /* --partial-dates: overrides of the calendar's policy, when set */
    bool month_policy_set, year_policy_set;
    almanac_partial_policy month_policy, year_policy;
    const char *listen; /* serve: ADDRESS:PORT */
    bool watch;         /* serve: rebuild when the file changes */
    bool no_alarms;     /* ics: leave reminders out */
} cli_options;

static const char usage_text[] =
    "usage: almanac COMMAND [FILE] [OPTIONS]\n"
    "\n"
    "Validates a file of dated events (events.json) and turns it into\n"
    "iCalendar feeds and a printable timeline.\n"
    "\n"
    "commands:\n"
    "  check    [FILE]             validate, print diagnostics\n"
    "  build    [FILE] [-o DIR]    validate, then write every feed, the timeline\n"
    "                              and the build state into DIR (default out/)\n"
    "  ics      [FILE] [--feed ID] write one feed (default: all events) to stdout\n"
    "  timeline [FILE] [FILTERS]   print the chronological timeline\n"
    "  serve    [FILE] [-o DIR] [--listen ADDR:PORT] [--watch]\n"
    "                              build, then publish DIR over HTTP for calendar\n"
    "                              apps to subscribe to (default 127.0.0.1:8080)\n"
    "  import   [FILE.ics ...] [-o FILE] [--merge FILE]\n"
    "                              turn iCalendar files (default: standard\n"
    "                              input) into an events file, on stdout or\n"
    "                              into -o FILE; --merge adds them to FILE\n"
    "\n"
    "FILE defaults to ./events.json; - reads standard input.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR     output directory for build; ics reads the build state\n"
    "                       there, so its output matches the built feed (default out);\n"
    "                       import: the events file to write\n"
    "      --merge FILE     import: add the events to FILE, matching by id, and\n"
    "                       write it back (or to -o)\n"
    "  -f, --feed ID        the feed to write (ics), or to show (timeline)\n"
    "      --no-alarms      ics: leave every event's reminders (VALARM) out\n"
    "  -w, --width N        wrap the timeline to N columns (default: the terminal's,\n"
    "                       or 80)\n"
    "      --format FORMAT  timeline: text (default), markdown, html or json;\n"
    "                       other commands: diagnostics as text (default) or json\n"
    "\n"
    "timeline filters (an event is kept when it matches all of them):\n"
    "      --from DATE      events that end on or after DATE (2022, 2022-10, ...)\n"
    "      --to DATE        events that start on or before DATE\n"
    "  -t, --tag TAG        events with this tag (repeat: any of them)\n"
    "  -s, --status LIST    confirmed, tentative (or planned), cancelled; commas\n"
    "  -r, --reverse        latest first\n"
    "      --no-details     dates and titles only\n"
    "\n"
    "series, reminders and people (events.json; README \"Series, reminders and people\"):\n"
    "  \"repeat\": {\"frequency\": \"weekly\", \"days\": [\"tuesday\"], \"count\": 10}\n"
    "            or an RRULE value: \"FREQ=MONTHLY;BYDAY=2TU;UNTIL=20240611T140000Z\"\n"
    "  \"extra_dates\", \"excluded_dates\": [\"2025-04-15T09:30\"]     (RDATE, EXDATE)\n"
    "  \"overrides\": [{\"occurrence\": \"2025-04-22T09:30\", \"start\": \"2025-04-23T09:30\"},\n"
    "                {\"occurrence\": \"2025-04-29T09:30\", \"status\": \"cancelled\"}]\n"
    "  \"alarms\": [{\"before\": \"PT30M\"}]     also \"after\", \"at\" (UTC), \"of\": \"end\"\n"
    "  \"organizer\": {\"name\": \"Dilnoza Karimova\", \"email\": \"d.karimova@example.org\"}\n"
    "  \"attendees\": [{\"email\": \"j.weber@example.org\", \"role\": \"chair\",\n"
    "                 \"status\": \"accepted\"}]\n"
    "  \"color\": \"teal\", \"image\": URL, \"attachments\": [URL]\n"
    "  calendar: \"alarms\" (every event's default), \"alarms_in_feeds\": false\n"
    "  With --from or --to, the timeline shows each occurrence in its place\n"
    "  (without --to, up to a year after --from).\n"
    "\n"
    "serve options:\n"
    "  -l, --listen ADDR:PORT  where to listen (default " ALMANAC_DEFAULT_LISTEN "; port 0:\n"
    "                       any free one); other machines only when asked,\n"
    "                       e.g. 0.0.0.0:8080\n"
    "      --watch          rebuild when FILE changes; an invalid edit is reported\n"
    "                       and the last good build stays served\n"
    "\n"
    "other options:\n"
    "      --partial-dates SPEC\n"
    "                       how feeds show events known only to the month or\n"
    "                       year (build, ics): span, first-day or omit for\n"
    "                       both, or e.g. month=first-day,year=omit; overrides\n"
    "                       the calendar's \"partial_dates\"\n"
    "      --strict         treat warnings as errors\n"
    "      --color WHEN     colour diagnostics: auto (default: on a terminal,\n"
    "                       unless NO_COLOR is set), always or never\n"
    "  -h, --help           show this help and exit\n"
    "  -V, --version        show the version and exit\n"
    "\n"
    "exit status:\n"
    "  0  success (warnings alone do not fail, unless --strict)\n"
    "  1  the input is invalid: diagnostics on stderr\n"
    "  2  usage error\n"
    "  3  I/O error: a file could not be read or written; nothing was replaced\n"
    "\n"
    "environment:\n"
    "  SOURCE_DATE_EPOCH    time stamp for events that changed (default: now)\n"
    "  NO_COLOR             no colour in diagnostics\n"
    "  ALMANAC_THREADS      threads for reading input, ics and build, 1-16 (default:\n"
    "                       one per core); the output is the same for any number\n";

static int usage_error(const char *message, const char *detail)
{
    fprintf(stderr, "almanac: %s%s%s\ntry 'almanac --help'\n", message,
            detail ? ": " : "", detail ? detail : "");
    return EXIT_USAGE;
}

static bool parse_command(const char *word, command *cmd)
{
    static const struct { const char *name; command cmd; } table[] = {
        {"check", CMD_CHECK},       {"build", CMD_BUILD}, {"ics", CMD_ICS},
        {"timeline", CMD_TIMELINE}, {"serve", CMD_SERVE}, {"import", CMD_IMPORT}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(word, table[i].name) == 0) {
            *cmd = table[i].cmd;
            return true;
        }
    return false;
}

/* Colour on a terminal only, and never when NO_COLOR is set (no-color.org). */
static bool color_auto(void)
{
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    return isatty(STDERR_FILENO) && (no_color == NULL || no_color[0] == '\0') &&
           (term == NULL || strcmp(term, "dumb") != 0);
}

/* "POLICY" sets both; "month=POLICY,year=POLICY" (either or both) sets each. */
static bool parse_partial_dates(const char *spec, cli_options *o)
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
static int parse_format(cli_options *o)
{
    static const char *const timeline_formats[] = {"text", "markdown", "html", "json"};
    if (o->format == NULL)
        return -1;
    if (o->cmd == CMD_TIMELINE) {
        for (size_t i = 0; i < sizeof timeline_formats / sizeof timeline_formats[0]; i++)
            if (strcmp(o->format, timeline_formats[i]) == 0)
                return -1;
        return usage_error("timeline --format takes text, markdown, html or json", o->format);
    }
    if (strcmp(o->format, "json") == 0)
        o->diag_format = ALMANAC_DIAG_JSON;
    else if (strcmp(o->format, "text") != 0)
        return usage_error("--format takes text or json", o->format);
    return -1;
}

/* Returns -1 to go on, or the exit status to end with. */
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
 * parse_options(), else now. */
static int64_t build_time(void)
{
    const char *text;
    int64_t epoch = source_date_epoch(&text);
    if (text != NULL && text[0] != '\0' && epoch >= 0)
        return epoch;
    int64_t now = (int64_t)time(NULL);
    return now < ALMANAC_TIME_MAX ? now : ALMANAC_TIME_MAX;
}

static int parse_options(int argc, char **argv, cli_options *o)
{
    enum { OPT_FORMAT = 256, OPT_STRICT, OPT_COLOR, OPT_PARTIAL, OPT_FROM, OPT_TO,
           OPT_NO_DETAILS, OPT_WATCH, OPT_MERGE, OPT_NO_ALARMS };
    static const struct option long_options[] = {
        {"output", required_argument, NULL, 'o'}, {"feed", required_argument, NULL, 'f'},
        {"width", required_argument, NULL, 'w'},  {"format", required_argument, NULL, OPT_FORMAT},
        {"strict", no_argument, NULL, OPT_STRICT}, {"help", no_argument, NULL, 'h'},
        {"color", required_argument, NULL, OPT_COLOR},
        {"partial-dates", required_argument, NULL, OPT_PARTIAL},
        {"from", required_argument, NULL, OPT_FROM}, {"to", required_argument, NULL, OPT_TO},
        {"tag", required_argument, NULL, 't'},     {"status", required_argument, NULL, 's'},
        {"reverse", no_argument, NULL, 'r'},       {"no-details", no_argument, NULL, OPT_NO_DETAILS},
        {"listen", required_argument, NULL, 'l'}, {"watch", no_argument, NULL, OPT_WATCH},
        {"merge", required_argument, NULL, OPT_MERGE},
        {"no-alarms", no_argument, NULL, OPT_NO_ALARMS},
        {"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0}};
    *o = (cli_options){.input = "events.json", .output_dir = "out", .color = color_auto()};
    static const char *inputs[1024];
    o->inputs = inputs;
    bool have_command = false, have_input = false;
    int c;
    opterr = 0;
    almanac_timeline_filter *filter = &o->timeline.filter;
    bool timeline_only = false; /* an option that only the timeline takes */
    while ((c = getopt_long(argc, argv, "-o:f:w:t:s:l:rhV", long_options, NULL)) != -1) {
        switch (c) {
        case 1: /* a positional argument, in order */
            if (!have_command) {
                if (!parse_command(optarg, &o->cmd))
                    return usage_error("unknown command", optarg);
                have_command = true;
            } else if (o->cmd == CMD_IMPORT) {
                if (o->input_count == sizeof inputs / sizeof inputs[0])
                    return usage_error("too many files", optarg);
                inputs[o->input_count++] = optarg;
            } else if (!have_input) {
                o->input = optarg;
                have_input = true;
            } else {
                return usage_error("too many arguments", optarg);
            }
            break;
        case 'o': o->output_dir = optarg; o->output_set = true; break;
        case OPT_MERGE: o->merge = optarg; break;
        case OPT_NO_ALARMS: o->no_alarms = true; break;
        case 'f': o->feed = optarg; break;
        case 'w': {
            char *end;
            long width = strtol(optarg, &end, 10);
            if (*end != '\0' || width < 20 || width > 1000)
                return usage_error("--width takes a number from 20 to 1000", optarg);
            o->width = (unsigned)width;
            break;
        }
        case OPT_FORMAT: o->format = optarg; break;
        case OPT_FROM:
        case OPT_TO: {
            almanac_date *date = c == OPT_FROM ? &filter->from : &filter->to;
            almanac_date_error e = almanac_date_parse(optarg, strlen(optarg), date);
            if (e != ALMANAC_DATE_OK)
                return usage_error(almanac_date_error_text(e), optarg);
            *(c == OPT_FROM ? &filter->has_from : &filter->has_to) = true;
            timeline_only = true;
            break;
        }
        case 't':
            if (filter->tag_count == sizeof o->tags / sizeof o->tags[0])
                return usage_error("too many --tag options", optarg);
            o->tags[filter->tag_count++] = optarg;
            filter->tags = o->tags;
            timeline_only = true;
            break;
        case 's':
            if (!parse_statuses(optarg, &filter->statuses))
                return usage_error("--status takes confirmed, tentative (or planned) and "
                                   "cancelled, separated by commas", optarg);
            timeline_only = true;
            break;
        case 'r': filter->reverse = timeline_only = true; break;
        case OPT_NO_DETAILS: o->timeline.no_details = timeline_only = true; break;
        case OPT_STRICT: o->strict = true; break;
        case 'l': {
            char host[ALMANAC_HOST_MAX];
            unsigned port;
            if (!almanac_listen_parse(optarg, host, &port))
                return usage_error("--listen takes ADDRESS:PORT, e.g. 127.0.0.1:8080, "
                                   "0.0.0.0:8080 or [::1]:8080", optarg);
            o->listen = optarg;
            break;
        }
        case OPT_WATCH: o->watch = true; break;
        case OPT_PARTIAL:
            if (!parse_partial_dates(optarg, o))
                return usage_error("--partial-dates takes span, first-day or omit, or "
                                   "month=POLICY,year=POLICY", optarg);
            break;
        case OPT_COLOR:
            if (strcmp(optarg, "always") == 0)
                o->color = true;
            else if (strcmp(optarg, "never") == 0)
                o->color = false;
            else if (strcmp(optarg, "auto") == 0)
                o->color = color_auto();
            else
                return usage_error("--color takes auto, always or never", optarg);
            break;
        case 'h':
            fputs(usage_text, stdout);
            return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_IO;
        case 'V':
            puts("almanac " ALMANAC_VERSION);
            return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_IO;
        default:
            return usage_error("unknown or incomplete option", argv[optind - 1]);
        }
    }
    if (!have_command)
        return usage_error("missing command (check, build, ics, timeline, serve or import)", NULL);
    if (o->no_alarms && o->cmd != CMD_ICS)
        return usage_error("--no-alarms goes with the ics command", NULL);
    if (o->merge != NULL && o->cmd != CMD_IMPORT)
        return usage_error("--merge goes with the import command", NULL);
    if (o->feed != NULL && o->cmd != CMD_ICS && o->cmd != CMD_TIMELINE)
        return usage_error("--feed goes with the ics and timeline commands", NULL);
    if ((o->listen != NULL || o->watch) && o->cmd != CMD_SERVE)
        return usage_error("--listen and --watch go with the serve command", NULL);
    if (o->watch && strcmp(o->input, "-") == 0)
        return usage_error("--watch needs a file, not standard input", NULL);
    if (timeline_only && o->cmd != CMD_TIMELINE)
        return usage_error("filters go with the timeline command", NULL);
    const char *epoch;
    if ((o->cmd == CMD_BUILD || o->cmd == CMD_ICS || o->cmd == CMD_SERVE) &&
        source_date_epoch(&epoch) < 0)
        return usage_error("SOURCE_DATE_EPOCH must be a Unix time in seconds from 0 to "
                           "32503679999 (2999-12-31T23:59:59Z)", epoch);
    if (filter->has_from && filter->has_to &&
        almanac_day_compare(almanac_date_first_day(&filter->from),
                            almanac_date_last_day(&filter->to)) > 0)
        return usage_error("--from is after --to, so no event could be shown", NULL);
    return parse_format(o);
}

static unsigned terminal_width(void)
{
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

/* The feed --feed names, in *FEED (NULL for none or "all"); false after
 * saying which feeds there are when there is no such feed. */
static bool find_feed(const almanac_document *doc, const cli_options *o,
                      const almanac_feed **feed)
{
    *feed = NULL;
    if (o->feed == NULL || strcmp(o->feed, "all") == 0)
        return true;
    *feed = almanac_document_find_feed(doc, o->feed);
    if (*feed != NULL)
        return true;
    fprintf(stderr, "almanac: no feed '%s' in %s; feeds:", o->feed, o->input);
    for (size_t i = 0; i < doc->feed_count; i++)
        fprintf(stderr, " %s", doc->feeds[i].id);
    fputs(" (and all)\n", stderr);
    return false;
}

static int run_timeline(const almanac_document *doc, const cli_options *o)
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
    const char *format = o->format != NULL ? o->format : "text";
    int result = strcmp(format, "markdown") == 0 ? almanac_render_markdown(view, &options, stdout)
               : strcmp(format, "html") == 0     ? almanac_render_html(view, &options, stdout)
               : strcmp(format, "json") == 0     ? almanac_render_json(view, &options, stdout)
                                                 : almanac_render_text(view, &options, stdout);
    almanac_document_free(view);
    return result == 0 ? EXIT_SUCCESS : EXIT_IO;
}

static int run_ics(const almanac_document *doc, const cli_options *o, almanac_diagnostics *diags)
{
    const almanac_feed *feed;
    if (!find_feed(doc, o, &feed))
        return EXIT_USAGE;
    almanac_stamps stamps;
    if (almanac_stamps_compute(doc, o->output_dir, build_time(), &stamps, diags) != 0)
        return EXIT_IO;
    size_t index = feed != NULL ? (size_t)(feed - doc->feeds) : doc->feed_count;
    almanac_ics_options options = {.feed = feed, .stamps = stamps.events,
                                   .calendar_modified = stamps.feeds[index].modified,
                                   .no_alarms = o->no_alarms};
    int result = almanac_render_ics(doc, &options, stdout);
    almanac_stamps_free(&stamps);
    return result == 0 ? EXIT_SUCCESS : EXIT_IO;
}

static almanac_document *load_input(const cli_options *o, int *status);

/* --partial-dates overrides the calendar's own policy. */
static void apply_overrides(almanac_document *doc, const cli_options *o)
{
    if (o->month_policy_set)
        doc->calendar.month_policy = o->month_policy;
    if (o->year_policy_set)
        doc->calendar.year_policy = o->year_policy;
}

/* The host part of --listen as a URL shows it; a wildcard address becomes
 * this machine's name, which is what colleagues would type. */
static void url_host(const char *listen, char *host, size_t size)
{
    char name[ALMANAC_HOST_MAX];
    unsigned port;
    if (!almanac_listen_parse(listen, name, &port))
        snprintf(name, sizeof name, "localhost"); /* parse_options checked it */
    if (strcmp(name, "0.0.0.0") == 0 || strcmp(name, "::") == 0) {
        if (gethostname(name, sizeof name) != 0 || name[0] == '\0')
            snprintf(name, sizeof name, "localhost");
        name[sizeof name - 1] = '\0';
    }
    snprintf(host, size, strchr(name, ':') != NULL ? "[%s]" : "%s", name);
}

static void print_subscriptions(const almanac_document *doc, const cli_options *o, unsigned port)
{
    char host[256];
    url_host(o->listen != NULL ? o->listen : ALMANAC_DEFAULT_LISTEN, host, sizeof host);
    printf("almanac: serving %s/ at http://%s:%u/ (Ctrl-C stops%s)\n", o->output_dir, host, port,
           o->watch ? "; rebuilds when the file changes" : "");
    for (size_t k = 0; k <= doc->feed_count; k++) {
        const almanac_feed *feed = k < doc->feed_count ? &doc->feeds[k] : NULL;
        char file[256];
        almanac_feed_file_name(feed, file, sizeof file);
        printf("  %s\n    http://%s:%u/%s\n    webcal://%s:%u/%s\n",
               feed != NULL ? feed->name : "All events", host, port, file, host, port, file);
    }
    /* the page links where calendar.url says: elsewhere than here, which can surprise */
    if (doc->calendar.url != NULL)
        printf("  the page at / links to the feeds at %s (calendar.url), not to this server\n",
               doc->calendar.url);
    fflush(stdout);
}

/* Loads, validates and builds the file again, then serves the result. An
 * invalid file or a failed build leaves the last good build served. */
static void rebuild(const cli_options *o, almanac_server *server)
{
    if (strcmp(o->input, "-") == 0) {
        fputs("almanac: standard input cannot be read again: nothing rebuilt\n", stderr);
        return;
    }
    int status;
    almanac_document *doc = load_input(o, &status);
    if (doc == NULL) {
        fprintf(stderr, "almanac: %s: not rebuilt; still serving the last good build\n",
                o->input);
        return;
    }
    apply_overrides(doc, o);
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    int64_t now = build_time();
    if (almanac_build(doc, o->output_dir, now, &diags) == 0 &&
        almanac_server_publish(server, doc, o->output_dir, now, &diags) == 0)
        fprintf(stderr, "almanac: rebuilt %s: %zu event%s\n", o->input, doc->event_count,
                doc->event_count == 1 ? "" : "s");
    else
        fprintf(stderr, "almanac: rebuilding %s failed; still serving the last good build\n",
                o->input);
    almanac_diagnostics_print(&diags, stderr, "almanac", ALMANAC_DIAG_TEXT, o->color);
    almanac_diagnostics_free(&diags);
    almanac_document_free(doc);
}

static int run_serve(const almanac_document *doc, const cli_options *o,
                     almanac_diagnostics *diags)
{
    int64_t now = build_time();
    if (almanac_build(doc, o->output_dir, now, diags) != 0)
        return EXIT_IO;
    /* Before the server starts its threads, so that the signals reach the
     * watch and no thread of libmicrohttpd. */
    if (almanac_watch_block_signals() != 0) {
        fprintf(stderr, "almanac: cannot block signals: %s\n", strerror(errno));
        return EXIT_IO;
    }
    almanac_watch *watch = almanac_watch_open(o->watch ? o->input : NULL);
    if (watch == NULL) {
        fprintf(stderr, "almanac: cannot watch %s: %s\n", o->input, strerror(errno));
        return EXIT_IO;
    }
    almanac_server_options options = {.listen = o->listen, .log = stderr};
    almanac_server *server = almanac_server_start(&options, diags);
    int status = EXIT_SUCCESS;
    if (server == NULL || almanac_server_publish(server, doc, o->output_dir, now, diags) != 0)
        status = EXIT_IO;
    else
        print_subscriptions(doc, o, almanac_server_port(server));
    for (bool serving = status == EXIT_SUCCESS; serving;) {
        switch (almanac_watch_wait(watch)) {
        case ALMANAC_WATCH_CHANGED:
            rebuild(o, server);
            break;
        case ALMANAC_WATCH_FAILED:
            fprintf(stderr, "almanac: watching %s failed: %s\n", o->input, strerror(errno));
            status = EXIT_IO;
            serving = false;
            break;
        case ALMANAC_WATCH_STOP:
            fputs("almanac: stopping\n", stderr);
            serving = false;
            break;
        }
    }
    almanac_server_stop(server);
    almanac_watch_close(watch);
    return status;
}

static int run(const almanac_document *doc, const cli_options *o, almanac_diagnostics *diags)
{
    switch (o->cmd) {
    case CMD_CHECK:
        printf("%s: %zu event%s, %zu feed%s: valid\n", o->input, doc->event_count,
               doc->event_count == 1 ? "" : "s", doc->feed_count, doc->feed_count == 1 ? "" : "s");
        return EXIT_SUCCESS;
    case CMD_BUILD:
        return almanac_build(doc, o->output_dir, build_time(), diags) == 0 ? EXIT_SUCCESS : EXIT_IO;
    case CMD_ICS:
        return run_ics(doc, o, diags);
    case CMD_TIMELINE:
        return run_timeline(doc, o);
    case CMD_SERVE:
        return run_serve(doc, o, diags);
    case CMD_IMPORT:
        break; /* run_import(): it reads iCalendar, not an events file */
    }
    return EXIT_USAGE;
}

/* Loads and validates the input; returns the document only when it has no
 * errors (after --strict), printing the diagnostics either way. */
static almanac_document *load_input(const cli_options *o, int *status)
{
    const char *name = strcmp(o->input, "-") == 0 ? "<stdin>" : o->input;
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    char *text = NULL;
    size_t length = 0;
    almanac_document *doc = NULL;
    *status = EXIT_SUCCESS;
    int read = almanac_read_file(o->input, &text, &length, &diags);
    if (read != 0) {
        *status = read > 0 ? EXIT_INVALID : EXIT_IO;
    } else {
        /* check shows no text: it need not keep the largest part of the model */
        almanac_keep keep = o->cmd == CMD_CHECK ? ALMANAC_KEEP_CHECKED : ALMANAC_KEEP_ALL;
        doc = almanac_load_keeping(text, length, keep, &diags);
        if (doc != NULL)
            almanac_validate(doc, &diags);
        almanac_diagnostics_locate(&diags, text, length);
        if (o->strict)
            almanac_diagnostics_promote_warnings(&diags);
        if (almanac_diagnostics_has_errors(&diags))
            *status = EXIT_INVALID;
    }
    if (diags.count > 0 || o->diag_format == ALMANAC_DIAG_JSON)
        almanac_diagnostics_print(&diags, stderr, name, o->diag_format, o->color);
    if (*status != EXIT_SUCCESS) {
        almanac_document_free(doc);
        doc = NULL;
    }
    free(text);
    almanac_diagnostics_free(&diags);
    return doc;
}

/* ---- import ------------------------------------------------------------ */

typedef struct {
    const char *path;
    char *text;
    size_t length;
    almanac_diagnostics diags;
} import_input;

static const char *display_name(const char *path)
{
    return strcmp(path, "-") == 0 ? "<stdin>" : path;
}

/* Locates and prints a file's diagnostics; true when they hold errors. */
static bool report(almanac_diagnostics *diags, const char *text, size_t length,
                   const char *name, const cli_options *o)
{
    if (text != NULL)
        almanac_diagnostics_locate(diags, text, length);
    if (o->strict)
        almanac_diagnostics_promote_warnings(diags);
    if (diags->count > 0 || o->diag_format == ALMANAC_DIAG_JSON)
        almanac_diagnostics_print(diags, stderr, name, o->diag_format, o->color);
    return almanac_diagnostics_has_errors(diags);
}

/* Reads and checks an events file as `almanac check` does; NULL (after
 * printing why) when it cannot be read or has errors. */
static almanac_document *load_checked(const char *path, const char *text, size_t length,
                                      const cli_options *o)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_document *doc = almanac_load(text, length, &diags);
    if (doc != NULL)
        almanac_validate(doc, &diags);
    cli_options plain = *o;
    plain.strict = false; /* the file's own warnings are the user's business */
    bool bad = report(&diags, text, length, path, &plain);
    almanac_diagnostics_free(&diags);
    if (bad) {
        almanac_document_free(doc);
        return NULL;
    }
    return doc;
}

/* The events file to write: the import alone, or merged into --merge. */
static char *import_result(const almanac_document *doc, const cli_options *o, int *status)
{
    if (o->merge == NULL)
        return almanac_events_write(doc);
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    char *text = NULL, *merged = NULL;
    size_t length = 0;
    int read = almanac_read_file(o->merge, &text, &length, &diags);
    if (read != 0) {
        report(&diags, NULL, 0, o->merge, o);
        almanac_diagnostics_free(&diags);
        *status = read > 0 ? EXIT_INVALID : EXIT_IO;
        return NULL;
    }
    almanac_document *existing = load_checked(o->merge, text, length, o);
    almanac_merge_counts counts;
    if (existing != NULL)
        merged = almanac_events_merge(text, length, doc, &counts, &diags);
    if (merged != NULL)
        fprintf(stderr, "almanac: %s: %zu added, %zu updated, %zu unchanged\n", o->merge,
                counts.added, counts.updated, counts.unchanged);
    report(&diags, NULL, 0, o->merge, o);
    if (merged == NULL)
        *status = EXIT_INVALID;
    almanac_document_free(existing);
    almanac_diagnostics_free(&diags);
    free(text);
    return merged;
}

/* Writes the events file where it goes; the result is checked first as
 * `almanac check` would, so a file that fails it is never written. */
static int write_import(const char *json, const cli_options *o)
{
    almanac_diagnostics diags;
    almanac_diagnostics_init(&diags);
    almanac_check_text(json, strlen(json), &diags);
    /* Its warnings are the calendar's, for `almanac check` to show; an
     * error would be a fault of the importer: say so, write nothing. */
    bool bad = almanac_diagnostics_has_errors(&diags);
    if (bad) {
        almanac_diagnostics_locate(&diags, json, strlen(json));
        fputs("almanac: internal error: the imported events file would not pass "
              "`almanac check`; nothing was written:\n", stderr);
        almanac_diagnostics_print(&diags, stderr, "<import result>", ALMANAC_DIAG_TEXT, false);
    }
    almanac_diagnostics_free(&diags);
    if (bad)
        return EXIT_INVALID;
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

static int run_import(const cli_options *o)
{
    static const char *standard_input[] = {"-"};
    size_t count = o->input_count > 0 ? o->input_count : 1;
    const char **paths = o->input_count > 0 ? o->inputs : standard_input;
    import_input *in = calloc(count, sizeof *in);
    almanac_importer *importer = almanac_importer_new();
    if (in == NULL || importer == NULL) {
        free(in);
        almanac_importer_free(importer);
        fputs("almanac: out of memory\n", stderr);
        return EXIT_IO;
    }
    int status = EXIT_SUCCESS;
    for (size_t i = 0; i < count; i++) {
        in[i].path = paths[i];
        almanac_diagnostics_init(&in[i].diags);
        int read = almanac_read_file(paths[i], &in[i].text, &in[i].length, &in[i].diags);
        if (read != 0)
            status = read > 0 && status != EXIT_IO ? EXIT_INVALID : EXIT_IO;
        else
            almanac_importer_add(importer, paths[i], in[i].text, in[i].length, &in[i].diags);
    }
    almanac_document *doc = almanac_importer_finish(importer);
    size_t warnings = 0;
    for (size_t i = 0; i < count; i++) {
        warnings += in[i].diags.warning_count;
        if (report(&in[i].diags, in[i].text, in[i].length, display_name(in[i].path), o) &&
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
    char *json = status == EXIT_SUCCESS ? import_result(doc, o, &status) : NULL;
    if (json != NULL)
        status = write_import(json, o);
    if (status == EXIT_SUCCESS)
        fprintf(stderr, "almanac: imported %zu event%s from %zu file%s\n", doc->event_count,
                doc->event_count == 1 ? "" : "s", count, count == 1 ? "" : "s");
    free(json);
    almanac_document_free(doc);
    almanac_importer_free(importer);
    for (size_t i = 0; i < count; i++) {
        free(in[i].text);
        almanac_diagnostics_free(&in[i].diags);
    }
    free(in);
    return status;
}

int main(int argc, char **argv)
{
    cli_options o;
    int status = parse_options(argc, argv, &o);
    if (status >= 0)
        return status;
    almanac_document *doc = NULL;
    if (o.cmd == CMD_IMPORT)
        status = run_import(&o);
    else
        doc = load_input(&o, &status);
    if (doc != NULL) {
        apply_overrides(doc, &o);
        almanac_diagnostics diags;
        almanac_diagnostics_init(&diags);
        status = run(doc, &o, &diags);
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
