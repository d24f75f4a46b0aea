/* ref_libical: make bench's second reference row, what the mandated
 * libraries allow. Parses events.json with cJSON (one call, no validation)
 * and builds and serialises each event as a libical VEVENT of the properties
 * almanac writes, one component per event, on every core: batches of 64
 * events taken in turn by one thread per core, written to stdout in input
 * order. No model, no sorting, no validation, no state. Not a peer: a limit
 * for almanac's `ics`, which does this and more.
 *   ref_libical EVENTS.json > OUT.ics   (REF_THREADS=N sets the threads;
 *                                         REF_PHASES=1 prints phase times) */
#define _POSIX_C_SOURCE 200809L
#include "ref_load.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { EVENTS_PER_BATCH = 64, SLOTS_PER_THREAD = 4 };

typedef struct {
    char *text;
    size_t length, capacity;
    int done;
} batch_slot;

typedef struct {
    const ref_doc *doc;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t next, written, batches, slot_count;
    batch_slot *slots;
    int failed;
} pool;

/* libical numbers its lists from unguarded global counters (pvl.c), so
 * building components takes a lock, as in almanac; serialising runs on
 * every core. */
static pthread_mutex_t libical_lists = PTHREAD_MUTEX_INITIALIZER;

static icaltimetype ical_date(const ref_date *d)
{
    icaltimetype t = d->timed ? icaltime_null_time() : icaltime_null_date();
    t.year = d->year;
    t.month = d->month;
    t.day = d->day;
    t.hour = d->hour;
    t.minute = d->minute;
    t.second = d->second;
    return t;
}

static void add_date(icalcomponent *c, icalproperty *p, const ref_date *d, const char *zone)
{
    if (d->timed)
        icalproperty_add_parameter(p, icalparameter_new_tzid(zone));
    icalcomponent_add_property(c, p);
}

static icalcomponent *build_event(const ref_doc *doc, const cJSON *e, icaltimetype stamp,
                                  char *scratch, size_t size)
{
    icalcomponent *c = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    snprintf(scratch, size, "%s@%s", ref_string(e, "id"), doc->calendar_id);
    icalcomponent_add_property(c, icalproperty_new_uid(scratch));
    icalcomponent_add_property(c, icalproperty_new_dtstamp(stamp));
    ref_date start, end;
    bool has_end;
    ref_event_dates(e, &start, &end, &has_end);
    const char *zone = ref_event_timezone(doc, e);
    add_date(c, icalproperty_new_dtstart(ical_date(&start)), &start, zone);
    if (has_end)
        add_date(c, icalproperty_new_dtend(ical_date(&end)), &end, zone);
    const char *text = ref_string(e, "title");
    if (text != NULL)
        icalcomponent_add_property(c, icalproperty_new_summary(text));
    text = ref_string(e, "description");
    if (text != NULL)
        icalcomponent_add_property(c, icalproperty_new_description(text));
    const cJSON *place = cJSON_GetObjectItemCaseSensitive(e, "location");
    if (place != NULL) {
        const char *country = ref_string(place, "country");
        snprintf(scratch, size, "%s%s%s", ref_string(place, "name"), country ? ", " : "",
                 country ? country : "");
        icalcomponent_add_property(c, icalproperty_new_location(scratch));
        const cJSON *geo = cJSON_GetObjectItemCaseSensitive(place, "geo");
        if (cJSON_GetArraySize(geo) == 2) {
            struct icalgeotype g = {cJSON_GetArrayItem(geo, 0)->valuedouble,
                                    cJSON_GetArrayItem(geo, 1)->valuedouble};
            icalcomponent_add_property(c, icalproperty_new_geo(g));
        }
    }
    text = ref_string(e, "url");
    if (text != NULL)
        icalcomponent_add_property(c, icalproperty_new_url(text));
    const cJSON *item;
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(e, "tags");
    if (cJSON_GetArraySize(tags) > 0) {
        size_t used = 0;
        scratch[0] = '\0';
        cJSON_ArrayForEach(item, tags) {
            int n = snprintf(scratch + used, size - used, "%s%s", used ? "," : "",
                             item->valuestring);
            if (n < 0 || (size_t)n >= size - used)
                break;
            used += (size_t)n;
        }
        icalcomponent_add_property(c, icalproperty_new_categories(scratch));
    }
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(e, "related")) {
        snprintf(scratch, size, "%s@%s", item->valuestring, doc->calendar_id);
        icalproperty *p = icalproperty_new_relatedto(scratch);
        icalproperty_add_parameter(p, icalparameter_new_reltype(ICAL_RELTYPE_SIBLING));
        icalcomponent_add_property(c, p);
    }
    text = ref_string(e, "status");
    icalproperty_status status = ICAL_STATUS_CONFIRMED;
    if (text != NULL && strcmp(text, "tentative") == 0)
        status = ICAL_STATUS_TENTATIVE;
    else if (text != NULL && strcmp(text, "cancelled") == 0)
        status = ICAL_STATUS_CANCELLED;
    icalcomponent_add_property(c, icalproperty_new_status(status));
    icalcomponent_add_property(c, icalproperty_new_class(ICAL_CLASS_PUBLIC));
    icalcomponent_add_property(c, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
    icalcomponent_add_property(c, icalproperty_new_sequence(0));
    icalcomponent_add_property(c, icalproperty_new_lastmodified(stamp));
    return c;
}

static int append(batch_slot *slot, const char *text)
{
    size_t n = strlen(text);
    if (slot->length + n > slot->capacity) {
        size_t capacity = slot->capacity ? slot->capacity : 1 << 16;
        while (capacity < slot->length + n)
            capacity *= 2;
        char *bigger = realloc(slot->text, capacity);
        if (bigger == NULL)
            return -1;
        slot->text = bigger;
        slot->capacity = capacity;
    }
    memcpy(slot->text + slot->length, text, n);
    slot->length += n;
    return 0;
}

static int produce(pool *p, size_t batch, batch_slot *slot, icaltimetype stamp)
{
    char scratch[4096];
    size_t first = batch * EVENTS_PER_BATCH;
    size_t last = p->doc->count - first > EVENTS_PER_BATCH ? first + EVENTS_PER_BATCH
                                                           : p->doc->count;
    slot->length = 0;
    for (size_t i = first; i < last; i++) {
        pthread_mutex_lock(&libical_lists);
        icalcomponent *c = build_event(p->doc, p->doc->events[i], stamp, scratch,
                                       sizeof scratch);
        pthread_mutex_unlock(&libical_lists);
        char *text = icalcomponent_as_ical_string_r(c);
        int failed = text == NULL || append(slot, text) != 0;
        free(text);
        icalcomponent_free(c);
        if (failed)
            return -1;
    }
    return 0;
}

static icaltimetype stamp_value(void)
{
    char text[17];
    ref_stamp(text);
    return icaltime_from_string(text);
}

static void *worker(void *arg)
{
    pool *p = arg;
    icaltimetype stamp = stamp_value();
    pthread_mutex_lock(&p->lock);
    for (;;) {
        /* at most slot_count batches ahead of the writer */
        while (!p->failed && p->next < p->batches && p->next >= p->written + p->slot_count)
            pthread_cond_wait(&p->changed, &p->lock);
        if (p->failed || p->next >= p->batches)
            break;
        size_t batch = p->next++;
        batch_slot *slot = &p->slots[batch % p->slot_count];
        pthread_mutex_unlock(&p->lock);
        int failed = produce(p, batch, slot, stamp);
        pthread_mutex_lock(&p->lock);
        slot->done = 1;
        if (failed)
            p->failed = 1;
        pthread_cond_broadcast(&p->changed);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* A VTIMEZONE from libical's built-in zones for each zone the events use. */
static void write_timezones(const ref_doc *doc, FILE *out)
{
    const char *seen[64];
    size_t count = 0;
    for (size_t i = 0; i < doc->count; i++) {
        ref_date start, end;
        bool has_end;
        ref_event_dates(doc->events[i], &start, &end, &has_end);
        const char *zone = ref_event_timezone(doc, doc->events[i]);
        if (!start.timed || zone == NULL)
            continue;
        size_t k = 0;
        while (k < count && strcmp(seen[k], zone) != 0)
            k++;
        if (k < count || count == 64)
            continue;
        seen[count++] = zone;
        icaltimezone *tz = icaltimezone_get_builtin_timezone(zone);
        icalcomponent *c = tz != NULL ? icaltimezone_get_component(tz) : NULL;
        char *text = c != NULL ? icalcomponent_as_ical_string_r(c) : NULL;
        if (text != NULL)
            fputs(text, out);
        free(text);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: ref_libical EVENTS.json > OUT.ics\n", stderr);
        return 2;
    }
    ref_doc doc;
    if (ref_doc_load(argv[1], &doc) != 0)
        return 1;
    double t = ref_now();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *want = getenv("REF_THREADS");
    size_t threads = want != NULL ? (size_t)strtoul(want, NULL, 10)
                                  : (size_t)(cores > 0 ? cores : 1);
    if (threads == 0 || threads > 256)
        threads = 1;
    pool p = {.doc = &doc, .batches = (doc.count + EVENTS_PER_BATCH - 1) / EVENTS_PER_BATCH,
              .slot_count = threads * SLOTS_PER_THREAD};
    p.slots = calloc(p.slot_count, sizeof *p.slots);
    pthread_t *ids = calloc(threads, sizeof *ids);
    if (p.slots == NULL || ids == NULL || pthread_mutex_init(&p.lock, NULL) != 0 ||
        pthread_cond_init(&p.changed, NULL) != 0) {
        fputs("ref_libical: out of memory\n", stderr);
        return 1;
    }
    static char buffer[1 << 18];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//almanac-bench//ref_libical//EN\r\n"
          "CALSCALE:GREGORIAN\r\n", stdout);
    write_timezones(&doc, stdout);
    size_t started = 0;
    while (started < threads && pthread_create(&ids[started], NULL, worker, &p) == 0)
        started++;
    int failed = started == 0;
    for (size_t b = 0; b < p.batches && !failed; b++) {
        batch_slot *slot = &p.slots[b % p.slot_count];
        pthread_mutex_lock(&p.lock);
        while (!slot->done && !p.failed)
            pthread_cond_wait(&p.changed, &p.lock);
        failed = p.failed;
        pthread_mutex_unlock(&p.lock);
        if (!failed && fwrite(slot->text, 1, slot->length, stdout) != slot->length)
            failed = 1;
        pthread_mutex_lock(&p.lock);
        slot->done = 0;
        p.written++;
        if (failed)
            p.failed = 1;
        pthread_cond_broadcast(&p.changed);
        pthread_mutex_unlock(&p.lock);
    }
    for (size_t i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
    fputs("END:VCALENDAR\r\n", stdout);
    failed = failed || fflush(stdout) != 0 || ferror(stdout);
    ref_phase("build+write", t);
    for (size_t i = 0; i < p.slot_count; i++)
        free(p.slots[i].text);
    free(p.slots);
    free(ids);
    ref_doc_free(&doc);
    if (failed) {
        fputs("ref_libical: building or writing output failed\n", stderr);
        return 1;
    }
    return 0;
}
