/*
 * test_connection_guard.c - the head deadline and the room for new
 * clients of almanac serve, on socket pairs: a connection the guard ends
 * is one whose peer reads end-of-file. Times are given, not waited for,
 * except for the watchdog thread's own test.
 */
#define _DEFAULT_SOURCE /* usleep */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include "connection_guard.h"

enum { PAIRS = 8, DEADLINE = 10000 };

typedef struct {
    int server[PAIRS]; /* what the guard shuts down */
    int client[PAIRS]; /* where that shows, as end-of-file */
} pairs;

static void pairs_open(pairs *p)
{
    for (int i = 0; i < PAIRS; i++) {
        int fds[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
        p->server[i] = fds[0];
        p->client[i] = fds[1];
        fcntl(fds[1], F_SETFL, O_NONBLOCK);
    }
}

static void pairs_close(pairs *p)
{
    for (int i = 0; i < PAIRS; i++) {
        close(p->server[i]);
        close(p->client[i]);
    }
}

/* Whether the guard ended connection I: its peer reads end-of-file. */
static bool ended(const pairs *p, int i)
{
    char byte;
    ssize_t n = read(p->client[i], &byte, 1);
    return n == 0;
}

static void test_deadline_from_accept(void **state)
{
    (void)state;
    pairs p;
    pairs_open(&p);
    connection_guard *guard = connection_guard_new(100, DEADLINE);
    guarded_connection *c[3];
    for (int i = 0; i < 3; i++)
        c[i] = connection_guard_add(guard, p.server[i], 1000 * i);
    assert_int_equal(connection_guard_expire(guard, DEADLINE - 1), 0);
    assert_false(ended(&p, 0));
    assert_int_equal(connection_guard_expire(guard, DEADLINE), 1);
    assert_true(ended(&p, 0));
    assert_false(ended(&p, 1));
    assert_int_equal(connection_guard_expire(guard, DEADLINE + 2000), 2);
    assert_true(ended(&p, 1));
    assert_true(ended(&p, 2));
    connection_guard_counts counts = connection_guard_count(guard);
    assert_int_equal(counts.expired, 3);
    assert_int_equal(counts.waiting, 0);
    /* ended, still counted as open sockets until libmicrohttpd removes them */
    for (int i = 0; i < 3; i++)
        connection_guard_remove(guard, c[i]);
    assert_int_equal(connection_guard_expire(guard, 10 * DEADLINE), 0);
    connection_guard_free(guard);
    pairs_close(&p);
}

/* Every byte a trickling client sends is no progress here: only a whole
 * head stops the clock, and the next head's clock starts when its
 * response is done. */
static void test_deadline_per_request(void **state)
{
    (void)state;
    pairs p;
    pairs_open(&p);
    connection_guard *guard = connection_guard_new(100, DEADLINE);
    guarded_connection *c = connection_guard_add(guard, p.server[0], 0);
    connection_guard_head_received(guard, c, 9000);
    assert_int_equal(connection_guard_expire(guard, 50000), 0); /* a slow response: not ours */
    assert_false(ended(&p, 0));
    connection_guard_response_done(guard, c, 60000);
    assert_int_equal(connection_guard_count(guard).waiting, 1);
    assert_int_equal(connection_guard_expire(guard, 60000 + DEADLINE - 1), 0);
    assert_int_equal(connection_guard_expire(guard, 60000 + DEADLINE), 1);
    assert_true(ended(&p, 0));
    /* calls after the end change nothing */
    connection_guard_head_received(guard, c, 80000);
    connection_guard_response_done(guard, c, 80000);
    assert_int_equal(connection_guard_count(guard).waiting, 0);
    assert_int_equal(connection_guard_count(guard).busy, 0);
    connection_guard_remove(guard, c);
    connection_guard_free(guard);
    pairs_close(&p);
}

/* At capacity a new connection ends the one that has waited longest for
 * its head, never a busy one while one waits, and never itself. */
static void test_room_for_new_clients(void **state)
{
    (void)state;
    pairs p;
    pairs_open(&p);
    connection_guard *guard = connection_guard_new(3, DEADLINE);
    guarded_connection *c[PAIRS];
    c[0] = connection_guard_add(guard, p.server[0], 0);
    c[1] = connection_guard_add(guard, p.server[1], 10);
    c[2] = connection_guard_add(guard, p.server[2], 20);
    connection_guard_head_received(guard, c[0], 30); /* busy: spared while others wait */
    c[3] = connection_guard_add(guard, p.server[3], 40);
    assert_false(ended(&p, 0));
    assert_true(ended(&p, 1));
    assert_false(ended(&p, 2));
    assert_false(ended(&p, 3));
    connection_guard_counts counts = connection_guard_count(guard);
    assert_int_equal(counts.evicted, 1);
    assert_int_equal(counts.waiting + counts.busy, 3);
    /* one waiting that finished a response goes to the back of the line */
    connection_guard_head_received(guard, c[2], 50);
    connection_guard_response_done(guard, c[2], 60);
    c[4] = connection_guard_add(guard, p.server[4], 70);
    assert_true(ended(&p, 3));
    assert_false(ended(&p, 2));
    /* only busy ones and the new one: the longest busy goes */
    connection_guard_head_received(guard, c[2], 80);
    connection_guard_head_received(guard, c[4], 90);
    c[5] = connection_guard_add(guard, p.server[5], 100);
    assert_true(ended(&p, 0));
    assert_false(ended(&p, 2));
    assert_false(ended(&p, 4));
    assert_false(ended(&p, 5));
    assert_int_equal(connection_guard_count(guard).evicted, 3);
    for (int i = 0; i < 6; i++)
        connection_guard_remove(guard, c[i]);
    connection_guard_remove(guard, NULL);
    connection_guard_free(guard);
    pairs_close(&p);
}

/* The watchdog thread ends a connection at its deadline on its own. */
static void test_watchdog(void **state)
{
    (void)state;
    pairs p;
    pairs_open(&p);
    connection_guard *guard = connection_guard_new(100, 200);
    assert_int_equal(connection_guard_start(guard), 0);
    usleep(50 * 1000);
    int64_t start = connection_guard_now();
    guarded_connection *c = connection_guard_add(guard, p.server[0], start);
    guarded_connection *d = connection_guard_add(guard, p.server[1], start);
    connection_guard_head_received(guard, d, start);
    while (!ended(&p, 0) && connection_guard_now() - start < 5000)
        usleep(10 * 1000);
    int64_t took = connection_guard_now() - start;
    assert_true(took >= 200);
    assert_true(took < 1000);
    assert_false(ended(&p, 1));
    connection_guard_stop(guard);
    connection_guard_stop(guard);
    connection_guard_remove(guard, c);
    connection_guard_remove(guard, d);
    connection_guard_free(guard);
    pairs_close(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deadline_from_accept),
        cmocka_unit_test(test_deadline_per_request),
        cmocka_unit_test(test_room_for_new_clients),
        cmocka_unit_test(test_watchdog),
    };
    return cmocka_run_group_tests_name("connection_guard", tests, NULL, NULL);
}
