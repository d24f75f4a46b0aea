/*
 * series.h - the occurrences of a repeating event, as libical expands them.
 *
 * libical's recurrence parser and iterator are the authority (RFC 5545
 * §3.3.10, §3.8.5); this module hands them an event's rule and start, adds
 * the extra dates, takes out the excluded ones, applies the overrides and
 * keeps every walk bounded. Occurrence starts are of the event's own kind:
 * days for an all-day event, wall-clock times in the event's zone for a
 * local time (a rule repeats in local time, so 10:00 stays 10:00 across a
 * daylight-saving change), UTC times for a UTC start.
 *
 * libical's recurrence calls are not thread-safe with libical's other
 * global state; callers run them on one thread (validation, the
 * timeline), never inside the feed writer's workers.
 */
#ifndef ALMANAC_SERIES_H
#define ALMANAC_SERIES_H

#include <stdbool.h>
#include <stddef.h>

#include "almanac/diag.h"
#include "almanac/model.h"

/* How far a walk goes: occurrences of COUNT rules (which libical cannot
 * start in the middle) and steps of one walk over a range. */
enum { SERIES_STEPS_MAX = 200000 };

typedef struct {
    almanac_date original;            /* the start the rule or an extra date gives */
    almanac_date start;               /* the override's start, else the original */
    const almanac_override *override; /* NULL when not overridden */
    bool extra;                       /* from extra_dates */
} series_occurrence;

/* Called for each occurrence in order; return false to stop. */
typedef bool (*series_visit)(void *context, const series_occurrence *occurrence);

/* Visits the occurrences of EVENT (a series) whose original start falls
 * on a day within [FROM, TO], in order of original start, excluded dates
 * left out. ZONE is the event's timezone (NULL for dates and UTC times). Returns the number visited, or -1 when libical could not make
 * an iterator of the rule (the rule yields nothing) or the walk hit
 * SERIES_STEPS_MAX (then *TRUNCATED is set, when not NULL). */
long series_walk(const almanac_event *event, const char *zone, almanac_day from, almanac_day to,
                 series_visit visit, void *context, bool *truncated);

/* The end of an occurrence of E (which has an end) that starts at START
 * and keeps E's length: the same wall-clock span for a timed event, the
 * same number of days for an all-day one. */
almanac_date series_end_from(const almanac_event *e, const almanac_date *start);

/* Occurrence O of series E as an event of its own: its start (and an end
 * that keeps the series' length unless the override gives one), title,
 * status, description and place as an override says, everything else as
 * the series has it; no recurrence of its own. Strings are shared with E. */
almanac_event series_occurrence_event(const almanac_event *e, const series_occurrence *o);

/* The first occurrence EVENT's rule gives from its start (extra dates
 * aside) into *FIRST; false when the rule gives none. */
bool series_first_occurrence(const almanac_event *event, const char *zone, almanac_date *first);

/* Checks what needs the rule expanded: kinds of until, extra and excluded
 * dates and overrides against the start, the start being an occurrence,
 * a rule that yields nothing, excluded dates and overrides that match no
 * occurrence. ZONE is the event's timezone (NULL for dates and UTC). */
void series_validate(const almanac_event *event, const char *zone, almanac_diagnostics *diags);

/* The rule in words for a reader: "every year on 16 Nov, since 1996",
 * "every 2nd Tuesday of the month until Jun 2024", "every week on Tue and
 * Thu, 10 times"; with extra dates "…, and 2 more dates". Writes at most
 * SIZE bytes into BUFFER. */
void series_words(const almanac_event *event, char *buffer, size_t size);

#endif
