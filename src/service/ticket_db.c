/* Tickets' and the coverage policy's SQL: the only place their statements live. */
#include "db/db.h"
#include "service/ticket.h"

/* clang-format off: the SQL keeps its own line breaks */
/* The ticket's columns of enum TKT_COL_*, each name after p: "t." in a SELECT, "" in RETURNING. */
#define TKT_ROW_COLS(p)                                                                            \
    p "id, " p "equipment_id, " p "severity, " p "status, " p "title, " p "description, " p        \
      "source, " p "reporter_name, " p "reporter_contact, " p "responsible_org_id, " p             \
      "assigned_engineer_id, " p "sla_policy_id, " p "policy_provenance, " p "escalation_level, "  \
      "CONCAT(LEFT(DATE_FORMAT(" p "response_due_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "         \
      "CONCAT(LEFT(DATE_FORMAT(" p "resolve_due_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "          \
      "CONCAT(LEFT(DATE_FORMAT(" p "responded_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "            \
      "CONCAT(LEFT(DATE_FORMAT(" p "resolved_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "             \
      "CONCAT(LEFT(DATE_FORMAT(" p "closed_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), " p "version, " \
      "CONCAT(LEFT(DATE_FORMAT(" p "created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "              \
      "CONCAT(LEFT(DATE_FORMAT(" p "updated_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
#define TKT_ROW_TYPES "LLsssssssLLLsLsssssLss"
/* All of enum TKT_COL_*; t is tickets, e its equipment. */
#define TKT_COLS      TKT_ROW_COLS("t.") ", e.owner_org_id"
#define TKT_COL_TYPES TKT_ROW_TYPES "L"
#define TKT_FROM                                                                                   \
    " FROM tickets t JOIN equipment e ON e.tenant_id = t.tenant_id AND e.id = t.equipment_id "

const struct db_query Q_TKT_TENANT_FLAGS = {
    "ticket.tenant_flags", "SELECT flags FROM tenants WHERE id = ?", "L", "s", DBQ_GLOBAL,
};

/* The equipment, its SKU's manufacturer (NULL: no SKU) and its owner's region. */
const struct db_query Q_TKT_EQUIPMENT = {
    "ticket.equipment",
    "SELECT e.id, e.status, e.owner_org_id, e.region, s.manufacturer_id FROM equipment e "
    "LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id WHERE e.tenant_id = "
    "? AND e.id = ? LOCK IN SHARE MODE",
    "LL",
    "LsLsL",
    DBQ_TENANT,
};

/*
 * What the coverage walk needs (docs/service-coverage.md "What the caller passes"), in two
 * parts: the manufacturer's tree, kept by the worker (service/covcache.h), and the owner's
 * relationships, read each time. Both give a relationship and an organization a row.
 */
#define REL_COLS                                                                                   \
    "r.id, r.parent_org_id, r.child_org_id, r.relation_type, r.preferred, "                        \
    "CAST(ROUND(UNIX_TIMESTAMP(r.active_from) * 1000) AS SIGNED), "                                \
    "CAST(ROUND(UNIX_TIMESTAMP(r.active_to) * 1000) AS SIGNED), "
#define NO_REL   "NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
#define ORG_COLS "o.id, o.type, o.region, o.certifications, o.status"

/*
 * The distributor_of and dealer_of relationships down from the manufacturer, whatever their
 * window, at most 8 levels, each with its child; then the manufacturer without one. Every
 * parent is the manufacturer or a child, so these are all the organizations they name.
 * Parameters: the manufacturer, the tenant, the tenant, the tenant, the manufacturer.
 */
const struct db_query Q_TKT_TREE = {
    "ticket.tree",
    "WITH RECURSIVE tree (org_id, depth) AS (SELECT CAST(? AS UNSIGNED), 0 UNION SELECT "
    "r.child_org_id, t.depth + 1 FROM org_relationships r JOIN tree t ON r.parent_org_id = "
    "t.org_id WHERE r.tenant_id = ? AND r.relation_type IN ('distributor_of', 'dealer_of') "
    "AND t.depth < 9) SELECT " REL_COLS ORG_COLS " FROM org_relationships r JOIN "
    "organizations o ON o.tenant_id = r.tenant_id AND o.id = r.child_org_id WHERE "
    "r.tenant_id = ? AND r.relation_type IN ('distributor_of', 'dealer_of') AND "
    "r.parent_org_id IN (SELECT org_id FROM tree) UNION ALL SELECT " NO_REL ORG_COLS
    " FROM organizations o WHERE o.tenant_id = ? AND o.id = ?",
    "LLLLL",
    "LLLsLLLLssss",
    DBQ_TENANT,
};

/*
 * The owner's relationships of any type, each with the organization at its other end; then
 * the owner without one. Parameters: the owner, the tenant, the owner, the owner, the
 * tenant, the owner.
 */
const struct db_query Q_TKT_OWNER_RELS = {
    "ticket.owner_rels",
    "SELECT " REL_COLS ORG_COLS " FROM org_relationships r JOIN organizations o ON "
    "o.tenant_id = r.tenant_id AND o.id = IF(r.parent_org_id = ?, r.child_org_id, "
    "r.parent_org_id) WHERE r.tenant_id = ? AND (r.parent_org_id = ? OR r.child_org_id = ?) "
    "UNION ALL SELECT " NO_REL ORG_COLS " FROM organizations o WHERE o.tenant_id = ? AND "
    "o.id = ?",
    "LLLLLL",
    "LLLsLLLLssss",
    DBQ_TENANT,
};

const struct db_query Q_TKT_INSERT = {
    "ticket.insert",
    "INSERT INTO tickets (tenant_id, equipment_id, severity, title, description, source, "
    "reporter_name, reporter_contact, responsible_org_id, sla_policy_id, "
    "policy_provenance, response_due_at, resolve_due_at, created_at) VALUES (?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING " TKT_ROW_COLS(""),
    "LLssssssNNssss",
    TKT_ROW_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_TKT_EVENT_INSERT = {
    "ticket.event_insert",
    "INSERT INTO ticket_events (tenant_id, ticket_id, from_status, to_status, actor_id, "
    "note, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "LLssNss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_TKT_GET = {
    "ticket.get", "SELECT " TKT_COLS TKT_FROM "WHERE t.tenant_id = ? AND t.id = ?",
    "LL",         TKT_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_TKT_GET_FOR_UPDATE = {
    "ticket.get_for_update",
    "SELECT " TKT_COLS TKT_FROM "WHERE t.tenant_id = ? AND t.id = ? FOR UPDATE",
    "LL",
    TKT_COL_TYPES,
    DBQ_TENANT,
};

/*
 * One statement for every filter (NULL or 0 switches it off): status, severity, responsible
 * org, equipment, breached, and what an org-scoped caller may see (the tickets its org is
 * responsible for and those of the equipment it owns).
 */
const struct db_query Q_TKT_LIST = {
    "ticket.list",
    "SELECT " TKT_COLS TKT_FROM "WHERE t.tenant_id = ? AND t.id > ? AND (? IS NULL OR "
    "t.status = ?) AND (? IS NULL OR t.severity = ?) AND (? = 0 OR t.responsible_org_id = "
    "?) AND (? = 0 OR t.equipment_id = ?) AND (? = 0 OR t.responsible_org_id = ? OR "
    "e.owner_org_id = ?) AND (? = 0 OR EXISTS (SELECT 1 FROM ticket_escalations x WHERE "
    "x.tenant_id = t.tenant_id AND x.ticket_id = t.id) OR (t.status NOT IN ('resolved', "
    "'closed') AND ((t.responded_at IS NULL AND t.response_due_at < NOW(3)) OR "
    "t.resolve_due_at < NOW(3)))) ORDER BY t.id LIMIT ?",
    "LLssssLLLLLLLii",
    TKT_COL_TYPES,
    DBQ_TENANT,
};

/* ticket.list's filters on tickets x, but for a status given: after, status, severity twice,
 * responsible org twice, equipment twice, breached. */
#define LIST_FILTERS(x)                                                                            \
    " AND " x ".id > ? AND " x ".status = ? AND (? IS NULL OR " x ".severity = ?) AND (? = 0 "     \
    "OR " x ".responsible_org_id = ?) AND (? = 0 OR " x ".equipment_id = ?) AND (? = 0 OR "        \
    "EXISTS (SELECT 1 FROM ticket_escalations z WHERE z.tenant_id = " x ".tenant_id AND "          \
    "z.ticket_id = " x ".id) OR (" x ".status NOT IN ('resolved', 'closed') AND ((" x              \
    ".responded_at IS NULL AND " x ".response_due_at < NOW(3)) OR " x ".resolve_due_at < "         \
    "NOW(3))))"

/*
 * ticket.list for an organization's user with a status: the union of the page of tickets it
 * answers for (a range of ix_tickets_responsible in id order) and the page of those of the
 * equipment it owns, instead of the tenant's tickets of that status filtered one by one.
 * Parameters: for each part the org and LIST_FILTERS' then the limit (the second part after
 * the tenant), then the tenant and the limit.
 */
const struct db_query Q_TKT_LIST_ORG = {
    "ticket.list_org",
    "SELECT " TKT_COLS " FROM ((SELECT a.id FROM tickets a WHERE a.tenant_id = ? AND "
    "a.responsible_org_id = ?" LIST_FILTERS(
        "a") " ORDER BY a.id LIMIT ?) UNION (SELECT b.id "
             "FROM tickets b JOIN equipment q ON q.tenant_id = b.tenant_id AND q.id = "
             "b.equipment_id "
             "WHERE b.tenant_id = ? AND q.owner_org_id = ?" LIST_FILTERS(
                 "b") " ORDER BY b.id LIMIT "
                      "?)) u JOIN tickets t ON t.tenant_id = ? AND t.id = u.id JOIN equipment e ON "
                      "e.tenant_id "
                      "= t.tenant_id AND e.id = t.equipment_id ORDER BY t.id LIMIT ?",
    "LLLsssLLLLiiLLLsssLLLLiiLi",
    TKT_COL_TYPES,
    DBQ_TENANT,
};

/* The escalations of the tickets with ids in [from, to], by ticket and level. */
const struct db_query Q_TKT_ESC_RANGE = {
    "ticket.esc_range",
    "SELECT ticket_id, level, target, CONCAT(LEFT(DATE_FORMAT(due_at, "
    "'%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), from_org_id, to_org_id, reason, "
    "CONCAT(LEFT(DATE_FORMAT(at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z') FROM "
    "ticket_escalations WHERE tenant_id = ? AND ticket_id BETWEEN ? AND ? ORDER BY "
    "ticket_id, level",
    "LLL",
    "LLssLLss",
    DBQ_TENANT,
};

/* The status history: id, from, to, actor, note, at, at in ms. */
const struct db_query Q_TKT_EVENTS = {
    "ticket.events",
    "SELECT id, from_status, to_status, actor_id, note, CONCAT(LEFT(DATE_FORMAT(at, "
    "'%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), CAST(ROUND(UNIX_TIMESTAMP(at) * 1000) AS SIGNED) "
    "FROM ticket_events WHERE tenant_id = ? AND ticket_id = ? ORDER BY at, id",
    "LL",
    "LssLssL",
    DBQ_TENANT,
};

/*
 * What ticket_due_times reads: severity, policy, created_at, the last escalation's at and to
 * (the last one written, which the sweep reads before it raises escalation_level to it).
 */
const struct db_query Q_TKT_DUE_INFO = {
    "ticket.due_info",
    "SELECT t.severity, t.sla_policy_id, CAST(ROUND(UNIX_TIMESTAMP(t.created_at) * 1000) "
    "AS SIGNED), CAST(ROUND(UNIX_TIMESTAMP(x.at) * 1000) AS SIGNED), x.to_org_id, x.level "
    "FROM tickets t LEFT JOIN ticket_escalations x ON x.tenant_id = t.tenant_id AND "
    "x.ticket_id = t.id AND x.level = (SELECT MAX(y.level) FROM ticket_escalations y WHERE "
    "y.tenant_id = t.tenant_id AND y.ticket_id = t.id) WHERE t.tenant_id = ? AND t.id = ?",
    "LL",
    "sLLLLL",
    DBQ_TENANT,
};

const struct db_query Q_TKT_SET_DUE = {
    "ticket.set_due",
    "UPDATE tickets SET response_due_at = ?, resolve_due_at = ? WHERE tenant_id = ? AND id = ?",
    "ssLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_TKT_SET_STATUS = {
    "ticket.set_status",
    "UPDATE tickets SET status = ?, responded_at = IF(? = 'open', responded_at, "
    "COALESCE(responded_at, ?)), resolved_at = CASE ? WHEN 'resolved' THEN ? WHEN 'open' "
    "THEN NULL ELSE resolved_at END, closed_at = CASE ? WHEN 'closed' THEN ? WHEN 'open' "
    "THEN NULL ELSE closed_at END, version = version + 1 WHERE tenant_id = ? AND id = ?",
    "sssssssLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_TKT_ASSIGN = {
    "ticket.assign",
    "UPDATE tickets SET assigned_engineer_id = ?, version = version + 1 WHERE tenant_id = "
    "? AND id = ?",
    "LLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_TKT_COMMENT_INSERT = {
    "ticket.comment_insert",
    "INSERT INTO ticket_comments (tenant_id, ticket_id, author_id, body) VALUES (?, ?, ?, ?)",
    "LLNs",
    "",
    DBQ_TENANT,
};

#define COMMENT_COLS                                                                               \
    "id, ticket_id, author_id, body, CONCAT(LEFT(DATE_FORMAT(created_at, "                         \
    "'%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"

const struct db_query Q_TKT_COMMENT_GET = {
    "ticket.comment_get",
    "SELECT " COMMENT_COLS " FROM ticket_comments WHERE tenant_id = ? AND id = ?",
    "LL",
    "LLLss",
    DBQ_TENANT,
};

const struct db_query Q_TKT_COMMENTS = {
    "ticket.comments",
    "SELECT " COMMENT_COLS " FROM ticket_comments WHERE tenant_id = ? AND ticket_id = ? "
    "AND id > ? ORDER BY id LIMIT ?",
    "LLLi",
    "LLLss",
    DBQ_TENANT,
};

/* The sweep walks tenant by tenant, so every ticket statement stays tenant-scoped. */
const struct db_query Q_TKT_SWEEP_TENANTS = {
    "ticket.sweep_tenants", "SELECT id FROM tenants ORDER BY id", "", "L", DBQ_GLOBAL,
};

/*
 * The tickets of one open status with a target passed by ? (docs/service.md "Escalation"):
 * the response target until someone responds, the resolve target once. One status at a time
 * so the read is a range of ix_tickets_status in id order: the open tickets, not the tenant's
 * million closed ones.
 */
const struct db_query Q_TKT_SWEEP_DUE = {
    "ticket.sweep_due",
    "SELECT t.id FROM tickets t WHERE t.tenant_id = ? AND t.status = ? AND t.id > ? AND "
    "((t.responded_at IS NULL AND t.response_due_at < ?) OR (t.resolve_due_at < ? AND NOT "
    "EXISTS (SELECT 1 FROM ticket_escalations x WHERE x.tenant_id = t.tenant_id AND "
    "x.ticket_id = t.id AND x.target = 'resolve'))) ORDER BY t.id LIMIT ?",
    "LsLssi",
    "L",
    DBQ_TENANT,
};

/*
 * One breached ticket, locked: responsible org, level, provenance, the response target (ms,
 * NULL when it does not count) and the resolve target (NULL when it does not).
 */
const struct db_query Q_TKT_SWEEP_LOCK = {
    "ticket.sweep_lock",
    "SELECT t.responsible_org_id, t.escalation_level, t.policy_provenance, "
    "IF(t.responded_at IS NULL AND t.response_due_at < ?, "
    "CAST(ROUND(UNIX_TIMESTAMP(t.response_due_at) * 1000) AS SIGNED), NULL), "
    "IF(t.resolve_due_at < ? AND NOT EXISTS (SELECT 1 FROM ticket_escalations x WHERE "
    "x.tenant_id = t.tenant_id AND x.ticket_id = t.id AND x.target = 'resolve'), "
    "CAST(ROUND(UNIX_TIMESTAMP(t.resolve_due_at) * 1000) AS SIGNED), NULL) FROM tickets t "
    "WHERE t.tenant_id = ? AND t.id = ? AND t.status NOT IN ('resolved', 'closed') FOR "
    "UPDATE",
    "ssLL",
    "LLsLL",
    DBQ_TENANT,
};

const struct db_query Q_TKT_ESC_INSERT = {
    "ticket.esc_insert",
    "INSERT INTO ticket_escalations (tenant_id, ticket_id, level, target, due_at, "
    "from_org_id, to_org_id, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "LLLssNNss",
    "",
    DBQ_TENANT,
};

/* After an escalation: the new org (NULL keeps it), the level, no response yet, and with a new
   org (0 keeps the policy) its policy, NULL when it has none. */
const struct db_query Q_TKT_ESCALATE = {
    "ticket.escalate",
    "UPDATE tickets SET responsible_org_id = COALESCE(?, responsible_org_id), "
    "escalation_level = ?, responded_at = NULL, sla_policy_id = IF(? = 0, sla_policy_id, ?), "
    "response_due_at = ?, resolve_due_at = ?, version = version + 1 WHERE tenant_id = ? AND "
    "id = ?",
    "NLLNssLL",
    "",
    DBQ_TENANT,
};

/* The coverage policy: one row per tenant, none until the first PUT. */
const struct db_query Q_COVPOL_GET = {
    "covpol.get",
    "SELECT enabled, policy, version, CONCAT(LEFT(DATE_FORMAT(updated_at, "
    "'%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z') FROM service_coverage_policies WHERE tenant_id = ?",
    "L",
    "LsLs",
    DBQ_TENANT,
};

const struct db_query Q_COVPOL_GET_FOR_UPDATE = {
    "covpol.get_for_update",
    "SELECT enabled, policy, version, CONCAT(LEFT(DATE_FORMAT(updated_at, "
    "'%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z') FROM service_coverage_policies WHERE tenant_id = ? "
    "FOR UPDATE",
    "L",
    "LsLs",
    DBQ_TENANT,
};

const struct db_query Q_COVPOL_UPSERT = {
    "covpol.upsert",
    "INSERT INTO service_coverage_policies (tenant_id, enabled, policy) VALUES (?, ?, ?) "
    "ON DUPLICATE KEY UPDATE enabled = VALUES(enabled), policy = VALUES(policy), version = "
    "version + 1",
    "Lis",
    "",
    DBQ_TENANT,
};

/* Which of the ids in a JSON array are manufacturers of the tenant. */
const struct db_query Q_COVPOL_MANUFACTURERS = {
    "covpol.manufacturers",
    "SELECT o.id FROM organizations o WHERE o.tenant_id = ? AND o.type = 'manufacturer' "
    "AND o.id IN (SELECT j.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH "
    "'$')) j)",
    "Ls",
    "L",
    DBQ_TENANT,
};
/* clang-format on */
