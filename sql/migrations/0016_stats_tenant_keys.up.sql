-- The rollups and the pending rows get their foreign key to tenants back (0011 and 0012 went
-- without one). Checking it share-locks the tenant's row, and the audit link locked that
-- row for update, so two writes of one tenant at once deadlocked. Since 0015 the link
-- share-locks the tenant's row too and takes its update lock on audit_heads: share locks
-- agree, and every writer takes the tenant's row before the head. A removed tenant now takes
-- its rollups and pending rows with it, and no rollup row names a tenant that is not there.
-- Rows left by a tenant removed meanwhile go first, or the keys could not be added.
DELETE s FROM stats_tickets_daily s LEFT JOIN tenants t ON t.id = s.tenant_id WHERE t.id IS NULL;
DELETE s FROM stats_tickets_monthly s LEFT JOIN tenants t ON t.id = s.tenant_id WHERE t.id IS NULL;
DELETE s FROM stats_equipment_region s LEFT JOIN tenants t ON t.id = s.tenant_id WHERE t.id IS NULL;
DELETE s FROM stats_equipment_warranty s LEFT JOIN tenants t ON t.id = s.tenant_id WHERE t.id IS NULL;
DELETE s FROM stats_equipment_sku s LEFT JOIN tenants t ON t.id = s.tenant_id WHERE t.id IS NULL;
DELETE s FROM stats_pending s LEFT JOIN tenants t ON t.id = s.tenant_id WHERE t.id IS NULL;

ALTER TABLE stats_tickets_daily ADD CONSTRAINT fk_stats_tickets_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE stats_tickets_monthly ADD CONSTRAINT fk_stats_tickets_monthly_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE stats_equipment_region ADD CONSTRAINT fk_stats_eq_region_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE stats_equipment_warranty ADD CONSTRAINT fk_stats_eq_warranty_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE stats_equipment_sku ADD CONSTRAINT fk_stats_eq_sku_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE stats_pending ADD CONSTRAINT fk_stats_pending_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
