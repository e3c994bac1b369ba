DROP TABLE outbox_events;
DROP TABLE audit_log;
DROP TABLE idempotency_keys;
DROP TABLE user_tokens;
DROP TABLE refresh_tokens;
DROP TABLE memberships;
DROP TABLE organizations;
DROP TABLE users;
DELETE FROM tenants WHERE slug = 'platform';
ALTER TABLE tenants
    DROP COLUMN timezone, DROP COLUMN locale, DROP COLUMN currency, DROP COLUMN rounding,
    DROP COLUMN lockout_threshold, DROP COLUMN lockout_minutes, DROP COLUMN flags,
    DROP COLUMN audit_seq, DROP COLUMN audit_head;
