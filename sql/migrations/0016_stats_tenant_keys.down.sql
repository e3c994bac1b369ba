ALTER TABLE stats_pending DROP FOREIGN KEY fk_stats_pending_tenant;
ALTER TABLE stats_equipment_sku DROP FOREIGN KEY fk_stats_eq_sku_tenant;
ALTER TABLE stats_equipment_warranty DROP FOREIGN KEY fk_stats_eq_warranty_tenant;
ALTER TABLE stats_equipment_region DROP FOREIGN KEY fk_stats_eq_region_tenant;
ALTER TABLE stats_tickets_monthly DROP FOREIGN KEY fk_stats_tickets_monthly_tenant;
ALTER TABLE stats_tickets_daily DROP FOREIGN KEY fk_stats_tickets_tenant;
