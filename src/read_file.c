/*
 * read_file.c - almanac_read_file(): the bytes of an events file, from a
 * path or standard input, refused past ALMANAC_MAX_FILE_BYTES (see
 * almanac/load.h). Kept apart from the loader, which parses what this reads
 * and needs nothing of the file system.
 */
#include "almanac/load.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"

int almanac_read_file(const char *path, char **text, size_t *length,
                      almanac_diagnostics *diags)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *file = is_stdin ? stdin : fopen(path, "rb");
    *text = NULL;
    *length = 0;
    if (file == NULL) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E450, strerror(errno));
        return -1;
    }
    /* A regular file is read into a buffer of its size (one byte more, to
     * see it did not grow); a pipe grows the buffer as it goes. */
    struct stat st;
    size_t capacity = 1 << 16, used = 0;
    bool regular = fstat(fileno(file), &st) == 0 && S_ISREG(st.st_mode);
    if (regular && st.st_size > ALMANAC_MAX_FILE_BYTES) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E451,
                                   (long long)st.st_size, ALMANAC_MAX_FILE_BYTES);
        if (!is_stdin)
            fclose(file);
        return 1;
    }
    if (regular && st.st_size > 0)
        capacity = (size_t)st.st_size + 2;
    char *buffer = alloc_large(capacity);
    int result = 0;
    while (buffer != NULL) {
        if (used + 1 >= capacity) {
            /* room for the limit, a byte past it to see it passed, a NUL */
            const size_t most = (size_t)ALMANAC_MAX_FILE_BYTES + 2;
            if (capacity >= most) {
                almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E452,
                                           ALMANAC_MAX_FILE_BYTES);
                result = 1;
                break;
            }
            size_t grown = capacity < most / 2 ? capacity * 2 : most;
            char *bigger = alloc_large_grow(buffer, used, grown);
            if (bigger == NULL)
                break;
            buffer = bigger;
            capacity = grown;
        }
        size_t n = fread(buffer + used, 1, capacity - used - 1, file);
        used += n;
        if (n == 0)
            break;
    }
    if (buffer == NULL || (result == 0 && used + 1 >= capacity)) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E063);
        result = -1;
    } else if (result == 0 && ferror(file)) {
        almanac_diagnostics_report(diags, ALMANAC_NO_OFFSET, NULL, ALMANAC_E453, strerror(errno));
        result = -1;
    }
    if (!is_stdin)
        fclose(file);
    if (result != 0) {
        free(buffer);
        return result;
    }
    buffer[used] = '\0';
    *text = buffer;
    *length = used;
    return 0;
}
