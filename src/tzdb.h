/*
 * tzdb.h - the system tz database, as validation needs it.
 *
 * The directory is $TZDIR when set, else /usr/share/zoneinfo: the same data
 * libical reads when it builds VTIMEZONEs.
 */
#ifndef ALMANAC_TZDB_H
#define ALMANAC_TZDB_H

#include <stdbool.h>
#include <stddef.h>

/* Whether NAME is an IANA zone present in the database ("Asia/Tashkent").
 * Names that could leave the directory ("..", absolute paths) are never. */
bool tzdb_exists(const char *name);

/* Writes the listed zone (zone.tab, plus "UTC") closest to NAME into
 * BUFFER (SIZE bytes) and returns true, or returns false when none is
 * plausibly what was meant. */
bool tzdb_suggest(const char *name, char *buffer, size_t size);

#endif
