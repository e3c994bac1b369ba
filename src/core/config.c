/* Runtime configuration: defaults, then the INI file, then TRELLIS_* variables. */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

enum cfg_type { CFG_STR, CFG_LONG };

struct cfg_key {
    const char *section;
    const char *name;
    enum cfg_type type;
    size_t off;
    const char *def; /* parsed like any other value, longs included */
};

#define OFF(field) offsetof(struct config, field)

static const struct cfg_key cfg_keys[] = {
    {"server", "socket", CFG_STR, OFF(socket), "var/run/trellis.sock"},
    {"server", "pid_file", CFG_STR, OFF(pid_file), "var/run/trellis-fcgi.pid"},
    {"server", "workers", CFG_LONG, OFF(workers), "0"},
    {"server", "max_requests", CFG_LONG, OFF(max_requests), "10000"},
    {"server", "max_body", CFG_LONG, OFF(max_body), "1048576"},
    {"server", "backlog", CFG_LONG, OFF(backlog), "1024"},
    {"server", "shutdown_timeout", CFG_LONG, OFF(shutdown_timeout), "30"},
    {"server", "public_url", CFG_STR, OFF(public_url), ""},
    {"db", "host", CFG_STR, OFF(db_host), "127.0.0.1"},
    {"db", "port", CFG_LONG, OFF(db_port), "3306"},
    {"db", "socket", CFG_STR, OFF(db_socket), ""},
    {"db", "user", CFG_STR, OFF(db_user), "trellis"},
    {"db", "password", CFG_STR, OFF(db_password), ""},
    {"db", "name", CFG_STR, OFF(db_name), "trellis"},
    {"log", "file", CFG_STR, OFF(log_file), ""},
    {"log", "level", CFG_STR, OFF(log_level), "info"},
    {"paths", "migrations_dir", CFG_STR, OFF(migrations_dir), "sql/migrations"},
    {"paths", "templates_dir", CFG_STR, OFF(templates_dir), "templates"},
    {"paths", "openapi_file", CFG_STR, OFF(openapi_file), "docs/openapi.yaml"},
    {"auth", "jwt_secret", CFG_STR, OFF(jwt_secret), ""},
    {"auth", "jwt_kid", CFG_STR, OFF(jwt_kid), "k1"},
    {"auth", "jwt_previous_secret", CFG_STR, OFF(jwt_previous_secret), ""},
    {"auth", "jwt_previous_kid", CFG_STR, OFF(jwt_previous_kid), ""},
    {"auth", "issuer", CFG_STR, OFF(issuer), "trellis"},
    {"auth", "access_ttl", CFG_LONG, OFF(access_ttl), "900"},
    {"auth", "refresh_ttl", CFG_LONG, OFF(refresh_ttl), "2592000"},
    {"auth", "principal_ttl", CFG_LONG, OFF(principal_ttl), "1"},
    {"pricing", "cache_ttl", CFG_LONG, OFF(cache_ttl), "60"},
    {"service", "cache_ttl", CFG_LONG, OFF(service_cache_ttl), "60"},
};

#define NKEYS (sizeof(cfg_keys) / sizeof(cfg_keys[0]))

enum { CFG_EUNKNOWN = -1, CFG_EVALUE = -2 };

static void cfg_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void cfg_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || !errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static const struct cfg_key *cfg_find(const char *section, const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(cfg_keys[i].section, section) == 0 && strcmp(cfg_keys[i].name, name) == 0)
            return &cfg_keys[i];
    return NULL;
}

static int cfg_apply(struct config *c, const struct cfg_key *k, const char *value)
{
    void *field = (char *)c + k->off;

    if (k->type == CFG_LONG) {
        char *end;
        long v;

        /* strtol alone would take " 5", "+5", "-5" and "5x". */
        if (!isdigit((unsigned char)value[0]))
            return CFG_EVALUE;
        errno = 0;
        v = strtol(value, &end, 10);
        if (errno || *end)
            return CFG_EVALUE;
        *(long *)field = v;
        return 0;
    }

    char *s = strdup(value);
    if (!s) {
        fputs("config: out of memory\n", stderr);
        abort();
    }
    free(*(char **)field);
    *(char **)field = s;
    return 0;
}

int config_set(struct config *c, const char *section, const char *name, const char *value)
{
    const struct cfg_key *k = cfg_find(section, name);

    return k && cfg_apply(c, k, value) == 0 ? 0 : -1;
}

void config_defaults(struct config *c)
{
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < NKEYS; i++)
        cfg_apply(c, &cfg_keys[i], cfg_keys[i].def);
}

void config_release(struct config *c)
{
    for (size_t i = 0; i < NKEYS; i++) {
        if (cfg_keys[i].type == CFG_STR) {
            char **field = (char **)((char *)c + cfg_keys[i].off);
            free(*field);
            *field = NULL;
        }
    }
}

struct cfg_parse {
    struct config *c;
    FILE *fp;
    int line; /* physical line of the text inih is looking at */
    int next_line;
    int err_line; /* first error found here (0: none); inih finds syntax errors */
    char err[256];
};

/* Our own reader, so the handler knows the line it was called for. */
static char *cfg_read(char *str, int num, void *stream)
{
    struct cfg_parse *p = stream;
    size_t len;
    int ch;

    if (!fgets(str, num, p->fp))
        return NULL;
    p->line = p->next_line;
    len = strlen(str);
    if (len && str[len - 1] == '\n') {
        p->next_line++;
    } else if ((ch = getc(p->fp)) != EOF) {
        /* inih would take the rest of the line for the next one. */
        ungetc(ch, p->fp);
        if (!p->err_line) {
            p->err_line = p->line;
            snprintf(p->err, sizeof(p->err), "line longer than %d bytes", num - 2);
        }
    }
    return str;
}

static int cfg_handler(void *user, const char *section, const char *name, const char *value)
{
    struct cfg_parse *p = user;
    const struct cfg_key *k = cfg_find(section, name);
    int rc = k ? cfg_apply(p->c, k, value) : CFG_EUNKNOWN;

    if (rc == 0)
        return 1;
    if (!p->err_line) {
        p->err_line = p->line;
        if (rc == CFG_EUNKNOWN)
            snprintf(p->err, sizeof(p->err), "unknown key '%s' in [%s]", name, section);
        else
            snprintf(p->err, sizeof(p->err),
                     "bad value '%s' for '%s' in [%s]: expected a non-negative integer", value,
                     name, section);
    }
    return 0;
}

static int cfg_load_file(struct config *c, const char *path, int allow_missing, char *err,
                         size_t errlen)
{
    struct cfg_parse p = {.c = c, .next_line = 1};
    int rc;

    p.fp = fopen(path, "r");
    if (!p.fp) {
        if (errno == ENOENT && allow_missing)
            return 0;
        cfg_err(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    rc = ini_parse_stream(cfg_read, &p, cfg_handler, &p);
    fclose(p.fp);
    if (rc == 0 && !p.err_line)
        return 0;
    /* inih counts lines as we do until the first over-long one, which we report. */
    if (p.err_line && (rc <= 0 || p.err_line <= rc))
        cfg_err(err, errlen, "%s:%d: %s", path, p.err_line, p.err);
    else if (rc > 0)
        cfg_err(err, errlen, "%s:%d: expected 'name = value' or '[section]'", path, rc);
    else
        cfg_err(err, errlen, "%s: out of memory", path);
    return -1;
}

static int cfg_load_env(struct config *c, char *err, size_t errlen)
{
    for (size_t i = 0; i < NKEYS; i++) {
        const struct cfg_key *k = &cfg_keys[i];
        char var[64], *v;
        int n = snprintf(var, sizeof(var), "TRELLIS_%s_%s", k->section, k->name);

        for (int j = 0; j < n; j++)
            var[j] = (char)toupper((unsigned char)var[j]);
        v = getenv(var);
        if (v && cfg_apply(c, k, v) != 0) {
            cfg_err(err, errlen, "%s: bad value '%s': expected a non-negative integer", var, v);
            return -1;
        }
    }
    return 0;
}

int config_load(struct config *c, const char *path, int allow_missing, char *err, size_t errlen)
{
    config_defaults(c);
    if ((path && cfg_load_file(c, path, allow_missing, err, errlen)) ||
        cfg_load_env(c, err, errlen)) {
        config_release(c);
        return -1;
    }
    return 0;
}
