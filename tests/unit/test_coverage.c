/*
 * The coverage policy: Example C of seed 000, the cases of tests/data/coverage_cases.json
 * (and docs/service-coverage.md's table of them), bad input, the policy body, and
 * properties over random networks: any order of the inputs gives the same provenance, and
 * the answer is what a naive reading of the rules gives.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "core/sb.h"
#include "identity/principal.h"
#include "service/covcache.h"
#include "service/coverage.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int64_t at_of(const char *s)
{
    int64_t ms;

    ck_assert_msg(rfc3339_parse(s, &ms) == 0, "bad test time '%s'", s);
    return ms;
}

/* "21 taken first_eligible, 11 passed not_certified, ..." */
static const char *cands_text(struct arena *ar, const struct coverage_result *res)
{
    struct sb sb;

    sb_init(&sb, ar);
    for (size_t i = 0; i < res->ncandidates; i++)
        sb_printf(&sb, "%s%lld %s %s", i ? ", " : "", (long long)res->candidates[i].org->id,
                  res->candidates[i].taken ? "taken" : "passed",
                  coverage_reason_name(res->candidates[i].reason));
    return sb.len ? sb.buf : "";
}

/* "21 → 11 → 1", or "-" */
static const char *chain_text(struct arena *ar, const int64_t *chain, size_t n)
{
    struct sb sb;

    if (n == 0)
        return "-";
    sb_init(&sb, ar);
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s%lld", i ? " → " : "", (long long)chain[i]);
    return sb.buf;
}

/* ---- Example C, verbatim --------------------------------------------------------------- */

/*
 * Equipment E-123 (manufacturer M1) at hospital H1; D1 distributor_of M1, DL1 dealer_of D1,
 * DL1 holding the certification M1's rule asks for.
 */
enum { M1 = 1, D1 = 11, DL1 = 21, H1 = 31 };
static const char *const dl1_certs[] = {"ACME-SVC"};
static const struct coverage_org example_c_orgs[] = {
    {.id = M1, .type = "manufacturer", .active = 1},
    {.id = D1, .type = "distributor", .active = 1},
    {.id = DL1, .type = "dealer", .certifications = dl1_certs, .ncertifications = 1, .active = 1},
    {.id = H1, .type = "hospital", .active = 1},
};
static const struct coverage_rel example_c_rels[] = {
    {.id = 101, .parent_id = M1, .child_id = D1, .type = "distributor_of"},
    {.id = 102, .parent_id = D1, .child_id = DL1, .type = "dealer_of"},
};
static const struct coverage_rule acme_rule[] = {{M1, "ACME-SVC"}};

static struct coverage_policy example_c_policy(int enabled)
{
    struct coverage_policy p;

    coverage_policy_default(&p);
    p.enabled = enabled;
    p.rules = acme_rule;
    p.nrules = 1;
    return p;
}

START_TEST(test_example_c)
{
    const struct coverage_equipment e123 = {.manufacturer_id = M1, .owner_org_id = H1};
    struct coverage_policy off = example_c_policy(0), on = example_c_policy(1);
    struct coverage_result res;
    struct json_object *prov;
    struct arena ar;
    int64_t at = at_of("2025-06-01T08:00:00Z");

    arena_init(&ar, 0);
    /* policies disabled: responsible_org_id NULL, the global rule */
    ck_assert_int_eq(coverage_resolve(&ar, &off, &e123, example_c_orgs, N(example_c_orgs),
                                      example_c_rels, N(example_c_rels), at, &res),
                     COVERAGE_OK);
    ck_assert_int_eq(res.org_id, 0);
    ck_assert_str_eq(res.rule, "global");
    ck_assert_uint_eq(res.ncandidates, 0);
    ck_assert_uint_eq(res.nchain, 0);
    ck_assert_str_eq(
        json_text(&ar, coverage_provenance(&ar, &res)),
        "{\"rule\":\"global\",\"reason\":\"policy_off\",\"responsible_org_id\":null,"
        "\"manufacturer_id\":null,\"required_certification\":null,\"match_region\":false,"
        "\"region\":null,\"owner_org_id\":31,\"order\":[\"dealer\",\"distributor\","
        "\"manufacturer\"],\"candidates\":[],\"after_taken\":{\"count\":0,\"by_reason\":{}},"
        "\"chain\":[]}");
    /* enabled: dealer -> distributor -> manufacturer; DL1 eligible with its certification */
    ck_assert_int_eq(coverage_resolve(&ar, &on, &e123, example_c_orgs, N(example_c_orgs),
                                      example_c_rels, N(example_c_rels), at, &res),
                     COVERAGE_OK);
    ck_assert_int_eq(res.org_id, DL1);
    ck_assert_str_eq(res.rule, "coverage");
    ck_assert_str_eq(res.required_certification, "ACME-SVC");
    ck_assert_str_eq(cands_text(&ar, &res),
                     "21 taken first_eligible, 11 passed not_certified, 1 passed lower_in_order");
    /* a breach escalates to D1, then to M1 */
    ck_assert_str_eq(chain_text(&ar, res.chain, res.nchain), "21 → 11 → 1");
    prov = coverage_provenance(&ar, &res);
    ck_assert_str_eq(
        json_text(&ar, prov),
        "{\"rule\":\"coverage\",\"reason\":\"first_eligible\",\"responsible_org_id\":21,"
        "\"manufacturer_id\":1,\"required_certification\":\"ACME-SVC\",\"match_region\":false,"
        "\"region\":null,\"owner_org_id\":31,\"order\":[\"dealer\",\"distributor\","
        "\"manufacturer\"],\"candidates\":["
        "{\"org_id\":21,\"org_type\":\"dealer\",\"taken\":true,\"reason\":\"first_eligible\","
        "\"detail\":\"the first eligible candidate\",\"owner_related\":false,\"preferred\":false}],"
        "\"after_taken\":{\"count\":2,\"by_reason\":{\"lower_in_order\":1,\"not_certified\":1}},"
        "\"chain\":[21,11,1]}");
    ck_assert_int_eq(coverage_escalation_target(prov, DL1), D1);
    ck_assert_int_eq(coverage_escalation_target(prov, D1), M1);
    ck_assert_int_eq(coverage_escalation_target(prov, M1), 0);
    ck_assert_int_eq(coverage_escalation_target(prov, 99), 0);
    ck_assert_int_eq(coverage_escalation_target(NULL, DL1), 0);
    arena_release(&ar);
}
END_TEST

/* ---- the cases: tests/data/coverage_cases.json ---------------------------------------- */

struct ccase {
    const char *name;
    struct coverage_policy policy;
    struct coverage_equipment eq;
    struct coverage_org *orgs;
    size_t norgs;
    struct coverage_rel *rels;
    size_t nrels;
    int64_t at;
    struct json_object *expect;
};

static void load_case(struct arena *ar, struct json_object *c, struct ccase *w)
{
    struct json_object *orgs = unit_field(c, "orgs"), *rels = unit_field(c, "relationships");
    struct json_object *e = unit_field(c, "equipment");
    struct field_errors fe = {NULL, 0, 0};
    const char *at = unit_jstr(ar, c, "at");

    memset(w, 0, sizeof(*w));
    w->name = unit_jstr(ar, c, "name");
    ck_assert_msg(coverage_policy_parse(ar, unit_field(c, "policy"), &w->policy, &fe) == 0,
                  "%s: bad policy: %s %s", w->name, fe.n ? fe.v[0].field : "",
                  fe.n ? fe.v[0].message : "");
    w->eq.manufacturer_id = unit_jint(e, "manufacturer_id");
    w->eq.owner_org_id = unit_jint(e, "owner_org_id");
    w->eq.region = unit_jstr(ar, e, "region");
    w->at = at_of(at ? at : "2025-06-01T00:00:00Z");
    w->norgs = json_object_array_length(orgs);
    w->nrels = json_object_array_length(rels);
    w->orgs = arena_zalloc(ar, (w->norgs + 1) * sizeof(*w->orgs));
    w->rels = arena_zalloc(ar, (w->nrels + 1) * sizeof(*w->rels));
    for (size_t i = 0; i < w->norgs; i++) {
        struct json_object *o = json_object_array_get_idx(orgs, i),
                           *certs = unit_field(o, "certifications");
        struct coverage_org *g = &w->orgs[i];
        const char *status = unit_jstr(ar, o, "status");
        const char **cv;

        g->id = unit_jint(o, "id");
        g->type = unit_jstr(ar, o, "type");
        g->region = unit_jstr(ar, o, "region");
        g->active = !status || strcmp(status, "active") == 0;
        g->ncertifications = certs ? json_object_array_length(certs) : 0;
        cv = arena_alloc(ar, (g->ncertifications + 1) * sizeof(*cv));
        for (size_t k = 0; k < g->ncertifications; k++)
            cv[k] = arena_strdup(ar, json_object_get_string(json_object_array_get_idx(certs, k)));
        g->certifications = cv;
    }
    for (size_t i = 0; i < w->nrels; i++) {
        struct json_object *r = json_object_array_get_idx(rels, i);
        struct coverage_rel *l = &w->rels[i];
        const char *from = unit_jstr(ar, r, "active_from"), *to = unit_jstr(ar, r, "active_to");

        l->id = unit_jint(r, "id");
        l->parent_id = unit_jint(r, "parent");
        l->child_id = unit_jint(r, "child");
        l->type = unit_jstr(ar, r, "type");
        l->preferred = json_object_get_boolean(unit_field(r, "preferred"));
        l->active_from = at_of(from ? from : "2020-01-01T00:00:00Z");
        if ((l->has_to = to != NULL))
            l->active_to = at_of(to);
    }
    w->expect = unit_field(c, "expect");
}

static struct json_object *load_cases(void)
{
    return unit_load_json("tests/data/coverage_cases.json");
}

static const char *expect_cands(struct arena *ar, struct json_object *e)
{
    struct json_object *a = unit_field(e, "candidates");
    struct sb sb;

    sb_init(&sb, ar);
    for (size_t i = 0; i < json_object_array_length(a); i++)
        sb_printf(&sb, "%s%s", i ? ", " : "",
                  json_object_get_string(json_object_array_get_idx(a, i)));
    return sb.len ? sb.buf : "";
}

static const char *expect_chain(struct arena *ar, struct json_object *e)
{
    struct json_object *a = unit_field(e, "chain");
    size_t n = json_object_array_length(a);
    int64_t *v = arena_alloc(ar, (n + 1) * sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = json_object_get_int64(json_object_array_get_idx(a, i));
    return chain_text(ar, v, n);
}

/*
 * The provenance lists the candidates up to the one taken (all when none was) and counts
 * those after it by reason: what it gets wrong, or NULL.
 */
static const char *provenance_wrong(struct arena *ar, const struct coverage_result *res)
{
    struct json_object *p = coverage_provenance(ar, res), *after = unit_field(p, "after_taken");
    struct json_object *listed = unit_field(p, "candidates");
    size_t want = 0, n = json_object_array_length(listed);
    int64_t sum = 0;

    while (want < res->ncandidates && !res->candidates[want++].taken)
        ;
    if (n != want)
        return arena_printf(ar, "lists %zu candidates, not %zu", n, want);
    for (size_t i = 0; i < n; i++)
        if (unit_jint(json_object_array_get_idx(listed, i), "org_id") != res->candidates[i].org->id)
            return arena_printf(ar, "lists another candidate at %zu", i);
    json_object_object_foreach(unit_field(after, "by_reason"), k, v)
    {
        (void)k;
        sum += json_object_get_int64(v);
    }
    if (unit_jint(after, "count") != (int64_t)(res->ncandidates - want) ||
        sum != unit_jint(after, "count"))
        return arena_printf(ar, "counts %lld after the one taken (by reason %lld), not %zu",
                            (long long)unit_jint(after, "count"), (long long)sum,
                            res->ncandidates - want);
    return NULL;
}

/* 0 when res is what the case expects; else appends why to report. */
static int check_case(struct arena *ar, const struct ccase *w, int rc,
                      const struct coverage_result *res, struct sb *report)
{
    struct json_object *e = w->expect;
    const char *cands = cands_text(ar, res), *chain = chain_text(ar, res->chain, res->nchain);
    const char *want_cands = expect_cands(ar, e), *want_chain = expect_chain(ar, e);
    const char *reason = json_object_get_string(unit_field(e, "reason"));
    const char *prov = rc == COVERAGE_OK ? provenance_wrong(ar, res) : NULL;

    if (prov)
        sb_printf(report, "\n  %s: the provenance %s", w->name, prov);
    if (rc == COVERAGE_OK && res->org_id == unit_jint(e, "responsible_org_id") &&
        strcmp(coverage_outcome_name(res->outcome), reason) == 0 &&
        strcmp(cands, want_cands) == 0 && strcmp(chain, want_chain) == 0)
        return prov != NULL;
    sb_printf(report,
              "\n  %s: rc %d org %lld %s [%s] chain %s\n     want org %lld %s [%s] chain %s",
              w->name, rc, (long long)res->org_id, coverage_outcome_name(res->outcome), cands,
              chain, (long long)unit_jint(e, "responsible_org_id"), reason, want_cands, want_chain);
    return 1;
}

START_TEST(test_cases)
{
    struct json_object *doc = load_cases(), *cases = unit_field(doc, "cases");
    size_t n = json_object_array_length(cases), failed = 0;
    struct arena ar;
    struct sb report;

    arena_init(&ar, 0);
    sb_init(&report, NULL);
    ck_assert_uint_gt(n, 30);
    for (size_t i = 0; i < n; i++) {
        struct ccase w;
        struct coverage_result res, back;
        struct coverage_org *ro;
        struct coverage_rel *rr;
        int rc, rc2;

        load_case(&ar, json_object_array_get_idx(cases, i), &w);
        rc = coverage_resolve(&ar, &w.policy, &w.eq, w.orgs, w.norgs, w.rels, w.nrels, w.at, &res);
        failed += (size_t)check_case(&ar, &w, rc, &res, &report);
        /* the same case with its orgs and relationships given backwards */
        ro = arena_alloc(&ar, (w.norgs + 1) * sizeof(*ro));
        rr = arena_alloc(&ar, (w.nrels + 1) * sizeof(*rr));
        for (size_t j = 0; j < w.norgs; j++)
            ro[j] = w.orgs[w.norgs - 1 - j];
        for (size_t j = 0; j < w.nrels; j++)
            rr[j] = w.rels[w.nrels - 1 - j];
        rc2 = coverage_resolve(&ar, &w.policy, &w.eq, ro, w.norgs, rr, w.nrels, w.at, &back);
        if (rc != rc2 || strcmp(json_text(&ar, coverage_provenance(&ar, &res)),
                                json_text(&ar, coverage_provenance(&ar, &back))) != 0) {
            sb_printf(&report, "\n  %s: another answer with the input reversed", w.name);
            failed++;
        }
    }
    printf("coverage cases: %zu/%zu passed\n", n - failed, n);
    ck_assert_msg(failed == 0, "%zu of %zu coverage cases failed:%s", failed, n, report.buf);
    sb_release(&report);
    arena_release(&ar);
    json_object_put(doc);
}
END_TEST

/* "21 taken, 11 not_certified, 1 lower_in_order": the candidates column of the doc's table */
static const char *doc_cands(struct arena *ar, struct json_object *e)
{
    struct json_object *a = unit_field(e, "candidates");
    struct sb sb;

    if (json_object_array_length(a) == 0)
        return "-";
    sb_init(&sb, ar);
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        const char *c = json_object_get_string(json_object_array_get_idx(a, i));
        const char *sp = strchr(c, ' ');

        sb_printf(&sb, "%s%.*s %s", i ? ", " : "", (int)(sp - c), c,
                  strncmp(sp, " taken ", 7) == 0 ? "taken" : strrchr(c, ' ') + 1);
    }
    return sb.buf;
}

/* The row docs/service-coverage.md shows for case i (1-based): | # | case | org | reason |
   candidates | chain | */
static const char *doc_row(struct arena *ar, size_t i, struct json_object *c)
{
    struct json_object *e = unit_field(c, "expect");
    const char *name = json_object_get_string(unit_field(c, "name"));
    int64_t org = unit_jint(e, "responsible_org_id");

    ck_assert_msg(strchr(name, '|') == NULL, "case name with a '|': %s", name);
    return arena_printf(ar, "| %zu | %s | %s | %s | %s | %s |", i, name,
                        org ? arena_printf(ar, "%lld", (long long)org) : "none",
                        json_object_get_string(unit_field(e, "reason")), doc_cands(ar, e),
                        expect_chain(ar, e));
}

/* docs/service-coverage.md's table of cases (between its markers) is the data file, row by row. */
START_TEST(test_doc_matches_cases)
{
    struct json_object *doc = load_cases();

    unit_doc_matches("docs/service-coverage.md", "coverage cases", "tests/data/coverage_cases.json",
                     unit_field(doc, "cases"), doc_row);
    json_object_put(doc);
}
END_TEST

/* The detail of each reason, as the provenance shows it. */
START_TEST(test_details)
{
    static const char *const north[] = {"ACME-SVC"};
    static const struct coverage_org orgs[] = {
        {.id = 1, .type = "manufacturer", .region = "west", .active = 1},
        {.id = 11, .type = "distributor", .region = "north", .active = 1},
        {.id = 12, .type = "distributor", .region = "south", .active = 1},
        {.id = 21, .type = "dealer", .region = "south", .active = 1},
        {.id = 22, .type = "dealer", .active = 1, .certifications = north, .ncertifications = 1},
        {.id = 23, .type = "dealer", .active = 0},
        {.id = 24, .type = "dealer", .active = 1},
        {.id = 25, .type = "dealer", .active = 1},
        {.id = 26, .type = "dealer", .region = "south", .active = 1},
        {.id = 27, .type = "dealer", .active = 1},
    };
    static const struct coverage_rel rels[] = {
        {.id = 101, .parent_id = 1, .child_id = 11, .type = "distributor_of"},
        {.id = 102, .parent_id = 11, .child_id = 21, .type = "dealer_of"},
        {.id = 103, .parent_id = 11, .child_id = 22, .type = "dealer_of"},
        {.id = 104, .parent_id = 11, .child_id = 23, .type = "dealer_of"},
        /* 24: two links, neither active; the lower id names it */
        {.id = 106, .parent_id = 1, .child_id = 24, .type = "dealer_of", .active_from = 9000},
        {.id = 105,
         .parent_id = 11,
         .child_id = 24,
         .type = "dealer_of",
         .has_to = 1,
         .active_to = 1000},
        {.id = 109, .parent_id = 11, .child_id = 27, .type = "dealer_of", .active_from = 9000},
        {.id = 107, .parent_id = 1, .child_id = 12, .type = "distributor_of", .preferred = 1},
        {.id = 108, .parent_id = 12, .child_id = 26, .type = "dealer_of"},
    };
    static const struct coverage_rule rules[] = {{1, "ACME-SVC"}};
    static const char *const want[][2] = {
        {"not_certified", "lacks the certification 'ACME-SVC'"},
        {"other_region", "it has no region; the ticket's is 'north'"},
        {"inactive", "the organization is inactive"},
        {"relationship_inactive", "its dealer_of relationship 105 with org 11 has ended"},
        {"not_in_chain", "no active relationship links it to manufacturer 1"},
        {"not_certified", "lacks the certification 'ACME-SVC'"},
        {"relationship_inactive", "its dealer_of relationship 109 with org 11 has not begun"},
        {"not_certified", "lacks the certification 'ACME-SVC'"},
        {"not_certified", "lacks the certification 'ACME-SVC'"},
        {"first_eligible", "the first eligible candidate"},
    };
    struct coverage_policy p;
    struct coverage_equipment eq = {.manufacturer_id = 1, .region = "north"};
    struct coverage_result res;
    struct arena ar;

    arena_init(&ar, 0);
    coverage_policy_default(&p);
    p.enabled = 1;
    p.match_region = 1;
    p.rules = rules;
    p.nrules = 1;
    ck_assert_int_eq(coverage_resolve(&ar, &p, &eq, orgs, N(orgs), rels, N(rels), 5000, &res),
                     COVERAGE_OK);
    ck_assert_str_eq(cands_text(&ar, &res),
                     "21 passed not_certified, 22 passed other_region, 23 passed inactive, 24 "
                     "passed relationship_inactive, 25 passed not_in_chain, 26 passed "
                     "not_certified, 27 passed relationship_inactive, 12 passed not_certified, 11 "
                     "passed not_certified, 1 taken first_eligible");
    ck_assert_uint_eq(res.ncandidates, N(want));
    for (size_t i = 0; i < N(want); i++) {
        ck_assert_str_eq(coverage_reason_name(res.candidates[i].reason), want[i][0]);
        ck_assert_str_eq(res.candidates[i].detail, want[i][1]);
    }
    /* only 12's own relationship is preferred, not its dealer 26's */
    ck_assert_int_eq(res.candidates[5].preferred, 0);
    ck_assert_int_eq(res.candidates[7].preferred, 1);
    arena_release(&ar);
}
END_TEST

/* Region details: another region; and a region of the owner when the equipment has none. */
START_TEST(test_region_details)
{
    static const struct coverage_org orgs[] = {
        {.id = 1, .type = "manufacturer", .active = 1},
        {.id = 21, .type = "dealer", .region = "south", .active = 1},
        {.id = 31, .type = "hospital", .region = "north", .active = 1},
    };
    static const struct coverage_rel rels[] = {
        {.id = 101, .parent_id = 1, .child_id = 21, .type = "dealer_of"},
    };
    struct coverage_policy p;
    struct coverage_equipment eq = {.manufacturer_id = 1, .owner_org_id = 31};
    struct coverage_result res;
    struct arena ar;

    arena_init(&ar, 0);
    coverage_policy_default(&p);
    p.enabled = 1;
    p.match_region = 1;
    ck_assert_int_eq(coverage_resolve(&ar, &p, &eq, orgs, N(orgs), rels, N(rels), 0, &res), 0);
    ck_assert_str_eq(res.region, "north");
    ck_assert_str_eq(res.candidates[0].detail, "its region 'south' is not 'north'");
    ck_assert_int_eq(res.org_id, 1);
    /* without match_region the region is neither checked nor shown */
    p.match_region = 0;
    ck_assert_int_eq(coverage_resolve(&ar, &p, &eq, orgs, N(orgs), rels, N(rels), 0, &res), 0);
    ck_assert_ptr_null(res.region);
    ck_assert_int_eq(res.org_id, 21);
    arena_release(&ar);
}
END_TEST

/* ---- bad input ------------------------------------------------------------------------ */

START_TEST(test_einput)
{
    static const struct coverage_org two[] = {
        {.id = 1, .type = "manufacturer", .active = 1},
        {.id = 1, .type = "dealer", .active = 1},
    };
    static const struct coverage_org no_maker[] = {
        {.id = 1, .type = "distributor", .active = 1},
        {.id = 21, .type = "dealer", .active = 1},
    };
    static const struct coverage_rel unknown[] = {
        {.id = 5, .parent_id = 1, .child_id = 99, .type = "dealer_of"},
    };
    static const struct coverage_rel self[] = {
        {.id = 5, .parent_id = 21, .child_id = 21, .type = "dealer_of"},
    };
    static const struct coverage_rel twice[] = {
        {.id = 5, .parent_id = 1, .child_id = 11, .type = "distributor_of"},
        {.id = 5, .parent_id = 11, .child_id = 21, .type = "dealer_of"},
    };
    static const struct coverage_rule dup_rules[] = {{1, "A"}, {1, "B"}};
    struct coverage_policy p, bad;
    struct coverage_equipment eq = {.manufacturer_id = 1};
    struct coverage_result res;
    struct arena ar;

    arena_init(&ar, 0);
    coverage_policy_default(&p);
    p.enabled = 1;
    ck_assert_int_eq(coverage_resolve(&ar, &p, &eq, two, N(two), NULL, 0, 0, &res),
                     COVERAGE_EINPUT);
    ck_assert_str_eq(res.error, "org 1 is given twice");
    ck_assert_int_eq(
        coverage_resolve(&ar, &p, &eq, example_c_orgs, 1, unknown, N(unknown), 0, &res),
        COVERAGE_EINPUT);
    ck_assert_str_eq(res.error, "relationship 5 needs a type and two distinct orgs given");
    ck_assert_int_eq(
        coverage_resolve(&ar, &p, &eq, example_c_orgs, N(example_c_orgs), self, N(self), 0, &res),
        COVERAGE_EINPUT);
    ck_assert_int_eq(
        coverage_resolve(&ar, &p, &eq, example_c_orgs, N(example_c_orgs), twice, N(twice), 0, &res),
        COVERAGE_EINPUT);
    ck_assert_str_eq(res.error, "relationship 5 is given twice");
    ck_assert_int_eq(coverage_resolve(&ar, &p, &eq, no_maker, N(no_maker), NULL, 0, 0, &res),
                     COVERAGE_EINPUT);
    ck_assert_str_eq(res.error, "org 1 is not a manufacturer");
    eq.manufacturer_id = 7;
    ck_assert_int_eq(
        coverage_resolve(&ar, &p, &eq, example_c_orgs, N(example_c_orgs), NULL, 0, 0, &res),
        COVERAGE_EINPUT);
    ck_assert_str_eq(res.error, "the manufacturer 7 is not among the orgs");
    eq.manufacturer_id = 1;
    bad = p;
    bad.rules = dup_rules;
    bad.nrules = 2;
    ck_assert_int_eq(
        coverage_resolve(&ar, &bad, &eq, example_c_orgs, N(example_c_orgs), NULL, 0, 0, &res),
        COVERAGE_EINPUT);
    ck_assert_str_eq(res.error, "two rules for manufacturer 1");
    bad = p;
    bad.order[1] = COV_DEALER;
    ck_assert_int_eq(
        coverage_resolve(&ar, &bad, &eq, example_c_orgs, N(example_c_orgs), NULL, 0, 0, &res),
        COVERAGE_EINPUT);
    bad.norder = 0;
    ck_assert_int_eq(
        coverage_resolve(&ar, &bad, &eq, example_c_orgs, N(example_c_orgs), NULL, 0, 0, &res),
        COVERAGE_EINPUT);
    /* with the policy off nothing is looked at: the global rule, whatever the input */
    bad.enabled = 0;
    ck_assert_int_eq(coverage_resolve(&ar, &bad, &eq, two, N(two), NULL, 0, 0, &res), COVERAGE_OK);
    ck_assert_str_eq(res.rule, "global");
    arena_release(&ar);
}
END_TEST

/* ---- the policy body ------------------------------------------------------------------ */

static const struct policy_case {
    const char *body;
    const char *errors; /* "field: message; ..." or NULL when valid */
} policy_cases[] = {
    {"{\"enabled\":true,\"order\":[\"dealer\",\"distributor\",\"manufacturer\"],\"rules\":[],"
     "\"match_region\":false}",
     NULL},
    {"{\"enabled\":false,\"order\":[\"manufacturer\"],\"rules\":[{\"manufacturer_id\":3,"
     "\"required_certification\":\"X\"}],\"match_region\":true}",
     NULL},
    {"[]", ": must be an object"},
    {"{}", "enabled: is required; order: is required; rules: is required"},
    {"{\"enabled\":1,\"order\":\"dealer\",\"rules\":{},\"match_region\":\"yes\",\"x\":1}",
     "enabled: must be a boolean; order: must be an array; rules: must be an array; "
     "match_region: must be a boolean; x: is not a known field"},
    {"{\"enabled\":true,\"order\":[],\"rules\":[]}",
     "order: must name 1 to 3 of dealer, distributor, manufacturer"},
    {"{\"enabled\":true,\"order\":[\"dealer\",\"hospital\",\"dealer\"],\"rules\":[]}",
     "order[1]: must be dealer, distributor or manufacturer; order[2]: is listed twice"},
    {"{\"enabled\":true,\"order\":[\"dealer\",\"dealer\",\"dealer\",\"dealer\"],\"rules\":[]}",
     "order: must name 1 to 3 of dealer, distributor, manufacturer"},
    {"{\"enabled\":true,\"order\":[\"dealer\"],\"rules\":[7,{},{\"manufacturer_id\":0,"
     "\"required_certification\":\"\"},{\"manufacturer_id\":4,\"required_certification\":"
     "\"A\"},{\"manufacturer_id\":4,\"required_certification\":\"B\\u0001\"},"
     "{\"manufacturer_id\":5,\"required_certification\":null,\"z\":1}]}",
     "rules[0]: must be an object; rules[1].manufacturer_id: is required; "
     "rules[1].required_certification: is required; rules[2].manufacturer_id: must be a "
     "positive integer; rules[2].required_certification: must be 1 to 64 bytes without control "
     "characters; rules[4].required_certification: must be 1 to 64 bytes without control "
     "characters; rules[4].manufacturer_id: has a rule already (rules[3]); "
     "rules[5].required_certification: must be a string; rules[5].z: is not a known "
     "field"},
    {"{\"enabled\":true,\"order\":[\"dealer\"],\"rules\":[{\"manufacturer_id\":4,"
     "\"required_certification\":"
     "\"0123456789012345678901234567890123456789012345678901234567890123X\"}]}",
     "rules[0].required_certification: must be at most 64 bytes"},
    /* one field named does not hide the other's problem */
    {"{\"enabled\":true,\"order\":[\"dealer\"],\"rules\":[{\"manufacturer_id\":0}]}",
     "rules[0].required_certification: is required; rules[0].manufacturer_id: must be a "
     "positive integer"},
};

START_TEST(test_policy_parse)
{
    struct arena ar;

    arena_init(&ar, 0);
    for (size_t i = 0; i < N(policy_cases); i++) {
        struct json_object *body = json_tokener_parse(policy_cases[i].body);
        struct field_errors fe = {NULL, 0, 0};
        struct coverage_policy p;
        struct sb sb;
        int rc;

        ck_assert_msg(body != NULL || strcmp(policy_cases[i].body, "null") == 0, "case %zu", i);
        json_arena_own(&ar, body);
        rc = coverage_policy_parse(&ar, body, &p, &fe);
        sb_init(&sb, &ar);
        for (size_t k = 0; k < fe.n; k++)
            sb_printf(&sb, "%s%s: %s", k ? "; " : "", fe.v[k].field, fe.v[k].message);
        if (!policy_cases[i].errors) {
            ck_assert_msg(rc == 0, "case %zu: %s", i, sb.buf);
            /* the API's form is the body again */
            ck_assert_str_eq(json_text(&ar, coverage_policy_json(&ar, &p)), json_text(&ar, body));
        } else {
            ck_assert_msg(rc == -1, "case %zu accepted", i);
            ck_assert_str_eq(sb.buf, policy_cases[i].errors);
        }
    }
    arena_release(&ar);
}
END_TEST

START_TEST(test_policy_default)
{
    struct coverage_policy p;
    struct arena ar;

    arena_init(&ar, 0);
    coverage_policy_default(&p);
    ck_assert_str_eq(json_text(&ar, coverage_policy_json(&ar, &p)),
                     "{\"enabled\":false,\"order\":[\"dealer\",\"distributor\",\"manufacturer\"],"
                     "\"rules\":[],\"match_region\":false}");
    arena_release(&ar);
}
END_TEST

START_TEST(test_names)
{
    ck_assert_int_eq(coverage_type_parse("dealer"), COV_DEALER);
    ck_assert_int_eq(coverage_type_parse("distributor"), COV_DISTRIBUTOR);
    ck_assert_int_eq(coverage_type_parse("manufacturer"), COV_MANUFACTURER);
    ck_assert_int_eq(coverage_type_parse("hospital"), -1);
    ck_assert_int_eq(coverage_type_parse("Dealer"), -1);
    ck_assert_int_eq(coverage_type_parse(NULL), -1);
    ck_assert_str_eq(coverage_type_name(COV_DISTRIBUTOR), "distributor");
    ck_assert_str_eq(coverage_reason_name(COVR_RELATIONSHIP_INACTIVE), "relationship_inactive");
    ck_assert_str_eq(coverage_reason_name(COVR_OTHER_REGION), "other_region");
    ck_assert_str_eq(coverage_outcome_name(COVO_NO_ELIGIBLE_CANDIDATE), "no_eligible_candidate");
}
END_TEST

/* ---- properties over random networks -------------------------------------------------- */

static uint64_t rng_state;

static size_t pick(size_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (size_t)((rng_state >> 33) % n);
}

#define MAXO 24
#define MAXR 64
#define T0   1000000 /* the moment resolved at */

struct world {
    struct coverage_org orgs[MAXO];
    size_t norgs;
    struct coverage_rel rels[MAXR];
    size_t nrels;
    struct coverage_policy policy;
    struct coverage_rule rule;
    struct coverage_equipment eq;
};

static const char *const cert_sets[][2] = {{NULL, NULL}, {"A", NULL}, {"B", NULL}, {"B", "A"}};
static const char *const regions[] = {NULL, "north", "south"};

static int64_t fresh_id(struct world *w)
{
    for (;;) {
        int64_t id = 2 + (int64_t)pick(200);
        int used = 0;

        for (size_t i = 0; i < w->norgs; i++)
            used |= w->orgs[i].id == id;
        if (!used)
            return id;
    }
}

static struct coverage_org *add_org(struct world *w, const char *type)
{
    struct coverage_org *o = &w->orgs[w->norgs];
    size_t c = pick(N(cert_sets));

    memset(o, 0, sizeof(*o));
    o->id = w->norgs ? fresh_id(w) : 1;
    w->norgs++;
    o->type = type;
    o->region = regions[pick(N(regions))];
    o->certifications = cert_sets[c];
    o->ncertifications = c == 0 ? 0 : c == 3 ? 2 : 1;
    o->active = pick(6) != 0;
    return o;
}

static void add_rel(struct world *w, int64_t parent, int64_t child, const char *type)
{
    struct coverage_rel *r = &w->rels[w->nrels];

    if (w->nrels == MAXR)
        return;
    memset(r, 0, sizeof(*r));
    r->id = 1000 + (int64_t)(w->nrels * 7 % MAXR);
    w->nrels++;
    r->parent_id = parent;
    r->child_id = child;
    r->type = type;
    r->preferred = pick(4) == 0;
    switch (pick(6)) {
    case 0: /* ended */
        r->has_to = 1;
        r->active_to = T0 - (int64_t)pick(3) * 10;
        r->active_from = r->active_to - 100;
        break;
    case 1: /* not begun */
        r->active_from = T0 + 1 + (int64_t)pick(3);
        break;
    case 2: /* ends later */
        r->has_to = 1;
        r->active_to = T0 + 1;
        break;
    default:
        break;
    }
}

/* A manufacturer, distributors under it and under each other, dealers with one or two
   parents, another manufacturer's dealer, the owner, and a random policy. */
static void random_world(struct world *w)
{
    size_t nd = pick(5), nl = 1 + pick(6);
    static const enum coverage_type perm[][3] = {
        {COV_DEALER, COV_DISTRIBUTOR, COV_MANUFACTURER},
        {COV_DISTRIBUTOR, COV_DEALER, COV_MANUFACTURER},
        {COV_MANUFACTURER, COV_DEALER, COV_DISTRIBUTOR},
        {COV_DEALER, COV_MANUFACTURER, COV_DISTRIBUTOR},
    };
    size_t k = pick(N(perm));
    struct coverage_org *owner, *m2;

    memset(w, 0, sizeof(*w));
    add_org(w, "manufacturer");
    for (size_t i = 0; i < nd; i++) {
        struct coverage_org *d = add_org(w, "distributor");
        size_t up = pick(1 + i); /* the manufacturer (orgs[0]) or an earlier distributor */

        add_rel(w, w->orgs[up].id, d->id, "distributor_of");
    }
    for (size_t i = 0; i < nl; i++) {
        int64_t id = add_org(w, "dealer")->id;

        for (size_t j = 0, np = 1 + pick(2); j < np; j++) {
            size_t up = pick(nd + 1);

            add_rel(w, w->orgs[up].id, id, "dealer_of");
        }
    }
    m2 = add_org(w, "manufacturer");
    add_rel(w, m2->id, add_org(w, "dealer")->id, "dealer_of");
    if (pick(3)) {
        owner = add_org(w, "hospital");
        for (size_t i = 0, nr = pick(3); i < nr; i++)
            add_rel(w, owner->id, w->orgs[1 + pick(w->norgs - 2)].id, "partner_of");
        w->eq.owner_org_id = owner->id;
    } else if (pick(2)) {
        w->eq.owner_org_id = w->orgs[pick(w->norgs)].id;
    }
    w->eq.manufacturer_id = 1;
    w->eq.region = regions[pick(N(regions))];
    w->policy.enabled = 1;
    w->policy.norder = 1 + pick(3);
    memcpy(w->policy.order, perm[k], sizeof(perm[k]));
    w->policy.match_region = (int)pick(2);
    w->rule.manufacturer_id = 1;
    w->rule.required_certification = pick(2) ? "A" : "B";
    w->policy.rules = &w->rule;
    w->policy.nrules = pick(3) ? 1 : 0;
}

static void shuffle(struct world *w)
{
    for (size_t i = w->norgs; i > 1; i--) {
        size_t j = pick(i);
        struct coverage_org t = w->orgs[i - 1];

        w->orgs[i - 1] = w->orgs[j];
        w->orgs[j] = t;
    }
    for (size_t i = w->nrels; i > 1; i--) {
        size_t j = pick(i);
        struct coverage_rel t = w->rels[i - 1];

        w->rels[i - 1] = w->rels[j];
        w->rels[j] = t;
    }
}

static const char *provenance_of(struct arena *ar, const struct world *w, int *rc)
{
    struct coverage_result res;

    *rc = coverage_resolve(ar, &w->policy, &w->eq, w->orgs, w->norgs, w->rels, w->nrels, T0, &res);
    return *rc == COVERAGE_OK ? json_text(ar, coverage_provenance(ar, &res)) : res.error;
}

/* Any order of orgs and relationships: the same provenance, byte for byte. */
START_TEST(test_property_shuffled)
{
    struct arena ar;
    size_t taken = 0;

    arena_init(&ar, 0);
    rng_state = 2025;
    for (int i = 0; i < 2000; i++) {
        struct world w, w2;
        int rc, rc2;
        const char *a, *b;

        random_world(&w);
        a = provenance_of(&ar, &w, &rc);
        ck_assert_msg(rc == COVERAGE_OK, "world %d: %s", i, a);
        taken += strstr(a, "\"rule\":\"coverage\"") != NULL;
        for (int k = 0; k < 3; k++) {
            w2 = w;
            shuffle(&w2);
            b = provenance_of(&ar, &w2, &rc2);
            ck_assert_msg(rc2 == rc && strcmp(a, b) == 0, "world %d: the order changed it:\n%s\n%s",
                          i, a, b);
        }
        arena_reset(&ar);
    }
    /* the generator must exercise both outcomes */
    ck_assert_uint_gt(taken, 200);
    ck_assert_uint_lt(taken, 1900);
    arena_release(&ar);
}
END_TEST

/* -- a naive reading of the rules, written apart from the walk, to compare against -- */

static const struct coverage_org *org_of(const struct world *w, int64_t id)
{
    for (size_t i = 0; i < w->norgs; i++)
        if (w->orgs[i].id == id)
            return &w->orgs[i];
    return NULL;
}

static int live(const struct coverage_rel *r)
{
    return r->active_from <= T0 && (!r->has_to || T0 < r->active_to);
}

static int chain_rel(const struct coverage_rel *r)
{
    return live(r) && (strcmp(r->type, "dealer_of") == 0 || strcmp(r->type, "distributor_of") == 0);
}

/* 1 when to is below from through live chain relationships (or is from). */
static int below(const struct world *w, int64_t from, int64_t to)
{
    if (from == to)
        return 1;
    for (size_t i = 0; i < w->nrels; i++)
        if (chain_rel(&w->rels[i]) && w->rels[i].parent_id == from &&
            below(w, w->rels[i].child_id, to))
            return 1;
    return 0;
}

static int naive_related(const struct world *w, int64_t id)
{
    int64_t owner = w->eq.owner_org_id;

    if (owner && id == owner)
        return 1;
    for (size_t i = 0; owner && i < w->nrels; i++) {
        const struct coverage_rel *r = &w->rels[i];

        if (live(r) && ((r->parent_id == id && r->child_id == owner) ||
                        (r->child_id == id && r->parent_id == owner)))
            return 1;
    }
    return 0;
}

static int naive_preferred(const struct world *w, int64_t id)
{
    if (id == 1 || !below(w, 1, id))
        return 0;
    for (size_t i = 0; i < w->nrels; i++)
        if (chain_rel(&w->rels[i]) && w->rels[i].preferred && w->rels[i].child_id == id &&
            below(w, 1, w->rels[i].parent_id))
            return 1;
    return 0;
}

static int naive_eligible(const struct world *w, const struct coverage_org *o)
{
    const char *cert = w->policy.nrules ? w->rule.required_certification : NULL;
    const char *region = NULL;
    int has = 0;

    if (w->policy.match_region) {
        const struct coverage_org *owner = org_of(w, w->eq.owner_org_id);

        region = w->eq.region ? w->eq.region : owner ? owner->region : NULL;
    }
    if (!below(w, 1, o->id) || !o->active)
        return 0;
    if (o->id == 1)
        return 1;
    for (size_t i = 0; i < o->ncertifications; i++)
        has |= cert && strcmp(o->certifications[i], cert) == 0;
    if (cert && !has)
        return 0;
    return !region || (o->region && strcmp(o->region, region) == 0);
}

static long naive_rank(const struct world *w, const struct coverage_org *o)
{
    int t = coverage_type_parse(o->type);

    if (t == COV_MANUFACTURER && o->id != 1)
        return -1;
    for (size_t k = 0; t >= 0 && k < w->policy.norder; k++)
        if ((int)w->policy.order[k] == t)
            return (long)k * 4000 + (naive_related(w, o->id) ? 0 : 2000) +
                   (naive_preferred(w, o->id) ? 0 : 1000) + (long)o->id;
    return -1;
}

START_TEST(test_property_against_naive)
{
    struct arena ar;

    arena_init(&ar, 0);
    rng_state = 7;
    for (int i = 0; i < 2000; i++) {
        struct world w;
        struct coverage_result res;
        const struct coverage_org *sorted[MAXO];
        size_t n = 0, first = MAXO;

        random_world(&w);
        ck_assert_int_eq(
            coverage_resolve(&ar, &w.policy, &w.eq, w.orgs, w.norgs, w.rels, w.nrels, T0, &res),
            COVERAGE_OK);
        for (size_t k = 0; k < w.norgs; k++) {
            long r = naive_rank(&w, &w.orgs[k]);
            size_t j;

            if (r < 0)
                continue;
            for (j = n; j > 0 && naive_rank(&w, sorted[j - 1]) > r; j--)
                sorted[j] = sorted[j - 1];
            sorted[j] = &w.orgs[k];
            n++;
        }
        ck_assert_uint_eq(res.ncandidates, n);
        for (size_t k = 0; k < n; k++) {
            ck_assert_msg(res.candidates[k].org->id == sorted[k]->id,
                          "world %d: candidate %zu is %lld, naive %lld", i, k,
                          (long long)res.candidates[k].org->id, (long long)sorted[k]->id);
            if (first == MAXO && naive_eligible(&w, sorted[k]))
                first = k;
            ck_assert_int_eq(res.candidates[k].taken, k == first);
            /* an eligible candidate after the first is only lower in the order */
            ck_assert_int_eq(res.candidates[k].reason == COVR_LOWER_IN_ORDER,
                             k > first && naive_eligible(&w, sorted[k]));
        }
        ck_assert_int_eq(res.org_id, first < n ? sorted[first]->id : 0);
        if (res.org_id) {
            /* the chain climbs: each org is above the one before, all active, the
               manufacturer last when it is active */
            ck_assert_int_eq(res.chain[0], res.org_id);
            for (size_t k = 1; k < res.nchain; k++) {
                ck_assert(below(&w, res.chain[k], res.chain[k - 1]));
                ck_assert(org_of(&w, res.chain[k])->active);
                for (size_t j = 0; j < k; j++)
                    ck_assert(res.chain[j] != res.chain[k]);
            }
            if (org_of(&w, 1)->active)
                ck_assert_int_eq(res.chain[res.nchain - 1], 1);
        } else {
            ck_assert_uint_eq(res.nchain, 0);
        }
        arena_reset(&ar);
    }
    arena_release(&ar);
}
END_TEST

/* The answer holds between the windows' edges around `at`, and changes at the next one. */
START_TEST(test_valid_window)
{
    const struct coverage_equipment e123 = {.manufacturer_id = M1, .owner_org_id = H1};
    struct coverage_policy on = example_c_policy(1);
    struct coverage_rel rels[2];
    struct coverage_result res;
    struct arena ar;
    int64_t at = at_of("2025-06-01T08:00:00Z"), start = at_of("2025-06-02T00:00:00Z");

    arena_init(&ar, 0);
    memcpy(rels, example_c_rels, sizeof(rels));
    rels[0].active_from = at_of("2020-01-01T00:00:00Z");
    rels[1].active_from = start; /* DL1 joins D1 tomorrow */
    ck_assert_int_eq(
        coverage_resolve(&ar, &on, &e123, example_c_orgs, N(example_c_orgs), rels, 2, at, &res),
        COVERAGE_OK);
    ck_assert_int_eq(res.org_id, M1);
    ck_assert_int_eq(res.valid_from, rels[0].active_from);
    ck_assert_int_eq(res.valid_to, start);
    ck_assert_int_eq(
        coverage_resolve(&ar, &on, &e123, example_c_orgs, N(example_c_orgs), rels, 2, start, &res),
        COVERAGE_OK);
    ck_assert_int_eq(res.org_id, DL1);
    ck_assert_int_eq(res.valid_from, start);
    ck_assert_int_eq(res.valid_to, INT64_MAX);
    /* an end closes the window too */
    rels[1].active_from = rels[0].active_from;
    rels[1].has_to = 1;
    rels[1].active_to = start;
    ck_assert_int_eq(
        coverage_resolve(&ar, &on, &e123, example_c_orgs, N(example_c_orgs), rels, 2, at, &res),
        COVERAGE_OK);
    ck_assert_int_eq(res.org_id, DL1);
    ck_assert_int_eq(res.valid_to, start);
    arena_release(&ar);
}
END_TEST

/* What the walk reads is kept per (tenant, manufacturer), under the counter and the ttl. */
START_TEST(test_covcache)
{
    struct covcache_key k = {7, principal_epoch(7), 100.0, 1.0}, other = k, got_k;
    struct coverage_org orgs[2] = {{.id = M1, .type = "manufacturer", .active = 1},
                                   {.id = DL1,
                                    .type = "dealer",
                                    .certifications = dl1_certs,
                                    .ncertifications = 1,
                                    .active = 1}};
    struct coverage_rel rels[1] = {
        {.id = 102, .parent_id = M1, .child_id = DL1, .type = "dealer_of"}};
    struct covcache_tree t = {orgs, 2, rels, 1}, got;
    struct coverage_policy pol = example_c_policy(1), gotp;
    const char *prov;
    int64_t org;
    char type[16] = "dealer";

    covcache_flush();
    orgs[1].type = type;
    ck_assert_int_eq(covcache_tree_get(&k, M1, &got), 0);
    covcache_tree_put(&k, M1, &t);
    type[0] = 'X'; /* the cache keeps a copy */
    ck_assert_int_eq(covcache_tree_get(&k, M1, &got), 1);
    ck_assert_uint_eq(got.norgs, 2);
    ck_assert_uint_eq(got.nrels, 1);
    ck_assert_str_eq(got.orgs[1].type, "dealer");
    ck_assert_str_eq(got.orgs[1].certifications[0], "ACME-SVC");
    ck_assert_str_eq(got.rels[0].type, "dealer_of");
    ck_assert_int_eq(covcache_tree_get(&k, 2, &got), 0); /* another manufacturer */
    other.tenant_id = 8;
    ck_assert_int_eq(covcache_tree_get(&other, M1, &got), 0); /* another tenant */
    got_k = k;
    got_k.now = 101.0;
    ck_assert_int_eq(covcache_tree_get(&got_k, M1, &got), 0); /* the ttl passed */
    got_k.now = 99.0;
    ck_assert_int_eq(covcache_tree_get(&got_k, M1, &got), 0); /* the clock went back */
    got_k = k;
    got_k.ttl = 0;
    ck_assert_int_eq(covcache_tree_get(&got_k, M1, &got), 0); /* ttl 0: never */
    /* many manufacturers: the newest is always kept, whatever slots they meet on */
    for (int64_t m = 100; m < 200; m++) {
        covcache_tree_put(&k, m, &t);
        ck_assert_int_eq(covcache_tree_get(&k, m, &got), 1);
    }

    ck_assert_int_eq(covcache_policy_get(&k, &gotp), 0);
    covcache_policy_put(&k, &pol);
    ck_assert_int_eq(covcache_policy_get(&k, &gotp), 1);
    ck_assert_int_eq(gotp.enabled, 1);
    ck_assert_uint_eq(gotp.nrules, 1);
    ck_assert_str_eq(gotp.rules[0].required_certification, "ACME-SVC");

    /* a walk's answer: for its own owner and region, inside its window */
    covcache_walk_put(&k, M1, H1, "north", 1000, 2000, DL1, "{\"rule\":\"coverage\"}");
    ck_assert_int_eq(covcache_walk_get(&k, M1, H1, "north", 1500, &org, &prov), 1);
    ck_assert_int_eq(org, DL1);
    ck_assert_str_eq(prov, "{\"rule\":\"coverage\"}");
    ck_assert_int_eq(covcache_walk_get(&k, M1, H1, "north", 1000, &org, &prov), 1);
    ck_assert_int_eq(covcache_walk_get(&k, M1, H1, "north", 999, &org, &prov), 0);
    ck_assert_int_eq(covcache_walk_get(&k, M1, H1, "north", 2000, &org, &prov), 0);
    ck_assert_int_eq(covcache_walk_get(&k, M1, H1, "south", 1500, &org, &prov), 0);
    ck_assert_int_eq(covcache_walk_get(&k, M1, H1, NULL, 1500, &org, &prov), 0);
    ck_assert_int_eq(covcache_walk_get(&k, M1, 0, "north", 1500, &org, &prov), 0);
    ck_assert_int_eq(covcache_walk_get(&k, 2, H1, "north", 1500, &org, &prov), 0);
    covcache_walk_put(&k, M1, H1, NULL, INT64_MIN, INT64_MAX, 0, "{}");
    ck_assert_int_eq(covcache_walk_get(&k, M1, H1, NULL, 1500, &org, &prov), 1);
    ck_assert_int_eq(org, 0);

    /* the SLA policy for an org: its texts copied, "none applies" kept too */
    {
        char targets[] = "{\"low\":1}";
        int64_t id;
        const char *tg, *cal;

        ck_assert_int_eq(covcache_sla_get(&k, DL1, &id, &tg, &cal), 0);
        covcache_sla_put(&k, DL1, 5, targets, "\"24x7\"");
        targets[2] = 'X';
        ck_assert_int_eq(covcache_sla_get(&k, DL1, &id, &tg, &cal), 1);
        ck_assert_int_eq(id, 5);
        ck_assert_str_eq(tg, "{\"low\":1}");
        ck_assert_str_eq(cal, "\"24x7\"");
        ck_assert_int_eq(covcache_sla_get(&k, 0, &id, &tg, &cal), 0); /* another org */
        ck_assert_int_eq(covcache_sla_get(&other, DL1, &id, &tg, &cal), 0);
        covcache_sla_put(&k, 0, 0, NULL, NULL);
        ck_assert_int_eq(covcache_sla_get(&k, 0, &id, &tg, &cal), 1);
        ck_assert_int_eq(id, 0);
        ck_assert_ptr_null(tg);
    }

    /* a write through the API raises the counter: nothing read before it is used */
    principal_changed(7);
    covcache_begin(&got_k, 7, 1.0);
    ck_assert_uint_eq(got_k.epoch, k.epoch + 1);
    got_k.now = k.now;
    ck_assert_int_eq(covcache_tree_get(&got_k, M1, &got), 0);
    ck_assert_int_eq(covcache_policy_get(&got_k, &gotp), 0);
    ck_assert_int_eq(covcache_walk_get(&got_k, M1, H1, "north", 1500, &org, &prov), 0);
    ck_assert_int_eq(covcache_sla_get(&got_k, DL1, &org, &prov, &prov), 0);
    covcache_flush();
    ck_assert_int_eq(covcache_tree_get(&k, M1, &got), 0);
}
END_TEST

Suite *coverage_suite(void)
{
    Suite *s = suite_create("coverage");
    TCase *tc = tcase_create("coverage");

    tcase_add_test(tc, test_example_c);
    tcase_add_test(tc, test_valid_window);
    tcase_add_test(tc, test_covcache);
    tcase_add_test(tc, test_cases);
    tcase_add_test(tc, test_doc_matches_cases);
    tcase_add_test(tc, test_details);
    tcase_add_test(tc, test_region_details);
    tcase_add_test(tc, test_einput);
    tcase_add_test(tc, test_policy_parse);
    tcase_add_test(tc, test_policy_default);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_property_shuffled);
    tcase_add_test(tc, test_property_against_naive);
    suite_add_tcase(s, tc);
    return s;
}
