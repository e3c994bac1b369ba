ALTER TABLE tenants
    ADD COLUMN audit_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN audit_head CHAR(64) NULL;
UPDATE tenants t JOIN audit_heads h ON h.tenant_id = t.id SET t.audit_seq = h.seq, t.audit_head = h.head;
DROP TRIGGER tenants_audit_head;
DROP PROCEDURE audit_append;

-- 0013's link
CREATE PROCEDURE audit_append(IN p_tenant BIGINT UNSIGNED, IN p_actor BIGINT UNSIGNED,
    IN p_org BIGINT UNSIGNED, IN p_action VARCHAR(64), IN p_entity VARCHAR(64),
    IN p_entity_id BIGINT UNSIGNED, IN p_before LONGTEXT, IN p_after LONGTEXT,
    IN p_request_id VARCHAR(64), IN p_ip VARCHAR(64), IN p_at VARCHAR(32))
BEGIN
    DECLARE v_seq BIGINT UNSIGNED;
    DECLARE v_prev, v_hash CHAR(64);

    SELECT audit_seq + 1, COALESCE(NULLIF(audit_head, ''), REPEAT('0', 64)) INTO v_seq, v_prev
    FROM tenants WHERE id = p_tenant FOR UPDATE;
    IF v_seq IS NULL THEN
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
    UPDATE tenants SET audit_seq = v_seq, audit_head = v_hash WHERE id = p_tenant;
END;

DROP TABLE audit_heads;
