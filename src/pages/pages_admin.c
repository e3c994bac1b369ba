/* Admin pages: organizations, users and memberships, settings and flags, the audit log. */
#include "pages/pages_http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "audit/audit_http.h"
#include "core/flags.h"
#include "core/json.h"
#include "core/sb.h"
#include "http/params.h"
#include "http/rbac.h"
#include "http/request.h"
#include "identity/identity.h"
#include "identity/identity_http.h"
#include "org/org.h"
#include "org/org_http.h"
#include "pages/pages.h"
#include "pages/pages_form.h"
#include "tenant/tenant_http.h"

#define JSTR(s)  json_object_new_string(s)
#define JBOOL(b) json_object_new_boolean(b)

static const char *const user_statuses[] = {"active", "inactive", "pending_invitation", "locked",
                                            NULL};
static const char *const roundings[] = {"half_away_from_zero", "half_even", NULL};

/* What ?done= may say after a redirect: fixed texts, never words from the URL. */
static const struct done_text done_texts[] = {
    {"created", "The organization was created."},
    {"updated", "The changes were saved."},
    {"invited", "The user was invited."},
    {"unlocked", "The account was unlocked."},
    {"membership_added", "The membership was added."},
    {"membership_ended", "The membership was ended."},
    {"saved", "The settings were saved."},
    {NULL, NULL},
};

#define FIX_FIELDS "Nothing was saved: correct the fields marked below."

/* ---- helpers ---- */

/* Audit rows as a page shows them: before and after as JSON text, links by entity. */
static void audit_rows(struct req *r, struct json_object *rows)
{
    size_t n = page_jlen(rows);

    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i), *b = page_jget(o, "before"),
                           *a = page_jget(o, "after");
        const char *entity = json_str_field(o, "entity");

        if (b)
            json_object_object_add(o, "before_text", JSTR(json_text(r->ar, b)));
        if (a)
            json_object_object_add(o, "after_text", JSTR(json_text(r->ar, a)));
        json_object_object_add(o, "changes", JBOOL(a || b));
        json_object_object_add(
            o, "is_org",
            JBOOL(entity && strcmp(entity, "org") == 0 && page_jint(o, "entity_id") > 0));
        json_object_object_add(
            o, "is_user",
            JBOOL(entity && strcmp(entity, "user") == 0 && page_jint(o, "entity_id") > 0));
    }
}

/* ---- organizations ---- */

static const char *const org_list_keys[] = {"type", "status", "q", "limit", "cursor", NULL};
static const char *const org_filter_fields[] = {"type", "status", "q", NULL};
static const char *const org_fields[] = {"name",   "type",           "status",
                                         "region", "certifications", NULL};

int pages_http_orgs(struct req *r)
{
    struct json_object *d = page_data(r, "Organizations");
    int st = page_list_data(r, d, org_http_list, "/orgs", org_list_keys, org_filter_fields);

    if (st != 200 && st != 400)
        return page_api_problem(r);
    page_add_badges(page_jget(d, "rows"), "status");
    json_object_object_add(d, "type_options", page_options(org_types, req_query(r, "type")));
    json_object_object_add(d, "status_options", page_options(org_statuses, req_query(r, "status")));
    json_object_object_add(d, "may_create", JBOOL(page_may(r, RES_ORGS, ACT_CREATE)));
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, st, "orgs/list", d);
}

/*
 * The page of organization {id}: profile, members, recent changes and the edit form.
 * After a failed update: its status, a message, the API's problem and typed, the form as
 * sent (NULL: the current values).
 */
static int org_page(struct req *r, int status, const char *error, struct json_object *prob,
                    struct json_object *typed)
{
    struct json_object *org, *out, *d, *meta, *m;
    int64_t id;
    int rc = page_api(r, org_http_get, NULL, NULL, &org);

    if (rc)
        return page_api_problem(r);
    id = page_jint(org, "id");
    d = page_data(r, json_str_field(org, "name") ? json_str_field(org, "name") : "Organization");
    json_object_object_add(org, "badge", JSTR(page_badge_of(json_str_field(org, "status"))));
    meta = page_jget(org, "metadata");
    m = json_object_new_array();
    if (meta && json_object_is_type(meta, json_type_object)) {
        json_object_object_foreach(meta, k, v)
        {
            struct json_object *kv = json_object_new_object();
            json_object_object_add(kv, "key", JSTR(k));
            json_object_object_add(kv, "value",
                                   JSTR(v && json_object_is_type(v, json_type_string)
                                            ? json_object_get_string(v)
                                            : json_text(r->ar, v)));
            json_object_array_add(m, kv);
        }
    }
    json_object_object_add(d, "has_meta", JBOOL(json_object_array_length(m) > 0));
    json_object_object_add(org, "meta", m);
    page_jshare(d, "organization", org);

    if (page_may(r, RES_USERS, ACT_READ)) {
        rc = page_api(r, identity_http_user_list,
                      arena_printf(r->ar, "org_id=%lld&limit=50", (long long)id), NULL, &out);
        if (rc)
            return page_api_problem(r);
        page_add_badges(page_jget(out, "data"), "status");
        json_object_object_add(d, "show_members", JBOOL(1));
        page_jshare(d, "members", page_jget(out, "data"));
        json_object_object_add(d, "members_more",
                               JBOOL(json_str_field(out, "next_cursor") != NULL));
    }
    if (page_may(r, RES_AUDIT, ACT_READ)) {
        rc = page_api(r, audit_http_list,
                      arena_printf(r->ar, "entity=org&entity_id=%lld&limit=10", (long long)id),
                      NULL, &out);
        if (rc)
            return page_api_problem(r);
        audit_rows(r, page_jget(out, "data"));
        json_object_object_add(d, "show_activity", JBOOL(1));
        page_jshare(d, "rows", page_jget(out, "data"));
    }
    if (page_may(r, RES_ORGS, ACT_UPDATE)) {
        struct json_object *f = typed ? json_object_get(typed) : json_object_new_object();
        if (!typed) {
            json_object_object_add(
                f, "name", JSTR(json_str_field(org, "name") ? json_str_field(org, "name") : ""));
            json_object_object_add(
                f, "region",
                JSTR(json_str_field(org, "region") ? json_str_field(org, "region") : ""));
            json_object_object_add(
                f, "status",
                JSTR(json_str_field(org, "status") ? json_str_field(org, "status") : ""));
            json_object_object_add(f, "version", json_object_new_int64(page_jint(org, "version")));
        }
        /* an organization's own admin may rename it; its status is the tenant's decision */
        if (!r->ctx.org_id) {
            json_object_object_add(f, "may_set_status", JBOOL(1));
            json_object_object_add(f, "status_options",
                                   page_options(org_statuses, json_str_field(f, "status")));
        }
        json_object_object_add(d, "form", f);
    }
    rc = pages_org_relationships(r, d, id);
    if (rc)
        return page_api_problem(r);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        page_add_field_errors(r, d, prob, org_fields, NULL);
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, status, "orgs/detail", d);
}

int pages_http_org(struct req *r)
{
    return org_page(r, 200, NULL, NULL, NULL);
}

int pages_http_org_update(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()),
                       *typed = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *name = page_form_val(r, "name"), *region = page_form_val(r, "region"),
               *status = page_form_val(r, "status"), *version = page_form_val(r, "version");
    int rc;

    /* a blank name is sent as one, for the API to refuse; a blank region clears it */
    json_object_object_add(body, "name", JSTR(name ? name : ""));
    json_object_object_add(body, "region", region ? JSTR(region) : NULL);
    if (req_form(r, "status"))
        json_object_object_add(body, "status", JSTR(status ? status : ""));
    json_object_object_add(typed, "name", JSTR(name ? name : ""));
    json_object_object_add(typed, "region", JSTR(region ? region : ""));
    json_object_object_add(typed, "status", JSTR(status ? status : ""));
    json_object_object_add(typed, "version", JSTR(version ? version : ""));

    rc = page_api_if_match(r, org_http_patch, 0, body, &out);
    if (rc == 412)
        return org_page(r, 412,
                        "Someone changed this organization while you were editing it. Nothing "
                        "was saved: the form now shows the current values; make your change "
                        "again.",
                        NULL, NULL);
    if (rc == 400 || rc == 409)
        return org_page(r, rc, FIX_FIELDS, r->api_problem, typed);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/orgs/%lld?done=updated", (long long)page_jint(out, "id")));
}

/* The new-organization form, filled with what was sent (nothing on a GET). */
static int org_new_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *d = page_data(r, "New organization"), *f = json_object_new_object();
    static const char *const keys[] = {"name", "region", "certifications", NULL};
    const char *st = page_form_val(r, "status");

    for (size_t i = 0; keys[i]; i++)
        json_object_object_add(f, keys[i],
                               JSTR(page_form_val(r, keys[i]) ? page_form_val(r, keys[i]) : ""));
    json_object_object_add(f, "type_options", page_options(org_types, page_form_val(r, "type")));
    json_object_object_add(f, "status_options", page_options(org_statuses, st ? st : "active"));
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        page_add_field_errors(r, d, prob, org_fields, NULL);
    return page_render(r, status, "orgs/new", d);
}

int pages_http_org_new(struct req *r)
{
    return org_new_page(r, 200, NULL, NULL);
}

int pages_http_org_create(struct req *r)
{
    static const char *const keys[] = {"name", "type", "status", "region", NULL};
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *certs = page_form_val(r, "certifications");
    int rc;

    /* blank fields are left out: the API says which of them it requires */
    for (size_t i = 0; keys[i]; i++)
        if (page_form_val(r, keys[i]))
            json_object_object_add(body, keys[i], JSTR(page_form_val(r, keys[i])));
    if (certs)
        json_object_object_add(body, "certifications", page_split_list(certs, ",\n"));
    rc = page_api(r, org_http_create, NULL, body, &out);
    if (rc == 400 || rc == 409)
        return org_new_page(r, rc, FIX_FIELDS, r->api_problem);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/orgs/%lld?done=created", (long long)page_jint(out, "id")));
}

/* ---- users and memberships ---- */

static const char *const user_list_keys[] = {"status", "q", "org_id", "limit", "cursor", NULL};
static const char *const user_filter_fields[] = {"status", "q", "org_id", NULL};
static const char *const user_fields[] = {"email", "role", "org_id", NULL};
static const char *const membership_fields[] = {"org_id", "role", NULL};

int pages_http_users(struct req *r)
{
    struct json_object *d = page_data(r, "Users");
    int st =
        page_list_data(r, d, identity_http_user_list, "/users", user_list_keys, user_filter_fields);

    if (st != 200 && st != 400)
        return page_api_problem(r);
    page_add_badges(page_jget(d, "rows"), "status");
    json_object_object_add(d, "status_options",
                           page_options(user_statuses, req_query(r, "status")));
    json_object_object_add(d, "may_invite", JBOOL(page_may(r, RES_USERS, ACT_CREATE)));
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, st, "users/list", d);
}

/*
 * The organization field of a user form: the viewer's own org when it has one, else a
 * select of the tenant's orgs or, when they cannot all be listed, an id to type.
 */
static void add_org_field(struct req *r, struct json_object *f, const char *typed, int optional)
{
    int64_t sel = 0;
    struct json_object *choices;

    if (r->ctx.org_id) {
        struct json_object *own = json_object_new_object();
        json_object_object_add(own, "id", json_object_new_int64(r->ctx.org_id));
        json_object_object_add(own, "name", JSTR(r->ctx.org_name ? r->ctx.org_name : ""));
        json_object_object_add(f, "own_org", own);
        return;
    }
    json_object_object_add(f, "org_optional", JBOOL(optional));
    if (typed && params_id(typed, &sel) != 0)
        sel = 0;
    choices = page_org_choices(r, NULL, sel, 0);
    if (choices) {
        json_object_object_add(f, "org_select", JBOOL(1));
        json_object_object_add(f, "org_options", choices);
    } else {
        json_object_object_add(f, "org_input", JBOOL(1));
        json_object_object_add(f, "org_id", JSTR(typed ? typed : ""));
    }
}

/*
 * The page of user {id}: the account, its memberships and the forms to unlock it and to
 * add or end a membership. After a failed membership form: status, a message, the API's
 * problem and what was typed.
 */
static int user_page(struct req *r, int status, const char *error, struct json_object *prob,
                     struct json_object *typed)
{
    struct json_object *user, *d, *ms, *out, *f;
    const char *st;
    int rc = page_api(r, identity_http_user_get, NULL, NULL, &user);
    size_t n;

    if (rc)
        return page_api_problem(r);
    d = page_data(r, json_str_field(user, "email") ? json_str_field(user, "email") : "User");
    st = json_str_field(user, "status");
    json_object_object_add(user, "badge", JSTR(page_badge_of(st)));
    json_object_object_add(user, "is_locked",
                           JBOOL(json_object_get_boolean(page_jget(user, "locked")) ||
                                 (st && strcmp(st, "locked") == 0)));
    ms = page_jget(user, "memberships");
    n = page_jlen(ms);
    for (size_t i = 0; i < n; i++) {
        struct json_object *m = json_object_array_get_idx(ms, i);
        int64_t org_id = page_jint(m, "org_id");

        /* names of the orgs the viewer may see; the others stay ids, as the API answers */
        if (i < 50 && page_orgs_readable(r)) {
            rc = page_api_at(r, org_http_get, org_id, 0, NULL, NULL, &out);
            if (rc >= 500)
                return page_api_problem(r);
            if (rc == 0 && json_str_field(out, "name"))
                json_object_object_add(m, "org_name", JSTR(json_str_field(out, "name")));
        }
        json_object_object_add(m, "may_end",
                               JBOOL(page_may(r, RES_MEMBERSHIPS, ACT_DELETE) &&
                                     (!r->ctx.org_id || r->ctx.org_id == org_id)));
    }
    page_jshare(d, "account", user);
    json_object_object_add(d, "may_unlock", JBOOL(page_may(r, RES_USERS, ACT_UPDATE)));
    if (page_may(r, RES_MEMBERSHIPS, ACT_CREATE)) {
        f = json_object_new_object();
        add_org_field(r, f, typed ? json_str_field(typed, "org_id") : NULL, 0);
        json_object_object_add(
            f, "role_options",
            page_options(identity_member_roles, typed ? json_str_field(typed, "role") : "viewer"));
        json_object_object_add(d, "membership_form", f);
    }
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        page_add_field_errors(r, d, prob, membership_fields, NULL);
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, status, "users/detail", d);
}

int pages_http_user(struct req *r)
{
    return user_page(r, 200, NULL, NULL, NULL);
}

/* The invitation form, filled with what was sent (nothing on a GET). */
static int user_new_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *d = page_data(r, "Invite a user"), *f = json_object_new_object();
    const char *role = page_form_val(r, "role"), *roles[16];
    size_t k = 0;

    json_object_object_add(f, "email",
                           JSTR(page_form_val(r, "email") ? page_form_val(r, "email") : ""));
    /* an org's admin adds people to its org, in an org role; a tenant admin chooses */
    for (int i = 0; rbac_roles[i] && k < 15; i++)
        if (strcmp(rbac_roles[i], "super_admin") != 0 &&
            (!r->ctx.org_id || strcmp(rbac_roles[i], "tenant_admin") != 0))
            roles[k++] = rbac_roles[i];
    roles[k] = NULL;
    json_object_object_add(f, "role_options", page_options(roles, role ? role : "viewer"));
    add_org_field(r, f, page_form_val(r, "org_id"), 1);
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        page_add_field_errors(r, d, prob, user_fields, NULL);
    return page_render(r, status, "users/new", d);
}

int pages_http_user_new(struct req *r)
{
    return user_new_page(r, 200, NULL, NULL);
}

int pages_http_user_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out, *prob;
    const char *email = page_form_val(r, "email"), *role = page_form_val(r, "role"),
               *org = page_form_val(r, "org_id");
    int rc;

    /* no password: the API invites the user, who chooses one */
    if (email)
        json_object_object_add(body, "email", JSTR(email));
    if (role)
        json_object_object_add(body, "role", JSTR(role));
    if (org && !r->ctx.org_id)
        json_object_object_add(body, "org_id", page_int_or_text(org));
    rc = page_api(r, identity_http_user_create, NULL, body, &out);
    if (rc == 409) {
        /* the API names no field for a taken email: it is the only unique one */
        struct json_object *e = json_object_new_object(), *list = json_object_new_array();
        prob = json_arena_own(r->ar, json_object_new_object());
        json_object_object_add(e, "field", JSTR("email"));
        json_object_object_add(e, "message", JSTR("belongs to another user of this tenant"));
        json_object_array_add(list, e);
        json_object_object_add(prob, "errors", list);
        return user_new_page(r, 409, FIX_FIELDS, prob);
    }
    if (rc == 400)
        return user_new_page(r, 400, FIX_FIELDS, r->api_problem);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/users/%lld?done=invited", (long long)page_jint(out, "id")));
}

int pages_http_user_unlock(struct req *r)
{
    struct json_object *out;
    int rc = page_api(r, identity_http_user_unlock, NULL, NULL, &out);

    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/users/%lld?done=unlocked", (long long)page_jint(out, "id")));
}

int pages_http_membership_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()),
                       *typed = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *org = page_form_val(r, "org_id"), *role = page_form_val(r, "role");
    int rc;

    if (r->ctx.org_id)
        json_object_object_add(body, "org_id", json_object_new_int64(r->ctx.org_id));
    else if (org)
        json_object_object_add(body, "org_id", page_int_or_text(org));
    if (role)
        json_object_object_add(body, "role", JSTR(role));
    json_object_object_add(typed, "org_id", JSTR(org ? org : ""));
    json_object_object_add(typed, "role", JSTR(role ? role : ""));
    rc = page_api(r, identity_http_membership_create, NULL, body, &out);
    if (rc == 409)
        return user_page(r, 409,
                         "Nothing was saved: the user is a member of that organization already.",
                         NULL, typed);
    if (rc == 400)
        return user_page(r, 400, FIX_FIELDS, r->api_problem, typed);
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, arena_printf(r->ar, "/users/%lld?done=membership_added",
                                         (long long)page_jint(out, "id")));
}

int pages_http_membership_delete(struct req *r)
{
    struct json_object *out;
    int64_t uid;
    int rc = page_api(r, identity_http_membership_delete, NULL, NULL, &out);

    if (rc)
        return page_api_problem(r);
    if (params_path_id(r, "id", &uid) != 0)
        uid = 0; /* the API found the user by it: cannot happen */
    return page_redirect(r,
                         arena_printf(r->ar, "/users/%lld?done=membership_ended", (long long)uid));
}

/* ---- settings ---- */

static const char *const settings_fields[] = {"flags",           "timezone", "locale",
                                              "currency",        "rounding", "lockout_threshold",
                                              "lockout_minutes", NULL};

/*
 * The settings page: each feature flag and setting, in one form. After a failed save:
 * status, a message, the API's problem, and with validation errors the form as sent.
 */
static int settings_page(struct req *r, int status, const char *error, struct json_object *prob,
                         int typed)
{
    struct json_object *cur, *d, *f, *flags, *lock;
    int rc = page_api(r, tenant_http_settings_get, NULL, NULL, &cur);

    if (rc)
        return page_api_problem(r);
    d = page_data(r, "Settings");
    f = json_object_new_object();
    flags = json_object_new_array();
    for (int i = 0; i < FLAG__COUNT; i++) {
        const char *name = flag_name((enum feature_flag)i);
        struct json_object *o = json_object_new_object();
        int on = json_object_get_boolean(page_jget(page_jget(cur, "flags"), name));

        json_object_object_add(o, "name", JSTR(name));
        json_object_object_add(o, "on", JBOOL(on));
        json_object_object_add(
            o, "checked",
            JBOOL(typed ? req_form(r, arena_printf(r->ar, "flag_%s", name)) != NULL : on));
        json_object_array_add(flags, o);
    }
    json_object_object_add(f, "flags", flags);
    lock = page_jget(cur, "lockout");
    if (typed) {
        static const char *const keys[] = {
            "timezone",        "locale",  "currency", "lockout_threshold",
            "lockout_minutes", "version", NULL};
        for (size_t i = 0; keys[i]; i++)
            json_object_object_add(f, keys[i],
                                   JSTR(req_form(r, keys[i]) ? req_form(r, keys[i]) : ""));
    } else {
        page_jshare(f, "timezone", page_jget(cur, "timezone"));
        page_jshare(f, "locale", page_jget(cur, "locale"));
        page_jshare(f, "currency", page_jget(cur, "currency"));
        page_jshare(f, "lockout_threshold", page_jget(lock, "threshold"));
        page_jshare(f, "lockout_minutes", page_jget(lock, "minutes"));
        page_jshare(f, "version", page_jget(cur, "version"));
    }
    json_object_object_add(
        f, "rounding_options",
        page_options(roundings, typed ? req_form(r, "rounding") : json_str_field(cur, "rounding")));
    json_object_object_add(d, "form", f);
    page_jshare(d, "current", cur);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        page_add_field_errors(r, d, prob, settings_fields, NULL);
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, status, "settings", d);
}

int pages_http_settings(struct req *r)
{
    return settings_page(r, 200, NULL, NULL, 0);
}

int pages_http_settings_update(struct req *r)
{
    static const char *const keys[] = {"timezone", "locale", "currency", "rounding", NULL};
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()),
                       *flags = json_object_new_object(), *lock = json_object_new_object(), *out;
    const char *v;
    int rc;

    /* the form shows every flag: an unticked box is a flag turned off */
    for (int i = 0; i < FLAG__COUNT; i++) {
        const char *name = flag_name((enum feature_flag)i);
        json_object_object_add(flags, name,
                               JBOOL(req_form(r, arena_printf(r->ar, "flag_%s", name)) != NULL));
    }
    json_object_object_add(body, "flags", flags);
    for (size_t i = 0; keys[i]; i++)
        json_object_object_add(body, keys[i],
                               JSTR(page_form_val(r, keys[i]) ? page_form_val(r, keys[i]) : ""));
    v = page_form_val(r, "lockout_threshold");
    json_object_object_add(lock, "threshold", page_int_or_text(v ? v : ""));
    v = page_form_val(r, "lockout_minutes");
    json_object_object_add(lock, "minutes", page_int_or_text(v ? v : ""));
    json_object_object_add(body, "lockout", lock);

    rc = page_api_if_match(r, tenant_http_settings_put, 0, body, &out);
    if (rc == 412)
        return settings_page(r, 412,
                             "Someone changed the settings while you were editing them. Nothing "
                             "was saved: the form now shows the current values; make your "
                             "change again.",
                             NULL, 0);
    if (rc == 400)
        return settings_page(r, 400, FIX_FIELDS, r->api_problem, 1);
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, "/settings?done=saved");
}

/* ---- the audit log ---- */

static const char *const audit_keys[] = {"entity", "entity_id", "actor_id", "since",
                                         "limit",  "cursor",    NULL};
static const char *const audit_fields[] = {"entity", "entity_id", "actor_id", "since", NULL};

int pages_http_audit(struct req *r)
{
    struct json_object *d = page_data(r, "Audit log");
    int st = page_list_data(r, d, audit_http_list, "/audit", audit_keys, audit_fields);

    if (st != 200 && st != 400)
        return page_api_problem(r);
    audit_rows(r, page_jget(d, "rows"));
    return page_render(r, st, "audit", d);
}
