/* Tax rates (docs/pricing.md "Tax"): the rules of a rate, which one applies, net to gross. */
#ifndef PRICING_TAX_H
#define PRICING_TAX_H

#include <stddef.h>
#include <stdint.h>

#include "core/money.h"

/*
 * Pure code: nothing reaches the database. Every char * returned is static text or lives in
 * the arena passed in; nothing needs free().
 */
struct arena;

#define TAX_RATE_DECIMALS 4   /* as tax_rates.rate, DECIMAL(9, 4), a percent */
#define TAX_REGION_MAX    64  /* bytes, as tax_rates.region (and organizations.region) */
#define TAX_CATEGORY_MAX  100 /* bytes, as products.category */

/*
 * Field rules: NULL when the value is valid, else a lower-case reason for problem+json
 * `errors`.
 */
/* A percent from 0 to 100 with at most TAX_RATE_DECIMALS decimals; *out gets it parsed. */
const char *tax_check_rate(struct arena *ar, const char *rate, struct money_dec *out);
/* 1..TAX_REGION_MAX bytes, not blank, no control characters. */
const char *tax_check_region(const char *region);
/* 1..TAX_CATEGORY_MAX bytes, not blank, no control characters. */
const char *tax_check_category(const char *category);

/* A rate in effect on a day: the latest of its region and category on or before it. */
struct tax_rate {
    int64_t id;
    const char *category;       /* NULL: the region's default, for every other category */
    const char *rate;           /* a percent, as a decimal string */
    const char *effective_from; /* "YYYY-MM-DD" */
};

/*
 * Which of rates[0..n) (one per category at most, as in effect on a day) applies to a SKU
 * of category (NULL: none): the rate of that category, compared byte for byte as price
 * rules compare categories, else the region's default; NULL when neither exists.
 */
const struct tax_rate *tax_pick(const struct tax_rate *rates, size_t n, const char *category);

/*
 * The tax on net (an amount in currency) at rate percent, rounded once to the currency's
 * minor unit by mode, and gross = net + tax. Returns MONEY_OK or a MONEY_E* code.
 */
int tax_apply(struct money_dec net, struct money_dec rate, const char *currency,
              enum money_rounding mode, struct money_dec *tax, struct money_dec *gross);

/* Registered statements of /v1/tax-rates (tax_db.c; src/registry.c). */
struct db_query;
extern const struct db_query Q_TAX_LIST, Q_TAX_GET, Q_TAX_LOCK, Q_TAX_INSERT, Q_TAX_DELETE;
#define TAX_QUERIES &Q_TAX_LIST, &Q_TAX_GET, &Q_TAX_LOCK, &Q_TAX_INSERT, &Q_TAX_DELETE

/* Their columns: id L, region, category (NULL: the default), rate, effective_from, created_at. */
enum {
    TAX_COL_ID,
    TAX_COL_REGION,
    TAX_COL_CATEGORY,
    TAX_COL_RATE,
    TAX_COL_FROM,
    TAX_COL_CREATED_AT
};

#endif
