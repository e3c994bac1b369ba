/* Audit log endpoint: GET /v1/audit-logs. */
#ifndef AUDIT_AUDIT_HTTP_H
#define AUDIT_AUDIT_HTTP_H

struct req;

/*
 * ?entity=&entity_id=&actor_id=&since=&limit=&cursor=, newest first by seq. An
 * org-scoped caller (ctx.org_id != 0) sees only the rows written under its organization.
 */
int audit_http_list(struct req *r);

#endif
