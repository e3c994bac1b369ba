/* The effective listing's pure part: merging candidate rows, precedence, dedupe, the cursor. */
#ifndef CATALOG_LISTING_H
#define CATALOG_LISTING_H

#include <stddef.h>
#include <stdint.h>

#include "catalog/publish.h"

struct arena;

/* How far up a chain of republishers an item is followed before it is dropped. */
#define LISTING_MAX_DEPTH 8

/*
 * One item as it reached an organization through one publication. upstream is the path
 * from the SKU's manufacturer down to the publisher (both included), set when the item is
 * known to be valid; valid 0 drops it (its publisher no longer has it upstream).
 */
struct listing_item {
    struct pub_key key;
    const char *sku_code;
    int64_t manufacturer_id;
    int64_t publisher_id;
    int64_t publication_id;
    int64_t version; /* the publication's current version */
    int preferred;   /* the publisher -> organization relationship is preferred */
    int valid;
    const int64_t *upstream;
    int upstream_len;
};

/* <0, 0, >0 as a's key sorts before, with, after b's: (sku_id, offering_key). */
int listing_key_cmp(struct pub_key a, struct pub_key b);

/* 0 direct from the SKU's manufacturer, 1 through a preferred relationship, 2 otherwise. */
int listing_rank(const struct listing_item *it);

/*
 * <0 when a wins over b for the same key: lower rank, then lower publisher id, then lower
 * publication id (one publisher's publication to the organization and to all).
 */
int listing_precedence(const struct listing_item *a, const struct listing_item *b);

/*
 * Keeps the valid items whose key is at most *bound (bound NULL: all), one per key, the
 * winner by listing_precedence, in key order at the front of items; returns their count.
 */
size_t listing_merge(struct listing_item *items, size_t n, const struct pub_key *bound);

/*
 * The frontier of one round of reads: each source read up to want rows after the cursor
 * and got counts[i], the last being lasts[i]. Items up to the frontier are complete (no
 * source holds an unread one below it). Returns 1 and sets *out when some source was full
 * (more may follow it), 0 when every source is exhausted.
 */
int listing_frontier(const size_t *counts, const struct pub_key *lasts, size_t n, size_t want,
                     struct pub_key *out);

/* path = upstream, then org: manufacturer ... org. *len gets its length. */
int64_t *listing_path(struct arena *ar, const struct listing_item *it, int64_t org, int *len);

/* The opaque ?cursor= naming the position after key, and back; decode returns 0 or -1. */
const char *listing_cursor_encode(struct arena *ar, struct pub_key key);
int listing_cursor_decode(const char *cursor, struct pub_key *key);

#endif
