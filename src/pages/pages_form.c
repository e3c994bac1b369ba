/* Helpers the admin, catalog and dashboard pages share (pages_form.h). */
#include "pages/pages_form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "core/sb.h"
#include "http/params.h"
#include "http/request.h"
#include "org/org_http.h"
#include "pages/pages.h"

#define JSTR(s)  json_object_new_string(s)
#define JBOOL(b) json_object_new_boolean(b)

struct json_object *page_jget(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;

    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

int64_t page_jint(struct json_object *o, const char *key)
{
    struct json_object *v = page_jget(o, key);

    return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
}

size_t page_jlen(struct json_object *a)
{
    return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

void page_jshare(struct json_object *d, const char *key, struct json_object *v)
{
    json_object_object_add(d, key, v ? json_object_get(v) : NULL);
}

int page_may(const struct req *r, enum rbac_resource res, unsigned act)
{
    return rbac_allows(r->ctx.role, res, act);
}

int page_flag_on(const struct req *r, enum feature_flag f)
{
    return (r->ctx.flags & FLAG_BIT(f)) != 0;
}

/* What the route table would let this user reach: the API the page calls for more. */
int page_orgs_readable(const struct req *r)
{
    return page_flag_on(r, FLAG_ORG) && page_may(r, RES_ORGS, ACT_READ);
}

const char *page_form_val(struct req *r, const char *name)
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

const char *page_or_empty(const char *s)
{
    return s ? s : "";
}

struct json_object *page_int_or_text(const char *v)
{
    const char *d = v + (*v == '-');

    if (*d && strlen(d) <= 18 && strspn(d, "0123456789") == strlen(d))
        return json_object_new_int64(strtoll(v, NULL, 10));
    return JSTR(v);
}

void page_form_text(struct req *r, struct json_object *body, const char *name)
{
    const char *v = page_form_val(r, name);

    if (v)
        json_object_object_add(body, name, JSTR(v));
}

void page_form_int(struct req *r, struct json_object *body, const char *name)
{
    const char *v = page_form_val(r, name);

    if (v)
        json_object_object_add(body, name, page_int_or_text(v));
}

struct json_object *page_split_list(const char *s, const char *seps)
{
    struct json_object *a = json_object_new_array();

    while (s && *s) {
        size_t n = strcspn(s, seps), m = n;
        const char *b = s;

        while (m && strchr(" \t\r\n", *b)) {
            b++;
            m--;
        }
        while (m && strchr(" \t\r\n", b[m - 1]))
            m--;
        if (m)
            json_object_array_add(a, json_object_new_string_len(b, (int)m));
        s += n;
        if (*s)
            s++;
    }
    return a;
}

const char *page_pass_query(struct req *r, const char *const *keys, const char *cursor)
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

struct json_object *page_options(const char *const *values, const char *selected)
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

void page_option_add(struct json_object *a, int64_t value, const char *label, int selected)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "value", json_object_new_int64(value));
    json_object_object_add(o, "label", JSTR(label));
    json_object_object_add(o, "selected", JBOOL(selected));
    json_object_array_add(a, o);
}

struct json_object *page_row_choices(struct json_object *rows, int64_t selected, int64_t except)
{
    struct json_object *a = json_object_new_array();
    size_t n = page_jlen(rows);

    for (size_t i = 0; i < n; i++) {
        struct json_object *row = json_object_array_get_idx(rows, i);
        if (page_jint(row, "id") != except)
            page_option_add(a, page_jint(row, "id"), page_or_empty(json_str_field(row, "name")),
                            page_jint(row, "id") == selected);
    }
    return a;
}

struct json_object *page_org_choices(struct req *r, const char *type, int64_t selected,
                                     int64_t except)
{
    struct json_object *out;

    /* a tenant too large for one select gets an id to type instead */
    if (!page_orgs_readable(r) || r->ctx.org_id ||
        page_api(r, org_http_list,
                 type ? arena_printf(r->ar, "type=%s&limit=200", type) : "limit=200", NULL,
                 &out) != 0 ||
        json_str_field(out, "next_cursor"))
        return NULL;
    return page_row_choices(page_jget(out, "data"), selected, except);
}

/* The statuses of users, organizations, products, SKUs, channels and relationships. */
const char *page_badge_of(const char *status)
{
    if (status && strcmp(status, "active") == 0)
        return "ok";
    if (status && (strcmp(status, "pending_invitation") == 0 || strcmp(status, "locked") == 0 ||
                   strcmp(status, "draft") == 0 || strcmp(status, "scheduled") == 0))
        return "warn";
    return "off";
}

void page_add_badges(struct json_object *rows, const char *status_key)
{
    size_t n = page_jlen(rows);

    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i);
        json_object_object_add(o, "badge", JSTR(page_badge_of(json_str_field(o, status_key))));
    }
}

void page_add_flash(struct req *r, struct json_object *d, const char *key,
                    const struct done_text *texts)
{
    const char *k = req_query(r, "done");

    for (size_t i = 0; k && texts[i].key; i++)
        if (strcmp(k, texts[i].key) == 0)
            json_object_object_add(d, key, JSTR(texts[i].text));
}

void page_add_field_errors(struct req *r, struct json_object *d, struct json_object *prob,
                           const char *const *fields, const char *const *rename)
{
    struct json_object *list = page_jget(prob, "errors"), *by = json_object_new_object(),
                       *other = json_object_new_array();
    size_t n = page_jlen(list);

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
        for (k = 0; rename && rename[k]; k += 2)
            if (strcmp(rename[k], key) == 0) {
                snprintf(key, sizeof(key), "%s", rename[k + 1]);
                break;
            }
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

int page_api_at(struct req *r, handler_fn h, int64_t id, int64_t n, const char *query,
                struct json_object *body, struct json_object **out)
{
    const char *names[ROUTE_MAX_PARAMS], *vals[ROUTE_MAX_PARAMS];
    int np = r->nparams, rc, k = 0;

    memcpy(names, r->param_names, sizeof(names));
    memcpy(vals, r->param_vals, sizeof(vals));
    if (id) {
        r->param_names[k] = "id";
        r->param_vals[k++] = arena_printf(r->ar, "%lld", (long long)id);
    }
    if (n) {
        r->param_names[k] = "n";
        r->param_vals[k++] = arena_printf(r->ar, "%lld", (long long)n);
    }
    r->nparams = k;
    rc = page_api(r, h, query, body, out);
    memcpy(r->param_names, names, sizeof(names));
    memcpy(r->param_vals, vals, sizeof(vals));
    r->nparams = np;
    return rc;
}

int page_api_if_match(struct req *r, handler_fn h, int64_t id, struct json_object *body,
                      struct json_object **out)
{
    const char *v = req_form(r, "version");
    int64_t version = 0;
    int rc;

    if (!v || params_id(v, &version) != 0)
        version = 0;
    req_set_header(r, "If-Match", arena_printf(r->ar, "\"%lld\"", (long long)version));
    rc = id ? page_api_at(r, h, id, 0, NULL, body, out) : page_api(r, h, NULL, body, out);
    req_set_header(r, "If-Match", NULL);
    return rc;
}

int page_filters_refused(struct req *r, struct json_object *d, const char *const *fields)
{
    page_add_field_errors(r, d, r->api_problem, fields, NULL);
    json_object_object_add(d, "error",
                           JSTR("Some filters are not valid: correct the fields marked below."));
    json_object_object_add(d, "rows", json_object_new_array());
    return 400;
}

void page_add_pager(struct req *r, struct json_object *d, const char *path, const char *const *keys,
                    const char *next)
{
    const char *cur = req_query(r, "cursor");

    json_object_object_add(d, "pager_path", JSTR(path));
    if (next)
        json_object_object_add(d, "next_query", JSTR(page_pass_query(r, keys, next)));
    if (cur && *cur) {
        json_object_object_add(d, "paged", JBOOL(1));
        json_object_object_add(d, "first_query", JSTR(page_pass_query(r, keys, "")));
    }
    json_object_object_add(d, "has_pager", JBOOL(next || (cur && *cur)));
}

int page_list_data(struct req *r, struct json_object *d, handler_fn h, const char *path,
                   const char *const *keys, const char *const *fields)
{
    struct json_object *out, *f = json_object_new_object();
    int rc = page_api(r, h, page_pass_query(r, keys, NULL), NULL, &out);

    for (size_t i = 0; keys[i]; i++)
        if (strcmp(keys[i], "cursor") != 0 && req_query(r, keys[i]))
            json_object_object_add(f, keys[i], JSTR(req_query(r, keys[i])));
    json_object_object_add(d, "filters", f);
    if (rc == 400)
        return page_filters_refused(r, d, fields);
    if (rc)
        return rc;
    page_jshare(d, "rows", page_jget(out, "data"));
    page_add_pager(r, d, path, keys, json_str_field(out, "next_cursor"));
    return 200;
}
