/* The SLA sweep: one transaction per breached ticket, tenant by tenant. */
#include "sys/sweep.h"

#include <string.h>

#include <json-c/json.h>

#include "audit/audit.h"
#include "core/arena.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "service/coverage.h"
#include "service/slapol.h"
#include "service/stats.h"
#include "service/ticket.h"

#define SWEEP_BATCH 500

/* 1 escalated, 2 recorded without a next org, 0 skipped; or a DB_E* code. */
static int escalate(struct db *db, struct arena *ar, int64_t tenant_id, int64_t id,
                    const char *at_sql, int64_t at_ms)
{
    struct db_res t;
    struct slapol p = {0};
    struct json_object *prov, *before, *after;
    const char *target, *reason, *due_sql, *after_text, *response, *resolve;
    int64_t from, to, level, due_ms;
    int rc;

    rc = db_begin(db);
    if (!rc)
        rc = db_exec(db, ar, &Q_TKT_SWEEP_LOCK, tenant_id, &t, at_sql, at_sql, (long long)id);
    if (rc)
        goto fail;
    if (t.nrows != 1 || (db_at(&t, 0, 3)->null && db_at(&t, 0, 4)->null)) {
        db_rollback(db);
        return 0;
    }
    before = ticket_read(db, ar, tenant_id, id, 0, NULL, NULL, &rc);
    if (!before)
        goto fail;
    /* both passed: one escalation answers for both, recorded as the resolve breach */
    target = db_at(&t, 0, 4)->null ? "response" : "resolve";
    due_ms = db_at(&t, 0, 4)->null ? db_at(&t, 0, 3)->i : db_at(&t, 0, 4)->i;
    due_sql = rfc3339_sql_text(ar, due_ms);
    from = db_at(&t, 0, 0)->null ? 0 : db_at(&t, 0, 0)->i;
    level = db_at(&t, 0, 1)->i + 1;
    prov =
        db_at(&t, 0, 2)->null
            ? NULL
            : json_arena_own(ar, json_stored(ar, db_at(&t, 0, 2)->s, db_at(&t, 0, 2)->len, NULL));
    to = from ? coverage_escalation_target(prov, from) : 0;
    if (to)
        reason = arena_printf(ar, "the %s target passed; escalated to organization %lld", target,
                              (long long)to);
    else
        reason = arena_printf(ar, "the %s target passed; no organization to escalate to", target);
    rc = db_exec(db, ar, &Q_TKT_ESC_INSERT, tenant_id, NULL, (long long)id, (long long)level,
                 target, due_sql, (long long)from, (long long)to, reason, at_sql);
    if (rc == DB_EDUP) {
        db_rollback(db);
        return 0;
    }
    if (!rc && to)
        rc = slapol_for_org(db, ar, NULL, tenant_id, to, &p);
    /* the due times with the escalation just written, then one UPDATE (the rollups' trigger
       runs once); an organization with no policy and no default: no policy, no due times */
    response = resolve = NULL;
    if (!rc && (!to || p.id))
        rc = ticket_due_times(db, ar, tenant_id, id, p.id, &response, &resolve);
    if (!rc)
        rc = db_exec(db, ar, &Q_TKT_ESCALATE, tenant_id, NULL, (long long)to, (long long)level,
                     (long long)to, (long long)p.id, response, resolve, (long long)id);
    if (rc)
        goto fail;
    after = ticket_read(db, ar, tenant_id, id, 0, NULL, NULL, &rc);
    if (!after)
        goto fail;
    after_text = json_text(ar, after);
    {
        struct audit_entry e = {
            .tenant_id = tenant_id,
            .action = "ticket.escalate",
            .entity = "ticket",
            .entity_id = id,
            .before = json_text(ar, before),
            .after = after_text,
        };

        rc = audit_commit(db, ar, &e, "ticket.escalated", after_text);
    }
    if (rc)
        goto fail;
    (void)at_ms;
    return to ? 1 : 2;
fail:
    db_rollback(db);
    return rc;
}

/* The breached tickets of tenant tid in one status, id by id, 500 at a time. */
static int sweep_status(struct db *db, struct arena *ar, struct arena *one, int64_t tid,
                        const char *status, const char *at, int64_t at_ms, struct sweep_stats *st,
                        FILE *log)
{
    int64_t after = 0;
    int rc;

    for (;;) {
        struct db_res due;

        rc = db_exec(db, ar, &Q_TKT_SWEEP_DUE, tid, &due, status, (long long)after, at, at,
                     SWEEP_BATCH);
        if (rc)
            return rc;
        for (int i = 0; i < due.nrows; i++) {
            int64_t id = db_at(&due, i, 0)->i;

            after = id;
            st->checked++;
            rc = escalate(db, one, tid, id, at, at_ms);
            arena_reset(one);
            /* one ticket's failure stops the sweep only when the others would fail too */
            if (rc == DB_EUNAVAIL || rc == DB_EBUG)
                return rc;
            if (rc < 0) {
                st->failed++;
                if (log)
                    fprintf(log, "tenant %lld ticket %lld: not escalated: %s\n", (long long)tid,
                            (long long)id, db_errmsg(db));
            } else if (rc == 1)
                st->escalated++;
            else if (rc == 2)
                st->recorded++;
            else
                st->skipped++;
            if (log && rc > 0)
                fprintf(log, "tenant %lld ticket %lld: %s\n", (long long)tid, (long long)id,
                        rc == 1 ? "escalated" : "breach recorded, nowhere to escalate");
        }
        if (due.nrows < SWEEP_BATCH)
            return 0;
    }
}

/*
 * Each tenant (all, or tenant_id), each status whose targets can still be breached (not
 * resolved or closed) as its own range of ix_tickets_status.
 */
static int sweep_tenants(struct db *db, struct arena *ar, struct arena *one,
                         const struct db_res *tenants, const char *at, int64_t at_ms,
                         int64_t tenant_id, struct sweep_stats *st, FILE *log)
{
    for (int k = 0; k < tenants->nrows; k++) {
        int64_t tid = db_at(tenants, k, 0)->i;
        int rc;

        if (tenant_id && tid != tenant_id)
            continue;
        for (int s = 0; ticket_statuses[s]; s++) {
            if (strcmp(ticket_statuses[s], "resolved") == 0 ||
                strcmp(ticket_statuses[s], "closed") == 0)
                continue;
            rc = sweep_status(db, ar, one, tid, ticket_statuses[s], at, at_ms, st, log);
            if (rc)
                return rc;
        }
        /* the escalations' rollup changes, pending until now (stats_fold) */
        rc = stats_fold(db, ar, tid, STATS_FOLD_WAIT_S);
        if (rc)
            return rc;
    }
    return 0;
}

int sweep_run(struct db *db, struct arena *ar, int64_t at_ms, int64_t tenant_id,
              struct sweep_stats *st, FILE *log)
{
    struct db_res tenants;
    struct arena one; /* a ticket's own: reset after each, so a long sweep stays small */
    char at[RFC3339_SQL_LEN];
    int rc;

    memset(st, 0, sizeof(*st));
    rfc3339_sql(at_ms, at);
    rc = db_exec(db, ar, &Q_TKT_SWEEP_TENANTS, 0, &tenants);
    if (rc)
        return rc;
    arena_init(&one, 0);
    rc = sweep_tenants(db, ar, &one, &tenants, at, at_ms, tenant_id, st, log);
    arena_release(&one);
    return rc;
}
