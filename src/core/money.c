/* Exact decimals and fractions for money; 256-bit unsigned limbs keep every step exact. */
#include "core/money.h"

#include <stdio.h>
#include <string.h>

#include "core/currency.h"

/* ---- 256-bit unsigned integers: 4 little-endian 64-bit limbs ---------------------------- */

#define LIMBS 4

struct u256 {
    uint64_t w[LIMBS];
};

static struct u256 u256_from(unsigned __int128 v)
{
    struct u256 r = {{(uint64_t)v, (uint64_t)(v >> 64), 0, 0}};

    return r;
}

static int u256_is_zero(const struct u256 *a)
{
    return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

/* Fits in one limb: the fast paths. */
static int u256_small(const struct u256 *a)
{
    return (a->w[1] | a->w[2] | a->w[3]) == 0;
}

static int u256_cmp(const struct u256 *a, const struct u256 *b)
{
    for (int i = LIMBS - 1; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

/* a -= b; requires a >= b. */
static void u256_sub(struct u256 *a, const struct u256 *b)
{
    uint64_t borrow = 0;

    for (int i = 0; i < LIMBS; i++) {
        uint64_t x = a->w[i], y = b->w[i];
        uint64_t d = x - y - borrow;

        borrow = (x < y) || (x - y < borrow);
        a->w[i] = d;
    }
}

/* a += b; returns 1 on overflow (a is then garbage). */
static int u256_add(struct u256 *a, const struct u256 *b)
{
    unsigned __int128 carry = 0;

    for (int i = 0; i < LIMBS; i++) {
        carry += (unsigned __int128)a->w[i] + b->w[i];
        a->w[i] = (uint64_t)carry;
        carry >>= 64;
    }
    return carry != 0;
}

/* *r = a * b; returns 1 on overflow. */
static int u256_mul(struct u256 *r, const struct u256 *a, const struct u256 *b)
{
    uint64_t t[2 * LIMBS] = {0};

    for (int i = 0; i < LIMBS; i++) {
        unsigned __int128 carry = 0;

        if (a->w[i] == 0)
            continue;
        for (int j = 0; j < LIMBS; j++) {
            carry += (unsigned __int128)a->w[i] * b->w[j] + t[i + j];
            t[i + j] = (uint64_t)carry;
            carry >>= 64;
        }
        t[i + LIMBS] = (uint64_t)carry;
    }
    for (int i = LIMBS; i < 2 * LIMBS; i++)
        if (t[i])
            return 1;
    memcpy(r->w, t, sizeof(r->w));
    return 0;
}

static int u256_bits(const struct u256 *a)
{
    for (int i = LIMBS - 1; i >= 0; i--)
        if (a->w[i])
            return 64 * i + 64 - __builtin_clzll(a->w[i]);
    return 0;
}

static int u256_ctz(const struct u256 *a)
{
    for (int i = 0; i < LIMBS; i++)
        if (a->w[i])
            return 64 * i + __builtin_ctzll(a->w[i]);
    return 256;
}

static void u256_shr(struct u256 *a, int n)
{
    int limbs = n / 64, bits = n % 64;

    for (int i = 0; i < LIMBS; i++) {
        uint64_t lo = i + limbs < LIMBS ? a->w[i + limbs] : 0;
        uint64_t hi = i + limbs + 1 < LIMBS ? a->w[i + limbs + 1] : 0;

        a->w[i] = bits ? (lo >> bits) | (hi << (64 - bits)) : lo;
    }
}

/* Requires the result to fit (callers shift by at most the free high bits). */
static void u256_shl(struct u256 *a, int n)
{
    int limbs = n / 64, bits = n % 64;

    for (int i = LIMBS - 1; i >= 0; i--) {
        uint64_t hi = i - limbs >= 0 ? a->w[i - limbs] : 0;
        uint64_t lo = i - limbs - 1 >= 0 ? a->w[i - limbs - 1] : 0;

        a->w[i] = bits ? (hi << bits) | (lo >> (64 - bits)) : hi;
    }
}

/* q = a / b, r = a % b; b != 0. Either output may be NULL. */
static void u256_divmod(const struct u256 *a, const struct u256 *b, struct u256 *q, struct u256 *r)
{
    struct u256 quo = {{0}}, rem = *a, d = *b;
    int shift;

    if (u256_small(b)) {
        unsigned __int128 acc = 0;

        for (int i = LIMBS - 1; i >= 0; i--) {
            acc = (acc << 64) | a->w[i];
            quo.w[i] = (uint64_t)(acc / b->w[0]);
            acc %= b->w[0];
        }
        rem = u256_from(acc);
    } else if (u256_cmp(a, b) >= 0) {
        shift = u256_bits(a) - u256_bits(b);
        u256_shl(&d, shift);
        for (int i = shift; i >= 0; i--) {
            if (u256_cmp(&rem, &d) >= 0) {
                u256_sub(&rem, &d);
                quo.w[i / 64] |= (uint64_t)1 << (i % 64);
            }
            u256_shr(&d, 1);
        }
    }
    if (q)
        *q = quo;
    if (r)
        *r = rem;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    int k;

    if (a == 0 || b == 0)
        return a | b;
    k = __builtin_ctzll(a | b);
    a >>= __builtin_ctzll(a);
    do {
        b >>= __builtin_ctzll(b);
        if (a > b) {
            uint64_t t = a;

            a = b;
            b = t;
        }
        b -= a;
    } while (b);
    return a << k;
}

/* Binary gcd; gcd(0, b) = b. */
static struct u256 u256_gcd(struct u256 a, struct u256 b)
{
    int k;

    if (u256_is_zero(&a))
        return b;
    if (u256_is_zero(&b))
        return a;
    if (u256_small(&a) && u256_small(&b))
        return u256_from(gcd64(a.w[0], b.w[0]));
    k = u256_ctz(&a) < u256_ctz(&b) ? u256_ctz(&a) : u256_ctz(&b);
    u256_shr(&a, u256_ctz(&a));
    do {
        u256_shr(&b, u256_ctz(&b));
        if (u256_cmp(&a, &b) > 0) {
            struct u256 t = a;

            a = b;
            b = t;
        }
        u256_sub(&b, &a);
    } while (!u256_is_zero(&b));
    u256_shl(&a, k);
    return a;
}

/* ---- decimals -------------------------------------------------------------------------- */

static const struct money_dec zero_dec;

static __int128 pow10_i128(int n)
{
    __int128 p = 1;

    while (n-- > 0)
        p *= 10;
    return p;
}

static unsigned __int128 abs_i128(__int128 v)
{
    return v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
}

int money_parse_decimal(const char *s, int max_decimals, struct money_dec *out)
{
    const char *p = s, *int_start, *frac = NULL;
    int neg = 0, ndec = 0, nsig = 0;
    __int128 units = 0;

    if (max_decimals < 0)
        max_decimals = 0;
    if (max_decimals > MONEY_MAX_SCALE)
        max_decimals = MONEY_MAX_SCALE;
    if (!s)
        return MONEY_ESYNTAX;
    if (*p == '-') {
        neg = 1;
        p++;
    }
    int_start = p;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == int_start)
        return MONEY_ESYNTAX;
    if (*p == '.') {
        frac = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        ndec = (int)(p - frac);
        if (ndec == 0)
            return MONEY_ESYNTAX;
    }
    if (*p != '\0')
        return MONEY_ESYNTAX;
    while (*int_start == '0' && int_start[1] >= '0' && int_start[1] <= '9')
        int_start++;
    for (const char *q = int_start; *q >= '0' && *q <= '9'; q++)
        nsig += nsig > 0 || *q != '0';
    if (nsig > MONEY_MAX_INT_DIGITS)
        return MONEY_ERANGE;
    if (ndec > max_decimals)
        return MONEY_EDECIMALS;
    for (const char *q = int_start; *q >= '0' && *q <= '9'; q++)
        units = units * 10 + (*q - '0');
    for (int i = 0; i < ndec; i++)
        units = units * 10 + (frac[i] - '0');
    out->units = neg ? -units : units;
    out->scale = ndec;
    return MONEY_OK;
}

int money_parse_amount(const char *s, const char *currency, struct money_dec *out)
{
    int minor = currency_minor_units(currency);

    if (minor < 0)
        return MONEY_ECURRENCY;
    return money_parse_decimal(s, minor, out);
}

const char *money_error(int rc, int decimals, char *buf, size_t n)
{
    switch (rc) {
    case MONEY_OK:
        snprintf(buf, n, "is valid");
        break;
    case MONEY_EDECIMALS:
        if (decimals == 0)
            snprintf(buf, n, "must be a whole number (no decimals)");
        else
            snprintf(buf, n, "has more than %d decimal%s", decimals, decimals == 1 ? "" : "s");
        break;
    case MONEY_ERANGE:
        snprintf(buf, n, "has more than %d digits before the point", MONEY_MAX_INT_DIGITS);
        break;
    case MONEY_ECURRENCY:
        snprintf(buf, n, "is in an unknown currency");
        break;
    case MONEY_EOVERFLOW:
        snprintf(buf, n, "is too large to compute exactly");
        break;
    case MONEY_EDIVZERO:
        snprintf(buf, n, "divides by zero (a margin of 100 %% or more)");
        break;
    default:
        snprintf(buf, n, "must be a decimal number like \"950.00\"");
        break;
    }
    return buf;
}

int money_rounding_parse(const char *s, enum money_rounding *out)
{
    if (s && strcmp(s, "half_away_from_zero") == 0)
        *out = MONEY_HALF_AWAY_FROM_ZERO;
    else if (s && strcmp(s, "half_even") == 0)
        *out = MONEY_HALF_EVEN;
    else
        return -1;
    return 0;
}

const char *money_rounding_name(enum money_rounding mode)
{
    return mode == MONEY_HALF_EVEN ? "half_even" : "half_away_from_zero";
}

int money_dec_sign(struct money_dec a)
{
    return (a.units > 0) - (a.units < 0);
}

int money_dec_cmp(struct money_dec a, struct money_dec b)
{
    /* integer parts, then fractions at 18 digits: no product can overflow */
    __int128 pa = pow10_i128(a.scale), pb = pow10_i128(b.scale);
    __int128 ia = a.units / pa, ib = b.units / pb;
    __int128 fa = (a.units % pa) * pow10_i128(MONEY_MAX_SCALE - a.scale);
    __int128 fb = (b.units % pb) * pow10_i128(MONEY_MAX_SCALE - b.scale);

    if (ia != ib)
        return ia < ib ? -1 : 1;
    return (fa > fb) - (fa < fb);
}

int money_format(struct money_dec d, int decimals, char buf[MONEY_STRLEN])
{
    char digits[48] = {0}; /* least significant first */
    unsigned __int128 u = abs_i128(d.units);
    int n = 0, scale = d.scale, pos = 0, want = decimals < 0 ? 0 : decimals;

    if (decimals > MONEY_MAX_SCALE || scale < 0 || scale > MONEY_MAX_SCALE)
        return MONEY_EDECIMALS;
    /* zeros below the wanted precision are dropped; any other digit there is an error */
    while (u != 0 && scale > want && u % 10 == 0) {
        u /= 10;
        scale--;
    }
    if (u == 0)
        scale = 0;
    if (decimals >= 0 && scale > decimals)
        return MONEY_EDECIMALS;
    if (decimals < 0)
        decimals = scale;
    while (u) {
        digits[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    }
    while (n <= scale)
        digits[n++] = '0';
    if (d.units < 0)
        buf[pos++] = '-';
    for (int i = n - 1; i >= scale; i--)
        buf[pos++] = digits[i];
    if (decimals > 0)
        buf[pos++] = '.';
    for (int i = scale - 1; i >= 0; i--)
        buf[pos++] = digits[i];
    for (int i = scale; i < decimals; i++)
        buf[pos++] = '0';
    buf[pos] = '\0';
    return MONEY_OK;
}

int money_format_amount(struct money_dec d, const char *currency, char buf[MONEY_STRLEN])
{
    int minor = currency_minor_units(currency);

    if (minor < 0)
        return MONEY_ECURRENCY;
    return money_format(d, minor, buf);
}

/* ---- exact fractions ------------------------------------------------------------------- */

static struct u256 frac_num(const struct money_frac *f)
{
    struct u256 r;

    memcpy(r.w, f->num, sizeof(r.w));
    return r;
}

static struct u256 frac_den(const struct money_frac *f)
{
    struct u256 r;

    memcpy(r.w, f->den, sizeof(r.w));
    return r;
}

static void frac_store(struct money_frac *f, const struct u256 *num, const struct u256 *den,
                       int neg)
{
    memcpy(f->num, num->w, sizeof(f->num));
    memcpy(f->den, den->w, sizeof(f->den));
    f->neg = neg && !u256_is_zero(num);
    if (u256_is_zero(num)) {
        struct u256 one = u256_from(1);

        memcpy(f->den, one.w, sizeof(f->den));
    }
}

/* x /= g, exactly (g divides x, g != 0). */
static void u256_div_exact(struct u256 *x, const struct u256 *g)
{
    u256_divmod(x, g, x, NULL);
}

void money_frac_set(struct money_frac *f, struct money_dec d)
{
    struct u256 num = u256_from(abs_i128(d.units)), den = u256_from(pow10_i128(d.scale));
    struct u256 g = u256_gcd(num, den);

    u256_div_exact(&num, &g);
    u256_div_exact(&den, &g);
    frac_store(f, &num, &den, d.units < 0);
}

/*
 * f = f x a / b (b != 0), kept in lowest terms: a/b is reduced, then a against f's
 * denominator and b against its numerator, so the products need no reduction afterwards.
 */
static int frac_scale(struct money_frac *f, __int128 a, __int128 b)
{
    struct u256 num = frac_num(f), den = frac_den(f);
    struct u256 ua = u256_from(abs_i128(a)), ub = u256_from(abs_i128(b)), g;

    if (b == 0)
        return MONEY_EDIVZERO;
    g = u256_gcd(ua, ub);
    u256_div_exact(&ua, &g);
    u256_div_exact(&ub, &g);
    g = u256_gcd(ua, den);
    u256_div_exact(&ua, &g);
    u256_div_exact(&den, &g);
    g = u256_gcd(ub, num);
    u256_div_exact(&ub, &g);
    u256_div_exact(&num, &g);
    if (u256_mul(&num, &num, &ua) || u256_mul(&den, &den, &ub))
        return MONEY_EOVERFLOW;
    frac_store(f, &num, &den, f->neg ^ (a < 0) ^ (b < 0));
    return MONEY_OK;
}

int money_frac_mul(struct money_frac *f, struct money_dec m)
{
    return frac_scale(f, m.units, pow10_i128(m.scale));
}

int money_frac_div(struct money_frac *f, struct money_dec d)
{
    return frac_scale(f, pow10_i128(d.scale), d.units);
}

/* 100 % at pct's scale: 100 x 10^scale, at most 10^20. */
static __int128 hundred(struct money_dec pct)
{
    return 100 * pow10_i128(pct.scale);
}

int money_frac_discount(struct money_frac *f, struct money_dec pct)
{
    return frac_scale(f, hundred(pct) - pct.units, hundred(pct));
}

int money_frac_markup(struct money_frac *f, struct money_dec pct)
{
    return frac_scale(f, hundred(pct) + pct.units, hundred(pct));
}

int money_frac_margin(struct money_frac *f, struct money_dec pct)
{
    if (pct.units >= hundred(pct))
        return MONEY_EDIVZERO;
    return frac_scale(f, hundred(pct), hundred(pct) - pct.units);
}

int money_frac_percent(struct money_frac *f, struct money_dec pct)
{
    return frac_scale(f, pct.units, hundred(pct));
}

int money_frac_add(struct money_frac *f, const struct money_frac *g)
{
    struct u256 n1 = frac_num(f), d1 = frac_den(f), n2 = frac_num(g), d2 = frac_den(g);
    struct u256 c = u256_gcd(d1, d2), a, b, den, num;
    int neg = f->neg;

    /* n1/d1 + n2/d2 = (n1 x d2/c + n2 x d1/c) / (d1 x d2/c) */
    u256_div_exact(&d2, &c);
    if (u256_mul(&a, &n1, &d2) || u256_mul(&den, &d1, &d2))
        return MONEY_EOVERFLOW;
    d1 = frac_den(f);
    u256_div_exact(&d1, &c);
    if (u256_mul(&b, &n2, &d1))
        return MONEY_EOVERFLOW;
    if (f->neg == g->neg) {
        num = a;
        if (u256_add(&num, &b))
            return MONEY_EOVERFLOW;
    } else if (u256_cmp(&a, &b) >= 0) {
        num = a;
        u256_sub(&num, &b);
    } else {
        num = b;
        u256_sub(&num, &a);
        neg = g->neg;
    }
    c = u256_gcd(num, den);
    u256_div_exact(&num, &c);
    u256_div_exact(&den, &c);
    frac_store(f, &num, &den, neg);
    return MONEY_OK;
}

int money_round(const struct money_frac *f, int decimals, enum money_rounding mode,
                struct money_dec *out)
{
    struct u256 num = frac_num(f), den = frac_den(f), q, r, half;
    struct u256 scale = u256_from(pow10_i128(decimals)), one = u256_from(1);
    struct u256 limit = u256_from(pow10_i128(MONEY_MAX_INT_DIGITS + decimals));
    int c;

    if (decimals < 0 || decimals > MONEY_MAX_SCALE)
        return MONEY_EDECIMALS;
    if (u256_mul(&num, &num, &scale))
        return MONEY_EOVERFLOW;
    u256_divmod(&num, &den, &q, &r);
    /* compare r with den - r, so that 2r cannot overflow */
    half = den;
    u256_sub(&half, &r);
    c = u256_cmp(&r, &half);
    if (c > 0 || (c == 0 && (mode == MONEY_HALF_AWAY_FROM_ZERO || (q.w[0] & 1))))
        u256_add(&q, &one); /* rounds up only when den > 1: q + 1 <= num fits */
    if (u256_cmp(&q, &limit) >= 0)
        return MONEY_EOVERFLOW;
    *out = zero_dec;
    out->units = (__int128)(((unsigned __int128)q.w[1] << 64) | q.w[0]);
    if (f->neg)
        out->units = -out->units;
    out->scale = decimals;
    return MONEY_OK;
}
