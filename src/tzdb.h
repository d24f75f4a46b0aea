/*
 * tzdb.h - the system tz database, as validation needs it.
 *
 * The directory is $TZDIR when set, else /usr/share/zoneinfo: the same data
 * libical reads when it builds VTIMEZONEs. Which names are IANA's comes from
 * the database's own list of its zones and links (tzdata.zi); the directory
 * also holds files that are not (localtime, posixrules, posix/, right/).
 */
#ifndef ALMANAC_TZDB_H
#define ALMANAC_TZDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether NAME is an IANA zone or one of its backward links ("Asia/Tashkent",
 * "Europe/Kiev", "UTC") present in the database. Names that could leave the
 * directory ("..", absolute paths) never are. Thread-safe: the list is read
 * once per process. */
bool tzdb_exists(const char *name);

/* For a NAME that tz databases install beside the zones but that is not
 * one (localtime, posixrules, Factory, posix/ZONE, right/ZONE): writes into
 * BUFFER (SIZE bytes) why it is not a zone to use, and the name to use when
 * there is one, and returns true. False for any other name. Decided by the
 * name alone, so the answer is the same on every machine. */
bool tzdb_explain_refusal(const char *name, char *buffer, size_t size);

/* Writes the listed zone (zone.tab, plus "UTC") closest to NAME into
 * BUFFER (SIZE bytes) and returns true, or returns false when none is
 * plausibly what was meant. */
bool tzdb_suggest(const char *name, char *buffer, size_t size);

/* How a wall-clock time maps to UTC in a zone. */
typedef enum {
    TZDB_LOCAL_ONCE,     /* one instant, as almost always */
    TZDB_LOCAL_SKIPPED,  /* in a gap: the clocks jumped over it */
    TZDB_LOCAL_REPEATED  /* in a fold: the clocks passed it twice */
} tzdb_local_kind;

/* The change of UTC offset that makes a time skipped or repeated. */
typedef struct {
    int offset_before; /* seconds east of UTC before the change */
    int offset_after;
    int64_t at;        /* the change, as Unix seconds */
} tzdb_change;

/* A zone as libical holds it, looked up once for many times: NULL when
 * libical does not have NAME. Owned by libical; never freed. */
typedef struct tzdb_zone tzdb_zone;
const tzdb_zone *tzdb_zone_get(const char *name);

/* Classifies the wall-clock time LOCAL (seconds since 1970-01-01T00:00 as
 * if the wall clock were UTC) in ZONE; fills *CHANGE for a skipped or
 * repeated time. Offsets are libical's, from the system database (exact up
 * to the year 2582, where libical stops). */
tzdb_local_kind tzdb_classify_local(const tzdb_zone *zone, int64_t local, tzdb_change *change);

/* The directory of the tz database: $TZDIR, else /usr/share/zoneinfo. */
const char *tzdb_directory(void);

/* libical's zones by their own type, for the modules that hold them. */
struct _icaltimezone;

/* ZONE's UTC offset (seconds east) at the Unix time UTC, as libical says. */
int tzdb_offset_at(struct _icaltimezone *zone, int64_t utc);

/* The first second after LOW (at which ZONE's offset is BEFORE) up to HIGH
 * with another offset: the change itself, found by bisection. */
int64_t tzdb_find_change(struct _icaltimezone *zone, int64_t low, int64_t high, int before);

#endif
