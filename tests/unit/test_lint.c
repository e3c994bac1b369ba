/* Lints over the real tables: routes, the query registry (tenant scoping) and migrations. */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/yaml.h"
#include "http/problem.h"
#include "db/migrate.h"
#include "db/queries.h"
#include "http/routes.h"
#include "unit.h"

/* Tables that are deliberately not tenant-scoped; audit_heads is one row per tenant. */
static const char *const global_tables[] = {"tenants", "audit_heads", "schema_migrations"};

/*
 * Global queries that read a tenant-scoped table by a key unique across tenants and answer
 * the row's tenant_id, which scopes every later statement: the public QR page's token.
 */
static const char *const global_lookups[] = {"equipment.by_token"};

static int is_global_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof(global_lookups) / sizeof(global_lookups[0]); i++)
        if (strcmp(global_lookups[i], name) == 0)
            return 1;
    return 0;
}

static int is_global_table(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof(global_tables) / sizeof(global_tables[0]); i++)
        if (strlen(global_tables[i]) == n && strncasecmp(global_tables[i], name, n) == 0)
            return 1;
    return 0;
}

START_TEST(test_route_table)
{
    char msg[256] = "";

    ck_assert_msg(router_lint(routes, routes_count, msg, sizeof(msg)) == 0, "%s", msg);
}
END_TEST

START_TEST(test_query_registry)
{
    for (int i = 0; i < db_registry_count; i++) {
        const struct db_query *q = db_registry[i];
        size_t marks = 0;

        for (const char *s = q->sql; *s; s++)
            marks += *s == '?';
        ck_assert_msg(strlen(q->params) == marks, "%s: %zu params for %zu '?'", q->name,
                      strlen(q->params), marks);
        ck_assert_msg(strspn(q->params, "LNis") == strlen(q->params), "%s: bad param letter",
                      q->name);
        ck_assert_msg(strspn(q->cols, "Ls") == strlen(q->cols), "%s: bad column letter", q->name);
        ck_assert_msg(!!(q->flags & DBQ_TENANT) + !!(q->flags & DBQ_GLOBAL) == 1,
                      "%s: exactly one of DBQ_TENANT and DBQ_GLOBAL", q->name);
        for (int k = 0; k < i; k++)
            ck_assert_msg(strcmp(q->name, db_registry[k]->name) != 0, "%s registered twice",
                          q->name);
        if (q->flags & DBQ_TENANT) {
            int tp = db_tenant_param(q->sql);
            ck_assert_msg(tp >= 0 && q->params[tp] == 'L',
                          "%s: a tenant query binds 'tenant_id = ?' (an int64)", q->name);
        } else if (!is_global_lookup(q->name)) {
            /* every table a global query names must be a global table */
            static const char *const kw[] = {"FROM ", "JOIN ", "INTO ", "UPDATE "};
            for (size_t k = 0; k < sizeof(kw) / sizeof(kw[0]); k++) {
                for (const char *s = q->sql; (s = strcasestr(s, kw[k])); s++) {
                    const char *name = s + strlen(kw[k]);
                    if (s - q->sql >= 4 && strncasecmp(s - 4, "KEY ", 4) == 0)
                        continue; /* ON DUPLICATE KEY UPDATE names columns, not a table */
                    size_t n = 0;
                    while (isalnum((unsigned char)name[n]) || name[n] == '_')
                        n++;
                    ck_assert_msg(n == 0 || is_global_table(name, n),
                                  "%s: global query reads '%.*s', which is tenant-scoped", q->name,
                                  (int)n, name);
                }
            }
        }
    }
}
END_TEST

START_TEST(test_migrations)
{
    struct arena ar;
    struct migration *m;
    char err[512] = "", path[4096];
    int n;

    arena_init(&ar, 0);
    snprintf(path, sizeof(path), "%s/sql/migrations", unit_srcdir());
    n = migrate_scan(&ar, path, &m, err, sizeof(err));
    ck_assert_msg(n > 0, "%s", err);
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(m[i].version, i + 1); /* numbered without gaps */
        /* every table a migration creates carries tenant_id, unless it is global */
        FILE *f = fopen(m[i].up, "r");
        char line[1024], table[128] = "";
        int has_tenant = 1;
        ck_assert_ptr_nonnull(f);
        while (fgets(line, sizeof(line), f)) {
            if (sscanf(line, "CREATE TABLE %127[a-z_0-9]", table) == 1) {
                ck_assert_msg(has_tenant, "%s: a table lacks tenant_id", m[i].name);
                has_tenant = is_global_table(table, strlen(table));
            }
            if (strstr(line, "tenant_id BIGINT UNSIGNED NOT NULL"))
                has_tenant = 1;
        }
        fclose(f);
        ck_assert_msg(has_tenant, "%s: table '%s' lacks tenant_id", m[i].name, table);
    }
    arena_release(&ar);
}
END_TEST

START_TEST(test_migrate_scan_rejects)
{
    struct arena ar;
    struct migration *m;
    char err[512] = "", dir[] = "/tmp/trellis-mig-XXXXXX", path[600];
    FILE *f;

    arena_init(&ar, 0);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/0001_a.up.sql", dir);
    f = fopen(path, "w");
    fclose(f);
    ck_assert_int_eq(migrate_scan(&ar, dir, &m, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "lacks its .down.sql"));
    snprintf(path, sizeof(path), "%s/0001_a.down.sql", dir);
    f = fopen(path, "w");
    fclose(f);
    ck_assert_int_eq(migrate_scan(&ar, dir, &m, err, sizeof(err)), 1);
    snprintf(path, sizeof(path), "%s/1_Bad.up.sql", dir);
    f = fopen(path, "w");
    fclose(f);
    ck_assert_int_eq(migrate_scan(&ar, dir, &m, err, sizeof(err)), -1);
    unlink(path);
    snprintf(path, sizeof(path), "%s/0001_a.up.sql", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/0001_a.down.sql", dir);
    unlink(path);
    rmdir(dir);
    arena_release(&ar);
}
END_TEST

/* docs/NAME of the source tree, NUL-terminated in a static buffer; *len its length. */
static const char *load_doc(const char *name, size_t *len)
{
    char path[4096];
    FILE *f;
    static char buf[1 << 20];
    size_t n;

    snprintf(path, sizeof(path), "%s/docs/%s", unit_srcdir(), name);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static struct json_object *load_openapi(void)
{
    char err[256] = "";
    struct json_object *doc = NULL;
    size_t n;
    const char *buf = load_doc("openapi.yaml", &n);

    ck_assert_msg(yaml_to_json(buf, n, &doc, err, sizeof(err)) == 0, "openapi.yaml: %s", err);
    return doc;
}

/* The problem codes the docs promise are exactly the table's. */
START_TEST(test_openapi_problem_codes)
{
    struct json_object *doc = load_openapi(), *codes;

    ck_assert(json_pointer_get(doc, "/components/schemas/Problem/properties/code/enum", &codes) ==
              0);
    ck_assert_int_eq((int)json_object_array_length(codes), PROB__COUNT);
    for (int p = 0; p < PROB__COUNT; p++) {
        int found = 0;
        for (size_t i = 0; i < json_object_array_length(codes); i++)
            found |= strcmp(json_object_get_string(json_object_array_get_idx(codes, i)),
                            problem_info((enum problem)p)->code) == 0;
        ck_assert_msg(found, "problem '%s' is not in docs/openapi.yaml",
                      problem_info((enum problem)p)->code);
    }
    json_object_put(doc);
}
END_TEST

/* Every route of the table is documented with each of its methods. */
START_TEST(test_openapi_routes)
{
    struct json_object *doc = load_openapi(), *paths, *item, *op;
    static const enum http_method ms[] = {HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE};
    static const char *const names[] = {"get", "post", "put", "patch", "delete"};

    ck_assert(json_object_object_get_ex(doc, "paths", &paths));
    for (int i = 0; i < routes_count; i++) {
        if (strncmp(routes[i].pattern, "/v1/_test/", 10) == 0)
            continue; /* test fixtures, absent from production builds */
        if (routes[i].flags & R_HTML)
            continue; /* pages: docs/pages.md */
        ck_assert_msg(json_object_object_get_ex(paths, routes[i].pattern, &item),
                      "route '%s' is not in docs/openapi.yaml", routes[i].pattern);
        for (size_t k = 0; k < sizeof(ms) / sizeof(ms[0]); k++)
            if (routes[i].methods & ms[k])
                ck_assert_msg(json_object_object_get_ex(item, names[k], &op),
                              "%s %s is not in docs/openapi.yaml", names[k], routes[i].pattern);
    }
    json_object_put(doc);
}
END_TEST

/* Every page route is in docs/pages.md as `METHOD /path`, each of its methods. */
START_TEST(test_pages_doc)
{
    static const enum http_method ms[] = {HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE};
    size_t n;
    const char *doc = load_doc("pages.md", &n);
    char want[512];

    for (int i = 0; i < routes_count; i++) {
        if (!(routes[i].flags & R_HTML))
            continue;
        for (size_t k = 0; k < sizeof(ms) / sizeof(ms[0]); k++)
            if (routes[i].methods & ms[k]) {
                snprintf(want, sizeof(want), "`%s %s`", http_method_name(ms[k]), routes[i].pattern);
                ck_assert_msg(strstr(doc, want) != NULL, "%s is not in docs/pages.md", want);
            }
    }
}
END_TEST

Suite *lint_suite(void)
{
    Suite *s = suite_create("lint");
    TCase *tc = tcase_create("tables");

    tcase_add_test(tc, test_route_table);
    tcase_add_test(tc, test_query_registry);
    tcase_add_test(tc, test_migrations);
    tcase_add_test(tc, test_migrate_scan_rejects);
    tcase_add_test(tc, test_openapi_problem_codes);
    tcase_add_test(tc, test_pages_doc);
    tcase_add_test(tc, test_openapi_routes);
    suite_add_tcase(s, tc);
    return s;
}
