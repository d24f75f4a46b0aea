/*
 * import_zone.h - the IANA zone a TZID means when it is not an IANA name.
 *
 * Outlook writes Windows zone IDs ("W. Europe Standard Time"), some
 * exporters Windows display names ("(UTC+10:00) Canberra, Melbourne,
 * Sydney"), Lotus Notes short names with a VTIMEZONE ("Eastern"). An event
 * imported in a fixed offset stops following its zone's daylight-saving
 * rules; these lookups find the zone so that it keeps following them.
 *
 * The names come from ICU (libicu, CLDR's data): its Windows mapping, its
 * zone aliases and English names. The zones come from the system tz
 * database: the zones of its zone.tab, which are also libical's built-in
 * zones, written under their zone.tab names ("Asia/Kolkata", where CLDR
 * says "Asia/Calcutta"). No zone name is written into the code.
 */
#ifndef ALMANAC_IMPORT_ZONE_H
#define ALMANAC_IMPORT_ZONE_H

#include <libical/ical.h>
#include <stddef.h>

typedef enum {
    IMPORT_ZONE_NONE,         /* nothing found; OUT is "" (the caller warns) */
    IMPORT_ZONE_WINDOWS_ID,   /* a Windows zone ID, by CLDR's mapping */
    IMPORT_ZONE_DISPLAY_NAME, /* places or zone names in the text */
    IMPORT_ZONE_RULES         /* the VTIMEZONE's offsets equal the zone's */
} import_zone_how;

/* The IANA zone TZID stands for, tried in this order:
 *
 *  1. TZID is a Windows zone ID (exactly, else ignoring case): CLDR's zone
 *     for it in region 001 (ICU's ucal_getTimeZoneIDForWindowsID). The
 *     VTIMEZONE is not consulted: Outlook's describes only today's rules.
 *  2. TZID names places or zones, as Windows display names do: each part
 *     (split at , / ; and parentheses, after an optional "(UTC+hh:mm)" or
 *     "(GMT+hh.mm)" whose offset must be one of the zone's standard
 *     offsets) is a zone's city in the tz database (the zone's or an
 *     alias's last part, '_' as ' ': "Canberra" is Australia/Sydney's) or
 *     an English name ICU parses in full ("Kolkata", "Eastern Time"); a
 *     city of several words may also stand inside a part ("City of Buenos
 *     Aires"). When several zones are named, the Windows zone with the most
 *     of them wins, and of its zones the one CLDR maps it to when named,
 *     else the first named; with a VTIMEZONE, zones whose offsets agree
 *     with it (as in 3) come first.
 *  3. Else, with a VTIMEZONE, its offsets against every zone's, strictly:
 *     equal on the 1st and 15th of each month of 2015-2030 (from its first
 *     observance when later) and on both sides of each of its changes. Of
 *     the zones that agree: most words shared with TZID (the zone's name
 *     and its Windows ID, "Eastern" in "Eastern Standard Time"), then the
 *     zone CLDR maps a Windows ID to, then fewest other words in its
 *     Windows ID, then the first by name.
 *
 * TZID is UTF-8 (parts past 255 bytes are ignored). VTIMEZONE, which may
 * be NULL, must have passed tz_check (import_tz.h): its expansion is not
 * bounded here. Both are borrowed and left as they are (the VTIMEZONE is
 * cloned). Writes the zone into OUT (SIZE bytes; "" unless found). The
 * zone always exists (tzdb_exists).
 *
 * Thread-safe. The tables from ICU and zone.tab are built once per process;
 * the first call that compares rules has libical load every zone
 * (~50 ms), later calls take a few ms (see tests/unit/test_import_zone.c). */
import_zone_how import_zone_find(const char *tzid, icalcomponent *vtimezone, char *out,
                                 size_t size);

/* "Windows ID", "display name", "VTIMEZONE rules" or "nothing": for
 * messages. */
const char *import_zone_how_name(import_zone_how how);

#endif
