/*
 * tzdb.c - zone lookups in the system tz database (see tzdb.h).
 */
#include "tzdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char *tz_directory(void)
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

bool tzdb_exists(const char *name)
{
    if (!is_safe_name(name))
        return false;
    char path[512];
    int n = snprintf(path, sizeof path, "%s/%s", tz_directory(), name);
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
    snprintf(path, sizeof path, "%s/zone.tab", tz_directory());
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
