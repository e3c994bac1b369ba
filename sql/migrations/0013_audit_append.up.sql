-- A link of the audit chain in one call instead of three statements (lock the head, insert,
-- move the head), and a write's last call (audit_commit: the link, the event, the commit):
-- every audited write saves round trips, and the tenant's head, which holds the tenant's
-- other writes until the commit, is no longer held while the client answers the server. The hash is
-- audit_hash() of src/audit/audit.c, byte for byte: each text field as its length in bytes,
-- ':', the bytes and ';' ('-;' when NULL), each number in decimal and ';', in the same order.
-- trellis audit verify recomputes it in C.
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

-- The last call of a write: its audit link, its outbox event (none when p_event is NULL) and
-- the commit, so the tenant's head, locked by the link, is held for no round trip at all. The
-- event comes after the link: its foreign key share-locks the tenant's row, which the link
-- then could not lock for update while another write held the same share (a deadlock).
CREATE PROCEDURE audit_commit(IN p_tenant BIGINT UNSIGNED, IN p_actor BIGINT UNSIGNED,
    IN p_org BIGINT UNSIGNED, IN p_action VARCHAR(64), IN p_entity VARCHAR(64),
    IN p_entity_id BIGINT UNSIGNED, IN p_before LONGTEXT, IN p_after LONGTEXT,
    IN p_request_id VARCHAR(64), IN p_ip VARCHAR(64), IN p_at VARCHAR(32),
    IN p_event VARCHAR(64), IN p_payload LONGTEXT)
BEGIN
    CALL audit_append(p_tenant, p_actor, p_org, p_action, p_entity, p_entity_id, p_before,
        p_after, p_request_id, p_ip, p_at);
    IF p_event IS NOT NULL THEN
        INSERT INTO outbox_events (tenant_id, event_type, entity, entity_id, payload, request_id)
        VALUES (p_tenant, p_event, p_entity, NULLIF(p_entity_id, 0), p_payload, p_request_id);
    END IF;
    COMMIT;
END;
