/*
 * gzip_sibling.h - NAME.gz beside an output NAME: its gzip form, written
 * for the server so that a request for gzip costs no compression.
 *
 * A sibling is almanac's only when its gzip header carries almanac's
 * comment, "almanac <hash> <length>": the FNV-1a hash (hash.h) and the
 * length of the bytes it is the gzip of. That comment is how the server
 * knows a sibling still matches its file (a build without the server
 * leaves the siblings of unchanged files, and may have changed others),
 * and how a build knows a NAME.gz is its own to replace or remove: a file
 * at that name without the comment is somebody else's and is never
 * touched. The bytes are deterministic for one zlib: no name, time 0.
 *
 * Siblings are a cache of the outputs, not outputs: written atomically
 * (outfile.h) so that a reader never sees a part of one, but not undone
 * when a build fails, and checked against their file before every use.
 */
#ifndef ALMANAC_GZIP_SIBLING_H
#define ALMANAC_GZIP_SIBLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GZIP_SIBLING_SUFFIX ".gz"

/* Smaller files are served as they are: gzip would save too little to be
 * worth a Vary. */
enum { GZIP_SIBLING_MIN_LENGTH = 256 };

/* Opens DIR/NAME.gz when it is almanac's gzip of content HASH, LENGTH
 * bytes; its size in *SIZE. Returns the descriptor (the caller closes it),
 * or -1: no such file, somebody else's, or of other content. */
int gzip_sibling_open(const char *dir, const char *name, uint64_t hash, uint64_t length,
                      uint64_t *size);

/* Writes DIR/NAME.gz, the gzip of the LENGTH bytes read from descriptor
 * SOURCE (with pread: its offset is left alone), whose hash is HASH.
 * Returns 1 when written; 0 when gzip would not make it smaller by a
 * tenth, or a file that is not almanac's has the name (then nothing is
 * written, and an old sibling of almanac's is removed); -1 with errno. */
int gzip_sibling_write(const char *dir, const char *name, int source, uint64_t length,
                       uint64_t hash);

/* Removes DIR/NAME.gz when it is almanac's (of any content). Returns 0 (a
 * file that is not there or not almanac's is left: not an error) or -1. */
int gzip_sibling_remove(const char *dir, const char *name);

/* Whether NAME ends in GZIP_SIBLING_SUFFIX; its length without it in *BASE. */
bool gzip_sibling_name(const char *name, size_t *base);

#endif
