/* The data layer: one MariaDB connection per worker, registered prepared queries, transactions. */
#ifndef DB_DB_H
#define DB_DB_H

#include <stddef.h>
#include <stdint.h>

/*
 * Nothing above db/ includes mysql.h. Every statement is a registered
 * descriptor (db/queries.c), prepared when the connection opens, so a typo
 * fails start-up. Results are copied into the arena passed in. Errors are
 * negative DB_E* codes; zero is success.
 */
struct arena;
struct config;
struct db;

enum {
    DB_OK = 0,
    DB_EUNAVAIL = -1,  /* no connection (down, lost): answer 503 */
    DB_ENOTFOUND = -2, /* db_get_one: no row */
    DB_EDUP = -3,      /* duplicate key */
    DB_EFK = -4,       /* foreign key violated */
    DB_EDEADLOCK = -5, /* deadlock or lock wait timeout: retry the transaction */
    DB_ECHECK = -6,    /* CHECK constraint or data out of range */
    DB_EBUG = -7,      /* misuse: wrong arity, unregistered query */
    DB_ERR = -8,       /* anything else */
};

/* The last instant a TIMESTAMP(3) column holds (2038-01-19T03:14:07.999Z): the schema's times
   are TIMESTAMPs, so nothing later can be written. */
#define DB_TIME_MAX_MS 2147483647999LL

enum {
    DBQ_TENANT = 1 << 0, /* the context's tenant is bound by the helper (db_tenant_param) */
    DBQ_GLOBAL = 1 << 1, /* deliberately not tenant-scoped (tenants, migrations, health) */
};

struct db_query {
    const char *name; /* "catalog.sku_get" */
    const char *sql;
    const char *params; /* one letter per '?': L int64, N int64 (0 binds NULL), i int,
                           s string (NULL binds NULL) */
    const char *cols;   /* one letter per result column: L int64, s string; "" for none */
    unsigned flags;
};

struct db_val {
    const char *s; /* NUL-terminated text form (arena); NULL when SQL NULL */
    size_t len;
    long long i; /* for 'L' columns */
    int null;
};

struct db_res {
    int nrows, ncols;
    struct db_val *v; /* row-major: v[row * ncols + col] */
    unsigned long long affected;
    unsigned long long insert_id;
};

static inline const struct db_val *db_at(const struct db_res *res, int row, int col)
{
    return &res->v[row * res->ncols + col];
}

struct db *db_new(const struct config *cfg);
void db_free(struct db *db);
/* Connects (closing any previous connection). Statements are prepared on first use and
 * cached until the connection is lost. Returns 0 or DB_EUNAVAIL (message in db_errmsg). */
int db_connect(struct db *db);
/* Reconnects when the connection was lost, at most every 200 ms. Returns 0 or DB_EUNAVAIL. */
int db_ensure(struct db *db);
int db_ping(struct db *db);
/* Prepares every registered query now (start-up check). Returns 0, DB_EUNAVAIL or DB_EBUG. */
int db_prepare_all(struct db *db);
int db_connected(const struct db *db);
const char *db_errmsg(const struct db *db);
/* Count of failed statements since start (for /metrics). */
unsigned long db_error_count(const struct db *db);
/*
 * Counts since start: deadlocks (the server rolled back the transaction), and what may have
 * changed data for good: commits, and statements but SELECTs outside a transaction. A
 * request that met a deadlock and wrote nothing meanwhile may be run again.
 */
unsigned long db_deadlock_count(const struct db *db);
unsigned long db_write_count(const struct db *db);

/*
 * Which '?' of a DBQ_TENANT query takes the tenant: the one of its first
 * "tenant_id = ?", or for "INSERT INTO t (tenant_id, ..." the first. -1 when
 * neither is there (a unit test fails such a query).
 */
int db_tenant_param(const char *sql);

/*
 * Runs q with the variadic arguments in the order of q->params, leaving out the
 * tenant's '?' of a DBQ_TENANT query: the helper binds tenant_id there itself.
 * res may be NULL for statements without rows.
 */
int db_exec(struct db *db, struct arena *ar, const struct db_query *q, int64_t tenant_id,
            struct db_res *res, ...);

int db_begin(struct db *db);
int db_commit(struct db *db);
/* The open transaction was committed by a procedure (CALL ... COMMIT): no longer in one. */
void db_committed(struct db *db);
/* 1 while a transaction db_begin() opened is neither committed nor rolled back. */
int db_in_tx(const struct db *db);
int db_rollback(struct db *db);

/* Runs a whole SQL script (several statements): migrations only, never user input. */
int db_run_script(struct db *db, const char *sql, size_t len);

#endif
