/* Ticket endpoints: /v1/tickets and its status, comments, assignment and history. */
#ifndef SERVICE_TICKET_HTTP_H
#define SERVICE_TICKET_HTTP_H

struct req;

/*
 * Not behind a flag. Tenant staff (no org in the token) see every ticket; a user with an
 * organization sees the tickets its organization is responsible for and those of the
 * equipment it owns (a hospital: its own equipment's), and creates tickets for the equipment
 * its organization owns only. Another tenant's ticket, or one the caller may not see, is 404.
 */
int ticket_http_create(struct req *r);
int ticket_http_list(struct req *r);
int ticket_http_get(struct req *r);
int ticket_http_status(struct req *r);
int ticket_http_assign(struct req *r);
int ticket_http_comment_create(struct req *r);
int ticket_http_comments(struct req *r);
int ticket_http_events(struct req *r);

#endif
