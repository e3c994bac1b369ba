/* Product, SKU and offering handlers: parse, check the rules and access, write with audit row and
 * event, answer JSON. */
#include "catalog/product_http.h"

#include <string.h>

#include <json-c/json.h>

#include "catalog/product.h"
#include "core/json.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"

/* The caller's organization five times: the visibility parameters of catalog/product.h. */
#define VIS(r)                                                                                     \
    (long long)(r)->ctx.org_id, (long long)(r)->ctx.org_id, (long long)(r)->ctx.org_id,            \
        (long long)(r)->ctx.org_id, (long long)(r)->ctx.org_id
/* Everything: for reading back a row this request wrote. */
#define VIS_ALL 0LL, 0LL, 0LL, 0LL, 0LL

/* A JSON column back to a tree; fallback when NULL or unreadable. */
static struct json_object *stored_json(struct arena *ar, const struct db_val *v,
                                       struct json_object *fallback)
{
    return json_stored(ar, v->null ? NULL : v->s, v->len, fallback);
}

static struct json_object *str_or_null(const struct db_val *v)
{
    return v->null ? NULL : json_object_new_string(v->s);
}

static void add_int(struct json_object *o, const char *k, const struct db_res *res, int row, int c)
{
    json_object_object_add(o, k, json_object_new_int64(db_at(res, row, c)->i));
}

static void add_str(struct json_object *o, const char *k, const struct db_res *res, int row, int c)
{
    json_object_object_add(o, k, str_or_null(db_at(res, row, c)));
}

struct json_object *product_http_product_json(struct arena *ar, const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();

    add_int(o, "id", res, row, PRODUCT_COL_ID);
    add_int(o, "manufacturer_id", res, row, PRODUCT_COL_MAKER);
    add_str(o, "name", res, row, PRODUCT_COL_NAME);
    add_str(o, "category", res, row, PRODUCT_COL_CATEGORY);
    json_object_object_add(
        o, "attrs", stored_json(ar, db_at(res, row, PRODUCT_COL_ATTRS), json_object_new_object()));
    add_str(o, "lifecycle_status", res, row, PRODUCT_COL_LIFECYCLE);
    add_int(o, "version", res, row, PRODUCT_COL_VERSION);
    add_str(o, "created_at", res, row, PRODUCT_COL_CREATED_AT);
    add_str(o, "updated_at", res, row, PRODUCT_COL_UPDATED_AT);
    return o;
}

struct json_object *product_http_sku_json(struct arena *ar, const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();

    add_int(o, "id", res, row, SKU_COL_ID);
    add_int(o, "product_id", res, row, SKU_COL_PRODUCT);
    add_int(o, "manufacturer_id", res, row, SKU_COL_MAKER);
    add_str(o, "sku_code", res, row, SKU_COL_CODE);
    json_object_object_add(
        o, "attrs", stored_json(ar, db_at(res, row, SKU_COL_ATTRS), json_object_new_object()));
    add_str(o, "status", res, row, SKU_COL_STATUS);
    add_int(o, "version", res, row, SKU_COL_VERSION);
    add_str(o, "created_at", res, row, SKU_COL_CREATED_AT);
    add_str(o, "updated_at", res, row, SKU_COL_UPDATED_AT);
    return o;
}

static struct json_object *offering_json(struct arena *ar, const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();

    add_int(o, "id", res, row, OFFERING_COL_ID);
    add_int(o, "sku_id", res, row, OFFERING_COL_SKU);
    add_str(o, "offer_type", res, row, OFFERING_COL_TYPE);
    add_str(o, "term", res, row, OFFERING_COL_TERM);
    add_str(o, "service_level", res, row, OFFERING_COL_SERVICE_LEVEL);
    json_object_object_add(
        o, "conditions",
        stored_json(ar, db_at(res, row, OFFERING_COL_CONDITIONS), json_object_new_object()));
    add_str(o, "status", res, row, OFFERING_COL_STATUS);
    add_int(o, "version", res, row, OFFERING_COL_VERSION);
    add_str(o, "created_at", res, row, OFFERING_COL_CREATED_AT);
    add_str(o, "updated_at", res, row, OFFERING_COL_UPDATED_AT);
    return o;
}

typedef struct json_object *(*to_json_fn)(struct arena *ar, const struct db_res *res, int row);

/* The stored value of a column of row 0, or NULL when it is SQL NULL. */
static const char *col(const struct db_res *res, int c)
{
    return db_at(res, 0, c)->null ? NULL : db_at(res, 0, c)->s;
}

/* An org-scoped caller writes only the items of its own manufacturer organization. */
static int may_write(const struct req *r, int64_t maker)
{
    return r->ctx.org_id == 0 || r->ctx.org_id == maker;
}

static int not_found(struct req *r, const char *what)
{
    return problem(r, PROB_NOT_FOUND, "no %s at '%s'", what, r->path);
}

static int not_yours(struct req *r, const char *what)
{
    return problem(r, PROB_FORBIDDEN, "only its manufacturer's users may change this %s", what);
}

/* A reference in a body to an id the caller cannot use: 422 naming the field. */
static int bad_ref(struct req *r, const char *field, const char *what)
{
    field_errors_add(r->ar, &r->field_errors, field, "names no %s", what);
    return problem(r, PROB_UNPROCESSABLE, "'%s' names no %s", field, what);
}

/* A field a PATCH may repeat but not change. */
static int fixed_field(struct req *r, const char *field)
{
    field_errors_add(r->ar, &r->field_errors, field, "cannot be changed");
    return problem(r, PROB_UNPROCESSABLE, "'%s' cannot be changed", field);
}

/* Reads the body into fields; rc 0 or the status of the problem rendered. */
static int read_body(struct req *r, const struct jfield *f, size_t n, int create,
                     const int *present[], size_t npresent)
{
    struct json_object *body;
    int rc = req_json_body(r, &body), any = 0;

    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, n, &r->field_errors) == 0 && !create) {
        for (size_t i = 0; i < npresent; i++)
            any |= *present[i];
        if (!any)
            field_errors_add(r->ar, &r->field_errors, "", "must name at least one field to change");
    }
    return 0;
}

static void check(struct req *r, int has, const char *v, const char *(*fn)(const char *),
                  const char *field)
{
    const char *why;

    if (has && v && (why = fn(v)))
        field_errors_add(r->ar, &r->field_errors, field, "%s", why);
}

static void check_id(struct req *r, int has, int64_t v, const char *field)
{
    if (has && v <= 0)
        field_errors_add(r->ar, &r->field_errors, field, "must be a positive integer");
}

static void check_object(struct req *r, int has, struct json_object *v, const char *field)
{
    const char *why;
    size_t len;

    if (has && (why = product_check_attrs(v, &len)))
        field_errors_add(r->ar, &r->field_errors, field, "%s", why);
}

static int invalid(struct req *r)
{
    return r->field_errors.n ? problem(r, PROB_VALIDATION, "the body has invalid fields") : 0;
}

/*
 * Reads back row id after a write with get, answers it with its ETag after write_commit.
 * before is the audit's before (NULL for a creation); status 201 adds Location.
 */
static int finish_write(struct req *r, const struct db_query *get, to_json_fn to_json,
                        int version_col, int64_t id, const char *action, const char *event,
                        const char *entity, const char *before, int status, const char *where)
{
    struct db_res row;
    struct json_object *out;
    int rc;

    rc = db_exec(r->db, r->ar, get, r->ctx.tenant_id, &row, (long long)id, VIS_ALL);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        return problem_rollback(r, rc, action);
    out = json_arena_own(r->ar, to_json(r->ar, &row, 0));
    rc =
        write_commit(r, r->ctx.tenant_id, action, event, entity, id, before, json_text(r->ar, out));
    if (rc)
        return problem_rollback(r, rc, action);
    if (status == 201)
        resp_header(r, "Location", "%s/%lld", where, (long long)id);
    resp_etag(r, db_at(&row, 0, version_col)->i);
    return resp_json(r, status, out);
}

/* A page of rows as {data, next_cursor}. */
static int list_answer(struct req *r, const struct db_res *res, to_json_fn to_json, int limit)
{
    struct json_object *data = json_object_new_array();
    int64_t *ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res->nrows + 1));

    for (int i = 0; i < res->nrows; i++) {
        ids[i] = db_at(res, i, 0)->i;
        json_object_array_add(data, to_json(r->ar, res, i));
    }
    return list_finish(r, data, ids, limit);
}

/* GET of one row by the path's id, as the caller sees it (404 otherwise), with its ETag. */
static int get_one(struct req *r, const struct db_query *q, const char *what, to_json_fn to_json,
                   int version_col)
{
    struct db_res row;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r, what);
    rc = db_exec(r->db, r->ar, q, r->ctx.tenant_id, &row, (long long)id, VIS(r));
    if (rc)
        return problem_db(r, rc, what);
    if (row.nrows != 1)
        return not_found(r, what);
    resp_etag(r, db_at(&row, 0, version_col)->i);
    return resp_json(r, 200, json_arena_own(r->ar, to_json(r->ar, &row, 0)));
}

/*
 * The start of every PATCH: locks row id with lock, then checks that the caller may see it
 * (vis, else 404) and change it (its manufacturer at maker_col, else 403), and If-Match.
 * Returns 1 inside the open transaction with *cur, or 0 with *status the problem rendered
 * after rolling back.
 */
static int patch_begin(struct req *r, const struct db_query *lock, const struct db_query *vis,
                       const char *what, int maker_col, int version_col, int64_t id,
                       struct db_res *cur, int *status)
{
    struct db_res seen;
    int rc;

    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, lock, r->ctx.tenant_id, cur, (long long)id);
    if (rc) {
        *status = problem_rollback(r, rc, what);
        return 0;
    }
    if (cur->nrows == 1 && !may_write(r, db_at(cur, 0, maker_col)->i)) {
        rc = db_exec(r->db, r->ar, vis, r->ctx.tenant_id, &seen, (long long)id, VIS(r));
        if (rc) {
            *status = problem_rollback(r, rc, what);
            return 0;
        }
        db_rollback(r->db);
        *status = seen.nrows == 1 ? not_yours(r, what) : not_found(r, what);
        return 0;
    }
    if (cur->nrows != 1) {
        db_rollback(r->db);
        *status = not_found(r, what);
        return 0;
    }
    *status = check_if_match(r, db_at(cur, 0, version_col)->i);
    if (*status) {
        db_rollback(r->db);
        return 0;
    }
    return 1;
}

/* ---- products ---- */

struct product_input {
    int64_t maker;
    const char *name, *category, *lifecycle;
    struct json_object *attrs;
    int has_maker, has_name, has_category, has_lifecycle, has_attrs;
};

static int product_read(struct req *r, struct product_input *in, int create)
{
    unsigned req = create ? JF_REQUIRED : 0;
    struct jfield f[] = {
        {"manufacturer_id", JF_INT, req, &in->maker, &in->has_maker, 0},
        {"name", JF_STRING, req, &in->name, &in->has_name, PRODUCT_NAME_MAX},
        {"category", JF_STRING, JF_NULLABLE, &in->category, &in->has_category,
         PRODUCT_CATEGORY_MAX},
        {"attrs", JF_OBJECT, 0, &in->attrs, &in->has_attrs, 0},
        {"lifecycle_status", JF_STRING, 0, &in->lifecycle, &in->has_lifecycle, 0},
    };
    const int *present[] = {&in->has_maker, &in->has_name, &in->has_category, &in->has_attrs,
                            &in->has_lifecycle};
    int rc;

    memset(in, 0, sizeof(*in));
    rc = read_body(r, f, sizeof(f) / sizeof(f[0]), create, present,
                   sizeof(present) / sizeof(present[0]));
    if (rc)
        return rc;
    check_id(r, in->has_maker, in->maker, "manufacturer_id");
    check(r, in->has_name, in->name, product_check_name, "name");
    check(r, in->has_category, in->category, product_check_category, "category");
    check(r, in->has_lifecycle, in->lifecycle, product_check_lifecycle, "lifecycle_status");
    check_object(r, in->has_attrs, in->attrs, "attrs");
    return invalid(r);
}

static int product_taken(struct req *r, const char *name)
{
    field_errors_add(r->ar, &r->field_errors, "name",
                     "is taken by another product of this manufacturer");
    return problem(r, PROB_CONFLICT, "the manufacturer already has a product named '%s'", name);
}

int product_http_list(struct req *r)
{
    const char *category, *lifecycle, *q;
    struct db_res res;
    int64_t after, maker;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_id(r, "manufacturer_id", &maker);
    if (!rc)
        rc = params_query_str(r, "category", PRODUCT_CATEGORY_MAX, &category);
    if (!rc)
        rc = params_query_str(r, "lifecycle_status", 64, &lifecycle);
    if (!rc)
        rc = params_query_str(r, "q", PRODUCT_QUERY_MAX, &q);
    if (rc)
        return rc;
    if (lifecycle && product_check_lifecycle(lifecycle))
        field_errors_add(r->ar, &r->field_errors, "lifecycle_status", "%s",
                         product_check_lifecycle(lifecycle));
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_PRODUCT_LIST, r->ctx.tenant_id, &res, (long long)after,
                 (long long)maker, (long long)maker, category, category, lifecycle, lifecycle, q, q,
                 VIS(r), limit + 1);
    if (rc)
        return problem_db(r, rc, "product list");
    return list_answer(r, &res, product_http_product_json, limit);
}

int product_http_create(struct req *r)
{
    struct product_input in;
    struct db_res maker, ins;
    int rc;

    rc = product_read(r, &in, 1);
    if (rc)
        return rc;
    if (r->ctx.org_id && (!r->ctx.org_type || strcmp(r->ctx.org_type, "manufacturer") != 0))
        return problem(r, PROB_FORBIDDEN, "only a manufacturer organization creates products");
    if (!may_write(r, in.maker))
        return problem(r, PROB_FORBIDDEN, "an organization creates products only as itself");
    rc = db_exec(r->db, r->ar, &Q_CATALOG_MAKER_GET, r->ctx.tenant_id, &maker, (long long)in.maker);
    if (rc)
        return problem_db(r, rc, "product create");
    if (maker.nrows != 1)
        return bad_ref(r, "manufacturer_id", "manufacturer organization of the tenant");
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_PRODUCT_INSERT, r->ctx.tenant_id, &ins, (long long)in.maker,
                     in.name, in.category, in.has_attrs ? json_text(r->ar, in.attrs) : "{}",
                     in.has_lifecycle ? in.lifecycle : "active");
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        return product_taken(r, in.name);
    }
    if (rc)
        return problem_rollback(r, rc, "product create");
    return finish_write(r, &Q_PRODUCT_GET, product_http_product_json, PRODUCT_COL_VERSION,
                        (int64_t)ins.insert_id, "product.create", "catalog.product_created",
                        "product", NULL, 201, "/v1/products");
}

int product_http_get(struct req *r)
{
    return get_one(r, &Q_PRODUCT_GET, "product", product_http_product_json, PRODUCT_COL_VERSION);
}

int product_http_patch(struct req *r)
{
    struct product_input in;
    struct db_res cur;
    const char *before;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r, "product");
    rc = product_read(r, &in, 0);
    if (rc)
        return rc;
    if (!patch_begin(r, &Q_PRODUCT_GET_FOR_UPDATE, &Q_PRODUCT_GET, "product", PRODUCT_COL_MAKER,
                     PRODUCT_COL_VERSION, id, &cur, &rc))
        return rc;
    if (in.has_maker && in.maker != db_at(&cur, 0, PRODUCT_COL_MAKER)->i) {
        db_rollback(r->db);
        return fixed_field(r, "manufacturer_id");
    }
    before = json_text(r->ar, json_arena_own(r->ar, product_http_product_json(r->ar, &cur, 0)));
    rc = db_exec(r->db, r->ar, &Q_PRODUCT_UPDATE, r->ctx.tenant_id, NULL,
                 in.has_name ? in.name : col(&cur, PRODUCT_COL_NAME),
                 in.has_category ? in.category : col(&cur, PRODUCT_COL_CATEGORY),
                 in.has_attrs ? json_text(r->ar, in.attrs) : col(&cur, PRODUCT_COL_ATTRS),
                 in.has_lifecycle ? in.lifecycle : col(&cur, PRODUCT_COL_LIFECYCLE), (long long)id);
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        return product_taken(r, in.has_name ? in.name : col(&cur, PRODUCT_COL_NAME));
    }
    if (rc)
        return problem_rollback(r, rc, "product update");
    return finish_write(r, &Q_PRODUCT_GET, product_http_product_json, PRODUCT_COL_VERSION, id,
                        "product.update", "catalog.product_updated", "product", before, 200, NULL);
}

/* ---- SKUs ---- */

struct sku_input {
    int64_t product;
    const char *code, *status;
    struct json_object *attrs;
    int has_product, has_code, has_status, has_attrs;
};

static int sku_read(struct req *r, struct sku_input *in, int create)
{
    unsigned req = create ? JF_REQUIRED : 0;
    struct jfield f[] = {
        {"product_id", JF_INT, req, &in->product, &in->has_product, 0},
        /* bytes here; sku_check_code counts characters */
        {"sku_code", JF_STRING, req, &in->code, &in->has_code, (size_t)SKU_CODE_MAX * 4},
        {"attrs", JF_OBJECT, 0, &in->attrs, &in->has_attrs, 0},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 0},
    };
    const int *present[] = {&in->has_product, &in->has_code, &in->has_attrs, &in->has_status};
    int rc;

    memset(in, 0, sizeof(*in));
    rc = read_body(r, f, sizeof(f) / sizeof(f[0]), create, present,
                   sizeof(present) / sizeof(present[0]));
    if (rc)
        return rc;
    check_id(r, in->has_product, in->product, "product_id");
    check(r, in->has_code, in->code, sku_check_code, "sku_code");
    check(r, in->has_status, in->status, sku_check_status, "status");
    check_object(r, in->has_attrs, in->attrs, "attrs");
    return invalid(r);
}

static int sku_taken(struct req *r, const char *code)
{
    field_errors_add(r->ar, &r->field_errors, "sku_code", "is taken by another SKU");
    return problem(r, PROB_CONFLICT, "a SKU with code '%s' already exists", code);
}

int product_http_sku_list(struct req *r)
{
    const char *code, *status;
    struct db_res res;
    int64_t after, product, maker;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_id(r, "product_id", &product);
    if (!rc)
        rc = params_query_str(r, "sku_code", (size_t)SKU_CODE_MAX * 4, &code);
    if (!rc)
        rc = params_query_id(r, "manufacturer_id", &maker);
    if (!rc)
        rc = params_query_str(r, "status", 64, &status);
    if (rc)
        return rc;
    if (status && sku_check_status(status))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", sku_check_status(status));
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_SKU_LIST, r->ctx.tenant_id, &res, (long long)after,
                 (long long)product, (long long)product, code, code, (long long)maker,
                 (long long)maker, status, status, VIS(r), limit + 1);
    if (rc)
        return problem_db(r, rc, "sku list");
    return list_answer(r, &res, product_http_sku_json, limit);
}

/*
 * The product a SKU body names, as the caller sees it: 0 with its manufacturer in *maker, or
 * the status of the 422 rendered.
 */
static int sku_product(struct req *r, int64_t product, int64_t *maker)
{
    struct db_res p;
    int rc =
        db_exec(r->db, r->ar, &Q_PRODUCT_GET, r->ctx.tenant_id, &p, (long long)product, VIS(r));

    if (rc)
        return problem_db(r, rc, "sku product");
    if (p.nrows != 1)
        return bad_ref(r, "product_id", "product");
    *maker = db_at(&p, 0, PRODUCT_COL_MAKER)->i;
    return 0;
}

int product_http_sku_create(struct req *r)
{
    struct sku_input in;
    struct db_res ins;
    int64_t maker = 0;
    int rc;

    rc = sku_read(r, &in, 1);
    if (!rc)
        rc = sku_product(r, in.product, &maker);
    if (rc)
        return rc;
    if (!may_write(r, maker))
        return problem(r, PROB_FORBIDDEN, "only the product's manufacturer adds SKUs to it");
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_SKU_INSERT, r->ctx.tenant_id, &ins, (long long)in.product,
                     (long long)maker, in.code, in.has_attrs ? json_text(r->ar, in.attrs) : "{}",
                     in.has_status ? in.status : "active");
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        return sku_taken(r, in.code);
    }
    if (rc)
        return problem_rollback(r, rc, "sku create");
    return finish_write(r, &Q_SKU_GET, product_http_sku_json, SKU_COL_VERSION,
                        (int64_t)ins.insert_id, "sku.create", "catalog.sku_created", "sku", NULL,
                        201, "/v1/skus");
}

int product_http_sku_get(struct req *r)
{
    return get_one(r, &Q_SKU_GET, "sku", product_http_sku_json, SKU_COL_VERSION);
}

int product_http_sku_patch(struct req *r)
{
    struct sku_input in;
    struct db_res cur;
    const char *before;
    int64_t id, maker = 0;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r, "sku");
    rc = sku_read(r, &in, 0);
    if (rc)
        return rc;
    if (!patch_begin(r, &Q_SKU_GET_FOR_UPDATE, &Q_SKU_GET, "sku", SKU_COL_MAKER, SKU_COL_VERSION,
                     id, &cur, &rc))
        return rc;
    /* another product of the same manufacturer: the foreign key holds the manufacturer */
    if (in.has_product && in.product != db_at(&cur, 0, SKU_COL_PRODUCT)->i) {
        rc = sku_product(r, in.product, &maker);
        if (!rc && maker != db_at(&cur, 0, SKU_COL_MAKER)->i) {
            field_errors_add(r->ar, &r->field_errors, "product_id",
                             "must name a product of the SKU's manufacturer");
            rc = problem(r, PROB_UNPROCESSABLE, "a SKU stays with its manufacturer");
        }
        if (rc) {
            db_rollback(r->db);
            return rc;
        }
    }
    before = json_text(r->ar, json_arena_own(r->ar, product_http_sku_json(r->ar, &cur, 0)));
    rc = db_exec(r->db, r->ar, &Q_SKU_UPDATE, r->ctx.tenant_id, NULL,
                 (long long)(in.has_product ? in.product : db_at(&cur, 0, SKU_COL_PRODUCT)->i),
                 in.has_code ? in.code : col(&cur, SKU_COL_CODE),
                 in.has_attrs ? json_text(r->ar, in.attrs) : col(&cur, SKU_COL_ATTRS),
                 in.has_status ? in.status : col(&cur, SKU_COL_STATUS), (long long)id);
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        return sku_taken(r, in.has_code ? in.code : col(&cur, SKU_COL_CODE));
    }
    if (rc)
        return problem_rollback(r, rc, "sku update");
    return finish_write(r, &Q_SKU_GET, product_http_sku_json, SKU_COL_VERSION, id, "sku.update",
                        "catalog.sku_updated", "sku", before, 200, NULL);
}

/* ---- offerings ---- */

struct offering_input {
    int64_t sku;
    const char *type, *term, *level, *status;
    struct json_object *conditions;
    int has_sku, has_type, has_term, has_level, has_status, has_conditions;
};

static int offering_read(struct req *r, struct offering_input *in, int create)
{
    unsigned req = create ? JF_REQUIRED : 0;
    struct jfield f[] = {
        {"sku_id", JF_INT, req, &in->sku, &in->has_sku, 0},
        {"offer_type", JF_STRING, req, &in->type, &in->has_type, 0},
        {"term", JF_STRING, JF_NULLABLE, &in->term, &in->has_term, OFFERING_LABEL_MAX},
        {"service_level", JF_STRING, JF_NULLABLE, &in->level, &in->has_level, OFFERING_LABEL_MAX},
        {"conditions", JF_OBJECT, 0, &in->conditions, &in->has_conditions, 0},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 0},
    };
    const int *present[] = {&in->has_sku,   &in->has_type,   &in->has_term,
                            &in->has_level, &in->has_status, &in->has_conditions};
    int rc;

    memset(in, 0, sizeof(*in));
    rc = read_body(r, f, sizeof(f) / sizeof(f[0]), create, present,
                   sizeof(present) / sizeof(present[0]));
    if (rc)
        return rc;
    check_id(r, in->has_sku, in->sku, "sku_id");
    check(r, in->has_type, in->type, offering_check_type, "offer_type");
    check(r, in->has_term, in->term, offering_check_label, "term");
    check(r, in->has_level, in->level, offering_check_label, "service_level");
    check(r, in->has_status, in->status, offering_check_status, "status");
    check_object(r, in->has_conditions, in->conditions, "conditions");
    return invalid(r);
}

int product_http_offering_list(struct req *r)
{
    const char *type, *status;
    struct db_res res;
    int64_t after, sku;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_id(r, "sku_id", &sku);
    if (!rc)
        rc = params_query_str(r, "offer_type", 64, &type);
    if (!rc)
        rc = params_query_str(r, "status", 64, &status);
    if (rc)
        return rc;
    if (type && offering_check_type(type))
        field_errors_add(r->ar, &r->field_errors, "offer_type", "%s", offering_check_type(type));
    if (status && offering_check_status(status))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", offering_check_status(status));
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_OFFERING_LIST, r->ctx.tenant_id, &res, (long long)after,
                 (long long)sku, (long long)sku, type, type, status, status, VIS(r), limit + 1);
    if (rc)
        return problem_db(r, rc, "offering list");
    return list_answer(r, &res, offering_json, limit);
}

int product_http_offering_create(struct req *r)
{
    struct offering_input in;
    struct db_res sku, ins;
    int rc;

    rc = offering_read(r, &in, 1);
    if (rc)
        return rc;
    rc = db_exec(r->db, r->ar, &Q_SKU_GET, r->ctx.tenant_id, &sku, (long long)in.sku, VIS(r));
    if (rc)
        return problem_db(r, rc, "offering sku");
    if (sku.nrows != 1)
        return bad_ref(r, "sku_id", "SKU");
    if (!may_write(r, db_at(&sku, 0, SKU_COL_MAKER)->i))
        return problem(r, PROB_FORBIDDEN, "only the SKU's manufacturer adds offerings to it");
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_OFFERING_INSERT, r->ctx.tenant_id, &ins, (long long)in.sku,
                     in.type, in.term, in.level,
                     in.has_conditions ? json_text(r->ar, in.conditions) : "{}",
                     in.has_status ? in.status : "active");
    if (rc)
        return problem_rollback(r, rc, "offering create");
    return finish_write(r, &Q_OFFERING_GET, offering_json, OFFERING_COL_VERSION,
                        (int64_t)ins.insert_id, "offering.create", "catalog.offering_created",
                        "offering", NULL, 201, "/v1/offerings");
}

int product_http_offering_get(struct req *r)
{
    return get_one(r, &Q_OFFERING_GET, "offering", offering_json, OFFERING_COL_VERSION);
}

int product_http_offering_patch(struct req *r)
{
    struct offering_input in;
    struct db_res cur;
    const char *before;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r, "offering");
    rc = offering_read(r, &in, 0);
    if (rc)
        return rc;
    if (!patch_begin(r, &Q_OFFERING_GET_FOR_UPDATE, &Q_OFFERING_GET, "offering", OFFERING_COL_MAKER,
                     OFFERING_COL_VERSION, id, &cur, &rc))
        return rc;
    if (in.has_sku && in.sku != db_at(&cur, 0, OFFERING_COL_SKU)->i) {
        db_rollback(r->db);
        return fixed_field(r, "sku_id");
    }
    before = json_text(r->ar, json_arena_own(r->ar, offering_json(r->ar, &cur, 0)));
    rc = db_exec(r->db, r->ar, &Q_OFFERING_UPDATE, r->ctx.tenant_id, NULL,
                 in.has_type ? in.type : col(&cur, OFFERING_COL_TYPE),
                 in.has_term ? in.term : col(&cur, OFFERING_COL_TERM),
                 in.has_level ? in.level : col(&cur, OFFERING_COL_SERVICE_LEVEL),
                 in.has_conditions ? json_text(r->ar, in.conditions)
                                   : col(&cur, OFFERING_COL_CONDITIONS),
                 in.has_status ? in.status : col(&cur, OFFERING_COL_STATUS), (long long)id);
    if (rc)
        return problem_rollback(r, rc, "offering update");
    return finish_write(r, &Q_OFFERING_GET, offering_json, OFFERING_COL_VERSION, id,
                        "offering.update", "catalog.offering_updated", "offering", before, 200,
                        NULL);
}
