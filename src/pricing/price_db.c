/* What a resolve reads: the SKUs, the candidate books, their rules that can match, FX and tax. */
#include "pricing/price.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/sb.h"
#include "db/db.h"
#include "pricing/price_cache.h"
#include "tenant/tenant.h"

/* An array of ids with their positions, as publish_db.c reads one. */
#define IDS_TABLE                                                                                  \
    "JSON_TABLE(?, '$[*]' COLUMNS (pos FOR ORDINALITY, id BIGINT UNSIGNED PATH '$')) k"

/*
 * catalog/product.h's visibility of a SKU s to organization X (five parameters, each X; 0:
 * tenant-wide): its manufacturer is X, or it is live in a publication X published, one to X,
 * or one to all from an active distributor_of or dealer_of parent of X. The same rule as
 * GET /v1/skus/{id}, so a resolve never names a SKU the caller could not read.
 */
#define SKU_VISIBLE                                                                                \
    "(? = 0 OR s.manufacturer_id = ? OR EXISTS (SELECT 1 FROM publication_items pi "               \
    "JOIN publications pb ON pb.tenant_id = pi.tenant_id AND pb.id = pi.publication_id "           \
    "WHERE pi.tenant_id = s.tenant_id AND pi.sku_id = s.id AND pi.to_version IS NULL "             \
    "AND (pb.publisher_org_id = ? OR pb.recipient_org_id = ? OR (pb.recipient_org_id IS NULL "     \
    "AND EXISTS (SELECT 1 FROM org_relationships rl WHERE rl.tenant_id = pb.tenant_id "            \
    "AND rl.parent_org_id = pb.publisher_org_id AND rl.child_org_id = ? "                          \
    "AND rl.relation_type IN ('distributor_of', 'dealer_of') AND rl.active_from <= NOW(3) "        \
    "AND (rl.active_to IS NULL OR rl.active_to > NOW(3)))))))"

/* ms since the epoch of a TIMESTAMP(3) (the session runs in +00:00); NULL stays NULL */
#define MS(c) "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', " c ") DIV 1000"

const struct db_query Q_PRICE_SKUS = {
    "price.skus",
    "SELECT k.pos, s.id, s.product_id, s.sku_code, p.name, p.category FROM " IDS_TABLE
    " JOIN skus s ON s.tenant_id = ? AND s.id = k.id "
    "JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id WHERE " SKU_VISIBLE,
    "sLLLLLL",
    "LLLsss",
    DBQ_TENANT,
};

/*
 * The same visibility, with the publications whose items X may read already known (viewer_pubs
 * below): one lookup of ix_pubitems_live per publication, not every item of the SKU. Params:
 * the ids, the tenant, X, X, the publications as a JSON array.
 */
const struct db_query Q_PRICE_SKUS_IN = {
    "price.skus_in",
    "SELECT k.pos, s.id, s.product_id, s.sku_code, p.name, p.category FROM " IDS_TABLE
    " JOIN skus s ON s.tenant_id = ? AND s.id = k.id "
    "JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id "
    "WHERE (? = 0 OR s.manufacturer_id = ? OR EXISTS (SELECT 1 FROM JSON_TABLE(?, '$[*]' "
    "COLUMNS (id BIGINT UNSIGNED PATH '$')) vp JOIN publication_items pi "
    "ON pi.tenant_id = s.tenant_id AND pi.publication_id = vp.id AND pi.to_version IS NULL "
    "AND pi.sku_id = s.id))",
    "sLLLs",
    "LLLsss",
    DBQ_TENANT,
};

/*
 * The publications X published, those to X, and those to all of a parent with a
 * distributor_of or dealer_of relationship to X, with that relationship's window (so the
 * caller sees which are live now and when that next changes). Params: X, X, X, the tenant,
 * X, X.
 */
const struct db_query Q_PRICE_VIEWER_PUBS = {
    "price.viewer_pubs",
    "SELECT pb.id, pb.publisher_org_id = ? OR pb.recipient_org_id <=> ?, " MS(
        "rl.active_from") ", " MS("rl.active_to") " FROM publications pb "
                                                  "LEFT JOIN org_relationships rl ON rl.tenant_id "
                                                  "= pb.tenant_id "
                                                  "AND pb.recipient_org_id IS NULL AND "
                                                  "rl.parent_org_id = pb.publisher_org_id "
                                                  "AND rl.child_org_id = ? AND rl.relation_type IN "
                                                  "('distributor_of', 'dealer_of') "
                                                  "WHERE pb.tenant_id = ? AND (pb.publisher_org_id "
                                                  "= ? OR pb.recipient_org_id = ? "
                                                  "OR rl.parent_org_id IS NOT NULL) ORDER BY pb.id",
    "LLLLLL",
    "LLLL",
    DBQ_TENANT,
};

/* A book as the resolver takes it: id, name, scope, org, channel, currency, version, window. */
#define BOOK_COLS                                                                                  \
    "id, name, scope_type, org_id, channel_id, currency, version, " MS("effective_from") ", " MS(  \
        "effective_to") ", priority"

/*
 * The candidate books: active, in either currency, of the scopes that can match the context.
 * Each disjunct is one range of ix_price_books_scope, forced as the rules' index is (an
 * absent org or channel binds NULL, which matches nothing). The window is left to the
 * resolver, which reports a book outside it: the range read is the same.
 */
const struct db_query Q_PRICE_BOOKS = {
    "price.books",
    "SELECT " BOOK_COLS " FROM price_books FORCE INDEX (ix_price_books_scope) "
    "WHERE tenant_id = ? AND currency IN (?, ?) AND status = 'active' "
    "AND (scope_type = 'global' OR (scope_type = 'org' AND org_id = ?) "
    "OR (scope_type = 'channel' AND org_id IS NULL AND channel_id = ?) "
    "OR (scope_type = 'org_channel' AND org_id = ? AND channel_id = ?)) ORDER BY id",
    "LssNNNN",
    "LssLLsLLLL",
    DBQ_TENANT,
};

/*
 * The rules of the books (first array) whose (selector, selector_value) is one of the keys
 * (second array: ["sku", "101"], ["category", "analyzers"], ["all", null]...). The join
 * order and the index are forced: each (book, key) pair is one lookup of
 * ix_price_rules_match, never a scan of the tenant's rules, whatever the statistics say (on a
 * small table the optimizer takes the tenant's prefix of another key). DISTINCT: keys equal
 * under the column's collation meet the same rule.
 */
const struct db_query Q_PRICE_RULES = {
    "price.rules",
    "SELECT STRAIGHT_JOIN DISTINCT r.id, r.price_book_id, r.selector, r.selector_value, "
    "r.rule_type, r.value, r.min_qty "
    "FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) b "
    "JOIN JSON_TABLE(?, '$[*]' COLUMNS (sel VARCHAR(8) PATH '$[0]', "
    "val VARCHAR(100) PATH '$[1]')) k "
    "JOIN price_rules r FORCE INDEX (ix_price_rules_match) ON r.tenant_id = ? "
    "AND r.price_book_id = b.id AND r.selector = k.sel AND r.selector_value <=> k.val "
    "ORDER BY r.id",
    "ssL",
    "LLsssss",
    DBQ_TENANT,
};

/* One book's rules, whole, to keep (price_cache.h): one more than it keeps says "too big". */
const struct db_query Q_PRICE_BOOK_RULES = {
    "price.book_rules",
    "SELECT id, price_book_id, selector, selector_value, rule_type, value, min_qty "
    "FROM price_rules WHERE tenant_id = ? AND price_book_id = ? ORDER BY id LIMIT ?",
    "LLi",
    "LLsssss",
    DBQ_TENANT,
};

/* The latest rate of the pair on or before the day (uq_fx_rates_pair_date, read backwards). */
const struct db_query Q_PRICE_FX_IN_EFFECT = {
    "price.fx_in_effect",
    "SELECT id, rate, DATE_FORMAT(rate_date, '%Y-%m-%d') FROM fx_rates WHERE tenant_id = ? "
    "AND base_currency = ? AND quote_currency = ? AND rate_date <= ? "
    "ORDER BY rate_date DESC LIMIT 1",
    "Lsss",
    "Lss",
    DBQ_TENANT,
};

/* Per category of the region (and its default, category NULL): the latest rate on or before the
 * day. */
const struct db_query Q_PRICE_TAX_IN_EFFECT = {
    "price.tax_in_effect",
    "SELECT t.id, t.category, t.rate, DATE_FORMAT(t.effective_from, '%Y-%m-%d') FROM tax_rates t "
    "WHERE t.tenant_id = ? AND t.region = ? AND t.effective_from <= ? AND NOT EXISTS (SELECT 1 "
    "FROM tax_rates u WHERE u.tenant_id = t.tenant_id AND u.region = t.region "
    "AND u.category_key = t.category_key AND u.effective_from > t.effective_from "
    "AND u.effective_from <= ?) ORDER BY t.id",
    "Lsss",
    "Lsss",
    DBQ_TENANT,
};

int price_load_tenant(struct db *db, struct arena *ar, const struct price_memo *m,
                      int64_t tenant_id, const char **currency, enum money_rounding *rounding)
{
    struct db_res res;
    size_t len;
    const char *kept = price_memo_get(m, "tenant", &len);
    int rc;

    /* "EUR half_even" */
    if (kept && len > 4 && kept[3] == ' ' && money_rounding_parse(kept + 4, rounding) == 0) {
        *currency = arena_strndup(ar, kept, 3);
        return 0;
    }
    rc = db_exec(db, ar, &Q_TENANT_SETTINGS_GET, 0, &res, (long long)tenant_id);
    if (rc)
        return rc;
    if (res.nrows != 1)
        return DB_ENOTFOUND;
    *currency = db_at(&res, 0, TENANT_COL_CURRENCY)->s;
    if (money_rounding_parse(db_at(&res, 0, TENANT_COL_ROUNDING)->s, rounding) != 0)
        *rounding = MONEY_HALF_AWAY_FROM_ZERO;
    if (strlen(*currency) == 3) {
        const char *v = arena_printf(ar, "%s %s", *currency, money_rounding_name(*rounding));
        price_memo_put(m, "tenant", v, strlen(v));
    }
    return 0;
}

/* A book as the memo keeps it: its numbers, then its currency and name by length. */
static void book_text(struct sb *t, const struct resolve_book *b, const char *name)
{
    sb_printf(t, "%lld %lld %d %lld %lld %d %lld %d %lld %lld %zu:%s %zu:", (long long)b->id,
              (long long)b->version, (int)b->scope, (long long)b->org_id, (long long)b->channel_id,
              b->has_from, (long long)b->effective_from, b->has_to, (long long)b->effective_to,
              (long long)b->priority, strlen(b->currency), b->currency, strlen(name));
    sb_adds(t, name);
    sb_addc(t, '\n');
}

/* The next number of kept text and the separator after it; -1 when they are not there. */
static int next_num(const char **p, char sep, long long *v)
{
    char *end;

    errno = 0;
    *v = strtoll(*p, &end, 10);
    if (errno || end == *p || *end != sep)
        return -1;
    *p = end + 1;
    return 0;
}

/* The next "<length>:<bytes>" of kept text, or NULL. */
static const char *next_str(struct arena *ar, const char **p, const char *end)
{
    long long n;
    const char *s;

    if (next_num(p, ':', &n) != 0 || n < 0 || end - *p < n)
        return NULL;
    s = arena_strndup(ar, *p, (size_t)n);
    *p += n;
    return s;
}

/* The books of kept text, or -1 when it does not read as book_text() wrote it. */
static int books_of_text(struct arena *ar, const char *p, const char *end, struct price_context *c)
{
    size_t n = 0;

    for (const char *q = p; q < end; q++)
        n += *q == '\n';
    c->books = arena_zalloc(ar, sizeof(*c->books) * (n + 1));
    c->book_names = arena_zalloc(ar, sizeof(*c->book_names) * (n + 1));
    c->nbooks = 0;
    while (p < end && c->nbooks < n) {
        struct resolve_book *b = &c->books[c->nbooks];
        long long v[10];
        const char *currency, *name;

        for (int k = 0; k < 10; k++)
            if (next_num(&p, ' ', &v[k]) != 0)
                return -1;
        if (!(currency = next_str(ar, &p, end)) || p >= end || *p++ != ' ' ||
            !(name = next_str(ar, &p, end)) || p >= end || *p++ != '\n')
            return -1;
        *b = (struct resolve_book){.id = v[0],
                                   .version = v[1],
                                   .scope = (enum price_scope)v[2],
                                   .org_id = v[3],
                                   .channel_id = v[4],
                                   .has_from = (int)v[5],
                                   .effective_from = v[6],
                                   .has_to = (int)v[7],
                                   .effective_to = v[8],
                                   .priority = v[9],
                                   .currency = currency,
                                   .status = PBOOK_ACTIVE};
        c->book_names[c->nbooks++] = name;
    }
    return p == end ? 0 : -1;
}

static int load_books(struct db *db, struct arena *ar, int64_t tenant_id, struct price_context *c)
{
    const char *key = arena_printf(ar, "books %s %s %lld %lld", c->currency, c->home_currency,
                                   (long long)c->org_id, (long long)c->channel_id);
    size_t len;
    const char *kept = price_memo_get(&c->memo, key, &len);
    struct db_res res;
    struct sb text;
    int rc;

    if (kept && books_of_text(ar, kept, kept + len, c) == 0)
        return 0;
    rc = db_exec(db, ar, &Q_PRICE_BOOKS, tenant_id, &res, c->currency, c->home_currency,
                 (long long)c->org_id, (long long)c->channel_id, (long long)c->org_id,
                 (long long)c->channel_id);
    if (rc)
        return rc;
    c->nbooks = (size_t)res.nrows;
    c->books = arena_zalloc(ar, sizeof(*c->books) * (c->nbooks + 1));
    c->book_names = arena_zalloc(ar, sizeof(*c->book_names) * (c->nbooks + 1));
    sb_init(&text, ar);
    for (int i = 0; i < res.nrows; i++) {
        struct resolve_book *b = &c->books[i];
        const struct db_val *from = db_at(&res, i, 7), *to = db_at(&res, i, 8);

        b->id = db_at(&res, i, 0)->i;
        c->book_names[i] = db_at(&res, i, 1)->s;
        b->scope = (enum price_scope)resolve_scope_parse(db_at(&res, i, 2)->s);
        b->org_id = db_at(&res, i, 3)->null ? 0 : db_at(&res, i, 3)->i;
        b->channel_id = db_at(&res, i, 4)->null ? 0 : db_at(&res, i, 4)->i;
        b->currency = db_at(&res, i, 5)->s;
        b->version = db_at(&res, i, 6)->i;
        b->status = PBOOK_ACTIVE;
        b->has_from = !from->null;
        b->effective_from = from->null ? 0 : from->i;
        b->has_to = !to->null;
        b->effective_to = to->null ? 0 : to->i;
        b->priority = db_at(&res, i, 9)->i;
        book_text(&text, b, c->book_names[i]);
    }
    if (!sb_error(&text))
        price_memo_put(&c->memo, key, text.buf ? text.buf : "", text.len);
    return 0;
}

int price_load_context(struct db *db, struct arena *ar, int64_t tenant_id, struct price_context *c)
{
    struct db_res res;
    int rc;

    fx_utc_date(c->at, c->date);
    rc = load_books(db, ar, tenant_id, c);
    if (!rc && strcmp(c->currency, c->home_currency) != 0) {
        rc = db_exec(db, ar, &Q_PRICE_FX_IN_EFFECT, tenant_id, &res, c->home_currency, c->currency,
                     c->date);
        if (!rc && res.nrows == 1 &&
            money_parse_decimal(db_at(&res, 0, 1)->s, MONEY_MAX_SCALE, &c->rate) == 0) {
            c->has_rate = 1;
            c->rate_id = db_at(&res, 0, 0)->i;
            c->rate_text = price_decimal_text(ar, db_at(&res, 0, 1)->s, -1);
            c->rate_date = db_at(&res, 0, 2)->s;
        }
    }
    if (!rc && c->region) {
        rc = db_exec(db, ar, &Q_PRICE_TAX_IN_EFFECT, tenant_id, &res, c->region, c->date, c->date);
        if (!rc) {
            c->ntaxes = (size_t)res.nrows;
            c->taxes = arena_zalloc(ar, sizeof(*c->taxes) * (c->ntaxes + 1));
            for (int i = 0; i < res.nrows; i++) {
                c->taxes[i].id = db_at(&res, i, 0)->i;
                c->taxes[i].category = db_at(&res, i, 1)->s;
                c->taxes[i].rate = price_decimal_text(ar, db_at(&res, i, 2)->s, -1);
                c->taxes[i].effective_from = db_at(&res, i, 3)->s;
            }
        }
    }
    return rc;
}

/* A SKU as the memo keeps it ("-": not one the viewer may read). */
static void sku_text(struct sb *t, const struct price_sku *k)
{
    sb_printf(t, "%lld %d %zu:%s %zu:", (long long)k->product_id, k->category != NULL,
              strlen(k->code), k->code, strlen(k->product));
    sb_adds(t, k->product);
    if (k->category) {
        sb_printf(t, " %zu:", strlen(k->category));
        sb_adds(t, k->category);
    }
}

/* 1 with *out set (NULL: not visible) when the text reads as sku_text() wrote it. */
static int sku_of_text(struct arena *ar, int64_t id, const char *p, size_t len,
                       const struct price_sku **out)
{
    const char *end = p + len;
    long long product, has_cat;
    struct price_sku *k;

    if (len == 1 && *p == '-') {
        *out = NULL;
        return 1;
    }
    k = arena_zalloc(ar, sizeof(*k));
    if (next_num(&p, ' ', &product) != 0 || next_num(&p, ' ', &has_cat) != 0 ||
        !(k->code = next_str(ar, &p, end)) || p >= end || *p++ != ' ' ||
        !(k->product = next_str(ar, &p, end)))
        return 0;
    if (has_cat && (p >= end || *p++ != ' ' || !(k->category = next_str(ar, &p, end))))
        return 0;
    if (p != end)
        return 0;
    k->id = id;
    k->product_id = product;
    *out = k;
    return 1;
}

/* More live publications than this for one viewer: its SKUs are checked item by item. */
#define VIEWER_PUBS_MAX 256

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The live publications whose items viewer may read, as a JSON array, kept in m as
 * "<until> <array>": until is when one of the viewer's relationships next starts or ends
 * (0: none does), after which the entry is read again; what else is kept of the viewer's
 * view is kept under it too. *json NULL: more than VIEWER_PUBS_MAX ("-" kept), or memo off.
 */
static int viewer_pubs(struct db *db, struct arena *ar, const struct price_memo *m,
                       int64_t tenant_id, int64_t viewer, const char **json, long long *until)
{
    const char *key = arena_printf(ar, "pubs %lld", (long long)viewer), *kept, *p;
    int64_t now = wall_ms(), last = 0;
    long long v = (long long)viewer;
    struct db_res res;
    struct sb text;
    size_t len, n = 0;
    int rc;

    *json = NULL;
    *until = 0;
    if (!m || m->ttl <= 0)
        return 0;
    p = kept = price_memo_get(m, key, &len);
    if (kept && next_num(&p, ' ', until) == 0 && (*until == 0 || *until > now)) {
        *json = *p == '[' ? p : NULL;
        return 0;
    }
    rc = db_exec(db, ar, &Q_PRICE_VIEWER_PUBS, tenant_id, &res, v, v, v, v, v);
    if (rc)
        return rc;
    *until = 0;
    sb_init(&text, ar);
    sb_addc(&text, '[');
    for (int i = 0; i < res.nrows; i++) {
        int64_t id = db_at(&res, i, 0)->i, from = db_at(&res, i, 2)->i, to = db_at(&res, i, 3)->i;
        int has_from = !db_at(&res, i, 2)->null, has_to = !db_at(&res, i, 3)->null;
        int live = db_at(&res, i, 1)->i == 1 || (has_from && from <= now && (!has_to || to > now));

        /* the next moment a relationship starts or ends */
        if (has_from && from > now && (!*until || from < *until))
            *until = from;
        if (has_to && to > now && (!*until || to < *until))
            *until = to;
        if (!live || id == last)
            continue;
        sb_printf(&text, "%s%lld", n++ ? "," : "", (long long)id);
        last = id;
    }
    sb_addc(&text, ']');
    if (sb_error(&text))
        return 0;
    *json = n <= VIEWER_PUBS_MAX ? text.buf : NULL;
    kept = arena_printf(ar, "%lld %s", *until, *json ? *json : "-");
    price_memo_put(m, key, kept, strlen(kept));
    return 0;
}

int price_load_skus(struct db *db, struct arena *ar, const struct price_memo *m, int64_t tenant_id,
                    int64_t viewer_org, const int64_t *ids, size_t n, const struct price_sku **out)
{
    const char **keys = arena_alloc(ar, sizeof(*keys) * (n + 1));
    char *found = arena_zalloc(ar, n + 1);
    struct db_res res;
    struct sb json, text;
    long long v = (long long)viewer_org;
    const char *pubs = NULL;
    long long until = 0;
    size_t missing = 0;
    int rc;

    memset(out, 0, sizeof(const struct price_sku *) * n);
    if (n == 0)
        return 0;
    rc = viewer_org ? viewer_pubs(db, ar, m, tenant_id, viewer_org, &pubs, &until) : 0;
    if (rc)
        return rc;
    sb_init(&json, ar);
    sb_addc(&json, '[');
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *kept;

        /* under the viewer's until: kept no longer than its view of the catalog holds */
        keys[i] = arena_printf(ar, "sku %lld %lld %lld", v, until, (long long)ids[i]);
        kept = price_memo_get(m, keys[i], &len);
        if (kept && sku_of_text(ar, ids[i], kept, len, &out[i])) {
            found[i] = 1;
            continue;
        }
        /* positions in the statement are 1-based indexes into ids */
        sb_printf(&json, "%s%lld", missing++ ? "," : "", (long long)ids[i]);
    }
    sb_addc(&json, ']');
    if (missing == 0)
        return 0;
    if (rc == 0 && pubs)
        rc = db_exec(db, ar, &Q_PRICE_SKUS_IN, tenant_id, &res, json.buf, v, v, pubs);
    else if (rc == 0)
        rc = db_exec(db, ar, &Q_PRICE_SKUS, tenant_id, &res, json.buf, v, v, v, v, v);
    if (rc)
        return rc;
    for (int i = 0; i < res.nrows; i++) {
        struct price_sku *s = arena_zalloc(ar, sizeof(*s));

        s->id = db_at(&res, i, 1)->i;
        s->product_id = db_at(&res, i, 2)->i;
        s->code = db_at(&res, i, 3)->s;
        s->product = db_at(&res, i, 4)->s;
        s->category = db_at(&res, i, 5)->s;
        for (size_t j = 0; j < n; j++)
            if (!found[j] && ids[j] == s->id) {
                out[j] = s;
                found[j] = 2;
            }
    }
    /* what was asked is kept, a SKU the viewer may not read as "-" */
    for (size_t j = 0; j < n; j++) {
        if (found[j] == 1)
            continue;
        sb_init(&text, ar);
        if (out[j])
            sku_text(&text, out[j]);
        else
            sb_addc(&text, '-');
        if (!sb_error(&text))
            price_memo_put(m, keys[j], text.buf, text.len);
    }
    return 0;
}

/* A (selector, value) key, to send each once. */
struct rkey {
    const char *sel, *val;
};

static int rkey_cmp(const void *a, const void *b)
{
    const struct rkey *x = a, *y = b;
    int c = strcmp(x->sel, y->sel);

    return c ? c : strcmp(x->val, y->val);
}

static void rule_of_row(const struct db_res *res, int i, struct resolve_rule *r)
{
    r->id = db_at(res, i, 0)->i;
    r->book_id = db_at(res, i, 1)->i;
    r->selector = (enum price_selector)resolve_selector_parse(db_at(res, i, 2)->s);
    r->selector_value = db_at(res, i, 3)->s;
    r->type = (enum price_rule_type)resolve_rule_type_parse(db_at(res, i, 4)->s);
    r->value = db_at(res, i, 5)->s;
    r->min_qty = db_at(res, i, 6)->s;
}

/* A growing array of rules in the arena. */
struct rules_out {
    struct resolve_rule *v;
    size_t n, cap;
};

static void rules_add(struct arena *ar, struct rules_out *o, const struct resolve_rule *r)
{
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 64;
        struct resolve_rule *v = arena_alloc(ar, sizeof(*v) * (cap + 1));

        if (o->n)
            memcpy(v, o->v, sizeof(*v) * o->n);
        o->v = v;
        o->cap = cap;
    }
    o->v[o->n++] = *r;
}

/*
 * The rules of a big book that meet one key, as the memo keeps them: per rule its id, type,
 * value and min_qty ("-": none); the book, selector and value are in the memo's key.
 */
static void key_rules_text(struct sb *t, const struct resolve_rule *r)
{
    sb_printf(t, "%lld %d %zu:%s ", (long long)r->id, (int)r->type, strlen(r->value), r->value);
    if (r->min_qty)
        sb_printf(t, "%zu:%s\n", strlen(r->min_qty), r->min_qty);
    else
        sb_adds(t, "-\n");
}

/* Adds the rules of kept text to o; 0 (and nothing added) when it does not read back. */
static int key_rules_of_text(struct arena *ar, const struct resolve_book *b, const struct rkey *k,
                             const char *p, size_t len, struct rules_out *o)
{
    const char *end = p + len;
    struct rules_out got = {0};
    int sel = resolve_selector_parse(k->sel);

    while (p < end) {
        struct resolve_rule r = {.book_id = b->id,
                                 .selector = (enum price_selector)sel,
                                 .selector_value = sel == PSEL_ALL ? NULL : k->val};
        long long id, type;

        if (next_num(&p, ' ', &id) != 0 || next_num(&p, ' ', &type) != 0 ||
            !(r.value = next_str(ar, &p, end)) || p >= end || *p++ != ' ')
            return 0;
        if (*p == '-')
            p++;
        else if (!(r.min_qty = next_str(ar, &p, end)))
            return 0;
        if (p >= end || *p++ != '\n')
            return 0;
        r.id = id;
        r.type = (enum price_rule_type)type;
        rules_add(ar, &got, &r);
    }
    for (size_t i = 0; i < got.n; i++)
        rules_add(ar, o, &got.v[i]);
    return 1;
}

/*
 * The rules of books too big to keep whole: each (book, key) pair from the memo under the
 * book's version, the rest looked up in one statement, each pair one range of the index,
 * and what it found (none included) kept per pair.
 */
static int big_rules(struct db *db, struct arena *ar, int64_t tenant_id, const struct price_memo *m,
                     const struct resolve_book *const *big, size_t nbig, const struct rkey *keys,
                     size_t nk, struct rules_out *out)
{
    size_t np = nbig * nk, need = 0;
    const char **mkey = arena_alloc(ar, sizeof(*mkey) * (np + 1));
    struct sb *text = arena_zalloc(ar, sizeof(*text) * (np + 1));
    char *miss = arena_zalloc(ar, np + 1), *bmiss = arena_zalloc(ar, nbig + 1),
         *kmiss = arena_zalloc(ar, nk + 1);
    struct db_res res;
    struct sb books, kj;
    int rc, nb = 0, nkj = 0;

    for (size_t b = 0; b < nbig; b++)
        for (size_t k = 0; k < nk; k++) {
            size_t i = b * nk + k, len;
            const char *kept;

            mkey[i] = arena_printf(ar, "rk %lld %lld %s %s", (long long)big[b]->id,
                                   (long long)big[b]->version, keys[k].sel, keys[k].val);
            kept = price_memo_get(m, mkey[i], &len);
            if (kept && key_rules_of_text(ar, big[b], &keys[k], kept, len, out))
                continue;
            miss[i] = bmiss[b] = kmiss[k] = 1;
            need++;
        }
    if (need == 0)
        return 0;
    sb_init(&books, ar);
    sb_addc(&books, '[');
    for (size_t b = 0; b < nbig; b++)
        if (bmiss[b])
            sb_printf(&books, "%s%lld", nb++ ? "," : "", (long long)big[b]->id);
    sb_addc(&books, ']');
    sb_init(&kj, ar);
    sb_addc(&kj, '[');
    for (size_t k = 0; k < nk; k++) {
        if (!kmiss[k])
            continue;
        sb_adds(&kj, nkj++ ? ",[\"" : "[\"");
        sb_adds(&kj, keys[k].sel);
        sb_adds(&kj, "\",");
        if (strcmp(keys[k].sel, "all") == 0)
            sb_adds(&kj, "null");
        else
            sb_add_json_str(&kj, keys[k].val, strlen(keys[k].val));
        sb_addc(&kj, ']');
    }
    sb_addc(&kj, ']');
    rc = db_exec(db, ar, &Q_PRICE_RULES, tenant_id, &res, books.buf, kj.buf);
    if (rc)
        return rc;
    for (size_t i = 0; i < np; i++)
        if (miss[i])
            sb_init(&text[i], ar);
    for (int row = 0; row < res.nrows; row++) {
        struct resolve_rule r;
        struct rkey key;
        const struct rkey *kp;
        size_t b = 0, i;

        rule_of_row(&res, row, &r);
        key = (struct rkey){db_at(&res, row, 2)->s, r.selector_value ? r.selector_value : ""};
        while (b < nbig && big[b]->id != r.book_id)
            b++;
        kp = bsearch(&key, keys, nk, sizeof(*keys), rkey_cmp);
        /* the statement crosses books and keys: a pair the memo gave is in already */
        if (b == nbig || !kp || !miss[i = b * nk + (size_t)(kp - keys)])
            continue;
        rules_add(ar, out, &r);
        key_rules_text(&text[i], &r);
    }
    for (size_t i = 0; i < np; i++)
        if (miss[i] && !sb_error(&text[i]))
            price_memo_put(m, mkey[i], text[i].buf ? text[i].buf : "", text[i].len);
    return 0;
}

/* The book's rules from the worker's copy, or read whole and kept; 1: too big to keep. */
static int kept_rules(struct db *db, struct arena *ar, int64_t tenant_id,
                      const struct resolve_book *b, double ttl, const struct resolve_rule **rules,
                      size_t *n, int *rc)
{
    struct timespec ts;
    struct resolve_rule *read;
    struct db_res res;
    double now;
    int big;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    if (price_cache_get(ar, tenant_id, b->id, b->version, now, ttl, rules, n, &big))
        return big;
    *rc = db_exec(db, ar, &Q_PRICE_BOOK_RULES, tenant_id, &res, (long long)b->id,
                  PRICE_CACHE_BOOK_RULES + 1);
    if (*rc)
        return 0;
    if (res.nrows > PRICE_CACHE_BOOK_RULES) {
        price_cache_put(ar, tenant_id, b->id, b->version, now, NULL, 0, 1);
        return 1;
    }
    read = arena_alloc(ar, sizeof(*read) * ((size_t)res.nrows + 1));
    for (int i = 0; i < res.nrows; i++)
        rule_of_row(&res, i, &read[i]);
    *n = (size_t)res.nrows;
    *rules = price_cache_put(ar, tenant_id, b->id, b->version, now, read, *n, 0);
    return 0;
}

int price_load_rules(struct db *db, struct arena *ar, int64_t tenant_id,
                     const struct price_context *c, const struct price_sku *const *skus, size_t n,
                     struct resolve_rule **rules, size_t *nrules)
{
    struct rkey *keys = arena_alloc(ar, sizeof(*keys) * (3 * n + 2));
    const struct resolve_book **big =
        arena_alloc(ar, sizeof(const struct resolve_book *) * (c->nbooks + 1));
    struct rules_out out = {0};
    size_t nk = 0, nbig = 0;
    int rc = 0;

    *rules = NULL;
    *nrules = 0;
    if (c->nbooks == 0)
        return 0;
    keys[nk++] = (struct rkey){"all", ""};
    for (size_t i = 0; i < n; i++) {
        const struct price_sku *s = skus[i];

        if (!s)
            continue;
        keys[nk++] = (struct rkey){"sku", arena_printf(ar, "%lld", (long long)s->id)};
        keys[nk++] = (struct rkey){"product", arena_printf(ar, "%lld", (long long)s->product_id)};
        if (s->category)
            keys[nk++] = (struct rkey){"category", s->category};
    }
    /* a batch's SKUs share products and categories: each key goes once */
    qsort(keys, nk, sizeof(*keys), rkey_cmp);
    {
        size_t u = 0;
        for (size_t i = 0; i < nk; i++)
            if (!u || rkey_cmp(&keys[u - 1], &keys[i]) != 0)
                keys[u++] = keys[i];
        nk = u;
    }

    /* kept books: their rules that meet a key, found in memory */
    for (size_t i = 0; i < c->nbooks && rc == 0; i++) {
        const struct resolve_rule *kr = NULL;
        size_t kn = 0;

        if (c->cache_ttl <= 0 ||
            kept_rules(db, ar, tenant_id, &c->books[i], c->cache_ttl, &kr, &kn, &rc)) {
            big[nbig++] = &c->books[i];
            continue;
        }
        for (size_t k = 0; k < nk && rc == 0; k++) {
            int sel = resolve_selector_parse(keys[k].sel);
            size_t first, m = price_cache_find(kr, kn, (enum price_selector)sel,
                                               sel == PSEL_ALL ? NULL : keys[k].val, &first);

            for (size_t j = 0; j < m; j++)
                rules_add(ar, &out, &kr[first + j]);
        }
    }
    if (rc == 0 && nbig > 0)
        rc = big_rules(db, ar, tenant_id, &c->memo, big, nbig, keys, nk, &out);
    if (rc)
        return rc;
    *rules = out.v;
    *nrules = out.n;
    return 0;
}
