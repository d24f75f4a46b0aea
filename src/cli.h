/*
 * cli.h - the command line's one table of commands and options.
 *
 * main.c parses with it, --help prints from it (the whole tool's, or one
 * command's), the shell completions are written from it, and a test checks
 * that the README and the man page name every option it holds: a command
 * or an option is added here, once. Part of the program, not the library.
 */
#ifndef ALMANAC_CLI_H
#define ALMANAC_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
    CLI_OPT_DESCRIPTION, CLI_OPT_URL, CLI_OPT_ID, CLI_OPT_CHECK_ONLY, CLI_OPT_STDOUT
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

#endif
