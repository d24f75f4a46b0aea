/*
 * test_parallel.c - work spread over threads keeps its order and its errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"

static const unsigned worker_counts[] = {1, 2, 3, 4, 16};

/* Uneven work, so that batches finish out of order. */
static void spin(size_t item)
{
    volatile unsigned sink = 0;
    for (unsigned i = 0; i < (unsigned)(item * 7919 % 13) * 2000; i++)
        sink += i;
}

typedef struct {
    unsigned visits[1000];
    size_t fail_at; /* the item whose chunk fails, or SIZE_MAX */
    unsigned workers;
    bool bad_worker; /* a worker index not below WORKERS was seen */
} for_ctx;

static int visit(void *p, unsigned worker, size_t begin, size_t end)
{
    for_ctx *c = p;
    if (worker >= c->workers)
        __atomic_store_n(&c->bad_worker, true, __ATOMIC_SEQ_CST);
    for (size_t i = begin; i < end; i++) {
        __atomic_add_fetch(&c->visits[i], 1, __ATOMIC_SEQ_CST);
        spin(i);
        if (i == c->fail_at)
            return 7;
    }
    return 0;
}

static void test_for_visits_each_item_once(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 5, 64, 999, 1000};
    static const size_t chunks[] = {0, 1, 7, 64, 5000};
    for (size_t w = 0; w < sizeof worker_counts / sizeof *worker_counts; w++)
        for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
            for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
                for_ctx *ctx = calloc(1, sizeof *ctx);
                assert_non_null(ctx);
                ctx->fail_at = SIZE_MAX;
                ctx->workers = worker_counts[w];
                assert_int_equal(parallel_for(sizes[s], chunks[c], worker_counts[w], visit, ctx), 0);
                for (size_t i = 0; i < 1000; i++)
                    if (ctx->visits[i] != (i < sizes[s] ? 1u : 0u))
                        fail_msg("%u workers, %zu items, chunks of %zu: item %zu visited %u times",
                                 worker_counts[w], sizes[s], chunks[c], i, ctx->visits[i]);
                assert_false(ctx->bad_worker);
                free(ctx);
            }
}

static void test_for_returns_the_error(void **state)
{
    (void)state;
    for (size_t w = 0; w < sizeof worker_counts / sizeof *worker_counts; w++) {
        for_ctx *ctx = calloc(1, sizeof *ctx);
        assert_non_null(ctx);
        ctx->fail_at = 500;
        ctx->workers = worker_counts[w];
        assert_int_equal(parallel_for(1000, 10, worker_counts[w], visit, ctx), 7);
        free(ctx);
    }
}

typedef struct {
    size_t slots[2 * PARALLEL_MAX_WORKERS]; /* the batch each slot holds */
    size_t consumed;                        /* batches consumed, in order */
    size_t produce_fails_at, consume_fails_at;
    bool out_of_order;
} ordered_ctx;

static int produce(void *p, unsigned worker, size_t batch, size_t slot)
{
    (void)worker;
    ordered_ctx *c = p;
    spin(batch);
    if (batch == c->produce_fails_at)
        return 5;
    c->slots[slot] = batch;
    return 0;
}

static int consume(void *p, size_t batch, size_t slot)
{
    ordered_ctx *c = p;
    if (batch != c->consumed || c->slots[slot] != batch)
        c->out_of_order = true;
    if (batch == c->consume_fails_at)
        return 6;
    c->consumed++;
    return 0;
}

static void test_ordered_keeps_order(void **state)
{
    (void)state;
    static const size_t batches[] = {0, 1, 2, 31, 32, 33, 500};
    for (size_t w = 0; w < sizeof worker_counts / sizeof *worker_counts; w++)
        for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
            ordered_ctx c = {.produce_fails_at = SIZE_MAX, .consume_fails_at = SIZE_MAX};
            assert_int_equal(parallel_ordered(batches[b], worker_counts[w], produce, consume, &c), 0);
            if (c.out_of_order || c.consumed != batches[b])
                fail_msg("%u workers, %zu batches: %zu consumed%s", worker_counts[w], batches[b],
                         c.consumed, c.out_of_order ? ", out of order or from the wrong slot" : "");
        }
}

static void test_ordered_stops_at_an_error(void **state)
{
    (void)state;
    for (size_t w = 0; w < sizeof worker_counts / sizeof *worker_counts; w++) {
        ordered_ctx c = {.produce_fails_at = 100, .consume_fails_at = SIZE_MAX};
        assert_int_equal(parallel_ordered(300, worker_counts[w], produce, consume, &c), 5);
        assert_false(c.out_of_order);
        assert_true(c.consumed <= 100); /* nothing at or after the failed batch */

        ordered_ctx d = {.produce_fails_at = SIZE_MAX, .consume_fails_at = 50};
        assert_int_equal(parallel_ordered(300, worker_counts[w], produce, consume, &d), 6);
        assert_int_equal(d.consumed, 50);
    }
}

static void test_workers_setting(void **state)
{
    (void)state;
    setenv("ALMANAC_THREADS", "3", 1);
    assert_int_equal(parallel_workers(), 3);
    unsetenv("ALMANAC_THREADS");
    unsigned cores = parallel_workers();
    assert_true(cores >= 1 && cores <= PARALLEL_MAX_WORKERS);
    static const char *const ignored[] = {"", "0", "17", "-1", "2x", "many"};
    for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) {
        setenv("ALMANAC_THREADS", ignored[i], 1);
        assert_int_equal(parallel_workers(), cores);
    }
    unsetenv("ALMANAC_THREADS");
    assert_int_equal(parallel_slots(1), 1);
    assert_int_equal(parallel_slots(4), 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_for_visits_each_item_once),
        cmocka_unit_test(test_for_returns_the_error),
        cmocka_unit_test(test_ordered_keeps_order),
        cmocka_unit_test(test_ordered_stops_at_an_error),
        cmocka_unit_test(test_workers_setting)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
