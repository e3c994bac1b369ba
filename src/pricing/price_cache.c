/*
 * Kept price book rules, direct-mapped per worker and pinned by the requests that read them;
 * and the memo of what else a resolve reads, checked against the tenant change counters.
 */
#include "pricing/price_cache.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "identity/principal.h"

#define NSLOT 512

struct slot {
    int64_t tenant_id, book_id, version;
    double at;
    int used;    /* 0: empty */
    int pins;    /* requests reading it now: it is neither replaced nor freed */
    int too_big; /* the mark only, no rules */
    size_t n;
    struct resolve_rule *rules; /* one allocation with their strings */
};

static struct slot slots[NSLOT];
static size_t kept; /* rules in every slot */

static struct slot *slot_of(int64_t tenant_id, int64_t book_id)
{
    uint64_t h = (uint64_t)tenant_id * 0x9e3779b97f4a7c15u;

    h = (h ^ (uint64_t)book_id) * 0xff51afd7ed558ccdu;
    return &slots[(h >> 32) % NSLOT];
}

static void unpin(void *arg)
{
    struct slot *s = arg;

    s->pins--;
}

static void pin(struct arena *ar, struct slot *s)
{
    s->pins++;
    arena_defer(ar, unpin, s);
}

static void clear(struct slot *s)
{
    kept -= s->n;
    free(s->rules);
    memset(s, 0, sizeof(*s));
}

int price_cache_get(struct arena *ar, int64_t tenant_id, int64_t book_id, int64_t version,
                    double now, double ttl, const struct resolve_rule **rules, size_t *n,
                    int *too_big)
{
    struct slot *s = slot_of(tenant_id, book_id);

    if (!s->used || s->tenant_id != tenant_id || s->book_id != book_id || s->version != version ||
        now < s->at || now - s->at >= ttl)
        return 0;
    pin(ar, s);
    *rules = s->rules;
    *n = s->n;
    *too_big = s->too_big;
    return 1;
}

static int cmp_str(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

int price_cache_cmp(const void *a, const void *b)
{
    const struct resolve_rule *x = a, *y = b;
    int c;

    if (x->selector != y->selector)
        return x->selector < y->selector ? -1 : 1;
    if ((c = cmp_str(x->selector_value, y->selector_value)) != 0)
        return c;
    return (x->id > y->id) - (x->id < y->id);
}

static size_t strsize(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

static const char *copy_str(char **p, const char *s)
{
    size_t k = strsize(s);
    const char *out = *p;

    if (!s)
        return NULL;
    memcpy(*p, s, k);
    *p += k;
    return out;
}

const struct resolve_rule *price_cache_put(struct arena *ar, int64_t tenant_id, int64_t book_id,
                                           int64_t version, double now, struct resolve_rule *rules,
                                           size_t n, int too_big)
{
    struct slot *s = slot_of(tenant_id, book_id);
    size_t bytes = 0, keep = too_big ? 0 : n;
    struct resolve_rule *copy = NULL;
    char *p;

    if (n > 1)
        qsort(rules, n, sizeof(*rules), price_cache_cmp);
    if (s->pins > 0 || kept - (s->used ? s->n : 0) + keep > PRICE_CACHE_RULES)
        return rules;
    for (size_t i = 0; i < keep; i++)
        bytes +=
            strsize(rules[i].selector_value) + strsize(rules[i].value) + strsize(rules[i].min_qty);
    if (keep > 0 && !(copy = malloc(sizeof(*copy) * keep + bytes)))
        return rules;
    if (s->used)
        clear(s);
    p = (char *)(copy + keep);
    for (size_t i = 0; i < keep; i++) {
        copy[i] = rules[i];
        copy[i].selector_value = copy_str(&p, rules[i].selector_value);
        copy[i].value = copy_str(&p, rules[i].value);
        copy[i].min_qty = copy_str(&p, rules[i].min_qty);
    }
    *s = (struct slot){.tenant_id = tenant_id,
                       .book_id = book_id,
                       .version = version,
                       .at = now,
                       .used = 1,
                       .too_big = too_big,
                       .n = keep,
                       .rules = copy};
    kept += keep;
    pin(ar, s);
    return too_big ? rules : copy;
}

size_t price_cache_find(const struct resolve_rule *rules, size_t n, enum price_selector sel,
                        const char *value, size_t *first)
{
    struct resolve_rule key = {.id = INT64_MIN, .selector = sel, .selector_value = value};
    size_t lo = 0, hi = n, end;

    /* the first rule not before the key: every rule of the key has a larger id */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (price_cache_cmp(&rules[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    end = lo;
    while (end < n && rules[end].selector == sel && cmp_str(rules[end].selector_value, value) == 0)
        end++;
    *first = lo;
    return end - lo;
}

/* ---- the memo ------------------------------------------------------------------------- */

#define NMEMO    65536
#define MEMO_MAX 16384 /* bytes of one value */

struct memo_slot {
    int64_t tenant_id;
    uint64_t epoch;
    double at;
    size_t len;
    char *key; /* key, then the value, one allocation; NULL: empty */
    char *val;
};

static struct memo_slot memo[NMEMO];

static struct memo_slot *memo_slot(int64_t tenant_id, const char *key)
{
    uint64_t h = (uint64_t)tenant_id * 0x9e3779b97f4a7c15u;

    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 0x100000001b3u;
    return &memo[(h >> 32) % NMEMO];
}

void price_memo_begin(struct price_memo *m, int64_t tenant_id, double ttl)
{
    m->tenant_id = tenant_id;
    principal_stamp(tenant_id, &m->epoch, &m->now);
    m->ttl = ttl;
}

const char *price_memo_get(const struct price_memo *m, const char *key, size_t *len)
{
    struct memo_slot *s;

    if (!m || m->ttl <= 0)
        return NULL;
    s = memo_slot(m->tenant_id, key);
    if (!s->key || s->tenant_id != m->tenant_id || s->epoch != m->epoch || m->now < s->at ||
        m->now - s->at >= m->ttl || strcmp(s->key, key) != 0)
        return NULL;
    *len = s->len;
    return s->val;
}

void price_memo_put(const struct price_memo *m, const char *key, const char *val, size_t len)
{
    struct memo_slot *s;
    size_t klen = strlen(key);
    char *buf;

    if (!m || m->ttl <= 0 || len > MEMO_MAX || !(buf = malloc(klen + 1 + len + 1)))
        return;
    s = memo_slot(m->tenant_id, key);
    free(s->key);
    memcpy(buf, key, klen + 1);
    memcpy(buf + klen + 1, val, len);
    buf[klen + 1 + len] = '\0';
    *s = (struct memo_slot){.tenant_id = m->tenant_id,
                            .epoch = m->epoch,
                            .at = m->now,
                            .len = len,
                            .key = buf,
                            .val = buf + klen + 1};
}

size_t price_cache_size(void)
{
    return kept;
}

void price_cache_flush(void)
{
    for (int i = 0; i < NSLOT; i++)
        if (slots[i].used && slots[i].pins == 0)
            clear(&slots[i]);
    for (int i = 0; i < NMEMO; i++) {
        free(memo[i].key);
        memset(&memo[i], 0, sizeof(memo[i]));
    }
}
