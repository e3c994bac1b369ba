/* Publishing handlers: check the rules in docs/catalog.md's order, write one version, answer. */
#include "catalog/publish_http.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "catalog/listing.h"
#include "catalog/publish.h"
#include "core/json.h"
#include "core/utf8.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "org/rel.h"

/* Field errors named in one answer about items; the detail counts them all. */
#define ITEM_ERRORS_MAX 100

enum op { OP_PUBLISH, OP_UNLIST, OP_ROLLBACK };

static const char *const op_action[] = {"catalog.publish", "catalog.unlist", "catalog.rollback"};
static const char *const op_event[] = {"catalog.published", "catalog.unlisted",
                                       "catalog.published"};
static const char *const op_version_action[] = {"publish", "unlist", "rollback"};

/* What a write's body asked for. */
struct body {
    int64_t publisher, recipient; /* recipient 0: all the publisher's children */
    struct json_object *items, *constraints;
    const char *note;
    int64_t to_version;
    int has_recipient, has_items, has_note, has_constraints, has_to_version;
};

/* One requested item, and what it resolved to. */
struct ritem {
    int64_t sku_id, offering_id; /* as asked; 0 when not given */
    struct pub_key key;
    int64_t maker;
    const char *code;
};

/* The publication a request names, as read (id 0: none yet). */
struct pub {
    int64_t id, recipient, version, count;
    const char *constraints;
};

/* A rendered problem's status, never 0: the helpers' callers go on when they get 0. */
static int refused(int status)
{
    return status ? status : 500;
}

/* Renders 404 and returns its status, never 0. */
static int not_found(struct req *r, const char *what)
{
    return refused(problem(r, PROB_NOT_FOUND, "no %s at '%s'", what, r->path));
}

/* The channel of the path, in the caller's tenant; else renders 404. */
static int load_channel(struct req *r, int64_t *channel_id)
{
    struct db_res res;
    int rc;

    if (params_path_id(r, "id", channel_id) != 0)
        return not_found(r, "channel");
    rc = db_exec(r->db, r->ar, &Q_PUB_CHANNEL, r->ctx.tenant_id, &res, (long long)*channel_id);
    if (rc)
        return problem_db(r, rc, "publish channel");
    return res.nrows == 1 ? 0 : not_found(r, "channel");
}

static int load_pub(struct req *r, const struct db_query *q, struct pub *p, int64_t a, int64_t b,
                    int64_t c)
{
    struct db_res res;
    int rc = q == &Q_PUB_LOCK ? db_exec(r->db, r->ar, q, r->ctx.tenant_id, &res, (long long)a)
                              : db_exec(r->db, r->ar, q, r->ctx.tenant_id, &res, (long long)a,
                                        (long long)b, (long long)c);

    memset(p, 0, sizeof(*p));
    p->constraints = "{}";
    if (rc || res.nrows != 1)
        return rc;
    p->id = db_at(&res, 0, PUB_COL_ID)->i;
    p->recipient =
        db_at(&res, 0, PUB_COL_RECIPIENT)->null ? 0 : db_at(&res, 0, PUB_COL_RECIPIENT)->i;
    p->version = db_at(&res, 0, PUB_COL_VERSION)->i;
    p->count = db_at(&res, 0, PUB_COL_COUNT)->i;
    p->constraints = db_at(&res, 0, PUB_COL_CONSTRAINTS)->s;
    return 0;
}

static int find_pub(struct req *r, struct pub *p, int64_t channel, int64_t publisher,
                    int64_t recipient)
{
    return load_pub(r, &Q_PUB_FIND, p, channel, publisher, recipient);
}

/* A JSON integer of 1..INT64_MAX (json-c keeps larger ones as unsigned). */
static int positive_int(struct json_object *v, int64_t *out)
{
    if (!json_object_is_type(v, json_type_int) ||
        (json_object_get_int64(v) == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX))
        return -1;
    *out = json_object_get_int64(v);
    return *out > 0 ? 0 : -1;
}

/* Adds an item's field error while fewer than ITEM_ERRORS_MAX are named; counts them all. */
static void item_error(struct req *r, int *count, size_t i, const char *msg)
{
    if ((*count)++ < ITEM_ERRORS_MAX)
        field_errors_add(r->ar, &r->field_errors, arena_printf(r->ar, "items[%zu]", i), "%s", msg);
}

/* items: 1..5000 objects of sku_id and/or offering_id, positive integers. */
static void read_items(struct req *r, struct json_object *arr, struct ritem **out, size_t *n)
{
    int bad = 0;

    *n = json_object_array_length(arr);
    *out = NULL;
    if (*n == 0 || *n > PUBLISH_ITEMS_MAX) {
        field_errors_add(r->ar, &r->field_errors, "items", "must hold 1 to %d items",
                         PUBLISH_ITEMS_MAX);
        *n = 0;
        return;
    }
    *out = arena_zalloc(r->ar, sizeof(**out) * *n);
    for (size_t i = 0; i < *n; i++) {
        struct json_object *o = json_object_array_get_idx(arr, i);
        struct ritem *it = &(*out)[i];
        int ok = 1;

        if (!json_object_is_type(o, json_type_object)) {
            item_error(r, &bad, i, "must be an object with sku_id or offering_id");
            continue;
        }
        json_object_object_foreach(o, key, val)
        {
            int64_t *dst = strcmp(key, "sku_id") == 0        ? &it->sku_id
                           : strcmp(key, "offering_id") == 0 ? &it->offering_id
                                                             : NULL;
            if (!dst) {
                item_error(
                    r, &bad, i,
                    arena_printf(r->ar, "'%s' is not a known field (sku_id, offering_id)", key));
                ok = 0;
            } else if (positive_int(val, dst) != 0) {
                item_error(r, &bad, i, arena_printf(r->ar, "'%s' must be a positive integer", key));
                ok = 0;
            }
        }
        if (ok && !it->sku_id && !it->offering_id)
            item_error(r, &bad, i, "must name sku_id or offering_id");
    }
}

/*
 * Reads and checks a write's body: every shape problem is collected, then answered at
 * once (400). Returns 0 or the problem's status.
 */
static int read_body(struct req *r, enum op op, struct body *b, struct ritem **items, size_t *n)
{
    struct json_object *json, *given;
    const char *why, *field;
    int rc, has_publisher = 0;
    struct jfield f[5] = {
        {"publisher_org_id", JF_INT, JF_REQUIRED, &b->publisher, &has_publisher, 0},
        {"org_id", JF_INT, JF_REQUIRED | JF_NULLABLE, &b->recipient, &b->has_recipient, 0},
        {"note", JF_STRING, JF_NULLABLE, &b->note, &b->has_note, PUBLISH_NOTE_MAX},
    };
    size_t nf = 3;

    memset(b, 0, sizeof(*b));
    *items = NULL;
    *n = 0;
    if (op == OP_ROLLBACK) {
        f[nf++] = (struct jfield){"to_version",       JF_INT, JF_REQUIRED, &b->to_version,
                                  &b->has_to_version, 0};
    } else {
        f[nf++] = (struct jfield){"items", JF_ARRAY, JF_REQUIRED, &b->items, &b->has_items, 0};
        if (op == OP_PUBLISH)
            f[nf++] = (struct jfield){"constraints",   JF_OBJECT,           JF_NULLABLE,
                                      &b->constraints, &b->has_constraints, 0};
    }
    rc = req_json_body(r, &json);
    if (rc)
        return rc;
    json_read_fields(r->ar, json, f, nf, &r->field_errors);
    if (has_publisher && b->publisher <= 0)
        field_errors_add(r->ar, &r->field_errors, "publisher_org_id", "must be a positive id");
    if (b->has_recipient && json_object_object_get_ex(json, "org_id", &given) && given &&
        b->recipient <= 0)
        field_errors_add(r->ar, &r->field_errors, "org_id", "must be a positive id or null");
    if (b->has_note && b->note && utf8_has_control(b->note, strlen(b->note)))
        field_errors_add(r->ar, &r->field_errors, "note",
                         "must not contain control characters other than newline and tab");
    if (b->has_to_version && b->to_version <= 0)
        field_errors_add(r->ar, &r->field_errors, "to_version", "must be a positive version");
    if (b->has_constraints && b->constraints &&
        (why = publish_check_constraints(r->ar, b->constraints, &field)))
        field_errors_add(r->ar, &r->field_errors, field, "%s", why);
    if (b->has_items)
        read_items(r, b->items, items, n);
    if (r->field_errors.n)
        return refused(problem(r, PROB_VALIDATION, "the body has invalid fields"));
    return 0;
}

/* An array of ids as JSON text, for JSON_TABLE. */
static const char *ids_json(struct arena *ar, const int64_t *ids, size_t n)
{
    struct sb sb;

    sb_init(&sb, ar);
    sb_reserve(&sb, 4 + n * 21);
    sb_addc(&sb, '[');
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s%lld", i ? "," : "", (long long)ids[i]);
    sb_addc(&sb, ']');
    return sb.buf;
}

/*
 * Resolves each item to its SKU (and offering) in one query per kind; an id of no SKU or
 * offering of the tenant is 422 naming the item. Returns 0 or the problem's status.
 */
static int resolve_items(struct req *r, struct ritem *it, size_t n)
{
    size_t ns = 0, no = 0;
    int64_t *sids = arena_alloc(r->ar, sizeof(*sids) * n),
            *oids = arena_alloc(r->ar, sizeof(*oids) * n);
    size_t *sidx = arena_alloc(r->ar, sizeof(*sidx) * n),
           *oidx = arena_alloc(r->ar, sizeof(*oidx) * n);
    char *found = arena_zalloc(r->ar, n);
    struct db_res res;
    int rc, bad = 0;

    for (size_t i = 0; i < n; i++) {
        if (it[i].offering_id) {
            oidx[no] = i;
            oids[no++] = it[i].offering_id;
        } else {
            sidx[ns] = i;
            sids[ns++] = it[i].sku_id;
        }
    }
    if (ns) {
        rc = db_exec(r->db, r->ar, &Q_PUB_SKUS, r->ctx.tenant_id, &res, ids_json(r->ar, sids, ns));
        if (rc)
            return problem_db(r, rc, "publish skus");
        for (int k = 0; k < res.nrows; k++) {
            struct ritem *x = &it[sidx[db_at(&res, k, PUB_SKU_COL_POS)->i - 1]];

            x->key.sku_id = db_at(&res, k, PUB_SKU_COL_ID)->i;
            x->maker = db_at(&res, k, PUB_SKU_COL_MAKER)->i;
            x->code = db_at(&res, k, PUB_SKU_COL_CODE)->s;
            found[x - it] = 1;
        }
    }
    if (no) {
        rc = db_exec(r->db, r->ar, &Q_PUB_OFFERINGS, r->ctx.tenant_id, &res,
                     ids_json(r->ar, oids, no));
        if (rc)
            return problem_db(r, rc, "publish offerings");
        for (int k = 0; k < res.nrows; k++) {
            struct ritem *x = &it[oidx[db_at(&res, k, PUB_OFF_COL_POS)->i - 1]];

            x->key.sku_id = db_at(&res, k, PUB_OFF_COL_SKU)->i;
            x->key.offering_key = db_at(&res, k, PUB_OFF_COL_ID)->i;
            x->maker = db_at(&res, k, PUB_OFF_COL_MAKER)->i;
            x->code = db_at(&res, k, PUB_OFF_COL_CODE)->s;
            found[x - it] = 1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!found[i] && it[i].offering_id)
            item_error(
                r, &bad, i,
                arena_printf(r->ar, "no offering with id %lld", (long long)it[i].offering_id));
        else if (!found[i])
            item_error(r, &bad, i,
                       arena_printf(r->ar, "no SKU with id %lld", (long long)it[i].sku_id));
        else if (it[i].sku_id && it[i].sku_id != it[i].key.sku_id)
            item_error(r, &bad, i,
                       arena_printf(r->ar, "offering %lld is of SKU %lld, not of SKU %lld",
                                    (long long)it[i].offering_id, (long long)it[i].key.sku_id,
                                    (long long)it[i].sku_id));
    }
    if (bad)
        return refused(problem(r, PROB_UNPROCESSABLE,
                               "%d item%s name%s no SKU or offering of this tenant", bad,
                               bad == 1 ? "" : "s", bad == 1 ? "s" : ""));
    return 0;
}

/* An organization of the tenant, or 422 naming the field. */
static int load_org(struct req *r, int64_t id, const char *field, struct db_res *res)
{
    int rc = db_exec(r->db, r->ar, &Q_PUB_ORG, r->ctx.tenant_id, res, (long long)id);

    if (rc)
        return problem_db(r, rc, "publish org");
    if (res->nrows == 1)
        return 0;
    field_errors_add(r->ar, &r->field_errors, field, "no organization with id %lld", (long long)id);
    return refused(
        problem(r, PROB_UNPROCESSABLE, "'%s' names no organization of this tenant", field));
}

static struct json_object *stored_json(struct arena *ar, const char *text)
{
    struct json_object *o = NULL;

    if (!text || json_parse(ar, text, strlen(text), &o, NULL, 0) != JSON_OK)
        return NULL;
    return o;
}

/* A reference the caller owns to a tree the arena owns. */
static struct json_object *json_ref(struct arena *ar, const char *text)
{
    return json_stored(ar, text, text ? strlen(text) : 0, json_object_new_object());
}

/*
 * Rules 2 and 3: the recipient is an active child of the publisher and meets the
 * constraints (JSON text). Returns 0 or the problem's status.
 */
static int check_recipient(struct req *r, const struct body *b, const char *constraints)
{
    struct db_res org;
    const char *why;
    int rc, preferred;

    if (!b->recipient)
        return 0;
    rc =
        rel_is_active_child(r->db, r->ar, r->ctx.tenant_id, b->publisher, b->recipient, &preferred);
    if (rc)
        return problem_db(r, rc, "publish relationship");
    if (preferred < 0) {
        field_errors_add(r->ar, &r->field_errors, "org_id",
                         "is not a child of the publisher through an active distributor_of or "
                         "dealer_of relationship");
        return refused(
            problem(r, PROB_RECIPIENT_INELIGIBLE,
                    "organization %lld is not a child of organization %lld through an active "
                    "distributor_of or dealer_of relationship",
                    (long long)b->recipient, (long long)b->publisher));
    }
    rc = load_org(r, b->recipient, "org_id", &org);
    if (rc)
        return rc;
    why = publish_unmet(
        r->ar, stored_json(r->ar, constraints),
        stored_json(r->ar, db_at(&org, 0, PUB_ORG_COL_CERTS)->s),
        db_at(&org, 0, PUB_ORG_COL_REGION)->null ? NULL : db_at(&org, 0, PUB_ORG_COL_REGION)->s);
    if (why) {
        field_errors_add(r->ar, &r->field_errors, "org_id", "%s", why);
        return refused(problem(r, PROB_RECIPIENT_INELIGIBLE, "%s", why));
    }
    return 0;
}

/*
 * Rule 4 over keys[0..n) with their manufacturers: a manufacturer publishes its own SKUs,
 * anyone else what is in its own listing of the channel. bad[i] is set for each refused.
 * Returns 0 or a DB_E* code.
 */
static int check_upstream(struct req *r, int64_t channel_id, int64_t publisher,
                          const char *publisher_type, const struct pub_key *keys,
                          const int64_t *makers, size_t n, char *bad, int *nbad)
{
    struct pub_key *ask = arena_alloc(r->ar, sizeof(*ask) * (n + 1));
    int *in;
    size_t na = 0;
    int rc;

    *nbad = 0;
    for (size_t i = 0; i < n; i++) {
        bad[i] = 0;
        if (makers[i] == publisher)
            continue;
        if (strcmp(publisher_type, "manufacturer") == 0) {
            bad[i] = 1;
            (*nbad)++;
        } else {
            ask[na++] = keys[i];
        }
    }
    if (!na)
        return 0;
    na = publish_keys_unique(ask, na);
    in = arena_alloc(r->ar, sizeof(*in) * na);
    rc = listing_contains(r->db, r->ar, r->ctx.tenant_id, channel_id, publisher, ask, na, in);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        long k;

        if (makers[i] == publisher || strcmp(publisher_type, "manufacturer") == 0)
            continue;
        k = publish_keys_find(ask, na, keys[i]);
        if (k < 0 || !in[k]) {
            bad[i] = 1;
            (*nbad)++;
        }
    }
    return 0;
}

/* SKU items' ids under name, offering items' ids under name_offerings. */
static void add_diff(struct json_object *o, const char *name, const struct pub_key *keys, size_t n)
{
    struct json_object *skus = json_object_new_array(), *offs = json_object_new_array();
    char oname[64];

    for (size_t i = 0; i < n; i++) {
        if (keys[i].offering_key)
            json_object_array_add(offs, json_object_new_int64(keys[i].offering_key));
        else
            json_object_array_add(skus, json_object_new_int64(keys[i].sku_id));
    }
    snprintf(oname, sizeof(oname), "%s_offerings", name);
    json_object_object_add(o, name, skus);
    json_object_object_add(o, oname, offs);
}

/* Items rows (PUB_ITEM_COL_*) as [{sku_id, sku_code, offering_id}]. */
static struct json_object *items_json(const struct db_res *res)
{
    struct json_object *a = json_object_new_array_ext(res->nrows);

    for (int i = 0; i < res->nrows; i++) {
        struct json_object *o = json_object_new_object();
        const struct db_val *off = db_at(res, i, PUB_ITEM_COL_OFFERING);

        json_object_object_add(o, "sku_id",
                               json_object_new_int64(db_at(res, i, PUB_ITEM_COL_SKU)->i));
        json_object_object_add(o, "sku_code",
                               json_object_new_string(db_at(res, i, PUB_ITEM_COL_CODE)->s));
        json_object_object_add(o, "offering_id", off->null ? NULL : json_object_new_int64(off->i));
        json_object_array_add(a, o);
    }
    return a;
}

static void add_target(struct json_object *o, int64_t pub_id, int64_t channel_id, int64_t publisher,
                       int64_t recipient)
{
    json_object_object_add(o, "publication_id", json_object_new_int64(pub_id));
    json_object_object_add(o, "channel_id", json_object_new_int64(channel_id));
    json_object_object_add(o, "publisher_org_id", json_object_new_int64(publisher));
    json_object_object_add(o, "org_id", recipient ? json_object_new_int64(recipient) : NULL);
}

/* Rows of Q_PUB_DIFF or of Q_LISTING_AMONG-shaped (sku, offering) as keys. */
static struct pub_key *rows_keys(struct arena *ar, const struct db_res *res)
{
    struct pub_key *k = arena_alloc(ar, sizeof(*k) * (size_t)(res->nrows + 1));

    for (int i = 0; i < res->nrows; i++) {
        k[i].sku_id = db_at(res, i, 0)->i;
        k[i].offering_key = db_at(res, i, 1)->null ? 0 : db_at(res, i, 1)->i;
    }
    return k;
}

/* A change to write: version n+1 of a locked publication. */
struct change {
    enum op op;
    int64_t channel_id, rolled_back_to;
    const struct body *b;
    const struct pub *cur;
    const char *constraints;
    const struct pub_key *added, *removed;
    size_t nadded, nremoved;
};

/* The answer of a write: the publication's live items at its current version. */
static int answer(struct req *r, int64_t channel_id, const struct body *b, int64_t pub_id,
                  int64_t version, const char *constraints, const struct change *ch,
                  struct json_object **out)
{
    struct db_res live;
    struct json_object *o;
    int rc = db_exec(r->db, r->ar, &Q_PUB_LIVE_ITEMS, r->ctx.tenant_id, &live, (long long)pub_id);

    if (rc)
        return rc;
    o = json_arena_own(r->ar, json_object_new_object());
    add_target(o, pub_id, channel_id, b->publisher, b->recipient);
    json_object_object_add(o, "version", json_object_new_int64(version));
    json_object_object_add(o, "constraints", json_ref(r->ar, constraints));
    json_object_object_add(o, "item_count", json_object_new_int64(live.nrows));
    json_object_object_add(o, "items", items_json(&live));
    add_diff(o, "added", ch ? ch->added : NULL, ch ? ch->nadded : 0);
    add_diff(o, "removed", ch ? ch->removed : NULL, ch ? ch->nremoved : 0);
    *out = o;
    return 0;
}

/* Writes version n+1 and ends the transaction with its audit row and event; answers 201. */
static int write_version(struct req *r, const struct change *ch)
{
    const struct body *b = ch->b;
    int64_t pub_id = ch->cur->id, version = ch->cur->version + 1;
    int64_t count = ch->cur->count + (int64_t)ch->nadded - (int64_t)ch->nremoved;
    struct json_object *out, *after, *before = NULL;
    struct db_res res;
    int rc;

    rc = db_exec(r->db, r->ar, &Q_PUB_VERSION_INSERT, r->ctx.tenant_id, NULL, (long long)pub_id,
                 (long long)version, op_version_action[ch->op], (long long)ch->rolled_back_to,
                 b->has_note ? b->note : NULL, ch->constraints, (long long)count,
                 (long long)ch->nadded, (long long)ch->nremoved, (long long)r->ctx.user_id);
    if (!rc && ch->nremoved) {
        rc = db_exec(r->db, r->ar, &Q_PUB_ITEMS_CLOSE, r->ctx.tenant_id, &res,
                     publish_keys_json(r->ar, ch->removed, ch->nremoved), (long long)version,
                     (long long)pub_id);
        if (!rc && res.affected != ch->nremoved)
            rc = DB_ERR;
    }
    if (!rc && ch->nadded) {
        rc = db_exec(r->db, r->ar, &Q_PUB_ITEMS_ADD, r->ctx.tenant_id, &res, (long long)pub_id,
                     (long long)version, publish_keys_json(r->ar, ch->added, ch->nadded));
        if (!rc && res.affected != ch->nadded)
            rc = DB_ERR;
    }
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_PUB_UPDATE, r->ctx.tenant_id, NULL, (long long)version,
                     (long long)count, ch->constraints, (long long)pub_id);
    if (!rc)
        rc = answer(r, ch->channel_id, b, pub_id, version, ch->constraints, ch, &out);
    if (rc)
        return problem_rollback(r, rc, "publish write");
    after = json_arena_own(r->ar, json_object_new_object());
    add_target(after, pub_id, ch->channel_id, b->publisher, b->recipient);
    json_object_object_add(after, "version", json_object_new_int64(version));
    json_object_object_add(after, "action", json_object_new_string(op_version_action[ch->op]));
    if (ch->rolled_back_to)
        json_object_object_add(after, "rolled_back_to", json_object_new_int64(ch->rolled_back_to));
    json_object_object_add(after, "item_count", json_object_new_int64(count));
    json_object_object_add(after, "constraints", json_ref(r->ar, ch->constraints));
    add_diff(after, "added", ch->added, ch->nadded);
    add_diff(after, "removed", ch->removed, ch->nremoved);
    if (ch->cur->version) {
        before = json_arena_own(r->ar, json_object_new_object());
        json_object_object_add(before, "version", json_object_new_int64(ch->cur->version));
        json_object_object_add(before, "item_count", json_object_new_int64(ch->cur->count));
        json_object_object_add(before, "constraints", json_ref(r->ar, ch->cur->constraints));
    }
    rc = write_commit(r, r->ctx.tenant_id, op_action[ch->op], op_event[ch->op], "publication",
                      pub_id, before ? json_text(r->ar, before) : NULL, json_text(r->ar, after));
    if (rc)
        return problem_rollback(r, rc, "publish commit");
    resp_header(r, "Location",
                "/v1/channels/%lld/catalog/versions/%lld?publisher_org_id=%lld&org_id=%s",
                (long long)ch->channel_id, (long long)version, (long long)b->publisher,
                b->recipient ? arena_printf(r->ar, "%lld", (long long)b->recipient) : "all");
    resp_etag(r, version);
    return resp_json(r, 201, out);
}

/* Nothing to change: no version is written; 200 with the current one. */
static int unchanged(struct req *r, int64_t channel_id, const struct body *b, const struct pub *p)
{
    struct json_object *out;
    int rc = answer(r, channel_id, b, p->id, p->version, p->constraints, NULL, &out);

    db_rollback(r->db);
    if (rc)
        return problem_db(r, rc, "publish unchanged");
    resp_etag(r, p->version);
    return resp_json(r, 200, out);
}

/*
 * What every write starts with: the body, the channel, rule 1 (a caller with an
 * organization publishes only as it), and both organizations in the tenant.
 */
static int begin_write(struct req *r, enum op op, struct body *b, struct ritem **items, size_t *n,
                       int64_t *channel_id, struct db_res *publisher)
{
    struct db_res org;
    int rc = load_channel(r, channel_id);

    if (!rc)
        rc = read_body(r, op, b, items, n);
    if (rc)
        return rc;
    if (r->ctx.org_id && b->publisher != r->ctx.org_id) {
        field_errors_add(r->ar, &r->field_errors, "publisher_org_id",
                         "must be the organization you act for (%lld)", (long long)r->ctx.org_id);
        return refused(problem(r, PROB_FORBIDDEN, "you publish only as organization %lld",
                               (long long)r->ctx.org_id));
    }
    rc = load_org(r, b->publisher, "publisher_org_id", publisher);
    if (!rc && b->recipient)
        rc = load_org(r, b->recipient, "org_id", &org);
    if (!rc && b->recipient == b->publisher) {
        field_errors_add(r->ar, &r->field_errors, "org_id", "is the publisher itself");
        rc = problem(r, PROB_RECIPIENT_INELIGIBLE, "an organization does not publish to itself");
    }
    if (!rc && *n)
        rc = resolve_items(r, *items, *n);
    return rc;
}

/* The requested items' keys, in request order, with their manufacturers. */
static void item_keys(struct arena *ar, const struct ritem *it, size_t n, struct pub_key **keys,
                      int64_t **makers)
{
    *keys = arena_alloc(ar, sizeof(**keys) * (n + 1));
    *makers = arena_alloc(ar, sizeof(**makers) * (n + 1));
    for (size_t i = 0; i < n; i++) {
        (*keys)[i] = it[i].key;
        (*makers)[i] = it[i].maker;
    }
}

/* The publication locked for the change (made on a first publish), If-Match checked. */
static int lock_pub(struct req *r, int64_t channel_id, const struct body *b, int create,
                    struct pub *p)
{
    struct db_res ins;
    int64_t id = 0;
    int rc = db_begin(r->db);

    if (!rc && create) {
        rc = db_exec(r->db, r->ar, &Q_PUB_ENSURE, r->ctx.tenant_id, &ins, (long long)channel_id,
                     (long long)b->publisher, (long long)b->recipient);
        id = (int64_t)ins.insert_id;
    } else if (!rc) {
        rc = find_pub(r, p, channel_id, b->publisher, b->recipient);
        id = p->id;
    }
    if (!rc && id)
        rc = load_pub(r, &Q_PUB_LOCK, p, id, 0, 0);
    if (rc)
        return problem_rollback(r, rc, "publish lock");
    if (!p->id) {
        db_rollback(r->db);
        return not_found(r, "publication");
    }
    rc = check_if_match(r, p->version);
    if (rc)
        db_rollback(r->db);
    return rc;
}

/* The keys of rows (sku_id, offering_key, ...) as a sorted set; rows come sorted. */
static int live_among(struct req *r, int64_t pub_id, const struct pub_key *keys, size_t n,
                      struct pub_key **live, size_t *nlive)
{
    struct db_res res;
    int rc = db_exec(r->db, r->ar, &Q_LISTING_AMONG, r->ctx.tenant_id, &res,
                     publish_keys_json(r->ar, keys, n), (long long)pub_id);

    if (rc)
        return rc;
    *live = rows_keys(r->ar, &res);
    *nlive = publish_keys_unique(*live, (size_t)res.nrows);
    return 0;
}

int catalog_http_publish(struct req *r)
{
    struct body b;
    struct ritem *it;
    struct db_res publisher;
    struct pub cur;
    struct change ch = {.op = OP_PUBLISH};
    struct pub_key *keys, *uniq, *live, *added;
    int64_t *makers, channel_id;
    size_t n, nu, nlive, nadded = 0;
    char *bad;
    int rc, nbad;

    rc = begin_write(r, OP_PUBLISH, &b, &it, &n, &channel_id, &publisher);
    if (rc)
        return rc;
    rc = find_pub(r, &cur, channel_id, b.publisher, b.recipient);
    if (rc)
        return problem_db(r, rc, "publish find");
    ch.constraints = b.has_constraints ? (b.constraints ? json_text(r->ar, b.constraints) : "{}")
                                       : cur.constraints;
    rc = check_recipient(r, &b, ch.constraints);
    if (rc)
        return rc;
    item_keys(r->ar, it, n, &keys, &makers);
    bad = arena_alloc(r->ar, n);
    rc = check_upstream(r, channel_id, b.publisher, db_at(&publisher, 0, PUB_ORG_COL_TYPE)->s, keys,
                        makers, n, bad, &nbad);
    if (rc)
        return problem_db(r, rc, "publish upstream");
    if (nbad) {
        int count = 0;
        int maker = strcmp(db_at(&publisher, 0, PUB_ORG_COL_TYPE)->s, "manufacturer") == 0;

        for (size_t i = 0; i < n; i++)
            if (bad[i])
                item_error(
                    r, &count, i,
                    maker ? arena_printf(r->ar, "SKU '%s' is not made by the publisher", it[i].code)
                          : arena_printf(r->ar,
                                         "SKU '%s'%s is not in the publisher's listing "
                                         "of this channel",
                                         it[i].code,
                                         it[i].key.offering_key
                                             ? arena_printf(r->ar, " (offering %lld)",
                                                            (long long)it[i].key.offering_key)
                                             : ""));
        return problem(r, PROB_NOT_PUBLISHED_UPSTREAM,
                       "%d item%s not offered to organization %lld upstream", nbad,
                       nbad == 1 ? " is" : "s are", (long long)b.publisher);
    }
    uniq = arena_alloc(r->ar, sizeof(*uniq) * n);
    memcpy(uniq, keys, sizeof(*uniq) * n);
    nu = publish_keys_unique(uniq, n);
    rc = lock_pub(r, channel_id, &b, 1, &cur);
    if (rc)
        return rc;
    rc = live_among(r, cur.id, uniq, nu, &live, &nlive);
    if (rc)
        return problem_rollback(r, rc, "publish live");
    added = arena_alloc(r->ar, sizeof(*added) * nu);
    for (size_t i = 0; i < nu; i++)
        if (publish_keys_find(live, nlive, uniq[i]) < 0)
            added[nadded++] = uniq[i];
    if (!nadded && strcmp(ch.constraints, cur.constraints) == 0)
        return unchanged(r, channel_id, &b, &cur);
    ch.channel_id = channel_id;
    ch.b = &b;
    ch.cur = &cur;
    ch.added = added;
    ch.nadded = nadded;
    return write_version(r, &ch);
}

int catalog_http_unlist(struct req *r)
{
    struct body b;
    struct ritem *it;
    struct db_res publisher;
    struct pub cur;
    struct change ch = {.op = OP_UNLIST};
    struct pub_key *keys, *uniq, *live;
    int64_t *makers, channel_id;
    size_t n, nu, nlive;
    int rc, bad = 0;

    rc = begin_write(r, OP_UNLIST, &b, &it, &n, &channel_id, &publisher);
    if (rc)
        return rc;
    item_keys(r->ar, it, n, &keys, &makers);
    uniq = arena_alloc(r->ar, sizeof(*uniq) * n);
    memcpy(uniq, keys, sizeof(*uniq) * n);
    nu = publish_keys_unique(uniq, n);
    rc = find_pub(r, &cur, channel_id, b.publisher, b.recipient);
    if (rc)
        return problem_db(r, rc, "unlist find");
    if (!cur.id) {
        for (size_t i = 0; i < n; i++)
            item_error(r, &bad, i, "is not live in this publication");
        return problem(r, PROB_UNPROCESSABLE, "nothing is published there yet");
    }
    rc = lock_pub(r, channel_id, &b, 0, &cur);
    if (rc)
        return rc;
    rc = live_among(r, cur.id, uniq, nu, &live, &nlive);
    if (rc)
        return problem_rollback(r, rc, "unlist live");
    for (size_t i = 0; i < n; i++)
        if (publish_keys_find(live, nlive, keys[i]) < 0)
            item_error(r, &bad, i,
                       arena_printf(r->ar, "SKU '%s'%s is not live in this publication", it[i].code,
                                    it[i].key.offering_key ? " (offering)" : ""));
    if (bad) {
        db_rollback(r->db);
        return problem(r, PROB_UNPROCESSABLE, "%d item%s not live in this publication", bad,
                       bad == 1 ? " is" : "s are");
    }
    if (!nlive)
        return unchanged(r, channel_id, &b, &cur);
    ch.channel_id = channel_id;
    ch.b = &b;
    ch.cur = &cur;
    ch.constraints = cur.constraints;
    ch.removed = live;
    ch.nremoved = nlive;
    return write_version(r, &ch);
}

int catalog_http_rollback(struct req *r)
{
    struct body b;
    struct ritem *it;
    struct db_res publisher, add, rem;
    struct pub cur;
    struct change ch = {.op = OP_ROLLBACK};
    struct pub_key *added;
    int64_t *makers, channel_id;
    size_t n;
    char *bad;
    int rc, nbad;

    rc = begin_write(r, OP_ROLLBACK, &b, &it, &n, &channel_id, &publisher);
    if (rc)
        return rc;
    rc = find_pub(r, &cur, channel_id, b.publisher, b.recipient);
    if (rc)
        return problem_db(r, rc, "rollback find");
    if (!cur.id)
        return not_found(r, "publication");
    if (b.to_version > cur.version) {
        field_errors_add(r->ar, &r->field_errors, "to_version",
                         "must be a version of this publication (1 to %lld)",
                         (long long)cur.version);
        return problem(r, PROB_UNPROCESSABLE, "the publication has no version %lld",
                       (long long)b.to_version);
    }
    rc = check_recipient(r, &b, cur.constraints);
    if (rc)
        return rc;
    rc = lock_pub(r, channel_id, &b, 0, &cur);
    if (rc)
        return rc;
    /* what version to_version holds that the current one does not, and the other way */
    rc = db_exec(r->db, r->ar, &Q_PUB_DIFF, r->ctx.tenant_id, &add, (long long)cur.id,
                 (long long)b.to_version, (long long)b.to_version, (long long)cur.version,
                 (long long)cur.version);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_PUB_DIFF, r->ctx.tenant_id, &rem, (long long)cur.id,
                     (long long)cur.version, (long long)cur.version, (long long)b.to_version,
                     (long long)b.to_version);
    if (rc)
        return problem_rollback(r, rc, "rollback diff");
    added = rows_keys(r->ar, &add);
    makers = arena_alloc(r->ar, sizeof(*makers) * (size_t)(add.nrows + 1));
    for (int i = 0; i < add.nrows; i++)
        makers[i] = db_at(&add, i, 2)->i;
    bad = arena_alloc(r->ar, (size_t)add.nrows + 1);
    rc = check_upstream(r, channel_id, b.publisher, db_at(&publisher, 0, PUB_ORG_COL_TYPE)->s,
                        added, makers, (size_t)add.nrows, bad, &nbad);
    if (rc)
        return problem_rollback(r, rc, "rollback upstream");
    if (nbad) {
        db_rollback(r->db);
        for (int i = 0, shown = 0; i < add.nrows && shown < ITEM_ERRORS_MAX; i++)
            if (bad[i] && ++shown)
                field_errors_add(
                    r->ar, &r->field_errors, "to_version",
                    "would bring back SKU %lld%s, which the publisher may no longer "
                    "offer",
                    (long long)added[i].sku_id,
                    added[i].offering_key
                        ? arena_printf(r->ar, " (offering %lld)", (long long)added[i].offering_key)
                        : "");
        return problem(r, PROB_NOT_PUBLISHED_UPSTREAM,
                       "version %lld holds %d item%s not offered to organization %lld upstream",
                       (long long)b.to_version, nbad, nbad == 1 ? "" : "s", (long long)b.publisher);
    }
    if (!add.nrows && !rem.nrows)
        return unchanged(r, channel_id, &b, &cur);
    ch.channel_id = channel_id;
    ch.b = &b;
    ch.cur = &cur;
    ch.constraints = cur.constraints;
    ch.rolled_back_to = b.to_version;
    ch.added = added;
    ch.nadded = (size_t)add.nrows;
    ch.removed = rows_keys(r->ar, &rem);
    ch.nremoved = (size_t)rem.nrows;
    return write_version(r, &ch);
}

/* ?org_id= of the version reads: an id, or all / null / absent for the publication to all. */
static int recipient_param(struct req *r, int64_t *recipient)
{
    const char *v = req_query(r, "org_id");

    *recipient = 0;
    if (!v || !*v || strcmp(v, "all") == 0 || strcmp(v, "null") == 0)
        return 0;
    if (params_id(v, recipient) == 0)
        return 0;
    field_errors_add(r->ar, &r->field_errors, "org_id",
                     "must be an organization id, or 'all' for the publication to all");
    return refused(problem(r, PROB_VALIDATION, "the query parameter 'org_id' is not valid"));
}

/*
 * The publication named by ?publisher_org_id= and ?org_id= in the path's channel, visible
 * to the caller: an org-scoped caller reads the publications it published or received
 * (one to all: as an active child of the publisher). Else renders 404.
 */
static int read_pub(struct req *r, int64_t *channel_id, int64_t *publisher, int64_t *recipient,
                    struct pub *p)
{
    int rc, preferred;

    memset(p, 0, sizeof(*p));
    *channel_id = *publisher = *recipient = 0;
    rc = load_channel(r, channel_id);
    if (!rc)
        rc = params_query_id(r, "publisher_org_id", publisher);
    if (!rc && !*publisher) {
        field_errors_add(r->ar, &r->field_errors, "publisher_org_id", "is required");
        rc = problem(r, PROB_VALIDATION, "the query parameter 'publisher_org_id' is required");
    }
    if (!rc)
        rc = recipient_param(r, recipient);
    if (rc)
        return rc;
    if (r->ctx.org_id && r->ctx.org_id != *publisher && r->ctx.org_id != *recipient) {
        if (*recipient)
            return not_found(r, "publication");
        rc = rel_is_active_child(r->db, r->ar, r->ctx.tenant_id, *publisher, r->ctx.org_id,
                                 &preferred);
        if (rc)
            return problem_db(r, rc, "versions relationship");
        if (preferred < 0)
            return not_found(r, "publication");
    }
    rc = find_pub(r, p, *channel_id, *publisher, *recipient);
    if (rc)
        return problem_db(r, rc, "versions find");
    return p->id ? 0 : not_found(r, "publication");
}

static struct json_object *version_json(struct arena *ar, const struct db_res *res, int i)
{
    struct json_object *o = json_object_new_object();
    const struct db_val *back = db_at(res, i, PUB_VER_COL_ROLLED_BACK_TO);
    const struct db_val *note = db_at(res, i, PUB_VER_COL_NOTE);
    const struct db_val *actor = db_at(res, i, PUB_VER_COL_ACTOR);

    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, i, PUB_VER_COL_VERSION)->i));
    json_object_object_add(o, "action",
                           json_object_new_string(db_at(res, i, PUB_VER_COL_ACTION)->s));
    json_object_object_add(o, "rolled_back_to", back->null ? NULL : json_object_new_int64(back->i));
    json_object_object_add(o, "note", note->null ? NULL : json_object_new_string(note->s));
    json_object_object_add(o, "constraints",
                           json_ref(ar, db_at(res, i, PUB_VER_COL_CONSTRAINTS)->s));
    json_object_object_add(o, "item_count",
                           json_object_new_int64(db_at(res, i, PUB_VER_COL_ITEMS)->i));
    json_object_object_add(o, "added_count",
                           json_object_new_int64(db_at(res, i, PUB_VER_COL_ADDED)->i));
    json_object_object_add(o, "removed_count",
                           json_object_new_int64(db_at(res, i, PUB_VER_COL_REMOVED)->i));
    json_object_object_add(o, "actor_id", actor->null ? NULL : json_object_new_int64(actor->i));
    json_object_object_add(o, "created_at",
                           json_object_new_string(db_at(res, i, PUB_VER_COL_CREATED_AT)->s));
    return o;
}

int catalog_http_versions(struct req *r)
{
    int64_t channel_id, publisher, recipient, after, *ids;
    struct json_object *data;
    struct db_res res;
    struct pub p;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = read_pub(r, &channel_id, &publisher, &recipient, &p);
    if (rc)
        return rc;
    rc = db_exec(r->db, r->ar, &Q_PUB_VERSIONS, r->ctx.tenant_id, &res, (long long)p.id,
                 (long long)after, limit + 1);
    if (rc)
        return problem_db(r, rc, "versions list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, PUB_VER_COL_VERSION)->i;
        json_object_array_add(data, version_json(r->ar, &res, i));
    }
    return list_finish(r, data, ids, limit);
}

/* The version {n} of the path, or 404. */
static int path_version(struct req *r, const struct pub *p, int64_t *n, struct db_res *row)
{
    int rc;

    if (params_path_id(r, "n", n) != 0 || *n > p->version)
        return not_found(r, "version");
    rc = db_exec(r->db, r->ar, &Q_PUB_VERSION_GET, r->ctx.tenant_id, row, (long long)p->id,
                 (long long)*n);
    if (rc)
        return problem_db(r, rc, "version get");
    return row->nrows == 1 ? 0 : not_found(r, "version");
}

int catalog_http_version_get(struct req *r)
{
    int64_t channel_id, publisher, recipient, n;
    struct db_res row, items;
    struct json_object *o;
    struct pub p;
    int rc;

    rc = read_pub(r, &channel_id, &publisher, &recipient, &p);
    if (!rc)
        rc = path_version(r, &p, &n, &row);
    if (rc)
        return rc;
    rc = db_exec(r->db, r->ar, &Q_PUB_VERSION_ITEMS, r->ctx.tenant_id, &items, (long long)p.id,
                 (long long)n, (long long)n);
    if (rc)
        return problem_db(r, rc, "version items");
    o = json_arena_own(r->ar, version_json(r->ar, &row, 0));
    add_target(o, p.id, channel_id, publisher, recipient);
    json_object_object_add(o, "items", items_json(&items));
    /* a version never changes once written */
    resp_etag(r, n);
    return resp_json(r, 200, o);
}

int catalog_http_version_diff(struct req *r)
{
    int64_t channel_id, publisher, recipient, n, against;
    struct db_res row, add, rem;
    struct json_object *o;
    const char *a;
    struct pub p;
    int rc;

    rc = read_pub(r, &channel_id, &publisher, &recipient, &p);
    if (!rc)
        rc = path_version(r, &p, &n, &row);
    if (rc)
        return rc;
    a = req_query(r, "against");
    against = n - 1;
    if (a && *a && strcmp(a, "0") != 0 && params_id(a, &against) != 0)
        against = -1;
    else if (a && strcmp(a, "0") == 0)
        against = 0;
    if (against < 0 || against > p.version) {
        field_errors_add(r->ar, &r->field_errors, "against",
                         "must be a version of this publication (0 to %lld)", (long long)p.version);
        return problem(r, PROB_VALIDATION, "the query parameter 'against' is not valid");
    }
    rc = db_exec(r->db, r->ar, &Q_PUB_DIFF, r->ctx.tenant_id, &add, (long long)p.id, (long long)n,
                 (long long)n, (long long)against, (long long)against);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_PUB_DIFF, r->ctx.tenant_id, &rem, (long long)p.id,
                     (long long)against, (long long)against, (long long)n, (long long)n);
    if (rc)
        return problem_db(r, rc, "version diff");
    o = json_arena_own(r->ar, json_object_new_object());
    add_target(o, p.id, channel_id, publisher, recipient);
    json_object_object_add(o, "version", json_object_new_int64(n));
    json_object_object_add(o, "against", json_object_new_int64(against));
    add_diff(o, "added", rows_keys(r->ar, &add), (size_t)add.nrows);
    add_diff(o, "removed", rows_keys(r->ar, &rem), (size_t)rem.nrows);
    return resp_json(r, 200, o);
}

/* ?limit= (1..200, default 50) and ?cursor= of the listing's (sku_id, offering) keyset. */
static int listing_params(struct req *r, int *limit, struct pub_key *after)
{
    const char *l = req_query(r, "limit"), *c = req_query(r, "cursor");
    int64_t v;

    *limit = LIST_DEFAULT_LIMIT;
    memset(after, 0, sizeof(*after));
    if (l) {
        if (params_id(l, &v) != 0 || v > LIST_MAX_LIMIT) {
            field_errors_add(r->ar, &r->field_errors, "limit", "must be an integer from 1 to %d",
                             LIST_MAX_LIMIT);
            return refused(problem(r, PROB_VALIDATION, "'limit' is out of range"));
        }
        *limit = (int)v;
    }
    if (c && listing_cursor_decode(c, after) != 0) {
        field_errors_add(r->ar, &r->field_errors, "cursor", "is not a cursor this API gave");
        return refused(problem(r, PROB_VALIDATION, "'cursor' is not valid"));
    }
    return 0;
}

int catalog_http_listing(struct req *r)
{
    int64_t channel_id, org_id;
    struct listing_item *items;
    struct pub_key after, next;
    struct json_object *out, *data;
    struct db_res org;
    size_t n;
    int limit, rc, more;

    rc = load_channel(r, &channel_id);
    if (!rc)
        rc = params_query_id(r, "org_id", &org_id);
    if (!rc && !org_id) {
        field_errors_add(r->ar, &r->field_errors, "org_id", "is required");
        rc = problem(r, PROB_VALIDATION, "the query parameter 'org_id' is required");
    }
    if (!rc)
        rc = listing_params(r, &limit, &after);
    if (rc)
        return rc;
    if (r->ctx.org_id && r->ctx.org_id != org_id)
        return problem(r, PROB_NOT_FOUND, "no listing for organization %lld", (long long)org_id);
    rc = db_exec(r->db, r->ar, &Q_PUB_ORG, r->ctx.tenant_id, &org, (long long)org_id);
    if (rc)
        return problem_db(r, rc, "listing org");
    if (org.nrows != 1)
        return problem(r, PROB_NOT_FOUND, "no listing for organization %lld", (long long)org_id);
    rc = listing_page(r->db, r->ar, r->ctx.tenant_id, channel_id, org_id, after, limit, &items, &n,
                      &next, &more);
    if (rc)
        return problem_db(r, rc, "listing");
    data = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object(), *path = json_object_new_array();
        const struct listing_item *it = &items[i];
        int plen;
        int64_t *p = listing_path(r->ar, it, org_id, &plen);

        for (int k = 0; k < plen; k++)
            json_object_array_add(path, json_object_new_int64(p[k]));
        json_object_object_add(o, "sku_id", json_object_new_int64(it->key.sku_id));
        json_object_object_add(o, "sku_code", json_object_new_string(it->sku_code));
        json_object_object_add(o, "offering_id",
                               it->key.offering_key ? json_object_new_int64(it->key.offering_key)
                                                    : NULL);
        json_object_object_add(o, "publisher_org_id", json_object_new_int64(it->publisher_id));
        json_object_object_add(o, "publication_id", json_object_new_int64(it->publication_id));
        json_object_object_add(
            o, "source", json_object_new_string(listing_rank(it) == 0 ? "direct" : "distributor"));
        json_object_object_add(o, "path", path);
        json_object_object_add(o, "version", json_object_new_int64(it->version));
        json_object_array_add(data, o);
    }
    out = json_arena_own(r->ar, json_object_new_object());
    json_object_object_add(out, "data", data);
    json_object_object_add(out, "next_cursor",
                           more ? json_object_new_string(listing_cursor_encode(r->ar, next))
                                : NULL);
    return resp_json(r, 200, out);
}
