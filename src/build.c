/*
 * build.c - stamps from the build state, and the atomic build of out/
 * (see build.h).
 *
 * State file format, one record a line, fields separated by tabs:
 *   event <id> <content hash, 16 hex digits> <sequence> <unix seconds>
 *   feed <file name> <content hash> <sequence> <unix seconds>
 * Lines starting with '#' are comments. Records are sorted, so the file
 * diffs well in version control.
 */
#include "almanac/build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "almanac/version.h"
#include "outfile.h"
#include "build_index.h"
#include "formats.h"
#include "gzip_sibling.h"
#include "hash.h"
#include "parallel.h"
#include "text.h"

typedef struct {
    bool is_feed;
    const char *key;
    uint64_t hash;
    almanac_event_stamp stamp;
    size_t line;
} state_record;

typedef struct {
    state_record *records;
    size_t count;
    char *text; /* the file's bytes; keys point into it */
} build_state;


static int compare_records(const void *a, const void *b)
{
    const state_record *x = a, *y = b;
    if (x->is_feed != y->is_feed)
        return x->is_feed ? 1 : -1;
    return strcmp(x->key, y->key);
}

static const state_record *find_record(const build_state *s, bool is_feed, const char *key)
{
    state_record probe = {.is_feed = is_feed, .key = key};
    if (s->count == 0)
        return NULL;
    return bsearch(&probe, s->records, s->count, sizeof *s->records, compare_records);
}

/* Parses one line in place; false when it is not a record. */
static bool parse_record(char *line, state_record *r)
{
    char *fields[5];
    for (int i = 0; i < 5; i++) {
        fields[i] = line;
        line = i < 4 ? strchr(line, '\t') : NULL;
        if (i < 4 && line == NULL)
            return false;
        if (line != NULL)
            *line++ = '\0';
    }
    char *end;
    r->is_feed = strcmp(fields[0], "feed") == 0;
    if (!r->is_feed && strcmp(fields[0], "event") != 0)
        return false;
    r->key = fields[1];
    r->hash = strtoull(fields[2], &end, 16);
    if (*end != '\0' || strlen(fields[2]) != 16)
        return false;
    /* Numbers in range, so that the next SEQUENCE and stamp cannot
     * overflow or leave what iCalendar (and libical) can write. */
    errno = 0;
    unsigned long sequence = strtoul(fields[3], &end, 10);
    if (*end != '\0' || errno != 0 || fields[3][0] < '0' || fields[3][0] > '9' ||
        sequence > 1000000000UL)
        return false;
    r->stamp.sequence = (unsigned)sequence;
    long long modified = strtoll(fields[4], &end, 10);
    if (*end != '\0' || errno != 0 || fields[4][0] < '0' || fields[4][0] > '9' ||
        modified > ALMANAC_TIME_MAX)
        return false;
    r->stamp.modified = modified;
    return true;
}

/* The longest record almanac writes: "event", an id of 100 bytes, the
 * hash, a SEQUENCE and a time, with their tabs. A state holding more than
 * a record per event and feed at the largest sizes is not almanac's. */
enum { STATE_RECORD_MAX = 160 };
#define STATE_MAX_BYTES \
    ((int64_t)(ALMANAC_MAX_EVENTS + ALMANAC_MAX_FEEDS + 1) * STATE_RECORD_MAX + 4096)

static const char *file_kind(mode_t mode)
{
    return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO" :
           S_ISSOCK(mode) ? "a socket" : S_ISCHR(mode) || S_ISBLK(mode) ? "a device" :
           "not a regular file";
}

/* Reads the state at PATH into *TEXT (NUL-terminated, *LENGTH bytes). The
 * state is almanac's own file, replaced by every build: anything but a
 * regular file of plausible size is refused before a byte is read, so a
 * FIFO cannot hang the build nor a link to /dev/zero fill memory.
 * Returns 0, 1 when there is no state yet, or -1 after a diagnostic. */
static int read_state_text(const char *path, char **text, size_t *length,
                           almanac_diagnostics *diags)
{
    *text = NULL;
    *length = 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 1; /* first build */
    const char *fix = "remove it, and the next build writes a new one (every event then "
                      "starts again at SEQUENCE 0)";
    if (fd < 0) {
        if (errno == ELOOP)
            almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E465, path, fix);
        else
            almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E454, path,
                                       strerror(errno));
        return -1;
    }
    struct stat st;
    int result = fstat(fd, &st);
    if (result != 0)
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E454, path,
                                   strerror(errno));
    else if (!S_ISREG(st.st_mode))
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E455,
                                   path, file_kind(st.st_mode), fix);
    else if (st.st_size > STATE_MAX_BYTES)
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E456, path,
                                   (long long)st.st_size, (long long)STATE_MAX_BYTES, fix);
    if (result != 0 || !S_ISREG(st.st_mode) || st.st_size > STATE_MAX_BYTES) {
        close(fd);
        return -1;
    }
    /* Read what is there, one byte more than fstat said to see it grow. */
    size_t capacity = (size_t)st.st_size + 2;
    char *buffer = malloc(capacity);
    size_t used = 0;
    ssize_t n = 0;
    while (buffer != NULL && used + 1 < capacity &&
           ((n = read(fd, buffer + used, capacity - 1 - used)) > 0 || (n < 0 && errno == EINTR)))
        used += n > 0 ? (size_t)n : 0;
    int saved = errno;
    close(fd);
    if (buffer == NULL || n < 0) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E454, path,
                                   buffer == NULL ? "out of memory" : strerror(saved));
        free(buffer);
        return -1;
    }
    buffer[used] = '\0';
    *text = buffer;
    *length = used;
    return 0;
}

/* Two records of one event or feed: what resolving a merge conflict in the
 * state by keeping both sides gives. The one changed last wins (the highest
 * SEQUENCE, then the latest time), so SEQUENCE never goes back. RECORDS are
 * sorted; returns how many are left. */
static size_t merge_duplicates(state_record *records, size_t count, const char *path,
                               almanac_diagnostics *diags)
{
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        state_record *last = kept > 0 ? &records[kept - 1] : NULL;
        if (last == NULL || compare_records(last, &records[i]) != 0) {
            records[kept++] = records[i];
            continue;
        }
        const state_record *r = &records[i];
        bool newer = r->stamp.sequence > last->stamp.sequence ||
                     (r->stamp.sequence == last->stamp.sequence &&
                      r->stamp.modified > last->stamp.modified);
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_W450, path,
                                   r->line > last->line ? r->line : last->line,
                                   r->is_feed ? "feed" : "event", r->key,
                                   r->line > last->line ? last->line : r->line,
                                   newer ? r->stamp.sequence : last->stamp.sequence);
        if (newer)
            *last = *r;
    }
    return kept;
}

static int read_state(const char *dir, build_state *s, almanac_diagnostics *diags)
{
    memset(s, 0, sizeof *s);
    size_t size = strlen(dir) + sizeof ALMANAC_STATE_FILE + 2;
    char *path = malloc(size);
    if (path == NULL)
        return -1;
    snprintf(path, size, "%s/%s", dir, ALMANAC_STATE_FILE);
    size_t length;
    int result = read_state_text(path, &s->text, &length, diags);
    if (result != 0) {
        free(path);
        return result > 0 ? 0 : -1; /* no state yet: the first build */
    }
    size_t lines = 1;
    for (size_t i = 0; i < length; i++)
        lines += s->text[i] == '\n';
    s->records = calloc(lines, sizeof *s->records);
    if (s->records == NULL) {
        free(path);
        return -1;
    }
    char *line = s->text;
    for (size_t number = 1; line != NULL && *line != '\0'; number++) {
        char *next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (line[0] != '#' && line[0] != '\0') {
            if (parse_record(line, &s->records[s->count])) {
                s->records[s->count++].line = number;
            } else {
                almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_W451, path,
                                           number);
            }
        }
        line = next;
    }
    qsort(s->records, s->count, sizeof *s->records, compare_records);
    s->count = merge_duplicates(s->records, s->count, path, diags);
    free(path);
    return 0;
}

static void free_state(build_state *s)
{
    free(s->records);
    free(s->text);
}

/* The stamp for content HASH given what the state remembers: unchanged
 * content keeps its stamp; changed content gets the next SEQUENCE and NOW,
 * or one second after the previous change if the clock is behind it. */
static almanac_event_stamp next_stamp(const state_record *previous, uint64_t hash, int64_t now)
{
    if (previous == NULL)
        return (almanac_event_stamp){0, now};
    if (previous->hash == hash)
        return previous->stamp;
    int64_t modified = now > previous->stamp.modified ? now : previous->stamp.modified + 1;
    return (almanac_event_stamp){previous->stamp.sequence + 1, modified};
}

/* What the feed's header says, and which events it holds, as a hash. */
static uint64_t feed_hash(const almanac_document *doc, const almanac_feed *feed,
                          const uint64_t *event_hashes, const size_t *order)
{
    const almanac_calendar *c = &doc->calendar;
    uint64_t h = HASH_SEED;
    h = hash_string(h, c->id);
    h = hash_string(h, c->name);
    h = hash_string(h, c->description);
    h = hash_string(h, c->timezone);
    h = hash_string(h, c->url);
    h = hash_string(h, c->refresh);
    h = hash_string(h, c->color);
    h = hash_string(h, ALMANAC_VERSION);
    h = hash_bytes(h, &c->month_policy, sizeof c->month_policy);
    h = hash_bytes(h, &c->year_policy, sizeof c->year_policy);
    if (feed != NULL) {
        h = hash_string(h, feed->name);
        h = hash_string(h, feed->description);
    }
    /* The full calendar declares every feed (X-ALMANAC-FEED). */
    for (size_t i = 0; feed == NULL && i < doc->feed_count; i++) {
        h = hash_string(h, doc->feeds[i].id);
        h = hash_string(h, doc->feeds[i].name);
        h = hash_string(h, doc->feeds[i].description);
        for (size_t k = 0; k < doc->feeds[i].tags.count; k++)
            h = hash_string(h, doc->feeds[i].tags.items[k]);
    }
    /* In feed order, not file order: moving an event within events.json
     * changes no feed, so it must not change LAST-MODIFIED either. */
    for (size_t n = 0; n < doc->event_count; n++) {
        size_t i = order[n];
        if (!almanac_feed_selects(feed, &doc->events[i]) || event_hashes[i] == 0)
            continue;
        h = hash_string(h, doc->events[i].id);
        h = hash_bytes(h, &event_hashes[i], sizeof event_hashes[i]);
    }
    return h;
}

/* A feed file name as almanac writes it ("<slug>.ics"): the state file is
 * data, so a name from it is checked before a file of that name is removed. */
static bool is_feed_file_name(const char *name)
{
    size_t length = strlen(name);
    if (length < 5 || length > 200 || strcmp(name + length - 4, ".ics") != 0)
        return false;
    char slug[201];
    memcpy(slug, name, length - 4);
    slug[length - 4] = '\0';
    return is_slug(slug);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Copies into STAMPS the feed records of STATE that KEPT does not mark:
 * the feeds no longer declared, whose files go. WRITTEN (COUNT names,
 * sorted) are the feeds this build writes, which never go, whatever the
 * state says. */
static int collect_stale_feeds(const build_state *state, const bool *kept,
                               const char *const *written, size_t count,
                               almanac_stamps *stamps)
{
    stamps->stale_feeds = calloc(state->count ? state->count : 1, sizeof *stamps->stale_feeds);
    if (stamps->stale_feeds == NULL)
        return -1;
    for (size_t i = 0; i < state->count; i++) {
        const state_record *r = &state->records[i];
        if (!r->is_feed || kept[i] || !is_feed_file_name(r->key) ||
            bsearch(&r->key, written, count, sizeof *written, compare_names) != NULL)
            continue;
        char *name = strdup(r->key);
        if (name == NULL)
            return -1;
        stamps->stale_feeds[stamps->stale_count++] = name;
    }
    return 0;
}

void almanac_stamps_free(almanac_stamps *stamps)
{
    for (size_t i = 0; i < stamps->stale_count; i++)
        free(stamps->stale_feeds[i]);
    free(stamps->stale_feeds);
    free(stamps->events);
    free(stamps->feeds);
    free(stamps->event_hashes);
    free(stamps->feed_hashes);
    memset(stamps, 0, sizeof *stamps);
}

/* The hashes of events and feeds, computed on every core (parallel.h). */
typedef struct {
    const almanac_document *doc;
    almanac_stamps *stamps;
    size_t *order; /* the events in feed order */
} hash_job;

static int hash_events(void *ctx, unsigned worker, size_t begin, size_t end)
{
    (void)worker;
    hash_job *job = ctx;
    for (size_t i = begin; i < end; i++)
        if (almanac_render_ics_event_hash(job->doc, &job->doc->events[i],
                                          &job->stamps->event_hashes[i]) != 0)
            return -1;
    return 0;
}

/* Feed K of the document, or the full calendar for the last K. */
static int hash_feeds(void *ctx, unsigned worker, size_t begin, size_t end)
{
    (void)worker;
    hash_job *job = ctx;
    const almanac_document *doc = job->doc;
    for (size_t k = begin; k < end; k++)
        job->stamps->feed_hashes[k] = feed_hash(doc, k < doc->feed_count ? &doc->feeds[k] : NULL,
                                                job->stamps->event_hashes, job->order);
    return 0;
}

int almanac_stamps_compute(const almanac_document *doc, const char *dir, int64_t now,
                           almanac_stamps *stamps, almanac_diagnostics *diags)
{
    memset(stamps, 0, sizeof *stamps);
    build_state state;
    if (read_state(dir, &state, diags) != 0)
        return -1;
    size_t n = doc->event_count ? doc->event_count : 1, f = doc->feed_count + 1;
    stamps->events = calloc(n, sizeof *stamps->events);
    stamps->event_hashes = calloc(n, sizeof *stamps->event_hashes);
    stamps->feeds = calloc(f, sizeof *stamps->feeds);
    stamps->feed_hashes = calloc(f, sizeof *stamps->feed_hashes);
    bool *kept = calloc(state.count ? state.count : 1, sizeof *kept);
    int result = stamps->events && stamps->event_hashes && stamps->feeds &&
                 stamps->feed_hashes && kept ? 0 : -1;
    unsigned workers = parallel_workers();
    hash_job job = {doc, stamps, NULL};
    if (result == 0)
        result = parallel_for(doc->event_count, 1024, workers, hash_events, &job);
    size_t matched = 0;
    for (size_t i = 0; result == 0 && i < doc->event_count; i++) {
        if (stamps->event_hashes[i] == 0) /* 0: in no feed, needs no stamp */
            continue;
        const state_record *previous = find_record(&state, false, doc->events[i].id);
        stamps->events[i] = next_stamp(previous, stamps->event_hashes[i], now);
        matched += previous != NULL;
        stamps->added += previous == NULL;
        if (previous != NULL && previous->hash != stamps->event_hashes[i]) {
            if (stamps->changed < ALMANAC_REPORT_IDS)
                stamps->changed_events[stamps->changed] = i;
            stamps->changed++;
        }
    }
    size_t recorded = 0;
    for (size_t i = 0; i < state.count; i++)
        recorded += !state.records[i].is_feed;
    stamps->removed = recorded > matched ? recorded - matched : 0;
    job.order = almanac_document_sorted(doc);
    if (job.order == NULL && doc->event_count > 0)
        result = -1;
    if (result == 0)
        result = parallel_for(f, 1, workers, hash_feeds, &job);
    char (*names)[ALMANAC_FILE_NAME_MAX] = calloc(f, sizeof *names);
    const char **written = calloc(f, sizeof *written);
    if (names == NULL || written == NULL)
        result = -1;
    for (size_t k = 0; result == 0 && k < f; k++) {
        const almanac_feed *feed = k < doc->feed_count ? &doc->feeds[k] : NULL;
        almanac_feed_file_name(feed, names[k], sizeof names[k]);
        written[k] = names[k];
        const state_record *previous = find_record(&state, true, names[k]);
        if (previous != NULL)
            kept[previous - state.records] = true;
        stamps->feeds[k] = next_stamp(previous, stamps->feed_hashes[k], now);
    }
    free(job.order);
    if (result == 0) {
        qsort(written, f, sizeof *written, compare_names);
        result = collect_stale_feeds(&state, kept, written, f, stamps);
    }
    free(written);
    free(names);
    free(kept);
    free_state(&state);
    if (result != 0) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E457);
        almanac_stamps_free(stamps);
    }
    return result;
}

/* ---- writing ---------------------------------------------------------- */

static int compare_event_ids(const void *a, const void *b)
{
    const almanac_event *x = *(const almanac_event *const *)a;
    const almanac_event *y = *(const almanac_event *const *)b;
    return strcmp(x->id, y->id);
}

/* The document's events sorted by id (malloc'ed; NULL when out of memory):
 * the order of the records of the state and of the index. */
static const almanac_event **events_by_id(const almanac_document *doc)
{
    const almanac_event **sorted = malloc((doc->event_count ? doc->event_count : 1) * sizeof *sorted);
    if (sorted == NULL)
        return NULL;
    for (size_t i = 0; i < doc->event_count; i++)
        sorted[i] = &doc->events[i];
    qsort(sorted, doc->event_count, sizeof *sorted, compare_event_ids);
    return sorted;
}

static int write_state(const almanac_document *doc, const almanac_stamps *stamps,
                       const almanac_event *const *sorted, FILE *out)
{
    fputs("# almanac build state: per event and feed, a hash of its content, its SEQUENCE\n"
          "# and when it last changed (Unix seconds). Keep it with the feeds; see README.\n",
          out);
    for (size_t i = 0; i < doc->event_count; i++) {
        size_t k = (size_t)(sorted[i] - doc->events);
        if (stamps->event_hashes[k] == 0)
            continue;
        fprintf(out, "event\t%s\t%016" PRIx64 "\t%u\t%" PRId64 "\n", sorted[i]->id,
                stamps->event_hashes[k], stamps->events[k].sequence, stamps->events[k].modified);
    }
    /* The full calendar first, then the feeds in the order they are declared. */
    for (size_t i = 0; i <= doc->feed_count; i++) {
        size_t k = i == 0 ? doc->feed_count : i - 1;
        char name[ALMANAC_FILE_NAME_MAX];
        almanac_feed_file_name(k < doc->feed_count ? &doc->feeds[k] : NULL, name, sizeof name);
        fprintf(out, "feed\t%s\t%016" PRIx64 "\t%u\t%" PRId64 "\n", name,
                stamps->feed_hashes[k], stamps->feeds[k].sequence, stamps->feeds[k].modified);
    }
    return ferror(out) ? -1 : 0;
}

typedef enum { OUTPUT_FEED, OUTPUT_TIMELINE, OUTPUT_INDEX, OUTPUT_STATE } output_kind;

typedef struct {
    output_kind kind;
    const almanac_feed *feed;
    size_t feed_index;
    const timeline_format *format; /* a timeline's */
    int year;        /* a timeline page's year (0: every year) */
    bool year_pages; /* a timeline page that is one of a page per year */
    char name[ALMANAC_FILE_NAME_MAX];
    outfile file;
    int error; /* errno of a failed render (it may fail on a worker thread) */
} output;

/* What one build carries from its feeds to the index it writes. */
typedef struct {
    build_reuse reuse;       /* the last build's VEVENTs that may be copied */
    ics_layout layout;       /* what this build's feeds hold */
    uint64_t calendar_size;  /* bytes of this build's all.ics */
    size_t *sorted;          /* the events in timeline order, sorted once for
                                every timeline and page and the index */
    const almanac_event **by_id; /* the events by id: the state's and the index's order */
} build_run;

/* Feeds are written together, so that each VEVENT is built and serialised
 * once for all the feeds that hold it; at most this many at a time, so
 * that their open files stay well under the descriptor limit however many
 * feeds a calendar declares (up to ALMANAC_MAX_FEEDS). */
enum { FEEDS_AT_ONCE = 64 };

static int render_one(const almanac_document *doc, const almanac_stamps *stamps,
                      const build_run *run, output *o)
{
    FILE *out = o->file.stream;
    switch (o->kind) {
    case OUTPUT_TIMELINE: {
        /* every event, with details; text at 80 columns (width 0) */
        almanac_timeline_options options = {.year = o->year, .year_pages = o->year_pages,
                                            .sorted = run->sorted};
        return o->format->render(doc, &options, out);
    }
    case OUTPUT_INDEX:
        return build_index_write(out, doc, stamps, &run->layout, run->calendar_size,
                                 run->sorted, run->by_id);
    case OUTPUT_STATE:
        return write_state(doc, stamps, run->by_id, out);
    case OUTPUT_FEED:
        break; /* feeds are rendered together: render_outputs() */
    }
    return -1;
}

typedef struct {
    const almanac_document *doc;
    const almanac_stamps *stamps;
    const build_run *run;
    output *outputs;
} render_job;

/* Outputs BEGIN..END of a render_job, on a worker thread. */
static int render_range(void *ctx, unsigned worker, size_t begin, size_t end)
{
    (void)worker;
    render_job *job = ctx;
    int result = 0;
    for (size_t k = begin; k < end; k++) {
        output *o = &job->outputs[k];
        if (render_one(job->doc, job->stamps, job->run, o) != 0) {
            o->error = errno;
            result = -1;
        }
    }
    return result;
}

/* Renders the COUNT open outputs at O: up to FEEDS_AT_ONCE feeds, each
 * VEVENT serialised once for all of them; or outputs of the other kinds,
 * each on a core of its own. */
static int render_outputs(const almanac_document *doc, const almanac_stamps *stamps,
                          build_run *run, output *o, size_t count, int64_t now,
                          const almanac_build_options *build)
{
    if (o[0].kind != OUTPUT_FEED) {
        render_job job = {doc, stamps, run, o};
        return parallel_for(count, 1, parallel_workers(), render_range, &job);
    }
    almanac_ics_options options[FEEDS_AT_ONCE] = {{0}};
    FILE *outs[FEEDS_AT_ONCE] = {0};
    for (size_t k = 0; k < count; k++) {
        options[k] = (almanac_ics_options){
            .feed = o[k].feed, .stamps = stamps->events, .default_modified = now,
            .calendar_modified = stamps->feeds[o[k].feed_index].modified,
            .no_alarms = !doc->calendar.alarms_in_feeds,
            .progress = build != NULL ? build->progress : NULL,
            .progress_context = build != NULL ? build->context : NULL};
        outs[k] = o[k].file.stream;
    }
    int result = render_ics_feeds_reusing(doc, options, outs, count, &run->reuse.reuse,
                                          &run->layout);
    for (size_t k = 0; result != 0 && k < count; k++)
        o[k].error = errno; /* failed_output() tells which stream */
    return result;
}

/* How many of the COUNT outputs at O render_outputs() takes at once. */
static size_t output_group(const output *o, size_t count)
{
    size_t n = 1;
    bool feeds = o[0].kind == OUTPUT_FEED;
    while (n < count && (!feeds || n < FEEDS_AT_ONCE) && (o[n].kind == OUTPUT_FEED) == feeds)
        n++;
    return n;
}

/* Of the COUNT outputs at O that were rendered together, the one whose
 * stream failed (the first when none says so: out of memory). */
static const output *failed_output(const output *o, size_t count)
{
    for (size_t k = 0; k < count; k++)
        if (o[k].file.stream != NULL && ferror(o[k].file.stream))
            return &o[k];
    for (size_t k = 0; k < count; k++)
        if (o[k].error != 0)
            return &o[k];
    return o;
}

static void io_error(almanac_diagnostics *diags, const char *what, const char *path)
{
    almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E458,
                               what, path, strerror(errno));
}

/* Opens, renders, and flushes, fsyncs and closes the COUNT outputs at O,
 * each as a temporary file in DIR. Returns 0, or -1 after a diagnostic. */
static int write_outputs(const almanac_document *doc, const almanac_stamps *stamps,
                         build_run *run, const char *dir, output *o, size_t count,
                         int64_t now, const almanac_build_options *options,
                         almanac_diagnostics *diags)
{
    for (size_t k = 0; k < count; k++) {
        if (outfile_open(&o[k].file, dir, o[k].name) != 0) {
            io_error(diags, "cannot create a file in", dir);
            return -1;
        }
        outfile_stream_single_writer(o[k].file.stream); /* this thread's alone */
        /* an output whose bytes come out the same is not replaced: its
         * file, time and inode stay, and nothing is written or synced */
        outfile_keep_if_same(&o[k].file);
    }
    if (render_outputs(doc, stamps, run, o, count, now, options) != 0) {
        const output *failed = failed_output(o, count);
        errno = failed->error;
        io_error(diags, "cannot write", failed->file.path);
        return -1;
    }
    for (size_t k = 0; k < count; k++) {
        if (outfile_close(&o[k].file) != 0) {
            io_error(diags, "cannot write", o[k].file.path);
            return -1;
        }
        struct stat st;
        if (o[k].kind == OUTPUT_FEED && o[k].feed == NULL) { /* all.ics, for the index */
            const char *path = o[k].file.unchanged ? o[k].file.path : o[k].file.temp_path;
            if (stat(path, &st) != 0) {
                io_error(diags, "cannot read back", path);
                return -1;
            }
            run->calendar_size = (uint64_t)st.st_size;
        }
    }
    return 0;
}

/* A year's page of a long timeline, as almanac_html_page_name() names it:
 * four digits and ".html". */
static bool is_year_page_name(const char *name)
{
    return strlen(name) == 9 && strspn(name, "0123456789") == 4 &&
           strcmp(name + 4, ".html") == 0;
}

/* Whether NAME is a file almanac_build() writes: a feed, a timeline or
 * the state. Only such names' temporary files are ever removed. */
static bool is_output_name(const char *name, const void *context)
{
    size_t base;
    if (gzip_sibling_name(name, &base)) { /* a gzip sibling's (gzip_sibling.h) */
        char file[ALMANAC_FILE_NAME_MAX];
        snprintf(file, sizeof file, "%.*s", (int)base, name);
        return base < sizeof file && !gzip_sibling_name(file, &base) &&
               is_output_name(file, context);
    }
    for (size_t t = 0; t < timeline_format_count; t++)
        if (timeline_formats[t].built && strcmp(name, timeline_formats[t].file) == 0)
            return true;
    return strcmp(name, ALMANAC_STATE_FILE) == 0 || strcmp(name, BUILD_INDEX_FILE) == 0 ||
           is_feed_file_name(name) || is_year_page_name(name);
}

/* Every feed, the timelines build writes (formats.h; a long HTML timeline
 * also as a page per year, index.html the latest), the state last. */
static output *plan_outputs(const almanac_document *doc, size_t *count)
{
    const timeline_format *paged = timeline_format_paged();
    *count = 0;
    size_t pages = 0;
    int *years = paged != NULL ? almanac_html_page_years(doc, &pages) : NULL;
    if (years == NULL && pages != 0)
        return NULL;
    *count = doc->feed_count + 1 + timeline_format_built_count() + pages + 2;
    output *outputs = calloc(*count, sizeof *outputs);
    if (outputs == NULL) {
        free(years);
        return NULL;
    }
    for (size_t k = 0; k <= doc->feed_count; k++) {
        output *o = &outputs[k];
        o->kind = OUTPUT_FEED;
        o->feed = k < doc->feed_count ? &doc->feeds[k] : NULL;
        o->feed_index = k;
        almanac_feed_file_name(o->feed, o->name, sizeof o->name);
    }
    output *o = &outputs[doc->feed_count + 1];
    for (size_t t = 0; t < timeline_format_count; t++) {
        if (!timeline_formats[t].built)
            continue;
        o->kind = OUTPUT_TIMELINE;
        o->format = &timeline_formats[t];
        snprintf(o->name, sizeof o->name, "%s", o->format->file);
        if (o->format == paged && pages > 0) {
            o->year = years[pages - 1];
            o->year_pages = true;
        }
        o++;
    }
    for (size_t y = 0; y < pages; y++, o++) {
        o->kind = OUTPUT_TIMELINE;
        o->format = paged;
        o->year = years[y];
        o->year_pages = true;
        almanac_html_page_name(years[y], o->name, sizeof o->name);
    }
    free(years);
    /* The index after the feeds it describes; the state last: it must
     * never claim outputs that did not land. */
    output *index = &outputs[*count - 2];
    index->kind = OUTPUT_INDEX;
    snprintf(index->name, sizeof index->name, "%s", BUILD_INDEX_FILE);
    output *state = &outputs[*count - 1];
    state->kind = OUTPUT_STATE;
    snprintf(state->name, sizeof state->name, "%s", ALMANAC_STATE_FILE);
    return outputs;
}

/* Adds to STAMPS' files that go the year pages in DIR that none of the
 * COUNT OUTPUTS is: the timeline got shorter, or lost a year. They are
 * found by their names, which are almanac's in an output directory, so a
 * crash before they go leaves them for the next build. */
static int collect_stale_pages(const char *dir, const output *outputs, size_t count,
                               almanac_stamps *stamps)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int result = 0;
    for (struct dirent *entry; result == 0 && (entry = readdir(d)) != NULL;) {
        if (!is_year_page_name(entry->d_name))
            continue;
        bool written = false;
        for (size_t i = 0; i < count && !written; i++)
            written = strcmp(outputs[i].name, entry->d_name) == 0;
        if (written)
            continue;
        char **more = realloc(stamps->stale_feeds,
                              (stamps->stale_count + 1) * sizeof *stamps->stale_feeds);
        char *name = more != NULL ? strdup(entry->d_name) : NULL;
        if (more != NULL)
            stamps->stale_feeds = more;
        if (name == NULL)
            result = -1;
        else
            stamps->stale_feeds[stamps->stale_count++] = name;
    }
    closedir(d);
    return result;
}

/* Whether DIR/NAME is free for a file: nothing there, or a regular file. */
static bool check_target(const char *dir, const char *name, const char *what,
                         almanac_diagnostics *diags)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    if (lstat(path, &st) != 0 || S_ISREG(st.st_mode))
        return true;
    almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E459,
                               path,
                               S_ISLNK(st.st_mode) ? "a symbolic link" : file_kind(st.st_mode),
                               what, dir);
    return false;
}

/* Refuses, before anything is written, a build whose outputs (or the feeds
 * it removes) have something else than a file at their name: exchanging a
 * directory into a temporary name would hide it, replacing a link would
 * not update its target. Every such name is reported. */
static int check_targets(const char *dir, const output *outputs, size_t count,
                         const almanac_stamps *stamps, almanac_diagnostics *diags)
{
    bool ok = true;
    for (size_t i = 0; i < count; i++)
        ok &= check_target(dir, outputs[i].name, "writes a file", diags);
    for (size_t k = 0; k < stamps->stale_count; k++)
        ok &= check_target(dir, stamps->stale_feeds[k], "removes a file it no longer "
                           "writes", diags);
    return ok ? 0 : -1;
}

/* Undoes the first COUNT steps, the last first. */
static void roll_back(outfile *steps, size_t count, almanac_diagnostics *diags)
{
    for (size_t i = count; i-- > 0;)
        if (outfile_rollback(&steps[i]) != 0)
            io_error(diags, "cannot restore the previous", steps[i].path);
}

/* Phase two: every output into place, and the feeds no longer declared
 * out of the way just before the state that stops naming them (so a crash
 * in between leaves a state that still names them, and the next build
 * removes them). STEPS has room for the outputs and the stale feeds; on
 * failure every step taken is undone. */
static int commit_outputs(const char *dir, output *outputs, size_t count,
                          const almanac_stamps *stamps, outfile *steps,
                          almanac_diagnostics *diags)
{
    size_t taken = 0;
    for (size_t i = 0; i < count; i++) {
        for (size_t k = 0; outputs[i].kind == OUTPUT_STATE && k < stamps->stale_count; k++) {
            if (outfile_remove(&steps[taken], dir, stamps->stale_feeds[k]) != 0) {
                io_error(diags, "cannot remove the file that is no longer written,",
                         stamps->stale_feeds[k]);
                roll_back(steps, taken, diags);
                return -1;
            }
            taken++;
        }
        if (outputs[i].file.unchanged)
            continue; /* its temporary file goes with the unused ones */
        steps[taken] = outputs[i].file;
        memset(&outputs[i].file, 0, sizeof outputs[i].file);
        if (outfile_commit(&steps[taken]) != 0) {
            io_error(diags, "cannot replace", steps[taken].path);
            roll_back(steps, taken, diags);
            return -1;
        }
        taken++;
    }
    if (outfile_sync_dir(dir) != 0) {
        io_error(diags, "cannot sync the directory", dir);
        roll_back(steps, taken, diags);
        outfile_sync_dir(dir);
        return -1;
    }
    return 0;
}

/* After a build: the gzip siblings of the files it no longer writes go,
 * and those of the files it wrote unless the caller serves DIR and keeps
 * them (almanac_build_options.gzip_siblings). They are a cache the server
 * checks against each file, so one that cannot go is only a warning. */
static void tidy_gzip_siblings(const char *dir, const output *outputs, size_t count,
                               const almanac_stamps *stamps, bool keep,
                               almanac_diagnostics *diags)
{
    for (size_t i = 0; i < count + stamps->stale_count; i++) {
        const char *name = i < count ? outputs[i].name : stamps->stale_feeds[i - count];
        if ((i < count && (keep || outputs[i].kind == OUTPUT_STATE)) ||
            gzip_sibling_remove(dir, name) == 0)
            continue;
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_W452, dir, name,
                                   GZIP_SIBLING_SUFFIX, name, strerror(errno));
    }
}

/* The summary of a build that succeeded. */
static void fill_report(const almanac_document *doc, const almanac_stamps *stamps,
                        const output *outputs, size_t count, almanac_build_report *report)
{
    memset(report, 0, sizeof *report);
    for (size_t i = 0; i < count; i++)
        report->unchanged_files += outputs[i].file.unchanged;
    report->feeds = doc->feed_count + 1;
    report->files = count;
    report->removed_files = stamps->stale_count;
    report->added = stamps->added;
    report->changed = stamps->changed;
    report->removed = stamps->removed;
    for (size_t i = 0; i < stamps->changed && i < ALMANAC_REPORT_IDS; i++)
        report->changed_ids[i] = doc->events[stamps->changed_events[i]].id;
}

int almanac_build(const almanac_document *doc, const char *dir, int64_t now,
                  almanac_diagnostics *diags)
{
    almanac_build_report report;
    return almanac_build_reported(doc, dir, now, NULL, &report, diags);
}

int almanac_build_reported(const almanac_document *doc, const char *dir, int64_t now,
                           const almanac_build_options *options, almanac_build_report *report,
                           almanac_diagnostics *diags)
{
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        io_error(diags, "cannot create the output directory", dir);
        return -1;
    }
    /* One build at a time per directory; then the temporary files of a
     * build that was killed are nobody's, and go. */
    int lock = outfile_lock_dir(dir);
    if (lock < 0) {
        io_error(diags, "cannot open the output directory", dir);
        return -1;
    }
    if (outfile_remove_leftovers(dir, is_output_name, NULL) < 0) {
        io_error(diags, "cannot remove the temporary files of an interrupted build in", dir);
        outfile_unlock_dir(lock);
        return -1;
    }
    almanac_stamps stamps;
    if (almanac_stamps_compute(doc, dir, now, &stamps, diags) != 0) {
        outfile_unlock_dir(lock);
        return -1;
    }
    size_t count;
    output *outputs = plan_outputs(doc, &count);
    if (outputs != NULL && collect_stale_pages(dir, outputs, count, &stamps) != 0) {
        io_error(diags, "cannot list the output directory", dir);
        free(outputs);
        almanac_stamps_free(&stamps);
        outfile_unlock_dir(lock);
        return -1;
    }
    outfile *steps = calloc(count + stamps.stale_count, sizeof *steps);
    build_run run = {.layout = {.length = calloc(doc->event_count ? doc->event_count : 1,
                                                 sizeof *run.layout.length),
                                .hash = calloc(doc->event_count ? doc->event_count : 1,
                                               sizeof *run.layout.hash)}};
    int result = outputs != NULL && steps != NULL && run.layout.length != NULL &&
                 run.layout.hash != NULL ? 0 : -1;
    if (result == 0)
        result = build_reuse_open(&run.reuse, dir, doc, &stamps);
    if (result == 0 && doc->event_count > 0 && (run.sorted = almanac_document_sorted(doc)) == NULL)
        result = -1;
    if (result == 0 && (run.by_id = events_by_id(doc)) == NULL)
        result = -1;
    if (result != 0)
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E460);
    if (result == 0)
        result = check_targets(dir, outputs, count, &stamps, diags);
    /* Phase one: every output complete and on disk under a temporary name. */
    for (size_t i = 0, n = 0; result == 0 && i < count; i += n) {
        n = output_group(&outputs[i], count - i);
        result = write_outputs(doc, &stamps, &run, dir, &outputs[i], n, now, options, diags);
    }
    if (result == 0)
        result = commit_outputs(dir, outputs, count, &stamps, steps, diags);
    if (result == 0) {
        tidy_gzip_siblings(dir, outputs, count, &stamps,
                           options != NULL && options->gzip_siblings, diags);
        fill_report(doc, &stamps, outputs, count, report);
        report->vevents_reused = run.layout.reused;
        report->vevents_rendered = run.layout.rendered;
    }
    /* The temporary files: unfinished outputs, or after a commit the old
     * content, which is no longer needed. */
    for (size_t i = 0; outputs != NULL && i < count; i++)
        outfile_discard(&outputs[i].file);
    for (size_t i = 0; steps != NULL && i < count + stamps.stale_count; i++)
        outfile_discard(&steps[i]);
    free(steps);
    free(outputs);
    build_reuse_close(&run.reuse);
    free(run.sorted);
    free(run.by_id);
    free(run.layout.length);
    free(run.layout.hash);
    almanac_stamps_free(&stamps);
    outfile_unlock_dir(lock);
    return result;
}

/* ---- one file: almanac_write_file() ------------------------------------ */

/* The file PATH stands for: the end of its chain of symbolic links, so that
 * a linked events.json is updated where it lives (as editors do), not
 * replaced by a file of its own. Into RESOLVED (SIZE bytes); *TARGET is
 * its stat, and *EXISTS says whether there is one. -1 (errno) for a
 * directory, another non-file, or a loop. */
static int resolve_target(const char *path, char *resolved, size_t size, struct stat *target,
                          bool *exists)
{
    size_t length = strlen(path);
    if (length == 0 || length >= size || path[length - 1] == '/') {
        errno = length == 0 ? ENOENT : length >= size ? ENAMETOOLONG : EISDIR;
        return -1;
    }
    memcpy(resolved, path, length + 1);
    for (int links = 0; links < 40; links++) {
        if (lstat(resolved, target) != 0) {
            *exists = false;
            return errno == ENOENT ? 0 : -1;
        }
        if (!S_ISLNK(target->st_mode)) {
            *exists = true;
            if (S_ISREG(target->st_mode))
                return 0;
            errno = S_ISDIR(target->st_mode) ? EISDIR : EINVAL;
            return -1;
        }
        char link[4096];
        ssize_t n = readlink(resolved, link, sizeof link - 1);
        if (n < 0)
            return -1;
        link[n] = '\0';
        /* a relative link is relative to the directory that holds it */
        char *slash = strrchr(resolved, '/');
        size_t keep = link[0] == '/' || slash == NULL ? 0 : (size_t)(slash - resolved) + 1;
        if (keep + (size_t)n >= size) {
            errno = ENAMETOOLONG;
            return -1;
        }
        memmove(resolved + keep, link, (size_t)n + 1);
    }
    errno = ELOOP;
    return -1;
}

/* The process's umask, which can only be read by setting it: read it from
 * /proc where Linux shows it, to leave other threads' files alone. */
static mode_t current_umask(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    char line[128];
    unsigned mask = 0;
    bool found = false;
    while (status != NULL && !found && fgets(line, sizeof line, status) != NULL)
        found = sscanf(line, "Umask: %o", &mask) == 1;
    if (status != NULL)
        fclose(status);
    if (found)
        return (mode_t)mask;
    mode_t old = umask(022);
    umask(old);
    return old;
}

static bool is_name(const char *name, const void *context)
{
    return strcmp(name, context) == 0;
}

/* Writes TEXT over the file NAME in DIR (locked by the caller), as the
 * file of TARGET (when EXISTS) was, or as a new file. */
static int replace_file(const char *dir, const char *name, const char *text,
                        const struct stat *target, bool exists)
{
    /* The temporary files a killed run left behind hold whole copies of
     * the file; they are ours, by name, and go. */
    if (outfile_remove_leftovers(dir, is_name, name) < 0)
        return -1;
    outfile file = {0};
    int result = outfile_open(&file, dir, name);
    if (result == 0)
        result = exists ? outfile_set_mode(&file, target->st_mode & 07777u, target)
                        : outfile_set_mode(&file, 0666u & ~(unsigned)current_umask(), NULL);
    if (result == 0 && fputs(text, file.stream) < 0)
        result = -1;
    if (result == 0)
        result = outfile_close(&file);
    if (result == 0)
        result = outfile_commit(&file);
    if (result == 0)
        result = outfile_sync_dir(dir);
    int saved = errno;
    outfile_discard(&file);
    errno = saved;
    return result;
}

int almanac_write_file(const char *path, const char *text)
{
    char resolved[4096];
    struct stat target;
    bool exists;
    if (resolve_target(path, resolved, sizeof resolved, &target, &exists) != 0)
        return -1;
    char *slash = strrchr(resolved, '/');
    const char *dir = ".", *name = resolved;
    if (slash != NULL) {
        *slash = '\0';
        dir = slash == resolved ? "/" : resolved;
        name = slash + 1;
    }
    /* One writer at a time, so that removing leftovers never takes the
     * temporary file of another almanac writing the same file. */
    int lock = outfile_lock_dir(dir);
    if (lock < 0)
        return -1;
    int result = replace_file(dir, name, text, &target, exists);
    int saved = errno;
    outfile_unlock_dir(lock);
    errno = saved;
    return result;
}

static void print_count(FILE *out, const char *separator, size_t n, const char *what)
{
    if (n > 0)
        fprintf(out, "%s%zu %s", separator, n, what);
}

void almanac_build_report_print(FILE *out, const almanac_build_report *r,
                                const almanac_document *doc, const char *verb,
                                const char *dir, const char *name)
{
    fprintf(out, "almanac: %s %s from %s: %zu event%s, %zu feed%s, %zu files; ", verb, dir,
            name, doc->event_count, doc->event_count == 1 ? "" : "s", r->feeds,
            r->feeds == 1 ? "" : "s", r->files);
    if (r->changed + r->added + r->removed == 0)
        fputs("no event changed", out);
    print_count(out, "", r->changed, "changed");
    for (size_t i = 0; i < r->changed && i < ALMANAC_REPORT_IDS; i++)
        fprintf(out, "%s%s", i == 0 ? " (SEQUENCE bumped: " : ", ", r->changed_ids[i]);
    if (r->changed > ALMANAC_REPORT_IDS)
        fprintf(out, " and %zu more", r->changed - ALMANAC_REPORT_IDS);
    if (r->changed > 0)
        fputc(')', out);
    print_count(out, r->changed ? ", " : "", r->added, "added");
    print_count(out, r->changed + r->added ? ", " : "", r->removed, "removed");
    if (r->removed_files > 0)
        fprintf(out, "; %zu file%s no longer written removed", r->removed_files,
                r->removed_files == 1 ? "" : "s");
    /* what makes a rebuild fast, and tells when it was not */
    if (r->vevents_reused > 0)
        fprintf(out, "; %zu VEVENT%s reused, %zu rendered", r->vevents_reused,
                r->vevents_reused == 1 ? "" : "s", r->vevents_rendered);
    if (r->unchanged_files > 0)
        fprintf(out, "; %zu file%s unchanged", r->unchanged_files,
                r->unchanged_files == 1 ? "" : "s");
    fputc('\n', out);
}
