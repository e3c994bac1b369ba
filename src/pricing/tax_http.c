/* Tax rate handlers: parse, check the rules, write with audit row and event, answer JSON. */
#include "pricing/tax_http.h"

#include <stdint.h>
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
#include "pricing/tax.h"

/* One row of the TAX_COL_* columns as the API shows a rate; the caller owns it. */
static struct json_object *tax_json(struct arena *ar, const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();
    const struct db_val *cat = db_at(res, row, TAX_COL_CATEGORY);

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, TAX_COL_ID)->i));
    json_object_object_add(o, "region", json_object_new_string(db_at(res, row, TAX_COL_REGION)->s));
    json_object_object_add(o, "category", cat->null ? NULL : json_object_new_string(cat->s));
    json_object_object_add(
        o, "rate",
        json_object_new_string(price_decimal_text(ar, db_at(res, row, TAX_COL_RATE)->s, -1)));
    json_object_object_add(o, "effective_from",
                           json_object_new_string(db_at(res, row, TAX_COL_FROM)->s));
    json_object_object_add(o, "created_at",
                           json_object_new_string(db_at(res, row, TAX_COL_CREATED_AT)->s));
    return o;
}

static const struct rate_kind kind = {
    "tax_rate", "tax rate", "/v1/tax-rates", &Q_TAX_GET, &Q_TAX_LOCK, &Q_TAX_DELETE, tax_json,
};

int tax_http_list(struct req *r)
{
    const char *region = req_query(r, "region"), *category = req_query(r, "category"), *why;
    struct json_object *data;
    struct db_res res;
    int64_t after, *ids;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (rc)
        return rc;
    region = region && *region ? region : NULL;
    category = category && *category ? category : NULL;
    if (region && (why = tax_check_region(region)))
        field_errors_add(r->ar, &r->field_errors, "region", "%s", why);
    if (category && (why = tax_check_category(category)))
        field_errors_add(r->ar, &r->field_errors, "category", "%s", why);
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_TAX_LIST, r->ctx.tenant_id, &res, (long long)after, region,
                 region, category, category, limit + 1);
    if (rc)
        return problem_db(r, rc, "tax list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, TAX_COL_ID)->i;
        json_object_array_add(data, tax_json(r->ar, &res, i));
    }
    return list_finish(r, data, ids, limit);
}

int tax_http_create(struct req *r)
{
    const char *region = NULL, *category = NULL, *rate = NULL, *from = NULL, *why;
    struct json_object *body;
    struct money_dec d;
    struct db_res ins;
    int rc;
    struct jfield f[] = {
        {"region", JF_STRING, JF_REQUIRED, &region, NULL, TAX_REGION_MAX},
        {"category", JF_STRING, JF_NULLABLE, &category, NULL, TAX_CATEGORY_MAX},
        {"rate", JF_DECIMAL, JF_REQUIRED, &rate, NULL, 0},
        {"effective_from", JF_STRING, JF_REQUIRED, &from, NULL, 10},
    };

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors) == 0) {
        if ((why = tax_check_region(region)))
            field_errors_add(r->ar, &r->field_errors, "region", "%s", why);
        if (category && (why = tax_check_category(category)))
            field_errors_add(r->ar, &r->field_errors, "category", "%s", why);
        if ((why = tax_check_rate(r->ar, rate, &d)))
            field_errors_add(r->ar, &r->field_errors, "rate", "%s", why);
        if ((why = fx_check_date(from)))
            field_errors_add(r->ar, &r->field_errors, "effective_from", "%s", why);
    }
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_TAX_INSERT, r->ctx.tenant_id, &ins, region, category, rate,
                     from);
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "effective_from",
                         "has a rate of this region and category already; delete it first");
        return problem(r, PROB_CONFLICT, "region '%s' has a rate %s%s%s from %s already", region,
                       category ? "for category '" : "(its default)", category ? category : "",
                       category ? "'" : "", from);
    }
    if (rc)
        goto dberr;
    return rate_http_created(r, &kind, (int64_t)ins.insert_id);
dberr:
    return problem_rollback(r, rc, "tax create");
}

int tax_http_get(struct req *r)
{
    return rate_http_get(r, &kind);
}

int tax_http_delete(struct req *r)
{
    return rate_http_delete(r, &kind);
}
