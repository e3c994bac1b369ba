/* Idempotency keys: reserved before the handler runs, answered from the table after. */
#include "http/idem.h"

#include <stdlib.h>
#include <string.h>

#include "core/secret.h"
#include "db/db.h"
#include "http/problem.h"
#include "http/request.h"

#define IDEM_TTL_HOURS   24
#define IDEM_ABANDONED_S 60 /* a reservation older than this without an answer was lost */

const struct db_query Q_IDEM_GET = {
    "idem.get",
    "SELECT user_id, request_hash, status, content_type, headers, body, "
    "IF(created_at > NOW(3) - INTERVAL 24 HOUR, 1, 0), "
    "IF(status = 0 AND created_at < NOW(3) - INTERVAL 60 SECOND, 1, 0) "
    "FROM idempotency_keys WHERE tenant_id = ? AND idem_key = ?",
    "Ls",
    "LsLsssLL",
    DBQ_TENANT,
};

const struct db_query Q_IDEM_RESERVE = {
    "idem.reserve",
    "INSERT INTO idempotency_keys (tenant_id, idem_key, user_id, request_hash, status, "
    "content_type, headers, body) VALUES (?, ?, ?, ?, 0, '', '', '')",
    "LsLs",
    "",
    DBQ_TENANT,
};

const struct db_query Q_IDEM_STORE = {
    "idem.store",
    "UPDATE idempotency_keys SET status = ?, content_type = ?, headers = ?, body = ? "
    "WHERE tenant_id = ? AND idem_key = ?",
    "isssLs",
    "",
    DBQ_TENANT,
};

const struct db_query Q_IDEM_DELETE = {
    "idem.delete", "DELETE FROM idempotency_keys WHERE tenant_id = ? AND idem_key = ?", "Ls", "",
    DBQ_TENANT,
};

static const char *request_hash(struct req *r)
{
    struct sb b;
    char *out = arena_alloc(r->ar, SECRET_SHA256_HEX + 1);

    sb_init(&b, r->ar);
    sb_printf(&b, "%s\n%s\n%s\n", r->method_name, r->path, r->query);
    if (r->body)
        sb_add(&b, r->body, r->body_len);
    secret_sha256_hex(b.buf, b.len, out);
    return out;
}

int idem_begin(struct req *r, const char *key)
{
    const char *hash;
    struct db_res g;
    size_t n = strlen(key);
    int rc;

    if (n == 0 || n > 200 ||
        strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789-_.:") != n) {
        field_errors_add(r->ar, &r->field_errors, "Idempotency-Key",
                         "must be 1 to 200 characters of A-Z a-z 0-9 - _ . :");
        return problem(r, PROB_VALIDATION, "the Idempotency-Key header is malformed");
    }
    hash = request_hash(r);
    rc = db_exec(r->db, r->ar, &Q_IDEM_GET, r->ctx.tenant_id, &g, key);
    if (rc)
        return problem_db(r, rc, "idempotency");
    if (g.nrows == 1 && db_at(&g, 0, 6)->i && !db_at(&g, 0, 7)->i) {
        if (db_at(&g, 0, 0)->i != r->ctx.user_id || strcmp(db_at(&g, 0, 1)->s, hash) != 0)
            return problem(r, PROB_UNPROCESSABLE,
                           "this Idempotency-Key was used with another request");
        if (db_at(&g, 0, 2)->i == 0) {
            resp_header(r, "Retry-After", "1");
            return problem(r, PROB_CONFLICT, "a request with this Idempotency-Key is running");
        }
        r->status = (int)db_at(&g, 0, 2)->i;
        r->content_type = db_at(&g, 0, 3)->s[0] ? db_at(&g, 0, 3)->s : NULL;
        sb_clear(&r->headers);
        sb_add(&r->headers, db_at(&g, 0, 4)->s, db_at(&g, 0, 4)->len);
        resp_header(r, "Idempotent-Replayed", "true");
        sb_clear(&r->body_out);
        sb_add(&r->body_out, db_at(&g, 0, 5)->s, db_at(&g, 0, 5)->len);
        return r->status;
    }
    if (g.nrows == 1) { /* expired, or abandoned by a request that died */
        rc = db_exec(r->db, r->ar, &Q_IDEM_DELETE, r->ctx.tenant_id, NULL, key);
        if (rc)
            return problem_db(r, rc, "idempotency");
    }
    rc = db_exec(r->db, r->ar, &Q_IDEM_RESERVE, r->ctx.tenant_id, NULL, key,
                 (long long)r->ctx.user_id, hash);
    if (rc == DB_EDUP) {
        resp_header(r, "Retry-After", "1");
        return problem(r, PROB_CONFLICT, "a request with this Idempotency-Key is running");
    }
    return rc ? problem_db(r, rc, "idempotency") : 0;
}

void idem_finish(struct req *r, const char *key)
{
    if (r->status >= 500 || sb_error(&r->body_out)) {
        db_exec(r->db, r->ar, &Q_IDEM_DELETE, r->ctx.tenant_id, NULL, key);
        return;
    }
    db_exec(r->db, r->ar, &Q_IDEM_STORE, r->ctx.tenant_id, NULL, r->status,
            r->content_type ? r->content_type : "", r->headers.len ? r->headers.buf : "",
            r->body_out.len ? r->body_out.buf : "", key);
}
