/* Page handlers: HTML for people, built on the same handlers and rules as the API. */
#ifndef PAGES_PAGES_HTTP_H
#define PAGES_PAGES_HTTP_H

struct req;

int pages_http_home(struct req *r);
int pages_http_login_form(struct req *r);
int pages_http_login(struct req *r);
int pages_http_logout(struct req *r);
int pages_http_dashboard(struct req *r);

#endif
