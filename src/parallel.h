/*
 * parallel.h - the work of a large document on every core.
 *
 * Building and serialising VEVENTs with libical is most of what `almanac
 * ics` and `build` cost, and each event is independent of the others. These
 * helpers spread such work over worker threads while the output keeps its
 * order: results are produced in parallel and consumed one by one, in order,
 * on the calling thread, with a bounded number in flight so memory stays
 * flat. With one worker (one core, or ALMANAC_THREADS=1) everything runs on
 * the calling thread, with no thread started.
 *
 * Callbacks run on worker threads and must only touch what their WORKER
 * index or their SLOT index owns, plus data nobody writes meanwhile.
 */
#ifndef ALMANAC_PARALLEL_H
#define ALMANAC_PARALLEL_H

#include <stddef.h>

enum { PARALLEL_MAX_WORKERS = 16 };

/* How many workers to use: ALMANAC_THREADS when set to 1..16, else the
 * online cores (at most 16). */
unsigned parallel_workers(void);

/* Calls BODY(CTX, worker, begin, end) over [0, N) in chunks of CHUNK items,
 * spread over WORKERS threads. Returns 0, or the first nonzero BODY result
 * (the remaining chunks are then skipped). */
typedef int (*parallel_body)(void *ctx, unsigned worker, size_t begin, size_t end);
int parallel_for(size_t n, size_t chunk, unsigned workers, parallel_body body, void *ctx);

/* Runs PRODUCE(CTX, worker, batch, slot) for batches 0..BATCHES-1 on
 * WORKERS threads, and CONSUME(CTX, batch, slot) on the calling thread for
 * each batch in order. SLOT (below parallel_slots(WORKERS)) names the
 * caller's buffer the batch was produced into; it is not reused until the
 * batch has been consumed. Returns 0, or the first nonzero result of either
 * callback (no batch is consumed after it). */
typedef int (*parallel_produce)(void *ctx, unsigned worker, size_t batch, size_t slot);
typedef int (*parallel_consume)(void *ctx, size_t batch, size_t slot);
int parallel_ordered(size_t batches, unsigned workers, parallel_produce produce,
                     parallel_consume consume, void *ctx);

/* The number of slot buffers parallel_ordered() uses with WORKERS. */
size_t parallel_slots(unsigned workers);

#endif
