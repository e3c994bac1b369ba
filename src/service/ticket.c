/* Tickets: creation (responsibility and SLA), the workflow, due times from the history. */
#include "service/ticket.h"

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "audit/audit.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/flags.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "core/utf8.h"
#include "db/db.h"
#include "org/org.h"
#include "service/coverage.h"
#include "service/covcache.h"
#include "service/sla.h"
#include "service/slapol.h"
#include "service/stats.h"

const char *const ticket_severities[] = {"critical", "high", "medium", "low", NULL};
const char *const ticket_statuses[] = {
    "open", "acknowledged", "in_progress", "waiting_customer", "resolved", "closed", NULL};

/* from -> the statuses it may go to (docs/service.md "Tickets"). */
static const struct {
    const char *from;
    const char *to[4];
} transitions[] = {
    {"open", {"acknowledged", NULL}},
    {"acknowledged", {"in_progress", "waiting_customer", "resolved", NULL}},
    {"in_progress", {"waiting_customer", "resolved", NULL}},
    {"waiting_customer", {"in_progress", "resolved", NULL}},
    {"resolved", {"closed", "open", NULL}},
    {"closed", {"open", NULL}},
};

int ticket_transition_allowed(const char *from, const char *to)
{
    for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++) {
        if (strcmp(transitions[i].from, from) != 0)
            continue;
        for (int k = 0; transitions[i].to[k]; k++)
            if (strcmp(transitions[i].to[k], to) == 0)
                return 1;
    }
    return 0;
}

static struct json_object *id_or_null(const struct db_val *v)
{
    return v->null ? NULL : json_object_new_int64(v->i);
}

static struct json_object *str_or_null(const struct db_val *v)
{
    return v->null ? NULL : json_object_new_string(v->s);
}

struct json_object *ticket_escalations_json(const struct db_res *esc, int64_t ticket_id)
{
    struct json_object *a = json_object_new_array();

    for (int i = 0; esc && i < esc->nrows; i++) {
        struct json_object *o;

        if (db_at(esc, i, ESC_COL_TICKET)->i != ticket_id)
            continue;
        o = json_object_new_object();
        json_object_object_add(o, "level", json_object_new_int64(db_at(esc, i, ESC_COL_LEVEL)->i));
        json_object_object_add(o, "target",
                               json_object_new_string(db_at(esc, i, ESC_COL_TARGET)->s));
        json_object_object_add(o, "due_at",
                               json_object_new_string(db_at(esc, i, ESC_COL_DUE_AT)->s));
        json_object_object_add(o, "from_org_id", id_or_null(db_at(esc, i, ESC_COL_FROM)));
        json_object_object_add(o, "to_org_id", id_or_null(db_at(esc, i, ESC_COL_TO)));
        json_object_object_add(o, "at", json_object_new_string(db_at(esc, i, ESC_COL_AT)->s));
        json_object_object_add(o, "reason",
                               json_object_new_string(db_at(esc, i, ESC_COL_REASON)->s));
        json_object_array_add(a, o);
    }
    return a;
}

struct json_object *ticket_row_json(struct arena *ar, const struct db_res *res, int row,
                                    const struct db_res *esc, int raw_provenance)
{
    struct json_object *o = json_object_new_object();
    const struct db_val *prov = db_at(res, row, TKT_COL_PROVENANCE);
    int64_t id = db_at(res, row, TKT_COL_ID)->i;

    json_object_object_add(o, "id", json_object_new_int64(id));
    json_object_object_add(o, "equipment_id",
                           json_object_new_int64(db_at(res, row, TKT_COL_EQUIPMENT)->i));
    json_object_object_add(o, "severity",
                           json_object_new_string(db_at(res, row, TKT_COL_SEVERITY)->s));
    json_object_object_add(o, "status", json_object_new_string(db_at(res, row, TKT_COL_STATUS)->s));
    json_object_object_add(o, "title", json_object_new_string(db_at(res, row, TKT_COL_TITLE)->s));
    json_object_object_add(o, "description", str_or_null(db_at(res, row, TKT_COL_DESCRIPTION)));
    json_object_object_add(o, "source", json_object_new_string(db_at(res, row, TKT_COL_SOURCE)->s));
    json_object_object_add(o, "reporter_name", str_or_null(db_at(res, row, TKT_COL_REPORTER_NAME)));
    json_object_object_add(o, "reporter_contact",
                           str_or_null(db_at(res, row, TKT_COL_REPORTER_CONTACT)));
    json_object_object_add(o, "responsible_org_id",
                           id_or_null(db_at(res, row, TKT_COL_RESPONSIBLE)));
    json_object_object_add(o, "policy_provenance",
                           prov->null       ? NULL
                           : raw_provenance ? json_raw(prov->s)
                                            : json_stored(ar, prov->s, prov->len, NULL));
    json_object_object_add(o, "sla_policy_id", id_or_null(db_at(res, row, TKT_COL_SLA_POLICY)));
    json_object_object_add(o, "assigned_engineer_id",
                           id_or_null(db_at(res, row, TKT_COL_ENGINEER)));
    json_object_object_add(o, "escalation_level",
                           json_object_new_int64(db_at(res, row, TKT_COL_LEVEL)->i));
    json_object_object_add(o, "response_due_at",
                           str_or_null(db_at(res, row, TKT_COL_RESPONSE_DUE)));
    json_object_object_add(o, "resolve_due_at", str_or_null(db_at(res, row, TKT_COL_RESOLVE_DUE)));
    json_object_object_add(o, "responded_at", str_or_null(db_at(res, row, TKT_COL_RESPONDED_AT)));
    json_object_object_add(o, "resolved_at", str_or_null(db_at(res, row, TKT_COL_RESOLVED_AT)));
    json_object_object_add(o, "closed_at", str_or_null(db_at(res, row, TKT_COL_CLOSED_AT)));
    json_object_object_add(o, "escalations", ticket_escalations_json(esc, id));
    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, row, TKT_COL_VERSION)->i));
    json_object_object_add(o, "created_at",
                           json_object_new_string(db_at(res, row, TKT_COL_CREATED_AT)->s));
    json_object_object_add(o, "updated_at",
                           json_object_new_string(db_at(res, row, TKT_COL_UPDATED_AT)->s));
    return o;
}

struct json_object *ticket_read(struct db *db, struct arena *ar, int64_t tenant_id, int64_t id,
                                int for_update, int64_t *owner_org_id, int64_t *version, int *rc)
{
    struct db_res res, esc;

    *rc = db_exec(db, ar, for_update ? &Q_TKT_GET_FOR_UPDATE : &Q_TKT_GET, tenant_id, &res,
                  (long long)id);
    if (!*rc && res.nrows != 1)
        *rc = DB_ENOTFOUND;
    if (!*rc)
        *rc = db_exec(db, ar, &Q_TKT_ESC_RANGE, tenant_id, &esc, (long long)id, (long long)id);
    if (*rc)
        return NULL;
    if (owner_org_id)
        *owner_org_id = db_at(&res, 0, TKT_COL_OWNER)->null ? 0 : db_at(&res, 0, TKT_COL_OWNER)->i;
    if (version)
        *version = db_at(&res, 0, TKT_COL_VERSION)->i;
    return json_arena_own(ar, ticket_row_json(ar, &res, 0, &esc, 0));
}

/* A due time in SQL form, or NULL when the clock is paused, beyond the horizon or what the
   database stores, or off. */
static const char *due_sql(struct arena *ar, const struct slapol *p, int64_t start,
                           const struct sla_span *pauses, size_t npauses, int64_t minutes)
{
    int64_t due;

    if (!p->id || sla_due(p->cal, start, pauses, npauses, minutes * 60000, &due) != SLA_OK ||
        due > DB_TIME_MAX_MS)
        return NULL;
    return rfc3339_sql_text(ar, due);
}

int ticket_due_times(struct db *db, struct arena *ar, int64_t tenant_id, int64_t ticket_id,
                     int64_t policy_id, const char **response, const char **resolve)
{
    struct db_res info, ev;
    struct slapol p;
    struct sla_change *h;
    struct sla_span *pauses = NULL;
    size_t npauses = 0;
    int64_t created, start;
    int rc, sev;

    *response = *resolve = NULL;
    rc = db_exec(db, ar, &Q_TKT_DUE_INFO, tenant_id, &info, (long long)ticket_id);
    if (!rc && info.nrows != 1)
        rc = DB_ENOTFOUND;
    if (!rc && !policy_id)
        policy_id = db_at(&info, 0, 1)->null ? 0 : db_at(&info, 0, 1)->i;
    if (!rc)
        rc = slapol_load(db, ar, tenant_id, policy_id, &p);
    if (!rc)
        rc = db_exec(db, ar, &Q_TKT_EVENTS, tenant_id, &ev, (long long)ticket_id);
    if (rc)
        return rc;
    sev = slapol_severity_index(db_at(&info, 0, 0)->s);
    created = db_at(&info, 0, 2)->i;
    h = arena_alloc(ar, sizeof(*h) * (size_t)(ev.nrows + 1));
    for (int i = 0; i < ev.nrows; i++) {
        h[i].at = db_at(&ev, i, 6)->i;
        h[i].paused = strcmp(db_at(&ev, i, 2)->s, "waiting_customer") == 0;
    }
    if (sla_pauses(ar, h, (size_t)ev.nrows, &pauses, &npauses) != SLA_OK)
        npauses = 0;
    if (p.id && sev >= 0) {
        *resolve = due_sql(ar, &p, created, pauses, npauses, p.targets.resolve_min[sev]);
        /* after an escalation the new org's target runs from then; at the end, none */
        start = db_at(&info, 0, 3)->null ? created : db_at(&info, 0, 3)->i;
        if (db_at(&info, 0, 3)->null || !db_at(&info, 0, 4)->null)
            *response = due_sql(ar, &p, start, pauses, npauses, p.targets.response_min[sev]);
    }
    return 0;
}

int ticket_due_update(struct db *db, struct arena *ar, int64_t tenant_id, int64_t ticket_id)
{
    const char *response, *resolve;
    int rc = ticket_due_times(db, ar, tenant_id, ticket_id, 0, &response, &resolve);

    return rc ? rc
              : db_exec(db, ar, &Q_TKT_SET_DUE, tenant_id, NULL, response, resolve,
                        (long long)ticket_id);
}

/* An organizations row's certifications (JSON text) as strings in the arena. */
static void certs_of(struct arena *ar, const struct db_val *v, struct coverage_org *o)
{
    struct json_object *a = json_arena_own(ar, json_stored(ar, v->s, v->len, NULL));
    size_t n = a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
    const char **c = arena_alloc(ar, sizeof(*c) * (n + 1));

    o->ncertifications = 0;
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(a, i);

        if (json_object_is_type(e, json_type_string))
            c[o->ncertifications++] = arena_strdup(ar, json_object_get_string(e));
    }
    o->certifications = c;
}

/* A row of ticket.tree or ticket.owner_rels: its relationship, when it has one, and org. */
static void tree_row(struct arena *ar, const struct db_res *res, int i, struct coverage_rel *rels,
                     size_t *nrels, struct coverage_org *orgs, size_t *norgs)
{
    struct coverage_org *g = &orgs[(*norgs)++];

    if (!db_at(res, i, 0)->null) {
        struct coverage_rel *r = &rels[(*nrels)++];

        r->id = db_at(res, i, 0)->i;
        r->parent_id = db_at(res, i, 1)->i;
        r->child_id = db_at(res, i, 2)->i;
        r->type = db_at(res, i, 3)->s;
        r->preferred = db_at(res, i, 4)->i != 0;
        r->active_from = db_at(res, i, 5)->i;
        r->has_to = !db_at(res, i, 6)->null;
        r->active_to = r->has_to ? db_at(res, i, 6)->i : 0;
    }
    g->id = db_at(res, i, 7)->i;
    g->type = db_at(res, i, 8)->s;
    g->region = db_at(res, i, 9)->null ? NULL : db_at(res, i, 9)->s;
    certs_of(ar, db_at(res, i, 10), g);
    g->active = strcmp(db_at(res, i, 11)->s, "active") == 0;
}

static int by_org_id(const void *pa, const void *pb)
{
    const struct coverage_org *a = pa, *b = pb;

    return a->id < b->id ? -1 : a->id > b->id;
}

static int by_rel_id(const void *pa, const void *pb)
{
    const struct coverage_rel *a = pa, *b = pb;

    return a->id < b->id ? -1 : a->id > b->id;
}

/* Sorts v[0..n) of size-byte items by id (the first member) and drops repeats: the count. */
static size_t sort_unique(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    char *b = v;
    size_t k = 0;

    qsort(v, n, size, cmp);
    for (size_t i = 0; i < n; i++)
        if (k == 0 || cmp(b + (k - 1) * size, b + i * size) != 0)
            memmove(b + k++ * size, b + i * size, size);
    return k;
}

/* The rows of a tree statement as sorted, unique orgs and relationships. */
static void tree_of(struct arena *ar, const struct db_res *res, struct covcache_tree *t)
{
    struct coverage_org *orgs = arena_zalloc(ar, sizeof(*orgs) * (size_t)(res->nrows + 1));
    struct coverage_rel *rels = arena_zalloc(ar, sizeof(*rels) * (size_t)(res->nrows + 1));
    size_t norgs = 0, nrels = 0;

    for (int i = 0; i < res->nrows; i++)
        tree_row(ar, res, i, rels, &nrels, orgs, &norgs);
    t->norgs = sort_unique(orgs, norgs, sizeof(*orgs), by_org_id);
    t->nrels = sort_unique(rels, nrels, sizeof(*rels), by_rel_id);
    t->orgs = orgs;
    t->rels = rels;
}

/*
 * a[0..na) and b[0..nb), size-byte items each sorted by cmp and unique, merged into out
 * (room for na + nb) in order, once each: the count. The walk finds sorted input sorted.
 */
static size_t merge_sorted(void *out, const void *a, size_t na, const void *b, size_t nb,
                           size_t size, int (*cmp)(const void *, const void *))
{
    const char *x = a, *y = b;
    char *o = out;
    size_t i = 0, j = 0, n = 0;

    while (i < na || j < nb) {
        int c = i == na ? 1 : j == nb ? -1 : cmp(x + i * size, y + j * size);

        memcpy(o + n++ * size, c <= 0 ? x + i * size : y + j * size, size);
        i += c <= 0;
        j += c >= 0;
    }
    return n;
}

/* The owner's part merged into a copy of the tree: both sorted by id, unique. */
static void merge(struct arena *ar, struct covcache_tree *t, const struct covcache_tree *own)
{
    struct coverage_org *orgs = arena_alloc(ar, sizeof(*orgs) * (t->norgs + own->norgs + 1));
    struct coverage_rel *rels = arena_alloc(ar, sizeof(*rels) * (t->nrels + own->nrels + 1));

    t->norgs =
        merge_sorted(orgs, t->orgs, t->norgs, own->orgs, own->norgs, sizeof(*orgs), by_org_id);
    t->nrels =
        merge_sorted(rels, t->rels, t->nrels, own->rels, own->nrels, sizeof(*rels), by_rel_id);
    t->orgs = orgs;
    t->rels = rels;
}

/*
 * What the walk reads for equipment of manufacturer m owned by owner (0: none): the
 * manufacturer's tree, kept by the worker under key, and the owner's relationships.
 */
static int walk_input(struct db *db, struct arena *ar, const struct covcache_key *key, int64_t m,
                      int64_t owner, struct covcache_tree *in)
{
    struct covcache_tree own;
    struct db_res res;
    long long t = key->tenant_id;
    int rc;

    if (!covcache_tree_get(key, m, in)) {
        rc = db_exec(db, ar, &Q_TKT_TREE, key->tenant_id, &res, (long long)m, t, t, (long long)m);
        if (rc)
            return rc;
        tree_of(ar, &res, in);
        covcache_tree_put(key, m, in);
    }
    if (!owner)
        return 0;
    rc = db_exec(db, ar, &Q_TKT_OWNER_RELS, key->tenant_id, &res, (long long)owner,
                 (long long)owner, (long long)owner, t, (long long)owner);
    if (rc)
        return rc;
    tree_of(ar, &res, &own);
    merge(ar, in, &own);
    return 0;
}

/* The tenant's coverage policy, kept by the worker under key. */
static int policy_of(struct db *db, struct arena *ar, const struct covcache_key *key,
                     struct coverage_policy *pol)
{
    struct db_res cp;
    struct field_errors fe = {0};
    int rc;

    if (covcache_policy_get(key, pol))
        return 0;
    coverage_policy_default(pol);
    rc = db_exec(db, ar, &Q_COVPOL_GET, key->tenant_id, &cp);
    if (rc)
        return rc;
    if (cp.nrows == 1) {
        struct json_object *j =
            json_arena_own(ar, json_stored(ar, db_at(&cp, 0, 1)->s, db_at(&cp, 0, 1)->len, NULL));

        if (!j || coverage_policy_parse(ar, j, pol, &fe) != 0)
            return DB_ERR;
        pol->enabled = db_at(&cp, 0, 0)->i != 0;
    }
    covcache_policy_put(key, pol);
    return 0;
}

/*
 * The coverage walk for equipment row eq at `at`: *org_id and *provenance (JSON text), or
 * both 0/NULL when the tenant's policy is off... which still gives a provenance saying so.
 */
static int resolve_org(struct db *db, struct arena *ar, const struct covcache_key *key,
                       const struct db_res *eq, int64_t at, int64_t *org_id,
                       const char **provenance)
{
    struct coverage_policy pol;
    struct coverage_equipment ce = {0};
    struct coverage_result cr;
    struct covcache_tree in = {0};
    int rc;

    rc = policy_of(db, ar, key, &pol);
    if (rc)
        return rc;
    ce.manufacturer_id = db_at(eq, 0, 4)->null ? 0 : db_at(eq, 0, 4)->i;
    ce.owner_org_id = db_at(eq, 0, 2)->null ? 0 : db_at(eq, 0, 2)->i;
    ce.region = db_at(eq, 0, 3)->null ? NULL : db_at(eq, 0, 3)->s;
    if (pol.enabled && ce.manufacturer_id) {
        if (covcache_walk_get(key, ce.manufacturer_id, ce.owner_org_id, ce.region, at, org_id,
                              provenance)) {
            *provenance = arena_strdup(ar, *provenance);
            return 0;
        }
        rc = walk_input(db, ar, key, ce.manufacturer_id, ce.owner_org_id, &in);
        if (rc)
            return rc;
    }
    if (coverage_resolve(ar, &pol, &ce, in.orgs, in.norgs, in.rels, in.nrels, at, &cr) !=
        COVERAGE_OK)
        return DB_ERR; /* the data contradicts itself */
    *org_id = cr.org_id;
    *provenance = json_text(ar, coverage_provenance(ar, &cr));
    if (pol.enabled && ce.manufacturer_id)
        covcache_walk_put(key, ce.manufacturer_id, ce.owner_org_id, ce.region, cr.valid_from,
                          cr.valid_to, cr.org_id, *provenance);
    return 0;
}

static int one_of(const char *s, const char *const *list)
{
    for (int i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static void check_input(struct arena *ar, const struct ticket_new *in, struct field_errors *fe)
{
    const char *why;

    if (!one_of(in->severity, ticket_severities))
        field_errors_add(ar, fe, "severity", "must be critical, high, medium or low");
    if (!in->title)
        field_errors_add(ar, fe, "title", "is required");
    else if ((why = org_check_name(in->title)))
        field_errors_add(ar, fe, "title", "%s", why);
    if (in->description && strlen(in->description) > TICKET_DESCRIPTION_MAX)
        field_errors_add(ar, fe, "description", "must be at most %d bytes", TICKET_DESCRIPTION_MAX);
    else if (in->description && utf8_text_has_control(in->description, strlen(in->description)))
        field_errors_add(ar, fe, "description", "must not contain control characters");
    if (!in->source || (strcmp(in->source, "api") != 0 && strcmp(in->source, "qr") != 0))
        field_errors_add(ar, fe, "source", "must be api or qr");
    if (in->reporter_name && strlen(in->reporter_name) > TICKET_REPORTER_MAX)
        field_errors_add(ar, fe, "reporter_name", "must be at most %d bytes", TICKET_REPORTER_MAX);
    else if (in->reporter_name && utf8_has_control(in->reporter_name, strlen(in->reporter_name)))
        field_errors_add(ar, fe, "reporter_name", "must be one line without control characters");
    if (in->reporter_contact && strlen(in->reporter_contact) > TICKET_CONTACT_MAX)
        field_errors_add(ar, fe, "reporter_contact", "must be at most %d bytes",
                         TICKET_CONTACT_MAX);
    else if (in->reporter_contact &&
             utf8_has_control(in->reporter_contact, strlen(in->reporter_contact)))
        field_errors_add(ar, fe, "reporter_contact", "must be one line without control characters");
    if (in->equipment_id <= 0)
        field_errors_add(ar, fe, "equipment_id", "must be a positive id");
}

int ticket_create(struct db *db, struct arena *ar, const struct ticket_new *in, int64_t *id,
                  struct json_object **ticket, struct field_errors *fe)
{
    struct covcache_key key;
    struct db_res fl, eq, ins;
    struct slapol sp = {0};
    struct json_object *out;
    const char *provenance = NULL, *now_sql, *after, *response = NULL, *resolve = NULL;
    int64_t now = clock_real_ms(), org_id = 0;
    unsigned flags = in->flags;
    size_t before = fe->n;
    int rc, sev;

    *id = 0;
    if (ticket)
        *ticket = NULL;
    check_input(ar, in, fe);
    if (fe->n > before)
        return TICKET_EINPUT;
    /* before the first read: an entry kept from it is stamped with the counter of then */
    covcache_begin(&key, in->tenant_id, in->cache_ttl);
    if (!in->have_flags) {
        rc = db_exec(db, ar, &Q_TKT_TENANT_FLAGS, 0, &fl, (long long)in->tenant_id);
        if (!rc && fl.nrows != 1)
            rc = DB_ENOTFOUND;
        if (rc)
            return rc;
        flags = flags_parse(db_at(&fl, 0, 0)->s);
    }
    rc = db_exec(db, ar, &Q_TKT_EQUIPMENT, in->tenant_id, &eq, (long long)in->equipment_id);
    if (rc)
        return rc;
    if (in->owner_only && eq.nrows == 1 &&
        (db_at(&eq, 0, 2)->null || db_at(&eq, 0, 2)->i != in->owner_only))
        return TICKET_EFORBIDDEN;
    if (eq.nrows != 1 || strcmp(db_at(&eq, 0, 1)->s, "active") != 0) {
        field_errors_add(ar, fe, "equipment_id",
                         eq.nrows ? "names retired equipment"
                                  : "names no equipment of this tenant");
        return TICKET_EINPUT;
    }
    if ((flags & FLAG_BIT(FLAG_SERVICE_POLICIES)) && (flags & FLAG_BIT(FLAG_RESP_ORG_ASSIGNMENT))) {
        rc = resolve_org(db, ar, &key, &eq, now, &org_id, &provenance);
        if (rc)
            return rc;
    }
    if (flags & FLAG_BIT(FLAG_SERVICE_POLICIES)) {
        rc = slapol_for_org(db, ar, &key, in->tenant_id, org_id, &sp);
        if (rc)
            return rc;
    }
    /* what ticket_due_update() gives a history of one open event: no pause, from now */
    sev = slapol_severity_index(in->severity);
    if (sp.id && sev >= 0) {
        response = due_sql(ar, &sp, now, NULL, 0, sp.targets.response_min[sev]);
        resolve = due_sql(ar, &sp, now, NULL, 0, sp.targets.resolve_min[sev]);
    }
    now_sql = rfc3339_sql_text(ar, now);
    rc = db_exec(db, ar, &Q_TKT_INSERT, in->tenant_id, &ins, (long long)in->equipment_id,
                 in->severity, in->title, in->description, in->source, in->reporter_name,
                 in->reporter_contact, (long long)org_id, (long long)sp.id, provenance, response,
                 resolve, now_sql);
    if (!rc && ins.nrows != 1)
        rc = DB_ERR;
    if (rc)
        return rc;
    *id = db_at(&ins, 0, TKT_COL_ID)->i;
    rc = db_exec(db, ar, &Q_TKT_EVENT_INSERT, in->tenant_id, NULL, (long long)*id, NULL, "open",
                 (long long)in->actor_id, NULL, now_sql);
    if (rc)
        return rc;
    /* the row as stored, from the insert's RETURNING; a new ticket has no escalations */
    out = json_arena_own(ar, ticket_row_json(ar, &ins, 0, NULL, 1));
    after = json_text(ar, out);
    {
        struct audit_entry e = {
            .tenant_id = in->tenant_id,
            .actor_id = in->actor_id,
            .org_id = in->actor_org_id,
            .action = "ticket.create",
            .entity = "ticket",
            .entity_id = *id,
            .after = after,
            .request_id = in->request_id,
            .ip = in->ip,
        };

        rc = audit_commit(db, ar, &e, "ticket.created", after);
    }
    if (!rc && ticket)
        *ticket = out;
    if (!rc)
        stats_note_write(in->tenant_id); /* the QR form's writer has no tenant in its context */
    return rc;
}
