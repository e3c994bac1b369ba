-- The KPI rollups applied in batches instead of row by row in every write (docs/kpis.md
-- "Pending changes"). The triggers and stats_equipment_tickets() are unchanged, but the
-- three procedures they call now append the change they describe to stats_pending, one
-- row per call (kind 1: a ticket's day and month rows, 2: its equipment rows, 3: a piece of
-- equipment's own rows), instead of 6-10 upserts into the rollups. stats_fold(tenant) adds
-- a tenant's pending rows to the rollups, grouped, and deletes them in one transaction:
-- GET /v1/stats/* calls it before reading, so the figures stay exact, and a worker calls it
-- at most once a second after a write, so the rows stay few. A ticket write takes no rollup
-- row's lock any more: concurrent writes of one tenant no longer queue on the same
-- (tenant, day, severity, status) rows. No foreign key to tenants, for the reason of 0011.

CREATE TABLE stats_pending (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    kind TINYINT UNSIGNED NOT NULL,
    sign TINYINT NOT NULL,
    -- the connection folding the row: 0 until stats_fold() takes it, in its transaction
    claim BIGINT UNSIGNED NOT NULL DEFAULT 0,
    created BIGINT NULL,
    severity VARCHAR(16) NULL,
    status VARCHAR(32) NULL,
    resp_id BIGINT UNSIGNED NULL,
    owner_id BIGINT UNSIGNED NULL,
    resolved BIGINT NULL,
    responded BIGINT NULL,
    response_due BIGINT NULL,
    resolve_due BIGINT NULL,
    reopens INT UNSIGNED NULL,
    esc_level INT UNSIGNED NULL,
    maker_id BIGINT UNSIGNED NULL,
    sku_id BIGINT UNSIGNED NULL,
    region VARCHAR(64) NULL,
    estatus VARCHAR(16) NULL,
    warranty DATE NULL,
    -- the tenant's rows together in the clustered index: stats_fold() reads a range of it
    PRIMARY KEY (tenant_id, id),
    KEY ix_stats_pending_id (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

DROP PROCEDURE stats_ticket_daily;

-- One ticket's contribution (p_sign +1 or -1) to the day and month rollups, pending.
CREATE PROCEDURE stats_ticket_daily(IN p_sign INT, IN p_tenant BIGINT UNSIGNED,
    IN p_created BIGINT, IN p_severity VARCHAR(16), IN p_status VARCHAR(32),
    IN p_resp BIGINT UNSIGNED, IN p_owner BIGINT UNSIGNED, IN p_resolved BIGINT,
    IN p_responded BIGINT, IN p_response_due BIGINT, IN p_resolve_due BIGINT,
    IN p_reopens INT UNSIGNED, IN p_level INT UNSIGNED)
BEGIN
    INSERT INTO stats_pending (tenant_id, kind, sign, created, severity, status, resp_id,
        owner_id, resolved, responded, response_due, resolve_due, reopens, esc_level)
    VALUES (p_tenant, 1, p_sign, p_created, p_severity, p_status, p_resp, p_owner, p_resolved,
        p_responded, p_response_due, p_resolve_due, p_reopens, p_level);
END;

DROP PROCEDURE stats_ticket_equipment;

-- One ticket's contribution to the equipment rollups (tickets by SKU, backlog by region and
-- SKU), pending.
CREATE PROCEDURE stats_ticket_equipment(IN p_sign INT, IN p_tenant BIGINT UNSIGNED,
    IN p_status VARCHAR(32), IN p_owner BIGINT UNSIGNED, IN p_maker BIGINT UNSIGNED,
    IN p_sku BIGINT UNSIGNED, IN p_region VARCHAR(64), IN p_estatus VARCHAR(16))
BEGIN
    INSERT INTO stats_pending (tenant_id, kind, sign, status, owner_id, maker_id, sku_id,
        region, estatus)
    VALUES (p_tenant, 2, p_sign, p_status, p_owner, p_maker, p_sku, p_region, p_estatus);
END;

DROP PROCEDURE stats_equipment_apply;

-- One piece of equipment's own contribution (count by region, status, warranty and SKU),
-- pending.
CREATE PROCEDURE stats_equipment_apply(IN p_sign INT, IN p_tenant BIGINT UNSIGNED,
    IN p_owner BIGINT UNSIGNED, IN p_maker BIGINT UNSIGNED, IN p_sku BIGINT UNSIGNED,
    IN p_region VARCHAR(64), IN p_estatus VARCHAR(16), IN p_warranty DATE)
BEGIN
    INSERT INTO stats_pending (tenant_id, kind, sign, owner_id, maker_id, sku_id, region,
        estatus, warranty)
    VALUES (p_tenant, 3, p_sign, p_owner, p_maker, p_sku, p_region, p_estatus, p_warranty);
END;

-- Adds a tenant's pending rows to the rollups and deletes them: the arithmetic of the
-- procedures of migrations 0009 and 0010, summed per rollup row. It commits on its own, so
-- it is called outside a transaction. READ COMMITTED: the claiming UPDATE passes over rows
-- a write has inserted and not yet committed (it neither waits for them nor takes them),
-- and a second fold of the tenant waits for the first's rows, then finds them gone.
CREATE PROCEDURE stats_fold(IN p_tenant BIGINT UNSIGNED)
BEGIN
    DECLARE v_iso VARCHAR(32) DEFAULT @@SESSION.tx_isolation;
    DECLARE v_claim BIGINT UNSIGNED DEFAULT CONNECTION_ID();
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        ROLLBACK;
        SET SESSION tx_isolation = v_iso;
        RESIGNAL;
    END;

    SET SESSION tx_isolation = 'READ-COMMITTED';
    START TRANSACTION;
    UPDATE stats_pending SET claim = v_claim WHERE tenant_id = p_tenant AND claim = 0;
    IF ROW_COUNT() > 0 THEN
        INSERT INTO stats_tickets_daily (tenant_id, scope, org_id, day, severity, status,
            tickets, resolved, resolve_ms, first_fix, response_n, response_met, resolve_n,
            resolve_met, escalated)
        SELECT p_tenant, g.g_scope, g.g_org, g.g_day, g.g_severity, g.g_status, SUM(g.g_sign),
            SUM(g.g_resolved), SUM(g.g_ms), SUM(g.g_ftf), SUM(g.g_rn), SUM(g.g_rm), SUM(g.g_ln),
            SUM(g.g_lm), SUM(g.g_esc)
        FROM (SELECT ELT(k.n, 'all', 'resp', 'owner', 'both') AS g_scope,
                ELT(k.n, 0, j.resp_id, NULLIF(j.owner_id, 0),
                    IF(j.resp_id = j.owner_id, j.resp_id, NULL)) AS g_org,
                DATE('1970-01-01') + INTERVAL (j.created DIV 86400000) DAY AS g_day,
                j.severity AS g_severity, j.status AS g_status, j.sign AS g_sign,
                j.sign * (j.resolved IS NOT NULL) AS g_resolved,
                j.sign * IF(j.resolved IS NULL, 0, j.resolved - j.created) AS g_ms,
                j.sign * (j.resolved IS NOT NULL AND j.reopens = 0) AS g_ftf,
                j.sign * (j.responded IS NOT NULL AND j.response_due IS NOT NULL) AS g_rn,
                j.sign * COALESCE(j.responded <= j.response_due, 0) AS g_rm,
                j.sign * (j.resolved IS NOT NULL AND j.resolve_due IS NOT NULL) AS g_ln,
                j.sign * COALESCE(j.resolved <= j.resolve_due, 0) AS g_lm,
                j.sign * (j.esc_level > 0) AS g_esc
            FROM stats_pending j
            JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k
            WHERE j.tenant_id = p_tenant AND j.claim = v_claim AND j.kind = 1) g
        WHERE g.g_org IS NOT NULL
        GROUP BY g.g_scope, g.g_org, g.g_day, g.g_severity, g.g_status
        ON DUPLICATE KEY UPDATE tickets = tickets + VALUES(tickets),
            resolved = resolved + VALUES(resolved), resolve_ms = resolve_ms + VALUES(resolve_ms),
            first_fix = first_fix + VALUES(first_fix), response_n = response_n + VALUES(response_n),
            response_met = response_met + VALUES(response_met),
            resolve_n = resolve_n + VALUES(resolve_n), resolve_met = resolve_met + VALUES(resolve_met),
            escalated = escalated + VALUES(escalated);

        -- the months from the days just written would be wrong: other days are in them
        INSERT INTO stats_tickets_monthly (tenant_id, scope, org_id, month, severity, status,
            tickets, resolved, resolve_ms, first_fix, response_n, response_met, resolve_n,
            resolve_met, escalated)
        SELECT p_tenant, g.g_scope, g.g_org, g.g_day - INTERVAL (DAYOFMONTH(g.g_day) - 1) DAY,
            g.g_severity, g.g_status, SUM(g.g_sign), SUM(g.g_resolved), SUM(g.g_ms),
            SUM(g.g_ftf), SUM(g.g_rn), SUM(g.g_rm), SUM(g.g_ln), SUM(g.g_lm), SUM(g.g_esc)
        FROM (SELECT ELT(k.n, 'all', 'resp', 'owner', 'both') AS g_scope,
                ELT(k.n, 0, j.resp_id, NULLIF(j.owner_id, 0),
                    IF(j.resp_id = j.owner_id, j.resp_id, NULL)) AS g_org,
                DATE('1970-01-01') + INTERVAL (j.created DIV 86400000) DAY AS g_day,
                j.severity AS g_severity, j.status AS g_status, j.sign AS g_sign,
                j.sign * (j.resolved IS NOT NULL) AS g_resolved,
                j.sign * IF(j.resolved IS NULL, 0, j.resolved - j.created) AS g_ms,
                j.sign * (j.resolved IS NOT NULL AND j.reopens = 0) AS g_ftf,
                j.sign * (j.responded IS NOT NULL AND j.response_due IS NOT NULL) AS g_rn,
                j.sign * COALESCE(j.responded <= j.response_due, 0) AS g_rm,
                j.sign * (j.resolved IS NOT NULL AND j.resolve_due IS NOT NULL) AS g_ln,
                j.sign * COALESCE(j.resolved <= j.resolve_due, 0) AS g_lm,
                j.sign * (j.esc_level > 0) AS g_esc
            FROM stats_pending j
            JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k
            WHERE j.tenant_id = p_tenant AND j.claim = v_claim AND j.kind = 1) g
        WHERE g.g_org IS NOT NULL
        GROUP BY g.g_scope, g.g_org, g.g_day - INTERVAL (DAYOFMONTH(g.g_day) - 1) DAY,
            g.g_severity, g.g_status
        ON DUPLICATE KEY UPDATE tickets = tickets + VALUES(tickets),
            resolved = resolved + VALUES(resolved), resolve_ms = resolve_ms + VALUES(resolve_ms),
            first_fix = first_fix + VALUES(first_fix), response_n = response_n + VALUES(response_n),
            response_met = response_met + VALUES(response_met),
            resolve_n = resolve_n + VALUES(resolve_n), resolve_met = resolve_met + VALUES(resolve_met),
            escalated = escalated + VALUES(escalated);

        -- tickets and backlog by SKU, tenant-wide and for the owner (kinds 2 and 3: equipment)
        INSERT INTO stats_equipment_sku (tenant_id, scope, org_id, maker_id, sku_id, equipment,
            tickets, open_tickets)
        SELECT p_tenant, g.g_scope, g.g_org, g.g_maker, g.g_sku, SUM(g.g_eq), SUM(g.g_tk),
            SUM(g.g_open)
        FROM (SELECT ELT(k.n, 'all', 'owner') AS g_scope, ELT(k.n, 0, j.owner_id) AS g_org,
                j.maker_id AS g_maker, j.sku_id AS g_sku,
                IF(j.kind = 3, j.sign, 0) AS g_eq, IF(j.kind = 2, j.sign, 0) AS g_tk,
                IF(j.kind = 2, j.sign * (j.status NOT IN ('resolved', 'closed')), 0) AS g_open
            FROM stats_pending j JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
            WHERE j.tenant_id = p_tenant AND j.claim = v_claim AND j.kind IN (2, 3)
                AND (k.n = 1 OR j.owner_id <> 0)) g
        GROUP BY g.g_scope, g.g_org, g.g_maker, g.g_sku
        ON DUPLICATE KEY UPDATE equipment = equipment + VALUES(equipment),
            tickets = tickets + VALUES(tickets), open_tickets = open_tickets + VALUES(open_tickets);

        -- equipment and backlog by region: a ticket counts only while it is open
        INSERT INTO stats_equipment_region (tenant_id, scope, org_id, maker_id, region, status,
            equipment, open_tickets)
        SELECT p_tenant, g.g_scope, g.g_org, g.g_maker, g.g_region, g.g_estatus, SUM(g.g_eq),
            SUM(g.g_open)
        FROM (SELECT ELT(k.n, 'all', 'owner') AS g_scope, ELT(k.n, 0, j.owner_id) AS g_org,
                j.maker_id AS g_maker, j.region AS g_region, j.estatus AS g_estatus,
                IF(j.kind = 3, j.sign, 0) AS g_eq, IF(j.kind = 2, j.sign, 0) AS g_open
            FROM stats_pending j JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
            WHERE j.tenant_id = p_tenant AND j.claim = v_claim
                AND (j.kind = 3 OR (j.kind = 2 AND j.status NOT IN ('resolved', 'closed')))
                AND (k.n = 1 OR j.owner_id <> 0)) g
        GROUP BY g.g_scope, g.g_org, g.g_maker, g.g_region, g.g_estatus
        ON DUPLICATE KEY UPDATE equipment = equipment + VALUES(equipment),
            open_tickets = open_tickets + VALUES(open_tickets);

        -- active equipment by its warranty's last month
        INSERT INTO stats_equipment_warranty (tenant_id, scope, org_id, maker_id, warranty_month,
            equipment)
        SELECT p_tenant, g.g_scope, g.g_org, g.g_maker, g.g_month, SUM(g.g_sign)
        FROM (SELECT ELT(k.n, 'all', 'owner') AS g_scope, ELT(k.n, 0, j.owner_id) AS g_org,
                j.maker_id AS g_maker, j.sign AS g_sign,
                IF(j.warranty IS NULL, DATE('1000-01-01'),
                    j.warranty - INTERVAL (DAYOFMONTH(j.warranty) - 1) DAY) AS g_month
            FROM stats_pending j JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
            WHERE j.tenant_id = p_tenant AND j.claim = v_claim AND j.kind = 3
                AND j.estatus = 'active' AND (k.n = 1 OR j.owner_id <> 0)) g
        GROUP BY g.g_scope, g.g_org, g.g_maker, g.g_month
        ON DUPLICATE KEY UPDATE equipment = equipment + VALUES(equipment);

        DELETE FROM stats_pending WHERE tenant_id = p_tenant AND claim = v_claim;
    END IF;
    COMMIT;
    SET SESSION tx_isolation = v_iso;
END;

DROP PROCEDURE stats_rebuild;

-- Recomputes a tenant's rollups from its tickets and equipment: after a bulk load with the
-- triggers off, or to check them (docs/kpis.md). Same arithmetic as the procedures above, one
-- statement per scope so each GROUP BY stays small; a larger in-memory temporary table for
-- the call keeps a million tickets' groups off disk. READ COMMITTED: the deletes lock the
-- tenant's rows only, not the gap after them where other tenants' rows are written, and the
-- reads take no locks. Run it on a quiet tenant: a ticket written meanwhile may be missed.
-- Since 0012 it also drops the tenant's pending rows: what they describe is in the tickets
-- and equipment it reads.
CREATE PROCEDURE stats_rebuild(IN p_tenant BIGINT UNSIGNED)
BEGIN
    DECLARE v_heap BIGINT UNSIGNED DEFAULT @@SESSION.max_heap_table_size;
    DECLARE v_tmp BIGINT UNSIGNED DEFAULT @@SESSION.tmp_table_size;
    DECLARE v_iso VARCHAR(32) DEFAULT @@SESSION.tx_isolation;
    DECLARE i INT DEFAULT 1;

    SET SESSION max_heap_table_size = GREATEST(v_heap, 268435456);
    SET SESSION tmp_table_size = GREATEST(v_tmp, 268435456);
    SET SESSION tx_isolation = 'READ-COMMITTED';
    DELETE FROM stats_pending WHERE tenant_id = p_tenant;
    DELETE FROM stats_tickets_daily WHERE tenant_id = p_tenant;
    DELETE FROM stats_equipment_region WHERE tenant_id = p_tenant;
    DELETE FROM stats_equipment_warranty WHERE tenant_id = p_tenant;
    DELETE FROM stats_equipment_sku WHERE tenant_id = p_tenant;

    WHILE i <= 4 DO
        INSERT INTO stats_tickets_daily (tenant_id, scope, org_id, day, severity, status, tickets,
            resolved, resolve_ms, first_fix, response_n, response_met, resolve_n, resolve_met,
            escalated)
        SELECT p_tenant, ELT(i, 'all', 'resp', 'owner', 'both'), g.org_id, g.day, g.severity,
            g.status, COUNT(*), SUM(g.resolved IS NOT NULL),
            SUM(IF(g.resolved IS NULL, 0, g.resolved - g.created)),
            SUM(g.resolved IS NOT NULL AND g.reopen_count = 0),
            SUM(g.responded IS NOT NULL AND g.response_due IS NOT NULL),
            SUM(COALESCE(g.responded <= g.response_due, 0)),
            SUM(g.resolved IS NOT NULL AND g.resolve_due IS NOT NULL),
            SUM(COALESCE(g.resolved <= g.resolve_due, 0)), SUM(g.escalation_level > 0)
        FROM (SELECT ELT(i, 0, t.responsible_org_id, e.owner_org_id,
                    IF(t.responsible_org_id = e.owner_org_id, t.responsible_org_id, NULL)) AS org_id,
                DATE('1970-01-01') + INTERVAL (CAST(UNIX_TIMESTAMP(t.created_at) * 1000 AS SIGNED) DIV 86400000) DAY AS day,
                t.severity, t.status, CAST(UNIX_TIMESTAMP(t.created_at) * 1000 AS SIGNED) AS created,
                CAST(UNIX_TIMESTAMP(t.resolved_at) * 1000 AS SIGNED) AS resolved,
                CAST(UNIX_TIMESTAMP(t.responded_at) * 1000 AS SIGNED) AS responded,
                CAST(UNIX_TIMESTAMP(t.response_due_at) * 1000 AS SIGNED) AS response_due,
                CAST(UNIX_TIMESTAMP(t.resolve_due_at) * 1000 AS SIGNED) AS resolve_due,
                t.reopen_count, t.escalation_level
            FROM tickets t JOIN equipment e ON e.tenant_id = t.tenant_id AND e.id = t.equipment_id
            WHERE t.tenant_id = p_tenant) g
        WHERE g.org_id IS NOT NULL
        GROUP BY g.org_id, g.day, g.severity, g.status;
        SET i = i + 1;
    END WHILE;

    DELETE FROM stats_tickets_monthly WHERE tenant_id = p_tenant;
    INSERT INTO stats_tickets_monthly (tenant_id, scope, org_id, month, severity, status, tickets,
        resolved, resolve_ms, first_fix, response_n, response_met, resolve_n, resolve_met, escalated)
    SELECT tenant_id, scope, org_id, day - INTERVAL (DAYOFMONTH(day) - 1) DAY, severity, status,
        SUM(tickets), SUM(resolved), SUM(resolve_ms), SUM(first_fix), SUM(response_n),
        SUM(response_met), SUM(resolve_n), SUM(resolve_met), SUM(escalated)
    FROM stats_tickets_daily WHERE tenant_id = p_tenant
    GROUP BY scope, org_id, day - INTERVAL (DAYOFMONTH(day) - 1) DAY, severity, status;

    INSERT INTO stats_equipment_region (tenant_id, scope, org_id, maker_id, region, status,
        equipment, open_tickets)
    SELECT p_tenant, g.scope, g.org_id, g.maker_id, g.region, g.status, COUNT(*), SUM(g.open_tickets)
    FROM (SELECT ELT(k.n, 'all', 'owner') AS scope, ELT(k.n, 0, e.owner_org_id) AS org_id,
            COALESCE(s.manufacturer_id, 0) AS maker_id, COALESCE(e.region, '') AS region,
            e.status, COALESCE(o.n, 0) AS open_tickets
        FROM equipment e LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id
        LEFT JOIN (SELECT equipment_id, COUNT(*) AS n FROM tickets WHERE tenant_id = p_tenant
            AND status NOT IN ('resolved', 'closed') GROUP BY equipment_id) o ON o.equipment_id = e.id
        JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
        WHERE e.tenant_id = p_tenant) g
    WHERE g.org_id IS NOT NULL
    GROUP BY g.scope, g.org_id, g.maker_id, g.region, g.status;

    INSERT INTO stats_equipment_warranty (tenant_id, scope, org_id, maker_id, warranty_month, equipment)
    SELECT p_tenant, g.scope, g.org_id, g.maker_id, g.warranty_month, COUNT(*)
    FROM (SELECT ELT(k.n, 'all', 'owner') AS scope, ELT(k.n, 0, e.owner_org_id) AS org_id,
            COALESCE(s.manufacturer_id, 0) AS maker_id,
            IF(e.warranty_end IS NULL, DATE('1000-01-01'),
                e.warranty_end - INTERVAL (DAYOFMONTH(e.warranty_end) - 1) DAY) AS warranty_month
        FROM equipment e LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id
        JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
        WHERE e.tenant_id = p_tenant AND e.status = 'active') g
    WHERE g.org_id IS NOT NULL
    GROUP BY g.scope, g.org_id, g.maker_id, g.warranty_month;

    INSERT INTO stats_equipment_sku (tenant_id, scope, org_id, maker_id, sku_id, equipment,
        tickets, open_tickets)
    SELECT p_tenant, g.scope, g.org_id, g.maker_id, g.sku_id, COUNT(*), SUM(g.tickets),
        SUM(g.open_tickets)
    FROM (SELECT ELT(k.n, 'all', 'owner') AS scope, ELT(k.n, 0, e.owner_org_id) AS org_id,
            COALESCE(s.manufacturer_id, 0) AS maker_id, COALESCE(e.sku_id, 0) AS sku_id,
            COALESCE(o.n, 0) AS tickets, COALESCE(o.open_n, 0) AS open_tickets
        FROM equipment e LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id
        LEFT JOIN (SELECT equipment_id, COUNT(*) AS n,
                SUM(status NOT IN ('resolved', 'closed')) AS open_n
            FROM tickets WHERE tenant_id = p_tenant GROUP BY equipment_id) o ON o.equipment_id = e.id
        JOIN (SELECT 1 AS n UNION ALL SELECT 2) k
        WHERE e.tenant_id = p_tenant) g
    WHERE g.org_id IS NOT NULL
    GROUP BY g.scope, g.org_id, g.maker_id, g.sku_id;

    SET SESSION max_heap_table_size = v_heap;
    SET SESSION tmp_table_size = v_tmp;
    SET SESSION tx_isolation = v_iso;
END;
