/* The audit chain and the outbox in SQL: the only place their statements live. */
#include "audit/audit.h"

#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/secret.h"
#include "db/db.h"
#include "db/queries.h"

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* The chain's link in one call (migration 0013): lock the head, link, insert, move the head. */
const struct db_query Q_AUDIT_APPEND = {
    "audit.append", "CALL audit_append(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "LLLssLsssss", "",
    DBQ_GLOBAL,
};

/* The link, the outbox event (NULL type: none) and the commit (migration 0013). */
const struct db_query Q_AUDIT_COMMIT = {
    "audit.commit", "CALL audit_commit(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "LLLssLsssssss", "",
    DBQ_GLOBAL,
};

const struct db_query Q_AUDIT_WALK = {
    "audit.walk",
    "SELECT seq, COALESCE(actor_id, 0), COALESCE(org_id, 0), action, entity, "
    "COALESCE(entity_id, 0), before_json, after_json, request_id, ip, "
    "LEFT(DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), 23), prev_hash, hash "
    "FROM audit_log WHERE tenant_id = ? AND seq > ? ORDER BY seq LIMIT 500",
    "LL",
    "LLLssLsssssss",
    DBQ_TENANT,
};

/*
 * GET /v1/audit-logs: newest first, keyset on seq (0: from the newest). A NULL parameter
 * switches its filter off; the org filter keeps an org-scoped caller to its own rows.
 */
const struct db_query Q_AUDIT_LIST = {
    "audit.list",
    "SELECT seq, CONCAT(LEFT(DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), actor_id, "
    "org_id, action, entity, entity_id, before_json, after_json, request_id, ip "
    "FROM audit_log WHERE tenant_id = ? AND (? = 0 OR seq < ?) AND (? IS NULL OR org_id = ?) "
    "AND (? IS NULL OR entity = ?) AND (? IS NULL OR entity_id = ?) "
    "AND (? IS NULL OR actor_id = ?) AND (? IS NULL OR at >= ?) ORDER BY seq DESC LIMIT ?",
    "LLLNNssNNNNssi",
    "LsLLssLssss",
    DBQ_TENANT,
};

const struct db_query Q_AUDIT_TENANTS = {
    "audit.tenants",
    "SELECT t.id, t.slug, COALESCE(h.seq, 0), COALESCE(h.head, '') FROM tenants t "
    "LEFT JOIN audit_heads h ON h.tenant_id = t.id ORDER BY t.id",
    "",
    "LsLs",
    DBQ_GLOBAL,
};

const struct db_query Q_OUTBOX_INSERT = {
    "outbox.insert",
    "INSERT INTO outbox_events (tenant_id, event_type, entity, entity_id, payload, request_id) "
    "VALUES (?, ?, ?, ?, ?, ?)",
    "LssNss",
    "",
    DBQ_TENANT,
};

/* The row's time, and "" for a missing request id or address, as the hash takes them. */
static void stamp(struct arena *ar, struct audit_entry *e)
{
    char at[32];
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(at, sizeof(at), "%Y-%m-%d %H:%M:%S", &tm);
    e->at = arena_printf(ar, "%s.%03ld", at, ts.tv_nsec / 1000000);
    if (!e->request_id)
        e->request_id = "";
    if (!e->ip)
        e->ip = "";
}

int audit_record(struct db *db, struct arena *ar, struct audit_entry *e)
{
    stamp(ar, e);
    /* audit_append() hashes as audit_hash() does; the tenant's chain decides the seq */
    return db_exec(db, ar, &Q_AUDIT_APPEND, 0, NULL, (long long)e->tenant_id,
                   (long long)e->actor_id, (long long)e->org_id, e->action, e->entity,
                   (long long)e->entity_id, e->before, e->after, e->request_id, e->ip, e->at);
}

int audit_commit(struct db *db, struct arena *ar, struct audit_entry *e, const char *event,
                 const char *payload)
{
    int rc;

    stamp(ar, e);
    rc = db_exec(db, ar, &Q_AUDIT_COMMIT, 0, NULL, (long long)e->tenant_id, (long long)e->actor_id,
                 (long long)e->org_id, e->action, e->entity, (long long)e->entity_id, e->before,
                 e->after, e->request_id, e->ip, e->at, event, event ? payload : NULL);
    if (!rc)
        db_committed(db);
    return rc;
}

static int verify_tenant(struct db *db, struct arena *ar, int64_t tid, const char *slug,
                         int64_t head_seq, const char *head, FILE *out)
{
    char prev[SECRET_SHA256_HEX + 1] = ZERO_HASH, hash[SECRET_SHA256_HEX + 1];
    int64_t last = 0;

    for (;;) {
        struct db_res res;
        int rc = db_exec(db, ar, &Q_AUDIT_WALK, tid, &res, (long long)last);
        if (rc)
            return rc;
        for (int i = 0; i < res.nrows; i++) {
            struct audit_entry e = {
                .tenant_id = tid,
                .seq = db_at(&res, i, 0)->i,
                .actor_id = db_at(&res, i, 1)->i,
                .org_id = db_at(&res, i, 2)->i,
                .action = db_at(&res, i, 3)->s,
                .entity = db_at(&res, i, 4)->s,
                .entity_id = db_at(&res, i, 5)->i,
                .before = db_at(&res, i, 6)->s,
                .after = db_at(&res, i, 7)->s,
                .request_id = db_at(&res, i, 8)->s,
                .ip = db_at(&res, i, 9)->s,
                .at = db_at(&res, i, 10)->s,
            };
            if (e.seq != last + 1) {
                fprintf(out, "tenant '%s': row %lld is missing (next is %lld)\n", slug,
                        (long long)last + 1, (long long)e.seq);
                return 1;
            }
            if (strcmp(db_at(&res, i, 11)->s, prev) != 0) {
                fprintf(out, "tenant '%s': row %lld does not link to row %lld\n", slug,
                        (long long)e.seq, (long long)last);
                return 1;
            }
            audit_hash(&e, prev, hash);
            if (strcmp(hash, db_at(&res, i, 12)->s) != 0) {
                fprintf(out, "tenant '%s': row %lld was changed after it was written\n", slug,
                        (long long)e.seq);
                return 1;
            }
            memcpy(prev, hash, sizeof(prev));
            last = e.seq;
        }
        if (res.nrows < 500)
            break;
    }
    if (last != head_seq || (head_seq && strcmp(prev, head) != 0)) {
        fprintf(out, "tenant '%s': the chain ends at row %lld but the head says %lld\n", slug,
                (long long)last, (long long)head_seq);
        return 1;
    }
    fprintf(out, "tenant '%s': %lld rows, chain intact\n", slug, (long long)last);
    return 0;
}

int audit_verify(struct db *db, struct arena *ar, int64_t tenant_id, FILE *out)
{
    struct db_res ts;
    int rc = db_exec(db, ar, &Q_AUDIT_TENANTS, 0, &ts), broken = 0;

    if (rc)
        return rc;
    for (int i = 0; i < ts.nrows; i++) {
        int64_t tid = db_at(&ts, i, 0)->i;
        if (tenant_id > 0 && tid != tenant_id)
            continue;
        rc = verify_tenant(db, ar, tid, db_at(&ts, i, 1)->s, db_at(&ts, i, 2)->i,
                           db_at(&ts, i, 3)->s, out);
        if (rc < 0)
            return rc;
        broken |= rc;
    }
    return broken;
}

int outbox_emit(struct db *db, struct arena *ar, int64_t tenant_id, const char *type,
                const char *entity, int64_t entity_id, const char *payload, const char *request_id)
{
    return db_exec(db, ar, &Q_OUTBOX_INSERT, tenant_id, NULL, type, entity, (long long)entity_id,
                   payload, request_id ? request_id : "");
}
