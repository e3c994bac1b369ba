/* FX rates (docs/pricing.md "FX"): the rules of a dated rate and the conversion of a price. */
#ifndef PRICING_FX_H
#define PRICING_FX_H

#include <stdint.h>

#include "core/money.h"

/*
 * Pure code: nothing reaches the database. Every char * returned is static text or lives in
 * the arena passed in; nothing needs free().
 */
struct arena;

/* As the column fx_rates.rate, DECIMAL(24, 10). */
#define FX_RATE_DECIMALS   10
#define FX_RATE_INT_DIGITS 14
/* "YYYY-MM-DD" and its NUL */
#define FX_DATE_LEN 11

/*
 * Field rules: NULL when the value is valid, else a lower-case reason for problem+json
 * `errors`.
 */
/* A known ISO 4217 code (core/currency.h). */
const char *fx_check_currency(const char *code);
/* A rate above 0 with at most FX_RATE_DECIMALS decimals and FX_RATE_INT_DIGITS before the point. */
const char *fx_check_rate(struct arena *ar, const char *rate, struct money_dec *out);
/* "YYYY-MM-DD" naming a real day of the years 1000 to 9999 (a DATE column's range). */
const char *fx_check_date(const char *date);

/* The UTC calendar day of ms since the epoch: the day whose FX and tax rates apply. */
void fx_utc_date(int64_t ms, char out[FX_DATE_LEN]);

/*
 * A price in the base currency, exact (never rounded: resolve_result.exact), times rate,
 * rounded once to the minor unit of quote by mode. Returns MONEY_OK, MONEY_ECURRENCY when
 * quote is unknown, or MONEY_EOVERFLOW.
 */
int fx_convert(const struct money_frac *exact, struct money_dec rate, const char *quote,
               enum money_rounding mode, struct money_dec *out);

/* Registered statements of /v1/fx-rates (fx_db.c; src/registry.c). */
struct db_query;
extern const struct db_query Q_FX_LIST, Q_FX_GET, Q_FX_LOCK, Q_FX_INSERT, Q_FX_DELETE;
#define FX_QUERIES &Q_FX_LIST, &Q_FX_GET, &Q_FX_LOCK, &Q_FX_INSERT, &Q_FX_DELETE

/* Their columns: id L, base_currency, quote_currency, rate, rate_date, created_at (RFC 3339). */
enum { FX_COL_ID, FX_COL_BASE, FX_COL_QUOTE, FX_COL_RATE, FX_COL_DATE, FX_COL_CREATED_AT };

#endif
