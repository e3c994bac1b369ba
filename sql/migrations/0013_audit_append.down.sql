DROP PROCEDURE audit_append;
