/*
 * name_set.h - a set of names by hash (FNV-1a, open addressing), for the
 * lookups that must stay linear in a file of a million events: unique ids
 * and tags in validation, related ids in the model.
 *
 * The set points into an array of located_name that the caller owns and
 * keeps alive (and unmoved) while the set is used; the set owns its slots.
 */
#ifndef ALMANAC_NAME_SET_H
#define ALMANAC_NAME_SET_H

#include <stdbool.h>
#include <stddef.h>

/* A name with where it was written. */
typedef struct {
    const char *name;
    size_t at;
    size_t owner; /* index of the event or feed it belongs to */
} located_name;

typedef struct {
    const located_name **slots;
    size_t mask;
} name_set;

/* An empty set with room for COUNT names. False when out of memory. */
bool name_set_init(name_set *set, size_t count);
void name_set_free(name_set *set);

/* Adds N (at most the COUNT given to name_set_init); returns the entry of
 * the same name it replaces, or NULL when the name is new. Replacing keeps
 * the latest of equal names, so each duplicate can be reported against the
 * one just before it. */
const located_name *name_set_put(name_set *set, const located_name *n);

/* The entry named NAME, or NULL. */
const located_name *name_set_get(const name_set *set, const char *name);

/* The same, adding to *COMPARISONS the names it compared NAME with (a test
 * can show that a lookup costs a few, not one per name in the set). */
const located_name *name_set_get_counted(const name_set *set, const char *name,
                                         size_t *comparisons);

#endif
