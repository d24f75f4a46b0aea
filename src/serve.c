/*
 * serve.c - the feeds over HTTP with libmicrohttpd (see serve.h).
 *
 * What a subscribed calendar app needs from a feed server: the right
 * Content-Type, validators it can send back (a strong ETag from the
 * content, Last-Modified from the build state) so that a poll of an
 * unchanged feed costs a 304 and no body, Cache-Control matching the
 * calendar's refresh interval, and gzip. Everything a response carries is
 * computed once per publish, so a request does no work but a table lookup
 * and header comparisons.
 *
 * Requests never touch the filesystem: the URL path is compared, as
 * received (no percent-decoding: our names never need it), with the names
 * in the table. "/../x", "%2e%2e", "//etc/passwd" and "/all.ics%00" are
 * simply not names in it.
 */
#define _DEFAULT_SOURCE /* NI_MAXHOST, getaddrinfo flags */
#include "almanac/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "almanac/build.h"
#include "almanac/date.h"
#include "almanac/render.h"
#include "outfile.h"
#include "connection_guard.h"
#include "formats.h"
#include "gzip_sibling.h"
#include "hash.h"
#include "http_headers.h"
#include "parallel.h"

/* Limits that keep slow or many clients from exhausting the server. */
enum {
    CONNECTIONS_MAX = 1024,       /* libmicrohttpd's: it accepts no more */
    CONNECTIONS_PER_IP_MAX = 32,  /* a browser opens 6; calendar apps 1 */
    HEAD_DEADLINE_MS = 10 * 1000, /* a whole request head, from the accept or the last reply */
    CONNECTION_TIMEOUT_S = 30,    /* idle, while a reply is sent (libmicrohttpd's) */
    DESCRIPTORS_SPARE = 64,       /* listening socket, epoll, inotify, logs, a rebuild's files */
    /* What a publish holds open when the limit on open files is low: two
     * snapshots (the served one and the next) of 16 files and their gzip
     * forms. A larger calendar raises the limit at publish time
     * (descriptors_for), up to the hard limit. */
    SNAPSHOT_DESCRIPTORS = 2 * 2 * 16,
    /* A connection is its socket and, at worst, a file of an older build
     * that its response is still sending after a rebuild. */
    DESCRIPTORS_PER_CONNECTION = 2,
    HEAD_MAX = 16 * 1024,         /* request line and header fields; longer: 431 */
    FIELDS_MAX = 100,             /* header fields, cookies and query arguments; more: 431 */
    /* libmicrohttpd keeps the request head, a record per field, and the
     * reply's head in one pool per connection. Twice HEAD_MAX holds the
     * largest head within the limits above with room for any reply. */
    CONNECTION_MEMORY = 2 * HEAD_MAX,
    URL_MAX = 1024,
    THREADS = 2
};

/* ---- the files served ------------------------------------------------- */

/* One file of a build, open, with everything a response about it says.
 * The responses are made once per publish and queued for every request
 * (libmicrohttpd counts their references): a 200 sends the file from its
 * descriptor, so the kernel copies it to the socket and no byte of it is
 * held in memory. */
typedef struct {
    char *path;             /* "/all.ics": the URL that names it */
    const char *type;       /* Content-Type */
    bool attachment;        /* a file to save (feeds), not a page to show */
    long max_age;           /* -1: no-cache (revalidate every time) */
    int fd;                 /* the built file, owned by WHOLE unless OWNS_FD (pread only) */
    uint64_t length;
    struct stat st;         /* which file it is: an unchanged one keeps its hash */
    uint64_t hash;          /* FNV-1a of its bytes (hash.h) */
    int gzip_fd;            /* its gzip sibling, owned by WHOLE_GZIP unless OWNS_FD; -1: none */
    bool owns_fd, owns_gzip_fd; /* the 200 holds a copy of the bytes (a small file) */
    uint64_t gzip_length;
    bool gzip_refused;      /* gzip would not make these bytes smaller */
    struct MHD_Response *whole, *whole_gzip; /* 200s; WHOLE_GZIP NULL without gzip */
    struct MHD_Response *same, *same_gzip;   /* 304s */
    char etag[24];          /* "\"<16 hex digits>\"" */
    char etag_gzip[28];     /* the gzip representation's: "\"<hex>-gz\"" */
    int64_t modified;       /* Unix seconds */
    char last_modified[40]; /* IMF-fixdate */
} resource;

/* One publish: every resource, shared by the requests that look at it. A
 * response in flight holds its own reference to its libmicrohttpd
 * response, and so to the descriptor of its file: it sends the bytes of
 * the build it started with even after a rebuild has replaced or removed
 * the file and this snapshot is gone. */
typedef struct {
    resource *items;
    size_t count;
    size_t refs; /* the server's, plus one per request being answered */
} snapshot;

struct almanac_server {
    struct MHD_Daemon *daemon;
    connection_guard *guard;  /* head deadlines and room for new clients */
    pthread_mutex_t lock; /* guards current and every snapshot's refs */
    snapshot *current;    /* NULL before the first publish */
    FILE *log;
    unsigned port;
    unsigned connections; /* libmicrohttpd's limit, for the descriptor budget */
};

static void resource_free(resource *r)
{
    free(r->path);
    if (r->owns_fd)
        close(r->fd);
    if (r->owns_gzip_fd)
        close(r->gzip_fd);
    struct MHD_Response *responses[4] = {r->whole, r->whole_gzip, r->same, r->same_gzip};
    for (size_t k = 0; k < 4; k++)
        if (responses[k] != NULL)
            MHD_destroy_response(responses[k]); /* closes the file when the last
                                                   response in flight is done */
}

static void snapshot_free(snapshot *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->count; i++)
        resource_free(&s->items[i]);
    free(s->items);
    free(s);
}

static snapshot *snapshot_acquire(almanac_server *server)
{
    pthread_mutex_lock(&server->lock);
    snapshot *s = server->current;
    if (s != NULL)
        s->refs++;
    pthread_mutex_unlock(&server->lock);
    return s;
}

static void snapshot_release(almanac_server *server, snapshot *s)
{
    if (s == NULL)
        return;
    pthread_mutex_lock(&server->lock);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&server->lock);
    if (last)
        snapshot_free(s);
}

/* Serves NEXT from now on; the snapshot it replaces goes when the last
 * request looking at it is answered. */
static void snapshot_switch(almanac_server *server, snapshot *next)
{
    next->refs = 1;
    pthread_mutex_lock(&server->lock);
    snapshot *previous = server->current;
    server->current = next;
    pthread_mutex_unlock(&server->lock);
    snapshot_release(server, previous);
}

static void http_date(int64_t seconds, char *buffer, size_t size)
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buffer, size, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
        snprintf(buffer, size, "Thu, 01 Jan 1970 00:00:00 GMT");
}

/* The validators and caching headers of R, for its gzip form or not. */
static void add_validators(struct MHD_Response *response, const resource *r, bool gzip)
{
    char cache[64];
    if (r->max_age < 0)
        snprintf(cache, sizeof cache, "no-cache");
    else
        snprintf(cache, sizeof cache, "public, max-age=%ld", r->max_age);
    MHD_add_response_header(response, MHD_HTTP_HEADER_ETAG, gzip ? r->etag_gzip : r->etag);
    MHD_add_response_header(response, MHD_HTTP_HEADER_LAST_MODIFIED, r->last_modified);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, cache);
    if (r->gzip_fd >= 0)
        MHD_add_response_header(response, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
}

/* Files up to SMALL_FILE bytes are served from a copy in memory, up to
 * SMALL_FILES_BUDGET bytes a snapshot: the head and the body of a small
 * feed then go out in one write, as before files were sent from
 * descriptors (wrk on a 21 KB feed: about a fifth more requests a second
 * than sendfile after the head). */
enum { SMALL_FILE = 64 * 1024, SMALL_FILES_BUDGET = 4 * 1024 * 1024 };

/* A copy of the LENGTH bytes of FD in a response, or NULL. */
static struct MHD_Response *copy_response(int fd, uint64_t length)
{
    char *bytes = malloc(length > 0 ? (size_t)length : 1);
    if (bytes == NULL || pread(fd, bytes, (size_t)length, 0) != (ssize_t)length) {
        free(bytes);
        return NULL;
    }
    return MHD_create_response_from_buffer((size_t)length, bytes, MHD_RESPMEM_MUST_FREE);
}

/* A 200 with LENGTH bytes of FD, for R: the response owns FD, unless it
 * took a copy of a small file out of *BUDGET (then *COPIED is set and FD
 * is still the caller's). */
static struct MHD_Response *whole_response(const resource *r, int fd, uint64_t length, bool gzip,
                                           size_t *budget, bool *copied)
{
    *copied = length <= SMALL_FILE && length <= *budget;
    struct MHD_Response *response = *copied ? copy_response(fd, length)
                                            : MHD_create_response_from_fd64(length, fd);
    if (response == NULL)
        return NULL;
    if (*copied)
        *budget -= (size_t)length;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    if (gzip)
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
    add_validators(response, r, gzip);
    if (r->attachment) {
        char disposition[320];
        snprintf(disposition, sizeof disposition, "attachment; filename=\"%s\"", r->path + 1);
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_DISPOSITION, disposition);
    }
    if (strncmp(r->type, "text/html", 9) == 0)
        /* The pages need nothing from anywhere: say so to the browser. */
        MHD_add_response_header(response, "Content-Security-Policy",
                                "default-src 'none'; style-src 'unsafe-inline'; "
                                "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    return response;
}

static struct MHD_Response *same_response(const resource *r, bool gzip)
{
    struct MHD_Response *response = MHD_create_response_from_buffer(0, NULL,
                                                                     MHD_RESPMEM_PERSISTENT);
    if (response != NULL)
        add_validators(response, r, gzip);
    return response;
}

/* Gives R its validators and responses: R or the 200s take FD and GZIP_FD
 * (-1: no gzip form), which are closed on failure. Small files are copied
 * out of *BUDGET. Returns 0 or -1. */
static int resource_respond(resource *r, int fd, int gzip_fd, size_t *budget)
{
    snprintf(r->etag, sizeof r->etag, "\"%016llx\"", (unsigned long long)r->hash);
    snprintf(r->etag_gzip, sizeof r->etag_gzip, "\"%016llx-gz\"", (unsigned long long)r->hash);
    http_date(r->modified, r->last_modified, sizeof r->last_modified);
    r->fd = fd;
    r->gzip_fd = gzip_fd;
    r->whole = whole_response(r, fd, r->length, false, budget, &r->owns_fd);
    if (r->whole == NULL) { /* nothing took FD */
        close(fd);
        r->owns_fd = false;
        r->fd = -1;
    }
    if (gzip_fd >= 0) {
        r->whole_gzip = whole_response(r, gzip_fd, r->gzip_length, true, budget,
                                       &r->owns_gzip_fd);
        if (r->whole_gzip == NULL) {
            close(gzip_fd);
            r->owns_gzip_fd = false;
            r->gzip_fd = -1;
        }
        r->same_gzip = same_response(r, true);
    }
    r->same = same_response(r, false);
    bool made = r->whole != NULL && r->same != NULL &&
                (gzip_fd < 0 || (r->whole_gzip != NULL && r->same_gzip != NULL));
    return made ? 0 : -1;
}

/* The hash of the LENGTH bytes of FD, read in pieces with pread. FNV-1a is
 * a stream (hash.h): the same value as the whole file's at once. Returns
 * 0, or -1 with errno set. */
static int hash_file(int fd, uint64_t length, uint64_t *hash)
{
    enum { PIECE = 256 * 1024 };
    unsigned char *piece = malloc(PIECE);
    if (piece == NULL)
        return -1;
    uint64_t h = HASH_SEED, done = 0;
    while (done < length) {
        size_t want = length - done < PIECE ? (size_t)(length - done) : PIECE;
        ssize_t got = pread(fd, piece, want, (off_t)done);
        if (got <= 0) {
            if (got == 0)
                errno = EIO; /* shorter than fstat said: not a file of a finished build */
            free(piece);
            return -1;
        }
        h = hash_bytes(h, piece, (size_t)got);
        done += (uint64_t)got;
    }
    free(piece);
    /* as the ETags were before files were served from descriptors */
    *hash = h ^ length;
    return 0;
}

/* Whether A and B are the same file, unchanged: the previous snapshot
 * holds its files open, so a file there cannot have been freed and its
 * inode number given to another. */
static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

typedef struct {
    const char *file;  /* in the build directory */
    const char *type;
    bool attachment;
    long max_age;
    int64_t modified;  /* from the build state; 0: unknown */
} resource_spec;

static const resource *find_path(const snapshot *s, const char *path)
{
    for (size_t i = 0; s != NULL && i < s->count; i++)
        if (strcmp(s->items[i].path, path) == 0)
            return &s->items[i];
    return NULL;
}

/* Opens one built file for R and says what it is. Its hash comes from
 * PREVIOUS, the last publish (may be NULL), when it is the same file;
 * else *HASHED is false and the caller hashes it. Returns the descriptor,
 * or -1 with errno set. */
static int resource_open(resource *r, const resource_spec *spec, const char *dir,
                         const snapshot *previous, bool *hashed)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, spec->file);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &r->st) != 0 || !S_ISREG(r->st.st_mode) || r->st.st_size < 0) {
        int saved = errno;
        close(fd);
        errno = S_ISREG(r->st.st_mode) ? saved : EINVAL;
        return -1;
    }
    size_t name_length = strlen(spec->file) + 2;
    r->path = malloc(name_length);
    if (r->path == NULL) {
        close(fd);
        errno = ENOMEM;
        return -1;
    }
    snprintf(r->path, name_length, "/%s", spec->file);
    r->type = spec->type;
    r->attachment = spec->attachment;
    r->max_age = spec->max_age;
    r->length = (uint64_t)r->st.st_size;
    const resource *old = find_path(previous, r->path);
    *hashed = old != NULL && same_file(&old->st, &r->st);
    if (*hashed) {
        r->hash = old->hash;
        r->gzip_refused = old->gzip_refused;
    }
    return fd;
}

/* Last-Modified: the build state's time, kept steady for unchanged
 * content and moved forward for changed content against PREVIOUS. */
static void resource_modified(resource *r, const resource_spec *spec, const snapshot *previous,
                              int64_t now)
{
    r->modified = spec->modified != 0 ? spec->modified : now;
    const resource *old = find_path(previous, r->path);
    if (old == NULL)
        return;
    if (old->hash == r->hash && old->length == r->length)
        r->modified = old->modified;
    else if (r->modified <= old->modified) /* changed: never "not modified since" */
        r->modified = now > old->modified ? now : old->modified + 1;
}

/* The files to hash, on every core (a feed of 100,000 events is 120 MB). */
typedef struct {
    resource *items;
    const int *fds;
    const size_t *which;
    int *errors;
} hash_job;

static int hash_range(void *ctx, unsigned worker, size_t begin, size_t end)
{
    (void)worker;
    hash_job *job = ctx;
    for (size_t k = begin; k < end; k++) {
        size_t i = job->which[k];
        if (hash_file(job->fds[i], job->items[i].length, &job->items[i].hash) != 0)
            job->errors[i] = errno;
    }
    return 0;
}

/* ---- requests ----------------------------------------------------------- */

/* What the access log needs once the response is sent. */
typedef struct {
    char method[12];
    char url[256]; /* escaped for the log */
    char version[16];
    char agent[160];
    char referer[160];
    unsigned status;
    size_t bytes;
    bool answered;
} request;

static const resource *find(const snapshot *s, const char *url)
{
    if (s == NULL)
        return NULL;
    if (strcmp(url, "/") == 0)
        url = "/index.html";
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->items[i].path, url) == 0)
            return &s->items[i];
    return NULL;
}


static bool not_modified(struct MHD_Connection *c, const resource *r)
{
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm != NULL) { /* takes precedence over If-Modified-Since */
        const char *const etags[2] = {r->etag, r->etag_gzip};
        return http_etag_matches(inm, etags);
    }
    const char *ims = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
    int64_t since;
    return ims != NULL && http_parse_date(ims, &since) && r->modified <= since;
}

static enum MHD_Result queue(struct MHD_Connection *c, request *req, unsigned status,
                             struct MHD_Response *response, size_t bytes)
{
    if (response == NULL)
        return MHD_NO;
    enum MHD_Result result = MHD_queue_response(c, status, response);
    MHD_destroy_response(response);
    req->status = status;
    req->bytes = bytes;
    return result;
}

/* A short plain-text error. CLOSE adds "Connection: close": after an
 * error about the request's framing, nothing more on the connection can be
 * trusted to start where a request starts. */
static enum MHD_Result answer_error(struct MHD_Connection *c, request *req, unsigned status,
                                    const char *text, bool close)
{
    req->answered = true;
    struct MHD_Response *response =
        MHD_create_response_from_buffer(strlen(text), (void *)(uintptr_t)text,
                                        MHD_RESPMEM_MUST_COPY);
    if (response == NULL)
        return MHD_NO;
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    if (close)
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
    return queue(c, req, status, response, strcmp(req->method, "HEAD") == 0 ? 0 : strlen(text));
}

/* Queues R's response: the whole file or a 304, as gzip when the client
 * takes it. The response holds its file: SNAP, released here, may go. */
static enum MHD_Result answer_resource(almanac_server *server, struct MHD_Connection *c,
                                       request *req, snapshot *snap, const resource *r)
{
    bool gzip = r->whole_gzip != NULL &&
                http_accepts_gzip(MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_ACCEPT_ENCODING));
    bool same = not_modified(c, r);
    struct MHD_Response *response = same ? (gzip ? r->same_gzip : r->same)
                                         : (gzip ? r->whole_gzip : r->whole);
    unsigned status = same ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK;
    uint64_t length = same || strcmp(req->method, "HEAD") == 0 ? 0
                      : gzip ? r->gzip_length : r->length;
    enum MHD_Result result = MHD_queue_response(c, status, response);
    req->status = status;
    req->bytes = (size_t)length;
    snapshot_release(server, snap);
    return result;
}

/* Collects the header fields that decide framing (an MHD_KeyValueIterator). */
static enum MHD_Result note_field(void *cls, enum MHD_ValueKind kind, const char *name,
                                  const char *value)
{
    (void)kind;
    http_head_field(cls, name, value);
    return MHD_YES;
}

static bool is_get_or_head(const char *method)
{
    return strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
}

/* Answers 431 by writing it to the socket ourselves, then has
 * libmicrohttpd close the connection (MHD_NO; it logs that as an
 * "internal error"). libmicrohttpd 0.9.75 builds a reply's head in the
 * connection's pool, which still holds the request's head, and reserves
 * nothing for it: after a head that leaves less room than a reply needs,
 * a reply queued the normal way is never sent and the connection closes
 * without a word. A head over our limits may be one such; this reply
 * needs none of the pool. The request has been read and nothing was
 * queued, so nothing else is written on the socket. */
static enum MHD_Result answer_too_large(struct MHD_Connection *c, request *req)
{
    static const char body[] = "431 the request head is too large\n";
    bool head = strcmp(req->method, "HEAD") == 0;
    char date[40], reply[320];
    http_date(time(NULL), date, sizeof date);
    int length = snprintf(reply, sizeof reply,
                          "HTTP/1.1 431 Request Header Fields Too Large\r\nDate: %s\r\n"
                          "Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n"
                          "X-Content-Type-Options: nosniff\r\nContent-Length: %zu\r\n\r\n%s",
                          date, sizeof body - 1, head ? "" : body);
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info != NULL && length > 0 && (size_t)length < sizeof reply)
        (void)send(info->connect_fd, reply, (size_t)length, MSG_NOSIGNAL | MSG_DONTWAIT);
    req->answered = true;
    req->status = MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
    req->bytes = head ? 0 : sizeof body - 1;
    return MHD_NO;
}

/* Whether the head is over HEAD_MAX bytes or FIELDS_MAX fields. */
static bool head_too_large(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *size =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    int fields = MHD_get_connection_values(c, MHD_HEADER_KIND | MHD_COOKIE_KIND |
                                                  MHD_GET_ARGUMENT_KIND, NULL, NULL);
    return (size != NULL && size->header_size > HEAD_MAX) || fields > FIELDS_MAX;
}

/* The number of query arguments in URI, as libmicrohttpd splits them. */
static size_t query_arguments(const char *uri)
{
    const char *query = strchr(uri, '?');
    size_t count = query != NULL ? 1 : 0;
    for (const char *p = query; p != NULL && *p != '\0'; p++)
        count += *p == '&';
    return count;
}

/* Called with the request line, before libmicrohttpd splits the query
 * (MHD_OPTION_URI_LOG_CALLBACK; what it returns becomes the request's
 * context). libmicrohttpd 0.9.75 keeps one record per query argument in
 * the connection's pool; when they do not fit (from about 480) it queues a
 * 431 and then stops reading without sending it, and the client would wait
 * for the head deadline. Over FIELDS_MAX arguments, the 431 is written
 * here and the socket shut down, which libmicrohttpd closes. (The method
 * is not known yet: a HEAD gets the short body too, on a connection that
 * ends after it.) */
static void *request_line(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    if (query_arguments(uri) <= FIELDS_MAX)
        return NULL;
    request *req = calloc(1, sizeof *req);
    if (req == NULL)
        return NULL;
    snprintf(req->method, sizeof req->method, "-");
    http_log_escape(req->url, sizeof req->url, uri);
    snprintf(req->version, sizeof req->version, "-");
    snprintf(req->agent, sizeof req->agent, "-");
    snprintf(req->referer, sizeof req->referer, "-");
    answer_too_large(c, req);
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info != NULL)
        shutdown(info->connect_fd, SHUT_RDWR);
    return req;
}

/* Judges a request as soon as its head is in, before any body is read.
 * An answer queued now makes libmicrohttpd skip the body and close the
 * connection after it: what a request whose end is uncertain needs
 * (RFC 9112 6.3), and a GET with a body, whose body we will not read.
 * Returns MHD_YES with nothing queued for a good GET or HEAD. */
static enum MHD_Result judge_head(struct MHD_Connection *c, request *req, const char *method,
                                  const char *url, const char *version)
{
    if (head_too_large(c))
        return answer_too_large(c, req);
    http_head head = HTTP_HEAD_INIT;
    MHD_get_connection_values(c, MHD_HEADER_KIND, note_field, &head);
    const char *why;
    http_head_verdict_kind verdict = http_head_verdict(&head, url, version, &why);
    if (verdict == HTTP_HEAD_BAD) {
        char text[160];
        snprintf(text, sizeof text, "400 bad request: %s\n", why);
        return answer_error(c, req, MHD_HTTP_BAD_REQUEST, text, true);
    }
    if (!is_get_or_head(method))
        return answer_error(c, req, MHD_HTTP_METHOD_NOT_ALLOWED, "405 method not allowed\n",
                            verdict == HTTP_HEAD_BODY);
    if (verdict == HTTP_HEAD_BODY)
        return answer_error(c, req, MHD_HTTP_BAD_REQUEST,
                            "400 bad request: a GET or HEAD request has no body\n", true);
    return MHD_YES;
}

static request *request_new(struct MHD_Connection *c, const char *method, const char *url,
                            const char *version)
{
    request *req = calloc(1, sizeof *req);
    if (req == NULL)
        return NULL;
    http_log_escape(req->method, sizeof req->method, method);
    http_log_escape(req->url, sizeof req->url, url);
    http_log_escape(req->version, sizeof req->version, version);
    http_log_escape(req->agent, sizeof req->agent,
                    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_USER_AGENT));
    http_log_escape(req->referer, sizeof req->referer,
                    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_REFERER));
    return req;
}

/* The guard's record of connection C (NULL if it has none). */
static guarded_connection *guarded(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info != NULL ? info->socket_context : NULL;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **req_cls)
{
    (void)upload_data;
    almanac_server *server = cls;
    request *req = *req_cls;
    if (req == NULL) { /* the head is in: judge it, answer on the next call (keep-alive) */
        connection_guard_head_received(server->guard, guarded(c), connection_guard_now());
        req = request_new(c, method, url, version);
        if (req == NULL)
            return MHD_NO;
        *req_cls = req;
        return judge_head(c, req, method, url, version);
    }
    if (req->answered) { /* answered when the head or the request line came in */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strlen(url) > URL_MAX)
        return answer_error(c, req, MHD_HTTP_URI_TOO_LONG, "414 URI too long\n", false);
    snapshot *snap = snapshot_acquire(server);
    const resource *r = find(snap, url);
    if (r == NULL) {
        snapshot_release(server, snap);
        return answer_error(c, req, MHD_HTTP_NOT_FOUND, "404 not found\n", false);
    }
    req->answered = true;
    return answer_resource(server, c, req, snap, r);
}

/* One access-log line per finished request (combined log format). */
static void completed(void *cls, struct MHD_Connection *c, void **req_cls,
                      enum MHD_RequestTerminationCode code)
{
    almanac_server *server = cls;
    request *req = *req_cls;
    *req_cls = NULL;
    if (req == NULL)
        return;
    connection_guard_response_done(server->guard, guarded(c), connection_guard_now());
    if (server->log != NULL) {
        char host[NI_MAXHOST] = "-";
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (info != NULL && info->client_addr != NULL) {
            socklen_t length = info->client_addr->sa_family == AF_INET6
                                   ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
            if (getnameinfo(info->client_addr, length, host, sizeof host, NULL, 0,
                            NI_NUMERICHOST) != 0)
                snprintf(host, sizeof host, "-");
        }
        char when[40];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
        char bytes[24] = "-";
        if (req->bytes > 0)
            snprintf(bytes, sizeof bytes, "%zu", req->bytes);
        fprintf(server->log, "%s - - [%s] \"%s %s %s\" %u %s \"%s\" \"%s\"%s\n", host, when,
                req->method, req->url, req->version, req->status ? req->status : 500, bytes,
                req->referer, req->agent,
                code == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (not completed)");
        fflush(server->log);
    }
    free(req);
}

/* Accepted and closed connections, for the guard. libmicrohttpd calls
 * this with MHD_CONNECTION_NOTIFY_CLOSED before it closes the socket. A
 * connection the guard cannot record (out of memory) is ended at once:
 * unguarded, it could be held for ever. */
static void notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                              enum MHD_ConnectionNotificationCode code)
{
    almanac_server *server = cls;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        connection_guard_remove(server->guard, *socket_context);
        *socket_context = NULL;
        return;
    }
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == NULL)
        return;
    *socket_context = connection_guard_add(server->guard, info->connect_fd, connection_guard_now());
    if (*socket_context == NULL)
        shutdown(info->connect_fd, SHUT_RDWR);
}

/* How many connections this process can hold: CONNECTIONS_MAX, or fewer
 * when the limit on open files is lower and cannot be raised (Debian's
 * default soft limit is 1024: raised, as servers do, up to the hard one).
 * A connection limit above the descriptors left would make accept() fail
 * before the guard could make room. Each connection may need two
 * (DESCRIPTORS_PER_CONNECTION), and the files served need theirs. */
static unsigned connections_possible(void)
{
    const rlim_t reserved = DESCRIPTORS_SPARE + SNAPSHOT_DESCRIPTORS;
    const rlim_t wanted = DESCRIPTORS_PER_CONNECTION * CONNECTIONS_MAX + reserved;
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return CONNECTIONS_MAX / 4;
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
        struct rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted
                              ? limit.rlim_max : wanted;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted)
        return CONNECTIONS_MAX;
    return limit.rlim_cur > reserved + 2 * DESCRIPTORS_SPARE
               ? (unsigned)((limit.rlim_cur - reserved) / DESCRIPTORS_PER_CONNECTION)
               : DESCRIPTORS_SPARE;
}

/* Unescaping is left undone on purpose: names are compared as sent. */
static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static void log_error(void *cls, const char *format, va_list ap)
{
    FILE *log = cls;
    if (log == NULL)
        return;
    fputs("almanac: server: ", log);
    vfprintf(log, format, ap);
    fflush(log);
}

/* ---- starting, publishing, stopping ----------------------------------- */

/* Splits "host:port" or "[v6]:port" and resolves it. */
bool almanac_listen_parse(const char *listen, char host[ALMANAC_HOST_MAX], unsigned *port)
{
    const char *colon = strrchr(listen, ':');
    if (colon == NULL)
        return false;
    size_t host_length = (size_t)(colon - listen);
    if (host_length > 1 && listen[0] == '[' && listen[host_length - 1] == ']') {
        listen++;
        host_length -= 2;
    }
    char *end;
    long number = strtol(colon + 1, &end, 10);
    if (colon[1] == '\0' || *end != '\0' || number < 0 || number > 65535 || host_length == 0 ||
        host_length >= ALMANAC_HOST_MAX)
        return false;
    memcpy(host, listen, host_length);
    host[host_length] = '\0';
    *port = (unsigned)number;
    return true;
}

static struct addrinfo *resolve(const char *listen, almanac_diagnostics *diags)
{
    char host[ALMANAC_HOST_MAX], port[8];
    unsigned number;
    if (!almanac_listen_parse(listen, host, &number)) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E461, listen);
        return NULL;
    }
    snprintf(port, sizeof port, "%u", number);
    struct addrinfo hints = {.ai_flags = AI_NUMERICSERV, .ai_socktype = SOCK_STREAM};
    struct addrinfo *found = NULL;
    int error = getaddrinfo(host, port, &hints, &found);
    if (error != 0) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E462, host,
                                   gai_strerror(error));
        return NULL;
    }
    return found;
}

almanac_server *almanac_server_start(const almanac_server_options *options,
                                     almanac_diagnostics *diags)
{
    const char *listen = options->listen != NULL ? options->listen : ALMANAC_DEFAULT_LISTEN;
    struct addrinfo *address = resolve(listen, diags);
    if (address == NULL)
        return NULL;
    almanac_server *server = calloc(1, sizeof *server);
    if (server == NULL) {
        freeaddrinfo(address);
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E460);
        return NULL;
    }
    pthread_mutex_init(&server->lock, NULL);
    server->log = options->log;
    /* The guard starts making room 1/16 below libmicrohttpd's limit, so a
     * full server still accepts: a new client ends the connection that
     * has waited longest for its head. The 1/16 is slack for connections
     * ended but not yet closed by libmicrohttpd. */
    unsigned connections = connections_possible();
    server->connections = connections;
    server->guard = connection_guard_new(connections - connections / 16, HEAD_DEADLINE_MS);
    int error = server->guard != NULL ? connection_guard_start(server->guard) : ENOMEM;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
    if (address->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    errno = 0;
    if (error == 0)
        server->daemon = MHD_start_daemon(
            flags, 0, NULL, NULL, handle, server,
            MHD_OPTION_EXTERNAL_LOGGER, log_error, (void *)options->log,
            MHD_OPTION_SOCK_ADDR, address->ai_addr,
            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS,
            MHD_OPTION_CONNECTION_LIMIT, connections,
            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)CONNECTIONS_PER_IP_MAX,
            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT_S,
            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
            MHD_OPTION_NOTIFY_COMPLETED, completed, server,
            MHD_OPTION_NOTIFY_CONNECTION, notify_connection, server,
            MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, NULL,
            MHD_OPTION_URI_LOG_CALLBACK, request_line, NULL,
            MHD_OPTION_END);
    int saved = error != 0 ? error : errno;
    freeaddrinfo(address);
    if (server->daemon == NULL) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E463, listen,
                                   saved != 0 ? strerror(saved) : "the server did not start");
        connection_guard_free(server->guard);
        pthread_mutex_destroy(&server->lock);
        free(server);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(server->daemon,
                                                           MHD_DAEMON_INFO_BIND_PORT);
    server->port = info != NULL ? info->port : 0;
    return server;
}

unsigned almanac_server_port(const almanac_server *server)
{
    return server->port;
}

/* The files a build writes, with how each is served: NAMES has room for
 * the feeds' names and the PAGES years' (almanac_html_page_years). */
static resource_spec *specs_for(const almanac_document *doc, const almanac_stamps *stamps,
                                char (*names)[ALMANAC_FILE_NAME_MAX], const int *years,
                                size_t pages, size_t *count)
{
    const timeline_format *paged = timeline_format_paged();
    size_t n = doc->feed_count + 1 + timeline_format_built_count() + pages;
    resource_spec *specs = calloc(n, sizeof *specs);
    if (specs == NULL)
        return NULL;
    long max_age = doc->calendar.refresh_seconds > 0 ? doc->calendar.refresh_seconds : 86400;
    size_t k = 0;
    for (; k <= doc->feed_count; k++) {
        almanac_feed_file_name(k < doc->feed_count ? &doc->feeds[k] : NULL, names[k],
                               sizeof names[k]);
        specs[k] = (resource_spec){names[k], FEED_CONTENT_TYPE, true, max_age,
                                   stamps->feeds[k].modified};
    }
    /* Pages change exactly when the full calendar does; a browser asks
     * again each time (a 304 costs nothing). */
    int64_t all = stamps->feeds[doc->feed_count].modified;
    for (size_t t = 0; t < timeline_format_count; t++)
        if (timeline_formats[t].built)
            specs[k++] = (resource_spec){timeline_formats[t].file,
                                         timeline_formats[t].content_type, false, -1, all};
    for (size_t y = 0; y < pages; y++) {
        char *name = names[doc->feed_count + 1 + y];
        almanac_html_page_name(years[y], name, sizeof names[0]);
        specs[k++] = (resource_spec){name, paged->content_type, false, -1, all};
    }
    *count = n;
    return specs;
}

/* Makes sure the process may open FILES more descriptors for a snapshot
 * than the connections and the one being replaced hold: each connection
 * is a socket and, at worst, a file of an older build that a response
 * still sends; two snapshots are open while one replaces the other. */
static void descriptors_for(const almanac_server *server, size_t files)
{
    rlim_t wanted = 2 * (rlim_t)server->connections + 2 * (rlim_t)files + DESCRIPTORS_SPARE;
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
        limit.rlim_cur >= wanted)
        return;
    limit.rlim_cur = limit.rlim_max != RLIM_INFINITY && limit.rlim_max < wanted ? limit.rlim_max
                                                                                : wanted;
    (void)setrlimit(RLIMIT_NOFILE, &limit); /* else an open() below may fail: reported */
}

/* Opens every file of a build into NEXT (COUNT specs), hashes those not
 * in PREVIOUS, and makes their responses. Returns 0, or -1 after a
 * diagnostic. */
static int snapshot_open(snapshot *next, const resource_spec *specs, size_t count,
                         const char *dir, const snapshot *previous, int64_t now,
                         almanac_diagnostics *diags)
{
    int *fds = malloc((count ? count : 1) * sizeof *fds);
    int *errors = calloc(count ? count : 1, sizeof *errors);
    size_t *which = malloc((count ? count : 1) * sizeof *which);
    size_t unhashed = 0, opened = 0, budget = SMALL_FILES_BUDGET;
    int result = fds != NULL && errors != NULL && which != NULL ? 0 : -1;
    if (result != 0)
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E460);
    for (; result == 0 && opened < count; opened++, next->count++) {
        bool hashed;
        fds[opened] = resource_open(&next->items[opened], &specs[opened], dir, previous,
                                    &hashed);
        if (fds[opened] < 0) {
            errors[opened] = errno;
            result = -1;
        } else if (!hashed) {
            which[unhashed++] = opened;
        }
    }
    if (result == 0) {
        hash_job job = {next->items, fds, which, errors};
        parallel_for(unhashed, 1, parallel_workers(), hash_range, &job);
    }
    for (size_t i = 0; i < opened; i++) {
        resource *r = &next->items[i];
        if (result == 0 && errors[i] == 0) {
            resource_modified(r, &specs[i], previous, now);
            int gzip_fd = gzip_sibling_open(dir, specs[i].file, r->hash, r->length,
                                            &r->gzip_length);
            if (resource_respond(r, fds[i], gzip_fd, &budget) != 0) {
                errors[i] = ENOMEM;
                result = -1;
            }
        } else {
            if (fds[i] >= 0)
                close(fds[i]);
            r->gzip_fd = -1;
        }
        if (errors[i] != 0 && result != -2) {
            almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E464, dir,
                                       specs[i].file, strerror(errors[i]));
            result = -2; /* one diagnostic is enough */
        }
    }
    free(fds);
    free(errors);
    free(which);
    return result == 0 ? 0 : -1;
}

int almanac_server_publish(almanac_server *server, const almanac_document *doc,
                           const char *dir, int64_t now, almanac_diagnostics *diags)
{
    almanac_stamps stamps;
    if (almanac_stamps_compute(doc, dir, now, &stamps, diags) != 0)
        return -1;
    size_t pages = 0;
    int *years = timeline_format_paged() != NULL ? almanac_html_page_years(doc, &pages) : NULL;
    char (*names)[ALMANAC_FILE_NAME_MAX] = years != NULL || pages == 0
                             ? calloc(doc->feed_count + 1 + pages, sizeof *names) : NULL;
    size_t count = 0;
    resource_spec *specs = names != NULL ? specs_for(doc, &stamps, names, years, pages, &count)
                                         : NULL;
    snapshot *next = calloc(1, sizeof *next);
    if (next != NULL)
        next->items = calloc(count, sizeof *next->items);
    int result = specs != NULL && next != NULL && next->items != NULL ? 0 : -1;
    if (result != 0)
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E460);
    if (result == 0)
        descriptors_for(server, 2 * count);
    /* Every file is opened before the switch, under the directory's lock,
     * so no build can replace a file between the first opened and the
     * last: the snapshot is one build. A build replaces each file by a
     * rename of a new one; a descriptor opened before stays on the old
     * bytes whatever is renamed later, so requests answered from this
     * snapshot see this build and no other, file by file, until the next
     * switch, and a response in flight keeps its file to the end. */
    int lock = result == 0 ? outfile_lock_dir(dir) : -1;
    if (result == 0 && lock < 0) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E466, dir,
                                   strerror(errno));
        result = -1;
    }
    snapshot *previous = result == 0 ? snapshot_acquire(server) : NULL;
    if (result == 0)
        result = snapshot_open(next, specs, count, dir, previous, now, diags);
    outfile_unlock_dir(lock);
    snapshot_release(server, previous);
    if (result == 0)
        snapshot_switch(server, next);
    else
        snapshot_free(next);
    free(specs);
    free(names);
    free(years);
    almanac_stamps_free(&stamps);
    return result;
}

/* ---- gzip siblings ------------------------------------------------------ */

typedef struct {
    const char *dir;
    const resource *items;
    const size_t *which;
    int *results; /* gzip_sibling_write()'s, errno's negated for -1 */
} compress_job;

static int compress_range(void *ctx, unsigned worker, size_t begin, size_t end)
{
    (void)worker;
    compress_job *job = ctx;
    for (size_t k = begin; k < end; k++) {
        size_t i = job->which[k];
        const resource *r = &job->items[i];
        int written = gzip_sibling_write(job->dir, r->path + 1, r->fd, r->length, r->hash);
        job->results[i] = written >= 0 ? written : -(errno != 0 ? errno : EIO);
    }
    return 0;
}

/* A copy of S with the gzip forms RESULTS says were written. NULL when
 * out of memory or descriptors. */
static snapshot *snapshot_with_gzip(const snapshot *s, const char *dir, const int *results)
{
    snapshot *next = calloc(1, sizeof *next);
    if (next == NULL || (next->items = calloc(s->count, sizeof *next->items)) == NULL) {
        free(next);
        return NULL;
    }
    size_t budget = SMALL_FILES_BUDGET;
    int result = 0;
    for (; result == 0 && next->count < s->count; next->count++) {
        const resource *old = &s->items[next->count];
        resource *r = &next->items[next->count];
        *r = (resource){.path = strdup(old->path), .type = old->type,
                        .attachment = old->attachment, .max_age = old->max_age,
                        .length = old->length, .st = old->st, .hash = old->hash,
                        .gzip_length = old->gzip_length, .modified = old->modified,
                        .gzip_refused = old->gzip_refused || results[next->count] == 0};
        int fd = dup(old->fd);
        int gzip_fd = old->gzip_fd >= 0 ? dup(old->gzip_fd) : -1;
        if (results[next->count] == 1)
            gzip_fd = gzip_sibling_open(dir, old->path + 1, r->hash, r->length,
                                        &r->gzip_length);
        if (r->path == NULL || fd < 0) {
            if (fd >= 0)
                close(fd);
            if (gzip_fd >= 0)
                close(gzip_fd);
            result = -1;
        } else if (resource_respond(r, fd, gzip_fd, &budget) != 0) {
            result = -1;
        }
    }
    if (result != 0) {
        snapshot_free(next);
        return NULL;
    }
    return next;
}

int almanac_server_compress(almanac_server *server, const char *dir,
                            almanac_diagnostics *diags)
{
    snapshot *s = snapshot_acquire(server);
    if (s == NULL)
        return 0;
    size_t *which = malloc((s->count ? s->count : 1) * sizeof *which);
    int *results = calloc(s->count ? s->count : 1, sizeof *results);
    size_t missing = 0;
    for (size_t i = 0; which != NULL && i < s->count; i++) {
        const resource *r = &s->items[i];
        results[i] = -1; /* not tried */
        if (r->gzip_fd < 0 && !r->gzip_refused && r->length >= GZIP_SIBLING_MIN_LENGTH)
            which[missing++] = i;
    }
    int result = 0;
    /* Under the directory's lock: a build removes the temporary files of
     * siblings as its own leftovers when it starts. */
    int lock = missing > 0 && results != NULL ? outfile_lock_dir(dir) : -1;
    if (lock >= 0) {
        compress_job job = {dir, s->items, which, results};
        parallel_for(missing, 1, parallel_workers(), compress_range, &job);
        for (size_t k = 0; k < missing; k++) {
            int failed = results[which[k]];
            if (failed < 0 && result == 0) {
                almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_W453, dir,
                                           s->items[which[k]].path, GZIP_SIBLING_SUFFIX,
                                           s->items[which[k]].path + 1, strerror(-failed));
                result = -1;
            }
        }
        descriptors_for(server, 2 * s->count);
        snapshot *next = snapshot_with_gzip(s, dir, results);
        outfile_unlock_dir(lock);
        if (next != NULL)
            snapshot_switch(server, next);
        else
            result = -1;
    } else if (missing > 0) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_W454, dir,
                                   strerror(results != NULL ? errno : ENOMEM));
        result = -1;
    }
    free(which);
    free(results);
    snapshot_release(server, s);
    return result;
}

void almanac_server_stop(almanac_server *server)
{
    if (server == NULL)
        return;
    MHD_stop_daemon(server->daemon); /* removes every connection from the guard */
    connection_guard_free(server->guard);
    snapshot_release(server, server->current);
    pthread_mutex_destroy(&server->lock);
    free(server);
}
