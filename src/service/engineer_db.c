/* Engineers' SQL, the only place their statements live, and the reads eligibility needs. */
#include "service/engineer.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/json.h"
#include "db/db.h"

/* The columns of enum ENG_COL_*; e is engineers. Open tickets use ix_tickets_engineer. */
#define ENG_COLS                                                                                   \
    "e.id, e.name, e.email, e.user_id, e.skills, e.regions, e.availability, e.status, "            \
    "e.version, CONCAT(LEFT(DATE_FORMAT(e.created_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "        \
    "CONCAT(LEFT(DATE_FORMAT(e.updated_at, '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z'), "                   \
    "(SELECT GROUP_CONCAT(eo.org_id ORDER BY eo.org_id) FROM engineer_orgs eo WHERE "              \
    "eo.tenant_id = e.tenant_id AND eo.engineer_id = e.id), "                                      \
    "(SELECT COUNT(*) FROM tickets t WHERE t.tenant_id = e.tenant_id AND "                         \
    "t.assigned_engineer_id = e.id AND t.status IN ('open', 'acknowledged', 'in_progress', "       \
    "'waiting_customer')) AS open_tickets"
#define ENG_COL_TYPES "LssLssssLsssL"
/* An engineer works for org ?. */
#define MEMBER_OF                                                                                  \
    "EXISTS (SELECT 1 FROM engineer_orgs eo WHERE eo.tenant_id = e.tenant_id AND "                 \
    "eo.engineer_id = e.id AND eo.org_id = ?)"
/*
 * The responsible organization (the first ?) and those below it through relationships of
 * any type active now, with their depth; 8 levels at most (the coverage walk's 9 with the
 * manufacturer). UNION keeps a cycle from running away.
 */
#define BELOW_CTE                                                                                  \
    "WITH RECURSIVE below (org_id, depth) AS (SELECT CAST(? AS UNSIGNED), 0 UNION SELECT "         \
    "r.child_org_id, b.depth + 1 FROM org_relationships r JOIN below b ON r.parent_org_id = "      \
    "b.org_id WHERE r.tenant_id = ? AND r.active_from <= NOW(3) AND (r.active_to IS NULL OR "      \
    "r.active_to > NOW(3)) AND b.depth < 8) "

/*
 * One statement for every filter (0 or NULL switches it off): an organization, the
 * caller's organization (an org-scoped caller sees its own engineers), a skill and a
 * region (exact, as JSON_CONTAINS compares), availability and status.
 */
const struct db_query Q_ENG_LIST = {
    "engineer.list",
    "SELECT " ENG_COLS
    " FROM engineers e WHERE e.tenant_id = ? AND e.id > ? AND (? = 0 OR " MEMBER_OF
    ") AND (? = 0 OR " MEMBER_OF ") AND (? IS NULL OR JSON_CONTAINS(e.skills, "
    "JSON_QUOTE(?))) AND (? IS NULL OR JSON_CONTAINS(e.regions, JSON_QUOTE(?))) AND (? IS NULL "
    "OR e.availability = ?) AND (? IS NULL OR e.status = ?) ORDER BY e.id LIMIT ?",
    "LLLLLLssssssssi",
    ENG_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_ENG_GET = {
    "engineer.get", "SELECT " ENG_COLS " FROM engineers e WHERE e.tenant_id = ? AND e.id = ?",
    "LL",           ENG_COL_TYPES,
    DBQ_TENANT,
};

const struct db_query Q_ENG_GET_FOR_UPDATE = {
    "engineer.get_for_update",
    "SELECT " ENG_COLS " FROM engineers e WHERE e.tenant_id = ? AND e.id = ? FOR UPDATE",
    "LL",
    ENG_COL_TYPES,
    DBQ_TENANT,
};

/* An assignment's first read: the engineer's row, shared, so that a change to the engineer
 * committing meanwhile is either seen by the eligibility check or waits for the assignment. */
const struct db_query Q_ENG_LOCK_SHARED = {
    "engineer.lock_shared",
    "SELECT id FROM engineers WHERE tenant_id = ? AND id = ? LOCK IN SHARE MODE",
    "LL",
    "L",
    DBQ_TENANT,
};

const struct db_query Q_ENG_INSERT = {
    "engineer.insert",
    "INSERT INTO engineers (tenant_id, name, email, user_id, skills, regions, availability, "
    "status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "LssNssss",
    "",
    DBQ_TENANT,
};

const struct db_query Q_ENG_UPDATE = {
    "engineer.update",
    "UPDATE engineers SET name = ?, email = ?, user_id = ?, skills = ?, regions = ?, "
    "availability = ?, status = ?, version = version + 1 WHERE tenant_id = ? AND id = ?",
    "ssNssssLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_ENG_ORG_DEL = {
    "engineer.org_del",
    "DELETE FROM engineer_orgs WHERE tenant_id = ? AND engineer_id = ? AND org_id = ?",
    "LLL",
    "",
    DBQ_TENANT,
};

const struct db_query Q_ENG_ORG_ADD = {
    "engineer.org_add",
    "INSERT INTO engineer_orgs (tenant_id, engineer_id, org_id) VALUES (?, ?, ?)",
    "LLL",
    "",
    DBQ_TENANT,
};

/* The ticket's responsible organization, its equipment's region and owner. */
const struct db_query Q_ENG_TICKET = {
    "engineer.ticket",
    "SELECT t.responsible_org_id, e.region, e.owner_org_id FROM tickets t JOIN equipment e ON "
    "e.tenant_id = t.tenant_id AND e.id = t.equipment_id WHERE t.tenant_id = ? AND t.id = ?",
    "LL",
    "LsL",
    DBQ_TENANT,
};

const struct db_query Q_ENG_BELOW = {
    "engineer.below",
    BELOW_CTE "SELECT org_id, MIN(depth) FROM below GROUP BY org_id ORDER BY MIN(depth), org_id",
    "LL",
    "LL",
    DBQ_TENANT,
};

/*
 * The eligible engineers in rank order (engineer_rank_cmp): active, not off, working for
 * an organization of the CTE unless the responsible one is 0 (the third ?, after the
 * tenant), with every skill of the JSON array given and the region given. Parameters: the
 * responsible org, the tenant, the responsible org, the skills, the region, the limit.
 */
const struct db_query Q_ENG_CANDIDATES = {
    "engineer.candidates",
    BELOW_CTE
    "SELECT " ENG_COLS " FROM engineers e WHERE e.tenant_id = ? AND e.status = "
    "'active' AND e.availability <> 'off' AND (? = 0 OR EXISTS (SELECT 1 FROM engineer_orgs eo "
    "JOIN below b ON b.org_id = eo.org_id WHERE eo.tenant_id = e.tenant_id AND eo.engineer_id = "
    "e.id)) AND (? IS NULL OR JSON_CONTAINS(e.skills, ?)) AND (? IS NULL OR "
    "JSON_CONTAINS(e.regions, JSON_QUOTE(?))) ORDER BY e.availability = 'available' DESC, "
    "open_tickets, e.id LIMIT ?",
    "LLLLssssi",
    ENG_COL_TYPES,
    DBQ_TENANT,
};

/* A stored JSON array of strings into ar; -1 when it is not one. */
static int tags_from(struct arena *ar, const struct db_val *v, const char *const **out, size_t *n)
{
    struct json_object *a = json_stored(ar, v->null ? NULL : v->s, v->len, NULL);
    const char **list;
    size_t len;

    *out = NULL;
    *n = 0;
    if (!a || !json_object_is_type(a, json_type_array))
        return -1;
    len = json_object_array_length(a);
    list = arena_alloc(ar, sizeof(*list) * (len + 1));
    for (size_t i = 0; i < len; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(a, i));
        list[i] = arena_strdup(ar, s ? s : "");
    }
    *out = list;
    *n = len;
    return 0;
}

int engineer_facts_from_row(struct arena *ar, const struct db_res *res, int row,
                            struct engineer_facts *e)
{
    const struct db_val *orgs = db_at(res, row, ENG_COL_ORGS);
    int64_t *ids;
    size_t n = 0;

    memset(e, 0, sizeof(*e));
    e->id = db_at(res, row, ENG_COL_ID)->i;
    e->status = db_at(res, row, ENG_COL_STATUS)->s;
    e->availability = db_at(res, row, ENG_COL_AVAILABILITY)->s;
    e->open_tickets = db_at(res, row, ENG_COL_OPEN)->i;
    e->row = row;
    if (tags_from(ar, db_at(res, row, ENG_COL_SKILLS), &e->skills, &e->nskills) ||
        tags_from(ar, db_at(res, row, ENG_COL_REGIONS), &e->regions, &e->nregions))
        return -1;
    ids = arena_alloc(ar, sizeof(*ids) * (orgs->null ? 1 : orgs->len / 2 + 1));
    for (const char *p = orgs->null ? "" : orgs->s; *p;) {
        ids[n++] = strtoll(p, NULL, 10);
        p += strcspn(p, ",");
        p += *p == ',';
    }
    e->orgs = ids;
    e->norgs = n;
    return 0;
}

int engineer_scope_load(struct db *db, struct arena *ar, int64_t tenant_id, int64_t ticket_id,
                        const char *region, struct engineer_scope *s, int64_t *owner_org_id)
{
    struct db_res t, below;
    int64_t *orgs;
    int rc;

    memset(s, 0, sizeof(*s));
    rc = db_exec(db, ar, &Q_ENG_TICKET, tenant_id, &t, (long long)ticket_id);
    if (!rc && t.nrows != 1)
        rc = DB_ENOTFOUND;
    if (rc)
        return rc;
    s->responsible_org_id = db_at(&t, 0, 0)->null ? 0 : db_at(&t, 0, 0)->i;
    s->region = region ? region : db_at(&t, 0, 1)->null ? NULL : db_at(&t, 0, 1)->s;
    *owner_org_id = db_at(&t, 0, 2)->null ? 0 : db_at(&t, 0, 2)->i;
    if (!s->responsible_org_id)
        return 0;
    rc = db_exec(db, ar, &Q_ENG_BELOW, tenant_id, &below, (long long)s->responsible_org_id);
    if (rc)
        return rc;
    orgs = arena_alloc(ar, sizeof(*orgs) * (size_t)(below.nrows + 1));
    for (int i = 0; i < below.nrows; i++)
        orgs[i] = db_at(&below, i, 0)->i;
    s->orgs = orgs;
    s->norgs = (size_t)below.nrows;
    return 0;
}

const char *engineer_ticket_check(struct db *db, struct arena *ar, int64_t tenant_id,
                                  int64_t engineer_id, const struct engineer_scope *s, int *rc)
{
    struct engineer_facts e;
    struct db_res res;
    int64_t via;

    *rc = db_exec(db, ar, &Q_ENG_GET, tenant_id, &res, (long long)engineer_id);
    if (*rc)
        return NULL;
    if (res.nrows != 1)
        return "names no engineer of this tenant";
    if (engineer_facts_from_row(ar, &res, 0, &e) != 0) {
        *rc = DB_ERR;
        return NULL;
    }
    return engineer_why_not(ar, &e, s, &via);
}
