/*
 * The price resolver: Example B, the worked cases of tests/data/pricing_cases.json (and
 * docs/pricing.md's table of them), bad input, and properties over random books and rules
 * checked against a naive reading of DESIGN §7.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/currency.h"
#include "core/money.h"
#include "core/rfc3339.h"
#include "core/sb.h"
#include "identity/principal.h"
#include "pricing/price_cache.h"
#include "pricing/resolve.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct money_dec qty(const char *s)
{
    struct money_dec d;

    ck_assert_int_eq(money_parse_decimal(s, RESOLVE_QTY_DECIMALS, &d), 0);
    return d;
}

static int64_t at_of(const char *s)
{
    int64_t ms;

    ck_assert_msg(rfc3339_parse(s, &ms) == 0, "bad test time '%s'", s);
    return ms;
}

/* The context of Example B: DL1 (org 4) at DealerChannel (channel 10), one S-A1 (SKU 101). */
static struct resolve_ctx ctx_b(int64_t sku, int64_t product, const char *category)
{
    struct resolve_ctx c;

    memset(&c, 0, sizeof(c));
    c.sku_id = sku;
    c.product_id = product;
    c.category = category;
    c.org_id = 4;
    c.channel_id = 10;
    c.qty = qty("1");
    c.currency = "EUR";
    c.at = at_of("2025-06-01T00:00:00Z");
    c.rounding = MONEY_HALF_AWAY_FROM_ZERO;
    return c;
}

/* A one-line summary of a step: "book/rule taken reason". */
static const char *step_text(struct arena *ar, const struct resolve_step *s)
{
    return arena_printf(ar, "%lld/%lld %s %s", (long long)s->book->id,
                        s->rule ? (long long)s->rule->id : 0LL, s->taken ? "taken" : "passed",
                        s->reason);
}

/* ---- Example B, verbatim --------------------------------------------------------------- */

static const struct resolve_book example_b_books[] = {
    {.id = 1,
     .scope = PSCOPE_ORG_CHANNEL,
     .org_id = 4,
     .channel_id = 10,
     .currency = "EUR",
     .version = 1,
     .status = PBOOK_ACTIVE},
    {.id = 2,
     .scope = PSCOPE_CHANNEL,
     .channel_id = 10,
     .currency = "EUR",
     .version = 1,
     .status = PBOOK_ACTIVE},
    {.id = 3,
     .scope = PSCOPE_ORG,
     .org_id = 4,
     .currency = "EUR",
     .version = 1,
     .status = PBOOK_ACTIVE},
    {.id = 4, .scope = PSCOPE_GLOBAL, .currency = "EUR", .version = 1, .status = PBOOK_ACTIVE},
};

static const struct resolve_rule example_b_rules[] = {
    {.id = 11,
     .book_id = 1,
     .selector = PSEL_SKU,
     .selector_value = "101",
     .type = PRULE_FIXED,
     .value = "950"},
    {.id = 21,
     .book_id = 2,
     .selector = PSEL_SKU,
     .selector_value = "102",
     .type = PRULE_FIXED,
     .value = "1000"},
    {.id = 22,
     .book_id = 2,
     .selector = PSEL_SKU,
     .selector_value = "102",
     .type = PRULE_DISCOUNT,
     .value = "5"},
    {.id = 23,
     .book_id = 2,
     .selector = PSEL_SKU,
     .selector_value = "101",
     .type = PRULE_FIXED,
     .value = "1000"},
    {.id = 31, .book_id = 3, .selector = PSEL_ALL, .type = PRULE_DISCOUNT, .value = "2"},
    {.id = 41,
     .book_id = 4,
     .selector = PSEL_PRODUCT,
     .selector_value = "201",
     .type = PRULE_FIXED,
     .value = "1200"},
    {.id = 42,
     .book_id = 4,
     .selector = PSEL_PRODUCT,
     .selector_value = "202",
     .type = PRULE_FIXED,
     .value = "1100"},
};

static void assert_steps(struct arena *ar, const struct resolve_result *res,
                         const char *const *want, size_t n)
{
    for (size_t i = 0; i < n && i < res->nsteps; i++)
        ck_assert_str_eq(step_text(ar, &res->steps[i]), want[i]);
    ck_assert_uint_eq(res->nsteps, n);
}

START_TEST(test_example_b)
{
    static const char *const trace_a1[] = {
        "1/0 taken wins: the first candidate with a rule for this SKU",
        "1/11 taken most specific fixed price",
        "2/0 passed lower precedence than book 1",
        "2/23 passed lower precedence than book 1",
        "3/0 passed lower precedence than book 1",
        "3/31 passed lower precedence than book 1",
        "4/0 passed lower precedence than book 1",
        "4/41 passed lower precedence than book 1",
    };
    static const char *const trace_b1[] = {
        "1/0 passed no rule for this SKU",
        "2/0 taken wins: the first candidate with a rule for this SKU",
        "2/21 taken most specific fixed price",
        "2/22 taken most specific adjustment",
        "3/0 passed lower precedence than book 2",
        "3/31 passed lower precedence than book 2",
        "4/0 passed lower precedence than book 2",
        "4/42 passed lower precedence than book 2",
    };
    struct arena ar;
    struct resolve_ctx a1 = ctx_b(101, 201, "analyzers"), b1 = ctx_b(102, 202, "monitors");
    struct resolve_result res;

    arena_init(&ar, 0);
    /* DL1@DealerChannel has an org_channel fixed 950 for S-A1 -> 950.00 */
    ck_assert_int_eq(resolve_one(&ar, example_b_books, N(example_b_books), example_b_rules,
                                 N(example_b_rules), &a1, &res),
                     RESOLVE_OK);
    ck_assert_str_eq(res.amount_text, "950.00");
    ck_assert_int_eq(res.book_id, 1);
    ck_assert_int_eq(res.rule_id, 11);
    assert_steps(&ar, &res, trace_a1, N(trace_a1));
    /* S-B1: no org_channel rule; the channel book has fixed 1000 and a 5 % discount -> 950.00 */
    ck_assert_int_eq(resolve_one(&ar, example_b_books, N(example_b_books), example_b_rules,
                                 N(example_b_rules), &b1, &res),
                     RESOLVE_OK);
    ck_assert_str_eq(res.amount_text, "950.00");
    ck_assert_int_eq(res.book_id, 2);
    ck_assert_int_eq(res.rule_id, 22);
    ck_assert_int_eq(res.base_book_id, 2);
    ck_assert_int_eq(res.base_rule_id, 21);
    assert_steps(&ar, &res, trace_b1, N(trace_b1));
    arena_release(&ar);
}
END_TEST

/* ---- the worked cases: tests/data/pricing_cases.json ----------------------------------- */

struct wcase {
    const char *name;
    struct resolve_book *books;
    size_t nbooks;
    struct resolve_rule *rules;
    size_t nrules;
    struct resolve_ctx ctx;
    struct json_object *expect;
};

/* An RFC 3339 field: 1 and *ms when present, 0 when null or absent. */
static int jtime(struct json_object *o, const char *key, int64_t *ms)
{
    const char *s = json_object_get_string(unit_field(o, key));

    if (!unit_field(o, key))
        return 0;
    *ms = at_of(s);
    return 1;
}

static int jenum(struct json_object *o, const char *key, int (*parse)(const char *))
{
    int v = parse(json_object_get_string(unit_field(o, key)));

    ck_assert_msg(v >= 0, "unknown %s '%s'", key, json_object_get_string(unit_field(o, key)));
    return v;
}

static void load_case(struct arena *ar, struct json_object *c, struct wcase *w)
{
    struct json_object *books = unit_field(c, "books"), *rules = unit_field(c, "rules");
    struct json_object *x = unit_field(c, "context");
    int rounding;

    memset(w, 0, sizeof(*w));
    w->name = unit_jstr(ar, c, "name");
    w->nbooks = json_object_array_length(books);
    w->nrules = json_object_array_length(rules);
    w->books = arena_zalloc(ar, (w->nbooks + 1) * sizeof(*w->books));
    w->rules = arena_zalloc(ar, (w->nrules + 1) * sizeof(*w->rules));
    for (size_t i = 0; i < w->nbooks; i++) {
        struct json_object *b = json_object_array_get_idx(books, i);
        struct resolve_book *o = &w->books[i];

        o->id = unit_jint(b, "id");
        o->scope = (enum price_scope)jenum(b, "scope_type", resolve_scope_parse);
        o->org_id = unit_jint(b, "org_id");
        o->channel_id = unit_jint(b, "channel_id");
        o->currency = unit_jstr(ar, b, "currency");
        o->version = unit_jint(b, "version");
        o->status = (enum price_book_status)jenum(b, "status", resolve_status_parse);
        o->has_from = jtime(b, "effective_from", &o->effective_from);
        o->has_to = jtime(b, "effective_to", &o->effective_to);
        o->priority = unit_jint(b, "priority");
    }
    for (size_t i = 0; i < w->nrules; i++) {
        struct json_object *r = json_object_array_get_idx(rules, i);
        struct resolve_rule *o = &w->rules[i];

        o->id = unit_jint(r, "id");
        o->book_id = unit_jint(r, "book_id");
        o->selector = (enum price_selector)jenum(r, "selector", resolve_selector_parse);
        o->selector_value = unit_jstr(ar, r, "selector_value");
        o->type = (enum price_rule_type)jenum(r, "rule_type", resolve_rule_type_parse);
        o->value = unit_jstr(ar, r, "value");
        o->min_qty = unit_jstr(ar, r, "min_qty");
    }
    w->ctx.sku_id = unit_jint(x, "sku_id");
    w->ctx.product_id = unit_jint(x, "product_id");
    w->ctx.category = unit_jstr(ar, x, "category");
    w->ctx.org_id = unit_jint(x, "org_id");
    w->ctx.channel_id = unit_jint(x, "channel_id");
    w->ctx.qty = qty(json_object_get_string(unit_field(x, "qty")));
    w->ctx.currency = unit_jstr(ar, x, "currency");
    w->ctx.at = at_of(json_object_get_string(unit_field(x, "at")));
    rounding = money_rounding_parse(unit_jstr(ar, x, "rounding"), &w->ctx.rounding);
    ck_assert_int_eq(rounding, 0);
    w->expect = unit_field(c, "expect");
}

static struct json_object *load_cases(void)
{
    return unit_load_json("tests/data/pricing_cases.json");
}

/* 0 when res is what the case expects; else appends why to report. */
static int check_case(const struct wcase *w, int rc, const struct resolve_result *res,
                      struct sb *report)
{
    struct json_object *e = w->expect;
    const char *amount = json_object_get_string(unit_field(e, "amount"));

    if (json_object_get_boolean(unit_field(e, "no_price"))) {
        if (rc == RESOLVE_ENOPRICE)
            return 0;
        sb_printf(report, "\n  %s: rc %d (%s), want no price", w->name, rc,
                  res->amount_text ? res->amount_text
                  : res->error     ? res->error
                                   : "");
        return 1;
    }
    if (rc != RESOLVE_OK || strcmp(res->amount_text, amount) != 0 ||
        res->book_id != unit_jint(e, "price_book_id") || res->rule_id != unit_jint(e, "rule_id") ||
        res->base_book_id != unit_jint(e, "base_price_book_id") ||
        res->base_rule_id != unit_jint(e, "base_rule_id")) {
        sb_printf(report,
                  "\n  %s: rc %d amount %s book %lld rule %lld base %lld/%lld; want %s %lld %lld "
                  "%lld/%lld",
                  w->name, rc, res->amount_text ? res->amount_text : "-", (long long)res->book_id,
                  (long long)res->rule_id, (long long)res->base_book_id,
                  (long long)res->base_rule_id, amount, (long long)unit_jint(e, "price_book_id"),
                  (long long)unit_jint(e, "rule_id"), (long long)unit_jint(e, "base_price_book_id"),
                  (long long)unit_jint(e, "base_rule_id"));
        return 1;
    }
    return 0;
}

/* Two results alike in everything, provenance included (compared by ids and text). */
static int same_result(struct arena *ar, int rc1, const struct resolve_result *a, int rc2,
                       const struct resolve_result *b)
{
    if (rc1 != rc2 || a->book_id != b->book_id || a->rule_id != b->rule_id ||
        a->base_book_id != b->base_book_id || a->base_rule_id != b->base_rule_id ||
        a->nsteps != b->nsteps || money_dec_cmp(a->amount, b->amount) != 0)
        return 0;
    if ((a->amount_text == NULL) != (b->amount_text == NULL) ||
        (a->amount_text && strcmp(a->amount_text, b->amount_text) != 0))
        return 0;
    for (size_t i = 0; i < a->nsteps; i++)
        if (strcmp(step_text(ar, &a->steps[i]), step_text(ar, &b->steps[i])) != 0)
            return 0;
    return 1;
}

START_TEST(test_worked_cases)
{
    struct json_object *doc = load_cases(), *cases = unit_field(doc, "cases");
    size_t n = json_object_array_length(cases), failed = 0;
    struct arena ar;
    struct sb report;

    arena_init(&ar, 0);
    sb_init(&report, NULL);
    ck_assert_uint_gt(n, 30);
    for (size_t i = 0; i < n; i++) {
        struct wcase w;
        struct resolve_result res, back;
        struct resolve_book *rb;
        struct resolve_rule *rr;
        int rc, rc2;

        load_case(&ar, json_object_array_get_idx(cases, i), &w);
        rc = resolve_one(&ar, w.books, w.nbooks, w.rules, w.nrules, &w.ctx, &res);
        failed += (size_t)check_case(&w, rc, &res, &report);
        /* the same case with its books and rules given backwards */
        rb = arena_alloc(&ar, (w.nbooks + 1) * sizeof(*rb));
        rr = arena_alloc(&ar, (w.nrules + 1) * sizeof(*rr));
        for (size_t j = 0; j < w.nbooks; j++)
            rb[j] = w.books[w.nbooks - 1 - j];
        for (size_t j = 0; j < w.nrules; j++)
            rr[j] = w.rules[w.nrules - 1 - j];
        rc2 = resolve_one(&ar, rb, w.nbooks, rr, w.nrules, &w.ctx, &back);
        if (!same_result(&ar, rc, &res, rc2, &back)) {
            sb_printf(&report, "\n  %s: another answer with the input reversed", w.name);
            failed++;
        }
    }
    printf("pricing cases: %zu/%zu passed\n", n - failed, n);
    ck_assert_msg(failed == 0, "%zu of %zu pricing cases failed:%s", failed, n, report.buf);
    sb_release(&report);
    arena_release(&ar);
    json_object_put(doc);
}
END_TEST

/* The row docs/pricing.md shows for case i (1-based): | # | case | amount | book | rule | base | */
static const char *doc_row(struct arena *ar, size_t i, struct json_object *c)
{
    struct json_object *e = unit_field(c, "expect"), *x = unit_field(c, "context");
    const char *name = json_object_get_string(unit_field(c, "name"));

    ck_assert_msg(strchr(name, '|') == NULL, "case name with a '|': %s", name);
    if (json_object_get_boolean(unit_field(e, "no_price")))
        return arena_printf(ar, "| %zu | %s | no price | - | - | - |", i, name);
    return arena_printf(
        ar, "| %zu | %s | %s %s | %lld | %lld | %lld / %lld |", i, name,
        json_object_get_string(unit_field(e, "amount")),
        json_object_get_string(unit_field(x, "currency")), (long long)unit_jint(e, "price_book_id"),
        (long long)unit_jint(e, "rule_id"), (long long)unit_jint(e, "base_price_book_id"),
        (long long)unit_jint(e, "base_rule_id"));
}

/* docs/pricing.md's table of worked cases (between its markers) is the data file, row by row. */
START_TEST(test_doc_matches_cases)
{
    struct json_object *doc = load_cases();

    unit_doc_matches("docs/pricing.md", "worked cases", "tests/data/pricing_cases.json",
                     unit_field(doc, "cases"), doc_row);
    json_object_put(doc);
}
END_TEST

/* ---- provenance ------------------------------------------------------------------------ */

/* Reasons for a book outside the context, tiers not reached, rules that lost, a missing base. */
START_TEST(test_provenance_reasons)
{
    static const struct resolve_book books[] = {
        {.id = 5,
         .scope = PSCOPE_ORG_CHANNEL,
         .org_id = 4,
         .channel_id = 10,
         .currency = "EUR",
         .status = PBOOK_ACTIVE,
         .has_to = 1,
         .effective_to = 1000},
        {.id = 6,
         .scope = PSCOPE_ORG_CHANNEL,
         .org_id = 4,
         .channel_id = 10,
         .currency = "EUR",
         .status = PBOOK_ACTIVE,
         .priority = -1},
        {.id = 7,
         .scope = PSCOPE_CHANNEL,
         .channel_id = 11,
         .currency = "EUR",
         .status = PBOOK_ACTIVE},
        {.id = 8,
         .scope = PSCOPE_CHANNEL,
         .channel_id = 10,
         .currency = "EUR",
         .status = PBOOK_ACTIVE},
        {.id = 9, .scope = PSCOPE_ORG, .org_id = 3, .currency = "EUR", .status = PBOOK_ACTIVE},
        {.id = 10, .scope = PSCOPE_GLOBAL, .currency = "USD", .status = PBOOK_ACTIVE},
        {.id = 11, .scope = PSCOPE_GLOBAL, .currency = "EUR", .status = PBOOK_DRAFT},
        {.id = 12, .scope = PSCOPE_GLOBAL, .currency = "EUR", .status = PBOOK_ACTIVE},
        {.id = 13,
         .scope = PSCOPE_ORG_CHANNEL,
         .org_id = 5,
         .channel_id = 10,
         .currency = "EUR",
         .status = PBOOK_ACTIVE},
    };
    static const struct resolve_rule rules[] = {
        {.id = 50,
         .book_id = 5,
         .selector = PSEL_SKU,
         .selector_value = "101",
         .type = PRULE_FIXED,
         .value = "1"},
        {.id = 60,
         .book_id = 6,
         .selector = PSEL_SKU,
         .selector_value = "101",
         .type = PRULE_FIXED,
         .value = "700",
         .min_qty = "10"},
        {.id = 61,
         .book_id = 6,
         .selector = PSEL_SKU,
         .selector_value = "102",
         .type = PRULE_FIXED,
         .value = "7"},
        {.id = 80, .book_id = 8, .selector = PSEL_ALL, .type = PRULE_MARKUP, .value = "10"},
        {.id = 81,
         .book_id = 8,
         .selector = PSEL_CATEGORY,
         .selector_value = "analyzers",
         .type = PRULE_DISCOUNT,
         .value = "20",
         .min_qty = "2"},
        {.id = 82,
         .book_id = 8,
         .selector = PSEL_CATEGORY,
         .selector_value = "analyzers",
         .type = PRULE_DISCOUNT,
         .value = "10"},
        {.id = 83,
         .book_id = 8,
         .selector = PSEL_CATEGORY,
         .selector_value = "analyzers",
         .type = PRULE_MARGIN,
         .value = "10",
         .min_qty = "2"},
        {.id = 84,
         .book_id = 8,
         .selector = PSEL_CATEGORY,
         .selector_value = "analyzers",
         .type = PRULE_DISCOUNT,
         .value = "30",
         .min_qty = "100"},
        {.id = 120,
         .book_id = 12,
         .selector = PSEL_PRODUCT,
         .selector_value = "201",
         .type = PRULE_FIXED,
         .value = "100.00"},
        {.id = 121, .book_id = 12, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "999"},
    };
    static const char *const want[] = {
        "5/0 passed outside its window",
        "13/0 passed scope org 5 at channel 10 does not match",
        "6/0 passed no rule for this SKU at qty 5",
        "6/60 passed tier min_qty 10 > qty 5",
        "7/0 passed scope channel 11 does not match",
        "8/0 taken wins: the first candidate with a rule for this SKU; base taken from book 12",
        "8/84 passed tier min_qty 100 > qty 5",
        "8/81 taken most specific adjustment",
        "8/83 passed same tier as rule 81, which has the lower id",
        "8/82 passed smaller tier than rule 81",
        "8/80 passed less specific than rule 81",
        "9/0 passed scope org 3 does not match",
        "10/0 passed currency USD, not EUR",
        "11/0 passed status draft, not active",
        "12/0 taken gives the base of book 8",
        "12/120 taken most specific fixed price",
        "12/121 passed less specific than rule 120",
    };
    struct resolve_ctx c = ctx_b(101, 201, "analyzers");
    struct resolve_result res;
    struct arena ar;

    arena_init(&ar, 0);
    c.qty = qty("5");
    ck_assert_int_eq(resolve_one(&ar, books, N(books), rules, N(rules), &c, &res), RESOLVE_OK);
    /* 100 less 20 % */
    ck_assert_str_eq(res.amount_text, "80.00");
    ck_assert_int_eq(res.book_id, 8);
    ck_assert_int_eq(res.rule_id, 81);
    ck_assert_int_eq(res.base_book_id, 12);
    ck_assert_int_eq(res.base_rule_id, 120);
    assert_steps(&ar, &res, want, N(want));
    arena_release(&ar);
}
END_TEST

START_TEST(test_provenance_tail)
{
    static const struct resolve_book books[] = {
        {.id = 8,
         .scope = PSCOPE_CHANNEL,
         .channel_id = 10,
         .currency = "EUR",
         .status = PBOOK_ACTIVE},
        {.id = 10, .scope = PSCOPE_GLOBAL, .currency = "USD", .status = PBOOK_ACTIVE},
        {.id = 11, .scope = PSCOPE_GLOBAL, .currency = "EUR", .status = PBOOK_DRAFT},
        {.id = 12,
         .scope = PSCOPE_GLOBAL,
         .currency = "EUR",
         .status = PBOOK_ACTIVE,
         .priority = 1},
        {.id = 14, .scope = PSCOPE_GLOBAL, .currency = "EUR", .status = PBOOK_ACTIVE},
    };
    static const struct resolve_rule rules[] = {
        {.id = 80, .book_id = 8, .selector = PSEL_ALL, .type = PRULE_MARKUP, .value = "10"},
        {.id = 120,
         .book_id = 12,
         .selector = PSEL_PRODUCT,
         .selector_value = "201",
         .type = PRULE_FIXED,
         .value = "100.00"},
        {.id = 121,
         .book_id = 12,
         .selector = PSEL_CATEGORY,
         .selector_value = "analyzers",
         .type = PRULE_FIXED,
         .value = "999"},
        {.id = 140,
         .book_id = 14,
         .selector = PSEL_SKU,
         .selector_value = "101",
         .type = PRULE_FIXED,
         .value = "5",
         .min_qty = "50"},
        {.id = 141,
         .book_id = 14,
         .selector = PSEL_SKU,
         .selector_value = "101",
         .type = PRULE_FIXED,
         .value = "6"},
    };
    static const char *const want[] = {
        "8/0 taken wins: the first candidate with a rule for this SKU; base taken from book 12",
        "8/80 taken most specific adjustment",
        "12/0 taken gives the base of book 8",
        "12/120 taken most specific fixed price",
        "12/121 passed less specific than rule 120",
        "10/0 passed currency USD, not EUR",
        "11/0 passed status draft, not active",
        "14/0 passed lower precedence than book 12",
        "14/140 passed tier min_qty 50 > qty 5",
        "14/141 passed lower precedence than book 12",
    };
    static const char *const want_none[] = {
        "8/0 passed has a rule for this SKU but no fixed price, nor has a lower candidate",
        "8/80 passed no base to apply it to",
        "12/0 passed no rule for this SKU",
        "10/0 passed currency USD, not EUR",
        "11/0 passed status draft, not active",
        "14/0 passed no rule for this SKU",
    };
    struct resolve_ctx c = ctx_b(101, 201, "analyzers");
    struct resolve_result res;
    struct arena ar;

    arena_init(&ar, 0);
    c.qty = qty("5");
    ck_assert_int_eq(resolve_one(&ar, books, N(books), rules, N(rules), &c, &res), RESOLVE_OK);
    ck_assert_str_eq(res.amount_text, "110.00");
    assert_steps(&ar, &res, want, N(want));
    /* SKU 103 of product 203, no category: the markup matches, nothing gives it a base */
    c.sku_id = 103;
    c.product_id = 203;
    c.category = NULL;
    ck_assert_int_eq(resolve_one(&ar, books, N(books), rules, N(rules), &c, &res),
                     RESOLVE_ENOPRICE);
    ck_assert_ptr_null(res.amount_text);
    ck_assert_int_eq(res.book_id, 0);
    assert_steps(&ar, &res, want_none, N(want_none));
    /* without a trace: the same answer, no steps */
    c.sku_id = 101;
    c.product_id = 201;
    c.category = "analyzers";
    c.no_trace = 1;
    ck_assert_int_eq(resolve_one(&ar, books, N(books), rules, N(rules), &c, &res), RESOLVE_OK);
    ck_assert_str_eq(res.amount_text, "110.00");
    ck_assert_uint_eq(res.nsteps, 0);
    ck_assert_ptr_null(res.steps);
    arena_release(&ar);
}
END_TEST

/* ---- bad input ------------------------------------------------------------------------- */

START_TEST(test_prepare_errors)
{
    static const struct {
        struct resolve_book book;
        struct resolve_rule rule;
        const char *why;
    } bad[] = {
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2, .book_id = 9, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "1"},
         "price rule 2: price book 9 not given"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "1.5x"},
         "price rule 2: value must be a decimal number like \"950.00\""},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_MARGIN, .value = "100"},
         "price rule 2: value must be a percent from 0 to below 100"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_DISCOUNT, .value = "100.01"},
         "price rule 2: value must be a percent from 0 to 100"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "-1"},
         "price rule 2: value must not be negative"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2,
          .book_id = 1,
          .selector = PSEL_SKU,
          .selector_value = "S-A1",
          .type = PRULE_FIXED,
          .value = "1"},
         "price rule 2: selector_value is not an id"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2,
          .book_id = 1,
          .selector = PSEL_PRODUCT,
          .selector_value = "007",
          .type = PRULE_FIXED,
          .value = "1"},
         "price rule 2: selector_value is not an id"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2, .book_id = 1, .selector = PSEL_CATEGORY, .type = PRULE_FIXED, .value = "1"},
         "price rule 2: selector_value has no category"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2,
          .book_id = 1,
          .selector = PSEL_ALL,
          .type = PRULE_FIXED,
          .value = "1",
          .min_qty = "0"},
         "price rule 2: min_qty must be a positive quantity"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2,
          .book_id = 1,
          .selector = (enum price_selector)9,
          .type = PRULE_FIXED,
          .value = "1"},
         "price rule 2: unknown selector"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR"},
         {.id = 2,
          .book_id = 1,
          .selector = PSEL_ALL,
          .type = (enum price_rule_type)9,
          .value = "1"},
         "price rule 2: unknown rule_type"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EURO"},
         {.id = 2, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "1"},
         "price book 1: unknown currency"},
        {{.id = 1, .scope = PSCOPE_ORG, .currency = "EUR"},
         {.id = 2, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "1"},
         "price book 1: org_id and channel_id do not fit scope org"},
        {{.id = 1, .scope = PSCOPE_GLOBAL, .channel_id = 3, .currency = "EUR"},
         {.id = 2, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "1"},
         "price book 1: org_id and channel_id do not fit scope global"},
        {{.id = 1,
          .scope = PSCOPE_GLOBAL,
          .currency = "EUR",
          .has_from = 1,
          .has_to = 1,
          .effective_from = 5,
          .effective_to = 5},
         {.id = 2, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "1"},
         "price book 1: effective_to is not after effective_from"},
        {{.id = 1, .scope = (enum price_scope)7, .currency = "EUR"},
         {.id = 2, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "1"},
         "price book 1: unknown scope_type"},
    };
    struct resolve_book twice[2] = {
        {.id = 3, .scope = PSCOPE_GLOBAL, .currency = "EUR", .status = PBOOK_ACTIVE},
        {.id = 3, .scope = PSCOPE_GLOBAL, .currency = "EUR", .status = PBOOK_ACTIVE}};
    struct resolve_rule rtwice[2] = {
        {.id = 4, .book_id = 3, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "1"},
        {.id = 4, .book_id = 3, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "2"}};
    struct resolve_ctx c = ctx_b(101, 201, NULL);
    struct resolve_set *set;
    struct resolve_result res;
    const char *err;
    struct arena ar;

    arena_init(&ar, 0);
    for (size_t i = 0; i < N(bad); i++) {
        err = NULL;
        ck_assert_int_eq(resolve_prepare(&ar, &bad[i].book, 1, &bad[i].rule, 1, &set, &err),
                         RESOLVE_EINPUT);
        ck_assert_ptr_null(set);
        ck_assert_str_eq(err, bad[i].why);
        ck_assert_int_eq(resolve_one(&ar, &bad[i].book, 1, &bad[i].rule, 1, &c, &res),
                         RESOLVE_EINPUT);
        ck_assert_str_eq(res.error, bad[i].why);
    }
    ck_assert_int_eq(resolve_prepare(&ar, twice, 2, NULL, 0, &set, &err), RESOLVE_EINPUT);
    ck_assert_str_eq(err, "price book 3: given twice");
    ck_assert_int_eq(resolve_prepare(&ar, twice, 1, rtwice, 2, &set, &err), RESOLVE_EINPUT);
    ck_assert_str_eq(err, "price rule 4: given twice");
    /* stored values may carry trailing zeros beyond the minor unit */
    rtwice[0].value = "950.0000";
    ck_assert_int_eq(resolve_one(&ar, twice, 1, rtwice, 1, &c, &res), RESOLVE_OK);
    ck_assert_str_eq(res.amount_text, "950.00");
    /* an unknown currency in the context */
    c.currency = "EURO";
    ck_assert_int_eq(resolve_one(&ar, twice, 1, rtwice, 1, &c, &res), RESOLVE_EINPUT);
    ck_assert_str_eq(res.error, "unknown currency");
    /* no books at all: no price */
    c.currency = "EUR";
    ck_assert_int_eq(resolve_one(&ar, NULL, 0, NULL, 0, &c, &res), RESOLVE_ENOPRICE);
    ck_assert_uint_eq(res.nsteps, 0);
    arena_release(&ar);
}
END_TEST

/* A price the exact arithmetic cannot carry is an error naming what, never a wrong number. */
START_TEST(test_money_errors)
{
    struct resolve_book books[24];
    struct resolve_rule rules[24];
    struct resolve_ctx c = ctx_b(101, 201, NULL);
    struct resolve_result res;
    struct arena ar;

    arena_init(&ar, 0);
    memset(books, 0, sizeof(books));
    memset(rules, 0, sizeof(rules));
    for (int i = 0; i < 24; i++) {
        books[i].id = i + 1;
        books[i].scope = PSCOPE_GLOBAL;
        books[i].currency = "EUR";
        books[i].status = PBOOK_ACTIVE;
        books[i].priority = 100 - i;
        rules[i].id = 100 + i;
        rules[i].book_id = i + 1;
        rules[i].selector = PSEL_ALL;
        rules[i].type = PRULE_MARGIN;
        rules[i].value = "12.3457";
    }
    rules[23].type = PRULE_FIXED;
    rules[23].value = "999999999999999999.999";
    ck_assert_int_eq(resolve_one(&ar, books, 24, rules, 24, &c, &res), RESOLVE_EMONEY);
    ck_assert_msg(strstr(res.error, "(margin 12.3457): is too large to compute exactly") != NULL,
                  "%s", res.error);
    /* only the last two books: 18 integer digits plus a margin is more than 18 */
    ck_assert_int_eq(resolve_one(&ar, books + 22, 2, rules + 22, 2, &c, &res), RESOLVE_EMONEY);
    ck_assert_str_eq(res.error, "the price is too large to compute exactly");
    arena_release(&ar);
}
END_TEST

START_TEST(test_check_value)
{
    struct arena ar;
    struct money_dec d;

    arena_init(&ar, 0);
    ck_assert_ptr_null(resolve_check_value(&ar, PRULE_FIXED, "950.00", "EUR"));
    ck_assert_str_eq(resolve_check_value(&ar, PRULE_FIXED, "950.001", "EUR"),
                     "has more than 2 decimals");
    ck_assert_str_eq(resolve_check_value(&ar, PRULE_FIXED, "950.5", "JPY"),
                     "must be a whole number (no decimals)");
    ck_assert_ptr_null(resolve_check_value(&ar, PRULE_FIXED, "1.500", "KWD"));
    ck_assert_str_eq(resolve_check_value(&ar, PRULE_FIXED, "-1", "EUR"), "must not be negative");
    ck_assert_str_eq(resolve_check_value(&ar, PRULE_FIXED, "1", "ABC"),
                     "is in an unknown currency");
    ck_assert_str_eq(resolve_check_value(&ar, PRULE_FIXED, "1e3", "EUR"),
                     "must be a decimal number like \"950.00\"");
    ck_assert_ptr_null(resolve_check_value(&ar, PRULE_DISCOUNT, "12.3456", "JPY"));
    ck_assert_str_eq(resolve_check_value(&ar, PRULE_DISCOUNT, "12.34567", "EUR"),
                     "has more than 4 decimals");
    ck_assert_ptr_null(resolve_check_value(&ar, PRULE_DISCOUNT, "100", "EUR"));
    ck_assert_str_eq(resolve_check_value(&ar, PRULE_DISCOUNT, "100.0001", "EUR"),
                     "must be a percent from 0 to 100");
    ck_assert_ptr_null(resolve_check_value(&ar, PRULE_MARKUP, "250", "EUR"));
    ck_assert_str_eq(resolve_check_value(&ar, PRULE_MARKUP, "-0.5", "EUR"), "must not be negative");
    ck_assert_ptr_null(resolve_check_value(&ar, PRULE_MARGIN, "99.9999", "EUR"));
    ck_assert_str_eq(resolve_check_value(&ar, PRULE_MARGIN, "100", "EUR"),
                     "must be a percent from 0 to below 100");
    ck_assert_str_eq(resolve_check_value(&ar, (enum price_rule_type)8, "1", "EUR"),
                     "has an unknown rule type");
    ck_assert_ptr_null(resolve_check_qty(&ar, "2.5", &d));
    ck_assert_str_eq(resolve_check_qty(&ar, "0", &d), "must be a positive quantity");
    ck_assert_str_eq(resolve_check_qty(&ar, "-1", &d), "must be a positive quantity");
    ck_assert_str_eq(resolve_check_qty(&ar, "1.0001", &d), "has more than 3 decimals");
    ck_assert_str_eq(resolve_check_qty(&ar, "", &d), "must be a decimal number like \"950.00\"");
    arena_release(&ar);
}
END_TEST

START_TEST(test_names)
{
    for (int i = 0; i <= PSCOPE_ORG_CHANNEL; i++)
        ck_assert_int_eq(resolve_scope_parse(resolve_scope_name((enum price_scope)i)), i);
    for (int i = 0; i <= PBOOK_RETIRED; i++)
        ck_assert_int_eq(resolve_status_parse(resolve_status_name((enum price_book_status)i)), i);
    for (int i = 0; i <= PSEL_ALL; i++)
        ck_assert_int_eq(resolve_selector_parse(resolve_selector_name((enum price_selector)i)), i);
    for (int i = 0; i <= PRULE_MARGIN; i++)
        ck_assert_int_eq(resolve_rule_type_parse(resolve_rule_type_name((enum price_rule_type)i)),
                         i);
    ck_assert_str_eq(resolve_scope_name(PSCOPE_ORG_CHANNEL), "org_channel");
    ck_assert_int_eq(resolve_scope_parse("Global"), -1);
    ck_assert_int_eq(resolve_rule_type_parse(NULL), -1);
    ck_assert_str_eq(resolve_selector_name((enum price_selector)42), "?");
}
END_TEST

/* ---- properties over random books and rules -------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t pick(uint64_t n)
{
    return rng() % n;
}

#define AT0 1748736000000LL /* 2025-06-01T00:00:00Z */
#define DAY 86400000LL

#define MAX_BOOKS 12

struct world {
    struct resolve_book books[MAX_BOOKS + 1]; /* room for one more */
    size_t nbooks;
    struct resolve_rule rules[40];
    size_t nrules;
};

static const char *const categories[] = {"analyzers", "monitors"};
static const char *const skus[] = {"101", "102"};
static const char *const products[] = {"201", "202"};
static const char *const amounts[] = {"100", "950", "1000", "10.05", "0.01", "1234.5", "7"};
static const char *const percents[] = {"0", "5", "12.5", "33.3333", "50", "0.5", "99.9999"};
static const char *const tiers[] = {"1", "5", "10", "2.5", "100"};
static const char *const qtys[] = {"1", "2.5", "5", "10", "99", "100"};

static void random_world(struct world *w)
{
    int64_t ids[40];

    memset(w, 0, sizeof(*w));
    w->nbooks = pick(MAX_BOOKS + 1);
    w->nrules = w->nbooks ? pick(N(w->rules) + 1) : 0;
    /* distinct ids, not in precedence order */
    for (size_t i = 0; i < N(ids); i++)
        ids[i] = (int64_t)i + 1;
    for (size_t i = N(ids) - 1; i > 0; i--) {
        size_t j = pick(i + 1);
        int64_t t = ids[i];

        ids[i] = ids[j];
        ids[j] = t;
    }
    for (size_t i = 0; i < w->nbooks; i++) {
        struct resolve_book *b = &w->books[i];

        b->id = ids[i];
        b->scope = (enum price_scope)pick(4);
        b->org_id = b->scope == PSCOPE_ORG || b->scope == PSCOPE_ORG_CHANNEL ? 1 + pick(2) : 0;
        b->channel_id =
            b->scope == PSCOPE_CHANNEL || b->scope == PSCOPE_ORG_CHANNEL ? 10 + pick(2) : 0;
        b->currency = pick(6) ? "EUR" : "USD";
        b->version = 1 + pick(2);
        b->status = pick(8) ? PBOOK_ACTIVE : (enum price_book_status)pick(3);
        b->priority = pick(3) ? 0 : pick(3);
        if ((b->has_from = !pick(3)))
            b->effective_from = AT0 + ((int64_t)pick(5) - 3) * DAY;
        if ((b->has_to = !pick(4)))
            b->effective_to = (b->has_from ? b->effective_from : AT0) + (1 + pick(4)) * DAY;
    }
    for (size_t i = 0; i < w->nrules; i++) {
        struct resolve_rule *r = &w->rules[i];

        r->id = 100 + ids[i];
        r->book_id = w->books[pick(w->nbooks)].id;
        r->selector = (enum price_selector)pick(4);
        r->selector_value = r->selector == PSEL_SKU        ? skus[pick(2)]
                            : r->selector == PSEL_PRODUCT  ? products[pick(2)]
                            : r->selector == PSEL_CATEGORY ? categories[pick(2)]
                                                           : NULL;
        r->type = pick(2) ? PRULE_FIXED : (enum price_rule_type)(1 + pick(3));
        r->value = r->type == PRULE_FIXED ? amounts[pick(N(amounts))] : percents[pick(N(percents))];
        r->min_qty = pick(3) ? NULL : tiers[pick(N(tiers))];
    }
}

static struct resolve_ctx random_ctx(void)
{
    struct resolve_ctx c;
    size_t k = pick(2);

    memset(&c, 0, sizeof(c));
    c.sku_id = 101 + (int64_t)k;
    c.product_id = pick(5) ? 201 + (int64_t)k : 0;
    c.category = pick(5) ? categories[pick(2)] : NULL;
    c.org_id = (int64_t)pick(3);
    c.channel_id = pick(3) ? 10 + (int64_t)pick(2) : 0;
    c.qty = qty(qtys[pick(N(qtys))]);
    c.currency = pick(8) ? "EUR" : "USD";
    c.at = AT0 + ((int64_t)pick(9) - 4) * DAY / 2;
    c.rounding = (enum money_rounding)pick(2);
    return c;
}

static void shuffle(struct world *w)
{
    for (size_t i = w->nbooks; i > 1; i--) {
        size_t j = pick(i);
        struct resolve_book t = w->books[i - 1];

        w->books[i - 1] = w->books[j];
        w->books[j] = t;
    }
    for (size_t i = w->nrules; i > 1; i--) {
        size_t j = pick(i);
        struct resolve_rule t = w->rules[i - 1];

        w->rules[i - 1] = w->rules[j];
        w->rules[j] = t;
    }
}

/* -- a naive reading of DESIGN §7, written apart from the resolver, to compare against -- */

static int naive_candidate(const struct resolve_book *b, const struct resolve_ctx *c)
{
    int org = b->scope == PSCOPE_ORG || b->scope == PSCOPE_ORG_CHANNEL;
    int channel = b->scope == PSCOPE_CHANNEL || b->scope == PSCOPE_ORG_CHANNEL;

    return b->status == PBOOK_ACTIVE && strcmp(b->currency, c->currency) == 0 &&
           (!b->has_from || b->effective_from <= c->at) &&
           (!b->has_to || c->at < b->effective_to) && (!org || b->org_id == c->org_id) &&
           (!channel || b->channel_id == c->channel_id);
}

/* 1 when a comes before b: scope, priority, later start, version, then the lower id. */
static int naive_before(const struct resolve_book *a, const struct resolve_book *b)
{
    int64_t fa = a->has_from ? a->effective_from : INT64_MIN;
    int64_t fb = b->has_from ? b->effective_from : INT64_MIN;

    if (a->scope != b->scope)
        return a->scope > b->scope;
    if (a->priority != b->priority)
        return a->priority > b->priority;
    if (fa != fb)
        return fa > fb;
    if (a->version != b->version)
        return a->version > b->version;
    return a->id < b->id;
}

static struct money_dec any_dec(const char *s)
{
    struct money_dec d = {0, 0};

    if (s)
        ck_assert_int_eq(money_parse_decimal(s, MONEY_MAX_SCALE, &d), 0);
    return d;
}

/* Selector rank of r for c: 0 sku .. 3 all, or -1 when r does not apply at c's qty. */
static int naive_match(const struct resolve_rule *r, const struct resolve_ctx *c)
{
    char id[32];

    if (money_dec_cmp(any_dec(r->min_qty), c->qty) > 0)
        return -1;
    switch (r->selector) {
    case PSEL_SKU:
        snprintf(id, sizeof(id), "%lld", (long long)c->sku_id);
        return strcmp(r->selector_value, id) == 0 ? 0 : -1;
    case PSEL_PRODUCT:
        snprintf(id, sizeof(id), "%lld", (long long)c->product_id);
        return c->product_id && strcmp(r->selector_value, id) == 0 ? 1 : -1;
    case PSEL_CATEGORY:
        return c->category && strcmp(r->selector_value, c->category) == 0 ? 2 : -1;
    default:
        return 3;
    }
}

/* The best rule of book for c, fixed or not: most specific, largest min_qty, lowest id. */
static const struct resolve_rule *naive_best(const struct world *w, int64_t book,
                                             const struct resolve_ctx *c, int fixed)
{
    const struct resolve_rule *best = NULL;

    for (size_t i = 0; i < w->nrules; i++) {
        const struct resolve_rule *r = &w->rules[i];
        int m = naive_match(r, c), bm;
        int cq;

        if (r->book_id != book || m < 0 || (r->type == PRULE_FIXED) != fixed)
            continue;
        if (!best) {
            best = r;
            continue;
        }
        bm = naive_match(best, c);
        cq = money_dec_cmp(any_dec(r->min_qty), any_dec(best->min_qty));
        if (m < bm || (m == bm && (cq > 0 || (cq == 0 && r->id < best->id))))
            best = r;
    }
    return best;
}

struct naive {
    int rc;
    char amount[MONEY_STRLEN];
    int64_t book, rule, base_book, base_rule;
};

/* Resolves over cand[k..] into f: 0, -1 when there is no price, -2 when it overflows. */
static int naive_from(const struct world *w, const struct resolve_book **cand, size_t n, size_t k,
                      const struct resolve_ctx *c, struct money_frac *f, struct naive *out, int top)
{
    int rc = 0;

    for (; k < n; k++) {
        const struct resolve_rule *fx = naive_best(w, cand[k]->id, c, 1);
        const struct resolve_rule *adj = naive_best(w, cand[k]->id, c, 0);

        if (!fx && !adj)
            continue;
        if (fx) {
            money_frac_set(f, any_dec(fx->value));
            out->base_book = cand[k]->id;
            out->base_rule = fx->id;
        } else if ((rc = naive_from(w, cand, n, k + 1, c, f, out, 0)) != 0) {
            return rc;
        }
        if (adj && adj->type == PRULE_DISCOUNT)
            rc = money_frac_discount(f, any_dec(adj->value));
        else if (adj && adj->type == PRULE_MARKUP)
            rc = money_frac_markup(f, any_dec(adj->value));
        else if (adj)
            rc = money_frac_margin(f, any_dec(adj->value));
        if (rc)
            return -2;
        if (top) {
            out->book = cand[k]->id;
            out->rule = adj ? adj->id : fx->id;
        }
        return 0;
    }
    return -1;
}

static struct naive naive_resolve(const struct world *w, const struct resolve_ctx *c)
{
    const struct resolve_book *cand[N(w->books)];
    struct naive out;
    struct money_frac f;
    struct money_dec d;
    size_t n = 0;
    int rc;

    memset(&out, 0, sizeof(out));
    for (size_t i = 0; i < w->nbooks; i++) {
        size_t j;

        if (!naive_candidate(&w->books[i], c))
            continue;
        for (j = n; j > 0 && naive_before(&w->books[i], cand[j - 1]); j--)
            cand[j] = cand[j - 1];
        cand[j] = &w->books[i];
        n++;
    }
    rc = naive_from(w, cand, n, 0, c, &f, &out, 1);
    if (rc == 0 && money_round(&f, currency_minor_units(c->currency), c->rounding, &d) != 0)
        rc = -2;
    if (rc != 0) {
        memset(&out, 0, sizeof(out));
        out.rc = rc == -1 ? RESOLVE_ENOPRICE : RESOLVE_EMONEY;
        return out;
    }
    ck_assert_int_eq(money_format(d, d.scale, out.amount), 0);
    out.rc = RESOLVE_OK;
    return out;
}

START_TEST(test_property_against_naive)
{
    struct arena ar;
    size_t priced = 0, total = 0;

    arena_init(&ar, 0);
    rng_state = 2025;
    for (int i = 0; i < 1200; i++) {
        struct world w;

        random_world(&w);
        for (int k = 0; k < 4; k++) {
            struct resolve_ctx c = random_ctx();
            struct resolve_result res;
            struct naive want = naive_resolve(&w, &c);
            int rc = resolve_one(&ar, w.books, w.nbooks, w.rules, w.nrules, &c, &res);

            total++;
            ck_assert_msg(rc == want.rc, "world %d ctx %d: rc %d, naive %d", i, k, rc, want.rc);
            if (rc != RESOLVE_OK)
                continue;
            priced++;
            ck_assert_msg(strcmp(res.amount_text, want.amount) == 0 && res.book_id == want.book &&
                              res.rule_id == want.rule && res.base_book_id == want.base_book &&
                              res.base_rule_id == want.base_rule,
                          "world %d ctx %d: %s %lld/%lld base %lld/%lld, naive %s %lld/%lld base "
                          "%lld/%lld",
                          i, k, res.amount_text, (long long)res.book_id, (long long)res.rule_id,
                          (long long)res.base_book_id, (long long)res.base_rule_id, want.amount,
                          (long long)want.book, (long long)want.rule, (long long)want.base_book,
                          (long long)want.base_rule);
        }
        arena_reset(&ar);
    }
    /* the generator must exercise both outcomes */
    ck_assert_uint_gt(priced, total / 5);
    ck_assert_uint_lt(priced, total);
    arena_release(&ar);
}
END_TEST

/* Same inputs, same answer; any order of books and rules, the same answer and provenance. */
START_TEST(test_property_order)
{
    struct arena ar;

    arena_init(&ar, 0);
    rng_state = 77;
    for (int i = 0; i < 1000; i++) {
        struct world w, w2;
        struct resolve_ctx c;
        struct resolve_result a, b, s;
        int rca, rcb, rcs;

        random_world(&w);
        c = random_ctx();
        rca = resolve_one(&ar, w.books, w.nbooks, w.rules, w.nrules, &c, &a);
        rcb = resolve_one(&ar, w.books, w.nbooks, w.rules, w.nrules, &c, &b);
        ck_assert_msg(same_result(&ar, rca, &a, rcb, &b), "world %d: not deterministic", i);
        w2 = w;
        shuffle(&w2);
        rcs = resolve_one(&ar, w2.books, w2.nbooks, w2.rules, w2.nrules, &c, &s);
        ck_assert_msg(same_result(&ar, rca, &a, rcs, &s), "world %d: the order changed it", i);
        /* every book is in the provenance once, in precedence order */
        if (rca != RESOLVE_EINPUT) {
            size_t books = 0;

            for (size_t k = 0; k < a.nsteps; k++)
                books += a.steps[k].rule == NULL;
            ck_assert_uint_eq(books, w.nbooks);
        }
        arena_reset(&ar);
    }
    arena_release(&ar);
}
END_TEST

/* A book above every candidate that has no rule for the SKU never changes the answer. */
START_TEST(test_property_empty_higher_book)
{
    struct arena ar;

    arena_init(&ar, 0);
    rng_state = 99;
    for (int i = 0; i < 1000; i++) {
        struct world w;
        struct resolve_ctx c;
        struct resolve_result a, b;
        struct resolve_book *top;
        int64_t top_id;
        int rca, rcb;

        random_world(&w);
        c = random_ctx();
        rca = resolve_one(&ar, w.books, w.nbooks, w.rules, w.nrules, &c, &a);
        top = &w.books[w.nbooks++];
        memset(top, 0, sizeof(*top));
        top->id = top_id = 1000 + (int64_t)pick(1000);
        top->org_id = c.org_id;
        top->channel_id = c.channel_id;
        top->scope = c.org_id && c.channel_id ? PSCOPE_ORG_CHANNEL
                     : c.channel_id           ? PSCOPE_CHANNEL
                     : c.org_id               ? PSCOPE_ORG
                                              : PSCOPE_GLOBAL;
        top->currency = c.currency;
        top->status = PBOOK_ACTIVE;
        top->priority = 100;
        /* rules for another SKU, or for this one at a tier never reached */
        for (int k = 0; k < 3 && w.nrules < N(w.rules); k++) {
            struct resolve_rule *r = &w.rules[w.nrules++];

            memset(r, 0, sizeof(*r));
            r->id = 5000 + k;
            r->book_id = top->id;
            r->selector = pick(2) ? PSEL_SKU : PSEL_ALL;
            r->selector_value =
                r->selector == PSEL_SKU ? (pick(2) ? "999" : skus[c.sku_id - 101]) : NULL;
            r->type = (enum price_rule_type)pick(4);
            r->value = "1";
            if (r->selector == PSEL_ALL || strcmp(r->selector_value, "999") != 0)
                r->min_qty = "1000";
        }
        shuffle(&w);
        rcb = resolve_one(&ar, w.books, w.nbooks, w.rules, w.nrules, &c, &b);
        ck_assert_msg(
            rca == rcb && a.book_id == b.book_id && a.rule_id == b.rule_id &&
                ((!a.amount_text && !b.amount_text) ||
                 (a.amount_text && b.amount_text && strcmp(a.amount_text, b.amount_text) == 0)),
            "world %d: an empty higher book changed the answer", i);
        for (size_t k = 0; k < b.nsteps; k++)
            if (b.steps[k].book->id == top_id)
                ck_assert_msg(!b.steps[k].taken, "world %d: the empty book was taken", i);
        arena_reset(&ar);
    }
    arena_release(&ar);
}
END_TEST

/* A batch over one prepared set answers as the single resolves do. */
START_TEST(test_batch)
{
    struct arena ar;

    arena_init(&ar, 0);
    rng_state = 5;
    for (int i = 0; i < 200; i++) {
        struct world w;
        struct resolve_set *set;
        struct resolve_ctx ctxs[16];
        struct resolve_result res[16], one;
        int rcs[16];
        const char *err = NULL;

        random_world(&w);
        ck_assert_int_eq(resolve_prepare(&ar, w.books, w.nbooks, w.rules, w.nrules, &set, &err), 0);
        for (size_t k = 0; k < N(ctxs); k++) {
            ctxs[k] = random_ctx();
            ctxs[k].no_trace = (int)(k % 2);
        }
        resolve_batch(&ar, set, ctxs, N(ctxs), res, rcs);
        for (size_t k = 0; k < N(ctxs); k++) {
            int rc = resolve_one(&ar, w.books, w.nbooks, w.rules, w.nrules, &ctxs[k], &one);

            ck_assert(same_result(&ar, rcs[k], &res[k], rc, &one));
        }
        arena_reset(&ar);
    }
    arena_release(&ar);
}
END_TEST

/* ---- the worker's copy of books' rules (price_cache.h) ---------------------------------- */

START_TEST(test_rules_cache)
{
    struct arena ar, other;
    struct resolve_rule in[] = {
        {.id = 7, .book_id = 1, .selector = PSEL_SKU, .selector_value = "102", .value = "5"},
        {.id = 3, .book_id = 1, .selector = PSEL_ALL, .value = "2"},
        {.id = 5, .book_id = 1, .selector = PSEL_SKU, .selector_value = "101", .value = "950"},
        {.id = 4,
         .book_id = 1,
         .selector = PSEL_SKU,
         .selector_value = "101",
         .value = "900",
         .min_qty = "10"},
        {.id = 9,
         .book_id = 1,
         .selector = PSEL_CATEGORY,
         .selector_value = "monitors",
         .value = "3"},
    };
    const struct resolve_rule *kept, *got;
    size_t n, first;
    int big;

    arena_init(&ar, 0);
    arena_init(&other, 0);
    price_cache_flush();
    ck_assert_uint_eq(price_cache_size(), 0);
    ck_assert(!price_cache_get(&ar, 1, 1, 1, 100.0, 5.0, &got, &n, &big));
    kept = price_cache_put(&ar, 1, 1, 1, 100.0, in, N(in), 0);
    ck_assert_ptr_ne(kept, in); /* a copy, sorted: sku before category before all */
    ck_assert_uint_eq(price_cache_size(), N(in));
    ck_assert_int_eq(kept[0].id, 4);
    ck_assert_int_eq(kept[1].id, 5);
    ck_assert_int_eq(kept[2].id, 7);
    ck_assert_int_eq(kept[3].id, 9);
    ck_assert_int_eq(kept[4].id, 3);
    ck_assert_str_eq(kept[0].min_qty, "10");

    /* found by key: both tiers of 101, none of 103, the one rule for all */
    ck_assert_uint_eq(price_cache_find(kept, N(in), PSEL_SKU, "101", &first), 2);
    ck_assert_uint_eq(first, 0);
    ck_assert_uint_eq(price_cache_find(kept, N(in), PSEL_SKU, "103", &first), 0);
    ck_assert_uint_eq(price_cache_find(kept, N(in), PSEL_CATEGORY, "monitors", &first), 1);
    ck_assert_int_eq(kept[first].id, 9);
    ck_assert_uint_eq(price_cache_find(kept, N(in), PSEL_ALL, NULL, &first), 1);
    ck_assert_int_eq(kept[first].id, 3);
    ck_assert_uint_eq(price_cache_find(kept, N(in), PSEL_PRODUCT, "1", &first), 0);

    /* the same version within ttl only; another version, an expired or a future copy: no */
    ck_assert(price_cache_get(&other, 1, 1, 1, 104.9, 5.0, &got, &n, &big));
    ck_assert_ptr_eq(got, kept);
    ck_assert_uint_eq(n, N(in));
    ck_assert_int_eq(big, 0);
    ck_assert(!price_cache_get(&other, 1, 1, 2, 101.0, 5.0, &got, &n, &big));
    ck_assert(!price_cache_get(&other, 1, 1, 1, 105.0, 5.0, &got, &n, &big));
    ck_assert(!price_cache_get(&other, 1, 1, 1, 99.0, 5.0, &got, &n, &big));
    ck_assert(!price_cache_get(&other, 2, 1, 1, 101.0, 5.0, &got, &n, &big));

    /* while a request reads it, a newer version is not stored over it, nor flushed */
    ck_assert_ptr_eq(price_cache_put(&other, 1, 1, 2, 101.0, in, 2, 0), in);
    price_cache_flush();
    ck_assert_uint_eq(price_cache_size(), N(in));
    arena_reset(&ar);
    arena_reset(&other);
    got = price_cache_put(&other, 1, 1, 2, 101.0, in, 2, 0);
    ck_assert_ptr_ne(got, in);
    ck_assert_uint_eq(price_cache_size(), 2);
    arena_reset(&other);

    /* a book too large to keep: only the mark */
    ck_assert_ptr_null(price_cache_put(&ar, 1, 8, 3, 100.0, NULL, 0, 1));
    ck_assert(price_cache_get(&ar, 1, 8, 3, 100.5, 5.0, &got, &n, &big));
    ck_assert_int_eq(big, 1);
    ck_assert_uint_eq(n, 0);
    arena_reset(&ar);
    price_cache_flush();
    ck_assert_uint_eq(price_cache_size(), 0);
    arena_release(&ar);
    arena_release(&other);
}
END_TEST

START_TEST(test_memo)
{
    struct price_memo m, off, other;
    size_t len = 0;
    const char *v;

    price_cache_flush();
    price_memo_begin(&m, 41, 5.0);
    ck_assert_ptr_null(price_memo_get(&m, "tenant", &len));
    price_memo_put(&m, "tenant", "EUR half_even", 13);
    v = price_memo_get(&m, "tenant", &len);
    ck_assert_ptr_nonnull(v);
    ck_assert_uint_eq(len, 13);
    ck_assert_str_eq(v, "EUR half_even");
    ck_assert_ptr_null(price_memo_get(&m, "tenants", &len));

    /* another tenant's memo does not see it */
    price_memo_begin(&other, 42, 5.0);
    ck_assert_ptr_null(price_memo_get(&other, "tenant", &len));

    /* a committed write of the tenant: what was kept before is not used again */
    principal_changed(41);
    price_memo_begin(&m, 41, 5.0);
    ck_assert_ptr_null(price_memo_get(&m, "tenant", &len));

    /* nor after ttl seconds */
    price_memo_put(&m, "channel 7", "1", 1);
    ck_assert_ptr_nonnull(price_memo_get(&m, "channel 7", &len));
    m.now += 5.0;
    ck_assert_ptr_null(price_memo_get(&m, "channel 7", &len));

    /* ttl 0 keeps nothing; NULL memo neither */
    price_memo_begin(&off, 43, 0);
    price_memo_put(&off, "tenant", "USD half_even", 13);
    ck_assert_ptr_null(price_memo_get(&off, "tenant", &len));
    ck_assert_ptr_null(price_memo_get(NULL, "tenant", &len));
    price_memo_put(NULL, "tenant", "x", 1);
    price_cache_flush();
}
END_TEST

Suite *resolve_suite(void)
{
    Suite *s = suite_create("resolve");
    TCase *tc = tcase_create("resolve");

    tcase_add_test(tc, test_example_b);
    tcase_add_test(tc, test_worked_cases);
    tcase_add_test(tc, test_doc_matches_cases);
    tcase_add_test(tc, test_provenance_reasons);
    tcase_add_test(tc, test_provenance_tail);
    tcase_add_test(tc, test_prepare_errors);
    tcase_add_test(tc, test_money_errors);
    tcase_add_test(tc, test_check_value);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_property_against_naive);
    tcase_add_test(tc, test_property_order);
    tcase_add_test(tc, test_property_empty_higher_book);
    tcase_add_test(tc, test_batch);
    tcase_add_test(tc, test_rules_cache);
    tcase_add_test(tc, test_memo);
    suite_add_tcase(s, tc);
    return s;
}
