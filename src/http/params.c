/* Path and query parameters: validated once here, so handlers bind only clean values. */
#include "http/params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "http/problem.h"
#include "http/request.h"

int params_id(const char *s, int64_t *id)
{
    char *end;
    long long v;

    if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 19)
        return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v <= 0)
        return -1;
    *id = v;
    return 0;
}

int params_path_id(const struct req *r, const char *name, int64_t *id)
{
    return params_id(req_param(r, name), id);
}

static int clean_text(const char *s, size_t n)
{
    return utf8_valid(s, n) && !utf8_has_control(s, n);
}

int params_query_str(struct req *r, const char *name, size_t max, const char **out)
{
    const char *v = req_query(r, name);
    size_t n = v ? strlen(v) : 0;

    *out = NULL;
    if (!n)
        return 0;
    if (n > max || !clean_text(v, n)) {
        field_errors_add(r->ar, &r->field_errors, name,
                         "must be UTF-8 text of at most %zu bytes without control characters", max);
        return problem(r, PROB_VALIDATION, "the query parameter '%s' is not valid", name);
    }
    *out = v;
    return 0;
}

int params_query_id(struct req *r, const char *name, int64_t *out)
{
    const char *v = req_query(r, name);

    *out = 0;
    if (!v || !*v)
        return 0;
    if (params_id(v, out) != 0) {
        field_errors_add(r->ar, &r->field_errors, name, "must be a positive integer");
        return problem(r, PROB_VALIDATION, "the query parameter '%s' is not valid", name);
    }
    return 0;
}
