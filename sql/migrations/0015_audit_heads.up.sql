-- The audit chain's head moves from the tenant's row to a row of its own. Every audited
-- write locked the tenant's row for update at its audit link (0013: audit_append), and most
-- had share-locked it before: an insert into equipment, users, organizations… checks its
-- foreign key to tenants with a share lock. Two such writes of one tenant at once each held
-- the share and waited for the other's to take the lock for update: a deadlock, and a 503.
-- Now the link share-locks the tenant's row, then locks the head's row for update: the share
-- locks of concurrent writes agree, and they queue on the head alone. The tenant's row stays
-- first in the order, as a write that updates it (tenant settings) locks it before it
-- appends its link; the outbox's share lock after the link is the one already held.
CREATE TABLE audit_heads (
    tenant_id BIGINT UNSIGNED NOT NULL,
    seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
    head CHAR(64) NULL,
    PRIMARY KEY (tenant_id),
    CONSTRAINT fk_audit_heads_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO audit_heads (tenant_id, seq, head) SELECT id, audit_seq, audit_head FROM tenants;

-- every tenant has its head from its first moment
CREATE TRIGGER tenants_audit_head AFTER INSERT ON tenants FOR EACH ROW
    INSERT INTO audit_heads (tenant_id) VALUES (NEW.id);

ALTER TABLE tenants DROP COLUMN audit_seq, DROP COLUMN audit_head;

DROP PROCEDURE audit_append;

-- 0013's link, hashed the same way, with the head in audit_heads.
CREATE PROCEDURE audit_append(IN p_tenant BIGINT UNSIGNED, IN p_actor BIGINT UNSIGNED,
    IN p_org BIGINT UNSIGNED, IN p_action VARCHAR(64), IN p_entity VARCHAR(64),
    IN p_entity_id BIGINT UNSIGNED, IN p_before LONGTEXT, IN p_after LONGTEXT,
    IN p_request_id VARCHAR(64), IN p_ip VARCHAR(64), IN p_at VARCHAR(32))
BEGIN
    DECLARE v_tenant BIGINT UNSIGNED;
    DECLARE v_seq BIGINT UNSIGNED;
    DECLARE v_prev, v_hash CHAR(64);

    SELECT id INTO v_tenant FROM tenants WHERE id = p_tenant LOCK IN SHARE MODE;
    SELECT seq + 1, COALESCE(NULLIF(head, ''), REPEAT('0', 64)) INTO v_seq, v_prev
    FROM audit_heads WHERE tenant_id = p_tenant FOR UPDATE;
    IF v_tenant IS NULL OR v_seq IS NULL THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_append: no such tenant';
    END IF;
    SET v_hash = SHA2(CONCAT(
        LENGTH(v_prev), ':', v_prev, ';',
        p_tenant, ';', v_seq, ';', p_actor, ';', p_org, ';',
        LENGTH(p_action), ':', p_action, ';',
        LENGTH(p_entity), ':', p_entity, ';',
        p_entity_id, ';',
        IF(p_before IS NULL, '-;', CONCAT(LENGTH(p_before), ':', p_before, ';')),
        IF(p_after IS NULL, '-;', CONCAT(LENGTH(p_after), ':', p_after, ';')),
        LENGTH(p_request_id), ':', p_request_id, ';',
        LENGTH(p_ip), ':', p_ip, ';',
        LENGTH(p_at), ':', p_at, ';'), 256);
    INSERT INTO audit_log (tenant_id, seq, actor_id, org_id, action, entity, entity_id,
        before_json, after_json, request_id, ip, at, prev_hash, hash)
    VALUES (p_tenant, v_seq, NULLIF(p_actor, 0), NULLIF(p_org, 0), p_action, p_entity,
        NULLIF(p_entity_id, 0), p_before, p_after, p_request_id, p_ip, p_at, v_prev, v_hash);
    UPDATE audit_heads SET seq = v_seq, head = v_hash WHERE tenant_id = p_tenant;
END;
