/* ref_stdio: make bench's first reference row, the floor of reading and
 * writing. Parses events.json with cJSON and writes each event as a VEVENT
 * with the properties almanac writes, escaped and folded by hand, through
 * stdio, in input order: no validation, no model, no sorting, no libical,
 * no VTIMEZONE (five short blocks), one thread. Not a peer: nothing a user
 * would run, a limit of what almanac's work can cost.
 *   ref_stdio EVENTS.json > OUT.ics     (REF_PHASES=1 prints phase times) */
#define _POSIX_C_SOURCE 200809L
#include "ref_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *data;
    size_t length, capacity;
} line_buffer;

static void put(line_buffer *b, const char *text, size_t n)
{
    if (b->length + n > b->capacity) {
        size_t capacity = b->capacity ? b->capacity : 4096;
        while (capacity < b->length + n)
            capacity *= 2;
        char *bigger = realloc(b->data, capacity);
        if (bigger == NULL) {
            fputs("ref_stdio: out of memory\n", stderr);
            exit(1);
        }
        b->data = bigger;
        b->capacity = capacity;
    }
    memcpy(b->data + b->length, text, n);
    b->length += n;
}

static void puts_raw(line_buffer *b, const char *text)
{
    put(b, text, strlen(text));
}

/* TEXT escaping, RFC 5545 3.3.11. */
static void puts_text(line_buffer *b, const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        const char *run = p;
        while (*p != '\0' && *p != '\\' && *p != ';' && *p != ',' && *p != '\n' && *p != '\r')
            p++;
        put(b, run, (size_t)(p - run));
        if (*p == '\0')
            break;
        if (*p == '\n')
            put(b, "\\n", 2);
        else if (*p != '\r') {
            char pair[2] = {'\\', *p};
            put(b, pair, 2);
        }
    }
}

/* Writes the content line in B folded at 75 octets, never inside a UTF-8
 * sequence (RFC 5545 3.1), and empties B. */
static void write_line(FILE *out, line_buffer *b)
{
    size_t at = 0, room = 75;
    while (b->length - at > room) {
        size_t cut = at + room;
        while (cut > at && ((unsigned char)b->data[cut] & 0xC0) == 0x80)
            cut--;
        fwrite(b->data + at, 1, cut - at, out);
        fputs("\r\n ", out);
        at = cut;
        room = 74;
    }
    fwrite(b->data + at, 1, b->length - at, out);
    fputs("\r\n", out);
    b->length = 0;
}

static void put_date(line_buffer *b, const char *name, const ref_date *d, const char *zone)
{
    char text[64];
    if (d->timed)
        snprintf(text, sizeof text, "%s;TZID=", name);
    else
        snprintf(text, sizeof text, "%s;VALUE=DATE:", name);
    puts_raw(b, text);
    if (d->timed) {
        puts_raw(b, zone);
        snprintf(text, sizeof text, ":%04d%02d%02dT%02d%02d%02d", d->year, d->month, d->day,
                 d->hour, d->minute, d->second);
    } else {
        snprintf(text, sizeof text, "%04d%02d%02d", d->year, d->month, d->day);
    }
    puts_raw(b, text);
}

static void write_event(FILE *out, line_buffer *b, const ref_doc *doc, const cJSON *e,
                        const char *stamp)
{
    fputs("BEGIN:VEVENT\r\n", out);
    puts_raw(b, "UID:");
    puts_raw(b, ref_string(e, "id"));
    puts_raw(b, "@");
    puts_raw(b, doc->calendar_id);
    write_line(out, b);
    fprintf(out, "DTSTAMP:%s\r\n", stamp);
    ref_date start, end;
    bool has_end;
    ref_event_dates(e, &start, &end, &has_end);
    const char *zone = ref_event_timezone(doc, e);
    put_date(b, "DTSTART", &start, zone);
    write_line(out, b);
    if (has_end) {
        put_date(b, "DTEND", &end, zone);
        write_line(out, b);
    }
    static const char *const texts[][2] = {{"title", "SUMMARY:"},
                                           {"description", "DESCRIPTION:"}};
    for (size_t i = 0; i < 2; i++) {
        const char *value = ref_string(e, texts[i][0]);
        if (value == NULL)
            continue;
        puts_raw(b, texts[i][1]);
        puts_text(b, value);
        write_line(out, b);
    }
    const cJSON *place = cJSON_GetObjectItemCaseSensitive(e, "location");
    if (place != NULL) {
        const char *country = ref_string(place, "country");
        puts_raw(b, "LOCATION:");
        puts_text(b, ref_string(place, "name"));
        if (country != NULL) {
            puts_raw(b, "\\, ");
            puts_text(b, country);
        }
        write_line(out, b);
        const cJSON *geo = cJSON_GetObjectItemCaseSensitive(place, "geo");
        if (cJSON_GetArraySize(geo) == 2)
            fprintf(out, "GEO:%f;%f\r\n", cJSON_GetArrayItem(geo, 0)->valuedouble,
                    cJSON_GetArrayItem(geo, 1)->valuedouble);
    }
    const char *url = ref_string(e, "url");
    if (url != NULL) {
        puts_raw(b, "URL:");
        puts_raw(b, url);
        write_line(out, b);
    }
    const cJSON *item;
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(e, "tags");
    if (cJSON_GetArraySize(tags) > 0) {
        puts_raw(b, "CATEGORIES:");
        cJSON_ArrayForEach(item, tags) {
            if (item != tags->child)
                puts_raw(b, ",");
            puts_text(b, item->valuestring);
        }
        write_line(out, b);
    }
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(e, "related")) {
        puts_raw(b, "RELATED-TO;RELTYPE=SIBLING:");
        puts_raw(b, item->valuestring);
        puts_raw(b, "@");
        puts_raw(b, doc->calendar_id);
        write_line(out, b);
    }
    const char *status = ref_string(e, "status");
    fprintf(out, "STATUS:%s\r\n", status == NULL ? "CONFIRMED"
                                  : strcmp(status, "tentative") == 0 ? "TENTATIVE"
                                  : strcmp(status, "cancelled") == 0 ? "CANCELLED" : "CONFIRMED");
    fprintf(out, "CLASS:PUBLIC\r\nTRANSP:TRANSPARENT\r\nSEQUENCE:0\r\nLAST-MODIFIED:%s\r\n", stamp);
    fputs("END:VEVENT\r\n", out);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: ref_stdio EVENTS.json > OUT.ics\n", stderr);
        return 2;
    }
    ref_doc doc;
    if (ref_doc_load(argv[1], &doc) != 0)
        return 1;
    double t = ref_now();
    static char buffer[1 << 18];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    char stamp[17];
    ref_stamp(stamp);
    line_buffer line = {0};
    fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//almanac-bench//ref_stdio//EN\r\n"
          "CALSCALE:GREGORIAN\r\n", stdout);
    if (doc.calendar_name != NULL) {
        puts_raw(&line, "X-WR-CALNAME:");
        puts_text(&line, doc.calendar_name);
        write_line(stdout, &line);
    }
    for (size_t i = 0; i < doc.count; i++)
        write_event(stdout, &line, &doc, doc.events[i], stamp);
    fputs("END:VCALENDAR\r\n", stdout);
    int failed = fflush(stdout) != 0 || ferror(stdout);
    ref_phase("write", t);
    free(line.data);
    ref_doc_free(&doc);
    if (failed) {
        perror("ref_stdio: writing output failed");
        return 1;
    }
    return 0;
}
