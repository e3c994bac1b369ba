/* The Check suites of the unit test binary, one per module under test. */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <check.h>

Suite *arena_suite(void);
Suite *sb_suite(void);
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

#endif
