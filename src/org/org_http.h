/* Organization endpoints: GET|POST /v1/orgs, GET|PATCH /v1/orgs/{id}. */
#ifndef ORG_ORG_HTTP_H
#define ORG_ORG_HTTP_H

struct req;

/*
 * With an organization in the token (ctx.org_id != 0) a caller sees and changes only
 * that organization: any other id answers 404, as an id of another tenant does.
 */
int org_http_list(struct req *r);
int org_http_create(struct req *r);
int org_http_get(struct req *r);
int org_http_patch(struct req *r);

#endif
