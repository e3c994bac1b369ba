/* Unit tests for core/arena: alignment, big blocks, reuse after reset, defers. */
#include "core/arena.h"

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"

static const size_t align_sizes[] = {0, 1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 100, 255, 1000, 4097};

START_TEST(test_alignment)
{
    struct arena ar;
    size_t n = align_sizes[_i];

    arena_init(&ar, 1024);
    for (int k = 0; k < 50; k++) {
        unsigned char *p = arena_alloc(&ar, n);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % 16, 0);
        memset(p, 0xa5, n); /* the sanitizers check every byte is ours */
    }
    ck_assert_uint_eq(ar.nallocs, 50);
    ck_assert_uint_eq(ar.used, 50 * n);
    arena_release(&ar);
}
END_TEST

START_TEST(test_zalloc)
{
    struct arena ar;
    unsigned char *p;

    arena_init(&ar, 0);
    ck_assert_uint_eq(ar.chunk_size, (size_t)64 * 1024);
    p = arena_alloc(&ar, 64);
    memset(p, 0xff, 64);
    arena_reset(&ar);
    p = arena_zalloc(&ar, 64);
    for (int i = 0; i < 64; i++)
        ck_assert_uint_eq(p[i], 0);
    arena_release(&ar);
}
END_TEST

START_TEST(test_zero_size_distinct)
{
    struct arena ar;

    arena_init(&ar, 256);
    void *a = arena_alloc(&ar, 0);
    void *b = arena_alloc(&ar, 0);
    ck_assert_ptr_ne(a, b);
    arena_release(&ar);
}
END_TEST

START_TEST(test_big_allocation)
{
    struct arena ar;
    size_t big = 1 << 20;

    arena_init(&ar, 1024);
    char *a = arena_alloc(&ar, 16);
    char *p = arena_alloc(&ar, big);
    char *b = arena_alloc(&ar, 16);
    memset(p, 'x', big);
    ck_assert_uint_eq((uintptr_t)p % 16, 0);
    ck_assert_uint_eq(ar.used, big + 32);
    ck_assert_uint_eq(ar.nallocs, 3);
#ifndef ARENA_DEBUG
    /* The big block got its own chunk; small ones go on where they were. */
    ck_assert_ptr_eq(b, a + 16);
#else
    (void)a;
    (void)b;
#endif
    arena_release(&ar);
}
END_TEST

START_TEST(test_big_first)
{
    struct arena ar;

    arena_init(&ar, 1024);
    char *p = arena_alloc(&ar, 5000);
    memset(p, 1, 5000);
    char *q = arena_alloc(&ar, 10);
    memset(q, 2, 10);
    ck_assert_uint_eq((unsigned char)p[4999], 1);
    arena_reset(&ar);
    q = arena_alloc(&ar, 10);
    memset(q, 3, 10);
    arena_release(&ar);
}
END_TEST

START_TEST(test_reset_reuses_first_chunk)
{
    struct arena ar;
    char *first, *again;

    arena_init(&ar, 1024);
    first = arena_alloc(&ar, 100);
    for (int i = 0; i < 100; i++)
        arena_alloc(&ar, 200); /* several more chunks */
    arena_alloc(&ar, 100000);
    arena_reset(&ar);
    ck_assert_uint_eq(ar.used, 0);
    ck_assert_uint_eq(ar.nallocs, 0);
    ck_assert_ptr_null(ar.defers);
    again = arena_alloc(&ar, 100);
#ifndef ARENA_DEBUG
    ck_assert_ptr_nonnull(ar.head);
    ck_assert_ptr_eq(again, first);
#else
    (void)first;
    (void)again;
#endif
    /* Reset twice in a row, and reset of a fresh arena, are fine. */
    arena_reset(&ar);
    arena_reset(&ar);
    arena_release(&ar);
    ck_assert_ptr_null(ar.head);
    arena_init(&ar, 0);
    arena_reset(&ar);
    arena_release(&ar);
}
END_TEST

/* Reset keeps up to ARENA_SPARE more default-size chunks, and the next request uses them. */
START_TEST(test_reset_keeps_spares)
{
    struct arena ar;

    arena_init(&ar, 1024);
    for (int i = 0; i < 100; i++)
        arena_alloc(&ar, 200); /* about 25 chunks */
    arena_reset(&ar);
#ifndef ARENA_DEBUG
    ck_assert_uint_eq(ar.nspare, ARENA_SPARE);
    for (int i = 0; i < 12; i++)
        arena_alloc(&ar, 200); /* the head, then spares */
    ck_assert_uint_lt(ar.nspare, ARENA_SPARE);
    arena_reset(&ar);
    ck_assert_uint_eq(ar.nspare, ARENA_SPARE);
#else
    ck_assert_uint_eq(ar.nspare, 0);
#endif
    arena_release(&ar);
    ck_assert_ptr_null(ar.spare);
    ck_assert_uint_eq(ar.nspare, 0);
}
END_TEST

struct defer_log {
    int order[8];
    int n;
};

struct defer_arg {
    struct defer_log *log;
    int id;
};

static void record(void *p)
{
    struct defer_arg *a = p;
    a->log->order[a->log->n++] = a->id;
}

START_TEST(test_defers_reverse_once)
{
    struct arena ar;
    struct defer_log log = {{0}, 0};
    struct defer_arg args[4];

    arena_init(&ar, 512);
    for (int i = 0; i < 4; i++) {
        args[i].log = &log;
        args[i].id = i + 1;
        arena_defer(&ar, record, &args[i]);
        arena_alloc(&ar, 300); /* defers spread over chunks */
    }
    ck_assert_int_eq(log.n, 0);
    arena_reset(&ar);
    ck_assert_int_eq(log.n, 4);
    ck_assert_int_eq(log.order[0], 4);
    ck_assert_int_eq(log.order[1], 3);
    ck_assert_int_eq(log.order[2], 2);
    ck_assert_int_eq(log.order[3], 1);
    arena_reset(&ar);
    ck_assert_int_eq(log.n, 4);
    arena_defer(&ar, record, &args[0]);
    arena_release(&ar);
    ck_assert_int_eq(log.n, 5);
    ck_assert_int_eq(log.order[4], 1);
}
END_TEST

struct nested {
    struct arena *ar;
    int count;
};

static void count_one(void *p)
{
    ((struct nested *)p)->count++;
}

static void defer_another(void *p)
{
    struct nested *n = p;

    n->count++;
    arena_defer(n->ar, count_one, n);
}

START_TEST(test_defer_from_defer)
{
    struct arena ar;
    struct nested n = {&ar, 0};

    arena_init(&ar, 0);
    arena_defer(&ar, defer_another, &n);
    arena_reset(&ar);
    /* A defer added while resetting still runs in that reset. */
    ck_assert_int_eq(n.count, 2);
    ck_assert_ptr_null(ar.defers);
    arena_release(&ar);
    ck_assert_int_eq(n.count, 2);
}
END_TEST

START_TEST(test_strings)
{
    struct arena ar;
    char big[5000];

    arena_init(&ar, 128);
    ck_assert_str_eq(arena_strndup(&ar, "hello", 3), "hel");
    ck_assert_str_eq(arena_strndup(&ar, "hi", 10), "hi");
    ck_assert_str_eq(arena_strndup(&ar, "abc", 0), "");
    ck_assert_str_eq(arena_strndup(&ar, "a\0b", 3), "a");
    ck_assert_str_eq(arena_strdup(&ar, ""), "");
    ck_assert_str_eq(arena_strdup(&ar, "trellis"), "trellis");
    ck_assert_str_eq(arena_printf(&ar, "%s-%d-%05.1f", "x", 42, 3.25), "x-42-003.2");
    ck_assert_str_eq(arena_printf(&ar, "%s", ""), "");

    memset(big, 'q', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char *p = arena_printf(&ar, "<%s>", big);
    ck_assert_uint_eq(strlen(p), sizeof(big) + 1);
    ck_assert_int_eq(p[0], '<');
    ck_assert_int_eq(p[sizeof(big)], '>');
    arena_release(&ar);
}
END_TEST

Suite *arena_suite(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_alignment, 0, sizeof(align_sizes) / sizeof(align_sizes[0]));
    tcase_add_test(tc, test_zalloc);
    tcase_add_test(tc, test_zero_size_distinct);
    tcase_add_test(tc, test_big_allocation);
    tcase_add_test(tc, test_big_first);
    tcase_add_test(tc, test_reset_reuses_first_chunk);
    tcase_add_test(tc, test_reset_keeps_spares);
    tcase_add_test(tc, test_defers_reverse_once);
    tcase_add_test(tc, test_defer_from_defer);
    tcase_add_test(tc, test_strings);
    suite_add_tcase(s, tc);
    return s;
}
