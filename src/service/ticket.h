/* Tickets (DESIGN §7 Equipment and service): creation shared by the API and the QR page. */
#ifndef SERVICE_TICKET_H
#define SERVICE_TICKET_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct field_errors;

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
};

enum {
    TICKET_OK = 0,
    TICKET_EINPUT = 1, /* fe names the fields; nothing was written */
    /* negative: a DB_E* code (db/db.h); the caller rolls back */
};

/*
 * Creates a ticket INSIDE THE CALLER'S OPEN TRANSACTION (db_begin() before, db_commit() or
 * db_rollback() after; it never commits or rolls back itself): checks the input (fields to
 * fe), reads the tenant's flags, locks the equipment row, resolves the responsible org (the
 * coverage policy when service_policies and resp_org_assignment are on and the tenant's
 * policy is enabled; else NULL), picks the SLA policy (the responsible org's active one,
 * else the tenant default, else none) and computes the due times, then inserts the ticket,
 * its first status event (NULL -> open, by actor_id or nobody), the audit row
 * "ticket.create" and the outbox event "ticket.created".
 *
 * Returns TICKET_OK with *id, TICKET_EINPUT (an unknown or retired equipment_id is a field
 * error too), or a negative DB_E* code. Everything allocated lives in ar.
 */
int ticket_create(struct db *db, struct arena *ar, const struct ticket_new *in, int64_t *id,
                  struct field_errors *fe);

#endif
