/* Problem+json rendering: the one place an error becomes a response. */
#include "http/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "db/db.h"
#include "http/request.h"
#include "http/router.h"

static const struct problem_info problems[] = {
#define X(e, s, c, t) {s, c, t},
    PROBLEM_TABLE(X)
#undef X
};

static problem_page_fn page_fn;

void problem_set_page(problem_page_fn fn)
{
    page_fn = fn;
}

const struct problem_info *problem_info(enum problem p)
{
    if ((int)p < 0 || p >= PROB__COUNT)
        p = PROB_INTERNAL;
    return &problems[p];
}

int problem(struct req *r, enum problem p, const char *fmt, ...)
{
    const struct problem_info *pi = problem_info(p);
    const char *detail;
    va_list ap;

    va_start(ap, fmt);
    detail = arena_vprintf(r->ar, fmt, ap);
    va_end(ap);
    if (pi->status >= 500 && p != PROB_DB_UNAVAILABLE && p != PROB_UNAVAILABLE) {
        /* internals go to the log, never to the client */
        log_msg(LOG_ERROR, "request '%s' failed: %s", r->request_id, detail);
        detail = "an internal error occurred; quote the instance when reporting it";
    }

    if (page_fn && !r->api_call && (r->want_html || (r->route && (r->route->flags & R_HTML)))) {
        r->status = pi->status;
        return page_fn(r, pi, detail);
    }

    struct sb *b = &r->body_out;
    sb_clear(b);
    sb_adds(b, "{\"type\":");
    const char *type = arena_printf(r->ar, "/problems/%s", pi->code);
    sb_add_json_str(b, type, strlen(type));
    sb_adds(b, ",\"title\":");
    sb_add_json_str(b, pi->title, strlen(pi->title));
    sb_printf(b, ",\"status\":%d,\"detail\":", pi->status);
    sb_add_json_str(b, detail, strlen(detail));
    sb_adds(b, ",\"instance\":");
    sb_add_json_str(b, r->request_id, strlen(r->request_id));
    sb_adds(b, ",\"code\":");
    sb_add_json_str(b, pi->code, strlen(pi->code));
    if (r->field_errors.n) {
        sb_adds(b, ",\"errors\":[");
        for (size_t i = 0; i < r->field_errors.n; i++) {
            const struct field_error *fe = &r->field_errors.v[i];
            sb_adds(b, i ? ",{\"field\":" : "{\"field\":");
            sb_add_json_str(b, fe->field, strlen(fe->field));
            sb_adds(b, ",\"message\":");
            sb_add_json_str(b, fe->message, strlen(fe->message));
            sb_addc(b, '}');
        }
        sb_addc(b, ']');
    }
    sb_adds(b, "}");
    r->status = pi->status;
    r->content_type = "application/problem+json";
    return pi->status;
}

int problem_db(struct req *r, int rc, const char *what)
{
    switch (rc) {
    case DB_EUNAVAIL:
        resp_header(r, "Retry-After", "1");
        return problem(r, PROB_DB_UNAVAILABLE, "the database is unavailable; retry shortly");
    case DB_ENOTFOUND:
        return problem(r, PROB_NOT_FOUND, "no such resource");
    case DB_EDUP:
        return problem(r, PROB_CONFLICT, "it already exists");
    case DB_EDEADLOCK:
        resp_header(r, "Retry-After", "1");
        return problem(r, PROB_UNAVAILABLE, "the database was busy; retry");
    default:
        return problem(r, PROB_INTERNAL, "%s: database error %d: %s", what, rc, db_errmsg(r->db));
    }
}

int problem_rollback(struct req *r, int rc, const char *what)
{
    db_rollback(r->db);
    return problem_db(r, rc, what);
}
