/* The Check suites of the unit test binary, one per module under test. */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct json_object;

/* cases.c: for the suites driven by a case file (tests/data) */
const char *unit_srcdir(void);                                          /* TRELLIS_SRCDIR or "." */
struct json_object *unit_field(struct json_object *o, const char *key); /* or NULL */
/* A string member copied into ar (NULL when absent or not a string); an integer (0). */
const char *unit_jstr(struct arena *ar, struct json_object *o, const char *key);
int64_t unit_jint(struct json_object *o, const char *key);
struct json_object *unit_load_json(const char *rel); /* the caller puts it */
/* Row i (from 1) of a doc's table of cases, as the data file says it should read. */
typedef const char *unit_doc_row_fn(struct arena *ar, size_t i, struct json_object *c);
/* The table between "<!-- MARKER" and "<!-- end of MARKER" in doc is cases, row by row. */
void unit_doc_matches(const char *doc, const char *marker, const char *data,
                      struct json_object *cases, unit_doc_row_fn *row);

Suite *arena_suite(void);
Suite *sb_suite(void);
Suite *utf8_suite(void);
Suite *url_suite(void);
Suite *json_suite(void);
Suite *tmpl_suite(void);
Suite *config_suite(void);
Suite *router_suite(void);
Suite *lint_suite(void);
Suite *yaml_suite(void);
Suite *request_suite(void);
Suite *rbac_suite(void);
Suite *auth_suite(void);
Suite *org_suite(void);
Suite *catalog_suite(void);
Suite *rel_suite(void);
Suite *listing_suite(void);
Suite *money_suite(void);
Suite *resolve_suite(void);
Suite *coverage_suite(void);
Suite *sla_suite(void);
Suite *book_suite(void);
Suite *fx_suite(void);
Suite *equipment_suite(void);
Suite *ticket_suite(void);
Suite *dash_service_suite(void);
Suite *engineer_suite(void);
Suite *stats_suite(void);

#endif
