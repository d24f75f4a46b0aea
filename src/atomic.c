/*
 * atomic.c - atomic file replacement (see atomic.h).
 */
#include "atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *join(const char *dir, const char *name, const char *suffix)
{
    size_t size = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *path = malloc(size);
    if (path != NULL)
        snprintf(path, size, "%s/%s%s", dir, name, suffix);
    return path;
}

int atomic_open(atomic_file *file, const char *dir, const char *name)
{
    memset(file, 0, sizeof *file);
    /* A leading dot keeps the temporary file out of directory listings a
     * web server might show. */
    char hidden[300];
    snprintf(hidden, sizeof hidden, ".%s", name);
    file->path = join(dir, name, "");
    file->temp_path = join(dir, hidden, ".tmp-XXXXXX");
    if (file->path == NULL || file->temp_path == NULL) {
        atomic_discard(file);
        errno = ENOMEM;
        return -1;
    }
    int fd = mkstemp(file->temp_path);
    if (fd < 0) {
        int saved = errno;
        free(file->temp_path);
        file->temp_path = NULL;
        atomic_discard(file);
        errno = saved;
        return -1;
    }
    /* mkstemp makes 0600; outputs are meant to be published. */
    fchmod(fd, 0644);
    file->stream = fdopen(fd, "wb");
    if (file->stream == NULL) {
        int saved = errno;
        close(fd);
        atomic_discard(file);
        errno = saved;
        return -1;
    }
    return 0;
}

int atomic_close(atomic_file *file)
{
    FILE *stream = file->stream;
    file->stream = NULL;
    if (stream == NULL)
        return -1;
    int result = 0;
    if (fflush(stream) != 0 || ferror(stream))
        result = -1;
    if (result == 0 && fsync(fileno(stream)) != 0)
        result = -1;
    int saved = errno;
    if (fclose(stream) != 0 && result == 0) {
        result = -1;
        saved = errno;
    }
    errno = saved;
    return result;
}

int atomic_commit(atomic_file *file)
{
    if (rename(file->temp_path, file->path) != 0)
        return -1;
    free(file->temp_path);
    file->temp_path = NULL;
    return 0;
}

void atomic_discard(atomic_file *file)
{
    int saved = errno;
    if (file->stream != NULL)
        fclose(file->stream);
    if (file->temp_path != NULL)
        unlink(file->temp_path);
    free(file->temp_path);
    free(file->path);
    memset(file, 0, sizeof *file);
    errno = saved;
}

int atomic_sync_dir(const char *dir)
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
