/* KPI arithmetic: windows split into whole days and edges, the decimal forms, the time forms. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "service/stats.h"
#include "unit.h"

#define D STATS_DAY_MS

/* 2025-03-01 is day 20148; March has 31 days, so 2025-04-01 is 20179. */
#define MAR1 20148
#define APR1 20179

START_TEST(test_stats_split)
{
    struct stats_split s;

    /* unbounded: every month, nothing else */
    stats_split(0, 0, 0, 0, &s);
    ck_assert(s.months && s.month_lo == INT64_MIN && s.month_hi == INT64_MAX);
    ck_assert(s.ndays == 0 && s.nraw == 0);
    /* whole days inside one month: the day rollup only */
    stats_split(1, (MAR1 + 9) * D, 1, (MAR1 + 11) * D, &s);
    ck_assert(!s.months && s.nraw == 0 && s.ndays == 1);
    ck_assert(s.days[0][0] == MAR1 + 9 && s.days[0][1] == MAR1 + 11);
    /* a whole month exactly */
    stats_split(1, MAR1 * D, 1, APR1 * D, &s);
    ck_assert(s.months && s.month_lo == MAR1 && s.month_hi == APR1 && s.ndays == 0 && s.nraw == 0);
    /* partial days at both edges, whole days around a whole month */
    stats_split(1, (MAR1 - 3) * D - 3LL * 3600000, 1, (APR1 + 2) * D + 1, &s);
    ck_assert(s.months && s.month_lo == MAR1 && s.month_hi == APR1);
    ck_assert(s.ndays == 2 && s.days[0][0] == MAR1 - 3 && s.days[0][1] == MAR1);
    ck_assert(s.days[1][0] == APR1 && s.days[1][1] == APR1 + 2);
    ck_assert(s.nraw == 2 && s.raw[0][0] == (MAR1 - 3) * D - 3LL * 3600000);
    ck_assert(s.raw[0][1] == (MAR1 - 3) * D);
    ck_assert(s.raw[1][0] == (APR1 + 2) * D && s.raw[1][1] == (APR1 + 2) * D + 1);
    /* inside one day, and across one midnight without a whole day: tickets alone */
    stats_split(1, 10 * D + 5, 1, 10 * D + 9, &s);
    ck_assert(!s.months && s.ndays == 0 && s.nraw == 1);
    ck_assert(s.raw[0][0] == 10 * D + 5 && s.raw[0][1] == 10 * D + 9);
    stats_split(1, 10 * D - 5, 1, 10 * D + 9, &s);
    ck_assert(!s.months && s.ndays == 0 && s.nraw == 1);
    /* one side open */
    stats_split(1, (MAR1 + 10) * D + 1, 0, 0, &s);
    ck_assert(s.months && s.month_lo == APR1 && s.month_hi == INT64_MAX);
    ck_assert(s.ndays == 1 && s.days[0][0] == MAR1 + 11 && s.days[0][1] == APR1);
    ck_assert(s.nraw == 1 && s.raw[0][0] == (MAR1 + 10) * D + 1 && s.raw[0][1] == (MAR1 + 11) * D);
    stats_split(0, 0, 1, (MAR1 + 10) * D + 1, &s);
    ck_assert(s.months && s.month_lo == INT64_MIN && s.month_hi == MAR1);
    ck_assert(s.ndays == 1 && s.days[0][0] == MAR1 && s.days[0][1] == MAR1 + 10 && s.nraw == 1);
    /* December into January */
    stats_split(1, 20058 * D, 1, 20090 * D, &s); /* 2024-12-01 to 2025-01-02 */
    ck_assert(s.months && s.month_lo == 20058 && s.month_hi == 20089);
    ck_assert(s.ndays == 1 && s.days[0][0] == 20089 && s.days[0][1] == 20090);
    /* empty: from = to */
    stats_split(1, 10 * D, 1, 10 * D, &s);
    ck_assert(!s.months && s.ndays == 0 && s.nraw == 0);
    /* 9999-12-01 (day 2932866) opens the last month the API's years reach; after it, whose
     * next month or day would be past 9999, nothing */
    stats_split(1, 2932866 * D, 0, 0, &s);
    ck_assert(s.months && s.month_lo == 2932866 && s.month_hi == INT64_MAX);
    stats_split(1, 2932866 * D + 1, 0, 0, &s);
    ck_assert(!s.months && s.ndays == 0 && s.nraw == 0);
    stats_split(1, 2932896 * D, 1, 2932896 * D + 5, &s); /* 9999-12-31 */
    ck_assert(!s.months && s.ndays == 0 && s.nraw == 0);
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
    ck_assert(stats_month_start(20148 + 30) == 20148);
    ck_assert(stats_month_start(11016) == 10988); /* 2000-02-01 */
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
