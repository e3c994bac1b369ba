/* Relationship endpoints: /v1/orgs/{id}/relationships (GET, POST), /v1/relationships/{id}. */
#ifndef ORG_REL_HTTP_H
#define ORG_REL_HTTP_H

struct req;

/*
 * With an organization in the token (ctx.org_id != 0) a caller sees the relationships
 * where its organization is the parent or the child: it lists its own organization's
 * (another organization's list is 404, as in GET /v1/orgs/{id}), and any other
 * relationship is 404. It creates and changes only those where its organization is the
 * parent (403 otherwise).
 */
int rel_http_list(struct req *r);
int rel_http_create(struct req *r);
int rel_http_get(struct req *r);
int rel_http_patch(struct req *r);

#endif
