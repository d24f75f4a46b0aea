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

/* Eight bytes of P as a little-endian number (one load on x86 and ARM). */
static uint64_t load_le64(const unsigned char *p)
{
    uint64_t w = 0;
    for (int i = 7; i >= 0; i--)
        w = w << 8 | p[i];
    return w;
}

/* MurmurHash3's finaliser: every input bit reaches every output bit. */
static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

uint64_t hash_block(const void *data, size_t length)
{
    const unsigned char *p = data;
    uint64_t h = HASH_SEED ^ (uint64_t)length * UINT64_C(0x9e3779b97f4a7c15);
    for (; length >= 8; p += 8, length -= 8)
        h = (h ^ mix64(load_le64(p))) * UINT64_C(0x9e3779b97f4a7c15);
    unsigned char tail[8] = {0};
    memcpy(tail, p, length);
    return mix64(h ^ load_le64(tail) ^ (uint64_t)length << 56);
}
