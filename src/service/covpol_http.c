/* Coverage policy handlers: the policy JSON is the pure parser's (service/coverage.h). */
#include "service/covpol_http.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "db/db.h"
#include "http/list.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "service/coverage.h"
#include "service/ticket.h"

/* The stored policy (or the default) as the API shows it, with its version. */
static struct json_object *policy_json(struct req *r, const struct db_res *res, int64_t *version,
                                       int *rc)
{
    struct coverage_policy p;
    struct field_errors fe = {0};
    struct json_object *o;

    coverage_policy_default(&p);
    *version = 0;
    *rc = 0;
    if (res->nrows == 1) {
        struct json_object *j = json_arena_own(
            r->ar, json_stored(r->ar, db_at(res, 0, 1)->s, db_at(res, 0, 1)->len, NULL));

        if (!j || coverage_policy_parse(r->ar, j, &p, &fe) != 0) {
            *rc = DB_ERR;
            return NULL;
        }
        p.enabled = db_at(res, 0, 0)->i != 0;
        *version = db_at(res, 0, 2)->i;
    }
    o = coverage_policy_json(r->ar, &p);
    json_object_object_add(o, "version", json_object_new_int64(*version));
    json_object_object_add(o, "updated_at",
                           res->nrows == 1 ? json_object_new_string(db_at(res, 0, 3)->s) : NULL);
    return o;
}

int covpol_http_get(struct req *r)
{
    struct json_object *o;
    struct db_res res;
    int64_t version;
    int rc;

    rc = db_exec(r->db, r->ar, &Q_COVPOL_GET, r->ctx.tenant_id, &res);
    if (!rc)
        o = policy_json(r, &res, &version, &rc);
    if (rc)
        return problem_db(r, rc, "coverage policy get");
    resp_etag(r, version);
    return resp_json(r, 200, o);
}

int covpol_http_put(struct req *r)
{
    struct json_object *body, *out, *ids, *stored;
    struct coverage_policy p;
    struct db_res cur, found, res;
    const char *before;
    int64_t version;
    int rc;

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (coverage_policy_parse(r->ar, body, &p, &r->field_errors) != 0)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    ids = json_arena_own(r->ar, json_object_new_array());
    for (size_t i = 0; i < p.nrules; i++)
        json_object_array_add(ids, json_object_new_int64(p.rules[i].manufacturer_id));
    rc = db_exec(r->db, r->ar, &Q_COVPOL_MANUFACTURERS, r->ctx.tenant_id, &found,
                 json_text(r->ar, ids));
    if (rc)
        return problem_db(r, rc, "coverage policy put");
    for (size_t i = 0; i < p.nrules; i++) {
        int ok = 0;

        for (int k = 0; k < found.nrows && !ok; k++)
            ok = db_at(&found, k, 0)->i == p.rules[i].manufacturer_id;
        if (!ok)
            field_errors_add(r->ar, &r->field_errors,
                             arena_printf(r->ar, "rules[%zu].manufacturer_id", i),
                             "names no manufacturer of this tenant");
    }
    if (r->field_errors.n)
        return problem(r, PROB_UNPROCESSABLE, "a rule names no manufacturer of this tenant");
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_COVPOL_GET_FOR_UPDATE, r->ctx.tenant_id, &cur);
    if (rc)
        return problem_rollback(r, rc, "coverage policy put");
    rc = check_if_match(r, cur.nrows == 1 ? db_at(&cur, 0, 2)->i : 0);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    before = cur.nrows == 1 ? json_text(r->ar, policy_json(r, &cur, &version, &rc)) : NULL;
    stored = coverage_policy_json(r->ar, &p);
    rc = db_exec(r->db, r->ar, &Q_COVPOL_UPSERT, r->ctx.tenant_id, NULL, p.enabled ? 1 : 0,
                 json_text(r->ar, stored));
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_COVPOL_GET, r->ctx.tenant_id, &res);
    if (!rc && res.nrows != 1)
        rc = DB_ERR;
    if (!rc)
        out = policy_json(r, &res, &version, &rc);
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, "service_coverage_policy.update",
                          "service_coverage_policy.updated", "service_coverage_policy",
                          r->ctx.tenant_id, before, json_text(r->ar, out));
    if (rc)
        return problem_rollback(r, rc, "coverage policy put");
    resp_etag(r, version);
    return resp_json(r, 200, out);
}
