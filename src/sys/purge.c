/* trellis purge: bounded deletes, so a large backlog never holds locks for long. */
#include "sys/purge.h"

#include "core/arena.h"
#include "db/db.h"

#define BATCH 1000

const struct db_query Q_PURGE_TENANTS = {
    "purge.tenants", "SELECT id, slug FROM tenants ORDER BY id", "", "Ls", DBQ_GLOBAL,
};

const struct db_query Q_PURGE_IDEM = {
    "purge.idempotency_keys",
    "DELETE FROM idempotency_keys WHERE tenant_id = ? "
    "AND created_at < NOW(3) - INTERVAL 24 HOUR ORDER BY created_at LIMIT 1000",
    "L",
    "",
    DBQ_TENANT,
};

const struct db_query Q_PURGE_REFRESH = {
    "purge.refresh_tokens",
    "DELETE FROM refresh_tokens WHERE tenant_id = ? "
    "AND expires_at < NOW(3) - INTERVAL 1 DAY ORDER BY expires_at LIMIT 1000",
    "L",
    "",
    DBQ_TENANT,
};

const struct db_query Q_PURGE_USER_TOKENS = {
    "purge.user_tokens",
    "DELETE FROM user_tokens WHERE tenant_id = ? "
    "AND expires_at < NOW(3) - INTERVAL 1 DAY ORDER BY expires_at LIMIT 1000",
    "L",
    "",
    DBQ_TENANT,
};

/* The dry run's counts, with the same conditions as the deletes. */
const struct db_query Q_PURGE_COUNT = {
    "purge.count",
    "SELECT (SELECT COUNT(*) FROM idempotency_keys WHERE tenant_id = ? "
    "AND created_at < NOW(3) - INTERVAL 24 HOUR), "
    "(SELECT COUNT(*) FROM refresh_tokens WHERE tenant_id = ? "
    "AND expires_at < NOW(3) - INTERVAL 1 DAY), "
    "(SELECT COUNT(*) FROM user_tokens WHERE tenant_id = ? "
    "AND expires_at < NOW(3) - INTERVAL 1 DAY)",
    "LLL",
    "LLL",
    DBQ_TENANT,
};

/* Runs q until a batch removes fewer than BATCH rows; the total in *n. */
static int drain(struct db *db, struct arena *ar, const struct db_query *q, int64_t tid,
                 long long *n)
{
    struct db_res res;
    int rc;

    *n = 0;
    do {
        rc = db_exec(db, ar, q, tid, &res);
        if (rc)
            return rc;
        *n += (long long)res.affected;
    } while (res.affected == BATCH);
    return 0;
}

long long purge_expired(struct db *db, struct arena *ar, int dry_run, FILE *out)
{
    struct db_res ts;
    long long total = 0;
    int rc = db_exec(db, ar, &Q_PURGE_TENANTS, 0, &ts);

    if (rc)
        return rc;
    for (int i = 0; i < ts.nrows; i++) {
        int64_t tid = db_at(&ts, i, 0)->i;
        long long n[3] = {0, 0, 0};

        if (dry_run) {
            struct db_res c;
            rc = db_exec(db, ar, &Q_PURGE_COUNT, tid, &c, (long long)tid, (long long)tid);
            for (int k = 0; !rc && k < 3; k++)
                n[k] = db_at(&c, 0, k)->i;
        } else {
            rc = drain(db, ar, &Q_PURGE_IDEM, tid, &n[0]);
            if (!rc)
                rc = drain(db, ar, &Q_PURGE_REFRESH, tid, &n[1]);
            if (!rc)
                rc = drain(db, ar, &Q_PURGE_USER_TOKENS, tid, &n[2]);
        }
        if (rc)
            return rc;
        if (n[0] + n[1] + n[2])
            fprintf(out,
                    "tenant '%s': %lld idempotency keys, %lld refresh tokens, %lld invitation "
                    "and reset tokens %s\n",
                    db_at(&ts, i, 1)->s, n[0], n[1], n[2], dry_run ? "to remove" : "removed");
        total += n[0] + n[1] + n[2];
    }
    return total;
}
