/*
 * almanac/version.h - the library's version.
 *
 * The Makefile and tests/install read the version from the #define line
 * below (the shared library's file name, almanac.pc); `almanac --version`
 * and every feed's PRODID say it, so a feed's hash in the build state
 * includes it. almanac.h includes this header.
 */
#ifndef ALMANAC_VERSION_H
#define ALMANAC_VERSION_H

#define ALMANAC_VERSION "0.1.0"

#endif
