/*
 * outfile.h - replacing a set of files so that readers see the old one or
 * the new one, never a mix or a truncation: write a temporary file in the
 * same directory, flush and fsync it, exchange it with the target, fsync
 * the directory.
 *
 * The target is exchanged with the temporary file (renameat2
 * RENAME_EXCHANGE), not renamed over, so until outfile_discard() the old
 * content is still there under the temporary name and outfile_rollback()
 * puts it back: a build that fails half-way through replacing its files
 * undoes the replacements it made. Removing a file (outfile_remove) is a
 * rename to a temporary name, undone the same way.
 *
 * Temporary files are named ".<name>.tmp-XXXXXX" beside their target. A
 * process killed part-way leaves some behind; outfile_remove_leftovers()
 * clears them, and the caller holds outfile_lock_dir() while it does so,
 * so that it never removes the files of a build still running.
 */
#ifndef ALMANAC_OUTFILE_H
#define ALMANAC_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>

typedef enum {
    OUTFILE_NEW,       /* temporary file open or written, target untouched */
    OUTFILE_EXCHANGED, /* target has the new content, temp_path the old */
    OUTFILE_RENAMED,   /* target is new: nothing was there before */
    OUTFILE_REPLACED,  /* renamed over the old target on a file system that
                         cannot exchange: no way back */
    OUTFILE_REMOVED,   /* outfile_remove(): target moved to temp_path */
    OUTFILE_NOTHING    /* outfile_remove() of a file that did not exist */
} outfile_step;

typedef struct {
    char *path;      /* the target */
    char *temp_path; /* the temporary file beside it */
    FILE *stream;    /* open for writing until outfile_close() */
    int fd;          /* the temporary file, open until outfile_close() */
    struct outfile_writer *writer; /* owned: the stream's buffer, write-behind */
    outfile_step step;
    bool unchanged;  /* outfile_close() found the new content equal to the
                        target's: nothing to commit (outfile_keep_if_same) */
} outfile;

/* Creates a temporary file for DIR/NAME. Returns 0, or -1 with errno set. */
int outfile_open(outfile *file, const char *dir, const char *name);

/* Compares what is written to FILE (just opened) with its target's
 * content as it comes, and holds it back while they agree: when the new
 * content turns out equal to the old, outfile_close() writes and syncs
 * nothing and sets file->unchanged, and the caller leaves the target (its
 * bytes, inode and time) alone; at the first difference the held-back part
 * is written and the file is completed as usual. A target that cannot be
 * read is simply not compared. */
void outfile_keep_if_same(outfile *file);

/* Declares that only the calling thread writes OUT, so stdio skips its lock
 * on every call. Rendering starts worker threads (the VEVENTs are built on
 * every core), and from then on glibc locks each fputc(), which made the
 * character-by-character timelines several times slower. Call it on
 * streams no other thread touches (build's outputs, not a server's log). */
void outfile_stream_single_writer(FILE *out);

/* Flushes, fsyncs and closes the temporary file. Its pages do not stay in
 * the page cache: the stream sends each 32 MiB to disk as it goes and
 * drops the 32 MiB before, and the rest is dropped here once it is on
 * disk. Returns 0 or -1 (errno). */
int outfile_close(outfile *file);

/* Puts the temporary file's content at the target. Returns 0 or -1
 * (errno; the target is then untouched). */
int outfile_commit(outfile *file);

/* Moves DIR/NAME out of the way (to a temporary name) so that
 * outfile_rollback() can bring it back. A missing file is not an error.
 * Returns 0 or -1 (errno). */
int outfile_remove(outfile *file, const char *dir, const char *name);

/* Undoes outfile_commit() or outfile_remove(): the target is as it was
 * before. Nothing to do for a file not committed. Returns 0 or -1 (errno;
 * and for a file system that cannot exchange, -1 with EXDEV always). */
int outfile_rollback(outfile *file);

/* Closes (if open) and removes the temporary file, which after a commit
 * holds the old content; frees the names. Safe on a zeroed struct. */
void outfile_discard(outfile *file);

/* fsyncs directory DIR so that renames in it are durable. */
int outfile_sync_dir(const char *dir);

/* Takes an exclusive lock on DIR (flock on the directory itself, released
 * when the process ends however it ends), waiting for another holder.
 * Returns a descriptor to pass to outfile_unlock_dir(), or -1 (errno). */
int outfile_lock_dir(const char *dir);
void outfile_unlock_dir(int fd);

/* Removes from DIR every ".<name>.tmp-XXXXXX" for which IS_OURS(name,
 * CONTEXT) is true: the temporary files of a build that was killed. Only
 * regular files are removed. Returns the number removed, or -1 (errno) when
 * DIR cannot be read or a file not removed. */
int outfile_remove_leftovers(const char *dir, bool (*is_ours)(const char *name,
                                                            const void *context),
                            const void *context);

/* Gives the temporary file of FILE (open) the permission bits MODE, and when
 * OWNER is set, the owner and group of the file it replaces (as far as this
 * process may: a group or owner it cannot give is left as created). Returns
 * 0 or -1 (errno). */
int outfile_set_mode(outfile *file, unsigned mode, const struct stat *owner);

#endif
