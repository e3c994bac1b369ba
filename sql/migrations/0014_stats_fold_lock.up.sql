-- One fold of a tenant at a time. Two folds of one tenant could deadlock (0012): fold A's
-- claim passes over a write that has not committed; the write commits; fold B claims its
-- rows, then waits for A's claimed rows; A's DELETE, which reads the tenant's whole range,
-- then waits for B's. stats_fold_locked() runs stats_fold() under a named lock per database
-- and tenant, so a second fold waits at the lock, then claims what the first left. p_wait is
-- how many seconds it may wait: 0 after a write (another fold is already folding; what it
-- left waits for the next one), longer before a read, which must see every committed write.
-- A read that waits in vain gets error 1205, as for a lock wait timeout: retry. The named
-- lock is the connection's, so it is released however the connection ends.
CREATE PROCEDURE stats_fold_locked(IN p_tenant BIGINT UNSIGNED, IN p_wait INT)
BEGIN
    DECLARE v_lock VARCHAR(64) DEFAULT CONCAT(LEFT(DATABASE(), 30), '.stats_fold.', p_tenant);
    DECLARE EXIT HANDLER FOR SQLEXCEPTION
    BEGIN
        DO RELEASE_LOCK(v_lock);
        RESIGNAL;
    END;

    IF GET_LOCK(v_lock, p_wait) THEN
        CALL stats_fold(p_tenant);
        DO RELEASE_LOCK(v_lock);
    ELSEIF p_wait > 0 THEN
        SIGNAL SQLSTATE 'HY000' SET MYSQL_ERRNO = 1205,
            MESSAGE_TEXT = 'stats_fold_locked: another fold of the tenant is still running';
    END IF;
END;
