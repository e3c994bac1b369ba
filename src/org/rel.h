/* Relationships between organizations: "D1 distributor_of M1" is parent M1, child D1. */
#ifndef ORG_REL_H
#define ORG_REL_H

#include <stdint.h>

/*
 * Every char * returned here is static text or lives in the arena passed in; nothing needs
 * free(). Functions that reach the database return 0 or a DB_E* code of db/db.h.
 */
struct arena;
struct db;
struct db_res;

/*
 * The range of MariaDB's TIMESTAMP, in milliseconds since 1970: active_from and active_to
 * outside it cannot be stored (the type stops at 2038-01-19T03:14:07.999Z).
 */
#define REL_TIME_MIN_MS 1000LL
#define REL_TIME_MAX_MS 2147483647999LL

/* The relation types, NULL-terminated: distributor_of, dealer_of, supplier_of, partner_of. */
extern const char *const rel_types[];

/*
 * Pure rules (rel.c). Each returns NULL when the value is valid, else a lower-case reason
 * for problem+json `errors`; nothing is allocated.
 */
const char *rel_check_type(const char *relation_type);

/*
 * Whether a relationship of relation_type may make an organization of child_type the child
 * of one of parent_type (docs/catalog.md). On NULL both fit; else *side is 'c' when the
 * child's type is wrong, 'p' when the parent's is, and the reason names what would fit.
 */
const char *rel_check_org_types(const char *relation_type, const char *parent_type,
                                const char *child_type, char *side);

/* An active_from or active_to the database can store (REL_TIME_MIN_MS..REL_TIME_MAX_MS). */
const char *rel_check_time(int64_t ms);

/* 1 for distributor_of and dealer_of: the relationships the catalog flows down. */
int rel_carries_catalog(const char *relation_type);

/*
 * The cycle a new relationship parent -> child would close, from the rows of what is
 * reachable downwards from child: org[i] was reached from prev[i] (prev 0: child itself).
 * Writes the path child ... parent (following prev back from parent) into path and returns
 * its length, or -1 when parent is not reachable or the path is longer than max.
 */
int rel_cycle_path(const int64_t *org, const int64_t *prev, int n, int64_t child, int64_t parent,
                   int64_t *path, int max);

/*
 * For other modules (publishing, listings). The parents of child_org_id through a
 * distributor_of or dealer_of relationship active now, one row per parent ordered by id:
 * columns REL_PARENT_COL_* (preferred is 1 when any such relationship to it is preferred).
 */
enum { REL_PARENT_COL_ID, REL_PARENT_COL_PREFERRED };
int rel_active_parents(struct db *db, struct arena *ar, int64_t tenant_id, int64_t child_org_id,
                       struct db_res *out);

/*
 * Whether child is a child of parent through a distributor_of or dealer_of relationship
 * active now: *preferred is 1 or 0 when it is (1 when any such relationship is preferred),
 * -1 when not. Returns 0 or a DB_E* code.
 */
int rel_is_active_child(struct db *db, struct arena *ar, int64_t tenant_id, int64_t parent,
                        int64_t child, int *preferred);

/*
 * The demo seed: parent -> child of relation_type, active from now, unless a live one of
 * that type already links them (running the seed again adds nothing).
 */
int rel_seed(struct db *db, struct arena *ar, int64_t tenant_id, int64_t parent, int64_t child,
             const char *relation_type);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_REL_LIST, Q_REL_GET, Q_REL_LOCK, Q_REL_ORGS, Q_REL_LOCK_TENANT,
    Q_REL_UNLOCK_TENANT, Q_REL_FIND_LIVE, Q_REL_CYCLE, Q_REL_INSERT, Q_REL_UPDATE,
    Q_REL_ACTIVE_PARENTS, Q_REL_ACTIVE_CHILD, Q_REL_SEED;
#define REL_QUERIES                                                                                \
    &Q_REL_LIST, &Q_REL_GET, &Q_REL_LOCK, &Q_REL_ORGS, &Q_REL_LOCK_TENANT, &Q_REL_UNLOCK_TENANT,   \
        &Q_REL_FIND_LIVE, &Q_REL_CYCLE, &Q_REL_INSERT, &Q_REL_UPDATE, &Q_REL_ACTIVE_PARENTS,       \
        &Q_REL_ACTIVE_CHILD, &Q_REL_SEED

/*
 * The columns Q_REL_LIST and Q_REL_GET return, in order: id, parent_org_id, child_org_id
 * (L), relation_type, preferred (L), active_from, active_to (RFC 3339 UTC with
 * milliseconds; active_to NULL when open), active (L: 1 when active now), ended (L: 1 when
 * active_to has passed), version (L), created_at, updated_at, and each side's name and type.
 */
enum {
    REL_COL_ID,
    REL_COL_PARENT,
    REL_COL_CHILD,
    REL_COL_TYPE,
    REL_COL_PREFERRED,
    REL_COL_ACTIVE_FROM,
    REL_COL_ACTIVE_TO,
    REL_COL_ACTIVE,
    REL_COL_ENDED,
    REL_COL_VERSION,
    REL_COL_CREATED_AT,
    REL_COL_UPDATED_AT,
    REL_COL_PARENT_NAME,
    REL_COL_PARENT_TYPE,
    REL_COL_CHILD_NAME,
    REL_COL_CHILD_TYPE,
};

/* Q_REL_ORGS: id, type, name of the parent and child (up to two rows). */
enum { REL_ORG_COL_ID, REL_ORG_COL_TYPE, REL_ORG_COL_NAME };

/* Q_REL_CYCLE: what is reachable from the child, when the parent is among it. */
enum { REL_CYCLE_COL_ORG, REL_CYCLE_COL_PREV, REL_CYCLE_COL_NAME };

#endif
