/* Channel endpoints: GET|POST /v1/channels, GET|PATCH /v1/channels/{id}. */
#ifndef CATALOG_CHANNEL_HTTP_H
#define CATALOG_CHANNEL_HTTP_H

struct req;

/*
 * Every user of the tenant reads every channel. With an organization in the token
 * (ctx.org_id != 0) a caller creates channels run by its own organization only (org_id
 * omitted: its own; another, or null for the tenant's, 403) and changes only those.
 */
int channel_http_list(struct req *r);
int channel_http_create(struct req *r);
int channel_http_get(struct req *r);
int channel_http_patch(struct req *r);

#endif
