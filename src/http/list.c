/* Keyset pagination with opaque cursors, and optimistic concurrency with ETag/If-Match. */
#include "http/list.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <sodium.h>

#include "http/problem.h"
#include "http/request.h"

/* A cursor is "c1:<id>" in base64url: opaque to clients, versioned for us. */
static const char *encode_cursor(struct req *r, int64_t id)
{
    char raw[32], *out;
    int n = snprintf(raw, sizeof(raw), "c1:%lld", (long long)id);
    size_t cap = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

    out = arena_alloc(r->ar, cap);
    sodium_bin2base64(out, cap, (const unsigned char *)raw, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

static int decode_cursor(const char *c, int64_t *id)
{
    char raw[32];
    size_t n;
    char *end;
    long long v;

    if (strlen(c) > 40 ||
        sodium_base642bin((unsigned char *)raw, sizeof(raw) - 1, c, strlen(c), NULL, &n, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    raw[n] = '\0';
    if (strncmp(raw, "c1:", 3) != 0)
        return -1;
    errno = 0;
    v = strtoll(raw + 3, &end, 10);
    if (errno || *end || v <= 0)
        return -1;
    *id = v;
    return 0;
}

int list_params(struct req *r, int *limit, int64_t *after)
{
    const char *l = req_query(r, "limit"), *c = req_query(r, "cursor");
    char *end;

    *limit = LIST_DEFAULT_LIMIT;
    *after = 0;
    if (l) {
        long v = strtol(l, &end, 10);
        if (!*l || *end || v < 1 || v > LIST_MAX_LIMIT) {
            field_errors_add(r->ar, &r->field_errors, "limit", "must be an integer from 1 to %d",
                             LIST_MAX_LIMIT);
            return problem(r, PROB_VALIDATION, "'limit' is out of range");
        }
        *limit = (int)v;
    }
    if (c && decode_cursor(c, after) != 0) {
        field_errors_add(r->ar, &r->field_errors, "cursor", "is not a cursor this API gave");
        return problem(r, PROB_VALIDATION, "'cursor' is not valid");
    }
    return 0;
}

int list_finish(struct req *r, struct json_object *data, const int64_t *ids, int limit)
{
    struct json_object *out = json_arena_own(r->ar, json_object_new_object());
    int n = (int)json_object_array_length(data);

    if (n > limit) {
        json_object_array_del_idx(data, (size_t)limit, (size_t)(n - limit));
        json_object_object_add(out, "data", data);
        json_object_object_add(out, "next_cursor",
                               json_object_new_string(encode_cursor(r, ids[limit - 1])));
    } else {
        json_object_object_add(out, "data", data);
        json_object_object_add(out, "next_cursor", NULL);
    }
    return resp_json(r, 200, out);
}

void resp_etag(struct req *r, int64_t version)
{
    resp_header(r, "ETag", "\"%lld\"", (long long)version);
}

int check_if_match(struct req *r, int64_t version)
{
    const char *h = req_header(r, "If-Match");
    char want[32];

    if (!h || strcmp(h, "*") == 0)
        return 0;
    snprintf(want, sizeof(want), "\"%lld\"", (long long)version);
    /* a weak validator (W/"3") names the same version for our purposes */
    if (strncmp(h, "W/", 2) == 0)
        h += 2;
    if (strcmp(h, want) != 0)
        return problem(r, PROB_PRECONDITION_FAILED,
                       "If-Match %s does not match the current version %s", h, want);
    return 0;
}
