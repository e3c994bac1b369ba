/* Identity's SQL: tenants, users, memberships and refresh tokens. */
#include "identity/identity.h"

#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/arena.h"
#include "core/secret.h"
#include "core/sb.h"
#include "db/db.h"

const struct db_query Q_TENANT_BY_SLUG = {
    "identity.tenant_by_slug",
    "SELECT id, status, lockout_threshold, lockout_minutes FROM tenants WHERE slug = ?",
    "s",
    "LsLL",
    DBQ_GLOBAL,
};

const struct db_query Q_TENANT_GET = {
    "identity.tenant_get",
    "SELECT id, slug, name, country_code, status, flags FROM tenants WHERE id = ?",
    "L",
    "Lsssss",
    DBQ_GLOBAL,
};

const struct db_query Q_TENANT_INSERT = {
    "identity.tenant_insert",
    "INSERT INTO tenants (slug, name, country_code) VALUES (?, ?, ?)",
    "sss",
    "",
    DBQ_GLOBAL,
};

const struct db_query Q_USER_BY_EMAIL = {
    "identity.user_by_email",
    "SELECT id, password_hash, COALESCE(role, ''), status, IF(locked_until > NOW(3), 1, 0) "
    "FROM users WHERE tenant_id = ? AND email = ?",
    "Ls",
    "LsssL",
    DBQ_TENANT,
};

const struct db_query Q_USER_GET = {
    "identity.user_get",
    "SELECT id, email, role, status FROM users WHERE tenant_id = ? AND id = ?",
    "LL",
    "Lsss",
    DBQ_TENANT,
};

const struct db_query Q_USER_INSERT = {
    "identity.user_insert",
    "INSERT INTO users (tenant_id, email, password_hash, role, status) VALUES (?, ?, ?, ?, ?)",
    "Lssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_USER_SET_PASSWORD = {
    "identity.user_set_password",
    "UPDATE users SET password_hash = ?, status = 'active', failed_attempts = 0, "
    "locked_until = NULL, version = version + 1 WHERE tenant_id = ? AND id = ?",
    "sLL",
    "",
    DBQ_TENANT,
};

/* locked_until first: MariaDB assigns left to right, and it reads the old count */
const struct db_query Q_USER_LOGIN_FAILED = {
    "identity.user_login_failed",
    "UPDATE users SET locked_until = IF(failed_attempts + 1 >= ?, "
    "NOW(3) + INTERVAL ? MINUTE, locked_until), "
    "failed_attempts = IF(failed_attempts + 1 >= ?, 0, failed_attempts + 1) "
    "WHERE tenant_id = ? AND id = ?",
    "iiiLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_USER_LOGIN_OK = {
    "identity.user_login_ok",
    "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_login_at = NOW(3) "
    "WHERE tenant_id = ? AND id = ?",
    "LL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_MEMBERSHIPS_OF_USER = {
    "identity.memberships_of_user",
    "SELECT m.org_id, o.type, m.role, o.name, COALESCE(m.branch_id, 0) FROM memberships m "
    "JOIN organizations o ON o.tenant_id = m.tenant_id AND o.id = m.org_id "
    "WHERE m.tenant_id = ? AND m.user_id = ? ORDER BY m.org_id",
    "LL",
    "LsssL",
    DBQ_TENANT,
};

/* One round trip per authenticated request: user, tenant and the token's membership. */
const struct db_query Q_PRINCIPAL = {
    "identity.principal",
    "SELECT u.status, COALESCE(u.role, ''), t.status, t.flags, m.role, o.type, u.email, t.slug, "
    "t.name, o.name "
    "FROM users u JOIN tenants t ON t.id = u.tenant_id "
    "LEFT JOIN memberships m ON m.tenant_id = u.tenant_id AND m.user_id = u.id AND m.org_id = ? "
    "LEFT JOIN organizations o ON o.tenant_id = m.tenant_id AND o.id = m.org_id "
    "WHERE u.tenant_id = ? AND u.id = ?",
    "NLL",
    "ssssssssss",
    DBQ_TENANT,
};

const struct db_query Q_REFRESH_INSERT = {
    "identity.refresh_insert",
    "INSERT INTO refresh_tokens (tenant_id, user_id, family, token_hash, org_id, expires_at) "
    "VALUES (?, ?, ?, ?, ?, NOW(3) + INTERVAL ? SECOND)",
    "LLssNL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_REFRESH_BY_HASH = {
    "identity.refresh_by_hash",
    "SELECT id, user_id, family, COALESCE(org_id, 0), "
    "IF(used_at IS NULL AND revoked_at IS NULL, 0, 1), IF(expires_at > NOW(3), 0, 1) "
    "FROM refresh_tokens WHERE tenant_id = ? AND token_hash = ?",
    "Ls",
    "LLsLLL",
    DBQ_TENANT,
};

const struct db_query Q_REFRESH_USE = {
    "identity.refresh_use",
    "UPDATE refresh_tokens SET used_at = NOW(3) "
    "WHERE tenant_id = ? AND id = ? AND used_at IS NULL AND revoked_at IS NULL",
    "LL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_REFRESH_REVOKE_FAMILY = {
    "identity.refresh_revoke_family",
    "UPDATE refresh_tokens SET revoked_at = NOW(3) "
    "WHERE tenant_id = ? AND family = ? AND revoked_at IS NULL",
    "Ls",
    "",
    DBQ_TENANT,
};

int64_t identity_create_superadmin(struct db *db, struct arena *ar, const char *email,
                                   const char *password, int replace)
{
    char hash[SECRET_HASH_MAX];
    struct db_res t, u, ins;
    struct audit_entry e = {0};
    struct sb after;
    int64_t tid, uid;
    int rc;

    if (secret_hash_password(password, hash) != 0)
        return DB_ERR;
    rc = db_begin(db);
    if (rc)
        return rc;
    rc = db_exec(db, ar, &Q_TENANT_BY_SLUG, 0, &t, IDENTITY_PLATFORM);
    if (rc || t.nrows != 1) {
        rc = rc ? rc : DB_ENOTFOUND;
        goto fail;
    }
    tid = db_at(&t, 0, 0)->i;
    rc = db_exec(db, ar, &Q_USER_BY_EMAIL, tid, &u, email);
    if (rc)
        goto fail;
    if (u.nrows && !replace) {
        rc = DB_EDUP;
        goto fail;
    }
    if (u.nrows) {
        uid = db_at(&u, 0, 0)->i;
        rc = db_exec(db, ar, &Q_USER_SET_PASSWORD, tid, NULL, hash, (long long)uid);
        e.action = "user.password_set";
    } else {
        rc = db_exec(db, ar, &Q_USER_INSERT, tid, &ins, email, hash, "super_admin", "active");
        uid = (int64_t)ins.insert_id;
        e.action = "user.create";
    }
    if (rc)
        goto fail;
    sb_init(&after, ar);
    sb_adds(&after, "{\"email\":");
    sb_add_json_str(&after, email, strlen(email));
    sb_adds(&after, ",\"role\":\"super_admin\",\"via\":\"cli\"}");
    e.tenant_id = tid;
    e.entity = "user";
    e.entity_id = uid;
    e.after = after.buf;
    rc = audit_commit(db, ar, &e, u.nrows ? "user.updated" : "user.created", after.buf);
    if (rc)
        goto fail;
    return uid;
fail:
    db_rollback(db);
    return rc;
}

const struct db_query Q_USERS_LIST = {
    "identity.users_list",
    "SELECT u.id, u.email, u.role, u.status, u.version FROM users u "
    "WHERE u.tenant_id = ? AND u.id > ? AND (? = '' OR u.status = ?) "
    "AND (? = '' OR u.email LIKE CONCAT('%', ?, '%')) "
    "AND (? = 0 OR EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = u.tenant_id "
    "AND m.user_id = u.id AND m.org_id = ?)) ORDER BY u.id LIMIT ?",
    "LLssssLLi",
    "LsssL",
    DBQ_TENANT,
};

const struct db_query Q_USER_DETAIL = {
    "identity.user_detail",
    "SELECT id, email, role, status, version, "
    "DATE_FORMAT(last_login_at, '%Y-%m-%dT%H:%i:%sZ'), "
    "DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%sZ'), IF(locked_until > NOW(3), 1, 0) "
    "FROM users WHERE tenant_id = ? AND id = ?",
    "LL",
    "LsssLssL",
    DBQ_TENANT,
};

const struct db_query Q_USER_UPDATE = {
    "identity.user_update",
    "UPDATE users SET role = ?, status = ?, version = version + 1 "
    "WHERE tenant_id = ? AND id = ? AND version = ?",
    "ssLLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_USER_UNLOCK = {
    "identity.user_unlock",
    "UPDATE users SET failed_attempts = 0, locked_until = NULL, version = version + 1 "
    "WHERE tenant_id = ? AND id = ?",
    "LL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_MEMBERSHIP_INSERT = {
    "identity.membership_insert",
    "INSERT INTO memberships (tenant_id, user_id, org_id, role, branch_id) VALUES (?, ?, ?, ?, ?)",
    "LLLsN",
    "",
    DBQ_TENANT,
};

const struct db_query Q_MEMBERSHIP_DELETE = {
    "identity.membership_delete",
    "DELETE FROM memberships WHERE tenant_id = ? AND user_id = ? AND org_id = ?",
    "LLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_USER_TOKEN_INSERT = {
    "identity.user_token_insert",
    "INSERT INTO user_tokens (tenant_id, user_id, kind, token_hash, expires_at) "
    "VALUES (?, ?, ?, ?, NOW(3) + INTERVAL ? SECOND)",
    "LLssL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_USER_TOKEN_GET = {
    "identity.user_token_get",
    "SELECT t.id, t.user_id, IF(t.used_at IS NULL AND t.expires_at > NOW(3), 1, 0), u.email "
    "FROM user_tokens t JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id "
    "WHERE t.tenant_id = ? AND t.token_hash = ? AND t.kind = ?",
    "Lss",
    "LLLs",
    DBQ_TENANT,
};

const struct db_query Q_USER_TOKEN_USE = {
    "identity.user_token_use",
    "UPDATE user_tokens SET used_at = NOW(3) WHERE tenant_id = ? AND id = ? AND used_at IS NULL",
    "LL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_REFRESH_REVOKE_USER = {
    "identity.refresh_revoke_user",
    "UPDATE refresh_tokens SET revoked_at = NOW(3) "
    "WHERE tenant_id = ? AND user_id = ? AND revoked_at IS NULL",
    "LL",
    "",
    DBQ_TENANT,
};
