/* Prices for an organization and channel: one round of loading, the resolver, FX and tax. */
#ifndef PRICING_PRICE_H
#define PRICING_PRICE_H

#include <stddef.h>
#include <stdint.h>

#include "core/money.h"
#include "pricing/fx.h"
#include "pricing/price_cache.h"
#include "pricing/resolve.h"
#include "pricing/tax.h"

/*
 * Every char * and array returned here lives in the arena passed in; nothing needs free().
 * Functions that reach the database (price_db.c) return 0 or a DB_E* code of db/db.h; the
 * others (price.c) are pure.
 */
struct arena;
struct db;
struct sb;

#define PRICE_BATCH_MAX 1000 /* items in one POST /v1/prices/resolve, and per round of list.csv */

/* A SKU as a resolve needs it. */
struct price_sku {
    int64_t id, product_id;
    const char *code, *product, *category; /* category NULL when the product has none */
};

/* What every item of one request shares. The caller sets the first block. */
struct price_context {
    int64_t org_id, channel_id; /* 0: none */
    const char *currency;       /* asked for (the tenant's by default) */
    int64_t at;                 /* ms since the epoch */
    const char *region;         /* NULL: no tax */
    int trace;                  /* 0: no provenance (a batch that does not show it) */
    double cache_ttl;           /* seconds what a worker read to price may be reused; 0: never */
    struct price_memo memo;     /* begun before the first query (price_cache.h) */
    const char *home_currency;  /* the tenant's currency and rounding (price_load_tenant) */
    enum money_rounding rounding;
    /* price_load_context(): */
    char date[FX_DATE_LEN];     /* the UTC day of at: the day of the FX and tax rates */
    struct resolve_book *books; /* the candidate books' ranges, in currency and home_currency */
    const char **book_names;    /* books[i]'s name */
    size_t nbooks;
    int has_rate; /* currency != home_currency and a rate of that pair is in effect */
    int64_t rate_id;
    struct money_dec rate;
    const char *rate_text, *rate_date; /* "1.085", "2026-01-15" */
    struct tax_rate *taxes;            /* with region: the rates in effect, one per category */
    size_t ntaxes;
};

/* The tenant's currency and rounding (kept in m when it allows; m may be NULL). */
int price_load_tenant(struct db *db, struct arena *ar, const struct price_memo *m,
                      int64_t tenant_id, const char **currency, enum money_rounding *rounding);

/*
 * The candidate books of c (active, in c->currency or c->home_currency, of the scopes that
 * can match c->org_id and c->channel_id: one index range each; kept in c->memo), the FX
 * rate in effect on c->date when the currencies differ, and with a region its tax rates in
 * effect then.
 */
int price_load_context(struct db *db, struct arena *ar, int64_t tenant_id, struct price_context *c);

/*
 * The SKUs ids[0..n) as the caller sees them (viewer_org 0: tenant-wide, every SKU; else
 * catalog/product.h's visibility of that organization): out[i] is NULL for an id that names
 * no such SKU. What m keeps is not read again; the rest in one statement, which checks an
 * organization's SKUs against the publications it may read (kept in m per organization,
 * until one of its relationships starts or ends) when there are few of them.
 */
int price_load_skus(struct db *db, struct arena *ar, const struct price_memo *m, int64_t tenant_id,
                    int64_t viewer_org, const int64_t *ids, size_t n, const struct price_sku **out);

/*
 * The rules of c's books that can match skus[0..n) (NULL entries skipped): selector sku with
 * their ids, product with their products' ids, category with their categories, and all.
 * A book's rules come from the worker's copy (price_cache.h) when it holds the book at the
 * version c read and c->cache_ttl allows, else it is read whole once (one statement per
 * book) and kept; books too large to keep, or all with cache_ttl 0, have their rules looked
 * up by key in one statement, never all the tenant's rules, and what each (book, version,
 * key) pair found is kept in c->memo.
 */
int price_load_rules(struct db *db, struct arena *ar, int64_t tenant_id,
                     const struct price_context *c, const struct price_sku *const *skus, size_t n,
                     struct resolve_rule **rules, size_t *nrules);

/* ---- pure (price.c) ------------------------------------------------------------------- */

/* c's books and rules prepared once per currency: the asked one and, apart, the tenant's. */
struct price_sets {
    struct resolve_set *asked, *home; /* home NULL when the currencies are the same */
};
int price_prepare(struct arena *ar, const struct price_context *c, const struct resolve_rule *rules,
                  size_t nrules, struct price_sets *sets, const char **err);

enum {
    PRICE_OK = 0,
    PRICE_ENOPRICE = -1, /* no book prices the SKU (nor, converted, in the tenant's currency) */
    PRICE_ENORATE = -2,  /* priced in the tenant's currency only, and no FX rate to convert it */
    PRICE_ENOTAX = -3,   /* with a region: no rate for the SKU's category nor a default */
    PRICE_EMONEY = -4,   /* the exact arithmetic overflowed; detail names the rule */
    PRICE_EINPUT = -5,   /* books or rules the resolver refused (a bug or bad data) */
};

/* One item to price and, after price_items(), its price. */
struct price_item {
    const struct price_sku *sku; /* set by the caller, never NULL */
    struct money_dec qty;
    int rc;                              /* PRICE_* */
    const char *detail;                  /* why, for an error */
    struct resolve_result asked;         /* the resolution in the asked currency */
    struct resolve_result home;          /* in the tenant's, when the asked one had no price */
    int tried_home, converted;           /* converted: the answer is home's, times the rate */
    const struct resolve_result *priced; /* the resolution the price came from */
    struct money_dec amount;             /* in c->currency, rounded once */
    const char *amount_text;             /* "950.00" */
    const struct tax_rate *tax;          /* with a region and a rate */
    const char *tax_text, *gross_text;
};

/*
 * Prices items[0..n) against sets: resolve_batch() in the asked currency, then once more in
 * the tenant's for the items that had no price, converted; then tax. Sets each item's rc.
 */
void price_items(struct arena *ar, const struct price_context *c, const struct price_sets *sets,
                 struct price_item *items, size_t n);

/*
 * A decimal kept in the database ("950.000000") as the API shows it: decimals digits after
 * the point (a currency's minor unit), or with decimals < 0 as few as the value needs ("5",
 * "12.5"). s itself when it is not a decimal or has digits beyond decimals.
 */
const char *price_decimal_text(struct arena *ar, const char *s, int decimals);

/* A rule's value as the API shows it: a fixed amount in currency's decimals, else a percent. */
const char *price_rule_value_text(struct arena *ar, const struct resolve_rule *rule,
                                  const char *currency);

/*
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes
 * doubled. Text that a spreadsheet would run as a formula (starting with = + - @, a tab or
 * a carriage return) gets a leading apostrophe. NULL is an empty field.
 */
void price_csv_field(struct sb *sb, const char *s);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_PRICE_SKUS, Q_PRICE_SKUS_IN, Q_PRICE_VIEWER_PUBS, Q_PRICE_BOOKS,
    Q_PRICE_RULES, Q_PRICE_BOOK_RULES, Q_PRICE_FX_IN_EFFECT, Q_PRICE_TAX_IN_EFFECT;
#define PRICE_QUERIES                                                                              \
    &Q_PRICE_SKUS, &Q_PRICE_SKUS_IN, &Q_PRICE_VIEWER_PUBS, &Q_PRICE_BOOKS, &Q_PRICE_RULES,         \
        &Q_PRICE_BOOK_RULES, &Q_PRICE_FX_IN_EFFECT, &Q_PRICE_TAX_IN_EFFECT

#endif
