/* MariaDB connection, statement cache over the query registry, result copying, transactions. */
#include "db/db.h"

#include <errno.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/log.h"
#include "db/queries.h"

#define RECONNECT_INTERVAL_MS 200
#define MAX_PARAMS            64

struct db {
    MYSQL *my;
    const struct config *cfg;
    MYSQL_STMT **stmts; /* by registry index, prepared on first use or by db_prepare_all */
    int connected;
    int in_tx;
    int64_t last_try_ms;
    unsigned long errors;
    unsigned long deadlocks; /* ER_LOCK_DEADLOCK: the server rolled the transaction back */
    unsigned long writes;    /* commits and statements run outside a transaction, but SELECTs */
    char err[512];
};

static int registry_index(const struct db_query *q)
{
    for (int i = 0; i < db_registry_count; i++)
        if (db_registry[i] == q)
            return i;
    return -1;
}

struct db *db_new(const struct config *cfg)
{
    struct db *db = calloc(1, sizeof(*db));

    if (!db)
        abort();
    db->cfg = cfg;
    db->stmts = calloc((size_t)db_registry_count + 1, sizeof(MYSQL_STMT *));
    if (!db->stmts)
        abort();
    return db;
}

static void disconnect(struct db *db)
{
    for (int i = 0; i < db_registry_count; i++) {
        if (db->stmts[i])
            mysql_stmt_close(db->stmts[i]);
        db->stmts[i] = NULL;
    }
    if (db->my)
        mysql_close(db->my);
    db->my = NULL;
    db->connected = 0;
    db->in_tx = 0;
}

void db_free(struct db *db)
{
    if (!db)
        return;
    disconnect(db);
    free(db->stmts);
    free(db);
}

static int is_conn_error(unsigned e)
{
    return e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST || e == CR_CONNECTION_ERROR ||
           e == CR_CONN_HOST_ERROR || e == ER_CONNECTION_KILLED || e == CR_SERVER_LOST_EXTENDED ||
           e == 4031 /* disconnected by the server for inactivity */ || e == ER_SERVER_SHUTDOWN;
}

/* Maps a MySQL error number to DB_E*, noting a lost connection. */
static int map_error(struct db *db, unsigned e, const char *msg, const char *what)
{
    db->errors++;
    if (e == ER_LOCK_DEADLOCK)
        db->deadlocks++;
    snprintf(db->err, sizeof(db->err), "%s: %u %s", what, e, msg);
    if (is_conn_error(e)) {
        disconnect(db);
        return DB_EUNAVAIL;
    }
    switch (e) {
    case ER_DUP_ENTRY:
    case ER_DUP_KEY:
        return DB_EDUP;
    case ER_NO_REFERENCED_ROW:
    case ER_NO_REFERENCED_ROW_2:
    case ER_ROW_IS_REFERENCED:
    case ER_ROW_IS_REFERENCED_2:
        return DB_EFK;
    case ER_LOCK_DEADLOCK:
    case ER_LOCK_WAIT_TIMEOUT:
        return DB_EDEADLOCK;
    case ER_WARN_DATA_OUT_OF_RANGE:
    case ER_DATA_TOO_LONG:
    case ER_TRUNCATED_WRONG_VALUE:
    case 4025: /* MariaDB ER_CONSTRAINT_FAILED */
    case 3819: /* MySQL ER_CHECK_CONSTRAINT_VIOLATED */
        return DB_ECHECK;
    default:
        return DB_ERR;
    }
}

int db_connect(struct db *db)
{
    const struct config *c = db->cfg;
    unsigned int timeout = 2, rw_timeout = 30;
    const char *socket = c->db_socket && c->db_socket[0] ? c->db_socket : NULL;

    disconnect(db);
    db->last_try_ms = clock_mono_ms();
    db->my = mysql_init(NULL);
    if (!db->my)
        abort();
    mysql_options(db->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    mysql_options(db->my, MYSQL_OPT_READ_TIMEOUT, &rw_timeout);
    mysql_options(db->my, MYSQL_OPT_WRITE_TIMEOUT, &rw_timeout);
    mysql_options(db->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    /* UTC and strict mode for every session, whatever the server's defaults */
    mysql_options(db->my, MYSQL_INIT_COMMAND,
                  "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
                  "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
    if (!mysql_real_connect(db->my, socket ? NULL : c->db_host, c->db_user, c->db_password,
                            c->db_name, socket ? 0 : (unsigned)c->db_port, socket, 0)) {
        db->errors++;
        snprintf(db->err, sizeof(db->err), "connect: %u %s", mysql_errno(db->my),
                 mysql_error(db->my));
        mysql_close(db->my);
        db->my = NULL;
        return DB_EUNAVAIL;
    }
    db->connected = 1;
    return 0;
}

int db_ensure(struct db *db)
{
    if (db->connected)
        return 0;
    if (clock_mono_ms() - db->last_try_ms < RECONNECT_INTERVAL_MS)
        return DB_EUNAVAIL;
    if (db_connect(db) == 0) {
        log_msg(LOG_INFO, "database connection opened");
        return 0;
    }
    return DB_EUNAVAIL;
}

int db_connected(const struct db *db)
{
    return db->connected;
}

const char *db_errmsg(const struct db *db)
{
    return db->err;
}

unsigned long db_error_count(const struct db *db)
{
    return db->errors;
}

unsigned long db_deadlock_count(const struct db *db)
{
    return db->deadlocks;
}

unsigned long db_write_count(const struct db *db)
{
    return db->writes;
}

int db_ping(struct db *db)
{
    if (db_ensure(db))
        return DB_EUNAVAIL;
    if (mysql_ping(db->my) != 0)
        return map_error(db, mysql_errno(db->my), mysql_error(db->my), "ping");
    return 0;
}

static int prepare(struct db *db, int idx, MYSQL_STMT **out)
{
    const struct db_query *q = db_registry[idx];
    MYSQL_STMT *st;

    if (db->stmts[idx]) {
        *out = db->stmts[idx];
        return 0;
    }
    st = mysql_stmt_init(db->my);
    if (!st)
        abort();
    if (mysql_stmt_prepare(st, q->sql, strlen(q->sql)) != 0) {
        int rc = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->name);
        mysql_stmt_close(st);
        return rc == DB_EUNAVAIL ? rc : DB_EBUG;
    }
    /* INSERT ... RETURNING: MariaDB tells its columns only when it runs (checked then) */
    if (mysql_stmt_param_count(st) != strlen(q->params) ||
        (mysql_stmt_field_count(st) != strlen(q->cols) &&
         !(mysql_stmt_field_count(st) == 0 && strstr(q->sql, " RETURNING ")))) {
        snprintf(db->err, sizeof(db->err), "%s: signature has %zu params, %zu columns; SQL %lu, %u",
                 q->name, strlen(q->params), strlen(q->cols), mysql_stmt_param_count(st),
                 mysql_stmt_field_count(st));
        mysql_stmt_close(st);
        return DB_EBUG;
    }
    db->stmts[idx] = st;
    *out = st;
    return 0;
}

int db_prepare_all(struct db *db)
{
    MYSQL_STMT *st;

    if (!db->connected)
        return DB_EUNAVAIL;
    for (int i = 0; i < db_registry_count; i++) {
        int rc = prepare(db, i, &st);
        if (rc)
            return rc;
    }
    return 0;
}

int db_tenant_param(const char *sql)
{
    const char *t = strstr(sql, "tenant_id = ?");
    int n = 0;

    if (t)
        t += strlen("tenant_id = ");
    else if (strncmp(sql, "INSERT INTO ", 12) == 0 && strstr(sql, " (tenant_id, ") &&
             strstr(sql, " (tenant_id, ") < strchr(sql, '?'))
        t = strchr(sql, '?');
    if (!t)
        return -1;
    for (const char *s = sql; s < t; s++)
        n += *s == '?';
    return n;
}

static int copy_rows(struct db *db, struct arena *ar, const struct db_query *q, MYSQL_STMT *st,
                     struct db_res *res)
{
    int ncols = (int)strlen(q->cols), cap = 16, rc = 0;
    MYSQL_BIND *b = arena_zalloc(ar, sizeof(*b) * (size_t)(ncols ? ncols : 1));
    unsigned long *lens = arena_zalloc(ar, sizeof(*lens) * (size_t)(ncols ? ncols : 1));
    my_bool *nulls = arena_zalloc(ar, sizeof(*nulls) * (size_t)(ncols ? ncols : 1));
    long long *ints = arena_zalloc(ar, sizeof(*ints) * (size_t)(ncols ? ncols : 1));
    MYSQL_RES *meta = mysql_stmt_result_metadata(st);
    my_bool update_max = 1;

    mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
    if (mysql_stmt_store_result(st) != 0) {
        rc = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->name);
        goto out;
    }
    for (int c = 0; c < ncols; c++) {
        b[c].length = &lens[c];
        b[c].is_null = &nulls[c];
        if (q->cols[c] == 'L') {
            b[c].buffer_type = MYSQL_TYPE_LONGLONG;
            b[c].buffer = &ints[c];
        } else {
            MYSQL_FIELD *f = mysql_fetch_field_direct(meta, (unsigned)c);
            b[c].buffer_type = MYSQL_TYPE_STRING;
            b[c].buffer_length = f->max_length + 1;
            b[c].buffer = arena_alloc(ar, b[c].buffer_length);
        }
    }
    if (ncols && mysql_stmt_bind_result(st, b) != 0) {
        rc = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->name);
        goto out;
    }
    res->ncols = ncols;
    res->v = arena_alloc(ar, sizeof(*res->v) * (size_t)(cap * (ncols ? ncols : 1)));
    for (;;) {
        int f = mysql_stmt_fetch(st);
        if (f == MYSQL_NO_DATA)
            break;
        if (f == 1) {
            rc = map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->name);
            goto out;
        }
        if (res->nrows == cap) {
            struct db_val *nv = arena_alloc(ar, sizeof(*nv) * (size_t)(cap * 2 * ncols));
            memcpy(nv, res->v, sizeof(*nv) * (size_t)(cap * ncols));
            res->v = nv;
            cap *= 2;
        }
        for (int c = 0; c < ncols; c++) {
            struct db_val *v = &res->v[res->nrows * ncols + c];
            memset(v, 0, sizeof(*v));
            if (nulls[c]) {
                v->null = 1;
            } else if (q->cols[c] == 'L') {
                v->i = ints[c];
                v->s = arena_printf(ar, "%lld", ints[c]);
                v->len = strlen(v->s);
            } else {
                v->s = arena_strndup(ar, b[c].buffer, lens[c]);
                v->len = lens[c];
            }
        }
        res->nrows++;
    }
out:
    if (meta)
        mysql_free_result(meta);
    mysql_stmt_free_result(st);
    return rc;
}

static int exec_once(struct db *db, struct arena *ar, const struct db_query *q, int64_t tenant_id,
                     struct db_res *res, va_list args)
{
    MYSQL_BIND b[MAX_PARAMS];
    long long ints[MAX_PARAMS];
    int iv[MAX_PARAMS];
    unsigned long lens[MAX_PARAMS];
    my_bool nulls[MAX_PARAMS];
    size_t np = strlen(q->params);
    int idx = registry_index(q), rc;
    MYSQL_STMT *st;
    va_list ap;

    if (res)
        memset(res, 0, sizeof(*res));
    if (idx < 0 || np > MAX_PARAMS) {
        snprintf(db->err, sizeof(db->err), "%s: not registered", q->name);
        return DB_EBUG;
    }
    int tpos = (q->flags & DBQ_TENANT) ? db_tenant_param(q->sql) : -1;
    if ((q->flags & DBQ_TENANT) && (tenant_id <= 0 || tpos < 0 || q->params[tpos] != 'L')) {
        snprintf(db->err, sizeof(db->err), "%s: tenant-scoped query without a tenant", q->name);
        return DB_EBUG;
    }
    if (db_ensure(db))
        return DB_EUNAVAIL;
    rc = prepare(db, idx, &st);
    if (rc)
        return rc;

    memset(b, 0, sizeof(b[0]) * (np ? np : 1));
    va_copy(ap, args);
    for (size_t i = 0; i < np; i++) {
        nulls[i] = 0;
        b[i].is_null = &nulls[i];
        switch (q->params[i]) {
        case 'L':
        case 'N':
            ints[i] = (int)i == tpos ? tenant_id : va_arg(ap, long long);
            nulls[i] = q->params[i] == 'N' && ints[i] == 0;
            b[i].buffer_type = MYSQL_TYPE_LONGLONG;
            b[i].buffer = &ints[i];
            break;
        case 'i':
            iv[i] = va_arg(ap, int);
            b[i].buffer_type = MYSQL_TYPE_LONG;
            b[i].buffer = &iv[i];
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            b[i].buffer_type = MYSQL_TYPE_STRING;
            if (!s) {
                nulls[i] = 1;
                s = "";
            }
            lens[i] = strlen(s);
            b[i].buffer = (void *)s;
            b[i].buffer_length = lens[i];
            b[i].length = &lens[i];
            break;
        }
        default:
            va_end(ap);
            snprintf(db->err, sizeof(db->err), "%s: bad parameter letter", q->name);
            return DB_EBUG;
        }
    }
    va_end(ap);
    if ((np && mysql_stmt_bind_param(st, b) != 0) || mysql_stmt_execute(st) != 0)
        return map_error(db, mysql_stmt_errno(st), mysql_stmt_error(st), q->name);
    if (q->cols[0]) {
        struct db_res tmp = {0};

        if (mysql_stmt_field_count(st) != strlen(q->cols)) {
            snprintf(db->err, sizeof(db->err), "%s: signature has %zu columns; answer %u", q->name,
                     strlen(q->cols), mysql_stmt_field_count(st));
            return DB_EBUG;
        }
        rc = copy_rows(db, ar, q, st, res ? res : &tmp);
        if (rc)
            return rc;
    }
    if (res) {
        res->affected = mysql_stmt_affected_rows(st);
        res->insert_id = mysql_stmt_insert_id(st);
    }
    return 0;
}

int db_exec(struct db *db, struct arena *ar, const struct db_query *q, int64_t tenant_id,
            struct db_res *res, ...)
{
    va_list ap;
    int was_connected = db->connected, in_tx = db->in_tx, rc;

    va_start(ap, res);
    rc = exec_once(db, ar, q, tenant_id, res, ap);
    va_end(ap);
    /* a connection found dead (server restarted, idle timeout) is replaced at once and the
     * statement retried, unless a transaction was open: its earlier work is gone */
    if (rc == DB_EUNAVAIL && was_connected && !in_tx && db_connect(db) == 0) {
        log_msg(LOG_INFO, "database connection reopened");
        va_start(ap, res);
        rc = exec_once(db, ar, q, tenant_id, res, ap);
        va_end(ap);
    }
    /* a CALL may write and commit, so only a SELECT outside a transaction is no write */
    if (!in_tx && strncmp(q->sql, "SELECT", 6) != 0)
        db->writes++;
    return rc;
}

static int simple(struct db *db, const char *sql, const char *what)
{
    if (db_ensure(db))
        return DB_EUNAVAIL;
    /* constant statements: transaction control is not preparable everywhere */
    if (mysql_real_query(db->my, sql, strlen(sql)) != 0)
        return map_error(db, mysql_errno(db->my), mysql_error(db->my), what);
    return 0;
}

int db_begin(struct db *db)
{
    int rc = simple(db, "START TRANSACTION", "begin");

    db->in_tx = rc == 0;
    return rc;
}

int db_commit(struct db *db)
{
    if (!db->connected)
        return DB_EUNAVAIL;
    db->in_tx = 0;
    db->writes++;
    if (mysql_commit(db->my) != 0)
        return map_error(db, mysql_errno(db->my), mysql_error(db->my), "commit");
    return 0;
}

int db_in_tx(const struct db *db)
{
    return db->in_tx;
}

void db_committed(struct db *db)
{
    db->in_tx = 0;
    db->writes++;
}

int db_rollback(struct db *db)
{
    if (!db->connected)
        return DB_EUNAVAIL;
    db->in_tx = 0;
    if (mysql_rollback(db->my) != 0)
        return map_error(db, mysql_errno(db->my), mysql_error(db->my), "rollback");
    return 0;
}

int db_run_script(struct db *db, const char *sql, size_t len)
{
    int rc = 0, status;

    if (db_ensure(db))
        return DB_EUNAVAIL;
    mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_ON);
    if (mysql_real_query(db->my, sql, len) != 0) {
        rc = map_error(db, mysql_errno(db->my), mysql_error(db->my), "script");
        goto out;
    }
    do {
        MYSQL_RES *r = mysql_store_result(db->my);
        if (r)
            mysql_free_result(r);
        else if (mysql_field_count(db->my) != 0) {
            rc = map_error(db, mysql_errno(db->my), mysql_error(db->my), "script");
            goto out;
        }
        status = mysql_next_result(db->my);
        if (status > 0) {
            rc = map_error(db, mysql_errno(db->my), mysql_error(db->my), "script");
            goto out;
        }
    } while (status == 0);
out:
    if (db->connected)
        mysql_set_server_option(db->my, MYSQL_OPTION_MULTI_STATEMENTS_OFF);
    return rc;
}
