/* SLA policies: targets per severity and a business calendar, per tenant or per org. */
#ifndef SERVICE_SLAPOL_H
#define SERVICE_SLAPOL_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct field_errors;
struct json_object;
struct sla_calendar;

#define SLAPOL_NAME_MAX    200
#define SLAPOL_MINUTES_MAX 5256000 /* ten years of minutes: the SLA horizon */

/* Per severity (index of ticket_severities): minutes to respond and to resolve. */
struct slapol_targets {
    int64_t response_min[4], resolve_min[4];
};

/* The index of severity in critical|high|medium|low, or -1. */
int slapol_severity_index(const char *severity);

/*
 * severity_targets: {critical|high|medium|low: {response_minutes, resolve_minutes}}, all
 * four severities, whole minutes 1..SLAPOL_MINUTES_MAX, resolve at least response. Problems
 * go to fe ("severity_targets.high.resolve_minutes"). Returns 0 or -1.
 */
int slapol_targets_parse(struct arena *ar, struct json_object *v, struct slapol_targets *out,
                         struct field_errors *fe);

/* The policy that applies to a ticket (docs/service.md "SLA policies"). */
struct slapol {
    int64_t id; /* 0: none applies */
    struct slapol_targets targets;
    const struct sla_calendar *cal;
};

/*
 * The responsible org's active policy, else the tenant's active default (org_id NULL), else
 * none (p->id 0). org_id 0: the default only. With a key (service/covcache.h; NULL: none)
 * the worker keeps the answer under the tenant's change counter, which every SLA policy
 * write raises. Returns 0 or a DB_E* code.
 */
struct covcache_key;
int slapol_for_org(struct db *db, struct arena *ar, const struct covcache_key *key,
                   int64_t tenant_id, int64_t org_id, struct slapol *p);

/* The policy id (which must be of tenant_id), as slapol_for_org gives it. */
int slapol_load(struct db *db, struct arena *ar, int64_t tenant_id, int64_t id, struct slapol *p);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_SLAPOL_LIST, Q_SLAPOL_GET, Q_SLAPOL_GET_FOR_UPDATE, Q_SLAPOL_INSERT,
    Q_SLAPOL_UPDATE, Q_SLAPOL_ACTIVE_FOR, Q_SLAPOL_APPLY;
#define SLAPOL_QUERIES                                                                             \
    &Q_SLAPOL_LIST, &Q_SLAPOL_GET, &Q_SLAPOL_GET_FOR_UPDATE, &Q_SLAPOL_INSERT, &Q_SLAPOL_UPDATE,   \
        &Q_SLAPOL_ACTIVE_FOR, &Q_SLAPOL_APPLY

/* The columns of every policy query, in order. */
enum {
    SLAPOL_COL_ID,
    SLAPOL_COL_NAME,
    SLAPOL_COL_ORG,
    SLAPOL_COL_TARGETS,
    SLAPOL_COL_CALENDAR,
    SLAPOL_COL_STATUS,
    SLAPOL_COL_VERSION,
    SLAPOL_COL_CREATED_AT,
    SLAPOL_COL_UPDATED_AT,
};

#endif
