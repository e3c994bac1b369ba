/* Audit rows and events carry who asked and from where: taken here from the request. */
#include "http/write.h"

#include "audit/audit.h"
#include "db/db.h"
#include "http/request.h"
#include "identity/principal.h"

static struct audit_entry entry(struct req *r, int64_t tenant_id, const char *action,
                                const char *entity, int64_t entity_id, const char *before,
                                const char *after)
{
    return (struct audit_entry){
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
}

int write_audit(struct req *r, int64_t tenant_id, const char *action, const char *entity,
                int64_t entity_id, const char *before, const char *after)
{
    struct audit_entry e = entry(r, tenant_id, action, entity, entity_id, before, after);

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
    struct audit_entry e = entry(r, tenant_id, action, entity, entity_id, before, after);
    /* the audit row, the event and the commit in one call (audit.h) */
    int rc = audit_commit(r->db, r->ar, &e, event, after ? after : before);

    /* after the commit: a worker that reads the new counter reads the new rows */
    if (!rc)
        principal_changed(tenant_id);
    return rc;
}
