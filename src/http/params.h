/* Typed reading of path captures and query parameters, with 400s that name the parameter. */
#ifndef HTTP_PARAMS_H
#define HTTP_PARAMS_H

#include <stddef.h>
#include <stdint.h>

struct req;

/* A positive decimal id ("42": digits only, no sign, at most INT64_MAX). 0, or -1. */
int params_id(const char *s, int64_t *id);

/*
 * The path capture name as an id; -1 when it is not one (handlers answer 404: a
 * malformed id names no resource).
 */
int params_path_id(const struct req *r, const char *name, int64_t *id);

/*
 * Optional query parameter name as text: *out is NULL when absent or empty, else valid
 * UTF-8 of at most max bytes without control characters. Returns 0, or renders 400
 * naming the parameter and returns its status.
 */
int params_query_str(struct req *r, const char *name, size_t max, const char **out);

/* Optional query parameter name as an id: *out is 0 when absent or empty. As above. */
int params_query_id(struct req *r, const char *name, int64_t *out);

#endif
