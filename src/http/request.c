/* Request accessors and response builders over the request arena. */
#include "http/request.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "http/problem.h"

static const struct {
    enum http_method m;
    const char *name;
} methods[] = {
    {HTTP_GET, "GET"},     {HTTP_HEAD, "HEAD"},     {HTTP_POST, "POST"},       {HTTP_PUT, "PUT"},
    {HTTP_PATCH, "PATCH"}, {HTTP_DELETE, "DELETE"}, {HTTP_OPTIONS, "OPTIONS"},
};

enum http_method http_method_parse(const char *s)
{
    for (size_t i = 0; s && i < sizeof(methods) / sizeof(methods[0]); i++)
        if (strcmp(s, methods[i].name) == 0)
            return methods[i].m;
    return HTTP_OTHER;
}

const char *http_method_name(enum http_method m)
{
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (methods[i].m == m)
            return methods[i].name;
    return "OTHER";
}

const char *http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 423:
        return "Locked";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "Unknown";
    }
}

const char *req_env(const struct req *r, const char *name)
{
    size_t n = strlen(name);

    for (char **e = r->env; e && *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
            return *e + n + 1;
    return NULL;
}

const char *req_header(const struct req *r, const char *name)
{
    char key[128];
    size_t i = 0, n = strlen(name);

    for (int j = 0; j < r->nhdr_over; j++)
        if (strcasecmp(r->hdr_over[j].key, name) == 0)
            return r->hdr_over[j].val;

    /* FastCGI passes headers as HTTP_NAME, except the two CGI promoted */
    if (strcasecmp(name, "Content-Type") == 0)
        return req_env(r, "CONTENT_TYPE");
    if (strcasecmp(name, "Content-Length") == 0)
        return req_env(r, "CONTENT_LENGTH");
    if (n + 6 > sizeof(key))
        return NULL;
    memcpy(key, "HTTP_", 5);
    for (i = 0; i < n; i++)
        key[5 + i] = name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
    key[5 + n] = '\0';
    return req_env(r, key);
}

void req_set_header(struct req *r, const char *name, const char *value)
{
    struct kv *nv;

    for (int j = 0; j < r->nhdr_over; j++)
        if (strcasecmp(r->hdr_over[j].key, name) == 0) {
            r->hdr_over[j].val = value;
            return;
        }
    nv = arena_alloc(r->ar, sizeof(*nv) * (size_t)(r->nhdr_over + 1));
    if (r->nhdr_over)
        memcpy(nv, r->hdr_over, sizeof(*nv) * (size_t)r->nhdr_over);
    nv[r->nhdr_over].key = arena_strdup(r->ar, name);
    nv[r->nhdr_over].val = value;
    r->hdr_over = nv;
    r->nhdr_over++;
}

const char *req_form(const struct req *r, const char *name)
{
    return kv_get(r->form, r->nform, name);
}

const char *req_query(const struct req *r, const char *key)
{
    return kv_get(r->query_params, r->nquery, key);
}

const char *req_param(const struct req *r, const char *name)
{
    for (int i = 0; i < r->nparams; i++)
        if (strcmp(r->param_names[i], name) == 0)
            return r->param_vals[i];
    return NULL;
}

static void parse_cookies(struct req *r)
{
    const char *h = req_header(r, "Cookie");
    int cap = 8;

    r->cookies_parsed = 1;
    if (!h)
        return;
    r->cookies = arena_alloc(r->ar, sizeof(*r->cookies) * (size_t)cap);
    while (*h) {
        while (*h == ' ' || *h == ';')
            h++;
        const char *eq = strchr(h, '='), *end = strchr(h, ';');
        if (!end)
            end = h + strlen(h);
        if (eq && eq < end && eq > h) {
            if (r->ncookies == cap) {
                struct kv *nv = arena_alloc(r->ar, sizeof(*nv) * (size_t)cap * 2);
                memcpy(nv, r->cookies, sizeof(*nv) * (size_t)cap);
                r->cookies = nv;
                cap *= 2;
            }
            const char *v = eq + 1, *ve = end;
            if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
                v++;
                ve--;
            }
            r->cookies[r->ncookies].key = arena_strndup(r->ar, h, (size_t)(eq - h));
            r->cookies[r->ncookies].val = arena_strndup(r->ar, v, (size_t)(ve - v));
            r->ncookies++;
        }
        h = end;
    }
}

const char *req_cookie(struct req *r, const char *name)
{
    if (!r->cookies_parsed)
        parse_cookies(r);
    return kv_get(r->cookies, r->ncookies, name);
}

int http_is_json_type(const char *ct)
{
    size_t n;

    if (!ct)
        return 0;
    n = strcspn(ct, "; \t");
    if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
        return 1;
    /* application/problem+json, application/merge-patch+json … */
    return n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
           strncasecmp(ct + n - 5, "+json", 5) == 0;
}

int http_is_form_type(const char *ct)
{
    return ct && strcspn(ct, "; \t") == 33 &&
           strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

int http_is_csv_type(const char *ct)
{
    return ct && strcspn(ct, "; \t") == 8 && strncasecmp(ct, "text/csv", 8) == 0;
}

int req_json_body(struct req *r, struct json_object **out)
{
    char msg[128];
    int rc;

    if (!http_is_json_type(req_header(r, "Content-Type")))
        return problem(r, PROB_UNSUPPORTED_MEDIA, "the body must be application/json");
    rc = json_parse(r->ar, r->body ? r->body : "", r->body_len, out, msg, sizeof(msg));
    if (rc == JSON_EEMPTY)
        return problem(r, PROB_MALFORMED_JSON, "a JSON body is required");
    if (rc)
        return problem(r, PROB_MALFORMED_JSON, "%s", msg);
    return 0;
}

void resp_header(struct req *r, const char *name, const char *fmt, ...)
{
    va_list ap;

    sb_adds(&r->headers, name);
    sb_adds(&r->headers, ": ");
    va_start(ap, fmt);
    sb_vprintf(&r->headers, fmt, ap);
    va_end(ap);
    sb_adds(&r->headers, "\r\n");
}

int resp_json(struct req *r, int status, struct json_object *obj)
{
    size_t n;
    const char *s = json_object_to_json_string_length(
        obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);

    sb_clear(&r->body_out);
    sb_add(&r->body_out, s, n);
    r->status = status;
    r->content_type = "application/json";
    return status;
}

int resp_text(struct req *r, int status, const char *content_type, const char *s, size_t n)
{
    sb_clear(&r->body_out);
    sb_add(&r->body_out, s, n);
    r->status = status;
    r->content_type = content_type;
    return status;
}
