/* Price handlers: parse, check who may price for whom, load once, resolve, answer JSON or CSV. */
#include "pricing/price_http.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "catalog/channel.h"
#include "catalog/listing.h"
#include "catalog/publish.h"
#include "core/config.h"
#include "core/currency.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "org/org.h"
#include "org/rel.h"
#include "pricing/price.h"

#define JSTR(s) json_object_new_string(s)
#define JINT(i) json_object_new_int64(i)

/* What a request asked for, before the database is read. */
struct ask {
    struct price_context c;
    int64_t sku_id; /* GET resolve */
    struct money_dec qty;
    const char *qty_text;
};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ms as the API writes times: "2026-01-31T12:00:00.000Z". */
static const char *time_text(struct arena *ar, int64_t ms)
{
    char sql[RFC3339_SQL_LEN];

    rfc3339_sql(ms, sql);
    sql[10] = 'T';
    return arena_printf(ar, "%sZ", sql);
}

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
        a->c.at = now_ms();
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

/* One line of the provenance; NULL members are JSON nulls. */
static struct json_object *line(const char *kind, int taken, const char *reason)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "kind", JSTR(kind));
    json_object_object_add(o, "price_book_id", NULL);
    json_object_object_add(o, "scope_type", NULL);
    json_object_object_add(o, "rule_id", NULL);
    json_object_object_add(o, "rule_type", NULL);
    json_object_object_add(o, "value", NULL);
    json_object_object_add(o, "taken", json_object_new_boolean(taken));
    json_object_object_add(o, "reason", JSTR(reason));
    return o;
}

static void add_steps(struct req *r, const struct price_context *c, struct json_object *out,
                      const struct resolve_result *res)
{
    for (size_t i = 0; i < res->nsteps; i++) {
        const struct resolve_step *s = &res->steps[i];
        struct json_object *o = line(s->rule ? "rule" : "book", s->taken, s->reason);

        json_object_object_add(o, "price_book_id", JINT(s->book->id));
        json_object_object_add(o, "scope_type", JSTR(resolve_scope_name(s->book->scope)));
        json_object_object_add(o, "currency", JSTR(s->book->currency));
        if (s->rule) {
            json_object_object_add(o, "rule_id", JINT(s->rule->id));
            json_object_object_add(o, "rule_type", JSTR(resolve_rule_type_name(s->rule->type)));
            json_object_object_add(o, "value",
                                   JSTR(price_rule_value_text(r->ar, s->rule, s->book->currency)));
            json_object_object_add(o, "selector", JSTR(resolve_selector_name(s->rule->selector)));
            json_object_object_add(o, "selector_value",
                                   s->rule->selector_value ? JSTR(s->rule->selector_value) : NULL);
            json_object_object_add(
                o, "min_qty",
                s->rule->min_qty ? JSTR(price_decimal_text(r->ar, s->rule->min_qty, -1)) : NULL);
        } else {
            const char *name = book_name(c, s->book->id);
            json_object_object_add(o, "book_name", name ? JSTR(name) : NULL);
        }
        json_object_array_add(out, o);
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

/* The provenance of an item: its books and rules in each currency tried, FX, tax. */
static struct json_object *provenance(struct req *r, const struct price_context *c,
                                      const struct price_item *it)
{
    struct json_object *out = json_object_new_array(), *o;

    add_steps(r, c, out, &it->asked);
    if (it->tried_home) {
        add_steps(r, c, out, &it->home);
        o = line("fx", it->converted, fx_reason(r->ar, c, it));
        if (c->has_rate) {
            json_object_object_add(o, "value", JSTR(c->rate_text));
            json_object_object_add(o, "fx_rate_id", JINT(c->rate_id));
            json_object_object_add(o, "rate_date", JSTR(c->rate_date));
        }
        json_object_array_add(out, o);
    }
    if (c->region && (it->rc == PRICE_OK || it->rc == PRICE_ENOTAX)) {
        o = line("tax", it->tax != NULL, tax_reason(r->ar, c, it));
        if (it->tax) {
            json_object_object_add(o, "value", JSTR(it->tax->rate));
            json_object_object_add(o, "tax_rate_id", JINT(it->tax->id));
        }
        json_object_array_add(out, o);
    }
    return out;
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
static void add_price(const struct price_context *c, struct json_object *o,
                      const struct price_item *it)
{
    const struct resolve_result *p = it->priced;

    json_object_object_add(o, "amount", JSTR(it->amount_text));
    json_object_object_add(o, "price_book_id", JINT(p->book_id));
    json_object_object_add(o, "rule_id", JINT(p->rule_id));
    json_object_object_add(o, "base_price_book_id", JINT(p->base_book_id));
    json_object_object_add(o, "base_rule_id", JINT(p->base_rule_id));
    if (it->converted) {
        struct json_object *fx = json_object_new_object();
        json_object_object_add(fx, "fx_rate_id", JINT(c->rate_id));
        json_object_object_add(fx, "base_currency", JSTR(c->home_currency));
        json_object_object_add(fx, "quote_currency", JSTR(c->currency));
        json_object_object_add(fx, "rate", JSTR(c->rate_text));
        json_object_object_add(fx, "rate_date", JSTR(c->rate_date));
        json_object_object_add(fx, "base_amount", JSTR(it->home.amount_text));
        json_object_object_add(o, "fx", fx);
    } else {
        json_object_object_add(o, "fx", NULL);
    }
    if (c->region && it->tax) {
        json_object_object_add(o, "tax_rate", JSTR(it->tax->rate));
        json_object_object_add(o, "tax_rate_id", JINT(it->tax->id));
        json_object_object_add(o, "net", JSTR(it->amount_text));
        json_object_object_add(o, "tax", JSTR(it->tax_text));
        json_object_object_add(o, "gross", JSTR(it->gross_text));
    }
}

/* The context members every answer repeats. */
static void add_context(struct req *r, const struct price_context *c, struct json_object *o)
{
    json_object_object_add(o, "currency", JSTR(c->currency));
    json_object_object_add(o, "at", JSTR(time_text(r->ar, c->at)));
    json_object_object_add(o, "org_id", c->org_id ? JINT(c->org_id) : NULL);
    json_object_object_add(o, "channel_id", c->channel_id ? JINT(c->channel_id) : NULL);
    if (c->region)
        json_object_object_add(o, "region", JSTR(c->region));
}

/*
 * problem() and then one more member in its problem+json (the provenance of a no_price):
 * pages that run the API see it; HTML problems are left as they are.
 */
static int problem_with(struct req *r, int status, const char *key, struct json_object *v)
{
    struct sb *b = &r->body_out;

    if (r->content_type && strcmp(r->content_type, "application/problem+json") == 0 && b->len > 0 &&
        b->buf[b->len - 1] == '}') {
        const char *text = json_text(r->ar, v);
        b->len--;
        b->buf[b->len] = '\0';
        sb_adds(b, ",\"");
        sb_adds(b, key);
        sb_adds(b, "\":");
        sb_adds(b, text);
        sb_addc(b, '}');
    }
    json_object_put(v);
    return status;
}

/* ---- GET /v1/prices/resolve -------------------------------------------------------------- */

int price_http_resolve(struct req *r)
{
    struct ask a;
    const struct price_sku *sku;
    struct price_item it;
    struct json_object *out;
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
    if (it.rc != PRICE_OK) {
        enum problem p = it.rc == PRICE_ENOPRICE || it.rc == PRICE_ENORATE ? PROB_NO_PRICE
                         : it.rc == PRICE_ENOTAX                           ? PROB_NO_TAX_RATE
                         : it.rc == PRICE_EMONEY                           ? PROB_UNPROCESSABLE
                                                                           : PROB_INTERNAL;
        st = problem(r, p, "%s", item_detail(r->ar, &a.c, &it));
        return p == PROB_INTERNAL ? st
                                  : problem_with(r, st, "provenance", provenance(r, &a.c, &it));
    }
    out = json_arena_own(r->ar, json_object_new_object());
    json_object_object_add(out, "sku_id", JINT(sku->id));
    json_object_object_add(out, "sku_code", JSTR(sku->code));
    json_object_object_add(out, "qty", JSTR(a.qty_text));
    add_context(r, &a.c, out);
    add_price(&a.c, out, &it);
    json_object_object_add(out, "provenance", provenance(r, &a.c, &it));
    return resp_json(r, 200, out);
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
    struct json_object *body, *items_in = NULL, *out, *data;
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
    out = json_arena_own(r->ar, json_object_new_object());
    add_context(r, &a.c, out);
    data = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        const struct price_item *it = &items[i];

        json_object_object_add(o, "sku_id", JINT(it->sku->id));
        json_object_object_add(o, "qty", JSTR(dec_text(r->ar, it->qty)));
        if (it->rc == PRICE_OK) {
            add_price(&a.c, o, it);
        } else {
            json_object_object_add(o, "error", JSTR(item_error_code(it->rc)));
            json_object_object_add(o, "detail", JSTR(item_detail(r->ar, &a.c, it)));
        }
        if (trace)
            json_object_object_add(o, "provenance", provenance(r, &a.c, it));
        json_object_array_add(data, o);
    }
    json_object_object_add(out, "items", data);
    return resp_json(r, 200, out);
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
