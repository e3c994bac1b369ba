/* Server-rendered pages: the templates, the session cookie, CSRF, and pages as API clients. */
#ifndef PAGES_PAGES_H
#define PAGES_PAGES_H

#include <stddef.h>

#include "http/router.h"

struct config;
struct json_object;

#define PAGE_COOKIE_SESSION "trellis_session" /* the access token */
#define PAGE_COOKIE_REFRESH "trellis_refresh" /* the refresh token, rotated on use */
#define PAGE_COOKIE_CSRF    "trellis_csrf"    /* random; forms carry its HMAC */

/*
 * Compiles every template under [paths] templates_dir into one set and checks it:
 * partials resolve, and the layout, login, error and every dashboard exist. Called by
 * the master at start (an error stops start-up, "file:line:col: what was expected")
 * and on SIGHUP (an error keeps the templates in use). Workers inherit the set.
 */
int pages_load(const struct config *cfg, char *err, size_t errlen);
void pages_unload(void);

/*
 * The dispatcher's steps for an R_HTML route, in this order. pages_prepare() decodes a
 * form body (other bodies: 415) and, on an R_CSRF route, checks its csrf_token against
 * the CSRF cookie (403 csrf_failed). pages_authenticate() takes the session cookie,
 * refreshes it with the refresh cookie when the access token is no longer valid, and
 * sends a visitor without a usable session to /login (303), with ?next= on a GET and a
 * message when a session has expired. Each returns 0 or the status it answered.
 */
int pages_prepare(struct req *r);
int pages_authenticate(struct req *r);

/*
 * What every page's layout reads: title, csrf_token, and for a signed-in user user,
 * tenant, org, role and nav. Arena-owned: add to it, never put it.
 */
struct json_object *page_data(struct req *r, const char *title);
/* Renders template name with data into the response (text/html, no-store, CSP). */
int page_render(struct req *r, int status, const char *name, struct json_object *data);
int page_redirect(struct req *r, const char *location); /* 303 See Other */

/*
 * Runs the API handler h as the signed-in user, with query (a raw query string, or
 * NULL for none) and body (JSON, or NULL) in place of the page's: the page shows what
 * the API answers, with the API's validation and access rules. Returns 0 with *out the
 * answer (arena-owned; NULL for 204), or the problem's status, the problem kept for
 * page_api_problem().
 */
int page_api(struct req *r, handler_fn h, const char *query, struct json_object *body,
             struct json_object **out);
/* The last problem page_api() answered: renders it as this page's error. */
int page_api_problem(struct req *r);
/* That problem's "detail" (or its title), for a message inside a page. */
const char *page_api_detail(struct req *r);

/* The session cookies after a login or refresh; clearing them signs out. */
void page_set_session(struct req *r, const char *access, const char *refresh);
void page_clear_session(struct req *r);

/* A local path to return to (starts with one '/'), else NULL: never an open redirect. */
const char *page_safe_next(const char *next);

#endif
