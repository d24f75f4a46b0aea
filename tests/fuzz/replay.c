/*
 * replay.c - runs a fuzz harness over stored inputs without libFuzzer, so
 * that `make test` replays every crash ever found (tests/fuzz/regressions/)
 * with gcc's AddressSanitizer and UndefinedBehaviorSanitizer.
 *
 *   replay_HARNESS FILE|DIR...
 *
 * Each file is read whole and given to LLVMFuzzerTestOneInput(); a
 * sanitizer report or abort() ends the process with a non-zero status.
 * Prints how many inputs ran.
 */
#define _DEFAULT_SOURCE /* scandir, alphasort */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    size_t capacity = 4096, length = 0;
    uint8_t *data = malloc(capacity);
    size_t n;
    while (data != NULL && (n = fread(data + length, 1, capacity - length, f)) > 0) {
        length += n;
        if (length < capacity)
            continue;
        capacity *= 2;
        uint8_t *bigger = realloc(data, capacity);
        if (bigger == NULL)
            free(data);
        data = bigger;
    }
    int failed = ferror(f) || data == NULL;
    fclose(f);
    if (failed) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(data);
        return -1;
    }
    /* libFuzzer hands over exactly LENGTH bytes, with nothing after them:
     * so does the replay, or a read past the end would land in the slack
     * of the read buffer and go unnoticed (no NUL is added either). */
    uint8_t *exact = malloc(length ? length : 1);
    if (exact == NULL) {
        free(data);
        return -1;
    }
    memcpy(exact, data, length);
    free(data);
    LLVMFuzzerTestOneInput(exact, length);
    free(exact);
    return 0;
}

int main(int argc, char **argv)
{
    size_t runs = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            perror(argv[i]);
            return 2;
        }
        if (!S_ISDIR(st.st_mode)) {
            if (run_file(argv[i]) != 0)
                return 2;
            runs++;
            continue;
        }
        struct dirent **names;
        int count = scandir(argv[i], &names, NULL, alphasort);
        if (count < 0) {
            perror(argv[i]);
            return 2;
        }
        for (int k = 0; k < count; k++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], names[k]->d_name);
            if (names[k]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                if (run_file(path) != 0)
                    return 2;
                runs++;
            }
            free(names[k]);
        }
        free(names);
    }
    printf("replay: %zu input%s, no crash\n", runs, runs == 1 ? "" : "s");
    return 0;
}
