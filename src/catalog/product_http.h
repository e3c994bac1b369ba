/* Catalog endpoints: /v1/products, /v1/skus and /v1/offerings, each GET|POST and GET|PATCH {id}. */
#ifndef CATALOG_PRODUCT_HTTP_H
#define CATALOG_PRODUCT_HTTP_H

struct req;

/*
 * Tenant-wide callers see and change everything of the tenant. A caller with an
 * organization in the token sees its own manufacturer's items and the SKUs (with their
 * products and offerings) that reached it through a live publication (catalog/product.h);
 * anything else is 404 and absent from lists. It changes only its own manufacturer's items
 * (403 for others it can see), and creates products only when it is that manufacturer.
 */
int product_http_list(struct req *r);
int product_http_create(struct req *r);
int product_http_get(struct req *r);
int product_http_patch(struct req *r);

int product_http_sku_list(struct req *r);
int product_http_sku_create(struct req *r);
int product_http_sku_get(struct req *r);
int product_http_sku_patch(struct req *r);

int product_http_offering_list(struct req *r);
int product_http_offering_create(struct req *r);
int product_http_offering_get(struct req *r);
int product_http_offering_patch(struct req *r);

/*
 * Row row of a product (PRODUCT_COL_*) or SKU (SKU_COL_*) result as the API shows it, for
 * responses and audit rows; the caller owns the object (json_arena_own).
 */
struct arena;
struct db_res;
struct json_object;
struct json_object *product_http_product_json(struct arena *ar, const struct db_res *res, int row);
struct json_object *product_http_sku_json(struct arena *ar, const struct db_res *res, int row);

#endif
