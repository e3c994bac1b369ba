/* Runtime configuration: an INI file (inih), each key overridable by TRELLIS_* env vars. */
#ifndef CORE_CONFIG_H
#define CORE_CONFIG_H

#include <stddef.h>

/*
 * Keys are [section] name in the file and TRELLIS_SECTION_NAME in the
 * environment (upper case), e.g. [db] socket → TRELLIS_DB_SOCKET. The
 * environment wins over the file, the file over the defaults. Strings are
 * owned by the struct and freed by config_release().
 */
struct config {
    /* [server] */
    char *socket; /* FastCGI unix socket path */
    char *pid_file;
    long workers;      /* 0: 4 per online core */
    long max_requests; /* recycle a worker after this many; 0: never */
    long max_body;     /* bytes; larger bodies answer 413 */
    long backlog;
    long shutdown_timeout; /* seconds a draining worker gets before SIGKILL */
    char *public_url;      /* "https://trellis.example": absolute links (QR labels); "": the Host */
    /* [db] */
    char *db_host;
    long db_port;
    char *db_socket; /* takes precedence over host/port when set */
    char *db_user;
    char *db_password;
    char *db_name;
    /* [log] */
    char *log_file;  /* "" or "-": stderr */
    char *log_level; /* debug|info|warn|error */
    /* [paths] */
    char *migrations_dir;
    char *templates_dir;
    char *openapi_file; /* served as /v1/openapi.json */
    /* [auth] */
    char *jwt_secret;          /* HS256 key, at least 32 bytes; signs new tokens */
    char *jwt_kid;             /* its key id, in each token's header */
    char *jwt_previous_secret; /* still accepted during a rotation; "" when none */
    char *jwt_previous_kid;
    char *issuer;
    long access_ttl;        /* seconds */
    long refresh_ttl;       /* seconds */
    long principal_ttl;     /* seconds a worker may reuse a principal read; 0: never */
    long cache_ttl;         /* seconds a worker may reuse what it read to price; 0: never */
    long service_cache_ttl; /* seconds a worker may reuse a coverage policy and tree; 0: never */
};

void config_defaults(struct config *c);
/*
 * Sets the defaults, then loads path (NULL or missing file: defaults only, when
 * allow_missing) and then the environment. Returns 0, or -1 with a message in
 * err (file:line) and c released. Do not call config_defaults() first.
 */
int config_load(struct config *c, const char *path, int allow_missing, char *err, size_t errlen);
/* Applies one key; returns 0, or -1 for an unknown key or a bad value. */
int config_set(struct config *c, const char *section, const char *name, const char *value);
void config_release(struct config *c);

#endif
