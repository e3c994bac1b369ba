DROP PROCEDURE stats_rebuild;

-- Recomputes a tenant's rollups from its tickets and equipment: after a bulk load with the
-- triggers off, or to check them (docs/kpis.md). Same arithmetic as the procedures above.
CREATE PROCEDURE stats_rebuild(IN p_tenant BIGINT UNSIGNED)
BEGIN
    DELETE FROM stats_tickets_daily WHERE tenant_id = p_tenant;
    DELETE FROM stats_equipment_region WHERE tenant_id = p_tenant;
    DELETE FROM stats_equipment_warranty WHERE tenant_id = p_tenant;
    DELETE FROM stats_equipment_sku WHERE tenant_id = p_tenant;

    INSERT INTO stats_tickets_daily (tenant_id, scope, org_id, day, severity, status, tickets,
        resolved, resolve_ms, first_fix, response_n, response_met, resolve_n, resolve_met, escalated)
    SELECT p_tenant, g.scope, g.org_id, g.day, g.severity, g.status, COUNT(*),
        SUM(g.resolved IS NOT NULL), SUM(IF(g.resolved IS NULL, 0, g.resolved - g.created)),
        SUM(g.resolved IS NOT NULL AND g.reopen_count = 0),
        SUM(g.responded IS NOT NULL AND g.response_due IS NOT NULL),
        SUM(COALESCE(g.responded <= g.response_due, 0)),
        SUM(g.resolved IS NOT NULL AND g.resolve_due IS NOT NULL),
        SUM(COALESCE(g.resolved <= g.resolve_due, 0)), SUM(g.escalation_level > 0)
    FROM (SELECT ELT(k.n, 'all', 'resp', 'owner', 'both') AS scope,
            ELT(k.n, 0, t.responsible_org_id, e.owner_org_id,
                IF(t.responsible_org_id = e.owner_org_id, t.responsible_org_id, NULL)) AS org_id,
            DATE('1970-01-01') + INTERVAL (CAST(UNIX_TIMESTAMP(t.created_at) * 1000 AS SIGNED) DIV 86400000) DAY AS day,
            t.severity, t.status, CAST(UNIX_TIMESTAMP(t.created_at) * 1000 AS SIGNED) AS created,
            CAST(UNIX_TIMESTAMP(t.resolved_at) * 1000 AS SIGNED) AS resolved,
            CAST(UNIX_TIMESTAMP(t.responded_at) * 1000 AS SIGNED) AS responded,
            CAST(UNIX_TIMESTAMP(t.response_due_at) * 1000 AS SIGNED) AS response_due,
            CAST(UNIX_TIMESTAMP(t.resolve_due_at) * 1000 AS SIGNED) AS resolve_due,
            t.reopen_count, t.escalation_level
        FROM tickets t JOIN equipment e ON e.tenant_id = t.tenant_id AND e.id = t.equipment_id
        JOIN (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k
        WHERE t.tenant_id = p_tenant) g
    WHERE g.org_id IS NOT NULL
    GROUP BY g.scope, g.org_id, g.day, g.severity, g.status;

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
END;

DROP PROCEDURE stats_ticket_daily;

-- One ticket's contribution (p_sign +1 or -1) to the day rollup. Times are epoch ms, so the
-- session's time zone never moves a ticket to another day.
CREATE PROCEDURE stats_ticket_daily(IN p_sign INT, IN p_tenant BIGINT UNSIGNED,
    IN p_created BIGINT, IN p_severity VARCHAR(16), IN p_status VARCHAR(32),
    IN p_resp BIGINT UNSIGNED, IN p_owner BIGINT UNSIGNED, IN p_resolved BIGINT,
    IN p_responded BIGINT, IN p_response_due BIGINT, IN p_resolve_due BIGINT,
    IN p_reopens INT UNSIGNED, IN p_level INT UNSIGNED)
BEGIN
    DECLARE v_day DATE DEFAULT DATE('1970-01-01') + INTERVAL (p_created DIV 86400000) DAY;
    DECLARE v_resolved BIGINT DEFAULT p_sign * (p_resolved IS NOT NULL);
    DECLARE v_ms BIGINT DEFAULT p_sign * IF(p_resolved IS NULL, 0, p_resolved - p_created);
    DECLARE v_ftf BIGINT DEFAULT p_sign * (p_resolved IS NOT NULL AND p_reopens = 0);
    DECLARE v_rn BIGINT DEFAULT p_sign * (p_responded IS NOT NULL AND p_response_due IS NOT NULL);
    DECLARE v_rm BIGINT DEFAULT p_sign * COALESCE(p_responded <= p_response_due, 0);
    DECLARE v_ln BIGINT DEFAULT p_sign * (p_resolved IS NOT NULL AND p_resolve_due IS NOT NULL);
    DECLARE v_lm BIGINT DEFAULT p_sign * COALESCE(p_resolved <= p_resolve_due, 0);
    DECLARE v_esc BIGINT DEFAULT p_sign * (p_level > 0);
    DECLARE i INT DEFAULT 0;
    DECLARE v_scope VARCHAR(8);
    DECLARE v_org BIGINT UNSIGNED;

    WHILE i < 4 DO
        SET v_scope = ELT(i + 1, 'all', 'resp', 'owner', 'both');
        SET v_org = ELT(i + 1, 0, p_resp, NULLIF(p_owner, 0), IF(p_resp = p_owner, p_resp, NULL));
        IF v_org IS NOT NULL THEN
            INSERT INTO stats_tickets_daily (tenant_id, scope, org_id, day, severity, status,
                tickets, resolved, resolve_ms, first_fix, response_n, response_met, resolve_n,
                resolve_met, escalated)
            VALUES (p_tenant, v_scope, v_org, v_day, p_severity, p_status, p_sign, v_resolved,
                v_ms, v_ftf, v_rn, v_rm, v_ln, v_lm, v_esc)
            ON DUPLICATE KEY UPDATE tickets = tickets + VALUES(tickets),
                resolved = resolved + VALUES(resolved), resolve_ms = resolve_ms + VALUES(resolve_ms),
                first_fix = first_fix + VALUES(first_fix), response_n = response_n + VALUES(response_n),
                response_met = response_met + VALUES(response_met),
                resolve_n = resolve_n + VALUES(resolve_n), resolve_met = resolve_met + VALUES(resolve_met),
                escalated = escalated + VALUES(escalated);
        END IF;
        SET i = i + 1;
    END WHILE;
END;

DROP INDEX ix_equipment_warranty ON equipment;
CREATE INDEX ix_equipment_warranty ON equipment (tenant_id, warranty_end);
DROP TABLE stats_tickets_monthly;
