/*
 * tzdb.c - zone lookups in the system tz database (see tzdb.h).
 */
#include "tzdb.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

const char *tzdb_directory(void)
{
    const char *dir = getenv("TZDIR");
    return dir != NULL && dir[0] != '\0' ? dir : "/usr/share/zoneinfo";
}

/* IANA names are ASCII letters, digits, '_', '-', '+' and '/'-separated
 * parts that never start with '.'. */
static bool is_safe_name(const char *name)
{
    if (name[0] == '\0' || name[0] == '/' || strlen(name) > 128)
        return false;
    for (const char *p = name; *p; p++) {
        char c = *p;
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '+' ||
                  c == '/';
        if (!ok)
            return false;
        if (c == '/' && (p[1] == '/' || p[1] == '\0'))
            return false;
    }
    return true;
}

/* Whether the file DIR/NAME is a TZif file, as libical needs it. */
static bool is_tzif_file(const char *name)
{
    char path[512];
    int n = snprintf(path, sizeof path, "%s/%s", tzdb_directory(), name);
    if (n < 0 || (size_t)n >= sizeof path)
        return false;
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return false;
    char magic[4];
    bool ok = fread(magic, 1, 4, file) == 4 && memcmp(magic, "TZif", 4) == 0;
    fclose(file);
    return ok;
}

/* ---- IANA's names ------------------------------------------------------
 * tzdata.zi lists every zone ("Z Asia/Tashkent ...") and every link ("L
 * Europe/Kyiv Europe/Kiev"), in the compact form zic reads: the one list
 * of what IANA names. It is read once per process (a cache of a system
 * file, like libical's own zone cache) and kept sorted for bsearch. */

typedef struct {
    char *text;         /* the file's bytes; names point into it */
    const char **names; /* sorted */
    size_t count;
    bool loaded;        /* false: no tzdata.zi; fall back to the files */
} iana_names;

static iana_names iana;
static pthread_once_t iana_once = PTHREAD_ONCE_INIT;

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The name a tzdata.zi line declares, NUL-terminated in place, or NULL. */
static const char *declared_name(char *line)
{
    char *fields[3] = {0};
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(line, " \t", &save); p != NULL && n < 3;
         p = strtok_r(NULL, " \t", &save))
        fields[n++] = p;
    if (n >= 2 && strcmp(fields[0], "Z") == 0)
        /* Factory is a zone in the data, meaning "no zone was set" */
        return strcmp(fields[1], "Factory") != 0 ? fields[1] : NULL;
    if (n >= 3 && strcmp(fields[0], "L") == 0)
        return fields[2]; /* L TARGET LINK-NAME */
    return NULL;
}

static void load_iana_names(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tzdata.zi", tzdb_directory());
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return;
    size_t capacity = 0, length = 0;
    char *text = NULL;
    bool failed = false;
    for (;;) {
        if (length + 4096 + 1 > capacity) {
            capacity = capacity ? capacity * 2 : 1 << 17;
            char *bigger = capacity < (64u << 20) ? realloc(text, capacity) : NULL;
            if (bigger == NULL) {
                failed = true;
                break;
            }
            text = bigger;
        }
        size_t got = fread(text + length, 1, 4096, file);
        length += got;
        if (got < 4096)
            break;
    }
    failed = failed || ferror(file);
    fclose(file);
    size_t lines = 1;
    for (size_t i = 0; !failed && i < length; i++)
        lines += text[i] == '\n';
    const char **names = failed ? NULL : malloc(lines * sizeof *names);
    if (names == NULL) {
        free(text);
        return;
    }
    text[length] = '\0';
    size_t count = 0;
    for (char *line = text, *next; line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        const char *name = declared_name(line);
        if (name != NULL)
            names[count++] = name;
    }
    qsort(names, count, sizeof *names, by_string);
    iana = (iana_names){text, names, count, count > 0};
}

static bool is_iana_name(const char *name)
{
    pthread_once(&iana_once, load_iana_names);
    if (iana.loaded)
        return bsearch(&name, iana.names, iana.count, sizeof *iana.names, by_string) != NULL;
    /* No list: every TZif file but those known not to be zones. */
    char reason[8];
    return !tzdb_explain_refusal(name, reason, sizeof reason);
}

bool tzdb_exists(const char *name)
{
    return is_safe_name(name) && is_iana_name(name) && is_tzif_file(name);
}

bool tzdb_explain_refusal(const char *name, char *buffer, size_t size)
{
    if (!is_safe_name(name))
        return false;
    const char *rest = strchr(name, '/') != NULL ? strchr(name, '/') + 1 : "";
    if (strcmp(name, "localtime") == 0)
        snprintf(buffer, size, "it is this machine's own zone, so the same file would give "
                 "other feeds on another machine; name the zone, such as 'Asia/Tashkent'");
    else if (strcmp(name, "posixrules") == 0 || strcmp(name, "Factory") == 0)
        snprintf(buffer, size, "it is a file of the tz database's tools, not a zone; use an "
                 "IANA name such as 'Asia/Tashkent'");
    else if (strncmp(name, "posix/", 6) == 0 && is_iana_name(rest))
        snprintf(buffer, size, "it is a second copy of the database for other systems; "
                 "write '%s'", rest);
    else if (strncmp(name, "right/", 6) == 0 && is_iana_name(rest))
        snprintf(buffer, size, "it counts leap seconds, which calendar apps do not; write "
                 "'%s'", rest);
    else
        return false;
    return true;
}

/* Distance from NAME to ZONE, also trying NAME against the zone's city
 * ("Tashkent" is close to "Asia/Tashkent"). */
static size_t zone_distance(const char *name, const char *zone)
{
    size_t d = edit_distance(name, zone, true);
    const char *city = strrchr(zone, '/');
    if (city != NULL && strchr(name, '/') == NULL) {
        size_t dc = edit_distance(name, city + 1, true);
        if (dc < d)
            d = dc;
    }
    return d;
}

bool tzdb_suggest(const char *name, char *buffer, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/zone.tab", tzdb_directory());
    FILE *file = fopen(path, "r");
    size_t best = zone_distance(name, "UTC");
    snprintf(buffer, size, "UTC");
    char line[512];
    while (file != NULL && fgets(line, sizeof line, file) != NULL) {
        if (line[0] == '#')
            continue;
        /* country-code TAB coordinates TAB zone [TAB comments] */
        char *zone = strchr(line, '\t');
        zone = zone ? strchr(zone + 1, '\t') : NULL;
        if (zone == NULL)
            continue;
        zone++;
        zone[strcspn(zone, "\t\r\n")] = '\0';
        size_t d = zone_distance(name, zone);
        if (d < best) {
            best = d;
            snprintf(buffer, size, "%s", zone);
        }
    }
    if (file != NULL)
        fclose(file);
    size_t allowed = strlen(name) / 3;
    return best <= (allowed < 2 ? 2 : allowed);
}

/* ---- wall-clock times ---------------------------------------------------
 * A zone changes its UTC offset at most a few times a year, so the offsets
 * a day before and a day after a wall-clock time tell whether a change is
 * near; only then is the time looked at closely. */

int tzdb_offset_at(icaltimezone *zone, int64_t utc)
{
    icaltimetype t = icaltime_from_timet_with_zone((time_t)utc, 0,
                                                   icaltimezone_get_utc_timezone());
    return icaltimezone_get_utc_offset_of_utc_time(zone, &t, NULL);
}

/* The first second at or after LOW (whose offset is BEFORE) with another
 * offset, up to HIGH: the change itself. */
int64_t tzdb_find_change(icaltimezone *zone, int64_t low, int64_t high, int before)
{
    while (high - low > 1) {
        int64_t middle = low + (high - low) / 2;
        if (tzdb_offset_at(zone, middle) == before)
            low = middle;
        else
            high = middle;
    }
    return high;
}

const tzdb_zone *tzdb_zone_get(const char *name)
{
    return (const tzdb_zone *)icaltimezone_get_builtin_timezone(name);
}

tzdb_local_kind tzdb_classify_local(const tzdb_zone *handle, int64_t local, tzdb_change *change)
{
    /* the handle is libical's zone; its offsets are computed on demand and
     * cached inside libical, which is why it is not const there */
    icaltimezone *zone = (icaltimezone *)(uintptr_t)handle;
    if (zone == NULL)
        return TZDB_LOCAL_ONCE;
    const int64_t day = 86400;
    int before = tzdb_offset_at(zone, local - day), after = tzdb_offset_at(zone, local + day);
    if (before == after)
        return TZDB_LOCAL_ONCE;
    /* The wall-clock time is the instant LOCAL - offset, for whichever
     * offset holds at that instant: none in a gap, both in a fold. */
    bool as_before = tzdb_offset_at(zone, local - before) == before;
    bool as_after = tzdb_offset_at(zone, local - after) == after;
    if (as_before != as_after)
        return TZDB_LOCAL_ONCE;
    *change = (tzdb_change){before, after,
                            tzdb_find_change(zone, local - day, local + day, before)};
    return as_before ? TZDB_LOCAL_REPEATED : TZDB_LOCAL_SKIPPED;
}
