/* hash.c - FNV-1a (see hash.h). */
#include "hash.h"

#include <string.h>

uint64_t hash_bytes(uint64_t hash, const void *data, size_t length)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < length; i++) {
        hash ^= p[i];
        hash *= UINT64_C(1099511628211);
    }
    return hash;
}

uint64_t hash_text(uint64_t hash, const char *s)
{
    return s != NULL ? hash_bytes(hash, s, strlen(s)) : hash;
}

uint64_t hash_string(uint64_t hash, const char *s)
{
    return hash_bytes(hash, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 1);
}
