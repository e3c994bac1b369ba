/* Identity endpoints: sessions, tenants, users, memberships, invitations, resets. */
#ifndef IDENTITY_IDENTITY_HTTP_H
#define IDENTITY_IDENTITY_HTTP_H

struct req;

int identity_http_login(struct req *r);
int identity_http_refresh(struct req *r);
int identity_http_logout(struct req *r);
int identity_http_me(struct req *r);
int identity_http_tenant_create(struct req *r);
int identity_http_switch_org(struct req *r);
int identity_http_accept_invitation(struct req *r);
int identity_http_reset_request(struct req *r);
int identity_http_reset_confirm(struct req *r);
int identity_http_user_create(struct req *r);
int identity_http_user_list(struct req *r);
int identity_http_user_get(struct req *r);
int identity_http_user_patch(struct req *r);
int identity_http_user_unlock(struct req *r);
int identity_http_membership_create(struct req *r);
int identity_http_membership_delete(struct req *r);

/*
 * The dispatcher's authentication: verifies the bearer token, then reads the user,
 * the tenant and the token's membership in one query. Fills r->ctx and returns 0,
 * or renders 401 and returns its status.
 */
int identity_http_authenticate(struct req *r);

#endif
