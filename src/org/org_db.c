/* Organizations' SQL: the only place their statements live. */
#include "org/org.h"

#include "db/db.h"

/* The columns of enum ORG_COL_*, RFC 3339 UTC times (the session runs in +00:00). */
#define ORG_COLS                                                                                   \
    "id, name, type, status, region, certifications, metadata, version, "                          \
    "CONCAT(LEFT(DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "                     \
    "CONCAT(LEFT(DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
#define ORG_COL_TYPES "LssssssLss"

/*
 * One statement for every filter: a NULL parameter switches its filter off. only_id
 * keeps an org-scoped caller to its own organization. LOCATE compares under the name
 * column's collation (utf8mb4_unicode_ci), so q is a case-insensitive substring, and
 * unlike LIKE it gives '%' and '_' no meaning.
 */
const struct db_query Q_ORG_LIST = {
    "org.list",
    "SELECT " ORG_COLS " FROM organizations WHERE tenant_id = ? AND id > ? "
    "AND (? IS NULL OR id = ?) AND (? IS NULL OR type = ?) AND (? IS NULL OR status = ?) "
    "AND (? IS NULL OR LOCATE(?, name) > 0) ORDER BY id LIMIT ?",
    "LLNNssssssi",
    ORG_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_ORG_GET = {
    "org.get",  "SELECT " ORG_COLS " FROM organizations WHERE tenant_id = ? AND id = ?",
    "LL",       ORG_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_ORG_GET_FOR_UPDATE = {
    "org.get_for_update",
    "SELECT " ORG_COLS " FROM organizations WHERE tenant_id = ? AND id = ? FOR UPDATE",
    "LL",
    ORG_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_ORG_INSERT = {
    "org.insert",
    "INSERT INTO organizations (tenant_id, name, type, status, region, certifications, "
    "metadata) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "Lssssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_ORG_UPDATE = {
    "org.update",
    "UPDATE organizations SET name = ?, type = ?, status = ?, region = ?, certifications = ?, "
    "metadata = ?, version = version + 1 WHERE tenant_id = ? AND id = ?",
    "ssssssLL",
    "",
    DBQ_TENANT,
};
