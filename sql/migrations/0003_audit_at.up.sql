-- The dashboards count a tenant's audit rows by time (last 24 h, 7 days, per day).
ALTER TABLE audit_log ADD KEY ix_audit_at (tenant_id, at);
