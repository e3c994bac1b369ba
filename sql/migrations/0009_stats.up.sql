-- Ticket and equipment KPIs (docs/kpis.md): rollups kept exact by triggers in the same
-- transaction as every ticket and equipment write, so GET /v1/stats/* reads a few hundred
-- rows instead of scanning a million tickets. Bulk loaders set @trellis_stats_off = 1 to
-- skip the triggers and then CALL stats_rebuild(tenant_id).

-- How often a ticket went back to open from resolved or closed (first-time fix).
ALTER TABLE tickets ADD COLUMN reopen_count INT UNSIGNED NOT NULL DEFAULT 0;

-- This month's warranty ends, read to split the month the rollup keeps whole.
CREATE INDEX IF NOT EXISTS ix_equipment_warranty ON equipment (tenant_id, warranty_end);

-- One row per (scope, org, UTC day of created_at, severity, status). scope 'all' (org_id 0)
-- counts every ticket of the tenant; 'resp' by responsible org, 'owner' by the equipment's
-- owner, 'both' those whose responsible org is also the owner (subtracted for an org's
-- union, as the ticket list scopes).
CREATE TABLE stats_tickets_daily (
    tenant_id BIGINT UNSIGNED NOT NULL,
    scope ENUM('all', 'resp', 'owner', 'both') NOT NULL,
    org_id BIGINT UNSIGNED NOT NULL,
    day DATE NOT NULL,
    severity ENUM('critical', 'high', 'medium', 'low') NOT NULL,
    status ENUM('open', 'acknowledged', 'in_progress', 'waiting_customer', 'resolved', 'closed') NOT NULL,
    tickets BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    resolve_ms BIGINT NOT NULL DEFAULT 0,
    first_fix BIGINT NOT NULL DEFAULT 0,
    response_n BIGINT NOT NULL DEFAULT 0,
    response_met BIGINT NOT NULL DEFAULT 0,
    resolve_n BIGINT NOT NULL DEFAULT 0,
    resolve_met BIGINT NOT NULL DEFAULT 0,
    escalated BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, scope, org_id, day, severity, status),
    CONSTRAINT fk_stats_tickets_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Equipment by region and status with its backlog. scope 'all' (org_id 0) or 'owner';
-- maker_id is the SKU's manufacturer (0: no SKU), so a manufacturer's pieces are the 'all'
-- rows of its maker_id.
CREATE TABLE stats_equipment_region (
    tenant_id BIGINT UNSIGNED NOT NULL,
    scope ENUM('all', 'owner') NOT NULL,
    org_id BIGINT UNSIGNED NOT NULL,
    maker_id BIGINT UNSIGNED NOT NULL,
    region VARCHAR(64) NOT NULL,
    status ENUM('active', 'retired') NOT NULL,
    equipment BIGINT NOT NULL DEFAULT 0,
    open_tickets BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, scope, org_id, maker_id, region, status),
    CONSTRAINT fk_stats_eq_region_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Active equipment by the first day of its warranty's last month ('1000-01-01': none).
CREATE TABLE stats_equipment_warranty (
    tenant_id BIGINT UNSIGNED NOT NULL,
    scope ENUM('all', 'owner') NOT NULL,
    org_id BIGINT UNSIGNED NOT NULL,
    maker_id BIGINT UNSIGNED NOT NULL,
    warranty_month DATE NOT NULL,
    equipment BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, scope, org_id, maker_id, warranty_month),
    CONSTRAINT fk_stats_eq_warranty_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Equipment, tickets and backlog by SKU (sku_id 0: none): failures by model.
CREATE TABLE stats_equipment_sku (
    tenant_id BIGINT UNSIGNED NOT NULL,
    scope ENUM('all', 'owner') NOT NULL,
    org_id BIGINT UNSIGNED NOT NULL,
    maker_id BIGINT UNSIGNED NOT NULL,
    sku_id BIGINT UNSIGNED NOT NULL,
    equipment BIGINT NOT NULL DEFAULT 0,
    tickets BIGINT NOT NULL DEFAULT 0,
    open_tickets BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, scope, org_id, maker_id, sku_id),
    KEY ix_stats_eq_sku_top (tenant_id, scope, org_id, tickets, sku_id),
    CONSTRAINT fk_stats_eq_sku_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

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

-- Every ticket of a piece of equipment, out of the rollups (-1) or back in (+1), with the
-- equipment's attributes as given: an equipment change moves its tickets.
CREATE PROCEDURE stats_equipment_tickets(IN p_sign INT, IN p_tenant BIGINT UNSIGNED,
    IN p_equipment BIGINT UNSIGNED, IN p_owner BIGINT UNSIGNED, IN p_maker BIGINT UNSIGNED,
    IN p_sku BIGINT UNSIGNED, IN p_region VARCHAR(64), IN p_estatus VARCHAR(16))
BEGIN
    DECLARE done INT DEFAULT 0;
    DECLARE c_created, c_resolved, c_responded, c_rdue, c_ldue BIGINT;
    DECLARE c_severity, c_status VARCHAR(32);
    DECLARE c_resp BIGINT UNSIGNED;
    DECLARE c_reopens, c_level INT UNSIGNED;
    DECLARE cur CURSOR FOR
        SELECT CAST(UNIX_TIMESTAMP(created_at) * 1000 AS SIGNED), severity, status,
            responsible_org_id, CAST(UNIX_TIMESTAMP(resolved_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(responded_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(response_due_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(resolve_due_at) * 1000 AS SIGNED), reopen_count, escalation_level
        FROM tickets WHERE tenant_id = p_tenant AND equipment_id = p_equipment;
    DECLARE CONTINUE HANDLER FOR NOT FOUND SET done = 1;

    OPEN cur;
    fetch_loop: LOOP
        FETCH cur INTO c_created, c_severity, c_status, c_resp, c_resolved, c_responded, c_rdue,
            c_ldue, c_reopens, c_level;
        IF done THEN
            LEAVE fetch_loop;
        END IF;
        CALL stats_ticket_daily(p_sign, p_tenant, c_created, c_severity, c_status, c_resp,
            p_owner, c_resolved, c_responded, c_rdue, c_ldue, c_reopens, c_level);
        CALL stats_ticket_equipment(p_sign, p_tenant, c_status, p_owner, p_maker, p_sku,
            p_region, p_estatus);
    END LOOP;
    CLOSE cur;
END;

CREATE TRIGGER tickets_stats_reopen BEFORE UPDATE ON tickets FOR EACH ROW
BEGIN
    IF OLD.status IN ('resolved', 'closed') AND NEW.status = 'open' THEN
        SET NEW.reopen_count = OLD.reopen_count + 1;
    END IF;
END;

CREATE TRIGGER tickets_stats_insert AFTER INSERT ON tickets FOR EACH ROW
BEGIN
    DECLARE v_owner, v_maker, v_sku BIGINT UNSIGNED DEFAULT 0;
    DECLARE v_region VARCHAR(64) DEFAULT '';
    DECLARE v_estatus VARCHAR(16) DEFAULT 'active';

    IF COALESCE(@trellis_stats_off, 0) = 0 THEN
        SELECT COALESCE(e.owner_org_id, 0), COALESCE(s.manufacturer_id, 0), COALESCE(e.sku_id, 0),
            COALESCE(e.region, ''), e.status INTO v_owner, v_maker, v_sku, v_region, v_estatus
        FROM equipment e LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id
        WHERE e.tenant_id = NEW.tenant_id AND e.id = NEW.equipment_id;
        CALL stats_ticket_daily(1, NEW.tenant_id, CAST(UNIX_TIMESTAMP(NEW.created_at) * 1000 AS SIGNED),
            NEW.severity, NEW.status, NEW.responsible_org_id, v_owner,
            CAST(UNIX_TIMESTAMP(NEW.resolved_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(NEW.responded_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(NEW.response_due_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(NEW.resolve_due_at) * 1000 AS SIGNED), NEW.reopen_count,
            NEW.escalation_level);
        CALL stats_ticket_equipment(1, NEW.tenant_id, NEW.status, v_owner, v_maker, v_sku,
            v_region, v_estatus);
    END IF;
END;

-- Only the columns a KPI reads: assignment, comments' version bumps and titles move nothing.
CREATE TRIGGER tickets_stats_update AFTER UPDATE ON tickets FOR EACH ROW
BEGIN
    DECLARE v_owner, v_maker, v_sku, o_owner, o_maker, o_sku BIGINT UNSIGNED DEFAULT 0;
    DECLARE v_region, o_region VARCHAR(64) DEFAULT '';
    DECLARE v_estatus, o_estatus VARCHAR(16) DEFAULT 'active';

    IF COALESCE(@trellis_stats_off, 0) = 0 AND NOT (OLD.created_at <=> NEW.created_at
        AND OLD.severity <=> NEW.severity AND OLD.status <=> NEW.status
        AND OLD.equipment_id <=> NEW.equipment_id
        AND OLD.responsible_org_id <=> NEW.responsible_org_id
        AND OLD.resolved_at <=> NEW.resolved_at AND OLD.responded_at <=> NEW.responded_at
        AND OLD.response_due_at <=> NEW.response_due_at
        AND OLD.resolve_due_at <=> NEW.resolve_due_at AND OLD.reopen_count <=> NEW.reopen_count
        AND OLD.escalation_level <=> NEW.escalation_level) THEN
        SELECT COALESCE(e.owner_org_id, 0), COALESCE(s.manufacturer_id, 0), COALESCE(e.sku_id, 0),
            COALESCE(e.region, ''), e.status INTO o_owner, o_maker, o_sku, o_region, o_estatus
        FROM equipment e LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id
        WHERE e.tenant_id = OLD.tenant_id AND e.id = OLD.equipment_id;
        SELECT COALESCE(e.owner_org_id, 0), COALESCE(s.manufacturer_id, 0), COALESCE(e.sku_id, 0),
            COALESCE(e.region, ''), e.status INTO v_owner, v_maker, v_sku, v_region, v_estatus
        FROM equipment e LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id
        WHERE e.tenant_id = NEW.tenant_id AND e.id = NEW.equipment_id;
        CALL stats_ticket_daily(-1, OLD.tenant_id, CAST(UNIX_TIMESTAMP(OLD.created_at) * 1000 AS SIGNED),
            OLD.severity, OLD.status, OLD.responsible_org_id, o_owner,
            CAST(UNIX_TIMESTAMP(OLD.resolved_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(OLD.responded_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(OLD.response_due_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(OLD.resolve_due_at) * 1000 AS SIGNED), OLD.reopen_count,
            OLD.escalation_level);
        CALL stats_ticket_daily(1, NEW.tenant_id, CAST(UNIX_TIMESTAMP(NEW.created_at) * 1000 AS SIGNED),
            NEW.severity, NEW.status, NEW.responsible_org_id, v_owner,
            CAST(UNIX_TIMESTAMP(NEW.resolved_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(NEW.responded_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(NEW.response_due_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(NEW.resolve_due_at) * 1000 AS SIGNED), NEW.reopen_count,
            NEW.escalation_level);
        IF NOT (OLD.equipment_id <=> NEW.equipment_id AND (OLD.status IN ('resolved', 'closed'))
            <=> (NEW.status IN ('resolved', 'closed'))) THEN
            CALL stats_ticket_equipment(-1, OLD.tenant_id, OLD.status, o_owner, o_maker, o_sku,
                o_region, o_estatus);
            CALL stats_ticket_equipment(1, NEW.tenant_id, NEW.status, v_owner, v_maker, v_sku,
                v_region, v_estatus);
        END IF;
    END IF;
END;

CREATE TRIGGER tickets_stats_delete AFTER DELETE ON tickets FOR EACH ROW
BEGIN
    DECLARE o_owner, o_maker, o_sku BIGINT UNSIGNED DEFAULT 0;
    DECLARE o_region VARCHAR(64) DEFAULT '';
    DECLARE o_estatus VARCHAR(16) DEFAULT 'active';

    IF COALESCE(@trellis_stats_off, 0) = 0 THEN
        SELECT COALESCE(e.owner_org_id, 0), COALESCE(s.manufacturer_id, 0), COALESCE(e.sku_id, 0),
            COALESCE(e.region, ''), e.status INTO o_owner, o_maker, o_sku, o_region, o_estatus
        FROM equipment e LEFT JOIN skus s ON s.tenant_id = e.tenant_id AND s.id = e.sku_id
        WHERE e.tenant_id = OLD.tenant_id AND e.id = OLD.equipment_id;
        CALL stats_ticket_daily(-1, OLD.tenant_id, CAST(UNIX_TIMESTAMP(OLD.created_at) * 1000 AS SIGNED),
            OLD.severity, OLD.status, OLD.responsible_org_id, o_owner,
            CAST(UNIX_TIMESTAMP(OLD.resolved_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(OLD.responded_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(OLD.response_due_at) * 1000 AS SIGNED),
            CAST(UNIX_TIMESTAMP(OLD.resolve_due_at) * 1000 AS SIGNED), OLD.reopen_count,
            OLD.escalation_level);
        CALL stats_ticket_equipment(-1, OLD.tenant_id, OLD.status, o_owner, o_maker, o_sku,
            o_region, o_estatus);
    END IF;
END;

CREATE TRIGGER equipment_stats_insert AFTER INSERT ON equipment FOR EACH ROW
BEGIN
    IF COALESCE(@trellis_stats_off, 0) = 0 THEN
        CALL stats_equipment_apply(1, NEW.tenant_id, COALESCE(NEW.owner_org_id, 0),
            COALESCE((SELECT manufacturer_id FROM skus WHERE tenant_id = NEW.tenant_id AND id = NEW.sku_id), 0),
            COALESCE(NEW.sku_id, 0), COALESCE(NEW.region, ''), NEW.status, NEW.warranty_end);
    END IF;
END;

-- A change of owner, SKU, region or status moves the piece and its tickets; of the warranty
-- end, the piece alone.
CREATE TRIGGER equipment_stats_update AFTER UPDATE ON equipment FOR EACH ROW
BEGIN
    DECLARE o_maker, v_maker BIGINT UNSIGNED DEFAULT 0;

    IF COALESCE(@trellis_stats_off, 0) = 0 AND NOT (OLD.owner_org_id <=> NEW.owner_org_id
        AND OLD.sku_id <=> NEW.sku_id AND OLD.region <=> NEW.region
        AND OLD.status <=> NEW.status AND OLD.warranty_end <=> NEW.warranty_end) THEN
        SET o_maker = COALESCE((SELECT manufacturer_id FROM skus WHERE tenant_id = OLD.tenant_id AND id = OLD.sku_id), 0);
        SET v_maker = COALESCE((SELECT manufacturer_id FROM skus WHERE tenant_id = NEW.tenant_id AND id = NEW.sku_id), 0);
        CALL stats_equipment_apply(-1, OLD.tenant_id, COALESCE(OLD.owner_org_id, 0), o_maker,
            COALESCE(OLD.sku_id, 0), COALESCE(OLD.region, ''), OLD.status, OLD.warranty_end);
        CALL stats_equipment_apply(1, NEW.tenant_id, COALESCE(NEW.owner_org_id, 0), v_maker,
            COALESCE(NEW.sku_id, 0), COALESCE(NEW.region, ''), NEW.status, NEW.warranty_end);
        IF NOT (OLD.owner_org_id <=> NEW.owner_org_id AND OLD.sku_id <=> NEW.sku_id
            AND OLD.region <=> NEW.region AND OLD.status <=> NEW.status) THEN
            CALL stats_equipment_tickets(-1, OLD.tenant_id, OLD.id, COALESCE(OLD.owner_org_id, 0),
                o_maker, COALESCE(OLD.sku_id, 0), COALESCE(OLD.region, ''), OLD.status);
            CALL stats_equipment_tickets(1, NEW.tenant_id, NEW.id, COALESCE(NEW.owner_org_id, 0),
                v_maker, COALESCE(NEW.sku_id, 0), COALESCE(NEW.region, ''), NEW.status);
        END IF;
    END IF;
END;

CREATE TRIGGER equipment_stats_delete AFTER DELETE ON equipment FOR EACH ROW
BEGIN
    IF COALESCE(@trellis_stats_off, 0) = 0 THEN
        CALL stats_equipment_apply(-1, OLD.tenant_id, COALESCE(OLD.owner_org_id, 0),
            COALESCE((SELECT manufacturer_id FROM skus WHERE tenant_id = OLD.tenant_id AND id = OLD.sku_id), 0),
            COALESCE(OLD.sku_id, 0), COALESCE(OLD.region, ''), OLD.status, OLD.warranty_end);
    END IF;
END;

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
