/* trellis: the command line for operators: migrations and config checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include <errno.h>

#include "audit/audit.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/log.h"
#include "core/secret.h"
#include "db/db.h"
#include "db/migrate.h"
#include "identity/identity.h"

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

static const struct {
    const char *name;
    cmd_fn fn;
} commands[] = {
    {"user", cmd_user},
    {"audit", cmd_audit},
    {"migrate", cmd_migrate},
    {"config", cmd_config},
};

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
