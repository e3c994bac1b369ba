/* Tenant settings' SQL: the global tenants table, always by the caller's tenant id. */
#include "tenant/tenant.h"

#include "db/db.h"

#define SETTINGS_COLS                                                                              \
    "flags, timezone, locale, currency, rounding, lockout_threshold, lockout_minutes, version"

const struct db_query Q_TENANT_SETTINGS_GET = {
    "tenant.settings_get",
    "SELECT " SETTINGS_COLS " FROM tenants WHERE id = ?",
    "L",
    "sssssLLL",
    DBQ_GLOBAL,
};

/* The row lock orders concurrent PUTs: each sees the version the one before it left. */
const struct db_query Q_TENANT_SETTINGS_LOCK = {
    "tenant.settings_lock",
    "SELECT " SETTINGS_COLS " FROM tenants WHERE id = ? FOR UPDATE",
    "L",
    "sssssLLL",
    DBQ_GLOBAL,
};

const struct db_query Q_TENANT_SETTINGS_SET = {
    "tenant.settings_set",
    "UPDATE tenants SET flags = ?, timezone = ?, locale = ?, currency = ?, rounding = ?, "
    "lockout_threshold = ?, lockout_minutes = ?, version = version + 1 WHERE id = ?",
    "sssssiiL",
    "",
    DBQ_GLOBAL,
};
