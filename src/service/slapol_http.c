/* SLA policy handlers: parse, check, write with audit row and event, answer JSON. */
#include "service/slapol_http.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "org/org.h"
#include "service/sla.h"
#include "service/slapol.h"

struct slapol_input {
    const char *name, *status;
    int64_t org_id; /* 0: the tenant's default */
    struct json_object *targets, *calendar;
    const char *targets_text, *calendar_text;
    int has_name, has_status, has_org, has_targets, has_calendar;
};

static struct json_object *slapol_json(struct arena *ar, const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();
    const struct db_val *org = db_at(res, row, SLAPOL_COL_ORG);
    const struct db_val *t = db_at(res, row, SLAPOL_COL_TARGETS);
    const struct db_val *c = db_at(res, row, SLAPOL_COL_CALENDAR);

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, SLAPOL_COL_ID)->i));
    json_object_object_add(o, "name", json_object_new_string(db_at(res, row, SLAPOL_COL_NAME)->s));
    json_object_object_add(o, "org_id", org->null ? NULL : json_object_new_int64(org->i));
    json_object_object_add(o, "severity_targets",
                           json_stored(ar, t->s, t->len, json_object_new_object()));
    json_object_object_add(o, "calendar", json_stored(ar, c->s, c->len, NULL));
    json_object_object_add(o, "status",
                           json_object_new_string(db_at(res, row, SLAPOL_COL_STATUS)->s));
    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, row, SLAPOL_COL_VERSION)->i));
    json_object_object_add(o, "created_at",
                           json_object_new_string(db_at(res, row, SLAPOL_COL_CREATED_AT)->s));
    json_object_object_add(o, "updated_at",
                           json_object_new_string(db_at(res, row, SLAPOL_COL_UPDATED_AT)->s));
    return o;
}

static int not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no SLA policy at '%s'", r->path);
}

/* An org-scoped caller sees the defaults and its own org's policies only. */
static int visible(const struct req *r, const struct db_res *res)
{
    const struct db_val *org = db_at(res, 0, SLAPOL_COL_ORG);

    return !r->ctx.org_id || org->null || org->i == r->ctx.org_id;
}

static int read_input(struct req *r, struct slapol_input *in, int create)
{
    struct json_object *body;
    struct slapol_targets tg;
    const struct sla_calendar *cal;
    const char *why;
    int rc;
    struct jfield fc[] = {
        {"name", JF_STRING, JF_REQUIRED, &in->name, &in->has_name, SLAPOL_NAME_MAX},
        {"org_id", JF_INT, JF_NULLABLE, &in->org_id, &in->has_org, 0},
        {"severity_targets", JF_OBJECT, JF_REQUIRED, &in->targets, &in->has_targets, 0},
        {"calendar", JF_ANY, JF_REQUIRED, &in->calendar, &in->has_calendar, 0},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 64},
    };
    struct jfield fp[] = {
        {"name", JF_STRING, 0, &in->name, &in->has_name, SLAPOL_NAME_MAX},
        {"severity_targets", JF_OBJECT, 0, &in->targets, &in->has_targets, 0},
        {"calendar", JF_ANY, 0, &in->calendar, &in->has_calendar, 0},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 64},
    };

    memset(in, 0, sizeof(*in));
    in->org_id = INT64_MIN;
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, create ? fc : fp, create ? 5 : 4, &r->field_errors) == 0 &&
        !create && !(in->has_name || in->has_targets || in->has_calendar || in->has_status))
        field_errors_add(r->ar, &r->field_errors, "", "must name at least one field to change");
    if (in->has_name && (why = org_check_name(in->name)))
        field_errors_add(r->ar, &r->field_errors, "name", "%s", why);
    if (in->has_status && strcmp(in->status, "active") != 0 && strcmp(in->status, "retired") != 0)
        field_errors_add(r->ar, &r->field_errors, "status", "must be active or retired");
    if (in->has_org && in->org_id == INT64_MIN)
        in->org_id = 0;
    else if (in->has_org && in->org_id <= 0)
        field_errors_add(r->ar, &r->field_errors, "org_id", "must be a positive id, or null");
    if (in->has_targets && in->targets &&
        slapol_targets_parse(r->ar, in->targets, &tg, &r->field_errors) == 0)
        in->targets_text = json_text(r->ar, in->targets);
    if (in->has_calendar && in->calendar &&
        sla_calendar_parse(r->ar, in->calendar, "calendar", &cal, &r->field_errors) == 0)
        in->calendar_text = json_text(r->ar, json_arena_own(r->ar, sla_calendar_json(cal)));
    else if (in->has_calendar && !in->calendar)
        field_errors_add(r->ar, &r->field_errors, "calendar",
                         "must be \"24x7\" or {timezone, hours, holidays}");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    return 0;
}

int slapol_http_list(struct req *r)
{
    const char *status;
    struct json_object *data;
    struct db_res res;
    int64_t after, org_id, *ids;
    int limit, rc;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_id(r, "org_id", &org_id);
    if (!rc)
        rc = params_query_str(r, "status", 64, &status);
    if (rc)
        return rc;
    if (status && strcmp(status, "active") != 0 && strcmp(status, "retired") != 0) {
        field_errors_add(r->ar, &r->field_errors, "status", "must be active or retired");
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    }
    rc = db_exec(r->db, r->ar, &Q_SLAPOL_LIST, r->ctx.tenant_id, &res, (long long)after,
                 (long long)org_id, (long long)org_id, (long long)r->ctx.org_id,
                 (long long)r->ctx.org_id, status, status, limit + 1);
    if (rc)
        return problem_db(r, rc, "sla policy list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, SLAPOL_COL_ID)->i;
        json_object_array_add(data, slapol_json(r->ar, &res, i));
    }
    return list_finish(r, data, ids, limit);
}

/* Another active policy already serves that org (or the tenant's default). */
static int one_active(struct req *r, int64_t org_id, int64_t id)
{
    struct db_res res;
    int rc = db_exec(r->db, r->ar, &Q_SLAPOL_ACTIVE_FOR, r->ctx.tenant_id, &res, (long long)org_id,
                     (long long)org_id, (long long)id);

    if (rc)
        return rc;
    return res.nrows ? 1 : 0;
}

static int conflict(struct req *r, const char *field, const char *msg)
{
    db_rollback(r->db);
    field_errors_add(r->ar, &r->field_errors, field, "%s", msg);
    return problem(r, PROB_CONFLICT, "%s", msg);
}

int slapol_http_create(struct req *r)
{
    struct slapol_input in;
    struct json_object *out;
    struct db_res org, ins, row;
    const char *status, *after;
    int64_t id, org_id;
    int rc;

    rc = read_input(r, &in, 1);
    if (rc)
        return rc;
    org_id = in.has_org ? in.org_id : r->ctx.org_id;
    if (r->ctx.org_id && org_id != r->ctx.org_id)
        return problem(r, PROB_FORBIDDEN,
                       "an organization's user creates SLA policies for its own organization only");
    if (org_id) {
        rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &org, (long long)org_id);
        if (rc)
            return problem_db(r, rc, "sla policy create");
        if (org.nrows != 1) {
            field_errors_add(r->ar, &r->field_errors, "org_id",
                             "names no organization of this tenant");
            return problem(r, PROB_UNPROCESSABLE, "the policy's organization does not exist");
        }
    }
    status = in.has_status ? in.status : "active";
    rc = db_begin(r->db);
    if (!rc && strcmp(status, "active") == 0) {
        rc = one_active(r, org_id, 0);
        if (rc == 1)
            return conflict(r, "org_id",
                            org_id ? "that organization already has an active SLA policy"
                                   : "the tenant already has an active default SLA policy");
    }
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_SLAPOL_INSERT, r->ctx.tenant_id, &ins, in.name,
                     (long long)org_id, in.targets_text, in.calendar_text, status);
    if (rc == DB_EDUP)
        return conflict(r, "name", "is taken by another SLA policy");
    if (rc)
        goto dberr;
    id = (int64_t)ins.insert_id;
    rc = db_exec(r->db, r->ar, &Q_SLAPOL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, slapol_json(r->ar, &row, 0));
    after = json_text(r->ar, out);
    rc = write_commit(r, r->ctx.tenant_id, "sla_policy.create", "sla_policy.created", "sla_policy",
                      id, NULL, after);
    if (rc)
        goto dberr;
    resp_header(r, "Location", "/v1/sla-policies/%lld", (long long)id);
    resp_etag(r, db_at(&row, 0, SLAPOL_COL_VERSION)->i);
    return resp_json(r, 201, out);
dberr:
    return problem_rollback(r, rc, "sla policy create");
}

int slapol_http_get(struct req *r)
{
    struct db_res row;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r);
    rc = db_exec(r->db, r->ar, &Q_SLAPOL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (rc)
        return problem_db(r, rc, "sla policy get");
    if (row.nrows != 1 || !visible(r, &row))
        return not_found(r);
    resp_etag(r, db_at(&row, 0, SLAPOL_COL_VERSION)->i);
    return resp_json(r, 200, json_arena_own(r->ar, slapol_json(r->ar, &row, 0)));
}

int slapol_http_patch(struct req *r)
{
    struct slapol_input in;
    struct db_res cur, row;
    struct json_object *out;
    const char *before, *after, *name, *status;
    const struct db_val *org;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r);
    rc = read_input(r, &in, 0);
    if (rc)
        return rc;
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_SLAPOL_GET_FOR_UPDATE, r->ctx.tenant_id, &cur, (long long)id);
    if (rc)
        goto dberr;
    if (cur.nrows != 1 || !visible(r, &cur)) {
        db_rollback(r->db);
        return not_found(r);
    }
    org = db_at(&cur, 0, SLAPOL_COL_ORG);
    if (r->ctx.org_id && org->null) {
        db_rollback(r->db);
        return problem(r, PROB_FORBIDDEN,
                       "an organization's user changes its own organization's SLA policies only");
    }
    rc = check_if_match(r, db_at(&cur, 0, SLAPOL_COL_VERSION)->i);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    before = json_text(r->ar, json_arena_own(r->ar, slapol_json(r->ar, &cur, 0)));
    name = in.has_name ? in.name : db_at(&cur, 0, SLAPOL_COL_NAME)->s;
    status = in.has_status ? in.status : db_at(&cur, 0, SLAPOL_COL_STATUS)->s;
    if (strcmp(status, "active") == 0) {
        rc = one_active(r, org->null ? 0 : org->i, id);
        if (rc == 1)
            return conflict(r, "status", "another active SLA policy serves the same organization");
        if (rc)
            goto dberr;
    }
    rc = db_exec(r->db, r->ar, &Q_SLAPOL_UPDATE, r->ctx.tenant_id, NULL, name,
                 in.targets_text ? in.targets_text : db_at(&cur, 0, SLAPOL_COL_TARGETS)->s,
                 in.calendar_text ? in.calendar_text : db_at(&cur, 0, SLAPOL_COL_CALENDAR)->s,
                 status, (long long)id);
    if (rc == DB_EDUP)
        return conflict(r, "name", "is taken by another SLA policy");
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_SLAPOL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, slapol_json(r->ar, &row, 0));
    after = json_text(r->ar, out);
    rc = write_commit(r, r->ctx.tenant_id, "sla_policy.update", "sla_policy.updated", "sla_policy",
                      id, before, after);
    if (rc)
        goto dberr;
    resp_etag(r, db_at(&row, 0, SLAPOL_COL_VERSION)->i);
    return resp_json(r, 200, out);
dberr:
    return problem_rollback(r, rc, "sla policy update");
}

/* A due time as the API shows it, or null (paused, or beyond the horizon). */
static struct json_object *due_json(struct req *r, const struct slapol *p, int64_t start,
                                    int64_t minutes)
{
    int64_t due;

    if (sla_due(p->cal, start, NULL, 0, minutes * 60000, &due) != SLA_OK)
        return NULL;
    return json_object_new_string(rfc3339_text(r->ar, due));
}

int slapol_http_due(struct req *r)
{
    struct json_object *body, *out;
    const char *severity = NULL, *opened = NULL;
    struct db_res row;
    struct slapol p;
    int64_t id, at = 0;
    int rc, sev = -1;
    struct jfield f[] = {
        {"severity", JF_STRING, JF_REQUIRED, &severity, NULL, 64},
        {"opened_at", JF_STRING, JF_REQUIRED, &opened, NULL, 64},
    };

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r);
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, 2, &r->field_errors) == 0) {
        sev = slapol_severity_index(severity);
        if (sev < 0)
            field_errors_add(r->ar, &r->field_errors, "severity",
                             "must be critical, high, medium or low");
        if (rfc3339_parse(opened, &at) != 0)
            field_errors_add(r->ar, &r->field_errors, "opened_at", "must be an RFC 3339 time");
    }
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    rc = db_exec(r->db, r->ar, &Q_SLAPOL_GET, r->ctx.tenant_id, &row, (long long)id);
    if (rc)
        return problem_db(r, rc, "sla policy due");
    if (row.nrows != 1 || !visible(r, &row))
        return not_found(r);
    rc = slapol_load(r->db, r->ar, r->ctx.tenant_id, id, &p);
    if (!rc && !p.id)
        rc = DB_ERR;
    if (rc)
        return problem_db(r, rc, "sla policy due");
    out = json_object_new_object();
    json_object_object_add(out, "response_due_at",
                           due_json(r, &p, at, p.targets.response_min[sev]));
    json_object_object_add(out, "resolve_due_at", due_json(r, &p, at, p.targets.resolve_min[sev]));
    return resp_json(r, 200, json_arena_own(r->ar, out));
}
