/*
 * build_index.c - the VEVENT index of a build (see build_index.h).
 *
 * Format: two comment lines, a header, then one record per event in
 * all.ics, sorted by id, fields separated by tabs:
 *   index 1 <almanac version> <key, 16 hex digits> <bytes of all.ics>
 *   <id> <event key> <offset in all.ics> <length> <hash_block() of the text>
 * Everything in it follows from the outputs, so it is as reproducible as
 * they are.
 */
#define _DEFAULT_SOURCE /* MAP_* with -std=c11 */
#include "build_index.h"

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "almanac/version.h"
#include "hash.h"

/* The length of END:VCALENDAR and its CRLF, all that follows the last VEVENT. */
#define CLOSING_LENGTH (sizeof "END:VCALENDAR\r\n" - 1)

/* An index bigger than a record of the longest id per event is not ours. */
enum { RECORD_MAX = ALMANAC_MAX_SLUG_BYTES + 3 * 16 + 2 * 20 + 8 };

typedef struct {
    const char *id;
    uint64_t key, hash;
    uint64_t offset, length;
} index_record;

typedef struct {
    char *text;
    index_record *records;
    size_t count;
    uint64_t size; /* of the all.ics it describes */
} build_index;

/* What, beside an event and its stamps, makes its VEVENT's bytes. */
static uint64_t index_key(const almanac_document *doc)
{
    uint64_t h = hash_string(HASH_SEED, "almanac-index-1");
    h = hash_string(h, ALMANAC_VERSION);
    uint64_t format = render_ics_format_key();
    h = hash_bytes(h, &format, sizeof format);
    return hash_string(h, doc->calendar.alarms_in_feeds ? "alarms" : "no alarms");
}

/* An event's key: its content hash and the stamps its VEVENT carries. */
static uint64_t event_key(uint64_t content, almanac_event_stamp stamp)
{
    char text[64];
    snprintf(text, sizeof text, "%u %" PRId64, stamp.sequence, stamp.modified);
    return hash_string(hash_bytes(HASH_SEED, &content, sizeof content), text);
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(((const index_record *)a)->id, ((const index_record *)b)->id);
}

/* A number in BASE that fills the whole FIELD. */
static bool parse_number(const char *field, int base, uint64_t *value)
{
    if (field == NULL || field[0] == '\0' || field[0] == '-' || field[0] == '+')
        return false;
    char *end;
    unsigned long long n = strtoull(field, &end, base);
    *value = n;
    return *end == '\0' && n != ULLONG_MAX;
}

/* Splits LINE at tabs into FIELDS (exactly COUNT of them). */
static bool split(char *line, char **fields, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        fields[i] = line;
        line = strchr(line, '\t');
        if ((line == NULL) != (i == count - 1))
            return false;
        if (line != NULL)
            *line++ = '\0';
    }
    return true;
}

static bool parse_header(char *line, uint64_t key, uint64_t *size)
{
    char *f[5];
    uint64_t found;
    return split(line, f, 5) && strcmp(f[0], "index") == 0 && strcmp(f[1], "1") == 0 &&
           strcmp(f[2], ALMANAC_VERSION) == 0 && strlen(f[3]) == 16 &&
           parse_number(f[3], 16, &found) && found == key && parse_number(f[4], 10, size);
}

static bool parse_index_record(char *line, uint64_t size, index_record *r)
{
    char *f[5];
    if (!split(line, f, 5) || f[0][0] == '\0' || strlen(f[1]) != 16 || strlen(f[4]) != 16 ||
        !parse_number(f[1], 16, &r->key) || !parse_number(f[2], 10, &r->offset) ||
        !parse_number(f[3], 10, &r->length) || !parse_number(f[4], 16, &r->hash))
        return false;
    r->id = f[0];
    return r->offset <= size && r->length <= size - r->offset;
}

/* Reads DIR's index as written under KEY into *INDEX; false when there is
 * none that fits (nothing to reuse), or memory ran out. */
static bool read_index(const char *dir, uint64_t key, build_index *index)
{
    memset(index, 0, sizeof *index);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, BUILD_INDEX_FILE);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0)
        return false;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              st.st_size <= (off_t)(ALMANAC_MAX_EVENTS + 1) * RECORD_MAX;
    size_t length = ok ? (size_t)st.st_size : 0;
    index->text = ok ? malloc(length + 1) : NULL;
    size_t got = 0;
    while (index->text != NULL && got < length) {
        ssize_t n = read(fd, index->text + got, length - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    ok = index->text != NULL && got == length;
    close(fd);
    if (!ok)
        return false;
    index->text[length] = '\0';
    size_t lines = 1;
    for (size_t i = 0; i < length; i++)
        lines += index->text[i] == '\n';
    index->records = malloc(lines * sizeof *index->records);
    bool header = false;
    char *line = index->text;
    while (index->records != NULL && line != NULL && *line != '\0') {
        char *next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (line[0] == '#') {
            /* a comment */
        } else if (!header) {
            header = parse_header(line, key, &index->size);
            if (!header)
                return false;
        } else if (!parse_index_record(line, index->size, &index->records[index->count++])) {
            return false;
        }
        line = next;
    }
    if (index->records == NULL || !header)
        return false;
    qsort(index->records, index->count, sizeof *index->records, compare_ids);
    return true;
}

static void free_index(build_index *index)
{
    free(index->records);
    free(index->text);
}

/* Maps DIR/all.ics when it is the SIZE bytes the index describes. */
static bool map_calendar(build_reuse *r, const char *dir, uint64_t size)
{
    char path[4096];
    char name[ALMANAC_FILE_NAME_MAX];
    almanac_feed_file_name(NULL, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
              (uint64_t)st.st_size == size && size <= SIZE_MAX;
    void *map = ok ? mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    close(fd);
    if (map == MAP_FAILED)
        return false;
    r->map = map;
    r->map_size = (size_t)size;
    return true;
}

int build_reuse_open(build_reuse *r, const char *dir, const almanac_document *doc,
                     const almanac_stamps *stamps)
{
    memset(r, 0, sizeof *r);
    size_t n = doc->event_count ? doc->event_count : 1;
    r->text = calloc(n, sizeof *r->text);
    r->length = calloc(n, sizeof *r->length);
    r->hash = calloc(n, sizeof *r->hash);
    if (r->text == NULL || r->length == NULL || r->hash == NULL)
        return -1;
    r->reuse = (ics_reuse){r->text, r->length, r->hash};
    build_index index;
    if (read_index(dir, index_key(doc), &index) && map_calendar(r, dir, index.size)) {
        for (size_t i = 0; i < doc->event_count; i++) {
            if (stamps->event_hashes[i] == 0)
                continue;
            index_record probe = {.id = doc->events[i].id};
            const index_record *found = bsearch(&probe, index.records, index.count,
                                                sizeof probe, compare_ids);
            if (found == NULL || found->key != event_key(stamps->event_hashes[i],
                                                         stamps->events[i]))
                continue;
            r->text[i] = r->map + found->offset;
            r->length[i] = (size_t)found->length;
            r->hash[i] = found->hash;
            r->offered++;
        }
    }
    free_index(&index);
    return 0;
}

void build_reuse_close(build_reuse *r)
{
    if (r->map != NULL)
        munmap(r->map, r->map_size);
    free(r->text);
    free(r->length);
    free(r->hash);
    memset(r, 0, sizeof *r);
}

int build_index_write(FILE *out, const almanac_document *doc, const almanac_stamps *stamps,
                      const ics_layout *layout, uint64_t size, const size_t *order,
                      const almanac_event *const *by_id)
{
    uint64_t *offset = malloc((doc->event_count ? doc->event_count : 1) * sizeof *offset);
    int result = offset != NULL ? 0 : -1;
    /* all.ics holds the events in feed order after its opening, then
     * END:VCALENDAR: the opening's length is what the rest leaves over */
    uint64_t total = 0;
    for (size_t i = 0; result == 0 && i < doc->event_count; i++)
        total += layout->length[i];
    uint64_t at = size >= total + CLOSING_LENGTH ? size - total - CLOSING_LENGTH : 0;
    for (size_t k = 0; result == 0 && k < doc->event_count; k++) {
        offset[order[k]] = at;
        at += layout->length[order[k]];
    }
    if (result == 0) {
        fputs("# almanac VEVENT index, a cache (delete it at will): where each event's VEVENT\n"
              "# text lies in all.ics, so that the next build copies what did not change.\n",
              out);
        fprintf(out, "index\t1\t%s\t%016" PRIx64 "\t%" PRIu64 "\n", ALMANAC_VERSION,
                index_key(doc), size);
    }
    for (size_t k = 0; result == 0 && k < doc->event_count; k++) {
        size_t i = (size_t)(by_id[k] - doc->events);
        if (layout->length[i] == 0 || stamps->event_hashes[i] == 0)
            continue;
        fprintf(out, "%s\t%016" PRIx64 "\t%" PRIu64 "\t%zu\t%016" PRIx64 "\n", by_id[k]->id,
                event_key(stamps->event_hashes[i], stamps->events[i]), offset[i],
                layout->length[i], layout->hash[i]);
    }
    free(offset);
    return result == 0 && !ferror(out) ? 0 : -1;
}
