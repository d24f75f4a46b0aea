/*
 * test_outfile.c - the atomic writer's stream: a large output arrives whole
 * and in order, and does not stay in the page cache while it is written or
 * after it is closed (write-behind, see outfile.c); discarding a zeroed
 * struct closes nothing. Run from the top of the tree; it writes 256 MiB
 * under build/tests/.
 */
#define _GNU_SOURCE /* mincore */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "outfile.h"

#define MIB ((size_t)1024 * 1024)
#define TOTAL (256 * MIB)
#define CHUNK ((size_t)100 * 1000) /* not a divisor of the buffer or the piece */
#define TMPFS_MAGIC_NUMBER 0x01021994

/* Byte I of the output: depends on where it is, so that a lost, repeated
 * or reordered piece shows. */
static unsigned char byte_at(size_t i)
{
    return (unsigned char)((i * 2654435761u) >> 13);
}

/* Bytes of PATH's first LENGTH that are in the page cache. */
static size_t resident_bytes(const char *path, size_t length)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    void *map = mmap(NULL, length, PROT_READ, MAP_SHARED, fd, 0);
    assert_true(map != MAP_FAILED);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t pages = (length + page - 1) / page;
    unsigned char *in_core = malloc(pages);
    assert_non_null(in_core);
    assert_int_equal(mincore(map, length, in_core), 0);
    size_t resident = 0;
    for (size_t k = 0; k < pages; k++)
        resident += (in_core[k] & 1) * page;
    free(in_core);
    munmap(map, length);
    close(fd);
    return resident;
}

static void test_large_output_whole_and_not_cached(void **state)
{
    (void)state;
    char dir[] = "build/tests/atomic-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct statfs fs;
    assert_int_equal(statfs(dir, &fs), 0);
    /* tmpfs has no disk to send pages to: they are the file. */
    bool cache_checked = fs.f_type != TMPFS_MAGIC_NUMBER;

    outfile file;
    assert_int_equal(outfile_open(&file, dir, "big.ics"), 0);
    unsigned char *chunk = malloc(CHUNK);
    assert_non_null(chunk);
    for (size_t at = 0; at < TOTAL; at += CHUNK) {
        size_t n = TOTAL - at < CHUNK ? TOTAL - at : CHUNK;
        for (size_t k = 0; k < n; k++)
            chunk[k] = byte_at(at + k);
        assert_int_equal(fwrite(chunk, 1, n, file.stream), n);
    }
    assert_int_equal(fflush(file.stream), 0);
    if (cache_checked) {
        /* At most the piece being sent, the one before it, and what came
         * after: three 32 MiB pieces, not the 256 MiB written. */
        size_t resident = resident_bytes(file.temp_path, TOTAL);
        print_message("cached while writing: %zu MiB of %zu\n", resident / MIB, TOTAL / MIB);
        assert_true(resident <= 100 * MIB);
    }
    assert_int_equal(outfile_close(&file), 0);
    if (cache_checked) {
        size_t resident = resident_bytes(file.temp_path, TOTAL);
        print_message("cached after closing: %zu MiB\n", resident / MIB);
        assert_true(resident <= 1 * MIB);
    }
    assert_int_equal(outfile_commit(&file), 0);

    struct stat st;
    assert_int_equal(stat(file.path, &st), 0);
    assert_int_equal(st.st_size, TOTAL);
    assert_int_equal(st.st_mode & 0777, 0644);
    FILE *in = fopen(file.path, "rb");
    assert_non_null(in);
    size_t at = 0, n;
    while ((n = fread(chunk, 1, CHUNK, in)) > 0) {
        for (size_t k = 0; k < n; k++)
            if (chunk[k] != byte_at(at + k))
                fail_msg("byte %zu is %u, not %u", at + k, chunk[k], byte_at(at + k));
        at += n;
    }
    assert_int_equal(at, TOTAL);
    fclose(in);
    free(chunk);

    assert_int_equal(unlink(file.path), 0);
    outfile_discard(&file);
    assert_int_equal(rmdir(dir), 0);
}

/* A zeroed struct has fd 0 and no stream; discarding it must leave
 * descriptor 0 (somebody else's) open. Closing it once made `serve
 * --watch` spin: its inotify descriptor took the number and lost it. */
static void test_discard_zeroed_closes_nothing(void **state)
{
    (void)state;
    int opened = -1;
    if (fcntl(0, F_GETFD) < 0)
        opened = open("/dev/null", O_RDONLY); /* takes the lowest number, 0 */
    assert_true(fcntl(0, F_GETFD) >= 0);
    outfile zeroed = {0};
    outfile_discard(&zeroed);
    assert_true(fcntl(0, F_GETFD) >= 0);
    if (opened >= 0)
        close(opened);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discard_zeroed_closes_nothing),
        cmocka_unit_test(test_large_output_whole_and_not_cached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
