/* Channels' SQL: the only place their statements live. */
#include "catalog/channel.h"

#include "db/db.h"

/* The columns of enum CHANNEL_COL_*, RFC 3339 UTC times (the session runs in +00:00). */
#define CHANNEL_COLS                                                                               \
    "id, name, type, org_id, status, version, "                                                    \
    "CONCAT(LEFT(DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "                     \
    "CONCAT(LEFT(DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
#define CHANNEL_COL_TYPES "LssLsLss"

/* One statement for every filter: a NULL parameter switches its filter off. */
const struct db_query Q_CHANNEL_LIST = {
    "channel.list",
    "SELECT " CHANNEL_COLS " FROM channels WHERE tenant_id = ? AND id > ? "
    "AND (? IS NULL OR type = ?) AND (? IS NULL OR org_id = ?) AND (? IS NULL OR status = ?) "
    "ORDER BY id LIMIT ?",
    "LLssNNssi",
    CHANNEL_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_CHANNEL_GET = {
    "channel.get", "SELECT " CHANNEL_COLS " FROM channels WHERE tenant_id = ? AND id = ?",
    "LL",          CHANNEL_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_CHANNEL_GET_FOR_UPDATE = {
    "channel.get_for_update",
    "SELECT " CHANNEL_COLS " FROM channels WHERE tenant_id = ? AND id = ? FOR UPDATE",
    "LL",
    CHANNEL_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_CHANNEL_INSERT = {
    "channel.insert", "INSERT INTO channels (tenant_id, name, type, org_id) VALUES (?, ?, ?, ?)",
    "LssN",           "",
    DBQ_TENANT,
};

const struct db_query Q_CHANNEL_UPDATE = {
    "channel.update",
    "UPDATE channels SET name = ?, type = ?, status = ?, version = version + 1 "
    "WHERE tenant_id = ? AND id = ?",
    "sssLL",
    "",
    DBQ_TENANT,
};

/* The name is unique in a tenant: an existing channel of that name is left as it is. */
const struct db_query Q_CHANNEL_SEED = {
    "channel.seed",
    "INSERT INTO channels (tenant_id, name, type, org_id) VALUES (?, ?, ?, ?) "
    "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)",
    "LssN",
    "",
    DBQ_TENANT,
};

int channel_find(struct db *db, struct arena *ar, int64_t tenant_id, int64_t id, struct db_res *out)
{
    return db_exec(db, ar, &Q_CHANNEL_GET, tenant_id, out, (long long)id);
}

int channel_seed(struct db *db, struct arena *ar, int64_t tenant_id, const char *name,
                 const char *type, int64_t org_id, int64_t *id)
{
    struct db_res res;
    int rc = db_exec(db, ar, &Q_CHANNEL_SEED, tenant_id, &res, name, type, (long long)org_id);

    *id = rc ? 0 : (int64_t)res.insert_id;
    return rc;
}
