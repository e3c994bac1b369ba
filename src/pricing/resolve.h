/* Price resolution (DESIGN §7 Pricing): a pure function over books and rules in memory. */
#ifndef PRICING_RESOLVE_H
#define PRICING_RESOLVE_H

#include <stddef.h>
#include <stdint.h>

#include "core/money.h"

struct arena;

/*
 * Ownership: everything resolve_* returns lives in the arena passed in; a prepared set and
 * its results also point into the caller's book and rule arrays, which must outlive them.
 * Nothing needs free(). The order of the inputs never matters: books and rules are sorted
 * by total orders (docs/pricing.md), so the same inputs always give the same answer and the
 * same provenance.
 */

/* In ascending precedence: org_channel > channel > org > global. */
enum price_scope { PSCOPE_GLOBAL, PSCOPE_ORG, PSCOPE_CHANNEL, PSCOPE_ORG_CHANNEL };
enum price_book_status { PBOOK_DRAFT, PBOOK_ACTIVE, PBOOK_RETIRED };
/* Most specific first: sku > product > category > all. */
enum price_selector { PSEL_SKU, PSEL_PRODUCT, PSEL_CATEGORY, PSEL_ALL };
enum price_rule_type { PRULE_FIXED, PRULE_DISCOUNT, PRULE_MARKUP, PRULE_MARGIN };

/* The names of the API and the schema ("org_channel", "half_even"...) and back (-1: unknown). */
const char *resolve_scope_name(enum price_scope v);
const char *resolve_status_name(enum price_book_status v);
const char *resolve_selector_name(enum price_selector v);
const char *resolve_rule_type_name(enum price_rule_type v);
int resolve_scope_parse(const char *s);
int resolve_status_parse(const char *s);
int resolve_selector_parse(const char *s);
int resolve_rule_type_parse(const char *s);

/* The most decimals a percent value and a quantity (qty, min_qty) may have on input. */
#define RESOLVE_PERCENT_DECIMALS 4
#define RESOLVE_QTY_DECIMALS     3

struct resolve_book {
    int64_t id;
    enum price_scope scope;
    int64_t org_id, channel_id; /* 0 unless the scope names them */
    const char *currency;
    int64_t version;
    enum price_book_status status;
    int has_from, has_to;                 /* 0: the window is open on that side */
    int64_t effective_from, effective_to; /* ms since the epoch; the window is [from, to) */
    int64_t priority;
};

struct resolve_rule {
    int64_t id, book_id;
    enum price_selector selector;
    const char *selector_value; /* sku, product: the id in decimal; category: it; all: NULL */
    enum price_rule_type type;
    const char *value;   /* decimal string: an amount for fixed, a percent for the others */
    const char *min_qty; /* decimal string; NULL: no minimum */
};

/* What is priced, for whom, when. */
struct resolve_ctx {
    int64_t sku_id;
    int64_t product_id;         /* 0: unknown, product rules never match */
    const char *category;       /* NULL: none; compared byte for byte */
    int64_t org_id, channel_id; /* 0: none */
    struct money_dec qty;       /* picks tiers; the amount is a unit price */
    const char *currency;
    int64_t at; /* ms since the epoch (rfc3339_parse() reads the API's form) */
    enum money_rounding rounding;
    int no_trace; /* 1: no provenance (a batch that does not show it) */
};

/* One line of the provenance: a book (rule NULL) or one of its rules that match the SKU. */
struct resolve_step {
    const struct resolve_book *book;
    const struct resolve_rule *rule;
    int taken;
    const char *reason;
};

struct resolve_result {
    struct money_dec amount;    /* rounded once, to the currency's minor unit */
    struct money_frac exact;    /* the same before rounding: a conversion rounds only once */
    const char *amount_text;    /* "950.00" */
    int64_t book_id;            /* the winning book */
    int64_t rule_id;            /* its adjustment when one applied, else its fixed rule */
    int64_t base_book_id;       /* the book whose fixed rule gave the base... */
    int64_t base_rule_id;       /* ...and that rule */
    struct resolve_step *steps; /* every book in precedence order, each followed by its rules */
    size_t nsteps;
    const char *error; /* RESOLVE_EINPUT, RESOLVE_EMONEY: what went wrong */
};

enum {
    RESOLVE_OK = 0,
    RESOLVE_ENOPRICE = -1, /* no candidate prices the SKU (404 no_price); steps say why */
    RESOLVE_EINPUT = -2,   /* inconsistent books, rules or context; error names it */
    RESOLVE_EMONEY = -3,   /* the exact computation overflowed; error names the rule */
};

/* Books and rules sorted and parsed once, for any number of resolves (a batch). */
struct resolve_set;

/*
 * Checks and prepares books and rules: ids unique, every rule's book given, currencies
 * known, windows ordered, values and min_qty decimals that resolve_check_value() would
 * accept (any number of decimals: stored values may carry trailing zeros). Returns 0, or
 * RESOLVE_EINPUT with *err naming the first problem.
 */
int resolve_prepare(struct arena *ar, const struct resolve_book *books, size_t nbooks,
                    const struct resolve_rule *rules, size_t nrules, struct resolve_set **out,
                    const char **err);

/* The price of ctx over a prepared set: RESOLVE_OK, RESOLVE_ENOPRICE, EINPUT or EMONEY. */
int resolve_price(struct arena *ar, const struct resolve_set *set, const struct resolve_ctx *ctx,
                  struct resolve_result *res);

/* resolve_prepare() and resolve_price() in one; a prepare error is in res->error. */
int resolve_one(struct arena *ar, const struct resolve_book *books, size_t nbooks,
                const struct resolve_rule *rules, size_t nrules, const struct resolve_ctx *ctx,
                struct resolve_result *res);

/* n items against one prepared set: rcs[i] and res[i] as resolve_price() gives them. */
void resolve_batch(struct arena *ar, const struct resolve_set *set, const struct resolve_ctx *ctxs,
                   size_t n, struct resolve_result *res, int *rcs);

/*
 * For writes: NULL when value is acceptable for a rule of type t in a book of currency
 * (fixed: a non-negative amount with at most the minor unit's decimals; discount 0..100,
 * markup >= 0, margin 0..<100, each with at most RESOLVE_PERCENT_DECIMALS), else the field
 * message in the arena.
 */
const char *resolve_check_value(struct arena *ar, enum price_rule_type t, const char *value,
                                const char *currency);

/* For qty and min_qty: a positive decimal with at most RESOLVE_QTY_DECIMALS; NULL or why. */
const char *resolve_check_qty(struct arena *ar, const char *s, struct money_dec *out);

#endif
