/*
 * The rules of price books, kept by each worker between requests so a resolve reads only
 * the candidate books (which carry their versions) and the SKUs. A book's rules are kept
 * whole under (tenant, book, version): every change to a book or its rules raises its
 * version in the same transaction, so a kept copy whose version is the one just read is
 * the book's rules. A copy is also used for at most ttl seconds, the backstop for rules
 * changed behind the API's back.
 */
#ifndef PRICING_PRICE_CACHE_H
#define PRICING_PRICE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "pricing/resolve.h"

struct arena;

/* A book with more rules than this is not kept: its rules are looked up by key. */
#define PRICE_CACHE_BOOK_RULES 5000
/* At most this many rules kept by one worker (about 100 bytes each). */
#define PRICE_CACHE_RULES 60000

/*
 * 1 when (tenant_id, book_id, version) was kept less than ttl seconds before now: *rules
 * and *n are its rules sorted by price_cache_cmp(), valid until ar is reset; *too_big 1
 * (and no rules) when the book has more than PRICE_CACHE_BOOK_RULES. 0 otherwise.
 */
int price_cache_get(struct arena *ar, int64_t tenant_id, int64_t book_id, int64_t version,
                    double now, double ttl, const struct resolve_rule **rules, size_t *n,
                    int *too_big);

/*
 * Sorts rules[0..n) by price_cache_cmp() and keeps a copy of them, or with too_big only the
 * mark. Returns the kept copy, valid until ar is reset, or rules itself when it cannot be
 * kept (its slot is in use by this request, the worker keeps PRICE_CACHE_RULES already, or
 * no memory).
 */
const struct resolve_rule *price_cache_put(struct arena *ar, int64_t tenant_id, int64_t book_id,
                                           int64_t version, double now, struct resolve_rule *rules,
                                           size_t n, int too_big);

/* The order of a kept book: selector, then selector_value (NULL first), then id. */
int price_cache_cmp(const void *a, const void *b);

/*
 * The rules of a sorted book that a (selector, value) key meets: *first and the count
 * (value NULL: the selector "all").
 */
size_t price_cache_find(const struct resolve_rule *rules, size_t n, enum price_selector sel,
                        const char *value, size_t *first);

/*
 * What a resolve reads besides the rules (the tenant's currency, the channel, the candidate
 * books, the SKUs a caller may see), kept by each worker as text under a key and the
 * tenant's change counter (identity/principal.h), which every committed API write of the
 * tenant raises: an entry is used only while the counter is what it was before the entry
 * was read, and for at most ttl seconds. One memo per request, begun before any query.
 */
struct price_memo {
    int64_t tenant_id;
    uint64_t epoch;
    double now, ttl; /* ttl <= 0: nothing is kept or used */
};

/* The counter and the clock, read now: call before the queries whose answers are kept. */
void price_memo_begin(struct price_memo *m, int64_t tenant_id, double ttl);

/* The text kept under key, valid until the next price_memo_put(), or NULL. */
const char *price_memo_get(const struct price_memo *m, const char *key, size_t *len);

/* Keeps a copy of val[0..len) under key (too long a value, or no memory: not kept). */
void price_memo_put(const struct price_memo *m, const char *key, const char *val, size_t len);

/* Rules kept now (tests, metrics). */
size_t price_cache_size(void);

/* Forgets every book not in use and every memo entry (tests; a worker starts empty). */
void price_cache_flush(void);

#endif
