/* Kept price book rules: direct-mapped per worker, pinned by the requests that read them. */
#include "pricing/price_cache.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

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

size_t price_cache_size(void)
{
    return kept;
}

void price_cache_flush(void)
{
    for (int i = 0; i < NSLOT; i++)
        if (slots[i].used && slots[i].pins == 0)
            clear(&slots[i]);
}
