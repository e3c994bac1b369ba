/* SLA policies: the targets' rules, the statements, and which policy applies. */
#include "service/slapol.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "service/covcache.h"
#include "service/sla.h"
#include "service/ticket.h"

#define SLAPOL_COLS                                                                                \
    "id, name, org_id, severity_targets, calendar, status, version, "                              \
    "CONCAT(LEFT(DATE_FORMAT(created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "                     \
    "CONCAT(LEFT(DATE_FORMAT(updated_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
#define SLAPOL_COL_TYPES "LsLsssLss"

/* org_id filter: NULL off; 0 the tenant defaults (org_id IS NULL); else that org's. */
const struct db_query Q_SLAPOL_LIST = {
    "slapol.list",
    "SELECT " SLAPOL_COLS " FROM sla_policies WHERE tenant_id = ? AND id > ? "
    "AND (? = 0 OR org_id = ?) AND (? = 0 OR org_id IS NULL OR org_id = ?) "
    "AND (? IS NULL OR status = ?) ORDER BY id LIMIT ?",
    "LLLLLLssi",
    SLAPOL_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_SLAPOL_GET = {
    "slapol.get", "SELECT " SLAPOL_COLS " FROM sla_policies WHERE tenant_id = ? AND id = ?",
    "LL",         SLAPOL_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_SLAPOL_GET_FOR_UPDATE = {
    "slapol.get_for_update",
    "SELECT " SLAPOL_COLS " FROM sla_policies WHERE tenant_id = ? AND id = ? FOR UPDATE",
    "LL",
    SLAPOL_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_SLAPOL_INSERT = {
    "slapol.insert",
    "INSERT INTO sla_policies (tenant_id, name, org_id, severity_targets, calendar, status) "
    "VALUES (?, ?, ?, ?, ?, ?)",
    "LsNsss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_SLAPOL_UPDATE = {
    "slapol.update",
    "UPDATE sla_policies SET name = ?, severity_targets = ?, calendar = ?, status = ?, "
    "version = version + 1 WHERE tenant_id = ? AND id = ?",
    "ssssLL",
    "",
    DBQ_TENANT,
};

/* Another active policy for the same org (0: the default), locked: one active per org. */
const struct db_query Q_SLAPOL_ACTIVE_FOR = {
    "slapol.active_for",
    "SELECT id FROM sla_policies WHERE tenant_id = ? AND status = 'active' "
    "AND ((? = 0 AND org_id IS NULL) OR org_id = ?) AND id <> ? FOR UPDATE",
    "LLLL",
    "L",
    DBQ_TENANT,
};

/* The org's active policy first, else the default; org 0 matches no org_id. */
const struct db_query Q_SLAPOL_APPLY = {
    "slapol.apply",
    "SELECT id, severity_targets, calendar FROM sla_policies WHERE tenant_id = ? "
    "AND status = 'active' AND (org_id = ? OR org_id IS NULL) AND (? = 0 OR id = ?) "
    "ORDER BY org_id IS NULL, id LIMIT 1",
    "LLLL",
    "Lss",
    DBQ_TENANT,
};

int slapol_severity_index(const char *severity)
{
    for (int i = 0; severity && ticket_severities[i]; i++)
        if (strcmp(severity, ticket_severities[i]) == 0)
            return i;
    return -1;
}

static int read_minutes(struct arena *ar, struct json_object *o, const char *sev, const char *key,
                        int64_t *out, struct field_errors *fe)
{
    struct json_object *v;

    if (!json_object_object_get_ex(o, key, &v)) {
        field_errors_add(ar, fe, arena_printf(ar, "severity_targets.%s.%s", sev, key),
                         "is required");
        return -1;
    }
    if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 1 ||
        json_object_get_int64(v) > SLAPOL_MINUTES_MAX) {
        field_errors_add(ar, fe, arena_printf(ar, "severity_targets.%s.%s", sev, key),
                         "must be a whole number of minutes from 1 to %d", SLAPOL_MINUTES_MAX);
        return -1;
    }
    *out = json_object_get_int64(v);
    return 0;
}

int slapol_targets_parse(struct arena *ar, struct json_object *v, struct slapol_targets *out,
                         struct field_errors *fe)
{
    size_t before = fe->n;

    memset(out, 0, sizeof(*out));
    if (!json_object_is_type(v, json_type_object)) {
        field_errors_add(ar, fe, "severity_targets",
                         "must be an object of critical, high, medium and low");
        return -1;
    }
    json_object_object_foreach(v, key, val)
    {
        (void)val;
        if (slapol_severity_index(key) < 0)
            field_errors_add(ar, fe, arena_printf(ar, "severity_targets.%s", key),
                             "is not a severity (critical, high, medium, low)");
    }
    for (int i = 0; ticket_severities[i]; i++) {
        const char *sev = ticket_severities[i];
        struct json_object *t;

        if (!json_object_object_get_ex(v, sev, &t)) {
            field_errors_add(ar, fe, arena_printf(ar, "severity_targets.%s", sev), "is required");
            continue;
        }
        if (!json_object_is_type(t, json_type_object)) {
            field_errors_add(ar, fe, arena_printf(ar, "severity_targets.%s", sev),
                             "must be an object {response_minutes, resolve_minutes}");
            continue;
        }
        json_object_object_foreach(t, k2, v2)
        {
            (void)v2;
            if (strcmp(k2, "response_minutes") != 0 && strcmp(k2, "resolve_minutes") != 0)
                field_errors_add(ar, fe, arena_printf(ar, "severity_targets.%s.%s", sev, k2),
                                 "is not a field of a target");
        }
        int bad = read_minutes(ar, t, sev, "response_minutes", &out->response_min[i], fe);

        bad |= read_minutes(ar, t, sev, "resolve_minutes", &out->resolve_min[i], fe);
        if (!bad && out->resolve_min[i] < out->response_min[i])
            field_errors_add(ar, fe, arena_printf(ar, "severity_targets.%s.resolve_minutes", sev),
                             "must be at least response_minutes");
    }
    return fe->n > before ? -1 : 0;
}

/* A stored policy's targets and calendar; both were checked when written. */
static int slapol_from_row(struct arena *ar, const struct db_res *res, struct slapol *p)
{
    struct field_errors fe = {0};
    struct json_object *t =
        json_arena_own(ar, json_stored(ar, db_at(res, 0, 1)->s, db_at(res, 0, 1)->len, NULL));
    struct json_object *c =
        json_arena_own(ar, json_stored(ar, db_at(res, 0, 2)->s, db_at(res, 0, 2)->len, NULL));

    p->id = db_at(res, 0, 0)->i;
    if (!t || !c || slapol_targets_parse(ar, t, &p->targets, &fe) != 0 ||
        sla_calendar_parse(ar, c, "calendar", &p->cal, &fe) != 0)
        return DB_ERR;
    return 0;
}

int slapol_for_org(struct db *db, struct arena *ar, const struct covcache_key *key,
                   int64_t tenant_id, int64_t org_id, struct slapol *p)
{
    struct db_res res = {.ncols = 3};
    struct db_val *v;
    int64_t id;
    const char *targets, *calendar;
    int rc;

    memset(p, 0, sizeof(*p));
    if (key && covcache_sla_get(key, org_id, &id, &targets, &calendar)) {
        if (!id)
            return 0;
        /* the row as Q_SLAPOL_APPLY gives it */
        v = arena_zalloc(ar, sizeof(*v) * 3);
        v[0].i = id;
        v[1] = (struct db_val){.s = targets, .len = strlen(targets)};
        v[2] = (struct db_val){.s = calendar, .len = strlen(calendar)};
        res.nrows = 1;
        res.v = v;
        return slapol_from_row(ar, &res, p);
    }
    rc = db_exec(db, ar, &Q_SLAPOL_APPLY, tenant_id, &res, (long long)org_id, 0LL, 0LL);
    if (rc)
        return rc;
    if (key)
        covcache_sla_put(key, org_id, res.nrows ? db_at(&res, 0, 0)->i : 0,
                         res.nrows ? db_at(&res, 0, 1)->s : NULL,
                         res.nrows ? db_at(&res, 0, 2)->s : NULL);
    return res.nrows ? slapol_from_row(ar, &res, p) : 0;
}

int slapol_load(struct db *db, struct arena *ar, int64_t tenant_id, int64_t id, struct slapol *p)
{
    struct db_res res;
    int rc;

    memset(p, 0, sizeof(*p));
    if (!id)
        return 0;
    /* retired or not: a ticket keeps the policy it was given */
    rc = db_exec(db, ar, &Q_SLAPOL_GET, tenant_id, &res, (long long)id);
    if (rc || res.nrows == 0)
        return rc;
    {
        struct db_res two = res;
        struct db_val *v = arena_alloc(ar, sizeof(*v) * 3);

        v[0] = *db_at(&res, 0, SLAPOL_COL_ID);
        v[1] = *db_at(&res, 0, SLAPOL_COL_TARGETS);
        v[2] = *db_at(&res, 0, SLAPOL_COL_CALENDAR);
        two.ncols = 3;
        two.v = v;
        return slapol_from_row(ar, &two, p);
    }
}
