/* What the coverage walk reads, kept by each worker: see covcache.h. */
#include "service/covcache.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "identity/principal.h"

#define NPOLICY 64 /* tenants */
#define NTREE   32 /* (tenant, manufacturer) trees: a few hundred KB each at most */
#define NSLA    64 /* (tenant, org) SLA policies */

/* One kept answer; its copy lives in its own arena, released when the slot is reused. */
struct entry {
    int used;
    int64_t tenant_id, manufacturer_id;
    uint64_t epoch;
    double at;
    struct arena ar;
    struct coverage_policy policy;
    struct covcache_tree tree;
    int64_t sla_id; /* an SLA entry: manufacturer_id holds the org */
    const char *sla_targets, *sla_calendar;
};

static struct entry policies[NPOLICY], trees[NTREE], slas[NSLA];

void covcache_begin(struct covcache_key *k, int64_t tenant_id, double ttl)
{
    k->tenant_id = tenant_id;
    principal_stamp(tenant_id, &k->epoch, &k->now);
    k->ttl = ttl;
}

#define PROBES 4 /* slots an entry may take: a few keys meeting on one slot all stay */

/* The first of the PROBES slots of (tenant, manufacturer); splitmix64's finaliser. */
static size_t home(size_t n, int64_t tenant_id, int64_t manufacturer_id)
{
    uint64_t h = (uint64_t)tenant_id * 0x9e3779b97f4a7c15u + (uint64_t)manufacturer_id;

    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
    return (size_t)((h ^ (h >> 31)) % n);
}

static int fresh(const struct covcache_key *k, const struct entry *e, int64_t manufacturer_id)
{
    return k->ttl > 0 && e->used && e->tenant_id == k->tenant_id &&
           e->manufacturer_id == manufacturer_id && e->epoch == k->epoch && k->now >= e->at &&
           k->now - e->at < k->ttl;
}

/* The fresh entry of (tenant, manufacturer), or NULL. */
static struct entry *lookup(const struct covcache_key *k, struct entry *v, size_t n,
                            int64_t manufacturer_id)
{
    size_t h = home(n, k->tenant_id, manufacturer_id);

    for (size_t i = 0; i < PROBES; i++)
        if (fresh(k, &v[(h + i) % n], manufacturer_id))
            return &v[(h + i) % n];
    return NULL;
}

/*
 * A slot emptied and stamped for a new answer: the key's own, else an empty one, else the
 * oldest of its PROBES. NULL when nothing is kept.
 */
static struct entry *claim(const struct covcache_key *k, struct entry *v, size_t n,
                           int64_t manufacturer_id, size_t chunk)
{
    size_t h = home(n, k->tenant_id, manufacturer_id);
    struct entry *e = NULL;

    if (k->ttl <= 0)
        return NULL;
    for (size_t i = 0; i < PROBES && !(e && !e->used); i++) {
        struct entry *c = &v[(h + i) % n];

        if (c->used && c->tenant_id == k->tenant_id && c->manufacturer_id == manufacturer_id) {
            e = c;
            break;
        }
        if (!e || !c->used || c->at < e->at)
            e = c;
    }
    if (e->used)
        arena_release(&e->ar);
    memset(e, 0, sizeof(*e));
    arena_init(&e->ar, chunk);
    e->used = 1;
    e->tenant_id = k->tenant_id;
    e->manufacturer_id = manufacturer_id;
    e->epoch = k->epoch;
    e->at = k->now;
    return e;
}

static const char *dup_or_null(struct arena *ar, const char *s)
{
    return s ? arena_strdup(ar, s) : NULL;
}

int covcache_policy_get(const struct covcache_key *k, struct coverage_policy *p)
{
    const struct entry *e = lookup(k, policies, NPOLICY, 0);

    if (!e)
        return 0;
    *p = e->policy;
    return 1;
}

void covcache_policy_put(const struct covcache_key *k, const struct coverage_policy *p)
{
    struct entry *e = claim(k, policies, NPOLICY, 0, 4096);
    struct coverage_rule *rules;

    if (!e)
        return;
    e->policy = *p;
    rules = arena_zalloc(&e->ar, (p->nrules + 1) * sizeof(*rules));
    for (size_t i = 0; i < p->nrules; i++) {
        rules[i].manufacturer_id = p->rules[i].manufacturer_id;
        rules[i].required_certification = dup_or_null(&e->ar, p->rules[i].required_certification);
    }
    e->policy.rules = rules;
}

int covcache_tree_get(const struct covcache_key *k, int64_t manufacturer_id,
                      struct covcache_tree *t)
{
    const struct entry *e = lookup(k, trees, NTREE, manufacturer_id);

    if (!e)
        return 0;
    *t = e->tree;
    return 1;
}

void covcache_tree_put(const struct covcache_key *k, int64_t manufacturer_id,
                       const struct covcache_tree *t)
{
    struct entry *e = claim(k, trees, NTREE, manufacturer_id, 0);
    struct coverage_org *orgs;
    struct coverage_rel *rels;

    if (!e)
        return;
    orgs = arena_zalloc(&e->ar, (t->norgs + 1) * sizeof(*orgs));
    rels = arena_zalloc(&e->ar, (t->nrels + 1) * sizeof(*rels));
    for (size_t i = 0; i < t->norgs; i++) {
        const struct coverage_org *o = &t->orgs[i];
        const char **certs = arena_zalloc(&e->ar, (o->ncertifications + 1) * sizeof(*certs));

        orgs[i] = *o;
        orgs[i].type = dup_or_null(&e->ar, o->type);
        orgs[i].region = dup_or_null(&e->ar, o->region);
        for (size_t c = 0; c < o->ncertifications; c++)
            certs[c] = arena_strdup(&e->ar, o->certifications[c]);
        orgs[i].certifications = certs;
    }
    for (size_t i = 0; i < t->nrels; i++) {
        rels[i] = t->rels[i];
        rels[i].type = dup_or_null(&e->ar, t->rels[i].type);
    }
    e->tree = (struct covcache_tree){orgs, t->norgs, rels, t->nrels};
}

int covcache_sla_get(const struct covcache_key *k, int64_t org_id, int64_t *id,
                     const char **targets, const char **calendar)
{
    const struct entry *e = lookup(k, slas, NSLA, org_id);

    if (!e)
        return 0;
    *id = e->sla_id;
    *targets = e->sla_targets;
    *calendar = e->sla_calendar;
    return 1;
}

void covcache_sla_put(const struct covcache_key *k, int64_t org_id, int64_t id, const char *targets,
                      const char *calendar)
{
    struct entry *e = claim(k, slas, NSLA, org_id, 4096);

    if (!e)
        return;
    e->sla_id = id;
    e->sla_targets = dup_or_null(&e->ar, targets);
    e->sla_calendar = dup_or_null(&e->ar, calendar);
}

/* ---- the walks' answers ---------------------------------------------------------------- */

#define NWALK 4096

struct walk_entry {
    int64_t tenant_id, manufacturer_id, owner_id, org_id, valid_from, valid_to;
    uint64_t epoch;
    double at;
    char *region; /* region, then the provenance, one allocation; NULL: empty */
    char *provenance;
};

static struct walk_entry walks[NWALK];

static size_t walk_home(const struct covcache_key *k, int64_t manufacturer_id, int64_t owner_id,
                        const char *region)
{
    uint64_t h = (uint64_t)owner_id * 0x9e3779b97f4a7c15u;

    for (const unsigned char *p = (const unsigned char *)(region ? region : ""); *p; p++)
        h = (h ^ *p) * 0x100000001b3u;
    return home(NWALK, k->tenant_id ^ (int64_t)h, manufacturer_id);
}

static int walk_is(const struct walk_entry *e, const struct covcache_key *k,
                   int64_t manufacturer_id, int64_t owner_id, const char *region)
{
    return e->region && e->tenant_id == k->tenant_id && e->manufacturer_id == manufacturer_id &&
           e->owner_id == owner_id && strcmp(e->region, region ? region : "") == 0;
}

int covcache_walk_get(const struct covcache_key *k, int64_t manufacturer_id, int64_t owner_id,
                      const char *region, int64_t at, int64_t *org_id, const char **provenance)
{
    size_t h = walk_home(k, manufacturer_id, owner_id, region);

    if (k->ttl <= 0)
        return 0;
    for (size_t i = 0; i < PROBES; i++) {
        const struct walk_entry *e = &walks[(h + i) % NWALK];

        if (walk_is(e, k, manufacturer_id, owner_id, region) && e->epoch == k->epoch &&
            k->now >= e->at && k->now - e->at < k->ttl && e->valid_from <= at && at < e->valid_to) {
            *org_id = e->org_id;
            *provenance = e->provenance;
            return 1;
        }
    }
    return 0;
}

void covcache_walk_put(const struct covcache_key *k, int64_t manufacturer_id, int64_t owner_id,
                       const char *region, int64_t valid_from, int64_t valid_to, int64_t org_id,
                       const char *provenance)
{
    size_t h = walk_home(k, manufacturer_id, owner_id, region), rlen, plen;
    struct walk_entry *e = NULL;
    char *buf;

    region = region ? region : "";
    rlen = strlen(region);
    plen = strlen(provenance);
    if (k->ttl <= 0 || plen > COVCACHE_WALK_MAX || !(buf = malloc(rlen + plen + 2)))
        return;
    /* the key's own slot, else an empty one, else the oldest */
    for (size_t i = 0; i < PROBES; i++) {
        struct walk_entry *c = &walks[(h + i) % NWALK];

        if (walk_is(c, k, manufacturer_id, owner_id, region)) {
            e = c;
            break;
        }
        if (!e || (e->region && (!c->region || c->at < e->at)))
            e = c;
    }
    free(e->region);
    memcpy(buf, region, rlen + 1);
    memcpy(buf + rlen + 1, provenance, plen + 1);
    *e = (struct walk_entry){k->tenant_id, manufacturer_id, owner_id, org_id, valid_from,
                             valid_to,     k->epoch,        k->now,   buf,    buf + rlen + 1};
}

static void flush_entries(struct entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].used) {
            arena_release(&v[i].ar);
            memset(&v[i], 0, sizeof(v[i]));
        }
}

void covcache_flush(void)
{
    for (size_t i = 0; i < NWALK; i++) {
        free(walks[i].region);
        memset(&walks[i], 0, sizeof(walks[i]));
    }
    flush_entries(policies, NPOLICY);
    flush_entries(trees, NTREE);
    flush_entries(slas, NSLA);
}
