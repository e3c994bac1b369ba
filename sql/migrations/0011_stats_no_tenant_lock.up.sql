-- The rollups lose their foreign key to tenants. Checking it took a shared lock on the
-- tenant's row in every ticket or equipment write (the triggers insert rollup rows), and the
-- audit record of the same write then asks for that row FOR UPDATE (the head of the audit
-- chain): two writes of one tenant at once each held the shared lock and waited for the
-- other's, a deadlock. Rollup rows are only written by the triggers and stats_rebuild() for
-- rows of an existing tenant; whoever removes a tenant removes its rollups too.
ALTER TABLE stats_tickets_daily DROP FOREIGN KEY fk_stats_tickets_tenant;
ALTER TABLE stats_tickets_monthly DROP FOREIGN KEY fk_stats_tickets_monthly_tenant;
ALTER TABLE stats_equipment_region DROP FOREIGN KEY fk_stats_eq_region_tenant;
ALTER TABLE stats_equipment_warranty DROP FOREIGN KEY fk_stats_eq_warranty_tenant;
ALTER TABLE stats_equipment_sku DROP FOREIGN KEY fk_stats_eq_sku_tenant;
