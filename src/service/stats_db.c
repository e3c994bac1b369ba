/* The KPIs' SQL (docs/kpis.md shows each statement): the rollups, and the tickets themselves. */
#include "service/stats.h"

#include "core/clock.h"
#include "db/db.h"

/* clang-format off: the SQL keeps its own line breaks */
const struct db_query Q_STATS_ORG = {
    "stats.org", "SELECT id, type FROM organizations WHERE tenant_id = ? AND id = ?", "LL", "Ls",
    DBQ_TENANT,
};

/* The sums of a (severity, status) cell, in the order of enum STATS_* */
#define TKT_SUMS(sign)                                                                             \
    "CAST(SUM(" sign "tickets) AS SIGNED), CAST(SUM(" sign "resolved) AS SIGNED), "                \
    "CAST(SUM(" sign "resolve_ms) AS SIGNED), CAST(SUM(" sign "first_fix) AS SIGNED), "            \
    "CAST(SUM(" sign "response_n) AS SIGNED), CAST(SUM(" sign "response_met) AS SIGNED), "         \
    "CAST(SUM(" sign "resolve_n) AS SIGNED), CAST(SUM(" sign "resolve_met) AS SIGNED), "           \
    "CAST(SUM(" sign "escalated) AS SIGNED)"

/* The whole tenant, days [?, ?) of created_at (UTC). */
const struct db_query Q_STATS_TKT_ALL = {
    "stats.tickets_all",
    "SELECT severity, status, " TKT_SUMS(
        "") " FROM stats_tickets_daily "
            "WHERE tenant_id = ? AND scope = 'all' AND org_id = 0 AND day >= ? AND day < ? "
            "GROUP BY severity, status",
    "Lss",
    "ssLLLLLLLLL",
    DBQ_TENANT,
};

/*
 * One organization's tickets, as the ticket list scopes them: those it is responsible for
 * plus those of the equipment it owns, less those counted twice (both).
 */
const struct db_query Q_STATS_TKT_ORG = {
    "stats.tickets_org",
    "SELECT severity, status, " TKT_SUMS(
        "IF(scope = 'both', -1, 1) * ") " FROM "
                                        "stats_tickets_daily WHERE tenant_id = ? AND scope IN "
                                        "('resp', 'owner', 'both') AND "
                                        "org_id = ? AND day >= ? AND day < ? GROUP BY severity, "
                                        "status",
    "LLss",
    "ssLLLLLLLLL",
    DBQ_TENANT,
};

/* The same over whole months (month: the first day of one), from stats_tickets_monthly. */
const struct db_query Q_STATS_TKT_MONTHS_ALL = {
    "stats.tickets_months_all",
    "SELECT severity, status, " TKT_SUMS(
        "") " FROM stats_tickets_monthly "
            "WHERE tenant_id = ? AND scope = 'all' AND org_id = 0 AND month >= ? AND month < ? "
            "GROUP BY severity, status",
    "Lss",
    "ssLLLLLLLLL",
    DBQ_TENANT,
};

const struct db_query Q_STATS_TKT_MONTHS_ORG = {
    "stats.tickets_months_org",
    "SELECT severity, status, " TKT_SUMS(
        "IF(scope = 'both', -1, 1) * ") " FROM "
                                        "stats_tickets_monthly WHERE tenant_id = ? AND scope IN "
                                        "('resp', 'owner', 'both') AND "
                                        "org_id = ? AND month >= ? AND month < ? GROUP BY "
                                        "severity, status",
    "LLss",
    "ssLLLLLLLLL",
    DBQ_TENANT,
};

/*
 * The definition, over the tickets themselves: created_at in [?, ?), the org (0: all). The
 * endpoint runs it for the partial days at the window's edges; the consistency test compares
 * it with the rollup over whole windows.
 */
const struct db_query Q_STATS_TKT_RAW = {
    "stats.tickets_raw",
    "SELECT t.severity, t.status, COUNT(*), "
    "CAST(SUM(t.resolved_at IS NOT NULL) AS SIGNED), "
    "CAST(SUM(IF(t.resolved_at IS NULL, 0, CAST(UNIX_TIMESTAMP(t.resolved_at) * 1000 AS SIGNED) "
    "- CAST(UNIX_TIMESTAMP(t.created_at) * 1000 AS SIGNED))) AS SIGNED), "
    "CAST(SUM(t.resolved_at IS NOT NULL AND t.reopen_count = 0) AS SIGNED), "
    "CAST(SUM(t.responded_at IS NOT NULL AND t.response_due_at IS NOT NULL) AS SIGNED), "
    "CAST(SUM(COALESCE(t.responded_at <= t.response_due_at, 0)) AS SIGNED), "
    "CAST(SUM(t.resolved_at IS NOT NULL AND t.resolve_due_at IS NOT NULL) AS SIGNED), "
    "CAST(SUM(COALESCE(t.resolved_at <= t.resolve_due_at, 0)) AS SIGNED), "
    "CAST(SUM(t.escalation_level > 0) AS SIGNED) "
    "FROM tickets t JOIN equipment e ON e.tenant_id = t.tenant_id AND e.id = t.equipment_id "
    "WHERE t.tenant_id = ? AND t.created_at >= ? AND t.created_at < ? AND (? = 0 OR "
    "t.responsible_org_id = ? OR e.owner_org_id = ?) GROUP BY t.severity, t.status",
    "LssLLL",
    "ssLLLLLLLLL",
    DBQ_TENANT,
};

/* The same for the whole tenant, without the equipment (only the org needs its owner). */
const struct db_query Q_STATS_TKT_RAW_ALL = {
    "stats.tickets_raw_all",
    "SELECT t.severity, t.status, COUNT(*), "
    "CAST(SUM(t.resolved_at IS NOT NULL) AS SIGNED), "
    "CAST(SUM(IF(t.resolved_at IS NULL, 0, CAST(UNIX_TIMESTAMP(t.resolved_at) * 1000 AS SIGNED) "
    "- CAST(UNIX_TIMESTAMP(t.created_at) * 1000 AS SIGNED))) AS SIGNED), "
    "CAST(SUM(t.resolved_at IS NOT NULL AND t.reopen_count = 0) AS SIGNED), "
    "CAST(SUM(t.responded_at IS NOT NULL AND t.response_due_at IS NOT NULL) AS SIGNED), "
    "CAST(SUM(COALESCE(t.responded_at <= t.response_due_at, 0)) AS SIGNED), "
    "CAST(SUM(t.resolved_at IS NOT NULL AND t.resolve_due_at IS NOT NULL) AS SIGNED), "
    "CAST(SUM(COALESCE(t.resolved_at <= t.resolve_due_at, 0)) AS SIGNED), "
    "CAST(SUM(t.escalation_level > 0) AS SIGNED) "
    "FROM tickets t WHERE t.tenant_id = ? AND t.created_at >= ? AND t.created_at < ? "
    "GROUP BY t.severity, t.status",
    "Lss",
    "ssLLLLLLLLL",
    DBQ_TENANT,
};

/*
 * An organization's equipment, as the equipment list scopes it: the pieces it owns plus
 * those of the SKUs it makes, less those counted twice. Parameters after the tenant: org,
 * tenant, org, tenant, org, org.
 */
#define EQ_ORG_UNION(cols, table)                                                                  \
    "SELECT " cols ", 1 AS sign FROM " table " WHERE tenant_id = ? AND scope = 'owner' AND "       \
    "org_id = ? UNION ALL SELECT " cols ", 1 FROM " table " WHERE tenant_id = ? AND scope = "      \
    "'all' AND org_id = 0 AND maker_id = ? UNION ALL SELECT " cols ", -1 FROM " table " WHERE "    \
    "tenant_id = ? AND scope = 'owner' AND org_id = ? AND maker_id = ?"

const struct db_query Q_STATS_EQ_REGION_ALL = {
    "stats.equipment_region_all",
    "SELECT region, status, CAST(SUM(equipment) AS SIGNED), CAST(SUM(open_tickets) AS SIGNED) "
    "FROM stats_equipment_region WHERE tenant_id = ? AND scope = 'all' AND org_id = 0 "
    "GROUP BY region, status",
    "L",
    "ssLL",
    DBQ_TENANT,
};

const struct db_query Q_STATS_EQ_REGION_ORG = {
    "stats.equipment_region_org",
    "SELECT region, status, CAST(SUM(sign * equipment) AS SIGNED), CAST(SUM(sign * "
    "open_tickets) AS SIGNED) FROM (" EQ_ORG_UNION(
        "region, status, equipment, open_tickets",
        "stats_equipment_region") ") x GROUP BY region, status",
    "LLLLLLL",
    "ssLL",
    DBQ_TENANT,
};

/* Active equipment by the month its warranty ends ('1000-01-01': none). */
const struct db_query Q_STATS_EQ_WARRANTY_ALL = {
    "stats.equipment_warranty_all",
    "SELECT DATE_FORMAT(warranty_month, '%Y-%m-%d'), CAST(SUM(equipment) AS SIGNED) FROM "
    "stats_equipment_warranty WHERE tenant_id = ? AND scope = 'all' AND org_id = 0 "
    "GROUP BY warranty_month",
    "L",
    "sL",
    DBQ_TENANT,
};

const struct db_query Q_STATS_EQ_WARRANTY_ORG = {
    "stats.equipment_warranty_org",
    "SELECT DATE_FORMAT(warranty_month, '%Y-%m-%d'), CAST(SUM(sign * equipment) AS SIGNED) "
    "FROM (" EQ_ORG_UNION("warranty_month, equipment",
                          "stats_equipment_warranty") ") x GROUP BY warranty_month",
    "LLLLLLL",
    "sL",
    DBQ_TENANT,
};

/*
 * Active pieces whose warranty ended in [?, ?): this month's days before today, read from
 * ix_equipment_warranty alone. Then the org (0: all) twice, and the org again when it is a
 * manufacturer (its SKUs' pieces), else 0 so no SKU is looked up.
 */
const struct db_query Q_STATS_EQ_WARRANTY_RAW = {
    "stats.equipment_warranty_raw",
    "SELECT COUNT(*) FROM equipment e WHERE e.tenant_id = ? AND e.warranty_end >= ? AND "
    "e.warranty_end < ? AND e.status = 'active' AND (? = 0 OR e.owner_org_id = ? OR (? <> 0 "
    "AND EXISTS (SELECT 1 FROM skus s WHERE s.tenant_id = e.tenant_id AND s.id = e.sku_id "
    "AND s.manufacturer_id = ?)))",
    "LssLLLL",
    "L",
    DBQ_TENANT,
};

/* Failures by model: the SKUs with the most tickets, their equipment and backlog. */
const struct db_query Q_STATS_EQ_SKU_ALL = {
    "stats.equipment_sku_all",
    "SELECT x.sku_id, k.sku_code, x.equipment, x.tickets, x.open_tickets FROM "
    "stats_equipment_sku x LEFT JOIN skus k ON k.tenant_id = x.tenant_id AND k.id = x.sku_id "
    "WHERE x.tenant_id = ? AND x.scope = 'all' AND x.org_id = 0 AND x.tickets > 0 "
    "ORDER BY x.tickets DESC, x.sku_id DESC LIMIT ?",
    "Li",
    "LsLLL",
    DBQ_TENANT,
};

const struct db_query Q_STATS_EQ_SKU_ORG = {
    "stats.equipment_sku_org",
    "SELECT y.sku_id, k.sku_code, y.equipment, y.tickets, y.open_tickets FROM (SELECT "
    "sku_id, CAST(SUM(sign * equipment) AS SIGNED) AS equipment, CAST(SUM(sign * tickets) AS "
    "SIGNED) AS tickets, CAST(SUM(sign * open_tickets) AS SIGNED) AS open_tickets FROM "
    "(" EQ_ORG_UNION("sku_id, equipment, tickets, open_tickets",
                     "stats_equipment_sku") ") x GROUP BY sku_id HAVING tickets > 0 ORDER BY "
                                            "tickets DESC, sku_id DESC LIMIT ?) y "
                                            "LEFT JOIN skus k ON k.tenant_id = ? AND k.id = "
                                            "y.sku_id ORDER BY y.tickets DESC, "
                                            "y.sku_id DESC",
    "LLLLLLLiL",
    "LsLLL",
    DBQ_TENANT,
};

/*
 * With a window: the tickets created in [?, ?) by their equipment's SKU, read from the
 * tickets (ix_tickets_created); no equipment count (NULL).
 */
const struct db_query Q_STATS_EQ_SKU_RAW = {
    "stats.equipment_sku_raw",
    "SELECT COALESCE(e.sku_id, 0), MAX(s.sku_code), NULL, COUNT(*), "
    "CAST(SUM(t.status NOT IN ('resolved', 'closed')) AS SIGNED) FROM tickets t "
    "JOIN equipment e ON e.tenant_id = t.tenant_id AND e.id = t.equipment_id "
    "LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id "
    "WHERE t.tenant_id = ? AND t.created_at >= ? AND t.created_at < ? AND (? = 0 OR "
    "e.owner_org_id = ? OR s.manufacturer_id = ?) GROUP BY COALESCE(e.sku_id, 0) "
    "ORDER BY COUNT(*) DESC, COALESCE(e.sku_id, 0) DESC LIMIT ?",
    "LssLLLi",
    "LsLLL",
    DBQ_TENANT,
};

/* A tenant's month rollup from its day rollup: what stats_rebuild() ends with. */
const struct db_query Q_STATS_MONTHS_CLEAR = {
    "stats.months_clear", "DELETE FROM stats_tickets_monthly WHERE tenant_id = ?", "L", "",
    DBQ_TENANT,
};

const struct db_query Q_STATS_MONTHS_FROM_DAYS = {
    "stats.months_from_days",
    "INSERT INTO stats_tickets_monthly (tenant_id, scope, org_id, month, severity, status, "
    "tickets, resolved, resolve_ms, first_fix, response_n, response_met, resolve_n, "
    "resolve_met, escalated) SELECT tenant_id, scope, org_id, day - INTERVAL (DAYOFMONTH(day) "
    "- 1) DAY, severity, status, SUM(tickets), SUM(resolved), SUM(resolve_ms), SUM(first_fix), "
    "SUM(response_n), SUM(response_met), SUM(resolve_n), SUM(resolve_met), SUM(escalated) "
    "FROM stats_tickets_daily WHERE tenant_id = ? GROUP BY scope, org_id, day - INTERVAL "
    "(DAYOFMONTH(day) - 1) DAY, severity, status",
    "L",
    "",
    DBQ_TENANT,
};

/* Bulk loads: the triggers of 0009_stats skip their work while this is set. */
const struct db_query Q_STATS_BULK_BEGIN = {
    "stats.bulk_begin", "SET @trellis_stats_off = 1", "", "", DBQ_GLOBAL,
};

const struct db_query Q_STATS_BULK_END = {
    "stats.bulk_end", "SET @trellis_stats_off = 0", "", "", DBQ_GLOBAL,
};

/* The procedure of 0009_stats; it scopes every statement by the tenant passed in. */
const struct db_query Q_STATS_REBUILD = {
    "stats.rebuild", "CALL stats_rebuild(?)", "L", "", DBQ_GLOBAL,
};

/* 0014_stats_fold_lock: 0012's stats_fold() under the tenant's fold lock, waiting 'i' s. */
const struct db_query Q_STATS_FOLD = {
    "stats.fold", "CALL stats_fold_locked(?, ?)", "Li", "", DBQ_GLOBAL,
};
/* clang-format on */

int stats_bulk_begin(struct db *db, struct arena *ar)
{
    return db_exec(db, ar, &Q_STATS_BULK_BEGIN, 0, NULL);
}

int stats_bulk_end(struct db *db, struct arena *ar)
{
    return db_exec(db, ar, &Q_STATS_BULK_END, 0, NULL);
}

int stats_months_from_days(struct db *db, struct arena *ar, int64_t tenant_id)
{
    int rc = db_exec(db, ar, &Q_STATS_MONTHS_CLEAR, tenant_id, NULL);

    return rc ? rc : db_exec(db, ar, &Q_STATS_MONTHS_FROM_DAYS, tenant_id, NULL);
}

int stats_rebuild(struct db *db, struct arena *ar, int64_t tenant_id)
{
    return db_exec(db, ar, &Q_STATS_REBUILD, 0, NULL, (long long)tenant_id);
}

int stats_fold(struct db *db, struct arena *ar, int64_t tenant_id, int wait_s)
{
    return db_exec(db, ar, &Q_STATS_FOLD, 0, NULL, (long long)tenant_id, wait_s);
}

/*
 * The tenants this worker wrote for, and when it last folded each: a few slots, since a
 * worker serves one tenant at a time and most hosts have few tenants.
 */
#define FOLD_SLOTS 8

static struct fold_slot {
    int64_t tenant_id, folded_ms;
    int noted;
} fold_slots[FOLD_SLOTS];

void stats_note_write(int64_t tenant_id)
{
    struct fold_slot *slot = NULL, *oldest = &fold_slots[0];

    for (int i = 0; i < FOLD_SLOTS; i++) {
        if (fold_slots[i].tenant_id == tenant_id) {
            fold_slots[i].noted = 1;
            return;
        }
        if (!fold_slots[i].tenant_id && !slot)
            slot = &fold_slots[i];
        if (fold_slots[i].folded_ms < oldest->folded_ms)
            oldest = &fold_slots[i];
    }
    /* else the slot folded longest ago: its tenant's rows wait for its next write or read */
    if (!slot)
        slot = oldest;
    slot->tenant_id = tenant_id;
    slot->folded_ms = 0;
    slot->noted = 1;
}

int stats_fold_due(struct db *db, struct arena *ar)
{
    int64_t now = clock_mono_ms();
    int rc = 0;

    for (int i = 0; i < FOLD_SLOTS; i++) {
        struct fold_slot *s = &fold_slots[i];
        int one;

        if (!s->noted || now - s->folded_ms < STATS_FOLD_EVERY_MS)
            continue;
        /*
         * Not retried at once on failure, nor waiting for a fold of the tenant already
         * running: the next write or stats read folds what is left.
         */
        s->noted = 0;
        s->folded_ms = now;
        one = stats_fold(db, ar, s->tenant_id, 0);
        if (one && !rc)
            rc = one;
    }
    return rc;
}
