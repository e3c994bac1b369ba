-- Back to the rollups written by every write: what is pending goes into them first.
BEGIN NOT ATOMIC
    DECLARE done INT DEFAULT 0;
    DECLARE v_tenant BIGINT UNSIGNED;
    DECLARE cur CURSOR FOR SELECT DISTINCT tenant_id FROM stats_pending;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;

    OPEN cur;
    fold_loop: LOOP
        FETCH cur INTO v_tenant;
        IF done THEN
            LEAVE fold_loop;
        END IF;
        CALL stats_fold(v_tenant);
    END LOOP;
    CLOSE cur;
END;

DROP PROCEDURE stats_fold;
DROP PROCEDURE stats_ticket_daily;

-- One ticket's contribution (p_sign +1 or -1) to the day and month rollups. Times are epoch ms, so the
-- session's time zone never moves a ticket to another day.
CREATE PROCEDURE stats_ticket_daily(IN p_sign INT, IN p_tenant BIGINT UNSIGNED,
    IN p_created BIGINT, IN p_severity VARCHAR(16), IN p_status VARCHAR(32),
    IN p_resp BIGINT UNSIGNED, IN p_owner BIGINT UNSIGNED, IN p_resolved BIGINT,
    IN p_responded BIGINT, IN p_response_due BIGINT, IN p_resolve_due BIGINT,
    IN p_reopens INT UNSIGNED, IN p_level INT UNSIGNED)
BEGIN
    DECLARE v_day DATE DEFAULT DATE('1970-01-01') + INTERVAL (p_created DIV 86400000) DAY;
    DECLARE v_month DATE DEFAULT v_day - INTERVAL (DAYOFMONTH(v_day) - 1) DAY;
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
            INSERT INTO stats_tickets_monthly (tenant_id, scope, org_id, month, severity, status,
                tickets, resolved, resolve_ms, first_fix, response_n, response_met, resolve_n,
                resolve_met, escalated)
            VALUES (p_tenant, v_scope, v_org, v_month, p_severity, p_status, p_sign, v_resolved,
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

DROP PROCEDURE stats_ticket_equipment;

-- One ticket's contribution to the equipment rollups: tickets by SKU, backlog by region and SKU.
CREATE PROCEDURE stats_ticket_equipment(IN p_sign INT, IN p_tenant BIGINT UNSIGNED,
    IN p_status VARCHAR(32), IN p_owner BIGINT UNSIGNED, IN p_maker BIGINT UNSIGNED,
    IN p_sku BIGINT UNSIGNED, IN p_region VARCHAR(64), IN p_estatus VARCHAR(16))
BEGIN
    DECLARE v_open BIGINT DEFAULT p_sign * (p_status NOT IN ('resolved', 'closed'));

    INSERT INTO stats_equipment_sku (tenant_id, scope, org_id, maker_id, sku_id, tickets, open_tickets)
    VALUES (p_tenant, 'all', 0, p_maker, p_sku, p_sign, v_open)
    ON DUPLICATE KEY UPDATE tickets = tickets + VALUES(tickets), open_tickets = open_tickets + VALUES(open_tickets);
    IF v_open <> 0 THEN
        INSERT INTO stats_equipment_region (tenant_id, scope, org_id, maker_id, region, status, open_tickets)
        VALUES (p_tenant, 'all', 0, p_maker, p_region, p_estatus, v_open)
        ON DUPLICATE KEY UPDATE open_tickets = open_tickets + VALUES(open_tickets);
    END IF;
    IF p_owner <> 0 THEN
        INSERT INTO stats_equipment_sku (tenant_id, scope, org_id, maker_id, sku_id, tickets, open_tickets)
        VALUES (p_tenant, 'owner', p_owner, p_maker, p_sku, p_sign, v_open)
        ON DUPLICATE KEY UPDATE tickets = tickets + VALUES(tickets), open_tickets = open_tickets + VALUES(open_tickets);
        IF v_open <> 0 THEN
            INSERT INTO stats_equipment_region (tenant_id, scope, org_id, maker_id, region, status, open_tickets)
            VALUES (p_tenant, 'owner', p_owner, p_maker, p_region, p_estatus, v_open)
            ON DUPLICATE KEY UPDATE open_tickets = open_tickets + VALUES(open_tickets);
        END IF;
    END IF;
END;

DROP PROCEDURE stats_equipment_apply;

-- One piece of equipment's own contribution (count by region, status, warranty and SKU).
CREATE PROCEDURE stats_equipment_apply(IN p_sign INT, IN p_tenant BIGINT UNSIGNED,
    IN p_owner BIGINT UNSIGNED, IN p_maker BIGINT UNSIGNED, IN p_sku BIGINT UNSIGNED,
    IN p_region VARCHAR(64), IN p_estatus VARCHAR(16), IN p_warranty DATE)
BEGIN
    DECLARE v_month DATE DEFAULT IF(p_warranty IS NULL, DATE('1000-01-01'),
        p_warranty - INTERVAL (DAYOFMONTH(p_warranty) - 1) DAY);
    DECLARE i INT DEFAULT 0;
    DECLARE v_scope VARCHAR(8);
    DECLARE v_org BIGINT UNSIGNED;

    WHILE i < 2 DO
        SET v_scope = ELT(i + 1, 'all', 'owner');
        SET v_org = ELT(i + 1, 0, NULLIF(p_owner, 0));
        IF v_org IS NOT NULL THEN
            INSERT INTO stats_equipment_region (tenant_id, scope, org_id, maker_id, region, status, equipment)
            VALUES (p_tenant, v_scope, v_org, p_maker, p_region, p_estatus, p_sign)
            ON DUPLICATE KEY UPDATE equipment = equipment + VALUES(equipment);
            INSERT INTO stats_equipment_sku (tenant_id, scope, org_id, maker_id, sku_id, equipment)
            VALUES (p_tenant, v_scope, v_org, p_maker, p_sku, p_sign)
            ON DUPLICATE KEY UPDATE equipment = equipment + VALUES(equipment);
            IF p_estatus = 'active' THEN
                INSERT INTO stats_equipment_warranty (tenant_id, scope, org_id, maker_id, warranty_month, equipment)
                VALUES (p_tenant, v_scope, v_org, p_maker, v_month, p_sign)
                ON DUPLICATE KEY UPDATE equipment = equipment + VALUES(equipment);
            END IF;
        END IF;
        SET i = i + 1;
    END WHILE;
END;

DROP PROCEDURE stats_rebuild;

-- Recomputes a tenant's rollups from its tickets and equipment: after a bulk load with the
-- triggers off, or to check them (docs/kpis.md). Same arithmetic as the procedures above, one
-- statement per scope so each GROUP BY stays small; a larger in-memory temporary table for
-- the call keeps a million tickets' groups off disk. READ COMMITTED: the deletes lock the
-- tenant's rows only, not the gap after them where other tenants' rows are written, and the
-- reads take no locks. Run it on a quiet tenant: a ticket written meanwhile may be missed.
CREATE PROCEDURE stats_rebuild(IN p_tenant BIGINT UNSIGNED)
BEGIN
    DECLARE v_heap BIGINT UNSIGNED DEFAULT @@SESSION.max_heap_table_size;
    DECLARE v_tmp BIGINT UNSIGNED DEFAULT @@SESSION.tmp_table_size;
    DECLARE v_iso VARCHAR(32) DEFAULT @@SESSION.tx_isolation;
    DECLARE i INT DEFAULT 1;

    SET SESSION max_heap_table_size = GREATEST(v_heap, 268435456);
    SET SESSION tmp_table_size = GREATEST(v_tmp, 268435456);
    SET SESSION tx_isolation = 'READ-COMMITTED';
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

DROP TABLE stats_pending;
