/*
 * outfile.c - atomic replacement of files, with a way back (see outfile.h).
 */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE */
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMP_SUFFIX ".tmp-XXXXXX"

/* stdio buffers a file in st_blksize pieces (4 KiB): a build of 100,000
 * events made 133,000 write calls. 256 KiB makes them 64 times fewer;
 * build holds at most 64 outputs open, 16 MiB of buffers. */
#define STREAM_BUFFER_SIZE ((size_t)256 * 1024)

/* Write-behind piece: see write_behind(). */
#define WRITE_BEHIND ((off_t)32 * 1024 * 1024)

/* What the stream of an outfile writes through (fopencookie). */
struct outfile_writer {
    int fd;
    off_t written; /* bytes handed to the kernel */
    off_t started; /* [started, written): not yet sent to disk */
    off_t dropped; /* [0, dropped): on disk and dropped from the cache */
    bool behind;   /* write-behind works on this file system */
    const char *old; /* the target, mapped, while the content equals it */
    size_t old_size;
    size_t same;     /* bytes equal to the target's, held back */
    char buffer[STREAM_BUFFER_SIZE];
};

/* Write-behind, as PostgreSQL's *_flush_after settings do it: every
 * WRITE_BEHIND bytes, start sending the new piece to disk, wait for the
 * piece before it to be there, and drop that one from the page cache.
 * Without it a build holds everything it writes in the cache until its
 * fsync: 5.5 GB for a million events, and on a VM filling that much fresh
 * memory costs more per byte the more there is. A file system that cannot
 * do it (EINVAL, ESPIPE, ENOSYS) just does without; any other error is an
 * I/O error of the output, reported like a failed write. */
static int write_behind(struct outfile_writer *w)
{
    off_t piece = w->written - w->started;
    if (!w->behind || piece < WRITE_BEHIND)
        return 0;
    int result = sync_file_range(w->fd, w->started, piece, SYNC_FILE_RANGE_WRITE);
    if (result == 0 && w->started > w->dropped) {
        off_t sent = w->started - w->dropped;
        result = sync_file_range(w->fd, w->dropped, sent,
                                 SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                     SYNC_FILE_RANGE_WAIT_AFTER);
        if (result == 0) {
            (void)posix_fadvise(w->fd, w->dropped, sent, POSIX_FADV_DONTNEED);
            w->dropped = w->started;
        }
    }
    if (result != 0) {
        if (errno != EINVAL && errno != ESPIPE && errno != ENOSYS)
            return -1;
        w->behind = false;
    }
    w->started = w->written;
    return 0;
}

/* Writes SIZE bytes of DATA; returns how many were written, fewer (with
 * errno set) when the file system failed. */
static size_t write_some(struct outfile_writer *w, const char *data, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t n = write(w->fd, data + done, size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            break;
        }
        done += (size_t)n;
        w->written += n;
    }
    return done;
}

/* The content no longer equals the target's: the part held back goes
 * out (from the mapping, which still has it), and comparing stops. */
static bool stop_comparing(struct outfile_writer *w)
{
    bool ok = write_some(w, w->old, w->same) == w->same;
    munmap((void *)w->old, w->old_size);
    w->old = NULL;
    return ok;
}

/* A short count tells stdio the stream failed; errno says why. */
static ssize_t write_out(void *cookie, const char *data, size_t size)
{
    struct outfile_writer *w = cookie;
    if (w->old != NULL) {
        if (size <= w->old_size - w->same && memcmp(w->old + w->same, data, size) == 0) {
            w->same += size;
            return (ssize_t)size;
        }
        if (!stop_comparing(w))
            return 0;
    }
    size_t done = write_some(w, data, size);
    if (done == size && write_behind(w) != 0)
        return 0;
    return (ssize_t)done;
}

/* "DIR/.NAME.tmp-XXXXXX" when HIDDEN, else "DIR/NAME". */
static char *join(const char *dir, const char *name, bool hidden)
{
    size_t size = strlen(dir) + strlen(name) + sizeof TEMP_SUFFIX + 3;
    char *path = malloc(size);
    if (path != NULL)
        snprintf(path, size, hidden ? "%s/.%s" TEMP_SUFFIX : "%s/%s", dir, name);
    return path;
}

static int set_names(outfile *file, const char *dir, const char *name)
{
    memset(file, 0, sizeof *file);
    file->fd = -1;
    /* A leading dot keeps the temporary file out of directory listings a
     * web server might show. */
    file->path = join(dir, name, false);
    file->temp_path = join(dir, name, true);
    if (file->path == NULL || file->temp_path == NULL) {
        outfile_discard(file);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* mkstemp, keeping errno and leaving temp_path NULL on failure so that
 * outfile_discard() does not remove somebody else's file. */
static int make_temp(outfile *file)
{
    int fd = mkstemp(file->temp_path);
    if (fd < 0) {
        int saved = errno;
        free(file->temp_path);
        file->temp_path = NULL;
        outfile_discard(file);
        errno = saved;
    }
    return fd;
}

static int open_stream(outfile *file)
{
    struct outfile_writer *w = malloc(sizeof *w);
    if (w == NULL)
        return -1;
    *w = (struct outfile_writer){.fd = file->fd, .behind = true};
    cookie_io_functions_t io = {.write = write_out};
    file->stream = fopencookie(w, "wb", io);
    if (file->stream == NULL) {
        free(w);
        return -1;
    }
    file->writer = w;
    setvbuf(file->stream, w->buffer, _IOFBF, sizeof w->buffer);
    return 0;
}

int outfile_open(outfile *file, const char *dir, const char *name)
{
    if (set_names(file, dir, name) != 0)
        return -1;
    int fd = make_temp(file);
    if (fd < 0)
        return -1;
    file->fd = fd;
    file->step = OUTFILE_NEW;
    /* mkstemp makes 0600; outputs are meant to be published. */
    if (fchmod(fd, 0644) != 0 || open_stream(file) != 0) {
        int saved = errno;
        close(fd);
        file->fd = -1;
        outfile_discard(file);
        errno = saved;
        return -1;
    }
    return 0;
}

void outfile_stream_single_writer(FILE *out)
{
#ifdef __GLIBC__
    __fsetlocking(out, FSETLOCKING_BYCALLER);
#else
    (void)out; /* elsewhere stdio keeps locking: slower, still correct */
#endif
}

void outfile_keep_if_same(outfile *file)
{
    struct outfile_writer *w = file->writer;
    int fd = open(file->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (w == NULL || fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uintmax_t)st.st_size <= SIZE_MAX) {
        void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map != MAP_FAILED) {
            (void)madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
            w->old = map;
            w->old_size = (size_t)st.st_size;
        }
    }
    close(fd);
}

int outfile_close(outfile *file)
{
    FILE *stream = file->stream;
    file->stream = NULL;
    if (stream == NULL)
        return -1;
    int result = 0;
    if (fflush(stream) != 0 || ferror(stream))
        result = -1;
    struct outfile_writer *w = file->writer;
    if (result == 0 && w->old != NULL) {
        if (w->same == w->old_size) { /* the same bytes: nothing to write or sync */
            munmap((void *)w->old, w->old_size);
            w->old = NULL;
            file->unchanged = true;
            fclose(stream);
            close(file->fd);
            free(file->writer);
            file->writer = NULL;
            file->fd = -1;
            return 0;
        }
        if (!stop_comparing(w)) /* a shorter content: the start of the old */
            result = -1;
    }
    if (result == 0 && fsync(file->fd) != 0)
        result = -1;
    /* Durable now: what write-behind has not dropped yet need not stay
     * cached either. Advice only; its failure changes nothing. */
    if (result == 0)
        (void)posix_fadvise(file->fd, 0, 0, POSIX_FADV_DONTNEED);
    int saved = errno;
    fclose(stream); /* flushed already; the descriptor is closed below */
    if (close(file->fd) != 0 && result == 0) {
        result = -1;
        saved = errno;
    }
    if (w->old != NULL) /* a failed flush while comparing */
        munmap((void *)w->old, w->old_size);
    free(file->writer);
    file->writer = NULL;
    file->fd = -1;
    errno = saved;
    return result;
}

int outfile_commit(outfile *file)
{
    /* Exchanging would swap a directory (or a FIFO, a link ...) at the
     * target's name into the temporary name, and the build would "succeed"
     * with the user's directory hidden: only files are replaced. */
    struct stat target;
    if (lstat(file->path, &target) == 0 && !S_ISREG(target.st_mode)) {
        errno = S_ISDIR(target.st_mode) ? EISDIR : EEXIST;
        return -1;
    }
    if (renameat2(AT_FDCWD, file->temp_path, AT_FDCWD, file->path, RENAME_EXCHANGE) == 0) {
        file->step = OUTFILE_EXCHANGED;
        return 0;
    }
    /* ENOENT: no target yet (the temporary file is ours and exists).
     * EINVAL, ENOSYS: a file system that cannot exchange; rename, which
     * still never shows a mix, but cannot be undone. */
    if (errno != ENOENT && errno != EINVAL && errno != ENOSYS)
        return -1;
    struct stat st;
    bool replacing = lstat(file->path, &st) == 0;
    if (rename(file->temp_path, file->path) != 0)
        return -1;
    file->step = replacing ? OUTFILE_REPLACED : OUTFILE_RENAMED;
    return 0;
}

int outfile_remove(outfile *file, const char *dir, const char *name)
{
    if (set_names(file, dir, name) != 0)
        return -1;
    /* A placeholder reserves the name; the rename replaces it. */
    int fd = make_temp(file);
    if (fd < 0)
        return -1;
    close(fd);
    file->step = OUTFILE_NEW;
    if (rename(file->path, file->temp_path) == 0) {
        file->step = OUTFILE_REMOVED;
        return 0;
    }
    if (errno != ENOENT)
        return -1;
    file->step = OUTFILE_NOTHING;
    return 0;
}

int outfile_rollback(outfile *file)
{
    int result = 0;
    switch (file->step) {
    case OUTFILE_NEW:
    case OUTFILE_NOTHING:
        return 0;
    case OUTFILE_EXCHANGED:
        result = renameat2(AT_FDCWD, file->temp_path, AT_FDCWD, file->path, RENAME_EXCHANGE);
        break;
    case OUTFILE_RENAMED:
        result = rename(file->path, file->temp_path);
        break;
    case OUTFILE_REPLACED:
        errno = ENOTSUP; /* the old content is gone */
        return -1;
    case OUTFILE_REMOVED:
        result = rename(file->temp_path, file->path);
        break;
    }
    if (result == 0)
        file->step = OUTFILE_NEW;
    return result;
}

void outfile_discard(outfile *file)
{
    int saved = errno;
    /* The descriptor is open exactly while the stream is: a zeroed
     * struct's fd 0 is not ours to close. */
    if (file->stream != NULL) {
        fclose(file->stream);
        close(file->fd);
    }
    if (file->writer != NULL && file->writer->old != NULL)
        munmap((void *)file->writer->old, file->writer->old_size);
    free(file->writer);
    if (file->temp_path != NULL)
        unlink(file->temp_path);
    free(file->temp_path);
    free(file->path);
    memset(file, 0, sizeof *file);
    file->fd = -1;
    errno = saved;
}

int outfile_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int result = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return result;
}

int outfile_lock_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0) {
        if (errno == EINTR)
            continue;
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

void outfile_unlock_dir(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the lock */
}

/* NAME as ".<base>.tmp-XXXXXX": copies <base> into BASE (SIZE bytes). */
static bool temp_name_base(const char *name, char *base, size_t size)
{
    size_t length = strlen(name), suffix = sizeof TEMP_SUFFIX - 1;
    if (name[0] != '.' || length < suffix + 2 || length - suffix - 1 >= size)
        return false;
    if (strncmp(name + length - suffix, ".tmp-", 5) != 0)
        return false;
    memcpy(base, name + 1, length - suffix - 1);
    base[length - suffix - 1] = '\0';
    return true;
}

int outfile_set_mode(outfile *file, unsigned mode, const struct stat *owner)
{
    if (file->stream == NULL) {
        errno = EBADF;
        return -1;
    }
    /* The owner first: fchown clears set-user and set-group bits. */
    if (owner != NULL && fchown(file->fd, owner->st_uid, owner->st_gid) != 0 &&
        fchown(file->fd, (uid_t)-1, owner->st_gid) != 0 && errno != EPERM)
        return -1;
    return fchmod(file->fd, (mode_t)mode);
}

int outfile_remove_leftovers(const char *dir, bool (*is_ours)(const char *name,
                                                            const void *context),
                            const void *context)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return -1;
    int removed = 0, result = 0;
    struct dirent *entry;
    while (result == 0 && (errno = 0, entry = readdir(d)) != NULL) {
        char base[256];
        if (!temp_name_base(entry->d_name, base, sizeof base) || !is_ours(base, context))
            continue;
        /* Only files are ours: a directory of such a name is somebody's
         * (an old almanac swapped a directory at an output's name there). */
        struct stat st;
        if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        if (unlinkat(dirfd(d), entry->d_name, 0) == 0)
            removed++;
        else if (errno != ENOENT)
            result = -1;
    }
    if (entry == NULL && errno != 0)
        result = -1;
    int saved = errno;
    closedir(d);
    errno = saved;
    return result == 0 ? removed : -1;
}
