/*
 * arena.h - one allocation pool per document.
 *
 * A document holds hundreds of thousands of small strings and arrays that
 * all live exactly as long as the document; an arena makes that one free
 * and keeps allocation cheap. Memory is never returned piecemeal.
 */
#ifndef ALMANAC_ARENA_H
#define ALMANAC_ARENA_H

#include <stddef.h>

typedef struct almanac_arena almanac_arena;

almanac_arena *arena_new(void);
void arena_free(almanac_arena *arena); /* accepts NULL */

/* Zeroed, max-aligned memory owned by ARENA; NULL when out of memory. */
void *arena_alloc(almanac_arena *arena, size_t size);

/* Zeroed array of COUNT items of SIZE bytes; NULL on overflow or OOM. */
void *arena_array(almanac_arena *arena, size_t count, size_t size);

/* ARRAY, of COUNT items of SIZE bytes from arena_array() or this function,
 * grown to NEW_COUNT items; the items past COUNT are not initialised, and
 * ARRAY is no longer valid. Growing by doubling costs no copy for a large
 * array: it has a block of its own, resized in place where the allocator
 * can. NULL on overflow or when out of memory (ARRAY is then unchanged). */
void *arena_array_grow(almanac_arena *arena, void *array, size_t count, size_t new_count,
                       size_t size);

/* SIZE bytes for a large buffer (a whole file), on huge pages where the
 * system offers them; free() it. NULL when out of memory. */
void *alloc_large(size_t size);

/* BUFFER, from alloc_large() or malloc(), of which USED bytes matter, moved
 * to a new alloc_large() buffer of SIZE bytes (SIZE >= USED) and freed:
 * realloc() would keep a growing buffer on small pages. NULL when out of
 * memory (BUFFER is then unchanged). */
void *alloc_large_grow(void *buffer, size_t used, size_t size);

/* A NUL-terminated copy of LENGTH bytes of TEXT; NULL when out of memory. */
char *arena_strndup(almanac_arena *arena, const char *text, size_t length);

#endif
