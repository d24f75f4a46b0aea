/*
 * import_tz.h - a file's VTIMEZONEs, checked before libical uses them.
 *
 * libical expands a VTIMEZONE the first time a time is converted with it:
 * every onset of each observance (STANDARD, DAYLIGHT) from its DTSTART to
 * years ahead, with no bound on the work. An observance that repeats every
 * second (RRULE:FREQ=SECONDLY) runs forever and grows memory; HOURLY takes
 * minutes. libical also reads an impossible offset (TZOFFSETFROM:+5328)
 * without complaint and wraps it (+2328), and quietly ignores an
 * observance without DTSTART or TZOFFSETTO: times come out wrong.
 *
 * So each VTIMEZONE is checked first, from the text (offsets as written)
 * and by counting its expansion the way libical will make it, within a
 * budget of onsets and of time shared by the whole file. A zone that fails
 * is refused: the importer never lets libical use it.
 */
#ifndef ALMANAC_IMPORT_TZ_H
#define ALMANAC_IMPORT_TZ_H

#include <libical/ical.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "import_scan.h"

enum {
    /* Onsets one zone may expand to. A real zone has at most a few hundred
     * transitions and two yearly rules; rules from year 1 to libical's last
     * year (2582) are 5,200 onsets. */
    TZ_MAX_ZONE_ONSETS = 20000,
    /* Onsets all the zones of one file may expand to. */
    TZ_MAX_FILE_ONSETS = 200000
};

/* Seconds all the zones of one file may take to check: a backstop for
 * rules that cost time without making onsets (a MONTHLY rule that never
 * matches walks every month to 2582). */
#define TZ_CHECK_SECONDS 1.0

/* The work the zones of one file may take. */
typedef struct {
    size_t onsets_left;
    struct timespec deadline; /* CLOCK_MONOTONIC */
} tz_budget;

/* A budget of ONSETS and SECONDS from now. */
void tz_budget_init(tz_budget *budget, size_t onsets, double seconds);

typedef enum {
    TZ_USABLE,   /* fine, or a slip libical reads well (no TZOFFSETFROM) */
    TZ_REFUSED,  /* broken: times converted with it would be wrong */
    TZ_HOSTILE   /* its expansion would run away: an error, not a slip */
} tz_verdict;

typedef struct {
    tz_verdict verdict;
    bool noted;             /* a message to report (always when not usable) */
    size_t offset;          /* the line at fault, or the VTIMEZONE's BEGIN */
    char pointer[80];       /* "VTIMEZONE/DAYLIGHT/RRULE" */
    char message[512];
} tz_finding;

/* Checks VTIMEZONE ZONE, component ZONE_INDEX of SCAN (over TEXT of LENGTH
 * bytes, SIZE_MAX when the scan did not see it), charging BUDGET. */
void tz_check(icalcomponent *zone, const ics_scan *scan, size_t zone_index, const char *text,
              size_t length, tz_budget *budget, tz_finding *finding);

/* Whether TEXT is a UTC offset as RFC 5545 3.3.14 writes one: "+" or "-",
 * hours 00-23, minutes 00-59, optional seconds 00-59, and not "-0000". */
bool tz_offset_is_valid(const char *text);

#endif
