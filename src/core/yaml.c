/* YAML to json-c through libyaml's event parser. */
#include "core/yaml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <yaml.h>

#define YAML_MAX_DEPTH 128

static int is_int(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static struct json_object *plain_scalar(const char *s)
{
    char *end;

    if (!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
        return NULL;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
        return json_object_new_boolean(1);
    if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
        return json_object_new_boolean(0);
    if (is_int(s)) {
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (!errno && !*end)
            return json_object_new_int64(v);
    }
    if (strspn(s, "+-0123456789.eE") == strlen(s) && strchr("+-.0123456789", s[0])) {
        double d = strtod(s, &end);
        if (!*end && end != s)
            return json_object_new_double(d);
    }
    return json_object_new_string(s);
}

/* Parses the next node; *node gets NULL for a YAML null. Returns 0 or -1. */
static int parse_node(yaml_parser_t *p, yaml_event_t *ev, struct json_object **node, int depth,
                      char *err, size_t errlen)
{
    *node = NULL;
    if (depth > YAML_MAX_DEPTH) {
        snprintf(err, errlen, "line %zu: nested too deeply", ev->start_mark.line + 1);
        return -1;
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT: {
        const char *v = (const char *)ev->data.scalar.value;
        *node = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                    ? plain_scalar(v)
                    : json_object_new_string_len(v, (int)ev->data.scalar.length);
        return 0;
    }
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        int is_map = ev->type == YAML_MAPPING_START_EVENT;
        struct json_object *c = is_map ? json_object_new_object() : json_object_new_array();
        for (;;) {
            yaml_event_t e, ve;
            struct json_object *child;
            if (!yaml_parser_parse(p, &e))
                goto parse_error;
            if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) {
                yaml_event_delete(&e);
                break;
            }
            if (!is_map) {
                int rc = parse_node(p, &e, &child, depth + 1, err, errlen);
                yaml_event_delete(&e);
                if (rc) {
                    json_object_put(c);
                    return -1;
                }
                json_object_array_add(c, child);
                continue;
            }
            if (e.type != YAML_SCALAR_EVENT) {
                snprintf(err, errlen, "line %zu: mapping keys must be scalars",
                         e.start_mark.line + 1);
                yaml_event_delete(&e);
                json_object_put(c);
                return -1;
            }
            char *key = strdup((const char *)e.data.scalar.value);
            yaml_event_delete(&e);
            if (!key)
                abort();
            if (!yaml_parser_parse(p, &ve)) {
                free(key);
                goto parse_error;
            }
            int rc = parse_node(p, &ve, &child, depth + 1, err, errlen);
            yaml_event_delete(&ve);
            if (rc) {
                free(key);
                json_object_put(c);
                return -1;
            }
            json_object_object_add(c, key, child);
            free(key);
            continue;
        parse_error:
            snprintf(err, errlen, "line %zu: %s", p->problem_mark.line + 1,
                     p->problem ? p->problem : "syntax error");
            json_object_put(c);
            return -1;
        }
        *node = c;
        return 0;
    }
    case YAML_ALIAS_EVENT:
        snprintf(err, errlen, "line %zu: aliases are not supported", ev->start_mark.line + 1);
        return -1;
    default:
        snprintf(err, errlen, "line %zu: unexpected YAML event", ev->start_mark.line + 1);
        return -1;
    }
}

int yaml_to_json(const char *buf, size_t len, struct json_object **out, char *err, size_t errlen)
{
    yaml_parser_t p;
    yaml_event_t ev;
    int rc = -1;

    *out = NULL;
    if (!yaml_parser_initialize(&p))
        abort();
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    /* stream start, document start, then the root node */
    for (;;) {
        if (!yaml_parser_parse(&p, &ev)) {
            snprintf(err, errlen, "line %zu: %s", p.problem_mark.line + 1,
                     p.problem ? p.problem : "syntax error");
            goto out;
        }
        if (ev.type == YAML_STREAM_START_EVENT || ev.type == YAML_DOCUMENT_START_EVENT) {
            yaml_event_delete(&ev);
            continue;
        }
        break;
    }
    if (ev.type == YAML_STREAM_END_EVENT) {
        snprintf(err, errlen, "line 1: empty document");
        yaml_event_delete(&ev);
        goto out;
    }
    rc = parse_node(&p, &ev, out, 0, err, errlen);
    yaml_event_delete(&ev);
out:
    yaml_parser_delete(&p);
    return rc;
}
