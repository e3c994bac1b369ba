/* The demo tenant's service data (demo_service_db.c): what the service dashboards show in ./dev up.
 */
#ifndef SERVICE_DEMO_SERVICE_H
#define SERVICE_DEMO_SERVICE_H

#include <stdint.h>

struct arena;
struct db;

/* The demo organizations the service data hangs on, by id. */
struct demo_service_orgs {
    int64_t acme, d1, dl1, h1, service_co;
};

/*
 * Inside the demo seed's transaction: a default 24x7 SLA policy, two engineers of
 * ServiceCo, four pieces of H1's equipment of the SKUs S-A1 and S-B1, and eight tickets in
 * several states (open, due soon, breached, escalated, resolved in and out of time) dated
 * back from now. Run again it adds nothing: the policy, equipment and engineers are found
 * by name, and the tickets are written only while the demo equipment has none.
 * Returns 0 or a DB_E* code.
 */
int demo_service_seed(struct db *db, struct arena *ar, int64_t tenant_id,
                      const struct demo_service_orgs *o);

struct db_query;
extern const struct db_query Q_DEMO_SVC_POLICY, Q_DEMO_SVC_POLICY_ID, Q_DEMO_SVC_EQUIPMENT,
    Q_DEMO_SVC_EQUIPMENT_ID, Q_DEMO_SVC_TICKETS, Q_DEMO_SVC_ENGINEER_FIND, Q_DEMO_SVC_ENGINEER,
    Q_DEMO_SVC_ENGINEER_ORG, Q_DEMO_SVC_TICKET, Q_DEMO_SVC_EVENT;
#define DEMO_SVC_QUERIES                                                                           \
    &Q_DEMO_SVC_POLICY, &Q_DEMO_SVC_POLICY_ID, &Q_DEMO_SVC_EQUIPMENT, &Q_DEMO_SVC_EQUIPMENT_ID,    \
        &Q_DEMO_SVC_TICKETS, &Q_DEMO_SVC_ENGINEER_FIND, &Q_DEMO_SVC_ENGINEER,                      \
        &Q_DEMO_SVC_ENGINEER_ORG, &Q_DEMO_SVC_TICKET, &Q_DEMO_SVC_EVENT

#endif
