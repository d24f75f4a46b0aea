/*
 * arena.c - bump allocator in chained blocks (see arena.h).
 */
#include "arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK_SIZE = 64 * 1024 };

typedef struct block {
    struct block *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
} block;

struct almanac_arena {
    block *head;
};

almanac_arena *arena_new(void)
{
    return calloc(1, sizeof(almanac_arena));
}

void arena_free(almanac_arena *arena)
{
    if (arena == NULL)
        return;
    block *b = arena->head;
    while (b != NULL) {
        block *next = b->next;
        free(b);
        b = next;
    }
    free(arena);
}

static block *block_new(size_t size)
{
    block *b = malloc(sizeof(block) + size);
    if (b == NULL)
        return NULL;
    b->next = NULL;
    b->used = 0;
    b->size = size;
    return b;
}

/* SIZE bytes, not zeroed. */
static void *arena_alloc_raw(almanac_arena *arena, size_t size)
{
    const size_t align = alignof(max_align_t);
    if (size > SIZE_MAX - align)
        return NULL;
    size = (size + align - 1) & ~(align - 1);
    block *b = arena->head;
    if (b == NULL || b->size - b->used < size) {
        /* Large requests get a block of their own, chained behind the
         * current one so its free space is not wasted. */
        block *fresh = block_new(size > BLOCK_SIZE / 4 ? size : BLOCK_SIZE);
        if (fresh == NULL)
            return NULL;
        if (b != NULL && size > BLOCK_SIZE / 4) {
            fresh->next = b->next;
            b->next = fresh;
        } else {
            fresh->next = b;
            arena->head = fresh;
        }
        b = fresh;
    }
    void *p = b->data + b->used;
    b->used += size;
    return p;
}

void *arena_alloc(almanac_arena *arena, size_t size)
{
    void *p = arena_alloc_raw(arena, size);
    if (p != NULL)
        memset(p, 0, size);
    return p;
}

void *arena_array(almanac_arena *arena, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return arena_alloc(arena, count * size == 0 ? 1 : count * size);
}

char *arena_strndup(almanac_arena *arena, const char *text, size_t length)
{
    if (length == SIZE_MAX)
        return NULL;
    char *copy = arena_alloc_raw(arena, length + 1); /* every byte is written */
    if (copy == NULL)
        return NULL;
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}
