/* ref_load: what the two reference programs of make bench share (they are
 * limits for almanac, not peers). Reads events.json whole and parses it with
 * cJSON in one call, without validating anything; turns an event's dates
 * into the iCalendar start and end; times phases for REF_PHASES=1.
 * Ownership: ref_doc_load fills a ref_doc that ref_doc_free frees; every
 * pointer into it lives as long as the ref_doc. */
#ifndef ALMANAC_BENCH_REF_LOAD_H
#define ALMANAC_BENCH_REF_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

typedef struct {
    int year, month, day, hour, minute, second;
    bool timed;
} ref_date;

typedef struct {
    char *text;               /* the file as read */
    cJSON *root;
    const char *calendar_id, *calendar_name, *calendar_timezone;
    const cJSON **events;     /* the "events" array as an array */
    size_t count;
} ref_doc;

/* Reads and parses PATH into DOC; prints why and returns -1 on failure. */
int ref_doc_load(const char *path, ref_doc *doc);
void ref_doc_free(ref_doc *doc);

/* The string member KEY of OBJECT, or NULL. */
const char *ref_string(const cJSON *object, const char *key);

/* START of event E and its END: for a day, month or year the day after the
 * last one (exclusive, RFC 5545 3.6.1); for a time the end as written, and
 * *HAS_END false when there is none. */
void ref_event_dates(const cJSON *e, ref_date *start, ref_date *end, bool *has_end);

/* The zone of a timed event: its own, else the calendar's. */
const char *ref_event_timezone(const ref_doc *doc, const cJSON *e);

/* DTSTAMP: SOURCE_DATE_EPOCH if set, else now, as YYYYMMDDTHHMMSSZ. */
void ref_stamp(char out[17]);

/* Seconds on a monotonic clock, and a phase's time printed to stderr when
 * REF_PHASES=1. */
double ref_now(void);
void ref_phase(const char *name, double since);

#endif
