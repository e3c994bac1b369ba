/* Ticket pages: the list, one ticket with its timeline, provenance and SLA clock, and forms. */
#ifndef PAGES_PAGES_TICKETS_H
#define PAGES_PAGES_TICKETS_H

#include <stdint.h>

struct json_object;
struct req;

/*
 * Each page runs the ticket API's handlers (src/service/ticket_http.h) as the signed-in user,
 * so it shows and changes exactly what the API lets that user (docs/service.md "Who sees
 * what"). The write pages answer 303 to the ticket's page on success, or the page again with
 * the API's reasons (400, 403, 409, 412, 422) and what was typed.
 */
int pages_http_tickets(struct req *r);        /* GET /tickets */
int pages_http_ticket_new(struct req *r);     /* GET /tickets/new */
int pages_http_ticket_create(struct req *r);  /* POST /tickets */
int pages_http_ticket(struct req *r);         /* GET /tickets/{id} */
int pages_http_ticket_status(struct req *r);  /* POST /tickets/{id}/status */
int pages_http_ticket_comment(struct req *r); /* POST /tickets/{id}/comments */
int pages_http_ticket_assign(struct req *r);  /* POST /tickets/{id}/assign */

/*
 * The tickets part of a piece of equipment's page (eq: the API's answer) into d: "tickets"
 * (its latest tickets the user may see, as the list shows them), "tickets_more", and for who
 * may open a ticket on it "ticket_form". Nothing for a user who may not read tickets.
 */
void pages_equipment_tickets(struct req *r, struct json_object *d, struct json_object *eq);

/* The ticket pages' name lookups (pages_tickets_db.c), bound to the session's tenant. */
struct db_query;
/* Users' emails by id (a JSON array of ids): id L, email. */
extern const struct db_query Q_PAGES_USER_NAMES;
/* Engineers' names by id (a JSON array of ids): id L, name. */
extern const struct db_query Q_PAGES_ENGINEER_NAMES;
/* Equipment serials by id (a JSON array of ids): id L, serial. */
extern const struct db_query Q_PAGES_EQUIPMENT_SERIALS;

#define PAGES_TICKET_QUERIES                                                                       \
    &Q_PAGES_USER_NAMES, &Q_PAGES_ENGINEER_NAMES, &Q_PAGES_EQUIPMENT_SERIALS

#endif
