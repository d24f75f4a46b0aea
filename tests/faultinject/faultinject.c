/*
 * faultinject.c - an LD_PRELOAD library that makes the Nth file-system
 * call on the output directory fail, with the errno a real failure gives.
 *
 *   FAULT_DIR=/abs/out FAULT_AT=N FAULT_LOG=file LD_PRELOAD=faultinject.so \
 *       almanac build events.json -o /abs/out
 *
 * Counted calls are those that touch FAULT_DIR (a path under it, or a
 * descriptor opened there): mkstemp, open, openat, fopen, opendir, fchmod,
 * write, fsync, fdatasync, flock, close, rename, renameat, renameat2. Only
 * those are counted, so the count does not depend on what else the process
 * does (reading the input, loading timezones, writing to stdout): the same
 * build makes the same calls in the same order every time. Call N fails:
 * open ... with EMFILE, mkstemp with ENOSPC, write with ENOSPC (a full
 * disk), fsync, fdatasync, close and rename with EIO, fchmod with EPERM,
 * flock with ENOLCK. close still closes, as Linux does, and is counted
 * only for a descriptor that was written to: closing a directory, a lock
 * or an empty placeholder loses nothing, and a program may ignore it.
 *
 * almanac's outputs are streams whose writes call write() and whose
 * descriptor is closed with close() (outfile.c, fopencookie), so those come
 * here; stdio's own fdopen() streams would not, their calls stay inside
 * libc.
 *
 * With FAULT_KILL=1 the process kills itself with SIGKILL at call N
 * instead, before making it: a crash at an exact point of the build.
 *
 * At exit, FAULT_LOG gets one line: "calls C injected NAME" (NAME is "-"
 * when call N was never reached: the run had no injected failure).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

enum { FDS = 4096 };
static bool ours[FDS];  /* descriptors opened in FAULT_DIR */
static bool written[FDS]; /* ... and written to */
static long calls;      /* counted calls so far */
static long fail_at;    /* FAULT_AT; 0: never fail */
static const char *injected = "-";
static char dir[4096];
static size_t dir_length;

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

__attribute__((constructor)) static void start(void)
{
    const char *d = getenv("FAULT_DIR"), *n = getenv("FAULT_AT");
    if (d != NULL && strlen(d) < sizeof dir) {
        strcpy(dir, d);
        dir_length = strlen(dir);
        while (dir_length > 1 && dir[dir_length - 1] == '/')
            dir[--dir_length] = '\0';
    }
    fail_at = n != NULL ? strtol(n, NULL, 10) : 0;
}

__attribute__((destructor)) static void finish(void)
{
    const char *log = getenv("FAULT_LOG");
    FILE *(*real_fopen)(const char *, const char *) = REAL(fopen);
    FILE *f = log != NULL ? real_fopen(log, "w") : NULL;
    if (f != NULL) {
        fprintf(f, "calls %ld injected %s\n", calls, injected);
        fclose(f);
    }
}

static bool in_dir(const char *path)
{
    return dir_length > 0 && path != NULL && strncmp(path, dir, dir_length) == 0 &&
           (path[dir_length] == '\0' || path[dir_length] == '/');
}

static bool is_ours(int fd)
{
    return fd >= 0 && fd < FDS && ours[fd];
}

static void mark(int fd, bool value)
{
    if (fd >= 0 && fd < FDS)
        ours[fd] = value, written[fd] = false;
}

/* Counts a call; true when this one is to fail (errno is then set). */
static bool fault(const char *name, int error)
{
    /* a build writes its timelines on worker threads: count atomically */
    if (__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST) != fail_at)
        return false;
    if (getenv("FAULT_KILL") != NULL)
        kill(getpid(), SIGKILL);
    injected = name;
    errno = error;
    return true;
}

int mkstemp(char *template)
{
    if (in_dir(template) && fault("mkstemp", ENOSPC))
        return -1;
    int fd = REAL(mkstemp)(template);
    mark(fd, in_dir(template));
    return fd;
}

/* "open-read" for a file opened only to read it: what a build reads
 * besides its input may be a cache (the VEVENT index, the old outputs it
 * compares with), whose loss costs work, not correctness; run.sh judges
 * such a failure by the out/ it leaves. */
static const char *open_kind(int flags)
{
    return (flags & O_ACCMODE) == O_RDONLY && !(flags & O_DIRECTORY) ? "open-read" : "open";
}

static int open_counted(const char *path, int fd_or_error)
{
    mark(fd_or_error, in_dir(path));
    return fd_or_error;
}

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
    va_end(ap);
    if (in_dir(path) && fault(open_kind(flags), EMFILE))
        return -1;
    return open_counted(path, REAL(open)(path, flags, mode));
}

int open64(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
    va_end(ap);
    if (in_dir(path) && fault(open_kind(flags), EMFILE))
        return -1;
    return open_counted(path, REAL(open64)(path, flags, mode));
}

int openat(int at, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
    va_end(ap);
    if (in_dir(path) && fault((flags & O_ACCMODE) == O_RDONLY && !(flags & O_DIRECTORY)
                                  ? "openat-read" : "openat", EMFILE))
        return -1;
    return open_counted(path, REAL(openat)(at, path, flags, mode));
}

FILE *fopen(const char *path, const char *mode)
{
    if (in_dir(path) && fault("fopen", EMFILE))
        return NULL;
    FILE *f = REAL(fopen)(path, mode);
    if (f != NULL)
        mark(fileno(f), in_dir(path));
    return f;
}

FILE *fopen64(const char *path, const char *mode)
{
    if (in_dir(path) && fault("fopen", EMFILE))
        return NULL;
    FILE *f = REAL(fopen64)(path, mode);
    if (f != NULL)
        mark(fileno(f), in_dir(path));
    return f;
}

DIR *opendir(const char *path)
{
    if (in_dir(path) && fault("opendir", EMFILE))
        return NULL;
    return REAL(opendir)(path);
}

int fchmod(int fd, mode_t mode)
{
    if (is_ours(fd) && fault("fchmod", EPERM))
        return -1;
    return REAL(fchmod)(fd, mode);
}

ssize_t write(int fd, const void *data, size_t size)
{
    if (is_ours(fd) && fault("write", ENOSPC))
        return -1;
    if (is_ours(fd))
        written[fd] = true;
    return REAL(write)(fd, data, size);
}

int fsync(int fd)
{
    if (is_ours(fd) && fault("fsync", EIO))
        return -1;
    return REAL(fsync)(fd);
}

int fdatasync(int fd)
{
    if (is_ours(fd) && fault("fdatasync", EIO))
        return -1;
    return REAL(fdatasync)(fd);
}

int flock(int fd, int operation)
{
    if (is_ours(fd) && fault("flock", ENOLCK))
        return -1;
    return REAL(flock)(fd, operation);
}

int close(int fd)
{
    bool counted = is_ours(fd) && written[fd];
    mark(fd, false);
    int result = REAL(close)(fd);
    if (counted && fault("close", EIO))
        return -1;
    return result;
}

int rename(const char *from, const char *to)
{
    if ((in_dir(from) || in_dir(to)) && fault("rename", EIO))
        return -1;
    return REAL(rename)(from, to);
}

int renameat(int from_at, const char *from, int to_at, const char *to)
{
    if ((in_dir(from) || in_dir(to)) && fault("renameat", EIO))
        return -1;
    return REAL(renameat)(from_at, from, to_at, to);
}

int renameat2(int from_at, const char *from, int to_at, const char *to, unsigned flags)
{
    if ((in_dir(from) || in_dir(to)) && fault("renameat2", EIO))
        return -1;
    return REAL(renameat2)(from_at, from, to_at, to, flags);
}
