/* The SKU import endpoint: POST /v1/imports/skus with a CSV body. */
#ifndef CATALOG_IMPORT_HTTP_H
#define CATALOG_IMPORT_HTTP_H

struct req;

/*
 * Upserts SKUs on sku_code, finding or creating each product by (manufacturer, name), all
 * in one transaction with a savepoint per row: a bad row is reported and skipped.
 * ?dry_run=true checks and reports without writing (200); ?atomic=true writes every row or,
 * on any row error, none (422 with the report). Otherwise 201 with the report. An org-scoped
 * caller imports only its own manufacturer's SKUs. docs/catalog.md describes the format.
 */
int import_http_skus(struct req *r);

#endif
