/* FX rate handlers: parse, check the rules, write with audit row and event, answer JSON. */
#include "pricing/fx_http.h"

#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "pricing/fx.h"
#include "pricing/price.h"
#include "pricing/rate_http.h"

/* One row of the FX_COL_* columns as the API shows a rate; the caller owns it. */
static struct json_object *fx_json(struct arena *ar, const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, FX_COL_ID)->i));
    json_object_object_add(o, "base_currency",
                           json_object_new_string(db_at(res, row, FX_COL_BASE)->s));
    json_object_object_add(o, "quote_currency",
                           json_object_new_string(db_at(res, row, FX_COL_QUOTE)->s));
    json_object_object_add(
        o, "rate",
        json_object_new_string(price_decimal_text(ar, db_at(res, row, FX_COL_RATE)->s, -1)));
    json_object_object_add(o, "rate_date", json_object_new_string(db_at(res, row, FX_COL_DATE)->s));
    json_object_object_add(o, "created_at",
                           json_object_new_string(db_at(res, row, FX_COL_CREATED_AT)->s));
    return o;
}

static const struct rate_kind kind = {
    "fx_rate", "FX rate", "/v1/fx-rates", &Q_FX_GET, &Q_FX_LOCK, &Q_FX_DELETE, fx_json,
};

/* A date query parameter (from, to); a bad one is a field error. */
static const char *date_param(struct req *r, const char *name)
{
    const char *v = req_query(r, name), *why;

    if (!v || !*v)
        return NULL;
    if ((why = fx_check_date(v)))
        field_errors_add(r->ar, &r->field_errors, name, "%s", why);
    return v;
}

int fx_http_list(struct req *r)
{
    const char *base = req_query(r, "base_currency"), *quote = req_query(r, "quote_currency");
    const char *from, *to;
    struct json_object *data;
    struct db_res res;
    int64_t after, *ids;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (rc)
        return rc;
    base = base && *base ? base : NULL;
    quote = quote && *quote ? quote : NULL;
    if (base && fx_check_currency(base))
        field_errors_add(r->ar, &r->field_errors, "base_currency", "%s", fx_check_currency(base));
    if (quote && fx_check_currency(quote))
        field_errors_add(r->ar, &r->field_errors, "quote_currency", "%s", fx_check_currency(quote));
    from = date_param(r, "from");
    to = date_param(r, "to");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_FX_LIST, r->ctx.tenant_id, &res, (long long)after, base, base,
                 quote, quote, from, from, to, to, limit + 1);
    if (rc)
        return problem_db(r, rc, "fx list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, FX_COL_ID)->i;
        json_object_array_add(data, fx_json(r->ar, &res, i));
    }
    return list_finish(r, data, ids, limit);
}

int fx_http_create(struct req *r)
{
    const char *base = NULL, *quote = NULL, *rate = NULL, *date = NULL, *why;
    struct json_object *body;
    struct money_dec d;
    struct db_res ins;
    int rc;
    struct jfield f[] = {
        {"base_currency", JF_STRING, JF_REQUIRED, &base, NULL, 3},
        {"quote_currency", JF_STRING, JF_REQUIRED, &quote, NULL, 3},
        {"rate", JF_DECIMAL, JF_REQUIRED, &rate, NULL, 0},
        {"rate_date", JF_STRING, JF_REQUIRED, &date, NULL, 10},
    };

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors) == 0) {
        if ((why = fx_check_currency(base)))
            field_errors_add(r->ar, &r->field_errors, "base_currency", "%s", why);
        if ((why = fx_check_currency(quote)))
            field_errors_add(r->ar, &r->field_errors, "quote_currency", "%s", why);
        else if (strcmp(base, quote) == 0)
            field_errors_add(r->ar, &r->field_errors, "quote_currency",
                             "must differ from base_currency");
        if ((why = fx_check_rate(r->ar, rate, &d)))
            field_errors_add(r->ar, &r->field_errors, "rate", "%s", why);
        if ((why = fx_check_date(date)))
            field_errors_add(r->ar, &r->field_errors, "rate_date", "%s", why);
    }
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_FX_INSERT, r->ctx.tenant_id, &ins, base, quote, rate, date);
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "rate_date",
                         "has a rate of this pair already; delete it first");
        return problem(r, PROB_CONFLICT, "a %s to %s rate of %s already exists", base, quote, date);
    }
    if (rc)
        goto dberr;
    return rate_http_created(r, &kind, (int64_t)ins.insert_id);
dberr:
    return problem_rollback(r, rc, "fx create");
}

int fx_http_get(struct req *r)
{
    return rate_http_get(r, &kind);
}

int fx_http_delete(struct req *r)
{
    return rate_http_delete(r, &kind);
}
