/* Price books and their rules: the checks of their fields and the statements that keep them. */
#ifndef PRICING_BOOK_H
#define PRICING_BOOK_H

#include <stddef.h>
#include <stdint.h>

#include "pricing/resolve.h"

/*
 * Every char * returned here is static text or lives in the arena passed in; nothing needs
 * free(). Pure rules (book.c) return NULL when the value is valid, else a lower-case reason
 * for problem+json `errors`. Functions that reach the database return 0 or a DB_E* code.
 */
struct arena;
struct db;

#define BOOK_NAME_MAX     200 /* bytes */
#define BOOK_CATEGORY_MAX 100 /* bytes of a category selector_value, as products.category */
/* priority: higher first; a range wide enough for any ordering people keep by hand */
#define BOOK_PRIORITY_MIN (-1000000)
#define BOOK_PRIORITY_MAX 1000000
/* The range of MariaDB's TIMESTAMP(3) in ms since 1970, for effective_from and _to. */
#define BOOK_TIME_MIN_MS 1000LL
#define BOOK_TIME_MAX_MS 2147483647999LL
/* min_qty is DECIMAL(15, 3): at most 12 digits before the point. */
#define BOOK_QTY_INT_DIGITS 12

/* 1..200 bytes, not blank, no control characters */
const char *book_check_name(const char *name);
/* global|org|channel|org_channel */
const char *book_check_scope_type(const char *scope_type);
/* what a write may set: draft|active (a book is retired by POST .../retire only) */
const char *book_check_status(const char *status);
/* any status, for list filters: draft|active|retired */
const char *book_check_status_filter(const char *status);
/* an active ISO 4217 code of core/currency.h, upper case */
const char *book_check_currency(const char *currency);
/* BOOK_PRIORITY_MIN..BOOK_PRIORITY_MAX */
const char *book_check_priority(int64_t priority);
/* an effective_from or effective_to the database can store */
const char *book_check_time(int64_t ms);
/* effective_to after effective_from when both are set (has_*: 0 means open) */
const char *book_check_window(int has_from, int64_t from, int has_to, int64_t to);

/*
 * Whether a book of scope s names an organization (org, org_channel) and a channel
 * (channel, org_channel). scope is a value of enum price_scope.
 */
int book_scope_has_org(int scope);
int book_scope_has_channel(int scope);
/*
 * org_id or channel_id (which: 'o' or 'c') given (or not) for a book of scope: "is required
 * for scope_type org" or "must be null for scope_type global", else NULL.
 */
const char *book_check_scope_id(int scope, char which, int given);

/* sku|product|category|all */
const char *book_check_selector(const char *selector);
/* fixed|discount|markup|margin */
const char *book_check_rule_type(const char *rule_type);
/*
 * selector_value for selector (enum price_selector): sku and product take the id in
 * decimal (a positive integer, no sign or leading zero; *id gets it), category a name of
 * 1..100 bytes (not blank, no control characters), all nothing (value NULL). value NULL
 * means absent or null.
 */
const char *book_check_selector_value(int selector, const char *value, int64_t *id);
/*
 * A rule's value for rule_type in a book of currency: resolve_check_value()'s rules (a
 * fixed amount with at most the currency's decimals, percents in their ranges).
 */
const char *book_check_value(struct arena *ar, int rule_type, const char *value,
                             const char *currency);
/* min_qty: resolve_check_qty()'s rules, and at most BOOK_QTY_INT_DIGITS digits before the point */
const char *book_check_min_qty(struct arena *ar, const char *min_qty);

/*
 * Values as answers show them (docs/pricing.md): a fixed amount with exactly the currency's
 * decimals ("950.00", JPY "950"); a percent or a quantity with as few as it needs ("5",
 * "12.5"). stored is the database's text ("950.000000"); unreadable text comes back as is.
 */
const char *book_value_text(struct arena *ar, int rule_type, const char *stored,
                            const char *currency);
const char *book_qty_text(struct arena *ar, const char *stored);

/*
 * For the pages and other modules: the owner rule (docs/pricing.md "Books and rules"). A
 * caller without an organization (org_type NULL) works on every book; an organization of
 * type manufacturer or distributor on its own books; any other organization on none.
 */
int book_org_type_may_manage(const char *org_type);

/*
 * The demo seed (docs/pricing.md, Example B): an org_channel book for dl1 at channel
 * (sa1 fixed 950), a channel book for channel (sb1 fixed 1000 less 5 %, sa1 fixed 1000) and a
 * global book (products pa 1200, pb 1100), all in EUR, each made with its rules unless a
 * book of its name exists already (seeding again adds nothing).
 */
int book_seed_demo(struct db *db, struct arena *ar, int64_t tenant_id, int64_t dl1, int64_t channel,
                   int64_t sa1, int64_t sb1, int64_t pa, int64_t pb);

/* Registered statements (src/registry.c), all in book_db.c. */
struct db_query;
extern const struct db_query Q_BOOK_LIST, Q_BOOK_GET, Q_BOOK_GET_FOR_UPDATE, Q_BOOK_INSERT,
    Q_BOOK_UPDATE, Q_BOOK_RETIRE, Q_BOOK_BUMP, Q_RULE_LIST, Q_RULE_GET, Q_RULE_GET_FOR_UPDATE,
    Q_RULE_INSERT, Q_RULE_UPDATE, Q_RULE_DELETE, Q_BOOK_SEED_FIND;
#define BOOK_QUERIES                                                                               \
    &Q_BOOK_LIST, &Q_BOOK_GET, &Q_BOOK_GET_FOR_UPDATE, &Q_BOOK_INSERT, &Q_BOOK_UPDATE,             \
        &Q_BOOK_RETIRE, &Q_BOOK_BUMP, &Q_RULE_LIST, &Q_RULE_GET, &Q_RULE_GET_FOR_UPDATE,           \
        &Q_RULE_INSERT, &Q_RULE_UPDATE, &Q_RULE_DELETE, &Q_BOOK_SEED_FIND

/*
 * Book queries read a book as the caller may see it: their last two parameters are the
 * caller's organization (N: 0 binds NULL, everything) twice, which keeps the books it owns.
 * Columns, in order: id L, name, owner_org_id L, scope_type, org_id L, channel_id L (NULL
 * when the scope names none), currency, priority L, status, effective_from, effective_to
 * (RFC 3339 UTC with milliseconds, NULL when open), version L, rule_count L, created_at,
 * updated_at.
 */
enum {
    BOOK_COL_ID,
    BOOK_COL_NAME,
    BOOK_COL_OWNER,
    BOOK_COL_SCOPE,
    BOOK_COL_ORG,
    BOOK_COL_CHANNEL,
    BOOK_COL_CURRENCY,
    BOOK_COL_PRIORITY,
    BOOK_COL_STATUS,
    BOOK_COL_FROM,
    BOOK_COL_TO,
    BOOK_COL_VERSION,
    BOOK_COL_RULE_COUNT,
    BOOK_COL_CREATED_AT,
    BOOK_COL_UPDATED_AT,
};

/*
 * Rule queries, with the visibility of their book as above: id L, price_book_id L, selector,
 * selector_value (NULL for all), rule_type, value, min_qty (NULL: none; as stored,
 * "950.000000"), version L, created_at, updated_at, and the book's currency and status.
 */
enum {
    RULE_COL_ID,
    RULE_COL_BOOK,
    RULE_COL_SELECTOR,
    RULE_COL_SELECTOR_VALUE,
    RULE_COL_TYPE,
    RULE_COL_VALUE,
    RULE_COL_MIN_QTY,
    RULE_COL_VERSION,
    RULE_COL_CREATED_AT,
    RULE_COL_UPDATED_AT,
    RULE_COL_CURRENCY,
    RULE_COL_BOOK_STATUS,
};

#endif
