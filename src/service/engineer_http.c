/* Engineer handlers: parse, check the rules and who may see what, write with audit row and
 * event, answer JSON; the eligible list for a ticket. */
#include "service/engineer_http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/rbac.h"
#include "http/request.h"
#include "http/write.h"
#include "identity/identity.h"
#include "org/org.h"
#include "service/engineer.h"

/* What a POST or PATCH body asked for; has_* is set for each field given. */
struct eng_input {
    const char *name, *email, *availability, *status;
    int64_t user_id, org_id; /* INT64_MIN while null */
    struct json_object *org_ids, *skills, *regions;
    int has_name, has_email, has_user, has_org, has_org_ids, has_skills, has_regions, has_avail,
        has_status;
    /* the memberships asked for (org_id or org_ids), when has_orgs */
    int64_t *orgs;
    size_t norgs;
    int has_orgs;
};

static const char *col_s(const struct db_res *res, int row, int c)
{
    return db_at(res, row, c)->null ? NULL : db_at(res, row, c)->s;
}

static struct json_object *stored_json(struct arena *ar, const struct db_val *v)
{
    return json_stored(ar, v->null ? NULL : v->s, v->len, json_object_new_array());
}

/* One row of the ENG_COL_* columns as the API shows an engineer; the caller owns it. */
static struct json_object *eng_json(struct arena *ar, const struct db_res *res, int row,
                                    const struct engineer_facts *f)
{
    struct json_object *o = json_object_new_object(), *orgs = json_object_new_array();
    const struct db_val *user = db_at(res, row, ENG_COL_USER);
    const char *email = col_s(res, row, ENG_COL_EMAIL);

    for (size_t i = 0; i < f->norgs; i++)
        json_object_array_add(orgs, json_object_new_int64(f->orgs[i]));
    json_object_object_add(o, "id", json_object_new_int64(f->id));
    json_object_object_add(o, "name", json_object_new_string(col_s(res, row, ENG_COL_NAME)));
    json_object_object_add(o, "email", email ? json_object_new_string(email) : NULL);
    json_object_object_add(o, "user_id", user->null ? NULL : json_object_new_int64(user->i));
    json_object_object_add(o, "org_id", f->norgs ? json_object_new_int64(f->orgs[0]) : NULL);
    json_object_object_add(o, "org_ids", orgs);
    json_object_object_add(o, "skills", stored_json(ar, db_at(res, row, ENG_COL_SKILLS)));
    json_object_object_add(o, "regions", stored_json(ar, db_at(res, row, ENG_COL_REGIONS)));
    json_object_object_add(o, "availability", json_object_new_string(f->availability));
    json_object_object_add(o, "status", json_object_new_string(f->status));
    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, row, ENG_COL_VERSION)->i));
    json_object_object_add(o, "created_at",
                           json_object_new_string(col_s(res, row, ENG_COL_CREATED_AT)));
    json_object_object_add(o, "updated_at",
                           json_object_new_string(col_s(res, row, ENG_COL_UPDATED_AT)));
    return o;
}

static int not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no engineer at '%s'", r->path);
}

/* 1 when the engineer works for org. */
static int works_for(const struct engineer_facts *f, int64_t org)
{
    for (size_t i = 0; i < f->norgs; i++)
        if (f->orgs[i] == org)
            return 1;
    return 0;
}

/* An org-scoped caller sees the engineers of its organization. */
static int visible(const struct req *r, const struct engineer_facts *f)
{
    return !r->ctx.org_id || works_for(f, r->ctx.org_id);
}

/* The memberships of org_id or org_ids: positive, distinct, at most 20. */
static void read_orgs(struct req *r, struct eng_input *in)
{
    size_t n;

    if (in->has_org && in->has_org_ids) {
        field_errors_add(r->ar, &r->field_errors, "org_ids", "give org_id or org_ids, not both");
        return;
    }
    in->has_orgs = in->has_org || in->has_org_ids;
    if (in->has_org) {
        in->orgs = arena_alloc(r->ar, sizeof(*in->orgs));
        if (in->org_id == INT64_MIN)
            return; /* null: none */
        if (in->org_id <= 0) {
            field_errors_add(r->ar, &r->field_errors, "org_id", "must be a positive id, or null");
            return;
        }
        in->orgs[in->norgs++] = in->org_id;
        return;
    }
    if (!in->has_org_ids)
        return;
    n = json_object_array_length(in->org_ids);
    if (n > ENGINEER_ORGS_MAX) {
        field_errors_add(r->ar, &r->field_errors, "org_ids", "must hold at most %d entries",
                         ENGINEER_ORGS_MAX);
        return;
    }
    in->orgs = arena_alloc(r->ar, sizeof(*in->orgs) * (n + 1));
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(in->org_ids, i);
        int64_t id = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
        const char *field = arena_printf(r->ar, "org_ids[%zu]", i);

        if (id <= 0) {
            field_errors_add(r->ar, &r->field_errors, field, "must be a positive id");
            continue;
        }
        for (size_t k = 0; k < in->norgs; k++)
            if (in->orgs[k] == id) {
                field_errors_add(r->ar, &r->field_errors, field, "is listed twice");
                id = 0;
                break;
            }
        if (id)
            in->orgs[in->norgs++] = id;
    }
}

static void check_tags(struct req *r, const char *field, int has, struct json_object *tags)
{
    const char *why;
    int bad;

    if (has && (why = engineer_check_tags(tags, &bad))) {
        if (bad >= 0)
            field_errors_add(r->ar, &r->field_errors, arena_printf(r->ar, "%s[%d]", field, bad),
                             "%s", why);
        else
            field_errors_add(r->ar, &r->field_errors, field, "%s", why);
    }
}

/*
 * Reads and checks the body: every shape and rule problem is collected, then answered at
 * once. create makes name required. Returns 0 or the problem's status.
 */
static int read_input(struct req *r, struct eng_input *in, int create)
{
    struct json_object *body;
    const char *why;
    int rc;
    struct jfield f[] = {
        {"name", JF_STRING, create ? JF_REQUIRED : 0, &in->name, &in->has_name, ENGINEER_NAME_MAX},
        {"email", JF_STRING, JF_NULLABLE, &in->email, &in->has_email, ENGINEER_EMAIL_MAX},
        {"user_id", JF_INT, JF_NULLABLE, &in->user_id, &in->has_user, 0},
        {"org_id", JF_INT, JF_NULLABLE, &in->org_id, &in->has_org, 0},
        {"org_ids", JF_ARRAY, 0, &in->org_ids, &in->has_org_ids, 0},
        {"skills", JF_ARRAY, 0, &in->skills, &in->has_skills, 0},
        {"regions", JF_ARRAY, 0, &in->regions, &in->has_regions, 0},
        {"availability", JF_STRING, 0, &in->availability, &in->has_avail, 16},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 16},
    };

    memset(in, 0, sizeof(*in));
    in->user_id = in->org_id = INT64_MIN;
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors) == 0 &&
        !create &&
        !(in->has_name || in->has_email || in->has_user || in->has_org || in->has_org_ids ||
          in->has_skills || in->has_regions || in->has_avail || in->has_status))
        field_errors_add(r->ar, &r->field_errors, "", "must name at least one field to change");
    if (in->has_name && in->name && (why = engineer_check_name(in->name)))
        field_errors_add(r->ar, &r->field_errors, "name", "%s", why);
    if (in->has_email && in->email && (why = identity_check_email(in->email)))
        field_errors_add(r->ar, &r->field_errors, "email", "%s", why);
    if (in->has_user && in->user_id == INT64_MIN)
        in->user_id = 0;
    else if (in->has_user && in->user_id <= 0)
        field_errors_add(r->ar, &r->field_errors, "user_id", "must be a positive id, or null");
    read_orgs(r, in);
    check_tags(r, "skills", in->has_skills, in->skills);
    check_tags(r, "regions", in->has_regions, in->regions);
    if (in->has_avail && (why = engineer_check_availability(in->availability)))
        field_errors_add(r->ar, &r->field_errors, "availability", "%s", why);
    if (in->has_status && (why = engineer_check_status(in->status)))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", why);
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    return 0;
}

/*
 * What an org-scoped caller may write: memberships of its own organization only, so that
 * it still sees the result. Returns 0 or the 403's status.
 */
static int check_own_orgs(struct req *r, const struct eng_input *in)
{
    if (!r->ctx.org_id || !in->has_orgs)
        return 0;
    if (in->norgs != 1 || in->orgs[0] != r->ctx.org_id)
        return problem(r, PROB_FORBIDDEN,
                       "an organization's user adds engineers to its own organization only");
    return 0;
}

/* The organizations and the user named exist in the tenant (400 naming the field). */
static int check_refs(struct req *r, const struct eng_input *in)
{
    struct db_res res;
    int rc;

    for (size_t i = 0; in->has_orgs && i < in->norgs; i++) {
        rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &res, (long long)in->orgs[i]);
        if (rc)
            return problem_db(r, rc, "engineer org");
        if (res.nrows != 1)
            field_errors_add(r->ar, &r->field_errors,
                             in->has_org ? "org_id" : arena_printf(r->ar, "org_ids[%zu]", i),
                             "is not an organization of this tenant");
    }
    if (in->has_user && in->user_id > 0) {
        rc = db_exec(r->db, r->ar, &Q_USER_GET, r->ctx.tenant_id, &res, (long long)in->user_id);
        if (rc)
            return problem_db(r, rc, "engineer user");
        if (res.nrows != 1)
            field_errors_add(r->ar, &r->field_errors, "user_id", "is not a user of this tenant");
    }
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    return 0;
}

static int has_org(const int64_t *orgs, size_t n, int64_t org)
{
    for (size_t i = 0; i < n; i++)
        if (orgs[i] == org)
            return 1;
    return 0;
}

/*
 * Makes the memberships in->orgs, from cur (ncur of them, read under the engineer's lock;
 * none for a new one), inside the open transaction. Each row changed by its whole key: a
 * DELETE over the engineer's range would take next-key locks, and two writes of engineers
 * next to each other would then deadlock inserting into each other's gaps.
 */
static int set_orgs(struct req *r, int64_t id, const struct eng_input *in, const int64_t *cur,
                    size_t ncur)
{
    int rc = 0;

    for (size_t i = 0; !rc && i < ncur; i++)
        if (!has_org(in->orgs, in->norgs, cur[i]))
            rc = db_exec(r->db, r->ar, &Q_ENG_ORG_DEL, r->ctx.tenant_id, NULL, (long long)id,
                         (long long)cur[i]);
    for (size_t i = 0; !rc && i < in->norgs; i++)
        if (!has_org(cur, ncur, in->orgs[i]))
            rc = db_exec(r->db, r->ar, &Q_ENG_ORG_ADD, r->ctx.tenant_id, NULL, (long long)id,
                         (long long)in->orgs[i]);
    return rc;
}

/* The engineer at id as the API shows it, read inside the transaction; NULL with *rc. */
static struct json_object *read_one(struct req *r, int64_t id, int64_t *version, int *rc)
{
    struct engineer_facts f;
    struct db_res row;

    *rc = db_exec(r->db, r->ar, &Q_ENG_GET, r->ctx.tenant_id, &row, (long long)id);
    if (!*rc && row.nrows != 1)
        *rc = DB_ERR;
    if (!*rc && engineer_facts_from_row(r->ar, &row, 0, &f) != 0)
        *rc = DB_ERR;
    if (*rc)
        return NULL;
    *version = db_at(&row, 0, ENG_COL_VERSION)->i;
    return json_arena_own(r->ar, eng_json(r->ar, &row, 0, &f));
}

int engineer_http_list(struct req *r)
{
    const char *skill, *region, *avail, *status;
    struct json_object *data;
    struct engineer_facts f;
    struct db_res res;
    int64_t after, org, *ids;
    int limit, rc;
    long long me = r->ctx.org_id;

    rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_id(r, "org_id", &org);
    if (!rc)
        rc = params_query_str(r, "skill", ENGINEER_TAG_MAX, &skill);
    if (!rc)
        rc = params_query_str(r, "region", ENGINEER_TAG_MAX, &region);
    if (!rc)
        rc = params_query_str(r, "availability", 16, &avail);
    if (!rc)
        rc = params_query_str(r, "status", 16, &status);
    if (rc)
        return rc;
    if (avail && engineer_check_availability(avail))
        field_errors_add(r->ar, &r->field_errors, "availability", "%s",
                         engineer_check_availability(avail));
    if (status && engineer_check_status(status))
        field_errors_add(r->ar, &r->field_errors, "status", "%s", engineer_check_status(status));
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_ENG_LIST, r->ctx.tenant_id, &res, (long long)after,
                 (long long)org, (long long)org, me, me, skill, skill, region, region, avail, avail,
                 status, status, limit + 1);
    if (rc)
        return problem_db(r, rc, "engineer list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        if (engineer_facts_from_row(r->ar, &res, i, &f) != 0) {
            json_object_put(data);
            return problem_db(r, DB_ERR, "engineer list");
        }
        ids[i] = f.id;
        json_object_array_add(data, eng_json(r->ar, &res, i, &f));
    }
    return list_finish(r, data, ids, limit);
}

int engineer_http_create(struct req *r)
{
    struct eng_input in;
    struct json_object *out;
    struct db_res ins;
    int64_t id, version;
    int rc;

    rc = read_input(r, &in, 1);
    if (!rc)
        rc = check_own_orgs(r, &in);
    if (rc)
        return rc;
    if (r->ctx.org_id && !in.has_orgs) {
        /* an organization's user adds to its own organization */
        in.orgs = arena_alloc(r->ar, sizeof(*in.orgs));
        in.orgs[0] = r->ctx.org_id;
        in.norgs = 1;
        in.has_orgs = 1;
    }
    rc = check_refs(r, &in);
    if (rc)
        return rc;
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_ENG_INSERT, r->ctx.tenant_id, &ins, in.name,
                     in.has_email ? in.email : NULL, (long long)(in.has_user ? in.user_id : 0),
                     in.has_skills ? json_text(r->ar, in.skills) : "[]",
                     in.has_regions ? json_text(r->ar, in.regions) : "[]",
                     in.has_avail ? in.availability : "available",
                     in.has_status ? in.status : "active");
    if (rc)
        goto dberr;
    id = (int64_t)ins.insert_id;
    rc = set_orgs(r, id, &in, NULL, 0);
    if (rc)
        goto dberr;
    out = read_one(r, id, &version, &rc);
    if (!out)
        goto dberr;
    rc = write_commit(r, r->ctx.tenant_id, "engineer.create", "engineer.created", "engineer", id,
                      NULL, json_text(r->ar, out));
    if (rc)
        goto dberr;
    resp_header(r, "Location", "/v1/engineers/%lld", (long long)id);
    resp_etag(r, version);
    return resp_json(r, 201, out);
dberr:
    return problem_rollback(r, rc, "engineer create");
}

int engineer_http_get(struct req *r)
{
    struct engineer_facts f;
    struct db_res row;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r);
    rc = db_exec(r->db, r->ar, &Q_ENG_GET, r->ctx.tenant_id, &row, (long long)id);
    if (rc)
        return problem_db(r, rc, "engineer get");
    if (row.nrows != 1)
        return not_found(r);
    if (engineer_facts_from_row(r->ar, &row, 0, &f) != 0)
        return problem_db(r, DB_ERR, "engineer get");
    if (!visible(r, &f))
        return not_found(r);
    resp_etag(r, db_at(&row, 0, ENG_COL_VERSION)->i);
    return resp_json(r, 200, json_arena_own(r->ar, eng_json(r->ar, &row, 0, &f)));
}

int engineer_http_patch(struct req *r)
{
    struct eng_input in;
    struct engineer_facts f;
    struct db_res cur;
    struct json_object *out;
    const char *before;
    int64_t id, version;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return not_found(r);
    rc = read_input(r, &in, 0);
    if (rc)
        return rc;
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_ENG_GET_FOR_UPDATE, r->ctx.tenant_id, &cur, (long long)id);
    if (!rc && cur.nrows == 1 && engineer_facts_from_row(r->ar, &cur, 0, &f) != 0)
        rc = DB_ERR;
    if (rc)
        goto dberr;
    if (cur.nrows != 1 || !visible(r, &f)) {
        db_rollback(r->db);
        return not_found(r);
    }
    rc = check_if_match(r, db_at(&cur, 0, ENG_COL_VERSION)->i);
    if (!rc && r->ctx.org_id && f.norgs != 1)
        rc = problem(r, PROB_FORBIDDEN,
                     "the engineer works for another organization too; a tenant-wide user "
                     "changes it");
    if (!rc)
        rc = check_own_orgs(r, &in);
    if (!rc)
        rc = check_refs(r, &in);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    before = json_text(r->ar, json_arena_own(r->ar, eng_json(r->ar, &cur, 0, &f)));
    rc = db_exec(r->db, r->ar, &Q_ENG_UPDATE, r->ctx.tenant_id, NULL,
                 in.has_name ? in.name : col_s(&cur, 0, ENG_COL_NAME),
                 in.has_email ? in.email : col_s(&cur, 0, ENG_COL_EMAIL),
                 (long long)(in.has_user ? in.user_id
                                         : (db_at(&cur, 0, ENG_COL_USER)->null
                                                ? 0
                                                : db_at(&cur, 0, ENG_COL_USER)->i)),
                 in.has_skills ? json_text(r->ar, in.skills) : col_s(&cur, 0, ENG_COL_SKILLS),
                 in.has_regions ? json_text(r->ar, in.regions) : col_s(&cur, 0, ENG_COL_REGIONS),
                 in.has_avail ? in.availability : f.availability,
                 in.has_status ? in.status : f.status, (long long)id);
    if (!rc && in.has_orgs)
        rc = set_orgs(r, id, &in, f.orgs, f.norgs);
    if (rc)
        goto dberr;
    out = read_one(r, id, &version, &rc);
    if (!out)
        goto dberr;
    rc = write_commit(r, r->ctx.tenant_id, "engineer.update", "engineer.updated", "engineer", id,
                      before, json_text(r->ar, out));
    if (rc)
        goto dberr;
    resp_etag(r, version);
    return resp_json(r, 200, out);
dberr:
    return problem_rollback(r, rc, "engineer update");
}

/* Why an eligible engineer stands where it does, in words. */
static struct json_object *reasons_json(struct arena *ar, const struct engineer_facts *f,
                                        const struct engineer_scope *s, int64_t via)
{
    struct json_object *a = json_object_new_array();
    const char *what;

    if (!s->responsible_org_id)
        what = "the ticket has no responsible organization: any engineer of the tenant";
    else if (via == s->responsible_org_id)
        what = arena_printf(ar, "works for organization %lld, the responsible one", (long long)via);
    else
        what = arena_printf(ar, "works for organization %lld, below the responsible one",
                            (long long)via);
    json_object_array_add(a, json_object_new_string(what));
    json_object_array_add(a, json_object_new_string(f->availability));
    for (size_t i = 0; i < s->nskills; i++)
        json_object_array_add(
            a, json_object_new_string(arena_printf(ar, "has skill '%s'", s->skills[i])));
    if (s->region)
        json_object_array_add(
            a, json_object_new_string(arena_printf(ar, "covers region '%s'", s->region)));
    json_object_array_add(a, json_object_new_string(arena_printf(ar, "%lld open tickets",
                                                                 (long long)f->open_tickets)));
    return a;
}

/* The caller may read the ticket as GET /v1/tickets/{id} decides. */
static int ticket_visible(const struct req *r, const struct engineer_scope *s, int64_t owner)
{
    return !r->ctx.org_id || owner == r->ctx.org_id || s->responsible_org_id == r->ctx.org_id;
}

int engineer_http_eligible(struct req *r)
{
    const char *skills_q, *region, **skills;
    struct json_object *out, *data, *sk;
    struct engineer_scope s;
    struct engineer_facts *f;
    struct db_res res;
    int64_t ticket, owner;
    size_t nskills, n = 0;
    int limit, rc;
    const char *why;

    rc = params_query_id(r, "ticket_id", &ticket);
    if (!rc)
        rc = params_query_str(r, "skills", (size_t)(ENGINEER_TAG_MAX + 1) * ENGINEER_TAGS_MAX,
                              &skills_q);
    if (!rc)
        rc = params_query_str(r, "region", ENGINEER_TAG_MAX, &region);
    if (!rc)
        rc = list_params(r, &limit, &(int64_t){0});
    if (rc)
        return rc;
    if (!ticket)
        field_errors_add(r->ar, &r->field_errors, "ticket_id", "is required");
    skills = engineer_split_csv(r->ar, skills_q, &nskills);
    if (nskills > ENGINEER_TAGS_MAX)
        field_errors_add(r->ar, &r->field_errors, "skills", "must name at most %d skills",
                         ENGINEER_TAGS_MAX);
    for (size_t i = 0; i < nskills && nskills <= ENGINEER_TAGS_MAX; i++) {
        if ((why = engineer_check_tag(skills[i])))
            field_errors_add(r->ar, &r->field_errors, "skills", "'%s' %s", skills[i], why);
        /* as assignment refuses them: the list and the assignment agree on the same skills */
        for (size_t k = 0; k < i && !why; k++)
            if (strcmp(skills[k], skills[i]) == 0) {
                field_errors_add(r->ar, &r->field_errors, "skills", "'%s' is listed twice",
                                 skills[i]);
                break;
            }
    }
    if (region && (why = engineer_check_tag(region)))
        field_errors_add(r->ar, &r->field_errors, "region", "%s", why);
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    if (!rbac_allows(r->ctx.role, RES_TICKETS, ACT_READ))
        return problem(r, PROB_FORBIDDEN, "reading tickets is not allowed to your role");
    rc = engineer_scope_load(r->db, r->ar, r->ctx.tenant_id, ticket, region, &s, &owner);
    if (rc == DB_ENOTFOUND || (!rc && !ticket_visible(r, &s, owner)))
        return problem(r, PROB_NOT_FOUND, "no ticket %lld", (long long)ticket);
    if (rc)
        return problem_db(r, rc, "engineer eligible");
    s.skills = skills;
    s.nskills = nskills;
    sk = json_arena_own(r->ar, json_object_new_array());
    for (size_t i = 0; i < nskills; i++)
        json_object_array_add(sk, json_object_new_string(skills[i]));
    rc = db_exec(r->db, r->ar, &Q_ENG_CANDIDATES, r->ctx.tenant_id, &res,
                 (long long)s.responsible_org_id, (long long)r->ctx.tenant_id,
                 (long long)s.responsible_org_id, nskills ? json_text(r->ar, sk) : NULL,
                 nskills ? json_text(r->ar, sk) : NULL, s.region, s.region, limit);
    if (rc)
        return problem_db(r, rc, "engineer eligible");
    /* the statement filtered and ranked; the rules say the last word, the same as assign's */
    f = arena_alloc(r->ar, sizeof(*f) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        int64_t via;

        if (engineer_facts_from_row(r->ar, &res, i, &f[n]) != 0)
            return problem_db(r, DB_ERR, "engineer eligible");
        if (!engineer_why_not(r->ar, &f[n], &s, &via))
            n++;
    }
    qsort(f, n, sizeof(*f), engineer_rank_cmp);
    data = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = eng_json(r->ar, &res, f[i].row, &f[i]);
        int64_t via;

        engineer_why_not(r->ar, &f[i], &s, &via);
        json_object_object_add(o, "rank", json_object_new_int64((int64_t)i + 1));
        json_object_object_add(o, "open_tickets", json_object_new_int64(f[i].open_tickets));
        json_object_object_add(o, "via_org_id", via ? json_object_new_int64(via) : NULL);
        json_object_object_add(o, "reasons", reasons_json(r->ar, &f[i], &s, via));
        json_object_array_add(data, o);
    }
    out = json_arena_own(r->ar, json_object_new_object());
    json_object_object_add(out, "data", data);
    json_object_object_add(out, "ticket_id", json_object_new_int64(ticket));
    json_object_object_add(out, "responsible_org_id",
                           s.responsible_org_id ? json_object_new_int64(s.responsible_org_id)
                                                : NULL);
    json_object_object_add(out, "skills", json_object_get(sk));
    json_object_object_add(out, "region", s.region ? json_object_new_string(s.region) : NULL);
    return resp_json(r, 200, out);
}
