-- A user made for an organization no longer gets a tenant-wide role. POST /v1/users with
-- org_id stored 'viewer' in users.role, and a token without an organization (a user of
-- several organizations before switch-org, or after switch-org to null) carries the
-- tenant-wide role: every member of every organization could read the whole tenant's
-- tickets, equipment, engineers and statistics. NULL is no tenant-wide role: such a token
-- may read /v1/me and pick an organization, nothing else. The members stored with 'viewer'
-- lose it; a tenant admin gives a tenant-wide role back with PATCH /v1/users/{id}.
ALTER TABLE users MODIFY role ENUM('super_admin', 'tenant_admin', 'org_admin', 'ops_manager',
    'branch_manager', 'engineer', 'agent', 'viewer') NULL DEFAULT NULL;

UPDATE users u SET u.role = NULL, u.version = u.version + 1
WHERE u.role = 'viewer'
    AND EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = u.tenant_id AND m.user_id = u.id);
