/* Page handlers: HTML for people, built on the same handlers and rules as the API. */
#ifndef PAGES_PAGES_HTTP_H
#define PAGES_PAGES_HTTP_H

struct req;

int pages_http_home(struct req *r);
int pages_http_login_form(struct req *r);
int pages_http_login(struct req *r);
int pages_http_logout(struct req *r);
int pages_http_dashboard(struct req *r);

/* pages_admin.c: organizations, users and memberships, settings, the audit log */
int pages_http_orgs(struct req *r);
int pages_http_org_new(struct req *r);
int pages_http_org_create(struct req *r);
int pages_http_org(struct req *r);
int pages_http_org_update(struct req *r);
int pages_http_users(struct req *r);
int pages_http_user_new(struct req *r);
int pages_http_user_create(struct req *r);
int pages_http_user(struct req *r);
int pages_http_user_unlock(struct req *r);
int pages_http_membership_create(struct req *r);
int pages_http_membership_delete(struct req *r);
int pages_http_settings(struct req *r);
int pages_http_settings_update(struct req *r);
int pages_http_audit(struct req *r);

#endif
