/* Publishing's SQL, and the effective listing that reads through it (docs/catalog.md). */
#include "catalog/publish.h"

#include <string.h>

#include <json-c/json.h>

#include "catalog/listing.h"
#include "core/arena.h"
#include "core/json.h"
#include "db/db.h"

/* The JSON_TABLE of a publish_keys_json() array, and of an array of ids with positions. */
#define KEYS_TABLE                                                                                 \
    "JSON_TABLE(?, '$[*]' COLUMNS (sku_id BIGINT UNSIGNED PATH '$[0]', "                           \
    "offering_key BIGINT UNSIGNED PATH '$[1]')) k"
#define IDS_TABLE                                                                                  \
    "JSON_TABLE(?, '$[*]' COLUMNS (pos FOR ORDINALITY, id BIGINT UNSIGNED PATH '$')) k"
#define RFC3339(c) "CONCAT(LEFT(DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
/* A distributor_of or dealer_of relationship of alias r, active now. */
#define REL_ACTIVE                                                                                 \
    "r.relation_type IN ('distributor_of', 'dealer_of') AND r.active_from <= NOW(3) "              \
    "AND (r.active_to IS NULL OR r.active_to > NOW(3))"
/* Whether a row of alias a (b) is in version ? of its publication. */
#define IN_VERSION(a) a ".from_version <= ? AND (" a ".to_version IS NULL OR " a ".to_version > ?)"

const struct db_query Q_PUB_CHANNEL = {
    "publish.channel", "SELECT id FROM channels WHERE tenant_id = ? AND id = ?", "LL", "L",
    DBQ_TENANT,
};

const struct db_query Q_PUB_ORG = {
    "publish.org",
    "SELECT id, type, region, certifications FROM organizations WHERE tenant_id = ? AND id = ?",
    "LL",
    "Lsss",
    DBQ_TENANT,
};

const struct db_query Q_PUB_SKUS = {
    "publish.skus",
    "SELECT k.pos, s.id, s.manufacturer_id, s.sku_code FROM " IDS_TABLE
    " JOIN skus s ON s.tenant_id = ? AND s.id = k.id",
    "sL",
    "LLLs",
    DBQ_TENANT,
};

const struct db_query Q_PUB_OFFERINGS = {
    "publish.offerings",
    "SELECT k.pos, o.id, o.sku_id, s.manufacturer_id, s.sku_code FROM " IDS_TABLE
    " JOIN offerings o ON o.tenant_id = ? AND o.id = k.id "
    "JOIN skus s ON s.tenant_id = o.tenant_id AND s.id = o.sku_id",
    "sL",
    "LLLLs",
    DBQ_TENANT,
};

#define PUB_COLS "id, recipient_org_id, current_version, item_count, constraints"

const struct db_query Q_PUB_FIND = {
    "publish.find",
    "SELECT " PUB_COLS " FROM publications WHERE tenant_id = ? AND channel_id = ? "
    "AND publisher_org_id = ? AND recipient_key = ?",
    "LLLL",
    "LLLLs",
    DBQ_TENANT,
};

/* The publication's row, made on its first publish; either way insert_id is its id. */
const struct db_query Q_PUB_ENSURE = {
    "publish.ensure",
    "INSERT INTO publications (tenant_id, channel_id, publisher_org_id, recipient_org_id) "
    "VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
    "LLLN",
    "",
    DBQ_TENANT,
};

const struct db_query Q_PUB_LOCK = {
    "publish.lock",
    "SELECT " PUB_COLS " FROM publications WHERE tenant_id = ? AND id = ? FOR UPDATE",
    "LL",
    "LLLLs",
    DBQ_TENANT,
};

const struct db_query Q_PUB_VERSION_INSERT = {
    "publish.version_insert",
    "INSERT INTO publication_versions (tenant_id, publication_id, version, action, "
    "rolled_back_to, note, constraints, item_count, added_count, removed_count, actor_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "LLLsNssLLLN",
    "",
    DBQ_TENANT,
};

/* Opens the rows of the keys given as version ?. */
const struct db_query Q_PUB_ITEMS_ADD = {
    "publish.items_add",
    "INSERT INTO publication_items (tenant_id, publication_id, sku_id, offering_id, "
    "from_version) SELECT ?, ?, k.sku_id, NULLIF(k.offering_key, 0), ? FROM " KEYS_TABLE,
    "LLLs",
    "",
    DBQ_TENANT,
};

/* Closes the live rows of the keys given at version ?. */
const struct db_query Q_PUB_ITEMS_CLOSE = {
    "publish.items_close",
    "UPDATE publication_items pi JOIN " KEYS_TABLE
    " ON pi.sku_id = k.sku_id AND pi.offering_key = k.offering_key SET pi.to_version = ? "
    "WHERE pi.tenant_id = ? AND pi.publication_id = ? AND pi.to_version IS NULL",
    "sLLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_PUB_UPDATE = {
    "publish.update",
    "UPDATE publications SET current_version = ?, item_count = ?, constraints = ? "
    "WHERE tenant_id = ? AND id = ?",
    "LLsLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_PUB_LIVE_ITEMS = {
    "publish.live_items",
    "SELECT pi.sku_id, pi.offering_id, s.sku_code FROM publication_items pi "
    "JOIN skus s ON s.tenant_id = pi.tenant_id AND s.id = pi.sku_id "
    "WHERE pi.tenant_id = ? AND pi.publication_id = ? AND pi.to_version IS NULL "
    "ORDER BY pi.sku_id, pi.offering_key",
    "LL",
    "LLs",
    DBQ_TENANT,
};

/* Version n of a publication, rebuilt from the intervals. */
const struct db_query Q_PUB_VERSION_ITEMS = {
    "publish.version_items",
    "SELECT pi.sku_id, pi.offering_id, s.sku_code FROM publication_items pi "
    "JOIN skus s ON s.tenant_id = pi.tenant_id AND s.id = pi.sku_id "
    "WHERE pi.tenant_id = ? AND pi.publication_id = ? AND " IN_VERSION(
        "pi") " ORDER BY pi.sku_id, pi.offering_key",
    "LLLL",
    "LLs",
    DBQ_TENANT,
};

/*
 * What version n holds that version m does not (m = 0: nothing), with each SKU's
 * manufacturer: a diff's added side, or removed with n and m swapped, and what a rollback
 * brings back or takes away.
 */
const struct db_query Q_PUB_DIFF = {
    "publish.diff",
    "SELECT a.sku_id, a.offering_id, s.manufacturer_id FROM publication_items a "
    "JOIN skus s ON s.tenant_id = a.tenant_id AND s.id = a.sku_id "
    "WHERE a.tenant_id = ? AND a.publication_id = ? AND " IN_VERSION(
        "a") " AND NOT EXISTS (SELECT 1 FROM publication_items b WHERE b.tenant_id = a.tenant_id "
             "AND b.publication_id = a.publication_id AND b.sku_id = a.sku_id "
             "AND b.offering_key = a.offering_key AND " IN_VERSION(
                 "b") ") ORDER BY a.sku_id, a.offering_key",
    "LLLLLL",
    "LLL",
    DBQ_TENANT,
};

#define VERSION_COLS                                                                               \
    "version, action, rolled_back_to, note, constraints, item_count, added_count, "                \
    "removed_count, actor_id, " RFC3339("created_at")

const struct db_query Q_PUB_VERSIONS = {
    "publish.versions",
    "SELECT " VERSION_COLS " FROM publication_versions WHERE tenant_id = ? "
    "AND publication_id = ? AND version > ? ORDER BY version LIMIT ?",
    "LLLi",
    "LsLssLLLLs",
    DBQ_TENANT,
};

const struct db_query Q_PUB_VERSION_GET = {
    "publish.version_get",
    "SELECT " VERSION_COLS " FROM publication_versions WHERE tenant_id = ? "
    "AND publication_id = ? AND version = ?",
    "LLL",
    "LsLssLLLLs",
    DBQ_TENANT,
};

/*
 * The publications that reach org in a channel: to org or to all, from a publisher org is
 * an active child of. One row per (publication, relationship), in publication order; the
 * recipient's region and certifications come along for the constraints. The join starts
 * from org's relationships (ix_rel_child), then looks up the two publications a parent
 * may have for org, (0 and org) on uq_publications: its cost follows org's parents, not
 * the channel's publications nor how many recipients a parent has.
 */
const struct db_query Q_LISTING_CANDIDATES = {
    "listing.candidates",
    "SELECT STRAIGHT_JOIN p.id, p.publisher_org_id, p.current_version, p.constraints, "
    "r.preferred, o.region, o.certifications FROM org_relationships r "
    "JOIN (SELECT 0 AS k UNION ALL SELECT ?) rk "
    "JOIN publications p ON p.tenant_id = r.tenant_id AND p.channel_id = ? "
    "AND p.publisher_org_id = r.parent_org_id AND p.recipient_key = rk.k "
    "JOIN organizations o ON o.tenant_id = r.tenant_id AND o.id = r.child_org_id "
    "WHERE r.tenant_id = ? AND r.child_org_id = ? AND p.current_version > 0 AND " REL_ACTIVE
    " ORDER BY p.id",
    "LLLL",
    "LLLsLss",
    DBQ_TENANT,
};
enum {
    CAND_PUB,
    CAND_PUBLISHER,
    CAND_VERSION,
    CAND_CONSTRAINTS,
    CAND_PREFERRED,
    CAND_REGION,
    CAND_CERTS
};

/* One page of a publication's live items after a key (ix_pubitems_live). */
const struct db_query Q_LISTING_RANGE = {
    "listing.range",
    "SELECT pi.sku_id, pi.offering_key, s.manufacturer_id, s.sku_code FROM publication_items pi "
    "JOIN skus s ON s.tenant_id = pi.tenant_id AND s.id = pi.sku_id "
    "WHERE pi.tenant_id = ? AND pi.publication_id = ? AND pi.to_version IS NULL "
    "AND (pi.sku_id > ? OR (pi.sku_id = ? AND pi.offering_key > ?)) "
    "ORDER BY pi.sku_id, pi.offering_key LIMIT ?",
    "LLLLLi",
    "LLLs",
    DBQ_TENANT,
};

/* Which of the keys given are live in a publication. */
const struct db_query Q_LISTING_AMONG = {
    "listing.among",
    "SELECT pi.sku_id, pi.offering_key, s.manufacturer_id FROM " KEYS_TABLE
    " JOIN publication_items pi ON pi.tenant_id = ? AND pi.publication_id = ? "
    "AND pi.to_version IS NULL AND pi.sku_id = k.sku_id AND pi.offering_key = k.offering_key "
    "JOIN skus s ON s.tenant_id = pi.tenant_id AND s.id = pi.sku_id",
    "sLL",
    "LLL",
    DBQ_TENANT,
};
enum { ITEM_SKU, ITEM_OFFERING, ITEM_MAKER, ITEM_CODE };

/* How many rounds one page may read before it answers short, with a cursor. */
#define LISTING_MAX_ROUNDS 8

struct cand {
    int64_t pub, publisher, version;
    int preferred;
};

/* A growable array of items in the arena. */
struct items {
    struct listing_item *v;
    size_t n, cap;
};

static struct listing_item *items_push(struct arena *ar, struct items *it)
{
    if (it->n == it->cap) {
        size_t cap = it->cap ? it->cap * 2 : 64;
        struct listing_item *v = arena_alloc(ar, sizeof(*v) * cap);

        if (it->n)
            memcpy(v, it->v, sizeof(*v) * it->n);
        it->v = v;
        it->cap = cap;
    }
    memset(&it->v[it->n], 0, sizeof(it->v[0]));
    return &it->v[it->n++];
}

static struct json_object *parse_stored(struct arena *ar, const struct db_val *v)
{
    struct json_object *o = NULL;

    if (v->null || json_parse(ar, v->s, v->len, &o, NULL, 0) != JSON_OK)
        return NULL;
    return o;
}

/* The publications that reach org in channel, their recipient constraints met. */
static int candidates(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                      int64_t org_id, struct cand **out, size_t *n)
{
    struct db_res res;
    int rc = db_exec(db, ar, &Q_LISTING_CANDIDATES, tenant_id, &res, (long long)org_id,
                     (long long)channel_id, (long long)org_id);

    *n = 0;
    if (rc)
        return rc;
    *out = arena_alloc(ar, sizeof(**out) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        struct cand *c = *n ? &(*out)[*n - 1] : NULL;
        const struct db_val *cons = db_at(&res, i, CAND_CONSTRAINTS);
        const struct db_val *region = db_at(&res, i, CAND_REGION);

        if (c && c->pub == db_at(&res, i, CAND_PUB)->i) {
            c->preferred |= db_at(&res, i, CAND_PREFERRED)->i != 0;
            continue;
        }
        if (!cons->null && strcmp(cons->s, "{}") != 0 &&
            publish_unmet(ar, parse_stored(ar, cons), parse_stored(ar, db_at(&res, i, CAND_CERTS)),
                          region->null ? NULL : region->s))
            continue;
        c = &(*out)[(*n)++];
        c->pub = db_at(&res, i, CAND_PUB)->i;
        c->publisher = db_at(&res, i, CAND_PUBLISHER)->i;
        c->version = db_at(&res, i, CAND_VERSION)->i;
        c->preferred = db_at(&res, i, CAND_PREFERRED)->i != 0;
    }
    return 0;
}

static void add_rows(struct arena *ar, struct items *it, const struct db_res *res,
                     const struct cand *c, int with_code)
{
    for (int i = 0; i < res->nrows; i++) {
        struct listing_item *x = items_push(ar, it);

        x->key.sku_id = db_at(res, i, ITEM_SKU)->i;
        x->key.offering_key = db_at(res, i, ITEM_OFFERING)->i;
        x->manufacturer_id = db_at(res, i, ITEM_MAKER)->i;
        x->sku_code = with_code ? db_at(res, i, ITEM_CODE)->s : NULL;
        x->publisher_id = c->publisher;
        x->publication_id = c->pub;
        x->version = c->version;
        x->preferred = c->preferred;
        x->valid = 1;
    }
}

static int validate(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                    struct listing_item *items, size_t n, int depth);

/*
 * org's effective listing of channel among keys (sorted, unique): the winners, one per key
 * present, in key order, each with its upstream path.
 */
static int among(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                 int64_t org_id, const struct pub_key *keys, size_t nkeys, int depth,
                 struct listing_item **out, size_t *nout)
{
    struct items it = {0};
    struct cand *c;
    size_t nc;
    const char *json;
    int rc;

    *out = NULL;
    *nout = 0;
    if (depth > LISTING_MAX_DEPTH || nkeys == 0)
        return 0;
    rc = candidates(db, ar, tenant_id, channel_id, org_id, &c, &nc);
    if (rc || nc == 0)
        return rc;
    json = publish_keys_json(ar, keys, nkeys);
    for (size_t i = 0; i < nc; i++) {
        struct db_res res;

        rc = db_exec(db, ar, &Q_LISTING_AMONG, tenant_id, &res, json, (long long)c[i].pub);
        if (rc)
            return rc;
        add_rows(ar, &it, &res, &c[i], 0);
    }
    rc = validate(db, ar, tenant_id, channel_id, it.v, it.n, depth);
    if (rc)
        return rc;
    *out = it.v;
    *nout = listing_merge(it.v, it.n, NULL);
    return 0;
}

/*
 * Gives every valid item its upstream path. An item a republisher P passed on stays valid
 * only while it is in P's own listing: one batch per P, with the keys of all its items.
 */
static int validate(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                    struct listing_item *items, size_t n, int depth)
{
    char *done = arena_zalloc(ar, n + 1);
    struct pub_key *keys = arena_alloc(ar, sizeof(*keys) * (n + 1)), *wkeys;
    struct listing_item *win;
    size_t nk, nwin;
    int rc;

    for (size_t i = 0; i < n; i++) {
        int64_t *self;

        if (!items[i].valid || items[i].publisher_id != items[i].manufacturer_id)
            continue;
        self = arena_alloc(ar, sizeof(*self));
        *self = items[i].publisher_id;
        items[i].upstream = self;
        items[i].upstream_len = 1;
        done[i] = 1;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t p = items[i].publisher_id;

        if (done[i] || !items[i].valid)
            continue;
        nk = 0;
        for (size_t j = i; j < n; j++)
            if (!done[j] && items[j].valid && items[j].publisher_id == p)
                keys[nk++] = items[j].key;
        nk = publish_keys_unique(keys, nk);
        rc = among(db, ar, tenant_id, channel_id, p, keys, nk, depth + 1, &win, &nwin);
        if (rc)
            return rc;
        wkeys = arena_alloc(ar, sizeof(*wkeys) * (nwin + 1));
        for (size_t w = 0; w < nwin; w++)
            wkeys[w] = win[w].key;
        for (size_t j = i; j < n; j++) {
            long w;

            if (done[j] || !items[j].valid || items[j].publisher_id != p)
                continue;
            done[j] = 1;
            w = publish_keys_find(wkeys, nwin, items[j].key);
            if (w < 0) {
                items[j].valid = 0;
                continue;
            }
            items[j].upstream = listing_path(ar, &win[w], p, &items[j].upstream_len);
        }
    }
    return 0;
}

int listing_contains(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                     int64_t org_id, const struct pub_key *keys, size_t n, int *in)
{
    struct listing_item *win;
    struct pub_key *wkeys;
    size_t nwin;
    int rc = among(db, ar, tenant_id, channel_id, org_id, keys, n, 0, &win, &nwin);

    if (rc)
        return rc;
    wkeys = arena_alloc(ar, sizeof(*wkeys) * (nwin + 1));
    for (size_t w = 0; w < nwin; w++)
        wkeys[w] = win[w].key;
    for (size_t i = 0; i < n; i++)
        in[i] = publish_keys_find(wkeys, nwin, keys[i]) >= 0;
    return 0;
}

int listing_page(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                 int64_t org_id, struct pub_key after, int limit, struct listing_item **items,
                 size_t *n, struct pub_key *next, int *has_next)
{
    struct items out = {0};
    struct cand *c;
    size_t nc, want = (size_t)limit + 1;
    int rc;

    *items = NULL;
    *n = 0;
    *has_next = 0;
    rc = candidates(db, ar, tenant_id, channel_id, org_id, &c, &nc);
    if (rc || nc == 0)
        return rc;
    size_t *counts = arena_alloc(ar, sizeof(*counts) * nc);
    struct pub_key *lasts = arena_alloc(ar, sizeof(*lasts) * nc), front;

    for (int round = 0;; round++) {
        struct items it = {0};
        int bounded;
        size_t m;

        for (size_t i = 0; i < nc; i++) {
            struct db_res res;

            rc = db_exec(db, ar, &Q_LISTING_RANGE, tenant_id, &res, (long long)c[i].pub,
                         (long long)after.sku_id, (long long)after.sku_id,
                         (long long)after.offering_key, (int)want);
            if (rc)
                return rc;
            counts[i] = (size_t)res.nrows;
            if (res.nrows) {
                lasts[i].sku_id = db_at(&res, res.nrows - 1, ITEM_SKU)->i;
                lasts[i].offering_key = db_at(&res, res.nrows - 1, ITEM_OFFERING)->i;
            }
            add_rows(ar, &it, &res, &c[i], 1);
        }
        /* rows past the frontier may hide better ones not read yet: the next round has them */
        bounded = listing_frontier(counts, lasts, nc, want, &front);
        for (size_t i = 0; bounded && i < it.n; i++)
            if (listing_key_cmp(it.v[i].key, front) > 0)
                it.v[i].valid = 0;
        rc = validate(db, ar, tenant_id, channel_id, it.v, it.n, 0);
        if (rc)
            return rc;
        m = it.n ? listing_merge(it.v, it.n, bounded ? &front : NULL) : 0;
        for (size_t i = 0; i < m; i++)
            *items_push(ar, &out) = it.v[i];
        if (!bounded || out.n >= want)
            break;
        if (round + 1 == LISTING_MAX_ROUNDS) {
            /* many items dropped upstream: answer what was found, and go on from here */
            *items = out.v;
            *n = out.n;
            *next = front;
            *has_next = 1;
            return 0;
        }
        after = front;
    }
    *items = out.v;
    *n = out.n > (size_t)limit ? (size_t)limit : out.n;
    if (out.v && out.n > (size_t)limit) {
        *next = out.v[limit - 1].key;
        *has_next = 1;
    }
    return 0;
}

/* The demo seed's catalog: found by its natural keys, so seeding again adds nothing. */
const struct db_query Q_PUB_SEED_PRODUCT = {
    "publish.seed_product",
    "INSERT INTO products (tenant_id, manufacturer_id, name, category) VALUES (?, ?, ?, ?) "
    "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
    "LLss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_PUB_SEED_SKU = {
    "publish.seed_sku",
    "INSERT INTO skus (tenant_id, product_id, manufacturer_id, sku_code) VALUES (?, ?, ?, ?) "
    "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
    "LLLs",
    "",
    DBQ_TENANT,
};

/* A SKU of a product of maker, made unless there; *sku_id gets its id. */
static int seed_sku(struct db *db, struct arena *ar, int64_t tenant_id, int64_t maker,
                    const char *product, const char *code, int64_t *sku_id)
{
    struct db_res res;
    int rc =
        db_exec(db, ar, &Q_PUB_SEED_PRODUCT, tenant_id, &res, (long long)maker, product, "Imaging");

    if (!rc)
        rc = db_exec(db, ar, &Q_PUB_SEED_SKU, tenant_id, &res, (long long)res.insert_id,
                     (long long)maker, code);
    *sku_id = rc ? 0 : (int64_t)res.insert_id;
    return rc;
}

/* Version 1 of a publication holding one SKU, unless the publication has a version. */
static int seed_publication(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                            int64_t publisher, int64_t recipient, int64_t sku_id)
{
    struct pub_key key = {sku_id, 0};
    struct db_res res;
    int64_t id;
    int rc = db_exec(db, ar, &Q_PUB_ENSURE, tenant_id, &res, (long long)channel_id,
                     (long long)publisher, (long long)recipient);

    if (rc)
        return rc;
    id = (int64_t)res.insert_id;
    rc = db_exec(db, ar, &Q_PUB_LOCK, tenant_id, &res, (long long)id);
    if (rc || res.nrows != 1 || db_at(&res, 0, PUB_COL_VERSION)->i > 0)
        return rc;
    rc = db_exec(db, ar, &Q_PUB_VERSION_INSERT, tenant_id, NULL, (long long)id, 1LL, "publish", 0LL,
                 "demo seed", "{}", 1LL, 1LL, 0LL, 0LL);
    if (!rc)
        rc = db_exec(db, ar, &Q_PUB_ITEMS_ADD, tenant_id, NULL, (long long)id, 1LL,
                     publish_keys_json(ar, &key, 1));
    if (!rc)
        rc = db_exec(db, ar, &Q_PUB_UPDATE, tenant_id, NULL, 1LL, 1LL, "{}", (long long)id);
    return rc;
}

int publish_seed_demo(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                      int64_t acme, int64_t biomed, int64_t d1, int64_t dl1)
{
    int64_t sa1, sb1;
    int rc = seed_sku(db, ar, tenant_id, acme, "P-A", "S-A1", &sa1);

    if (!rc)
        rc = seed_sku(db, ar, tenant_id, biomed, "P-B", "S-B1", &sb1);
    if (!rc)
        rc = seed_publication(db, ar, tenant_id, channel_id, acme, d1, sa1);
    if (!rc)
        rc = seed_publication(db, ar, tenant_id, channel_id, d1, dl1, sa1);
    if (!rc)
        rc = seed_publication(db, ar, tenant_id, channel_id, biomed, dl1, sb1);
    return rc;
}
