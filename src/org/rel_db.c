/* Relationships' SQL: the only place their statements live, and the helpers other modules call. */
#include "org/rel.h"

#include "db/db.h"

/* RFC 3339 UTC with milliseconds (the session runs in +00:00); NULL stays NULL. */
#define TS(c) "CONCAT(LEFT(DATE_FORMAT(" c ", '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"

/* Active at t: active_from <= t < active_to (or no active_to). */
#define ACTIVE_NOW "(r.active_from <= NOW(3) AND (r.active_to IS NULL OR r.active_to > NOW(3)))"
/* Live: active now or not yet started, and not ended. */
#define LIVE_NOW "(r.active_to IS NULL OR r.active_to > NOW(3))"
/* Ended: active_to has passed. */
#define ENDED_NOW "(r.active_to IS NOT NULL AND r.active_to <= NOW(3))"

/* The columns of enum REL_COL_*. */
/* clang-format off */
#define REL_COLS                                                                                   \
    "r.id, r.parent_org_id, r.child_org_id, r.relation_type, r.preferred, "                        \
    TS("r.active_from") ", " TS("r.active_to") ", " ACTIVE_NOW ", " ENDED_NOW ", r.version, "      \
    TS("r.created_at") ", " TS("r.updated_at") ", p.name, p.type, c.name, c.type"
/* clang-format on */
#define REL_COL_TYPES "LLLsLssLLLssssss"
#define REL_FROM                                                                                   \
    " FROM org_relationships r JOIN organizations p ON p.tenant_id = r.tenant_id AND p.id = "      \
    "r.parent_org_id JOIN organizations c ON c.tenant_id = r.tenant_id AND c.id = r.child_org_id"

/*
 * One org's relationships: as the child (parents = 1), as the parent (children = 1) or
 * both; relation_type NULL for any; active 0 for any, 1 for active now, 2 for not.
 */
const struct db_query Q_REL_LIST = {
    "rel.list",
    "SELECT " REL_COLS REL_FROM " WHERE r.tenant_id = ? AND r.id > ? "
    "AND ((? = 1 AND r.child_org_id = ?) OR (? = 1 AND r.parent_org_id = ?)) "
    "AND (? IS NULL OR r.relation_type = ?) AND (? = 0 OR (? = 1) = " ACTIVE_NOW ") "
    "ORDER BY r.id LIMIT ?",
    "LLiLiLssiii",
    REL_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_REL_GET = {
    "rel.get",  "SELECT " REL_COLS REL_FROM " WHERE r.tenant_id = ? AND r.id = ?",
    "LL",       REL_COL_TYPES,
    DBQ_TENANT,
};

/* The row alone: a locking read over the join would lock both organizations too. */
const struct db_query Q_REL_LOCK = {
    "rel.lock", "SELECT id FROM org_relationships WHERE tenant_id = ? AND id = ? FOR UPDATE",
    "LL",       "L",
    DBQ_TENANT,
};

/* A new relationship's two organizations, share-locked (the insert's foreign keys would). */
const struct db_query Q_REL_ORGS = {
    "rel.orgs",
    "SELECT id, type, name FROM organizations WHERE tenant_id = ? AND id IN (?, ?) "
    "LOCK IN SHARE MODE",
    "LLL",
    "Lss",
    DBQ_TENANT,
};

/*
 * New relationships of a tenant are written one at a time, so the duplicate and cycle
 * checks see every one before them: no unique key can say "no cycle". A named lock, taken
 * before the transaction: locking the tenant's row for update in it deadlocked with writes
 * holding that row's share lock (their foreign keys) while they queued on an organization.
 * 1 when taken, 0 after 10 s.
 */
const struct db_query Q_REL_LOCK_TENANT = {
    "rel.lock_tenant",
    "SELECT GET_LOCK(CONCAT(LEFT(DATABASE(), 30), '.relationships.', ?), 10)",
    "L",
    "L",
    DBQ_GLOBAL,
};

const struct db_query Q_REL_UNLOCK_TENANT = {
    "rel.unlock_tenant",
    "SELECT RELEASE_LOCK(CONCAT(LEFT(DATABASE(), 30), '.relationships.', ?))",
    "L",
    "L",
    DBQ_GLOBAL,
};

const struct db_query Q_REL_FIND_LIVE = {
    "rel.find_live",
    "SELECT r.id FROM org_relationships r WHERE r.tenant_id = ? AND r.parent_org_id = ? "
    "AND r.child_org_id = ? AND r.relation_type = ? AND " LIVE_NOW " LIMIT 1",
    "LLLs",
    "L",
    DBQ_TENANT,
};

/*
 * Everything reachable downwards from the child (first ?) through live relationships, as
 * (org, the org it was reached from), when the parent (last ?) is among it: the new
 * relationship would close a cycle. UNION (not ALL) keeps each edge once, so the walk ends
 * and stays linear in the edges even on a graph with many paths.
 */
const struct db_query Q_REL_CYCLE = {
    "rel.cycle",
    "WITH RECURSIVE down (org_id, prev_id) AS ("
    "SELECT CAST(? AS UNSIGNED), CAST(0 AS UNSIGNED) UNION "
    "SELECT r.child_org_id, r.parent_org_id FROM down d JOIN org_relationships r "
    "ON r.parent_org_id = d.org_id WHERE r.tenant_id = ? AND " LIVE_NOW ") "
    "SELECT d.org_id, d.prev_id, o.name FROM down d JOIN organizations o "
    "ON o.tenant_id = ? AND o.id = d.org_id WHERE EXISTS (SELECT 1 FROM down x "
    "WHERE x.org_id = ?) ORDER BY d.org_id, d.prev_id",
    "LLLL",
    "LLs",
    DBQ_TENANT,
};

/* active_from NULL: now. */
const struct db_query Q_REL_INSERT = {
    "rel.insert",
    "INSERT INTO org_relationships (tenant_id, parent_org_id, child_org_id, relation_type, "
    "preferred, active_from, active_to) VALUES (?, ?, ?, ?, ?, COALESCE(?, NOW(3)), ?)",
    "LLLsiss",
    "",
    DBQ_TENANT,
};

/* active_to changes only when the second ? is 1. */
const struct db_query Q_REL_UPDATE = {
    "rel.update",
    "UPDATE org_relationships SET preferred = ?, active_to = IF(? = 1, ?, active_to), "
    "version = version + 1 WHERE tenant_id = ? AND id = ?",
    "iisLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_REL_ACTIVE_PARENTS = {
    "rel.active_parents",
    "SELECT r.parent_org_id, MAX(r.preferred) FROM org_relationships r WHERE r.tenant_id = ? "
    "AND r.child_org_id = ? AND r.relation_type IN ('distributor_of', 'dealer_of') "
    "AND " ACTIVE_NOW " GROUP BY r.parent_org_id ORDER BY r.parent_org_id",
    "LL",
    "LL",
    DBQ_TENANT,
};

const struct db_query Q_REL_ACTIVE_CHILD = {
    "rel.active_child",
    "SELECT MAX(r.preferred) FROM org_relationships r WHERE r.tenant_id = ? "
    "AND r.parent_org_id = ? AND r.child_org_id = ? "
    "AND r.relation_type IN ('distributor_of', 'dealer_of') AND " ACTIVE_NOW,
    "LLL",
    "L",
    DBQ_TENANT,
};

/* Inserts unless a live relationship of the type links the pair already. */
const struct db_query Q_REL_SEED = {
    "rel.seed",
    "INSERT INTO org_relationships (tenant_id, parent_org_id, child_org_id, relation_type) "
    "SELECT ?, ?, ?, ? FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM org_relationships r "
    "WHERE r.tenant_id = ? AND r.parent_org_id = ? AND r.child_org_id = ? "
    "AND r.relation_type = ? AND " LIVE_NOW ")",
    "LLLsLLLs",
    "",
    DBQ_TENANT,
};

int rel_active_parents(struct db *db, struct arena *ar, int64_t tenant_id, int64_t child_org_id,
                       struct db_res *out)
{
    return db_exec(db, ar, &Q_REL_ACTIVE_PARENTS, tenant_id, out, (long long)child_org_id);
}

int rel_is_active_child(struct db *db, struct arena *ar, int64_t tenant_id, int64_t parent,
                        int64_t child, int *preferred)
{
    struct db_res res;
    int rc;

    *preferred = -1;
    rc = db_exec(db, ar, &Q_REL_ACTIVE_CHILD, tenant_id, &res, (long long)parent, (long long)child);
    if (rc)
        return rc;
    /* MAX over no rows is one NULL row */
    if (res.nrows == 1 && !db_at(&res, 0, 0)->null)
        *preferred = db_at(&res, 0, 0)->i ? 1 : 0;
    return 0;
}

int rel_seed(struct db *db, struct arena *ar, int64_t tenant_id, int64_t parent, int64_t child,
             const char *relation_type)
{
    /* the helper binds the subquery's tenant; the inserted row's is the first ? */
    return db_exec(db, ar, &Q_REL_SEED, tenant_id, NULL, (long long)tenant_id, (long long)parent,
                   (long long)child, relation_type, (long long)parent, (long long)child,
                   relation_type);
}
