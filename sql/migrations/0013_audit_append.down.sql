DROP PROCEDURE audit_commit;
DROP PROCEDURE audit_append;
