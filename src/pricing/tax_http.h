/* Tax rate endpoints: GET|POST /v1/tax-rates, GET|DELETE /v1/tax-rates/{id}. */
#ifndef PRICING_TAX_HTTP_H
#define PRICING_TAX_HTTP_H

struct req;

/*
 * The tenant's tax rates by region and category, read by every role with tax_rates:read and
 * written (created, deleted: never changed) by those with create and delete. Each write is
 * audited and queues price.updated {change, tax_rate_id, tax_rate}.
 */
int tax_http_list(struct req *r);
int tax_http_create(struct req *r);
int tax_http_get(struct req *r);
int tax_http_delete(struct req *r);

#endif
