/* One HTTP request and its response, built from FastCGI params, living in the request arena. */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/url.h"

enum http_method {
    HTTP_GET = 1 << 0,
    HTTP_HEAD = 1 << 1,
    HTTP_POST = 1 << 2,
    HTTP_PUT = 1 << 3,
    HTTP_PATCH = 1 << 4,
    HTTP_DELETE = 1 << 5,
    HTTP_OPTIONS = 1 << 6,
    HTTP_OTHER = 1 << 7,
};

#define ROUTE_MAX_PARAMS 8

struct db;
struct route;

/* Who is asking: set by the dispatcher from verified claims, never from the URL or body. */
struct ctx {
    int64_t tenant_id;
    int64_t user_id;
    int64_t org_id;       /* 0: no organization in the token */
    int64_t branch_id;    /* 0: none */
    const char *role;     /* the effective role: the membership's with an org, else the user's */
    const char *org_type; /* NULL without an organization */
    unsigned flags;       /* the tenant's feature flags (FLAG_* bits) */
    const char *email;    /* the user's, as the principal check read it */
    const char *tenant_slug;
    const char *tenant_name;
    const char *org_name; /* NULL without an organization */
};

struct req {
    struct arena *ar;
    /* request */
    enum http_method method;
    const char *method_name;
    const char *path; /* percent-decoded, without the query */
    const char *raw_path;
    const char *query;       /* raw, "" when none */
    struct kv *query_params; /* decoded */
    int nquery;
    char **env;       /* FastCGI params, NAME=value */
    const char *body; /* NUL-terminated copy; NULL when none */
    size_t body_len;
    const char *request_id;
    const char *remote_addr;
    int https;
    /* routing */
    const struct route *route;
    int route_idx; /* -1 when none matched */
    const char *param_names[ROUTE_MAX_PARAMS];
    const char *param_vals[ROUTE_MAX_PARAMS];
    int nparams;
    struct ctx ctx;
    /* services */
    struct db *db;
    const struct config *cfg;
    /* response */
    int status;
    const char *content_type;
    struct sb headers; /* extra header lines, each ending in \r\n */
    struct sb body_out;
    struct field_errors field_errors;
    struct kv *cookies;
    int ncookies;
    int cookies_parsed;
    /* pages */
    struct kv *form; /* an application/x-www-form-urlencoded body, decoded */
    int nform;
    struct kv *hdr_over; /* headers set by the server for an inner API call (req_set_header) */
    int nhdr_over;
    int api_call;                    /* inside page_api(): problems are JSON, whatever the route */
    int want_html;                   /* no route matched and a browser asked: the 404 is a page */
    struct json_object *api_problem; /* the problem the last page_api() call answered */
};

enum http_method http_method_parse(const char *s);
const char *http_method_name(enum http_method m);
const char *http_reason(int status);
/* application/json or an application/...+json type, parameters ignored. */
int http_is_json_type(const char *content_type);

/* A request header by its HTTP name, case-insensitive ("Content-Type"), or NULL. */
const char *req_header(const struct req *r, const char *name);
const char *req_env(const struct req *r, const char *name);
const char *req_query(const struct req *r, const char *key);
const char *req_param(const struct req *r, const char *name);
const char *req_cookie(struct req *r, const char *name);
const char *req_form(const struct req *r, const char *name);
/* Sets (or replaces) a request header as req_header() reads it: for inner API calls. */
void req_set_header(struct req *r, const char *name, const char *value);
/* application/x-www-form-urlencoded, parameters ignored. */
int http_is_form_type(const char *content_type);
/* text/csv, parameters (charset, header) ignored. */
int http_is_csv_type(const char *content_type);

/*
 * Parses an already-read body as JSON, checking Content-Type first: 415 when
 * it is not application/json, 400 on malformed JSON. Returns 0 with *out set,
 * or the status of the problem it rendered.
 */
int req_json_body(struct req *r, struct json_object **out);

void resp_header(struct req *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Sets a JSON response (takes ownership of nothing: serialises obj now). */
int resp_json(struct req *r, int status, struct json_object *obj);
int resp_text(struct req *r, int status, const char *content_type, const char *s, size_t n);

#endif
