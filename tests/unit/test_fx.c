/*
 * FX and tax: the rules of rates, a conversion and a tax each rounded once (the tables of
 * docs/pricing.md "FX" and "Tax" are the cases, row by row), the resolver's exact amount,
 * and pricing items in memory: the asked currency, the tenant's converted, tax, a batch.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/currency.h"
#include "core/money.h"
#include "core/rfc3339.h"
#include "core/sb.h"
#include "pricing/fx.h"
#include "pricing/price.h"
#include "pricing/resolve.h"
#include "pricing/tax.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct money_dec dec(const char *s)
{
    struct money_dec d;

    ck_assert_msg(money_parse_decimal(s, MONEY_MAX_SCALE, &d) == 0, "bad test decimal '%s'", s);
    return d;
}

static const char *fmt(struct money_dec d, char buf[MONEY_STRLEN])
{
    ck_assert_int_eq(money_format(d, d.scale, buf), 0);
    return buf;
}

static int64_t at_of(const char *s)
{
    int64_t ms;

    ck_assert_msg(rfc3339_parse(s, &ms) == 0, "bad test time '%s'", s);
    return ms;
}

/* ---- the rules of a rate ---------------------------------------------------------------- */

START_TEST(test_fx_check)
{
    static const struct {
        const char *rate, *why; /* why NULL: valid */
    } rates[] = {
        {"1.085", NULL},
        {"0.0000000001", NULL},
        {"12345678901234.5", NULL},
        {"150", NULL},
        {"0", "must be above 0"},
        {"-1.2", "must be above 0"},
        {"0.00000000001", "has more than 10 decimals"},
        {"123456789012345", "has more than 14 digits before the point"},
        {"1e3", "must be a decimal number like \"950.00\""},
        {"", "must be a decimal number like \"950.00\""},
    };
    struct arena ar;
    struct money_dec d;

    arena_init(&ar, 0);
    for (size_t i = 0; i < N(rates); i++) {
        const char *why = fx_check_rate(&ar, rates[i].rate, &d);
        if (!rates[i].why)
            ck_assert_msg(why == NULL, "'%s' refused: %s", rates[i].rate, why);
        else
            ck_assert_msg(why && strcmp(why, rates[i].why) == 0, "'%s': '%s', not '%s'",
                          rates[i].rate, why ? why : "(valid)", rates[i].why);
    }
    ck_assert_ptr_null(fx_check_currency("EUR"));
    ck_assert_ptr_null(fx_check_currency("KWD"));
    ck_assert_ptr_nonnull(fx_check_currency("eur"));
    ck_assert_ptr_nonnull(fx_check_currency("XXX"));
    ck_assert_ptr_nonnull(fx_check_currency(""));
    ck_assert_ptr_null(fx_check_date("2026-01-31"));
    ck_assert_ptr_null(fx_check_date("2024-02-29"));
    ck_assert_ptr_null(fx_check_date("1000-01-01"));
    ck_assert_ptr_null(fx_check_date("9999-12-31"));
    ck_assert_ptr_nonnull(fx_check_date("2026-02-29"));
    ck_assert_ptr_nonnull(fx_check_date("2026-13-01"));
    ck_assert_ptr_nonnull(fx_check_date("2026-1-31"));
    ck_assert_ptr_nonnull(fx_check_date("0999-12-31"));
    ck_assert_ptr_nonnull(fx_check_date("2026-01-31T00:00:00Z"));
    ck_assert_ptr_nonnull(fx_check_date("2026/01/31"));
    ck_assert_ptr_nonnull(fx_check_date(""));
    ck_assert_ptr_nonnull(fx_check_date(NULL));
    arena_release(&ar);
}
END_TEST

/* The day of a time is its UTC day: the offset moves it. */
START_TEST(test_fx_utc_date)
{
    char day[FX_DATE_LEN];

    fx_utc_date(at_of("2026-01-15T23:59:59.999Z"), day);
    ck_assert_str_eq(day, "2026-01-15");
    fx_utc_date(at_of("2026-01-16T00:30:00+01:00"), day);
    ck_assert_str_eq(day, "2026-01-15");
    fx_utc_date(at_of("2026-01-15T20:00:00-05:00"), day);
    ck_assert_str_eq(day, "2026-01-16");
    fx_utc_date(0, day);
    ck_assert_str_eq(day, "1970-01-01");
}
END_TEST

START_TEST(test_tax_check)
{
    struct arena ar;
    struct money_dec d;

    arena_init(&ar, 0);
    ck_assert_ptr_null(tax_check_rate(&ar, "19", &d));
    ck_assert_ptr_null(tax_check_rate(&ar, "0", &d));
    ck_assert_ptr_null(tax_check_rate(&ar, "100", &d));
    ck_assert_ptr_null(tax_check_rate(&ar, "7.6543", &d));
    ck_assert_str_eq(tax_check_rate(&ar, "100.0001", &d), "must be a percent from 0 to 100");
    ck_assert_str_eq(tax_check_rate(&ar, "-1", &d), "must be a percent from 0 to 100");
    ck_assert_str_eq(tax_check_rate(&ar, "7.65432", &d), "has more than 4 decimals");
    ck_assert_ptr_null(tax_check_region("DE"));
    ck_assert_ptr_null(tax_check_region("Île-de-France"));
    ck_assert_str_eq(tax_check_region(""), "must not be empty");
    ck_assert_str_eq(tax_check_region("   "), "must not be blank");
    ck_assert_str_eq(tax_check_region("D\tE"), "must not contain control characters");
    ck_assert_str_eq(tax_check_region("\xc3\x28"), "must be valid UTF-8");
    ck_assert_str_eq(
        tax_check_region("0123456789012345678901234567890123456789012345678901234567890"
                         "1234"),
        "must be at most 64 bytes");
    ck_assert_ptr_null(tax_check_category("analyzers"));
    ck_assert_ptr_nonnull(tax_check_category(NULL));
    arena_release(&ar);
}
END_TEST

/* The category's rate before the region's default, byte for byte; none without either. */
START_TEST(test_tax_pick)
{
    static const struct tax_rate rates[] = {
        {1, NULL, "19", "2026-01-01"},
        {2, "books", "7", "2026-01-01"},
        {3, "Analyzers", "5", "2025-06-01"},
    };

    ck_assert_int_eq((int)tax_pick(rates, 3, "books")->id, 2);
    ck_assert_int_eq((int)tax_pick(rates, 3, "Analyzers")->id, 3);
    ck_assert_int_eq((int)tax_pick(rates, 3, "analyzers")->id, 1);
    ck_assert_int_eq((int)tax_pick(rates, 3, NULL)->id, 1);
    ck_assert_int_eq((int)tax_pick(rates, 3, "monitors")->id, 1);
    ck_assert_ptr_null(tax_pick(rates + 1, 2, "monitors"));
    ck_assert_ptr_null(tax_pick(rates + 1, 2, NULL));
    ck_assert_ptr_null(tax_pick(NULL, 0, "books"));
}
END_TEST

/* ---- the tables of docs/pricing.md ------------------------------------------------------ */

/* The cells of a table row "| a | b | c |", trimmed, into cells[]; returns their count. */
static int cells_of(char *line, char **cells, int max)
{
    int n = 0;
    char *p = line + 1;

    while (*p && n < max) {
        char *end = strchr(p, '|');
        char *s = p, *e;
        if (!end)
            break;
        *end = '\0';
        while (*s == ' ')
            s++;
        e = s + strlen(s);
        while (e > s && e[-1] == ' ')
            *--e = '\0';
        cells[n++] = s;
        p = end + 1;
    }
    return n;
}

/* Runs check on every numbered row of the table between "<!-- name -->" and its end. */
static int doc_rows(const char *name, void (*check)(char **cells, int n, int row))
{
    char path[4096], line[2048], start[128], stop[128];
    int inside = 0, rows = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/docs/pricing.md", unit_srcdir());
    snprintf(start, sizeof(start), "<!-- %s -->", name);
    snprintf(stop, sizeof(stop), "<!-- end of %s -->", name);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof(line), f)) {
        char *cells[16];
        int n;

        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, start) == 0)
            inside = 1;
        else if (strcmp(line, stop) == 0)
            inside = 0;
        if (!inside || strncmp(line, "| ", 2) != 0 || line[2] < '0' || line[2] > '9')
            continue;
        n = cells_of(line, cells, 16);
        ck_assert_msg(n > 0 && strtol(cells[0], NULL, 10) == rows + 1,
                      "docs/pricing.md %s: row %d is not numbered %d", name, rows + 1, rows + 1);
        check(cells, n, ++rows);
    }
    fclose(f);
    return rows;
}

static enum money_rounding rounding_of(const char *s)
{
    enum money_rounding m;

    ck_assert_msg(money_rounding_parse(s, &m) == 0, "bad rounding '%s'", s);
    return m;
}

/* "950.00 EUR" -> the amount, with the currency checked. */
static const char *amount_of(const char *cell, const char *currency)
{
    const char *sp = strchr(cell, ' ');

    ck_assert_msg(sp && strcmp(sp + 1, currency) == 0, "'%s' is not in %s", cell, currency);
    return cell;
}

/*
 * | # | case | price (currency) | adjustment | rate | to | rounding | converted |: the exact
 * price (base, then the adjustment: "-", "discount 50", "margin 30"...) times the rate.
 */
static void fx_row(char **c, int n, int row)
{
    struct money_frac f;
    struct money_dec out;
    char adj[32], buf[MONEY_STRLEN], want[64];
    int rc;

    ck_assert_msg(n == 8, "fx cases row %d has %d cells", row, n);
    money_frac_set(&f, dec(c[2]));
    if (strcmp(c[3], "-") != 0) {
        const char *sp = strchr(c[3], ' ');
        ck_assert_msg(sp != NULL, "row %d: adjustment '%s'", row, c[3]);
        snprintf(adj, sizeof(adj), "%.*s", (int)(sp - c[3]), c[3]);
        if (strcmp(adj, "discount") == 0)
            rc = money_frac_discount(&f, dec(sp + 1));
        else if (strcmp(adj, "markup") == 0)
            rc = money_frac_markup(&f, dec(sp + 1));
        else
            rc = money_frac_margin(&f, dec(sp + 1));
        ck_assert_int_eq(rc, 0);
    }
    rc = fx_convert(&f, dec(c[4]), c[5], rounding_of(c[6]), &out);
    ck_assert_int_eq(rc, 0);
    snprintf(want, sizeof(want), "%s %s", fmt(out, buf), c[5]);
    ck_assert_msg(strcmp(amount_of(c[7], c[5]), want) == 0, "fx case %d (%s): %s, not %s", row,
                  c[1], want, c[7]);
}

START_TEST(test_fx_doc_cases)
{
    ck_assert_int_ge(doc_rows("fx cases", fx_row), 6);
}
END_TEST

/* | # | case | net | rate % | rounding | tax | gross |, amounts with their currency. */
static void tax_row(char **c, int n, int row)
{
    struct money_dec tax, gross;
    char cur[8], buf[MONEY_STRLEN], got[64];
    const char *sp;
    int rc;

    ck_assert_msg(n == 7, "tax cases row %d has %d cells", row, n);
    sp = strchr(c[2], ' ');
    ck_assert_msg(sp != NULL, "tax cases row %d: net '%s' without its currency", row, c[2]);
    snprintf(cur, sizeof(cur), "%s", sp + 1);
    {
        char net[64];
        snprintf(net, sizeof(net), "%.*s", (int)(sp - c[2]), c[2]);
        rc = tax_apply(dec(net), dec(c[3]), cur, rounding_of(c[4]), &tax, &gross);
    }
    ck_assert_int_eq(rc, 0);
    snprintf(got, sizeof(got), "%s %s", fmt(tax, buf), cur);
    ck_assert_msg(strcmp(amount_of(c[5], cur), got) == 0, "tax case %d (%s): tax %s, not %s", row,
                  c[1], got, c[5]);
    snprintf(got, sizeof(got), "%s %s", fmt(gross, buf), cur);
    ck_assert_msg(strcmp(amount_of(c[6], cur), got) == 0, "tax case %d (%s): gross %s, not %s", row,
                  c[1], got, c[6]);
}

START_TEST(test_tax_doc_cases)
{
    ck_assert_int_ge(doc_rows("tax cases", tax_row), 6);
}
END_TEST

/* ---- the resolver's exact amount -------------------------------------------------------- */

static const struct resolve_book one_book[] = {
    {.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR", .version = 1, .status = PBOOK_ACTIVE},
};

/* 100 at a 30 % margin is 142.857142...: the amount is rounded, exact is not. */
START_TEST(test_resolve_exact)
{
    static const struct resolve_rule rules[] = {
        {.id = 11, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "100.00"},
        {.id = 12, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_MARGIN, .value = "30"},
    };
    struct resolve_ctx x = {.sku_id = 5,
                            .qty = {1, 0},
                            .currency = "EUR",
                            .at = 0,
                            .rounding = MONEY_HALF_AWAY_FROM_ZERO};
    struct resolve_result res;
    struct money_dec d, seven = {7, 0};
    struct money_frac f;
    char buf[MONEY_STRLEN];
    struct arena ar;

    arena_init(&ar, 0);
    ck_assert_int_eq(resolve_one(&ar, one_book, 1, rules, 2, &x, &res), RESOLVE_OK);
    ck_assert_str_eq(res.amount_text, "142.86");
    /* exact x 7 is exactly 1000: 142.86 x 7 would be 1000.02 */
    f = res.exact;
    ck_assert_int_eq(money_frac_mul(&f, seven), 0);
    ck_assert_int_eq(money_round(&f, 6, MONEY_HALF_EVEN, &d), 0);
    ck_assert_str_eq(fmt(d, buf), "1000.000000");
    /* converted from exact at 1.1: 157.142857... -> 157.14; from 142.86 it would be 157.15 */
    ck_assert_int_eq(fx_convert(&res.exact, dec("1.1"), "USD", MONEY_HALF_AWAY_FROM_ZERO, &d), 0);
    ck_assert_str_eq(fmt(d, buf), "157.14");
    ck_assert_int_eq(fx_convert(&res.exact, dec("1.1"), "XXX", MONEY_HALF_AWAY_FROM_ZERO, &d),
                     MONEY_ECURRENCY);
    arena_release(&ar);
}
END_TEST

/* ---- pricing items in memory ------------------------------------------------------------ */

/* A tenant in EUR with a global EUR book for everything and a USD book for SKU 7 only. */
static const struct resolve_book two_books[] = {
    {.id = 1, .scope = PSCOPE_GLOBAL, .currency = "EUR", .version = 1, .status = PBOOK_ACTIVE},
    {.id = 2, .scope = PSCOPE_GLOBAL, .currency = "USD", .version = 1, .status = PBOOK_ACTIVE},
};
static const char *two_names[] = {"EUR list", "USD list"};
static const struct resolve_rule two_rules[] = {
    {.id = 11, .book_id = 1, .selector = PSEL_ALL, .type = PRULE_FIXED, .value = "100.000000"},
    {.id = 12,
     .book_id = 1,
     .selector = PSEL_CATEGORY,
     .selector_value = "cheap",
     .type = PRULE_DISCOUNT,
     .value = "50.000000"},
    {.id = 21,
     .book_id = 2,
     .selector = PSEL_SKU,
     .selector_value = "7",
     .type = PRULE_FIXED,
     .value = "90.00"},
};
static const struct price_sku sku7 = {7, 70, "S-7", "P-7", NULL};
static const struct price_sku sku8 = {8, 80, "S-8", "P-8", "cheap"};

static void context(struct price_context *c, const char *currency, int has_rate)
{
    memset(c, 0, sizeof(*c));
    c->currency = currency;
    c->home_currency = "EUR";
    c->rounding = MONEY_HALF_AWAY_FROM_ZERO;
    c->at = at_of("2026-03-01T12:00:00Z");
    fx_utc_date(c->at, c->date);
    c->trace = 1;
    c->books = (struct resolve_book *)two_books;
    c->book_names = two_names;
    c->nbooks = 2;
    if (has_rate) {
        c->has_rate = 1;
        c->rate_id = 3;
        c->rate = dec("1.085");
        c->rate_text = "1.085";
        c->rate_date = "2026-02-27";
    }
}

static void price2(struct arena *ar, const struct price_context *c, struct price_item *it)
{
    struct price_sets sets;
    const char *err = NULL;

    memset(it, 0, sizeof(*it) * 2);
    it[0].sku = &sku7;
    it[1].sku = &sku8;
    it[0].qty = it[1].qty = dec("1");
    ck_assert_int_eq(price_prepare(ar, c, two_rules, N(two_rules), &sets, &err), 0);
    price_items(ar, c, &sets, it, 2);
}

START_TEST(test_price_items_currency)
{
    struct price_context c;
    struct price_item it[2];
    struct arena ar;

    arena_init(&ar, 0);
    /* in EUR: both from book 1; the tenant's own currency is never converted */
    context(&c, "EUR", 0);
    price2(&ar, &c, it);
    ck_assert_int_eq(it[0].rc, PRICE_OK);
    ck_assert_str_eq(it[0].amount_text, "100.00");
    ck_assert_int_eq(it[0].tried_home, 0);
    ck_assert_str_eq(it[1].amount_text, "50.00");
    ck_assert_int_eq((int)it[1].priced->rule_id, 12);
    /* in USD: SKU 7 from the USD book, SKU 8 converted from EUR at 1.085 */
    context(&c, "USD", 1);
    price2(&ar, &c, it);
    ck_assert_int_eq(it[0].rc, PRICE_OK);
    ck_assert_str_eq(it[0].amount_text, "90.00");
    ck_assert_int_eq(it[0].converted, 0);
    ck_assert_int_eq((int)it[0].priced->book_id, 2);
    ck_assert_int_eq(it[1].rc, PRICE_OK);
    ck_assert_int_eq(it[1].converted, 1);
    ck_assert_str_eq(it[1].amount_text, "54.25"); /* 50 x 1.085 = 54.25 */
    ck_assert_int_eq((int)it[1].priced->book_id, 1);
    ck_assert_str_eq(it[1].home.amount_text, "50.00");
    /* the asked currency's provenance holds only its own books */
    for (size_t i = 0; i < it[1].asked.nsteps; i++)
        ck_assert_str_eq(it[1].asked.steps[i].book->currency, "USD");
    ck_assert_uint_gt(it[1].home.nsteps, 0);
    /* no rate: SKU 8 has no USD price */
    context(&c, "USD", 0);
    price2(&ar, &c, it);
    ck_assert_int_eq(it[0].rc, PRICE_OK);
    ck_assert_int_eq(it[1].rc, PRICE_ENORATE);
    ck_assert_int_eq(it[1].tried_home, 1);
    /* in JPY, no book at all and a rate: both converted, rounded once to yen */
    context(&c, "JPY", 1);
    c.rate = dec("161.5");
    price2(&ar, &c, it);
    ck_assert_str_eq(it[0].amount_text, "16150");
    ck_assert_str_eq(it[1].amount_text, "8075");
    arena_release(&ar);
}
END_TEST

START_TEST(test_price_items_tax)
{
    struct tax_rate rates[] = {
        {5, NULL, "19", "2026-01-01"},
        {6, "cheap", "7", "2026-01-01"},
    };
    struct price_context c;
    struct price_item it[2];
    struct arena ar;

    arena_init(&ar, 0);
    context(&c, "EUR", 0);
    c.region = "DE";
    c.taxes = rates;
    c.ntaxes = 2;
    price2(&ar, &c, it);
    ck_assert_int_eq(it[0].rc, PRICE_OK);
    ck_assert_int_eq((int)it[0].tax->id, 5);
    ck_assert_str_eq(it[0].tax_text, "19.00");
    ck_assert_str_eq(it[0].gross_text, "119.00");
    ck_assert_int_eq((int)it[1].tax->id, 6);
    ck_assert_str_eq(it[1].tax_text, "3.50");
    ck_assert_str_eq(it[1].gross_text, "53.50");
    /* tax on the converted amount, in the asked currency */
    context(&c, "USD", 1);
    c.region = "DE";
    c.taxes = rates;
    c.ntaxes = 2;
    price2(&ar, &c, it);
    ck_assert_str_eq(it[1].amount_text, "54.25");
    ck_assert_str_eq(it[1].tax_text, "3.80"); /* 3.7975 */
    ck_assert_str_eq(it[1].gross_text, "58.05");
    /* without a default, a SKU without a rate of its category has none */
    c.taxes = rates + 1;
    c.ntaxes = 1;
    price2(&ar, &c, it);
    ck_assert_int_eq(it[0].rc, PRICE_ENOTAX);
    ck_assert_int_eq(it[1].rc, PRICE_OK);
    arena_release(&ar);
}
END_TEST

/* A batch of many items is the same as each priced alone. */
START_TEST(test_price_batch_is_singles)
{
    struct price_context c;
    struct price_item batch[40], one;
    struct price_sets sets;
    const char *err = NULL;
    struct arena ar;

    arena_init(&ar, 0);
    context(&c, "USD", 1);
    c.trace = 0;
    ck_assert_int_eq(price_prepare(&ar, &c, two_rules, N(two_rules), &sets, &err), 0);
    memset(batch, 0, sizeof(batch));
    for (size_t i = 0; i < N(batch); i++) {
        batch[i].sku = i % 2 ? &sku7 : &sku8;
        batch[i].qty = dec(i % 3 ? "1" : "2.5");
    }
    price_items(&ar, &c, &sets, batch, N(batch));
    for (size_t i = 0; i < N(batch); i++) {
        memset(&one, 0, sizeof(one));
        one.sku = batch[i].sku;
        one.qty = batch[i].qty;
        price_items(&ar, &c, &sets, &one, 1);
        ck_assert_int_eq(one.rc, batch[i].rc);
        ck_assert_str_eq(one.amount_text, batch[i].amount_text);
        ck_assert_int_eq((int)one.priced->book_id, (int)batch[i].priced->book_id);
        ck_assert_int_eq((int)one.priced->rule_id, (int)batch[i].priced->rule_id);
    }
    arena_release(&ar);
}
END_TEST

/* ---- text -------------------------------------------------------------------------------- */

START_TEST(test_decimal_text)
{
    static const struct resolve_rule fixed = {.type = PRULE_FIXED, .value = "950.000000"};
    static const struct resolve_rule pct = {.type = PRULE_DISCOUNT, .value = "12.500000"};
    struct arena ar;

    arena_init(&ar, 0);
    ck_assert_str_eq(price_decimal_text(&ar, "950.000000", 2), "950.00");
    ck_assert_str_eq(price_decimal_text(&ar, "1.0850000000", -1), "1.085");
    ck_assert_str_eq(price_decimal_text(&ar, "5.000000", -1), "5");
    ck_assert_str_eq(price_decimal_text(&ar, "10.000", -1), "10");
    /* digits it would lose come back as they are */
    ck_assert_str_eq(price_decimal_text(&ar, "1.005000", 2), "1.005000");
    ck_assert_str_eq(price_decimal_text(&ar, "x", 2), "x");
    ck_assert_str_eq(price_rule_value_text(&ar, &fixed, "EUR"), "950.00");
    ck_assert_str_eq(price_rule_value_text(&ar, &fixed, "JPY"), "950");
    ck_assert_str_eq(price_rule_value_text(&ar, &fixed, "KWD"), "950.000");
    ck_assert_str_eq(price_rule_value_text(&ar, &pct, "EUR"), "12.5");
    arena_release(&ar);
}
END_TEST

START_TEST(test_csv_field)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"S-A1", "S-A1"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"=1+2", "'=1+2"},
        {"+49", "'+49"},
        {"-5", "'-5"},
        {"@sum", "'@sum"},
        {"=a,b", "\"'=a,b\""},
        {"", ""},
        {"Ünïcode", "Ünïcode"},
    };
    struct arena ar;
    struct sb b;

    arena_init(&ar, 0);
    for (size_t i = 0; i < N(cases); i++) {
        sb_init(&b, &ar);
        sb_adds(&b, "");
        price_csv_field(&b, cases[i].in);
        ck_assert_msg(strcmp(b.buf, cases[i].out) == 0, "'%s' -> '%s', not '%s'", cases[i].in,
                      b.buf, cases[i].out);
    }
    sb_init(&b, &ar);
    sb_adds(&b, "");
    price_csv_field(&b, NULL);
    ck_assert_str_eq(b.buf, "");
    arena_release(&ar);
}
END_TEST

Suite *fx_suite(void)
{
    Suite *s = suite_create("fx");
    TCase *tc = tcase_create("fx");

    tcase_add_test(tc, test_fx_check);
    tcase_add_test(tc, test_fx_utc_date);
    tcase_add_test(tc, test_tax_check);
    tcase_add_test(tc, test_tax_pick);
    tcase_add_test(tc, test_fx_doc_cases);
    tcase_add_test(tc, test_tax_doc_cases);
    tcase_add_test(tc, test_resolve_exact);
    tcase_add_test(tc, test_price_items_currency);
    tcase_add_test(tc, test_price_items_tax);
    tcase_add_test(tc, test_price_batch_is_singles);
    tcase_add_test(tc, test_decimal_text);
    tcase_add_test(tc, test_csv_field);
    suite_add_tcase(s, tc);
    return s;
}
