/* Equipment handlers: parse, check the rules and who may see what, write with audit row and
 * event, answer JSON (or the QR code's SVG). */
#include "service/equipment_http.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "core/sb.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "org/org.h"
#include "service/equipment.h"
#include "service/qr.h"

/* What a POST or PATCH body asked for; has_* is set for each field given. */
struct equipment_input {
    const char *serial, *site, *region, *install_date, *warranty_end, *status;
    int64_t sku_id, owner_org_id; /* INT64_MIN while null */
    int has_serial, has_sku, has_owner, has_site, has_region, has_install, has_warranty, has_status;
};

/* The stored value of a column, or NULL when it is SQL NULL. */
static const char *col_s(const struct db_res *res, int row, int c)
{
    return db_at(res, row, c)->null ? NULL : db_at(res, row, c)->s;
}

static int64_t col_id(const struct db_res *res, int row, int c)
{
    return db_at(res, row, c)->null ? 0 : db_at(res, row, c)->i;
}

static struct json_object *jstr_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static struct json_object *jid_or_null(int64_t id)
{
    return id ? json_object_new_int64(id) : NULL;
}

/*
 * One row of the EQ_COL_* columns as the API shows a piece of equipment; the caller owns
 * it. base NULL leaves out qr_token and qr_url: the audit row and the event never carry
 * the token, which alone lets anyone open tickets on the equipment.
 */
static struct json_object *equipment_json(struct arena *ar, const struct db_res *res, int row,
                                          const char *base)
{
    struct json_object *o = json_object_new_object();
    const char *token = col_s(res, row, EQ_COL_TOKEN);

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, EQ_COL_ID)->i));
    json_object_object_add(o, "serial", json_object_new_string(col_s(res, row, EQ_COL_SERIAL)));
    json_object_object_add(o, "sku_id", jid_or_null(col_id(res, row, EQ_COL_SKU)));
    json_object_object_add(o, "owner_org_id", jid_or_null(col_id(res, row, EQ_COL_OWNER)));
    json_object_object_add(o, "site", jstr_or_null(col_s(res, row, EQ_COL_SITE)));
    json_object_object_add(o, "region", jstr_or_null(col_s(res, row, EQ_COL_REGION)));
    json_object_object_add(o, "install_date", jstr_or_null(col_s(res, row, EQ_COL_INSTALL)));
    json_object_object_add(o, "warranty_end", jstr_or_null(col_s(res, row, EQ_COL_WARRANTY)));
    json_object_object_add(o, "status", json_object_new_string(col_s(res, row, EQ_COL_STATUS)));
    if (base) {
        json_object_object_add(o, "qr_token", json_object_new_string(token));
        json_object_object_add(o, "qr_url",
                               json_object_new_string(equipment_qr_url(ar, base, token)));
    }
    json_object_object_add(o, "sku_code", jstr_or_null(col_s(res, row, EQ_COL_SKU_CODE)));
    json_object_object_add(o, "product_name", jstr_or_null(col_s(res, row, EQ_COL_PRODUCT)));
    json_object_object_add(o, "version", json_object_new_int64(db_at(res, row, EQ_COL_VERSION)->i));
    json_object_object_add(o, "created_at",
                           json_object_new_string(col_s(res, row, EQ_COL_CREATED_AT)));
    json_object_object_add(o, "updated_at",
                           json_object_new_string(col_s(res, row, EQ_COL_UPDATED_AT)));
    return o;
}

/* An org-scoped caller sees what its organization owns or makes. */
static int visible(const struct req *r, int64_t owner, int64_t maker)
{
    return r->ctx.org_id == 0 || r->ctx.org_id == owner || r->ctx.org_id == maker;
}

static int not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no equipment at '%s'", r->path);
}

/* An optional date field: checked when given and not null. */
static void check_date(struct req *r, const char *field, int has, const char *v)
{
    const char *why;

    if (has && v && (why = equipment_check_date(v)))
        field_errors_add(r->ar, &r->field_errors, field, "%s", why);
}

/* A nullable id field: null is 0, a given id must be positive. */
static void check_ref(struct req *r, const char *field, int has, int64_t *v)
{
    if (has && *v == INT64_MIN)
        *v = 0;
    else if (has && *v <= 0)
        field_errors_add(r->ar, &r->field_errors, field, "must be a positive id, or null");
}

/*
 * Reads and checks the body: every shape and rule problem is collected, then answered
 * at once. create makes serial required. Returns 0 or the problem's status.
 */
static int read_input(struct req *r, struct equipment_input *in, int create)
{
    struct json_object *body;
    const char *why;
    int rc;
    struct jfield f[] = {
        {"serial", JF_STRING, create ? JF_REQUIRED : 0, &in->serial, &in->has_serial,
         EQUIPMENT_SERIAL_MAX},
        {"sku_id", JF_INT, JF_NULLABLE, &in->sku_id, &in->has_sku, 0},
        {"owner_org_id", JF_INT, JF_NULLABLE, &in->owner_org_id, &in->has_owner, 0},
        {"site", JF_STRING, JF_NULLABLE, &in->site, &in->has_site, EQUIPMENT_SITE_MAX},
        {"region", JF_STRING, JF_NULLABLE, &in->region, &in->has_region, EQUIPMENT_REGION_MAX},
        {"install_date", JF_STRING, JF_NULLABLE, &in->install_date, &in->has_install, 10},
        {"warranty_end", JF_STRING, JF_NULLABLE, &in->warranty_end, &in->has_warranty, 10},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 16},
    };

    memset(in, 0, sizeof(*in));
    in->sku_id = in->owner_org_id = INT64_MIN;
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors) == 0 &&
        !create &&
        !(in->has_serial || in->has_sku || in->has_owner || in->has_site || in->has_region ||
          in->has_install || in->has_warranty || in->has_status))
        field_errors_add(r->ar, &r->field_errors, "", "must name at least one field to change");
    if (in->has_serial && (why = equipment_check_serial(in->serial)))
        field_errors_add(r->ar, &r->field_errors, "serial", "%s", why);
    check_ref(r, "sku_id", in->has_sku, &in->sku_id);
    check_ref(r, "owner_org_id", in->has_owner, &in->owner_org_id);
    if (in->has_site && in->site && (why = equipment_check_site(in->site)))
        field_errors_add(r->ar, &r->field_errors, "site", "%s", why);
    if (in->has_region && in->region && (why = equipment_check_region(in->region)))
        field_errors_add(r->ar, &r->field_errors, "region", "%s", why);
    check_date(r, "install_date", in->has_install, in->install_date);
    check_date(r, "warranty_end", in->has_warranty, in->warranty_end);
    if (in->has_status && (why = equipment_check_status(in->status)))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", why);
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    return 0;
}

/*
 * The references of the equipment as it will be: the SKU (its maker into *maker) and the
 * owner must exist in the tenant, the warranty must not end before the installation, and
 * an org-scoped caller must still see the result. Returns 0 or the problem's status; the
 * caller rolls back.
 */
static int check_refs(struct req *r, int64_t sku, int64_t owner, const char *install,
                      const char *warranty, int64_t *maker)
{
    struct db_res res = {0};
    int rc;

    *maker = 0;
    if (sku) {
        rc = db_exec(r->db, r->ar, &Q_EQUIPMENT_SKU_MAKER, r->ctx.tenant_id, &res, (long long)sku);
        if (rc)
            return problem_db(r, rc, "equipment sku");
        if (res.nrows != 1)
            field_errors_add(r->ar, &r->field_errors, "sku_id", "is not a SKU of this tenant");
        else
            *maker = db_at(&res, 0, 0)->i;
    }
    if (owner) {
        rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &res, (long long)owner);
        if (rc)
            return problem_db(r, rc, "equipment owner");
        if (res.nrows != 1)
            field_errors_add(r->ar, &r->field_errors, "owner_org_id",
                             "is not an organization of this tenant");
    }
    /* "YYYY-MM-DD" compares as text */
    if (install && warranty && strcmp(warranty, install) < 0)
        field_errors_add(r->ar, &r->field_errors, "warranty_end",
                         "must not be before install_date");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    if (!visible(r, owner, *maker))
        return problem(r, PROB_FORBIDDEN,
                       "equipment must be owned by your organization or be of a SKU it makes");
    return 0;
}

static int serial_taken(struct req *r, const char *serial)
{
    db_rollback(r->db);
    field_errors_add(r->ar, &r->field_errors, "serial", "is taken by other equipment");
    return problem(r, PROB_CONFLICT, "equipment with serial '%s' already exists", serial);
}

int equipment_http_list(struct req *r)
{
    const char *site, *region, *status, *base = equipment_base_url(r);
    struct json_object *data;
    struct db_res res = {0};
    int64_t after, owner, sku, *ids;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_id(r, "owner_org_id", &owner);
    if (!rc)
        rc = params_query_id(r, "sku_id", &sku);
    if (!rc)
        rc = params_query_str(r, "site", EQUIPMENT_SITE_MAX, &site);
    if (!rc)
        rc = params_query_str(r, "region", EQUIPMENT_REGION_MAX, &region);
    if (!rc)
        rc = params_query_str(r, "status", 16, &status);
    if (rc)
        return rc;
    if (status && equipment_check_status(status))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", equipment_check_status(status));
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_EQUIPMENT_LIST, r->ctx.tenant_id, &res, (long long)after,
                 (long long)r->ctx.org_id, (long long)r->ctx.org_id, (long long)r->ctx.org_id,
                 (long long)owner, (long long)owner, (long long)sku, (long long)sku, site, site,
                 region, region, status, status, limit + 1);
    if (rc)
        return problem_db(r, rc, "equipment list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, EQ_COL_ID)->i;
        json_object_array_add(data, equipment_json(r->ar, &res, i, base));
    }
    return list_finish(r, data, ids, limit);
}

/* The row of id as written, the answer (with the token) and the audit text (without). */
static int reread(struct req *r, int64_t id, struct db_res *row, struct json_object **out,
                  const char **audit)
{
    int rc = db_exec(r->db, r->ar, &Q_EQUIPMENT_GET, r->ctx.tenant_id, row, (long long)id);

    if (!rc && row->nrows != 1)
        rc = DB_ERR;
    if (rc)
        return rc;
    *out = json_arena_own(r->ar, equipment_json(r->ar, row, 0, equipment_base_url(r)));
    *audit = json_text(r->ar, json_arena_own(r->ar, equipment_json(r->ar, row, 0, NULL)));
    return 0;
}

int equipment_http_create(struct req *r)
{
    struct equipment_input in;
    struct json_object *out;
    struct db_res ins = {0}, row = {0};
    const char *after;
    char token[EQUIPMENT_TOKEN_LEN + 1];
    int64_t id, sku, owner, maker;
    int rc;

    rc = read_input(r, &in, 1);
    if (rc)
        return rc;
    sku = in.has_sku ? in.sku_id : 0;
    owner = in.has_owner ? in.owner_org_id : 0;
    /* an organization's user registers its own equipment unless it names the owner */
    if (r->ctx.org_id && !in.has_owner)
        owner = r->ctx.org_id;
    rc = check_refs(r, sku, owner, in.has_install ? in.install_date : NULL,
                    in.has_warranty ? in.warranty_end : NULL, &maker);
    if (rc)
        return rc;
    equipment_new_token(token);
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_EQUIPMENT_INSERT, r->ctx.tenant_id, &ins, in.serial,
                     (long long)sku, (long long)owner, in.has_site ? in.site : NULL,
                     in.has_region ? in.region : NULL, in.has_install ? in.install_date : NULL,
                     in.has_warranty ? in.warranty_end : NULL, in.has_status ? in.status : "active",
                     token);
    if (rc == DB_EDUP)
        return serial_taken(r, in.serial);
    if (rc)
        goto dberr;
    id = (int64_t)ins.insert_id;
    rc = reread(r, id, &row, &out, &after);
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, "equipment.create", "equipment.created", "equipment",
                          id, NULL, after);
    if (rc)
        goto dberr;
    resp_header(r, "Location", "/v1/equipment/%lld", (long long)id);
    resp_etag(r, db_at(&row, 0, EQ_COL_VERSION)->i);
    return resp_json(r, 201, out);
dberr:
    return problem_rollback(r, rc, "equipment create");
}

/* The row of the path's id that the caller may see; 0, or the problem's status. */
static int load_visible(struct req *r, int64_t *id, struct db_res *row)
{
    int rc;

    if (params_path_id(r, "id", id) != 0)
        return not_found(r);
    rc = db_exec(r->db, r->ar, &Q_EQUIPMENT_GET, r->ctx.tenant_id, row, (long long)*id);
    if (rc)
        return problem_db(r, rc, "equipment get");
    if (row->nrows != 1 || !visible(r, col_id(row, 0, EQ_COL_OWNER), col_id(row, 0, EQ_COL_MAKER)))
        return not_found(r);
    return 0;
}

int equipment_http_get(struct req *r)
{
    struct db_res row = {0};
    int64_t id;
    int rc = load_visible(r, &id, &row);

    if (rc)
        return rc;
    resp_etag(r, db_at(&row, 0, EQ_COL_VERSION)->i);
    return resp_json(r, 200,
                     json_arena_own(r->ar, equipment_json(r->ar, &row, 0, equipment_base_url(r))));
}

/* Locks the row and checks If-Match against its version; 0 or the problem's status. */
static int lock_matching(struct req *r, int64_t id)
{
    struct db_res lock = {0};
    int rc = db_begin(r->db);

    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_EQUIPMENT_LOCK, r->ctx.tenant_id, &lock, (long long)id);
    if (rc)
        return problem_rollback(r, rc, "equipment lock");
    if (lock.nrows != 1) {
        db_rollback(r->db);
        return not_found(r);
    }
    rc = check_if_match(r, db_at(&lock, 0, 0)->i);
    if (rc)
        db_rollback(r->db);
    return rc;
}

int equipment_http_patch(struct req *r)
{
    struct equipment_input in;
    struct db_res cur = {0}, row = {0};
    struct json_object *out;
    const char *before, *after, *serial, *install, *warranty;
    int64_t id, sku, owner, maker;
    int rc;

    rc = load_visible(r, &id, &cur);
    if (rc)
        return rc;
    rc = read_input(r, &in, 0);
    if (rc)
        return rc;
    serial = in.has_serial ? in.serial : col_s(&cur, 0, EQ_COL_SERIAL);
    sku = in.has_sku ? in.sku_id : col_id(&cur, 0, EQ_COL_SKU);
    owner = in.has_owner ? in.owner_org_id : col_id(&cur, 0, EQ_COL_OWNER);
    install = in.has_install ? in.install_date : col_s(&cur, 0, EQ_COL_INSTALL);
    warranty = in.has_warranty ? in.warranty_end : col_s(&cur, 0, EQ_COL_WARRANTY);
    /* the owner sees the equipment's tickets: a maker that could reassign it would take them */
    if (r->ctx.org_id && owner != col_id(&cur, 0, EQ_COL_OWNER) &&
        col_id(&cur, 0, EQ_COL_OWNER) != r->ctx.org_id)
        return problem(r, PROB_FORBIDDEN,
                       "only the owner organization or tenant staff change the owner");
    rc = check_refs(r, sku, owner, install, warranty, &maker);
    if (rc)
        return rc;
    rc = lock_matching(r, id);
    if (rc)
        return rc;
    /* the row as it is now, under the lock: the audit's before */
    rc = db_exec(r->db, r->ar, &Q_EQUIPMENT_GET, r->ctx.tenant_id, &cur, (long long)id);
    if (!rc && cur.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    before = json_text(r->ar, json_arena_own(r->ar, equipment_json(r->ar, &cur, 0, NULL)));
    rc = db_exec(r->db, r->ar, &Q_EQUIPMENT_UPDATE, r->ctx.tenant_id, NULL, serial, (long long)sku,
                 (long long)owner, in.has_site ? in.site : col_s(&cur, 0, EQ_COL_SITE),
                 in.has_region ? in.region : col_s(&cur, 0, EQ_COL_REGION), install, warranty,
                 in.has_status ? in.status : col_s(&cur, 0, EQ_COL_STATUS), (long long)id);
    if (rc == DB_EDUP)
        return serial_taken(r, serial);
    if (!rc)
        rc = reread(r, id, &row, &out, &after);
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, "equipment.update", "equipment.updated", "equipment",
                          id, before, after);
    if (rc)
        goto dberr;
    resp_etag(r, db_at(&row, 0, EQ_COL_VERSION)->i);
    return resp_json(r, 200, out);
dberr:
    return problem_rollback(r, rc, "equipment update");
}

int equipment_http_rotate_token(struct req *r)
{
    struct db_res cur = {0}, row = {0};
    struct json_object *out;
    const char *before, *after;
    char token[EQUIPMENT_TOKEN_LEN + 1];
    int64_t id;
    int rc;

    rc = load_visible(r, &id, &cur);
    if (rc)
        return rc;
    /* nothing to say but the version (If-Match): a body, if any, is an empty object */
    if (r->body_len > 0) {
        rc = req_json_body(r, &out);
        if (rc)
            return rc;
        if (!json_object_is_type(out, json_type_object) || json_object_object_length(out)) {
            field_errors_add(r->ar, &r->field_errors, "", "must be empty or {}");
            return problem(r, PROB_VALIDATION, "a new QR token takes no fields");
        }
    }
    rc = lock_matching(r, id);
    if (rc)
        return rc;
    before = json_text(r->ar, json_arena_own(r->ar, equipment_json(r->ar, &cur, 0, NULL)));
    equipment_new_token(token);
    rc =
        db_exec(r->db, r->ar, &Q_EQUIPMENT_SET_TOKEN, r->ctx.tenant_id, NULL, token, (long long)id);
    if (!rc)
        rc = reread(r, id, &row, &out, &after);
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, "equipment.rotate_qr_token", "equipment.updated",
                          "equipment", id, before, after);
    if (rc)
        return problem_rollback(r, rc, "equipment token");
    resp_etag(r, db_at(&row, 0, EQ_COL_VERSION)->i);
    return resp_json(r, 200, out);
}

int equipment_http_qr_svg(struct req *r)
{
    struct db_res row = {0};
    struct sb svg;
    int64_t id;
    int rc = load_visible(r, &id, &row);

    if (rc)
        return rc;
    sb_init(&svg, r->ar);
    if (qr_svg(&svg, equipment_qr_url(r->ar, equipment_base_url(r), col_s(&row, 0, EQ_COL_TOKEN)),
               "256", col_s(&row, 0, EQ_COL_SERIAL), 1) != 0 ||
        sb_error(&svg))
        return problem(r, PROB_INTERNAL, "the QR code of equipment %lld failed", (long long)id);
    resp_header(r, "Cache-Control", "private, no-cache");
    resp_etag(r, db_at(&row, 0, EQ_COL_VERSION)->i);
    return resp_text(r, 200, "image/svg+xml", svg.buf, svg.len);
}
