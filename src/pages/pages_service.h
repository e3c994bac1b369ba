/* Service pages: equipment with its QR code, the label sheet, and the public QR page. */
#ifndef PAGES_PAGES_SERVICE_H
#define PAGES_PAGES_SERVICE_H

struct req;

/* GET /equipment: the list with its filters; GET /equipment/{id}: one piece and its QR. */
int pages_http_equipment_list(struct req *r);
int pages_http_equipment(struct req *r);
/* POST /equipment/{id}/qr-token: a new token (the old label stops working). */
int pages_http_equipment_rotate(struct req *r);
/*
 * GET /equipment/labels?ids=1,2,3 (at most 200, in that order) or the list's filters:
 * a printable sheet of labels (QR, serial, model, site), 24 to an A4 page.
 */
int pages_http_equipment_labels(struct req *r);

/*
 * The public QR page, no login: GET /q/{token} shows the equipment (serial, model, site:
 * nothing else) and the request form; POST opens a ticket (source qr) and thanks. An
 * unknown, rotated or retired token is the 404 page; a filled honeypot is thanked and
 * dropped.
 */
int pages_http_qr(struct req *r);
int pages_http_qr_submit(struct req *r);

#endif
