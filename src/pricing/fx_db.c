/* FX rates' SQL: the only place their statements live. */
#include "pricing/fx.h"

#include "db/db.h"

/* The columns of enum FX_COL_* (the session runs in +00:00). */
#define FX_COLS                                                                                    \
    "id, base_currency, quote_currency, rate, DATE_FORMAT(rate_date, '%Y-%m-%d'), "                \
    "CONCAT(LEFT(DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
#define FX_COL_TYPES "Lsssss"

/* One statement for every filter: a NULL parameter switches its filter off. */
const struct db_query Q_FX_LIST = {
    "fx.list",
    "SELECT " FX_COLS " FROM fx_rates WHERE tenant_id = ? AND id > ? "
    "AND (? IS NULL OR base_currency = ?) AND (? IS NULL OR quote_currency = ?) "
    "AND (? IS NULL OR rate_date >= ?) AND (? IS NULL OR rate_date <= ?) ORDER BY id LIMIT ?",
    "LLssssssssi",
    FX_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_FX_GET = {
    "fx.get",   "SELECT " FX_COLS " FROM fx_rates WHERE tenant_id = ? AND id = ?",
    "LL",       FX_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_FX_LOCK = {
    "fx.lock",  "SELECT " FX_COLS " FROM fx_rates WHERE tenant_id = ? AND id = ? FOR UPDATE",
    "LL",       FX_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_FX_INSERT = {
    "fx.insert",
    "INSERT INTO fx_rates (tenant_id, base_currency, quote_currency, rate, rate_date) "
    "VALUES (?, ?, ?, ?, ?)",
    "Lssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_FX_DELETE = {
    "fx.delete", "DELETE FROM fx_rates WHERE tenant_id = ? AND id = ?", "LL", "", DBQ_TENANT,
};
