/*
 * almanac/model.h - the validated events document.
 *
 * An almanac_document is what events.json says, in C: the calendar's
 * settings, the feeds it declares and its events, with every string owned by
 * the document (nothing points into the JSON text or the cJSON tree). Each
 * value that later checks may complain about carries the byte offset of its
 * place in the input ("at" fields), so a diagnostic can name line:column.
 *
 * Ownership: almanac_document_free() releases the document and everything in
 * it; strings and arrays inside are never freed one by one. Renderers take
 * `const almanac_document *` and never change it.
 */
#ifndef ALMANAC_MODEL_H
#define ALMANAC_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "almanac/date.h"
#include "almanac/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits that keep a hostile file from hurting the machine. The loader
 * refuses a file past them; the importer keeps what it writes within them. */
enum {
    ALMANAC_MAX_FILE_BYTES = 1024 * 1024 * 1024, /* a million events of 1 KB */
    ALMANAC_MAX_DEPTH = 32,           /* our format needs 5 */
    ALMANAC_MAX_EVENTS = 2000000,
    ALMANAC_MAX_FEEDS = 1000,
    ALMANAC_MAX_LIST_ITEMS = 1000,    /* tags, participants, sources, related */
    ALMANAC_MAX_TITLE_BYTES = 1000,
    ALMANAC_MAX_TEXT_BYTES = 100000,  /* descriptions */
    ALMANAC_MAX_SHORT_BYTES = 2000,   /* every other string */
    ALMANAC_MAX_SLUG_BYTES = 100,     /* ids and tags; a feed's id names its file */
    ALMANAC_MAX_ALARMS = 20,          /* reminders of one event */
    ALMANAC_REPEAT_COUNT_MAX = 100000 /* a rule's COUNT: what validation walks */
};

typedef enum {
    ALMANAC_STATUS_CONFIRMED,
    ALMANAC_STATUS_TENTATIVE, /* planned, proposed, not yet fixed */
    ALMANAC_STATUS_CANCELLED
} almanac_status;

/* How a feed shows an event known only to the month or the year. */
typedef enum {
    ALMANAC_PARTIAL_SPAN,      /* all-day across the whole month / year */
    ALMANAC_PARTIAL_FIRST_DAY, /* a one-day marker on its first day */
    ALMANAC_PARTIAL_OMIT       /* left out of feeds (kept in the timeline) */
} almanac_partial_policy;

/* A list of strings with the input offset of each. */
typedef struct {
    char **items;
    size_t *at;
    size_t count;
} almanac_strings;

typedef struct {
    char *title;
    char *publisher;
    char *url;
    bool has_date;
    almanac_date date;
} almanac_source;

typedef struct {
    char *name;    /* "Samarkand" */
    char *country; /* "Uzbekistan" */
    bool has_geo;
    double latitude;
    double longitude;
} almanac_location;

/* A recurrence rule as checked by the loader. */
typedef struct {
    char *rule;             /* the RFC 5545 RRULE value, written from the checked parts */
    bool has_until;
    almanac_date until;     /* kind checked against the start by validation */
    bool sub_daily;         /* HOURLY, MINUTELY or SECONDLY */
    bool has_time_parts;    /* BYHOUR, BYMINUTE or BYSECOND */
    size_t at, at_until;
} almanac_repeat;

/* Dates of one kind with the input offset of each (extra and excluded
 * dates of a series). */
typedef struct {
    almanac_date *items;
    size_t *at;
    size_t count;
} almanac_date_list;

/* One occurrence of a series changed (a VEVENT with RECURRENCE-ID): what it
 * does not set stays as the series has it. */
typedef struct {
    almanac_date occurrence;   /* the original start, same kind as the series' */
    bool has_start, has_end, has_status, has_location;
    almanac_date start, end;
    char *title;               /* NULL: the series' */
    char *description;         /* NULL: the series' */
    almanac_status status;
    almanac_location location;
    size_t at, at_occurrence, at_start;
} almanac_override;

typedef enum {
    ALMANAC_ALARM_BEFORE, /* a duration before the start (or end) */
    ALMANAC_ALARM_AFTER,  /* a duration after it */
    ALMANAC_ALARM_AT      /* at an absolute UTC time */
} almanac_alarm_kind;

/* A reminder (VALARM, ACTION:DISPLAY). */
typedef struct {
    almanac_alarm_kind kind;
    long seconds;        /* BEFORE/AFTER: the duration */
    char *duration;      /* BEFORE/AFTER: as written ("PT30M") */
    bool of_end;         /* relative to the end instead of the start */
    almanac_date at;     /* AT: a UTC time */
    char *description;   /* NULL: the event's title */
    size_t offset;
} almanac_alarm;

typedef struct {
    almanac_alarm *items;
    size_t count;
    bool given;          /* the key was there (an empty list turns defaults off) */
} almanac_alarm_list;

typedef enum {
    ALMANAC_ROLE_REQUIRED,  /* REQ-PARTICIPANT, RFC 5545's default */
    ALMANAC_ROLE_CHAIR,
    ALMANAC_ROLE_OPTIONAL,
    ALMANAC_ROLE_NON_PARTICIPANT
} almanac_role;

typedef enum {
    ALMANAC_PARTSTAT_NEEDS_ACTION, /* RFC 5545's default */
    ALMANAC_PARTSTAT_ACCEPTED,
    ALMANAC_PARTSTAT_DECLINED,
    ALMANAC_PARTSTAT_TENTATIVE,
    ALMANAC_PARTSTAT_DELEGATED
} almanac_partstat;

/* The organizer or an attendee: an address, with a name when known. */
typedef struct {
    char *name;   /* may be NULL */
    char *email;  /* checked: local@domain.tld of URI-safe characters */
    almanac_role role;
    almanac_partstat status;
} almanac_person;

typedef struct almanac_event {
    char *id;
    char *title;
    almanac_date start;
    bool has_end;
    almanac_date end;   /* inclusive, same kind as start */
    char *timezone;     /* the event's own, or NULL: use the calendar's */
    almanac_status status;
    bool has_location;
    almanac_location location;
    almanac_strings tags;
    almanac_strings participants;
    char *description;
    char *url;
    almanac_source *sources;
    size_t source_count;
    almanac_strings related; /* ids of other events */
    size_t *related_index;   /* each one's place in events, SIZE_MAX for none;
                                NULL until almanac_document_index */

    /* A series (all NULL/0 for a one-off event). REPEAT is the rule as an
     * RFC 5545 RRULE value, written from what the file said (an object or
     * a string) after checking every part; libical expands it. */
    bool has_repeat;
    almanac_repeat repeat;
    almanac_date_list extra_dates;    /* RDATE */
    almanac_date_list excluded_dates; /* EXDATE */
    almanac_override *overrides;
    size_t override_count;

    almanac_alarm_list alarms;
    bool has_organizer;
    almanac_person organizer;
    almanac_person *attendees;
    size_t attendee_count;
    char *color;               /* CSS colour name (RFC 7986 COLOR) */
    char *image;               /* http(s) URL (RFC 7986 IMAGE) */
    almanac_strings attachments; /* http(s) URLs (ATTACH) */

    /* Only in a timeline's view of the document (almanac_timeline_view):
     * an occurrence shown in its place names its series and the start the
     * rule gave it; a series shown as its occurrences is EXPANDED, and the
     * timeline leaves it out. */
    const struct almanac_event *occurrence_of;
    almanac_date original_start;
    bool expanded;

    size_t index;       /* its place in the file's "events" array */
    uint64_t feed_bits; /* bit k: it belongs to feeds[k] (almanac_document_index) */
    bool complete;      /* every field read without error; only documents
                           without errors reach the renderers */
    size_t at;          /* the event object */
    size_t at_id, at_start, at_end, at_timezone;
} almanac_event;

typedef struct {
    char *id;
    char *name;
    char *description;
    almanac_strings tags; /* an event belongs when it has any of these */
    size_t index;         /* its place in the file's "feeds" array */
    size_t bit;           /* with indexed: which of an event's feed_bits says it belongs */
    bool indexed;
    size_t at;
    size_t at_id;
} almanac_feed;

typedef struct {
    char *id;          /* makes UIDs globally unique */
    char *name;
    char *description;
    char *timezone;    /* default for timed events; may be NULL */
    char *url;         /* where out/ is published; may be NULL */
    char *refresh;     /* ISO 8601 duration text, "P1D" by default */
    long refresh_seconds;
    char *color;       /* CSS colour name (RFC 7986 COLOR); may be NULL */
    almanac_partial_policy month_policy;
    almanac_partial_policy year_policy;
    almanac_alarm_list alarms; /* for events without alarms of their own */
    bool alarms_in_feeds;      /* false: build's feeds carry no VALARM */
    size_t at_timezone;
} almanac_calendar;

struct almanac_arena;

typedef struct {
    almanac_calendar calendar;
    almanac_feed *feeds;
    size_t feed_count;
    almanac_event *events;
    size_t event_count;
    struct almanac_arena *arena; /* owns all of the above */
} almanac_document;

ALMANAC_API void almanac_document_free(almanac_document *document);

/* The timezone that applies to EVENT: its own, else the calendar's; NULL
 * for untimed events or when neither is set. */
ALMANAC_API const char *almanac_event_timezone(const almanac_document *document,
                                   const almanac_event *event);

ALMANAC_API bool almanac_event_has_tag(const almanac_event *event, const char *tag);

/* Whether EVENT belongs in FEED (NULL FEED: the full calendar). */
ALMANAC_API bool almanac_feed_selects(const almanac_feed *feed, const almanac_event *event);

ALMANAC_API const almanac_feed *almanac_document_find_feed(const almanac_document *document,
                                               const char *id);

ALMANAC_API const char *almanac_status_name(almanac_status status);

/* Whether EVENT repeats (a rule or extra dates). */
ALMANAC_API bool almanac_event_is_series(const almanac_event *event);

/* The alarms that apply to EVENT: its own, or else the calendar's. */
ALMANAC_API const almanac_alarm_list *almanac_event_alarms(const almanac_document *document,
                                               const almanac_event *event);

/* RFC 5545 names: "CHAIR", "REQ-PARTICIPANT" ...; "NEEDS-ACTION", "ACCEPTED" ... */
ALMANAC_API const char *almanac_role_ical(almanac_role role);
ALMANAC_API const char *almanac_partstat_ical(almanac_partstat status);
/* The format's names: "chair", "required" ...; "needs-action", "accepted" ... */
ALMANAC_API const char *almanac_role_name(almanac_role role);
ALMANAC_API const char *almanac_partstat_name(almanac_partstat status);

/* Reads a partial-date policy name ("span", "first-day", "omit") into
 * *POLICY; false when NAME is none of them. */
ALMANAC_API bool almanac_partial_policy_parse(const char *name, almanac_partial_policy *policy);

/* Works out once what every output asks of every event: which of the
 * first 64 feeds it belongs to (feed_bits), so that almanac_feed_selects
 * tests a bit instead of comparing tags, and where its related events are
 * (related_index), so that almanac_related_event need not search.
 * almanac_load (ALMANAC_KEEP_ALL) and the importer call it; call it again
 * after changing ids, related ids, tags or feeds. Without it, or when it
 * runs out of memory for related_index, both still answer, by comparing
 * names. */
ALMANAC_API void almanac_document_index(almanac_document *document);

/* The event EVENT's I-th related id names, or NULL when none does. */
ALMANAC_API const almanac_event *almanac_related_event(const almanac_document *document,
                                           const almanac_event *event, size_t i);

/* Indexes of DOCUMENT's events in timeline order (almanac_date_compare on
 * start, then end, then id). Returns a malloc'ed array the caller frees, or
 * NULL when out of memory (or there are no events: check event_count). */
ALMANAC_API size_t *almanac_document_sorted(const almanac_document *document);

#ifdef __cplusplus
}
#endif

#endif
