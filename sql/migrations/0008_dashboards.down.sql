ALTER TABLE tickets DROP KEY ix_tickets_resp_resolved;
