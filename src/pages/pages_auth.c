/* Signing in and out through forms: the login API's rules, the session in cookies. */
#include "pages/pages_http.h"

#include <string.h>

#include <json-c/json.h>

#include "core/json.h"
#include "http/request.h"
#include "identity/identity_http.h"
#include "pages/pages.h"
#include "pages/pages_form.h"

int pages_http_home(struct req *r)
{
    return page_redirect(r, "/dashboard");
}

/* The form, filled with what was typed (never the password), and a message. */
static int login_page(struct req *r, int status, const char *error)
{
    struct json_object *d = page_data(r, "Sign in");
    const char *next =
        page_safe_next(req_form(r, "next") ? req_form(r, "next") : req_query(r, "next"));
    const char *tenant = req_form(r, "tenant"), *email = req_form(r, "email");

    if (r->method == HTTP_GET) {
        if (req_query(r, "expired"))
            json_object_object_add(d, "notice",
                                   json_object_new_string("Your session has expired. Sign in "
                                                          "again to continue."));
        else if (req_query(r, "signed_out"))
            json_object_object_add(d, "notice", json_object_new_string("You have signed out."));
        tenant = req_query(r, "tenant");
    }
    if (error)
        json_object_object_add(d, "error", json_object_new_string(error));
    json_object_object_add(d, "next", next ? json_object_new_string(next) : NULL);
    json_object_object_add(d, "tenant_value", json_object_new_string(tenant ? tenant : ""));
    json_object_object_add(d, "email_value", json_object_new_string(email ? email : ""));
    return page_render(r, status, "login", d);
}

int pages_http_login_form(struct req *r)
{
    return login_page(r, 200, NULL);
}

int pages_http_login(struct req *r)
{
    static const char *const fields[] = {"tenant", "email", "password"};
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *next = page_safe_next(req_form(r, "next"));
    struct json_object *a, *rt;
    int rc;

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        const char *v = req_form(r, fields[i]);
        if (!v || !*v)
            return login_page(r, 400, "Enter the organization's tenant, your email and password.");
        json_object_object_add(body, fields[i], json_object_new_string(v));
    }
    rc = page_api(r, identity_http_login, NULL, body, &out);
    /* the login handler sets who it was about; this page stays signed out */
    memset(&r->ctx, 0, sizeof(r->ctx));
    switch (rc) {
    case 0:
        break;
    case 400:
        return login_page(r, 400, "The tenant, email or password is too long or malformed.");
    case 401:
        return login_page(r, 401, "The tenant, email or password is wrong.");
    case 423:
        return login_page(r, 423,
                          "This account is locked after too many failed sign-ins. Try again "
                          "later, or ask an administrator to unlock it.");
    default:
        return page_api_problem(r);
    }
    if (!json_object_object_get_ex(out, "access_token", &a) ||
        !json_object_object_get_ex(out, "refresh_token", &rt))
        return page_api_problem(r);
    page_set_session(r, json_object_get_string(a), json_object_get_string(rt));
    return page_redirect(r, next ? next : "/dashboard");
}

/* The session's organization: one of the user's (org_id), or none (org_id empty). */
int pages_http_switch_org(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out, *a, *rt;
    const char *org = page_form_val(r, "org_id");

    json_object_object_add(body, "org_id", org ? page_int_or_text(org) : NULL);
    if (page_api(r, identity_http_switch_org, NULL, body, &out) != 0 ||
        !json_object_object_get_ex(out, "access_token", &a) ||
        !json_object_object_get_ex(out, "refresh_token", &rt))
        return page_api_problem(r);
    page_set_session(r, json_object_get_string(a), json_object_get_string(rt));
    return page_redirect(r, "/dashboard");
}

int pages_http_logout(struct req *r)
{
    struct json_object *body = NULL, *out;
    const char *ref = req_cookie(r, PAGE_COOKIE_REFRESH);
    int rc;

    if (ref && *ref) {
        body = json_arena_own(r->ar, json_object_new_object());
        json_object_object_add(body, "refresh_token", json_object_new_string(ref));
    }
    /* revokes the refresh token's whole family, then forgets the cookies */
    rc = page_api(r, identity_http_logout, NULL, body, &out);
    if (rc >= 500)
        return page_api_problem(r);
    page_clear_session(r);
    return page_redirect(r, "/login?signed_out=1");
}
