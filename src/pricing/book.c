/* Price book and rule checks without I/O: names, scopes, windows, selectors, values. */
#include "pricing/book.h"

#include <string.h>

#include "core/arena.h"
#include "core/currency.h"
#include "core/money.h"
#include "core/utf8.h"

/* 1..max bytes, not blank, no control characters: names and categories print everywhere. */
static const char *check_text(const char *s, size_t max, const char *len_msg)
{
    size_t n = strlen(s);

    if (n == 0 || n > max)
        return len_msg;
    if (utf8_is_blank(s, n))
        return "must not be blank";
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return "must not contain control characters";
    return NULL;
}

const char *book_check_name(const char *name)
{
    return check_text(name, BOOK_NAME_MAX, "must be 1 to 200 bytes");
}

const char *book_check_scope_type(const char *scope_type)
{
    return resolve_scope_parse(scope_type) < 0 ? "must be one of global, org, channel, org_channel"
                                               : NULL;
}

const char *book_check_status(const char *status)
{
    if (strcmp(status, "retired") == 0)
        return "cannot be set: a book is retired by POST /v1/price-books/{id}/retire";
    return resolve_status_parse(status) < 0 ? "must be draft or active" : NULL;
}

const char *book_check_status_filter(const char *status)
{
    return resolve_status_parse(status) < 0 ? "must be one of draft, active, retired" : NULL;
}

const char *book_check_currency(const char *currency)
{
    return currency_is_known(currency) ? NULL : "must be an active ISO 4217 code like EUR";
}

const char *book_check_priority(int64_t priority)
{
    return priority < BOOK_PRIORITY_MIN || priority > BOOK_PRIORITY_MAX
               ? "must be an integer from -1000000 to 1000000"
               : NULL;
}

const char *book_check_time(int64_t ms)
{
    return ms < BOOK_TIME_MIN_MS || ms > BOOK_TIME_MAX_MS
               ? "must be from 1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z (the range the "
                 "database stores)"
               : NULL;
}

const char *book_check_window(int has_from, int64_t from, int has_to, int64_t to)
{
    return has_from && has_to && to <= from ? "must be after effective_from" : NULL;
}

int book_scope_has_org(int scope)
{
    return scope == PSCOPE_ORG || scope == PSCOPE_ORG_CHANNEL;
}

int book_scope_has_channel(int scope)
{
    return scope == PSCOPE_CHANNEL || scope == PSCOPE_ORG_CHANNEL;
}

const char *book_check_scope_id(int scope, char which, int given)
{
    int wants = which == 'o' ? book_scope_has_org(scope) : book_scope_has_channel(scope);

    if (wants && !given) {
        switch (scope) {
        case PSCOPE_ORG:
            return "is required for scope_type org";
        case PSCOPE_CHANNEL:
            return "is required for scope_type channel";
        default:
            return "is required for scope_type org_channel";
        }
    }
    if (!wants && given) {
        switch (scope) {
        case PSCOPE_GLOBAL:
            return "must be null for scope_type global";
        case PSCOPE_ORG:
            return "must be null for scope_type org";
        default:
            return "must be null for scope_type channel";
        }
    }
    return NULL;
}

const char *book_check_selector(const char *selector)
{
    return resolve_selector_parse(selector) < 0 ? "must be one of sku, product, category, all"
                                                : NULL;
}

const char *book_check_rule_type(const char *rule_type)
{
    return resolve_rule_type_parse(rule_type) < 0 ? "must be one of fixed, discount, markup, margin"
                                                  : NULL;
}

/* A positive id in decimal as the resolver compares them: digits only, no leading zero. */
static int parse_id(const char *s, int64_t *id)
{
    int64_t v = 0;
    size_t n = strlen(s);

    if (n == 0 || n > 19 || s[0] == '0' || strspn(s, "0123456789") != n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int d = s[i] - '0';
        if (v > (INT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *id = v;
    return 0;
}

const char *book_check_selector_value(int selector, const char *value, int64_t *id)
{
    *id = 0;
    switch (selector) {
    case PSEL_SKU:
    case PSEL_PRODUCT:
        if (!value)
            return selector == PSEL_SKU ? "is required for selector sku: the SKU's id"
                                        : "is required for selector product: the product's id";
        return parse_id(value, id) ? "must be a positive id" : NULL;
    case PSEL_CATEGORY:
        if (!value)
            return "is required for selector category: the category's name";
        return check_text(value, BOOK_CATEGORY_MAX, "must be 1 to 100 bytes");
    case PSEL_ALL:
        return value ? "must be null for selector all" : NULL;
    default:
        return "has an unknown selector";
    }
}

const char *book_check_value(struct arena *ar, int rule_type, const char *value,
                             const char *currency)
{
    return resolve_check_value(ar, (enum price_rule_type)rule_type, value, currency);
}

const char *book_check_min_qty(struct arena *ar, const char *min_qty)
{
    struct money_dec d;
    const char *why = resolve_check_qty(ar, min_qty, &d);
    __int128 limit = 1;

    if (why)
        return why;
    for (int i = 0; i < BOOK_QTY_INT_DIGITS + d.scale; i++)
        limit *= 10;
    return d.units >= limit ? "must be less than 1000000000000" : NULL;
}

const char *book_value_text(struct arena *ar, int rule_type, const char *stored,
                            const char *currency)
{
    char buf[MONEY_STRLEN];
    struct money_dec d;
    int minor = currency_minor_units(currency);

    if (!stored || money_parse_decimal(stored, MONEY_MAX_SCALE, &d) != 0)
        return stored;
    if (rule_type == PRULE_FIXED && minor >= 0 && money_format(d, minor, buf) == 0)
        return arena_strdup(ar, buf);
    if (money_format(d, -1, buf) != 0)
        return stored;
    return arena_strdup(ar, buf);
}

const char *book_qty_text(struct arena *ar, const char *stored)
{
    return stored ? book_value_text(ar, PRULE_DISCOUNT, stored, NULL) : NULL;
}

int book_org_type_may_manage(const char *org_type)
{
    return !org_type || strcmp(org_type, "manufacturer") == 0 ||
           strcmp(org_type, "distributor") == 0;
}
