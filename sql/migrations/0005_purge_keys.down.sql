ALTER TABLE idempotency_keys DROP KEY ix_idem_tenant_created;
ALTER TABLE user_tokens DROP KEY ix_user_tokens_expires;
ALTER TABLE refresh_tokens DROP KEY ix_refresh_expires;
