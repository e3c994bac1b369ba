/* The demo tenant's equipment, engineers, SLA policy and tickets: something for each service tile.
 */
#include "service/demo_service.h"

#include <string.h>
#include <time.h>

#include "catalog/product.h"
#include "core/arena.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "service/equipment.h"

const struct db_query Q_DEMO_SVC_POLICY = {
    "demo.svc_policy",
    "INSERT INTO sla_policies (tenant_id, name, org_id, severity_targets, calendar) "
    "VALUES (?, ?, NULL, ?, '\"24x7\"') ON DUPLICATE KEY UPDATE name = name",
    "Lss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_SVC_POLICY_ID = {
    "demo.svc_policy_id", "SELECT id FROM sla_policies WHERE tenant_id = ? AND name = ?", "Ls", "L",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_SVC_EQUIPMENT = {
    "demo.svc_equipment",
    "INSERT INTO equipment (tenant_id, serial, sku_id, owner_org_id, site, region, qr_token) "
    "VALUES (?, ?, ?, ?, ?, 'EU-North', ?) ON DUPLICATE KEY UPDATE serial = serial",
    "LsLLss",
    "",
    DBQ_TENANT,
};

/* by serial after the insert: a kept row's id is not the insert's */
const struct db_query Q_DEMO_SVC_EQUIPMENT_ID = {
    "demo.svc_equipment_id",
    "SELECT id FROM equipment WHERE tenant_id = ? AND serial = ?",
    "Ls",
    "L",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_SVC_TICKETS = {
    "demo.svc_tickets",
    "SELECT COUNT(*) FROM tickets WHERE tenant_id = ? AND equipment_id IN (?, ?, ?, ?)",
    "LLLLL",
    "L",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_SVC_ENGINEER_FIND = {
    "demo.svc_engineer_find",
    "SELECT id FROM engineers WHERE tenant_id = ? AND name = ? ORDER BY id LIMIT 1",
    "Ls",
    "L",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_SVC_ENGINEER = {
    "demo.svc_engineer",
    "INSERT INTO engineers (tenant_id, name, email, skills, regions) "
    "VALUES (?, ?, ?, '[\"acme-certified\"]', '[\"EU-North\"]')",
    "Lss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_SVC_ENGINEER_ORG = {
    "demo.svc_engineer_org",
    "INSERT INTO engineer_orgs (tenant_id, engineer_id, org_id) VALUES (?, ?, ?) "
    "ON DUPLICATE KEY UPDATE org_id = VALUES(org_id)",
    "LLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_SVC_TICKET = {
    "demo.svc_ticket",
    "INSERT INTO tickets (tenant_id, equipment_id, severity, status, title, source, "
    "responsible_org_id, assigned_engineer_id, sla_policy_id, response_due_at, resolve_due_at, "
    "responded_at, resolved_at, closed_at, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, 'api', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "LLsssNNLsssssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_DEMO_SVC_EVENT = {
    "demo.svc_event",
    "INSERT INTO ticket_events (tenant_id, ticket_id, from_status, to_status, note, at) "
    "VALUES (?, ?, ?, ?, 'demo seed', ?)",
    "LLsss",
    "",
    DBQ_TENANT,
};

#define MIN_MS 60000LL

static const char *const targets =
    "{\"critical\": {\"response_minutes\": 60, \"resolve_minutes\": 240}, "
    "\"high\": {\"response_minutes\": 120, \"resolve_minutes\": 480}, "
    "\"medium\": {\"response_minutes\": 240, \"resolve_minutes\": 1440}, "
    "\"low\": {\"response_minutes\": 480, \"resolve_minutes\": 2880}}";

static const struct demo_equipment {
    const char *serial, *sku, *site;
} pieces[] = {
    {"DEMO-0001", "S-A1", "Ward 3"},
    {"DEMO-0002", "S-A1", "Ward 3"},
    {"DEMO-0003", "S-B1", "Radiology"},
    {"DEMO-0004", "S-A1", "ICU"},
};

enum { TO_DL1, TO_D1, TO_ACME };

/*
 * Minutes: created that long ago; responded, resolved and closed that long after it (-1:
 * not). Due times follow the policy's targets unless the ticket waits on the customer.
 */
static const struct demo_ticket {
    int piece;
    const char *severity, *status, *title;
    int to, engineer; /* engineer: 0 or 1 of ServiceCo's, -1 none */
    long long created, responded, resolved, closed;
} tickets[] = {
    {0, "critical", "in_progress", "Pump alarm keeps sounding", TO_DL1, 0, 300, 20, -1, -1},
    {1, "high", "acknowledged", "Occlusion alarm on start", TO_DL1, 0, 60, 10, -1, -1},
    {2, "medium", "open", "Display flickers", TO_DL1, -1, 30, -1, -1, -1},
    {3, "low", "waiting_customer", "Door latch loose", TO_D1, -1, 4320, 100, -1, -1},
    {0, "high", "resolved", "Battery does not charge", TO_DL1, 0, 14400, 15, 360, -1},
    {2, "critical", "closed", "No image after warm-up", TO_D1, 1, 28800, 30, 360, 400},
    {1, "medium", "resolved", "Keypad sticks", TO_ACME, -1, 57600, 60, 1800, -1},
    {3, "critical", "resolved", "Power supply failure", TO_ACME, -1, 21600, 20, 180, -1},
};

static long long target_of(const char *severity, int resolve)
{
    static const long long minutes[][2] = {{60, 240}, {120, 480}, {240, 1440}, {480, 2880}};
    static const char *const names[] = {"critical", "high", "medium", "low"};

    for (int i = 0; i < 4; i++)
        if (strcmp(severity, names[i]) == 0)
            return minutes[i][resolve];
    return 0;
}

static const char *at(struct arena *ar, int64_t ms)
{
    char buf[RFC3339_SQL_LEN];

    rfc3339_sql(ms, buf);
    return arena_strdup(ar, buf);
}

static int event(struct db *db, struct arena *ar, int64_t tid, int64_t ticket, const char *from,
                 const char *to, int64_t ms)
{
    return db_exec(db, ar, &Q_DEMO_SVC_EVENT, tid, NULL, (long long)ticket, from, to, at(ar, ms));
}

/* The ticket's status history: opened, acknowledged, then where it is now. */
static int history(struct db *db, struct arena *ar, int64_t tid, int64_t id,
                   const struct demo_ticket *t, int64_t created)
{
    int64_t responded = created + t->responded * MIN_MS;
    int rc = event(db, ar, tid, id, NULL, "open", created);

    if (rc || t->responded < 0)
        return rc;
    rc = event(db, ar, tid, id, "open", "acknowledged", responded);
    if (!rc &&
        (strcmp(t->status, "in_progress") == 0 || strcmp(t->status, "waiting_customer") == 0))
        rc = event(db, ar, tid, id, "acknowledged", t->status, responded + 5 * MIN_MS);
    if (!rc && t->resolved >= 0)
        rc = event(db, ar, tid, id, "acknowledged", "resolved", created + t->resolved * MIN_MS);
    if (!rc && t->closed >= 0)
        rc = event(db, ar, tid, id, "resolved", "closed", created + t->closed * MIN_MS);
    return rc;
}

static int engineer(struct db *db, struct arena *ar, int64_t tid, int64_t org, const char *name,
                    const char *email, int64_t *id)
{
    struct db_res res;
    int rc = db_exec(db, ar, &Q_DEMO_SVC_ENGINEER_FIND, tid, &res, name);

    if (!rc && res.nrows == 0) {
        rc = db_exec(db, ar, &Q_DEMO_SVC_ENGINEER, tid, &res, name, email);
        *id = (int64_t)res.insert_id;
    } else if (!rc) {
        *id = db_at(&res, 0, 0)->i;
    }
    if (!rc)
        rc = db_exec(db, ar, &Q_DEMO_SVC_ENGINEER_ORG, tid, NULL, (long long)*id, (long long)org);
    return rc;
}

int demo_service_seed(struct db *db, struct arena *ar, int64_t tid,
                      const struct demo_service_orgs *o)
{
    int64_t eq[4], eng[2], policy, now, to[3] = {o->dl1, o->d1, o->acme};
    struct timespec ts;
    struct db_res res;
    int rc;

    rc = db_exec(db, ar, &Q_DEMO_SVC_POLICY, tid, NULL, "Demo standard 24x7", targets);
    if (!rc)
        rc = db_exec(db, ar, &Q_DEMO_SVC_POLICY_ID, tid, &res, "Demo standard 24x7");
    if (!rc && res.nrows != 1)
        rc = DB_ERR;
    if (rc)
        return rc;
    policy = db_at(&res, 0, 0)->i;
    rc = engineer(db, ar, tid, o->service_co, "Ana Engineer", "ana@service.demo.test", &eng[0]);
    if (!rc)
        rc = engineer(db, ar, tid, o->service_co, "Bo Engineer", "bo@service.demo.test", &eng[1]);
    for (int i = 0; i < 4 && !rc; i++) {
        char token[EQUIPMENT_TOKEN_LEN + 1];
        struct db_res sku;
        rc = db_exec(db, ar, &Q_SKU_FIND_CODE, tid, &sku, pieces[i].sku);
        if (!rc && sku.nrows != 1)
            rc = DB_ERR;
        equipment_new_token(token);
        if (!rc)
            rc = db_exec(db, ar, &Q_DEMO_SVC_EQUIPMENT, tid, &res, pieces[i].serial,
                         (long long)db_at(&sku, 0, SKU_COL_ID)->i, (long long)o->h1, pieces[i].site,
                         token);
        if (!rc)
            rc = db_exec(db, ar, &Q_DEMO_SVC_EQUIPMENT_ID, tid, &res, pieces[i].serial);
        if (!rc && res.nrows != 1)
            rc = DB_ERR;
        if (!rc)
            eq[i] = db_at(&res, 0, 0)->i;
    }
    if (!rc)
        rc = db_exec(db, ar, &Q_DEMO_SVC_TICKETS, tid, &res, (long long)eq[0], (long long)eq[1],
                     (long long)eq[2], (long long)eq[3]);
    if (rc || db_at(&res, 0, 0)->i > 0)
        return rc;
    clock_gettime(CLOCK_REALTIME, &ts);
    now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    for (size_t i = 0; i < sizeof(tickets) / sizeof(tickets[0]) && !rc; i++) {
        const struct demo_ticket *t = &tickets[i];
        int64_t created = now - t->created * MIN_MS;
        int paused = strcmp(t->status, "waiting_customer") == 0;
        const char *response_due =
            paused ? NULL : at(ar, created + target_of(t->severity, 0) * MIN_MS);
        const char *resolve_due =
            paused ? NULL : at(ar, created + target_of(t->severity, 1) * MIN_MS);
        rc = db_exec(db, ar, &Q_DEMO_SVC_TICKET, tid, &res, (long long)eq[t->piece], t->severity,
                     t->status, t->title, (long long)to[t->to],
                     t->engineer < 0 ? 0LL : (long long)eng[t->engineer], (long long)policy,
                     response_due, resolve_due,
                     t->responded < 0 ? NULL : at(ar, created + t->responded * MIN_MS),
                     t->resolved < 0 ? NULL : at(ar, created + t->resolved * MIN_MS),
                     t->closed < 0 ? NULL : at(ar, created + t->closed * MIN_MS), at(ar, created),
                     at(ar, now));
        if (!rc)
            rc = history(db, ar, tid, (int64_t)res.insert_id, t, created);
    }
    return rc;
}
