/* KPI endpoints: GET /v1/stats/tickets and GET /v1/stats/equipment (docs/kpis.md). */
#ifndef SERVICE_STATS_HTTP_H
#define SERVICE_STATS_HTTP_H

struct req;

/*
 * Not behind a flag (tickets and equipment are not). ?org_id= narrows to one organization:
 * tenant staff may name any of the tenant's (another id is 404); a user with an organization
 * in the token always gets its own, and naming another is 403. ?from= and ?to= bound
 * created_at, [from, to), as "YYYY-MM-DD" or RFC 3339 (400 naming the field otherwise).
 */
int stats_http_tickets(struct req *r);
int stats_http_equipment(struct req *r);

#endif
