/*
 * Who a token names (role, status checks passed, flags, names), kept by each worker between
 * requests so most requests skip the principal query. A cached answer is used only while
 * the tenant's change counter is what it was when the answer was read, and for at most
 * ttl seconds: a write through the API is seen by every worker at once, a change made
 * outside it (SQL by hand, another host) within ttl.
 */
#ifndef IDENTITY_PRINCIPAL_H
#define IDENTITY_PRINCIPAL_H

#include <stdint.h>

/* Maps the counters all workers share; once, in the master, before fork. Returns 0 or -1. */
int principal_init(void);

/* After a commit that may change a tenant's users, memberships, organizations or itself. */
void principal_changed(int64_t tenant_id);

/* tenant_id's counter now. Read it before asking the database, store the answer under it. */
uint64_t principal_epoch(int64_t tenant_id);

/*
 * The counter and the monotonic clock in seconds, read together before the queries whose
 * answers a worker keeps (the pricing memo, the coverage cache).
 */
void principal_stamp(int64_t tenant_id, uint64_t *epoch, double *now);

struct principal {
    const char *role, *org_type, *email, *tenant_slug, *tenant_name, *org_name; /* or NULL */
    unsigned flags;
};

/*
 * 1 with *out (strings owned by the cache until the next principal_put) when the answer
 * for (tenant, user, org) was stored under epoch less than ttl seconds before now; else 0.
 */
int principal_get(int64_t tenant_id, int64_t user_id, int64_t org_id, uint64_t epoch, double now,
                  double ttl, struct principal *out);

/* Stores an active principal read under epoch at now. Returns 0, or -1 without memory. */
int principal_put(int64_t tenant_id, int64_t user_id, int64_t org_id, uint64_t epoch, double now,
                  const struct principal *p);

/*
 * The caller's memberships as JSON text kept beside its cached principal (GET /v1/me), or
 * NULL. principal_set_memberships stores them only when the principal entry is still the
 * one read under epoch; returns 1 when stored, else 0.
 */
const char *principal_memberships(int64_t tenant_id, int64_t user_id, int64_t org_id,
                                  uint64_t epoch, double now, double ttl);
int principal_set_memberships(int64_t tenant_id, int64_t user_id, int64_t org_id, uint64_t epoch,
                              const char *json);

/* Forgets every entry (tests; a worker starts empty). */
void principal_flush(void);

#endif
