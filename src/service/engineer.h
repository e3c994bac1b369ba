/* Engineers: who may be sent to a ticket (organizations, skills, regions, availability). */
#ifndef SERVICE_ENGINEER_H
#define SERVICE_ENGINEER_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct json_object;

#define ENGINEER_NAME_MAX  200 /* bytes */
#define ENGINEER_EMAIL_MAX 254 /* bytes */
#define ENGINEER_TAGS_MAX  32  /* skills or regions an engineer lists */
#define ENGINEER_TAG_MAX   64  /* bytes of one skill or region */
#define ENGINEER_ORGS_MAX  20  /* organizations an engineer works for */

/* available|busy|off and active|inactive, NULL-terminated. */
extern const char *const engineer_availabilities[];
extern const char *const engineer_statuses[];

/*
 * Pure rules (engineer.c): NULL when the value is valid, else a lower-case reason for
 * problem+json `errors`; nothing is allocated.
 */
/* 1..200 bytes, not blank, no control characters */
const char *engineer_check_name(const char *name);
const char *engineer_check_availability(const char *availability);
const char *engineer_check_status(const char *status);
/* one skill or region: 1..64 bytes, not blank, no control characters */
const char *engineer_check_tag(const char *tag);
/*
 * skills or regions: a JSON array of at most 32 distinct tags. On a bad entry *bad is its
 * index (else -1).
 */
const char *engineer_check_tags(struct json_object *tags, int *bad);

/* One engineer as the eligibility rules see it; every pointer is borrowed. */
struct engineer_facts {
    int64_t id;
    const char *status;       /* active|inactive */
    const char *availability; /* available|busy|off */
    const char *const *skills;
    size_t nskills;
    const char *const *regions;
    size_t nregions;
    const int64_t *orgs; /* the organizations it works for */
    size_t norgs;
    int64_t open_tickets; /* tickets assigned to it and not resolved or closed */
    int row;              /* the caller's: which row it came from */
};

/* What a ticket asks of an engineer; every pointer is borrowed. */
struct engineer_scope {
    int64_t responsible_org_id; /* 0: none, any engineer of the tenant will do */
    const int64_t *orgs;        /* the responsible org and the orgs below it, nearest first */
    size_t norgs;
    const char *const *skills; /* every one of them is needed */
    size_t nskills;
    const char *region; /* NULL: no region asked */
};

/*
 * Why the engineer may not take the ticket, as the API words it after "the engineer ...",
 * checked in this order: inactive, not in the organizations, off, the first skill it lacks,
 * the region. NULL when it may; then *via is the first of scope->orgs it works for (0 when
 * the ticket has no responsible organization). The reason lives in ar.
 */
const char *engineer_why_not(struct arena *ar, const struct engineer_facts *e,
                             const struct engineer_scope *s, int64_t *via);

/*
 * The ranking of eligible engineers (docs/service.md "Engineers"): available before busy,
 * then fewer open tickets, then lower id. A qsort() comparator over struct engineer_facts.
 */
int engineer_rank_cmp(const void *a, const void *b);

/* "a,b,c" split at commas into ar: empty items dropped; NULL or "" gives none. */
const char **engineer_split_csv(struct arena *ar, const char *csv, size_t *n);

/*
 * The ticket's side of eligibility, read inside the caller's transaction (or none): its
 * responsible organization and those below it through relationships active now, and the
 * region (region when not NULL, else the ticket's equipment's, when it has one). Returns 0,
 * DB_ENOTFOUND for no such ticket, or a DB_E* code. *owner_org_id gets the equipment's
 * owner (0: none), for who may see the ticket.
 */
int engineer_scope_load(struct db *db, struct arena *ar, int64_t tenant_id, int64_t ticket_id,
                        const char *region, struct engineer_scope *s, int64_t *owner_org_id);

/*
 * Whether engineer_id may take the ticket of scope s (engineer_scope_load), the one check
 * assignment and the eligible list share: NULL when it may, else the reason ("names no
 * engineer of this tenant" for an unknown id). *rc gets 0 or a DB_E* code (then NULL).
 */
const char *engineer_ticket_check(struct db *db, struct arena *ar, int64_t tenant_id,
                                  int64_t engineer_id, const struct engineer_scope *s, int *rc);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_ENG_LIST, Q_ENG_GET, Q_ENG_GET_FOR_UPDATE, Q_ENG_LOCK_SHARED,
    Q_ENG_INSERT, Q_ENG_UPDATE, Q_ENG_ORG_DEL, Q_ENG_ORG_ADD, Q_ENG_TICKET, Q_ENG_BELOW,
    Q_ENG_CANDIDATES;
#define ENGINEER_QUERIES                                                                           \
    &Q_ENG_LIST, &Q_ENG_GET, &Q_ENG_GET_FOR_UPDATE, &Q_ENG_LOCK_SHARED, &Q_ENG_INSERT,             \
        &Q_ENG_UPDATE, &Q_ENG_ORG_DEL, &Q_ENG_ORG_ADD, &Q_ENG_TICKET, &Q_ENG_BELOW,                \
        &Q_ENG_CANDIDATES

/*
 * The columns of Q_ENG_LIST, Q_ENG_GET, Q_ENG_GET_FOR_UPDATE and Q_ENG_CANDIDATES, in
 * order: id L, name, email, user_id L, skills and regions (JSON text), availability,
 * status, version L, created_at, updated_at (RFC 3339 UTC with milliseconds), org_ids
 * ("3,7": ascending, NULL when none), open_tickets L.
 */
enum {
    ENG_COL_ID,
    ENG_COL_NAME,
    ENG_COL_EMAIL,
    ENG_COL_USER,
    ENG_COL_SKILLS,
    ENG_COL_REGIONS,
    ENG_COL_AVAILABILITY,
    ENG_COL_STATUS,
    ENG_COL_VERSION,
    ENG_COL_CREATED_AT,
    ENG_COL_UPDATED_AT,
    ENG_COL_ORGS,
    ENG_COL_OPEN,
};

struct db_res;
/*
 * Row row of those columns as facts: skills, regions and orgs parsed into ar. Returns 0, or
 * -1 when a stored JSON column does not parse.
 */
int engineer_facts_from_row(struct arena *ar, const struct db_res *res, int row,
                            struct engineer_facts *e);

#endif
