/* SLA policy endpoints: GET|POST /v1/sla-policies, GET|PATCH /v1/sla-policies/{id}, .../due. */
#ifndef SERVICE_SLAPOL_HTTP_H
#define SERVICE_SLAPOL_HTTP_H

struct req;

/*
 * Behind the service_policies flag. Tenant staff see and change every policy; a user with an
 * organization in the token sees the tenant's defaults and its own organization's, and
 * creates and changes its own organization's only (403 otherwise).
 */
int slapol_http_list(struct req *r);
int slapol_http_create(struct req *r);
int slapol_http_get(struct req *r);
int slapol_http_patch(struct req *r);
int slapol_http_due(struct req *r);

#endif
