/* Audit rows and events carry who asked and from where: taken here from the request. */
#include "http/write.h"

#include "audit/audit.h"
#include "db/db.h"
#include "http/request.h"
#include "identity/principal.h"

int write_audit(struct req *r, int64_t tenant_id, const char *action, const char *entity,
                int64_t entity_id, const char *before, const char *after)
{
    struct audit_entry e = {
        .tenant_id = tenant_id,
        .actor_id = r->ctx.user_id,
        .org_id = r->ctx.org_id,
        .action = action,
        .entity = entity,
        .entity_id = entity_id,
        .before = before,
        .after = after,
        .request_id = r->request_id,
        .ip = r->remote_addr,
    };

    return audit_record(r->db, r->ar, &e);
}

int write_event(struct req *r, int64_t tenant_id, const char *type, const char *entity,
                int64_t entity_id, const char *payload)
{
    return outbox_emit(r->db, r->ar, tenant_id, type, entity, entity_id, payload, r->request_id);
}

int write_commit(struct req *r, int64_t tenant_id, const char *action, const char *event,
                 const char *entity, int64_t entity_id, const char *before, const char *after)
{
    int rc = write_audit(r, tenant_id, action, entity, entity_id, before, after);

    if (!rc && event)
        rc = write_event(r, tenant_id, event, entity, entity_id, after ? after : before);
    if (!rc)
        rc = db_commit(r->db);
    /* after the commit: a worker that reads the new counter reads the new rows */
    if (!rc)
        principal_changed(tenant_id);
    return rc;
}
