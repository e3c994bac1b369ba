ALTER TABLE audit_log DROP KEY ix_audit_at;
