/* Identity endpoints: login, refresh, logout, me, tenants. */
#ifndef IDENTITY_IDENTITY_HTTP_H
#define IDENTITY_IDENTITY_HTTP_H

struct req;

int identity_http_login(struct req *r);
int identity_http_refresh(struct req *r);
int identity_http_logout(struct req *r);
int identity_http_me(struct req *r);
int identity_http_tenant_create(struct req *r);

/*
 * The dispatcher's authentication: verifies the bearer token, then reads the user,
 * the tenant and the token's membership in one query. Fills r->ctx and returns 0,
 * or renders 401 and returns its status.
 */
int identity_http_authenticate(struct req *r);

#endif
