/* Lists: ?limit= and the opaque ?cursor= of keyset pagination; version ETags and If-Match. */
#ifndef HTTP_LIST_H
#define HTTP_LIST_H

#include <stdint.h>

struct json_object;
struct req;

#define LIST_DEFAULT_LIMIT 50
#define LIST_MAX_LIMIT     200

/*
 * Reads ?limit (1..200, default 50) and ?cursor (what list_finish wrote; absent: from
 * the start). On success *after is the last id of the previous page (0 at the start)
 * and returns 0; else renders 400 naming the parameter and returns its status.
 * Handlers ask the database for limit + 1 rows ordered by id, after *after.
 */
int list_params(struct req *r, int *limit, int64_t *after);

/*
 * Answers {"data": data, "next_cursor": ...}: when the page came back with limit + 1
 * rows, the extra one (the last of data) is dropped and its predecessor's id becomes
 * the cursor. ids[i] is the id of data's element i. Takes ownership of data.
 */
int list_finish(struct req *r, struct json_object *data, const int64_t *ids, int limit);

/* ETag: "<version>" on a single resource. */
void resp_etag(struct req *r, int64_t version);

/*
 * With an If-Match header that names another version, renders 412 and returns its
 * status; otherwise 0 (no header: the write goes ahead, last one wins).
 */
int check_if_match(struct req *r, int64_t version);

#endif
