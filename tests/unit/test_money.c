/* Money: exact parsing, formatting, the pricing steps as fractions, rounding once, per currency. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/currency.h"
#include "core/money.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct money_dec dec(const char *s)
{
    struct money_dec d;
    int rc = money_parse_decimal(s, MONEY_MAX_SCALE, &d);

    ck_assert_msg(rc == 0, "bad test decimal '%s': %d", s, rc);
    return d;
}

/* d as the shortest decimal ("10", "0.1"). */
static const char *str(struct money_dec d, char buf[MONEY_STRLEN])
{
    ck_assert_int_eq(money_format(d, -1, buf), 0);
    return buf;
}

/* f rounded to the currency's minor unit and formatted, or "E<rc>". */
static const char *rounded(const struct money_frac *f, const char *currency,
                           enum money_rounding mode, char buf[MONEY_STRLEN])
{
    struct money_dec d;
    int rc = money_round(f, currency_minor_units(currency), mode, &d);

    if (rc == 0)
        rc = money_format_amount(d, currency, buf);
    if (rc)
        snprintf(buf, MONEY_STRLEN, "E%d", rc);
    return buf;
}

/* ---- parsing --------------------------------------------------------------------------- */

static const struct {
    const char *in, *value; /* value: the shortest form */
    int max, scale;
} valid[] = {
    {"950", "950", 2, 0},
    {"950.00", "950", 2, 2},
    {"00.10", "0.1", 2, 2},
    {"-0", "0", 2, 0},
    {"-0.00", "0", 2, 2},
    {"0", "0", 0, 0},
    {"-12.5", "-12.5", 4, 1},
    {"999999999999999999", "999999999999999999", 0, 0},
    {"-999999999999999999.999999999999999999", "-999999999999999999.999999999999999999", 18, 18},
    {"0000000000000000000000000000001", "1", 0, 0},
    {"0.000000000000000001", "0.000000000000000001", 18, 18},
    {"1.5", "1.5", 99, 1}, /* a limit above 18 is 18 */
};

START_TEST(test_parse_valid)
{
    for (size_t i = 0; i < N(valid); i++) {
        struct money_dec d;
        char buf[MONEY_STRLEN];
        int rc = money_parse_decimal(valid[i].in, valid[i].max, &d);

        ck_assert_msg(rc == 0, "'%s': %d", valid[i].in, rc);
        ck_assert_str_eq(str(d, buf), valid[i].value);
        ck_assert_int_eq(d.scale, valid[i].scale);
    }
}
END_TEST

static const char *const malformed[] = {
    "",    "-",     ".5",   "5.",  "+5",   " 5",  "5 ",  "1e3",      "1E3",          "1,5",
    "--1", "1.2.3", "0x10", "-.5", "1.-2", "NaN", "inf", "\xd9\xa1", "12a",          "1 000",
    "- 1", "1.5\n", "\t1",  "1..", "0.",   "-0.", ".",   "1_000",    "\xef\xbc\x91",
};

START_TEST(test_parse_malformed)
{
    struct money_dec d;

    for (size_t i = 0; i < N(malformed); i++)
        ck_assert_msg(money_parse_decimal(malformed[i], 18, &d) == MONEY_ESYNTAX, "'%s' accepted",
                      malformed[i]);
    ck_assert_int_eq(money_parse_decimal(NULL, 2, &d), MONEY_ESYNTAX);
    /* syntax is judged before size and precision */
    ck_assert_int_eq(money_parse_decimal("12345678901234567890x", 2, &d), MONEY_ESYNTAX);
    ck_assert_int_eq(money_parse_decimal("1.234x", 2, &d), MONEY_ESYNTAX);
}
END_TEST

START_TEST(test_parse_precision_and_range)
{
    struct money_dec d;

    ck_assert_int_eq(money_parse_amount("1.001", "EUR", &d), MONEY_EDECIMALS);
    ck_assert_int_eq(money_parse_amount("950.000", "EUR", &d), MONEY_EDECIMALS); /* zeros count */
    ck_assert_int_eq(money_parse_amount("950.00", "EUR", &d), 0);
    ck_assert_int_eq(money_parse_amount("950.0", "EUR", &d), 0);
    ck_assert_int_eq(money_parse_amount("950", "JPY", &d), 0);
    ck_assert_int_eq(money_parse_amount("950.0", "JPY", &d), MONEY_EDECIMALS);
    ck_assert_int_eq(money_parse_amount("1.500", "KWD", &d), 0);
    ck_assert_int_eq(money_parse_amount("1.5000", "KWD", &d), MONEY_EDECIMALS);
    ck_assert_int_eq(money_parse_amount("1.0000", "CLF", &d), 0);
    ck_assert_int_eq(money_parse_amount("1", "XXX", &d), MONEY_ECURRENCY);
    ck_assert_int_eq(money_parse_amount("1", "eur", &d), MONEY_ECURRENCY);
    ck_assert_int_eq(money_parse_amount("1", NULL, &d), MONEY_ECURRENCY);
    ck_assert_int_eq(money_parse_decimal("12.34567", 4, &d), MONEY_EDECIMALS);
    ck_assert_int_eq(money_parse_decimal("1000000000000000000", 0, &d), MONEY_ERANGE);
    ck_assert_int_eq(money_parse_decimal("-1000000000000000000", 0, &d), MONEY_ERANGE);
    ck_assert_int_eq(money_parse_decimal("0001000000000000000000.5", 2, &d), MONEY_ERANGE);
    ck_assert_int_eq(money_parse_decimal("0.0000000000000000001", 18, &d), MONEY_EDECIMALS);
}
END_TEST

START_TEST(test_error_messages)
{
    char buf[MONEY_STRLEN];

    ck_assert_str_eq(money_error(MONEY_EDECIMALS, 2, buf, sizeof(buf)), "has more than 2 decimals");
    ck_assert_str_eq(money_error(MONEY_EDECIMALS, 1, buf, sizeof(buf)), "has more than 1 decimal");
    ck_assert_str_eq(money_error(MONEY_EDECIMALS, 0, buf, sizeof(buf)),
                     "must be a whole number (no decimals)");
    ck_assert_str_eq(money_error(MONEY_ESYNTAX, 2, buf, sizeof(buf)),
                     "must be a decimal number like \"950.00\"");
    ck_assert_str_eq(money_error(MONEY_ERANGE, 2, buf, sizeof(buf)),
                     "has more than 18 digits before the point");
    ck_assert_str_eq(money_error(MONEY_EDIVZERO, 2, buf, sizeof(buf)),
                     "divides by zero (a margin of 100 % or more)");
}
END_TEST

START_TEST(test_rounding_names)
{
    enum money_rounding m = MONEY_HALF_EVEN;

    ck_assert_int_eq(money_rounding_parse("half_away_from_zero", &m), 0);
    ck_assert_int_eq(m, MONEY_HALF_AWAY_FROM_ZERO);
    ck_assert_int_eq(money_rounding_parse("half_even", &m), 0);
    ck_assert_int_eq(m, MONEY_HALF_EVEN);
    ck_assert_int_eq(money_rounding_parse("bankers", &m), -1);
    ck_assert_int_eq(money_rounding_parse(NULL, &m), -1);
    ck_assert_str_eq(money_rounding_name(MONEY_HALF_EVEN), "half_even");
    ck_assert_str_eq(money_rounding_name(MONEY_HALF_AWAY_FROM_ZERO), "half_away_from_zero");
}
END_TEST

/* ---- formatting and comparing ---------------------------------------------------------- */

static const struct {
    const char *value, *currency, *want;
} formats[] = {
    {"950", "EUR", "950.00"},
    {"950", "JPY", "950"},
    {"1.5", "KWD", "1.500"},
    {"-0.5", "EUR", "-0.50"},
    {"-0", "EUR", "0.00"},
    {"-0.000", "JPY", "0"},
    {"1.230", "EUR", "1.23"}, /* trailing zeros beyond the minor unit are not digits */
    {"1.235", "EUR", "E-2"},
    {"0.5", "JPY", "E-2"},
    {"999999999999999999.999", "KWD", "999999999999999999.999"},
    {"1", "CLF", "1.0000"},
    {"12.34", "USD", "12.34"},
    {"7", "BHD", "7.000"},
    {"7", "XXX", "E-4"},
};

START_TEST(test_format)
{
    for (size_t i = 0; i < N(formats); i++) {
        char buf[MONEY_STRLEN];
        int rc = money_format_amount(dec(formats[i].value), formats[i].currency, buf);

        if (rc)
            snprintf(buf, sizeof(buf), "E%d", rc);
        ck_assert_msg(strcmp(buf, formats[i].want) == 0, "%s %s: '%s', want '%s'", formats[i].value,
                      formats[i].currency, buf, formats[i].want);
    }
}
END_TEST

START_TEST(test_format_shortest)
{
    char buf[MONEY_STRLEN];

    ck_assert_str_eq(str(dec("10.000"), buf), "10");
    ck_assert_str_eq(str(dec("0.10"), buf), "0.1");
    ck_assert_str_eq(str(dec("-0.0"), buf), "0");
    ck_assert_str_eq(str(dec("100"), buf), "100");
    ck_assert_int_eq(money_format(dec("1"), 19, buf), MONEY_EDECIMALS);
    ck_assert_int_eq(money_format(dec("1.5"), 3, buf), 0);
    ck_assert_str_eq(buf, "1.500");
}
END_TEST

START_TEST(test_cmp)
{
    ck_assert_int_eq(money_dec_cmp(dec("1.5"), dec("1.50")), 0);
    ck_assert_int_lt(money_dec_cmp(dec("-1.5"), dec("-1.2")), 0);
    ck_assert_int_gt(money_dec_cmp(dec("0.000000000000000001"), dec("0")), 0);
    ck_assert_int_lt(money_dec_cmp(dec("-0.5"), dec("0.3")), 0);
    ck_assert_int_lt(
        money_dec_cmp(dec("999999999999999998.999999999999999999"), dec("999999999999999999")), 0);
    ck_assert_int_gt(money_dec_cmp(dec("10"), dec("9.999")), 0);
    ck_assert_int_eq(money_dec_cmp(dec("-0"), dec("0.000")), 0);
    ck_assert_int_eq(money_dec_sign(dec("-0.001")), -1);
    ck_assert_int_eq(money_dec_sign(dec("-0")), 0);
}
END_TEST

/* ---- rounding -------------------------------------------------------------------------- */

/* An exact value, rounded to the currency's minor unit both ways. */
static const struct {
    const char *value, *currency, *away, *even;
} roundings[] = {
    {"2.345", "EUR", "2.35", "2.34"},
    {"2.355", "EUR", "2.36", "2.36"},
    {"2.3450000000000001", "EUR", "2.35", "2.35"},
    {"2.3449999999999999", "EUR", "2.34", "2.34"},
    {"-2.345", "EUR", "-2.35", "-2.34"},
    {"-2.3449", "EUR", "-2.34", "-2.34"},
    {"-0.005", "EUR", "-0.01", "0.00"},
    {"-0.004", "EUR", "0.00", "0.00"},
    {"0.5", "JPY", "1", "0"},
    {"1.5", "JPY", "2", "2"},
    {"2.5", "JPY", "3", "2"},
    {"-0.5", "JPY", "-1", "0"},
    {"-2.5", "JPY", "-3", "-2"},
    {"2.4999999999999999", "JPY", "2", "2"},
    {"1.0005", "KWD", "1.001", "1.000"},
    {"1.0015", "KWD", "1.002", "1.002"},
    {"1.00049", "KWD", "1.000", "1.000"},
    {"0.00005", "CLF", "0.0001", "0.0000"},
    {"0.5", "KRW", "1", "0"},
    {"10.125", "USD", "10.13", "10.12"},
    {"0.0005", "BHD", "0.001", "0.000"},
    {"999999999999999999.985", "EUR", "999999999999999999.99", "999999999999999999.98"},
    {"999999999999999999.995", "EUR", "E-5", "E-5"}, /* 10^18: one integer digit too many */
};

START_TEST(test_round_modes)
{
    for (size_t i = 0; i < N(roundings); i++) {
        struct money_frac f;
        char a[MONEY_STRLEN], e[MONEY_STRLEN];

        money_frac_set(&f, dec(roundings[i].value));
        rounded(&f, roundings[i].currency, MONEY_HALF_AWAY_FROM_ZERO, a);
        rounded(&f, roundings[i].currency, MONEY_HALF_EVEN, e);
        ck_assert_msg(strcmp(a, roundings[i].away) == 0 && strcmp(e, roundings[i].even) == 0,
                      "%s %s: away '%s' even '%s', want '%s' '%s'", roundings[i].value,
                      roundings[i].currency, a, e, roundings[i].away, roundings[i].even);
    }
}
END_TEST

START_TEST(test_round_thirds)
{
    struct money_frac f;
    char buf[MONEY_STRLEN];

    money_frac_set(&f, dec("1"));
    ck_assert_int_eq(money_frac_div(&f, dec("3")), 0);
    ck_assert_str_eq(rounded(&f, "EUR", MONEY_HALF_EVEN, buf), "0.33");
    ck_assert_int_eq(money_frac_mul(&f, dec("2")), 0);
    ck_assert_str_eq(rounded(&f, "EUR", MONEY_HALF_AWAY_FROM_ZERO, buf), "0.67");
    ck_assert_str_eq(rounded(&f, "KWD", MONEY_HALF_AWAY_FROM_ZERO, buf), "0.667");
    ck_assert_str_eq(rounded(&f, "JPY", MONEY_HALF_AWAY_FROM_ZERO, buf), "1");
    ck_assert_int_eq(money_frac_mul(&f, dec("-1.5")), 0); /* exactly -1 */
    ck_assert_str_eq(rounded(&f, "EUR", MONEY_HALF_EVEN, buf), "-1.00");
    ck_assert_int_eq(money_frac_div(&f, dec("0.00")), MONEY_EDIVZERO);
    ck_assert_str_eq(rounded(&f, "EUR", MONEY_HALF_EVEN, buf), "-1.00"); /* unchanged */
}
END_TEST

/* ---- the pricing steps ----------------------------------------------------------------- */

enum op { DISCOUNT, MARKUP, MARGIN, MUL, DIV, PERCENT };

static int apply(struct money_frac *f, enum op op, const char *arg)
{
    switch (op) {
    case DISCOUNT:
        return money_frac_discount(f, dec(arg));
    case MARKUP:
        return money_frac_markup(f, dec(arg));
    case MARGIN:
        return money_frac_margin(f, dec(arg));
    case MUL:
        return money_frac_mul(f, dec(arg));
    case DIV:
        return money_frac_div(f, dec(arg));
    default:
        return money_frac_percent(f, dec(arg));
    }
}

static const struct {
    const char *base;
    enum op op;
    const char *arg, *currency, *want;
} steps[] = {
    {"1000", DISCOUNT, "5", "EUR", "950.00"},
    {"1000.00", DISCOUNT, "100", "EUR", "0.00"},
    {"1000", DISCOUNT, "0", "EUR", "1000.00"},
    {"100", MARKUP, "12.5", "EUR", "112.50"},
    {"600", MARGIN, "25", "EUR", "800.00"},
    {"100", MARGIN, "30", "EUR", "142.86"},
    {"100", MARGIN, "30", "JPY", "143"},
    {"100", MARGIN, "30", "KWD", "142.857"},
    {"100", MARGIN, "0", "EUR", "100.00"},
    {"100", MARGIN, "99.9999", "EUR", "100000000.00"},
    {"100", MARGIN, "100", "EUR", "E-6"},
    {"100", MARGIN, "100.0001", "EUR", "E-6"},
    {"100", MARGIN, "250", "EUR", "E-6"},
    {"19.99", MUL, "3", "EUR", "59.97"},
    {"19.99", MUL, "2.5", "EUR", "49.98"}, /* 49.975 */
    {"19.99", MUL, "0", "EUR", "0.00"},
    {"10", DIV, "4", "JPY", "3"}, /* 2.5 */
    {"10", DIV, "0", "EUR", "E-6"},
    {"100.00", PERCENT, "19", "EUR", "19.00"},
    {"99.99", PERCENT, "7.5", "EUR", "7.50"}, /* 7.49925 */
    {"-100", DISCOUNT, "5", "EUR", "-95.00"},
    {"100", DISCOUNT, "-5", "EUR", "105.00"},
    {"100", MARGIN, "-25", "EUR", "80.00"},
};

START_TEST(test_steps)
{
    for (size_t i = 0; i < N(steps); i++) {
        struct money_frac f;
        char buf[MONEY_STRLEN];
        int rc;

        money_frac_set(&f, dec(steps[i].base));
        rc = apply(&f, steps[i].op, steps[i].arg);
        if (rc)
            snprintf(buf, sizeof(buf), "E%d", rc);
        else
            rounded(&f, steps[i].currency, MONEY_HALF_AWAY_FROM_ZERO, buf);
        ck_assert_msg(strcmp(buf, steps[i].want) == 0, "%s op %d %s: '%s', want '%s'",
                      steps[i].base, (int)steps[i].op, steps[i].arg, buf, steps[i].want);
    }
}
END_TEST

START_TEST(test_tax)
{
    struct money_frac net, tax;
    char buf[MONEY_STRLEN];

    /* 3 x 33.33 at 19 %: net 99.99, tax 18.9981, gross 118.9881 */
    money_frac_set(&net, dec("33.33"));
    ck_assert_int_eq(money_frac_mul(&net, dec("3")), 0);
    tax = net;
    ck_assert_int_eq(money_frac_percent(&tax, dec("19")), 0);
    ck_assert_str_eq(rounded(&tax, "EUR", MONEY_HALF_EVEN, buf), "19.00");
    ck_assert_int_eq(money_frac_add(&net, &tax), 0);
    ck_assert_str_eq(rounded(&net, "EUR", MONEY_HALF_EVEN, buf), "118.99");
    /* adding opposite signs, and to zero */
    money_frac_set(&net, dec("1.25"));
    money_frac_set(&tax, dec("-3.5"));
    ck_assert_int_eq(money_frac_add(&net, &tax), 0);
    ck_assert_str_eq(rounded(&net, "EUR", MONEY_HALF_EVEN, buf), "-2.25");
    money_frac_set(&tax, dec("2.25"));
    ck_assert_int_eq(money_frac_add(&net, &tax), 0);
    ck_assert_str_eq(rounded(&net, "EUR", MONEY_HALF_EVEN, buf), "0.00");
    ck_assert_int_eq(net.neg, 0);
    /* thirds add up exactly */
    money_frac_set(&net, dec("1"));
    ck_assert_int_eq(money_frac_div(&net, dec("3")), 0);
    tax = net;
    ck_assert_int_eq(money_frac_add(&net, &tax), 0);
    ck_assert_int_eq(money_frac_add(&net, &tax), 0);
    ck_assert_str_eq(rounded(&net, "KWD", MONEY_HALF_EVEN, buf), "1.000");
}
END_TEST

/* Rounding each step would give another answer: the chain is rounded once. */
START_TEST(test_chain_rounded_once)
{
    struct money_frac f;
    struct money_dec d;
    char once[MONEY_STRLEN], each[MONEY_STRLEN];

    /* 1.00 less 0.5 % twice: 0.990025 -> 0.99; step by step 0.995 -> 1.00, 0.995 -> 1.00 */
    money_frac_set(&f, dec("1.00"));
    ck_assert_int_eq(money_frac_discount(&f, dec("0.5")), 0);
    ck_assert_int_eq(money_frac_discount(&f, dec("0.5")), 0);
    ck_assert_str_eq(rounded(&f, "EUR", MONEY_HALF_AWAY_FROM_ZERO, once), "0.99");
    money_frac_set(&f, dec("1.00"));
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(money_frac_discount(&f, dec("0.5")), 0);
        ck_assert_int_eq(money_round(&f, 2, MONEY_HALF_AWAY_FROM_ZERO, &d), 0);
        money_frac_set(&f, d);
    }
    ck_assert_str_eq(rounded(&f, "EUR", MONEY_HALF_AWAY_FROM_ZERO, each), "1.00");
    ck_assert_str_ne(once, each);

    /*
     * A margin makes 1.00 / 0.75 = 1.333..., which no fixed scale holds; a 50 % markup makes
     * it 2 again and a 0.75 % discount 1.985 exactly: a true half, 1.99 away from zero and
     * 1.98 to even. A truncated 1.3333...3 would give 1.98499... and 1.98 both ways.
     */
    money_frac_set(&f, dec("1.00"));
    ck_assert_int_eq(money_frac_margin(&f, dec("25")), 0);
    ck_assert_int_eq(money_frac_markup(&f, dec("50")), 0);
    ck_assert_int_eq(money_frac_discount(&f, dec("0.75")), 0);
    ck_assert_str_eq(rounded(&f, "EUR", MONEY_HALF_AWAY_FROM_ZERO, once), "1.99");
    ck_assert_str_eq(rounded(&f, "EUR", MONEY_HALF_EVEN, once), "1.98");
    ck_assert_str_eq(rounded(&f, "KWD", MONEY_HALF_EVEN, once), "1.985");
}
END_TEST

/* The bound in money.h: nine 4-decimal margins on the largest amount fit, and undo exactly. */
START_TEST(test_bounds)
{
    static const char *const pcts[] = {"12.3457", "7.1111", "33.3331", "1.0001", "9.8767",
                                       "3.1417",  "0.0001", "71.2343", "5.5553"};
    struct money_frac f, g;
    struct money_dec d;
    char buf[MONEY_STRLEN];
    int rc = 0;

    money_frac_set(&f, dec("999999999999999999.999"));
    for (size_t i = 0; i < N(pcts); i++)
        ck_assert_msg(money_frac_margin(&f, dec(pcts[i])) == 0, "margin %zu overflowed", i);
    /* a discount of the same percent undoes a margin: the amount comes back exactly */
    g = f;
    for (size_t i = 0; i < N(pcts); i++)
        ck_assert_int_eq(money_frac_discount(&g, dec(pcts[i])), 0);
    ck_assert_int_eq(money_round(&g, 3, MONEY_HALF_EVEN, &d), 0);
    ck_assert_str_eq(str(d, buf), "999999999999999999.999");
    /* more of them outgrow 2^256: an error that leaves the operand as it was */
    for (int i = 0; i < 40 && rc == 0; i++) {
        g = f;
        rc = money_frac_margin(&f, dec(pcts[i % N(pcts)]));
    }
    ck_assert_int_eq(rc, MONEY_EOVERFLOW);
    ck_assert(memcmp(f.num, g.num, sizeof(f.num)) == 0 &&
              memcmp(f.den, g.den, sizeof(f.den)) == 0 && f.neg == g.neg);
    /* a result beyond 18 integer digits */
    money_frac_set(&f, dec("999999999999999999.999"));
    ck_assert_int_eq(money_frac_markup(&f, dec("1")), 0);
    ck_assert_int_eq(money_round(&f, 2, MONEY_HALF_EVEN, &d), MONEY_EOVERFLOW);
}
END_TEST

/* ---- a property test against plain integer arithmetic ---------------------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* n / d rounded in mode, n >= 0, d > 0: the reference. */
static __int128 round_div(__int128 n, __int128 d, enum money_rounding mode)
{
    __int128 q = n / d, r = n % d;

    if (2 * r > d || (2 * r == d && (mode == MONEY_HALF_AWAY_FROM_ZERO || (q & 1))))
        q++;
    return q;
}

START_TEST(test_steps_match_integers)
{
    rng_state = 42;
    for (int i = 0; i < 20000; i++) {
        __int128 a = (__int128)(rng() % 100000000000ULL); /* cents, up to 10^9 */
        __int128 p = (__int128)(rng() % 1000000);         /* 0..99.9999 % */
        enum money_rounding mode = (enum money_rounding)(rng() % 2);
        int op = (int)(rng() % 3);
        struct money_dec base = {a, 2}, pct = {p, 4}, got;
        struct money_frac f;
        __int128 want;

        money_frac_set(&f, base);
        if (op == 0) {
            ck_assert_int_eq(money_frac_discount(&f, pct), 0);
            want = round_div(a * (1000000 - p), 1000000, mode);
        } else if (op == 1) {
            ck_assert_int_eq(money_frac_markup(&f, pct), 0);
            want = round_div(a * (1000000 + p), 1000000, mode);
        } else {
            ck_assert_int_eq(money_frac_margin(&f, pct), 0);
            want = round_div(a * 1000000, 1000000 - p, mode);
        }
        ck_assert_int_eq(money_round(&f, 2, mode, &got), 0);
        ck_assert_msg(got.units == want && got.scale == 2, "case %d: op %d on %lld at %lld", i, op,
                      (long long)a, (long long)p);
    }
}
END_TEST

Suite *money_suite(void)
{
    Suite *s = suite_create("money");
    TCase *tc = tcase_create("money");

    tcase_add_test(tc, test_parse_valid);
    tcase_add_test(tc, test_parse_malformed);
    tcase_add_test(tc, test_parse_precision_and_range);
    tcase_add_test(tc, test_error_messages);
    tcase_add_test(tc, test_rounding_names);
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_format_shortest);
    tcase_add_test(tc, test_cmp);
    tcase_add_test(tc, test_round_modes);
    tcase_add_test(tc, test_round_thirds);
    tcase_add_test(tc, test_steps);
    tcase_add_test(tc, test_tax);
    tcase_add_test(tc, test_chain_rounded_once);
    tcase_add_test(tc, test_bounds);
    tcase_add_test(tc, test_steps_match_integers);
    suite_add_tcase(s, tc);
    return s;
}
