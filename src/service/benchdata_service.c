/* trellis bench-data, the service part: hospitals, equipment and two years of tickets. */
#include "service/benchdata_service.h"

#include <inttypes.h>
#include <string.h>

#include "catalog/benchdata.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/rfc3339.h"
#include "core/sb.h"
#include "db/db.h"
#include "service/stats.h"
#include "service/ticket.h"

/*
 * As in catalog/benchdata.c, rows come from the SEQUENCE engine, a batch per statement so
 * none runs long. Every value is a function of the seed and the row's number, so the same
 * options give the same data but for the QR tokens and the moment it was made.
 */
#define SEQ         "seq_1_to_10000000"
#define BATCH       25000 /* equipment or tickets per statement */
#define HISTORY_DAY 730   /* the tickets' creation times span two years up to a day ago */

/* clang-format off: the SQL keeps its own line breaks */

/* Hospital n is a partner of dealer 1 when n <= ?, else of dealer (n - 1) % ? + 1: so the
 * coverage walk takes that dealer first for the hospital's equipment (owner_related). */
const struct db_query Q_BDS_PARTNERS = {
    "benchdata.svc_partners",
    "INSERT INTO org_relationships (tenant_id, parent_org_id, child_org_id, relation_type, "
    "preferred) WITH o AS (SELECT tenant_id, id, type, ROW_NUMBER() OVER (PARTITION BY type "
    "ORDER BY id) AS n FROM organizations WHERE tenant_id = ?) SELECT h.tenant_id, d.id, "
    "h.id, 'partner_of', 0 FROM o h JOIN o d ON d.type = 'dealer' AND d.n = IF(h.n <= ?, 1, "
    "(h.n - 1) % ? + 1) WHERE h.type = 'hospital' ORDER BY h.n",
    "Lii",
    "",
    DBQ_TENANT,
};

/* The tenant's default SLA policy: office hours with a lunch break, in Berlin. */
const struct db_query Q_BDS_SLA_POLICY = {
    "benchdata.svc_sla_policy",
    "INSERT INTO sla_policies (tenant_id, name, org_id, severity_targets, calendar, status) "
    "VALUES (?, 'Bench business hours', NULL, '{\"critical\": {\"response_minutes\": 60, "
    "\"resolve_minutes\": 480}, \"high\": {\"response_minutes\": 120, \"resolve_minutes\": "
    "960}, \"medium\": {\"response_minutes\": 240, \"resolve_minutes\": 1920}, \"low\": "
    "{\"response_minutes\": 480, \"resolve_minutes\": 4800}}', '{\"timezone\": "
    "\"Europe/Berlin\", \"hours\": {\"mon\": [\"08:00\", \"12:00\", \"13:00\", \"18:00\"], "
    "\"tue\": [\"08:00\", \"12:00\", \"13:00\", \"18:00\"], \"wed\": [\"08:00\", \"12:00\", "
    "\"13:00\", \"18:00\"], \"thu\": [\"08:00\", \"12:00\", \"13:00\", \"18:00\"], \"fri\": "
    "[\"08:00\", \"12:00\", \"13:00\", \"16:00\"], \"sat\": [], \"sun\": []}, \"holidays\": "
    "[\"2026-12-24\", \"2026-12-25\", \"2026-12-26\", \"2027-01-01\"]}', 'active')",
    "L",
    "",
    DBQ_TENANT,
};

/* The coverage policy, enabled: dealer, distributor, manufacturer; the last manufacturer's
 * equipment needs an ISO 13485 certified candidate (one organization in five has it). */
const struct db_query Q_BDS_COVERAGE = {
    "benchdata.svc_coverage",
    "INSERT INTO service_coverage_policies (tenant_id, enabled, policy) SELECT m.tenant_id, 1, "
    "CONCAT('{\"enabled\": true, \"order\": [\"dealer\", \"distributor\", \"manufacturer\"], "
    "\"rules\": [{\"manufacturer_id\": ', m.id, ', \"required_certification\": "
    "\"iso-13485\"}], \"match_region\": false}') FROM organizations m WHERE m.tenant_id = ? "
    "AND m.type = 'manufacturer' ORDER BY m.id DESC LIMIT 1",
    "L",
    "",
    DBQ_TENANT,
};

/*
 * Equipment number seq in [?, ?]: serial BE-seq, owned by hospital (seq - 1) % ? + 1, of a
 * SKU the seed picks among ? manufacturers x ? SKUs (by code, as the price rules do),
 * installed up to 8 years ago with two years of warranty; 1 in 50 retired. Params: seed,
 * from, to, hospitals, manufacturers, SKUs per manufacturer.
 */
const struct db_query Q_BDS_EQUIPMENT = {
    "benchdata.svc_equipment",
    "INSERT INTO equipment (tenant_id, serial, sku_id, owner_org_id, site, region, "
    "install_date, warranty_end, qr_token, status) WITH o AS (SELECT tenant_id, id, name, "
    "region, ROW_NUMBER() OVER (ORDER BY id) AS n FROM organizations WHERE tenant_id = ? AND "
    "type = 'hospital') SELECT o.tenant_id, CONCAT('BE-', LPAD(x.seq, 8, '0')), k.id, o.id, "
    "CONCAT(o.name, ', ward ', 1 + x.seq % 12), o.region, x.d, x.d + INTERVAL 2 YEAR, "
    "REPLACE(REPLACE(LEFT(TO_BASE64(RANDOM_BYTES(16)), 22), '+', '-'), '/', '_'), "
    "IF(x.seq % 50 = 0, 'retired', 'active') FROM (SELECT seq, CRC32(CONCAT(?, ':e', seq)) AS "
    "h, CURDATE() - INTERVAL (seq * 7 % 2920) DAY AS d FROM " SEQ " WHERE seq BETWEEN ? AND ?) "
    "x JOIN o ON o.n = (x.seq - 1) % ? + 1 JOIN skus k ON k.tenant_id = o.tenant_id AND "
    "k.sku_code = CONCAT('M', LPAD(1 + x.h % ?, 3, '0'), '-', LPAD(1 + x.h DIV 128 % ?, 6, "
    "'0')) ORDER BY x.seq",
    "LLLLiii",
    "",
    DBQ_TENANT,
};

/*
 * Tickets number n in [from, to] of all M, created every 730 days / M up to a day before
 * now, in id order. The newest 3 % are still moving: every third of them, up to the
 * breached count, is open past its response and resolve targets (the sweep's work: one
 * escalation each, since a fresh response target follows it); the rest are open,
 * acknowledged, in progress, waiting or resolved. The older ones are closed (2 % only
 * resolved); 12 % of them were resolved late and 2 % escalated to the dealer's distributor.
 * The equipment is picked by serial; the dealer is the owner's partner, the chain dealer ->
 * its first distributor -> the SKU's manufacturer, as the coverage walk stores it. Params
 * in order: policy, now (4 times), the first recent n, M, the step in microseconds, now,
 * the first recent n (3 times), the breached count, seed, from, to, tenant, equipment
 * count, tenant.
 */
#define TICKET_X                                                                                   \
    "(SELECT CAST(seq AS SIGNED) AS n, CRC32(CONCAT(?, ':t', seq)) AS h FROM " SEQ                 \
    " WHERE seq BETWEEN ? AND ?) "
#define TICKET_Y                                                                                   \
    "(SELECT x.n, x.h, x.r, x.c, x.si, x.b, CASE WHEN x.b THEN 'open' WHEN x.r > 0 THEN "          \
    "ELT(1 + x.h % 20, 'open', 'open', 'open', 'open', 'acknowledged', 'acknowledged', "           \
    "'acknowledged', 'in_progress', 'in_progress', 'in_progress', 'in_progress', "                 \
    "'in_progress', 'waiting_customer', 'waiting_customer', 'resolved', 'resolved', "              \
    "'resolved', 'resolved', 'resolved', 'resolved') WHEN x.h % 100 < 2 THEN 'resolved' ELSE "     \
    "'closed' END AS st, ELT(x.si, 60, 120, 120, 240, 240, 240, 240, 480, 480, 480) AS rm, "       \
    "ELT(x.si, 480, 960, 960, 1920, 1920, 1920, 1920, 4800, 4800, 4800) AS fm, x.r <= 0 AND "      \
    "x.h DIV 1000 % 50 = 0 AS esc, x.r <= 0 AND x.h DIV 1000 % 50 < 6 AS late, x.r <= 0 AND "      \
    "x.h DIV 100000 % 100 < 8 AS late_resp FROM (SELECT x.n, x.h, x.n - ? AS r, "                  \
    "1 + x.h DIV 20 % 10 AS si, TIMESTAMPADD(MICROSECOND, -(? - x.n) * ?, ? - INTERVAL 1 DAY) "    \
    "AS c, x.n > ? AND (x.n - ?) % 3 = 0 AND (x.n - ?) DIV 3 <= ? AS b FROM " TICKET_X "x) x) "
#define TICKET_RESOLVED                                                                            \
    "IF(y.st IN ('resolved', 'closed'), LEAST(y.c + INTERVAL y.fm * IF(y.late, 5, 2) MINUTE, "     \
    "? - INTERVAL 1 HOUR), NULL)"

const struct db_query Q_BDS_TICKETS = {
    "benchdata.svc_tickets",
    "INSERT INTO tickets (tenant_id, equipment_id, severity, status, title, description, "
    "source, reporter_name, reporter_contact, responsible_org_id, sla_policy_id, "
    "policy_provenance, escalation_level, response_due_at, resolve_due_at, responded_at, "
    "resolved_at, closed_at, created_at, updated_at) SELECT z.tenant_id, z.equipment_id, "
    "z.severity, z.status, z.title, NULL, z.source, z.reporter, NULL, z.responsible, z.policy, "
    "z.provenance, z.esc, z.response_due, z.resolve_due, z.responded, z.resolved, "
    "IF(z.status = 'closed', z.resolved + INTERVAL 1 + z.h % 3 DAY, NULL), z.c, "
    "COALESCE(IF(z.status = 'closed', z.resolved + INTERVAL 1 + z.h % 3 DAY, NULL), "
    "z.resolved, z.responded, z.c) FROM (SELECT e.tenant_id, e.id AS equipment_id, y.h, y.c, "
    "y.esc, ELT(y.si, 'critical', 'high', 'high', 'medium', 'medium', 'medium', 'medium', "
    "'low', 'low', 'low') AS severity, y.st AS status, CONCAT(ELT(1 + y.h DIV 3 % 8, "
    "'Alarm on start-up', 'No power', 'Display flickers', 'Calibration drift', "
    "'Occlusion alarm', 'Battery does not charge', 'Fan noise', 'Error code on screen'), ' (', "
    "e.serial, ')') AS title, IF(y.h % 4 = 0, 'qr', 'api') AS source, IF(y.h % 4 = 0, "
    "'Ward staff', NULL) AS reporter, IF(y.esc, COALESCE(dd.dist, pr.parent_org_id), "
    "pr.parent_org_id) AS responsible, ? AS policy, CONCAT('{\"rule\": \"coverage\", "
    "\"reason\": \"first_eligible\", \"responsible_org_id\": ', pr.parent_org_id, ', "
    "\"manufacturer_id\": ', k.manufacturer_id, ', \"required_certification\": null, "
    "\"match_region\": false, \"region\": ', COALESCE(JSON_QUOTE(e.region), 'null'), ', "
    "\"owner_org_id\": ', e.owner_org_id, ', \"order\": [\"dealer\", \"distributor\", "
    "\"manufacturer\"], \"candidates\": [{\"org_id\": ', pr.parent_org_id, ', \"org_type\": "
    "\"dealer\", \"taken\": true, \"reason\": \"first_eligible\", \"detail\": \"\", "
    "\"owner_related\": true, \"preferred\": false}], \"chain\": [', CONCAT_WS(', ', "
    "pr.parent_org_id, dd.dist, k.manufacturer_id), ']}') AS provenance, "
    "CASE WHEN y.b THEN y.c + INTERVAL y.rm MINUTE WHEN y.st = 'open' THEN ? + INTERVAL 2 + "
    "y.h % 5 DAY ELSE y.c + INTERVAL y.rm * 4 MINUTE END AS response_due, CASE WHEN y.st = "
    "'waiting_customer' THEN NULL WHEN y.b THEN LEAST(y.c + INTERVAL y.fm * 4 MINUTE, ? - "
    "INTERVAL 1 HOUR) WHEN y.r > 0 AND y.st <> 'resolved' THEN ? + "
    "INTERVAL 7 + y.h % 7 DAY ELSE y.c + INTERVAL y.fm * 4 MINUTE END AS resolve_due, "
    "IF(y.st = 'open', NULL, y.c + INTERVAL y.rm * IF(y.late_resp, 5, 1) MINUTE) AS "
    "responded, " TICKET_RESOLVED " AS resolved, y.n FROM " TICKET_Y "y JOIN equipment e ON "
    "e.tenant_id = ? AND e.serial = CONCAT('BE-', LPAD(1 + y.h DIV 7 % ?, 8, '0')) JOIN skus "
    "k ON k.tenant_id = e.tenant_id AND k.id = e.sku_id JOIN org_relationships pr ON "
    "pr.tenant_id = e.tenant_id AND pr.child_org_id = e.owner_org_id AND pr.relation_type = "
    "'partner_of' LEFT JOIN (SELECT r.child_org_id AS dealer, MIN(r.parent_org_id) AS dist "
    "FROM org_relationships r JOIN organizations p ON p.tenant_id = r.tenant_id AND p.id = "
    "r.parent_org_id AND p.type = 'distributor' WHERE r.tenant_id = ? AND r.relation_type = "
    "'dealer_of' GROUP BY r.child_org_id) dd ON dd.dealer = pr.parent_org_id) z ORDER BY z.n",
    "LssssLLLsLLLLLLLLLL",
    "",
    DBQ_TENANT,
};

/* The status history of the tickets from id ?: opened, then acknowledged, then where they
 * went (in progress, waiting, resolved), then closed; as many steps as the status took. */
const struct db_query Q_BDS_EVENTS = {
    "benchdata.svc_events",
    "INSERT INTO ticket_events (tenant_id, ticket_id, from_status, to_status, actor_id, note, "
    "at) SELECT t.tenant_id, t.id, CASE k.seq WHEN 1 THEN NULL WHEN 2 THEN 'open' WHEN 3 THEN "
    "'acknowledged' ELSE 'resolved' END, CASE k.seq WHEN 1 THEN 'open' WHEN 2 THEN "
    "'acknowledged' WHEN 3 THEN IF(t.status = 'closed', 'resolved', t.status) ELSE 'closed' "
    "END, NULL, NULL, CASE k.seq WHEN 1 THEN t.created_at WHEN 2 THEN t.responded_at WHEN 3 "
    "THEN COALESCE(t.resolved_at, t.responded_at + INTERVAL 10 MINUTE) ELSE t.closed_at END "
    "FROM tickets t JOIN seq_1_to_4 k ON k.seq <= CASE t.status WHEN 'open' THEN 1 WHEN "
    "'acknowledged' THEN 2 WHEN 'closed' THEN 4 ELSE 3 END WHERE t.tenant_id = ? AND t.id >= "
    "? ORDER BY t.id, k.seq",
    "LL",
    "",
    DBQ_TENANT,
};

/* The escalation of each escalated ticket from id ?: its resolve target passed, the dealer
 * (the chain's first) handed it to the distributor a minute later. */
const struct db_query Q_BDS_ESCALATIONS = {
    "benchdata.svc_escalations",
    "INSERT INTO ticket_escalations (tenant_id, ticket_id, level, target, due_at, from_org_id, "
    "to_org_id, reason, at) SELECT t.tenant_id, t.id, 1, 'resolve', t.resolve_due_at, "
    "JSON_VALUE(t.policy_provenance, '$.chain[0]'), t.responsible_org_id, CONCAT('the "
    "resolve target passed; escalated to organization ', t.responsible_org_id), "
    "t.resolve_due_at + INTERVAL 1 MINUTE FROM tickets t WHERE t.tenant_id = ? AND t.id >= ? "
    "AND t.escalation_level = 1 ORDER BY t.id",
    "LL",
    "",
    DBQ_TENANT,
};

/*
 * The KPI rollups (docs/kpis.md) of the tickets from id ?, and of the equipment with ids in
 * [?, ?]: stats_rebuild()'s statements, a slice at a time and adding to the rows other
 * slices made, since one call over a million tickets outlasts the client's 30 s read
 * timeout. The e2e test checks that stats_rebuild() finds the same rows.
 */
const struct db_query Q_BDS_STATS_TICKETS = {
    "benchdata.svc_stats_tickets",
    "INSERT INTO stats_tickets_daily (tenant_id, scope, org_id, day, severity, status, tickets, "
    "resolved, resolve_ms, first_fix, response_n, response_met, resolve_n, resolve_met, "
    "escalated) SELECT g.tenant_id, g.scope, g.org_id, g.day, g.severity, g.status, COUNT(*), "
    "SUM(g.resolved IS NOT NULL), SUM(IF(g.resolved IS NULL, 0, g.resolved - g.created)), "
    "SUM(g.resolved IS NOT NULL AND g.reopen_count = 0), SUM(g.responded IS NOT NULL AND "
    "g.response_due IS NOT NULL), SUM(COALESCE(g.responded <= g.response_due, 0)), "
    "SUM(g.resolved IS NOT NULL AND g.resolve_due IS NOT NULL), SUM(COALESCE(g.resolved <= "
    "g.resolve_due, 0)), SUM(g.escalation_level > 0) FROM (SELECT t.tenant_id, ELT(k.n, 'all', "
    "'resp', 'owner', 'both') AS scope, ELT(k.n, 0, t.responsible_org_id, e.owner_org_id, "
    "IF(t.responsible_org_id = e.owner_org_id, t.responsible_org_id, NULL)) AS org_id, "
    "DATE('1970-01-01') + INTERVAL (CAST(UNIX_TIMESTAMP(t.created_at) * 1000 AS SIGNED) DIV "
    "86400000) DAY AS day, t.severity, t.status, CAST(UNIX_TIMESTAMP(t.created_at) * 1000 AS "
    "SIGNED) AS created, CAST(UNIX_TIMESTAMP(t.resolved_at) * 1000 AS SIGNED) AS resolved, "
    "CAST(UNIX_TIMESTAMP(t.responded_at) * 1000 AS SIGNED) AS responded, "
    "CAST(UNIX_TIMESTAMP(t.response_due_at) * 1000 AS SIGNED) AS response_due, "
    "CAST(UNIX_TIMESTAMP(t.resolve_due_at) * 1000 AS SIGNED) AS resolve_due, t.reopen_count, "
    "t.escalation_level FROM tickets t JOIN equipment e ON e.tenant_id = t.tenant_id AND e.id "
    "= t.equipment_id JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL "
    "SELECT 4) k WHERE t.tenant_id = ? AND t.id >= ?) g WHERE g.org_id IS NOT NULL GROUP BY "
    "g.tenant_id, g.scope, g.org_id, g.day, g.severity, g.status ON DUPLICATE KEY UPDATE "
    "tickets = tickets + VALUES(tickets), resolved = resolved + VALUES(resolved), resolve_ms = "
    "resolve_ms + VALUES(resolve_ms), first_fix = first_fix + VALUES(first_fix), response_n = "
    "response_n + VALUES(response_n), response_met = response_met + VALUES(response_met), "
    "resolve_n = resolve_n + VALUES(resolve_n), resolve_met = resolve_met + VALUES(resolve_met), "
    "escalated = escalated + VALUES(escalated)",
    "LL",
    "",
    DBQ_TENANT,
};

/* An equipment row once for the tenant ('all', org 0) and once for its owner. */
#define EQ_SCOPES                                                                                  \
    "e.tenant_id, ELT(k.n, 'all', 'owner') AS scope, ELT(k.n, 0, e.owner_org_id) AS org_id, "      \
    "COALESCE(s.manufacturer_id, 0) AS maker_id"
#define EQ_FROM                                                                                    \
    " FROM equipment e LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id "
#define EQ_K                                                                                       \
    " JOIN (SELECT 1 AS n UNION ALL SELECT 2) k WHERE e.tenant_id = ? AND e.id BETWEEN ? AND ?"

const struct db_query Q_BDS_STATS_REGION = {
    "benchdata.svc_stats_region",
    "INSERT INTO stats_equipment_region (tenant_id, scope, org_id, maker_id, region, status, "
    "equipment, open_tickets) SELECT g.tenant_id, g.scope, g.org_id, g.maker_id, g.region, "
    "g.status, COUNT(*), SUM(g.open_tickets) FROM (SELECT " EQ_SCOPES ", COALESCE(e.region, "
    "'') AS region, e.status, COALESCE(o.n, 0) AS open_tickets" EQ_FROM "LEFT JOIN (SELECT "
    "equipment_id, COUNT(*) AS n FROM tickets WHERE tenant_id = ? AND equipment_id BETWEEN ? "
    "AND ? AND status NOT IN ('resolved', 'closed') GROUP BY equipment_id) o ON o.equipment_id "
    "= e.id" EQ_K ") g WHERE g.org_id IS NOT NULL GROUP BY g.tenant_id, g.scope, g.org_id, "
    "g.maker_id, g.region, g.status ON DUPLICATE KEY UPDATE equipment = equipment + "
    "VALUES(equipment), open_tickets = open_tickets + VALUES(open_tickets)",
    "LLLLLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_BDS_STATS_WARRANTY = {
    "benchdata.svc_stats_warranty",
    "INSERT INTO stats_equipment_warranty (tenant_id, scope, org_id, maker_id, warranty_month, "
    "equipment) SELECT g.tenant_id, g.scope, g.org_id, g.maker_id, g.warranty_month, COUNT(*) "
    "FROM (SELECT " EQ_SCOPES ", IF(e.warranty_end IS NULL, DATE('1000-01-01'), "
    "e.warranty_end - INTERVAL (DAYOFMONTH(e.warranty_end) - 1) DAY) AS warranty_month" EQ_FROM EQ_K
    " AND e.status = 'active') g WHERE g.org_id IS NOT NULL GROUP BY g.tenant_id, "
    "g.scope, g.org_id, g.maker_id, g.warranty_month ON DUPLICATE KEY UPDATE equipment = "
    "equipment + VALUES(equipment)",
    "LLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_BDS_STATS_SKU = {
    "benchdata.svc_stats_sku",
    "INSERT INTO stats_equipment_sku (tenant_id, scope, org_id, maker_id, sku_id, equipment, "
    "tickets, open_tickets) SELECT g.tenant_id, g.scope, g.org_id, g.maker_id, g.sku_id, "
    "COUNT(*), SUM(g.tickets), SUM(g.open_tickets) FROM (SELECT " EQ_SCOPES ", "
    "COALESCE(e.sku_id, 0) AS sku_id, COALESCE(o.n, 0) AS tickets, COALESCE(o.open_n, 0) AS "
    "open_tickets" EQ_FROM "LEFT JOIN (SELECT equipment_id, COUNT(*) AS n, SUM(status NOT IN "
    "('resolved', 'closed')) AS open_n FROM tickets WHERE tenant_id = ? AND equipment_id "
    "BETWEEN ? AND ? GROUP BY equipment_id) o ON o.equipment_id = e.id" EQ_K ") g WHERE "
    "g.org_id IS NOT NULL GROUP BY g.tenant_id, g.scope, g.org_id, g.maker_id, g.sku_id ON "
    "DUPLICATE KEY UPDATE equipment = equipment + VALUES(equipment), tickets = tickets + "
    "VALUES(tickets), open_tickets = open_tickets + VALUES(open_tickets)",
    "LLLLLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_BDS_EQ_SPAN = {
    "benchdata.svc_equipment_span",
    "SELECT COALESCE(MIN(id), 1), COALESCE(MAX(id), 0) FROM equipment WHERE tenant_id = ?",
    "L",
    "LL",
    DBQ_TENANT,
};

/* Tickets not yet resolved or closed. */
const struct db_query Q_BDS_COUNTS = {
    "benchdata.svc_counts",
    "SELECT COUNT(*) FROM tickets WHERE tenant_id = ? AND status NOT IN ('resolved', 'closed')",
    "L",
    "L",
    DBQ_TENANT,
};

#define DEL_QUERY BENCHDATA_DEL_QUERY
/* clang-format on */

DEL_QUERY(Q_BDS_DEL_ESCALATIONS, "ticket_escalations");
DEL_QUERY(Q_BDS_DEL_COMMENTS, "ticket_comments");
DEL_QUERY(Q_BDS_DEL_EVENTS, "ticket_events");
DEL_QUERY(Q_BDS_DEL_TICKETS, "tickets");
DEL_QUERY(Q_BDS_DEL_ENGINEER_ORGS, "engineer_orgs");
DEL_QUERY(Q_BDS_DEL_ENGINEERS, "engineers");
DEL_QUERY(Q_BDS_DEL_EQUIPMENT, "equipment");
DEL_QUERY(Q_BDS_DEL_SLA_POLICIES, "sla_policies");
DEL_QUERY(Q_BDS_DEL_COVERAGE, "service_coverage_policies");
/* the tenant's delete would cascade to the rollups (migration 0016): in batches before it */
DEL_QUERY(Q_BDS_DEL_STATS_DAILY, "stats_tickets_daily");
DEL_QUERY(Q_BDS_DEL_STATS_MONTHLY, "stats_tickets_monthly");
DEL_QUERY(Q_BDS_DEL_STATS_REGION, "stats_equipment_region");
DEL_QUERY(Q_BDS_DEL_STATS_WARRANTY, "stats_equipment_warranty");
DEL_QUERY(Q_BDS_DEL_STATS_SKU, "stats_equipment_sku");
DEL_QUERY(Q_BDS_DEL_STATS_PENDING, "stats_pending");

const struct db_query *const bds_del_order[] = {
    &Q_BDS_DEL_ESCALATIONS,    &Q_BDS_DEL_COMMENTS,      &Q_BDS_DEL_EVENTS,
    &Q_BDS_DEL_TICKETS,        &Q_BDS_DEL_ENGINEER_ORGS, &Q_BDS_DEL_ENGINEERS,
    &Q_BDS_DEL_EQUIPMENT,      &Q_BDS_DEL_SLA_POLICIES,  &Q_BDS_DEL_COVERAGE,
    &Q_BDS_DEL_STATS_DAILY,    &Q_BDS_DEL_STATS_MONTHLY, &Q_BDS_DEL_STATS_REGION,
    &Q_BDS_DEL_STATS_WARRANTY, &Q_BDS_DEL_STATS_SKU,     &Q_BDS_DEL_STATS_PENDING,
};
const size_t bds_del_count = sizeof(bds_del_order) / sizeof(bds_del_order[0]);

const char *bds_check(const struct bds_opts *o)
{
    if (o->hospitals < 1 || o->hospitals > BDS_HOSPITALS_MAX)
        return "--hospitals must be 1 to 100000";
    if (o->equipment < 0 || o->equipment > BDS_EQUIPMENT_MAX)
        return "--equipment must be 0 to 2000000";
    if (o->tickets < 0 || o->tickets > BDS_TICKETS_MAX)
        return "--tickets must be 0 to 5000000";
    if (o->tickets > 0 && o->equipment == 0)
        return "--tickets needs --equipment";
    return NULL;
}

static void say(FILE *progress, const struct timespec *t0, const char *what)
{
    struct timespec t;

    if (!progress)
        return;
    clock_gettime(CLOCK_MONOTONIC, &t);
    fprintf(progress, "bench-data: %s (%.1f s)\n", what,
            (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9);
}

/* The tickets in batches, each with its history and escalations. */
static int make_tickets(struct db *db, struct arena *ar, int64_t tid, const struct bds_opts *o,
                        struct bds_result *r, FILE *progress, const struct timespec *t0)
{
    long long m = o->tickets, recent = m * BDS_RECENT_PERCENT / 100, from_recent = m - recent;
    long long step = (long long)HISTORY_DAY * 86400 * 1000000 / (m ? m : 1);
    long long breached = recent / 3 < BDS_BREACHED ? recent / 3 : BDS_BREACHED;
    char now[RFC3339_SQL_LEN];
    struct db_res res;
    int rc = 0;

    rfc3339_sql(clock_real_ms(), now);
    for (long long a = 1; rc == 0 && a <= m; a += BATCH) {
        long long b = a + BATCH - 1 < m ? a + BATCH - 1 : m, first;

        rc = db_exec(db, ar, &Q_BDS_TICKETS, tid, &res, (long long)r->sla_policy, now, now, now,
                     now, from_recent, m, step, now, from_recent, from_recent, from_recent,
                     breached, (long long)o->seed, a, b, o->equipment, (long long)tid);
        if (rc)
            break;
        first = (long long)res.insert_id;
        r->tickets += (long long)res.affected;
        rc = db_exec(db, ar, &Q_BDS_EVENTS, tid, &res, first);
        r->events += rc ? 0 : (long long)res.affected;
        if (rc == 0)
            rc = db_exec(db, ar, &Q_BDS_ESCALATIONS, tid, &res, first);
        r->escalations += rc ? 0 : (long long)res.affected;
        if (rc == 0)
            rc = db_exec(db, ar, &Q_BDS_STATS_TICKETS, tid, NULL, first);
        if (rc == 0 && (b / BATCH) % 8 == 0)
            say(progress, t0,
                arena_printf(ar, "%lld of %lld tickets, %lld events", b, m, r->events));
    }
    if (rc == 0)
        rc = db_exec(db, ar, &Q_BDS_COUNTS, tid, &res);
    if (rc == 0) {
        r->open = db_at(&res, 0, 0)->i;
        r->breached = breached;
    }
    return rc;
}

/* The equipment rollups, BATCH ids at a time (the tickets' are made with them). */
static int equipment_stats(struct db *db, struct arena *ar, int64_t tid)
{
    const struct db_query *const qs[] = {&Q_BDS_STATS_REGION, &Q_BDS_STATS_WARRANTY,
                                         &Q_BDS_STATS_SKU};
    struct db_res span;
    int rc = db_exec(db, ar, &Q_BDS_EQ_SPAN, tid, &span);

    for (long long a = rc ? 1 : db_at(&span, 0, 0)->i; rc == 0 && a <= db_at(&span, 0, 1)->i;
         a += BATCH) {
        long long b = a + BATCH - 1;

        for (size_t i = 0; rc == 0 && i < sizeof(qs) / sizeof(qs[0]); i++)
            rc = qs[i] == &Q_BDS_STATS_WARRANTY
                     ? db_exec(db, ar, qs[i], tid, NULL, a, b)
                     : db_exec(db, ar, qs[i], tid, NULL, a, b, (long long)tid, a, b);
    }
    return rc;
}

int bds_generate(struct db *db, struct arena *ar, int64_t tid, const struct bds_opts *o,
                 struct bds_result *r, FILE *progress, const struct timespec *t0)
{
    struct db_res res;
    int rc;

    memset(r, 0, sizeof(*r));
    /* the KPI rollups (docs/kpis.md): their triggers off for the load, filled by slices */
    rc = stats_bulk_begin(db, ar);
    if (rc == 0)
        rc = db_exec(db, ar, &Q_BD_ORGS, tid, &res, "hospital", "Hospital ", o->hospitals);
    r->hospitals = rc ? 0 : (long long)res.affected;
    if (rc == 0)
        rc = db_exec(db, ar, &Q_BD_ORG_IDS, tid, &res, "hospital", 1);
    if (rc == 0 && res.nrows == 1)
        r->hospital = db_at(&res, 0, 0)->i;
    if (rc == 0)
        rc = db_exec(db, ar, &Q_BDS_PARTNERS, tid, &res,
                     (o->hospitals + BDS_DEALER_SHARE - 1) / BDS_DEALER_SHARE, o->dealers);
    r->partners = rc ? 0 : (long long)res.affected;
    if (rc == 0)
        rc = db_exec(db, ar, &Q_BDS_SLA_POLICY, tid, &res);
    if (rc == 0) {
        r->sla_policy = (int64_t)res.insert_id;
        rc = db_exec(db, ar, &Q_BDS_COVERAGE, tid, NULL);
    }
    if (rc)
        return rc;
    say(progress, t0,
        arena_printf(ar, "%lld hospitals, each a dealer's partner; coverage and SLA policies",
                     r->hospitals));
    for (long long a = 1; rc == 0 && a <= o->equipment; a += BATCH) {
        long long b = a + BATCH - 1 < o->equipment ? a + BATCH - 1 : o->equipment;

        rc = db_exec(db, ar, &Q_BDS_EQUIPMENT, tid, &res, (long long)o->seed, a, b, o->hospitals,
                     o->manufacturers, o->skus_per_manufacturer);
        r->equipment += rc ? 0 : (long long)res.affected;
    }
    if (rc)
        return rc;
    say(progress, t0, arena_printf(ar, "%lld equipment", r->equipment));
    rc = make_tickets(db, ar, tid, o, r, progress, t0);
    if (rc == 0)
        say(progress, t0,
            arena_printf(ar,
                         "%lld tickets (%lld open, %lld breached), %lld events, %lld escalations",
                         r->tickets, r->open, r->breached, r->events, r->escalations));
    if (rc == 0)
        rc = equipment_stats(db, ar, tid);
    if (rc == 0)
        rc = stats_months_from_days(db, ar, tid);
    if (rc == 0) {
        say(progress, t0, "the KPI rollups");
        rc = stats_bulk_end(db, ar);
    }
    return rc;
}

void bds_json(struct sb *json, const struct bds_result *r)
{
    sb_printf(json,
              "{\"hospital_org_id\": %" PRId64 ", \"sla_policy_id\": %" PRId64
              ", \"hospitals\": %lld, \"partner_relationships\": %lld, \"equipment\": %lld, "
              "\"tickets\": %lld, \"open_tickets\": %lld, \"breached_tickets\": %lld, "
              "\"ticket_events\": %lld, \"escalations\": %lld}",
              r->hospital, r->sla_policy, r->hospitals, r->partners, r->equipment, r->tickets,
              r->open, r->breached, r->events, r->escalations);
}
