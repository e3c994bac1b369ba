-- Identity and write discipline: settings, users, organizations, memberships, tokens,
-- idempotency keys, the hash-chained audit log and the outbox.
-- Every key and foreign key across tables starts with tenant_id, so the database itself
-- cannot link rows of two tenants.

ALTER TABLE tenants
    ADD COLUMN timezone VARCHAR(64) NOT NULL DEFAULT 'UTC',
    ADD COLUMN locale VARCHAR(16) NOT NULL DEFAULT 'en',
    ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR',
    ADD COLUMN rounding ENUM('half_away_from_zero', 'half_even') NOT NULL DEFAULT 'half_away_from_zero',
    ADD COLUMN lockout_threshold INT UNSIGNED NOT NULL DEFAULT 5,
    ADD COLUMN lockout_minutes INT UNSIGNED NOT NULL DEFAULT 15,
    ADD COLUMN flags VARCHAR(500) NOT NULL DEFAULT '',
    ADD COLUMN audit_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN audit_head CHAR(64) NULL;

CREATE TABLE users (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email VARCHAR(254) NOT NULL,
    password_hash VARCHAR(128) NULL,
    role ENUM('super_admin', 'tenant_admin', 'org_admin', 'ops_manager', 'branch_manager',
              'engineer', 'agent', 'viewer') NOT NULL DEFAULT 'viewer',
    status ENUM('active', 'inactive', 'pending_invitation', 'locked') NOT NULL DEFAULT 'active',
    failed_attempts INT UNSIGNED NOT NULL DEFAULT 0,
    locked_until TIMESTAMP(3) NULL,
    last_login_at TIMESTAMP(3) NULL,
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_users_tenant_id (tenant_id, id),
    UNIQUE KEY uq_users_email (tenant_id, email),
    CONSTRAINT fk_users_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE organizations (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    type ENUM('manufacturer', 'distributor', 'dealer', 'supplier', 'service_provider',
              'hospital', 'customer') NOT NULL,
    name VARCHAR(200) NOT NULL,
    status ENUM('active', 'inactive') NOT NULL DEFAULT 'active',
    region VARCHAR(64) NULL,
    certifications JSON NOT NULL DEFAULT ('[]'),
    metadata JSON NOT NULL DEFAULT ('{}'),
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_orgs_tenant_id (tenant_id, id),
    UNIQUE KEY uq_orgs_name (tenant_id, name),
    KEY ix_orgs_type (tenant_id, type, id),
    CONSTRAINT fk_orgs_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT ck_orgs_certifications CHECK (JSON_TYPE(certifications) = 'ARRAY'),
    CONSTRAINT ck_orgs_metadata CHECK (JSON_TYPE(metadata) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE memberships (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id BIGINT UNSIGNED NOT NULL,
    org_id BIGINT UNSIGNED NOT NULL,
    role ENUM('org_admin', 'ops_manager', 'branch_manager', 'engineer', 'agent',
              'viewer') NOT NULL,
    branch_id BIGINT UNSIGNED NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_memberships (tenant_id, user_id, org_id),
    KEY ix_memberships_org (tenant_id, org_id),
    CONSTRAINT fk_memberships_user FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
    CONSTRAINT fk_memberships_org FOREIGN KEY (tenant_id, org_id) REFERENCES organizations (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE refresh_tokens (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id BIGINT UNSIGNED NOT NULL,
    family CHAR(32) NOT NULL,
    token_hash CHAR(64) NOT NULL,
    org_id BIGINT UNSIGNED NULL,
    expires_at TIMESTAMP(3) NOT NULL,
    used_at TIMESTAMP(3) NULL,
    revoked_at TIMESTAMP(3) NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_refresh_hash (token_hash),
    KEY ix_refresh_family (tenant_id, family),
    CONSTRAINT fk_refresh_user FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

CREATE TABLE user_tokens (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('invitation', 'password_reset') NOT NULL,
    token_hash CHAR(64) NOT NULL,
    expires_at TIMESTAMP(3) NOT NULL,
    used_at TIMESTAMP(3) NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_user_tokens_hash (token_hash),
    CONSTRAINT fk_user_tokens_user FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

CREATE TABLE idempotency_keys (
    tenant_id BIGINT UNSIGNED NOT NULL,
    idem_key VARCHAR(200) NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    request_hash CHAR(64) NOT NULL,
    status SMALLINT UNSIGNED NOT NULL,
    content_type VARCHAR(100) NOT NULL,
    headers TEXT NOT NULL,
    body MEDIUMTEXT NOT NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (tenant_id, idem_key),
    KEY ix_idem_created (created_at),
    CONSTRAINT fk_idem_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE audit_log (
    tenant_id BIGINT UNSIGNED NOT NULL,
    seq BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    actor_id BIGINT UNSIGNED NULL,
    org_id BIGINT UNSIGNED NULL,
    action VARCHAR(64) NOT NULL,
    entity VARCHAR(64) NOT NULL,
    entity_id BIGINT UNSIGNED NULL,
    -- LONGTEXT, not JSON: the chain hashes these bytes, and MySQL would normalise JSON
    before_json LONGTEXT NULL,
    after_json LONGTEXT NULL,
    request_id VARCHAR(64) NOT NULL DEFAULT '',
    ip VARCHAR(64) NOT NULL DEFAULT '',
    at TIMESTAMP(3) NOT NULL,
    prev_hash CHAR(64) NOT NULL,
    hash CHAR(64) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_audit_seq (tenant_id, seq),
    KEY ix_audit_entity (tenant_id, entity, entity_id),
    KEY ix_audit_actor (tenant_id, actor_id),
    CONSTRAINT fk_audit_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT ck_audit_before CHECK (before_json IS NULL OR JSON_VALID(before_json)),
    CONSTRAINT ck_audit_after CHECK (after_json IS NULL OR JSON_VALID(after_json))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE outbox_events (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    event_type VARCHAR(64) NOT NULL,
    entity VARCHAR(64) NOT NULL,
    entity_id BIGINT UNSIGNED NULL,
    payload JSON NOT NULL,
    request_id VARCHAR(64) NOT NULL DEFAULT '',
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    dispatched_at TIMESTAMP(3) NULL,
    PRIMARY KEY (id),
    KEY ix_outbox_pending (dispatched_at, id),
    KEY ix_outbox_tenant (tenant_id, id),
    CONSTRAINT fk_outbox_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO tenants (slug, name, country_code) VALUES ('platform', 'Platform', 'ZZ');
