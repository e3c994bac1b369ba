/* The price resolver: candidates, precedence, the winning book, its base and adjustment. */
#include "pricing/resolve.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/currency.h"

#define NONE ((size_t)-1)

/* ---- names ----------------------------------------------------------------------------- */

static const char *const scope_names[] = {"global", "org", "channel", "org_channel"};
static const char *const status_names[] = {"draft", "active", "retired"};
static const char *const selector_names[] = {"sku", "product", "category", "all"};
static const char *const rule_type_names[] = {"fixed", "discount", "markup", "margin"};

#define NNAMES(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *name_of(const char *const *names, int n, int v)
{
    return v >= 0 && v < n ? names[v] : "?";
}

static int parse_name(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *resolve_scope_name(enum price_scope v)
{
    return name_of(scope_names, NNAMES(scope_names), (int)v);
}

const char *resolve_status_name(enum price_book_status v)
{
    return name_of(status_names, NNAMES(status_names), (int)v);
}

const char *resolve_selector_name(enum price_selector v)
{
    return name_of(selector_names, NNAMES(selector_names), (int)v);
}

const char *resolve_rule_type_name(enum price_rule_type v)
{
    return name_of(rule_type_names, NNAMES(rule_type_names), (int)v);
}

int resolve_scope_parse(const char *s)
{
    return parse_name(scope_names, NNAMES(scope_names), s);
}

int resolve_status_parse(const char *s)
{
    return parse_name(status_names, NNAMES(status_names), s);
}

int resolve_selector_parse(const char *s)
{
    return parse_name(selector_names, NNAMES(selector_names), s);
}

int resolve_rule_type_parse(const char *s)
{
    return parse_name(rule_type_names, NNAMES(rule_type_names), s);
}

/* ---- values ---------------------------------------------------------------------------- */

/*
 * Why value does not suit a rule of type t (NULL when it does); *out gets it parsed.
 * decimals < 0 accepts any number of decimals (stored values), else at most that many.
 */
static const char *check_value(struct arena *ar, enum price_rule_type t, const char *value,
                               int decimals, struct money_dec *out)
{
    struct money_dec hundred = {100, 0};
    char buf[MONEY_STRLEN];
    int limit = decimals < 0 ? MONEY_MAX_SCALE : decimals;
    int rc = money_parse_decimal(value, limit, out);

    if (rc)
        return arena_strdup(ar, money_error(rc, limit, buf, sizeof(buf)));
    switch (t) {
    case PRULE_FIXED:
    case PRULE_MARKUP:
        if (money_dec_sign(*out) < 0)
            return "must not be negative";
        break;
    case PRULE_DISCOUNT:
        if (money_dec_sign(*out) < 0 || money_dec_cmp(*out, hundred) > 0)
            return "must be a percent from 0 to 100";
        break;
    case PRULE_MARGIN:
        if (money_dec_sign(*out) < 0 || money_dec_cmp(*out, hundred) >= 0)
            return "must be a percent from 0 to below 100";
        break;
    default:
        return "has an unknown rule type";
    }
    return NULL;
}

const char *resolve_check_value(struct arena *ar, enum price_rule_type t, const char *value,
                                const char *currency)
{
    struct money_dec d;
    int minor = currency_minor_units(currency);

    if (minor < 0)
        return "is in an unknown currency";
    return check_value(ar, t, value, t == PRULE_FIXED ? minor : RESOLVE_PERCENT_DECIMALS, &d);
}

static const char *check_qty(struct arena *ar, const char *s, int decimals, struct money_dec *out)
{
    char buf[MONEY_STRLEN];
    int rc = money_parse_decimal(s, decimals, out);

    if (rc)
        return arena_strdup(ar, money_error(rc, decimals, buf, sizeof(buf)));
    if (money_dec_sign(*out) <= 0)
        return "must be a positive quantity";
    return NULL;
}

const char *resolve_check_qty(struct arena *ar, const char *s, struct money_dec *out)
{
    return check_qty(ar, s, RESOLVE_QTY_DECIMALS, out);
}

/* ---- the prepared set ------------------------------------------------------------------ */

struct rbook {
    const struct resolve_book *b;
    size_t r0, r1; /* its rules: set->rules[r0..r1) */
};

struct rrule {
    const struct resolve_rule *r;
    size_t book; /* index into set->books */
    int64_t key; /* sku, product: the id */
    struct money_dec value, min_qty;
    __int128 min_qty18; /* min_qty in 10^-18 units, for quick comparisons */
};

struct resolve_set {
    struct rbook *books; /* in precedence order */
    size_t nbooks;
    struct rrule *rules; /* by book, then selector, key, min_qty down, id */
    size_t nrules;
};

static int cmp_i64(int64_t a, int64_t b)
{
    return (a > b) - (a < b);
}

/* d in 10^-18 units: exact, and below 10^36 for anything money_parse_decimal() accepts. */
static __int128 units18(struct money_dec d)
{
    __int128 v = d.units;

    for (int i = d.scale; i < MONEY_MAX_SCALE; i++)
        v *= 10;
    return v;
}

/*
 * Precedence, a total order: scope, higher priority, later effective_from (an open start is
 * the earliest), higher version, lower id (unique).
 */
static int book_cmp(const void *pa, const void *pb)
{
    const struct resolve_book *a = ((const struct rbook *)pa)->b;
    const struct resolve_book *b = ((const struct rbook *)pb)->b;
    int64_t fa = a->has_from ? a->effective_from : INT64_MIN;
    int64_t fb = b->has_from ? b->effective_from : INT64_MIN;
    int c;

    if ((c = cmp_i64(b->scope, a->scope)) || (c = cmp_i64(b->priority, a->priority)) ||
        (c = cmp_i64(fb, fa)) || (c = cmp_i64(b->version, a->version)))
        return c;
    return cmp_i64(a->id, b->id);
}

/* A rule's place among its book's rules against (selector, key or category). */
static int rule_key_cmp(const struct rrule *r, int selector, int64_t key, const char *category)
{
    int c = cmp_i64(r->r->selector, selector);

    if (c)
        return c;
    if (selector == PSEL_SKU || selector == PSEL_PRODUCT)
        return cmp_i64(r->key, key);
    if (selector == PSEL_CATEGORY)
        return strcmp(r->r->selector_value, category);
    return 0;
}

static int rule_cmp(const void *pa, const void *pb)
{
    const struct rrule *a = pa, *b = pb;
    int c = cmp_i64((int64_t)a->book, (int64_t)b->book);

    if (c || (c = rule_key_cmp(a, b->r->selector, b->key, b->r->selector_value)) ||
        (c = (b->min_qty18 > a->min_qty18) - (b->min_qty18 < a->min_qty18)))
        return c;
    return cmp_i64(a->r->id, b->r->id);
}

struct id_index {
    int64_t id;
    size_t at;
};

static int id_index_cmp(const void *pa, const void *pb)
{
    return cmp_i64(((const struct id_index *)pa)->id, ((const struct id_index *)pb)->id);
}

/* A positive decimal id, as selector_value carries one; 0 when s is not one. */
static int64_t parse_id(const char *s)
{
    int64_t v = 0;

    if (!s || !*s || *s == '0')
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX - (*s - '0')) / 10)
            return 0;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static const char *check_book(struct arena *ar, const struct resolve_book *b)
{
    int needs_org = b->scope == PSCOPE_ORG || b->scope == PSCOPE_ORG_CHANNEL;
    int needs_channel = b->scope == PSCOPE_CHANNEL || b->scope == PSCOPE_ORG_CHANNEL;

    if ((int)b->scope < 0 || (int)b->scope > PSCOPE_ORG_CHANNEL)
        return arena_printf(ar, "price book %lld: unknown scope_type", (long long)b->id);
    if ((int)b->status < 0 || (int)b->status > PBOOK_RETIRED)
        return arena_printf(ar, "price book %lld: unknown status", (long long)b->id);
    if (!currency_is_known(b->currency))
        return arena_printf(ar, "price book %lld: unknown currency", (long long)b->id);
    if (needs_org != (b->org_id > 0) || needs_channel != (b->channel_id > 0))
        return arena_printf(ar, "price book %lld: org_id and channel_id do not fit scope %s",
                            (long long)b->id, resolve_scope_name(b->scope));
    if (b->has_from && b->has_to && b->effective_to <= b->effective_from)
        return arena_printf(ar, "price book %lld: effective_to is not after effective_from",
                            (long long)b->id);
    return NULL;
}

static const char *check_rule(struct arena *ar, struct rrule *x)
{
    const struct resolve_rule *r = x->r;
    const char *why;

    if ((int)r->selector < 0 || (int)r->selector > PSEL_ALL)
        return arena_printf(ar, "price rule %lld: unknown selector", (long long)r->id);
    if ((int)r->type < 0 || (int)r->type > PRULE_MARGIN)
        return arena_printf(ar, "price rule %lld: unknown rule_type", (long long)r->id);
    if (r->selector == PSEL_SKU || r->selector == PSEL_PRODUCT) {
        if ((x->key = parse_id(r->selector_value)) == 0)
            return arena_printf(ar, "price rule %lld: selector_value is not an id",
                                (long long)r->id);
    } else if (r->selector == PSEL_CATEGORY && (!r->selector_value || !*r->selector_value)) {
        return arena_printf(ar, "price rule %lld: selector_value has no category",
                            (long long)r->id);
    }
    if ((why = check_value(ar, r->type, r->value, -1, &x->value)))
        return arena_printf(ar, "price rule %lld: value %s", (long long)r->id, why);
    if (r->min_qty && (why = check_qty(ar, r->min_qty, MONEY_MAX_SCALE, &x->min_qty)))
        return arena_printf(ar, "price rule %lld: min_qty %s", (long long)r->id, why);
    x->min_qty18 = units18(x->min_qty);
    return NULL;
}

int resolve_prepare(struct arena *ar, const struct resolve_book *books, size_t nbooks,
                    const struct resolve_rule *rules, size_t nrules, struct resolve_set **out,
                    const char **err)
{
    struct resolve_set *set = arena_zalloc(ar, sizeof(*set));
    struct id_index *ids = arena_alloc(ar, (nbooks + 1) * sizeof(*ids));
    struct id_index *rids = arena_alloc(ar, (nrules + 1) * sizeof(*rids));
    const char *why = NULL;

    set->books = arena_zalloc(ar, (nbooks + 1) * sizeof(*set->books));
    set->rules = arena_zalloc(ar, (nrules + 1) * sizeof(*set->rules));
    set->nbooks = nbooks;
    set->nrules = nrules;
    for (size_t i = 0; i < nbooks && !why; i++) {
        set->books[i].b = &books[i];
        why = check_book(ar, &books[i]);
    }
    if (why)
        goto fail;
    qsort(set->books, nbooks, sizeof(*set->books), book_cmp);
    for (size_t i = 0; i < nbooks; i++)
        ids[i] = (struct id_index){set->books[i].b->id, i};
    qsort(ids, nbooks, sizeof(*ids), id_index_cmp);
    for (size_t i = 1; i < nbooks; i++)
        if (ids[i].id == ids[i - 1].id) {
            why = arena_printf(ar, "price book %lld: given twice", (long long)ids[i].id);
            goto fail;
        }
    for (size_t i = 0; i < nrules; i++) {
        struct id_index key = {rules[i].book_id, 0}, *hit;

        set->rules[i].r = &rules[i];
        rids[i] = (struct id_index){rules[i].id, i};
        hit = bsearch(&key, ids, nbooks, sizeof(*ids), id_index_cmp);
        if (!hit) {
            why = arena_printf(ar, "price rule %lld: price book %lld not given",
                               (long long)rules[i].id, (long long)rules[i].book_id);
            goto fail;
        }
        set->rules[i].book = hit->at;
        if ((why = check_rule(ar, &set->rules[i])))
            goto fail;
    }
    qsort(rids, nrules, sizeof(*rids), id_index_cmp);
    for (size_t i = 1; i < nrules; i++)
        if (rids[i].id == rids[i - 1].id) {
            why = arena_printf(ar, "price rule %lld: given twice", (long long)rids[i].id);
            goto fail;
        }
    qsort(set->rules, nrules, sizeof(*set->rules), rule_cmp);
    for (size_t i = 0, j = 0; i < nbooks; i++) {
        set->books[i].r0 = j;
        while (j < nrules && set->rules[j].book == i)
            j++;
        set->books[i].r1 = j;
    }
    *out = set;
    return RESOLVE_OK;
fail:
    *out = NULL;
    if (err)
        *err = why;
    return RESOLVE_EINPUT;
}

/* ---- one resolve ----------------------------------------------------------------------- */

/* Why a book is not a candidate. */
enum exclusion { EX_NONE, EX_STATUS, EX_CURRENCY, EX_WINDOW, EX_SCOPE };

/* The selector groups, most specific first: a book's matching rules are one range of each. */
#define NGROUPS 4

/* What a resolve knows about one book. */
struct bstate {
    enum exclusion excluded;         /* EX_NONE for a candidate */
    size_t lo[NGROUPS], hi[NGROUPS]; /* its rules matching the SKU: set->rules[lo..hi) */
    size_t fixed, adj; /* the most specific eligible fixed rule and adjustment, or NONE */
    int any_match, any_eligible;
    int chain; /* its place in the chain of books that make the price, or -1 */
};

struct run {
    struct arena *ar;
    const struct resolve_set *set;
    const struct resolve_ctx *ctx;
    struct bstate *st;
    size_t nmatch; /* matching rules in all books */
    __int128 qty18;
    size_t *chain; /* book indexes: the winner, then the books its base comes from */
    size_t nchain;
    int found; /* the chain ends in a fixed price */
    const char *qty_text;
    const char *lower, *no_rule_at_qty; /* reasons many lines share, made once */
};

static enum exclusion exclusion(const struct resolve_book *b, const struct resolve_ctx *c)
{
    if (b->status != PBOOK_ACTIVE)
        return EX_STATUS;
    if (strcmp(b->currency, c->currency) != 0)
        return EX_CURRENCY;
    if ((b->has_from && c->at < b->effective_from) || (b->has_to && c->at >= b->effective_to))
        return EX_WINDOW;
    if (((b->scope == PSCOPE_ORG || b->scope == PSCOPE_ORG_CHANNEL) && c->org_id != b->org_id) ||
        ((b->scope == PSCOPE_CHANNEL || b->scope == PSCOPE_ORG_CHANNEL) &&
         c->channel_id != b->channel_id))
        return EX_SCOPE;
    return EX_NONE;
}

static const char *exclusion_text(struct arena *ar, enum exclusion ex, const struct resolve_book *b,
                                  const struct resolve_ctx *c)
{
    switch (ex) {
    case EX_STATUS:
        return arena_printf(ar, "status %s, not active", resolve_status_name(b->status));
    case EX_CURRENCY:
        return arena_printf(ar, "currency %s, not %s", b->currency, c->currency);
    case EX_WINDOW:
        return "outside its window";
    default:
        break;
    }
    if (b->scope == PSCOPE_ORG_CHANNEL)
        return arena_printf(ar, "scope org %lld at channel %lld does not match",
                            (long long)b->org_id, (long long)b->channel_id);
    if (b->scope == PSCOPE_CHANNEL)
        return arena_printf(ar, "scope channel %lld does not match", (long long)b->channel_id);
    return arena_printf(ar, "scope org %lld does not match", (long long)b->org_id);
}

/* The range of a book's rules in one selector group that match (binary search: no scan). */
static void match_group(struct run *rn, const struct rbook *bk, struct bstate *s, int selector,
                        int64_t key, const char *category)
{
    const struct rrule *rules = rn->set->rules;
    size_t lo = bk->r0, hi = bk->r1, end;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (rule_key_cmp(&rules[mid], selector, key, category) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (end = lo; end < bk->r1 && rule_key_cmp(&rules[end], selector, key, category) == 0;)
        end++;
    s->lo[selector] = lo;
    s->hi[selector] = end;
    rn->nmatch += end - lo;
}

static int eligible(const struct run *rn, size_t rule)
{
    return rn->set->rules[rule].min_qty18 <= rn->qty18;
}

static void classify(struct run *rn)
{
    const struct resolve_ctx *c = rn->ctx;

    for (size_t i = 0; i < rn->set->nbooks; i++) {
        const struct rbook *bk = &rn->set->books[i];
        struct bstate *s = &rn->st[i];

        s->fixed = s->adj = NONE;
        s->chain = -1;
        if ((s->excluded = exclusion(bk->b, c)) != EX_NONE)
            continue;
        match_group(rn, bk, s, PSEL_SKU, c->sku_id, NULL);
        if (c->product_id > 0)
            match_group(rn, bk, s, PSEL_PRODUCT, c->product_id, NULL);
        if (c->category)
            match_group(rn, bk, s, PSEL_CATEGORY, 0, c->category);
        match_group(rn, bk, s, PSEL_ALL, 0, NULL);
        for (int g = 0; g < NGROUPS; g++) {
            for (size_t r = s->lo[g]; r < s->hi[g]; r++) {
                s->any_match = 1;
                if (!eligible(rn, r))
                    continue;
                s->any_eligible = 1;
                if (rn->set->rules[r].r->type == PRULE_FIXED) {
                    if (s->fixed == NONE)
                        s->fixed = r;
                } else if (s->adj == NONE) {
                    s->adj = r;
                }
            }
        }
    }
}

/* The winner is the first candidate with an eligible rule; without a fixed price, the next. */
static void make_chain(struct run *rn)
{
    for (size_t i = 0; i < rn->set->nbooks; i++) {
        struct bstate *s = &rn->st[i];

        if (s->excluded || !s->any_eligible)
            continue;
        s->chain = (int)rn->nchain;
        rn->chain[rn->nchain++] = i;
        if (s->fixed != NONE) {
            rn->found = 1;
            return;
        }
    }
}

static const char *money_why(struct arena *ar, const struct resolve_rule *r, int rc)
{
    char buf[MONEY_STRLEN];

    return arena_printf(ar, "price rule %lld (%s %s): %s", (long long)r->id,
                        resolve_rule_type_name(r->type), r->value,
                        money_error(rc, 0, buf, sizeof(buf)));
}

/* The fixed price at the bottom of the chain, then each adjustment on the way up. */
static int compute(struct run *rn, struct resolve_result *res)
{
    const struct rrule *rules = rn->set->rules;
    size_t last = rn->chain[rn->nchain - 1], first = rn->chain[0];
    const struct rrule *base = &rules[rn->st[last].fixed];
    struct money_frac f;
    char text[MONEY_STRLEN];
    int rc;

    money_frac_set(&f, base->value);
    for (size_t j = rn->nchain; j-- > 0;) {
        size_t a = rn->st[rn->chain[j]].adj;

        if (a == NONE)
            continue;
        switch (rules[a].r->type) {
        case PRULE_DISCOUNT:
            rc = money_frac_discount(&f, rules[a].value);
            break;
        case PRULE_MARKUP:
            rc = money_frac_markup(&f, rules[a].value);
            break;
        default:
            rc = money_frac_margin(&f, rules[a].value);
            break;
        }
        if (rc) {
            res->error = money_why(rn->ar, rules[a].r, rc);
            return RESOLVE_EMONEY;
        }
    }
    res->exact = f;
    rc = money_round(&f, currency_minor_units(rn->ctx->currency), rn->ctx->rounding, &res->amount);
    if (rc == 0)
        rc = money_format(res->amount, res->amount.scale, text);
    if (rc) {
        res->error = arena_printf(rn->ar, "the price %s", money_error(rc, 0, text, sizeof(text)));
        return RESOLVE_EMONEY;
    }
    res->amount_text = arena_strdup(rn->ar, text);
    res->book_id = rn->set->books[first].b->id;
    res->rule_id = rules[rn->st[first].adj != NONE ? rn->st[first].adj : rn->st[first].fixed].r->id;
    res->base_book_id = rn->set->books[last].b->id;
    res->base_rule_id = base->r->id;
    return RESOLVE_OK;
}

static void step(struct run *rn, struct resolve_result *res, size_t book, size_t rule, int taken,
                 const char *reason)
{
    struct resolve_step *s = &res->steps[res->nsteps++];

    s->book = rn->set->books[book].b;
    s->rule = rule == NONE ? NULL : rn->set->rules[rule].r;
    s->taken = taken;
    s->reason = reason;
}

static long long book_id_at(const struct run *rn, size_t i)
{
    return (long long)rn->set->books[i].b->id;
}

static const char *book_reason(struct run *rn, size_t i, size_t end, int *taken)
{
    const struct bstate *s = &rn->st[i];
    const char *r;

    *taken = 0;
    if (s->excluded)
        return exclusion_text(rn->ar, s->excluded, rn->set->books[i].b, rn->ctx);
    if (s->chain < 0 && i < end)
        return s->any_match ? rn->no_rule_at_qty : "no rule for this SKU";
    if (s->chain < 0)
        return rn->lower;
    if (!rn->found)
        return s->chain == 0
                   ? "has a rule for this SKU but no fixed price, nor has a lower candidate"
                   : "no fixed price either";
    *taken = 1;
    r = s->chain == 0 ? "wins: the first candidate with a rule for this SKU"
                      : arena_printf(rn->ar, "gives the base of book %lld",
                                     book_id_at(rn, rn->chain[s->chain - 1]));
    if (s->fixed == NONE)
        r = arena_printf(rn->ar, "%s; base taken from book %lld", r,
                         book_id_at(rn, rn->chain[s->chain + 1]));
    return r;
}

/* Why rule x lost to w, the chosen rule of its kind in the same book (w comes first). */
static const char *lost_to(struct run *rn, const struct rrule *x, const struct rrule *w)
{
    if (x->r->selector != w->r->selector)
        return arena_printf(rn->ar, "less specific than rule %lld", (long long)w->r->id);
    if (x->min_qty18 != w->min_qty18)
        return arena_printf(rn->ar, "smaller tier than rule %lld", (long long)w->r->id);
    return arena_printf(rn->ar, "same tier as rule %lld, which has the lower id",
                        (long long)w->r->id);
}

static const char *rule_reason(struct run *rn, size_t i, size_t r, int *taken)
{
    const struct bstate *s = &rn->st[i];
    const struct rrule *x = &rn->set->rules[r];
    size_t w = x->r->type == PRULE_FIXED ? s->fixed : s->adj;
    char buf[MONEY_STRLEN];

    *taken = 0;
    if (!eligible(rn, r)) {
        money_format(x->min_qty, -1, buf);
        return arena_printf(rn->ar, "tier min_qty %s > qty %s", buf, rn->qty_text);
    }
    if (s->chain < 0)
        return rn->lower;
    if (r != w)
        return lost_to(rn, x, &rn->set->rules[w]);
    if (!rn->found)
        return "no base to apply it to";
    *taken = 1;
    return x->r->type == PRULE_FIXED ? "most specific fixed price" : "most specific adjustment";
}

static void trace(struct run *rn, struct resolve_result *res)
{
    /* books above end that are not in the chain had nothing for the SKU */
    size_t end = rn->found ? rn->chain[rn->nchain - 1] : rn->set->nbooks;
    char buf[MONEY_STRLEN];
    int taken;

    money_format(rn->ctx->qty, -1, buf);
    rn->qty_text = arena_strdup(rn->ar, buf);
    rn->no_rule_at_qty = arena_printf(rn->ar, "no rule for this SKU at qty %s", buf);
    if (rn->found)
        rn->lower = arena_printf(rn->ar, "lower precedence than book %lld", book_id_at(rn, end));
    res->steps = arena_alloc(rn->ar, (rn->set->nbooks + rn->nmatch + 1) * sizeof(*res->steps));
    for (size_t i = 0; i < rn->set->nbooks; i++) {
        const char *why = book_reason(rn, i, end, &taken);

        step(rn, res, i, NONE, taken, why);
        for (int g = 0; g < NGROUPS; g++)
            for (size_t r = rn->st[i].lo[g]; r < rn->st[i].hi[g]; r++) {
                why = rule_reason(rn, i, r, &taken);
                step(rn, res, i, r, taken, why);
            }
    }
}

int resolve_price(struct arena *ar, const struct resolve_set *set, const struct resolve_ctx *ctx,
                  struct resolve_result *res)
{
    struct run rn = {.ar = ar, .set = set, .ctx = ctx, .qty18 = units18(ctx->qty)};
    int rc = RESOLVE_ENOPRICE;

    memset(res, 0, sizeof(*res));
    if (!currency_is_known(ctx->currency)) {
        res->error = "unknown currency";
        return RESOLVE_EINPUT;
    }
    rn.st = arena_zalloc(ar, (set->nbooks + 1) * sizeof(*rn.st));
    rn.chain = arena_alloc(ar, (set->nbooks + 1) * sizeof(*rn.chain));
    classify(&rn);
    make_chain(&rn);
    if (rn.found)
        rc = compute(&rn, res);
    if (!ctx->no_trace)
        trace(&rn, res);
    return rc;
}

int resolve_one(struct arena *ar, const struct resolve_book *books, size_t nbooks,
                const struct resolve_rule *rules, size_t nrules, const struct resolve_ctx *ctx,
                struct resolve_result *res)
{
    struct resolve_set *set;
    const char *err = NULL;

    if (resolve_prepare(ar, books, nbooks, rules, nrules, &set, &err)) {
        memset(res, 0, sizeof(*res));
        res->error = err;
        return RESOLVE_EINPUT;
    }
    return resolve_price(ar, set, ctx, res);
}

void resolve_batch(struct arena *ar, const struct resolve_set *set, const struct resolve_ctx *ctxs,
                   size_t n, struct resolve_result *res, int *rcs)
{
    for (size_t i = 0; i < n; i++)
        rcs[i] = resolve_price(ar, set, &ctxs[i], &res[i]);
}
