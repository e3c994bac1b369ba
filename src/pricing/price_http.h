/* Price endpoints: GET|POST /v1/prices/resolve and the price list, GET /v1/prices/list.csv. */
#ifndef PRICING_PRICE_HTTP_H
#define PRICING_PRICE_HTTP_H

struct req;

/*
 * Who may price for whom (docs/pricing.md "Access"): a caller without an organization in
 * the token resolves for any organization of the tenant, or none; an organization's user
 * for its own (org_id defaults to it), and a manufacturer's or distributor's also for its
 * direct children through an active distributor_of or dealer_of relationship; anyone else
 * is 403. SKUs are those the caller may read in the catalog (others: as if absent).
 */
int price_http_resolve(struct req *r);
int price_http_resolve_batch(struct req *r);

/*
 * The price list of an organization's effective listing in a channel as text/csv, one row
 * per SKU. The API's route and the page's (/prices/list.csv, the session cookie) run this
 * same handler; on a page route its problems are pages.
 */
int price_http_list_csv(struct req *r);

#endif
