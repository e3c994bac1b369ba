/* The effective listing's heart: candidate rows merged, winners by precedence, the cursor. */
#include "catalog/listing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/arena.h"

int listing_key_cmp(struct pub_key a, struct pub_key b)
{
    if (a.sku_id != b.sku_id)
        return a.sku_id < b.sku_id ? -1 : 1;
    if (a.offering_key != b.offering_key)
        return a.offering_key < b.offering_key ? -1 : 1;
    return 0;
}

int listing_rank(const struct listing_item *it)
{
    if (it->publisher_id == it->manufacturer_id)
        return 0;
    return it->preferred ? 1 : 2;
}

int listing_precedence(const struct listing_item *a, const struct listing_item *b)
{
    int ra = listing_rank(a), rb = listing_rank(b);

    if (ra != rb)
        return ra - rb;
    if (a->publisher_id != b->publisher_id)
        return a->publisher_id < b->publisher_id ? -1 : 1;
    if (a->publication_id != b->publication_id)
        return a->publication_id < b->publication_id ? -1 : 1;
    return 0;
}

static int by_key_then_precedence(const void *pa, const void *pb)
{
    const struct listing_item *a = pa, *b = pb;
    int c = listing_key_cmp(a->key, b->key);

    return c ? c : listing_precedence(a, b);
}

size_t listing_merge(struct listing_item *items, size_t n, const struct pub_key *bound)
{
    size_t kept = 0, out = 0;

    for (size_t i = 0; i < n; i++)
        if (items[i].valid && (!bound || listing_key_cmp(items[i].key, *bound) <= 0))
            items[kept++] = items[i];
    if (kept == 0)
        return 0;
    qsort(items, kept, sizeof(*items), by_key_then_precedence);
    for (size_t i = 0; i < kept; i++)
        if (out == 0 || listing_key_cmp(items[out - 1].key, items[i].key) != 0)
            items[out++] = items[i];
    return out;
}

int listing_frontier(const size_t *counts, const struct pub_key *lasts, size_t n, size_t want,
                     struct pub_key *out)
{
    int found = 0;

    for (size_t i = 0; i < n; i++) {
        if (counts[i] < want)
            continue;
        if (!found || listing_key_cmp(lasts[i], *out) < 0)
            *out = lasts[i];
        found = 1;
    }
    return found;
}

int64_t *listing_path(struct arena *ar, const struct listing_item *it, int64_t org, int *len)
{
    int64_t *p = arena_alloc(ar, sizeof(*p) * (size_t)(it->upstream_len + 1));

    if (it->upstream_len)
        memcpy(p, it->upstream, sizeof(*p) * (size_t)it->upstream_len);
    p[it->upstream_len] = org;
    *len = it->upstream_len + 1;
    return p;
}

/* "l1:<sku_id>.<offering_key>" in base64url: opaque to clients, versioned for us. */
const char *listing_cursor_encode(struct arena *ar, struct pub_key key)
{
    char raw[64], *out;
    int n = snprintf(raw, sizeof(raw), "l1:%lld.%lld", (long long)key.sku_id,
                     (long long)key.offering_key);
    size_t cap = sodium_base64_ENCODED_LEN((size_t)n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

    out = arena_alloc(ar, cap);
    sodium_bin2base64(out, cap, (const unsigned char *)raw, (size_t)n,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/* A decimal of digits only into *v (0..INT64_MAX); returns the end or NULL. */
static const char *decimal(const char *s, long long *v)
{
    char *end;

    if (*s < '0' || *s > '9')
        return NULL;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return errno ? NULL : end;
}

int listing_cursor_decode(const char *cursor, struct pub_key *key)
{
    char raw[64];
    const char *s;
    size_t n;
    long long sku, off;

    if (strlen(cursor) > 80 ||
        sodium_base642bin((unsigned char *)raw, sizeof(raw) - 1, cursor, strlen(cursor), NULL, &n,
                          NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return -1;
    raw[n] = '\0';
    if (strlen(raw) != n || strncmp(raw, "l1:", 3) != 0)
        return -1;
    s = decimal(raw + 3, &sku);
    if (!s || *s != '.' || sku <= 0)
        return -1;
    s = decimal(s + 1, &off);
    if (!s || *s)
        return -1;
    key->sku_id = sku;
    key->offering_key = off;
    return 0;
}
