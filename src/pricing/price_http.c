/* Price handlers: parse, check who may price for whom, load once, resolve, answer JSON or CSV. */
#include "pricing/price_http.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "catalog/channel.h"
#include "catalog/listing.h"
#include "catalog/publish.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/currency.h"
#include "core/json.h"
#include "core/jw.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "org/org.h"
#include "org/rel.h"
#include "pricing/price.h"

/* What a request asked for, before the database is read. */
struct ask {
    struct price_context c;
    int64_t sku_id; /* GET resolve */
    struct money_dec qty;
    const char *qty_text;
};

static const char *dec_text(struct arena *ar, struct money_dec d)
{
    char buf[MONEY_STRLEN];

    money_format(d, -1, buf);
    return arena_strdup(ar, buf);
}

/* ---- reading the request ---------------------------------------------------------------- */

/* An optional id parameter; a bad one is a field error. */
static void id_param(struct req *r, const char *name, int64_t *out)
{
    const char *v = req_query(r, name);

    *out = 0;
    if (v && *v && params_id(v, out) != 0)
        field_errors_add(r->ar, &r->field_errors, name, "must be a positive integer");
}

/* The checks a query and a body share: qty, currency, at, region. Field errors collect. */
static void check_common(struct req *r, struct ask *a, const char *qty, const char *currency,
                         const char *at, const char *region)
{
    const char *why;

    a->qty_text = qty ? qty : "1";
    if ((why = resolve_check_qty(r->ar, a->qty_text, &a->qty)))
        field_errors_add(r->ar, &r->field_errors, "qty", "%s", why);
    else
        a->qty_text = dec_text(r->ar, a->qty);
    if (currency && !currency_is_known(currency))
        field_errors_add(r->ar, &r->field_errors, "currency",
                         "must be a known ISO 4217 currency code like \"EUR\"");
    a->c.currency = currency;
    if (at && rfc3339_parse(at, &a->c.at) != 0)
        field_errors_add(r->ar, &r->field_errors, "at",
                         "must be an RFC 3339 time like \"2026-01-31T12:00:00Z\"");
    else if (!at)
        a->c.at = clock_real_ms();
    if (region && (why = tax_check_region(region)))
        field_errors_add(r->ar, &r->field_errors, "region", "%s", why);
    a->c.region = region;
}

static const char *query_or_null(struct req *r, const char *name)
{
    const char *v = req_query(r, name);

    return v && *v ? v : NULL;
}

/* GET's parameters; with_sku: sku_id is required. Returns 0 or the 400's status. */
static int read_query(struct req *r, struct ask *a, int with_sku)
{
    memset(a, 0, sizeof(*a));
    if (with_sku) {
        id_param(r, "sku_id", &a->sku_id);
        if (!a->sku_id && !r->field_errors.n)
            field_errors_add(r->ar, &r->field_errors, "sku_id", "is required");
    }
    id_param(r, "org_id", &a->c.org_id);
    id_param(r, "channel_id", &a->c.channel_id);
    check_common(r, a, query_or_null(r, "qty"), query_or_null(r, "currency"),
                 query_or_null(r, "at"), query_or_null(r, "region"));
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    return 0;
}

/* ---- who may price for whom -------------------------------------------------------------- */

static int sells_down(const char *org_type)
{
    return org_type &&
           (strcmp(org_type, "manufacturer") == 0 || strcmp(org_type, "distributor") == 0);
}

/*
 * Sets the organization priced (an organization's user: its own by default) and checks the
 * caller may price for it, and that it and the channel exist. Returns 0 or the status.
 */
static int check_access(struct req *r, struct ask *a)
{
    struct db_res res;
    int64_t org = a->c.org_id;
    int preferred, rc;

    /* before the first query: what is kept is checked against the counter read now */
    price_memo_begin(&a->c.memo, r->ctx.tenant_id, (double)r->cfg->cache_ttl);

    if (!org)
        org = a->c.org_id = r->ctx.org_id;
    if (org && org != r->ctx.org_id) {
        if (r->ctx.org_id && !sells_down(r->ctx.org_type))
            return problem(r, PROB_FORBIDDEN,
                           "an organization's user prices for its own organization only");
        rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &res, (long long)org);
        if (rc)
            return problem_db(r, rc, "price org");
        if (res.nrows != 1) {
            field_errors_add(r->ar, &r->field_errors, "org_id",
                             "names no organization of this tenant");
            return problem(r, PROB_NOT_FOUND, "no organization %lld", (long long)org);
        }
        if (r->ctx.org_id) {
            rc =
                rel_is_active_child(r->db, r->ar, r->ctx.tenant_id, r->ctx.org_id, org, &preferred);
            if (rc)
                return problem_db(r, rc, "price org");
            if (preferred < 0)
                return problem(r, PROB_FORBIDDEN,
                               "a %s prices for its own organization and its direct children "
                               "only; organization %lld is not one",
                               r->ctx.org_type, (long long)org);
        }
    }
    if (a->c.channel_id) {
        const char *key = arena_printf(r->ar, "channel %lld", (long long)a->c.channel_id);
        size_t len;

        if (price_memo_get(&a->c.memo, key, &len))
            return 0;
        rc = channel_find(r->db, r->ar, r->ctx.tenant_id, a->c.channel_id, &res);
        if (!rc && res.nrows == 1)
            price_memo_put(&a->c.memo, key, "1", 1);
        if (rc)
            return problem_db(r, rc, "price channel");
        if (res.nrows != 1) {
            field_errors_add(r->ar, &r->field_errors, "channel_id",
                             "names no channel of this tenant");
            return problem(r, PROB_NOT_FOUND, "no channel %lld", (long long)a->c.channel_id);
        }
    }
    return 0;
}

/* The tenant's currency and rounding, the asked currency's default, then books, FX, tax. */
static int load_context(struct req *r, struct ask *a)
{
    int rc = price_load_tenant(r->db, r->ar, &a->c.memo, r->ctx.tenant_id, &a->c.home_currency,
                               &a->c.rounding);

    if (!rc) {
        if (!a->c.currency)
            a->c.currency = a->c.home_currency;
        a->c.cache_ttl = (double)r->cfg->cache_ttl;
        rc = price_load_context(r->db, r->ar, r->ctx.tenant_id, &a->c);
    }
    return rc ? problem_db(r, rc, "price context") : 0;
}

/* Loads the rules for items (their skus set), prepares and prices them. */
static int price_batch(struct req *r, const struct price_context *c, struct price_item *items,
                       size_t n)
{
    const struct price_sku **skus = arena_alloc(r->ar, sizeof(const struct price_sku *) * (n + 1));
    struct resolve_rule *rules;
    struct price_sets sets;
    const char *err = NULL;
    size_t nrules;
    int rc;

    for (size_t i = 0; i < n; i++)
        skus[i] = items[i].sku;
    rc = price_load_rules(r->db, r->ar, r->ctx.tenant_id, c, skus, n, &rules, &nrules);
    if (rc)
        return problem_db(r, rc, "price rules");
    if (price_prepare(r->ar, c, rules, nrules, &sets, &err) != 0)
        return problem(r, PROB_INTERNAL, "price books refused: %s", err ? err : "?");
    price_items(r->ar, c, &sets, items, n);
    return 0;
}

/* ---- answers ----------------------------------------------------------------------------- */

static const char *book_name(const struct price_context *c, int64_t id)
{
    for (size_t i = 0; i < c->nbooks; i++)
        if (c->books[i].id == id)
            return c->book_names[i];
    return NULL;
}

/*
 * One line of the provenance, left open: the members every line has, NULL ones null; the
 * caller adds its own and ends it.
 */
static void line(struct jw *w, const char *kind, int64_t book_id, const char *scope,
                 int64_t rule_id, const char *rule_type, const char *value, int taken,
                 const char *reason)
{
    jw_obj(w, NULL);
    jw_str(w, "kind", kind);
    jw_id(w, "price_book_id", book_id);
    jw_str(w, "scope_type", scope);
    jw_id(w, "rule_id", rule_id);
    jw_str(w, "rule_type", rule_type);
    jw_str(w, "value", value);
    jw_bool(w, "taken", taken);
    jw_str(w, "reason", reason);
}

static void add_steps(struct req *r, const struct price_context *c, struct jw *w,
                      const struct resolve_result *res)
{
    for (size_t i = 0; i < res->nsteps; i++) {
        const struct resolve_step *s = &res->steps[i];
        const struct resolve_rule *u = s->rule;

        line(w, u ? "rule" : "book", s->book->id, resolve_scope_name(s->book->scope), u ? u->id : 0,
             u ? resolve_rule_type_name(u->type) : NULL,
             u ? price_rule_value_text(r->ar, u, s->book->currency) : NULL, s->taken, s->reason);
        jw_str(w, "currency", s->book->currency);
        if (u) {
            jw_str(w, "selector", resolve_selector_name(u->selector));
            jw_str(w, "selector_value", u->selector_value);
            jw_str(w, "min_qty", u->min_qty ? price_decimal_text(r->ar, u->min_qty, -1) : NULL);
        } else {
            jw_str(w, "book_name", book_name(c, s->book->id));
        }
        jw_end(w);
    }
}

static const char *fx_reason(struct arena *ar, const struct price_context *c,
                             const struct price_item *it)
{
    if (it->converted)
        return arena_printf(ar,
                            "no book in %s prices this SKU: its price in %s, the tenant's "
                            "currency, times %s (1 %s = %s %s, the rate of %s), rounded once",
                            c->currency, c->home_currency, c->rate_text, c->home_currency,
                            c->rate_text, c->currency, c->rate_date);
    if (it->rc == PRICE_ENORATE)
        return arena_printf(ar,
                            "no book in %s prices this SKU, and no %s to %s rate is in effect "
                            "on %s to convert its price in %s",
                            c->currency, c->home_currency, c->currency, c->date, c->home_currency);
    return arena_printf(ar,
                        "no book in %s, nor in %s (the tenant's currency, to convert), "
                        "prices this SKU",
                        c->currency, c->home_currency);
}

static const char *tax_reason(struct arena *ar, const struct price_context *c,
                              const struct price_item *it)
{
    const char *cat = it->sku->category;

    if (!it->tax)
        return arena_printf(ar,
                            "region '%s' has no tax rate for %s%s%s, nor a default, in effect "
                            "on %s",
                            c->region, cat ? "category '" : "SKUs without a category",
                            cat ? cat : "", cat ? "'" : "", c->date);
    return arena_printf(
        ar, "%s %% of region '%s' %s%s%s, in effect from %s: %s on %s, rounded once", it->tax->rate,
        c->region, it->tax->category ? "for category '" : "(its default rate",
        it->tax->category ? it->tax->category : "", it->tax->category ? "'" : ")",
        it->tax->effective_from, it->tax_text, it->amount_text);
}

/* The provenance of an item under key: its books and rules in each currency tried, FX, tax. */
static void provenance(struct req *r, const struct price_context *c, const struct price_item *it,
                       struct jw *w, const char *key)
{
    jw_arr(w, key);
    add_steps(r, c, w, &it->asked);
    if (it->tried_home) {
        add_steps(r, c, w, &it->home);
        line(w, "fx", 0, NULL, 0, NULL, c->has_rate ? c->rate_text : NULL, it->converted,
             fx_reason(r->ar, c, it));
        if (c->has_rate) {
            jw_int(w, "fx_rate_id", c->rate_id);
            jw_str(w, "rate_date", c->rate_date);
        }
        jw_end(w);
    }
    if (c->region && (it->rc == PRICE_OK || it->rc == PRICE_ENOTAX)) {
        line(w, "tax", 0, NULL, 0, NULL, it->tax ? it->tax->rate : NULL, it->tax != NULL,
             tax_reason(r->ar, c, it));
        if (it->tax)
            jw_int(w, "tax_rate_id", it->tax->id);
        jw_end(w);
    }
    jw_end(w);
}

static const char *item_error_code(int rc)
{
    switch (rc) {
    case PRICE_ENOPRICE:
    case PRICE_ENORATE:
        return "no_price";
    case PRICE_ENOTAX:
        return "no_tax_rate";
    default:
        return "price_error";
    }
}

static const char *item_detail(struct arena *ar, const struct price_context *c,
                               const struct price_item *it)
{
    switch (it->rc) {
    case PRICE_ENOPRICE:
        return it->tried_home ? arena_printf(ar, "no book prices SKU %lld in %s, nor in %s",
                                             (long long)it->sku->id, c->currency, c->home_currency)
                              : arena_printf(ar, "no book prices SKU %lld in %s",
                                             (long long)it->sku->id, c->currency);
    case PRICE_ENORATE:
        return arena_printf(ar,
                            "no book prices SKU %lld in %s, and no %s to %s rate is in effect "
                            "on %s to convert its %s price",
                            (long long)it->sku->id, c->currency, c->home_currency, c->currency,
                            c->date, c->home_currency);
    case PRICE_ENOTAX:
        return arena_printf(ar, "region '%s' has no tax rate for SKU %lld in effect on %s",
                            c->region, (long long)it->sku->id, c->date);
    default:
        return it->detail ? it->detail : "the price could not be computed";
    }
}

/* An item's price members (the answer of a single resolve and each of a batch's items). */
static void add_price(const struct price_context *c, struct jw *w, const struct price_item *it)
{
    const struct resolve_result *p = it->priced;

    jw_str(w, "amount", it->amount_text);
    jw_int(w, "price_book_id", p->book_id);
    jw_int(w, "rule_id", p->rule_id);
    jw_int(w, "base_price_book_id", p->base_book_id);
    jw_int(w, "base_rule_id", p->base_rule_id);
    if (it->converted) {
        jw_obj(w, "fx");
        jw_int(w, "fx_rate_id", c->rate_id);
        jw_str(w, "base_currency", c->home_currency);
        jw_str(w, "quote_currency", c->currency);
        jw_str(w, "rate", c->rate_text);
        jw_str(w, "rate_date", c->rate_date);
        jw_str(w, "base_amount", it->home.amount_text);
        jw_end(w);
    } else {
        jw_null(w, "fx");
    }
    if (c->region && it->tax) {
        jw_str(w, "tax_rate", it->tax->rate);
        jw_int(w, "tax_rate_id", it->tax->id);
        jw_str(w, "net", it->amount_text);
        jw_str(w, "tax", it->tax_text);
        jw_str(w, "gross", it->gross_text);
    }
}

/* The context members every answer repeats. */
static void add_context(struct req *r, const struct price_context *c, struct jw *w)
{
    jw_str(w, "currency", c->currency);
    jw_str(w, "at", rfc3339_text(r->ar, c->at));
    jw_id(w, "org_id", c->org_id);
    jw_id(w, "channel_id", c->channel_id);
    if (c->region)
        jw_str(w, "region", c->region);
}

/* The JSON written into b as the answer, or 500 when b failed. */
static int answer(struct req *r, const struct sb *b)
{
    if (sb_error(b))
        return problem(r, PROB_INTERNAL, "the answer could not be written");
    return resp_text(r, 200, "application/json", b->buf, b->len);
}

/*
 * problem() and then one more member in its problem+json (the provenance of a no_price,
 * JSON text): pages that run the API see it; HTML problems are left as they are.
 */
static int problem_with(struct req *r, int status, const char *key, const char *json)
{
    struct sb *b = &r->body_out;

    if (json && r->content_type && strcmp(r->content_type, "application/problem+json") == 0 &&
        b->len > 0 && b->buf[b->len - 1] == '}') {
        b->len--;
        b->buf[b->len] = '\0';
        sb_adds(b, ",\"");
        sb_adds(b, key);
        sb_adds(b, "\":");
        sb_adds(b, json);
        sb_addc(b, '}');
    }
    return status;
}

/* ---- GET /v1/prices/resolve -------------------------------------------------------------- */

int price_http_resolve(struct req *r)
{
    struct ask a;
    const struct price_sku *sku;
    struct price_item it;
    struct sb b;
    struct jw w;
    int rc, st;

    rc = read_query(r, &a, 1);
    if (!rc)
        rc = check_access(r, &a);
    if (rc)
        return rc;
    a.c.trace = 1;
    rc = price_load_skus(r->db, r->ar, &a.c.memo, r->ctx.tenant_id, r->ctx.org_id, &a.sku_id, 1,
                         &sku);
    if (rc)
        return problem_db(r, rc, "price sku");
    if (!sku) {
        field_errors_add(r->ar, &r->field_errors, "sku_id", "names no SKU of this tenant");
        return problem(r, PROB_NOT_FOUND, "no SKU %lld", (long long)a.sku_id);
    }
    rc = load_context(r, &a);
    if (rc)
        return rc;
    memset(&it, 0, sizeof(it));
    it.sku = sku;
    it.qty = a.qty;
    rc = price_batch(r, &a.c, &it, 1);
    if (rc)
        return rc;
    sb_init(&b, r->ar);
    if (it.rc != PRICE_OK) {
        enum problem p = it.rc == PRICE_ENOPRICE || it.rc == PRICE_ENORATE ? PROB_NO_PRICE
                         : it.rc == PRICE_ENOTAX                           ? PROB_NO_TAX_RATE
                         : it.rc == PRICE_EMONEY                           ? PROB_UNPROCESSABLE
                                                                           : PROB_INTERNAL;
        if (p != PROB_INTERNAL) {
            jw_init(&w, &b);
            provenance(r, &a.c, &it, &w, NULL);
        }
        st = problem(r, p, "%s", item_detail(r->ar, &a.c, &it));
        return p == PROB_INTERNAL || sb_error(&b) ? st : problem_with(r, st, "provenance", b.buf);
    }
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    jw_int(&w, "sku_id", sku->id);
    jw_str(&w, "sku_code", sku->code);
    jw_str(&w, "qty", a.qty_text);
    add_context(r, &a.c, &w);
    add_price(&a.c, &w, &it);
    provenance(r, &a.c, &it, &w, "provenance");
    jw_end(&w);
    return answer(r, &b);
}

/* ---- POST /v1/prices/resolve ------------------------------------------------------------- */

struct bitem {
    int64_t sku_id;
    const char *qty;
    struct money_dec q;
};

/* items: 1..PRICE_BATCH_MAX objects {sku_id, qty?}; each problem named items[i].field. */
static void read_items(struct req *r, struct json_object *arr, struct bitem **out, size_t *n)
{
    *n = arr ? json_object_array_length(arr) : 0;
    *out = NULL;
    if (*n == 0 || *n > PRICE_BATCH_MAX) {
        field_errors_add(r->ar, &r->field_errors, "items", "must hold 1 to %d items",
                         PRICE_BATCH_MAX);
        *n = 0;
        return;
    }
    *out = arena_zalloc(r->ar, sizeof(**out) * *n);
    for (size_t i = 0; i < *n; i++) {
        struct bitem *it = &(*out)[i];
        struct field_errors fe = {0};
        struct jfield f[] = {
            {"sku_id", JF_INT, JF_REQUIRED, &it->sku_id, NULL, 0},
            {"qty", JF_DECIMAL, 0, &it->qty, NULL, 0},
        };
        struct json_object *o = json_object_array_get_idx(arr, i);
        const char *why;

        if (!json_object_is_type(o, json_type_object)) {
            field_errors_add(r->ar, &r->field_errors, arena_printf(r->ar, "items[%zu]", i),
                             "must be an object with sku_id and qty");
            continue;
        }
        json_read_fields(r->ar, o, f, 2, &fe);
        for (size_t k = 0; k < fe.n; k++)
            field_errors_add(r->ar, &r->field_errors,
                             arena_printf(r->ar, "items[%zu].%s", i, fe.v[k].field), "%s",
                             fe.v[k].message);
        if (fe.n)
            continue;
        if (it->sku_id <= 0)
            field_errors_add(r->ar, &r->field_errors, arena_printf(r->ar, "items[%zu].sku_id", i),
                             "must be a positive integer");
        if ((why = resolve_check_qty(r->ar, it->qty ? it->qty : "1", &it->q)))
            field_errors_add(r->ar, &r->field_errors, arena_printf(r->ar, "items[%zu].qty", i),
                             "%s", why);
    }
}

int price_http_resolve_batch(struct req *r)
{
    struct ask a;
    struct json_object *body, *items_in = NULL;
    struct sb b;
    struct jw w;
    struct bitem *in = NULL;
    struct price_item *items;
    const struct price_sku **skus;
    const char *currency = NULL, *at = NULL, *region = NULL;
    /* left as they are by null, so null and a given 0 differ */
    int64_t org = INT64_MIN, channel = INT64_MIN, *ids;
    int trace = 0, rc, bad = 0;
    size_t n = 0;
    struct jfield f[] = {
        {"org_id", JF_INT, JF_NULLABLE, &org, NULL, 0},
        {"channel_id", JF_INT, JF_NULLABLE, &channel, NULL, 0},
        {"currency", JF_STRING, 0, &currency, NULL, 3},
        {"at", JF_STRING, 0, &at, NULL, 64},
        {"region", JF_STRING, 0, &region, NULL, TAX_REGION_MAX},
        {"trace", JF_BOOL, 0, &trace, NULL, 0},
        {"items", JF_ARRAY, JF_REQUIRED, &items_in, NULL, 0},
    };

    memset(&a, 0, sizeof(a));
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors) == 0) {
        if (org != INT64_MIN && org <= 0)
            field_errors_add(r->ar, &r->field_errors, "org_id", "must be a positive id, or null");
        if (channel != INT64_MIN && channel <= 0)
            field_errors_add(r->ar, &r->field_errors, "channel_id",
                             "must be a positive id, or null");
        check_common(r, &a, NULL, currency, at, region);
        read_items(r, items_in, &in, &n);
    }
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    a.c.org_id = org > 0 ? org : 0;
    a.c.channel_id = channel > 0 ? channel : 0;
    a.c.trace = trace;
    rc = check_access(r, &a);
    if (rc)
        return rc;
    ids = arena_alloc(r->ar, sizeof(*ids) * n);
    skus = arena_alloc(r->ar, sizeof(const struct price_sku *) * n);
    for (size_t i = 0; i < n; i++)
        ids[i] = in[i].sku_id;
    rc = price_load_skus(r->db, r->ar, &a.c.memo, r->ctx.tenant_id, r->ctx.org_id, ids, n, skus);
    if (rc)
        return problem_db(r, rc, "price skus");
    for (size_t i = 0; i < n; i++)
        if (!skus[i] && bad++ < 20)
            field_errors_add(r->ar, &r->field_errors, arena_printf(r->ar, "items[%zu].sku_id", i),
                             "names no SKU of this tenant");
    if (bad)
        return problem(r, PROB_UNPROCESSABLE, "%d item%s name%s no SKU of this tenant", bad,
                       bad == 1 ? "" : "s", bad == 1 ? "s" : "");
    rc = load_context(r, &a);
    if (rc)
        return rc;
    items = arena_zalloc(r->ar, sizeof(*items) * n);
    for (size_t i = 0; i < n; i++) {
        items[i].sku = skus[i];
        items[i].qty = in[i].q;
    }
    rc = price_batch(r, &a.c, items, n);
    if (rc)
        return rc;
    sb_init(&b, r->ar);
    sb_reserve(&b, 256 * n);
    jw_init(&w, &b);
    jw_obj(&w, NULL);
    add_context(r, &a.c, &w);
    jw_arr(&w, "items");
    for (size_t i = 0; i < n; i++) {
        const struct price_item *it = &items[i];

        jw_obj(&w, NULL);
        jw_int(&w, "sku_id", it->sku->id);
        jw_str(&w, "qty", dec_text(r->ar, it->qty));
        if (it->rc == PRICE_OK) {
            add_price(&a.c, &w, it);
        } else {
            jw_str(&w, "error", item_error_code(it->rc));
            jw_str(&w, "detail", item_detail(r->ar, &a.c, it));
        }
        if (trace)
            provenance(r, &a.c, it, &w, "provenance");
        jw_end(&w);
    }
    jw_end(&w);
    jw_end(&w);
    return answer(r, &b);
}

/* ---- GET /v1/prices/list.csv ------------------------------------------------------------- */

static void csv_row(struct sb *b, const struct price_context *c, const struct price_item *it)
{
    const struct price_sku *s = it->sku;

    sb_printf(b, "%lld,", (long long)s->id);
    price_csv_field(b, s->code);
    sb_addc(b, ',');
    price_csv_field(b, s->product);
    sb_addc(b, ',');
    price_csv_field(b, s->category);
    sb_printf(b, ",%s,", c->currency);
    if (it->rc == PRICE_OK || it->rc == PRICE_ENOTAX)
        sb_printf(b, "%s,%lld,%lld,", it->amount_text, (long long)it->priced->book_id,
                  (long long)it->priced->rule_id);
    else
        sb_adds(b, ",,,");
    if (it->rc != PRICE_OK)
        sb_adds(b, item_error_code(it->rc));
    if (c->region && it->rc == PRICE_OK)
        sb_printf(b, ",%s,%s,%s", it->tax->rate, it->tax_text, it->gross_text);
    else if (c->region)
        sb_adds(b, ",,,");
    sb_adds(b, "\r\n");
}

/* Prices one round of the listing's SKUs and writes their rows. */
static int csv_round(struct req *r, struct ask *a, struct sb *b, const int64_t *ids, size_t n)
{
    const struct price_sku **skus = arena_alloc(r->ar, sizeof(const struct price_sku *) * (n + 1));
    struct price_item *items = arena_zalloc(r->ar, sizeof(*items) * (n + 1));
    size_t k = 0;
    int rc;

    rc = price_load_skus(r->db, r->ar, NULL, r->ctx.tenant_id, r->ctx.org_id, ids, n, skus);
    if (rc)
        return problem_db(r, rc, "price list skus");
    /* a SKU the caller may not read (another brand's, for a manufacturer) is left out */
    for (size_t i = 0; i < n; i++)
        if (skus[i]) {
            items[k].sku = skus[i];
            items[k++].qty = a->qty;
        }
    rc = price_batch(r, &a->c, items, k);
    if (rc)
        return rc;
    for (size_t i = 0; i < k; i++)
        csv_row(b, &a->c, &items[i]);
    return 0;
}

int price_http_list_csv(struct req *r)
{
    struct ask a;
    struct sb *b = &r->body_out;
    struct pub_key after = {0, 0}, next;
    struct listing_item *li;
    int64_t *ids = NULL, last = 0;
    size_t nids = 0, n;
    int more = 1, rc;

    rc = read_query(r, &a, 0);
    if (rc)
        return rc;
    if (!a.c.channel_id)
        field_errors_add(r->ar, &r->field_errors, "channel_id", "is required");
    if (!a.c.org_id && !r->ctx.org_id)
        field_errors_add(r->ar, &r->field_errors, "org_id", "is required");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = check_access(r, &a);
    if (!rc)
        rc = load_context(r, &a);
    if (rc)
        return rc;
    sb_clear(b);
    sb_adds(b, "sku_id,sku_code,product,category,currency,amount,price_book_id,rule_id,note");
    sb_adds(b, a.c.region ? ",tax_rate,tax,gross\r\n" : "\r\n");
    ids = arena_alloc(r->ar, sizeof(*ids) * (PRICE_BATCH_MAX + LIST_MAX_LIMIT));
    while (more) {
        rc = listing_page(r->db, r->ar, r->ctx.tenant_id, a.c.channel_id, a.c.org_id, after,
                          LIST_MAX_LIMIT, &li, &n, &next, &more);
        if (rc) {
            sb_clear(b);
            return problem_db(r, rc, "price list listing");
        }
        /* the listing is in (sku_id, offering) order: a SKU's offerings follow it */
        for (size_t i = 0; i < n; i++)
            if (li[i].key.sku_id != last)
                ids[nids++] = last = li[i].key.sku_id;
        after = next;
        if (nids >= PRICE_BATCH_MAX || (!more && nids)) {
            rc = csv_round(r, &a, b, ids, nids);
            if (rc)
                return rc;
            nids = 0;
        }
    }
    r->status = 200;
    r->content_type = "text/csv; charset=utf-8";
    resp_header(r, "Content-Disposition",
                "attachment; filename=\"prices-org%lld-channel%lld-%s.csv\"", (long long)a.c.org_id,
                (long long)a.c.channel_id, a.c.currency);
    resp_header(r, "Cache-Control", "no-store");
    return 200;
}
