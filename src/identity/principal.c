/* The principal cache: direct-mapped per worker, checked against shared per-tenant counters. */
#include "identity/principal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

/*
 * Tenants share counters modulo the table size: a collision only costs another tenant's
 * workers a query, never a stale answer.
 */
#define NEPOCH 4096
#define NSLOT  512

static uint64_t local_epochs[NEPOCH]; /* a process without the shared table (CLI, tests) */
static uint64_t *epochs = local_epochs;

struct slot {
    int64_t tenant_id, user_id, org_id;
    uint64_t epoch;
    double at;
    unsigned flags;
    char *buf; /* the strings, one allocation; NULL: empty slot */
    const char *s[6];
    char *memberships; /* JSON text or NULL */
};

static struct slot slots[NSLOT];

int principal_init(void)
{
    void *p = mmap(NULL, sizeof(uint64_t) * NEPOCH, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);

    if (p == MAP_FAILED)
        return -1;
    epochs = p;
    return 0;
}

void principal_changed(int64_t tenant_id)
{
    __atomic_add_fetch(&epochs[(uint64_t)tenant_id % NEPOCH], 1, __ATOMIC_SEQ_CST);
}

uint64_t principal_epoch(int64_t tenant_id)
{
    return __atomic_load_n(&epochs[(uint64_t)tenant_id % NEPOCH], __ATOMIC_SEQ_CST);
}

void principal_stamp(int64_t tenant_id, uint64_t *epoch, double *now)
{
    struct timespec ts;

    *epoch = principal_epoch(tenant_id);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    *now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct slot *slot_of(int64_t tenant_id, int64_t user_id, int64_t org_id)
{
    uint64_t h = (uint64_t)tenant_id * 0x9e3779b97f4a7c15u;

    h = (h ^ (uint64_t)user_id) * 0xff51afd7ed558ccdu;
    h = (h ^ (uint64_t)org_id) * 0xc4ceb9fe1a85ec53u;
    return &slots[(h >> 32) % NSLOT];
}

static int fresh(const struct slot *s, int64_t tenant_id, int64_t user_id, int64_t org_id,
                 uint64_t epoch, double now, double ttl)
{
    return s->buf && s->tenant_id == tenant_id && s->user_id == user_id && s->org_id == org_id &&
           s->epoch == epoch && now >= s->at && now - s->at < ttl;
}

int principal_get(int64_t tenant_id, int64_t user_id, int64_t org_id, uint64_t epoch, double now,
                  double ttl, struct principal *out)
{
    struct slot *s = slot_of(tenant_id, user_id, org_id);

    if (!fresh(s, tenant_id, user_id, org_id, epoch, now, ttl))
        return 0;
    out->role = s->s[0];
    out->org_type = s->s[1];
    out->email = s->s[2];
    out->tenant_slug = s->s[3];
    out->tenant_name = s->s[4];
    out->org_name = s->s[5];
    out->flags = s->flags;
    return 1;
}

int principal_put(int64_t tenant_id, int64_t user_id, int64_t org_id, uint64_t epoch, double now,
                  const struct principal *p)
{
    struct slot *s = slot_of(tenant_id, user_id, org_id);
    const char *in[6] = {p->role,        p->org_type,    p->email,
                         p->tenant_slug, p->tenant_name, p->org_name};
    size_t len[6], total = 0;
    char *buf, *w;

    for (int i = 0; i < 6; i++)
        total += (len[i] = in[i] ? strlen(in[i]) + 1 : 0);
    buf = malloc(total ? total : 1);
    if (!buf)
        return -1;
    free(s->buf);
    free(s->memberships);
    s->memberships = NULL;
    s->buf = w = buf;
    for (int i = 0; i < 6; i++) {
        s->s[i] = in[i] ? memcpy(w, in[i], len[i]) : NULL;
        w += len[i];
    }
    s->tenant_id = tenant_id;
    s->user_id = user_id;
    s->org_id = org_id;
    s->epoch = epoch;
    s->at = now;
    s->flags = p->flags;
    return 0;
}

const char *principal_memberships(int64_t tenant_id, int64_t user_id, int64_t org_id,
                                  uint64_t epoch, double now, double ttl)
{
    const struct slot *s = slot_of(tenant_id, user_id, org_id);

    return fresh(s, tenant_id, user_id, org_id, epoch, now, ttl) ? s->memberships : NULL;
}

int principal_set_memberships(int64_t tenant_id, int64_t user_id, int64_t org_id, uint64_t epoch,
                              const char *json)
{
    struct slot *s = slot_of(tenant_id, user_id, org_id);
    char *copy;

    if (!s->buf || s->tenant_id != tenant_id || s->user_id != user_id || s->org_id != org_id ||
        s->epoch != epoch || !(copy = strdup(json)))
        return 0;
    free(s->memberships);
    s->memberships = copy;
    return 1;
}

void principal_flush(void)
{
    for (int i = 0; i < NSLOT; i++) {
        free(slots[i].buf);
        free(slots[i].memberships);
        slots[i].buf = slots[i].memberships = NULL;
    }
}
