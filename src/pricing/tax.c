/* Tax rates: what a rate may be, the category's rate before the region's default, one rounding. */
#include "pricing/tax.h"

#include <string.h>

#include "core/arena.h"
#include "core/currency.h"
#include "core/utf8.h"

const char *tax_check_rate(struct arena *ar, const char *rate, struct money_dec *out)
{
    struct money_dec hundred = {100, 0};
    char buf[MONEY_STRLEN];
    int rc = money_parse_decimal(rate, TAX_RATE_DECIMALS, out);

    if (rc)
        return arena_strdup(ar, money_error(rc, TAX_RATE_DECIMALS, buf, sizeof(buf)));
    if (money_dec_sign(*out) < 0 || money_dec_cmp(*out, hundred) > 0)
        return "must be a percent from 0 to 100";
    return NULL;
}

/* 1..max bytes of UTF-8, not only blanks, no control characters (a query's too). */
static const char *check_label(const char *s, size_t max, const char *too_long)
{
    size_t n = s ? strlen(s) : 0, k;
    int blank = 1;

    if (n == 0)
        return "must not be empty";
    if (n > max)
        return too_long;
    for (size_t i = 0; i < n; i += k) {
        unsigned char c = (unsigned char)s[i];
        k = utf8_len((const unsigned char *)s + i, n - i);
        if (!k)
            return "must be valid UTF-8";
        if (c < 0x20 || c == 0x7f)
            return "must not contain control characters";
        if (c != ' ')
            blank = 0;
    }
    return blank ? "must not be blank" : NULL;
}

const char *tax_check_region(const char *region)
{
    return check_label(region, TAX_REGION_MAX, "must be at most 64 bytes");
}

const char *tax_check_category(const char *category)
{
    return check_label(category, TAX_CATEGORY_MAX, "must be at most 100 bytes");
}

const struct tax_rate *tax_pick(const struct tax_rate *rates, size_t n, const char *category)
{
    const struct tax_rate *dflt = NULL;

    for (size_t i = 0; i < n; i++) {
        if (!rates[i].category)
            dflt = &rates[i];
        else if (category && strcmp(rates[i].category, category) == 0)
            return &rates[i];
    }
    return dflt;
}

int tax_apply(struct money_dec net, struct money_dec rate, const char *currency,
              enum money_rounding mode, struct money_dec *tax, struct money_dec *gross)
{
    struct money_frac f, g;
    int minor = currency_minor_units(currency);
    int rc;

    if (minor < 0)
        return MONEY_ECURRENCY;
    money_frac_set(&f, net);
    rc = money_frac_percent(&f, rate);
    if (!rc)
        rc = money_round(&f, minor, mode, tax);
    if (rc)
        return rc;
    /* both rounded to the minor unit: their sum is exact and needs no rounding */
    money_frac_set(&g, net);
    money_frac_set(&f, *tax);
    rc = money_frac_add(&g, &f);
    if (!rc)
        rc = money_round(&g, minor, mode, gross);
    return rc;
}
