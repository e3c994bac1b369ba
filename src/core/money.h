/* Money without floating point: exact decimal parsing, exact pricing arithmetic, one rounding. */
#ifndef CORE_MONEY_H
#define CORE_MONEY_H

#include <stddef.h>
#include <stdint.h>

/*
 * A decimal string becomes a struct money_dec: an exact count of 10^-scale units. The
 * pricing steps (discount, markup, margin, quantity, tax) run on a struct money_frac, an
 * exact fraction kept in lowest terms: no step rounds, so a chain of steps is rounded exactly
 * once, by money_round(), to the currency's minor unit. There is no internal scale to lose
 * digits to; the bound is size: the numerator and the denominator of every intermediate
 * must stay below 2^256 (about 1.16e77), else the step fails with MONEY_EOVERFLOW and leaves
 * its operand unchanged. A step of a percent with 4 decimals multiplies them by at most
 * 10^6 x (1 + percent/100) before reduction: an amount of 18 integer digits and 3 decimals
 * goes through nine such discounts or margins that share no factor with it (the worst case)
 * and still fits; percents like 5 or 12.5 reduce and leave far more room. Results
 * (money_round) have at most MONEY_MAX_INT_DIGITS integer digits. Nothing here allocates;
 * errors are the negative MONEY_E* codes.
 */

#define MONEY_MAX_INT_DIGITS 18 /* significant digits before the point */
#define MONEY_MAX_SCALE      18 /* digits after it */
#define MONEY_STRLEN         64 /* a formatted money_dec and its NUL */

enum {
    MONEY_OK = 0,
    MONEY_ESYNTAX = -1,   /* not -?[0-9]+(\.[0-9]+)? */
    MONEY_EDECIMALS = -2, /* more digits after the point than allowed (zeros count) */
    MONEY_ERANGE = -3,    /* more than MONEY_MAX_INT_DIGITS significant integer digits */
    MONEY_ECURRENCY = -4, /* not a known ISO 4217 code */
    MONEY_EOVERFLOW = -5, /* an intermediate outgrew 2^256, or a result 18 integer digits */
    MONEY_EDIVZERO = -6,  /* division by zero: a divisor of 0, a margin of 100 % or more */
};

enum money_rounding {
    MONEY_HALF_AWAY_FROM_ZERO, /* 2.345 -> 2.35, -2.345 -> -2.35 (the default) */
    MONEY_HALF_EVEN,           /* 2.345 -> 2.34, 2.355 -> 2.36 */
};

/* The value is units x 10^-scale; |units| < 10^36, 0 <= scale <= MONEY_MAX_SCALE. */
struct money_dec {
    __int128 units;
    int scale;
};

/* An exact fraction: (neg ? -1 : 1) x num / den, little-endian 64-bit limbs, den >= 1. */
struct money_frac {
    uint64_t num[4];
    uint64_t den[4];
    int neg; /* never set on zero */
};

/*
 * Parses -?digits[.digits] (no '+', exponent, spaces or leading '.'; leading zeros are
 * allowed and do not count as significant; "-0" is zero) with at most max_decimals digits
 * after the point (0..MONEY_MAX_SCALE). On success *out has scale = the digits written.
 */
int money_parse_decimal(const char *s, int max_decimals, struct money_dec *out);

/* money_parse_decimal() with the currency's minor unit as the limit; MONEY_ECURRENCY first. */
int money_parse_amount(const char *s, const char *currency, struct money_dec *out);

/*
 * The field message for a parse or arithmetic error, for problem+json `errors`: "has more
 * than 2 decimals" (decimals names the limit that was exceeded), "must be a decimal number
 * like \"950.00\""... Written into buf (MONEY_STRLEN bytes suffice); returns buf.
 */
const char *money_error(int rc, int decimals, char *buf, size_t n);

/* "half_away_from_zero" | "half_even" (the tenant setting); -1 for anything else. */
int money_rounding_parse(const char *s, enum money_rounding *out);
const char *money_rounding_name(enum money_rounding mode);

/* <0, 0, >0 as a is below, equal to, above b, whatever their scales. */
int money_dec_cmp(struct money_dec a, struct money_dec b);
int money_dec_sign(struct money_dec a);

/*
 * d with exactly `decimals` digits after the point (none and no point when 0): "950.00",
 * JPY "950", KWD "1.500"; zero is never "-0". MONEY_EDECIMALS when d has non-zero digits
 * beyond them (round first). decimals < 0: as few digits as the value needs ("10", "12.5").
 */
int money_format(struct money_dec d, int decimals, char buf[MONEY_STRLEN]);
/* money_format() with the currency's minor unit; MONEY_ECURRENCY when it is unknown. */
int money_format_amount(struct money_dec d, const char *currency, char buf[MONEY_STRLEN]);

/* f = d exactly. */
void money_frac_set(struct money_frac *f, struct money_dec d);
/* f = f x m (a quantity) / f = f / d (MONEY_EDIVZERO when d is zero). */
int money_frac_mul(struct money_frac *f, struct money_dec m);
int money_frac_div(struct money_frac *f, struct money_dec d);
/* The pricing steps, pct in percent: f x (1 - pct/100), f x (1 + pct/100), f / (1 - pct/100). */
int money_frac_discount(struct money_frac *f, struct money_dec pct);
int money_frac_markup(struct money_frac *f, struct money_dec pct);
int money_frac_margin(struct money_frac *f, struct money_dec pct); /* pct >= 100: EDIVZERO */
/* f = f x pct/100: the tax on a net amount at a rate in percent. */
int money_frac_percent(struct money_frac *f, struct money_dec pct);
/* f = f + g (net + tax). */
int money_frac_add(struct money_frac *f, const struct money_frac *g);

/*
 * f rounded once to `decimals` digits (0..MONEY_MAX_SCALE; the currency's minor unit) in
 * the given mode, exactly: the half is decided on the true value, never on an approximation.
 * MONEY_EOVERFLOW when the result has more than MONEY_MAX_INT_DIGITS integer digits.
 */
int money_round(const struct money_frac *f, int decimals, enum money_rounding mode,
                struct money_dec *out);

#endif
