/* Runs every unit suite; the exit status is non-zero when any check failed. */
#include "unit.h"

#include <stdlib.h>

int main(void)
{
    SRunner *sr = srunner_create(arena_suite());
    int failed;

    srunner_add_suite(sr, sb_suite());
    srunner_add_suite(sr, utf8_suite());
    srunner_add_suite(sr, url_suite());
    srunner_add_suite(sr, json_suite());
    srunner_add_suite(sr, tmpl_suite());
    srunner_add_suite(sr, config_suite());
    srunner_add_suite(sr, router_suite());
    srunner_add_suite(sr, lint_suite());
    srunner_add_suite(sr, yaml_suite());
    srunner_add_suite(sr, request_suite());
    srunner_add_suite(sr, rbac_suite());
    srunner_add_suite(sr, auth_suite());
    srunner_add_suite(sr, org_suite());
    srunner_add_suite(sr, catalog_suite());
    srunner_add_suite(sr, rel_suite());
    srunner_add_suite(sr, listing_suite());
    srunner_add_suite(sr, money_suite());
    srunner_add_suite(sr, resolve_suite());
    srunner_add_suite(sr, coverage_suite());
    srunner_add_suite(sr, sla_suite());
    srunner_add_suite(sr, book_suite());
    srunner_add_suite(sr, fx_suite());
    srunner_add_suite(sr, equipment_suite());
    srunner_add_suite(sr, ticket_suite());
    srunner_add_suite(sr, dash_service_suite());
    srunner_add_suite(sr, engineer_suite());
    srunner_add_suite(sr, stats_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
