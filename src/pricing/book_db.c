/* Price books' and rules' SQL: the only place their statements live. */
#include "pricing/book.h"

#include "core/arena.h"
#include "db/db.h"

#define TIME_COL(c) "CONCAT(LEFT(DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"

/* The columns of enum BOOK_COL_*; a locking read does not lock the counted rules. */
#define BOOK_COLS                                                                                  \
    "b.id, b.name, b.owner_org_id, b.scope_type, b.org_id, b.channel_id, b.currency, "             \
    "b.priority, b.status, " TIME_COL("b.effective_from") ", " TIME_COL(                           \
        "b.effective_to") ", b.version, "                                                          \
                          "(SELECT COUNT(*) FROM price_rules r WHERE r.tenant_id = b.tenant_id "   \
                          "AND r.price_book_id = b.id), " TIME_COL("b.created_at") ", " TIME_COL(  \
                              "b.updated_at")
#define BOOK_COL_TYPES "LsLsLLsLsssLLss"
/* The caller's organization twice (N: 0 is NULL, everything): keeps the books it owns. */
#define BOOK_VISIBLE "(? IS NULL OR b.owner_org_id = ?)"

/* One statement for every filter: a NULL parameter switches its filter off. */
const struct db_query Q_BOOK_LIST = {
    "pricing.book_list",
    "SELECT " BOOK_COLS " FROM price_books b WHERE b.tenant_id = ? AND b.id > ? "
    "AND (? IS NULL OR b.scope_type = ?) AND (? IS NULL OR b.org_id = ?) "
    "AND (? IS NULL OR b.channel_id = ?) AND (? IS NULL OR b.currency = ?) "
    "AND (? IS NULL OR b.status = ?) AND (? IS NULL OR b.owner_org_id = ?) "
    "AND " BOOK_VISIBLE " ORDER BY b.id LIMIT ?",
    "LLssNNNNssssNNNNi",
    BOOK_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_BOOK_GET = {
    "pricing.book_get",
    "SELECT " BOOK_COLS " FROM price_books b WHERE b.tenant_id = ? AND b.id = ? AND " BOOK_VISIBLE,
    "LLNN",
    BOOK_COL_TYPES,
    DBQ_TENANT,
};

/* Every change to a book or its rules locks the book first: its version orders them. */
const struct db_query Q_BOOK_GET_FOR_UPDATE = {
    "pricing.book_get_for_update",
    "SELECT " BOOK_COLS " FROM price_books b WHERE b.tenant_id = ? AND b.id = ? AND " BOOK_VISIBLE
    " FOR UPDATE",
    "LLNN",
    BOOK_COL_TYPES,
    DBQ_TENANT,
};

/* Times as "YYYY-MM-DD HH:MM:SS.mmm" UTC (the session runs in +00:00), NULL when open. */
const struct db_query Q_BOOK_INSERT = {
    "pricing.book_insert",
    "INSERT INTO price_books (tenant_id, name, owner_org_id, scope_type, org_id, channel_id, "
    "currency, priority, status, effective_from, effective_to) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "LsNsNNsLsss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_BOOK_UPDATE = {
    "pricing.book_update",
    "UPDATE price_books SET name = ?, priority = ?, status = ?, effective_from = ?, "
    "effective_to = ?, version = version + 1 WHERE tenant_id = ? AND id = ?",
    "sLsssLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_BOOK_RETIRE = {
    "pricing.book_retire",
    "UPDATE price_books SET status = 'retired', version = version + 1 "
    "WHERE tenant_id = ? AND id = ?",
    "LL",
    "",
    DBQ_TENANT,
};

/* A rule of the book changed: the book's version goes up in the same transaction. */
const struct db_query Q_BOOK_BUMP = {
    "pricing.book_bump",
    "UPDATE price_books SET version = version + 1 WHERE tenant_id = ? AND id = ?",
    "LL",
    "",
    DBQ_TENANT,
};

/* The columns of enum RULE_COL_*, with the book's currency and status. */
#define RULE_COLS                                                                                  \
    "r.id, r.price_book_id, r.selector, r.selector_value, r.rule_type, r.value, r.min_qty, "       \
    "r.version, " TIME_COL("r.created_at") ", " TIME_COL("r.updated_at") ", b.currency, b.status"
#define RULE_COL_TYPES "LLsssssLssss"
#define RULE_FROM                                                                                  \
    " FROM price_rules r JOIN price_books b ON b.tenant_id = r.tenant_id AND b.id = "              \
    "r.price_book_id "

const struct db_query Q_RULE_LIST = {
    "pricing.rule_list",
    "SELECT " RULE_COLS RULE_FROM "WHERE r.tenant_id = ? AND r.id > ? "
    "AND (? IS NULL OR r.price_book_id = ?) AND (? IS NULL OR r.selector = ?) "
    "AND (? IS NULL OR r.selector_value = ?) AND " BOOK_VISIBLE " ORDER BY r.id LIMIT ?",
    "LLNNssssNNi",
    RULE_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_RULE_GET = {
    "pricing.rule_get",
    "SELECT " RULE_COLS RULE_FROM "WHERE r.tenant_id = ? AND r.id = ? AND " BOOK_VISIBLE,
    "LLNN",
    RULE_COL_TYPES,
    DBQ_TENANT,
};

/* Locks the rule and its book (the book is locked first when the book's id is known). */
const struct db_query Q_RULE_GET_FOR_UPDATE = {
    "pricing.rule_get_for_update",
    "SELECT " RULE_COLS RULE_FROM "WHERE r.tenant_id = ? AND r.id = ? AND r.price_book_id = ? "
    "FOR UPDATE",
    "LLL",
    RULE_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_RULE_INSERT = {
    "pricing.rule_insert",
    "INSERT INTO price_rules (tenant_id, price_book_id, selector, selector_value, rule_type, "
    "value, min_qty) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "LLsssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_RULE_UPDATE = {
    "pricing.rule_update",
    "UPDATE price_rules SET selector = ?, selector_value = ?, rule_type = ?, value = ?, "
    "min_qty = ?, version = version + 1 WHERE tenant_id = ? AND id = ?",
    "sssssLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_RULE_DELETE = {
    "pricing.rule_delete",
    "DELETE FROM price_rules WHERE tenant_id = ? AND id = ?",
    "LL",
    "",
    DBQ_TENANT,
};

/* The demo seed's books are the tenant's own, found again by name. */
const struct db_query Q_BOOK_SEED_FIND = {
    "pricing.book_seed_find",
    "SELECT id FROM price_books WHERE tenant_id = ? AND name = ? AND owner_org_id IS NULL "
    "ORDER BY id LIMIT 1",
    "Ls",
    "L",
    DBQ_TENANT,
};

struct seed_rule {
    const char *selector;
    int target; /* index into the ids book_seed_demo() was given */
    const char *rule_type, *value;
};

struct seed_book {
    const char *name, *scope;
    int org, channel; /* 1: the scope names dl1, the channel */
    struct seed_rule rules[3];
};

enum { T_SA1, T_SB1, T_PA, T_PB };

/* Example B of docs/pricing.md, in the demo tenant. */
static const struct seed_book seed_books[] = {
    {"DL1 at the dealer channel", "org_channel", 1, 1, {{"sku", T_SA1, "fixed", "950"}}},
    {"Dealer channel",
     "channel",
     0,
     1,
     {{"sku", T_SB1, "fixed", "1000"},
      {"sku", T_SB1, "discount", "5"},
      {"sku", T_SA1, "fixed", "1000"}}},
    {"List prices",
     "global",
     0,
     0,
     {{"product", T_PA, "fixed", "1200"}, {"product", T_PB, "fixed", "1100"}}},
};

int book_seed_demo(struct db *db, struct arena *ar, int64_t tenant_id, int64_t dl1, int64_t channel,
                   int64_t sa1, int64_t sb1, int64_t pa, int64_t pb)
{
    const int64_t target[] = {sa1, sb1, pa, pb};
    struct db_res res;
    int rc;

    for (size_t i = 0; i < sizeof(seed_books) / sizeof(seed_books[0]); i++) {
        const struct seed_book *s = &seed_books[i];
        int64_t book;

        rc = db_exec(db, ar, &Q_BOOK_SEED_FIND, tenant_id, &res, s->name);
        if (rc)
            return rc;
        if (res.nrows > 0)
            continue;
        rc = db_exec(db, ar, &Q_BOOK_INSERT, tenant_id, &res, s->name, 0LL, s->scope,
                     (long long)(s->org ? dl1 : 0), (long long)(s->channel ? channel : 0), "EUR",
                     0LL, "active", (const char *)NULL, (const char *)NULL);
        if (rc)
            return rc;
        book = (int64_t)res.insert_id;
        for (size_t k = 0; k < sizeof(s->rules) / sizeof(s->rules[0]) && s->rules[k].selector;
             k++) {
            const struct seed_rule *ru = &s->rules[k];
            rc = db_exec(db, ar, &Q_RULE_INSERT, tenant_id, NULL, (long long)book, ru->selector,
                         arena_printf(ar, "%lld", (long long)target[ru->target]), ru->rule_type,
                         ru->value, (const char *)NULL);
            if (rc)
                return rc;
        }
    }
    return 0;
}
