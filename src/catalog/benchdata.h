/* trellis bench-data: a tenant with a large catalog network, generated inside MariaDB. */
#ifndef CATALOG_BENCHDATA_H
#define CATALOG_BENCHDATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Nothing returned here needs free(); strings live in the arena passed in. The data is
 * written as the API would have written it (one publication version 1 per publication,
 * its items from version 1), but without audit rows or outbox events.
 */
struct arena;
struct db;

/* Bounds of the options: each generating statement stays well under the client's
 * 30 s read timeout on a two-core machine. */
#define BENCHDATA_MANUFACTURERS_MAX 100
#define BENCHDATA_SKUS_MAX          100000 /* per manufacturer */
#define BENCHDATA_DISTRIBUTORS_MAX  1000
#define BENCHDATA_DEALERS_MAX       100000
#define BENCHDATA_PRODUCTS          200  /* per manufacturer, fewer when it has fewer SKUs */
#define BENCHDATA_HOLDBACK          1000 /* SKUs of the chosen manufacturer left for a publish */
#define BENCHDATA_DIRECT_EVERY      8    /* every 8th dealer is also a dealer of a manufacturer */
#define BENCHDATA_DIRECT_SHARE      40   /* a direct publication carries 1 SKU in 40 */
#define BENCHDATA_BOOKS_MAX         100000
#define BENCHDATA_RULES_MAX         1000000

/*
 * Removing a tenant goes in batches, so no statement runs long: var, a registered
 * statement deleting up to BENCHDATA_DEL_BATCH of the tenant's rows of table.
 */
#define BENCHDATA_DEL_BATCH 20000
#define BENCHDATA_STR_(x)   #x
#define BENCHDATA_STR(x)    BENCHDATA_STR_(x)
#define BENCHDATA_DEL_QUERY(var, table)                                                            \
    const struct db_query var = {                                                                  \
        "benchdata.delete_" table,                                                                 \
        "DELETE FROM " table " WHERE tenant_id = ? LIMIT " BENCHDATA_STR(BENCHDATA_DEL_BATCH),     \
        "L",                                                                                       \
        "",                                                                                        \
        DBQ_TENANT,                                                                                \
    }

struct benchdata_opts {
    const char *slug;
    int manufacturers, skus_per_manufacturer, distributors, dealers;
    int books, rules; /* price books and (about) how many rules in all */
    int hospitals;    /* service (service/benchdata_service.h): hospitals, equipment, tickets */
    long long equipment, tickets;
    int64_t seed;
    int replace; /* remove the tenant and everything in it first */
};

/* Sets the defaults: tenant "bench", 5 manufacturers of 20,000 SKUs, 50 distributors,
 * 2,000 dealers, 2,000 price books, 200,000 price rules, 1,000 hospitals, 200,000
 * equipment, 1,000,000 tickets, seed 1. */
void benchdata_defaults(struct benchdata_opts *o);

/* NULL when the options are within bounds, else why not. */
const char *benchdata_check(const struct benchdata_opts *o);

enum { BENCHDATA_EXISTS = 1 }; /* the tenant exists and replace was not asked for */

/*
 * Generates the tenant of o and prints the credentials and ids a benchmark needs as one
 * JSON object on out; progress goes to progress (NULL: none). Returns 0, BENCHDATA_EXISTS
 * or a DB_E* code with the reason in err. A failure removes what was written.
 */
int benchdata_generate(struct db *db, struct arena *ar, const struct benchdata_opts *o, FILE *out,
                       FILE *progress, char *err, size_t errlen);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_BD_TENANT, Q_BD_TENANT_DELETE, Q_BD_ORGS, Q_BD_ORG_IDS, Q_BD_USER,
    Q_BD_MEMBERSHIP, Q_BD_CHANNEL, Q_BD_PRODUCTS, Q_BD_SKUS, Q_BD_REL_DISTRIBUTORS,
    Q_BD_REL_DEALERS, Q_BD_REL_DIRECT, Q_BD_PUBS_DISTRIBUTORS, Q_BD_PUBS_ALL, Q_BD_PUBS_DIRECT,
    Q_BD_HOLDBACK, Q_BD_SKU_SPAN, Q_BD_ITEMS_MAKERS, Q_BD_ITEMS_REPUBLISH, Q_BD_VERSIONS,
    Q_BD_PUBS_SET, Q_BD_PUBS_EMPTY, Q_BD_PUB_IDS, Q_BD_DEL_ITEMS, Q_BD_BOOKS, Q_BD_RULES_GLOBAL,
    Q_BD_RULES_CHANNEL, Q_BD_RULES_DEALERS, Q_BD_BOOK_SPAN, Q_BD_DEL_PRICE_RULES,
    Q_BD_DEL_PRICE_BOOKS, Q_BD_DEL_FX_RATES, Q_BD_DEL_TAX_RATES, Q_BD_DEL_VERSIONS,
    Q_BD_DEL_PUBLICATIONS, Q_BD_DEL_OFFERINGS, Q_BD_DEL_SKUS, Q_BD_DEL_PRODUCTS, Q_BD_DEL_CHANNELS,
    Q_BD_DEL_RELATIONSHIPS, Q_BD_DEL_MEMBERSHIPS, Q_BD_DEL_REFRESH, Q_BD_DEL_USER_TOKENS,
    Q_BD_DEL_IDEM, Q_BD_DEL_OUTBOX, Q_BD_DEL_AUDIT, Q_BD_DEL_USERS, Q_BD_DEL_ORGS;
#define BENCH_QUERIES                                                                              \
    &Q_BD_TENANT, &Q_BD_TENANT_DELETE, &Q_BD_ORGS, &Q_BD_ORG_IDS, &Q_BD_USER, &Q_BD_MEMBERSHIP,    \
        &Q_BD_CHANNEL, &Q_BD_PRODUCTS, &Q_BD_SKUS, &Q_BD_REL_DISTRIBUTORS, &Q_BD_REL_DEALERS,      \
        &Q_BD_REL_DIRECT, &Q_BD_PUBS_DISTRIBUTORS, &Q_BD_PUBS_ALL, &Q_BD_PUBS_DIRECT,              \
        &Q_BD_HOLDBACK, &Q_BD_SKU_SPAN, &Q_BD_ITEMS_MAKERS, &Q_BD_ITEMS_REPUBLISH, &Q_BD_VERSIONS, \
        &Q_BD_PUBS_SET, &Q_BD_PUBS_EMPTY, &Q_BD_PUB_IDS, &Q_BD_DEL_ITEMS, &Q_BD_BOOKS,             \
        &Q_BD_RULES_GLOBAL, &Q_BD_RULES_CHANNEL, &Q_BD_RULES_DEALERS, &Q_BD_BOOK_SPAN,             \
        &Q_BD_DEL_PRICE_RULES, &Q_BD_DEL_PRICE_BOOKS, &Q_BD_DEL_FX_RATES, &Q_BD_DEL_TAX_RATES,     \
        &Q_BD_DEL_VERSIONS, &Q_BD_DEL_PUBLICATIONS, &Q_BD_DEL_OFFERINGS, &Q_BD_DEL_SKUS,           \
        &Q_BD_DEL_PRODUCTS, &Q_BD_DEL_CHANNELS, &Q_BD_DEL_RELATIONSHIPS, &Q_BD_DEL_MEMBERSHIPS,    \
        &Q_BD_DEL_REFRESH, &Q_BD_DEL_USER_TOKENS, &Q_BD_DEL_IDEM, &Q_BD_DEL_OUTBOX,                \
        &Q_BD_DEL_AUDIT, &Q_BD_DEL_USERS, &Q_BD_DEL_ORGS

#endif
