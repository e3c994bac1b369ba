/* Migrations: scan sql/migrations, apply or revert in order, record each in schema_migrations. */
#include "db/migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "db/db.h"
#include "db/queries.h"

static const char create_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   " version INT NOT NULL PRIMARY KEY,"
                                   " name VARCHAR(200) NOT NULL,"
                                   " applied_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
                                   ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

/* "0001_name.up.sql" → version 1, name "0001_name", up=1. Returns 0 or -1. */
static int parse_name(const char *f, long *version, size_t *stem, int *is_up)
{
    size_t n = strlen(f), i = 0;

    while (i < n && isdigit((unsigned char)f[i]))
        i++;
    if (i != 4 || f[i] != '_')
        return -1;
    *version = strtol(f, NULL, 10);
    if (n > 7 && strcmp(f + n - 7, ".up.sql") == 0) {
        *stem = n - 7;
        *is_up = 1;
    } else if (n > 9 && strcmp(f + n - 9, ".down.sql") == 0) {
        *stem = n - 9;
        *is_up = 0;
    } else {
        return -1;
    }
    for (size_t k = 5; k < *stem; k++)
        if (!(islower((unsigned char)f[k]) || isdigit((unsigned char)f[k]) || f[k] == '_'))
            return -1;
    return *stem > 5 ? 0 : -1;
}

static int by_version(const void *a, const void *b)
{
    const struct migration *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

int migrate_scan(struct arena *ar, const char *dir, struct migration **out, char *err,
                 size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0, cap = 64;
    struct migration *m;

    if (!d) {
        snprintf(err, errlen, "cannot open '%s'", dir);
        return -1;
    }
    m = arena_zalloc(ar, sizeof(*m) * (size_t)cap);
    while ((e = readdir(d))) {
        long v;
        size_t stem;
        int up, k;
        if (e->d_name[0] == '.')
            continue;
        if (parse_name(e->d_name, &v, &stem, &up)) {
            snprintf(err, errlen, "'%s/%s' is not NNNN_name.up.sql or .down.sql", dir, e->d_name);
            closedir(d);
            return -1;
        }
        for (k = 0; k < n; k++)
            if (m[k].version == v)
                break;
        if (k == n) {
            if (n == cap) {
                struct migration *nm = arena_zalloc(ar, sizeof(*nm) * (size_t)cap * 2);
                memcpy(nm, m, sizeof(*m) * (size_t)cap);
                m = nm;
                cap *= 2;
            }
            m[n].version = v;
            m[n].name = arena_strndup(ar, e->d_name, stem);
            n++;
        } else if (strncmp(m[k].name, e->d_name, stem) != 0 || m[k].name[stem] != '\0') {
            snprintf(err, errlen, "version %04ld is used by '%s' and '%.*s'", v, m[k].name,
                     (int)stem, e->d_name);
            closedir(d);
            return -1;
        }
        const char *path = arena_printf(ar, "%s/%s", dir, e->d_name);
        if (up)
            m[k].up = path;
        else
            m[k].down = path;
    }
    closedir(d);
    for (int k = 0; k < n; k++) {
        if (!m[k].up || !m[k].down) {
            snprintf(err, errlen, "migration '%s' lacks its %s file", m[k].name,
                     m[k].up ? ".down.sql" : ".up.sql");
            return -1;
        }
    }
    qsort(m, (size_t)n, sizeof(*m), by_version);
    *out = m;
    return n;
}

static char *slurp(struct arena *ar, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    buf = arena_alloc(ar, (size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* Loads the applied versions; creates the table on first use. */
static int applied(struct db *db, struct arena *ar, struct db_res *res, FILE *out)
{
    int rc = db_run_script(db, create_table, sizeof(create_table) - 1);

    if (!rc)
        rc = db_exec(db, ar, &Q_MIGRATIONS_LIST, 0, res);
    if (rc)
        fprintf(out, "migrate: database error: %s\n", db_errmsg(db));
    return rc ? -1 : 0;
}

static int is_applied(const struct db_res *res, long version)
{
    for (int i = 0; i < res->nrows; i++)
        if (db_at(res, i, 0)->i == version)
            return 1;
    return 0;
}

static int lock(struct db *db, struct arena *ar, int on, FILE *out)
{
    struct db_res res;
    int rc = db_exec(db, ar, on ? &Q_MIGRATE_LOCK : &Q_MIGRATE_UNLOCK, 0, &res);

    if (rc || res.nrows != 1 || db_at(&res, 0, 0)->i != 1) {
        if (on)
            fprintf(out, "migrate: another migration holds the lock\n");
        return -1;
    }
    return 0;
}

static int run_file(struct db *db, struct arena *ar, const char *path, FILE *out)
{
    size_t len;
    char *sql = slurp(ar, path, &len);

    if (!sql) {
        fprintf(out, "migrate: cannot read '%s'\n", path);
        return -1;
    }
    if (db_run_script(db, sql, len)) {
        fprintf(out, "migrate: '%s' failed: %s\n", path, db_errmsg(db));
        return -1;
    }
    return 0;
}

int migrate_up(struct db *db, struct arena *ar, const char *dir, int steps, FILE *out)
{
    struct migration *m;
    struct db_res res;
    char err[512];
    int n = migrate_scan(ar, dir, &m, err, sizeof(err)), done = 0, rc = 0;

    if (n < 0) {
        fprintf(out, "migrate: %s\n", err);
        return -1;
    }
    if (applied(db, ar, &res, out) || lock(db, ar, 1, out))
        return -1;
    for (int i = 0; i < n && (steps == 0 || done < steps); i++) {
        if (is_applied(&res, m[i].version))
            continue;
        if (run_file(db, ar, m[i].up, out) ||
            db_exec(db, ar, &Q_MIGRATION_INSERT, 0, NULL, (long long)m[i].version, m[i].name)) {
            rc = -1;
            break;
        }
        fprintf(out, "applied %s\n", m[i].name);
        done++;
    }
    lock(db, ar, 0, out);
    if (!rc && !done)
        fprintf(out, "nothing to apply\n");
    return rc;
}

int migrate_down(struct db *db, struct arena *ar, const char *dir, int steps, FILE *out)
{
    struct migration *m;
    struct db_res res;
    char err[512];
    int n = migrate_scan(ar, dir, &m, err, sizeof(err)), done = 0, rc = 0;

    if (n < 0) {
        fprintf(out, "migrate: %s\n", err);
        return -1;
    }
    if (applied(db, ar, &res, out) || lock(db, ar, 1, out))
        return -1;
    for (int i = n - 1; i >= 0 && done < (steps > 0 ? steps : 1); i--) {
        if (!is_applied(&res, m[i].version))
            continue;
        if (run_file(db, ar, m[i].down, out) ||
            db_exec(db, ar, &Q_MIGRATION_DELETE, 0, NULL, (long long)m[i].version)) {
            rc = -1;
            break;
        }
        fprintf(out, "reverted %s\n", m[i].name);
        done++;
    }
    lock(db, ar, 0, out);
    if (!rc && !done)
        fprintf(out, "nothing to revert\n");
    return rc;
}

int migrate_status(struct db *db, struct arena *ar, const char *dir, FILE *out)
{
    struct migration *m;
    struct db_res res;
    char err[512];
    int n = migrate_scan(ar, dir, &m, err, sizeof(err)), pending = 0;

    if (n < 0) {
        fprintf(out, "migrate: %s\n", err);
        return -1;
    }
    if (applied(db, ar, &res, out))
        return -1;
    for (int i = 0; i < n; i++) {
        const char *at = "pending";
        for (int k = 0; k < res.nrows; k++)
            if (db_at(&res, k, 0)->i == m[i].version)
                at = db_at(&res, k, 2)->s;
        pending += strcmp(at, "pending") == 0;
        fprintf(out, "%-40s %s\n", m[i].name, at);
    }
    for (int k = 0; k < res.nrows; k++) {
        int known = 0;
        for (int i = 0; i < n; i++)
            known |= m[i].version == db_at(&res, k, 0)->i;
        if (!known)
            fprintf(out, "%-40s applied, but its files are missing\n", db_at(&res, k, 1)->s);
    }
    fprintf(out, "%d applied, %d pending\n", n - pending, pending);
    return 0;
}
