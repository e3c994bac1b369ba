/*
 * What a ticket's coverage walk reads, kept by each worker between requests: the tenant's
 * coverage policy, a manufacturer's tree (its distributor_of and dealer_of relationships
 * down, whatever their window, and the organizations they name) and the walk's answers; and
 * the SLA policy that then applies. A
 * network of 2,000 dealers is 5,000 rows a ticket would read and rank otherwise. An entry is used
 * only while the tenant's change counter (identity/principal.h), which every committed API write of
 * the tenant raises, is what it was before the entry was read, and for at most ttl seconds: the
 * backstop for rows changed behind the API's back.
 */
#ifndef SERVICE_COVCACHE_H
#define SERVICE_COVCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "service/coverage.h"

/* The counter and the clock, read before the queries whose answers are kept. */
struct covcache_key {
    int64_t tenant_id;
    uint64_t epoch;
    double now, ttl; /* ttl <= 0: nothing is kept or used */
};

void covcache_begin(struct covcache_key *k, int64_t tenant_id, double ttl);

/* 1 with *p (its rules kept by the cache until the next covcache_policy_put), else 0. */
int covcache_policy_get(const struct covcache_key *k, struct coverage_policy *p);

/* Keeps a copy of *p. */
void covcache_policy_put(const struct covcache_key *k, const struct coverage_policy *p);

/* A manufacturer's tree: orgs sorted by id and unique, rels likewise. */
struct covcache_tree {
    const struct coverage_org *orgs;
    size_t norgs;
    const struct coverage_rel *rels;
    size_t nrels;
};

/* 1 with *t (kept by the cache until the next covcache_tree_put), else 0. */
int covcache_tree_get(const struct covcache_key *k, int64_t manufacturer_id,
                      struct covcache_tree *t);

/* Keeps a copy of *t under the manufacturer. */
void covcache_tree_put(const struct covcache_key *k, int64_t manufacturer_id,
                       const struct covcache_tree *t);

/*
 * A walk's answer for equipment of a manufacturer, an owner (0: none) and a region (NULL:
 * none) at time at (ms): 1 with *org_id and *provenance (kept by the cache until the next
 * covcache_walk_put) when one was kept that holds at `at`, else 0.
 */
int covcache_walk_get(const struct covcache_key *k, int64_t manufacturer_id, int64_t owner_id,
                      const char *region, int64_t at, int64_t *org_id, const char **provenance);

/*
 * Keeps the answer, which holds for any time in [valid_from, valid_to) (coverage_result);
 * a provenance over COVCACHE_WALK_MAX bytes is not kept.
 */
#define COVCACHE_WALK_MAX 16384
void covcache_walk_put(const struct covcache_key *k, int64_t manufacturer_id, int64_t owner_id,
                       const char *region, int64_t valid_from, int64_t valid_to, int64_t org_id,
                       const char *provenance);

/*
 * The stored texts of the SLA policy that applies to an org's tickets (slapol_for_org: org 0
 * the tenant's default): 1 with *id (0: none applies), *targets and *calendar (kept by the
 * cache until the next covcache_sla_put), else 0.
 */
int covcache_sla_get(const struct covcache_key *k, int64_t org_id, int64_t *id,
                     const char **targets, const char **calendar);
/* Keeps copies of the texts (NULL when id is 0). */
void covcache_sla_put(const struct covcache_key *k, int64_t org_id, int64_t id, const char *targets,
                      const char *calendar);

/* Forgets everything (tests; a worker starts empty). */
void covcache_flush(void);

#endif
