-- The service dashboards read the tickets an organization answers for that are open (no
-- resolved_at) or were resolved in a window: two ranges of this key, whatever the history.
ALTER TABLE tickets ADD KEY ix_tickets_resp_resolved (tenant_id, responsible_org_id, resolved_at);
