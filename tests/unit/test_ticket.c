/*
 * Tickets and SLA policies, the pure parts: the workflow's transitions (docs/service.md's
 * table, every pair), the severity targets' rules and field names.
 */
#include <check.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "service/slapol.h"
#include "service/ticket.h"
#include "unit.h"

START_TEST(test_transitions)
{
    /* docs/service.md "Tickets": from -> to */
    static const char *const allowed[][2] = {
        {"open", "acknowledged"},
        {"acknowledged", "in_progress"},
        {"acknowledged", "waiting_customer"},
        {"acknowledged", "resolved"},
        {"in_progress", "waiting_customer"},
        {"in_progress", "resolved"},
        {"waiting_customer", "in_progress"},
        {"waiting_customer", "resolved"},
        {"resolved", "closed"},
        {"resolved", "open"},
        {"closed", "open"},
    };
    int n = 0;

    for (int i = 0; ticket_statuses[i]; i++)
        for (int k = 0; ticket_statuses[k]; k++) {
            int want = 0;

            for (size_t j = 0; j < sizeof(allowed) / sizeof(allowed[0]); j++)
                want |= strcmp(allowed[j][0], ticket_statuses[i]) == 0 &&
                        strcmp(allowed[j][1], ticket_statuses[k]) == 0;
            ck_assert_msg(ticket_transition_allowed(ticket_statuses[i], ticket_statuses[k]) == want,
                          "%s -> %s", ticket_statuses[i], ticket_statuses[k]);
            n += want;
        }
    ck_assert_int_eq(n, 11);
    ck_assert(!ticket_transition_allowed("open", "reopened"));
    ck_assert(!ticket_transition_allowed("lost", "open"));
}
END_TEST

/* The fields fe names for the targets in text, sorted by the order they were added. */
static const char *target_errors(struct arena *ar, const char *text, struct slapol_targets *t)
{
    struct field_errors fe = {0};
    struct json_object *v = json_tokener_parse(text);
    char *out = arena_strdup(ar, "");

    ck_assert_ptr_nonnull(v);
    slapol_targets_parse(ar, v, t, &fe);
    json_object_put(v);
    for (size_t i = 0; i < fe.n; i++)
        out = arena_printf(ar, "%s%s%s", out, i ? " " : "", fe.v[i].field);
    return out;
}

START_TEST(test_targets)
{
    struct arena ar;
    struct slapol_targets t;
    const char *all = "{\"critical\":{\"response_minutes\":15,\"resolve_minutes\":60},"
                      "\"high\":{\"response_minutes\":30,\"resolve_minutes\":120},"
                      "\"medium\":{\"response_minutes\":60,\"resolve_minutes\":480},"
                      "\"low\":{\"response_minutes\":240,\"resolve_minutes\":5256000}}";

    arena_init(&ar, 0);
    ck_assert_str_eq(target_errors(&ar, all, &t), "");
    ck_assert_int_eq(t.response_min[0], 15);
    ck_assert_int_eq(t.resolve_min[3], 5256000);
    ck_assert_int_eq(slapol_severity_index("medium"), 2);
    ck_assert_int_eq(slapol_severity_index("urgent"), -1);
    ck_assert_int_eq(slapol_severity_index(NULL), -1);
    ck_assert_str_eq(target_errors(&ar, "[]", &t), "severity_targets");
    ck_assert_str_eq(target_errors(&ar, "{}", &t),
                     "severity_targets.critical severity_targets.high severity_targets.medium "
                     "severity_targets.low");
    ck_assert_str_eq(
        target_errors(&ar,
                      "{\"critical\":{\"response_minutes\":0,\"resolve_minutes\":\"1\",\"x\":1},"
                      "\"high\":{\"response_minutes\":30,\"resolve_minutes\":29},"
                      "\"medium\":7,\"low\":{\"response_minutes\":1,\"resolve_minutes\":5256001},"
                      "\"urgent\":{}}",
                      &t),
        "severity_targets.urgent severity_targets.critical.x "
        "severity_targets.critical.response_minutes severity_targets.critical.resolve_minutes "
        "severity_targets.high.resolve_minutes severity_targets.medium "
        "severity_targets.low.resolve_minutes");
    ck_assert_str_eq(target_errors(&ar,
                                   "{\"critical\":{\"response_minutes\":1},"
                                   "\"high\":{\"response_minutes\":1,\"resolve_minutes\":1},"
                                   "\"medium\":{\"response_minutes\":1,\"resolve_minutes\":1},"
                                   "\"low\":{\"response_minutes\":1.5,\"resolve_minutes\":2}}",
                                   &t),
                     "severity_targets.critical.resolve_minutes "
                     "severity_targets.low.response_minutes");
    arena_release(&ar);
}
END_TEST

START_TEST(test_time)
{
    struct arena ar;

    arena_init(&ar, 0);
    ck_assert_str_eq(rfc3339_text(&ar, 0), "1970-01-01T00:00:00.000Z");
    ck_assert_str_eq(rfc3339_text(&ar, 1763134200123LL), "2025-11-14T15:30:00.123Z");
    arena_release(&ar);
}
END_TEST

Suite *ticket_suite(void)
{
    Suite *s = suite_create("ticket");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_transitions);
    tcase_add_test(tc, test_targets);
    tcase_add_test(tc, test_time);
    suite_add_tcase(s, tc);
    return s;
}
