/* Organization handlers: parse, check the rules, write with audit row and event, answer JSON. */
#include "org/org_http.h"

#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "org/org.h"

/* What a POST or PATCH body asked for; has_* is set for each field given and valid. */
struct org_input {
    const char *name, *type, *status, *region;
    struct json_object *certs, *meta;
    int has_name, has_type, has_status, has_region, has_certs, has_meta;
};

/* A JSON column back to a tree; fallback when NULL or unreadable. */
static struct json_object *stored_json(struct arena *ar, const struct db_val *v,
                                       struct json_object *fallback)
{
    return json_stored(ar, v->null ? NULL : v->s, v->len, fallback);
}

/* One row of the ORG_COL_* columns as the API shows an organization; the caller owns it. */
static struct json_object *org_json(struct arena *ar, const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();
    const struct db_val *region = db_at(res, row, ORG_COL_REGION);

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, ORG_COL_ID)->i));
    json_object_object_add(o, "name", json_object_new_string(db_at(res, row, ORG_COL_NAME)->s));
    json_object_object_add(o, "type", json_object_new_string(db_at(res, row, ORG_COL_TYPE)->s));
    json_object_object_add(o, "status", json_object_new_string(db_at(res, row, ORG_COL_STATUS)->s));
    json_object_object_add(o, "region", region->null ? NULL : json_object_new_string(region->s));
    json_object_object_add(
        o, "certifications",
        stored_json(ar, db_at(res, row, ORG_COL_CERTIFICATIONS), json_object_new_array()));
    json_object_object_add(
        o, "metadata",
        stored_json(ar, db_at(res, row, ORG_COL_METADATA), json_object_new_object()));
    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, row, ORG_COL_VERSION)->i));
    json_object_object_add(o, "created_at",
                           json_object_new_string(db_at(res, row, ORG_COL_CREATED_AT)->s));
    json_object_object_add(o, "updated_at",
                           json_object_new_string(db_at(res, row, ORG_COL_UPDATED_AT)->s));
    return o;
}

/* An org-scoped caller sees its own organization only. */
static int org_visible(const struct req *r, int64_t id)
{
    return r->ctx.org_id == 0 || r->ctx.org_id == id;
}

static int not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no organization at '%s'", r->path);
}

/*
 * Reads and checks the body: every shape and rule problem is collected, then answered
 * at once. create makes name and type required. Returns 0 or the problem's status.
 */
static int read_input(struct req *r, struct org_input *in, int create)
{
    struct json_object *body;
    const char *why;
    size_t len;
    int bad, rc;
    struct jfield f[] = {
        {"name", JF_STRING, create ? JF_REQUIRED : 0, &in->name, &in->has_name, ORG_NAME_MAX},
        {"type", JF_STRING, create ? JF_REQUIRED : 0, &in->type, &in->has_type, 0},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 0},
        {"region", JF_STRING, JF_NULLABLE, &in->region, &in->has_region, ORG_REGION_MAX},
        {"certifications", JF_ARRAY, 0, &in->certs, &in->has_certs, 0},
        {"metadata", JF_OBJECT, 0, &in->meta, &in->has_meta, 0},
    };

    memset(in, 0, sizeof(*in));
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors) == 0 &&
        !create &&
        !(in->has_name || in->has_type || in->has_status || in->has_region || in->has_certs ||
          in->has_meta))
        field_errors_add(r->ar, &r->field_errors, "", "must name at least one field to change");
    if (in->has_name && (why = org_check_name(in->name)))
        field_errors_add(r->ar, &r->field_errors, "name", "%s", why);
    if (in->has_type && (why = org_check_type(in->type)))
        field_errors_add(r->ar, &r->field_errors, "type", "%s", why);
    if (in->has_status && (why = org_check_status(in->status)))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", why);
    if (in->has_region && in->region && (why = org_check_region(in->region)))
        field_errors_add(r->ar, &r->field_errors, "region", "%s", why);
    if (in->has_certs && (why = org_check_certifications(in->certs, &bad))) {
        if (bad >= 0)
            field_errors_add(r->ar, &r->field_errors,
                             arena_printf(r->ar, "certifications[%d]", bad), "%s", why);
        else
            field_errors_add(r->ar, &r->field_errors, "certifications", "%s", why);
    }
    if (in->has_meta && (why = org_check_metadata(in->meta, &len)))
        field_errors_add(r->ar, &r->field_errors, "metadata", "%s", why);
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    return 0;
}

int org_http_list(struct req *r)
{
    const char *type, *status, *q;
    struct json_object *data;
    struct db_res res;
    int64_t after, *ids;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_str(r, "type", 64, &type);
    if (!rc)
        rc = params_query_str(r, "status", 64, &status);
    if (!rc)
        rc = params_query_str(r, "q", ORG_QUERY_MAX, &q);
    if (rc)
        return rc;
    if (type && org_check_type(type))
        field_errors_add(r->ar, &r->field_errors, "type", "%s", org_check_type(type));
    if (status && org_check_status(status))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", org_check_status(status));
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_ORG_LIST, r->ctx.tenant_id, &res, (long long)after,
                 (long long)r->ctx.org_id, (long long)r->ctx.org_id, type, type, status, status, q,
                 q, limit + 1);
    if (rc)
        return problem_db(r, rc, "org list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, ORG_COL_ID)->i;
        json_object_array_add(data, org_json(r->ar, &res, i));
    }
    return list_finish(r, data, ids, limit);
}

int org_http_create(struct req *r)
{
    struct org_input in;
    struct json_object *out;
    struct db_res ins, row;
    const char *after;
    int64_t id;
    int rc;

    rc = read_input(r, &in, 1);
    if (rc)
        return rc;
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_ORG_INSERT, r->ctx.tenant_id, &ins, in.name, in.type,
                     in.has_status ? in.status : "active", in.has_region ? in.region : NULL,
                     in.has_certs ? json_text(r->ar, in.certs) : "[]",
                     in.has_meta ? json_text(r->ar, in.meta) : "{}");
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "name", "is taken by another organization");
        return problem(r, PROB_CONFLICT, "an organization named '%s' already exists", in.name);
    }
    if (rc)
        goto dberr;
    id = (int64_t)ins.insert_id;
    rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &row, (long long)id);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, org_json(r->ar, &row, 0));
    after = json_text(r->ar, out);
    rc = write_commit(r, r->ctx.tenant_id, "org.create", "org.created", "org", id, NULL, after);
    if (rc)
        goto dberr;
    resp_header(r, "Location", "/v1/orgs/%lld", (long long)id);
    resp_etag(r, db_at(&row, 0, ORG_COL_VERSION)->i);
    return resp_json(r, 201, out);
dberr:
    return problem_rollback(r, rc, "org create");
}

int org_http_get(struct req *r)
{
    struct db_res row;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0 || !org_visible(r, id))
        return not_found(r);
    rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &row, (long long)id);
    if (rc)
        return problem_db(r, rc, "org get");
    if (row.nrows != 1)
        return not_found(r);
    resp_etag(r, db_at(&row, 0, ORG_COL_VERSION)->i);
    return resp_json(r, 200, json_arena_own(r->ar, org_json(r->ar, &row, 0)));
}

/* The stored value of a column, or NULL when it is SQL NULL. */
static const char *col(const struct db_res *res, int c)
{
    return db_at(res, 0, c)->null ? NULL : db_at(res, 0, c)->s;
}

int org_http_patch(struct req *r)
{
    struct org_input in;
    struct db_res cur, row;
    struct json_object *out;
    const char *before, *after;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0 || !org_visible(r, id))
        return not_found(r);
    rc = read_input(r, &in, 0);
    if (rc)
        return rc;
    /* what an organization is, and whether it is active, is the tenant's decision */
    if (r->ctx.org_id && (in.has_type || in.has_status))
        return problem(r, PROB_FORBIDDEN,
                       "only a tenant-wide user may change an organization's type or status");
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_ORG_GET_FOR_UPDATE, r->ctx.tenant_id, &cur, (long long)id);
    if (rc)
        goto dberr;
    if (cur.nrows != 1) {
        db_rollback(r->db);
        return not_found(r);
    }
    rc = check_if_match(r, db_at(&cur, 0, ORG_COL_VERSION)->i);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    before = json_text(r->ar, json_arena_own(r->ar, org_json(r->ar, &cur, 0)));
    rc = db_exec(r->db, r->ar, &Q_ORG_UPDATE, r->ctx.tenant_id, NULL,
                 in.has_name ? in.name : col(&cur, ORG_COL_NAME),
                 in.has_type ? in.type : col(&cur, ORG_COL_TYPE),
                 in.has_status ? in.status : col(&cur, ORG_COL_STATUS),
                 in.has_region ? in.region : col(&cur, ORG_COL_REGION),
                 in.has_certs ? json_text(r->ar, in.certs) : col(&cur, ORG_COL_CERTIFICATIONS),
                 in.has_meta ? json_text(r->ar, in.meta) : col(&cur, ORG_COL_METADATA),
                 (long long)id);
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "name", "is taken by another organization");
        return problem(r, PROB_CONFLICT, "an organization named '%s' already exists",
                       in.has_name ? in.name : col(&cur, ORG_COL_NAME));
    }
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &row, (long long)id);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, org_json(r->ar, &row, 0));
    after = json_text(r->ar, out);
    rc = write_commit(r, r->ctx.tenant_id, "org.update", "org.updated", "org", id, before, after);
    if (rc)
        goto dberr;
    resp_etag(r, db_at(&row, 0, ORG_COL_VERSION)->i);
    return resp_json(r, 200, out);
dberr:
    return problem_rollback(r, rc, "org update");
}
