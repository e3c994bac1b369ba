/* Ticket handlers: check, write with audit row and event in one transaction, answer JSON. */
#include "service/ticket_http.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "core/utf8.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "service/engineer.h"
#include "service/ticket.h"

static int not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no ticket at '%s'", r->path);
}

/* Tenant staff see all; an org's user what its org answers for or owns. */
static int can_see(const struct req *r, struct json_object *t, int64_t owner)
{
    struct json_object *resp;

    if (!r->ctx.org_id || owner == r->ctx.org_id)
        return 1;
    resp = json_object_object_get(t, "responsible_org_id");
    return resp && json_object_get_int64(resp) == r->ctx.org_id;
}

int ticket_http_create(struct req *r)
{
    struct json_object *body, *out;
    struct ticket_new in = {0};
    int64_t id;
    int rc;
    struct jfield f[] = {
        {"equipment_id", JF_INT, JF_REQUIRED, &in.equipment_id, NULL, 0},
        {"severity", JF_STRING, JF_REQUIRED, &in.severity, NULL, 64},
        {"title", JF_STRING, JF_REQUIRED, &in.title, NULL, TICKET_TITLE_MAX},
        {"description", JF_STRING, JF_NULLABLE, &in.description, NULL, TICKET_DESCRIPTION_MAX},
    };

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, 4, &r->field_errors) != 0)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    in.tenant_id = r->ctx.tenant_id;
    in.actor_id = r->ctx.user_id;
    in.actor_org_id = r->ctx.org_id;
    in.source = "api";
    in.request_id = r->request_id;
    in.ip = r->remote_addr;
    in.owner_only = r->ctx.org_id;
    in.have_flags = 1;
    in.flags = r->ctx.flags;
    in.cache_ttl = (double)r->cfg->service_cache_ttl;
    rc = db_begin(r->db);
    if (!rc)
        rc = ticket_create(r->db, r->ar, &in, &id, &out, &r->field_errors);
    if (rc == TICKET_EFORBIDDEN) {
        db_rollback(r->db);
        return problem(r, PROB_FORBIDDEN,
                       "an organization's user opens tickets for the "
                       "equipment its organization owns only");
    }
    if (rc == TICKET_EINPUT) {
        db_rollback(r->db);
        if (r->field_errors.n == 1 && strcmp(r->field_errors.v[0].field, "equipment_id") == 0 &&
            in.equipment_id > 0)
            return problem(r, PROB_UNPROCESSABLE, "the ticket's equipment %s",
                           r->field_errors.v[0].message);
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    }
    /* committed by ticket_create() on success */
    if (rc)
        return problem_rollback(r, rc, "ticket create");
    resp_header(r, "Location", "/v1/tickets/%lld", (long long)id);
    resp_etag(r, json_object_get_int64(json_object_object_get(out, "version")));
    return resp_json(r, 201, out);
}

static const char *check_enum(const char *v, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(v, list[i]) == 0)
            return NULL;
    return "is not one of the allowed values";
}

int ticket_http_list(struct req *r)
{
    const char *status, *severity, *breached;
    struct json_object *data;
    struct db_res res, esc;
    int64_t after, resp_org, equipment, *ids;
    int limit, rc, br = 0;
    long long me = r->ctx.org_id;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_str(r, "status", 64, &status);
    if (!rc)
        rc = params_query_str(r, "severity", 64, &severity);
    if (!rc)
        rc = params_query_id(r, "responsible_org_id", &resp_org);
    if (!rc)
        rc = params_query_id(r, "equipment_id", &equipment);
    if (!rc)
        rc = params_query_str(r, "breached", 8, &breached);
    if (rc)
        return rc;
    if (status && check_enum(status, ticket_statuses))
        field_errors_add(r->ar, &r->field_errors, "status", "is not a ticket status");
    if (severity && check_enum(severity, ticket_severities))
        field_errors_add(r->ar, &r->field_errors, "severity",
                         "must be critical, high, medium or low");
    if (breached && strcmp(breached, "true") == 0)
        br = 1;
    else if (breached && strcmp(breached, "false") != 0)
        field_errors_add(r->ar, &r->field_errors, "breached", "must be true or false");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    if (me && status) /* two ranges of indexes, not a filter over the tenant's tickets */
        rc = db_exec(r->db, r->ar, &Q_TKT_LIST_ORG, r->ctx.tenant_id, &res, me, (long long)after,
                     status, severity, severity, (long long)resp_org, (long long)resp_org,
                     (long long)equipment, (long long)equipment, br, limit + 1,
                     (long long)r->ctx.tenant_id, me, (long long)after, status, severity, severity,
                     (long long)resp_org, (long long)resp_org, (long long)equipment,
                     (long long)equipment, br, limit + 1, (long long)r->ctx.tenant_id, limit + 1);
    else
        rc = db_exec(r->db, r->ar, &Q_TKT_LIST, r->ctx.tenant_id, &res, (long long)after, status,
                     status, severity, severity, (long long)resp_org, (long long)resp_org,
                     (long long)equipment, (long long)equipment, me, me, me, br, limit + 1);
    if (!rc && res.nrows)
        rc = db_exec(r->db, r->ar, &Q_TKT_ESC_RANGE, r->ctx.tenant_id, &esc,
                     (long long)db_at(&res, 0, TKT_COL_ID)->i,
                     (long long)db_at(&res, res.nrows - 1, TKT_COL_ID)->i);
    if (rc)
        return problem_db(r, rc, "ticket list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, TKT_COL_ID)->i;
        /* the stored provenance as it is: a page is 50 of them */
        json_object_array_add(data, ticket_row_json(r->ar, &res, i, &esc, 1));
    }
    return list_finish(r, data, ids, limit);
}

/* The ticket at {id} when the caller may see it; else NULL, the 404 or error answered. */
static struct json_object *find(struct req *r, int for_update, int64_t *id, int64_t *version,
                                int *status)
{
    struct json_object *t;
    int64_t owner;
    int rc;

    if (params_path_id(r, "id", id) != 0) {
        if (for_update)
            db_rollback(r->db); /* the caller's transaction ends with the answer */
        *status = not_found(r);
        return NULL;
    }
    t = ticket_read(r->db, r->ar, r->ctx.tenant_id, *id, for_update, &owner, version, &rc);
    if (rc == DB_ENOTFOUND || (t && !can_see(r, t, owner))) {
        if (for_update)
            db_rollback(r->db);
        *status = not_found(r);
        return NULL;
    }
    if (!t) {
        *status = for_update ? problem_rollback(r, rc, "ticket") : problem_db(r, rc, "ticket");
        return NULL;
    }
    return t;
}

int ticket_http_get(struct req *r)
{
    struct json_object *t;
    int64_t id, version;
    int st;

    t = find(r, 0, &id, &version, &st);
    if (!t)
        return st;
    resp_etag(r, version);
    return resp_json(r, 200, t);
}

/* Ends a ticket change: the ticket after it, audit row, event, commit, 200. */
static int finish(struct req *r, int64_t id, const char *action, const char *event,
                  const char *before)
{
    struct json_object *t;
    int64_t version;
    int rc;

    t = ticket_read(r->db, r->ar, r->ctx.tenant_id, id, 0, NULL, &version, &rc);
    if (!t)
        return problem_rollback(r, rc, action);
    rc =
        write_commit(r, r->ctx.tenant_id, action, event, "ticket", id, before, json_text(r->ar, t));
    if (rc)
        return problem_rollback(r, rc, action);
    resp_etag(r, version);
    return resp_json(r, 200, t);
}

static const char *str_member(struct json_object *t, const char *k)
{
    struct json_object *v = json_object_object_get(t, k);

    return v ? json_object_get_string(v) : NULL;
}

int ticket_http_status(struct req *r)
{
    struct json_object *body, *t;
    const char *to = NULL, *note = NULL, *from, *now_sql;
    int64_t id, version;
    int rc, st;
    struct jfield f[] = {
        {"status", JF_STRING, JF_REQUIRED, &to, NULL, 64},
        {"note", JF_STRING, JF_NULLABLE, &note, NULL, TICKET_NOTE_MAX},
    };

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, 2, &r->field_errors) == 0) {
        if (check_enum(to, ticket_statuses))
            field_errors_add(r->ar, &r->field_errors, "status", "is not a ticket status");
        if (note && utf8_text_has_control(note, strlen(note)))
            field_errors_add(r->ar, &r->field_errors, "note",
                             "must not contain control characters");
    }
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    rc = db_begin(r->db);
    if (rc)
        return problem_db(r, rc, "ticket status");
    t = find(r, 1, &id, &version, &st);
    if (!t)
        return st;
    rc = check_if_match(r, version);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    from = str_member(t, "status");
    if (!ticket_transition_allowed(from, to)) {
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "status", "cannot go from %s to %s", from, to);
        return problem(r, PROB_INVALID_TRANSITION, "a ticket that is %s cannot become %s", from,
                       to);
    }
    now_sql = rfc3339_sql_text(r->ar, clock_real_ms());
    rc = db_exec(r->db, r->ar, &Q_TKT_EVENT_INSERT, r->ctx.tenant_id, NULL, (long long)id, from, to,
                 (long long)r->ctx.user_id, note, now_sql);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_TKT_SET_STATUS, r->ctx.tenant_id, NULL, to, to, now_sql, to,
                     now_sql, to, now_sql, (long long)id);
    if (!rc)
        rc = ticket_due_update(r->db, r->ar, r->ctx.tenant_id, id);
    if (rc)
        return problem_rollback(r, rc, "ticket status");
    return finish(r, id, "ticket.status", "ticket.status_changed", json_text(r->ar, t));
}

/*
 * Whether engineer_id may take the ticket: the engineers' eligibility (docs/service.md
 * "Engineers"), the check GET /v1/engineers/eligible applies too. skills (an array of
 * strings) and region (NULL: the equipment's) are what the job needs. NULL, or why not.
 */
static const char *engineer_ineligible(struct req *r, struct json_object *ticket,
                                       int64_t engineer_id, struct json_object *skills,
                                       const char *region, int *rc)
{
    struct engineer_scope s;
    size_t n = skills ? json_object_array_length(skills) : 0;
    const char **need = arena_alloc(r->ar, sizeof(*need) * (n + 1));
    int64_t owner;

    *rc = engineer_scope_load(r->db, r->ar, r->ctx.tenant_id,
                              json_object_get_int64(json_object_object_get(ticket, "id")), region,
                              &s, &owner);
    if (*rc)
        return NULL;
    for (size_t i = 0; i < n; i++)
        need[i] = json_object_get_string(json_object_array_get_idx(skills, i));
    s.skills = need;
    s.nskills = n;
    return engineer_ticket_check(r->db, r->ar, r->ctx.tenant_id, engineer_id, &s, rc);
}

int ticket_http_assign(struct req *r)
{
    struct json_object *body, *t, *skills = NULL;
    const char *why, *region = NULL;
    int64_t id, version, engineer = 0;
    int rc, st, bad;
    struct jfield f[] = {
        {"engineer_id", JF_INT, JF_REQUIRED, &engineer, NULL, 0},
        {"skills", JF_ARRAY, 0, &skills, NULL, 0},
        {"region", JF_STRING, JF_NULLABLE, &region, NULL, ENGINEER_TAG_MAX},
    };

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, 3, &r->field_errors) == 0 && engineer <= 0)
        field_errors_add(r->ar, &r->field_errors, "engineer_id", "must be a positive id");
    if (skills && (why = engineer_check_tags(skills, &bad)))
        field_errors_add(r->ar, &r->field_errors,
                         bad >= 0 ? arena_printf(r->ar, "skills[%d]", bad) : "skills", "%s", why);
    if (region && (why = engineer_check_tag(region)))
        field_errors_add(r->ar, &r->field_errors, "region", "%s", why);
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    /*
     * The engineer before anything is read: the transaction's snapshot then comes after any
     * change to the engineer that committed first (a deactivation, its organizations), and a
     * change that comes later waits for this assignment. Without it both could pass.
     */
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_ENG_LOCK_SHARED, r->ctx.tenant_id, NULL, (long long)engineer);
    if (rc)
        return problem_rollback(r, rc, "ticket assign");
    t = find(r, 1, &id, &version, &st);
    if (!t)
        return st;
    rc = check_if_match(r, version);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    why = engineer_ineligible(r, t, engineer, skills, region, &rc);
    if (rc)
        return problem_rollback(r, rc, "ticket assign");
    if (why) {
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "engineer_id", "%s", why);
        return problem(r, PROB_UNPROCESSABLE, "the engineer %s", why);
    }
    rc = db_exec(r->db, r->ar, &Q_TKT_ASSIGN, r->ctx.tenant_id, NULL, (long long)engineer,
                 (long long)id);
    if (rc)
        return problem_rollback(r, rc, "ticket assign");
    return finish(r, id, "ticket.assign", "ticket.assigned", json_text(r->ar, t));
}

static struct json_object *comment_json(const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();
    const struct db_val *author = db_at(res, row, 2);

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, 0)->i));
    json_object_object_add(o, "ticket_id", json_object_new_int64(db_at(res, row, 1)->i));
    json_object_object_add(o, "author_id", author->null ? NULL : json_object_new_int64(author->i));
    json_object_object_add(o, "body", json_object_new_string(db_at(res, row, 3)->s));
    json_object_object_add(o, "created_at", json_object_new_string(db_at(res, row, 4)->s));
    return o;
}

int ticket_http_comment_create(struct req *r)
{
    struct json_object *body, *t, *out;
    struct db_res ins, row;
    const char *text = NULL;
    int64_t id, version, cid;
    int rc, st;
    struct jfield f[] = {
        {"body", JF_STRING, JF_REQUIRED, &text, NULL, TICKET_COMMENT_MAX},
    };

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, 1, &r->field_errors) == 0) {
        if (utf8_text_is_blank(text, strlen(text)))
            field_errors_add(r->ar, &r->field_errors, "body", "must not be blank");
        else if (utf8_text_has_control(text, strlen(text)))
            field_errors_add(r->ar, &r->field_errors, "body",
                             "must not contain control characters");
    }
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    rc = db_begin(r->db);
    if (rc)
        return problem_db(r, rc, "ticket comment");
    t = find(r, 1, &id, &version, &st);
    if (!t)
        return st;
    rc = db_exec(r->db, r->ar, &Q_TKT_COMMENT_INSERT, r->ctx.tenant_id, &ins, (long long)id,
                 (long long)r->ctx.user_id, text);
    if (!rc) {
        cid = (int64_t)ins.insert_id;
        rc = db_exec(r->db, r->ar, &Q_TKT_COMMENT_GET, r->ctx.tenant_id, &row, (long long)cid);
    }
    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        return problem_rollback(r, rc, "ticket comment");
    out = json_arena_own(r->ar, comment_json(&row, 0));
    rc = write_commit(r, r->ctx.tenant_id, "ticket.comment", NULL, "ticket_comment", cid, NULL,
                      json_text(r->ar, out));
    if (rc)
        return problem_rollback(r, rc, "ticket comment");
    resp_header(r, "Location", "/v1/tickets/%lld/comments", (long long)id);
    return resp_json(r, 201, out);
}

int ticket_http_comments(struct req *r)
{
    struct json_object *data;
    struct db_res res;
    int64_t id, version, after, *ids;
    int limit, rc, st;

    rc = list_params(r, &limit, &after);
    if (rc)
        return rc;
    if (!find(r, 0, &id, &version, &st))
        return st;
    rc = db_exec(r->db, r->ar, &Q_TKT_COMMENTS, r->ctx.tenant_id, &res, (long long)id,
                 (long long)after, limit + 1);
    if (rc)
        return problem_db(r, rc, "ticket comments");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, 0)->i;
        json_object_array_add(data, comment_json(&res, i));
    }
    return list_finish(r, data, ids, limit);
}

int ticket_http_events(struct req *r)
{
    struct json_object *data, *out;
    struct db_res res;
    int64_t id, version;
    int rc, st;

    if (!find(r, 0, &id, &version, &st))
        return st;
    rc = db_exec(r->db, r->ar, &Q_TKT_EVENTS, r->ctx.tenant_id, &res, (long long)id);
    if (rc)
        return problem_db(r, rc, "ticket events");
    data = json_object_new_array();
    for (int i = 0; i < res.nrows; i++) {
        struct json_object *o = json_object_new_object();
        const struct db_val *from = db_at(&res, i, 1), *actor = db_at(&res, i, 3),
                            *note = db_at(&res, i, 4);

        json_object_object_add(o, "id", json_object_new_int64(db_at(&res, i, 0)->i));
        json_object_object_add(o, "from_status",
                               from->null ? NULL : json_object_new_string(from->s));
        json_object_object_add(o, "to_status", json_object_new_string(db_at(&res, i, 2)->s));
        json_object_object_add(o, "actor_id", actor->null ? NULL : json_object_new_int64(actor->i));
        json_object_object_add(o, "note", note->null ? NULL : json_object_new_string(note->s));
        json_object_object_add(o, "at", json_object_new_string(db_at(&res, i, 5)->s));
        json_object_array_add(data, o);
    }
    out = json_object_new_object();
    json_object_object_add(out, "data", data);
    return resp_json(r, 200, json_arena_own(r->ar, out));
}
