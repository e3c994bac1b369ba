/* Tickets (DESIGN §7 Equipment and service): creation shared by the API and the QR page. */
#ifndef SERVICE_TICKET_H
#define SERVICE_TICKET_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct db_res;
struct field_errors;
struct json_object;

#define TICKET_TITLE_MAX       200   /* bytes */
#define TICKET_DESCRIPTION_MAX 10000 /* bytes */
#define TICKET_REPORTER_MAX    200   /* bytes of reporter_name */
#define TICKET_CONTACT_MAX     254   /* bytes of reporter_contact */
#define TICKET_NOTE_MAX        500   /* bytes of a status change's note */
#define TICKET_COMMENT_MAX     10000 /* bytes of a comment */

/* critical|high|medium|low, NULL-terminated; the statuses in the order of the workflow. */
extern const char *const ticket_severities[];
extern const char *const ticket_statuses[];

/* What a new ticket is made of. Strings are borrowed for the call. */
struct ticket_new {
    int64_t tenant_id;
    int64_t actor_id;             /* the user creating it; 0: the public QR page (no login) */
    int64_t actor_org_id;         /* the actor's org, for the audit row; 0: none */
    int64_t equipment_id;         /* must be an equipment row of tenant_id */
    const char *severity;         /* critical|high|medium|low */
    const char *title;            /* 1..200 bytes */
    const char *description;      /* NULL: none */
    const char *source;           /* "api" or "qr" */
    const char *reporter_name;    /* NULL: none (the QR form's contact_name) */
    const char *reporter_contact; /* NULL: none (the QR form's contact_email) */
    const char *request_id;       /* for the audit row and the event; NULL: none */
    const char *ip;               /* for the audit row; NULL: none */
    int64_t owner_only;           /* not 0: the equipment must be owned by this org */
    int have_flags;               /* 1: flags are the tenant's feature flags, else read */
    unsigned flags;
    double cache_ttl; /* seconds the worker's copy of the coverage tree may serve; 0: none */
};

enum {
    TICKET_OK = 0,
    TICKET_EINPUT = 1,     /* fe names the fields; nothing was written */
    TICKET_EFORBIDDEN = 2, /* the equipment is not owner_only's; nothing was written */
    /* negative: a DB_E* code (db/db.h); the caller rolls back */
};

/*
 * Creates a ticket in THE CALLER'S OPEN TRANSACTION (db_begin() before) AND COMMITS IT on
 * success; on any error the transaction is left open for the caller's db_rollback(). It
 * checks the input (fields to fe), reads the tenant's flags (unless given), locks the
 * equipment row, resolves the responsible org (the coverage policy when service_policies and
 * resp_org_assignment are on and the tenant's policy is enabled; else NULL), picks the SLA
 * policy (the responsible org's active one, else the tenant default, else none) and computes
 * the due times, then inserts the ticket and its first status event (NULL -> open, by
 * actor_id or nobody), and ends with the audit row "ticket.create", the outbox event
 * "ticket.created" and the commit in one call (audit_commit).
 *
 * Returns TICKET_OK with *id and, when ticket is not NULL, *ticket as the API shows it;
 * TICKET_EINPUT (an unknown or retired equipment_id is a field error too);
 * TICKET_EFORBIDDEN; or a negative DB_E* code. Everything allocated lives in ar.
 */
int ticket_create(struct db *db, struct arena *ar, const struct ticket_new *in, int64_t *id,
                  struct json_object **ticket, struct field_errors *fe);

/* The workflow (docs/service.md "Tickets"): 1 when a ticket may go from one status to another. */
int ticket_transition_allowed(const char *from, const char *to);

/*
 * Recomputes a ticket's response_due_at and resolve_due_at from its SLA policy, its status
 * history (waiting_customer pauses the clock) and its last escalation (a fresh response
 * target from that moment; none after one with no organization to go to). Inside the
 * caller's transaction. Returns 0 or a DB_E* code.
 */
int ticket_due_update(struct db *db, struct arena *ar, int64_t tenant_id, int64_t ticket_id);

/*
 * The due times ticket_due_update() writes, as SQL times or NULL, with the SLA policy
 * policy_id instead of the ticket's (0: the ticket's) and its last escalation written: for
 * the sweep, which writes them with the escalation in one UPDATE. 0 or a DB_E* code.
 */
int ticket_due_times(struct db *db, struct arena *ar, int64_t tenant_id, int64_t ticket_id,
                     int64_t policy_id, const char **response, const char **resolve);

/*
 * The ticket as the API shows it, with its escalations, in the arena (json_arena_own), read
 * inside the caller's transaction; *owner_org_id gets its equipment's owner (0: none) and
 * *version its version, when not NULL. NULL with *rc set (DB_ENOTFOUND: no such ticket).
 */
struct json_object *ticket_read(struct db *db, struct arena *ar, int64_t tenant_id, int64_t id,
                                int for_update, int64_t *owner_org_id, int64_t *version, int *rc);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_TKT_TENANT_FLAGS, Q_TKT_EQUIPMENT, Q_TKT_TREE, Q_TKT_OWNER_RELS,
    Q_TKT_INSERT, Q_TKT_EVENT_INSERT, Q_TKT_GET, Q_TKT_GET_FOR_UPDATE, Q_TKT_LIST, Q_TKT_LIST_ORG,
    Q_TKT_ESC_RANGE, Q_TKT_EVENTS, Q_TKT_SET_DUE, Q_TKT_SET_STATUS, Q_TKT_ASSIGN,
    Q_TKT_COMMENT_INSERT, Q_TKT_COMMENT_GET, Q_TKT_COMMENTS, Q_TKT_DUE_INFO, Q_TKT_SWEEP_TENANTS,
    Q_TKT_SWEEP_DUE, Q_TKT_SWEEP_LOCK, Q_TKT_ESC_INSERT, Q_TKT_ESCALATE, Q_COVPOL_GET,
    Q_COVPOL_GET_FOR_UPDATE, Q_COVPOL_UPSERT, Q_COVPOL_MANUFACTURERS;
#define TICKET_QUERIES                                                                             \
    &Q_TKT_TENANT_FLAGS, &Q_TKT_EQUIPMENT, &Q_TKT_TREE, &Q_TKT_OWNER_RELS, &Q_TKT_INSERT,          \
        &Q_TKT_EVENT_INSERT, &Q_TKT_GET, &Q_TKT_GET_FOR_UPDATE, &Q_TKT_LIST, &Q_TKT_LIST_ORG,      \
        &Q_TKT_ESC_RANGE, &Q_TKT_EVENTS, &Q_TKT_SET_DUE, &Q_TKT_SET_STATUS, &Q_TKT_ASSIGN,         \
        &Q_TKT_COMMENT_INSERT, &Q_TKT_COMMENT_GET, &Q_TKT_COMMENTS, &Q_TKT_DUE_INFO,               \
        &Q_TKT_SWEEP_TENANTS, &Q_TKT_SWEEP_DUE, &Q_TKT_SWEEP_LOCK, &Q_TKT_ESC_INSERT,              \
        &Q_TKT_ESCALATE, &Q_COVPOL_GET, &Q_COVPOL_GET_FOR_UPDATE, &Q_COVPOL_UPSERT,                \
        &Q_COVPOL_MANUFACTURERS

/* The columns of Q_TKT_GET, Q_TKT_GET_FOR_UPDATE and Q_TKT_LIST, in order. */
enum {
    TKT_COL_ID,
    TKT_COL_EQUIPMENT,
    TKT_COL_SEVERITY,
    TKT_COL_STATUS,
    TKT_COL_TITLE,
    TKT_COL_DESCRIPTION,
    TKT_COL_SOURCE,
    TKT_COL_REPORTER_NAME,
    TKT_COL_REPORTER_CONTACT,
    TKT_COL_RESPONSIBLE,
    TKT_COL_ENGINEER,
    TKT_COL_SLA_POLICY,
    TKT_COL_PROVENANCE,
    TKT_COL_LEVEL,
    TKT_COL_RESPONSE_DUE,
    TKT_COL_RESOLVE_DUE,
    TKT_COL_RESPONDED_AT,
    TKT_COL_RESOLVED_AT,
    TKT_COL_CLOSED_AT,
    TKT_COL_VERSION,
    TKT_COL_CREATED_AT,
    TKT_COL_UPDATED_AT,
    TKT_COL_OWNER,
};

/* The columns of Q_TKT_ESC_RANGE, in order. */
enum {
    ESC_COL_TICKET,
    ESC_COL_LEVEL,
    ESC_COL_TARGET,
    ESC_COL_DUE_AT,
    ESC_COL_FROM,
    ESC_COL_TO,
    ESC_COL_REASON,
    ESC_COL_AT,
};

/* The array of a ticket's escalations from Q_TKT_ESC_RANGE's rows (a new reference). */
struct json_object *ticket_escalations_json(const struct db_res *esc, int64_t ticket_id);
/*
 * One row of Q_TKT_GET's columns with its escalations (a new reference). raw_provenance: the
 * stored policy_provenance is sent as it is (json_raw), for an answer that only serialises it.
 */
struct json_object *ticket_row_json(struct arena *ar, const struct db_res *res, int row,
                                    const struct db_res *esc, int raw_provenance);

#endif
