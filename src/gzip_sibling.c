/* gzip_sibling.c - NAME.gz beside an output (see gzip_sibling.h). */
#define _DEFAULT_SOURCE /* O_NOFOLLOW, O_CLOEXEC, pread */
#include "gzip_sibling.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "outfile.h"

enum {
    CHUNK = 256 * 1024,
    /* zlib's default: a third of level 9's time on a feed for a few per
     * cent more bytes; the server compresses every changed file after a
     * rebuild, and that time is a subscriber's wait for gzip. */
    LEVEL = 6,
    MARKER_MAX = 64, /* "almanac <16 hex> <up to 20 digits>" and its NUL */
    HEADER = 10      /* the fixed part of a gzip header (RFC 1952 2.3) */
};

static const unsigned char MAGIC[4] = {0x1f, 0x8b, 8 /* deflate */, 0x10 /* FCOMMENT only */};

static void marker_of(uint64_t hash, uint64_t length, char marker[MARKER_MAX])
{
    snprintf(marker, MARKER_MAX, "almanac %016llx %llu", (unsigned long long)hash,
             (unsigned long long)length);
}

static void sibling_path(const char *dir, const char *name, char *path, size_t size)
{
    snprintf(path, size, "%s/%s%s", dir, name, GZIP_SIBLING_SUFFIX);
}

/* Reads the comment of almanac's gzip header from FD into MARKER; false
 * when FD is not a regular file with such a header and a whole trailer. */
static bool read_marker(int fd, char marker[MARKER_MAX], uint64_t *size, uint32_t *isize)
{
    struct stat st;
    unsigned char head[HEADER + MARKER_MAX];
    unsigned char trailer[4];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HEADER + 2 + 8)
        return false;
    ssize_t got = pread(fd, head, sizeof head, 0);
    if (got < HEADER + 2 || memcmp(head, MAGIC, sizeof MAGIC) != 0)
        return false;
    const unsigned char *end = memchr(head + HEADER, '\0', (size_t)got - HEADER);
    if (end == NULL || pread(fd, trailer, 4, st.st_size - 4) != 4)
        return false;
    memcpy(marker, head + HEADER, (size_t)(end - head) - HEADER + 1);
    *size = (uint64_t)st.st_size;
    *isize = (uint32_t)trailer[0] | (uint32_t)trailer[1] << 8 | (uint32_t)trailer[2] << 16 |
             (uint32_t)trailer[3] << 24;
    return strncmp(marker, "almanac ", 8) == 0;
}

int gzip_sibling_open(const char *dir, const char *name, uint64_t hash, uint64_t length,
                      uint64_t *size)
{
    char path[4096];
    sibling_path(dir, name, path, sizeof path);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    char found[MARKER_MAX], wanted[MARKER_MAX];
    uint32_t isize;
    marker_of(hash, length, wanted);
    if (!read_marker(fd, found, size, &isize) || strcmp(found, wanted) != 0 ||
        isize != (uint32_t)length) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Whether DIR/NAME.gz may be written or removed: nothing there, or a file
 * of almanac's. */
static bool ours_or_free(const char *dir, const char *name, bool *exists)
{
    char path[4096];
    sibling_path(dir, name, path, sizeof path);
    /* Most outputs have none: a build without the server asks for each of
     * its files, and lstat() is enough to say so. */
    struct stat st;
    if (lstat(path, &st) != 0) {
        *exists = errno != ENOENT;
        return errno == ENOENT;
    }
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    *exists = fd >= 0 || errno != ENOENT;
    if (fd < 0)
        return errno == ENOENT;
    char marker[MARKER_MAX];
    uint64_t size;
    uint32_t isize;
    bool ours = read_marker(fd, marker, &size, &isize);
    close(fd);
    return ours;
}

int gzip_sibling_remove(const char *dir, const char *name)
{
    bool exists;
    if (!ours_or_free(dir, name, &exists) || !exists)
        return 0;
    char path[4096];
    sibling_path(dir, name, path, sizeof path);
    return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* Deflates LENGTH bytes of SOURCE into OUT. Returns the compressed size,
 * or 0 with errno set. */
static uint64_t deflate_into(FILE *out, int source, uint64_t length, uint64_t hash)
{
    z_stream z = {0};
    if (deflateInit2(&z, LEVEL, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        errno = ENOMEM;
        return 0;
    }
    char marker[MARKER_MAX];
    marker_of(hash, length, marker);
    gz_header header = {.os = 255 /* unknown: the same bytes on every system */,
                        .comment = (Bytef *)marker};
    unsigned char *in = malloc(CHUNK), *buffer = malloc(CHUNK);
    uint64_t done = 0, written = 0;
    int status = in != NULL && buffer != NULL && deflateSetHeader(&z, &header) == Z_OK
                     ? Z_OK : Z_MEM_ERROR;
    if (status != Z_OK)
        errno = ENOMEM;
    while (status == Z_OK) {
        size_t want = length - done < CHUNK ? (size_t)(length - done) : CHUNK;
        ssize_t got = want > 0 ? pread(source, in, want, (off_t)done) : 0;
        if (got < 0 || (got == 0 && want > 0)) {
            if (got == 0)
                errno = EIO; /* the file is shorter than it was */
            status = Z_ERRNO;
            break;
        }
        done += (uint64_t)got;
        z.next_in = in;
        z.avail_in = (uInt)got;
        int flush = done == length ? Z_FINISH : Z_NO_FLUSH;
        do {
            z.next_out = buffer;
            z.avail_out = CHUNK;
            status = deflate(&z, flush);
            size_t produced = CHUNK - z.avail_out;
            if (fwrite(buffer, 1, produced, out) != produced)
                status = Z_ERRNO;
        } while (status == Z_OK && z.avail_out == 0);
        if (status == Z_STREAM_END) {
            written = z.total_out;
            break;
        }
        if (status == Z_BUF_ERROR)
            status = Z_OK; /* no progress possible without more input */
    }
    deflateEnd(&z);
    free(in);
    free(buffer);
    return written;
}

int gzip_sibling_write(const char *dir, const char *name, int source, uint64_t length,
                       uint64_t hash)
{
    bool exists;
    if (!ours_or_free(dir, name, &exists))
        return 0;
    if (length < GZIP_SIBLING_MIN_LENGTH)
        return gzip_sibling_remove(dir, name);
    char sibling[512];
    snprintf(sibling, sizeof sibling, "%s%s", name, GZIP_SIBLING_SUFFIX);
    outfile file;
    if (outfile_open(&file, dir, sibling) != 0)
        return -1;
    outfile_stream_single_writer(file.stream);
    uint64_t size = deflate_into(file.stream, source, length, hash);
    int result = size > 0 ? 0 : -1;
    if (result == 0 && outfile_close(&file) != 0)
        result = -1;
    bool smaller = size < length - length / 10;
    if (result == 0 && smaller)
        result = outfile_commit(&file) == 0 ? 1 : -1;
    int saved = errno;
    outfile_discard(&file);
    if (result == 0 && !smaller && exists)
        result = gzip_sibling_remove(dir, name);
    errno = saved;
    return result;
}

bool gzip_sibling_name(const char *name, size_t *base)
{
    size_t length = strlen(name), suffix = sizeof GZIP_SIBLING_SUFFIX - 1;
    if (length <= suffix || strcmp(name + length - suffix, GZIP_SIBLING_SUFFIX) != 0)
        return false;
    *base = length - suffix;
    return true;
}
