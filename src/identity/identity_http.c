/* Identity handlers: parse, check, write in one transaction with its audit row, answer JSON. */
#include "identity/identity_http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "core/config.h"
#include "core/flags.h"
#include "core/secret.h"
#include "db/db.h"
#include "http/auth.h"
#include "http/list.h"
#include "http/problem.h"
#include "http/rbac.h"
#include "http/request.h"
#include "http/write.h"
#include "identity/identity.h"
#include "identity/principal.h"

#define JSTR(s) json_object_new_string(s)
#define JINT(i) json_object_new_int64(i)
/* a tenant-wide role; "" (or SQL NULL): a member of organizations without one, null */
#define JROLE(s) ((s) && *(s) ? JSTR(s) : NULL)

/* Reads the body as an object with the given fields; 0 or the problem's status. */
static int read_body(struct req *r, const struct jfield *f, size_t n, int optional)
{
    struct json_object *body;
    int rc;

    if (optional && r->body_len == 0)
        return 0;
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, n, &r->field_errors))
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    return 0;
}

static int bad_credentials(struct req *r)
{
    return problem(r, PROB_UNAUTHORIZED_CREDENTIALS, "the tenant, email or password is wrong");
}

struct session {
    int64_t tenant_id, user_id, org_id, branch_id;
    const char *email, *role, *org_type, *org_name, *family;
};

/* Issues the access token and a new refresh token of s->family; inside the transaction. */
static int issue_session(struct req *r, struct session *s, struct json_object **out)
{
    char secret[SECRET_TOKEN_LEN + 1], hash[SECRET_SHA256_HEX + 1];
    struct auth_claims c = {
        .tenant_id = s->tenant_id,
        .user_id = s->user_id,
        .org_id = s->org_id,
        .branch_id = s->branch_id,
        .role = s->role,
        .org_type = s->org_type,
    };
    const char *access = auth_issue(r->ar, r->cfg, &c);
    struct json_object *o, *u;
    int rc;

    if (!access)
        return DB_ERR;
    if (!s->family) {
        char fam[SECRET_TOKEN_LEN + 1];
        secret_token(fam);
        fam[32] = '\0';
        s->family = arena_strdup(r->ar, fam);
    }
    secret_token(secret);
    secret_sha256_hex(secret, strlen(secret), hash);
    rc = db_exec(r->db, r->ar, &Q_REFRESH_INSERT, s->tenant_id, NULL, (long long)s->user_id,
                 s->family, hash, (long long)s->org_id, (long long)r->cfg->refresh_ttl);
    if (rc)
        return rc;
    o = json_arena_own(r->ar, json_object_new_object());
    json_object_object_add(o, "access_token", JSTR(access));
    json_object_object_add(o, "token_type", JSTR("Bearer"));
    json_object_object_add(o, "expires_in", JINT(r->cfg->access_ttl));
    json_object_object_add(o, "refresh_token",
                           JSTR(arena_printf(r->ar, "%lld.%s", (long long)s->tenant_id, secret)));
    u = json_object_new_object();
    json_object_object_add(u, "id", JINT(s->user_id));
    json_object_object_add(u, "email", JSTR(s->email));
    json_object_object_add(u, "role", JROLE(s->role));
    json_object_object_add(o, "user", u);
    if (s->org_id) {
        struct json_object *org = json_object_new_object();
        json_object_object_add(org, "id", JINT(s->org_id));
        json_object_object_add(org, "type", JSTR(s->org_type));
        json_object_object_add(org, "name", JSTR(s->org_name));
        json_object_object_add(o, "org", org);
    } else {
        json_object_object_add(o, "org", NULL);
    }
    *out = o;
    return 0;
}

/* Picks the session's organization: the asked one, or the only membership. */
static int pick_org(struct req *r, struct session *s, int64_t want, int has_want)
{
    struct db_res m = {0};
    int rc = db_exec(r->db, r->ar, &Q_MEMBERSHIPS_OF_USER, s->tenant_id, &m, (long long)s->user_id);

    if (rc)
        return rc;
    for (int i = 0; i < m.nrows; i++) {
        if ((has_want && db_at(&m, i, 0)->i == want) || (!has_want && m.nrows == 1)) {
            s->org_id = db_at(&m, i, 0)->i;
            s->org_type = db_at(&m, i, 1)->s;
            s->role = db_at(&m, i, 2)->s;
            s->org_name = db_at(&m, i, 3)->s;
            s->branch_id = db_at(&m, i, 4)->i;
            return 0;
        }
    }
    return has_want ? DB_ENOTFOUND : 0;
}

int identity_http_login(struct req *r)
{
    const char *tenant = NULL, *email = NULL, *password = NULL;
    int64_t org_id = 0;
    int has_org = 0, rc, locked, ok;
    struct jfield f[] = {
        {"tenant", JF_STRING, JF_REQUIRED, &tenant, NULL, 63},
        {"email", JF_STRING, JF_REQUIRED, &email, NULL, 254},
        {"password", JF_STRING, JF_REQUIRED, &password, NULL, 200},
        {"org_id", JF_INT, JF_NULLABLE, &org_id, &has_org, 0},
    };
    struct db_res t = {0}, u = {0};
    struct session s = {0};
    struct json_object *out;

    rc = read_body(r, f, sizeof(f) / sizeof(f[0]), 0);
    if (rc)
        return rc;
    has_org = has_org && org_id > 0;
    rc = db_exec(r->db, r->ar, &Q_TENANT_BY_SLUG, 0, &t, tenant);
    if (rc)
        return problem_db(r, rc, "login");
    if (t.nrows == 1 && strcmp(db_at(&t, 0, 1)->s, "active") == 0) {
        s.tenant_id = db_at(&t, 0, 0)->i;
        rc = db_exec(r->db, r->ar, &Q_USER_BY_EMAIL, s.tenant_id, &u, email);
        if (rc)
            return problem_db(r, rc, "login");
    } else {
        u.nrows = 0;
    }
    if (u.nrows == 0) {
        secret_check_password(NULL, password); /* the same work as a wrong password */
        return bad_credentials(r);
    }
    s.user_id = db_at(&u, 0, 0)->i;
    s.email = email;
    s.role = db_at(&u, 0, 2)->s;
    locked = db_at(&u, 0, 4)->i != 0;
    ok = secret_check_password(db_at(&u, 0, 1)->s, password);
    if (locked)
        return problem(r, PROB_ACCOUNT_LOCKED, "too many failed logins; try again later");
    r->ctx.tenant_id = s.tenant_id;
    r->ctx.user_id = s.user_id;
    if (!ok) {
        rc = db_begin(r->db);
        if (!rc)
            rc = db_exec(r->db, r->ar, &Q_USER_LOGIN_FAILED, s.tenant_id, NULL,
                         (int)db_at(&t, 0, 2)->i, (int)db_at(&t, 0, 3)->i, (int)db_at(&t, 0, 2)->i,
                         (long long)s.user_id);
        if (!rc)
            rc = write_commit(r, s.tenant_id, "auth.login_failed", NULL, "user", s.user_id, NULL,
                              NULL);
        if (rc)
            return problem_rollback(r, rc, "login");
        return bad_credentials(r);
    }
    if (strcmp(db_at(&u, 0, 3)->s, "active") != 0)
        return bad_credentials(r);
    rc = db_begin(r->db);
    if (!rc)
        rc = pick_org(r, &s, org_id, has_org);
    if (rc == DB_ENOTFOUND) {
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "org_id", "is not an organization of this user");
        return problem(r, PROB_VALIDATION, "org_id is not one of the user's organizations");
    }
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_USER_LOGIN_OK, s.tenant_id, NULL, (long long)s.user_id);
    r->ctx.org_id = s.org_id;
    if (!rc)
        rc = issue_session(r, &s, &out);
    if (!rc)
        rc = write_commit(r, s.tenant_id, "auth.login", NULL, "user", s.user_id, NULL, NULL);
    if (rc)
        return problem_rollback(r, rc, "login");
    return resp_json(r, 200, out);
}

int identity_http_refresh(struct req *r)
{
    const char *token = NULL, *secret;
    struct jfield f[] = {{"refresh_token", JF_STRING, JF_REQUIRED, &token, NULL, 100}};
    char hash[SECRET_SHA256_HEX + 1];
    struct db_res t = {0}, p = {0};
    struct session s = {0};
    struct json_object *out;
    int rc;

    rc = read_body(r, f, 1, 0);
    if (rc)
        return rc;
    if (identity_split_token(token, &s.tenant_id, &secret) != 0)
        return problem(r, PROB_UNAUTHORIZED, "the refresh token is not valid");
    secret_sha256_hex(secret, strlen(secret), hash);
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_REFRESH_BY_HASH, s.tenant_id, &t, hash);
    if (rc)
        goto dberr;
    if (t.nrows != 1 || db_at(&t, 0, 5)->i) {
        db_rollback(r->db);
        return problem(r, PROB_UNAUTHORIZED, "the refresh token is not valid");
    }
    s.user_id = db_at(&t, 0, 1)->i;
    s.family = db_at(&t, 0, 2)->s;
    s.org_id = db_at(&t, 0, 3)->i;
    r->ctx.tenant_id = s.tenant_id;
    r->ctx.user_id = s.user_id;
    if (!db_at(&t, 0, 4)->i) {
        struct db_res used = {0};
        rc = db_exec(r->db, r->ar, &Q_REFRESH_USE, s.tenant_id, &used,
                     (long long)db_at(&t, 0, 0)->i);
        if (rc)
            goto dberr;
        if (used.affected == 1)
            goto rotate;
    }
    /* a used or revoked token came back: whoever holds the family loses it */
    rc = db_exec(r->db, r->ar, &Q_REFRESH_REVOKE_FAMILY, s.tenant_id, NULL, s.family);
    if (!rc)
        rc =
            write_commit(r, s.tenant_id, "auth.refresh_reuse", NULL, "user", s.user_id, NULL, NULL);
    if (rc)
        goto dberr;
    return problem(r, PROB_UNAUTHORIZED,
                   "the refresh token was already used; the session is revoked");
rotate:
    rc = db_exec(r->db, r->ar, &Q_PRINCIPAL, s.tenant_id, &p, (long long)s.org_id,
                 (long long)s.user_id);
    if (rc)
        goto dberr;
    if (p.nrows != 1 || strcmp(db_at(&p, 0, 0)->s, "active") != 0 ||
        strcmp(db_at(&p, 0, 2)->s, "active") != 0 || (s.org_id && db_at(&p, 0, 4)->null)) {
        db_rollback(r->db);
        return problem(r, PROB_UNAUTHORIZED, "the user, tenant or membership is no longer active");
    }
    s.email = db_at(&p, 0, 6)->s;
    s.role = s.org_id ? db_at(&p, 0, 4)->s : db_at(&p, 0, 1)->s;
    s.org_type = db_at(&p, 0, 5)->s;
    s.org_name = db_at(&p, 0, 9)->s;
    rc = issue_session(r, &s, &out);
    if (!rc)
        rc = db_commit(r->db);
    if (rc)
        goto dberr;
    return resp_json(r, 200, out);
dberr:
    return problem_rollback(r, rc, "refresh");
}

int identity_http_logout(struct req *r)
{
    const char *token = NULL, *secret;
    struct jfield f[] = {{"refresh_token", JF_STRING, 0, &token, NULL, 100}};
    char hash[SECRET_SHA256_HEX + 1];
    struct db_res t = {0};
    int64_t tid;
    int rc;

    rc = read_body(r, f, 1, 1);
    if (rc)
        return rc;
    rc = db_begin(r->db);
    if (!rc && token && identity_split_token(token, &tid, &secret) == 0 &&
        tid == r->ctx.tenant_id) {
        secret_sha256_hex(secret, strlen(secret), hash);
        rc = db_exec(r->db, r->ar, &Q_REFRESH_BY_HASH, tid, &t, hash);
        /* only the caller's own sessions */
        if (!rc && t.nrows == 1 && db_at(&t, 0, 1)->i == r->ctx.user_id)
            rc = db_exec(r->db, r->ar, &Q_REFRESH_REVOKE_FAMILY, tid, NULL, db_at(&t, 0, 2)->s);
    }
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, "auth.logout", NULL, "user", r->ctx.user_id, NULL,
                          NULL);
    if (rc)
        return problem_rollback(r, rc, "logout");
    r->status = 204;
    return 204;
}

static double monotonic_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The caller's memberships: from the principal cache, else read and left there. */
static int me_memberships(struct req *r, struct json_object **out)
{
    const struct ctx *x = &r->ctx;
    uint64_t epoch = principal_epoch(x->tenant_id);
    double ttl = (double)r->cfg->principal_ttl;
    const char *text =
        principal_memberships(x->tenant_id, x->user_id, x->org_id, epoch, monotonic_now(), ttl);
    struct json_object *list = NULL;
    struct db_res m = {0};
    int rc;

    if (text && json_parse(r->ar, text, strlen(text), &list, NULL, 0) == JSON_OK && list) {
        *out = json_object_get(list);
        return 0;
    }
    rc = db_exec(r->db, r->ar, &Q_MEMBERSHIPS_OF_USER, x->tenant_id, &m, (long long)x->user_id);
    if (rc)
        return rc;
    list = json_object_new_array();
    for (int i = 0; i < m.nrows; i++) {
        struct json_object *e = json_object_new_object();
        json_object_object_add(e, "org_id", JINT(db_at(&m, i, 0)->i));
        json_object_object_add(e, "org_type", JSTR(db_at(&m, i, 1)->s));
        json_object_object_add(e, "role", JSTR(db_at(&m, i, 2)->s));
        json_object_array_add(list, e);
    }
    if (ttl > 0)
        principal_set_memberships(x->tenant_id, x->user_id, x->org_id, epoch,
                                  json_object_to_json_string_ext(list, JSON_C_TO_STRING_PLAIN));
    *out = list;
    return 0;
}

int identity_http_me(struct req *r)
{
    struct json_object *o, *u, *t, *list;
    int rc = me_memberships(r, &list);

    if (rc)
        return problem_db(r, rc, "me");
    o = json_arena_own(r->ar, json_object_new_object());
    u = json_object_new_object();
    json_object_object_add(u, "id", JINT(r->ctx.user_id));
    json_object_object_add(u, "email", JSTR(r->ctx.email));
    json_object_object_add(u, "role", JROLE(r->ctx.role));
    json_object_object_add(o, "user", u);
    if (r->ctx.org_id) {
        struct json_object *org = json_object_new_object();
        json_object_object_add(org, "id", JINT(r->ctx.org_id));
        json_object_object_add(org, "type", JSTR(r->ctx.org_type));
        json_object_object_add(org, "name", JSTR(r->ctx.org_name));
        json_object_object_add(o, "org", org);
    } else {
        json_object_object_add(o, "org", NULL);
    }
    t = json_object_new_object();
    json_object_object_add(t, "id", JINT(r->ctx.tenant_id));
    json_object_object_add(t, "slug", JSTR(r->ctx.tenant_slug));
    json_object_object_add(t, "name", JSTR(r->ctx.tenant_name));
    json_object_object_add(o, "tenant", t);
    json_object_object_add(o, "memberships", list);
    return resp_json(r, 200, o);
}

int identity_http_tenant_create(struct req *r)
{
    const char *slug = NULL, *name = NULL, *country = NULL, *email = NULL, *password = NULL, *why;
    struct json_object *admin = NULL, *out;
    struct jfield f[] = {
        {"slug", JF_STRING, JF_REQUIRED, &slug, NULL, 63},
        {"name", JF_STRING, JF_REQUIRED, &name, NULL, 200},
        {"country_code", JF_STRING, JF_REQUIRED, &country, NULL, 2},
        {"admin", JF_OBJECT, JF_REQUIRED, &admin, NULL, 0},
    };
    struct jfield af[] = {
        {"email", JF_STRING, JF_REQUIRED, &email, NULL, 254},
        {"password", JF_STRING, JF_REQUIRED, &password, NULL, 200},
    };
    char hash[SECRET_HASH_MAX];
    struct db_res ins = {0}, uins = {0};
    int64_t tid, uid;
    const char *after;
    int rc;

    struct json_object *body;
    size_t before;

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    /* every field's problems at once: shape first, then the rules */
    json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors);
    before = r->field_errors.n;
    if (admin && json_read_fields(r->ar, admin, af, 2, &r->field_errors))
        for (size_t i = before; i < r->field_errors.n; i++)
            r->field_errors.v[i].field =
                arena_printf(r->ar, "admin.%s", r->field_errors.v[i].field);
    if (slug && (why = identity_check_slug(slug)))
        field_errors_add(r->ar, &r->field_errors, "slug", "%s", why);
    if (name && !name[0])
        field_errors_add(r->ar, &r->field_errors, "name", "must not be empty");
    if (country && (why = identity_check_country(country)))
        field_errors_add(r->ar, &r->field_errors, "country_code", "%s", why);
    if (email && (why = identity_check_email(email)))
        field_errors_add(r->ar, &r->field_errors, "admin.email", "%s", why);
    if (password && (why = identity_check_password(password)))
        field_errors_add(r->ar, &r->field_errors, "admin.password", "%s", why);
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    if (secret_hash_password(password, hash) != 0)
        return problem(r, PROB_INTERNAL, "password hashing failed");

    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_TENANT_INSERT, 0, &ins, slug, name, country);
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        return problem(r, PROB_CONFLICT, "the slug '%s' is taken", slug);
    }
    if (rc)
        goto dberr;
    tid = (int64_t)ins.insert_id;
    rc = db_exec(r->db, r->ar, &Q_USER_INSERT, tid, &uins, email, hash, "tenant_admin", "active");
    if (rc)
        goto dberr;
    uid = (int64_t)uins.insert_id;
    out = json_arena_own(r->ar, json_object_new_object());
    json_object_object_add(out, "id", JINT(tid));
    json_object_object_add(out, "slug", JSTR(slug));
    json_object_object_add(out, "name", JSTR(name));
    json_object_object_add(out, "country_code", JSTR(country));
    json_object_object_add(out, "status", JSTR("active"));
    after = json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN);
    after = arena_strdup(r->ar, after);
    /* the new tenant's chain starts with its admin; the platform's records the tenant */
    rc = write_audit(
        r, tid, "user.create", "user", uid, NULL,
        arena_printf(r->ar, "{\"role\":\"tenant_admin\",\"user_id\":%lld}", (long long)uid));
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, "tenant.create", "tenant.created", "tenant", tid,
                          NULL, after);
    if (rc)
        goto dberr;
    resp_header(r, "Location", "/v1/tenants/%lld", (long long)tid);
    return resp_json(r, 201, out);
dberr:
    return problem_rollback(r, rc, "tenant create");
}

/*
 * The principal of claims c: from this worker's cache while the tenant has not changed,
 * else from the database. Returns 0, 1 when the user, tenant or membership is not active,
 * or a (negative) DB_E* code.
 */
static int load_principal(struct req *r, const struct auth_claims *c, struct principal *out)
{
    uint64_t epoch = principal_epoch(c->tenant_id);
    double now = monotonic_now();
    struct db_res p = {0};
    int rc;

    if (principal_get(c->tenant_id, c->user_id, c->org_id, epoch, now,
                      (double)r->cfg->principal_ttl, out)) {
        out->role = arena_strdup(r->ar, out->role);
        out->org_type = out->org_type ? arena_strdup(r->ar, out->org_type) : NULL;
        out->email = arena_strdup(r->ar, out->email);
        out->tenant_slug = arena_strdup(r->ar, out->tenant_slug);
        out->tenant_name = arena_strdup(r->ar, out->tenant_name);
        out->org_name = out->org_name ? arena_strdup(r->ar, out->org_name) : NULL;
        return 0;
    }
    rc = db_exec(r->db, r->ar, &Q_PRINCIPAL, c->tenant_id, &p, (long long)c->org_id,
                 (long long)c->user_id);
    if (rc)
        return rc;
    if (p.nrows != 1 || strcmp(db_at(&p, 0, 0)->s, "active") != 0 ||
        strcmp(db_at(&p, 0, 2)->s, "active") != 0 || (c->org_id && db_at(&p, 0, 4)->null))
        return 1;
    /* roles come from the database, so a demotion takes effect before the token expires */
    out->role = c->org_id ? db_at(&p, 0, 4)->s : db_at(&p, 0, 1)->s;
    out->org_type = c->org_id ? db_at(&p, 0, 5)->s : NULL;
    out->flags = flags_parse(db_at(&p, 0, 3)->s);
    out->email = db_at(&p, 0, 6)->s;
    out->tenant_slug = db_at(&p, 0, 7)->s;
    out->tenant_name = db_at(&p, 0, 8)->s;
    out->org_name = c->org_id ? db_at(&p, 0, 9)->s : NULL;
    if (r->cfg->principal_ttl > 0)
        principal_put(c->tenant_id, c->user_id, c->org_id, epoch, now, out);
    return 0;
}

int identity_http_authenticate(struct req *r)
{
    const char *h = req_header(r, "Authorization"), *why;
    struct auth_claims c;
    struct principal p;
    int rc;

    if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !h[7]) {
        resp_header(r, "WWW-Authenticate", "Bearer");
        return problem(r, PROB_UNAUTHORIZED, "a bearer token is required");
    }
    if (auth_verify(r->ar, r->cfg, h + 7, &c, &why) != 0) {
        resp_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        return problem(r, PROB_UNAUTHORIZED, "the token is not valid: %s", why);
    }
    rc = load_principal(r, &c, &p);
    if (rc < 0)
        return problem_db(r, rc, "authenticate");
    if (rc > 0) {
        resp_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        return problem(r, PROB_UNAUTHORIZED, "the user, tenant or membership is not active");
    }
    r->ctx.tenant_id = c.tenant_id;
    r->ctx.user_id = c.user_id;
    r->ctx.org_id = c.org_id;
    r->ctx.branch_id = c.branch_id;
    r->ctx.role = p.role;
    r->ctx.org_type = p.org_type;
    r->ctx.flags = p.flags;
    r->ctx.email = p.email;
    r->ctx.tenant_slug = p.tenant_slug;
    r->ctx.tenant_name = p.tenant_name;
    r->ctx.org_name = p.org_name;
    return 0;
}

/* ---- users and memberships ---- */

static int parse_id(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (!s || !*s || *s == '-' || *s == '+' || strlen(s) > 18)
        return -1;
    v = strtoll(s, &end, 10);
    if (*end || v <= 0)
        return -1;
    *out = v;
    return 0;
}

/* The user {id} as the caller may see it: another org's user is 404 to an org-scoped caller. */
static int load_user(struct req *r, int64_t *id, struct db_res *u, struct db_res *m)
{
    int rc;

    if (parse_id(req_param(r, "id"), id) != 0)
        return problem(r, PROB_NOT_FOUND, "no such user");
    rc = db_exec(r->db, r->ar, &Q_USER_DETAIL, r->ctx.tenant_id, u, (long long)*id);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_MEMBERSHIPS_OF_USER, r->ctx.tenant_id, m, (long long)*id);
    if (rc)
        return problem_db(r, rc, "user");
    if (u->nrows != 1)
        return problem(r, PROB_NOT_FOUND, "no such user");
    if (r->ctx.org_id) {
        for (int i = 0; i < m->nrows; i++)
            if (db_at(m, i, 0)->i == r->ctx.org_id)
                return 0;
        return problem(r, PROB_NOT_FOUND, "no such user");
    }
    return 0;
}

static struct json_object *user_json(const struct db_res *u, int row, const struct db_res *m)
{
    struct json_object *o = json_object_new_object(), *list;

    json_object_object_add(o, "id", JINT(db_at(u, row, 0)->i));
    json_object_object_add(o, "email", JSTR(db_at(u, row, 1)->s));
    json_object_object_add(o, "role", JROLE(db_at(u, row, 2)->s));
    json_object_object_add(o, "status", JSTR(db_at(u, row, 3)->s));
    json_object_object_add(o, "version", JINT(db_at(u, row, 4)->i));
    if (u->ncols > 5) {
        json_object_object_add(o, "locked", json_object_new_boolean(db_at(u, row, 7)->i != 0));
        json_object_object_add(o, "last_login_at",
                               db_at(u, row, 5)->null ? NULL : JSTR(db_at(u, row, 5)->s));
        json_object_object_add(o, "created_at", JSTR(db_at(u, row, 6)->s));
    }
    if (m) {
        list = json_object_new_array();
        for (int i = 0; i < m->nrows; i++) {
            struct json_object *e = json_object_new_object();
            json_object_object_add(e, "org_id", JINT(db_at(m, i, 0)->i));
            json_object_object_add(e, "org_type", JSTR(db_at(m, i, 1)->s));
            json_object_object_add(e, "role", JSTR(db_at(m, i, 2)->s));
            json_object_object_add(e, "branch_id",
                                   db_at(m, i, 4)->i ? JINT(db_at(m, i, 4)->i) : NULL);
            json_object_array_add(list, e);
        }
        json_object_object_add(o, "memberships", list);
    }
    return o;
}

/* Issues a single-use token of kind for user: stored as SHA-256, the clear one returned. */
static int make_user_token(struct req *r, int64_t tid, int64_t uid, const char *kind, long ttl,
                           const char **clear)
{
    char secret[SECRET_TOKEN_LEN + 1], hash[SECRET_SHA256_HEX + 1];

    secret_token(secret);
    secret_sha256_hex(secret, strlen(secret), hash);
    *clear = arena_printf(r->ar, "%lld.%s", (long long)tid, secret);
    return db_exec(r->db, r->ar, &Q_USER_TOKEN_INSERT, tid, NULL, (long long)uid, kind, hash,
                   (long long)ttl);
}

int identity_http_user_create(struct req *r)
{
    const char *email = NULL, *password = NULL, *role = NULL, *why, *token = NULL;
    int64_t org_id = 0, branch_id = 0;
    struct jfield f[] = {
        {"email", JF_STRING, JF_REQUIRED, &email, NULL, 254},
        {"password", JF_STRING, JF_NULLABLE, &password, NULL, 200},
        {"role", JF_STRING, JF_REQUIRED, &role, NULL, 32},
        {"org_id", JF_INT, JF_NULLABLE, &org_id, NULL, 0},
        {"branch_id", JF_INT, JF_NULLABLE, &branch_id, NULL, 0},
    };
    char hash[SECRET_HASH_MAX];
    struct json_object *body, *out, *payload;
    struct db_res ins = {0}, u = {0}, m = {0};
    int64_t uid;
    int rc;

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors);
    if (r->ctx.org_id && !org_id)
        org_id = r->ctx.org_id; /* an org's admin adds users to its own org */
    if (email && (why = identity_check_email(email)))
        field_errors_add(r->ar, &r->field_errors, "email", "%s", why);
    if (password && (why = identity_check_password(password)))
        field_errors_add(r->ar, &r->field_errors, "password", "%s", why);
    if (role && org_id > 0 && !identity_is_member_role(role))
        field_errors_add(r->ar, &r->field_errors, "role", "must be an organization role");
    else if (role && (!rbac_is_role(role) || strcmp(role, "super_admin") == 0))
        field_errors_add(r->ar, &r->field_errors, "role", "must be a role of this tenant");
    if (org_id < 0 || branch_id < 0)
        field_errors_add(r->ar, &r->field_errors, org_id < 0 ? "org_id" : "branch_id",
                         "must be a positive id");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    if (r->ctx.org_id && org_id != r->ctx.org_id)
        return problem(r, PROB_FORBIDDEN, "users may be added to your own organization only");
    if (password && secret_hash_password(password, hash) != 0)
        return problem(r, PROB_INTERNAL, "password hashing failed");

    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_USER_INSERT, r->ctx.tenant_id, &ins, email,
                     password ? hash : NULL, org_id ? NULL : role,
                     password ? "active" : "pending_invitation");
    if (rc == DB_EDUP) {
        db_rollback(r->db);
        return problem(r, PROB_CONFLICT, "a user with this email exists");
    }
    if (rc)
        goto dberr;
    uid = (int64_t)ins.insert_id;
    if (org_id) {
        rc = db_exec(r->db, r->ar, &Q_MEMBERSHIP_INSERT, r->ctx.tenant_id, NULL, (long long)uid,
                     (long long)org_id, role, (long long)branch_id);
        if (rc == DB_EFK) {
            db_rollback(r->db);
            field_errors_add(r->ar, &r->field_errors, "org_id", "is not an organization");
            return problem(r, PROB_VALIDATION, "org_id is not an organization of this tenant");
        }
        if (rc)
            goto dberr;
    }
    if (!password &&
        (rc = make_user_token(r, r->ctx.tenant_id, uid, "invitation", IDENTITY_INVITE_TTL, &token)))
        goto dberr;
    rc = db_exec(r->db, r->ar, &Q_USER_DETAIL, r->ctx.tenant_id, &u, (long long)uid);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_MEMBERSHIPS_OF_USER, r->ctx.tenant_id, &m, (long long)uid);
    if (rc)
        goto dberr;
    out = json_arena_own(r->ar, user_json(&u, 0, &m));
    rc = 0;
    if (token) {
        /* the mailer reads the token from the event: never answered to the inviter */
        payload = json_arena_own(r->ar, json_object_new_object());
        json_object_object_add(payload, "user_id", JINT(uid));
        json_object_object_add(payload, "email", JSTR(email));
        json_object_object_add(payload, "token", JSTR(token));
        json_object_object_add(payload, "expires_in", JINT(IDENTITY_INVITE_TTL));
        rc = write_event(r, r->ctx.tenant_id, "user.invited", "user", uid,
                         json_text(r->ar, payload));
    }
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, "user.create", "user.created", "user", uid, NULL,
                          json_text(r->ar, out));
    if (rc)
        goto dberr;
    resp_header(r, "Location", "/v1/users/%lld", (long long)uid);
    resp_etag(r, 1);
    return resp_json(r, 201, out);
dberr:
    return problem_rollback(r, rc, "user create");
}

int identity_http_user_list(struct req *r)
{
    const char *status = req_query(r, "status"), *q = req_query(r, "q"),
               *org = req_query(r, "org_id");
    int64_t after, org_id = 0, *ids;
    int limit, rc;
    struct db_res u = {0};
    struct json_object *data;

    rc = list_params(r, &limit, &after);
    if (rc)
        return rc;
    if (org && parse_id(org, &org_id) != 0) {
        field_errors_add(r->ar, &r->field_errors, "org_id", "must be a positive id");
        return problem(r, PROB_VALIDATION, "'org_id' is not an id");
    }
    if (status && strcmp(status, "active") != 0 && strcmp(status, "inactive") != 0 &&
        strcmp(status, "pending_invitation") != 0 && strcmp(status, "locked") != 0) {
        field_errors_add(r->ar, &r->field_errors, "status",
                         "must be active, inactive, pending_invitation or locked");
        return problem(r, PROB_VALIDATION, "'status' is not a status");
    }
    if (q && strlen(q) > 254) {
        field_errors_add(r->ar, &r->field_errors, "q", "must be at most 254 bytes");
        return problem(r, PROB_VALIDATION, "'q' is too long");
    }
    if (r->ctx.org_id) {
        if (org_id && org_id != r->ctx.org_id)
            return list_finish(r, json_object_new_array(), NULL, limit);
        org_id = r->ctx.org_id;
    }
    rc = db_exec(r->db, r->ar, &Q_USERS_LIST, r->ctx.tenant_id, &u, (long long)after,
                 status ? status : "", status ? status : "", q ? q : "", q ? q : "",
                 (long long)org_id, (long long)org_id, limit + 1);
    if (rc)
        return problem_db(r, rc, "users");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(u.nrows + 1));
    for (int i = 0; i < u.nrows; i++) {
        ids[i] = db_at(&u, i, 0)->i;
        json_object_array_add(data, user_json(&u, i, NULL));
    }
    return list_finish(r, data, ids, limit);
}

int identity_http_user_get(struct req *r)
{
    struct db_res u = {0}, m = {0};
    int64_t id;
    int rc = load_user(r, &id, &u, &m);

    if (rc)
        return rc;
    resp_etag(r, db_at(&u, 0, 4)->i);
    return resp_json(r, 200, json_arena_own(r->ar, user_json(&u, 0, &m)));
}

/* After a change to user id: reads it back, audits before → after, answers it. */
static int finish_user_change(struct req *r, int64_t id, const char *action,
                              struct json_object *before, int status)
{
    struct db_res u = {0}, m = {0};
    struct json_object *after;
    int rc = db_exec(r->db, r->ar, &Q_USER_DETAIL, r->ctx.tenant_id, &u, (long long)id);

    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_MEMBERSHIPS_OF_USER, r->ctx.tenant_id, &m, (long long)id);
    if (rc)
        goto dberr;
    after = json_arena_own(r->ar, user_json(&u, 0, &m));
    rc = write_commit(r, r->ctx.tenant_id, action, "user.updated", "user", id,
                      json_text(r->ar, before), json_text(r->ar, after));
    if (rc)
        goto dberr;
    resp_etag(r, db_at(&u, 0, 4)->i);
    return resp_json(r, status, after);
dberr:
    return problem_rollback(r, rc, action);
}

int identity_http_user_patch(struct req *r)
{
    const char *role = NULL, *status = NULL;
    struct jfield f[] = {
        {"role", JF_STRING, 0, &role, NULL, 32},
        {"status", JF_STRING, 0, &status, NULL, 32},
    };
    struct json_object *body, *before;
    struct db_res u = {0}, m = {0}, up = {0};
    int64_t id;
    int rc;

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, 2, &r->field_errors))
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    if (!role && !status)
        return problem(r, PROB_VALIDATION, "nothing to change: give role or status");
    if (role && (!rbac_is_role(role) || strcmp(role, "super_admin") == 0))
        field_errors_add(r->ar, &r->field_errors, "role", "must be a role of this tenant");
    if (status && strcmp(status, "active") != 0 && strcmp(status, "inactive") != 0)
        field_errors_add(r->ar, &r->field_errors, "status", "must be active or inactive");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    if (role && r->ctx.org_id)
        return problem(r, PROB_FORBIDDEN, "tenant-wide roles are set by tenant administrators");
    rc = db_begin(r->db);
    if (rc)
        return problem_db(r, rc, "user update");
    rc = load_user(r, &id, &u, &m);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    if (id == r->ctx.user_id && status && strcmp(status, "inactive") == 0) {
        db_rollback(r->db);
        return problem(r, PROB_UNPROCESSABLE, "you cannot deactivate yourself");
    }
    rc = check_if_match(r, db_at(&u, 0, 4)->i);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    if (strcmp(db_at(&u, 0, 3)->s, "pending_invitation") == 0 && status) {
        db_rollback(r->db);
        return problem(r, PROB_UNPROCESSABLE, "an invited user becomes active by accepting");
    }
    before = json_arena_own(r->ar, user_json(&u, 0, &m));
    rc = db_exec(r->db, r->ar, &Q_USER_UPDATE, r->ctx.tenant_id, &up,
                 role ? role : db_at(&u, 0, 2)->s, status ? status : db_at(&u, 0, 3)->s,
                 (long long)id, (long long)db_at(&u, 0, 4)->i);
    if (!rc && up.affected != 1) {
        db_rollback(r->db);
        return problem(r, PROB_PRECONDITION_FAILED, "the user changed meanwhile; read it again");
    }
    if (rc)
        return problem_rollback(r, rc, "user update");
    return finish_user_change(r, id, "user.update", before, 200);
}

int identity_http_user_unlock(struct req *r)
{
    struct db_res u = {0}, m = {0};
    struct json_object *before;
    int64_t id;
    int rc = db_begin(r->db);

    if (rc)
        return problem_db(r, rc, "unlock");
    rc = load_user(r, &id, &u, &m);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    before = json_arena_own(r->ar, user_json(&u, 0, &m));
    rc = db_exec(r->db, r->ar, &Q_USER_UNLOCK, r->ctx.tenant_id, NULL, (long long)id);
    if (rc)
        return problem_rollback(r, rc, "unlock");
    return finish_user_change(r, id, "user.unlock", before, 200);
}

int identity_http_membership_create(struct req *r)
{
    const char *role = NULL;
    int64_t org_id = 0, branch_id = 0, id;
    struct jfield f[] = {
        {"org_id", JF_INT, JF_REQUIRED, &org_id, NULL, 0},
        {"role", JF_STRING, JF_REQUIRED, &role, NULL, 32},
        {"branch_id", JF_INT, JF_NULLABLE, &branch_id, NULL, 0},
    };
    struct json_object *body, *before;
    struct db_res u = {0}, m = {0};
    int rc;

    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors);
    if (role && !identity_is_member_role(role))
        field_errors_add(r->ar, &r->field_errors, "role", "must be an organization role");
    if (org_id < 0 || branch_id < 0)
        field_errors_add(r->ar, &r->field_errors, org_id < 0 ? "org_id" : "branch_id",
                         "must be a positive id");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the body has invalid fields");
    if (r->ctx.org_id && org_id != r->ctx.org_id)
        return problem(r, PROB_FORBIDDEN, "memberships of your own organization only");
    rc = db_begin(r->db);
    if (rc)
        return problem_db(r, rc, "membership");
    /* an org admin may add anyone of the tenant to its org: look the user up tenant-wide */
    int64_t scoped = r->ctx.org_id;
    r->ctx.org_id = 0;
    rc = load_user(r, &id, &u, &m);
    r->ctx.org_id = scoped;
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    before = json_arena_own(r->ar, user_json(&u, 0, &m));
    rc = db_exec(r->db, r->ar, &Q_MEMBERSHIP_INSERT, r->ctx.tenant_id, NULL, (long long)id,
                 (long long)org_id, role, (long long)branch_id);
    if (rc == DB_EDUP || rc == DB_EFK) {
        db_rollback(r->db);
        if (rc == DB_EDUP)
            return problem(r, PROB_CONFLICT, "the user is a member of that organization already");
        field_errors_add(r->ar, &r->field_errors, "org_id", "is not an organization");
        return problem(r, PROB_VALIDATION, "org_id is not an organization of this tenant");
    }
    if (rc)
        return problem_rollback(r, rc, "membership");
    return finish_user_change(r, id, "membership.create", before, 201);
}

int identity_http_membership_delete(struct req *r)
{
    struct db_res u = {0}, m = {0}, del = {0};
    struct json_object *before;
    int64_t id, org_id;
    int rc;

    if (parse_id(req_param(r, "org_id"), &org_id) != 0)
        return problem(r, PROB_NOT_FOUND, "no such membership");
    if (r->ctx.org_id && org_id != r->ctx.org_id)
        return problem(r, PROB_NOT_FOUND, "no such membership");
    rc = db_begin(r->db);
    if (rc)
        return problem_db(r, rc, "membership");
    rc = load_user(r, &id, &u, &m);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    before = json_arena_own(r->ar, user_json(&u, 0, &m));
    rc = db_exec(r->db, r->ar, &Q_MEMBERSHIP_DELETE, r->ctx.tenant_id, &del, (long long)id,
                 (long long)org_id);
    if (!rc && del.affected != 1) {
        db_rollback(r->db);
        return problem(r, PROB_NOT_FOUND, "no such membership");
    }
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, "membership.delete", "user.updated", "user", id,
                          json_text(r->ar, before), NULL);
    if (rc)
        return problem_rollback(r, rc, "membership");
    r->status = 204;
    return 204;
}

/* ---- sessions: switch org, invitations, password resets ---- */

int identity_http_switch_org(struct req *r)
{
    int64_t org_id = 0;
    int has = 0, rc;
    struct jfield f[] = {{"org_id", JF_INT, JF_REQUIRED | JF_NULLABLE, &org_id, &has, 0}};
    struct session s = {0};
    struct json_object *out;

    rc = read_body(r, f, 1, 0);
    if (rc)
        return rc;
    s.tenant_id = r->ctx.tenant_id;
    s.user_id = r->ctx.user_id;
    s.email = r->ctx.email;
    rc = db_begin(r->db);
    if (!rc && org_id > 0)
        rc = pick_org(r, &s, org_id, 1);
    if (rc == DB_ENOTFOUND) {
        db_rollback(r->db);
        return problem(r, PROB_FORBIDDEN, "you are not a member of that organization");
    }
    if (!s.org_id) { /* null: back to the tenant-wide role */
        struct db_res p = {0};
        if (!rc)
            rc = db_exec(r->db, r->ar, &Q_PRINCIPAL, s.tenant_id, &p, 0LL, (long long)s.user_id);
        if (!rc)
            s.role = db_at(&p, 0, 1)->s;
    }
    if (!rc)
        rc = issue_session(r, &s, &out);
    r->ctx.org_id = s.org_id;
    if (!rc)
        rc = write_commit(r, s.tenant_id, "auth.switch_org", NULL, "user", s.user_id, NULL, NULL);
    if (rc)
        return problem_rollback(r, rc, "switch org");
    return resp_json(r, 200, out);
}

/* Spends a single-use token of kind; *uid gets its user. 0, or the status rendered. */
static int spend_token(struct req *r, const char *token, const char *kind, int64_t *tid,
                       int64_t *uid, const char **email)
{
    const char *secret;
    char hash[SECRET_SHA256_HEX + 1];
    struct db_res t = {0}, used = {0};
    int rc;

    if (identity_split_token(token, tid, &secret) != 0)
        return problem(r, PROB_UNPROCESSABLE, "the token is not valid");
    secret_sha256_hex(secret, strlen(secret), hash);
    rc = db_exec(r->db, r->ar, &Q_USER_TOKEN_GET, *tid, &t, hash, kind);
    if (rc)
        return problem_db(r, rc, kind);
    if (t.nrows != 1 || !db_at(&t, 0, 2)->i)
        return problem(r, PROB_UNPROCESSABLE, "the token is not valid, used or expired");
    rc = db_exec(r->db, r->ar, &Q_USER_TOKEN_USE, *tid, &used, (long long)db_at(&t, 0, 0)->i);
    if (rc)
        return problem_db(r, rc, kind);
    if (used.affected != 1)
        return problem(r, PROB_UNPROCESSABLE, "the token is not valid, used or expired");
    *uid = db_at(&t, 0, 1)->i;
    *email = db_at(&t, 0, 3)->s;
    return 0;
}

/* Sets the password of a token's user: invitation (then logs in) or reset. */
static int set_password_by_token(struct req *r, const char *kind)
{
    const char *token = NULL, *password = NULL, *why, *email = NULL;
    struct jfield f[] = {
        {"token", JF_STRING, JF_REQUIRED, &token, NULL, 100},
        {"password", JF_STRING, JF_REQUIRED, &password, NULL, 200},
    };
    char hash[SECRET_HASH_MAX];
    struct json_object *out = NULL;
    struct session s = {0};
    int64_t tid = 0, uid = 0;
    int rc;

    rc = read_body(r, f, 2, 0);
    if (rc)
        return rc;
    if ((why = identity_check_password(password))) {
        field_errors_add(r->ar, &r->field_errors, "password", "%s", why);
        return problem(r, PROB_VALIDATION, "the password is too weak");
    }
    if (secret_hash_password(password, hash) != 0)
        return problem(r, PROB_INTERNAL, "password hashing failed");
    rc = db_begin(r->db);
    if (rc)
        return problem_db(r, rc, kind);
    rc = spend_token(r, token, kind, &tid, &uid, &email);
    if (rc) {
        db_rollback(r->db);
        return rc;
    }
    r->ctx.tenant_id = tid;
    r->ctx.user_id = uid;
    rc = db_exec(r->db, r->ar, &Q_USER_SET_PASSWORD, tid, NULL, hash, (long long)uid);
    /* a reset ends every session: whoever knew the old password is out */
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_REFRESH_REVOKE_USER, tid, NULL, (long long)uid);
    if (!rc)
        rc = write_audit(r, tid,
                         strcmp(kind, "invitation") == 0 ? "user.accept_invitation"
                                                         : "user.password_reset",
                         "user", uid, NULL, NULL);
    if (!rc && strcmp(kind, "invitation") == 0) {
        struct db_res p = {0};
        s.tenant_id = tid;
        s.user_id = uid;
        s.email = email;
        rc = pick_org(r, &s, 0, 0);
        if (!rc && !s.org_id)
            rc = db_exec(r->db, r->ar, &Q_PRINCIPAL, tid, &p, 0LL, (long long)uid);
        if (!rc && !s.org_id)
            s.role = db_at(&p, 0, 1)->s;
        r->ctx.org_id = s.org_id;
        if (!rc)
            rc = issue_session(r, &s, &out);
    }
    if (!rc)
        rc = db_commit(r->db);
    if (rc)
        return problem_rollback(r, rc, kind);
    if (out)
        return resp_json(r, 200, out);
    r->status = 204;
    return 204;
}

int identity_http_accept_invitation(struct req *r)
{
    return set_password_by_token(r, "invitation");
}

int identity_http_reset_confirm(struct req *r)
{
    return set_password_by_token(r, "password_reset");
}

int identity_http_reset_request(struct req *r)
{
    const char *tenant = NULL, *email = NULL, *token;
    struct jfield f[] = {
        {"tenant", JF_STRING, JF_REQUIRED, &tenant, NULL, 63},
        {"email", JF_STRING, JF_REQUIRED, &email, NULL, 254},
    };
    static const char accepted[] = "{\"status\":\"accepted\"}";
    struct db_res t = {0}, u = {0};
    struct json_object *payload;
    int64_t tid, uid;
    int rc;

    rc = read_body(r, f, 2, 0);
    if (rc)
        return rc;
    rc = db_exec(r->db, r->ar, &Q_TENANT_BY_SLUG, 0, &t, tenant);
    if (rc)
        return problem_db(r, rc, "password reset");
    /* the same 202 whether or not the user exists: the answer reveals nothing */
    if (t.nrows != 1 || strcmp(db_at(&t, 0, 1)->s, "active") != 0)
        return resp_text(r, 202, "application/json", accepted, sizeof(accepted) - 1);
    tid = db_at(&t, 0, 0)->i;
    rc = db_exec(r->db, r->ar, &Q_USER_BY_EMAIL, tid, &u, email);
    if (rc)
        return problem_db(r, rc, "password reset");
    if (u.nrows != 1 || strcmp(db_at(&u, 0, 3)->s, "active") != 0)
        return resp_text(r, 202, "application/json", accepted, sizeof(accepted) - 1);
    uid = db_at(&u, 0, 0)->i;
    r->ctx.tenant_id = tid;
    rc = db_begin(r->db);
    if (!rc)
        rc = make_user_token(r, tid, uid, "password_reset", IDENTITY_RESET_TTL, &token);
    if (!rc) {
        payload = json_arena_own(r->ar, json_object_new_object());
        json_object_object_add(payload, "user_id", JINT(uid));
        json_object_object_add(payload, "email", JSTR(email));
        json_object_object_add(payload, "token", JSTR(token));
        json_object_object_add(payload, "expires_in", JINT(IDENTITY_RESET_TTL));
        rc = write_event(r, tid, "user.password_reset_requested", "user", uid,
                         json_text(r->ar, payload));
    }
    if (!rc)
        rc = write_commit(r, tid, "user.password_reset_requested", NULL, "user", uid, NULL, NULL);
    if (rc)
        return problem_rollback(r, rc, "password reset");
    return resp_text(r, 202, "application/json", accepted, sizeof(accepted) - 1);
}
