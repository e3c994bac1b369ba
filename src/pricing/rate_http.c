/* The read, delete and end-of-create handlers FX and tax rates share. */
#include "pricing/rate_http.h"

#include <json-c/json.h>

#include "core/arena.h"
#include "core/json.h"
#include "db/db.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"

int rate_not_found(struct req *r, const struct rate_kind *k)
{
    return problem(r, PROB_NOT_FOUND, "no %s at '%s'", k->label, r->path);
}

/* The outbox event of a change: price.updated, as books and rules send it. */
static int rate_event(struct req *r, const struct rate_kind *k, const char *what, int64_t id,
                      struct json_object *rate)
{
    struct json_object *p = json_arena_own(r->ar, json_object_new_object());

    json_object_object_add(p, "change",
                           json_object_new_string(arena_printf(r->ar, "%s.%s", k->name, what)));
    json_object_object_add(p, arena_printf(r->ar, "%s_id", k->name), json_object_new_int64(id));
    json_object_object_add(p, k->name, json_object_get(rate));
    return write_event(r, r->ctx.tenant_id, "price.updated", k->name, id, json_text(r->ar, p));
}

int rate_http_get(struct req *r, const struct rate_kind *k)
{
    struct db_res row;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return rate_not_found(r, k);
    rc = db_exec(r->db, r->ar, k->get, r->ctx.tenant_id, &row, (long long)id);
    if (rc)
        return problem_db(r, rc, arena_printf(r->ar, "%s get", k->name));
    if (row.nrows != 1)
        return rate_not_found(r, k);
    return resp_json(r, 200, json_arena_own(r->ar, k->json(r->ar, &row, 0)));
}

int rate_http_delete(struct req *r, const struct rate_kind *k)
{
    struct db_res cur;
    struct json_object *before;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return rate_not_found(r, k);
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, k->lock, r->ctx.tenant_id, &cur, (long long)id);
    if (rc)
        goto dberr;
    if (cur.nrows != 1) {
        db_rollback(r->db);
        return rate_not_found(r, k);
    }
    before = json_arena_own(r->ar, k->json(r->ar, &cur, 0));
    rc = db_exec(r->db, r->ar, k->del, r->ctx.tenant_id, NULL, (long long)id);
    if (!rc)
        rc = rate_event(r, k, "deleted", id, before);
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, arena_printf(r->ar, "%s.delete", k->name), NULL,
                          k->name, id, json_text(r->ar, before), NULL);
    if (rc)
        goto dberr;
    r->status = 204;
    return 204;
dberr:
    return problem_rollback(r, rc, arena_printf(r->ar, "%s delete", k->name));
}

int rate_http_created(struct req *r, const struct rate_kind *k, int64_t id)
{
    struct db_res row;
    struct json_object *out;
    int rc = db_exec(r->db, r->ar, k->get, r->ctx.tenant_id, &row, (long long)id);

    if (!rc && row.nrows != 1)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, k->json(r->ar, &row, 0));
    rc = rate_event(r, k, "created", id, out);
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, arena_printf(r->ar, "%s.create", k->name), NULL,
                          k->name, id, NULL, json_text(r->ar, out));
    if (rc)
        goto dberr;
    resp_header(r, "Location", "%s/%lld", k->path, (long long)id);
    return resp_json(r, 201, out);
dberr:
    return problem_rollback(r, rc, arena_printf(r->ar, "%s create", k->name));
}
