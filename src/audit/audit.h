/* The audit log: append-only rows hash-chained per tenant, and the outbox of events. */
#ifndef AUDIT_AUDIT_H
#define AUDIT_AUDIT_H

#include <stdint.h>
#include <stdio.h>

struct arena;
struct db;

struct audit_entry {
    int64_t tenant_id;
    int64_t seq;        /* audit_verify's; audit_record leaves it to the procedure */
    int64_t actor_id;   /* 0: the system */
    int64_t org_id;     /* 0: none */
    const char *action; /* "tenant.create" */
    const char *entity; /* "tenant" */
    int64_t entity_id;  /* 0: none */
    const char *before; /* JSON text or NULL */
    const char *after;  /* JSON text or NULL */
    const char *request_id;
    const char *ip;
    const char *at; /* "YYYY-MM-DD HH:MM:SS.mmm" UTC; set by audit_record */
};

/*
 * The chain link: SHA-256 over the previous hash and every field, each
 * length-prefixed so no two entries serialise alike. out gets 64 hex chars + NUL.
 */
void audit_hash(const struct audit_entry *e, const char *prev_hash, char *out);

/*
 * Appends e to its tenant's chain inside the caller's transaction: locks the
 * tenant's chain head, links, inserts, moves the head. Returns 0 or a DB_E* code.
 */
int audit_record(struct db *db, struct arena *ar, struct audit_entry *e);

/*
 * A write's last step: audit_record(), then the outbox event (type event, payload JSON text,
 * of e's entity and request; none when event is NULL), then the commit, in one call, so the
 * tenant's chain head is locked for no round trip. Returns 0 (committed) or a DB_E* code
 * (the transaction still open: the caller rolls back).
 */
int audit_commit(struct db *db, struct arena *ar, struct audit_entry *e, const char *event,
                 const char *payload);

/*
 * Walks every tenant's chain (or only tenant_id when > 0), recomputing each
 * link, and checks the head. Prints the first broken link per tenant to out.
 * Returns 0 when every chain holds, 1 when one is broken, or a DB_E* code.
 */
int audit_verify(struct db *db, struct arena *ar, int64_t tenant_id, FILE *out);

/* Queues an event for dispatch, inside the caller's transaction. payload is JSON text. */
int outbox_emit(struct db *db, struct arena *ar, int64_t tenant_id, const char *type,
                const char *entity, int64_t entity_id, const char *payload, const char *request_id);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_AUDIT_APPEND, Q_AUDIT_COMMIT, Q_AUDIT_WALK, Q_AUDIT_TENANTS,
    Q_OUTBOX_INSERT;

/* The columns of Q_AUDIT_LIST, in order: what GET /v1/audit-logs shows of a row. */
extern const struct db_query Q_AUDIT_LIST;
enum {
    AUDIT_COL_SEQ,
    AUDIT_COL_AT, /* RFC 3339 UTC with milliseconds */
    AUDIT_COL_ACTOR_ID,
    AUDIT_COL_ORG_ID,
    AUDIT_COL_ACTION,
    AUDIT_COL_ENTITY,
    AUDIT_COL_ENTITY_ID,
    AUDIT_COL_BEFORE,
    AUDIT_COL_AFTER,
    AUDIT_COL_REQUEST_ID,
    AUDIT_COL_IP,
};

#endif
