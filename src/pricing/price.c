/* Pricing items: the resolver in the asked currency, else the tenant's converted; then tax. */
#include "pricing/price.h"

#include <string.h>

#include "core/arena.h"
#include "core/currency.h"
#include "core/sb.h"

/* books and rules of c in one currency, prepared */
static int prepare_one(struct arena *ar, const struct price_context *c, const char *currency,
                       const struct resolve_rule *rules, size_t nrules, struct resolve_set **out,
                       const char **err)
{
    struct resolve_book *b = arena_alloc(ar, sizeof(*b) * (c->nbooks + 1));
    struct resolve_rule *r = arena_alloc(ar, sizeof(*r) * (nrules + 1));
    size_t nb = 0, nr = 0;

    for (size_t i = 0; i < c->nbooks; i++)
        if (strcmp(c->books[i].currency, currency) == 0)
            b[nb++] = c->books[i];
    /* a rule goes with its book; the books of the other currency are left out */
    for (size_t k = 0; k < nrules; k++)
        for (size_t i = 0; i < nb; i++)
            if (b[i].id == rules[k].book_id) {
                r[nr++] = rules[k];
                break;
            }
    return resolve_prepare(ar, b, nb, r, nr, out, err);
}

int price_prepare(struct arena *ar, const struct price_context *c, const struct resolve_rule *rules,
                  size_t nrules, struct price_sets *sets, const char **err)
{
    int rc;

    memset(sets, 0, sizeof(*sets));
    rc = prepare_one(ar, c, c->currency, rules, nrules, &sets->asked, err);
    if (!rc && strcmp(c->currency, c->home_currency) != 0)
        rc = prepare_one(ar, c, c->home_currency, rules, nrules, &sets->home, err);
    return rc;
}

static const char *money_text(struct arena *ar, struct money_dec d)
{
    char buf[MONEY_STRLEN];

    money_format(d, d.scale, buf);
    return arena_strdup(ar, buf);
}

/* The resolver's answer as an item's: rc and, on an error, detail. */
static int from_resolver(struct price_item *it, int rc, const struct resolve_result *res)
{
    switch (rc) {
    case RESOLVE_OK:
        return PRICE_OK;
    case RESOLVE_ENOPRICE:
        return PRICE_ENOPRICE;
    case RESOLVE_EMONEY:
        it->detail = res->error;
        return PRICE_EMONEY;
    default:
        it->detail = res->error;
        return PRICE_EINPUT;
    }
}

/* The context of one item for the resolver, in currency. */
static void item_ctx(const struct price_context *c, const struct price_item *it,
                     const char *currency, struct resolve_ctx *x)
{
    memset(x, 0, sizeof(*x));
    x->sku_id = it->sku->id;
    x->product_id = it->sku->product_id;
    x->category = it->sku->category;
    x->org_id = c->org_id;
    x->channel_id = c->channel_id;
    x->qty = it->qty;
    x->currency = currency;
    x->at = c->at;
    x->rounding = c->rounding;
    x->no_trace = !c->trace;
}

/* After the resolutions: the asked currency's price, or the tenant's converted; then tax. */
static void finish(struct arena *ar, const struct price_context *c, struct price_item *it)
{
    char buf[MONEY_STRLEN];
    int rc;

    if (it->rc == PRICE_OK && !it->tried_home) {
        it->priced = &it->asked;
        it->amount = it->asked.amount;
        it->amount_text = it->asked.amount_text;
    } else if (it->rc == PRICE_OK && !c->has_rate) {
        it->rc = PRICE_ENORATE;
    } else if (it->rc == PRICE_OK) {
        rc = fx_convert(&it->home.exact, c->rate, c->currency, c->rounding, &it->amount);
        if (rc) {
            it->rc = PRICE_EMONEY;
            it->detail =
                arena_printf(ar, "the converted price %s", money_error(rc, 0, buf, sizeof(buf)));
            return;
        }
        it->converted = 1;
        it->priced = &it->home;
        it->amount_text = money_text(ar, it->amount);
    }
    if (it->rc != PRICE_OK || !c->region)
        return;
    it->tax = tax_pick(c->taxes, c->ntaxes, it->sku->category);
    if (!it->tax) {
        it->rc = PRICE_ENOTAX;
        return;
    }
    {
        struct money_dec rate, tax, gross;
        rc = money_parse_decimal(it->tax->rate, MONEY_MAX_SCALE, &rate);
        if (!rc)
            rc = tax_apply(it->amount, rate, c->currency, c->rounding, &tax, &gross);
        if (rc) {
            it->rc = PRICE_EMONEY;
            it->detail = arena_printf(ar, "the tax %s", money_error(rc, 0, buf, sizeof(buf)));
            return;
        }
        it->tax_text = money_text(ar, tax);
        it->gross_text = money_text(ar, gross);
    }
}

void price_items(struct arena *ar, const struct price_context *c, const struct price_sets *sets,
                 struct price_item *items, size_t n)
{
    struct resolve_ctx *x = arena_alloc(ar, sizeof(*x) * (n + 1));
    struct resolve_result *res = arena_alloc(ar, sizeof(*res) * (n + 1));
    int *rcs = arena_alloc(ar, sizeof(*rcs) * (n + 1));
    size_t *again = arena_alloc(ar, sizeof(*again) * (n + 1));
    size_t m = 0;

    /* every item in the asked currency, as one batch over its prepared set */
    for (size_t i = 0; i < n; i++)
        item_ctx(c, &items[i], c->currency, &x[i]);
    resolve_batch(ar, sets->asked, x, n, res, rcs);
    for (size_t i = 0; i < n; i++) {
        items[i].asked = res[i];
        items[i].rc = from_resolver(&items[i], rcs[i], &items[i].asked);
        /* no book in the asked currency: the tenant's price, to convert once */
        if (items[i].rc == PRICE_ENOPRICE && sets->home) {
            items[i].tried_home = 1;
            item_ctx(c, &items[i], c->home_currency, &x[m]);
            again[m++] = i;
        }
    }
    if (m) {
        resolve_batch(ar, sets->home, x, m, res, rcs);
        for (size_t k = 0; k < m; k++) {
            struct price_item *it = &items[again[k]];
            it->home = res[k];
            it->rc = from_resolver(it, rcs[k], &it->home);
        }
    }
    for (size_t i = 0; i < n; i++)
        finish(ar, c, &items[i]);
}

const char *price_decimal_text(struct arena *ar, const char *s, int decimals)
{
    struct money_dec d;
    char buf[MONEY_STRLEN];

    if (!s || money_parse_decimal(s, MONEY_MAX_SCALE, &d) != 0 ||
        money_format(d, decimals, buf) != 0)
        return s;
    return arena_strdup(ar, buf);
}

const char *price_rule_value_text(struct arena *ar, const struct resolve_rule *rule,
                                  const char *currency)
{
    int minor = currency_minor_units(currency);

    return price_decimal_text(ar, rule->value, rule->type == PRULE_FIXED ? minor : -1);
}

void price_csv_field(struct sb *sb, const char *s)
{
    int quote, formula;

    if (!s)
        return;
    formula = s[0] && strchr("=+-@\t\r", s[0]) != NULL;
    quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        sb_addc(sb, '"');
    if (formula)
        sb_addc(sb, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            sb_addc(sb, '"');
        sb_addc(sb, *p);
    }
    if (quote)
        sb_addc(sb, '"');
}
