/* Unit tests for core/config: defaults, the INI file, errors with lines, env overrides. */
#include "core/config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

/* Every key, as the environment names it; a row per field of struct config. */
static const struct env_key {
    const char *var;
    size_t off;
    int is_long;
    const char *set;
} env_keys[] = {
    {"TRELLIS_SERVER_SOCKET", offsetof(struct config, socket), 0, "/run/t.sock"},
    {"TRELLIS_SERVER_PID_FILE", offsetof(struct config, pid_file), 0, "/run/t.pid"},
    {"TRELLIS_SERVER_WORKERS", offsetof(struct config, workers), 1, "3"},
    {"TRELLIS_SERVER_MAX_REQUESTS", offsetof(struct config, max_requests), 1, "0"},
    {"TRELLIS_SERVER_MAX_BODY", offsetof(struct config, max_body), 1, "2048"},
    {"TRELLIS_SERVER_BACKLOG", offsetof(struct config, backlog), 1, "16"},
    {"TRELLIS_SERVER_SHUTDOWN_TIMEOUT", offsetof(struct config, shutdown_timeout), 1, "5"},
    {"TRELLIS_DB_HOST", offsetof(struct config, db_host), 0, "db.internal"},
    {"TRELLIS_DB_PORT", offsetof(struct config, db_port), 1, "3307"},
    {"TRELLIS_DB_SOCKET", offsetof(struct config, db_socket), 0, "/run/mysqld/mysqld.sock"},
    {"TRELLIS_DB_USER", offsetof(struct config, db_user), 0, "app"},
    {"TRELLIS_DB_PASSWORD", offsetof(struct config, db_password), 0, "p=ss;word"},
    {"TRELLIS_DB_NAME", offsetof(struct config, db_name), 0, "trellis_test"},
    {"TRELLIS_LOG_FILE", offsetof(struct config, log_file), 0, "-"},
    {"TRELLIS_LOG_LEVEL", offsetof(struct config, log_level), 0, "debug"},
    {"TRELLIS_PATHS_MIGRATIONS_DIR", offsetof(struct config, migrations_dir), 0, "/m"},
    {"TRELLIS_PATHS_TEMPLATES_DIR", offsetof(struct config, templates_dir), 0, ""},
    {"TRELLIS_PATHS_OPENAPI_FILE", offsetof(struct config, openapi_file), 0, "/srv/openapi.yaml"},
};

#define NENV (sizeof(env_keys) / sizeof(env_keys[0]))

static void clear_env(void)
{
    for (size_t i = 0; i < NENV; i++)
        unsetenv(env_keys[i].var);
}

static const char *field_str(const struct config *c, size_t off)
{
    return *(char *const *)((const char *)c + off);
}

static long field_long(const struct config *c, size_t off)
{
    return *(const long *)((const char *)c + off);
}

/* Writes text to a new temporary file; the caller unlinks path. */
static void write_temp(char *path, size_t size, const char *text)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, size, "%s/trellis-config-XXXXXX", dir && *dir ? dir : "/tmp");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void assert_defaults(const struct config *c)
{
    ck_assert_str_eq(c->socket, "var/run/trellis.sock");
    ck_assert_str_eq(c->pid_file, "var/run/trellis-fcgi.pid");
    ck_assert_int_eq(c->workers, 0);
    ck_assert_int_eq(c->max_requests, 10000);
    ck_assert_int_eq(c->max_body, 1048576);
    ck_assert_int_eq(c->backlog, 1024);
    ck_assert_int_eq(c->shutdown_timeout, 30);
    ck_assert_str_eq(c->db_host, "127.0.0.1");
    ck_assert_int_eq(c->db_port, 3306);
    ck_assert_str_eq(c->db_socket, "");
    ck_assert_str_eq(c->db_user, "trellis");
    ck_assert_str_eq(c->db_password, "");
    ck_assert_str_eq(c->db_name, "trellis");
    ck_assert_str_eq(c->log_file, "");
    ck_assert_str_eq(c->log_level, "info");
    ck_assert_str_eq(c->migrations_dir, "sql/migrations");
    ck_assert_str_eq(c->templates_dir, "templates");
    ck_assert_str_eq(c->openapi_file, "docs/openapi.yaml");
}

START_TEST(test_defaults)
{
    struct config c;
    char err[256] = "";

    clear_env();
    config_defaults(&c);
    assert_defaults(&c);
    config_release(&c);
    ck_assert_ptr_null(c.socket);
    config_release(&c); /* twice is harmless */

    ck_assert_int_eq(config_load(&c, NULL, 0, err, sizeof(err)), 0);
    assert_defaults(&c);
    config_release(&c);
    ck_assert_int_eq(config_load(&c, "/nonexistent/trellis.conf", 1, err, sizeof(err)), 0);
    assert_defaults(&c);
    config_release(&c);
}
END_TEST

START_TEST(test_missing_file)
{
    struct config c;
    char err[256] = "";

    clear_env();
    ck_assert_int_eq(config_load(&c, "/nonexistent/trellis.conf", 0, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "/nonexistent/trellis.conf: No such file or directory");
    ck_assert_ptr_null(c.socket); /* released on failure */
    config_release(&c);
}
END_TEST

START_TEST(test_file)
{
    struct config c;
    char path[512], err[256] = "";

    clear_env();
    write_temp(path, sizeof(path),
               "; Trellis test config\n"
               "# another comment\n"
               "\n"
               "[server]\n"
               "socket = /tmp/x.sock\n"
               "workers=8\n"
               "max_body  =  4096  \n"
               "\n"
               "[db]\n"
               "host = db.example\n"
               "port: 3307\n"
               "password = s3cret ; an inline comment\n"
               "socket = /run/mysqld.sock\n"
               "socket = /run/mysqld/mysqld.sock\n"
               "[log]\n"
               "file = -\n"
               "level =\n");
    ck_assert_int_eq(config_load(&c, path, 0, err, sizeof(err)), 0);
    ck_assert_str_eq(c.socket, "/tmp/x.sock");
    ck_assert_int_eq(c.workers, 8);
    ck_assert_int_eq(c.max_body, 4096);
    ck_assert_str_eq(c.db_host, "db.example");
    ck_assert_int_eq(c.db_port, 3307);
    ck_assert_str_eq(c.db_password, "s3cret");
    ck_assert_str_eq(c.db_socket, "/run/mysqld/mysqld.sock"); /* the last one wins */
    ck_assert_str_eq(c.log_file, "-");
    ck_assert_str_eq(c.log_level, "");
    /* Keys the file leaves out keep their defaults. */
    ck_assert_str_eq(c.pid_file, "var/run/trellis-fcgi.pid");
    ck_assert_int_eq(c.max_requests, 10000);
    ck_assert_str_eq(c.db_user, "trellis");
    ck_assert_str_eq(c.templates_dir, "templates");
    config_release(&c);
    unlink(path);
}
END_TEST

static const struct bad_file {
    const char *text;
    const char *want; /* after "path:" */
} bad_files[] = {
    {"[server]\nworkers = 2\n\n[db]\nnope = 1\n", "5: unknown key 'nope' in [db]"},
    {"[bogus]\nx = 1\n", "2: unknown key 'x' in [bogus]"},
    {"workers = 2\n", "1: unknown key 'workers' in []"},
    {"[Server]\nworkers = 2\n", "2: unknown key 'workers' in [Server]"},
    {"[server]\nworkers = abc\n",
     "2: bad value 'abc' for 'workers' in [server]: expected a non-negative integer"},
    {"[server]\n\nbacklog = -1\n",
     "3: bad value '-1' for 'backlog' in [server]: expected a non-negative integer"},
    {"[server]\nbacklog = +5\n", "2: bad value '+5' for 'backlog'"},
    {"[server]\nbacklog = 5x\n", "2: bad value '5x' for 'backlog'"},
    {"[server]\nbacklog = 1.5\n", "2: bad value '1.5' for 'backlog'"},
    {"[server]\nbacklog =\n", "2: bad value '' for 'backlog'"},
    {"[db]\nport = 99999999999999999999999\n", "2: bad value '99999999999999999999999'"},
    {"[server]\nworkers\n", "2: expected 'name = value' or '[section]'"},
    /* inih reads an indented line as the continuation of the value above. */
    {"[server]\nworkers = 2\n  backlog = 5\n", "3: bad value 'backlog = 5' for 'workers'"},
    {"[server\nworkers = 1\n", "1: expected 'name = value' or '[section]'"},
    /* The first error is the one reported. */
    {"[server]\nworkers\n[db]\nnope = 1\n", "2: expected 'name = value' or '[section]'"},
    {"[db]\nnope = 1\n[server]\nworkers\n", "2: unknown key 'nope' in [db]"},
    {"[db]\nnope = 1\nalso = 2\n", "2: unknown key 'nope' in [db]"},
};

START_TEST(test_bad_file)
{
    const struct bad_file *b = &bad_files[_i];
    struct config c;
    char path[512], err[512] = "", want[1024];

    clear_env();
    write_temp(path, sizeof(path), b->text);
    snprintf(want, sizeof(want), "%s:%s", path, b->want);
    ck_assert_int_eq(config_load(&c, path, 1, err, sizeof(err)), -1);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got '%s', want '%s'", err, want);
    ck_assert_ptr_null(c.socket);
    unlink(path);
}
END_TEST

START_TEST(test_long_line)
{
    struct config c;
    char path[512], err[512] = "", text[600], want[600];

    clear_env();
    snprintf(text, sizeof(text), "[server]\nworkers = 1\nsocket = /%0*d\n", 300, 0);
    write_temp(path, sizeof(path), text);
    ck_assert_int_eq(config_load(&c, path, 1, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:3: line longer than", path);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "got '%s'", err);
    unlink(path);
}
END_TEST

START_TEST(test_env_each_key)
{
    const struct env_key *k = &env_keys[_i];
    struct config c;
    char err[256] = "";

    clear_env();
    setenv(k->var, k->set, 1);
    ck_assert_int_eq(config_load(&c, NULL, 0, err, sizeof(err)), 0);
    if (k->is_long)
        ck_assert_int_eq(field_long(&c, k->off), strtol(k->set, NULL, 10));
    else
        ck_assert_str_eq(field_str(&c, k->off), k->set);
    config_release(&c);
    unsetenv(k->var);
}
END_TEST

START_TEST(test_env_beats_file)
{
    struct config c;
    char path[512], err[256] = "";

    clear_env();
    write_temp(path, sizeof(path), "[server]\nworkers = 8\n[db]\nsocket = /file.sock\nuser = f\n");
    setenv("TRELLIS_SERVER_WORKERS", "3", 1);
    setenv("TRELLIS_DB_SOCKET", "/env.sock", 1);
    ck_assert_int_eq(config_load(&c, path, 0, err, sizeof(err)), 0);
    ck_assert_int_eq(c.workers, 3);
    ck_assert_str_eq(c.db_socket, "/env.sock");
    ck_assert_str_eq(c.db_user, "f");
    config_release(&c);
    clear_env();
    unlink(path);
}
END_TEST

START_TEST(test_env_bad_integer)
{
    struct config c;
    char err[256] = "";

    clear_env();
    setenv("TRELLIS_DB_PORT", "33o6", 1);
    ck_assert_int_eq(config_load(&c, NULL, 0, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "TRELLIS_DB_PORT: bad value '33o6': expected a non-negative integer");
    ck_assert_ptr_null(c.db_host);
    clear_env();
}
END_TEST

START_TEST(test_set)
{
    struct config c;

    config_defaults(&c);
    ck_assert_int_eq(config_set(&c, "db", "host", "a"), 0);
    ck_assert_int_eq(config_set(&c, "db", "host", "b"), 0); /* the old one is freed */
    ck_assert_str_eq(c.db_host, "b");
    ck_assert_int_eq(config_set(&c, "server", "max_requests", "0"), 0);
    ck_assert_int_eq(c.max_requests, 0);
    ck_assert_int_eq(config_set(&c, "server", "max_requests", "-3"), -1);
    ck_assert_int_eq(config_set(&c, "server", "max_requests", " 3"), -1);
    ck_assert_int_eq(c.max_requests, 0);
    ck_assert_int_eq(config_set(&c, "server", "nope", "1"), -1);
    ck_assert_int_eq(config_set(&c, "db", "workers", "1"), -1);
    ck_assert_int_eq(config_set(&c, "", "host", "x"), -1);
    ck_assert_str_eq(c.db_host, "b");
    config_release(&c);
}
END_TEST

Suite *config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_missing_file);
    tcase_add_test(tc, test_file);
    tcase_add_loop_test(tc, test_bad_file, 0, sizeof(bad_files) / sizeof(bad_files[0]));
    tcase_add_test(tc, test_long_line);
    tcase_add_loop_test(tc, test_env_each_key, 0, NENV);
    tcase_add_test(tc, test_env_beats_file);
    tcase_add_test(tc, test_env_bad_integer);
    tcase_add_test(tc, test_set);
    suite_add_tcase(s, tc);
    return s;
}
