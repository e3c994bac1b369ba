/* Page handlers: HTML for people, built on the same handlers and rules as the API. */
#ifndef PAGES_PAGES_HTTP_H
#define PAGES_PAGES_HTTP_H

#include <stdint.h>

struct req;

int pages_http_home(struct req *r);
int pages_http_login_form(struct req *r);
int pages_http_login(struct req *r);
int pages_http_logout(struct req *r);
int pages_http_switch_org(struct req *r);
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

/* pages_catalog.c: relationships, channels, products and SKUs, listings, publications */
struct json_object;
/*
 * The relationships part of organization org_id's page (GET /orgs/{id}) into d: both sides
 * and, for who may, the forms to add a child and to end one. Returns 0, or the status of
 * the API problem it met (for page_api_problem()).
 */
int pages_org_relationships(struct req *r, struct json_object *d, int64_t org_id);
int pages_http_relationship_create(struct req *r);
int pages_http_relationship_end(struct req *r);
int pages_http_channels(struct req *r);
int pages_http_channel_new(struct req *r);
int pages_http_channel_create(struct req *r);
int pages_http_channel(struct req *r);
int pages_http_products(struct req *r);
int pages_http_product_new(struct req *r);
int pages_http_product_create(struct req *r);
int pages_http_product(struct req *r);
int pages_http_sku_create(struct req *r);
int pages_http_catalog(struct req *r);
int pages_http_publication(struct req *r);
int pages_http_rollback(struct req *r);
int pages_http_publish_form(struct req *r);
int pages_http_publish(struct req *r);
int pages_http_unlist_form(struct req *r);
int pages_http_unlist(struct req *r);

/* pages_prices.c: the price check (the price list is price_http_list_csv on a page route) */
int pages_http_price_check(struct req *r);

#endif
