/* Engineer rules: field checks, who may take a ticket and why not, the ranking, by table. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "service/engineer.h"
#include "unit.h"

START_TEST(test_engineer_checks)
{
    static const struct {
        const char *json;
        int ok, bad;
    } tags[] = {
        {"[]", 1, -1},
        {"[\"x-ray\", \"MRI\"]", 1, -1},
        {"[\"a\", \"a\"]", 0, 1},
        {"[\"a\", 3]", 0, 1},
        {"[\"\"]", 0, 0},
        {"[\"  \"]", 0, 0},
        {"[\"a,b\"]", 0, 0},
        {"[\"a\\tb\"]", 0, 0},
        {"[\"a\\u0000b\"]", 0, 0},
        {"\"a\"", 0, -1},
        {"{}", 0, -1},
    };
    char many[600] = "[";
    struct json_object *v;
    int bad;

    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        v = json_tokener_parse(tags[i].json);
        ck_assert_ptr_nonnull(v);
        ck_assert_msg((engineer_check_tags(v, &bad) == NULL) == tags[i].ok, "tags %s",
                      tags[i].json);
        ck_assert_msg(bad == tags[i].bad, "tags %s: bad %d", tags[i].json, bad);
        json_object_put(v);
    }
    for (int i = 0; i <= ENGINEER_TAGS_MAX; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s\"s%d\"", i ? "," : "", i);
    strcat(many, "]");
    v = json_tokener_parse(many);
    ck_assert_str_eq(engineer_check_tags(v, &bad), "must hold at most 32 entries");
    json_object_put(v);
    ck_assert_ptr_null(engineer_check_name("Ana Petrova"));
    ck_assert_ptr_nonnull(engineer_check_name(" "));
    ck_assert_ptr_nonnull(engineer_check_name(""));
    ck_assert_ptr_null(engineer_check_availability("busy"));
    ck_assert_ptr_nonnull(engineer_check_availability("away"));
    ck_assert_ptr_null(engineer_check_status("inactive"));
    ck_assert_ptr_nonnull(engineer_check_status("retired"));
}
END_TEST

/* Ana works for 10 and 20, knows x-ray and MRI, covers north. */
static const char *const ana_skills[] = {"x-ray", "MRI"};
static const char *const ana_regions[] = {"north"};
static const int64_t ana_orgs[] = {10, 20};

static struct engineer_facts ana(const char *status, const char *availability)
{
    struct engineer_facts e = {
        .id = 7,
        .status = status,
        .availability = availability,
        .skills = ana_skills,
        .nskills = 2,
        .regions = ana_regions,
        .nregions = 1,
        .orgs = ana_orgs,
        .norgs = 2,
    };
    return e;
}

START_TEST(test_engineer_why_not)
{
    static const int64_t below5[] = {5, 20, 30}, below30[] = {30};
    static const char *const need_xray[] = {"x-ray"}, *const need_ct[] = {"MRI", "CT", "PET"};
    static const struct {
        const char *status, *availability;
        int64_t resp;
        const int64_t *orgs;
        size_t norgs;
        const char *const *skills;
        size_t nskills;
        const char *region, *why;
        int64_t via;
    } cases[] = {
        {"active", "available", 5, below5, 3, NULL, 0, NULL, NULL, 20},
        {"active", "busy", 0, NULL, 0, need_xray, 1, "north", NULL, 0},
        {"inactive", "available", 5, below5, 3, NULL, 0, NULL, "names an inactive engineer", 0},
        {"active", "available", 30, below30, 1, NULL, 0, NULL,
         "is not a member of the responsible organization or its children", 0},
        {"active", "off", 5, below5, 3, NULL, 0, NULL, "is off", 0},
        {"active", "available", 5, below5, 3, need_ct, 3, NULL, "lacks skill 'CT'", 0},
        {"active", "busy", 0, NULL, 0, need_xray, 1, "south", "does not cover region 'south'", 0},
        {"active", "available", 0, NULL, 0, NULL, 0, "North", "does not cover region 'North'", 0},
    };
    struct arena a, *ar = &a;

    arena_init(ar, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct engineer_facts e = ana(cases[i].status, cases[i].availability);
        struct engineer_scope s = {
            .responsible_org_id = cases[i].resp,
            .orgs = cases[i].orgs,
            .norgs = cases[i].norgs,
            .skills = cases[i].skills,
            .nskills = cases[i].nskills,
            .region = cases[i].region,
        };
        int64_t via = -1;
        const char *why = engineer_why_not(ar, &e, &s, &via);

        if (cases[i].why)
            ck_assert_msg(why && strcmp(why, cases[i].why) == 0, "case %zu: %s", i,
                          why ? why : "(eligible)");
        else
            ck_assert_msg(why == NULL, "case %zu: %s", i, why);
        if (!why)
            ck_assert_int_eq(via, cases[i].via);
    }
    arena_release(ar);
}
END_TEST

START_TEST(test_engineer_rank)
{
    struct engineer_facts e[] = {
        {.id = 4, .availability = "busy", .open_tickets = 0},
        {.id = 9, .availability = "available", .open_tickets = 2},
        {.id = 3, .availability = "available", .open_tickets = 2},
        {.id = 8, .availability = "available", .open_tickets = 0},
        {.id = 1, .availability = "busy", .open_tickets = 5},
    };
    static const int64_t want[] = {8, 3, 9, 4, 1};

    qsort(e, 5, sizeof(e[0]), engineer_rank_cmp);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(e[i].id, want[i]);
}
END_TEST

START_TEST(test_engineer_csv)
{
    struct arena a, *ar = &a;
    size_t n;
    const char **v;

    arena_init(ar, 0);
    v = engineer_split_csv(ar, "a,,b c,", &n);

    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(v[0], "a");
    ck_assert_str_eq(v[1], "b c");
    engineer_split_csv(ar, NULL, &n);
    ck_assert_uint_eq(n, 0);
    engineer_split_csv(ar, ",", &n);
    ck_assert_uint_eq(n, 0);
    arena_release(ar);
}
END_TEST

Suite *engineer_suite(void)
{
    Suite *s = suite_create("engineer");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_engineer_checks);
    tcase_add_test(tc, test_engineer_why_not);
    tcase_add_test(tc, test_engineer_rank);
    tcase_add_test(tc, test_engineer_csv);
    suite_add_tcase(s, tc);
    return s;
}
