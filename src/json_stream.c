/*
 * json_stream.c - cJSON one member or element at a time (see json_stream.h).
 *
 * The parser fills batches of tokens in a ring of RING_BATCHES; the reader
 * reads a batch and releases it on its next call past the batch's end.
 * Trees stay in their token until the parser reuses the batch (or the
 * stream closes), so the worker, not the reader, pays for freeing them.
 * Without a worker the ring is one batch of one token, refilled per call.
 */
#include "json_stream.h"

#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

enum { BATCH_TOKENS = 64, RING_BATCHES = 4 };

/* ---- batch memory -------------------------------------------------------- */

/* cJSON mallocs every item and string of a tree and frees them one by one:
 * about 40 calls each way per event, which were 40% of the worker's time.
 * Elements are parsed into memory of their batch instead, bump-allocated
 * and reused whole when the batch is. cJSON's allocation hooks are
 * process-wide functions without a context, so the memory being parsed
 * into is a thread-local pointer, set only while an element is parsed:
 * every other cJSON call, on any thread, gets malloc and free as before. */

enum { CHUNK_SIZE = 256 * 1024 };

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    alignas(max_align_t) unsigned char data[];
} chunk;

typedef struct {
    chunk *first;   /* the chunks, kept for reuse */
    chunk *current; /* the one being filled */
} batch_memory;

static _Thread_local batch_memory *parsing_into;

static void *memory_alloc(batch_memory *m, size_t size)
{
    const size_t align = alignof(max_align_t);
    if (size > SIZE_MAX - sizeof(chunk) - align)
        return NULL;
    size = (size + align - 1) & ~(align - 1);
    chunk *c = m->current;
    while (c != NULL && c->size - c->used < size) {
        c = c->next; /* a later chunk, free since the last reset */
        if (c != NULL)
            m->current = c;
    }
    if (c == NULL) {
        size_t room = size > CHUNK_SIZE ? size : CHUNK_SIZE;
        c = malloc(sizeof(chunk) + room);
        if (c == NULL)
            return NULL;
        *c = (chunk){.size = room};
        if (m->current != NULL) {
            c->next = m->current->next;
            m->current->next = c;
        } else {
            m->first = c;
        }
        m->current = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    return p;
}

static void memory_reset(batch_memory *m)
{
    for (chunk *c = m->first; c != NULL; c = c->next)
        c->used = 0;
    m->current = m->first;
}

static void memory_free(batch_memory *m)
{
    for (chunk *c = m->first, *next; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    *m = (batch_memory){0};
}

static void *hook_malloc(size_t size)
{
    batch_memory *m = parsing_into;
    return m != NULL ? memory_alloc(m, size) : malloc(size);
}

/* While an element is parsed, cJSON only frees what that parse allocated
 * (when it fails): batch memory, reused with the batch. */
static void hook_free(void *p)
{
    if (parsing_into == NULL)
        free(p);
}

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void install_hooks(void)
{
    cJSON_InitHooks(&(cJSON_Hooks){.malloc_fn = hook_malloc, .free_fn = hook_free});
}

/* Where the parser is in the document. */
typedef enum {
    AT_START,         /* before the '{' */
    AT_KEY,           /* at a member's key */
    AFTER_MEMBER,     /* after a member's value: ',' or '}' next */
    AT_FIRST_ELEMENT, /* after the array's '[' */
    AFTER_ELEMENT,    /* after an element: ',' or ']' next */
    FINISHED          /* END or FAIL given */
} parse_state;

typedef struct {
    json_stream_token tokens[BATCH_TOKENS];
    size_t count;
    batch_memory memory; /* of its elements' trees */
} token_batch;

struct json_stream {
    /* The parser's; the worker's alone while it runs. */
    const char *text;
    size_t length, at;
    const char *array_key;
    size_t checked;         /* bytes checked for UTF-8 and NUL */
    parse_state state;
    json_stream_kind final; /* END or FAIL, once FINISHED */
    token_batch *filling;   /* the batch being parsed into */

    /* Shared, under LOCK when there is a worker. */
    token_batch ring[RING_BATCHES];
    size_t filled;   /* batches published by the parser */
    size_t released; /* batches the reader is done with */
    bool stop;       /* the reader is closing the stream */
    bool threaded;
    pthread_t worker;
    pthread_mutex_t lock;
    pthread_cond_t changed;

    /* The reader's. */
    bool holding;    /* it is reading batch RELEASED */
    size_t next;     /* its next token in that batch */
    bool done;       /* it has been given END or FAIL */
    json_stream_token last; /* that token, without trees, for later calls */
};

/* ---- the parser ---------------------------------------------------------- */

static bool skip_space(json_stream *s)
{
    while (s->at < s->length) {
        char c = s->text[s->at];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return true;
        s->at++;
    }
    return false;
}

/* The value at the parser's position, which moves past it; NULL when cJSON
 * refuses it. */
static cJSON *parse_value(json_stream *s)
{
    const char *end = NULL;
    cJSON *value = cJSON_ParseWithLengthOpts(s->text + s->at, s->length - s->at, &end, 0);
    if (value != NULL && end == NULL) {
        cJSON_Delete(value);
        return NULL;
    }
    if (value != NULL)
        s->at = (size_t)(end - s->text);
    return value;
}

static json_stream_kind finish(json_stream *s, json_stream_kind kind)
{
    s->state = FINISHED;
    s->final = kind;
    return kind;
}

/* Parses the value at the parser's position into T, into batch memory INTO
 * (NULL: malloc), as a token of KIND; the parser goes on in state NEXT. */
static json_stream_kind value_token(json_stream *s, json_stream_token *t, batch_memory *into,
                                    parse_state next, json_stream_kind kind)
{
    t->start = s->at;
    parsing_into = into;
    t->value = parse_value(s);
    parsing_into = NULL;
    if (t->value == NULL)
        return finish(s, JSON_STREAM_FAIL);
    t->end = s->at;
    s->state = next;
    return kind;
}

static json_stream_kind member(json_stream *s, json_stream_token *t)
{
    if (s->text[s->at] != '"')
        return finish(s, JSON_STREAM_FAIL);
    t->key_start = s->at;
    t->key = parse_value(s);
    if (t->key == NULL || !cJSON_IsString(t->key) || !skip_space(s) ||
        s->text[s->at] != ':')
        return finish(s, JSON_STREAM_FAIL);
    s->at++;
    if (!skip_space(s))
        return finish(s, JSON_STREAM_FAIL);
    t->start = s->at;
    if (s->text[s->at] == '[' && strcmp(t->key->valuestring, s->array_key) == 0) {
        s->at++;
        t->end = s->at;
        s->state = AT_FIRST_ELEMENT;
        return JSON_STREAM_ARRAY_BEGIN;
    }
    return value_token(s, t, NULL, AFTER_MEMBER, JSON_STREAM_MEMBER);
}

/* Parses the next token into T (whose trees are already freed). */
static json_stream_kind parse_token(json_stream *s, json_stream_token *t)
{
    for (;;) {
        switch (s->state) {
        case AT_START:
            if (!skip_space(s) || s->text[s->at] != '{')
                return finish(s, JSON_STREAM_FAIL);
            s->at++;
            if (!skip_space(s))
                return finish(s, JSON_STREAM_FAIL);
            s->state = s->text[s->at] == '}' ? AFTER_MEMBER : AT_KEY;
            break;
        case AT_KEY:
            return member(s, t);
        case AFTER_MEMBER:
            if (!skip_space(s))
                return finish(s, JSON_STREAM_FAIL);
            if (s->text[s->at] == '}') {
                s->at++;
                skip_space(s);
                t->end = s->at;
                return finish(s, s->at == s->length ? JSON_STREAM_END : JSON_STREAM_FAIL);
            }
            if (s->text[s->at] != ',')
                return finish(s, JSON_STREAM_FAIL);
            s->at++;
            if (!skip_space(s))
                return finish(s, JSON_STREAM_FAIL);
            s->state = AT_KEY;
            break;
        case AT_FIRST_ELEMENT:
        case AFTER_ELEMENT:
            if (!skip_space(s))
                return finish(s, JSON_STREAM_FAIL);
            if (s->text[s->at] == ']') {
                s->at++;
                t->end = s->at;
                s->state = AFTER_MEMBER;
                return JSON_STREAM_ARRAY_END;
            }
            if (s->state == AFTER_ELEMENT) {
                if (s->text[s->at] != ',')
                    return finish(s, JSON_STREAM_FAIL);
                s->at++;
                /* a trailing comma is an error for the slow path to explain */
                if (!skip_space(s) || s->text[s->at] == ']')
                    return finish(s, JSON_STREAM_FAIL);
            }
            return value_token(s, t, &s->filling->memory, AFTER_ELEMENT, JSON_STREAM_ELEMENT);
        case FINISHED:
            return s->final;
        }
    }
}

static void free_trees(token_batch *batch)
{
    for (size_t i = 0; i < batch->count; i++) {
        json_stream_token *t = &batch->tokens[i];
        cJSON_Delete(t->key);
        if (t->kind != JSON_STREAM_ELEMENT) /* elements live in batch memory */
            cJSON_Delete(t->value);
    }
    batch->count = 0;
    memory_reset(&batch->memory);
}

/* Whether the bytes up to END, from where the last check stopped, are
 * UTF-8 without NUL. Tokens end on ASCII, so no character straddles two
 * checks, and the bytes are still in the cache from cJSON's reading. */
static bool bytes_fine(json_stream *s, size_t end)
{
    const char *from = s->text + s->checked;
    size_t length = end - s->checked;
    s->checked = end;
    return utf8_invalid_at(from, length) == SIZE_MAX && memchr(from, '\0', length) == NULL;
}

/* Parses the next token into T, failing it when its bytes are not text. */
static json_stream_kind next_token(json_stream *s, json_stream_token *t)
{
    json_stream_kind kind = parse_token(s, t);
    if (kind == JSON_STREAM_FAIL || bytes_fine(s, kind == JSON_STREAM_END ? s->length : t->end))
        return kind;
    if (kind != JSON_STREAM_ELEMENT) /* an element's tree is batch memory */
        cJSON_Delete(t->value);
    t->value = NULL;
    return finish(s, JSON_STREAM_FAIL);
}

/* Frees what BATCH held and parses up to MAX tokens into it, stopping
 * after END or FAIL. */
static void fill_batch(json_stream *s, token_batch *batch, size_t max)
{
    free_trees(batch);
    s->filling = batch;
    while (batch->count < max && s->state != FINISHED) {
        json_stream_token *t = &batch->tokens[batch->count++];
        *t = (json_stream_token){0};
        t->kind = next_token(s, t);
    }
}

static void *parse_ahead(void *p)
{
    json_stream *s = p;
    for (size_t b = 0; s->state != FINISHED; b++) {
        pthread_mutex_lock(&s->lock);
        while (!s->stop && b - s->released >= RING_BATCHES)
            pthread_cond_wait(&s->changed, &s->lock);
        bool stop = s->stop;
        pthread_mutex_unlock(&s->lock);
        if (stop)
            break;
        fill_batch(s, &s->ring[b % RING_BATCHES], BATCH_TOKENS);
        pthread_mutex_lock(&s->lock);
        s->filled = b + 1;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
    }
    return NULL;
}

/* ---- the reader ---------------------------------------------------------- */

json_stream *json_stream_open(const char *text, size_t length, size_t start,
                              const char *array_key, bool ahead)
{
    pthread_once(&hooks_once, install_hooks);
    json_stream *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->text = text;
    s->length = length;
    s->at = start;
    s->array_key = array_key;
    s->state = AT_START;
    if (!ahead || pthread_mutex_init(&s->lock, NULL) != 0)
        return s;
    if (pthread_cond_init(&s->changed, NULL) != 0) {
        pthread_mutex_destroy(&s->lock);
        return s;
    }
    s->threaded = pthread_create(&s->worker, NULL, parse_ahead, s) == 0;
    if (!s->threaded) {
        pthread_cond_destroy(&s->changed);
        pthread_mutex_destroy(&s->lock);
    }
    return s;
}

/* The next token from the worker's batches. */
static json_stream_token *next_ahead(json_stream *s)
{
    pthread_mutex_lock(&s->lock);
    if (s->holding && s->next == s->ring[s->released % RING_BATCHES].count) {
        s->released++;
        s->holding = false;
        pthread_cond_broadcast(&s->changed);
    }
    while (!s->holding && s->filled == s->released)
        pthread_cond_wait(&s->changed, &s->lock);
    pthread_mutex_unlock(&s->lock);
    if (!s->holding) {
        s->holding = true;
        s->next = 0;
    }
    return &s->ring[s->released % RING_BATCHES].tokens[s->next++];
}

json_stream_token *json_stream_next(json_stream *s)
{
    if (s->done)
        return &s->last;
    json_stream_token *t;
    if (s->threaded) {
        t = next_ahead(s);
    } else {
        fill_batch(s, &s->ring[0], 1);
        t = &s->ring[0].tokens[0];
    }
    if (t->kind == JSON_STREAM_END || t->kind == JSON_STREAM_FAIL) {
        s->done = true;
        s->last = (json_stream_token){.kind = t->kind, .start = t->start, .end = t->end};
    }
    return t;
}

void json_stream_close(json_stream *s)
{
    if (s == NULL)
        return;
    if (s->threaded) {
        pthread_mutex_lock(&s->lock);
        s->stop = true;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->worker, NULL);
        pthread_cond_destroy(&s->changed);
        pthread_mutex_destroy(&s->lock);
    }
    for (size_t b = 0; b < RING_BATCHES; b++) {
        free_trees(&s->ring[b]);
        memory_free(&s->ring[b].memory);
    }
    free(s);
}
