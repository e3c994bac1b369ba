/* FX rates: what a rate may be, which day it belongs to, and one conversion rounded once. */
#include "pricing/fx.h"

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/currency.h"
#include "core/rfc3339.h"

const char *fx_check_currency(const char *code)
{
    return currency_is_known(code) ? NULL : "must be a known ISO 4217 currency code like \"EUR\"";
}

const char *fx_check_rate(struct arena *ar, const char *rate, struct money_dec *out)
{
    char buf[MONEY_STRLEN];
    __int128 whole;
    int rc = money_parse_decimal(rate, FX_RATE_DECIMALS, out);

    if (rc)
        return arena_strdup(ar, money_error(rc, FX_RATE_DECIMALS, buf, sizeof(buf)));
    if (money_dec_sign(*out) <= 0)
        return "must be above 0";
    whole = out->units;
    for (int i = 0; i < out->scale; i++)
        whole /= 10;
    for (int i = 0; i < FX_RATE_INT_DIGITS; i++)
        whole /= 10;
    if (whole != 0)
        return arena_printf(ar, "has more than %d digits before the point", FX_RATE_INT_DIGITS);
    return NULL;
}

const char *fx_check_date(const char *date)
{
    char ts[32];
    int64_t ms;

    /* the calendar rules are rfc3339_parse()'s: the day at midnight UTC must be real */
    if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-' ||
        strspn(date, "0123456789-") != 10 || date[0] == '0')
        return "must be a date like \"2026-01-31\" (years 1000 to 9999)";
    snprintf(ts, sizeof(ts), "%sT00:00:00Z", date);
    if (rfc3339_parse(ts, &ms) != 0)
        return "must be a real calendar day";
    return NULL;
}

void fx_utc_date(int64_t ms, char out[FX_DATE_LEN])
{
    char sql[RFC3339_SQL_LEN];

    rfc3339_sql(ms, sql);
    memcpy(out, sql, FX_DATE_LEN - 1);
    out[FX_DATE_LEN - 1] = '\0';
}

int fx_convert(const struct money_frac *exact, struct money_dec rate, const char *quote,
               enum money_rounding mode, struct money_dec *out)
{
    struct money_frac f = *exact;
    int minor = currency_minor_units(quote);
    int rc;

    if (minor < 0)
        return MONEY_ECURRENCY;
    rc = money_frac_mul(&f, rate);
    if (rc)
        return rc;
    return money_round(&f, minor, mode, out);
}
