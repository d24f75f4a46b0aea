/*
 * almanac/export.h - what libalmanac.so exports.
 *
 * The library is built with -fvisibility=hidden: only what a public header
 * marks ALMANAC_API is in the shared library's dynamic symbol table, so the
 * internal modules (the headers in src) can change without breaking programs linked
 * against it. The static library and the sources ignore the mark.
 */
#ifndef ALMANAC_EXPORT_H
#define ALMANAC_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define ALMANAC_API __attribute__((visibility("default")))
#else
#define ALMANAC_API
#endif

#endif
