/* The service dashboards' arithmetic: downtime as a union of intervals, and the median. */
#include <check.h>
#include <stdint.h>

#include "pages/pages_dash_service.h"
#include "unit.h"

#define H 3600000LL

struct down_case {
    const char *why;
    struct dash_span v[6];
    int n;
    int64_t lo, hi, want;
};

START_TEST(test_downtime)
{
    static const struct down_case cases[] = {
        {"nothing", {{0}}, 0, 0, 10 * H, 0},
        {"one interval inside the window", {{1, 2 * H, 5 * H, 0}}, 1, 0, 10 * H, 3 * H},
        {"clipped at both ends", {{1, -5 * H, 20 * H, 0}}, 1, 0, 10 * H, 10 * H},
        {"wholly before or after the window",
         {{1, -5 * H, -H, 0}, {1, 11 * H, 12 * H, 0}},
         2,
         0,
         10 * H,
         0},
        {"overlapping on one piece count once",
         {{1, 2 * H, 6 * H, 0}, {1, 4 * H, 8 * H, 0}, {1, 5 * H, 7 * H, 0}},
         3,
         0,
         10 * H,
         6 * H},
        {"touching intervals", {{1, 2 * H, 4 * H, 0}, {1, 4 * H, 6 * H, 0}}, 2, 0, 10 * H, 4 * H},
        {"the same hours on two pieces count twice, out of order",
         {{2, 2 * H, 4 * H, 0}, {1, 3 * H, 4 * H, 0}, {1, 2 * H, 4 * H, 0}},
         3,
         0,
         10 * H,
         4 * H},
        {"a gap between two intervals",
         {{1, H, 2 * H, 0}, {1, 5 * H, 6 * H, 0}},
         2,
         0,
         10 * H,
         2 * H},
        {"an empty interval", {{1, 3 * H, 3 * H, 0}, {1, 4 * H, 2 * H, 0}}, 2, 0, 10 * H, 0},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dash_span v[6];
        const struct down_case *c = &cases[i];
        for (int k = 0; k < c->n; k++)
            v[k] = c->v[k];
        ck_assert_msg(dash_downtime(v, c->n, c->lo, c->hi) == c->want, "%s", c->why);
    }
}
END_TEST

START_TEST(test_median)
{
    int64_t none[1] = {0}, one[] = {7}, odd[] = {9, 1, 5}, even[] = {600, 120, 300, 600};

    ck_assert_int_eq(dash_median(none, 0), 0);
    ck_assert_int_eq(dash_median(one, 1), 7);
    ck_assert_int_eq(dash_median(odd, 3), 5);
    /* the mean of the two middle values: (300 + 600) / 2 */
    ck_assert_int_eq(dash_median(even, 4), 450);
}
END_TEST

Suite *dash_service_suite(void)
{
    Suite *s = suite_create("dash_service");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_downtime);
    tcase_add_test(tc, test_median);
    suite_add_tcase(s, tc);
    return s;
}
