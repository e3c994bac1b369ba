/* Operations endpoints: /healthz (process), /readyz (database), /metrics (Prometheus). */
#include "sys/sys_http.h"

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/config.h"
#include "core/yaml.h"
#include "db/db.h"
#include "db/queries.h"
#include "http/metrics.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/routes.h"

static char *openapi_json;
static size_t openapi_len;

int sys_http_load(const struct config *cfg, char *err, size_t errlen)
{
    FILE *f = fopen(cfg->openapi_file, "rb");
    struct json_object *doc;
    char *buf, msg[256];
    long n;
    size_t len;
    const char *s;

    if (!f) {
        snprintf(err, errlen, "%s: cannot open", cfg->openapi_file);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
        !(buf = malloc((size_t)n + 1))) {
        fclose(f);
        snprintf(err, errlen, "%s: cannot read", cfg->openapi_file);
        return -1;
    }
    len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    if (yaml_to_json(buf, len, &doc, msg, sizeof(msg)) != 0) {
        free(buf);
        snprintf(err, errlen, "%s: %s", cfg->openapi_file, msg);
        return -1;
    }
    free(buf);
    s = json_object_to_json_string_length(
        doc, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    sys_http_unload();
    openapi_json = strndup(s, len);
    openapi_len = len;
    json_object_put(doc);
    if (!openapi_json)
        abort();
    return 0;
}

void sys_http_unload(void)
{
    free(openapi_json);
    openapi_json = NULL;
    openapi_len = 0;
}

int sys_http_openapi(struct req *r)
{
    if (!openapi_json)
        return problem(r, PROB_INTERNAL, "the OpenAPI document was not loaded");
    return resp_text(r, 200, "application/json", openapi_json, openapi_len);
}

int sys_http_healthz(struct req *r)
{
    static const char ok[] = "{\"status\":\"ok\"}";

    return resp_text(r, 200, "application/json", ok, sizeof(ok) - 1);
}

int sys_http_readyz(struct req *r)
{
    static const char ok[] = "{\"status\":\"ready\",\"database\":\"ok\"}";

    struct db_res res;
    /* a registered statement, not just COM_PING: proves statements prepare after a reconnect */
    int rc = db_exec(r->db, r->ar, &Q_SELECT_ONE, 0, &res);

    if (rc != 0 || res.nrows != 1)
        return problem_db(r, rc ? rc : DB_ERR, "readiness check");
    return resp_text(r, 200, "application/json", ok, sizeof(ok) - 1);
}

int sys_http_metrics(struct req *r)
{
    sb_clear(&r->body_out);
    metrics_render(&r->body_out, routes, routes_count);
    r->status = 200;
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return 200;
}

#ifdef TRELLIS_TEST_ROUTES
int sys_http_echo(struct req *r)
{
    struct json_object *body, *out, *tags = NULL, *meta = NULL;
    const char *name = NULL, *amount = NULL;
    int64_t count = 0;
    int has_count = 0, active = 0;
    const struct jfield fields[] = {
        {"name", JF_STRING, JF_REQUIRED, &name, NULL, 100},
        {"count", JF_INT, 0, &count, &has_count, 0},
        {"amount", JF_DECIMAL, 0, &amount, NULL, 0},
        {"active", JF_BOOL, 0, &active, NULL, 0},
        {"tags", JF_ARRAY, 0, &tags, NULL, 0},
        {"meta", JF_OBJECT, JF_NULLABLE, &meta, NULL, 0},
    };
    int rc = req_json_body(r, &body);

    if (rc)
        return rc;
    if (!json_object_is_type(body, json_type_object))
        return problem(r, PROB_VALIDATION, "the body must be a JSON object");
    if (json_read_fields(r->ar, body, fields, sizeof(fields) / sizeof(fields[0]), &r->field_errors))
        return problem(r, PROB_VALIDATION, "the body has %zu invalid fields", r->field_errors.n);
    out = json_arena_own(r->ar, json_object_new_object());
    json_object_object_add(out, "name", json_object_new_string(name));
    if (has_count)
        json_object_object_add(out, "count", json_object_new_int64(count));
    if (amount)
        json_object_object_add(out, "amount", json_object_new_string(amount));
    json_object_object_add(out, "active", json_object_new_boolean(active));
    return resp_json(r, 200, out);
}

int sys_http_open_tx(struct req *r)
{
    int rc = db_begin(r->db);

    if (rc)
        return problem_db(r, rc, "open-tx");
    return resp_json(r, 200, json_arena_own(r->ar, json_object_new_object()));
}

int sys_http_sleep(struct req *r)
{
    const char *ms = req_query(r, "ms");
    char *end;
    long v = ms ? strtol(ms, &end, 10) : -1;
    struct timespec ts;
    struct json_object *out;

    if (!ms || *end || v < 0 || v > 5000) {
        field_errors_add(r->ar, &r->field_errors, "ms", "must be an integer from 0 to 5000");
        return problem(r, PROB_VALIDATION, "'ms' is out of range");
    }
    ts.tv_sec = v / 1000;
    ts.tv_nsec = (v % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0)
        ;
    out = json_arena_own(r->ar, json_object_new_object());
    json_object_object_add(out, "slept_ms", json_object_new_int64(v));
    return resp_json(r, 200, out);
}
#endif
