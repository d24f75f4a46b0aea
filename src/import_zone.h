/*
 * import_zone.h - the IANA zone a TZID means when it is not an IANA name.
 *
 * Outlook writes Windows zone IDs ("W. Europe Standard Time"), some
 * exporters Windows display names ("(UTC+10:00) Canberra, Melbourne,
 * Sydney"), Lotus Notes short names with a VTIMEZONE ("Eastern"). An event
 * imported in a fixed offset stops following its zone's daylight-saving
 * rules; these lookups find the zone so that it keeps following them.
 *
 * The names come from ICU (libicu, with CLDR's data): its Windows mapping,
 * its zone aliases and English zone names. The zones are the system tz
 * database's zone.tab (libical's built-in zones), written under their
 * zone.tab names: "Asia/Kolkata" where CLDR, and so ICU, says
 * "Asia/Calcutta". No zone name is written into the code.
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
 *  1. TZID is a Windows zone ID (exactly, else ignoring case): the zone
 *     CLDR maps it to for region 001 (ucal_getTimeZoneIDForWindowsID). The
 *     VTIMEZONE is not consulted: Outlook's describes only today's rules.
 *  2. TZID names places or zones, as display names do. It is cut at
 *     , / ; ( and ), after an optional "(UTC+hh:mm)" or "(GMT+hh.mm)"
 *     prefix. A part names the zones whose city it is in the tz database
 *     (the last part of the zone's name or of an alias under a continent
 *     or ocean, '_' as ' ': "Canberra" is Australia/Sydney's), else the
 *     zone ICU reads the whole part as in English ("Eastern Time",
 *     "Ho Chi Minh City"; not asked for a single ASCII word), else the
 *     zones whose city of several words stands in it ("City of Buenos
 *     Aires"). With a prefix, the zones must have its offset as a
 *     standard offset in 2015-2030; in exchange a part may also be a
 *     region's alias ("Hawaii" from US/Hawaii) or hold a city of one word
 *     ("Easter Island"). With a VTIMEZONE, the zones that agree with it
 *     (as in 3) are kept when any does. Of the zones named, the Windows
 *     zone with most of them wins (the first named on a tie), and of its
 *     zones the one CLDR maps it to when named, else the first named.
 *  3. Else, with a VTIMEZONE, its offsets against each zone's, strictly:
 *     equal at noon UTC on the 1st and 15th of each month of 2015-2030
 *     (those after its first observance) and on both sides of each change
 *     of offset it makes then, both by libical (as the zone will be used)
 *     and by the zone's file where it tells. Of the zones that agree: most
 *     words shared with TZID (in the zone's name or its Windows ID:
 *     "Eastern" in "Eastern Standard Time"), then the zone CLDR maps a
 *     Windows ID to, then (when words are shared) fewest other words in
 *     the Windows ID, then the first by name.
 *
 * TZID is UTF-8; only its first 255 bytes are looked at. VTIMEZONE may be
 * NULL; when not, it must have passed tz_check (import_tz.h): its
 * expansion is not bounded here. Both are borrowed and left as they are
 * (the VTIMEZONE is cloned). Writes the zone into OUT (SIZE bytes; "" when
 * none, or when it does not fit). The zone always exists (tzdb_exists).
 *
 * Thread-safe; calls that get past step 1 take turns, as libical 3.0 is
 * not safe loading its built-in zones from two threads (other code using
 * them at the same time is not held back). Costs at -O2 (the mean of 200
 * calls after a first): the first call of a process reads the tables
 * (5-10 ms); then a Windows ID takes 0.02 ms, a display name 0.02 ms (0.2
 * ms when ICU is asked; loading its names, once, 80-120 ms), the rules
 * 3 ms (30-45 ms the first time: every zone's file is read). */
import_zone_how import_zone_find(const char *tzid, icalcomponent *vtimezone, char *out,
                                 size_t size);

/* "Windows ID", "display name", "VTIMEZONE rules" or "nothing": for
 * messages. */
const char *import_zone_how_name(import_zone_how how);

#endif
