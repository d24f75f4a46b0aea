/*
 * parallel.c - worker threads for independent per-event work (see parallel.h).
 *
 * One mutex and one condition variable per run: the work is split into
 * batches of dozens of events, so the lock is taken a few thousand times
 * per 100,000 events and is never where the time goes.
 */
#include "parallel.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

unsigned parallel_workers(void)
{
    const char *setting = getenv("ALMANAC_THREADS");
    if (setting != NULL && *setting != '\0') {
        char *end;
        long n = strtol(setting, &end, 10);
        if (*end == '\0' && n >= 1 && n <= PARALLEL_MAX_WORKERS)
            return (unsigned)n;
    }
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1)
        return 1;
    return cores > PARALLEL_MAX_WORKERS ? PARALLEL_MAX_WORKERS : (unsigned)cores;
}

typedef struct {
    void *state;
    unsigned worker;
    void (*run)(void *state, unsigned worker);
} thread_arg;

static void *thread_main(void *p)
{
    thread_arg *arg = p;
    arg->run(arg->state, arg->worker);
    return NULL;
}

/* Starts RUN(state, worker) on a thread for each worker from FIRST to
 * WORKERS-1; returns how many started. */
static unsigned start_threads(pthread_t *threads, thread_arg *args, unsigned first,
                              unsigned workers, void *state,
                              void (*run)(void *state, unsigned worker))
{
    unsigned started = 0;
    for (unsigned w = first; w < workers; w++) {
        args[started] = (thread_arg){state, w, run};
        if (pthread_create(&threads[started], NULL, thread_main, &args[started]) != 0)
            break; /* fewer threads than asked: the others share the work */
        started++;
    }
    return started;
}

static void join_threads(pthread_t *threads, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        pthread_join(threads[i], NULL);
}

/* ---- parallel_for ------------------------------------------------------ */

typedef struct {
    pthread_mutex_t lock;
    size_t next, n, chunk;
    int result;
    parallel_body body;
    void *ctx;
} for_state;

static void run_chunks(void *p, unsigned worker)
{
    for_state *s = p;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        size_t begin = s->next;
        bool done = s->result != 0 || begin >= s->n;
        size_t end = done ? begin : (s->n - begin > s->chunk ? begin + s->chunk : s->n);
        s->next = end;
        pthread_mutex_unlock(&s->lock);
        if (done)
            return;
        int r = s->body(s->ctx, worker, begin, end);
        if (r != 0) {
            pthread_mutex_lock(&s->lock);
            if (s->result == 0)
                s->result = r;
            pthread_mutex_unlock(&s->lock);
        }
    }
}

int parallel_for(size_t n, size_t chunk, unsigned workers, parallel_body body, void *ctx)
{
    if (chunk == 0)
        chunk = 1;
    if (workers > PARALLEL_MAX_WORKERS)
        workers = PARALLEL_MAX_WORKERS;
    if (workers <= 1 || n <= chunk)
        return n > 0 ? body(ctx, 0, 0, n) : 0;
    for_state s = {.next = 0, .n = n, .chunk = chunk, .result = 0, .body = body, .ctx = ctx};
    if (pthread_mutex_init(&s.lock, NULL) != 0)
        return body(ctx, 0, 0, n);
    pthread_t threads[PARALLEL_MAX_WORKERS];
    thread_arg args[PARALLEL_MAX_WORKERS];
    unsigned started = start_threads(threads, args, 1, workers, &s, run_chunks);
    run_chunks(&s, 0);
    join_threads(threads, started);
    pthread_mutex_destroy(&s.lock);
    return s.result;
}

/* ---- parallel_ordered -------------------------------------------------- */

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t batches, next_batch, slot_count;
    size_t slot_batch[2 * PARALLEL_MAX_WORKERS]; /* the batch a slot holds or awaits */
    bool slot_ready[2 * PARALLEL_MAX_WORKERS];   /* produced, not yet consumed */
    bool stop;
    int result;
    parallel_produce produce; /* the workers'; the calling thread consumes */
    void *ctx;
} ordered_state;

static void fail(ordered_state *s, int r)
{
    if (s->result == 0)
        s->result = r;
    s->stop = true;
    pthread_cond_broadcast(&s->changed);
}

static void run_producer(void *p, unsigned worker)
{
    ordered_state *s = p;
    pthread_mutex_lock(&s->lock);
    while (!s->stop && s->next_batch < s->batches) {
        size_t batch = s->next_batch++, slot = batch % s->slot_count;
        /* the slot may still hold the batch SLOT_COUNT before this one */
        while (!s->stop && s->slot_batch[slot] != batch)
            pthread_cond_wait(&s->changed, &s->lock);
        if (s->stop)
            break;
        pthread_mutex_unlock(&s->lock);
        int r = s->produce(s->ctx, worker, batch, slot);
        pthread_mutex_lock(&s->lock);
        if (r != 0) {
            fail(s, r);
        } else {
            s->slot_ready[slot] = true;
            pthread_cond_broadcast(&s->changed);
        }
    }
    pthread_mutex_unlock(&s->lock);
}

size_t parallel_slots(unsigned workers)
{
    if (workers > PARALLEL_MAX_WORKERS)
        workers = PARALLEL_MAX_WORKERS;
    return workers <= 1 ? 1 : 2 * (size_t)workers;
}

static int ordered_serial(size_t batches, parallel_produce produce, parallel_consume consume,
                          void *ctx)
{
    int r = 0;
    for (size_t b = 0; r == 0 && b < batches; b++) {
        r = produce(ctx, 0, b, 0);
        if (r == 0)
            r = consume(ctx, b, 0);
    }
    return r;
}

int parallel_ordered(size_t batches, unsigned workers, parallel_produce produce,
                     parallel_consume consume, void *ctx)
{
    if (workers > PARALLEL_MAX_WORKERS)
        workers = PARALLEL_MAX_WORKERS;
    if (workers <= 1 || batches <= 1)
        return ordered_serial(batches, produce, consume, ctx);
    ordered_state s = {.batches = batches, .slot_count = parallel_slots(workers),
                       .produce = produce, .ctx = ctx};
    for (size_t i = 0; i < s.slot_count; i++)
        s.slot_batch[i] = i;
    if (pthread_mutex_init(&s.lock, NULL) != 0)
        return ordered_serial(batches, produce, consume, ctx);
    if (pthread_cond_init(&s.changed, NULL) != 0) {
        pthread_mutex_destroy(&s.lock);
        return ordered_serial(batches, produce, consume, ctx);
    }
    /* Every worker is a thread; the calling thread writes, in order. */
    pthread_t threads[PARALLEL_MAX_WORKERS];
    thread_arg args[PARALLEL_MAX_WORKERS];
    unsigned started = start_threads(threads, args, 0, workers, &s, run_producer);
    if (started == 0) {
        pthread_cond_destroy(&s.changed);
        pthread_mutex_destroy(&s.lock);
        return ordered_serial(batches, produce, consume, ctx);
    }
    pthread_mutex_lock(&s.lock);
    for (size_t batch = 0; batch < batches && !s.stop; batch++) {
        size_t slot = batch % s.slot_count;
        while (!s.stop && !(s.slot_batch[slot] == batch && s.slot_ready[slot]))
            pthread_cond_wait(&s.changed, &s.lock);
        if (s.stop)
            break;
        pthread_mutex_unlock(&s.lock);
        int r = consume(ctx, batch, slot);
        pthread_mutex_lock(&s.lock);
        if (r != 0) {
            fail(&s, r);
        } else {
            s.slot_ready[slot] = false;
            s.slot_batch[slot] = batch + s.slot_count;
            pthread_cond_broadcast(&s.changed);
        }
    }
    s.stop = true; /* release producers waiting for a slot nobody will free */
    pthread_cond_broadcast(&s.changed);
    pthread_mutex_unlock(&s.lock);
    join_threads(threads, started);
    pthread_cond_destroy(&s.changed);
    pthread_mutex_destroy(&s.lock);
    return s.result;
}
