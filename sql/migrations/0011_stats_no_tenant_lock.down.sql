ALTER TABLE stats_tickets_daily ADD CONSTRAINT fk_stats_tickets_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE stats_tickets_monthly ADD CONSTRAINT fk_stats_tickets_monthly_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE stats_equipment_region ADD CONSTRAINT fk_stats_eq_region_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE stats_equipment_warranty ADD CONSTRAINT fk_stats_eq_warranty_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE stats_equipment_sku ADD CONSTRAINT fk_stats_eq_sku_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE;
