/* Engineer endpoints: GET|POST /v1/engineers, GET|PATCH /v1/engineers/{id}, and
 * GET /v1/engineers/eligible; behind the `engineers` flag. */
#ifndef SERVICE_ENGINEER_HTTP_H
#define SERVICE_ENGINEER_HTTP_H

struct req;

/*
 * Tenant staff (no organization in the token) see and change every engineer. An org-scoped
 * caller sees the engineers who work for its organization (others are 404) and changes only
 * those who work for it alone (403 for one shared with another organization); what it
 * creates or changes works for its organization only (403 otherwise).
 */
int engineer_http_list(struct req *r);
int engineer_http_create(struct req *r);
int engineer_http_get(struct req *r);
int engineer_http_patch(struct req *r);

/*
 * The engineers who may take ?ticket_id= (with ?skills=a,b and ?region=), in rank order;
 * the caller must be able to read the ticket (404 as GET /v1/tickets/{id} answers).
 */
int engineer_http_eligible(struct req *r);

#endif
