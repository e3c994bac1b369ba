/* FX rate endpoints: GET|POST /v1/fx-rates, GET|DELETE /v1/fx-rates/{id}. */
#ifndef PRICING_FX_HTTP_H
#define PRICING_FX_HTTP_H

struct req;

/*
 * The tenant's dated rates, read by every role with fx_rates:read and written (created,
 * deleted: a rate is never changed, a wrong one is deleted and made again) by those with
 * create and delete. Each write is audited and queues price.updated {change, fx_rate_id,
 * fx_rate}.
 */
int fx_http_list(struct req *r);
int fx_http_create(struct req *r);
int fx_http_get(struct req *r);
int fx_http_delete(struct req *r);

#endif
