/* A worker: accepts FastCGI requests, builds each in the arena, dispatches, logs, resets. */
#include "worker.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/idem.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/router.h"
#include "http/rbac.h"
#include "http/routes.h"
#include "identity/identity_http.h"
#include "pages/pages.h"
#include "service/stats.h"

/*
 * arena bytes of a request after which the worker returns freed heap to the kernel: above
 * what a 500-item price batch uses (1-4 MiB), which would otherwise fault its pages in
 * again on every batch
 */
#define TRIM_AFTER ((size_t)4 << 20)

static volatile sig_atomic_t stopping;

static void on_term(int sig)
{
    (void)sig;
    stopping = 1;
    /* makes libfcgi's accept give up instead of retrying on EINTR */
    FCGX_ShutdownPending();
}

static double mono_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A browser asking for a page path (not the API's): its 404 is a page too. */
static int wants_html(const struct req *r)
{
    const char *accept = req_header(r, "Accept");

    return strncmp(r->path, "/v1/", 4) != 0 && accept && strstr(accept, "text/html");
}

/*
 * The handler, run again (at most WORKER_DEADLOCK_RETRIES times) when it answered 503
 * because the database chose its transaction as a deadlock's victim and it had committed
 * nothing yet: the server rolled all of it back, so a second run starts clean, and the
 * client never sees a conflict between two requests that are each fine.
 */
#define WORKER_DEADLOCK_RETRIES 2

static int run_handler(struct req *r, const struct route *rt)
{
    for (int tries = 0;; tries++) {
        unsigned long deadlocks = r->db ? db_deadlock_count(r->db) : 0;
        unsigned long writes = r->db ? db_write_count(r->db) : 0;
        int rc = rt->handler(r);

        if (tries == WORKER_DEADLOCK_RETRIES || r->status != 503 || !r->db ||
            db_deadlock_count(r->db) == deadlocks || db_write_count(r->db) != writes)
            return rc;
        db_rollback(r->db);
        log_msg(LOG_INFO, "%s %s: a deadlock's victim, run again", r->method_name, r->path);
        r->status = 0;
        r->content_type = NULL;
        sb_clear(&r->headers);
        sb_clear(&r->body_out);
        r->field_errors.n = 0;
        r->api_problem = NULL;
    }
}

int worker_dispatch(struct req *r)
{
    unsigned allow;
    const struct route *rt;
    int idx = router_match(routes, routes_count, r, r->method, r->path, &allow);

    r->route_idx = idx;
    if (idx == -1) {
        r->want_html = wants_html(r);
        return problem(r, PROB_NOT_FOUND, "no resource at '%s'", r->path);
    }
    if (idx == -2) {
        resp_header(r, "Allow", "%s", router_allow_header(r->ar, allow));
        return problem(r, PROB_METHOD_NOT_ALLOWED, "'%s' does not allow %s", r->path,
                       r->method_name);
    }
    rt = r->route = &routes[idx];
    if ((rt->flags & R_CSV) && r->body_len > 0 && !http_is_csv_type(req_header(r, "Content-Type")))
        return problem(r, PROB_UNSUPPORTED_MEDIA, "the body must be text/csv");
    if ((rt->flags & R_JSON) && !(rt->flags & R_CSV) && r->body_len > 0 &&
        !http_is_json_type(req_header(r, "Content-Type")))
        return problem(r, PROB_UNSUPPORTED_MEDIA, "the body must be application/json");
    if ((rt->flags & R_DB) && db_ensure(r->db) != 0)
        return problem_db(r, DB_EUNAVAIL, rt->pattern);
    if (rt->flags & R_HTML) {
        int rc = pages_prepare(r);
        if (rc)
            return rc;
    }
    if (rt->flags & R_AUTH) {
        int rc = (rt->flags & R_HTML) ? pages_authenticate(r) : identity_http_authenticate(r);
        unsigned need = R_FLAGS_OF(rt->flags);
        if (rc)
            return rc;
        /* a disabled feature does not exist for the tenant, whatever the role */
        if (need && (r->ctx.flags & need) != need)
            return problem(r, PROB_FEATURE_DISABLED, "this feature is not enabled for the tenant");
        if (rt->perm && !rbac_allows(r->ctx.role, PERM_RESOURCE(rt->perm), PERM_ACTION(rt->perm))) {
            if (!r->ctx.role || !*r->ctx.role)
                return problem(r, PROB_FORBIDDEN,
                               "without an organization you have no role in this tenant; "
                               "choose one of your organizations first");
            return problem(r, PROB_FORBIDDEN, "the role '%s' may not %s %s", r->ctx.role,
                           (rt->perm & ACT_READ)     ? "read"
                           : (rt->perm & ACT_CREATE) ? "create"
                           : (rt->perm & ACT_UPDATE) ? "update"
                                                     : "delete",
                           rbac_resource_name(PERM_RESOURCE(rt->perm)));
        }
    }
    const char *key =
        r->method == HTTP_POST && r->ctx.tenant_id ? req_header(r, "Idempotency-Key") : NULL;
    if (key) {
        int rc = idem_begin(r, key);
        if (rc)
            return rc;
        rc = run_handler(r, rt);
        idem_finish(r, key);
        return rc;
    }
    return run_handler(r, rt);
}

/* Reads CONTENT_LENGTH bytes of body; returns 0 or the status of the problem rendered. */
static int read_body(struct req *r, FCGX_Stream *in, long max_body)
{
    const char *cl = req_env(r, "CONTENT_LENGTH");
    char *end;
    long long n;
    char *buf;
    int got;

    if (!cl || !*cl)
        return 0;
    errno = 0;
    n = strtoll(cl, &end, 10);
    if (errno || *end || n < 0)
        return problem(r, PROB_BAD_REQUEST, "Content-Length '%s' is not a length", cl);
    if (n > max_body)
        return problem(r, PROB_TOO_LARGE, "the body is %lld bytes; the limit is %ld", n, max_body);
    if (n == 0)
        return 0;
    buf = arena_alloc(r->ar, (size_t)n + 1);
    got = FCGX_GetStr(buf, (int)n, in);
    if (got != (int)n)
        return problem(r, PROB_TRUNCATED_BODY, "the body ended after %d of %lld bytes", got, n);
    buf[n] = '\0';
    r->body = buf;
    r->body_len = (size_t)n;
    return 0;
}

/* Fills r from the FastCGI params; returns 0 or the status of the problem rendered. */
static int parse_request(struct req *r, FCGX_Request *fr, long max_body)
{
    const char *uri, *q;
    size_t plen;

    r->env = fr->envp;
    r->request_id = req_env(r, "REQUEST_ID");
    if (!r->request_id || !*r->request_id) {
        unsigned char rnd[16];
        char *hex = arena_alloc(r->ar, 33);
        randombytes_buf(rnd, sizeof(rnd));
        sodium_bin2hex(hex, 33, rnd, sizeof(rnd));
        r->request_id = hex;
    }
    r->remote_addr = req_env(r, "REMOTE_ADDR");
    r->https = req_env(r, "HTTPS") && strcmp(req_env(r, "HTTPS"), "on") == 0;
    r->method_name = req_env(r, "REQUEST_METHOD");
    if (!r->method_name)
        r->method_name = "GET";
    r->method = http_method_parse(r->method_name);
    /* REQUEST_URI is the raw target: nginx's DOCUMENT_URI is already decoded and normalised */
    uri = req_env(r, "REQUEST_URI");
    if (!uri || uri[0] != '/')
        uri = "/";
    q = strchr(uri, '?');
    plen = q ? (size_t)(q - uri) : strlen(uri);
    r->raw_path = arena_strndup(r->ar, uri, plen);
    r->path = r->raw_path;
    r->query = q ? q + 1 : "";
    r->path = url_decode(r->ar, uri, plen, 0, NULL);
    if (!r->path) {
        r->path = r->raw_path;
        r->want_html = wants_html(r); /* before any route: a browser's page gets a page */
        return problem(r, PROB_BAD_ESCAPE, "the path has a bad percent-escape");
    }
    r->nquery = url_parse_query(r->ar, r->query, strlen(r->query), &r->query_params);
    if (r->nquery < 0) {
        r->nquery = 0;
        r->want_html = wants_html(r);
        return problem(r, PROB_BAD_ESCAPE, "the query string has a bad percent-escape");
    }
    return read_body(r, fr->in, max_body);
}

static void send_response(struct req *r, FCGX_Request *fr)
{
    struct sb h;
    size_t blen = r->body_out.len;

    if (sb_error(&r->body_out) || sb_error(&r->headers)) {
        sb_clear(&r->headers);
        problem(r, PROB_INTERNAL, "response buffer failed (%d)", sb_error(&r->body_out));
        blen = r->body_out.len;
    }
    sb_init(&h, r->ar);
    sb_printf(&h, "Status: %d %s\r\n", r->status, http_reason(r->status));
    if (r->status != 204 && r->status != 304)
        sb_printf(&h, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                  r->content_type ? r->content_type : "application/octet-stream", blen);
    sb_printf(&h, "X-Request-Id: %s\r\n", r->request_id);
    if (r->headers.len)
        sb_add(&h, r->headers.buf, r->headers.len);
    sb_adds(&h, "\r\n");
    if (sb_error(&h))
        abort();
    FCGX_PutStr(h.buf, (int)h.len, fr->out);
    if (r->method != HTTP_HEAD && blen)
        FCGX_PutStr(r->body_out.buf, (int)blen, fr->out);
}

static void access_log(struct req *r, double dur)
{
    struct sb l;
    struct timespec ts;
    struct tm tm;
    char tbuf[40];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm);
    sb_init(&l, r->ar);
    sb_printf(&l,
              "{\"ts\":\"%s.%03ldZ\",\"level\":\"info\",\"type\":\"access\",\"request_id\":", tbuf,
              ts.tv_nsec / 1000000);
    sb_add_json_str(&l, r->request_id, strlen(r->request_id));
    sb_adds(&l, ",\"method\":");
    sb_add_json_str(&l, r->method_name, strlen(r->method_name));
    sb_adds(&l, ",\"path\":");
    sb_add_json_str(&l, r->raw_path ? r->raw_path : "", r->raw_path ? strlen(r->raw_path) : 0);
    sb_adds(&l, ",\"route\":");
    if (r->route)
        sb_add_json_str(&l, r->route->pattern, strlen(r->route->pattern));
    else
        sb_adds(&l, "null");
    sb_printf(&l, ",\"status\":%d,\"duration_ms\":%.3f,\"bytes\":%zu", r->status, dur * 1e3,
              r->body_out.len);
    if (r->ctx.tenant_id)
        sb_printf(&l, ",\"tenant\":%lld,\"user\":%lld", (long long)r->ctx.tenant_id,
                  (long long)r->ctx.user_id);
    else
        sb_adds(&l, ",\"tenant\":null,\"user\":null");
    if (r->ctx.org_id)
        sb_printf(&l, ",\"org\":%lld", (long long)r->ctx.org_id);
    else
        sb_adds(&l, ",\"org\":null");
    sb_printf(&l, ",\"pid\":%d}", (int)getpid());
    if (!sb_error(&l))
        log_line(l.buf, l.len);
}

static void serve_one(FCGX_Request *fr, struct arena *ar, struct db *db, const struct config *cfg)
{
    struct req r;
    double t0 = mono_now(), dur;
    unsigned long db_errors = db_error_count(db);

    memset(&r, 0, sizeof(r));
    r.ar = ar;
    r.db = db;
    r.cfg = cfg;
    r.route_idx = -1;
    sb_init(&r.headers, ar);
    sb_init(&r.body_out, ar);
    if (parse_request(&r, fr, cfg->max_body) == 0)
        worker_dispatch(&r);
    /* a handler that forgot its transaction: the next request would read its snapshot, and
     * its START TRANSACTION would commit this one's writes */
    if (db_in_tx(db)) {
        log_msg(LOG_ERROR, "%s %s left a transaction open: rolled back", r.method_name,
                r.path ? r.path : "?");
        db_rollback(db);
    }
    send_response(&r, fr);
    dur = mono_now() - t0;
    access_log(&r, dur);
    metrics_observe(r.route_idx, r.status, dur);
    for (unsigned long e = db_error_count(db); db_errors < e; db_errors++)
        metrics_db_error();
    /* a write may have left rollup rows pending: folded after the answer (stats_fold_due) */
    if (r.method != HTTP_GET && r.method != HTTP_HEAD && r.status < 400 && r.ctx.tenant_id)
        stats_note_write(r.ctx.tenant_id);
}

int worker_run(const struct config *cfg, int listen_fd)
{
    struct sigaction sa;
    FCGX_Request fr;
    struct arena ar;
    struct db *db;
    sigset_t term;
    long served = 0;
    int rc = 0;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_term; /* no SA_RESTART: accept() must return */
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGINT, &sa, NULL); /* the master decides, and tells us with SIGTERM */
    sigaction(SIGHUP, &sa, NULL);

    if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
        log_msg(LOG_ERROR, "worker: libfcgi failed to initialise");
        return 3;
    }
    db = db_new(cfg);
    if (db_connect(db) == 0 && db_prepare_all(db) == DB_EBUG) {
        log_msg(LOG_ERROR, "worker: a registered query does not prepare: %s", db_errmsg(db));
        db_free(db);
        return 3;
    }
    arena_init(&ar, 0);
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    while (!stopping && (cfg->max_requests == 0 || served < cfg->max_requests)) {
        if (FCGX_Accept_r(&fr) < 0) {
            if (!stopping) {
                log_msg(LOG_ERROR, "worker: accept failed: %s", strerror(errno));
                rc = 3;
            }
            break;
        }
        /* a SIGTERM now waits until the response is out: no EINTR inside a request */
        sigprocmask(SIG_BLOCK, &term, NULL);
        serve_one(&fr, &ar, db, cfg);
        FCGX_Finish_r(&fr);
        if (stats_fold_due(db, &ar))
            log_msg(LOG_WARN, "worker: folding the pending rollup rows failed: %s", db_errmsg(db));
        size_t used = ar.used;
        arena_reset(&ar);
        /* glibc keeps freed heap for reuse: one large answer would pin the RSS for good */
        if (used > TRIM_AFTER)
            malloc_trim(0);
        served++;
        sigprocmask(SIG_UNBLOCK, &term, NULL);
    }
    FCGX_Free(&fr, 1);
    arena_release(&ar);
    db_free(db);
    return rc;
}
