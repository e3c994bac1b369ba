/* Tax rates' SQL: the only place their statements live. */
#include "pricing/tax.h"

#include "db/db.h"

/* The columns of enum TAX_COL_* (the session runs in +00:00). */
#define TAX_COLS                                                                                   \
    "id, region, category, rate, DATE_FORMAT(effective_from, '%Y-%m-%d'), "                        \
    "CONCAT(LEFT(DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
#define TAX_COL_TYPES "Lsssss"

/*
 * One statement for every filter: a NULL parameter switches its filter off. region and
 * category compare under the columns' collation, as the unique key does.
 */
const struct db_query Q_TAX_LIST = {
    "tax.list",
    "SELECT " TAX_COLS " FROM tax_rates WHERE tenant_id = ? AND id > ? "
    "AND (? IS NULL OR region = ?) AND (? IS NULL OR category_key = ?) ORDER BY id LIMIT ?",
    "LLssssi",
    TAX_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_TAX_GET = {
    "tax.get",  "SELECT " TAX_COLS " FROM tax_rates WHERE tenant_id = ? AND id = ?",
    "LL",       TAX_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_TAX_LOCK = {
    "tax.lock", "SELECT " TAX_COLS " FROM tax_rates WHERE tenant_id = ? AND id = ? FOR UPDATE",
    "LL",       TAX_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_TAX_INSERT = {
    "tax.insert",
    "INSERT INTO tax_rates (tenant_id, region, category, rate, effective_from) "
    "VALUES (?, ?, ?, ?, ?)",
    "Lssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_TAX_DELETE = {
    "tax.delete", "DELETE FROM tax_rates WHERE tenant_id = ? AND id = ?", "LL", "", DBQ_TENANT,
};
