/* RBAC: docs/rbac.md shows exactly the code's table, and the checks read it right. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/rbac.h"
#include "http/routes.h"
#include "unit.h"

static unsigned parse_actions(const char *s)
{
    unsigned a = 0;

    a |= strstr(s, "read") ? ACT_READ : 0;
    a |= strstr(s, "create") ? ACT_CREATE : 0;
    a |= strstr(s, "update") ? ACT_UPDATE : 0;
    a |= strstr(s, "delete") ? ACT_DELETE : 0;
    return a;
}

static int resource_by_name(const char *n)
{
    for (int r = 1; r < RES__COUNT; r++)
        if (strcmp(rbac_resource_name((enum rbac_resource)r), n) == 0)
            return r;
    return -1;
}

START_TEST(test_doc_matches_code)
{
    char path[4096], line[512], role[64], res[64], acts[128];
    const char *d = getenv("TRELLIS_SRCDIR");
    int rows = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/docs/rbac.md", d ? d : ".");
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "| %63[a-z_] | %63[a-z_] | %127[a-z, ] |", role, res, acts) != 3 ||
            strcmp(role, "role") == 0)
            continue;
        int r = resource_by_name(res), found = 0;
        ck_assert_msg(r > 0, "docs/rbac.md: unknown resource '%s'", res);
        ck_assert_msg(rbac_is_role(role), "docs/rbac.md: unknown role '%s'", role);
        for (int i = 0; i < rbac_table_count; i++)
            if (strcmp(rbac_table[i].role, role) == 0 && (int)rbac_table[i].resource == r) {
                ck_assert_msg(rbac_table[i].actions == parse_actions(acts),
                              "docs/rbac.md: %s on %s says '%s', the code differs", role, res,
                              acts);
                found = 1;
            }
        ck_assert_msg(found, "docs/rbac.md: %s on %s is not in the code", role, res);
        rows++;
    }
    fclose(f);
    ck_assert_msg(rows == rbac_table_count, "docs/rbac.md has %d rows, the code %d", rows,
                  rbac_table_count);
}
END_TEST

START_TEST(test_allows)
{
    ck_assert(rbac_allows("super_admin", RES_TENANTS, ACT_CREATE));
    ck_assert(!rbac_allows("tenant_admin", RES_TENANTS, ACT_CREATE));
    ck_assert(rbac_allows("tenant_admin", RES_USERS, ACT_READ | ACT_DELETE));
    ck_assert(!rbac_allows("org_admin", RES_USERS, ACT_DELETE));
    ck_assert(!rbac_allows("viewer", RES_USERS, ACT_READ));
    ck_assert(!rbac_allows("nobody", RES_ORGS, ACT_READ));
    ck_assert(!rbac_allows(NULL, RES_ORGS, ACT_READ));
    ck_assert(rbac_allows("viewer", RES_NONE, ACT_READ));
}
END_TEST

/* Every authenticated mutating route names a permission, and every permission is real. */
START_TEST(test_routes_have_permissions)
{
    for (int i = 0; i < routes_count; i++) {
        const struct route *rt = &routes[i];
        if (rt->perm)
            ck_assert_msg(PERM_RESOURCE(rt->perm) > RES_NONE &&
                              PERM_RESOURCE(rt->perm) < RES__COUNT && PERM_ACTION(rt->perm),
                          "route '%s': bad permission", rt->pattern);
        if ((rt->flags & R_PUBLIC))
            ck_assert_msg(rt->perm == 0, "public route '%s' has a permission", rt->pattern);
    }
}
END_TEST

Suite *rbac_suite(void)
{
    Suite *s = suite_create("rbac");
    TCase *tc = tcase_create("table");

    tcase_add_test(tc, test_doc_matches_code);
    tcase_add_test(tc, test_allows);
    tcase_add_test(tc, test_routes_have_permissions);
    suite_add_tcase(s, tc);
    return s;
}
