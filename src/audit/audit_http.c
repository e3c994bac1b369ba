/* The audit log as the API shows it: newest first, filtered, with before/after as JSON. */
#include "audit/audit_http.h"

#include <json-c/json.h>

#include "audit/audit.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"

/* An int64 column, or JSON null for SQL NULL. */
static struct json_object *id_or_null(const struct db_val *v)
{
    return v->null ? NULL : json_object_new_int64(v->i);
}

/*
 * Stored JSON text as a tree (json_parse: as deep as the body it came in), with a reference
 * for its parent; the text itself if it ever fails to parse.
 */
static struct json_object *stored_json(struct arena *ar, const struct db_val *v)
{
    return v->null ? NULL : json_stored(ar, v->s, v->len, json_object_new_string(v->s));
}

static struct json_object *row_json(struct arena *ar, const struct db_res *res, int i)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "seq", json_object_new_int64(db_at(res, i, AUDIT_COL_SEQ)->i));
    json_object_object_add(o, "at", json_object_new_string(db_at(res, i, AUDIT_COL_AT)->s));
    json_object_object_add(o, "actor_id", id_or_null(db_at(res, i, AUDIT_COL_ACTOR_ID)));
    json_object_object_add(o, "org_id", id_or_null(db_at(res, i, AUDIT_COL_ORG_ID)));
    json_object_object_add(o, "action", json_object_new_string(db_at(res, i, AUDIT_COL_ACTION)->s));
    json_object_object_add(o, "entity", json_object_new_string(db_at(res, i, AUDIT_COL_ENTITY)->s));
    json_object_object_add(o, "entity_id", id_or_null(db_at(res, i, AUDIT_COL_ENTITY_ID)));
    json_object_object_add(o, "before", stored_json(ar, db_at(res, i, AUDIT_COL_BEFORE)));
    json_object_object_add(o, "after", stored_json(ar, db_at(res, i, AUDIT_COL_AFTER)));
    json_object_object_add(o, "request_id",
                           json_object_new_string(db_at(res, i, AUDIT_COL_REQUEST_ID)->s));
    json_object_object_add(o, "ip", json_object_new_string(db_at(res, i, AUDIT_COL_IP)->s));
    return o;
}

int audit_http_list(struct req *r)
{
    const char *entity, *since_s, *since = NULL;
    int64_t before_seq, entity_id, actor_id, ms, *ids;
    char since_sql[RFC3339_SQL_LEN];
    struct json_object *data;
    struct db_res res;
    int limit, rc;

    rc = list_params(r, &limit, &before_seq);
    if (!rc)
        rc = params_query_str(r, "entity", 64, &entity);
    if (!rc)
        rc = params_query_id(r, "entity_id", &entity_id);
    if (!rc)
        rc = params_query_id(r, "actor_id", &actor_id);
    if (!rc)
        rc = params_query_str(r, "since", 64, &since_s);
    if (rc)
        return rc;
    if (since_s) {
        if (rfc3339_parse(since_s, &ms) != 0) {
            field_errors_add(r->ar, &r->field_errors, "since",
                             "must be an RFC 3339 time like 2024-05-01T12:00:00Z");
            return problem(r, PROB_VALIDATION, "the query parameter 'since' is not valid");
        }
        rfc3339_sql(ms, since_sql);
        since = since_sql;
    }
    rc = db_exec(r->db, r->ar, &Q_AUDIT_LIST, r->ctx.tenant_id, &res, (long long)before_seq,
                 (long long)before_seq, (long long)r->ctx.org_id, (long long)r->ctx.org_id, entity,
                 entity, (long long)entity_id, (long long)entity_id, (long long)actor_id,
                 (long long)actor_id, since, since, limit + 1);
    if (rc)
        return problem_db(r, rc, "audit list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, AUDIT_COL_SEQ)->i;
        json_object_array_add(data, row_json(r->ar, &res, i));
    }
    return list_finish(r, data, ids, limit);
}
