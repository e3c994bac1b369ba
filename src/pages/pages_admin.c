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
#include "tenant/tenant_http.h"

#define JSTR(s)  json_object_new_string(s)
#define JBOOL(b) json_object_new_boolean(b)

static const char *const user_statuses[] = {"active", "inactive", "pending_invitation", "locked",
                                            NULL};
static const char *const roundings[] = {"half_away_from_zero", "half_even", NULL};

/* What ?done= may say after a redirect: fixed texts, never words from the URL. */
static const struct {
    const char *key, *text;
} done_texts[] = {
    {"created", "The organization was created."},
    {"updated", "The changes were saved."},
    {"invited", "The user was invited."},
    {"unlocked", "The account was unlocked."},
    {"membership_added", "The membership was added."},
    {"membership_ended", "The membership was ended."},
    {"saved", "The settings were saved."},
};

#define FIX_FIELDS "Nothing was saved: correct the fields marked below."

/* ---- helpers ---- */

static struct json_object *jget(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;

    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int64_t jint(struct json_object *o, const char *key)
{
    struct json_object *v = jget(o, key);

    return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
}

/* Puts v (part of an arena-owned API answer) into d, which takes its own reference. */
static void jshare(struct json_object *d, const char *key, struct json_object *v)
{
    json_object_object_add(d, key, v ? json_object_get(v) : NULL);
}

static int may(const struct req *r, enum rbac_resource res, unsigned act)
{
    return rbac_allows(r->ctx.role, res, act);
}

static int orgs_readable(const struct req *r)
{
    return (r->ctx.flags & FLAG_BIT(FLAG_ORG)) && may(r, RES_ORGS, ACT_READ);
}

/* A form field without surrounding blanks; NULL when absent or blank. */
static const char *form_val(struct req *r, const char *name)
{
    const char *v = req_form(r, name);
    size_t n;

    if (!v)
        return NULL;
    v += strspn(v, " \t\r\n");
    n = strlen(v);
    while (n && strchr(" \t\r\n", v[n - 1]))
        n--;
    return n ? arena_strndup(r->ar, v, n) : NULL;
}

/*
 * A number typed into a form, as the API's integer; anything else goes as the text, so
 * the API's own validation names the field and says what it wants.
 */
static struct json_object *int_or_text(const char *v)
{
    const char *d = v + (*v == '-');

    if (*d && strlen(d) <= 18 && strspn(d, "0123456789") == strlen(d))
        return json_object_new_int64(strtoll(v, NULL, 10));
    return JSTR(v);
}

/* "a, b\nc" → ["a", "b", "c"]: a list typed as one field, blanks dropped. */
static struct json_object *split_list(const char *s)
{
    struct json_object *a = json_object_new_array();

    while (*s) {
        size_t n = strcspn(s, ",\n"), m = n;
        const char *b = s;

        while (m && strchr(" \t\r", *b)) {
            b++;
            m--;
        }
        while (m && strchr(" \t\r", b[m - 1]))
            m--;
        if (m)
            json_object_array_add(a, json_object_new_string_len(b, (int)m));
        s += n;
        if (*s)
            s++;
    }
    return a;
}

/*
 * The page's query parameters named in keys (blank ones dropped), percent-encoded again:
 * what the API's list handler gets. cursor, when not NULL, replaces the page's own ("":
 * none), which makes the next and first pages' links.
 */
static const char *pass_query(struct req *r, const char *const *keys, const char *cursor)
{
    struct sb q;

    sb_init(&q, r->ar);
    for (size_t i = 0; keys[i]; i++) {
        const char *v = cursor && strcmp(keys[i], "cursor") == 0 ? cursor : req_query(r, keys[i]);
        if (!v || !*v)
            continue;
        if (q.len)
            sb_addc(&q, '&');
        sb_adds(&q, keys[i]);
        sb_addc(&q, '=');
        sb_add_url(&q, v, strlen(v));
    }
    return q.len ? q.buf : "";
}

/* Choices of a select: [{value, label, selected}], the label with spaces for underscores. */
static struct json_object *options(const char *const *values, const char *selected)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; values[i]; i++) {
        struct json_object *o = json_object_new_object();
        char label[64];

        snprintf(label, sizeof(label), "%s", values[i]);
        for (char *p = label; *p; p++)
            if (*p == '_')
                *p = ' ';
        json_object_object_add(o, "value", JSTR(values[i]));
        json_object_object_add(o, "label", JSTR(label));
        json_object_object_add(o, "selected", JBOOL(selected && strcmp(selected, values[i]) == 0));
        json_object_array_add(a, o);
    }
    return a;
}

static const char *badge_of(const char *status)
{
    if (status && strcmp(status, "active") == 0)
        return "ok";
    if (status && (strcmp(status, "pending_invitation") == 0 || strcmp(status, "locked") == 0))
        return "warn";
    return "off";
}

/* Each row of an API list gets "badge", the class of its status's badge. */
static void add_badges(struct json_object *rows)
{
    size_t n =
        rows && json_object_is_type(rows, json_type_array) ? json_object_array_length(rows) : 0;

    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i);
        json_object_object_add(o, "badge", JSTR(badge_of(json_str_field(o, "status"))));
    }
}

static void add_flash(struct req *r, struct json_object *d)
{
    const char *k = req_query(r, "done");

    for (size_t i = 0; k && i < sizeof(done_texts) / sizeof(done_texts[0]); i++)
        if (strcmp(k, done_texts[i].key) == 0)
            json_object_object_add(d, "flash", JSTR(done_texts[i].text));
}

/*
 * The problem's field errors for a form: errors.<field> holds the message for each of
 * fields ("certifications[2]" is certifications, "lockout.minutes" lockout_minutes); the
 * others go to other_errors, shown with the page's message.
 */
static void add_field_errors(struct req *r, struct json_object *d, struct json_object *prob,
                             const char *const *fields)
{
    struct json_object *list = jget(prob, "errors"), *by = json_object_new_object(),
                       *other = json_object_new_array();
    size_t n =
        list && json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;

    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(list, i);
        const char *field = json_str_field(e, "field"), *msg = json_str_field(e, "message"), *had;
        char key[64];
        size_t k;

        if (!field || !msg)
            continue;
        snprintf(key, sizeof(key), "%.*s", (int)strcspn(field, "["), field);
        for (char *p = key; *p; p++)
            if (*p == '.')
                *p = '_';
        for (k = 0; fields[k] && strcmp(fields[k], key) != 0; k++)
            ;
        if (fields[k]) {
            had = json_str_field(by, key);
            json_object_object_add(by, key,
                                   JSTR(had ? arena_printf(r->ar, "%s; %s", had, msg) : msg));
        } else {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "field", JSTR(field));
            json_object_object_add(o, "message", JSTR(msg));
            json_object_array_add(other, o);
        }
    }
    json_object_object_add(d, "errors", by);
    json_object_object_add(d, "other_errors", other);
}

/* Runs h with the path capture "id" set to id; the page's own captures come back after. */
static int api_for_id(struct req *r, handler_fn h, int64_t id, struct json_object **out)
{
    const char *names[ROUTE_MAX_PARAMS], *vals[ROUTE_MAX_PARAMS];
    int n = r->nparams, rc;

    memcpy(names, r->param_names, sizeof(names));
    memcpy(vals, r->param_vals, sizeof(vals));
    r->nparams = 1;
    r->param_names[0] = "id";
    r->param_vals[0] = arena_printf(r->ar, "%lld", (long long)id);
    rc = page_api(r, h, NULL, NULL, out);
    memcpy(r->param_names, names, sizeof(names));
    memcpy(r->param_vals, vals, sizeof(vals));
    r->nparams = n;
    return rc;
}

/* Runs the write h with If-Match: the version the form was filled from ("0" never matches). */
static int api_if_match(struct req *r, handler_fn h, struct json_object *body,
                        struct json_object **out)
{
    const char *v = req_form(r, "version");
    int64_t version = 0;
    int rc;

    if (!v || params_id(v, &version) != 0)
        version = 0;
    req_set_header(r, "If-Match", arena_printf(r->ar, "\"%lld\"", (long long)version));
    rc = page_api(r, h, NULL, body, out);
    req_set_header(r, "If-Match", NULL);
    return rc;
}

/*
 * A list page's data: runs the API's list h with the page's filters (keys) and puts the
 * rows, the filters as typed and the pager into d. Returns 200; 400 when the API refused
 * a filter (its message is in d, next to the filter's field); else the problem's status,
 * for page_api_problem().
 */
static int list_data(struct req *r, struct json_object *d, handler_fn h, const char *path,
                     const char *const *keys, const char *const *fields)
{
    struct json_object *out, *f = json_object_new_object();
    const char *cur = req_query(r, "cursor"), *next;
    int rc = page_api(r, h, pass_query(r, keys, NULL), NULL, &out);

    for (size_t i = 0; keys[i]; i++)
        if (strcmp(keys[i], "cursor") != 0 && req_query(r, keys[i]))
            json_object_object_add(f, keys[i], JSTR(req_query(r, keys[i])));
    json_object_object_add(d, "filters", f);
    if (rc == 400) {
        add_field_errors(r, d, r->api_problem, fields);
        json_object_object_add(
            d, "error", JSTR("Some filters are not valid: correct the fields marked below."));
        json_object_object_add(d, "rows", json_object_new_array());
        return 400;
    }
    if (rc)
        return rc;
    jshare(d, "rows", jget(out, "data"));
    next = json_str_field(out, "next_cursor");
    json_object_object_add(d, "pager_path", JSTR(path));
    if (next)
        json_object_object_add(d, "next_query", JSTR(pass_query(r, keys, next)));
    if (cur && *cur) {
        json_object_object_add(d, "paged", JBOOL(1));
        json_object_object_add(d, "first_query", JSTR(pass_query(r, keys, "")));
    }
    json_object_object_add(d, "has_pager", JBOOL(next || (cur && *cur)));
    return 200;
}

/* Audit rows as a page shows them: before and after as JSON text, links by entity. */
static void audit_rows(struct req *r, struct json_object *rows)
{
    size_t n =
        rows && json_object_is_type(rows, json_type_array) ? json_object_array_length(rows) : 0;

    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i), *b = jget(o, "before"),
                           *a = jget(o, "after");
        const char *entity = json_str_field(o, "entity");

        if (b)
            json_object_object_add(o, "before_text", JSTR(json_text(r->ar, b)));
        if (a)
            json_object_object_add(o, "after_text", JSTR(json_text(r->ar, a)));
        json_object_object_add(o, "changes", JBOOL(a || b));
        json_object_object_add(
            o, "is_org", JBOOL(entity && strcmp(entity, "org") == 0 && jint(o, "entity_id") > 0));
        json_object_object_add(
            o, "is_user", JBOOL(entity && strcmp(entity, "user") == 0 && jint(o, "entity_id") > 0));
    }
}

/* The tenant's organizations as select options, or NULL when they cannot all be listed. */
static struct json_object *org_choices(struct req *r, int64_t selected)
{
    struct json_object *out, *rows, *a;
    size_t n;

    if (!orgs_readable(r) || page_api(r, org_http_list, "limit=200", NULL, &out) != 0 ||
        json_str_field(out, "next_cursor"))
        return NULL;
    rows = jget(out, "data");
    n = rows ? json_object_array_length(rows) : 0;
    a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *row = json_object_array_get_idx(rows, i), *o = json_object_new_object();
        json_object_object_add(o, "value", json_object_new_int64(jint(row, "id")));
        json_object_object_add(
            o, "label", JSTR(json_str_field(row, "name") ? json_str_field(row, "name") : ""));
        json_object_object_add(o, "selected", JBOOL(jint(row, "id") == selected));
        json_object_array_add(a, o);
    }
    return a;
}

/* ---- organizations ---- */

static const char *const org_list_keys[] = {"type", "status", "q", "limit", "cursor", NULL};
static const char *const org_filter_fields[] = {"type", "status", "q", NULL};
static const char *const org_fields[] = {"name",   "type",           "status",
                                         "region", "certifications", NULL};

int pages_http_orgs(struct req *r)
{
    struct json_object *d = page_data(r, "Organizations");
    int st = list_data(r, d, org_http_list, "/orgs", org_list_keys, org_filter_fields);

    if (st != 200 && st != 400)
        return page_api_problem(r);
    add_badges(jget(d, "rows"));
    json_object_object_add(d, "type_options", options(org_types, req_query(r, "type")));
    json_object_object_add(d, "status_options", options(org_statuses, req_query(r, "status")));
    json_object_object_add(d, "may_create", JBOOL(may(r, RES_ORGS, ACT_CREATE)));
    add_flash(r, d);
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
    id = jint(org, "id");
    d = page_data(r, json_str_field(org, "name") ? json_str_field(org, "name") : "Organization");
    json_object_object_add(org, "badge", JSTR(badge_of(json_str_field(org, "status"))));
    meta = jget(org, "metadata");
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
    jshare(d, "organization", org);

    if (may(r, RES_USERS, ACT_READ)) {
        rc = page_api(r, identity_http_user_list,
                      arena_printf(r->ar, "org_id=%lld&limit=50", (long long)id), NULL, &out);
        if (rc)
            return page_api_problem(r);
        add_badges(jget(out, "data"));
        json_object_object_add(d, "show_members", JBOOL(1));
        jshare(d, "members", jget(out, "data"));
        json_object_object_add(d, "members_more",
                               JBOOL(json_str_field(out, "next_cursor") != NULL));
    }
    if (may(r, RES_AUDIT, ACT_READ)) {
        rc = page_api(r, audit_http_list,
                      arena_printf(r->ar, "entity=org&entity_id=%lld&limit=10", (long long)id),
                      NULL, &out);
        if (rc)
            return page_api_problem(r);
        audit_rows(r, jget(out, "data"));
        json_object_object_add(d, "show_activity", JBOOL(1));
        jshare(d, "rows", jget(out, "data"));
    }
    if (may(r, RES_ORGS, ACT_UPDATE)) {
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
            json_object_object_add(f, "version", json_object_new_int64(jint(org, "version")));
        }
        /* an organization's own admin may rename it; its status is the tenant's decision */
        if (!r->ctx.org_id) {
            json_object_object_add(f, "may_set_status", JBOOL(1));
            json_object_object_add(f, "status_options",
                                   options(org_statuses, json_str_field(f, "status")));
        }
        json_object_object_add(d, "form", f);
    }
    rc = pages_org_relationships(r, d, id);
    if (rc)
        return page_api_problem(r);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        add_field_errors(r, d, prob, org_fields);
    add_flash(r, d);
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
    const char *name = form_val(r, "name"), *region = form_val(r, "region"),
               *status = form_val(r, "status"), *version = form_val(r, "version");
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

    rc = api_if_match(r, org_http_patch, body, &out);
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
        r, arena_printf(r->ar, "/orgs/%lld?done=updated", (long long)jint(out, "id")));
}

/* The new-organization form, filled with what was sent (nothing on a GET). */
static int org_new_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *d = page_data(r, "New organization"), *f = json_object_new_object();
    static const char *const keys[] = {"name", "region", "certifications", NULL};
    const char *st = form_val(r, "status");

    for (size_t i = 0; keys[i]; i++)
        json_object_object_add(f, keys[i], JSTR(form_val(r, keys[i]) ? form_val(r, keys[i]) : ""));
    json_object_object_add(f, "type_options", options(org_types, form_val(r, "type")));
    json_object_object_add(f, "status_options", options(org_statuses, st ? st : "active"));
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        add_field_errors(r, d, prob, org_fields);
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
    const char *certs = form_val(r, "certifications");
    int rc;

    /* blank fields are left out: the API says which of them it requires */
    for (size_t i = 0; keys[i]; i++)
        if (form_val(r, keys[i]))
            json_object_object_add(body, keys[i], JSTR(form_val(r, keys[i])));
    if (certs)
        json_object_object_add(body, "certifications", split_list(certs));
    rc = page_api(r, org_http_create, NULL, body, &out);
    if (rc == 400 || rc == 409)
        return org_new_page(r, rc, FIX_FIELDS, r->api_problem);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/orgs/%lld?done=created", (long long)jint(out, "id")));
}

/* ---- users and memberships ---- */

static const char *const user_list_keys[] = {"status", "q", "org_id", "limit", "cursor", NULL};
static const char *const user_filter_fields[] = {"status", "q", "org_id", NULL};
static const char *const user_fields[] = {"email", "role", "org_id", NULL};
static const char *const membership_fields[] = {"org_id", "role", NULL};

int pages_http_users(struct req *r)
{
    struct json_object *d = page_data(r, "Users");
    int st = list_data(r, d, identity_http_user_list, "/users", user_list_keys, user_filter_fields);

    if (st != 200 && st != 400)
        return page_api_problem(r);
    add_badges(jget(d, "rows"));
    json_object_object_add(d, "status_options", options(user_statuses, req_query(r, "status")));
    json_object_object_add(d, "may_invite", JBOOL(may(r, RES_USERS, ACT_CREATE)));
    add_flash(r, d);
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
    choices = org_choices(r, sel);
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
    json_object_object_add(user, "badge", JSTR(badge_of(st)));
    json_object_object_add(
        user, "is_locked",
        JBOOL(json_object_get_boolean(jget(user, "locked")) || (st && strcmp(st, "locked") == 0)));
    ms = jget(user, "memberships");
    n = ms && json_object_is_type(ms, json_type_array) ? json_object_array_length(ms) : 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *m = json_object_array_get_idx(ms, i);
        int64_t org_id = jint(m, "org_id");

        /* names of the orgs the viewer may see; the others stay ids, as the API answers */
        if (i < 50 && orgs_readable(r)) {
            rc = api_for_id(r, org_http_get, org_id, &out);
            if (rc >= 500)
                return page_api_problem(r);
            if (rc == 0 && json_str_field(out, "name"))
                json_object_object_add(m, "org_name", JSTR(json_str_field(out, "name")));
        }
        json_object_object_add(m, "may_end",
                               JBOOL(may(r, RES_MEMBERSHIPS, ACT_DELETE) &&
                                     (!r->ctx.org_id || r->ctx.org_id == org_id)));
    }
    jshare(d, "account", user);
    json_object_object_add(d, "may_unlock", JBOOL(may(r, RES_USERS, ACT_UPDATE)));
    if (may(r, RES_MEMBERSHIPS, ACT_CREATE)) {
        f = json_object_new_object();
        add_org_field(r, f, typed ? json_str_field(typed, "org_id") : NULL, 0);
        json_object_object_add(
            f, "role_options",
            options(identity_member_roles, typed ? json_str_field(typed, "role") : "viewer"));
        json_object_object_add(d, "membership_form", f);
    }
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        add_field_errors(r, d, prob, membership_fields);
    add_flash(r, d);
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
    const char *role = form_val(r, "role"), *roles[16];
    size_t k = 0;

    json_object_object_add(f, "email", JSTR(form_val(r, "email") ? form_val(r, "email") : ""));
    /* an org's admin adds people to its org, in an org role; a tenant admin chooses */
    for (int i = 0; rbac_roles[i] && k < 15; i++)
        if (strcmp(rbac_roles[i], "super_admin") != 0 &&
            (!r->ctx.org_id || strcmp(rbac_roles[i], "tenant_admin") != 0))
            roles[k++] = rbac_roles[i];
    roles[k] = NULL;
    json_object_object_add(f, "role_options", options(roles, role ? role : "viewer"));
    add_org_field(r, f, form_val(r, "org_id"), 1);
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        add_field_errors(r, d, prob, user_fields);
    return page_render(r, status, "users/new", d);
}

int pages_http_user_new(struct req *r)
{
    return user_new_page(r, 200, NULL, NULL);
}

int pages_http_user_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out, *prob;
    const char *email = form_val(r, "email"), *role = form_val(r, "role"),
               *org = form_val(r, "org_id");
    int rc;

    /* no password: the API invites the user, who chooses one */
    if (email)
        json_object_object_add(body, "email", JSTR(email));
    if (role)
        json_object_object_add(body, "role", JSTR(role));
    if (org && !r->ctx.org_id)
        json_object_object_add(body, "org_id", int_or_text(org));
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
        r, arena_printf(r->ar, "/users/%lld?done=invited", (long long)jint(out, "id")));
}

int pages_http_user_unlock(struct req *r)
{
    struct json_object *out;
    int rc = page_api(r, identity_http_user_unlock, NULL, NULL, &out);

    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/users/%lld?done=unlocked", (long long)jint(out, "id")));
}

int pages_http_membership_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()),
                       *typed = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *org = form_val(r, "org_id"), *role = form_val(r, "role");
    int rc;

    if (r->ctx.org_id)
        json_object_object_add(body, "org_id", json_object_new_int64(r->ctx.org_id));
    else if (org)
        json_object_object_add(body, "org_id", int_or_text(org));
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
    return page_redirect(
        r, arena_printf(r->ar, "/users/%lld?done=membership_added", (long long)jint(out, "id")));
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
        int on = json_object_get_boolean(jget(jget(cur, "flags"), name));

        json_object_object_add(o, "name", JSTR(name));
        json_object_object_add(o, "on", JBOOL(on));
        json_object_object_add(
            o, "checked",
            JBOOL(typed ? req_form(r, arena_printf(r->ar, "flag_%s", name)) != NULL : on));
        json_object_array_add(flags, o);
    }
    json_object_object_add(f, "flags", flags);
    lock = jget(cur, "lockout");
    if (typed) {
        static const char *const keys[] = {
            "timezone",        "locale",  "currency", "lockout_threshold",
            "lockout_minutes", "version", NULL};
        for (size_t i = 0; keys[i]; i++)
            json_object_object_add(f, keys[i],
                                   JSTR(req_form(r, keys[i]) ? req_form(r, keys[i]) : ""));
    } else {
        jshare(f, "timezone", jget(cur, "timezone"));
        jshare(f, "locale", jget(cur, "locale"));
        jshare(f, "currency", jget(cur, "currency"));
        jshare(f, "lockout_threshold", jget(lock, "threshold"));
        jshare(f, "lockout_minutes", jget(lock, "minutes"));
        jshare(f, "version", jget(cur, "version"));
    }
    json_object_object_add(
        f, "rounding_options",
        options(roundings, typed ? req_form(r, "rounding") : json_str_field(cur, "rounding")));
    json_object_object_add(d, "form", f);
    jshare(d, "current", cur);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    if (prob)
        add_field_errors(r, d, prob, settings_fields);
    add_flash(r, d);
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
                               JSTR(form_val(r, keys[i]) ? form_val(r, keys[i]) : ""));
    v = form_val(r, "lockout_threshold");
    json_object_object_add(lock, "threshold", int_or_text(v ? v : ""));
    v = form_val(r, "lockout_minutes");
    json_object_object_add(lock, "minutes", int_or_text(v ? v : ""));
    json_object_object_add(body, "lockout", lock);

    rc = api_if_match(r, tenant_http_settings_put, body, &out);
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
    int st = list_data(r, d, audit_http_list, "/audit", audit_keys, audit_fields);

    if (st != 200 && st != 400)
        return page_api_problem(r);
    audit_rows(r, jget(d, "rows"));
    return page_render(r, st, "audit", d);
}
