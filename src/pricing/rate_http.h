/*
 * What FX rates and tax rates share over HTTP: a rate is created, read and deleted, never
 * changed (a wrong one is deleted and made again); each write is audited and queues
 * price.updated {change, <kind>_id, <kind>}.
 */
#ifndef PRICING_RATE_HTTP_H
#define PRICING_RATE_HTTP_H

#include <stdint.h>

struct arena;
struct db_query;
struct db_res;
struct json_object;
struct req;

struct rate_kind {
    const char *name;  /* "fx_rate": the audit entity, the event's key and change prefix */
    const char *label; /* "FX rate", in messages */
    const char *path;  /* "/v1/fx-rates" */
    const struct db_query *get, *lock, *del; /* by (tenant, id) */
    /* one row as the API shows it; the caller owns it */
    struct json_object *(*json)(struct arena *ar, const struct db_res *res, int row);
};

/* 404 naming the kind and the path. */
int rate_not_found(struct req *r, const struct rate_kind *k);

/* GET .../{id}. */
int rate_http_get(struct req *r, const struct rate_kind *k);

/* DELETE .../{id}: 204, audited, with its event. */
int rate_http_delete(struct req *r, const struct rate_kind *k);

/*
 * The end of a create, inside the caller's transaction after its insert of id: read the
 * row back, queue the event, write the audit row, commit, answer 201 with Location.
 */
int rate_http_created(struct req *r, const struct rate_kind *k, int64_t id);

#endif
