-- Equipment, QR service requests, tickets with their history, coverage and SLA policies,
-- engineers (docs/service.md). As elsewhere, every key and foreign key across tables
-- starts with tenant_id; the QR token alone is global, since /q/{token} has no tenant.

CREATE TABLE equipment (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    serial VARCHAR(100) NOT NULL,
    sku_id BIGINT UNSIGNED NULL,
    owner_org_id BIGINT UNSIGNED NULL,
    site VARCHAR(200) NULL,
    region VARCHAR(64) NULL,
    install_date DATE NULL,
    warranty_end DATE NULL,
    -- 128 random bits, base64url without padding
    qr_token CHAR(22) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status ENUM('active', 'retired') NOT NULL DEFAULT 'active',
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_equipment_tenant_id (tenant_id, id),
    UNIQUE KEY uq_equipment_serial (tenant_id, serial),
    UNIQUE KEY uq_equipment_qr (qr_token),
    KEY ix_equipment_owner (tenant_id, owner_org_id, id),
    KEY ix_equipment_sku (tenant_id, sku_id, id),
    CONSTRAINT fk_equipment_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_equipment_sku FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id),
    CONSTRAINT fk_equipment_owner FOREIGN KEY (tenant_id, owner_org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT ck_equipment_warranty CHECK (warranty_end IS NULL OR install_date IS NULL OR warranty_end >= install_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One per tenant: {enabled, order, rules, match_region} as API.md's PUT takes it.
CREATE TABLE service_coverage_policies (
    tenant_id BIGINT UNSIGNED NOT NULL,
    enabled TINYINT(1) NOT NULL DEFAULT 0,
    policy JSON NOT NULL DEFAULT ('{}'),
    version INT UNSIGNED NOT NULL DEFAULT 1,
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (tenant_id),
    CONSTRAINT fk_coverage_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT ck_coverage_policy CHECK (JSON_TYPE(policy) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Targets per severity and a calendar; org_id NULL: the tenant's default policy.
CREATE TABLE sla_policies (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name VARCHAR(200) NOT NULL,
    org_id BIGINT UNSIGNED NULL,
    severity_targets JSON NOT NULL,
    -- "24x7" or {timezone, hours, holidays}
    calendar JSON NOT NULL,
    status ENUM('active', 'retired') NOT NULL DEFAULT 'active',
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_sla_policies_tenant_id (tenant_id, id),
    UNIQUE KEY uq_sla_policies_name (tenant_id, name),
    KEY ix_sla_policies_org (tenant_id, org_id, status),
    CONSTRAINT fk_sla_policies_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_sla_policies_org FOREIGN KEY (tenant_id, org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT ck_sla_policies_targets CHECK (JSON_TYPE(severity_targets) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE engineers (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name VARCHAR(200) NOT NULL,
    email VARCHAR(254) NULL,
    -- the login of the engineer, when there is one
    user_id BIGINT UNSIGNED NULL,
    skills JSON NOT NULL DEFAULT ('[]'),
    regions JSON NOT NULL DEFAULT ('[]'),
    availability ENUM('available', 'busy', 'off') NOT NULL DEFAULT 'available',
    status ENUM('active', 'inactive') NOT NULL DEFAULT 'active',
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_engineers_tenant_id (tenant_id, id),
    CONSTRAINT fk_engineers_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_engineers_user FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    CONSTRAINT ck_engineers_skills CHECK (JSON_TYPE(skills) = 'ARRAY'),
    CONSTRAINT ck_engineers_regions CHECK (JSON_TYPE(regions) = 'ARRAY')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The organizations an engineer works for.
CREATE TABLE engineer_orgs (
    tenant_id BIGINT UNSIGNED NOT NULL,
    engineer_id BIGINT UNSIGNED NOT NULL,
    org_id BIGINT UNSIGNED NOT NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (tenant_id, engineer_id, org_id),
    KEY ix_engineer_orgs_org (tenant_id, org_id, engineer_id),
    CONSTRAINT fk_engineer_orgs_engineer FOREIGN KEY (tenant_id, engineer_id) REFERENCES engineers (tenant_id, id),
    CONSTRAINT fk_engineer_orgs_org FOREIGN KEY (tenant_id, org_id) REFERENCES organizations (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE tickets (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    equipment_id BIGINT UNSIGNED NOT NULL,
    severity ENUM('critical', 'high', 'medium', 'low') NOT NULL,
    status ENUM('open', 'acknowledged', 'in_progress', 'waiting_customer', 'resolved', 'closed')
        NOT NULL DEFAULT 'open',
    title VARCHAR(200) NOT NULL,
    description TEXT NULL,
    source ENUM('api', 'qr') NOT NULL DEFAULT 'api',
    -- who asked through the QR page (no login)
    reporter_name VARCHAR(200) NULL,
    reporter_contact VARCHAR(254) NULL,
    -- NULL: policies off, the global rule applies
    responsible_org_id BIGINT UNSIGNED NULL,
    assigned_engineer_id BIGINT UNSIGNED NULL,
    sla_policy_id BIGINT UNSIGNED NULL,
    -- candidates, rule and reasons, and the escalation chain
    policy_provenance JSON NULL,
    -- how many times the ticket escalated; the org it sits with is responsible_org_id
    escalation_level INT UNSIGNED NOT NULL DEFAULT 0,
    response_due_at TIMESTAMP(3) NULL,
    resolve_due_at TIMESTAMP(3) NULL,
    responded_at TIMESTAMP(3) NULL,
    resolved_at TIMESTAMP(3) NULL,
    closed_at TIMESTAMP(3) NULL,
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_tickets_tenant_id (tenant_id, id),
    KEY ix_tickets_status (tenant_id, status, id),
    KEY ix_tickets_responsible (tenant_id, responsible_org_id, status, id),
    KEY ix_tickets_equipment (tenant_id, equipment_id, id),
    KEY ix_tickets_engineer (tenant_id, assigned_engineer_id, status, id),
    KEY ix_tickets_created (tenant_id, created_at, id),
    -- the sweep: open tickets by due time
    KEY ix_tickets_response_due (tenant_id, response_due_at, id),
    KEY ix_tickets_resolve_due (tenant_id, resolve_due_at, id),
    CONSTRAINT fk_tickets_equipment FOREIGN KEY (tenant_id, equipment_id) REFERENCES equipment (tenant_id, id),
    CONSTRAINT fk_tickets_responsible FOREIGN KEY (tenant_id, responsible_org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT fk_tickets_engineer FOREIGN KEY (tenant_id, assigned_engineer_id) REFERENCES engineers (tenant_id, id),
    CONSTRAINT fk_tickets_sla FOREIGN KEY (tenant_id, sla_policy_id) REFERENCES sla_policies (tenant_id, id),
    CONSTRAINT ck_tickets_provenance CHECK (policy_provenance IS NULL OR JSON_TYPE(policy_provenance) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The status history, one row per transition (the first: NULL -> open); SLA clocks are
-- computed from it.
CREATE TABLE ticket_events (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    ticket_id BIGINT UNSIGNED NOT NULL,
    from_status ENUM('open', 'acknowledged', 'in_progress', 'waiting_customer', 'resolved', 'closed') NULL,
    to_status ENUM('open', 'acknowledged', 'in_progress', 'waiting_customer', 'resolved', 'closed') NOT NULL,
    actor_id BIGINT UNSIGNED NULL,
    note VARCHAR(500) NULL,
    at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    KEY ix_ticket_events (tenant_id, ticket_id, at, id),
    CONSTRAINT fk_ticket_events_ticket FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    CONSTRAINT fk_ticket_events_actor FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE ticket_comments (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    ticket_id BIGINT UNSIGNED NOT NULL,
    author_id BIGINT UNSIGNED NULL,
    body TEXT NOT NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    KEY ix_ticket_comments (tenant_id, ticket_id, id),
    CONSTRAINT fk_ticket_comments_ticket FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    CONSTRAINT fk_ticket_comments_author FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per breach the sweep acted on; level is unique per ticket, so running the sweep
-- again writes nothing.
CREATE TABLE ticket_escalations (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    ticket_id BIGINT UNSIGNED NOT NULL,
    level INT UNSIGNED NOT NULL,
    target ENUM('response', 'resolve') NOT NULL,
    due_at TIMESTAMP(3) NOT NULL,
    from_org_id BIGINT UNSIGNED NULL,
    to_org_id BIGINT UNSIGNED NULL,
    reason VARCHAR(500) NOT NULL,
    at TIMESTAMP(3) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_ticket_escalations (tenant_id, ticket_id, level),
    CONSTRAINT fk_ticket_escalations_ticket FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets (tenant_id, id),
    CONSTRAINT fk_ticket_escalations_from FOREIGN KEY (tenant_id, from_org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT fk_ticket_escalations_to FOREIGN KEY (tenant_id, to_org_id) REFERENCES organizations (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
