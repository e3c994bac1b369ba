/* Identity: tenants, users, memberships, sessions (login, refresh, logout). */
#ifndef IDENTITY_IDENTITY_H
#define IDENTITY_IDENTITY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct arena;
struct db;

/* Pure rules (identity.c): each returns NULL when valid, else a lower-case reason. */
const char *identity_check_email(const char *email);
const char *identity_check_password(const char *password);
const char *identity_check_slug(const char *slug);
const char *identity_check_country(const char *code);

/* Refresh tokens carry their tenant: "<tenant id>.<43 random chars>". Returns 0 or -1. */
int identity_split_token(const char *token, int64_t *tenant_id, const char **secret);

/* How long invitation and password-reset tokens stay good, in seconds. */
#define IDENTITY_INVITE_TTL (7L * 24 * 3600)
#define IDENTITY_RESET_TTL  3600

/* Membership roles (no tenant-wide ones), NULL-terminated; 1 when role is one. */
extern const char *const identity_member_roles[];
int identity_is_member_role(const char *role);

/* The platform tenant, home of the super admins. */
#define IDENTITY_PLATFORM "platform"

/*
 * Creates (or, with replace, resets the password of) a super admin of the platform
 * tenant, with its audit row and event, in one transaction. Returns the user id (> 0)
 * or a DB_E* code.
 */
int64_t identity_create_superadmin(struct db *db, struct arena *ar, const char *email,
                                   const char *password, int replace);

/*
 * Creates or refreshes the demo tenant (every feature on), one organization of each
 * type from seed 000's examples and a login for each plus a tenant admin, all with
 * new random passwords, and prints them to out as a JSON array. Returns 0 or DB_E*.
 */
int identity_seed_demo(struct db *db, struct arena *ar, FILE *out);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_TENANT_BY_SLUG, Q_TENANT_GET, Q_TENANT_INSERT, Q_USER_BY_EMAIL,
    Q_USER_GET, Q_USER_INSERT, Q_USER_SET_PASSWORD, Q_USER_LOGIN_FAILED, Q_USER_LOGIN_OK,
    Q_MEMBERSHIPS_OF_USER, Q_PRINCIPAL, Q_REFRESH_INSERT, Q_REFRESH_BY_HASH, Q_REFRESH_USE,
    Q_REFRESH_REVOKE_FAMILY, Q_USERS_LIST, Q_USER_DETAIL, Q_USER_UPDATE, Q_USER_UNLOCK,
    Q_MEMBERSHIP_INSERT, Q_MEMBERSHIP_DELETE, Q_USER_TOKEN_INSERT, Q_USER_TOKEN_GET,
    Q_USER_TOKEN_USE, Q_REFRESH_REVOKE_USER, Q_DEMO_TENANT, Q_DEMO_ORG, Q_DEMO_USER,
    Q_DEMO_MEMBERSHIP;
#define IDENTITY_QUERIES                                                                           \
    &Q_TENANT_BY_SLUG, &Q_TENANT_GET, &Q_TENANT_INSERT, &Q_USER_BY_EMAIL, &Q_USER_GET,             \
        &Q_USER_INSERT, &Q_USER_SET_PASSWORD, &Q_USER_LOGIN_FAILED, &Q_USER_LOGIN_OK,              \
        &Q_MEMBERSHIPS_OF_USER, &Q_PRINCIPAL, &Q_REFRESH_INSERT, &Q_REFRESH_BY_HASH,               \
        &Q_REFRESH_USE, &Q_REFRESH_REVOKE_FAMILY, &Q_USERS_LIST, &Q_USER_DETAIL, &Q_USER_UPDATE,   \
        &Q_USER_UNLOCK, &Q_MEMBERSHIP_INSERT, &Q_MEMBERSHIP_DELETE, &Q_USER_TOKEN_INSERT,          \
        &Q_USER_TOKEN_GET, &Q_USER_TOKEN_USE, &Q_REFRESH_REVOKE_USER, &Q_DEMO_TENANT, &Q_DEMO_ORG, \
        &Q_DEMO_USER, &Q_DEMO_MEMBERSHIP

#endif
