/*
 * hash.h - FNV-1a, 64 bits: the one content hash of the project (build
 * state change detection, import ids, ETags). A change detector, not a
 * security boundary. Its values are stored in out/.almanac-state and in
 * imported ids, so it must never change.
 */
#ifndef ALMANAC_HASH_H
#define ALMANAC_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_SEED UINT64_C(14695981039346656037)

/* HASH extended with LENGTH bytes of DATA; start from HASH_SEED. */
uint64_t hash_bytes(uint64_t hash, const void *data, size_t length);

/* HASH extended with the bytes of S, without its NUL; NULL adds nothing.
 * FNV-1a is a stream: hashing pieces one after another gives the value of
 * hashing their concatenation, so a record need not be built to be hashed. */
uint64_t hash_text(uint64_t hash, const char *s);

/* HASH extended with S and its NUL, so that "ab"+"c" and "a"+"bc" differ;
 * NULL hashes as "". */
uint64_t hash_string(uint64_t hash, const char *s);

/* A hash of LENGTH bytes at DATA, eight at a time: for checking that a
 * block of output (a VEVENT, a file) is still what a build wrote, where
 * FNV-1a's byte at a time would cost more than copying it. Words are read
 * little-endian whatever the machine, so stored values travel. */
uint64_t hash_block(const void *data, size_t length);

#endif
