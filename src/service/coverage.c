/* The coverage policy: who answers for a ticket, why, and whom a breach escalates to. */
#include "service/coverage.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/utf8.h"

static const char *const type_names[COVERAGE_NTYPES] = {"dealer", "distributor", "manufacturer"};

static const char *const reason_names[] = {
    "first_eligible", "lower_in_order", "not_in_chain", "relationship_inactive",
    "inactive",       "not_certified",  "other_region",
};

static const char *const outcome_names[] = {
    "first_eligible",
    "policy_off",
    "no_manufacturer",
    "no_eligible_candidate",
};

const char *coverage_type_name(enum coverage_type t)
{
    return (unsigned)t < COVERAGE_NTYPES ? type_names[t] : "?";
}

int coverage_type_parse(const char *s)
{
    for (int i = 0; s && i < COVERAGE_NTYPES; i++)
        if (strcmp(s, type_names[i]) == 0)
            return i;
    return -1;
}

const char *coverage_reason_name(enum coverage_reason r)
{
    return (unsigned)r < sizeof(reason_names) / sizeof(reason_names[0]) ? reason_names[r] : "?";
}

const char *coverage_outcome_name(enum coverage_outcome o)
{
    return (unsigned)o < sizeof(outcome_names) / sizeof(outcome_names[0]) ? outcome_names[o] : "?";
}

/* ---- the walk ------------------------------------------------------------------------- */

/* An organization as the walk sees it; nodes are sorted by id. */
struct node {
    const struct coverage_org *org;
    int depth; /* levels below the manufacturer; -1: not reached */
    int preferred;
    int owner_related;
    int in_chain; /* already in the escalation chain */
};

/* A relationship with its two nodes and what the walk asks of it, found once. */
struct link {
    const struct coverage_rel *rel;
    struct node *parent, *child;
    int chain; /* distributor_of or dealer_of */
    int live;  /* active at the walk's time */
};

struct walk {
    struct arena *ar;
    struct node *nodes;
    size_t n;
    const struct coverage_rel *rels;
    size_t nrels;
    struct link *links; /* one per rels[i], in the same order */
    int64_t at;
    const char *error;
    const char *lower, *uncertified, *unlinked; /* details shared by many candidates */
};

static int by_node_id(const void *pa, const void *pb)
{
    const struct node *a = pa, *b = pb;

    return a->org->id < b->org->id ? -1 : a->org->id > b->org->id;
}

static struct node *find(const struct walk *w, int64_t id)
{
    size_t lo = 0, hi = w->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (w->nodes[mid].org->id == id)
            return &w->nodes[mid];
        if (w->nodes[mid].org->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int rel_live(const struct coverage_rel *r, int64_t at)
{
    return r->active_from <= at && (!r->has_to || at < r->active_to);
}

/* Only these two carry a product down to whoever services it (docs/catalog.md). */
static int rel_chain(const struct coverage_rel *r)
{
    return strcmp(r->type, "distributor_of") == 0 || strcmp(r->type, "dealer_of") == 0;
}

static int by_int64(const void *pa, const void *pb)
{
    int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;

    return a < b ? -1 : a > b;
}

/* The first id given twice in ids[0..n) (sorted in place), or 0. */
static int64_t duplicate(int64_t *ids, size_t n)
{
    size_t k = 1;

    /* a kept tree comes sorted: no need to sort what already is */
    while (k < n && ids[k - 1] < ids[k])
        k++;
    if (k >= n)
        return 0;
    qsort(ids, n, sizeof(*ids), by_int64);
    for (size_t i = 1; i < n; i++)
        if (ids[i] == ids[i - 1])
            return ids[i];
    return 0;
}

/* Builds the sorted nodes and checks the input; 0 or -1 with w->error. */
static int walk_init(struct walk *w, const struct coverage_policy *p,
                     const struct coverage_org *orgs, size_t norgs, int64_t root)
{
    int64_t *ids = arena_alloc(w->ar, (norgs + w->nrels + p->nrules + 1) * sizeof(*ids));
    int seen[COVERAGE_NTYPES] = {0};
    int64_t dup;
    struct node *m;

    if (p->norder == 0 || p->norder > COVERAGE_NTYPES) {
        w->error = "the policy's order must name 1 to 3 types";
        return -1;
    }
    for (size_t i = 0; i < p->norder; i++) {
        if ((unsigned)p->order[i] >= COVERAGE_NTYPES || seen[p->order[i]]++) {
            w->error = "the policy's order must name distinct types";
            return -1;
        }
    }
    for (size_t i = 0; i < p->nrules; i++)
        ids[i] = p->rules[i].manufacturer_id;
    if ((dup = duplicate(ids, p->nrules)) != 0) {
        w->error = arena_printf(w->ar, "two rules for manufacturer %lld", (long long)dup);
        return -1;
    }
    w->nodes = arena_zalloc(w->ar, (norgs + 1) * sizeof(*w->nodes));
    w->n = norgs;
    for (size_t i = 0; i < norgs; i++) {
        if (orgs[i].id <= 0 || !orgs[i].type) {
            w->error = arena_printf(w->ar, "org %lld has no id or type", (long long)orgs[i].id);
            return -1;
        }
        w->nodes[i].org = &orgs[i];
        w->nodes[i].depth = -1;
        ids[i] = orgs[i].id;
    }
    if ((dup = duplicate(ids, norgs)) != 0) {
        w->error = arena_printf(w->ar, "org %lld is given twice", (long long)dup);
        return -1;
    }
    for (size_t i = 1; i < w->n; i++)
        if (w->nodes[i - 1].org->id > w->nodes[i].org->id) {
            qsort(w->nodes, w->n, sizeof(*w->nodes), by_node_id);
            break;
        }
    w->links = arena_alloc(w->ar, (w->nrels + 1) * sizeof(*w->links));
    for (size_t i = 0; i < w->nrels; i++) {
        const struct coverage_rel *r = &w->rels[i];
        struct link *l = &w->links[i];

        l->rel = r;
        l->parent = find(w, r->parent_id);
        l->child = find(w, r->child_id);
        if (!r->type || r->parent_id == r->child_id || !l->parent || !l->child) {
            w->error =
                arena_printf(w->ar, "relationship %lld needs a type and two distinct orgs given",
                             (long long)r->id);
            return -1;
        }
        l->chain = rel_chain(r);
        l->live = rel_live(r, w->at);
        ids[i] = r->id;
    }
    if ((dup = duplicate(ids, w->nrels)) != 0) {
        w->error = arena_printf(w->ar, "relationship %lld is given twice", (long long)dup);
        return -1;
    }
    m = find(w, root);
    if (!m || strcmp(m->org->type, "manufacturer") != 0) {
        w->error =
            m ? arena_printf(w->ar, "org %lld is not a manufacturer", (long long)root)
              : arena_printf(w->ar, "the manufacturer %lld is not among the orgs", (long long)root);
        return -1;
    }
    m->depth = 0;
    return 0;
}

/* Depths from the manufacturer down the active chain, level by level (order-independent). */
static void walk_down(struct walk *w, int64_t owner)
{
    for (int d = 0; d < COVERAGE_MAX_DEPTH; d++) {
        int grew = 0;

        for (size_t i = 0; i < w->nrels; i++) {
            const struct link *l = &w->links[i];

            if (!l->chain || !l->live || l->parent->depth != d)
                continue;
            if (l->child->depth < 0) {
                l->child->depth = d + 1;
                grew = 1;
            }
        }
        if (!grew)
            break;
    }
    for (size_t i = 0; i < w->nrels; i++) {
        const struct link *l = &w->links[i];

        if (!l->live)
            continue;
        if (l->rel->preferred && l->chain && l->parent->depth >= 0 && l->child->depth > 0)
            l->child->preferred = 1;
        if (owner && l->rel->parent_id == owner)
            l->child->owner_related = 1;
        if (owner && l->rel->child_id == owner)
            l->parent->owner_related = 1;
    }
    if (owner && find(w, owner))
        find(w, owner)->owner_related = 1;
}

/* ---- candidates ----------------------------------------------------------------------- */

struct ranked {
    struct coverage_candidate c;
    const struct node *node;
    size_t rank; /* the type's place in the policy's order */
};

/* Type in the policy's order, then related to the owner, then preferred, then the lower id. */
static int by_rank(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;

    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    if (a->c.owner_related != b->c.owner_related)
        return a->c.owner_related ? -1 : 1;
    if (a->c.preferred != b->c.preferred)
        return a->c.preferred ? -1 : 1;
    return by_int64(&a->c.org->id, &b->c.org->id);
}

static int holds(const struct coverage_org *o, const char *cert)
{
    for (size_t i = 0; i < o->ncertifications; i++)
        if (o->certifications[i] && strcmp(o->certifications[i], cert) == 0)
            return 1;
    return 0;
}

/* Why n, outside the tree, is not a candidate: a link to it that is not active, or none. */
static void why_outside(struct walk *w, const struct node *n, int64_t root,
                        struct coverage_candidate *c)
{
    const struct coverage_rel *best = NULL;

    for (size_t i = 0; i < w->nrels; i++) {
        const struct link *l = &w->links[i];
        const struct coverage_rel *r = l->rel;

        if (!l->chain || l->child != n || l->parent->depth < 0)
            continue;
        if (l->live) {
            c->reason = COVR_NOT_IN_CHAIN;
            c->detail = arena_printf(w->ar, "more than %d levels below manufacturer %lld",
                                     COVERAGE_MAX_DEPTH, (long long)root);
            return;
        }
        if (!best || r->id < best->id)
            best = r;
    }
    if (!best) {
        c->reason = COVR_NOT_IN_CHAIN;
        if (!w->unlinked)
            w->unlinked = arena_printf(
                w->ar, "no active relationship links it to manufacturer %lld", (long long)root);
        c->detail = w->unlinked;
        return;
    }
    c->reason = COVR_RELATIONSHIP_INACTIVE;
    c->detail = arena_printf(w->ar, "its %s relationship %lld with org %lld %s", best->type,
                             (long long)best->id, (long long)best->parent_id,
                             w->at < best->active_from ? "has not begun" : "has ended");
}

/* 1 when c may answer for the ticket; else sets its reason. */
static int eligible(struct walk *w, const struct node *n, int64_t root, const char *cert,
                    const char *region, struct coverage_candidate *c)
{
    const struct coverage_org *o = n->org;

    if (n->depth < 0) {
        why_outside(w, n, root, c);
        return 0;
    }
    if (!o->active) {
        c->reason = COVR_INACTIVE;
        c->detail = "the organization is inactive";
        return 0;
    }
    /* the manufacturer answers for its own products anywhere */
    if (o->id == root)
        return 1;
    if (cert && !holds(o, cert)) {
        c->reason = COVR_NOT_CERTIFIED;
        if (!w->uncertified)
            w->uncertified = arena_printf(w->ar, "lacks the certification '%s'", cert);
        c->detail = w->uncertified;
        return 0;
    }
    if (region && (!o->region || strcmp(o->region, region) != 0)) {
        c->reason = COVR_OTHER_REGION;
        c->detail = o->region
                        ? arena_printf(w->ar, "its region '%s' is not '%s'", o->region, region)
                        : arena_printf(w->ar, "it has no region; the ticket's is '%s'", region);
        return 0;
    }
    return 1;
}

static void candidates(struct walk *w, const struct coverage_policy *p, int64_t root,
                       struct coverage_result *res)
{
    struct ranked *v = arena_alloc(w->ar, (w->n + 1) * sizeof(*v));
    size_t n = 0;
    int64_t taken = 0;

    for (size_t i = 0; i < w->n; i++) {
        const struct node *nd = &w->nodes[i];
        int t = coverage_type_parse(nd->org->type);
        size_t rank = p->norder;

        for (size_t k = 0; t >= 0 && k < p->norder; k++)
            if ((int)p->order[k] == t)
                rank = k;
        /* the other manufacturers in the input are not the product's */
        if (rank == p->norder || (t == COV_MANUFACTURER && nd->org->id != root))
            continue;
        memset(&v[n], 0, sizeof(v[n]));
        v[n].node = nd;
        v[n].rank = rank;
        v[n].c.org = nd->org;
        v[n].c.type = (enum coverage_type)t;
        v[n].c.owner_related = nd->owner_related;
        v[n].c.preferred = nd->depth >= 0 && nd->preferred;
        n++;
    }
    qsort(v, n, sizeof(*v), by_rank);
    res->candidates = arena_alloc(w->ar, (n + 1) * sizeof(*res->candidates));
    res->ncandidates = n;
    for (size_t i = 0; i < n; i++) {
        struct coverage_candidate *c = &v[i].c;

        if (eligible(w, v[i].node, root, res->required_certification, res->region, c)) {
            if (!taken) {
                taken = c->org->id;
                c->taken = 1;
                c->reason = COVR_FIRST_ELIGIBLE;
                c->detail = "the first eligible candidate";
            } else {
                c->reason = COVR_LOWER_IN_ORDER;
                if (!w->lower)
                    w->lower =
                        arena_printf(w->ar, "eligible; org %lld comes first", (long long)taken);
                c->detail = w->lower;
            }
        }
        res->candidates[i] = *c;
    }
    res->org_id = taken;
}

/* ---- the escalation chain ------------------------------------------------------------- */

/*
 * <0 when parent a (through a relationship preferred or not) is the better next step up:
 * an active org, then a preferred relationship, then the nearer level (deeper), then the
 * lower id.
 */
static int parent_cmp(const struct node *a, int apref, const struct node *b, int bpref)
{
    if (a->org->active != b->org->active)
        return a->org->active ? -1 : 1;
    if (apref != bpref)
        return apref ? -1 : 1;
    if (a->depth != b->depth)
        return a->depth > b->depth ? -1 : 1;
    return by_int64(&a->org->id, &b->org->id);
}

static void chain(struct walk *w, int64_t root, struct coverage_result *res)
{
    int64_t *path = arena_alloc(w->ar, (w->n + 1) * sizeof(*path));
    struct node *cur = find(w, res->org_id);
    size_t n = 0, kept = 0;

    path[n++] = cur->org->id;
    cur->in_chain = 1;
    while (cur->org->id != root) {
        struct node *best = NULL;
        int best_pref = 0;

        for (size_t i = 0; i < w->nrels; i++) {
            const struct link *l = &w->links[i];
            struct node *pa = l->parent;

            if (l->child != cur || !l->chain || !l->live || pa->depth < 0 || pa->in_chain)
                continue;
            if (!best || parent_cmp(pa, l->rel->preferred != 0, best, best_pref) < 0) {
                best = pa;
                best_pref = l->rel->preferred != 0;
            }
        }
        if (!best) {
            /* only a cycle in the input leads here; the manufacturer still ends the chain */
            path[n++] = root;
            break;
        }
        best->in_chain = 1;
        path[n++] = best->org->id;
        cur = best;
    }
    /* a breach skips an inactive organization; the responsible one is active */
    for (size_t i = 0; i < n; i++)
        if (i == 0 || find(w, path[i])->org->active)
            path[kept++] = path[i];
    res->chain = path;
    res->nchain = kept;
}

int coverage_resolve(struct arena *ar, const struct coverage_policy *p,
                     const struct coverage_equipment *eq, const struct coverage_org *orgs,
                     size_t norgs, const struct coverage_rel *rels, size_t nrels, int64_t at,
                     struct coverage_result *res)
{
    struct walk w;
    const struct node *owner;
    int64_t root = eq->manufacturer_id;

    memset(res, 0, sizeof(*res));
    res->valid_from = INT64_MIN;
    res->valid_to = INT64_MAX;
    res->rule = "global";
    res->owner_org_id = eq->owner_org_id;
    res->match_region = p->match_region;
    res->norder = p->norder <= COVERAGE_NTYPES ? p->norder : COVERAGE_NTYPES;
    memcpy(res->order, p->order, res->norder * sizeof(res->order[0]));
    res->chain = arena_alloc(ar, sizeof(*res->chain));
    res->candidates = arena_alloc(ar, sizeof(*res->candidates));
    if (!p->enabled) {
        res->outcome = COVO_POLICY_OFF;
        return COVERAGE_OK;
    }
    if (root <= 0) {
        res->outcome = COVO_NO_MANUFACTURER;
        return COVERAGE_OK;
    }
    memset(&w, 0, sizeof(w));
    w.ar = ar;
    w.rels = rels;
    w.nrels = nrels;
    w.at = at;
    if (walk_init(&w, p, orgs, norgs, root) != 0) {
        res->error = w.error;
        return COVERAGE_EINPUT;
    }
    res->manufacturer_id = root;
    /* whether a relationship is active changes only where a window begins or ends */
    for (size_t i = 0; i < nrels; i++) {
        int64_t b[2] = {rels[i].active_from, rels[i].active_to};

        for (int k = 0; k < 1 + (rels[i].has_to != 0); k++) {
            if (b[k] <= at && b[k] > res->valid_from)
                res->valid_from = b[k];
            if (b[k] > at && b[k] < res->valid_to)
                res->valid_to = b[k];
        }
    }
    for (size_t i = 0; i < p->nrules; i++)
        if (p->rules[i].manufacturer_id == root)
            res->required_certification = p->rules[i].required_certification;
    owner = eq->owner_org_id ? find(&w, eq->owner_org_id) : NULL;
    if (p->match_region)
        res->region = eq->region ? eq->region : owner ? owner->org->region : NULL;
    walk_down(&w, eq->owner_org_id);
    candidates(&w, p, root, res);
    if (!res->org_id) {
        res->outcome = COVO_NO_ELIGIBLE_CANDIDATE;
        return COVERAGE_OK;
    }
    res->rule = "coverage";
    res->outcome = COVO_FIRST_ELIGIBLE;
    chain(&w, root, res);
    return COVERAGE_OK;
}

/* ---- JSON ----------------------------------------------------------------------------- */

static struct json_object *id_or_null(int64_t id)
{
    return id ? json_object_new_int64(id) : NULL;
}

static struct json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static struct json_object *order_json(const enum coverage_type *order, size_t n)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, json_object_new_string(coverage_type_name(order[i])));
    return a;
}

struct json_object *coverage_provenance(struct arena *ar, const struct coverage_result *res)
{
    struct json_object *o = json_object_new_object(), *cands = json_object_new_array();
    struct json_object *ch = json_object_new_array(), *after = json_object_new_object();
    struct json_object *by_reason = json_object_new_object();
    size_t counts[sizeof(reason_names) / sizeof(reason_names[0])] = {0}, listed = 0;

    /*
     * Listed up to the one taken: those after it cannot have changed the answer, and a big
     * network has thousands of them (a dealer network of 2,000 made this 200 KB a ticket).
     */
    while (listed < res->ncandidates && !res->candidates[listed++].taken)
        ;
    for (size_t i = listed; i < res->ncandidates; i++)
        counts[res->candidates[i].reason]++;
    for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++)
        if (counts[k])
            json_object_object_add(by_reason, reason_names[k],
                                   json_object_new_int64((int64_t)counts[k]));
    json_object_object_add(after, "count",
                           json_object_new_int64((int64_t)(res->ncandidates - listed)));
    json_object_object_add(after, "by_reason", by_reason);
    for (size_t i = 0; i < listed; i++) {
        const struct coverage_candidate *c = &res->candidates[i];
        struct json_object *j = json_object_new_object();

        json_object_object_add(j, "org_id", json_object_new_int64(c->org->id));
        json_object_object_add(j, "org_type", json_object_new_string(coverage_type_name(c->type)));
        json_object_object_add(j, "taken", json_object_new_boolean(c->taken));
        json_object_object_add(j, "reason",
                               json_object_new_string(coverage_reason_name(c->reason)));
        json_object_object_add(j, "detail", json_object_new_string(c->detail));
        json_object_object_add(j, "owner_related", json_object_new_boolean(c->owner_related));
        json_object_object_add(j, "preferred", json_object_new_boolean(c->preferred));
        json_object_array_add(cands, j);
    }
    for (size_t i = 0; i < res->nchain; i++)
        json_object_array_add(ch, json_object_new_int64(res->chain[i]));
    json_object_object_add(o, "rule", json_object_new_string(res->rule));
    json_object_object_add(o, "reason",
                           json_object_new_string(coverage_outcome_name(res->outcome)));
    json_object_object_add(o, "responsible_org_id", id_or_null(res->org_id));
    json_object_object_add(o, "manufacturer_id", id_or_null(res->manufacturer_id));
    json_object_object_add(o, "required_certification", str_or_null(res->required_certification));
    json_object_object_add(o, "match_region", json_object_new_boolean(res->match_region));
    json_object_object_add(o, "region", str_or_null(res->region));
    json_object_object_add(o, "owner_org_id", id_or_null(res->owner_org_id));
    json_object_object_add(o, "order", order_json(res->order, res->norder));
    json_object_object_add(o, "candidates", cands);
    json_object_object_add(o, "after_taken", after);
    json_object_object_add(o, "chain", ch);
    return json_arena_own(ar, o);
}

int64_t coverage_escalation_target(struct json_object *provenance, int64_t current)
{
    struct json_object *ch;
    size_t n;

    if (!json_object_object_get_ex(provenance, "chain", &ch) ||
        !json_object_is_type(ch, json_type_array))
        return 0;
    n = json_object_array_length(ch);
    for (size_t i = 0; i + 1 < n; i++)
        if (json_object_get_int64(json_object_array_get_idx(ch, i)) == current)
            return json_object_get_int64(json_object_array_get_idx(ch, i + 1));
    return 0;
}

/* ---- the policy ----------------------------------------------------------------------- */

void coverage_policy_default(struct coverage_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->order[0] = COV_DEALER;
    p->order[1] = COV_DISTRIBUTOR;
    p->order[2] = COV_MANUFACTURER;
    p->norder = 3;
}

static void parse_order(struct arena *ar, struct json_object *a, struct coverage_policy *p,
                        struct field_errors *fe)
{
    size_t n = json_object_array_length(a);
    int seen[COVERAGE_NTYPES] = {0};

    if (n == 0 || n > COVERAGE_NTYPES) {
        field_errors_add(ar, fe, "order", "must name 1 to 3 of dealer, distributor, manufacturer");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(a, i);
        const char *field = arena_printf(ar, "order[%zu]", i);
        int t = json_object_is_type(v, json_type_string)
                    ? coverage_type_parse(json_object_get_string(v))
                    : -1;

        if (t < 0)
            field_errors_add(ar, fe, field, "must be dealer, distributor or manufacturer");
        else if (seen[t]++)
            field_errors_add(ar, fe, field, "is listed twice");
        else
            p->order[p->norder++] = (enum coverage_type)t;
    }
}

static void parse_rules(struct arena *ar, struct json_object *a, struct coverage_policy *p,
                        struct field_errors *fe)
{
    size_t n = json_object_array_length(a);
    struct coverage_rule *rules;

    if (n > COVERAGE_RULES_MAX) {
        field_errors_add(ar, fe, "rules", "must hold at most %d rules", COVERAGE_RULES_MAX);
        return;
    }
    rules = arena_zalloc(ar, (n + 1) * sizeof(*rules));
    for (size_t i = 0; i < n; i++) {
        struct coverage_rule *r = &rules[i];
        const struct jfield fields[] = {
            {"manufacturer_id", JF_INT, JF_REQUIRED, &r->manufacturer_id, NULL, 0},
            {"required_certification", JF_STRING, JF_REQUIRED, &r->required_certification, NULL,
             COVERAGE_CERT_MAX},
        };
        struct field_errors mine = {NULL, 0, 0};
        const char *cert;
        int id_bad = 0, cert_bad = 0; /* named already: the other field is still checked */

        if (json_read_fields(ar, json_object_array_get_idx(a, i), fields, 2, &mine) != 0) {
            for (size_t k = 0; k < mine.n; k++) {
                const char *f = mine.v[k].field;
                field_errors_add(ar, fe,
                                 *f ? arena_printf(ar, "rules[%zu].%s", i, f)
                                    : arena_printf(ar, "rules[%zu]", i),
                                 "%s", mine.v[k].message);
                id_bad |= !*f || strcmp(f, "manufacturer_id") == 0;
                cert_bad |= !*f || strcmp(f, "required_certification") == 0;
            }
        }
        cert = r->required_certification;
        if (!id_bad && r->manufacturer_id <= 0)
            field_errors_add(ar, fe, arena_printf(ar, "rules[%zu].manufacturer_id", i),
                             "must be a positive integer");
        if (!cert_bad && cert && (!*cert || utf8_has_control(cert, strlen(cert))))
            field_errors_add(ar, fe, arena_printf(ar, "rules[%zu].required_certification", i),
                             "must be 1 to %d bytes without control characters", COVERAGE_CERT_MAX);
        for (size_t k = 0; k < i && !id_bad; k++)
            if (rules[k].manufacturer_id == r->manufacturer_id && r->manufacturer_id > 0) {
                field_errors_add(ar, fe, arena_printf(ar, "rules[%zu].manufacturer_id", i),
                                 "has a rule already (rules[%zu])", k);
                break;
            }
    }
    p->rules = rules;
    p->nrules = n;
}

int coverage_policy_parse(struct arena *ar, struct json_object *body, struct coverage_policy *p,
                          struct field_errors *fe)
{
    struct json_object *order = NULL, *rules = NULL;
    const struct jfield fields[] = {
        {"enabled", JF_BOOL, JF_REQUIRED, &p->enabled, NULL, 0},
        {"order", JF_ARRAY, JF_REQUIRED, &order, NULL, 0},
        {"rules", JF_ARRAY, JF_REQUIRED, &rules, NULL, 0},
        {"match_region", JF_BOOL, 0, &p->match_region, NULL, 0},
    };
    size_t before = fe->n;

    memset(p, 0, sizeof(*p));
    json_read_fields(ar, body, fields, sizeof(fields) / sizeof(fields[0]), fe);
    if (order)
        parse_order(ar, order, p, fe);
    if (rules)
        parse_rules(ar, rules, p, fe);
    return fe->n == before ? 0 : -1;
}

struct json_object *coverage_policy_json(struct arena *ar, const struct coverage_policy *p)
{
    struct json_object *o = json_object_new_object(), *rules = json_object_new_array();

    for (size_t i = 0; i < p->nrules; i++) {
        struct json_object *r = json_object_new_object();

        json_object_object_add(r, "manufacturer_id",
                               json_object_new_int64(p->rules[i].manufacturer_id));
        json_object_object_add(r, "required_certification",
                               str_or_null(p->rules[i].required_certification));
        json_object_array_add(rules, r);
    }
    json_object_object_add(o, "enabled", json_object_new_boolean(p->enabled));
    json_object_object_add(o, "order", order_json(p->order, p->norder));
    json_object_object_add(o, "rules", rules);
    json_object_object_add(o, "match_region", json_object_new_boolean(p->match_region));
    return json_arena_own(ar, o);
}
