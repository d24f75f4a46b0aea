/*
 * import_zone.c - the IANA zone a non-IANA TZID means (see import_zone.h).
 *
 * ICU knows zones by CLDR's canonical IDs, which keep old names
 * ("Asia/Calcutta", "Europe/Kiev"); the tz database's zone.tab has the
 * current ones. Every zone of zone.tab is paired with its CLDR canonical
 * ID, so whatever ICU answers is written as the zone.tab zone ICU holds to
 * be the same. ICU's own tz data may be older than the system's (Debian
 * 12: ICU 72 has 2022e, tzdata is 2025b): a zone ICU does not know
 * (America/Ciudad_Juarez) has no Windows ID and only its own city.
 */
#include "import_zone.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/udat.h>
#include <unicode/uenum.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>

#include "tzdb.h"

enum {
    NAME_BYTES = 64,
    MAX_ZONES = 1024,   /* zone.tab has about 420 */
    MAX_PLACES = 2048,  /* cities of the zones and of their aliases */
    MAX_WINDOWS = 512,  /* CLDR has about 140 Windows IDs */
    TEXT_BYTES = 256,   /* the part of a TZID looked at */
    MAX_PARTS = 32,     /* places in a display name */
    MAX_FOUND = 64,     /* zones a display name names */
    MAX_WORDS = 32,
    FIRST_YEAR = 2015,
    LAST_YEAR = 2030,
    SAMPLES_PER_YEAR = 24, /* the 1st and the 15th of each month */
    /* samples, and two checks around each change between two samples */
    MAX_CHECKS = (LAST_YEAR - FIRST_YEAR + 1) * SAMPLES_PER_YEAR * 3
};

/* ---- the tables: zone.tab's zones and what ICU says of them ---------- */

typedef struct {
    char name[NAME_BYTES];      /* as zone.tab lists it: the name written out */
    char canonical[NAME_BYTES]; /* ICU's ID for it; "" when ICU lacks the zone */
    char windows[NAME_BYTES];   /* CLDR's Windows ID for it, or "" */
    bool golden;                /* the zone CLDR maps its Windows ID to (region 001) */
} zone_info;

typedef struct {
    char city[NAME_BYTES]; /* lower case, '_' as ' ' */
    size_t zone;
    bool weak;             /* a region's name ("Hawaii", "Eastern"): see names_a_place */
} place_info;

static struct {
    zone_info zones[MAX_ZONES]; /* sorted by name */
    size_t zone_count;
    place_info places[MAX_PLACES];
    size_t place_count;
    char windows[MAX_WINDOWS][NAME_BYTES]; /* every Windows ID ICU maps */
    size_t windows_count;
} table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* UTF-8 into a NUL-terminated UChar string; false when it does not fit. */
static bool to_uchars(const char *text, UChar *out, int32_t capacity)
{
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = 0;
    u_strFromUTF8WithSub(out, capacity, &length, text, -1, 0xFFFD, NULL, &status);
    return U_SUCCESS(status) && length < capacity;
}

/* LENGTH UChars (-1: NUL-terminated) into UTF-8; false when they do not fit. */
static bool from_uchars(const UChar *text, int32_t length, char *out, size_t size)
{
    UErrorCode status = U_ZERO_ERROR;
    int32_t written = 0;
    u_strToUTF8WithSub(out, (int32_t)size, &written, text, length, 0xFFFD, NULL, &status);
    return U_SUCCESS(status) && written >= 0 && (size_t)written < size;
}

/* ICU's canonical ID for zone ID, or false. */
static bool icu_canonical(const char *id, char *out, size_t size)
{
    UChar uid[NAME_BYTES], result[NAME_BYTES];
    UErrorCode status = U_ZERO_ERROR;
    UBool system = 0;
    if (!to_uchars(id, uid, NAME_BYTES))
        return false;
    int32_t n = ucal_getCanonicalTimeZoneID(uid, -1, result, NAME_BYTES, &system, &status);
    return U_SUCCESS(status) && n > 0 && n < NAME_BYTES && system &&
           from_uchars(result, n, out, size);
}

/* CLDR's Windows ID for zone ID, or false. */
static bool icu_windows_id(const char *id, char *out, size_t size)
{
    UChar uid[NAME_BYTES], result[NAME_BYTES];
    UErrorCode status = U_ZERO_ERROR;
    if (!to_uchars(id, uid, NAME_BYTES))
        return false;
    int32_t n = ucal_getWindowsTimeZoneID(uid, -1, result, NAME_BYTES, &status);
    return U_SUCCESS(status) && n > 0 && n < NAME_BYTES && from_uchars(result, n, out, size);
}

/* The zone CLDR maps Windows ID WINDOWS to for the world (region 001). */
static bool icu_zone_for_windows(const char *windows, char *out, size_t size)
{
    UChar uid[TEXT_BYTES], result[NAME_BYTES];
    UErrorCode status = U_ZERO_ERROR;
    if (!to_uchars(windows, uid, TEXT_BYTES))
        return false;
    int32_t n = ucal_getTimeZoneIDForWindowsID(uid, -1, "001", result, NAME_BYTES, &status);
    return U_SUCCESS(status) && n > 0 && n < NAME_BYTES && from_uchars(result, n, out, size);
}


static int by_name(const void *a, const void *b)
{
    return strcmp(((const zone_info *)a)->name, ((const zone_info *)b)->name);
}

/* zone.tab's zones: "code TAB coordinates TAB zone [TAB comment]". */
static void read_zone_tab(void)
{
    char path[512], line[512];
    snprintf(path, sizeof path, "%s/zone.tab", tzdb_directory());
    FILE *file = fopen(path, "r");
    while (file != NULL && fgets(line, sizeof line, file) != NULL &&
           table.zone_count < MAX_ZONES) {
        char *zone = line[0] == '#' ? NULL : strchr(line, '\t');
        zone = zone != NULL ? strchr(zone + 1, '\t') : NULL;
        if (zone == NULL)
            continue;
        zone++;
        zone[strcspn(zone, "\t\r\n")] = '\0';
        if (zone[0] != '\0' && strlen(zone) < NAME_BYTES)
            snprintf(table.zones[table.zone_count++].name, NAME_BYTES, "%s", zone);
    }
    if (file != NULL)
        fclose(file);
    qsort(table.zones, table.zone_count, sizeof table.zones[0], by_name);
    size_t kept = 0; /* a zone listed twice once */
    for (size_t i = 0; i < table.zone_count; i++)
        if (kept == 0 || strcmp(table.zones[kept - 1].name, table.zones[i].name) != 0)
            table.zones[kept++] = table.zones[i];
    table.zone_count = kept;
}

static size_t zone_by_canonical(const char *canonical)
{
    for (size_t i = 0; i < table.zone_count; i++)
        if (table.zones[i].canonical[0] != '\0' && strcmp(table.zones[i].canonical, canonical) == 0)
            return i;
    return SIZE_MAX;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ID's city: its last part, lower case, '_' as ' '. */
static void city_of(const char *id, char *out, size_t size)
{
    const char *slash = strrchr(id, '/');
    snprintf(out, size, "%s", slash != NULL ? slash + 1 : id);
    for (char *p = out; *p; p++)
        *p = *p == '_' ? ' ' : lower(*p);
}

static void add_place(const char *id, size_t zone, bool weak)
{
    char city[NAME_BYTES];
    city_of(id, city, sizeof city);
    for (size_t i = 0; i < table.place_count; i++)
        if (table.places[i].zone == zone && strcmp(table.places[i].city, city) == 0)
            return;
    if (table.place_count < MAX_PLACES) {
        place_info *p = &table.places[table.place_count++];
        memcpy(p->city, city, sizeof city);
        p->zone = zone;
        p->weak = weak;
    }
}

static void add_windows_id(const char *windows)
{
    for (size_t i = 0; i < table.windows_count; i++)
        if (strcmp(table.windows[i], windows) == 0)
            return;
    if (table.windows_count < MAX_WINDOWS)
        snprintf(table.windows[table.windows_count++], NAME_BYTES, "%s", windows);
}

/* An alias under a continent or ocean names a place ("Australia/Canberra",
 * "Asia/Calcutta"): 1. Those under a country ("US/Hawaii", "Canada/Eastern",
 * "Brazil/East") name regions, some of them what many zones are ("Eastern"):
 * weak places, 2, taken only when a display name's offset agrees. Others
 * ("EST5EDT", "Etc/Universal", "Japan") are no place: 0. */
static int names_a_place(const char *id)
{
    static const char *const areas[] = {"Africa/", "America/", "Antarctica/", "Arctic/",
                                        "Asia/", "Atlantic/", "Australia/", "Europe/",
                                        "Indian/", "Pacific/"};
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
        if (strncmp(id, areas[i], strlen(areas[i])) == 0)
            return 1;
    return strchr(id, '/') != NULL && strncmp(id, "Etc/", 4) != 0 &&
           strncmp(id, "SystemV/", 8) != 0 ? 2 : 0;
}

/* CLDR's Windows mapping, as ICU holds it (windowsZones: "mapTimezones",
 * then per Windows ID per region the zones, "001" the world's): every
 * Windows ID, and each zone's. Read in one pass: ucal_getWindowsTimeZoneID
 * scans the whole mapping on each call (25 us; 10 ms for zone.tab). */
static void read_windows_zones(void)
{
    UErrorCode status = U_ZERO_ERROR;
    UResourceBundle *map = ures_openDirect(NULL, "windowsZones", &status);
    map = ures_getByKey(map, "mapTimezones", map, &status);
    UResourceBundle *windows = NULL, *region = NULL;
    while (U_SUCCESS(status) && ures_hasNext(map)) {
        windows = ures_getNextResource(map, windows, &status);
        const char *windows_id = U_SUCCESS(status) ? ures_getKey(windows) : NULL;
        if (windows_id == NULL || strlen(windows_id) >= NAME_BYTES)
            continue;
        add_windows_id(windows_id);
        while (U_SUCCESS(status) && ures_hasNext(windows)) {
            region = ures_getNextResource(windows, region, &status);
            int32_t length = 0;
            const UChar *list = U_SUCCESS(status) ? ures_getString(region, &length, &status) : NULL;
            char zones[1024];
            if (list == NULL || !from_uchars(list, length, zones, sizeof zones))
                continue;
            bool world = ures_getKey(region) != NULL && strcmp(ures_getKey(region), "001") == 0;
            char *save = NULL;
            for (char *id = strtok_r(zones, " ", &save); id != NULL;
                 id = strtok_r(NULL, " ", &save)) {
                char canonical[NAME_BYTES];
                size_t i = icu_canonical(id, canonical, sizeof canonical)
                               ? zone_by_canonical(canonical) : SIZE_MAX;
                if (i == SIZE_MAX)
                    continue;
                if (table.zones[i].windows[0] == '\0')
                    snprintf(table.zones[i].windows, NAME_BYTES, "%s", windows_id);
                table.zones[i].golden |= world && strcmp(table.zones[i].windows, windows_id) == 0;
            }
        }
    }
    ures_close(region);
    ures_close(windows);
    ures_close(map);
}

static void build_table(void)
{
    read_zone_tab();
    for (size_t i = 0; i < table.zone_count; i++) {
        zone_info *z = &table.zones[i];
        if (!icu_canonical(z->name, z->canonical, NAME_BYTES))
            z->canonical[0] = '\0';
        add_place(z->name, i, false);
    }
    read_windows_zones();
    /* every ID ICU knows: aliases' cities */
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration *ids = ucal_openTimeZones(&status);
    const UChar *uid;
    int32_t length = 0;
    while (U_SUCCESS(status) && (uid = uenum_unext(ids, &length, &status)) != NULL) {
        char id[NAME_BYTES], canonical[NAME_BYTES];
        int place = from_uchars(uid, length, id, sizeof id) ? names_a_place(id) : 0;
        size_t zone = place != 0 && icu_canonical(id, canonical, sizeof canonical)
                          ? zone_by_canonical(canonical) : SIZE_MAX;
        if (zone != SIZE_MAX)
            add_place(id, zone, place == 2);
    }
    uenum_close(ids);
}

/* ---- offsets ------------------------------------------------------------ */


/* Days from 1970-01-01 to Y-M-D (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Noon UTC on the 1st (even I) or 15th (odd I) of month I / 2 of YEAR. */
static int64_t sample_at(int year, int i)
{
    return days_from_civil(year, i / 2 + 1, i % 2 ? 15 : 1) * 86400 + 12 * 3600;
}

/* The offsets a VTIMEZONE must share with a zone: at each instant AT,
 * OFFSET seconds east of UTC. */
typedef struct {
    int64_t at[MAX_CHECKS];
    int offset[MAX_CHECKS];
    size_t count;
} rule_checks;

/* The day (days since 1970) of the earliest observance of VTIMEZONE. */
static int64_t first_observance_day(icalcomponent *vtimezone)
{
    int64_t first = INT64_MAX;
    for (icalcomponent *c = icalcomponent_get_first_component(vtimezone, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(vtimezone, ICAL_ANY_COMPONENT)) {
        icalcomponent_kind kind = icalcomponent_isa(c);
        icalproperty *p = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
        if ((kind != ICAL_XSTANDARD_COMPONENT && kind != ICAL_XDAYLIGHT_COMPONENT) || p == NULL)
            continue;
        icaltimetype t = icalproperty_get_dtstart(p);
        if (icaltime_is_null_time(t) || t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31)
            continue;
        int64_t day = days_from_civil(t.year, t.month, t.day);
        if (day < first)
            first = day;
    }
    return first;
}

/* The checks VTIMEZONE's offsets make: false when libical cannot read it. */
static bool build_checks(icalcomponent *vtimezone, rule_checks *checks)
{
    checks->count = 0;
    icalcomponent *clone = icalcomponent_new_clone(vtimezone);
    icaltimezone *zone = icaltimezone_new();
    if (clone == NULL || zone == NULL || !icaltimezone_set_component(zone, clone)) {
        if (clone != NULL)
            icalcomponent_free(clone);
        if (zone != NULL)
            icaltimezone_free(zone, 1);
        return false;
    }
    /* the zone, owning the clone now, says nothing before its first
     * observance (a day's margin for its local time) */
    int64_t first_day = first_observance_day(vtimezone);
    for (int year = FIRST_YEAR; year <= LAST_YEAR; year++)
        for (int i = 0; i < SAMPLES_PER_YEAR; i++) {
            int64_t at = sample_at(year, i);
            if (first_day != INT64_MAX && at < (first_day + 1) * 86400)
                continue;
            checks->at[checks->count] = at;
            checks->offset[checks->count++] = tzdb_offset_at(zone, at);
        }
    size_t samples = checks->count;
    for (size_t i = 0; i + 1 < samples; i++) {
        if (checks->offset[i] == checks->offset[i + 1])
            continue;
        int64_t change = tzdb_find_change(zone, checks->at[i], checks->at[i + 1], checks->offset[i]);
        checks->at[checks->count] = change - 1;
        checks->offset[checks->count++] = checks->offset[i];
        checks->at[checks->count] = change;
        checks->offset[checks->count++] = tzdb_offset_at(zone, change);
    }
    icaltimezone_free(zone, 1);
    return checks->count > 0;
}

static bool zone_agrees(const char *name, const rule_checks *checks)
{
    icaltimezone *zone = icaltimezone_get_builtin_timezone(name);
    if (zone == NULL)
        return false;
    for (size_t i = 0; i < checks->count; i++)
        if (tzdb_offset_at(zone, checks->at[i]) != checks->offset[i])
            return false;
    return true;
}

/* ---- a first look at the zones' files ------------------------------------
 * libical takes about a millisecond to load a zone and expand its changes
 * (a third of a second for all of zone.tab; over ten under valgrind), and
 * most zones differ from a VTIMEZONE on the first sample day. The zone's TZif
 * file (RFC 9636) gives its offsets directly, so zones it shows to differ
 * are not loaded; libical decides for the others. Only what the file says
 * for certain is used: its transitions, and after the last one the offset
 * of that one when the footer has no daylight-saving rule. Read once per
 * process, for the years sampled. */

enum { MAX_FILE_CHANGES = 96, MAX_TZIF_BYTES = 1 << 20 };

typedef struct {
    bool known;         /* false: the file says nothing (unread, or not TZif 2+) */
    int64_t until;      /* the file tells offsets before this instant */
    int first;          /* the offset at the start of the window */
    size_t count;
    int64_t at[MAX_FILE_CHANGES]; /* changes in the window, in order */
    int offset[MAX_FILE_CHANGES]; /* the offset from at[i] on */
} file_changes;

static file_changes *zone_files; /* one per table.zones, or NULL */
static pthread_once_t files_once = PTHREAD_ONCE_INIT;

static int64_t window_start(void)
{
    return days_from_civil(FIRST_YEAR, 1, 1) * 86400 - 2 * 86400;
}

static int64_t window_end(void)
{
    return days_from_civil(LAST_YEAR + 1, 1, 1) * 86400;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The size of a TZif data block after the header at P with 8-byte
 * (version 2+) or 4-byte times; counts into COUNTS. */
static size_t tzif_block(const unsigned char *p, size_t time_bytes, uint32_t counts[6])
{
    for (int i = 0; i < 6; i++)
        counts[i] = be32(p + 20 + 4 * i);
    if (counts[3] > 100000 || counts[4] == 0 || counts[4] > 256 || counts[5] > 100000 ||
        counts[2] > 100000 || counts[0] > 256 || counts[1] > 256)
        return SIZE_MAX;
    /* isutcnt isstdcnt leapcnt timecnt typecnt charcnt */
    return counts[3] * (time_bytes + 1) + counts[4] * 6 + counts[5] +
           counts[2] * (time_bytes + 4) + counts[1] + counts[0];
}

/* Whether the footer from P ("\n<+09>-9\n", "\nJST-9\n") is a zone
 * name and an offset only: no daylight-saving time, so no change after the
 * last transition ("\nCET-1CEST,M3.5.0,M10.5.0/3\n" has one). */
static bool footer_is_fixed(const unsigned char *p, const unsigned char *end)
{
    if (p >= end || *p++ != '\n')
        return false;
    if (p < end && *p == '<') {
        while (p < end && *p != '>')
            p++;
        if (p++ == end)
            return false;
    } else {
        const unsigned char *name = p;
        while (p < end && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
            p++;
        if (p - name < 3)
            return false;
    }
    if (p < end && (*p == '+' || *p == '-'))
        p++;
    const unsigned char *digits = p;
    while (p < end && ((*p >= '0' && *p <= '9') || *p == ':'))
        p++;
    return p > digits && p < end && *p == '\n';
}

/* What zone NAME's file says of the window, read with DATA
 * (MAX_TZIF_BYTES). */
static void read_tzif(const char *name, file_changes *z, unsigned char *data)
{
    char path[512];
    z->known = false;
    int n = snprintf(path, sizeof path, "%s/%s", tzdb_directory(), name);
    FILE *file = n > 0 && (size_t)n < sizeof path ? fopen(path, "rb") : NULL;
    if (file == NULL)
        return;
    size_t length = fread(data, 1, MAX_TZIF_BYTES, file);
    fclose(file);
    uint32_t counts[6];
    size_t skip = length >= 44 && memcmp(data, "TZif", 4) == 0 && data[4] >= '2'
                      ? tzif_block(data, 4, counts) : SIZE_MAX;
    const unsigned char *h = skip != SIZE_MAX && length >= 88 && skip <= length - 88
                                 ? data + 44 + skip : NULL;
    size_t block = h != NULL && memcmp(h, "TZif", 4) == 0 ? tzif_block(h, 8, counts) : SIZE_MAX;
    if (block == SIZE_MAX || block > length - (size_t)(h + 44 - data))
        return;
    const unsigned char *times = h + 44, *types = times + counts[3] * 8, *infos = types + counts[3];
    const unsigned char *footer = h + 44 + block, *end = data + length;
    bool ruled = !footer_is_fixed(footer, end);
    int64_t start = window_start(), stop = window_end();
    uint32_t type = 0; /* before the first transition: the first type */
    z->count = 0;
    z->until = INT64_MAX;
    for (uint32_t i = 0; i < counts[3]; i++) {
        int64_t at = be64(times + 8 * i);
        if (types[i] >= counts[4])
            break;
        if (at <= start) {
            type = types[i];
            continue;
        }
        if (at >= stop)
            break;
        if (z->count == MAX_FILE_CHANGES) {
            z->until = at;
            break;
        }
        z->at[z->count] = at;
        z->offset[z->count++] = (int)(int32_t)be32(infos + 6 * types[i]);
    }
    int64_t last = counts[3] > 0 ? be64(times + 8 * (counts[3] - 1)) : INT64_MIN;
    if (ruled && last < z->until)
        z->until = last; /* after it, the footer's rule: not read here */
    z->first = (int)(int32_t)be32(infos + 6 * type);
    z->known = z->until > start;
}

static void read_zone_files(void)
{
    unsigned char *data = malloc(MAX_TZIF_BYTES);
    zone_files = data != NULL ? calloc(table.zone_count + 1, sizeof *zone_files) : NULL;
    for (size_t i = 0; zone_files != NULL && i < table.zone_count; i++)
        read_tzif(table.zones[i].name, &zone_files[i], data);
    free(data);
}

/* Whether zone I's file shows it to differ from CHECKS. */
static bool file_differs(size_t i, const rule_checks *checks)
{
    pthread_once(&files_once, read_zone_files);
    const file_changes *z = zone_files != NULL ? &zone_files[i] : NULL;
    if (z == NULL || !z->known)
        return false;
    int64_t start = window_start(), stop = window_end();
    for (size_t k = 0; k < checks->count; k++) {
        int64_t t = checks->at[k];
        if (t < start || t >= z->until || t >= stop)
            continue;
        int offset = z->first;
        for (size_t c = 0; c < z->count && z->at[c] <= t; c++)
            offset = z->offset[c];
        if (offset != checks->offset[k])
            return true;
    }
    return false;
}

/* Whether OFFSET is NAME's standard offset (the lower of mid-January's and
 * mid-July's) in a year of 2015-2030. */
static bool has_standard_offset(const char *name, int offset)
{
    icaltimezone *zone = icaltimezone_get_builtin_timezone(name);
    for (int year = FIRST_YEAR; zone != NULL && year <= LAST_YEAR; year++) {
        int january = tzdb_offset_at(zone, sample_at(year, 1));
        int july = tzdb_offset_at(zone, sample_at(year, 13));
        if ((january < july ? january : july) == offset)
            return true;
    }
    return false;
}

/* ---- words -------------------------------------------------------------- */

typedef struct {
    char word[MAX_WORDS][24];
    size_t count;
} word_list;

/* TEXT's words: runs of ASCII letters and digits, lower case, of two
 * letters or more, but those every Windows ID has. */
static void add_words(word_list *words, const char *text)
{
    static const char *const common[] = {"standard", "time", "daylight", "summer", "zone"};
    const char *p = text;
    while (*p) {
        while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                       (*p >= '0' && *p <= '9')))
            p++;
        char w[24];
        size_t n = 0;
        for (; (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9');
             p++)
            if (n + 1 < sizeof w)
                w[n++] = lower(*p);
        w[n] = '\0';
        bool skip = n < 2 || words->count == MAX_WORDS;
        for (size_t i = 0; !skip && i < sizeof common / sizeof common[0]; i++)
            skip = strcmp(w, common[i]) == 0;
        for (size_t i = 0; !skip && i < words->count; i++)
            skip = strcmp(w, words->word[i]) == 0;
        if (!skip)
            memcpy(words->word[words->count++], w, n + 1);
    }
}

static bool has_word(const word_list *words, const char *w)
{
    for (size_t i = 0; i < words->count; i++)
        if (strcmp(words->word[i], w) == 0)
            return true;
    return false;
}

/* ---- 1. Windows IDs ------------------------------------------------------ */

static bool ascii_equal_fold(const char *a, const char *b)
{
    for (; *a && lower(*a) == lower(*b); a++, b++)
        ;
    return *a == *b;
}

/* The zone.tab zone ICU holds to be zone ID, else ID itself: false when
 * the result is no zone of the tz database. */
static bool write_zone(const char *id, char *out, size_t size)
{
    char canonical[NAME_BYTES];
    size_t i = icu_canonical(id, canonical, sizeof canonical) ? zone_by_canonical(canonical)
                                                                : SIZE_MAX;
    const char *name = i != SIZE_MAX ? table.zones[i].name : id;
    if (!tzdb_exists(name) || strlen(name) >= size)
        return false;
    snprintf(out, size, "%s", name);
    return true;
}

static bool by_windows_id(const char *text, char *out, size_t size)
{
    char zone[NAME_BYTES];
    if (icu_zone_for_windows(text, zone, sizeof zone))
        return write_zone(zone, out, size);
    for (size_t i = 0; i < table.windows_count; i++)
        if (ascii_equal_fold(text, table.windows[i]))
            return icu_zone_for_windows(table.windows[i], zone, sizeof zone) &&
                   write_zone(zone, out, size);
    return false;
}

/* ---- 2. display names ------------------------------------------------------ */

/* A leading "(UTC+hh:mm)", "(GMT-hh.mm)" or "(UTC)": its offset in
 * seconds into *OFFSET, and the text after it; TEXT when there is none. */
static const char *skip_offset_prefix(const char *text, bool *has_offset, int *offset)
{
    *has_offset = false;
    const char *p = text;
    if (*p != '(' || (strncmp(p + 1, "UTC", 3) != 0 && strncmp(p + 1, "GMT", 3) != 0))
        return text;
    p += 4;
    int sign = 0, hours = 0, minutes = 0;
    if (*p == '+' || *p == '-') {
        sign = *p++ == '-' ? -1 : 1;
        int digits = 0;
        for (; *p >= '0' && *p <= '9' && digits < 2; p++, digits++)
            hours = hours * 10 + (*p - '0');
        if (digits == 0 || hours > 14)
            return text;
        if (*p == ':' || *p == '.') {
            p++;
            if (!(p[0] >= '0' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9'))
                return text;
            minutes = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
        }
    }
    if (*p != ')')
        return text;
    *has_offset = true;
    *offset = (sign < 0 ? -1 : 1) * (hours * 3600 + minutes * 60);
    return p + 1;
}

/* The zones a display name names, in the order it names them. */
typedef struct {
    zone_info zone[MAX_FOUND];
    size_t count;
} found_zones;

static void add_found(found_zones *found, const zone_info *zone)
{
    for (size_t i = 0; i < found->count; i++)
        if (strcmp(found->zone[i].name, zone->name) == 0)
            return;
    if (found->count < MAX_FOUND)
        found->zone[found->count++] = *zone;
}

/* An ICU zone ID as a zone of the table, or one of its own (Etc/UTC). */
static bool add_icu_zone(found_zones *found, const char *id)
{
    char canonical[NAME_BYTES];
    if (!icu_canonical(id, canonical, sizeof canonical) || strcmp(canonical, "Etc/Unknown") == 0)
        return false;
    size_t i = zone_by_canonical(canonical);
    if (i != SIZE_MAX) {
        add_found(found, &table.zones[i]);
        return true;
    }
    if (!tzdb_exists(canonical))
        return false;
    zone_info zone = {.golden = false};
    snprintf(zone.name, NAME_BYTES, "%s", canonical);
    snprintf(zone.canonical, NAME_BYTES, "%s", canonical);
    if (!icu_windows_id(canonical, zone.windows, NAME_BYTES))
        zone.windows[0] = '\0';
    add_found(found, &zone);
    return true;
}

/* ICU's English zone names, as the patterns of a date format parse them:
 * exemplar cities (VVV: "Kolkata"), generic and specific names (vvvv:
 * "Eastern Time"; zzzz: "India Standard Time"). */
typedef struct {
    bool opened; /* on first use: ICU's names take long to load (60 ms) */
    UDateFormat *format[3];
    UCalendar *calendar;
} icu_names;

static void icu_names_open(icu_names *names)
{
    static const char *const patterns[] = {"VVV", "vvvv", "zzzz"};
    UErrorCode status = U_ZERO_ERROR;
    names->opened = true;
    for (size_t i = 0; i < 3; i++) {
        UChar pattern[8];
        to_uchars(patterns[i], pattern, 8);
        status = U_ZERO_ERROR;
        names->format[i] = udat_open(UDAT_PATTERN, UDAT_PATTERN, "en", NULL, 0, pattern, -1,
                                     &status);
        if (U_FAILURE(status)) {
            udat_close(names->format[i]);
            names->format[i] = NULL;
        }
    }
    status = U_ZERO_ERROR;
    names->calendar = ucal_open(NULL, 0, "en", UCAL_GREGORIAN, &status);
    if (U_FAILURE(status)) {
        ucal_close(names->calendar);
        names->calendar = NULL;
    }
}

static void icu_names_close(icu_names *names)
{
    for (size_t i = 0; names->opened && i < 3; i++)
        if (names->format[i] != NULL)
            udat_close(names->format[i]);
    if (names->opened && names->calendar != NULL)
        ucal_close(names->calendar);
}

/* Adds the zone ICU reads the whole of PART as; false when none. */
static bool add_icu_named(found_zones *found, icu_names *names, const char *part)
{
    UChar text[TEXT_BYTES], unknown[16];
    int32_t length = 0;
    if (!names->opened)
        icu_names_open(names);
    if (names->calendar == NULL || !to_uchars(part, text, TEXT_BYTES))
        return false;
    length = u_strlen(text);
    to_uchars("Etc/Unknown", unknown, 16);
    for (size_t i = 0; i < 3; i++) {
        UErrorCode status = U_ZERO_ERROR;
        int32_t position = 0;
        if (names->format[i] == NULL)
            continue;
        ucal_setTimeZone(names->calendar, unknown, -1, &status);
        udat_parseCalendar(names->format[i], names->calendar, text, length, &position, &status);
        UChar id[NAME_BYTES];
        char zone[NAME_BYTES];
        UErrorCode id_status = U_ZERO_ERROR;
        int32_t n = ucal_getTimeZoneID(names->calendar, id, NAME_BYTES, &id_status);
        if (U_SUCCESS(status) && position == length && U_SUCCESS(id_status) && n > 0 &&
            n < NAME_BYTES && from_uchars(id, n, zone, sizeof zone) && add_icu_zone(found, zone))
            return true;
    }
    return false;
}

/* Whether CITY stands as whole words in PART; a CITY of one word only
 * when ANY_CITY. */
static bool contains_city(const char *part, const char *city, bool any_city)
{
    size_t n = strlen(city);
    if (!any_city && strchr(city, ' ') == NULL)
        return false;
    for (const char *p = strstr(part, city); p != NULL; p = strstr(p + 1, city)) {
        bool starts = p == part || p[-1] == ' ';
        bool ends = p[n] == '\0' || p[n] == ' ';
        if (starts && ends)
            return true;
    }
    return false;
}

/* PART, lower case, '_' and runs of blanks as one ' ', trimmed. */
static void normalize(const char *part, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = part; *p && n + 1 < size; p++) {
        char c = *p == '_' || *p == '\t' ? ' ' : lower(*p);
        if (c == ' ' && (n == 0 || out[n - 1] == ' '))
            continue;
        out[n++] = c;
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

/* Adds the zones PART names: a place's city, else what ICU reads it as
 * (but for a word of ASCII letters), else cities within it. With an
 * OFFSET to check them by, also regions (weak places) and cities of one
 * word within it ("Easter Island"). */
static void add_named(found_zones *found, icu_names *names, char *part, bool offset)
{
    char text[TEXT_BYTES];
    normalize(part, text, sizeof text);
    if (text[0] == '\0')
        return;
    part += strspn(part, " \t");
    for (size_t n = strlen(part); n > 0 && (part[n - 1] == ' ' || part[n - 1] == '\t'); n--)
        part[n - 1] = '\0';
    bool any = false;
    for (size_t i = 0; i < table.place_count; i++)
        if ((offset || !table.places[i].weak) && strcmp(table.places[i].city, text) == 0) {
            add_found(found, &table.zones[table.places[i].zone]);
            any = true;
        }
    /* ICU's names of one ASCII word are the tz database's cities, mostly
     * ("Kolkata"; CLDR's IDs are older: "Asia/Calcutta"); asked only for
     * others ("Eastern Time", "Ho Chi Minh City", "Asunción"), loading its
     * names costs nothing for TZIDs such as "Eastern" */
    bool one_ascii_word = strchr(text, ' ') == NULL;
    for (const char *p = text; one_ascii_word && *p; p++)
        one_ascii_word = (unsigned char)*p < 0x80;
    if (any || (!one_ascii_word && add_icu_named(found, names, part)))
        return;
    for (size_t i = 0; i < table.place_count; i++)
        if ((offset || !table.places[i].weak) && contains_city(text, table.places[i].city, offset))
            add_found(found, &table.zones[table.places[i].zone]);
}

/* Keeps the zones for which KEEP holds; when none does, all of them, or,
 * when STRICT, none. */
static void keep_zones(found_zones *found, bool (*keep)(const zone_info *, const void *),
                       const void *data, bool strict)
{
    size_t kept = 0;
    bool keeps[MAX_FOUND];
    for (size_t i = 0; i < found->count; i++) {
        keeps[i] = keep(&found->zone[i], data);
        kept += keeps[i];
    }
    if (kept == 0 && !strict)
        return;
    kept = 0;
    for (size_t i = 0; i < found->count; i++)
        if (keeps[i])
            found->zone[kept++] = found->zone[i];
    found->count = kept;
}

static bool keep_offset(const zone_info *zone, const void *offset)
{
    return has_standard_offset(zone->name, *(const int *)offset);
}

static bool keep_agreeing(const zone_info *zone, const void *checks)
{
    zone_info key;
    snprintf(key.name, sizeof key.name, "%s", zone->name);
    const zone_info *listed = bsearch(&key, table.zones, table.zone_count, sizeof key, by_name);
    return (listed == NULL || !file_differs((size_t)(listed - table.zones), checks)) &&
           zone_agrees(zone->name, checks);
}

/* Of the zones found, the Windows zone with most; its CLDR zone when found,
 * else its first. A zone without a Windows ID is its own group. */
static const zone_info *pick_found(const found_zones *found)
{
    size_t best = SIZE_MAX, best_count = 0;
    for (size_t i = 0; i < found->count; i++) {
        size_t count = 0;
        for (size_t j = 0; j < found->count; j++)
            count += found->zone[i].windows[0] != '\0'
                         ? strcmp(found->zone[i].windows, found->zone[j].windows) == 0
                         : i == j;
        if (count > best_count) {
            best = i;
            best_count = count;
        }
    }
    if (best == SIZE_MAX)
        return NULL;
    for (size_t j = 0; found->zone[best].windows[0] != '\0' && j < found->count; j++)
        if (found->zone[j].golden && strcmp(found->zone[j].windows, found->zone[best].windows) == 0)
            return &found->zone[j];
    return &found->zone[best];
}

static bool by_display_name(const char *text, const rule_checks *checks, char *out, size_t size)
{
    bool has_offset = false;
    int offset = 0;
    char rest[TEXT_BYTES];
    snprintf(rest, sizeof rest, "%s", skip_offset_prefix(text, &has_offset, &offset));
    found_zones found = {.count = 0};
    icu_names names = {.opened = false};
    char *save = NULL;
    size_t parts = 0;
    for (char *part = strtok_r(rest, ",/;()", &save); part != NULL && parts < MAX_PARTS;
         part = strtok_r(NULL, ",/;()", &save), parts++)
        add_named(&found, &names, part, has_offset);
    icu_names_close(&names);
    if (has_offset)
        keep_zones(&found, keep_offset, &offset, true);
    if (checks != NULL)
        keep_zones(&found, keep_agreeing, checks, false);
    const zone_info *zone = pick_found(&found);
    return zone != NULL && tzdb_exists(zone->name) &&
           (size_t)snprintf(out, size, "%s", zone->name) < size;
}

/* ---- 3. rules ---------------------------------------------------------------- */

typedef struct {
    size_t shared; /* TZID's words in the zone's name or Windows ID */
    bool golden;
    size_t extra;  /* the Windows ID's other words, when some are shared */
} zone_score;

static bool better(zone_score a, zone_score b)
{
    if (a.shared != b.shared)
        return a.shared > b.shared;
    if (a.golden != b.golden)
        return a.golden;
    return a.shared > 0 && a.extra < b.extra;
}

static zone_score score_zone(const zone_info *zone, const word_list *tzid_words)
{
    word_list zone_words = {.count = 0}, windows_words = {.count = 0};
    add_words(&zone_words, zone->name);
    add_words(&windows_words, zone->windows);
    zone_score score = {.shared = 0, .golden = zone->golden, .extra = 0};
    for (size_t i = 0; i < tzid_words->count; i++)
        score.shared += has_word(&zone_words, tzid_words->word[i]) ||
                        has_word(&windows_words, tzid_words->word[i]);
    for (size_t i = 0; i < windows_words.count; i++)
        score.extra += !has_word(tzid_words, windows_words.word[i]);
    return score;
}

static bool by_rules(const char *tzid, const rule_checks *checks, char *out, size_t size)
{
    word_list words = {.count = 0};
    add_words(&words, tzid);
    size_t best = SIZE_MAX;
    zone_score best_score = {0, false, 0};
    for (size_t i = 0; i < table.zone_count; i++) {
        if (file_differs(i, checks) || !zone_agrees(table.zones[i].name, checks))
            continue;
        zone_score score = score_zone(&table.zones[i], &words);
        if (best == SIZE_MAX || better(score, best_score)) {
            best = i;
            best_score = score;
        }
    }
    return best != SIZE_MAX && tzdb_exists(table.zones[best].name) &&
           (size_t)snprintf(out, size, "%s", table.zones[best].name) < size;
}

/* ---- the lookup ---------------------------------------------------------------- */

import_zone_how import_zone_find(const char *tzid, icalcomponent *vtimezone, char *out,
                                 size_t size)
{
    if (size > 0)
        out[0] = '\0';
    if (tzid == NULL || size == 0)
        return IMPORT_ZONE_NONE;
    pthread_once(&table_once, build_table);
    /* trimmed of blanks and quotes */
    char text[TEXT_BYTES];
    const char *start = tzid + strspn(tzid, " \t\"");
    snprintf(text, sizeof text, "%s", start);
    size_t n = strlen(text);
    while (n > 0 && strchr(" \t\"", text[n - 1]) != NULL)
        text[--n] = '\0';
    if (n == 0)
        return IMPORT_ZONE_NONE;

    if (by_windows_id(text, out, size))
        return IMPORT_ZONE_WINDOWS_ID;
    /* libical 3.0 loads a built-in zone under its own lock but looks zones
     * up without it (ThreadSanitizer: a zone's name freed while another
     * thread compares it): calls take turns from here on */
    static pthread_mutex_t libical_turn = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&libical_turn);
    rule_checks *checks = NULL;
    if (vtimezone != NULL) {
        checks = malloc(sizeof *checks);
        if (checks != NULL && !build_checks(vtimezone, checks)) {
            free(checks);
            checks = NULL;
        }
    }
    import_zone_how how = IMPORT_ZONE_NONE;
    if (by_display_name(text, checks, out, size))
        how = IMPORT_ZONE_DISPLAY_NAME;
    else if (checks != NULL && by_rules(text, checks, out, size))
        how = IMPORT_ZONE_RULES;
    free(checks);
    pthread_mutex_unlock(&libical_turn);
    if (how == IMPORT_ZONE_NONE)
        out[0] = '\0';
    return how;
}

const char *import_zone_how_name(import_zone_how how)
{
    switch (how) {
    case IMPORT_ZONE_WINDOWS_ID:
        return "Windows ID";
    case IMPORT_ZONE_DISPLAY_NAME:
        return "display name";
    case IMPORT_ZONE_RULES:
        return "VTIMEZONE rules";
    case IMPORT_ZONE_NONE:
        break;
    }
    return "nothing";
}
