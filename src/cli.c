/*
 * cli.c - the table of commands and options, and what is printed from it:
 * the help (the tool's and each command's) and the shell completions.
 */
#include "cli.h"

#include <string.h>

#include "almanac/serve.h"
#include "formats.h"
#include "text.h"

#define ON CLI_ON
/* What reads an events file and so reports on it. */
#define DIAGNOSING (ON(CLI_CHECK) | ON(CLI_BUILD) | ON(CLI_ICS) | ON(CLI_TIMELINE) | \
                    ON(CLI_SERVE) | ON(CLI_IMPORT) | ON(CLI_ADD) | ON(CLI_FMT))

const cli_command_info cli_commands[CLI_COMMAND_COUNT] = {
    [CLI_CHECK] = {"check", "[FILE ...] [OPTIONS]", "validate, print diagnostics",
                   "Checks each FILE (default ./events.json; - reads standard input) and\n"
                   "prints every problem found, with where it is and how to fix it.",
                   "almanac check events.json", CLI_FILES_MANY},
    [CLI_BUILD] = {"build", "[FILE] [-o DIR] [OPTIONS]",
                   "validate, then write the feeds, the timeline and the build state",
                   "Writes an iCalendar feed per feed of FILE and one of all events, the\n"
                   "timeline (index.html, timeline.txt, timeline.md) and the build state into\n"
                   "DIR (default out). Every file is replaced atomically, and only when FILE\n"
                   "is valid; a one-line summary of what changed ends on standard error.",
                   "almanac build events.json -o public", CLI_FILES_ONE},
    [CLI_ICS] = {"ics", "[FILE] [--feed ID] [OPTIONS]",
                 "write one feed (default: all events) to standard output",
                 "Writes one feed as iCalendar to standard output, exactly as build\n"
                 "writes it when the build state in -o DIR is current.",
                 "almanac ics events.json --feed security > security.ics", CLI_FILES_ONE},
    [CLI_TIMELINE] = {"timeline", "[FILE] [FILTERS] [OPTIONS]", "print the chronological timeline",
                      "Prints the events in time order, as text (default), Markdown, HTML\n"
                      "or JSON; the filters choose which (an event is kept when it matches\n"
                      "all of them).",
                      "almanac timeline --from 2022-10 --tag summit", CLI_FILES_ONE},
    [CLI_SERVE] = {"serve", "[FILE] [-o DIR] [--listen ADDR:PORT] [--watch]",
                   "build, then publish over HTTP for calendars to subscribe to",
                   "Builds, then serves DIR over HTTP (default " ALMANAC_DEFAULT_LISTEN "),\n"
                   "with ETags so that subscribed calendars fetch only what changed. With\n"
                   "--watch, an edit of FILE is rebuilt and served; an invalid edit is\n"
                   "reported and the last good build stays served.",
                   "almanac serve events.json --watch --listen 0.0.0.0:8080", CLI_FILES_ONE},
    [CLI_IMPORT] = {"import", "[FILE.ics ...] [-o FILE] [--merge FILE]",
                    "turn iCalendar files into an events file",
                    "Reads iCalendar files (default: standard input) and writes an events\n"
                    "file to standard output or -o FILE; --merge adds the events to an\n"
                    "existing file, keeping its formatting. What the format cannot hold is\n"
                    "reported as a warning.",
                    "almanac import calendar.ics --merge events.json", CLI_FILES_MANY},
    [CLI_ADD] = {"add", "[FILE] --title TITLE --start DATE [OPTIONS]",
                 "add an event to FILE, keeping the rest of it byte for byte",
                 "Appends an event to FILE (default ./events.json) in the file's own\n"
                 "layout. Its id is made from the title. The result is checked as check\n"
                 "does, and FILE is replaced only when it passes.",
                 "almanac add --title 'Summit in Astana' --start 2023-05-18 --tag summit",
                 CLI_FILES_ONE},
    [CLI_FMT] = {"fmt", "[FILE ...] [--check]", "rewrite files in the canonical layout",
                 "Rewrites each FILE (default ./events.json) in the canonical layout, as\n"
                 "build and import write it; what the file means does not change. A file\n"
                 "with errors is left alone. - writes the result to standard output.",
                 "almanac fmt --check events.json", CLI_FILES_MANY},
    [CLI_COMPLETIONS] = {"completions", "SHELL", "print the completion script for bash, zsh or fish",
                         "Prints the script that completes almanac's commands and options in\n"
                         "SHELL (bash, zsh or fish). make install installs all three.",
                         "almanac completions bash > ~/.local/share/bash-completion/completions/almanac",
                         CLI_FILES_NONE},
    [CLI_HELP] = {"help", "[COMMAND]", "show the help of almanac or of one command",
                  "Shows almanac's help, or COMMAND's (as almanac COMMAND --help does).",
                  "almanac help build", CLI_FILES_NONE},
};

static const char diag_formats[] = "text json";

const cli_option cli_options[] = {
    {'o', "output", "DIR", ON(CLI_BUILD) | ON(CLI_SERVE),
     "the directory to write (default out)", CLI_COMPLETE_DIR, NULL},
    {'o', "output", "DIR", ON(CLI_ICS),
     "the build directory whose state dates the feed, so that it matches the built one "
     "(default out)", CLI_COMPLETE_DIR, NULL},
    {'o', "output", "FILE", ON(CLI_IMPORT),
     "write the events file to FILE (default: standard output)", CLI_COMPLETE_FILE, NULL},
    {CLI_OPT_MERGE, "merge", "FILE", ON(CLI_IMPORT),
     "add the events to FILE, matching by id, and write it back (or to -o)",
     CLI_COMPLETE_FILE, NULL},
    {'f', "feed", "ID", ON(CLI_ICS), "the feed to write (default all)", CLI_COMPLETE_NOTHING, NULL},
    {'f', "feed", "ID", ON(CLI_TIMELINE), "the feed whose events to show", CLI_COMPLETE_NOTHING,
     NULL},
    {CLI_OPT_NO_ALARMS, "no-alarms", NULL, ON(CLI_ICS),
     "leave every event's reminders (VALARM) out", CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_PARTIAL, "partial-dates", "SPEC", ON(CLI_BUILD) | ON(CLI_ICS) | ON(CLI_SERVE),
     "how feeds show events known only to the month or year: span, first-day or omit, or "
     "month=POLICY,year=POLICY; overrides the calendar's \"partial_dates\"",
     CLI_COMPLETE_WORDS, "span first-day omit"},
    {'w', "width", "N", ON(CLI_TIMELINE), "wrap to N columns (default: the terminal's, or 80)",
     CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_FORMAT, "format", "FORMAT", ON(CLI_TIMELINE),
     NULL, CLI_COMPLETE_WORDS, NULL}, /* from formats.h: option_help(), option_words() */
    {CLI_OPT_FORMAT, "format", "FORMAT", ON(CLI_CHECK),
     "diagnostics as text (default) or json; json is written to standard output, alone",
     CLI_COMPLETE_WORDS, diag_formats},
    {CLI_OPT_FORMAT, "format", "FORMAT", DIAGNOSING & ~ON(CLI_TIMELINE) & ~ON(CLI_CHECK),
     "diagnostics as text (default) or json, on standard error", CLI_COMPLETE_WORDS, diag_formats},
    {CLI_OPT_FROM, "from", "DATE", ON(CLI_TIMELINE),
     "events that end on or after DATE (2022, 2022-10, 2022-10-21)", CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_TO, "to", "DATE", ON(CLI_TIMELINE), "events that start on or before DATE",
     CLI_COMPLETE_NOTHING, NULL},
    {'t', "tag", "TAG", ON(CLI_TIMELINE), "events with this tag (repeat: any of them)",
     CLI_COMPLETE_NOTHING, NULL},
    {'s', "status", "LIST", ON(CLI_TIMELINE),
     "confirmed, tentative (or planned), cancelled; commas between", CLI_COMPLETE_WORDS,
     "confirmed tentative planned cancelled"},
    {'r', "reverse", NULL, ON(CLI_TIMELINE), "latest first", CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_NO_DETAILS, "no-details", NULL, ON(CLI_TIMELINE), "dates and titles only",
     CLI_COMPLETE_NOTHING, NULL},
    {'l', "listen", "ADDR:PORT", ON(CLI_SERVE),
     "where to listen (default " ALMANAC_DEFAULT_LISTEN "; port 0: any free one); other "
     "machines only when asked, e.g. 0.0.0.0:8080", CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_WATCH, "watch", NULL, ON(CLI_SERVE),
     "rebuild when FILE changes; an invalid edit leaves the last good build served",
     CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_TITLE, "title", "TITLE", ON(CLI_ADD), "the event's title (required)",
     CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_START, "start", "DATE", ON(CLI_ADD),
     "when it starts (required): 2023, 2023-05, 2023-05-18 or 2023-05-18T09:30",
     CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_END, "end", "DATE", ON(CLI_ADD), "when it ends, inclusive for dates",
     CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_TIMEZONE, "timezone", "ZONE", ON(CLI_ADD),
     "the IANA timezone of its times (default: the calendar's)", CLI_COMPLETE_NOTHING, NULL},
    {'t', "tag", "TAG", ON(CLI_ADD), "a tag (repeat for more)", CLI_COMPLETE_NOTHING, NULL},
    {'s', "status", "STATUS", ON(CLI_ADD), "confirmed (default), tentative or cancelled",
     CLI_COMPLETE_WORDS, "confirmed tentative cancelled"},
    {CLI_OPT_LOCATION, "location", "PLACE", ON(CLI_ADD), "where it takes place",
     CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_DESCRIPTION, "description", "TEXT", ON(CLI_ADD), "what it is about",
     CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_URL, "url", "URL", ON(CLI_ADD), "a page about it", CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_ID, "id", "ID", ON(CLI_ADD), "its id (default: made from the title)",
     CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_CHECK_ONLY, "check", NULL, ON(CLI_FMT),
     "change nothing; list the files not in the canonical layout and exit 1 if any",
     CLI_COMPLETE_NOTHING, NULL},
    {'q', "quiet", NULL, ON(CLI_BUILD) | ON(CLI_SERVE) | ON(CLI_IMPORT) | ON(CLI_ADD) | ON(CLI_FMT),
     "no summary line and no progress on standard error; diagnostics still",
     CLI_COMPLETE_NOTHING, NULL},
    {CLI_OPT_STRICT, "strict", NULL, DIAGNOSING, "treat warnings as errors", CLI_COMPLETE_NOTHING,
     NULL},
    {CLI_OPT_COLOR, "color", "WHEN", DIAGNOSING,
     "colour diagnostics: auto (default: on a terminal, unless NO_COLOR is set), always or never",
     CLI_COMPLETE_WORDS, "auto always never"},
    {CLI_OPT_SHOW_SOURCE, "show-source", NULL, DIAGNOSING,
     "print the line of each problem with a caret under it (default on a terminal)",
     CLI_COMPLETE_NOTHING, NULL},
    {'h', "help", NULL, CLI_EVERY, "show this help and exit", CLI_COMPLETE_NOTHING, NULL},
    {'V', "version", NULL, CLI_EVERY, "show the version and exit", CLI_COMPLETE_NOTHING, NULL},
};
const size_t cli_option_count = sizeof cli_options / sizeof cli_options[0];

bool cli_command_parse(const char *word, cli_command *command)
{
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
        if (strcmp(word, cli_commands[i].name) == 0) {
            *command = (cli_command)i;
            return true;
        }
    return false;
}

const char *cli_command_suggest(const char *word)
{
    const char *names[CLI_COMMAND_COUNT];
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
        names[i] = cli_commands[i].name;
    return closest_word(word, names, CLI_COMMAND_COUNT);
}

/* The first row of the option ID: its name, letter and argument. */
static const cli_option *first_row(int id)
{
    for (size_t i = 0; i < cli_option_count; i++)
        if (cli_options[i].id == id)
            return &cli_options[i];
    return NULL;
}

static bool is_first_row(size_t index)
{
    return first_row(cli_options[index].id) == &cli_options[index];
}

/* Whether row INDEX is the first of its option that applies to COMMAND. */
static bool first_row_for(size_t index, unsigned command)
{
    for (size_t i = 0; i < index; i++)
        if (cli_options[i].id == cli_options[index].id && (cli_options[i].commands & ON(command)))
            return false;
    return true;
}

void cli_getopt_tables(struct option *long_options, char *short_options, size_t short_size)
{
    size_t n = 0, s = 0;
    if (s + 1 < short_size)
        short_options[s++] = '-'; /* positional arguments in order, as value 1 */
    for (size_t i = 0; i < cli_option_count; i++) {
        const cli_option *o = &cli_options[i];
        if (!is_first_row(i))
            continue;
        long_options[n++] = (struct option){o->name, o->arg ? required_argument : no_argument,
                                            NULL, o->id};
        if (o->id < 256 && s + 2 < short_size) {
            short_options[s++] = (char)o->id;
            if (o->arg != NULL)
                short_options[s++] = ':';
        }
    }
    long_options[n] = (struct option){NULL, 0, NULL, 0};
    short_options[s] = '\0';
}

static unsigned option_commands(int id)
{
    unsigned commands = 0;
    for (size_t i = 0; i < cli_option_count; i++)
        if (cli_options[i].id == id)
            commands |= cli_options[i].commands;
    return commands;
}

bool cli_option_applies(int id, cli_command command)
{
    return (option_commands(id) & ON(command)) != 0;
}

bool cli_option_known(int id)
{
    return id != 0 && first_row(id) != NULL;
}

const char *cli_option_long_name(int id)
{
    const cli_option *o = first_row(id);
    return o != NULL ? o->name : "?";
}

void cli_option_commands(int id, char *buffer, size_t size)
{
    unsigned commands = option_commands(id);
    size_t total = 0, used = 0;
    for (unsigned c = 0; c < CLI_COMMAND_COUNT; c++)
        total += (commands >> c) & 1u;
    buffer[0] = '\0';
    for (unsigned c = 0, seen = 0; c < CLI_COMMAND_COUNT; c++) {
        if (!(commands & ON(c)))
            continue;
        seen++;
        const char *joint = seen == 1 ? "" : seen == total ? " and " : ", ";
        int n = snprintf(buffer + used, size - used, "%s%s", joint, cli_commands[c].name);
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

/* O's help. The timeline's --format has none in the table: it lists the
 * formats of formats.h, "text (default), markdown, html or json", made
 * into BUFFER (SIZE bytes). */
static const char *option_help(const cli_option *o, char *buffer, size_t size)
{
    if (o->help != NULL)
        return o->help;
    timeline_format_names(buffer, size, ", ", " or ", " (default)");
    return buffer;
}

/* O's words to complete (CLI_COMPLETE_WORDS); for the timeline's --format,
 * the names of formats.h made into BUFFER (SIZE bytes). */
static const char *option_words(const cli_option *o, char *buffer, size_t size)
{
    if (o->words != NULL)
        return o->words;
    timeline_format_names(buffer, size, " ", " ", "");
    return buffer;
}

/* "  -o, --output DIR" padded to the help column, then the help wrapped. */
static void print_option(FILE *out, const cli_option *o)
{
    char head[64];
    snprintf(head, sizeof head, "%s%c%s--%s%s%s", o->id < 256 ? "-" : " ",
             o->id < 256 ? o->id : ' ', o->id < 256 ? ", " : "  ", o->name, o->arg ? " " : "",
             o->arg ? o->arg : "");
    fprintf(out, "  %-24s", head);
    size_t column = 26;
    bool line_start = true;
    if (strlen(head) > 23)
        fprintf(out, "\n%26s", "");
    char made[200];
    for (const char *p = option_help(o, made, sizeof made); *p != '\0';) {
        p += strspn(p, " ");
        size_t word = strcspn(p, " ");
        if (!line_start && column + 1 + word > 79) {
            fprintf(out, "\n%26s", "");
            column = 26;
            line_start = true;
        }
        if (!line_start) {
            fputc(' ', out);
            column++;
        }
        fprintf(out, "%.*s", (int)word, p);
        column += word;
        line_start = false;
        p += word;
    }
    fputc('\n', out);
}

static const char common_help[] =
    "exit status:\n"
    "  0  success (warnings alone do not fail, unless --strict)\n"
    "  1  the input is invalid: diagnostics on standard error\n"
    "  2  usage error\n"
    "  3  I/O error: a file could not be read or written; nothing was replaced\n"
    "\n"
    "environment:\n"
    "  SOURCE_DATE_EPOCH    time stamp for events that changed (default: now)\n"
    "  NO_COLOR             no colour in diagnostics\n"
    "  ALMANAC_THREADS      threads for reading input, ics and build, 1-16 (default:\n"
    "                       one per core); the output is the same for any number\n";

static const char format_help[] =
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
    "  ics --no-alarms leaves the reminders out of one feed.\n";

void cli_print_help(FILE *out)
{
    fputs("usage: almanac COMMAND [FILE] [OPTIONS]\n"
          "\n"
          "Validates a file of dated events (events.json) and turns it into\n"
          "iCalendar feeds and a printable timeline.\n"
          "\n"
          "commands:\n", out);
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
        fprintf(out, "  %-12s %s\n", cli_commands[i].name, cli_commands[i].summary);
    fputs("\n'almanac COMMAND --help' shows a command's options and an example.\n"
          "FILE defaults to ./events.json; - reads standard input.\n"
          "\n"
          "options of every command:\n", out);
    for (size_t i = 0; i < cli_option_count; i++)
        if ((cli_options[i].commands & DIAGNOSING) == DIAGNOSING)
            print_option(out, &cli_options[i]);
    fputc('\n', out);
    fputs(format_help, out);
    fputc('\n', out);
    fputs(common_help, out);
}

void cli_print_command_help(FILE *out, cli_command command)
{
    const cli_command_info *c = &cli_commands[command];
    fprintf(out, "usage: almanac %s %s\n\n%s\n\noptions:\n", c->name, c->synopsis, c->about);
    for (size_t i = 0; i < cli_option_count; i++)
        if (cli_options[i].commands & ON(command))
            print_option(out, &cli_options[i]);
    fprintf(out, "\nexample:\n  %s\n\nexit status: 0 success, 1 invalid input, 2 usage error, "
                 "3 I/O error\n", c->example);
}

/* ---- completions ------------------------------------------------------- */

static void print_command_names(FILE *out)
{
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++)
        fprintf(out, "%s%s", i ? " " : "", cli_commands[i].name);
}

/* bash: the options of the command on the line, and the values of the
 * option before the cursor. */
static void print_bash(FILE *out)
{
    fputs("# bash completion for almanac; written by `almanac completions bash`\n"
          "_almanac() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    local command=${COMP_WORDS[1]}\n"
          "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
          "        COMPREPLY=($(compgen -W '", out);
    print_command_names(out);
    fputs(" --help --version' -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    case \"$prev\" in\n", out);
    for (size_t i = 0; i < cli_option_count; i++) {
        const cli_option *o = &cli_options[i];
        if (!is_first_row(i) || o->arg == NULL)
            continue;
        fprintf(out, "    --%s", o->name);
        if (o->id < 256)
            fprintf(out, "|-%c", o->id);
        fputs(")\n", out);
        char words[200];
        if (o->complete == CLI_COMPLETE_WORDS)
            fprintf(out, "        COMPREPLY=($(compgen -W '%s' -- \"$cur\")); return ;;\n",
                    option_words(o, words, sizeof words));
        else if (o->complete == CLI_COMPLETE_DIR)
            fputs("        COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n", out);
        else if (o->complete == CLI_COMPLETE_FILE)
            fputs("        COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", out);
        else
            fputs("        return ;;\n", out);
    }
    fputs("    esac\n"
          "    local options\n"
          "    case \"$command\" in\n", out);
    for (unsigned c = 0; c < CLI_COMMAND_COUNT; c++) {
        fprintf(out, "    %s) options='", cli_commands[c].name);
        bool first = true;
        for (size_t i = 0; i < cli_option_count; i++)
            if ((cli_options[i].commands & ON(c)) && first_row_for(i, c)) {
                fprintf(out, "%s--%s", first ? "" : " ", cli_options[i].name);
                first = false;
            }
        fputs("' ;;\n", out);
    }
    fputs("    esac\n"
          "    case \"$command\" in\n"
          "    completions) COMPREPLY=($(compgen -W 'bash zsh fish' -- \"$cur\")); return ;;\n"
          "    help) COMPREPLY=($(compgen -W '", out);
    print_command_names(out);
    fputs("' -- \"$cur\")); return ;;\n"
          "    esac\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n"
          "    else\n"
          "        COMPREPLY=($(compgen -f -X '!*.@(json|ics)' -- \"$cur\") $(compgen -d -- \"$cur\"))\n"
          "    fi\n"
          "}\n"
          "complete -F _almanac -o filenames almanac\n", out);
}

/* A help text cut to a completion menu's length: up to its first colon,
 * semicolon or parenthesis. */
static void short_help(const char *help, char *out, size_t size)
{
    size_t n = strcspn(help, ":;(");
    while (n > 0 && help[n - 1] == ' ')
        n--;
    snprintf(out, size, "%.*s", (int)n, help);
}

/* TEXT in single quotes for a POSIX shell or zsh ('\'' for a quote), or
 * for fish (\' inside the quotes). */
static void put_quoted(FILE *out, const char *text, bool fish)
{
    fputc('\'', out);
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\'')
            fputs(fish ? "\\'" : "'\\''", out);
        else if (*p == '\\' && fish)
            fputs("\\\\", out);
        else
            fputc(*p, out);
    }
    fputc('\'', out);
}

/* The ":MESSAGE:ACTION" that completes the option's argument, or "". */
static void zsh_action(const cli_option *o, char *out, size_t size)
{
    const char *action = o->complete == CLI_COMPLETE_DIR    ? "_files -/"
                       : o->complete == CLI_COMPLETE_FILE   ? "_files"
                       : o->complete == CLI_COMPLETE_NOTHING ? " "
                                                             : NULL;
    if (o->arg == NULL)
        out[0] = '\0';
    else if (action != NULL)
        snprintf(out, size, ":%s:%s", o->arg, action);
    else {
        char words[64];
        snprintf(out, size, ":%s:(%s)", o->arg, option_words(o, words, sizeof words));
    }
}

/* zsh: _arguments specs per command, after the command word. */
static void print_zsh(FILE *out)
{
    fputs("#compdef almanac\n"
          "# zsh completion for almanac; written by `almanac completions zsh`\n"
          "_almanac() {\n"
          "    local -a commands args\n"
          "    commands=(\n", out);
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
        char line[160];
        snprintf(line, sizeof line, "%s:%s", cli_commands[i].name, cli_commands[i].summary);
        fputs("        ", out);
        put_quoted(out, line, false);
        fputc('\n', out);
    }
    fputs("    )\n"
          "    if (( CURRENT == 2 )); then\n"
          "        _describe -t commands 'almanac command' commands\n"
          "        return\n"
          "    fi\n"
          "    case $words[2] in\n", out);
    for (unsigned c = 0; c < CLI_COMMAND_COUNT; c++) {
        fprintf(out, "    %s) args=(", cli_commands[c].name);
        for (size_t i = 0; i < cli_option_count; i++) {
            const cli_option *o = &cli_options[i];
            if (!(o->commands & ON(c)) || !first_row_for(i, c))
                continue;
            char help[96], action[128], spec[320], made[200];
            short_help(option_help(o, made, sizeof made), help, sizeof help);
            zsh_action(o, action, sizeof action);
            for (int form = 0; form < 2; form++) {
                if (form == 0 && o->id >= 256)
                    continue;
                if (form == 0)
                    snprintf(spec, sizeof spec, "*-%c[%s]%s", o->id, help, action);
                else
                    snprintf(spec, sizeof spec, "*--%s%s[%s]%s", o->name, o->arg ? "=" : "",
                             help, action);
                fputs("\n        ", out);
                put_quoted(out, spec, false);
            }
        }
        fputs(" ) ;;\n", out);
    }
    fputs("    esac\n"
          "    case $words[2] in\n"
          "    completions) args+=('1:shell:(bash zsh fish)') ;;\n"
          "    help) args+=('1:command:(", out);
    print_command_names(out);
    fputs(")') ;;\n"
          "    *) args+=('*:file:_files') ;;\n"
          "    esac\n"
          "    shift words\n"
          "    (( CURRENT-- ))\n"
          "    _arguments -s $args\n"
          "}\n"
          "_almanac \"$@\"\n", out);
}

/* fish: one complete line per option row, on its commands. */
static void print_fish(FILE *out)
{
    fputs("# fish completion for almanac; written by `almanac completions fish`\n"
          "complete -c almanac -f\n", out);
    for (size_t i = 0; i < CLI_COMMAND_COUNT; i++) {
        fprintf(out, "complete -c almanac -n __fish_use_subcommand -a %s -d ", cli_commands[i].name);
        put_quoted(out, cli_commands[i].summary, true);
        fputc('\n', out);
    }
    for (size_t i = 0; i < cli_option_count; i++) {
        const cli_option *o = &cli_options[i];
        fputs("complete -c almanac -n '__fish_seen_subcommand_from", out);
        for (unsigned c = 0; c < CLI_COMMAND_COUNT; c++)
            if (o->commands & ON(c))
                fprintf(out, " %s", cli_commands[c].name);
        fputc('\'', out);
        if (o->id < 256)
            fprintf(out, " -s %c", o->id);
        fprintf(out, " -l %s", o->name);
        char words[200];
        if (o->complete == CLI_COMPLETE_WORDS)
            fprintf(out, " -x -a '%s'", option_words(o, words, sizeof words));
        else if (o->complete == CLI_COMPLETE_DIR)
            fputs(" -x -a '(__fish_complete_directories)'", out);
        else if (o->complete == CLI_COMPLETE_FILE)
            fputs(" -r -F", out);
        else if (o->arg != NULL)
            fputs(" -x", out);
        char help[96], made[200];
        short_help(option_help(o, made, sizeof made), help, sizeof help);
        fputs(" -d ", out);
        put_quoted(out, help, true);
        fputc('\n', out);
    }
    fputs("complete -c almanac -n '__fish_seen_subcommand_from check build ics timeline serve "
          "add fmt' -F\n"
          "complete -c almanac -n '__fish_seen_subcommand_from import' -F\n"
          "complete -c almanac -n '__fish_seen_subcommand_from completions' -x -a 'bash zsh fish'\n"
          "complete -c almanac -n '__fish_seen_subcommand_from help' -x -a '", out);
    print_command_names(out);
    fputs("'\n", out);
}

bool cli_print_completions(FILE *out, const char *shell)
{
    if (strcmp(shell, "bash") == 0)
        print_bash(out);
    else if (strcmp(shell, "zsh") == 0)
        print_zsh(out);
    else if (strcmp(shell, "fish") == 0)
        print_fish(out);
    else
        return false;
    return true;
}
