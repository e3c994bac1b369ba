/* Write discipline shared by every handler that changes data: audit row and outbox event. */
#ifndef HTTP_WRITE_H
#define HTTP_WRITE_H

#include <stdint.h>

struct req;

/*
 * Appends the audit row of this request's change (actor, org, request id and IP from
 * the context) to tenant_id's chain, inside the open transaction. before and after are
 * JSON text or NULL. Returns 0 or a DB_E* code.
 */
int write_audit(struct req *r, int64_t tenant_id, const char *action, const char *entity,
                int64_t entity_id, const char *before, const char *after);

/* Queues an outbox event for this request's change, inside the open transaction. */
int write_event(struct req *r, int64_t tenant_id, const char *type, const char *entity,
                int64_t entity_id, const char *payload);

/*
 * Ends a change: its audit row, its outbox event (type NULL: none; the payload is
 * after, or before for a deletion) and the commit. Returns 0 or a DB_E* code; on an
 * error the caller rolls back.
 */
int write_commit(struct req *r, int64_t tenant_id, const char *action, const char *event,
                 const char *entity, int64_t entity_id, const char *before, const char *after);

#endif
