-- The organization graph, channels, the catalog and publishing down the channel.
-- As elsewhere, every key and foreign key across tables starts with tenant_id.

CREATE TABLE org_relationships (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    -- "D1 distributor_of M1": parent M1, child D1
    parent_org_id BIGINT UNSIGNED NOT NULL,
    child_org_id BIGINT UNSIGNED NOT NULL,
    relation_type ENUM('distributor_of', 'dealer_of', 'supplier_of', 'partner_of') NOT NULL,
    preferred TINYINT(1) NOT NULL DEFAULT 0,
    active_from TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    -- ended, never deleted: history stays
    active_to TIMESTAMP(3) NULL,
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_rel_tenant_id (tenant_id, id),
    KEY ix_rel_parent (tenant_id, parent_org_id, child_org_id),
    KEY ix_rel_child (tenant_id, child_org_id, parent_org_id),
    CONSTRAINT fk_rel_parent FOREIGN KEY (tenant_id, parent_org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT fk_rel_child FOREIGN KEY (tenant_id, child_org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT ck_rel_not_self CHECK (parent_org_id <> child_org_id),
    CONSTRAINT ck_rel_window CHECK (active_to IS NULL OR active_to > active_from)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE channels (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name VARCHAR(200) NOT NULL,
    type ENUM('direct', 'distributor', 'dealer', 'online') NOT NULL,
    -- the organization that runs the channel; NULL: the tenant's own
    org_id BIGINT UNSIGNED NULL,
    status ENUM('active', 'inactive') NOT NULL DEFAULT 'active',
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_channels_tenant_id (tenant_id, id),
    UNIQUE KEY uq_channels_name (tenant_id, name),
    KEY ix_channels_org (tenant_id, org_id, id),
    CONSTRAINT fk_channels_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_channels_org FOREIGN KEY (tenant_id, org_id) REFERENCES organizations (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE products (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    manufacturer_id BIGINT UNSIGNED NOT NULL,
    name VARCHAR(200) NOT NULL,
    category VARCHAR(100) NULL,
    attrs JSON NOT NULL DEFAULT ('{}'),
    lifecycle_status ENUM('draft', 'active', 'discontinued', 'end_of_life') NOT NULL DEFAULT 'active',
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_products_tenant_id (tenant_id, id),
    -- the SKUs' foreign key: a SKU's manufacturer is its product's
    UNIQUE KEY uq_products_maker (tenant_id, id, manufacturer_id),
    -- the natural key an import finds a product by
    UNIQUE KEY uq_products_name (tenant_id, manufacturer_id, name),
    KEY ix_products_category (tenant_id, category, id),
    CONSTRAINT fk_products_maker FOREIGN KEY (tenant_id, manufacturer_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT ck_products_attrs CHECK (JSON_TYPE(attrs) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE skus (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    product_id BIGINT UNSIGNED NOT NULL,
    -- the product's, copied so listings and publishing rules need no join
    manufacturer_id BIGINT UNSIGNED NOT NULL,
    sku_code VARCHAR(64) NOT NULL,
    attrs JSON NOT NULL DEFAULT ('{}'),
    status ENUM('active', 'inactive', 'discontinued') NOT NULL DEFAULT 'active',
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_skus_tenant_id (tenant_id, id),
    UNIQUE KEY uq_skus_code (tenant_id, sku_code),
    KEY ix_skus_product (tenant_id, product_id, id),
    KEY ix_skus_maker (tenant_id, manufacturer_id, id),
    CONSTRAINT fk_skus_product FOREIGN KEY (tenant_id, product_id, manufacturer_id)
        REFERENCES products (tenant_id, id, manufacturer_id),
    CONSTRAINT ck_skus_attrs CHECK (JSON_TYPE(attrs) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE offerings (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    sku_id BIGINT UNSIGNED NOT NULL,
    offer_type ENUM('sale', 'subscription', 'rental') NOT NULL,
    term VARCHAR(64) NULL,
    service_level VARCHAR(64) NULL,
    conditions JSON NOT NULL DEFAULT ('{}'),
    status ENUM('active', 'inactive') NOT NULL DEFAULT 'active',
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_offerings_tenant_id (tenant_id, id),
    UNIQUE KEY uq_offerings_sku (tenant_id, id, sku_id),
    KEY ix_offerings_sku (tenant_id, sku_id, id),
    CONSTRAINT fk_offerings_sku FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id),
    CONSTRAINT ck_offerings_conditions CHECK (JSON_TYPE(conditions) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A publication: what publisher offers recipient (NULL: each of its active children) in a
-- channel. Its content lives in versions; current_version is the newest.
CREATE TABLE publications (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    channel_id BIGINT UNSIGNED NOT NULL,
    publisher_org_id BIGINT UNSIGNED NOT NULL,
    recipient_org_id BIGINT UNSIGNED NULL,
    -- recipient_org_id with 0 for "all", so the unique key sees one "all" publication
    recipient_key BIGINT UNSIGNED AS (IFNULL(recipient_org_id, 0)) STORED,
    -- eligibility: {"required_certification": "...", "territory": ["region", ...]}
    constraints JSON NOT NULL DEFAULT ('{}'),
    current_version INT UNSIGNED NOT NULL DEFAULT 0,
    item_count INT UNSIGNED NOT NULL DEFAULT 0,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_publications_tenant_id (tenant_id, id),
    UNIQUE KEY uq_publications (tenant_id, channel_id, publisher_org_id, recipient_key),
    -- a listing starts here: what reached one recipient in one channel
    KEY ix_publications_recipient (tenant_id, channel_id, recipient_key, publisher_org_id),
    KEY ix_publications_publisher (tenant_id, publisher_org_id, channel_id),
    CONSTRAINT fk_publications_channel FOREIGN KEY (tenant_id, channel_id) REFERENCES channels (tenant_id, id),
    CONSTRAINT fk_publications_publisher FOREIGN KEY (tenant_id, publisher_org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT fk_publications_recipient FOREIGN KEY (tenant_id, recipient_org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT ck_publications_constraints CHECK (JSON_TYPE(constraints) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per change: immutable once written.
CREATE TABLE publication_versions (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    publication_id BIGINT UNSIGNED NOT NULL,
    version INT UNSIGNED NOT NULL,
    action ENUM('publish', 'unlist', 'rollback') NOT NULL,
    rolled_back_to INT UNSIGNED NULL,
    note VARCHAR(500) NULL,
    constraints JSON NOT NULL DEFAULT ('{}'),
    item_count INT UNSIGNED NOT NULL,
    added_count INT UNSIGNED NOT NULL,
    removed_count INT UNSIGNED NOT NULL,
    actor_id BIGINT UNSIGNED NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_pubver (tenant_id, publication_id, version),
    CONSTRAINT fk_pubver_publication FOREIGN KEY (tenant_id, publication_id) REFERENCES publications (tenant_id, id),
    CONSTRAINT fk_pubver_actor FOREIGN KEY (tenant_id, actor_id) REFERENCES users (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Item snapshots as intervals: an item is in version n of its publication when
-- from_version <= n AND (to_version IS NULL OR to_version > n). Writing version n+1 only
-- adds rows and sets to_version = n+1 on the rows it removes, so no earlier version's
-- snapshot ever changes, and the live set is the rows with to_version IS NULL.
CREATE TABLE publication_items (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    publication_id BIGINT UNSIGNED NOT NULL,
    sku_id BIGINT UNSIGNED NOT NULL,
    offering_id BIGINT UNSIGNED NULL,
    -- offering_id with 0 for the SKU itself
    offering_key BIGINT UNSIGNED AS (IFNULL(offering_id, 0)) STORED,
    from_version INT UNSIGNED NOT NULL,
    to_version INT UNSIGNED NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uq_pubitems (tenant_id, publication_id, sku_id, offering_key, from_version),
    -- the live set of one publication in SKU order: a listing page reads a range of it
    KEY ix_pubitems_live (tenant_id, publication_id, to_version, sku_id, offering_key),
    KEY ix_pubitems_sku (tenant_id, sku_id, publication_id),
    CONSTRAINT fk_pubitems_publication FOREIGN KEY (tenant_id, publication_id) REFERENCES publications (tenant_id, id),
    CONSTRAINT fk_pubitems_sku FOREIGN KEY (tenant_id, sku_id) REFERENCES skus (tenant_id, id),
    CONSTRAINT fk_pubitems_offering FOREIGN KEY (tenant_id, offering_id, sku_id) REFERENCES offerings (tenant_id, id, sku_id),
    CONSTRAINT ck_pubitems_window CHECK (to_version IS NULL OR to_version > from_version)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;
