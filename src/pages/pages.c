/* Pages: templates loaded by the master, session cookies, CSRF, and API calls for pages. */
#include "pages/pages.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "core/config.h"
#include "core/flags.h"
#include "core/json.h"
#include "core/log.h"
#include "core/secret.h"
#include "core/url.h"
#include "core/utf8.h"
#include "db/db.h"
#include "http/problem.h"
#include "http/rbac.h"
#include "http/request.h"
#include "identity/identity_http.h"
#include "org/org.h"
#include "pricing/book.h"
#include "tmpl/tmpl.h"

static struct tmpl_set *set;

/* What the code renders by name: a set without them must not start. */
static const char *const required[] = {
    "layout",          "login",           "error",           "dashboards/global",
    "orgs/list",       "orgs/detail",     "orgs/new",        "users/list",
    "users/detail",    "users/new",       "settings",        "audit",
    "channels/list",   "channels/new",    "channels/detail", "products/list",
    "products/new",    "products/detail", "catalog/browse",  "catalog/publication",
    "catalog/publish",
};

static int page_problem(struct req *r, const struct problem_info *pi, const char *detail);

int pages_load(const struct config *cfg, char *err, size_t errlen)
{
    struct tmpl_set *s = tmpl_set_new();
    struct tmpl_error te;
    size_t ntypes = 0;

    while (org_types[ntypes])
        ntypes++;

    if (tmpl_set_load_dir(s, cfg->templates_dir, &te) != 0 || tmpl_set_check(s, &te) != 0) {
        snprintf(err, errlen, "%s", te.msg);
        tmpl_set_free(s);
        return -1;
    }
    for (size_t i = 0; i < sizeof(required) / sizeof(required[0]) + ntypes; i++) {
        char name[64];
        if (i < sizeof(required) / sizeof(required[0]))
            snprintf(name, sizeof(name), "%s", required[i]);
        else /* a dashboard for every organization type */
            snprintf(name, sizeof(name), "dashboards/%s",
                     org_types[i - sizeof(required) / sizeof(required[0])]);
        if (!tmpl_set_get(s, name)) {
            snprintf(err, errlen, "%s: no template '%s' (%s/%s.mustache)", cfg->templates_dir, name,
                     cfg->templates_dir, name);
            tmpl_set_free(s);
            return -1;
        }
    }
    tmpl_set_free(set);
    set = s;
    problem_set_page(page_problem);
    return 0;
}

void pages_unload(void)
{
    tmpl_set_free(set);
    set = NULL;
}

/* ---- cookies and CSRF ---- */

/* max_age < 0: a cookie for the browser session; 0: deletes it. */
static void set_cookie(struct req *r, const char *name, const char *value, long max_age)
{
    char age[40] = "";

    if (max_age >= 0)
        snprintf(age, sizeof(age), "; Max-Age=%ld", max_age);
    resp_header(r, "Set-Cookie", "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value, age,
                r->https ? "; Secure" : "");
}

void page_set_session(struct req *r, const char *access, const char *refresh)
{
    set_cookie(r, PAGE_COOKIE_SESSION, access, r->cfg->refresh_ttl);
    set_cookie(r, PAGE_COOKIE_REFRESH, refresh, r->cfg->refresh_ttl);
}

void page_clear_session(struct req *r)
{
    set_cookie(r, PAGE_COOKIE_SESSION, "", 0);
    set_cookie(r, PAGE_COOKIE_REFRESH, "", 0);
}

/* A CSRF cookie we could have issued: SECRET_TOKEN_LEN base64url characters. */
static int csrf_cookie_ok(const char *c)
{
    if (!c || strlen(c) != SECRET_TOKEN_LEN)
        return 0;
    return strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
           SECRET_TOKEN_LEN;
}

/*
 * The form token is an HMAC of the cookie under the server's key: a cookie planted by
 * someone else (a sibling subdomain) is useless without the key.
 */
static const char *csrf_token_for(struct req *r, const char *cookie)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    size_t n = sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(r->ar, n);

    crypto_auth_hmacsha256_init(&st, (const unsigned char *)r->cfg->jwt_secret,
                                strlen(r->cfg->jwt_secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"trellis csrf", 13);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)cookie, strlen(cookie));
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, n, mac, sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/* The token for this page's forms; issues the cookie when the browser has none. */
static const char *page_csrf_token(struct req *r)
{
    const char *c = req_cookie(r, PAGE_COOKIE_CSRF);

    if (!csrf_cookie_ok(c)) {
        char fresh[SECRET_TOKEN_LEN + 1];
        secret_token(fresh);
        c = arena_strdup(r->ar, fresh);
        set_cookie(r, PAGE_COOKIE_CSRF, c, -1);
        /* later forms of this request use the new cookie: first, so req_cookie finds it */
        struct kv *nv = arena_alloc(r->ar, sizeof(*nv) * (size_t)(r->ncookies + 1));
        if (r->ncookies)
            memcpy(nv + 1, r->cookies, sizeof(*nv) * (size_t)r->ncookies);
        nv[0].key = PAGE_COOKIE_CSRF;
        nv[0].val = c;
        r->cookies = nv;
        r->ncookies++;
    }
    return csrf_token_for(r, c);
}

int pages_prepare(struct req *r)
{
    if (r->body_len > 0) {
        if (!http_is_form_type(req_header(r, "Content-Type")))
            return problem(r, PROB_UNSUPPORTED_MEDIA,
                           "a form must be sent as application/x-www-form-urlencoded");
        r->nform = url_parse_query(r->ar, r->body, r->body_len, &r->form);
        if (r->nform < 0) {
            r->nform = 0;
            return problem(r, PROB_BAD_ESCAPE, "the form has a bad percent-escape");
        }
        /* named here: the API the page calls would only see malformed JSON */
        for (int i = 0; i < r->nform; i++)
            if (!utf8_valid(r->form[i].key, strlen(r->form[i].key)) ||
                !utf8_valid(r->form[i].val, strlen(r->form[i].val)))
                field_errors_add(r->ar, &r->field_errors,
                                 utf8_valid(r->form[i].key, strlen(r->form[i].key)) ? r->form[i].key
                                                                                    : "form",
                                 "must be text (UTF-8)");
        if (r->field_errors.n)
            return problem(r, PROB_VALIDATION, "the form has a field that is not UTF-8 text");
    }
    if (r->route->flags & R_CSRF) {
        const char *cookie = req_cookie(r, PAGE_COOKIE_CSRF), *tok = req_form(r, "csrf_token");
        if (!csrf_cookie_ok(cookie) || !tok || !secret_equal(tok, csrf_token_for(r, cookie)))
            return problem(r, PROB_CSRF,
                           "the form's security token is missing or out of date; "
                           "go back, reload the page and submit it again");
    }
    return 0;
}

/* ---- pages as API clients ---- */

/* Drops what an inner call wrote: its body, its headers after mark, its status. */
static void forget_answer(struct req *r, size_t mark)
{
    sb_clear(&r->body_out);
    if (r->headers.buf) {
        r->headers.len = mark;
        r->headers.buf[mark] = '\0';
    }
    r->status = 0;
    r->content_type = NULL;
    memset(&r->field_errors, 0, sizeof(r->field_errors));
}

int page_api(struct req *r, handler_fn h, const char *query, struct json_object *body,
             struct json_object **out)
{
    struct kv *qp = r->query_params;
    int nq = r->nquery, status;
    const char *q = r->query, *b = r->body, *ct = req_header(r, "Content-Type");
    size_t blen = r->body_len, mark = r->headers.len;
    struct json_object *answer = NULL;

    *out = NULL;
    r->api_problem = NULL;
    r->query = query ? query : "";
    r->query_params = NULL;
    r->nquery = url_parse_query(r->ar, r->query, strlen(r->query), &r->query_params);
    if (r->nquery < 0)
        r->nquery = 0;
    r->body = body ? json_text(r->ar, body) : NULL;
    r->body_len = r->body ? strlen(r->body) : 0;
    req_set_header(r, "Content-Type", body ? "application/json" : ct);
    memset(&r->field_errors, 0, sizeof(r->field_errors));

    r->api_call = 1;
    status = h(r);
    r->api_call = 0;

    if (r->body_out.len &&
        json_parse(r->ar, r->body_out.buf, r->body_out.len, &answer, NULL, 0) != JSON_OK)
        answer = NULL;
    forget_answer(r, mark);
    r->query = q;
    r->query_params = qp;
    r->nquery = nq;
    r->body = b;
    r->body_len = blen;
    req_set_header(r, "Content-Type", ct);
    if (status >= 400 || (status >= 300 && status != 304)) {
        r->api_problem = answer;
        return status >= 400 ? status : 500;
    }
    *out = answer;
    return 0;
}

const char *page_api_detail(struct req *r)
{
    const char *d = r->api_problem ? json_str_field(r->api_problem, "detail") : NULL;

    if (!d && r->api_problem)
        d = json_str_field(r->api_problem, "title");
    return d ? d : "the request failed";
}

/* ---- sessions ---- */

/* Authenticates with the access token tok; 0, or the status without an answer kept. */
static int session_try(struct req *r, const char *tok)
{
    size_t mark = r->headers.len;
    int rc;

    req_set_header(r, "Authorization", arena_printf(r->ar, "Bearer %s", tok));
    r->api_call = 1;
    rc = identity_http_authenticate(r);
    r->api_call = 0;
    if (rc)
        forget_answer(r, mark);
    return rc;
}

static int is_token_text(const char *s)
{
    /* JWTs and our refresh tokens: base64url, dots; anything else is not worth a query */
    return s && *s && strlen(s) < 4096 &&
           s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")] ==
               '\0';
}

int pages_authenticate(struct req *r)
{
    const char *tok = req_cookie(r, PAGE_COOKIE_SESSION), *ref = req_cookie(r, PAGE_COOKIE_REFRESH);
    int had = (tok && *tok) || (ref && *ref), rc;
    struct sb loc;

    if (is_token_text(tok)) {
        rc = session_try(r, tok);
        if (rc == 0)
            return 0;
        if (rc >= 500)
            return problem_db(r, DB_EUNAVAIL, "session");
    }
    if (is_token_text(ref)) {
        struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
        json_object_object_add(body, "refresh_token", json_object_new_string(ref));
        rc = page_api(r, identity_http_refresh, NULL, body, &out);
        if (rc == 0 && json_str_field(out, "access_token") &&
            json_str_field(out, "refresh_token")) {
            page_set_session(r, json_str_field(out, "access_token"),
                             json_str_field(out, "refresh_token"));
            rc = session_try(r, json_str_field(out, "access_token"));
            if (rc == 0)
                return 0;
        }
        if (rc >= 500)
            return page_api_problem(r);
    }
    if (had)
        page_clear_session(r);
    sb_init(&loc, r->ar);
    sb_adds(&loc, "/login");
    if (r->method == HTTP_GET || r->method == HTTP_HEAD) {
        const char *next =
            *r->query ? arena_printf(r->ar, "%s?%s", r->raw_path, r->query) : r->raw_path;
        sb_adds(&loc, "?next=");
        sb_add_url(&loc, next, strlen(next));
    }
    if (had)
        sb_adds(&loc, strchr(loc.buf, '?') ? "&expired=1" : "?expired=1");
    return page_redirect(r, loc.buf);
}

const char *page_safe_next(const char *next)
{
    /* "//host" and "/\host" leave the site in browsers; control characters split headers */
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 2000)
        return NULL;
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return NULL;
    return next;
}

int page_redirect(struct req *r, const char *location)
{
    sb_clear(&r->body_out);
    resp_header(r, "Location", "%s", location);
    resp_header(r, "Cache-Control", "no-store");
    r->status = 303;
    r->content_type = "text/html; charset=utf-8";
    sb_adds(&r->body_out, "<!doctype html><title>See Other</title><a href=\"");
    sb_add_html(&r->body_out, location, strlen(location));
    sb_adds(&r->body_out, "\">Continue</a>\n");
    return 303;
}

/* ---- rendering ---- */

static void nav_add(struct req *r, struct json_object *nav, const char *href, const char *label)
{
    struct json_object *o = json_object_new_object();
    size_t n = strlen(href);
    int current = strncmp(r->path, href, n) == 0 && (r->path[n] == '\0' || r->path[n] == '/');

    json_object_object_add(o, "href", json_object_new_string(href));
    json_object_object_add(o, "label", json_object_new_string(label));
    json_object_object_add(o, "current", json_object_new_boolean(current));
    json_object_array_add(nav, o);
}

struct json_object *page_data(struct req *r, const char *title)
{
    struct json_object *d = json_arena_own(r->ar, json_object_new_object());
    const char *role = r->ctx.role;

    json_object_object_add(d, "title", json_object_new_string(title));
    json_object_object_add(d, "csrf_token", json_object_new_string(page_csrf_token(r)));
    if (r->ctx.user_id) {
        struct json_object *u = json_object_new_object(), *t = json_object_new_object(),
                           *nav = json_object_new_array();
        json_object_object_add(u, "id", json_object_new_int64(r->ctx.user_id));
        json_object_object_add(u, "email", json_object_new_string(r->ctx.email));
        json_object_object_add(d, "user", u);
        json_object_object_add(d, "role", role && *role ? json_object_new_string(role) : NULL);
        json_object_object_add(t, "slug", json_object_new_string(r->ctx.tenant_slug));
        json_object_object_add(t, "name", json_object_new_string(r->ctx.tenant_name));
        json_object_object_add(d, "tenant", t);
        if (r->ctx.org_id) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "id", json_object_new_int64(r->ctx.org_id));
            json_object_object_add(o, "name", json_object_new_string(r->ctx.org_name));
            json_object_object_add(o, "type", json_object_new_string(r->ctx.org_type));
            json_object_object_add(d, "org", o);
        }
        nav_add(r, nav, "/dashboard", "Dashboard");
        if ((r->ctx.flags & (1u << FLAG_ORG)) && rbac_allows(role, RES_ORGS, ACT_READ))
            nav_add(r, nav, "/orgs", "Organizations");
        if ((r->ctx.flags & FLAG_BIT(FLAG_CHANNELS)) && rbac_allows(role, RES_CHANNELS, ACT_READ))
            nav_add(r, nav, "/channels", "Channels");
        if ((r->ctx.flags & FLAG_BIT(FLAG_CATALOG_PUBLISHING)) &&
            rbac_allows(role, RES_CATALOG, ACT_READ))
            nav_add(r, nav, "/products", "Products");
        if ((r->ctx.flags & FLAG_BIT(FLAG_CATALOG_PUBLISHING)) &&
            rbac_allows(role, RES_LISTINGS, ACT_READ))
            nav_add(r, nav, "/catalog", "Catalog");
        /* books are the tenant's, a manufacturer's or a distributor's (docs/pricing.md) */
        if ((r->ctx.flags & FLAG_BIT(FLAG_PRICE_BOOKS)) &&
            rbac_allows(role, RES_PRICE_BOOKS, ACT_READ) &&
            (!r->ctx.org_id || book_org_type_may_manage(r->ctx.org_type)))
            nav_add(r, nav, "/price-books", "Price books");
        if ((r->ctx.flags & FLAG_BIT(FLAG_PRICE_RESOLUTION)) &&
            rbac_allows(role, RES_PRICES, ACT_READ))
            nav_add(r, nav, "/prices/check", "Price check");
        if (rbac_allows(role, RES_EQUIPMENT, ACT_READ))
            nav_add(r, nav, "/equipment", "Equipment");
        if (rbac_allows(role, RES_TICKETS, ACT_READ))
            nav_add(r, nav, "/tickets", "Tickets");
        if (rbac_allows(role, RES_USERS, ACT_READ))
            nav_add(r, nav, "/users", "Users");
        if (rbac_allows(role, RES_AUDIT, ACT_READ))
            nav_add(r, nav, "/audit", "Audit log");
        if (rbac_allows(role, RES_SETTINGS, ACT_READ))
            nav_add(r, nav, "/settings", "Settings");
        json_object_object_add(d, "nav", nav);
    }
    return d;
}

/* The last resort when a template cannot render: a bare page that says so. */
static int plain_error(struct req *r, const char *why)
{
    log_msg(LOG_ERROR, "request '%s': page failed: %s", r->request_id, why);
    sb_clear(&r->body_out);
    sb_printf(&r->body_out,
              "<!doctype html><title>Internal Server Error</title><h1>Internal Server "
              "Error</h1><p>Quote %s when reporting it.</p>\n",
              r->request_id);
    r->status = 500;
    r->content_type = "text/html; charset=utf-8";
    return 500;
}

/*
 * The largest page each template rendered in this worker: the body builder starts that
 * big, so a page costs one allocation instead of a dozen doublings and copies.
 */
static struct {
    const struct tmpl *t;
    size_t size;
} size_hints[32];

static size_t *size_hint(const struct tmpl *t)
{
    for (size_t i = 0; i < sizeof(size_hints) / sizeof(size_hints[0]); i++) {
        if (size_hints[i].t == t)
            return &size_hints[i].size;
        if (!size_hints[i].t) {
            size_hints[i].t = t;
            return &size_hints[i].size;
        }
    }
    return NULL; /* more templates than slots: those grow as they go */
}

int page_render(struct req *r, int status, const char *name, struct json_object *data)
{
    const struct tmpl *t = set ? tmpl_set_get(set, name) : NULL;
    struct tmpl_error err;
    size_t *hint;

    if (!t)
        return plain_error(r, arena_printf(r->ar, "no template '%s'", name));
    sb_clear(&r->body_out);
    hint = size_hint(t);
    if (hint && *hint)
        sb_reserve(&r->body_out, *hint);
    if (tmpl_render(t, data, &r->body_out, &err) != 0)
        return plain_error(r, err.msg);
    if (hint && r->body_out.len > *hint && r->body_out.len <= 4u << 20)
        *hint = r->body_out.len;
    r->status = status;
    r->content_type = "text/html; charset=utf-8";
    resp_header(r, "Cache-Control", "no-store");
    /* no script at all: an injection that slipped through still cannot run */
    resp_header(r, "Content-Security-Policy",
                "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    resp_header(r, "X-Content-Type-Options", "nosniff");
    resp_header(r, "Referrer-Policy", "same-origin");
    return status;
}

static int render_error(struct req *r, int status, const char *code, const char *title,
                        const char *detail, struct json_object *errors)
{
    struct json_object *d = page_data(r, title);

    json_object_object_add(d, "status", json_object_new_int(status));
    json_object_object_add(d, "code", json_object_new_string(code));
    json_object_object_add(d, "detail", json_object_new_string(detail));
    json_object_object_add(d, "instance", json_object_new_string(r->request_id));
    if (errors)
        json_object_object_add(d, "errors", json_object_get(errors));
    json_object_object_add(d, "signed_out", json_object_new_boolean(!r->ctx.user_id));
    return page_render(r, status, "error", d);
}

static int page_problem(struct req *r, const struct problem_info *pi, const char *detail)
{
    struct json_object *errors = NULL;

    if (r->field_errors.n) {
        errors = json_arena_own(r->ar, json_object_new_array());
        for (size_t i = 0; i < r->field_errors.n; i++) {
            struct json_object *e = json_object_new_object();
            json_object_object_add(e, "field", json_object_new_string(r->field_errors.v[i].field));
            json_object_object_add(e, "message",
                                   json_object_new_string(r->field_errors.v[i].message));
            json_object_array_add(errors, e);
        }
    }
    return render_error(r, pi->status, pi->code, pi->title, detail, errors);
}

int page_api_problem(struct req *r)
{
    struct json_object *p = r->api_problem, *st = NULL, *errors = NULL;
    int status = 500;

    if (p && json_object_object_get_ex(p, "status", &st))
        status = json_object_get_int(st);
    if (status < 400 || status > 599)
        status = 500;
    if (p)
        json_object_object_get_ex(p, "errors", &errors);
    return render_error(
        r, status, p && json_str_field(p, "code") ? json_str_field(p, "code") : "internal_error",
        p && json_str_field(p, "title") ? json_str_field(p, "title") : "Internal Server Error",
        page_api_detail(r), errors);
}
