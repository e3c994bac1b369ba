-- Price books and rules (docs/pricing.md), dated FX rates and tax rates.
-- As elsewhere, every key and foreign key across tables starts with tenant_id.

CREATE TABLE price_books (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    name VARCHAR(200) NOT NULL,
    -- who manages the book: a manufacturer or distributor; NULL: the tenant's staff
    owner_org_id BIGINT UNSIGNED NULL,
    scope_type ENUM('global', 'org', 'channel', 'org_channel') NOT NULL,
    -- the customer and the channel priced; which are set follows scope_type
    org_id BIGINT UNSIGNED NULL,
    channel_id BIGINT UNSIGNED NULL,
    currency CHAR(3) CHARACTER SET ascii NOT NULL,
    priority INT NOT NULL DEFAULT 0,
    status ENUM('draft', 'active', 'retired') NOT NULL DEFAULT 'active',
    -- the window is [effective_from, effective_to); NULL: open on that side
    effective_from TIMESTAMP(3) NULL,
    effective_to TIMESTAMP(3) NULL,
    -- goes up with every change to the book or to its rules
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_price_books_tenant_id (tenant_id, id),
    -- candidate books of a resolve: one range per scope, never the whole tenant
    KEY ix_price_books_scope (tenant_id, currency, status, scope_type, org_id, channel_id),
    KEY ix_price_books_owner (tenant_id, owner_org_id, id),
    CONSTRAINT fk_price_books_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT fk_price_books_owner FOREIGN KEY (tenant_id, owner_org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT fk_price_books_org FOREIGN KEY (tenant_id, org_id) REFERENCES organizations (tenant_id, id),
    CONSTRAINT fk_price_books_channel FOREIGN KEY (tenant_id, channel_id) REFERENCES channels (tenant_id, id),
    CONSTRAINT ck_price_books_scope CHECK (
        (scope_type = 'global' AND org_id IS NULL AND channel_id IS NULL)
        OR (scope_type = 'org' AND org_id IS NOT NULL AND channel_id IS NULL)
        OR (scope_type = 'channel' AND org_id IS NULL AND channel_id IS NOT NULL)
        OR (scope_type = 'org_channel' AND org_id IS NOT NULL AND channel_id IS NOT NULL)),
    CONSTRAINT ck_price_books_window CHECK (
        effective_from IS NULL OR effective_to IS NULL OR effective_to > effective_from)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE price_rules (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    price_book_id BIGINT UNSIGNED NOT NULL,
    selector ENUM('sku', 'product', 'category', 'all') NOT NULL,
    -- sku, product: the id in decimal; category: its name; all: NULL
    selector_value VARCHAR(100) NULL,
    rule_type ENUM('fixed', 'discount', 'markup', 'margin') NOT NULL,
    -- an amount for fixed (in the book's currency), a percent for the others
    value DECIMAL(24, 6) NOT NULL,
    -- NULL: no minimum
    min_qty DECIMAL(15, 3) NULL,
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_price_rules_tenant_id (tenant_id, id),
    -- a resolve reads only the rules of its candidate books that can match its SKUs
    KEY ix_price_rules_match (tenant_id, price_book_id, selector, selector_value),
    CONSTRAINT fk_price_rules_book FOREIGN KEY (tenant_id, price_book_id) REFERENCES price_books (tenant_id, id),
    CONSTRAINT ck_price_rules_selector CHECK ((selector = 'all') = (selector_value IS NULL)),
    CONSTRAINT ck_price_rules_min_qty CHECK (min_qty IS NULL OR min_qty > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- 1 base = rate quote, in effect from rate_date until the next rate of the pair.
CREATE TABLE fx_rates (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    base_currency CHAR(3) CHARACTER SET ascii NOT NULL,
    quote_currency CHAR(3) CHARACTER SET ascii NOT NULL,
    rate DECIMAL(24, 10) NOT NULL,
    rate_date DATE NOT NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_fx_rates_tenant_id (tenant_id, id),
    UNIQUE KEY uq_fx_rates_pair_date (tenant_id, base_currency, quote_currency, rate_date),
    CONSTRAINT fk_fx_rates_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT ck_fx_rates_rate CHECK (rate > 0),
    CONSTRAINT ck_fx_rates_pair CHECK (base_currency <> quote_currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A region's rate, for one product category or (category NULL) for all others.
CREATE TABLE tax_rates (
    tenant_id BIGINT UNSIGNED NOT NULL,
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    region VARCHAR(64) NOT NULL,
    category VARCHAR(100) NULL,
    -- category with '' for "all", so the unique key sees one default per region and date
    category_key VARCHAR(100) AS (IFNULL(category, '')) STORED,
    -- a percent
    rate DECIMAL(9, 4) NOT NULL,
    effective_from DATE NOT NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    UNIQUE KEY uq_tax_rates_tenant_id (tenant_id, id),
    UNIQUE KEY uq_tax_rates (tenant_id, region, category_key, effective_from),
    CONSTRAINT fk_tax_rates_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT ck_tax_rates_rate CHECK (rate >= 0 AND rate <= 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
