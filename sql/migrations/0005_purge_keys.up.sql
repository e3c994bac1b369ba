-- trellis purge removes expired tokens tenant by tenant, oldest first.
ALTER TABLE refresh_tokens ADD KEY ix_refresh_expires (tenant_id, expires_at);
ALTER TABLE user_tokens ADD KEY ix_user_tokens_expires (tenant_id, expires_at);
ALTER TABLE idempotency_keys ADD KEY ix_idem_tenant_created (tenant_id, created_at);
