/* trellis sla-sweep: escalate the tickets whose SLA target passed (docs/service.md "Escalation").
 */
#ifndef SYS_SWEEP_H
#define SYS_SWEEP_H

#include <stdint.h>
#include <stdio.h>

struct arena;
struct db;

struct sweep_stats {
    long long checked;   /* breached tickets found */
    long long escalated; /* moved to the next organization of their chain */
    long long recorded;  /* breaches recorded with no organization to go to */
    long long skipped;   /* already handled (a concurrent run, or no longer breached) */
    long long failed;    /* rolled back on a database error; the next run tries them again */
};

/*
 * Every tenant's (tenant_id 0) or one tenant's open tickets with a response target (not yet
 * responded to) or a resolve target (not yet escalated for) before at_ms: each escalates
 * once, in its own transaction (ticket_escalations row, the ticket moved on, a fresh response
 * target from at_ms, audit row, ticket.escalated). Running it again with the same at changes
 * nothing. A ticket whose transaction fails is counted in failed and the sweep goes on,
 * unless the connection is lost. Returns 0 or a DB_E* code (the tickets done before it stay
 * done).
 */
int sweep_run(struct db *db, struct arena *ar, int64_t at_ms, int64_t tenant_id,
              struct sweep_stats *st, FILE *log);

#endif
