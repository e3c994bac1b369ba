/* Channel handlers: parse, check the rules, write with audit row and event, answer JSON. */
#include "catalog/channel_http.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "catalog/channel.h"
#include "core/json.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "org/org.h"

/* What a POST or PATCH body asked for; has_* is set for each field given. */
struct channel_input {
    const char *name, *type, *status;
    int64_t org_id; /* 0: null (the tenant's own) */
    int has_name, has_type, has_status, has_org;
};

/* One row of the CHANNEL_COL_* columns as the API shows a channel; the caller owns it. */
static struct json_object *channel_json(const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();
    const struct db_val *org = db_at(res, row, CHANNEL_COL_ORG);

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, CHANNEL_COL_ID)->i));
    json_object_object_add(o, "name", json_object_new_string(db_at(res, row, CHANNEL_COL_NAME)->s));
    json_object_object_add(o, "type", json_object_new_string(db_at(res, row, CHANNEL_COL_TYPE)->s));
    json_object_object_add(o, "org_id", org->null ? NULL : json_object_new_int64(org->i));
    json_object_object_add(o, "status",
                           json_object_new_string(db_at(res, row, CHANNEL_COL_STATUS)->s));
    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, row, CHANNEL_COL_VERSION)->i));
    json_object_object_add(o, "created_at",
                           json_object_new_string(db_at(res, row, CHANNEL_COL_CREATED_AT)->s));
    json_object_object_add(o, "updated_at",
                           json_object_new_string(db_at(res, row, CHANNEL_COL_UPDATED_AT)->s));
    return o;
}

static int not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no channel at '%s'", r->path);
}

/*
 * Reads and checks the body: every shape and rule problem is collected, then answered
 * at once. create takes name, type and org_id (name and type required); a change name,
 * type and status. Returns 0 or the problem's status.
 */
static int read_input(struct req *r, struct channel_input *in, int create)
{
    struct json_object *body;
    const char *why;
    int rc;
    struct jfield fc[] = {
        {"name", JF_STRING, JF_REQUIRED, &in->name, &in->has_name, CHANNEL_NAME_MAX},
        {"type", JF_STRING, JF_REQUIRED, &in->type, &in->has_type, 64},
        {"org_id", JF_INT, JF_NULLABLE, &in->org_id, &in->has_org, 0},
    };
    struct jfield fp[] = {
        {"name", JF_STRING, 0, &in->name, &in->has_name, CHANNEL_NAME_MAX},
        {"type", JF_STRING, 0, &in->type, &in->has_type, 64},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 64},
    };

    memset(in, 0, sizeof(*in));
    /* left as it is by null, so null and a given 0 differ */
    in->org_id = INT64_MIN;
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, create ? fc : fp, 3, &r->field_errors) == 0 && !create &&
        !(in->has_name || in->has_type || in->has_status))
        field_errors_add(r->ar, &r->field_errors, "", "must name at least one field to change");
    if (in->has_name && (why = channel_check_name(in->name)))
        field_errors_add(r->ar, &r->field_errors, "name", "%s", why);
    if (in->has_type && (why = channel_check_type(in->type)))
        field_errors_add(r->ar, &r->field_errors, "type", "%s", why);
    if (in->has_status && (why = channel_check_status(in->status)))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", why);
    if (in->has_org && in->org_id == INT64_MIN)
        in->org_id = 0;
    else if (in->has_org && in->org_id <= 0)
        field_errors_add(r->ar, &r->field_errors, "org_id", "must be a positive id, or null");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    return 0;
}

int channel_http_list(struct req *r)
{
    const char *type, *status;
    struct json_object *data;
    struct db_res res;
    int64_t after, org_id, *ids;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_str(r, "type", 64, &type);
    if (!rc)
        rc = params_query_id(r, "org_id", &org_id);
    if (!rc)
        rc = params_query_str(r, "status", 64, &status);
    if (rc)
        return rc;
    if (type && channel_check_type(type))
        field_errors_add(r->ar, &r->field_errors, "type", "%s", channel_check_type(type));
    if (status && channel_check_status(status))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", channel_check_status(status));
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_CHANNEL_LIST, r->ctx.tenant_id, &res, (long long)after, type,
                 type, (long long)org_id, (long long)org_id, status, status, limit + 1);
    if (rc)
        return problem_db(r, rc, "channel list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, CHANNEL_COL_ID)->i;
        json_object_array_add(data, channel_json(&res, i));
    }
    return list_finish(r, data, ids, limit);
}

/* A name taken by another channel of the tenant (unique without regard to case). */
static int name_taken(struct req *r, const char *name)
{
    db_rollback(r->db);
    field_errors_add(r->ar, &r->field_errors, "name", "is taken by another channel");
    return problem(r, PROB_CONFLICT, "a channel named '%s' already exists", name);
}

int channel_http_create(struct req *r)
{
    struct channel_input in;
    struct json_object *out;
    struct db_res org, ins, row;
    const char *after;
    int64_t id, org_id;
    int rc;

    rc = read_input(r, &in, 1);
    if (rc)
        return rc;
    /* an organization's user runs channels for its own organization only */
    org_id = in.has_org ? in.org_id : r->ctx.org_id;
    if (r->ctx.org_id && org_id != r->ctx.org_id)
        return problem(r, PROB_FORBIDDEN,
                       "an organization's user creates channels run by its "
                       "own organization only");
    if (org_id) {
        rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &org, (long long)org_id);
        if (rc)
            return problem_db(r, rc, "channel create");
        if (org.nrows != 1)
            field_errors_add(r->ar, &r->field_errors, "org_id",
                             "names no organization of this tenant");
        else if (strcmp(db_at(&org, 0, ORG_COL_STATUS)->s, "active") != 0)
            field_errors_add(r->ar, &r->field_errors, "org_id", "names an inactive organization");
        if (r->field_errors.n)
            return problem(r, PROB_UNPROCESSABLE, "the channel's organization %s",
                           r->field_errors.v[0].message);
    }
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_CHANNEL_INSERT, r->ctx.tenant_id, &ins, in.name, in.type,
                     (long long)org_id);
    if (rc == DB_EDUP)
        return name_taken(r, in.name);
    if (rc == DB_EFK) {
        /* the organization went away since it was read */
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "org_id", "names no organization of this tenant");
        return problem(r, PROB_UNPROCESSABLE, "the channel's organization does not exist");
    }
    if (rc)
        goto dberr;
    id = (int64_t)ins.insert_id;
    rc = db_exec(r->db, r->ar, &Q_CHANNEL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, channel_json(&row, 0));
    after = json_text(r->ar, out);
    rc = write_commit(r, r->ctx.tenant_id, "channel.create", "channel.created", "channel", id, NULL,
                      after);
    if (rc)
        goto dberr;
    resp_header(r, "Location", "/v1/channels/%lld", (long long)id);
    resp_etag(r, db_at(&row, 0, CHANNEL_COL_VERSION)->i);
    return resp_json(r, 201, out);
dberr:
    return problem_rollback(r, rc, "channel create");
}

int channel_http_get(struct req *r)
{
    struct db_res row;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r);
    rc = db_exec(r->db, r->ar, &Q_CHANNEL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (rc)
        return problem_db(r, rc, "channel get");
    if (row.nrows != 1)
        return not_found(r);
    resp_etag(r, db_at(&row, 0, CHANNEL_COL_VERSION)->i);
    return resp_json(r, 200, json_arena_own(r->ar, channel_json(&row, 0)));
}

int channel_http_patch(struct req *r)
{
    struct channel_input in;
    struct db_res cur, row;
    struct json_object *out;
    const char *before, *after, *name;
    const struct db_val *owner;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r);
    rc = read_input(r, &in, 0);
    if (rc)
        return rc;
    rc = db_begin(r->db);
    if (!rc)
        rc =
            db_exec(r->db, r->ar, &Q_CHANNEL_GET_FOR_UPDATE, r->ctx.tenant_id, &cur, (long long)id);
    if (rc)
        goto dberr;
    if (cur.nrows != 1) {
        db_rollback(r->db);
        return not_found(r);
    }
    owner = db_at(&cur, 0, CHANNEL_COL_ORG);
    if (r->ctx.org_id && (owner->null || owner->i != r->ctx.org_id)) {
        db_rollback(r->db);
        return problem(r, PROB_FORBIDDEN,
                       "an organization's user changes only the channels "
                       "its own organization runs");
    }
    rc = check_if_match(r, db_at(&cur, 0, CHANNEL_COL_VERSION)->i);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    before = json_text(r->ar, json_arena_own(r->ar, channel_json(&cur, 0)));
    name = in.has_name ? in.name : db_at(&cur, 0, CHANNEL_COL_NAME)->s;
    rc = db_exec(r->db, r->ar, &Q_CHANNEL_UPDATE, r->ctx.tenant_id, NULL, name,
                 in.has_type ? in.type : db_at(&cur, 0, CHANNEL_COL_TYPE)->s,
                 in.has_status ? in.status : db_at(&cur, 0, CHANNEL_COL_STATUS)->s, (long long)id);
    if (rc == DB_EDUP)
        return name_taken(r, name);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_CHANNEL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, channel_json(&row, 0));
    after = json_text(r->ar, out);
    rc = write_commit(r, r->ctx.tenant_id, "channel.update", "channel.updated", "channel", id,
                      before, after);
    if (rc)
        goto dberr;
    resp_etag(r, db_at(&row, 0, CHANNEL_COL_VERSION)->i);
    return resp_json(r, 200, out);
dberr:
    return problem_rollback(r, rc, "channel update");
}
