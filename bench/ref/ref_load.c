/* ref_load: reading events.json for the reference programs of make bench
 * (see ref_load.h). No validation: the bench's inputs are generated valid,
 * and a limit should not pay for checks. */
#define _POSIX_C_SOURCE 200809L
#include "ref_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

double ref_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void ref_phase(const char *name, double since)
{
    const char *want = getenv("REF_PHASES");
    if (want != NULL && strcmp(want, "1") == 0)
        fprintf(stderr, "phase %s: %.3f s\n", name, ref_now() - since);
}

/* The whole file, NUL-terminated, in one buffer of its size. */
static char *read_all(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    struct stat st;
    char *text = NULL;
    if (fstat(fileno(f), &st) == 0 && st.st_size >= 0)
        text = malloc((size_t)st.st_size + 1);
    size_t used = text != NULL ? fread(text, 1, (size_t)st.st_size, f) : 0;
    if (text != NULL && (ferror(f) || used != (size_t)st.st_size)) {
        free(text);
        text = NULL;
    }
    fclose(f);
    if (text != NULL)
        text[used] = '\0';
    *length = used;
    return text;
}

const char *ref_string(const cJSON *object, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

int ref_doc_load(const char *path, ref_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    double t = ref_now();
    size_t length;
    doc->text = read_all(path, &length);
    if (doc->text == NULL) {
        perror(path);
        return -1;
    }
    ref_phase("read", t);
    t = ref_now();
    const char *end = NULL;
    doc->root = cJSON_ParseWithLengthOpts(doc->text, length, &end, 0);
    if (doc->root == NULL) {
        fprintf(stderr, "%s: not JSON (near byte %zu)\n", path,
                end != NULL ? (size_t)(end - doc->text) : 0);
        return -1;
    }
    const cJSON *calendar = cJSON_GetObjectItemCaseSensitive(doc->root, "calendar");
    doc->calendar_id = ref_string(calendar, "id");
    doc->calendar_name = ref_string(calendar, "name");
    doc->calendar_timezone = ref_string(calendar, "timezone");
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(doc->root, "events");
    int count = cJSON_GetArraySize(events);
    doc->events = malloc(sizeof *doc->events * (size_t)(count > 0 ? count : 1));
    if (doc->calendar_id == NULL || doc->events == NULL) {
        fprintf(stderr, "%s: no calendar id or out of memory\n", path);
        return -1;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, events)
        doc->events[doc->count++] = e;
    ref_phase("parse", t);
    return 0;
}

void ref_doc_free(ref_doc *doc)
{
    cJSON_Delete(doc->root);
    free(doc->events);
    free(doc->text);
    memset(doc, 0, sizeof *doc);
}

/* "YYYY[-MM[-DD[THH:MM[:SS]]]]": how many of year, month, day were given. */
static int parse_date(const char *text, ref_date *d)
{
    memset(d, 0, sizeof *d);
    d->month = d->day = 1;
    int parts = sscanf(text, "%d-%d-%dT%d:%d:%d", &d->year, &d->month, &d->day, &d->hour,
                       &d->minute, &d->second);
    d->timed = parts >= 5;
    return parts > 3 ? 3 : parts;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

void ref_event_dates(const cJSON *e, ref_date *start, ref_date *end, bool *has_end)
{
    const char *first = ref_string(e, "start");
    const char *last = ref_string(e, "end");
    parse_date(first != NULL ? first : "1970", start);
    if (start->timed) {
        *has_end = last != NULL;
        if (last != NULL)
            parse_date(last, end);
        return;
    }
    *has_end = true;
    int given = parse_date(last != NULL ? last : first, end);
    if (given == 1) {
        end->year++;
        return;
    }
    if (given == 2 || end->day == days_in_month(end->year, end->month)) {
        end->day = 1;
        if (++end->month > 12) {
            end->month = 1;
            end->year++;
        }
        return;
    }
    end->day++;
}

const char *ref_event_timezone(const ref_doc *doc, const cJSON *e)
{
    const char *zone = ref_string(e, "timezone");
    return zone != NULL ? zone : doc->calendar_timezone;
}

void ref_stamp(char out[17])
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    time_t now = epoch != NULL ? (time_t)strtoll(epoch, NULL, 10) : time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}
