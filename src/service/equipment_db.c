/* Equipment's SQL: the only place its statements live. */
#include "service/equipment.h"

#include "db/db.h"

/* The columns of enum EQ_COL_*, dates as "YYYY-MM-DD", times RFC 3339 UTC. */
#define EQ_COLS                                                                                    \
    "e.id, e.serial, e.sku_id, e.owner_org_id, e.site, e.region, "                                 \
    "DATE_FORMAT(e.install_date, '%Y-%m-%d'), DATE_FORMAT(e.warranty_end, '%Y-%m-%d'), "           \
    "e.status, e.qr_token, e.version, "                                                            \
    "CONCAT(LEFT(DATE_FORMAT(e.created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "                   \
    "CONCAT(LEFT(DATE_FORMAT(e.updated_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "                   \
    "s.sku_code, p.name, s.manufacturer_id"
#define EQ_COL_TYPES "LsLLssssssLssssL"
/* The SKU and its product, when there is one: the model a label and the QR page show. */
#define EQ_FROM                                                                                    \
    " FROM equipment e LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id "         \
    "LEFT JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id "

/*
 * One statement for every filter: a NULL parameter switches its filter off. The first
 * (scope) keeps an org-scoped caller to the equipment its organization owns or whose SKU
 * it makes.
 */
const struct db_query Q_EQUIPMENT_LIST = {
    "equipment.list",
    "SELECT " EQ_COLS EQ_FROM "WHERE e.tenant_id = ? AND e.id > ? "
    "AND (? IS NULL OR e.owner_org_id = ? OR s.manufacturer_id = ?) "
    "AND (? IS NULL OR e.owner_org_id = ?) AND (? IS NULL OR e.sku_id = ?) "
    "AND (? IS NULL OR e.site = ?) AND (? IS NULL OR e.region = ?) "
    "AND (? IS NULL OR e.status = ?) ORDER BY e.id LIMIT ?",
    "LLNNNNNNNssssssi",
    EQ_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_EQUIPMENT_GET = {
    "equipment.get",
    "SELECT " EQ_COLS EQ_FROM "WHERE e.tenant_id = ? AND e.id = ?",
    "LL",
    EQ_COL_TYPES,
    DBQ_TENANT,
};

/* Locks the row alone (not the catalog rows the reads join). */
const struct db_query Q_EQUIPMENT_LOCK = {
    "equipment.lock",
    "SELECT version FROM equipment WHERE tenant_id = ? AND id = ? FOR UPDATE",
    "LL",
    "L",
    DBQ_TENANT,
};

const struct db_query Q_EQUIPMENT_INSERT = {
    "equipment.insert",
    "INSERT INTO equipment (tenant_id, serial, sku_id, owner_org_id, site, region, "
    "install_date, warranty_end, status, qr_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "LsNNssssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_EQUIPMENT_UPDATE = {
    "equipment.update",
    "UPDATE equipment SET serial = ?, sku_id = ?, owner_org_id = ?, site = ?, region = ?, "
    "install_date = ?, warranty_end = ?, status = ?, version = version + 1 "
    "WHERE tenant_id = ? AND id = ?",
    "sNNsssssLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_EQUIPMENT_SET_TOKEN = {
    "equipment.set_token",
    "UPDATE equipment SET qr_token = ?, version = version + 1 WHERE tenant_id = ? AND id = ?",
    "sLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_EQUIPMENT_SKU_MAKER = {
    "equipment.sku_maker",
    "SELECT manufacturer_id FROM skus WHERE tenant_id = ? AND id = ?",
    "LL",
    "L",
    DBQ_TENANT,
};

/*
 * The public QR page: the token is the only key it has, unique across tenants. Retired
 * equipment and suspended tenants take no requests.
 */
const struct db_query Q_EQUIPMENT_BY_TOKEN = {
    "equipment.by_token",
    "SELECT e.tenant_id, e.id, e.serial, e.site, s.sku_code, p.name FROM equipment e "
    "JOIN tenants t ON t.id = e.tenant_id AND t.status = 'active' "
    "LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id "
    "LEFT JOIN products p ON p.tenant_id = s.tenant_id AND p.id = s.product_id "
    "WHERE e.qr_token = ? AND e.status = 'active'",
    "s",
    "LLssss",
    DBQ_GLOBAL,
};
