UPDATE users SET role = 'viewer' WHERE role IS NULL;

ALTER TABLE users MODIFY role ENUM('super_admin', 'tenant_admin', 'org_admin', 'ops_manager',
    'branch_manager', 'engineer', 'agent', 'viewer') NOT NULL DEFAULT 'viewer';
