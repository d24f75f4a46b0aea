/*
 * arena.c - bump allocator in chained blocks (see arena.h).
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "arena.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Blocks double from 64 KiB to 4 MiB: a small document stays small, and a
 * large one takes few blocks, each on huge pages. */
enum { BLOCK_SIZE = 64 * 1024, BLOCK_SIZE_MAX = 4 * 1024 * 1024 };
enum { HUGE_PAGE = 2 * 1024 * 1024 };

void *alloc_large(size_t size)
{
    if (size < HUGE_PAGE || size > SIZE_MAX - HUGE_PAGE)
        return malloc(size);
    /* A 100 MB file touches 25,000 pages one fault at a time, and the
     * kernel's clearing and mapping of them was a fifth of a check. */
    size_t rounded = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, rounded);
#ifdef MADV_HUGEPAGE
    if (p != NULL)
        (void)madvise(p, rounded, MADV_HUGEPAGE); /* a hint: fine if refused */
#endif
    return p;
}

void *alloc_large_grow(void *buffer, size_t used, size_t size)
{
    void *p = alloc_large(size);
    if (p == NULL)
        return NULL;
    if (used > 0)
        memcpy(p, buffer, used);
    free(buffer);
    return p;
}

typedef struct block {
    struct block *next;
    size_t used;
    size_t size;
    bool own;  /* holds one large allocation, at DATA */
    alignas(max_align_t) unsigned char data[];
} block;

struct almanac_arena {
    block *head;
    size_t next_size; /* of the next shared block */
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
    block *b = alloc_large(sizeof(block) + size);
    if (b == NULL)
        return NULL;
    b->next = NULL;
    b->used = 0;
    b->size = size;
    b->own = false;
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
        size_t shared = arena->next_size ? arena->next_size : BLOCK_SIZE;
        block *fresh = block_new(size > BLOCK_SIZE / 4 ? size : shared);
        if (fresh == NULL)
            return NULL;
        if (size <= BLOCK_SIZE / 4 && shared < BLOCK_SIZE_MAX)
            arena->next_size = shared * 2;
        fresh->own = size > BLOCK_SIZE / 4;
        if (b != NULL && fresh->own) {
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

/* The link to the block of its own that holds P, or NULL. */
static block **own_block(almanac_arena *arena, const void *p)
{
    for (block **link = &arena->head; *link != NULL; link = &(*link)->next)
        if ((*link)->own && (const void *)(*link)->data == p)
            return link;
    return NULL;
}

void *arena_array_grow(almanac_arena *arena, void *array, size_t count, size_t new_count,
                       size_t size)
{
    if (size != 0 && new_count > (SIZE_MAX - sizeof(block)) / size)
        return NULL;
    size_t bytes = new_count * size;
    block **link = array != NULL ? own_block(arena, array) : NULL;
    if (link != NULL) {
        block *grown = realloc(*link, sizeof(block) + bytes);
        if (grown == NULL)
            return NULL;
        grown->size = grown->used = bytes;
        *link = grown;
        return grown->data;
    }
    void *fresh = arena_alloc_raw(arena, bytes == 0 ? 1 : bytes);
    if (fresh != NULL && count > 0)
        memcpy(fresh, array, count * size);
    return fresh;
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
