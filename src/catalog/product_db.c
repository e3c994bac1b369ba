/* Products', SKUs' and offerings' SQL, the import's included: the only place it lives. */
#include "catalog/product.h"

#include "db/db.h"

/* RFC 3339 UTC with milliseconds (the session runs in +00:00). */
#define TIME(c) "CONCAT(LEFT(DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"

#define PRODUCT_COLS                                                                               \
    "p.id, p.manufacturer_id, p.name, p.category, p.attrs, p.lifecycle_status, p.version, " TIME(  \
        "p.created_at") ", " TIME("p.updated_at")
#define PRODUCT_COL_TYPES "LLssssLss"

#define SKU_COLS                                                                                   \
    "s.id, s.product_id, s.manufacturer_id, s.sku_code, s.attrs, s.status, s.version, " TIME(      \
        "s.created_at") ", " TIME("s.updated_at")
#define SKU_COL_TYPES "LLLsssLss"

#define OFFERING_COLS                                                                              \
    "o.id, o.sku_id, o.offer_type, o.term, o.service_level, o.conditions, o.status, "              \
    "o.version, " TIME("o.created_at") ", " TIME("o.updated_at") ", s.manufacturer_id"
#define OFFERING_COL_TYPES "LLsssssLssL"

/*
 * SKU s reached organization X (three parameters, each X): it is live in a publication X
 * published, or one to X, or one to all whose publisher is an active distributor_of or
 * dealer_of parent of X. ix_pubitems_sku finds a SKU's publication items.
 */
#define SKU_REACHED(s)                                                                             \
    "EXISTS (SELECT 1 FROM publication_items pi JOIN publications pb "                             \
    "ON pb.tenant_id = pi.tenant_id AND pb.id = pi.publication_id "                                \
    "WHERE pi.tenant_id = " s ".tenant_id AND pi.sku_id = " s ".id AND pi.to_version IS NULL "     \
    "AND (pb.publisher_org_id = ? OR pb.recipient_org_id = ? OR (pb.recipient_org_id IS NULL "     \
    "AND EXISTS (SELECT 1 FROM org_relationships rl WHERE rl.tenant_id = pb.tenant_id "            \
    "AND rl.parent_org_id = pb.publisher_org_id AND rl.child_org_id = ? "                          \
    "AND rl.relation_type IN ('distributor_of', 'dealer_of') AND rl.active_from <= NOW(3) "        \
    "AND (rl.active_to IS NULL OR rl.active_to > NOW(3))))))"

/* Five parameters, each the caller's organization or 0 (tenant-wide: everything). */
#define SKU_VISIBLE(s) "(? = 0 OR " s ".manufacturer_id = ? OR " SKU_REACHED(s) ")"
#define PRODUCT_VISIBLE                                                                            \
    "(? = 0 OR p.manufacturer_id = ? OR EXISTS (SELECT 1 FROM skus vs "                            \
    "WHERE vs.tenant_id = p.tenant_id AND vs.product_id = p.id AND " SKU_REACHED("vs") "))"
#define VISIBLE_TYPES "LLLLL"

/*
 * One statement for every filter: a NULL parameter switches its filter off. LOCATE
 * compares under the column's collation, so q is a case-insensitive substring, literally.
 */
const struct db_query Q_PRODUCT_LIST = {
    "catalog.product_list",
    "SELECT " PRODUCT_COLS " FROM products p WHERE p.tenant_id = ? AND p.id > ? "
    "AND (? IS NULL OR p.manufacturer_id = ?) AND (? IS NULL OR p.category = ?) "
    "AND (? IS NULL OR p.lifecycle_status = ?) AND (? IS NULL OR LOCATE(?, p.name) > 0) "
    "AND " PRODUCT_VISIBLE " ORDER BY p.id LIMIT ?",
    "LLNNssssss" VISIBLE_TYPES "i",
    PRODUCT_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_PRODUCT_GET = {
    "catalog.product_get",
    "SELECT " PRODUCT_COLS " FROM products p WHERE p.tenant_id = ? AND p.id = ? "
    "AND " PRODUCT_VISIBLE,
    "LL" VISIBLE_TYPES,
    PRODUCT_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_PRODUCT_GET_FOR_UPDATE = {
    "catalog.product_get_for_update",
    "SELECT " PRODUCT_COLS " FROM products p WHERE p.tenant_id = ? AND p.id = ? FOR UPDATE",
    "LL",
    PRODUCT_COL_TYPES,
    DBQ_TENANT,
};

/* The import's natural key, compared as the unique key does (without regard to case). */
const struct db_query Q_PRODUCT_FIND = {
    "catalog.product_find",
    "SELECT " PRODUCT_COLS " FROM products p WHERE p.tenant_id = ? AND p.manufacturer_id = ? "
    "AND p.name = ? FOR UPDATE",
    "LLs",
    PRODUCT_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_PRODUCT_INSERT = {
    "catalog.product_insert",
    "INSERT INTO products (tenant_id, manufacturer_id, name, category, attrs, lifecycle_status) "
    "VALUES (?, ?, ?, ?, ?, ?)",
    "LLssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_PRODUCT_UPDATE = {
    "catalog.product_update",
    "UPDATE products SET name = ?, category = ?, attrs = ?, lifecycle_status = ?, "
    "version = version + 1 WHERE tenant_id = ? AND id = ?",
    "ssssLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_SKU_LIST = {
    "catalog.sku_list",
    "SELECT " SKU_COLS " FROM skus s WHERE s.tenant_id = ? AND s.id > ? "
    "AND (? IS NULL OR s.product_id = ?) AND (? IS NULL OR s.sku_code = ?) "
    "AND (? IS NULL OR s.manufacturer_id = ?) AND (? IS NULL OR s.status = ?) "
    "AND " SKU_VISIBLE("s") " ORDER BY s.id LIMIT ?",
    "LLNNssNNss" VISIBLE_TYPES "i",
    SKU_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_SKU_GET = {
    "catalog.sku_get",
    "SELECT " SKU_COLS " FROM skus s WHERE s.tenant_id = ? AND s.id = ? AND " SKU_VISIBLE("s"),
    "LL" VISIBLE_TYPES,
    SKU_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_SKU_GET_FOR_UPDATE = {
    "catalog.sku_get_for_update",
    "SELECT " SKU_COLS " FROM skus s WHERE s.tenant_id = ? AND s.id = ? FOR UPDATE",
    "LL",
    SKU_COL_TYPES,
    DBQ_TENANT,
};

/* Codes are unique without regard to case (the column's collation): the import's key. */
const struct db_query Q_SKU_FIND_CODE = {
    "catalog.sku_find_code",
    "SELECT " SKU_COLS " FROM skus s WHERE s.tenant_id = ? AND s.sku_code = ? FOR UPDATE",
    "Ls",
    SKU_COL_TYPES,
    DBQ_TENANT,
};

/* The manufacturer is the product's: the foreign key refuses any other. */
const struct db_query Q_SKU_INSERT = {
    "catalog.sku_insert",
    "INSERT INTO skus (tenant_id, product_id, manufacturer_id, sku_code, attrs, status) "
    "VALUES (?, ?, ?, ?, ?, ?)",
    "LLLsss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_SKU_UPDATE = {
    "catalog.sku_update",
    "UPDATE skus SET product_id = ?, sku_code = ?, attrs = ?, status = ?, "
    "version = version + 1 WHERE tenant_id = ? AND id = ?",
    "LsssLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_OFFERING_LIST = {
    "catalog.offering_list",
    "SELECT " OFFERING_COLS " FROM offerings o JOIN skus s ON s.tenant_id = o.tenant_id "
    "AND s.id = o.sku_id WHERE o.tenant_id = ? AND o.id > ? AND (? IS NULL OR o.sku_id = ?) "
    "AND (? IS NULL OR o.offer_type = ?) AND (? IS NULL OR o.status = ?) "
    "AND " SKU_VISIBLE("s") " ORDER BY o.id LIMIT ?",
    "LLNNssss" VISIBLE_TYPES "i",
    OFFERING_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_OFFERING_GET = {
    "catalog.offering_get",
    "SELECT " OFFERING_COLS " FROM offerings o JOIN skus s ON s.tenant_id = o.tenant_id "
    "AND s.id = o.sku_id WHERE o.tenant_id = ? AND o.id = ? AND " SKU_VISIBLE("s"),
    "LL" VISIBLE_TYPES,
    OFFERING_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_OFFERING_GET_FOR_UPDATE = {
    "catalog.offering_get_for_update",
    "SELECT " OFFERING_COLS " FROM offerings o JOIN skus s ON s.tenant_id = o.tenant_id "
    "AND s.id = o.sku_id WHERE o.tenant_id = ? AND o.id = ? FOR UPDATE",
    "LL",
    OFFERING_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_OFFERING_INSERT = {
    "catalog.offering_insert",
    "INSERT INTO offerings (tenant_id, sku_id, offer_type, term, service_level, conditions, "
    "status) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "LLsssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_OFFERING_UPDATE = {
    "catalog.offering_update",
    "UPDATE offerings SET offer_type = ?, term = ?, service_level = ?, conditions = ?, "
    "status = ?, version = version + 1 WHERE tenant_id = ? AND id = ?",
    "sssssLL",
    "",
    DBQ_TENANT,
};

/* A manufacturer organization of the tenant, by id or (the import) by name: id L, name. */
const struct db_query Q_CATALOG_MAKER_GET = {
    "catalog.maker_get",
    "SELECT id, name FROM organizations WHERE tenant_id = ? AND id = ? AND type = 'manufacturer'",
    "LL",
    "Ls",
    DBQ_TENANT,
};

const struct db_query Q_CATALOG_MAKER_FIND = {
    "catalog.maker_find",
    "SELECT id, name FROM organizations WHERE tenant_id = ? AND name = ? "
    "AND type = 'manufacturer'",
    "Ls",
    "Ls",
    DBQ_TENANT,
};

/*
 * The import's rows: each starts at the savepoint and a failed row rolls back to it, so one
 * transaction keeps the good rows. Naming it again moves it (no RELEASE needed).
 */
const struct db_query Q_CATALOG_SAVEPOINT = {
    "catalog.savepoint", "SAVEPOINT catalog_row", "", "", DBQ_GLOBAL,
};

const struct db_query Q_CATALOG_ROLLBACK_TO = {
    "catalog.rollback_to", "ROLLBACK TO SAVEPOINT catalog_row", "", "", DBQ_GLOBAL,
};
