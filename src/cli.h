/*
 * cli.h - the command line's one table of commands and options.
 *
 * cli_parse.c parses with it, --help prints from it (the whole tool's, or one
 * command's), the shell completions are written from it, and a test checks
 * that the README and the man page name every option it holds: a command
 * or an option is added here, once. Part of the program, not the library.
 */
#ifndef ALMANAC_CLI_H
#define ALMANAC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "almanac/almanac.h"

typedef enum {
    CLI_CHECK,
    CLI_BUILD,
    CLI_ICS,
    CLI_TIMELINE,
    CLI_SERVE,
    CLI_IMPORT,
    CLI_ADD,
    CLI_FMT,
    CLI_COMPLETIONS,
    CLI_HELP,
    CLI_COMMAND_COUNT
} cli_command;

/* A set of commands, a bit each. */
#define CLI_ON(command) (1u << (command))
#define CLI_EVERY ((1u << CLI_COMMAND_COUNT) - 1u)

typedef enum {
    CLI_FILES_NONE, /* only options (help, completions take a word) */
    CLI_FILES_ONE,  /* [FILE], default ./events.json */
    CLI_FILES_MANY  /* [FILE ...] */
} cli_files;

typedef struct {
    const char *name;
    const char *synopsis; /* after "almanac NAME " */
    const char *summary;  /* one line, for the command list */
    const char *about;    /* a paragraph, for NAME --help */
    const char *example;
    cli_files files;
} cli_command_info;

/* The getopt values of the options without a short form. */
enum {
    CLI_OPT_FORMAT = 256, CLI_OPT_STRICT, CLI_OPT_COLOR, CLI_OPT_PARTIAL, CLI_OPT_FROM,
    CLI_OPT_TO, CLI_OPT_NO_DETAILS, CLI_OPT_WATCH, CLI_OPT_MERGE, CLI_OPT_NO_ALARMS,
    CLI_OPT_TITLE, CLI_OPT_START, CLI_OPT_END, CLI_OPT_TIMEZONE, CLI_OPT_LOCATION,
    CLI_OPT_DESCRIPTION, CLI_OPT_URL, CLI_OPT_ID, CLI_OPT_CHECK_ONLY, CLI_OPT_STDOUT,
    CLI_OPT_SHOW_SOURCE
};

/* How a shell completes an option's argument. */
typedef enum { CLI_COMPLETE_NOTHING, CLI_COMPLETE_FILE, CLI_COMPLETE_DIR, CLI_COMPLETE_WORDS } cli_complete;

/* One row per option and meaning: an option that means something else for
 * another command (-o is a directory for build, a file for import) has a
 * row for each. */
typedef struct {
    int id;              /* the getopt value: the short letter, or CLI_OPT_* */
    const char *name;    /* the long name, without "--" */
    const char *arg;     /* the argument's name, or NULL for none */
    unsigned commands;   /* CLI_ON() of the commands it applies to */
    const char *help;    /* NULL: made from another table (cli.c option_help()) */
    cli_complete complete;
    const char *words;   /* CLI_COMPLETE_WORDS: the values, space-separated; NULL:
                            made from another table (cli.c option_words()) */
} cli_option;

extern const cli_command_info cli_commands[CLI_COMMAND_COUNT];
extern const cli_option cli_options[];
extern const size_t cli_option_count;

/* The command named WORD, or false. */
bool cli_command_parse(const char *word, cli_command *command);

/* The command WORD is a plausible typo of, or NULL. */
const char *cli_command_suggest(const char *word);

/* Fills LONG_OPTIONS (room for cli_option_count + 1, the last zeroed) and
 * SHORT_OPTIONS (room for 64) for getopt_long(). */
void cli_getopt_tables(struct option *long_options, char *short_options, size_t short_size);

/* Whether the option ID applies to COMMAND. */
bool cli_option_applies(int id, cli_command command);

/* Whether ID is an option of the table (getopt's optopt for an option
 * given without its value). */
bool cli_option_known(int id);

/* "--name" or "-x, --name" of the option ID, for messages. */
const char *cli_option_long_name(int id);

/* Writes into BUFFER the commands the option ID applies to ("ics and
 * timeline"). */
void cli_option_commands(int id, char *buffer, size_t size);

/* The whole tool's help, or one command's. */
void cli_print_help(FILE *out);
void cli_print_command_help(FILE *out, cli_command command);

/* The completion script for SHELL (bash, zsh or fish); false for another. */
bool cli_print_completions(FILE *out, const char *shell);

/* ---- the command line parsed (cli_parse.c) ---------------------------- */

/* The exit statuses (0 is success). */
enum { EXIT_INVALID = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

typedef struct {
    cli_command cmd;
    const char *input;    /* the events file: the first FILE, or ./events.json */
    const char **inputs;  /* every FILE, in order (check, fmt, import take several) */
    size_t input_count;
    const char *word;     /* completions SHELL, help COMMAND */
    const char *output_dir;
    bool output_set;      /* -o given: import writes that file */
    const char *merge;    /* import --merge FILE */
    const char *feed;
    unsigned width;
    almanac_diag_format diag_format;
    bool strict;
    bool quiet;           /* no summary line, no progress */
    bool color; /* diagnostics in colour: --color, or auto (a terminal) */
    bool show_source; /* each diagnostic's line and a caret: --show-source, or a terminal */
    const char *format;  /* --format, read once the command is known */
    const char *status;  /* --status, read once the command is known */
    almanac_new_event event; /* add: the event (its tags are TAGS) */
    bool fmt_check;      /* fmt --check: report, change nothing */
    /* timeline filters; the feed is resolved once the file is loaded */
    almanac_timeline_options timeline;
    const char *tags[64];
    /* --partial-dates: overrides of the calendar's policy, when set */
    bool month_policy_set, year_policy_set;
    almanac_partial_policy month_policy, year_policy;
    const char *listen; /* serve: ADDRESS:PORT */
    bool watch;         /* serve: rebuild when the file changes */
    bool no_alarms;     /* ics: leave reminders out */
} command_line;

/* Parses ARGV into *O. Returns -1 to go on with the command, or the exit
 * status to end with: --help or --version printed (0), a usage error
 * printed (2). */
int cli_parse(int argc, char **argv, command_line *o);

/* Prints "almanac: MESSAGE[: DETAIL]" and the hint; returns EXIT_USAGE. */
int cli_usage_error(const char *message, const char *detail);

/* Prints that WORD is no command (with a suggestion); returns EXIT_USAGE. */
int cli_unknown_command(const char *word);

/* The name diagnostics give PATH: "-" is standard input. */
const char *cli_display_name(const char *path);

/* The time stamped on what a build changes: SOURCE_DATE_EPOCH, checked by
 * cli_parse(), else now. */
int64_t cli_build_time(void);

/* --strict applied to DIAGS (located in TEXT first, when given), then
 * printed under NAME as --format and --color say, when there is anything
 * to print; true when they hold errors. */
bool cli_report(almanac_diagnostics *diags, const char *text, size_t length, const char *name,
                const command_line *o);

/* ---- the commands that edit an events file (cli_edit.c) ----------------- */

/* add and fmt; each returns the exit status. */
int cli_run_add(const command_line *o);
int cli_run_fmt(const command_line *o);

#endif
