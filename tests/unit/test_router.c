/* Router: captures, 404 versus 405 with Allow, HEAD on GET routes, and the table lint. */
#include <check.h>
#include <string.h>

#include "core/arena.h"
#include "http/router.h"
#include "unit.h"

static int h_ok(struct req *r)
{
    (void)r;
    return 200;
}

static const struct route table[] = {
    {HTTP_GET, "/healthz", h_ok, R_PUBLIC | R_JSON, "t", 0},
    {HTTP_GET | HTTP_POST, "/v1/orgs", h_ok, R_AUTH | R_JSON, "t", 0},
    {HTTP_GET | HTTP_PATCH, "/v1/orgs/{id}", h_ok, R_AUTH | R_JSON, "t", 0},
    {HTTP_GET, "/v1/channels/{id}/catalog/versions/{n}", h_ok, R_AUTH | R_JSON, "t", 0},
    {HTTP_POST, "/v1/channels/{id}/catalog/publish", h_ok, R_AUTH | R_JSON, "t", 0},
};
#define NT ((int)(sizeof(table) / sizeof(table[0])))

static struct arena ar;
static struct req r;

static void setup(void)
{
    arena_init(&ar, 0);
    memset(&r, 0, sizeof(r));
    r.ar = &ar;
}

static void teardown(void)
{
    arena_release(&ar);
}

static const struct {
    enum http_method m;
    const char *path;
    int want; /* route index, -1 (404) or -2 (405) */
    unsigned allow;
    const char *p1, *v1, *p2, *v2;
} cases[] = {
    {HTTP_GET, "/healthz", 0, 0, NULL, NULL, NULL, NULL},
    {HTTP_HEAD, "/healthz", 0, 0, NULL, NULL, NULL, NULL},
    {HTTP_POST, "/healthz", -2, HTTP_GET | HTTP_HEAD, NULL, NULL, NULL, NULL},
    {HTTP_GET, "/healthz/", -1, 0, NULL, NULL, NULL, NULL},
    {HTTP_GET, "/healthzz", -1, 0, NULL, NULL, NULL, NULL},
    {HTTP_GET, "/", -1, 0, NULL, NULL, NULL, NULL},
    {HTTP_POST, "/v1/orgs", 1, 0, NULL, NULL, NULL, NULL},
    {HTTP_DELETE, "/v1/orgs", -2, HTTP_GET | HTTP_HEAD | HTTP_POST, NULL, NULL, NULL, NULL},
    {HTTP_PATCH, "/v1/orgs/42", 2, 0, "id", "42", NULL, NULL},
    {HTTP_GET, "/v1/orgs/", -1, 0, NULL, NULL, NULL, NULL},
    {HTTP_GET, "/v1/orgs//", -1, 0, NULL, NULL, NULL, NULL},
    {HTTP_GET, "/v1/orgs/42/x", -1, 0, NULL, NULL, NULL, NULL},
    {HTTP_GET, "/v1/channels/7/catalog/versions/3", 3, 0, "id", "7", "n", "3"},
    {HTTP_GET, "/v1/channels/7/catalog/publish", -2, HTTP_POST, NULL, NULL, NULL, NULL},
    {HTTP_OTHER, "/v1/orgs", -2, HTTP_GET | HTTP_HEAD | HTTP_POST, NULL, NULL, NULL, NULL},
};

START_TEST(test_match_table)
{
    unsigned allow;
    int got = router_match(table, NT, &r, cases[_i].m, cases[_i].path, &allow);

    ck_assert_msg(got == cases[_i].want, "%s: got %d want %d", cases[_i].path, got, cases[_i].want);
    if (got == -2)
        ck_assert_uint_eq(allow, cases[_i].allow);
    if (cases[_i].p1) {
        ck_assert_str_eq(req_param(&r, cases[_i].p1), cases[_i].v1);
        ck_assert_int_eq(r.nparams, cases[_i].p2 ? 2 : 1);
    }
    if (cases[_i].p2)
        ck_assert_str_eq(req_param(&r, cases[_i].p2), cases[_i].v2);
}
END_TEST

START_TEST(test_allow_header)
{
    ck_assert_str_eq(router_allow_header(&ar, HTTP_POST | HTTP_GET | HTTP_HEAD), "GET, HEAD, POST");
    ck_assert_str_eq(router_allow_header(&ar, HTTP_DELETE), "DELETE");
}
END_TEST

START_TEST(test_lint_ok)
{
    char msg[256] = "";

    ck_assert_int_eq(router_lint(table, NT, msg, sizeof(msg)), 0);
}
END_TEST

static const struct {
    struct route rt[2];
    int n;
    const char *needle;
} bad[] = {
    {{{HTTP_GET, "nope", h_ok, R_PUBLIC | R_JSON, "t", 0}}, 1, "malformed"},
    {{{HTTP_GET, "/a/", h_ok, R_PUBLIC | R_JSON, "t", 0}}, 1, "malformed"},
    {{{HTTP_GET, "/a//b", h_ok, R_PUBLIC | R_JSON, "t", 0}}, 1, "malformed"},
    {{{HTTP_GET, "/a/{Id}", h_ok, R_PUBLIC | R_JSON, "t", 0}}, 1, "malformed"},
    {{{HTTP_GET, "/a/x{id}", h_ok, R_PUBLIC | R_JSON, "t", 0}}, 1, "malformed"},
    {{{HTTP_GET, "/a", NULL, R_PUBLIC | R_JSON, "t", 0}}, 1, "no handler"},
    {{{HTTP_GET, "/a", h_ok, R_PUBLIC | R_JSON, "", 0}}, 1, "no owner"},
    {{{HTTP_GET, "/a", h_ok, R_JSON, "t", 0}}, 1, "R_PUBLIC and R_AUTH"},
    {{{HTTP_POST, "/login", h_ok, R_PUBLIC | R_HTML, "t", 0}}, 1, "R_CSRF"},
    {{{HTTP_GET, "/a", h_ok, R_PUBLIC | R_JSON | R_HTML, "t", 0}}, 1, "exactly one of R_JSON"},
    {{{HTTP_GET, "/a/{id}", h_ok, R_PUBLIC | R_JSON, "t", 0},
      {HTTP_GET | HTTP_POST, "/a/{n}", h_ok, R_PUBLIC | R_JSON, "t", 0}},
     2,
     "duplicates"},
};

START_TEST(test_lint_bad)
{
    char msg[256] = "";

    ck_assert_int_gt(router_lint(bad[_i].rt, bad[_i].n, msg, sizeof(msg)), 0);
    ck_assert_msg(strstr(msg, bad[_i].needle), "case %d: '%s' lacks '%s'", _i, msg, bad[_i].needle);
}
END_TEST

START_TEST(test_lint_distinct_methods_ok)
{
    const struct route t[] = {
        {HTTP_GET, "/a/{id}", h_ok, R_PUBLIC | R_JSON, "t", 0},
        {HTTP_POST, "/a/{id}", h_ok, R_PUBLIC | R_JSON, "t", 0},
        {HTTP_GET, "/a/b", h_ok, R_PUBLIC | R_JSON, "t", 0},
    };
    char msg[256] = "";

    ck_assert_int_eq(router_lint(t, 3, msg, sizeof(msg)), 0);
}
END_TEST

Suite *router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("match");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_match_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
    tcase_add_test(tc, test_allow_header);
    tcase_add_test(tc, test_lint_ok);
    tcase_add_loop_test(tc, test_lint_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
    tcase_add_test(tc, test_lint_distinct_methods_ok);
    suite_add_tcase(s, tc);
    return s;
}
