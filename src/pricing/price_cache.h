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

/* Rules kept now (tests, metrics). */
size_t price_cache_size(void);

/* Forgets every book not in use (tests; a worker starts empty). */
void price_cache_flush(void);

#endif
