/* KPI arithmetic: windows split into whole days and edges, the decimal forms, the time forms. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "service/stats.h"
#include "unit.h"

#define D STATS_DAY_MS

START_TEST(test_stats_split)
{
    struct stats_split s;

    /* unbounded: the whole rollup, nothing from the tickets */
    stats_split(0, 0, 0, 0, &s);
    ck_assert(s.rollup && s.nraw == 0 && s.day_lo == INT64_MIN && s.day_hi == INT64_MAX);
    /* whole days only */
    stats_split(1, 10 * D, 1, 12 * D, &s);
    ck_assert(s.rollup && s.nraw == 0 && s.day_lo == 10 && s.day_hi == 12);
    /* partial days at both edges */
    stats_split(1, 10 * D - 3 * 3600000, 1, 12 * D + 1, &s);
    ck_assert(s.rollup && s.day_lo == 10 && s.day_hi == 12 && s.nraw == 2);
    ck_assert(s.raw[0][0] == 10 * D - 3 * 3600000 && s.raw[0][1] == 10 * D);
    ck_assert(s.raw[1][0] == 12 * D && s.raw[1][1] == 12 * D + 1);
    /* inside one day, and across one midnight without a whole day: tickets alone */
    stats_split(1, 10 * D + 5, 1, 10 * D + 9, &s);
    ck_assert(!s.rollup && s.nraw == 1 && s.raw[0][0] == 10 * D + 5 && s.raw[0][1] == 10 * D + 9);
    stats_split(1, 10 * D - 5, 1, 10 * D + 9, &s);
    ck_assert(!s.rollup && s.nraw == 1);
    /* one side open */
    stats_split(1, 10 * D + 1, 0, 0, &s);
    ck_assert(s.rollup && s.day_lo == 11 && s.day_hi == INT64_MAX && s.nraw == 1);
    ck_assert(s.raw[0][0] == 10 * D + 1 && s.raw[0][1] == 11 * D);
    stats_split(0, 0, 1, 10 * D + 1, &s);
    ck_assert(s.rollup && s.day_lo == INT64_MIN && s.day_hi == 10 && s.nraw == 1);
    /* empty: from = to */
    stats_split(1, 10 * D, 1, 10 * D, &s);
    ck_assert(!s.rollup && s.nraw == 0);
}
END_TEST

START_TEST(test_stats_forms)
{
    struct arena a, *ar = &a;
    int64_t ms;

    arena_init(ar, 0);

    ck_assert_str_eq(stats_percent(ar, 2, 3), "66.67");
    ck_assert_str_eq(stats_percent(ar, 1, 3), "33.33");
    ck_assert_str_eq(stats_percent(ar, 1, 8), "12.50");
    ck_assert_str_eq(stats_percent(ar, 1, 16), "6.25");
    ck_assert_str_eq(stats_percent(ar, 1, 200000), "0.00");
    ck_assert_str_eq(stats_percent(ar, 1, 20000), "0.01"); /* 0.005: half away from zero */
    ck_assert_str_eq(stats_percent(ar, 0, 5), "0.00");
    ck_assert_str_eq(stats_percent(ar, 5, 5), "100.00");
    ck_assert_ptr_null(stats_percent(ar, 0, 0));
    ck_assert_str_eq(stats_mean_seconds(ar, 46800000, 3), "15600.000");
    ck_assert_str_eq(stats_mean_seconds(ar, 1001, 2), "0.501");
    ck_assert_str_eq(stats_mean_seconds(ar, 1, 3), "0.000");
    ck_assert_ptr_null(stats_mean_seconds(ar, 0, 0));
    ck_assert_str_eq(stats_ratio(ar, 3, 4), "0.75");
    ck_assert_str_eq(stats_ratio(ar, 7, 2), "3.50");
    ck_assert_str_eq(stats_day_str(ar, 0), "1970-01-01");
    ck_assert_str_eq(stats_day_str(ar, 20148), "2025-03-01");
    ck_assert_str_eq(stats_day_str(ar, 11016), "2000-02-29");
    ck_assert_int_eq(stats_time_parse("2025-03-01", &ms), 0);
    ck_assert(ms == 20148 * D);
    ck_assert_int_eq(stats_time_parse("2025-03-01T01:00:00+01:00", &ms), 0);
    ck_assert(ms == 20148 * D);
    ck_assert_int_eq(stats_time_parse("1970-01-01", &ms), 0);
    ck_assert(ms == 0);
    ck_assert_int_eq(stats_time_parse("1969-12-31", &ms), -1);
    ck_assert_int_eq(stats_time_parse("2025-02-29", &ms), -1);
    ck_assert_int_eq(stats_time_parse("2025-3-01", &ms), -1);
    ck_assert_int_eq(stats_time_parse("yesterday", &ms), -1);
    ck_assert_int_eq(stats_time_parse("", &ms), -1);
    arena_release(ar);
}
END_TEST

START_TEST(test_stats_cells)
{
    struct stats_tickets st;
    int64_t one[STATS_NSUMS] = {1, 1, 7200000, 1, 1, 1, 1, 1, 0};

    memset(&st, 0, sizeof(st));
    ck_assert_int_eq(stats_tickets_add(&st, "critical", "resolved", one), 0);
    ck_assert_int_eq(stats_tickets_add(&st, "critical", "resolved", one), 0);
    ck_assert(st.cell[0][4][STATS_RESOLVE_MS] == 14400000);
    ck_assert_int_eq(stats_tickets_add(&st, "urgent", "resolved", one), -1);
    ck_assert_int_eq(stats_tickets_add(&st, "low", "reopened", one), -1);
    ck_assert(st.cell[3][5][STATS_TICKETS] == 0);
}
END_TEST

Suite *stats_suite(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("kpis");

    tcase_add_test(tc, test_stats_split);
    tcase_add_test(tc, test_stats_forms);
    tcase_add_test(tc, test_stats_cells);
    suite_add_tcase(s, tc);
    return s;
}
