-- Tenants: the root of every scoped row. Identity, settings and flags extend it later.
CREATE TABLE tenants (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    slug VARCHAR(63) NOT NULL,
    name VARCHAR(200) NOT NULL,
    country_code CHAR(2) NOT NULL,
    status ENUM('active', 'suspended') NOT NULL DEFAULT 'active',
    version INT UNSIGNED NOT NULL DEFAULT 1,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
    UNIQUE KEY uq_tenants_slug (slug),
    CONSTRAINT ck_tenants_slug CHECK (slug REGEXP '^[a-z0-9][a-z0-9-]*$'),
    CONSTRAINT ck_tenants_country CHECK (country_code REGEXP '^[A-Z]{2}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
