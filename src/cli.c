/* trellis: the command line for operators: migrations and config checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include <errno.h>

#include "audit/audit.h"
#include "catalog/benchdata.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/json.h"
#include "core/log.h"
#include "core/rfc3339.h"
#include "core/sb.h"
#include "core/secret.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/queries.h"
#include "identity/identity.h"
#include "service/ticket.h"
#include "sys/purge.h"
#include "sys/sweep.h"
#include "tmpl/tmpl.h"

struct cli {
    struct config cfg;
    struct arena ar;
    struct db *db;
};

typedef int (*cmd_fn)(struct cli *c, int argc, char **argv);

static void usage(FILE *f)
{
    fprintf(f,
            "usage: trellis [-c CONFIG] COMMAND [ARGS]\n"
            "\n"
            "commands:\n"
            "  migrate up [N]      apply all pending migrations, or the next N\n"
            "  migrate down [N]    revert the last migration, or the last N\n"
            "  migrate status      list migrations and when each was applied\n"
            "  config              print the effective configuration (secrets masked)\n"
            "  user create-superadmin --email EMAIL [--password-file FILE] [--replace]\n"
            "                      the platform's super admin; the password from FILE or stdin\n"
            "  demo seed           the demo tenant, its organizations and users (JSON on stdout)\n"
            "  audit verify [--tenant SLUG]\n"
            "                      check the audit hash chain of every tenant, or of one\n"
            "  purge [--dry-run]   delete expired idempotency keys and tokens (run it hourly)\n"
            "  sla-sweep [--at RFC3339] [--tenant SLUG]\n"
            "                      escalate once every open ticket whose SLA target passed\n"
            "                      by then (default: now) to the next org of its chain\n"
            "  render TEMPLATE DATA.json [--partials DIR]\n"
            "                      print TEMPLATE rendered over the JSON (\"-\": stdin);\n"
            "                      partial x: DIR/partials/x.mustache, else DIR/x.mustache\n"
            "  bench-data [--tenant SLUG] [--manufacturers N] [--skus-per-manufacturer N]\n"
            "             [--distributors N] [--dealers N] [--books N] [--rules N]\n"
            "             [--hospitals N] [--equipment N] [--tickets N] [--seed N] [--replace]\n"
            "                      generate a tenant for benchmarks (default 'bench', 5 x 20000\n"
            "                      SKUs, 50 distributors, 2000 dealers, 1000 hospitals, 200000\n"
            "                      equipment, 1000000 tickets) with publications down every\n"
            "                      chain, without audit rows or outbox events; prints its\n"
            "                      logins and the ids the benches use as JSON\n"
            "  sql NAME...         print the SQL of registered statements (for EXPLAIN)\n"
            "  help                this text\n"
            "\n"
            "CONFIG defaults to etc/trellis.conf; TRELLIS_<SECTION>_<KEY> env vars override it.\n");
}

static int connect_db(struct cli *c)
{
    c->db = db_new(&c->cfg);
    if (db_connect(c->db) != 0) {
        fprintf(stderr, "trellis: cannot connect to the database: %s\n", db_errmsg(c->db));
        return -1;
    }
    return 0;
}

static int parse_steps(const char *s, int *out)
{
    char *end;
    long n = strtol(s, &end, 10);

    if (*end || n <= 0 || n > 100000)
        return -1;
    *out = (int)n;
    return 0;
}

static int cmd_migrate(struct cli *c, int argc, char **argv)
{
    const char *dir = c->cfg.migrations_dir;
    int steps = 0;

    if (argc < 2 || argc > 3) {
        usage(stderr);
        return 2;
    }
    if (argc == 3 && (strcmp(argv[1], "status") == 0 || parse_steps(argv[2], &steps) != 0)) {
        fprintf(stderr, "trellis: '%s' is not a number of steps\n", argv[2]);
        return 2;
    }
    if (strcmp(argv[1], "up") != 0 && strcmp(argv[1], "down") != 0 &&
        strcmp(argv[1], "status") != 0) {
        fprintf(stderr, "trellis: unknown migrate command '%s'\n", argv[1]);
        return 2;
    }
    if (connect_db(c) != 0)
        return 1;
    if (strcmp(argv[1], "up") == 0)
        return migrate_up(c->db, &c->ar, dir, steps, stdout) ? 1 : 0;
    if (strcmp(argv[1], "down") == 0)
        return migrate_down(c->db, &c->ar, dir, steps ? steps : 1, stdout) ? 1 : 0;
    return migrate_status(c->db, &c->ar, dir, stdout) ? 1 : 0;
}

static int cmd_config(struct cli *c, int argc, char **argv)
{
    const struct config *k = &c->cfg;

    (void)argv;
    if (argc != 1) {
        usage(stderr);
        return 2;
    }
    printf("[server]\nsocket = %s\npid_file = %s\nworkers = %ld\nmax_requests = %ld\n"
           "max_body = %ld\nbacklog = %ld\nshutdown_timeout = %ld\n\n",
           k->socket, k->pid_file, k->workers, k->max_requests, k->max_body, k->backlog,
           k->shutdown_timeout);
    printf("[db]\nhost = %s\nport = %ld\nsocket = %s\nuser = %s\npassword = %s\nname = %s\n\n",
           k->db_host, k->db_port, k->db_socket, k->db_user, k->db_password[0] ? "********" : "",
           k->db_name);
    printf("[log]\nfile = %s\nlevel = %s\n\n[paths]\nmigrations_dir = %s\ntemplates_dir = %s\n",
           k->log_file, k->log_level, k->migrations_dir, k->templates_dir);
    return 0;
}

/* One line from f, without its newline; NULL on error or an empty line. */
static char *read_line(FILE *f, char *buf, size_t n)
{
    size_t len;

    if (!fgets(buf, (int)n, f))
        return NULL;
    len = strcspn(buf, "\r\n");
    if (buf[len] == '\0' && len == n - 1)
        return NULL; /* longer than the buffer */
    buf[len] = '\0';
    return len ? buf : NULL;
}

static int cmd_user(struct cli *c, int argc, char **argv)
{
    const char *email = NULL, *pwfile = NULL, *why;
    char pw[256];
    int replace = 0;
    FILE *f;
    int64_t id;

    if (argc < 2 || strcmp(argv[1], "create-superadmin") != 0) {
        usage(stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
            email = argv[++i];
        else if (strcmp(argv[i], "--password-file") == 0 && i + 1 < argc)
            pwfile = argv[++i];
        else if (strcmp(argv[i], "--replace") == 0)
            replace = 1;
        else {
            fprintf(stderr, "trellis: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (!email) {
        fprintf(stderr, "trellis: --email is required\n");
        return 2;
    }
    if ((why = identity_check_email(email))) {
        fprintf(stderr, "trellis: the email %s\n", why);
        return 2;
    }
    f = pwfile && strcmp(pwfile, "-") != 0 ? fopen(pwfile, "r") : stdin;
    if (!f) {
        fprintf(stderr, "trellis: cannot open '%s': %s\n", pwfile, strerror(errno));
        return 1;
    }
    if (f == stdin && isatty(0))
        fprintf(stderr, "password: ");
    if (!read_line(f, pw, sizeof(pw))) {
        fprintf(stderr, "trellis: no password given\n");
        if (f != stdin)
            fclose(f);
        return 2;
    }
    if (f != stdin)
        fclose(f);
    if ((why = identity_check_password(pw))) {
        fprintf(stderr, "trellis: the password %s\n", why);
        sodium_memzero(pw, sizeof(pw));
        return 2;
    }
    if (secret_init() != 0 || connect_db(c) != 0)
        return 1;
    id = identity_create_superadmin(c->db, &c->ar, email, pw, replace);
    sodium_memzero(pw, sizeof(pw));
    if (id == DB_EDUP) {
        fprintf(stderr, "trellis: '%s' exists already (use --replace to set its password)\n",
                email);
        return 1;
    }
    if (id < 0) {
        fprintf(stderr, "trellis: cannot create the super admin: %s\n", db_errmsg(c->db));
        return 1;
    }
    printf("super admin '%s' is user %lld of tenant '%s'\n", email, (long long)id,
           IDENTITY_PLATFORM);
    return 0;
}

static int cmd_demo(struct cli *c, int argc, char **argv)
{
    int rc;

    if (argc != 2 || strcmp(argv[1], "seed") != 0) {
        usage(stderr);
        return 2;
    }
    if (secret_init() != 0 || connect_db(c) != 0)
        return 1;
    rc = identity_seed_demo(c->db, &c->ar, stdout);
    if (rc)
        fprintf(stderr, "trellis: the demo seed failed: %s\n", db_errmsg(c->db));
    return rc ? 1 : 0;
}

static int cmd_purge(struct cli *c, int argc, char **argv)
{
    int dry = argc == 2 && strcmp(argv[1], "--dry-run") == 0;
    long long n;

    if (argc > 2 || (argc == 2 && !dry)) {
        usage(stderr);
        return 2;
    }
    if (connect_db(c) != 0)
        return 1;
    n = purge_expired(c->db, &c->ar, dry, stdout);
    if (n < 0) {
        fprintf(stderr, "trellis: database error: %s\n", db_errmsg(c->db));
        return 1;
    }
    printf("%lld rows %s\n", n, dry ? "to remove" : "removed");
    return 0;
}

static int cmd_sla_sweep(struct cli *c, int argc, char **argv)
{
    struct sweep_stats st;
    const char *slug = NULL;
    int64_t at = clock_real_ms(), tid = 0;
    int rc;

    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc || (strcmp(argv[i], "--at") != 0 && strcmp(argv[i], "--tenant") != 0)) {
            usage(stderr);
            return 2;
        }
        if (strcmp(argv[i], "--tenant") == 0)
            slug = argv[i + 1];
        else if (rfc3339_parse(argv[i + 1], &at) != 0) {
            fprintf(stderr, "trellis: --at: '%s' is not an RFC 3339 time\n", argv[i + 1]);
            return 2;
        } else if (at > DB_TIME_MAX_MS) {
            fprintf(stderr,
                    "trellis: --at: '%s' is after 2038-01-19T03:14:07Z, the last time "
                    "the database stores\n",
                    argv[i + 1]);
            return 2;
        }
    }
    if (connect_db(c) != 0)
        return 1;
    if (slug) {
        struct db_res t;

        if (db_exec(c->db, &c->ar, &Q_TENANT_BY_SLUG, 0, &t, slug) != 0 || t.nrows != 1) {
            fprintf(stderr, "trellis: no tenant '%s'\n", slug);
            return 1;
        }
        tid = db_at(&t, 0, 0)->i;
    }
    rc = sweep_run(c->db, &c->ar, at, tid, &st, stdout);
    printf("sla-sweep: %lld breached, %lld escalated, %lld recorded with nowhere to go, "
           "%lld skipped, %lld failed\n",
           st.checked, st.escalated, st.recorded, st.skipped, st.failed);
    if (rc) {
        fprintf(stderr, "trellis: database error: %s\n", db_errmsg(c->db));
        return 1;
    }
    if (st.failed) {
        fprintf(stderr, "trellis: %lld tickets not escalated (above); the next run tries again\n",
                st.failed);
        return 1;
    }
    return 0;
}

static int cmd_audit(struct cli *c, int argc, char **argv)
{
    int64_t tid = 0;
    int rc;

    if (argc < 2 || strcmp(argv[1], "verify") != 0 || (argc != 2 && argc != 4) ||
        (argc == 4 && strcmp(argv[2], "--tenant") != 0)) {
        usage(stderr);
        return 2;
    }
    if (connect_db(c) != 0)
        return 1;
    if (argc == 4) {
        struct db_res t;
        if (db_exec(c->db, &c->ar, &Q_TENANT_BY_SLUG, 0, &t, argv[3]) != 0 || t.nrows != 1) {
            fprintf(stderr, "trellis: no tenant '%s'\n", argv[3]);
            return 1;
        }
        tid = db_at(&t, 0, 0)->i;
    }
    rc = audit_verify(c->db, &c->ar, tid, stdout);
    if (rc < 0)
        fprintf(stderr, "trellis: database error: %s\n", db_errmsg(c->db));
    return rc == 0 ? 0 : 1;
}

/* A whole number in [0, max] from s, or -1. */
static long long parse_count(const char *s, long long max)
{
    char *end;
    long long n;

    errno = 0;
    n = strtoll(s, &end, 10);
    return errno || end == s || *end || n < 0 || n > max ? -1 : n;
}

static int cmd_bench_data(struct cli *c, int argc, char **argv)
{
    static const char *const names[] = {"--manufacturers", "--skus-per-manufacturer",
                                        "--distributors",  "--dealers",
                                        "--books",         "--rules",
                                        "--hospitals",     "--equipment",
                                        "--tickets",       "--seed"};
    struct benchdata_opts o;
    int *counts[] = {
        &o.manufacturers, &o.skus_per_manufacturer, &o.distributors, &o.dealers, &o.books, &o.rules,
        &o.hospitals};
    long long *big[] = {&o.equipment, &o.tickets};
    char err[512];
    const char *why;
    int rc;

    benchdata_defaults(&o);
    for (int i = 1; i < argc; i++) {
        size_t k = 0;
        long long n;

        if (strcmp(argv[i], "--replace") == 0) {
            o.replace = 1;
            continue;
        }
        if (strcmp(argv[i], "--tenant") == 0 && i + 1 < argc) {
            o.slug = argv[++i];
            continue;
        }
        while (k < sizeof(names) / sizeof(names[0]) && strcmp(argv[i], names[k]) != 0)
            k++;
        if (k == sizeof(names) / sizeof(names[0]) || i + 1 >= argc) {
            fprintf(stderr, "trellis: unknown option '%s'\n", argv[i]);
            return 2;
        }
        n = parse_count(argv[++i], k < 9 ? 10000000 : INT64_MAX);
        if (n < 0) {
            fprintf(stderr, "trellis: %s: '%s' is not a whole number in range\n", names[k],
                    argv[i]);
            return 2;
        }
        if (k < 7)
            *counts[k] = (int)n;
        else if (k < 9)
            *big[k - 7] = n;
        else
            o.seed = n;
    }
    if ((why = benchdata_check(&o))) {
        fprintf(stderr, "trellis: %s\n", why);
        return 2;
    }
    if (secret_init() != 0 || connect_db(c) != 0)
        return 1;
    rc = benchdata_generate(c->db, &c->ar, &o, stdout, stderr, err, sizeof(err));
    if (rc == BENCHDATA_EXISTS)
        fprintf(stderr, "trellis: tenant '%s' exists (--replace removes it and all its data)\n",
                o.slug);
    else if (rc)
        fprintf(stderr, "trellis: bench-data failed: %s\n", err);
    return rc ? 1 : 0;
}

static int cmd_sql(struct cli *c, int argc, char **argv)
{
    (void)c;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        int k = 0;

        while (k < db_registry_count && strcmp(db_registry[k]->name, argv[i]) != 0)
            k++;
        if (k == db_registry_count) {
            fprintf(stderr, "trellis: no registered statement '%s'\n", argv[i]);
            return 1;
        }
        printf("%s\n", db_registry[k]->sql);
    }
    return 0;
}

/* The whole of path ("-": stdin) in the arena, NUL-terminated; NULL on error, errno set. */
static char *read_all(struct arena *ar, const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char buf[8192];
    struct sb sb;
    size_t n;
    int bad;

    if (!f)
        return NULL;
    sb_init(&sb, ar);
    sb_add(&sb, "", 0);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        sb_add(&sb, buf, n);
    bad = ferror(f);
    if (f != stdin)
        fclose(f);
    if (bad) {
        errno = EIO;
        return NULL;
    }
    *len = sb.len;
    return sb.buf;
}

struct tried {
    const char *name;
    struct tried *next;
};

/* Adds each partial the set lacks, as the server finds it: DIR/partials/x, then DIR/x. */
static int render_partials(struct tmpl_set *set, const char *dir, struct arena *ar)
{
    static const char *const prefixes[] = {"partials/", ""};
    struct tried *tried = NULL;
    struct tmpl_error err;
    const char *name;
    int added = 1;

    while (added) {
        size_t iter = 0;
        added = 0;
        while (!added && (name = tmpl_set_missing(set, &iter)) != NULL) {
            struct tried *t;
            for (t = tried; t && strcmp(t->name, name) != 0; t = t->next)
                ;
            if (t)
                continue;
            t = arena_alloc(ar, sizeof(*t));
            t->name = arena_strdup(ar, name);
            t->next = tried;
            tried = t;
            for (size_t i = 0; i < 2 && !added; i++) {
                char *path = arena_printf(ar, "%s/%s%s.mustache", dir, prefixes[i], t->name);
                if (access(path, F_OK) != 0)
                    continue;
                if (tmpl_set_add_file(set, arena_printf(ar, "%s%s", prefixes[i], t->name), path,
                                      &err) != 0) {
                    fprintf(stderr, "%s\n", err.msg);
                    return -1;
                }
                added = 1;
            }
        }
    }
    return 0;
}

static int cmd_render(struct cli *c, int argc, char **argv)
{
    const char *args[2], *dir = NULL, *slash;
    struct json_object *data;
    struct tmpl_set *set;
    struct tmpl_error err;
    struct sb page;
    char msg[256], *text;
    size_t n = 0, len;
    int rc = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--partials") == 0 && i + 1 < argc) {
            dir = argv[++i];
        } else if (strncmp(argv[i], "--partials=", 11) == 0) {
            dir = argv[i] + 11;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "trellis: unknown option '%s'\n", argv[i]);
            return 2;
        } else if (n < 2) {
            args[n++] = argv[i];
        } else {
            n++;
        }
    }
    if (n != 2 || (dir && !*dir)) {
        fprintf(stderr, "usage: trellis render TEMPLATE DATA.json [--partials DIR]\n");
        return 2;
    }
    slash = strrchr(args[0], '/');
    if (!dir && !slash)
        dir = ".";
    else if (!dir)
        dir = slash == args[0] ? "/" : arena_strndup(&c->ar, args[0], (size_t)(slash - args[0]));
    if (!(text = read_all(&c->ar, args[1], &len))) {
        fprintf(stderr, "trellis: %s: %s\n", args[1], strerror(errno));
        return 1;
    }
    if (json_parse(&c->ar, text, len, &data, msg, sizeof(msg)) != 0) {
        fprintf(stderr, "trellis: %s: %s\n", args[1], msg);
        return 1;
    }
    /* Named by its path, so no partial name shadows it. */
    set = tmpl_set_new();
    if (tmpl_set_add_file(set, args[0], args[0], &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        goto out;
    }
    if (render_partials(set, dir, &c->ar) != 0)
        goto out;
    sb_init(&page, &c->ar);
    if (tmpl_render(tmpl_set_get(set, args[0]), data, &page, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        goto out;
    }
    if (fwrite(page.buf, 1, page.len, stdout) != page.len || fflush(stdout) != 0) {
        fprintf(stderr, "trellis: writing the page: %s\n", strerror(errno));
        goto out;
    }
    rc = 0;
out:
    tmpl_set_free(set);
    return rc;
}

/* One command a row: past four rows clang-format would pack them into columns. */
/* clang-format off */
static const struct {
    const char *name;
    cmd_fn fn;
} commands[] = {
    {"user", cmd_user},
    {"audit", cmd_audit},
    {"demo", cmd_demo},
    {"migrate", cmd_migrate},
    {"config", cmd_config},
    {"render", cmd_render},
    {"bench-data", cmd_bench_data},
    {"sql", cmd_sql},
    {"purge", cmd_purge},
    {"sla-sweep", cmd_sla_sweep},
};
/* clang-format on */

int main(int argc, char **argv)
{
    struct cli c;
    const char *path = getenv("TRELLIS_CONFIG") ? getenv("TRELLIS_CONFIG") : "etc/trellis.conf";
    char err[512];
    int opt, rc = -1;

    while ((opt = getopt(argc, argv, "+c:h")) != -1) {
        switch (opt) {
        case 'c':
            path = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    argc -= optind;
    argv += optind;
    if (argc < 1 || strcmp(argv[0], "help") == 0) {
        usage(argc < 1 ? stderr : stdout);
        return argc < 1 ? 2 : 0;
    }
    memset(&c, 0, sizeof(c));
    if (config_load(&c.cfg, path, 1, err, sizeof(err)) != 0) {
        fprintf(stderr, "trellis: %s\n", err);
        return 1;
    }
    /* the CLI talks to the terminal; only the pool writes the log file */
    log_open("-", c.cfg.log_level);
    arena_init(&c.ar, 0);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[0], commands[i].name) == 0)
            rc = commands[i].fn(&c, argc, argv);
    if (rc < 0) {
        fprintf(stderr, "trellis: unknown command '%s'\n", argv[0]);
        usage(stderr);
        rc = 2;
    }
    db_free(c.db);
    arena_release(&c.ar);
    config_release(&c.cfg);
    return rc;
}
