/* Channels: routes to market (direct, distributor, dealer, online), run by an org or the tenant. */
#ifndef CATALOG_CHANNEL_H
#define CATALOG_CHANNEL_H

#include <stdint.h>

/*
 * Every char * returned here is static text or lives in the arena passed in; nothing needs
 * free(). Functions that reach the database return 0 or a DB_E* code of db/db.h.
 */
struct arena;
struct db;
struct db_res;

#define CHANNEL_NAME_MAX 200 /* bytes */

/* The channel types and statuses, NULL-terminated. */
extern const char *const channel_types[];
extern const char *const channel_statuses[];

/*
 * Pure rules (channel.c). Each returns NULL when the value is valid, else a lower-case
 * reason for problem+json `errors`; nothing is allocated.
 */
/* direct|distributor|dealer|online */
const char *channel_check_type(const char *type);
/* active|inactive */
const char *channel_check_status(const char *status);
/* 1..200 bytes, not blank, no control characters */
const char *channel_check_name(const char *name);

/*
 * For other modules (publishing, listings): channel id of the tenant as one row of the
 * CHANNEL_COL_* columns in *out, or no row when there is none.
 */
int channel_find(struct db *db, struct arena *ar, int64_t tenant_id, int64_t id,
                 struct db_res *out);

/*
 * The demo seed: the channel named name (org_id 0: the tenant's own), made unless it
 * exists; *id gets its id either way.
 */
int channel_seed(struct db *db, struct arena *ar, int64_t tenant_id, const char *name,
                 const char *type, int64_t org_id, int64_t *id);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_CHANNEL_LIST, Q_CHANNEL_GET, Q_CHANNEL_GET_FOR_UPDATE,
    Q_CHANNEL_INSERT, Q_CHANNEL_UPDATE, Q_CHANNEL_SEED;
#define CHANNEL_QUERIES                                                                            \
    &Q_CHANNEL_LIST, &Q_CHANNEL_GET, &Q_CHANNEL_GET_FOR_UPDATE, &Q_CHANNEL_INSERT,                 \
        &Q_CHANNEL_UPDATE, &Q_CHANNEL_SEED

/*
 * The columns every channel query returns, in order: id L, name, type, org_id L (NULL: the
 * tenant's own), status, version L, created_at, updated_at (RFC 3339 UTC with milliseconds).
 */
enum {
    CHANNEL_COL_ID,
    CHANNEL_COL_NAME,
    CHANNEL_COL_TYPE,
    CHANNEL_COL_ORG,
    CHANNEL_COL_STATUS,
    CHANNEL_COL_VERSION,
    CHANNEL_COL_CREATED_AT,
    CHANNEL_COL_UPDATED_AT,
};

#endif
