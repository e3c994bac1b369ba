/* Equipment endpoints: /v1/equipment, its QR code and the rotation of its QR token. */
#ifndef SERVICE_EQUIPMENT_HTTP_H
#define SERVICE_EQUIPMENT_HTTP_H

struct req;

/*
 * Not behind a feature flag: equipment and the QR flow work with organizations off. With
 * an organization in the token a caller sees the equipment its organization owns and the
 * equipment of the SKUs it makes; any other id answers 404, as an id of another tenant.
 */
int equipment_http_list(struct req *r);
int equipment_http_create(struct req *r);
int equipment_http_get(struct req *r);
int equipment_http_patch(struct req *r);
/* POST /v1/equipment/{id}/qr-token: a new token; the old one opens nothing any more. */
int equipment_http_rotate_token(struct req *r);
/* GET /v1/equipment/{id}/qr.svg: the QR code of qr_url as image/svg+xml. */
int equipment_http_qr_svg(struct req *r);

#endif
