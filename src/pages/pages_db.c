/* The dashboards' SQL: counts and lists for the tiles, the only place their statements live. */
#include "pages/pages_db.h"

#include "db/db.h"

/* RFC 3339 UTC with milliseconds, as the API writes times (the session runs in +00:00). */
#define RFC3339(col) "CONCAT(LEFT(DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"

const struct db_query Q_DASH_MEMBERS = {
    "dash.members",
    "SELECT u.id, u.email, m.role, u.status FROM memberships m "
    "JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id "
    "WHERE m.tenant_id = ? AND m.org_id = ? ORDER BY u.email LIMIT ?",
    "LLi",
    "Lsss",
    DBQ_TENANT,
};

const struct db_query Q_DASH_MEMBER_COUNTS = {
    "dash.member_counts",
    "SELECT COUNT(*), COUNT(IF(u.status = 'active', 1, NULL)) FROM memberships m "
    "JOIN users u ON u.tenant_id = m.tenant_id AND u.id = m.user_id "
    "WHERE m.tenant_id = ? AND m.org_id = ?",
    "LL",
    "LL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_ORG_CHANGES = {
    "dash.org_changes",
    "SELECT COUNT(*) FROM audit_log "
    "WHERE tenant_id = ? AND org_id = ? AND at >= NOW(3) - INTERVAL 7 DAY",
    "LL",
    "L",
    DBQ_TENANT,
};

/* ORDER BY an ENUM column orders by its declaration: manufacturer first, customer last */
const struct db_query Q_DASH_ORG_TYPES = {
    "dash.org_types",
    "SELECT type, COUNT(*) FROM organizations WHERE tenant_id = ? GROUP BY type ORDER BY type",
    "L",
    "sL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_USER_STATUSES = {
    "dash.user_statuses",
    "SELECT status, COUNT(*) FROM users WHERE tenant_id = ? GROUP BY status ORDER BY status",
    "L",
    "sL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_AUDIT_COUNTS = {
    "dash.audit_counts",
    "SELECT COUNT(IF(at >= NOW(3) - INTERVAL 1 DAY, 1, NULL)), COUNT(*) FROM audit_log "
    "WHERE tenant_id = ? AND at >= NOW(3) - INTERVAL 7 DAY",
    "L",
    "LL",
    DBQ_TENANT,
};

/* the caller gives the first day, so the days it draws and the days counted agree */
const struct db_query Q_DASH_AUDIT_DAYS = {
    "dash.audit_days",
    "SELECT DATE_FORMAT(DATE(at), '%Y-%m-%d'), COUNT(*) FROM audit_log "
    "WHERE tenant_id = ? AND at >= ? GROUP BY DATE(at) ORDER BY DATE(at)",
    "Ls",
    "sL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_SCHEMA = {
    "dash.schema",
    "SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1",
    "",
    "Ls",
    DBQ_GLOBAL,
};

const struct db_query Q_DASH_TENANTS = {
    "dash.tenants",
    "SELECT id, name, slug, status, (SELECT COUNT(*) FROM tenants) FROM tenants "
    "ORDER BY id LIMIT ?",
    "i",
    "LsssL",
    DBQ_GLOBAL,
};

/*
 * Counts of the one tenant the helper binds: every subquery is tied to it through t, so
 * no caller can mix two tenants. The latest row by seq, not MAX(at): the key finds it.
 */
const struct db_query Q_DASH_TENANT_SUMMARY = {
    "dash.tenant_summary",
    "SELECT (SELECT COUNT(*) FROM organizations o WHERE o.tenant_id = t.tenant_id), "
    "(SELECT COUNT(*) FROM users u WHERE u.tenant_id = t.tenant_id), "
    "(SELECT COUNT(*) FROM audit_log a WHERE a.tenant_id = t.tenant_id "
    "AND a.at >= NOW(3) - INTERVAL 1 DAY), "
    "(SELECT " RFC3339("a.at") " FROM audit_log a WHERE a.tenant_id = t.tenant_id "
                               "ORDER BY a.seq DESC LIMIT 1) "
                               "FROM (SELECT id AS tenant_id FROM tenants) t WHERE t.tenant_id = ?",
    "L",
    "LLLs",
    DBQ_TENANT,
};
