/*
 * name_set.c - a set of names by hash (see name_set.h).
 */
#include "name_set.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"

bool name_set_init(name_set *set, size_t count)
{
    size_t capacity = 16;
    while (capacity < 2 * count) /* at most half full: short probes */
        capacity *= 2;
    set->slots = calloc(capacity, sizeof *set->slots);
    set->mask = capacity - 1;
    return set->slots != NULL;
}

void name_set_free(name_set *set)
{
    free(set->slots);
    set->slots = NULL;
}

/* The slot of NAME, or the empty slot where it would go; *COMPARISONS
 * counts the names compared. */
static size_t find(const name_set *set, const char *name, size_t *comparisons)
{
    size_t i = (size_t)hash_string(HASH_SEED, name) & set->mask;
    while (set->slots[i] != NULL) {
        ++*comparisons;
        if (strcmp(set->slots[i]->name, name) == 0)
            break;
        i = (i + 1) & set->mask;
    }
    return i;
}

const located_name *name_set_put(name_set *set, const located_name *n)
{
    size_t comparisons = 0;
    size_t i = find(set, n->name, &comparisons);
    const located_name *previous = set->slots[i];
    set->slots[i] = n;
    return previous;
}

const located_name *name_set_get(const name_set *set, const char *name)
{
    size_t comparisons = 0;
    return set->slots[find(set, name, &comparisons)];
}

const located_name *name_set_get_counted(const name_set *set, const char *name,
                                         size_t *comparisons)
{
    return set->slots[find(set, name, comparisons)];
}
