/* Products, SKUs and offerings: the rules of their fields and the statements that keep them. */
#ifndef CATALOG_PRODUCT_H
#define CATALOG_PRODUCT_H

#include <stddef.h>

/*
 * Pure rules (product.c). Each returns NULL when the value is valid, else a lower-case
 * reason for problem+json `errors`; nothing is allocated. Strings are NUL-terminated UTF-8.
 */
#define PRODUCT_NAME_MAX     200 /* bytes */
#define PRODUCT_CATEGORY_MAX 100 /* bytes */
#define PRODUCT_QUERY_MAX    200 /* bytes of ?q= */
#define SKU_CODE_MAX         64  /* characters */
#define OFFERING_LABEL_MAX   64  /* bytes of term and service_level */

/* The enums of the schema, NULL-terminated. */
extern const char *const product_lifecycles[];
extern const char *const sku_statuses[];
extern const char *const offering_types[];
extern const char *const offering_statuses[];

/* 1..200 bytes, not blank, no control characters */
const char *product_check_name(const char *name);
/* 1..100 bytes, not blank, no control characters */
const char *product_check_category(const char *category);
/* draft|active|discontinued|end_of_life */
const char *product_check_lifecycle(const char *status);
/*
 * 1..64 characters of valid UTF-8, every one printable (no C0 or C1 control character, no
 * DEL), and no space at either end. Codes are unique per tenant without regard to case.
 */
const char *sku_check_code(const char *code);
/* active|inactive|discontinued */
const char *sku_check_status(const char *status);
/* sale|subscription|rental */
const char *offering_check_type(const char *type);
/* active|inactive */
const char *offering_check_status(const char *status);
/* term and service_level: 1..64 bytes, no control characters */
const char *offering_check_label(const char *label);

struct json_object;

/*
 * attrs and conditions: a JSON object with the limits of an organization's metadata
 * (ORG_METADATA_MAX bytes serialised, ORG_METADATA_DEPTH levels); *len gets the size.
 */
const char *product_check_attrs(struct json_object *attrs, size_t *len);

/* Registered statements (src/registry.c), all in product_db.c. */
struct db_query;
extern const struct db_query Q_PRODUCT_LIST, Q_PRODUCT_GET, Q_PRODUCT_GET_FOR_UPDATE,
    Q_PRODUCT_FIND, Q_PRODUCT_INSERT, Q_PRODUCT_UPDATE, Q_SKU_LIST, Q_SKU_GET, Q_SKU_GET_FOR_UPDATE,
    Q_SKU_FIND_CODE, Q_SKU_INSERT, Q_SKU_UPDATE, Q_OFFERING_LIST, Q_OFFERING_GET,
    Q_OFFERING_GET_FOR_UPDATE, Q_OFFERING_INSERT, Q_OFFERING_UPDATE, Q_CATALOG_MAKER_GET,
    Q_CATALOG_MAKER_FIND, Q_CATALOG_SAVEPOINT, Q_CATALOG_ROLLBACK_TO;
#define PRODUCT_QUERIES                                                                            \
    &Q_PRODUCT_LIST, &Q_PRODUCT_GET, &Q_PRODUCT_GET_FOR_UPDATE, &Q_PRODUCT_FIND,                   \
        &Q_PRODUCT_INSERT, &Q_PRODUCT_UPDATE, &Q_SKU_LIST, &Q_SKU_GET, &Q_SKU_GET_FOR_UPDATE,      \
        &Q_SKU_FIND_CODE, &Q_SKU_INSERT, &Q_SKU_UPDATE, &Q_OFFERING_LIST, &Q_OFFERING_GET,         \
        &Q_OFFERING_GET_FOR_UPDATE, &Q_OFFERING_INSERT, &Q_OFFERING_UPDATE, &Q_CATALOG_MAKER_GET,  \
        &Q_CATALOG_MAKER_FIND, &Q_CATALOG_SAVEPOINT, &Q_CATALOG_ROLLBACK_TO

/*
 * Visibility: the statements that read products, SKUs or offerings for a caller take the
 * caller's organization (0: tenant-wide, who sees everything) in five parameters in a row,
 * the same id in each. With an organization they keep an item when its manufacturer is that
 * organization, or when one of its SKUs is live (to_version IS NULL) in a publication that
 * the organization published, that names it as recipient, or that is for all the children
 * of a publisher that is its active distributor_of or dealer_of parent.
 *
 * Columns of product queries, in order: id L, manufacturer_id L, name, category (NULL when
 * none), attrs (JSON text), lifecycle_status, version L, created_at, updated_at (RFC 3339
 * UTC with milliseconds).
 */
enum {
    PRODUCT_COL_ID,
    PRODUCT_COL_MAKER,
    PRODUCT_COL_NAME,
    PRODUCT_COL_CATEGORY,
    PRODUCT_COL_ATTRS,
    PRODUCT_COL_LIFECYCLE,
    PRODUCT_COL_VERSION,
    PRODUCT_COL_CREATED_AT,
    PRODUCT_COL_UPDATED_AT,
};

/* SKU queries: id L, product_id L, manufacturer_id L, sku_code, attrs, status, version L, times. */
enum {
    SKU_COL_ID,
    SKU_COL_PRODUCT,
    SKU_COL_MAKER,
    SKU_COL_CODE,
    SKU_COL_ATTRS,
    SKU_COL_STATUS,
    SKU_COL_VERSION,
    SKU_COL_CREATED_AT,
    SKU_COL_UPDATED_AT,
};

/*
 * Offering queries: id L, sku_id L, offer_type, term, service_level (NULL when none),
 * conditions, status, version L, times, and the SKU's manufacturer_id L (not shown).
 */
enum {
    OFFERING_COL_ID,
    OFFERING_COL_SKU,
    OFFERING_COL_TYPE,
    OFFERING_COL_TERM,
    OFFERING_COL_SERVICE_LEVEL,
    OFFERING_COL_CONDITIONS,
    OFFERING_COL_STATUS,
    OFFERING_COL_VERSION,
    OFFERING_COL_CREATED_AT,
    OFFERING_COL_UPDATED_AT,
    OFFERING_COL_MAKER,
};

#endif
