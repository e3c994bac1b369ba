/* Relationship and channel rules by table: which types link which organizations, cycles. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "catalog/channel.h"
#include "core/rfc3339.h"
#include "org/org.h"
#include "org/rel.h"
#include "unit.h"

START_TEST(test_rel_type)
{
    static const struct {
        const char *in;
        int ok;
    } cases[] = {
        {"distributor_of", 1},
        {"dealer_of", 1},
        {"supplier_of", 1},
        {"partner_of", 1},
        {"Dealer_of", 0},
        {"dealer_of ", 0},
        {"", 0},
        {"parent_of", 0},
        {"distributor", 0},
        {"partner_of\n", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg((rel_check_type(cases[i].in) == NULL) == cases[i].ok, "type '%s'",
                      cases[i].in);
    for (int i = 0; rel_types[i]; i++)
        ck_assert_ptr_null(rel_check_type(rel_types[i]));
}
END_TEST

/* Which parent and child types each relation type accepts (docs/catalog.md). */
static int allowed(const char *rel, const char *parent, const char *child)
{
    int maker_or_dist = strcmp(parent, "manufacturer") == 0 || strcmp(parent, "distributor") == 0;

    if (strcmp(rel, "distributor_of") == 0)
        return strcmp(child, "distributor") == 0 && maker_or_dist;
    if (strcmp(rel, "dealer_of") == 0)
        return strcmp(child, "dealer") == 0 && maker_or_dist;
    if (strcmp(rel, "supplier_of") == 0)
        return strcmp(child, "supplier") == 0;
    return 1;
}

START_TEST(test_rel_org_types_every_pair)
{
    /* every relation type against every pair of organization types */
    for (int t = 0; rel_types[t]; t++)
        for (int p = 0; org_types[p]; p++)
            for (int c = 0; org_types[c]; c++) {
                char side = 'x';
                const char *why =
                    rel_check_org_types(rel_types[t], org_types[p], org_types[c], &side);
                int want = allowed(rel_types[t], org_types[p], org_types[c]);
                ck_assert_msg((why == NULL) == want, "%s: parent %s, child %s", rel_types[t],
                              org_types[p], org_types[c]);
                if (want)
                    ck_assert_int_eq(side, 0);
                else
                    ck_assert_msg(side == 'c' || side == 'p', "%s names a side", rel_types[t]);
            }
}
END_TEST

START_TEST(test_rel_org_types_sides)
{
    static const struct {
        const char *rel, *parent, *child;
        char side;
        const char *reason;
    } cases[] = {
        /* seed 000's Example A */
        {"distributor_of", "manufacturer", "distributor", 0, NULL},
        {"dealer_of", "distributor", "dealer", 0, NULL},
        {"dealer_of", "manufacturer", "dealer", 0, NULL},
        {"distributor_of", "distributor", "distributor", 0, NULL},
        {"supplier_of", "manufacturer", "supplier", 0, NULL},
        {"supplier_of", "hospital", "supplier", 0, NULL},
        {"partner_of", "dealer", "service_provider", 0, NULL},
        {"partner_of", "customer", "hospital", 0, NULL},
        {"distributor_of", "manufacturer", "dealer", 'c',
         "must be a distributor for distributor_of"},
        {"dealer_of", "manufacturer", "distributor", 'c', "must be a dealer for dealer_of"},
        {"dealer_of", "dealer", "dealer", 'p',
         "must be a manufacturer or a distributor for dealer_of"},
        {"distributor_of", "hospital", "distributor", 'p',
         "must be a manufacturer or a distributor for distributor_of"},
        {"supplier_of", "manufacturer", "distributor", 'c', "must be a supplier for supplier_of"},
        /* the child is checked first */
        {"dealer_of", "hospital", "customer", 'c', "must be a dealer for dealer_of"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char side = 'x';
        const char *why = rel_check_org_types(cases[i].rel, cases[i].parent, cases[i].child, &side);
        ck_assert_int_eq(side, cases[i].side);
        if (cases[i].reason)
            ck_assert_str_eq(why, cases[i].reason);
        else
            ck_assert_ptr_null(why);
    }
}
END_TEST

START_TEST(test_rel_time_range)
{
    static const struct {
        const char *in;
        int ok;
    } cases[] = {
        {"1970-01-01T00:00:01Z", 1},      {"1970-01-01T00:00:00.999Z", 0},
        {"1969-12-31T23:59:59Z", 0},      {"2024-05-01T12:00:00Z", 1},
        {"2038-01-19T03:14:07.999Z", 1},  {"2038-01-19T03:14:08Z", 0},
        {"2038-01-19T04:14:07+01:00", 1}, {"2038-01-19T04:14:08+01:00", 0},
        {"2039-01-01T00:00:00Z", 0},      {"9999-12-31T23:59:59Z", 0},
        {"0001-01-01T00:00:00Z", 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t ms;
        ck_assert_int_eq(rfc3339_parse(cases[i].in, &ms), 0);
        ck_assert_msg((rel_check_time(ms) == NULL) == cases[i].ok, "time '%s'", cases[i].in);
    }
}
END_TEST

START_TEST(test_rel_carries_catalog)
{
    ck_assert_int_eq(rel_carries_catalog("distributor_of"), 1);
    ck_assert_int_eq(rel_carries_catalog("dealer_of"), 1);
    ck_assert_int_eq(rel_carries_catalog("supplier_of"), 0);
    ck_assert_int_eq(rel_carries_catalog("partner_of"), 0);
}
END_TEST

START_TEST(test_rel_cycle_path)
{
    /*
     * Reachable from child 10: 10 -> 20 -> 30 -> 40 and 10 -> 30 (two ways to 30), 40 -> 50.
     * A new 40 -> 10 closes 10 .. 40.
     */
    const int64_t org[] = {10, 20, 30, 30, 40, 50};
    const int64_t prev[] = {0, 10, 20, 10, 30, 40};
    int64_t path[8];
    int n = rel_cycle_path(org, prev, 6, 10, 40, path, 8);

    ck_assert_int_ge(n, 3);
    ck_assert_int_eq(path[0], 10);
    ck_assert_int_eq(path[n - 1], 40);
    /* each step is an edge of the rows */
    for (int k = 1; k < n; k++) {
        int edge = 0;
        for (int i = 0; i < 6; i++)
            edge |= org[i] == path[k] && prev[i] == path[k - 1];
        ck_assert_msg(edge, "%lld -> %lld", (long long)path[k - 1], (long long)path[k]);
    }
    /* the first row for 30 came from 20: 10, 20, 30, 40 */
    ck_assert_int_eq(n, 4);
    ck_assert_int_eq(path[1], 20);

    ck_assert_int_eq(rel_cycle_path(org, prev, 6, 10, 50, path, 8), 5);
    ck_assert_int_eq(rel_cycle_path(org, prev, 6, 10, 99, path, 8), -1);
    ck_assert_int_eq(rel_cycle_path(org, prev, 6, 10, 50, path, 4), -1);
    ck_assert_int_eq(rel_cycle_path(org, prev, 6, 10, 10, path, 8), 1);
    ck_assert_int_eq(rel_cycle_path(org, prev, 0, 10, 40, path, 8), -1);

    /* rows that loop (they cannot in the database, which refuses cycles) still end */
    {
        const int64_t lo[] = {10, 20, 30};
        const int64_t lp[] = {30, 10, 20};
        ck_assert_int_eq(rel_cycle_path(lo, lp, 3, 99, 20, path, 8), -1);
    }
}
END_TEST

START_TEST(test_channel_rules)
{
    static const struct {
        const char *in;
        int ok;
    } types[] = {
        {"direct", 1}, {"distributor", 1}, {"dealer", 1},  {"online", 1}, {"Online", 0},
        {"", 0},       {"retail", 0},      {"dealer ", 0},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        ck_assert_msg((channel_check_type(types[i].in) == NULL) == types[i].ok, "type '%s'",
                      types[i].in);
    ck_assert_ptr_null(channel_check_status("active"));
    ck_assert_ptr_null(channel_check_status("inactive"));
    ck_assert_ptr_nonnull(channel_check_status("closed"));
    ck_assert_ptr_null(channel_check_name("Distributor channel"));
    ck_assert_ptr_nonnull(channel_check_name(""));
    ck_assert_ptr_nonnull(channel_check_name("   "));
    ck_assert_ptr_nonnull(channel_check_name("tab\there"));
    ck_assert_ptr_nonnull(channel_check_name("del\x7f"));
    {
        char name[CHANNEL_NAME_MAX + 2];
        memset(name, 'n', sizeof(name) - 1);
        name[CHANNEL_NAME_MAX + 1] = '\0';
        ck_assert_ptr_nonnull(channel_check_name(name));
        name[CHANNEL_NAME_MAX] = '\0';
        ck_assert_ptr_null(channel_check_name(name));
    }
}
END_TEST

Suite *rel_suite(void)
{
    Suite *s = suite_create("rel");
    TCase *tc = tcase_create("rules");

    tcase_add_test(tc, test_rel_type);
    tcase_add_test(tc, test_rel_org_types_every_pair);
    tcase_add_test(tc, test_rel_org_types_sides);
    tcase_add_test(tc, test_rel_time_range);
    tcase_add_test(tc, test_rel_carries_catalog);
    tcase_add_test(tc, test_rel_cycle_path);
    tcase_add_test(tc, test_channel_rules);
    suite_add_tcase(s, tc);
    return s;
}
