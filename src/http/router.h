/* Route matching: segments with {name} captures, no regexes; 405 with Allow. */
#ifndef HTTP_ROUTER_H
#define HTTP_ROUTER_H

#include "http/request.h"

typedef int (*handler_fn)(struct req *r);

/* Route flags: checked by the dispatcher before the handler runs. */
enum {
    R_PUBLIC = 1 << 0, /* no authentication */
    R_AUTH = 1 << 1,   /* a valid token */
    R_JSON = 1 << 2,   /* JSON in and out: problem+json errors, 415 on other bodies */
    R_HTML = 1 << 3,   /* a page: errors as pages */
    R_CSRF = 1 << 4,   /* form with a CSRF token */
    R_DB = 1 << 5,     /* needs the database: 503 while it is down */
    R_TEXT = 1 << 6,   /* plain text out (metrics) */
    R_CSV = 1 << 7,    /* with R_JSON: a text/csv body in (415 on others), JSON out */
};

/* R_FLAG(FLAG_ORG): the route exists only while the tenant has that feature on (404
 * feature_disabled otherwise). Feature bits live above the R_* bits. */
#define R_FLAG_SHIFT      16
#define R_FLAG(f)         (1u << (R_FLAG_SHIFT + (f)))
#define R_FLAGS_OF(flags) ((flags) >> R_FLAG_SHIFT)

struct route {
    unsigned methods;    /* enum http_method bits */
    const char *pattern; /* "/v1/orgs/{id}" */
    handler_fn handler;
    unsigned flags;
    const char *owner; /* the module answerable for it */
    unsigned perm;     /* PERM(resource, action) of http/rbac.h; 0: any authenticated user */
};

/*
 * Finds the route for (method, path) in table[0..n). HEAD matches GET routes.
 * Returns its index and fills r->param_* (arena copies); -1 when no pattern
 * matches (404), -2 when a pattern matches with another method (405), in
 * which case *allow gets the allowed methods' bits.
 */
int router_match(const struct route *table, int n, struct req *r, enum http_method m,
                 const char *path, unsigned *allow);

/* "GET, HEAD, POST" for the bits in allow, in an arena string. */
const char *router_allow_header(struct arena *ar, unsigned allow);

/* Checks a table: patterns well formed, no duplicates, flags consistent. Returns the
 * number of problems and writes the first into msg. */
int router_lint(const struct route *table, int n, char *msg, size_t msglen);

#endif
