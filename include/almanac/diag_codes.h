/*
 * almanac/diag_codes.h - the catalogue of diagnostics.
 *
 * Every diagnostic the library reports has a code here: a stable identifier
 * printed to users ("E012" in `file:3:7: error[E012]: ...` and "code" in
 * --format=json), a severity (E errors, W warnings) and a printf template of
 * its message. The numbers are grouped by where the problem is found:
 *
 *   001-199 the events file (load.c, load_series.c)
 *   200-249 checks across the file (validate.c)
 *   250-299 repeating events (series.c)
 *   300-399 import (import*.c)
 *   400-449 editing the file as text (events_text.c, events_edit.c, write_events.c)
 *   450-499 files, the build state, the server (read_file.c, build.c, serve.c)
 *
 * To find where a diagnostic comes from, grep its identifier in src/: the
 * catalogue line below and every place that reports it. A code is never
 * renumbered or reused once released; a retired code leaves a gap. The man
 * page's DIAGNOSTICS section lists each one (tests/diag_codes.sh compares).
 *
 * Each entry is a macro ALMANAC_Ennn that expands to two arguments, the code
 * and its template, and is passed whole to almanac_diagnostics_report():
 *
 *     almanac_diagnostics_report(list, offset, pointer, ALMANAC_E012, year, last);
 *
 * Why a macro per code rather than one array of structs: the compiler can
 * check printf arguments only against a string literal at the call, never
 * against a table looked up at run time. With the template expanded at the
 * call, -Wformat checks every argument of every diagnostic, and the run-time
 * table (diag_codes.c, built from ALMANAC_DIAGNOSTIC_CODES below) is made of
 * the very same macros, so the two cannot disagree. The price: a call site
 * shows the code, not the text (the line below has it), and a new code is
 * two lines here (its entry, and its place in ALMANAC_DIAGNOSTIC_CODES; the
 * compiler refuses a code used but missing from that list).
 */
#ifndef ALMANAC_DIAG_CODES_H
#define ALMANAC_DIAG_CODES_H

#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A code's severity is its letter's; --strict makes a warning an error, and
 * the diagnostic keeps its W code. */
typedef enum {
    ALMANAC_WARNING,
    ALMANAC_ERROR
} almanac_severity;

/* ==== Errors: the input cannot be used as it is, or a file cannot be read or written ==== */

/* E001-E199: the events file: its bytes, its JSON and each key */
#define ALMANAC_E001 ALMANAC_CODE_E001, "expected %s, found %s"
#define ALMANAC_E002 ALMANAC_CODE_E002, "the text is empty; write a value or leave the key out"
#define ALMANAC_E003 ALMANAC_CODE_E003, \
    "the text has no visible character, only invisible ones such as U+%04X; " \
    "write a value or leave the key out"
#define ALMANAC_E004 ALMANAC_CODE_E004, \
    "the text is too long (%zu bytes, the limit is %zu); shorten it"
#define ALMANAC_E005 ALMANAC_CODE_E005, \
    "the text contains U+%04X, a bidirectional control character: " \
    "it makes text display in another order than it is stored (with " \
    "U+202E, \"gnp.exe\" shows as \"exe.png\"); remove it, right-to-left " \
    "text displays correctly without it"
#define ALMANAC_E006 ALMANAC_CODE_E006, \
    "the URL contains the control character U+%04X; remove it, or " \
    "percent-encode it (%%%02X)"
#define ALMANAC_E007 ALMANAC_CODE_E007, "the text contains the control character U+%04X%s"
#define ALMANAC_E008 ALMANAC_CODE_E008, \
    "%s '%s' is not a slug: use lower-case letters, digits and single hyphens, " \
    "%s '%s'"
#define ALMANAC_E009 ALMANAC_CODE_E009, "'%s' is not an absolute http:// or https:// URL"
#define ALMANAC_E010 ALMANAC_CODE_E010, \
    "the URL contains %s at byte %zu; percent-encode it (a space " \
    "is %%20)"
#define ALMANAC_E011 ALMANAC_CODE_E011, "invalid date '%.40s': %s"
#define ALMANAC_E012 ALMANAC_CODE_E012, \
    "year %04d is after %d, the last year almanac can write " \
    "to a feed (libical, which writes them, stops at 3000, and an event's end is " \
    "the day after it); check the year"
#define ALMANAC_E013 ALMANAC_CODE_E013, "duplicate key '%s'; each key may appear once in an object"
#define ALMANAC_E014 ALMANAC_CODE_E014, "unknown key '%.80s'; did you mean '%s'?"
#define ALMANAC_E015 ALMANAC_CODE_E015, "unknown key '%.80s'; known keys here are %s%s%s%s"
#define ALMANAC_E016 ALMANAC_CODE_E016, "%s is missing the required key '%s'"
#define ALMANAC_E017 ALMANAC_CODE_E017, "too many items (%zu, the limit is %d)"
#define ALMANAC_E018 ALMANAC_CODE_E018, \
    "unknown policy '%.40s'; use \"span\", \"first-day\" or \"omit\""
#define ALMANAC_E019 ALMANAC_CODE_E019, \
    "refresh '%s' is not an ISO 8601 duration such as " \
    "\"P1D\", \"PT6H\" or \"P1W\""
#define ALMANAC_E020 ALMANAC_CODE_E020, "a feed needs at least one tag to select events"
#define ALMANAC_E021 ALMANAC_CODE_E021, "expected %s"
#define ALMANAC_E022 ALMANAC_CODE_E022, \
    "geo [%g, %g] is out of range: latitude goes from -90 " \
    "to 90, longitude from -180 to 180 (is the order [latitude, longitude]?)"
#define ALMANAC_E023 ALMANAC_CODE_E023, "a source date is a day, month or year, not a time"
#define ALMANAC_E024 ALMANAC_CODE_E024, "too many sources (%zu, the limit is %d)"
#define ALMANAC_E025 ALMANAC_CODE_E025, \
    "unknown status '%.40s'; use \"confirmed\", \"tentative\" " \
    "(planned) or \"cancelled\"%s%s%s"
#define ALMANAC_E026 ALMANAC_CODE_E026, "too many feeds (%zu, the limit is %d)"
#define ALMANAC_E027 ALMANAC_CODE_E027, "too many events (%zu, the limit is %d); split the file"
#define ALMANAC_E028 ALMANAC_CODE_E028, \
    "the file must hold one JSON object with \"calendar\" " \
    "and \"events\", found %s"
#define ALMANAC_E029 ALMANAC_CODE_E029, \
    "invalid \\u escape: it needs four hex digits, and a character " \
    "above U+FFFF needs a pair of them (\\uD83D\\uDE00); a lone half of a " \
    "pair is not a character"
#define ALMANAC_E030 ALMANAC_CODE_E030, \
    "invalid escape '\\%c' in a string; write a backslash as \\\\ " \
    "(JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)"
#define ALMANAC_E031 ALMANAC_CODE_E031, \
    "'%s' is not a JSON value; did you mean %s? (JSON's literals are " \
    "true, false and null, in lower case)"
#define ALMANAC_E032 ALMANAC_CODE_E032, "keys must be strings in double quotes: write \"%s\""
#define ALMANAC_E033 ALMANAC_CODE_E033, \
    "'%s' is not a JSON value: write text in double quotes (\"%s\")"
#define ALMANAC_E034 ALMANAC_CODE_E034, "JSON syntax error: unexpected '%c'"
#define ALMANAC_E035 ALMANAC_CODE_E035, \
    "JSON syntax error: unexpected %s(U+%04X), a digit that JSON numbers " \
    "do not take; write the number with the digits 0-9"
#define ALMANAC_E036 ALMANAC_CODE_E036, \
    "JSON syntax error: unexpected %s(U+%04X), a typographic quote; JSON " \
    "strings use the straight double quote \""
#define ALMANAC_E037 ALMANAC_CODE_E037, "JSON syntax error: unexpected %s(U+%04X)"
#define ALMANAC_E038 ALMANAC_CODE_E038, "trailing comma before '%c'; remove it"
#define ALMANAC_E039 ALMANAC_CODE_E039, "the file ends inside a string: is it truncated?"
#define ALMANAC_E040 ALMANAC_CODE_E040, \
    "the file ends too early: %zu object%s or array%s not closed; " \
    "is it truncated?"
#define ALMANAC_E041 ALMANAC_CODE_E041, "the file ends too early: a value is missing"
#define ALMANAC_E042 ALMANAC_CODE_E042, "this string is not closed: add the missing '\"'"
#define ALMANAC_E043 ALMANAC_CODE_E043, \
    "the string is not closed at the end of this " \
    "line: add the missing '\"'"
#define ALMANAC_E044 ALMANAC_CODE_E044, \
    "this string runs on into the text after it: is its closing " \
    "'\"' missing?"
#define ALMANAC_E045 ALMANAC_CODE_E045, \
    "this comma is inside the string: move it after the closing " \
    "quote"
#define ALMANAC_E046 ALMANAC_CODE_E046, "a comma is missing after this value"
#define ALMANAC_E047 ALMANAC_CODE_E047, \
    "a key in double quotes is expected here; is a '}' missing before " \
    "the comma?"
#define ALMANAC_E048 ALMANAC_CODE_E048, "JSON strings use double quotes, not single quotes"
#define ALMANAC_E049 ALMANAC_CODE_E049, "JSON does not allow comments"
#define ALMANAC_E050 ALMANAC_CODE_E050, \
    "objects and arrays nest deeper than %d levels; the events " \
    "format needs at most 5"
#define ALMANAC_E051 ALMANAC_CODE_E051, \
    "the file must hold one JSON object: is the opening '{' missing?"
#define ALMANAC_E052 ALMANAC_CODE_E052, "unexpected text after the end of the JSON document"
#define ALMANAC_E053 ALMANAC_CODE_E053, \
    "invalid number '%.*s': JSON numbers do not start with a 0 " \
    "unless they are 0 or 0.something; remove the leading zeros"
#define ALMANAC_E054 ALMANAC_CODE_E054, \
    "invalid number '%.*s': a decimal point needs a digit after " \
    "it (write 1.0, or 1 without the point)"
#define ALMANAC_E055 ALMANAC_CODE_E055, \
    "invalid number '%.*s': the exponent after 'e' needs digits " \
    "(1e5, 1e-5)"
#define ALMANAC_E056 ALMANAC_CODE_E056, \
    "invalid number '%.*s': a JSON number is digits with an " \
    "optional '-', '.' and exponent, such as -12.5 or 1e3"
#define ALMANAC_E057 ALMANAC_CODE_E057, \
    "\\u0000 is not allowed in strings: remove it (most " \
    "programs take a NUL character for the end of the text)"
#define ALMANAC_E058 ALMANAC_CODE_E058, \
    "control character U+%04X between values; JSON allows only " \
    "spaces, tabs and line breaks there: remove it"
#define ALMANAC_E059 ALMANAC_CODE_E059, \
    "raw control character U+%04X inside a string; write it " \
    "escaped (\\n for a newline, \\t for a tab)"
#define ALMANAC_E060 ALMANAC_CODE_E060, "invalid UTF-8 byte; save the file as UTF-8"
#define ALMANAC_E061 ALMANAC_CODE_E061, "NUL byte in the file; is it a text file?"
#define ALMANAC_E062 ALMANAC_CODE_E062, \
    "the file is empty; it must hold one JSON object " \
    "with \"calendar\" and \"events\""
#define ALMANAC_E063 ALMANAC_CODE_E063, "out of memory while reading the file"
#define ALMANAC_E064 ALMANAC_CODE_E064, "the file is too large (%zu bytes, the limit is %d)"
#define ALMANAC_E065 ALMANAC_CODE_E065, \
    "the file starts with a byte order mark (BOM); save it as UTF-8 " \
    "without BOM"
#define ALMANAC_E066 ALMANAC_CODE_E066, \
    "the file is UTF-16 (it starts with a UTF-16 byte order mark); " \
    "save it as UTF-8"
#define ALMANAC_E067 ALMANAC_CODE_E067, "%s is listed twice in \"%s\"; list each value once"
#define ALMANAC_E068 ALMANAC_CODE_E068, "too many values in \"%s\""
#define ALMANAC_E069 ALMANAC_CODE_E069, \
    "'%s' is not a weekday%s; write a day such as \"tuesday\", " \
    "\"second tuesday\" or \"last friday\""
#define ALMANAC_E070 ALMANAC_CODE_E070, \
    "'%s' is not an ordinal%s; use first to fifth, last, " \
    "second-last, third-last, or a number such as 2, 2nd, -1 or 2nd-last"
#define ALMANAC_E071 ALMANAC_CODE_E071, \
    "the ordinal %d in '%s' is out of range: a year has at most 53 of " \
    "each weekday (use 1 to 53 or -1 to -53)"
#define ALMANAC_E072 ALMANAC_CODE_E072, "'%.40s' is not a BYDAY value such as TU, 2TU or -1FR"
#define ALMANAC_E073 ALMANAC_CODE_E073, "%d is out of range for \"%s\": use %d to %d"
#define ALMANAC_E074 ALMANAC_CODE_E074, \
    "%d is out of range for \"%s\": use 1 to %d, or -1 to %d to count " \
    "from the end"
#define ALMANAC_E075 ALMANAC_CODE_E075, "%s must be a whole number from %d to %d, not %g"
#define ALMANAC_E076 ALMANAC_CODE_E076, "the list is empty; leave \"%s\" out instead"
#define ALMANAC_E077 ALMANAC_CODE_E077, "'%.40s' is not a month name%s; write \"november\" or 11"
#define ALMANAC_E078 ALMANAC_CODE_E078, "%g is not a whole number in the range of \"%s\""
#define ALMANAC_E079 ALMANAC_CODE_E079, "'%.40s' is not a weekday%s"
#define ALMANAC_E080 ALMANAC_CODE_E080, \
    "unknown frequency '%.40s'%s; use yearly, " \
    "monthly, weekly, daily, hourly, minutely or secondly"
#define ALMANAC_E081 ALMANAC_CODE_E081, \
    "the rule is missing the required key 'frequency' " \
    "(\"yearly\", \"monthly\", \"weekly\", \"daily\" ...)"
#define ALMANAC_E082 ALMANAC_CODE_E082, \
    "in '%s': unknown frequency; use YEARLY, MONTHLY, WEEKLY, DAILY, " \
    "HOURLY, MINUTELY or SECONDLY"
#define ALMANAC_E083 ALMANAC_CODE_E083, "in '%s': %s must be a whole number from 1 to %d"
#define ALMANAC_E084 ALMANAC_CODE_E084, \
    "in '%s': UNTIL must be a date such as 20240630 or a UTC time such " \
    "as 20240630T215959Z"
#define ALMANAC_E085 ALMANAC_CODE_E085, \
    "in '%s': the year is after %d, the last year almanac can write"
#define ALMANAC_E086 ALMANAC_CODE_E086, "in '%s': WKST takes MO, TU, WE, TH, FR, SA or SU"
#define ALMANAC_E087 ALMANAC_CODE_E087, "in '%s': the list is empty"
#define ALMANAC_E088 ALMANAC_CODE_E088, "in '%s': '%.*s' is not a value"
#define ALMANAC_E089 ALMANAC_CODE_E089, "in '%s': '%s' is not a number"
#define ALMANAC_E090 ALMANAC_CODE_E090, "the rule is %s; write one such as \"FREQ=WEEKLY;BYDAY=TU\""
#define ALMANAC_E091 ALMANAC_CODE_E091, \
    "'%.40s' is not a NAME=VALUE part of an RRULE such as " \
    "\"FREQ=WEEKLY;BYDAY=TU\""
#define ALMANAC_E092 ALMANAC_CODE_E092, "unknown RRULE part '%s'%s"
#define ALMANAC_E093 ALMANAC_CODE_E093, "%s is given twice in the rule; give each part once"
#define ALMANAC_E094 ALMANAC_CODE_E094, \
    "the rule has no FREQ; start it with FREQ=DAILY, " \
    "FREQ=WEEKLY ..."
#define ALMANAC_E095 ALMANAC_CODE_E095, \
    "the rule has both %s and %s; give one of them (%s, or %s for the last " \
    "date)"
#define ALMANAC_E096 ALMANAC_CODE_E096, \
    "a month has at most five of each weekday; in a " \
    "monthly rule use first to fifth, last or -2 to -5"
#define ALMANAC_E097 ALMANAC_CODE_E097, \
    "a day with an ordinal (\"second tuesday\") needs a " \
    "monthly or yearly rule without %s; here it would mean nothing"
#define ALMANAC_E098 ALMANAC_CODE_E098, \
    "a yearly rule with %s but no %s means different " \
    "days to different calendar apps; name the months (%s), or use a monthly rule " \
    "for every month"
#define ALMANAC_E099 ALMANAC_CODE_E099, "%s goes only with a yearly rule"
#define ALMANAC_E100 ALMANAC_CODE_E100, \
    "%s does not go with a %s rule (RFC 5545); use a " \
    "yearly rule"
#define ALMANAC_E101 ALMANAC_CODE_E101, \
    "%s does not go with a weekly rule (RFC 5545); use " \
    "a monthly rule"
#define ALMANAC_E102 ALMANAC_CODE_E102, \
    "%s picks from the occurrences another by-list " \
    "makes (such as %s); on its own it means nothing"
#define ALMANAC_E103 ALMANAC_CODE_E103, \
    "%s %s rule cannot also pick %s: almanac " \
    "refuses it because it cannot bound the work of finding such days; " \
    "write a daily rule with %s and %s instead"
#define ALMANAC_E104 ALMANAC_CODE_E104, "too many dates (%zu, the limit is %d)"
#define ALMANAC_E105 ALMANAC_CODE_E105, "too many overrides (%zu, the limit is %d)"
#define ALMANAC_E106 ALMANAC_CODE_E106, \
    "'%s' is not a duration such as \"PT30M\", " \
    "\"PT2H\", \"P1D\" or \"P1W\" (months and years have no fixed length)"
#define ALMANAC_E107 ALMANAC_CODE_E107, \
    "an alarm's \"at\" is a UTC time such as " \
    "\"2024-03-11T09:00:00Z\" (RFC 5545 takes no other); or use " \
    "\"before\" with a duration"
#define ALMANAC_E108 ALMANAC_CODE_E108, "'%.40s' is not \"start\" or \"end\""
#define ALMANAC_E109 ALMANAC_CODE_E109, \
    "the alarm says not when: give \"before\" (\"PT30M\"), " \
    "\"after\" or \"at\" (a UTC time)"
#define ALMANAC_E110 ALMANAC_CODE_E110, \
    "the alarm gives more than one of \"before\", \"after\" and " \
    "\"at\"; give one"
#define ALMANAC_E111 ALMANAC_CODE_E111, "\"of\" goes with \"before\" or \"after\", not with \"at\""
#define ALMANAC_E112 ALMANAC_CODE_E112, "too many alarms (%zu, the limit is %d)"
#define ALMANAC_E113 ALMANAC_CODE_E113, \
    "'%.80s' is not an email address: %s; write it as " \
    "name@example.org"
#define ALMANAC_E114 ALMANAC_CODE_E114, "unknown %s '%.40s'%s; use %s"
#define ALMANAC_E115 ALMANAC_CODE_E115, "too many attendees (%zu, the limit is %d)"
#define ALMANAC_E116 ALMANAC_CODE_E116, \
    "%s is listed twice among the " \
    "attendees (addresses are compared without case); list each " \
    "address once"
#define ALMANAC_E117 ALMANAC_CODE_E117, \
    "color '%s' is not a CSS colour name such as \"teal\" " \
    "(RFC 7986 takes names, not #hex)"

/* E200-E249: checks that need the whole file: ids, dates, timezones, feeds */
#define ALMANAC_E200 ALMANAC_CODE_E200, \
    "duplicate %s '%s': /%s/%zu already has it; ids must be unique"
#define ALMANAC_E201 ALMANAC_CODE_E201, "an event cannot be related to itself"
#define ALMANAC_E202 ALMANAC_CODE_E202, "out of memory while validating"
#define ALMANAC_E203 ALMANAC_CODE_E203, \
    "end %s is of %s precision but start %s is of %s precision; " \
    "write both the same way"
#define ALMANAC_E204 ALMANAC_CODE_E204, "end %s is before the start %s"
#define ALMANAC_E205 ALMANAC_CODE_E205, \
    "end %s is the same time as the start; leave end out for " \
    "an event without duration"
#define ALMANAC_E206 ALMANAC_CODE_E206, \
    "a local time needs a timezone: add \"timezone\" to the event " \
    "or the calendar, or end the time with Z for UTC"
#define ALMANAC_E207 ALMANAC_CODE_E207, "'%s' is not an IANA timezone name: %s"
#define ALMANAC_E208 ALMANAC_CODE_E208, "unknown timezone '%s'%s%s%s"
#define ALMANAC_E209 ALMANAC_CODE_E209, \
    "feed id 'all' is reserved for the full calendar (all.ics); " \
    "choose another id"
#define ALMANAC_E210 ALMANAC_CODE_E210, "related event '%.100s' does not exist%s%s%s"

/* E250-E299: repeating events: rules, dates, overrides */
#define ALMANAC_E250 ALMANAC_CODE_E250, \
    "until %s is a time, but the event is all-day: RFC 5545 " \
    "takes a day here; write \"%s\""
#define ALMANAC_E251 ALMANAC_CODE_E251, "until %s is not a day or a time"
#define ALMANAC_E252 ALMANAC_CODE_E252, \
    "until %s is %s, but the event is timed: RFC 5545 takes a UTC " \
    "time here; %s is \"%s\""
#define ALMANAC_E253 ALMANAC_CODE_E253, \
    "until %s is before the start %s; the rule would yield " \
    "nothing"
#define ALMANAC_E254 ALMANAC_CODE_E254, \
    "%s is of %s precision but the start is of %s precision; write " \
    "%s, as the start is written"
#define ALMANAC_E255 ALMANAC_CODE_E255, \
    "occurrence %s is of %s precision; an occurrence is " \
    "written as the start is: %s"
#define ALMANAC_E256 ALMANAC_CODE_E256, \
    "occurrence %s is overridden twice (also overrides/%zu);" \
    " merge the two"
#define ALMANAC_E257 ALMANAC_CODE_E257, \
    "%s is not an occurrence of the series, so this override " \
    "would change nothing; %s"
#define ALMANAC_E258 ALMANAC_CODE_E258, "a moved occurrence is written as the start is: %s"
#define ALMANAC_E259 ALMANAC_CODE_E259, "an occurrence's end is written as the start is: %s"
#define ALMANAC_E260 ALMANAC_CODE_E260, \
    "the event has %s but does not repeat; add \"repeat\" or " \
    "\"extra_dates\", or remove them"
#define ALMANAC_E261 ALMANAC_CODE_E261, \
    "a repeating event needs a start day or time, but this " \
    "one is known only to the %s; give the day it starts on, or " \
    "remove the repetition"
#define ALMANAC_E262 ALMANAC_CODE_E262, \
    "the event is all-day, but the rule repeats %s; give the start " \
    "a time, or repeat by days"
#define ALMANAC_E263 ALMANAC_CODE_E263, \
    "the rule %s yields no occurrence from the start %s; check " \
    "its days and months"
#define ALMANAC_E264 ALMANAC_CODE_E264, \
    "the start %s is not an occurrence of the rule %s, whose " \
    "first is %s; RFC 5545 leaves such a series undefined and " \
    "calendar apps disagree on it: start on %s, or change the " \
    "rule"
#define ALMANAC_E265 ALMANAC_CODE_E265, \
    "%s is not an occurrence of the series, so excluding it " \
    "changes nothing; %s"

/* E300-E319: import: reading iCalendar files */
#define ALMANAC_E300 ALMANAC_CODE_E300, \
    "NUL byte in the file: it is damaged or not a text calendar; " \
    "nothing was imported from it"
#define ALMANAC_E301 ALMANAC_CODE_E301, \
    "not an iCalendar file: no " \
    "BEGIN:VCALENDAR that libical could read"
#define ALMANAC_E302 ALMANAC_CODE_E302, \
    "%s; the timezone was refused: the file is damaged or hostile"

/* E400-E449: add, fmt and --merge: editing the events file as text */
#define ALMANAC_E400 ALMANAC_CODE_E400, \
    "the file already has an event with id '%s'; give the new " \
    "event another id, or none to have one made from its title"
#define ALMANAC_E401 ALMANAC_CODE_E401, "out of memory while merging"
#define ALMANAC_E402 ALMANAC_CODE_E402, "a new event needs a title and a start"
#define ALMANAC_E403 ALMANAC_CODE_E403, "out of memory while adding the event"
#define ALMANAC_E404 ALMANAC_CODE_E404, \
    "a number is too large to be read (`almanac check` shows where); fix it first"
#define ALMANAC_E405 ALMANAC_CODE_E405, "out of memory while formatting the file"
#define ALMANAC_E406 ALMANAC_CODE_E406, "out of memory while reading the events file"
#define ALMANAC_E407 ALMANAC_CODE_E407, \
    "the file holds JSON that `almanac check` refuses (a control character, an " \
    "escape or a number that parsers read differently); fix it first"
#define ALMANAC_E408 ALMANAC_CODE_E408, "the file is not valid JSON here; `almanac check` says more"
#define ALMANAC_E409 ALMANAC_CODE_E409, \
    "the file is not an events file: it needs an object with an \"events\" array"

/* E450-E499: files, the build state and the server */
#define ALMANAC_E450 ALMANAC_CODE_E450, "cannot open: %s"
#define ALMANAC_E451 ALMANAC_CODE_E451, "the file is too large (%lld bytes, the limit is %d)"
#define ALMANAC_E452 ALMANAC_CODE_E452, "the file is too large (the limit is %d bytes)"
#define ALMANAC_E453 ALMANAC_CODE_E453, "read error: %s"
#define ALMANAC_E454 ALMANAC_CODE_E454, "cannot read the build state %s: %s"
#define ALMANAC_E455 ALMANAC_CODE_E455, "the build state %s is %s, not a file almanac wrote; %s"
#define ALMANAC_E456 ALMANAC_CODE_E456, \
    "the build state %s is too large to be almanac's (%lld bytes, " \
    "at most %lld for the most events almanac takes); %s"
#define ALMANAC_E457 ALMANAC_CODE_E457, "out of memory while computing the build state"
#define ALMANAC_E458 ALMANAC_CODE_E458, "%s %s: %s"
#define ALMANAC_E459 ALMANAC_CODE_E459, "%s is %s, where almanac %s; move it out of %s or remove it"
#define ALMANAC_E460 ALMANAC_CODE_E460, "out of memory"
#define ALMANAC_E461 ALMANAC_CODE_E461, \
    "cannot listen on '%s': give ADDRESS:PORT, e.g. 127.0.0.1:8080, " \
    "0.0.0.0:8080 or [::1]:8080"
#define ALMANAC_E462 ALMANAC_CODE_E462, "cannot listen on '%s': %s"
#define ALMANAC_E463 ALMANAC_CODE_E463, "cannot listen on %s: %s"
#define ALMANAC_E464 ALMANAC_CODE_E464, "cannot open %s/%s to serve it: %s"
#define ALMANAC_E465 ALMANAC_CODE_E465, \
    "the build state %s is a symbolic link; almanac replaces this file on every " \
    "build, so it must be a regular file: %s"
#define ALMANAC_E466 ALMANAC_CODE_E466, "cannot open %s to serve it: %s"

/* ==== Warnings: the input is used, but probably not as meant (errors with --strict) ==== */

/* W001-W199: the events file: its bytes, its JSON and each key */
#define ALMANAC_W001 ALMANAC_CODE_W001, \
    "year %04d is before 1583, when the Gregorian " \
    "calendar began; calendar apps will count its days as if it had been in " \
    "use (check the year)"
#define ALMANAC_W002 ALMANAC_CODE_W002, "year %04d is far in the future; check the year"
#define ALMANAC_W003 ALMANAC_CODE_W003, \
    "calendar url '%.*s' is on %s, a name reserved " \
    "for examples (RFC 2606): no subscriber can reach it; set the address " \
    "where the feeds will be published, or remove \"url\" and the page " \
    "links to wherever it is served"
#define ALMANAC_W004 ALMANAC_CODE_W004, \
    "refresh %s is outside 15 minutes to 31 days; " \
    "calendar apps may ignore it"
#define ALMANAC_W005 ALMANAC_CODE_W005, \
    "the override changes nothing; give a new start, title, status " \
    "... or remove it"

/* W200-W249: checks that need the whole file: ids, dates, timezones, feeds */
#define ALMANAC_W200 ALMANAC_CODE_W200, \
    "timezone is ignored: the event's start is %s, not a " \
    "local time"
#define ALMANAC_W201 ALMANAC_CODE_W201, \
    "%s does not exist in %s: its clocks go forward from %s to " \
    "%s that day, and calendar apps will show %s (RFC 5545 " \
    "3.3.5); write the time that is meant"
#define ALMANAC_W202 ALMANAC_CODE_W202, \
    "%s happens twice in %s: its clocks go back from %s to %s " \
    "that day, and calendar apps take the first, at %s (RFC 5545 " \
    "3.3.5); for the second, write it in UTC: %s"
#define ALMANAC_W203 ALMANAC_CODE_W203, \
    "no feed selects the tag '%.80s'; did you mean '%s', which " \
    "feed '%s' selects?"
#define ALMANAC_W204 ALMANAC_CODE_W204, "no event has the tag '%.80s', so it selects nothing%s%s%s"

/* W300-W319: import: reading iCalendar files */
#define ALMANAC_W300 ALMANAC_CODE_W300, \
    "TZID '%.100s' names no IANA timezone: its events were read as " \
    "local times in %s (found by its %s); set \"timezone\" if " \
    "another zone is meant"
#define ALMANAC_W301 ALMANAC_CODE_W301, \
    "event skipped: the file's VTIMEZONE for TZID=%s was refused (see " \
    "above), and no IANA timezone has that name"
#define ALMANAC_W302 ALMANAC_CODE_W302, \
    "event skipped: unknown timezone TZID=%s (no VTIMEZONE in the " \
    "file and no IANA timezone of that name)"
#define ALMANAC_W303 ALMANAC_CODE_W303, "event skipped: %s has no DTSTART"
#define ALMANAC_W304 ALMANAC_CODE_W304, \
    "event skipped: DTSTART '%s' is not a valid date or date-time%s"
#define ALMANAC_W305 ALMANAC_CODE_W305, \
    "%s%s%s%s could not be read, so it was not imported " \
    "(libical: %s)"
#define ALMANAC_W306 ALMANAC_CODE_W306, \
    "%zu %s not UTF-8 (the " \
    "first on line %u): replaced by U+FFFD; is the file in another " \
    "encoding?"
#define ALMANAC_W307 ALMANAC_CODE_W307, \
    "the lines end with CR alone (classic Mac OS), where RFC 5545 wants " \
    "CRLF: they were read as lines"
#define ALMANAC_W308 ALMANAC_CODE_W308, "RELATED-TO %.200s names %s: not imported"
#define ALMANAC_W309 ALMANAC_CODE_W309, \
    "category '%.100s' (tag '%s') gets no " \
    "feed to keep its text: %s"
#define ALMANAC_W310 ALMANAC_CODE_W310, \
    "'%.80s': imported as a single event " \
    "(its first occurrence), because almanac check would " \
    "refuse its repetition: %s"
#define ALMANAC_W311 ALMANAC_CODE_W311, \
    "'%.80s': imported without %s%s, because almanac " \
    "check would refuse it: %s"
#define ALMANAC_W312 ALMANAC_CODE_W312, "BEGIN:%s is never closed (%s); it was not imported"
#define ALMANAC_W313 ALMANAC_CODE_W313, "END:%s has no BEGIN:%s before it%s; the line was ignored"
#define ALMANAC_W314 ALMANAC_CODE_W314, \
    "BEGIN:%s at line %u is nested deeper than %d components, more " \
    "than any calendar needs: it was not imported, nor anything in " \
    "it"
#define ALMANAC_W315 ALMANAC_CODE_W315, \
    "BEGIN:%s is never closed (the file ends first: is it " \
    "truncated?)"
#define ALMANAC_W316 ALMANAC_CODE_W316, \
    "%s; the timezone was not used: events in it are read in the IANA " \
    "timezone of that name, if there is one, else skipped"
#define ALMANAC_W317 ALMANAC_CODE_W317, "%s"

/* W320-W399: import: what the events format could not keep (one per kind, with count and lines) */
#define ALMANAC_W320 ALMANAC_CODE_W320, \
    "%zu %s a rule (RRULE) libical could not read: only the first " \
    "occurrence was imported%s"
#define ALMANAC_W321 ALMANAC_CODE_W321, \
    "%zu %s %s not of the kind of %s start (a day for an all-day " \
    "event, a date-time for a timed one), or beyond the 1,000 an event holds: " \
    "not imported%s"
#define ALMANAC_W322 ALMANAC_CODE_W322, \
    "%zu %s one occurrence of a repeating event (RECURRENCE-ID) that " \
    "is not in the file, or at a date of another kind: each was imported as an " \
    "event of its own%s"
#define ALMANAC_W323 ALMANAC_CODE_W323, \
    "%zu %s no TRIGGER, or an absolute one not in UTC: not " \
    "imported%s"
#define ALMANAC_W324 ALMANAC_CODE_W324, \
    "%zu %s (VALARM) beyond the %d an event holds: not imported%s"
#define ALMANAC_W325 ALMANAC_CODE_W325, \
    "%zu %s ACTION:%s, which the events format does not have: " \
    "imported as a reminder shown on screen (DISPLAY)%s"
#define ALMANAC_W326 ALMANAC_CODE_W326, \
    "%zu %s %s not a mailto: address the events format can hold " \
    "(name@example.org): not imported%s"
#define ALMANAC_W327 ALMANAC_CODE_W327, "%zu %s beyond the %d an event holds: not imported%s"
#define ALMANAC_W328 ALMANAC_CODE_W328, "%zu COLOR %s not a CSS colour name: not imported%s"
#define ALMANAC_W329 ALMANAC_CODE_W329, \
    "%zu %s %s inline data or not an http(s) URL: not imported%s"
#define ALMANAC_W330 ALMANAC_CODE_W330, \
    "%zu repeating %s TZID '%s', which names no IANA timezone: " \
    "%s in UTC, so %s after a daylight-saving change of that zone will be an hour " \
    "off; set \"timezone\" to the zone meant%s"
#define ALMANAC_W331 ALMANAC_CODE_W331, \
    "%zu excluded %s (EXDATE) of %s that %s not repeat (no RRULE or " \
    "RDATE): not imported%s"
#define ALMANAC_W332 ALMANAC_CODE_W332, \
    "%zu %s on a day %s rule does not give (RFC 5545 leaves such a " \
    "series undefined, and calendar apps disagree): each start was kept as an " \
    "extra date, and the series starts at its rule's first occurrence%s"
#define ALMANAC_W333 ALMANAC_CODE_W333, \
    "%zu %s (%s) %s not imported: the events format holds events only%s"
#define ALMANAC_W334 ALMANAC_CODE_W334, \
    "%zu %s %s not imported: the events format has no place for it%s"
#define ALMANAC_W335 ALMANAC_CODE_W335, \
    "%zu %s a floating time (no TZID, no Z): taken as local time in " \
    "%s; set \"timezone\" if that is wrong%s"
#define ALMANAC_W336 ALMANAC_CODE_W336, \
    "%zu %s TZID '%s', which is not an IANA timezone: %s converted " \
    "to UTC with the file's VTIMEZONE%s"
#define ALMANAC_W337 ALMANAC_CODE_W337, \
    "%zu %s STATUS:%s, which events cannot have: imported as confirmed%s"
#define ALMANAC_W338 ALMANAC_CODE_W338, \
    "%zu %s not an absolute http:// or https:// URL of printable " \
    "ASCII: not imported%s"
#define ALMANAC_W339 ALMANAC_CODE_W339, \
    "%zu RELATED-TO %s RELTYPE=%s (no RELTYPE means PARENT): imported " \
    "as related events%s"
#define ALMANAC_W340 ALMANAC_CODE_W340, \
    "%zu %s line breaks or control characters in %s, which is one " \
    "line: replaced by spaces%s"
#define ALMANAC_W341 ALMANAC_CODE_W341, \
    "%zu %s of %s %s bytes that are not UTF-8 once libical read %s " \
    "escapes: replaced by U+FFFD%s"
#define ALMANAC_W342 ALMANAC_CODE_W342, \
    "%zu %s of %s %s bidirectional controls (U+202A-U+202E, " \
    "U+2066-U+2069), with which text displays in another order than it is " \
    "stored: removed%s"
#define ALMANAC_W343 ALMANAC_CODE_W343, \
    "%zu %s %s is longer than the events format allows: cut short%s"
#define ALMANAC_W344 ALMANAC_CODE_W344, \
    "%zu %s no SUMMARY, or one with nothing visible: titled " \
    "\"(no title)\"%s"
#define ALMANAC_W345 ALMANAC_CODE_W345, "%zu GEO %s out of range: not imported%s"
#define ALMANAC_W346 ALMANAC_CODE_W346, "%zu %s no letter or digit to make a tag of: not imported%s"
#define ALMANAC_W347 ALMANAC_CODE_W347, "%zu %s before %s start: the end was not imported%s"
#define ALMANAC_W348 ALMANAC_CODE_W348, \
    "%zu %s outside BEGIN:VCALENDAR ... END:VCALENDAR, where RFC 5545 " \
    "puts events: imported all the same%s"
#define ALMANAC_W349 ALMANAC_CODE_W349, \
    "%zu %s outside BEGIN:VCALENDAR ... END:VCALENDAR (or any other " \
    "component): not imported%s"
#define ALMANAC_W350 ALMANAC_CODE_W350, \
    "%zu %s of almanac's own feed %s not imported: an id that is no " \
    "slug, is 'all' or is taken, no name, or no tag that is a slug%s"
#define ALMANAC_W351 ALMANAC_CODE_W351, \
    "%zu %s line%s more than 500 values: libical reads the first 500 " \
    "of a line, the rest %s not imported%s"
#define ALMANAC_W352 ALMANAC_CODE_W352, "%zu %s of %s %s not imported: an event holds at most %d%s"
#define ALMANAC_W353 ALMANAC_CODE_W353, \
    "%zu %s a second %s, where RFC 5545 allows one: only the first was " \
    "imported%s"
#define ALMANAC_W354 ALMANAC_CODE_W354, \
    "%zu %s written with '-' or ':' (2023-04-01), which RFC 5545 " \
    "does not have (20230401): read as %s%s"
#define ALMANAC_W355 ALMANAC_CODE_W355, \
    "%zu DTEND %s not a valid date or date-time: the end was not " \
    "imported%s"
#define ALMANAC_W356 ALMANAC_CODE_W356, \
    "%zu all-day %s a DURATION that is not whole days (RFC 5545 wants " \
    "days or weeks there): rounded up to whole days%s"
#define ALMANAC_W357 ALMANAC_CODE_W357, \
    "%zu %s a date-time end for a date start (or the reverse): the " \
    "end was not imported%s"
#define ALMANAC_W358 ALMANAC_CODE_W358, \
    "the calendar's %s '%s' does not fit the events format: not " \
    "imported%s"

/* W450-W499: files, the build state and the server */
#define ALMANAC_W450 ALMANAC_CODE_W450, \
    "%s:%zu: a second record for %s '%s' (the other is at line " \
    "%zu; a merge that kept both sides?); using the later change, " \
    "SEQUENCE %u"
#define ALMANAC_W451 ALMANAC_CODE_W451, \
    "%s:%zu: ignoring a damaged build-state record; the " \
    "events it described get a new SEQUENCE"
#define ALMANAC_W452 ALMANAC_CODE_W452, "cannot remove %s/%s%s, the gzip form of an older %s: %s"
#define ALMANAC_W453 ALMANAC_CODE_W453, \
    "cannot write %s%s%s, the gzip form of %s: %s; served without gzip"
#define ALMANAC_W454 ALMANAC_CODE_W454, \
    "cannot write the gzip forms of the files in %s: %s; served without gzip"

/* Every code, errors then warnings, in order: the enum and the run-time
 * table are made from this list. */
#define ALMANAC_DIAGNOSTIC_CODES(X) \
    X(E001) X(E002) X(E003) X(E004) X(E005) X(E006) X(E007) X(E008) X(E009) X(E010) X(E011) \
    X(E012) X(E013) X(E014) X(E015) X(E016) X(E017) X(E018) X(E019) X(E020) X(E021) X(E022) \
    X(E023) X(E024) X(E025) X(E026) X(E027) X(E028) X(E029) X(E030) X(E031) X(E032) X(E033) \
    X(E034) X(E035) X(E036) X(E037) X(E038) X(E039) X(E040) X(E041) X(E042) X(E043) X(E044) \
    X(E045) X(E046) X(E047) X(E048) X(E049) X(E050) X(E051) X(E052) X(E053) X(E054) X(E055) \
    X(E056) X(E057) X(E058) X(E059) X(E060) X(E061) X(E062) X(E063) X(E064) X(E065) X(E066) \
    X(E067) X(E068) X(E069) X(E070) X(E071) X(E072) X(E073) X(E074) X(E075) X(E076) X(E077) \
    X(E078) X(E079) X(E080) X(E081) X(E082) X(E083) X(E084) X(E085) X(E086) X(E087) X(E088) \
    X(E089) X(E090) X(E091) X(E092) X(E093) X(E094) X(E095) X(E096) X(E097) X(E098) X(E099) \
    X(E100) X(E101) X(E102) X(E103) X(E104) X(E105) X(E106) X(E107) X(E108) X(E109) X(E110) \
    X(E111) X(E112) X(E113) X(E114) X(E115) X(E116) X(E117) X(E200) X(E201) X(E202) X(E203) \
    X(E204) X(E205) X(E206) X(E207) X(E208) X(E209) X(E210) X(E250) X(E251) X(E252) X(E253) \
    X(E254) X(E255) X(E256) X(E257) X(E258) X(E259) X(E260) X(E261) X(E262) X(E263) X(E264) \
    X(E265) X(E300) X(E301) X(E302) X(E400) X(E401) X(E402) X(E403) X(E404) X(E405) X(E406) \
    X(E407) X(E408) X(E409) X(E450) X(E451) X(E452) X(E453) X(E454) X(E455) X(E456) X(E457) \
    X(E458) X(E459) X(E460) X(E461) X(E462) X(E463) X(E464) X(E465) X(E466) X(W001) X(W002) X(W003) \
    X(W004) X(W005) X(W200) X(W201) X(W202) X(W203) X(W204) X(W300) X(W301) X(W302) X(W303) \
    X(W304) X(W305) X(W306) X(W307) X(W308) X(W309) X(W310) X(W311) X(W312) X(W313) X(W314) \
    X(W315) X(W316) X(W317) X(W320) X(W321) X(W322) X(W323) X(W324) X(W325) X(W326) X(W327) \
    X(W328) X(W329) X(W330) X(W331) X(W332) X(W333) X(W334) X(W335) X(W336) X(W337) X(W338) \
    X(W339) X(W340) X(W341) X(W342) X(W343) X(W344) X(W345) X(W346) X(W347) X(W348) X(W349) \
    X(W350) X(W351) X(W352) X(W353) X(W354) X(W355) X(W356) X(W357) X(W358) X(W450) X(W451) \
    X(W452) X(W453) X(W454)

#define ALMANAC_CODE_ENUMERATOR_(id) ALMANAC_CODE_##id,
typedef enum {
    ALMANAC_DIAGNOSTIC_CODES(ALMANAC_CODE_ENUMERATOR_)
    ALMANAC_CODE_COUNT /* 246 */
} almanac_diag_code;
#undef ALMANAC_CODE_ENUMERATOR_

/* "E012", or "" for a value that is not a code. */
ALMANAC_API const char *almanac_diag_code_id(almanac_diag_code code);

/* The code for ID ("E012", "e012"), or ALMANAC_CODE_COUNT if there is none. */
ALMANAC_API almanac_diag_code almanac_diag_code_find(const char *id);

/* ALMANAC_ERROR for an E code, ALMANAC_WARNING for a W code. */
ALMANAC_API almanac_severity almanac_diag_code_severity(almanac_diag_code code);

/* The printf template of CODE's message, or "". */
ALMANAC_API const char *almanac_diag_code_template(almanac_diag_code code);

#ifdef __cplusplus
}
#endif

#endif
