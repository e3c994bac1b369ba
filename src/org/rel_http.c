/* Relationship handlers: parse, check the type rules, duplicates and cycles, write, answer. */
#include "org/rel_http.h"

#include <string.h>

#include <json-c/json.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "core/sb.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "org/org.h"
#include "org/rel.h"

/* The longest cycle a 422 spells out, in organizations. */
#define CYCLE_PATH_MAX 32

/* What a POST or PATCH body asked for; has_* is set for each field given. */
struct rel_input {
    int64_t child;
    const char *type, *from_s, *to_s;
    int preferred;
    int64_t from, to; /* milliseconds, when from_s or to_s is set */
    int has_child, has_type, has_preferred, has_from, has_to;
};

static struct json_object *side_json(const struct db_res *res, int row, int id_col, int name_col,
                                     int type_col)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, id_col)->i));
    json_object_object_add(o, "name", json_object_new_string(db_at(res, row, name_col)->s));
    json_object_object_add(o, "type", json_object_new_string(db_at(res, row, type_col)->s));
    return o;
}

/* One row of the REL_COL_* columns as the API shows a relationship; the caller owns it. */
static struct json_object *rel_json(const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();
    const struct db_val *to = db_at(res, row, REL_COL_ACTIVE_TO);

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, REL_COL_ID)->i));
    json_object_object_add(o, "parent_org_id",
                           json_object_new_int64(db_at(res, row, REL_COL_PARENT)->i));
    json_object_object_add(o, "child_org_id",
                           json_object_new_int64(db_at(res, row, REL_COL_CHILD)->i));
    json_object_object_add(o, "relation_type",
                           json_object_new_string(db_at(res, row, REL_COL_TYPE)->s));
    json_object_object_add(o, "preferred",
                           json_object_new_boolean(db_at(res, row, REL_COL_PREFERRED)->i != 0));
    json_object_object_add(o, "active_from",
                           json_object_new_string(db_at(res, row, REL_COL_ACTIVE_FROM)->s));
    json_object_object_add(o, "active_to", to->null ? NULL : json_object_new_string(to->s));
    json_object_object_add(o, "active",
                           json_object_new_boolean(db_at(res, row, REL_COL_ACTIVE)->i != 0));
    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, row, REL_COL_VERSION)->i));
    json_object_object_add(o, "created_at",
                           json_object_new_string(db_at(res, row, REL_COL_CREATED_AT)->s));
    json_object_object_add(o, "updated_at",
                           json_object_new_string(db_at(res, row, REL_COL_UPDATED_AT)->s));
    json_object_object_add(
        o, "parent", side_json(res, row, REL_COL_PARENT, REL_COL_PARENT_NAME, REL_COL_PARENT_TYPE));
    json_object_object_add(
        o, "child", side_json(res, row, REL_COL_CHILD, REL_COL_CHILD_NAME, REL_COL_CHILD_TYPE));
    return o;
}

/* An org-scoped caller sees a relationship where its organization is either side. */
static int rel_visible(const struct req *r, const struct db_res *res)
{
    return r->ctx.org_id == 0 || db_at(res, 0, REL_COL_PARENT)->i == r->ctx.org_id ||
           db_at(res, 0, REL_COL_CHILD)->i == r->ctx.org_id;
}

static int rel_not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no relationship at '%s'", r->path);
}

static int org_not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no organization at '%s'", r->path);
}

/* An RFC 3339 time the database can store into *ms; a field error otherwise. */
static void read_time(struct req *r, const char *field, const char *s, int64_t *ms)
{
    const char *why;

    if (rfc3339_parse(s, ms) != 0)
        field_errors_add(r->ar, &r->field_errors, field,
                         "must be an RFC 3339 time like 2024-05-01T12:00:00Z");
    else if ((why = rel_check_time(*ms)))
        field_errors_add(r->ar, &r->field_errors, field, "%s", why);
}

/*
 * Reads and checks the body: every shape and rule problem is collected, then answered at
 * once. create takes child_org_id, relation_type, preferred, active_from and active_to;
 * a change preferred and active_to. Returns 0 or the problem's status.
 */
static int read_input(struct req *r, struct rel_input *in, int create)
{
    struct json_object *body;
    const char *why;
    size_t nerr;
    int rc;
    /* a change reads the first two only */
    struct jfield f[] = {
        {"preferred", JF_BOOL, 0, &in->preferred, &in->has_preferred, 0},
        {"active_to", JF_STRING, JF_NULLABLE, &in->to_s, &in->has_to, 64},
        {"child_org_id", JF_INT, JF_REQUIRED, &in->child, &in->has_child, 0},
        {"relation_type", JF_STRING, JF_REQUIRED, &in->type, &in->has_type, 64},
        {"active_from", JF_STRING, JF_NULLABLE, &in->from_s, &in->has_from, 64},
    };

    memset(in, 0, sizeof(*in));
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, create ? 5 : 2, &r->field_errors) == 0 && !create &&
        !(in->has_preferred || in->has_to))
        field_errors_add(r->ar, &r->field_errors, "", "must name at least one field to change");
    if (in->has_child && in->child <= 0)
        field_errors_add(r->ar, &r->field_errors, "child_org_id", "must be a positive id");
    if (in->has_type && (why = rel_check_type(in->type)))
        field_errors_add(r->ar, &r->field_errors, "relation_type", "%s", why);
    nerr = r->field_errors.n;
    if (in->from_s)
        read_time(r, "active_from", in->from_s, &in->from);
    if (in->to_s)
        read_time(r, "active_to", in->to_s, &in->to);
    /* a relationship starts when written unless it says otherwise */
    if (create && in->to_s && r->field_errors.n == nerr &&
        in->to <= (in->from_s ? in->from : clock_real_ms()))
        field_errors_add(r->ar, &r->field_errors, "active_to", "must be after active_from%s",
                         in->from_s ? "" : " (now)");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    return 0;
}

int rel_http_list(struct req *r)
{
    const char *side, *active, *type;
    struct json_object *data;
    struct db_res res, org;
    int64_t id, after, *ids;
    int limit, rc, want_active = 0;

    if (params_path_id(r, "id", &id) != 0 || (r->ctx.org_id && r->ctx.org_id != id))
        return org_not_found(r);
    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_str(r, "side", 64, &side);
    if (!rc)
        rc = params_query_str(r, "active", 64, &active);
    if (!rc)
        rc = params_query_str(r, "relation_type", 64, &type);
    if (rc)
        return rc;
    if (side && strcmp(side, "parents") != 0 && strcmp(side, "children") != 0)
        field_errors_add(r->ar, &r->field_errors, "side", "must be parents or children");
    if (active && strcmp(active, "true") == 0)
        want_active = 1;
    else if (active && strcmp(active, "false") == 0)
        want_active = 2;
    else if (active)
        field_errors_add(r->ar, &r->field_errors, "active", "must be true or false");
    if (type && rel_check_type(type))
        field_errors_add(r->ar, &r->field_errors, "relation_type", "%s", rel_check_type(type));
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &org, (long long)id);
    if (rc)
        return problem_db(r, rc, "relationship list");
    if (org.nrows != 1)
        return org_not_found(r);
    rc = db_exec(r->db, r->ar, &Q_REL_LIST, r->ctx.tenant_id, &res, (long long)after,
                 !side || strcmp(side, "parents") == 0, (long long)id,
                 !side || strcmp(side, "children") == 0, (long long)id, type, type, want_active,
                 want_active, limit + 1);
    if (rc)
        return problem_db(r, rc, "relationship list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, REL_COL_ID)->i;
        json_object_array_add(data, rel_json(&res, i));
    }
    return list_finish(r, data, ids, limit);
}

/* The row of org id in a Q_REL_ORGS result, or -1. */
static int org_row(const struct db_res *orgs, int64_t id)
{
    for (int i = 0; i < orgs->nrows; i++)
        if (db_at(orgs, i, REL_ORG_COL_ID)->i == id)
            return i;
    return -1;
}

/*
 * Renders the 422 of a relationship parent -> child that would close a cycle, spelling
 * out the cycle from the rows of Q_REL_CYCLE.
 */
static int cycle_problem(struct req *r, const struct db_res *res, int64_t parent, int64_t child)
{
    int64_t *org = arena_alloc(r->ar, sizeof(*org) * (size_t)res->nrows);
    int64_t *prev = arena_alloc(r->ar, sizeof(*prev) * (size_t)res->nrows);
    int64_t path[CYCLE_PATH_MAX];
    struct sb msg;
    int n;

    for (int i = 0; i < res->nrows; i++) {
        org[i] = db_at(res, i, REL_CYCLE_COL_ORG)->i;
        prev[i] = db_at(res, i, REL_CYCLE_COL_PREV)->i;
    }
    n = rel_cycle_path(org, prev, res->nrows, child, parent, path, CYCLE_PATH_MAX);
    sb_init(&msg, r->ar);
    sb_printf(&msg, "would close a cycle");
    if (n > 0) {
        sb_printf(&msg, ": ");
        /* the new relationship first, then the live ones back to the parent */
        for (int k = -1; k < n; k++) {
            int64_t id = k < 0 ? parent : path[k];
            for (int i = 0; i < res->nrows; i++)
                if (org[i] == id) {
                    sb_printf(&msg, "%s'%s'", k < 0 ? "" : " -> ",
                              db_at(res, i, REL_CYCLE_COL_NAME)->s);
                    break;
                }
        }
        sb_printf(&msg, " (parent -> child)");
    }
    if (sb_error(&msg))
        return problem(r, PROB_INTERNAL, "cycle message");
    field_errors_add(r->ar, &r->field_errors, "child_org_id", "%s", msg.buf);
    return problem(r, PROB_UNPROCESSABLE, "the relationship %s", msg.buf);
}

static int create_locked(struct req *r)
{
    struct rel_input in;
    struct db_res orgs, found, ins, row;
    struct json_object *out;
    char from_sql[RFC3339_SQL_LEN], to_sql[RFC3339_SQL_LEN];
    const char *why, *after;
    int64_t parent, id;
    int rc, p, c;
    char side;

    if (params_path_id(r, "id", &parent) != 0)
        return org_not_found(r);
    rc = read_input(r, &in, 1);
    if (rc)
        return rc;
    if (in.from_s)
        rfc3339_sql(in.from, from_sql);
    if (in.to_s)
        rfc3339_sql(in.to, to_sql);
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_REL_ORGS, r->ctx.tenant_id, &orgs, (long long)parent,
                     (long long)in.child);
    if (rc)
        goto dberr;
    p = org_row(&orgs, parent);
    c = org_row(&orgs, in.child);
    if (p < 0) {
        db_rollback(r->db);
        return org_not_found(r);
    }
    if (r->ctx.org_id && r->ctx.org_id != parent) {
        db_rollback(r->db);
        return problem(r, PROB_FORBIDDEN,
                       "an organization's user creates relationships only "
                       "where its own organization is the parent");
    }
    if (in.child == parent)
        field_errors_add(r->ar, &r->field_errors, "child_org_id", "must not be the parent itself");
    else if (c < 0)
        field_errors_add(r->ar, &r->field_errors, "child_org_id",
                         "names no organization of this tenant");
    else if ((why = rel_check_org_types(in.type, db_at(&orgs, p, REL_ORG_COL_TYPE)->s,
                                        db_at(&orgs, c, REL_ORG_COL_TYPE)->s, &side)))
        field_errors_add(r->ar, &r->field_errors, side == 'c' ? "child_org_id" : "parent_org_id",
                         "%s ('%s' is a %s)", why,
                         db_at(&orgs, side == 'c' ? c : p, REL_ORG_COL_NAME)->s,
                         db_at(&orgs, side == 'c' ? c : p, REL_ORG_COL_TYPE)->s);
    if (r->field_errors.n) {
        db_rollback(r->db);
        return problem(r, PROB_UNPROCESSABLE, "the relationship breaks a rule: %s",
                       r->field_errors.v[0].message);
    }
    /* one that is over when written is history: it cannot duplicate or loop anything live */
    if (!in.to_s || in.to > clock_real_ms()) {
        rc = db_exec(r->db, r->ar, &Q_REL_FIND_LIVE, r->ctx.tenant_id, &found, (long long)parent,
                     (long long)in.child, in.type);
        if (rc)
            goto dberr;
        if (found.nrows) {
            db_rollback(r->db);
            field_errors_add(
                r->ar, &r->field_errors, "child_org_id",
                "has a live %s relationship with this parent already (relationship %lld)", in.type,
                db_at(&found, 0, 0)->i);
            return problem(r, PROB_CONFLICT, "'%s' is already %s '%s' until it is ended",
                           db_at(&orgs, c, REL_ORG_COL_NAME)->s, in.type,
                           db_at(&orgs, p, REL_ORG_COL_NAME)->s);
        }
        rc = db_exec(r->db, r->ar, &Q_REL_CYCLE, r->ctx.tenant_id, &found, (long long)in.child,
                     (long long)r->ctx.tenant_id, (long long)parent);
        if (rc)
            goto dberr;
        if (found.nrows) {
            db_rollback(r->db);
            return cycle_problem(r, &found, parent, in.child);
        }
    }
    rc = db_exec(r->db, r->ar, &Q_REL_INSERT, r->ctx.tenant_id, &ins, (long long)parent,
                 (long long)in.child, in.type, in.has_preferred ? in.preferred : 0,
                 in.from_s ? from_sql : NULL, in.to_s ? to_sql : NULL);
    if (rc == DB_ECHECK) {
        /* active_from defaulted to the database's now, which passed active_to meanwhile */
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "active_to", "must be after active_from");
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    }
    if (rc)
        goto dberr;
    id = (int64_t)ins.insert_id;
    rc = db_exec(r->db, r->ar, &Q_REL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, rel_json(&row, 0));
    after = json_text(r->ar, out);
    rc = write_commit(r, r->ctx.tenant_id, "relationship.create", "org.relationship_created",
                      "relationship", id, NULL, after);
    if (rc)
        goto dberr;
    resp_header(r, "Location", "/v1/relationships/%lld", (long long)id);
    resp_etag(r, db_at(&row, 0, REL_COL_VERSION)->i);
    return resp_json(r, 201, out);
dberr:
    return problem_rollback(r, rc, "relationship create");
}

/* The tenant's relationship lock around the whole write (Q_REL_LOCK_TENANT). */
int rel_http_create(struct req *r)
{
    struct db_res got;
    int rc = db_exec(r->db, r->ar, &Q_REL_LOCK_TENANT, 0, &got, (long long)r->ctx.tenant_id);

    if (!rc && (got.nrows != 1 || db_at(&got, 0, 0)->null || db_at(&got, 0, 0)->i != 1))
        rc = DB_EDEADLOCK;
    if (rc)
        return problem_db(r, rc, "relationship lock");
    rc = create_locked(r);
    /* released however the write ended; a lost connection releases it too */
    db_exec(r->db, r->ar, &Q_REL_UNLOCK_TENANT, 0, NULL, (long long)r->ctx.tenant_id);
    return rc;
}

int rel_http_get(struct req *r)
{
    struct db_res row;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return rel_not_found(r);
    rc = db_exec(r->db, r->ar, &Q_REL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (rc)
        return problem_db(r, rc, "relationship get");
    if (row.nrows != 1 || !rel_visible(r, &row))
        return rel_not_found(r);
    resp_etag(r, db_at(&row, 0, REL_COL_VERSION)->i);
    return resp_json(r, 200, json_arena_own(r->ar, rel_json(&row, 0)));
}

int rel_http_patch(struct req *r)
{
    struct rel_input in;
    struct db_res lock, cur, row;
    struct json_object *out;
    char to_sql[RFC3339_SQL_LEN];
    const char *before, *after;
    int64_t id, from;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return rel_not_found(r);
    rc = read_input(r, &in, 0);
    if (rc)
        return rc;
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_REL_LOCK, r->ctx.tenant_id, &lock, (long long)id);
    if (!rc && lock.nrows == 1)
        rc = db_exec(r->db, r->ar, &Q_REL_GET, r->ctx.tenant_id, &cur, (long long)id);
    if (rc)
        goto dberr;
    if (lock.nrows != 1 || cur.nrows != 1 || !rel_visible(r, &cur)) {
        db_rollback(r->db);
        return rel_not_found(r);
    }
    if (r->ctx.org_id && db_at(&cur, 0, REL_COL_PARENT)->i != r->ctx.org_id) {
        db_rollback(r->db);
        return problem(r, PROB_FORBIDDEN,
                       "an organization's user changes only relationships "
                       "where its own organization is the parent");
    }
    rc = check_if_match(r, db_at(&cur, 0, REL_COL_VERSION)->i);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    /* an ended relationship is history; reopening it would skip the duplicate and cycle checks */
    if (db_at(&cur, 0, REL_COL_ENDED)->i) {
        db_rollback(r->db);
        return problem(r, PROB_UNPROCESSABLE,
                       "the relationship ended at %s and stays as it was; create a new one",
                       db_at(&cur, 0, REL_COL_ACTIVE_TO)->s);
    }
    if (in.to_s &&
        (rfc3339_parse(db_at(&cur, 0, REL_COL_ACTIVE_FROM)->s, &from) != 0 || in.to <= from)) {
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "active_to", "must be after active_from (%s)",
                         db_at(&cur, 0, REL_COL_ACTIVE_FROM)->s);
        return problem(r, PROB_UNPROCESSABLE, "active_to must be after active_from");
    }
    before = json_text(r->ar, json_arena_own(r->ar, rel_json(&cur, 0)));
    if (in.to_s)
        rfc3339_sql(in.to, to_sql);
    rc = db_exec(r->db, r->ar, &Q_REL_UPDATE, r->ctx.tenant_id, NULL,
                 in.has_preferred ? in.preferred : (int)db_at(&cur, 0, REL_COL_PREFERRED)->i,
                 in.has_to, in.to_s ? to_sql : NULL, (long long)id);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_REL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, rel_json(&row, 0));
    after = json_text(r->ar, out);
    rc = write_commit(r, r->ctx.tenant_id, "relationship.update", "org.relationship_updated",
                      "relationship", id, before, after);
    if (rc)
        goto dberr;
    resp_etag(r, db_at(&row, 0, REL_COL_VERSION)->i);
    return resp_json(r, 200, out);
dberr:
    return problem_rollback(r, rc, "relationship update");
}
