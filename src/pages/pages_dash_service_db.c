/* The service tiles' SQL: every statement tenant-bound, each read bounded by a key and a LIMIT. */
#include "pages/pages_dash_service.h"

#include "db/db.h"

#define MS(col)  "CAST(ROUND(UNIX_TIMESTAMP(" col ") * 1000) AS SIGNED)"
#define OPEN_SQL "t.status IN ('open', 'acknowledged', 'in_progress', 'waiting_customer')"
#define COL_TIMES                                                                                  \
    MS("t.created_at")                                                                             \
    ", " MS("t.resolved_at") ", " MS("t.response_due_at") ", " MS("t.resolve_due_at")
#define ROW_COLS                                                                                   \
    "t.id, t.equipment_id, e.serial, e.status, t.severity, t.status, t.title, "                    \
    "t.responded_at IS NOT NULL, " COL_TIMES ", s.sku_code, COALESCE(NULLIF(p.category, ''), "     \
    "p.name) "
#define ROW_SKU                                                                                    \
    " LEFT JOIN skus s FORCE INDEX (uq_skus_tenant_id) ON s.tenant_id = e.tenant_id "              \
    "AND s.id = e.sku_id LEFT JOIN products p FORCE INDEX (uq_products_tenant_id) "                \
    "ON p.tenant_id = s.tenant_id AND p.id = s.product_id "
#define ROW_TYPES "LLsssssLLLLLss"

/* ix_equipment_owner: the org's equipment, nobody else's */
const struct db_query Q_DSVC_EQUIP_COUNT = {
    "dsvc.equip_count",
    "SELECT COUNT(*) FROM equipment WHERE tenant_id = ? AND owner_org_id = ? AND status = 'active'",
    "LL",
    "L",
    DBQ_TENANT,
};

const struct db_query Q_DSVC_EQUIP_SITES = {
    "dsvc.equip_sites",
    "SELECT COALESCE(site, ''), COUNT(*) FROM equipment WHERE tenant_id = ? AND owner_org_id = ? "
    "AND status = 'active' GROUP BY site ORDER BY COUNT(*) DESC, site LIMIT ?",
    "LLi",
    "sL",
    DBQ_TENANT,
};

/*
 * Tickets of the equipment an org owns that are open, or were resolved since a time: the
 * equipment by ix_equipment_owner, its tickets by ix_tickets_equipment. Open tickets have
 * no resolved_at (a reopen clears it). The keys are forced: on a small table the planner
 * reads the tenant's prefix of another key, and a dashboard must not depend on statistics.
 */
const struct db_query Q_DSVC_OWNED = {
    "dsvc.owned",
    "SELECT STRAIGHT_JOIN " ROW_COLS
    "FROM equipment e FORCE INDEX (ix_equipment_owner) JOIN tickets t "
    "FORCE INDEX (ix_tickets_equipment) ON t.tenant_id = e.tenant_id AND "
    "t.equipment_id = e.id" ROW_SKU "WHERE e.tenant_id = ? AND e.owner_org_id = ? AND "
    "(t.resolved_at IS NULL OR t.resolved_at >= ?) LIMIT ?",
    "LLsi",
    ROW_TYPES,
    DBQ_TENANT,
};

/* The same for the tickets an org answers for: two ranges of ix_tickets_resp_resolved. */
const struct db_query Q_DSVC_RESP = {
    "dsvc.resp",
    "SELECT STRAIGHT_JOIN " ROW_COLS
    "FROM tickets t FORCE INDEX (ix_tickets_resp_resolved) JOIN equipment e "
    "FORCE INDEX (uq_equipment_tenant_id) ON e.tenant_id = t.tenant_id AND "
    "e.id = t.equipment_id" ROW_SKU "WHERE t.tenant_id = ? AND t.responsible_org_id = ? AND "
    "(t.resolved_at IS NULL OR t.resolved_at >= ?) LIMIT ?",
    "LLsi",
    ROW_TYPES,
    DBQ_TENANT,
};

/* Jobs of the org's engineers per status: ix_engineer_orgs_org, then ix_tickets_engineer. */
const struct db_query Q_DSVC_SP_JOBS = {
    "dsvc.sp_jobs",
    "SELECT t.status, COUNT(*) FROM engineer_orgs eo JOIN tickets t ON t.tenant_id = "
    "eo.tenant_id AND t.assigned_engineer_id = eo.engineer_id WHERE eo.tenant_id = ? AND "
    "eo.org_id = ? GROUP BY t.status ORDER BY t.status",
    "LL",
    "sL",
    DBQ_TENANT,
};

/* The org's active engineers and each one's open jobs (index-only on ix_tickets_engineer). */
const struct db_query Q_DSVC_SP_ENGINEERS = {
    "dsvc.sp_engineers",
    "SELECT e.id, (SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = e.tenant_id AND "
    "t.assigned_engineer_id = e.id AND " OPEN_SQL ") FROM engineer_orgs eo JOIN engineers e "
    "ON e.tenant_id = eo.tenant_id AND e.id = eo.engineer_id WHERE eo.tenant_id = ? AND "
    "eo.org_id = ? AND e.status = 'active' ORDER BY e.id LIMIT ?",
    "LLi",
    "LL",
    DBQ_TENANT,
};

/* The org's active dealer_of children and each one's open tickets (ix_tickets_responsible). */
const struct db_query Q_DSVC_DEALERS = {
    "dsvc.dealers",
    "SELECT DISTINCT o.id, o.name, (SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = "
    "o.tenant_id AND t.responsible_org_id = o.id AND " OPEN_SQL ") FROM org_relationships r "
    "JOIN organizations o ON o.tenant_id = r.tenant_id AND o.id = r.child_org_id WHERE "
    "r.tenant_id = ? AND r.parent_org_id = ? AND r.relation_type = 'dealer_of' AND "
    "r.active_from <= NOW(3) AND (r.active_to IS NULL OR r.active_to > NOW(3)) ORDER BY o.id "
    "LIMIT ?",
    "LLi",
    "LsL",
    DBQ_TENANT,
};

/* Tickets opened per UTC day since a day: one range of ix_tickets_created, index only. */
const struct db_query Q_DSVC_TICKET_DAYS = {
    "dsvc.ticket_days",
    "SELECT DATE_FORMAT(DATE(created_at), '%Y-%m-%d'), COUNT(*) FROM tickets "
    "WHERE tenant_id = ? AND created_at >= ? GROUP BY DATE(created_at) ORDER BY DATE(created_at)",
    "Ls",
    "sL",
    DBQ_TENANT,
};

/* The tenant's open tickets per status: four ranges of ix_tickets_status, index only. */
const struct db_query Q_DSVC_OPEN_STATUSES = {
    "dsvc.open_statuses",
    "SELECT t.status, COUNT(*) FROM tickets t WHERE t.tenant_id = ? AND " OPEN_SQL
    " GROUP BY t.status ORDER BY t.status",
    "L",
    "sL",
    DBQ_TENANT,
};
