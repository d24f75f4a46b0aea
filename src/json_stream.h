/*
 * json_stream.h - a JSON object document read by cJSON piece by piece,
 * optionally on a worker thread ahead of its reader.
 *
 * A large events file is one object whose "events" array holds almost all
 * of the bytes. Parsing it into one cJSON tree costs three times the file in
 * memory; this module hands the reader one top-level member at a time and,
 * for the array named when the stream is opened, one element at a time, so
 * only a few elements' trees exist at once.
 *
 * With a worker, cJSON parses ahead of the reader on a thread of its own
 * (about 40% of what loading a large file costs), while the reader checks
 * the bytes and turns elements into the model. cJSON keeps one static error
 * position that every parse writes, so the worker is the only thread that
 * parses while the stream is open: nobody else may call cJSON's parser
 * until json_stream_close() has returned.
 *
 * Elements are parsed into memory the stream reuses, through cJSON's
 * allocation hooks, which json_stream_open() installs for the process on
 * its first call (they pass every other allocation to malloc and free).
 *
 * The stream only follows the happy path. Anything it does not expect
 * (a syntax error, text after the object, bytes that are not UTF-8 or are
 * NUL, which it checks as it goes) ends it with a JSON_STREAM_FAIL token,
 * and the caller reads the file the slow way, which explains errors.
 */
#ifndef ALMANAC_JSON_STREAM_H
#define ALMANAC_JSON_STREAM_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    JSON_STREAM_MEMBER,      /* a member of the top-level object: key, value */
    JSON_STREAM_ARRAY_BEGIN, /* the named array starts: key; START is its '[' */
    JSON_STREAM_ELEMENT,     /* one element of that array: value */
    JSON_STREAM_ARRAY_END,   /* after its ']' */
    JSON_STREAM_END,         /* the object closed, nothing but space after it */
    JSON_STREAM_FAIL         /* not for this path; nothing more follows */
} json_stream_kind;

typedef struct {
    json_stream_kind kind;
    cJSON *key;   /* MEMBER, ARRAY_BEGIN: the key, a cJSON string; owned by the stream */
    cJSON *value; /* MEMBER, ELEMENT: owned by the stream; the reader may
                     take a MEMBER's by setting the field to NULL (an
                     ELEMENT's lives in the stream's own memory) */
    size_t key_start; /* MEMBER, ARRAY_BEGIN: offset of the key's opening quote */
    size_t start; /* offset of the value's first byte (of '[' for ARRAY_BEGIN) */
    size_t end;   /* offset just past the value (past '[' for ARRAY_BEGIN,
                     past ']' for ARRAY_END, past the text for END) */
} json_stream_token;

typedef struct json_stream json_stream;

/* Opens a stream over the object document at offset START of TEXT (LENGTH
 * bytes, which must stay unchanged until the stream is closed), splitting
 * the member called ARRAY_KEY (a static string) when it is an array. With
 * AHEAD, a worker thread parses ahead; when it cannot be started, or
 * without AHEAD, each token is parsed when asked for. NULL when out of
 * memory. */
json_stream *json_stream_open(const char *text, size_t length, size_t start,
                              const char *array_key, bool ahead);

/* The next token. It and its trees stay valid until the next call; after
 * END or FAIL, every call returns the same kind again. */
json_stream_token *json_stream_next(json_stream *stream);

/* Stops the worker, waits for it, and frees every tree not taken. Safe
 * with NULL. */
void json_stream_close(json_stream *stream);

#endif
