/* Percent-decoding of paths and query strings, and query-string parsing. */
#ifndef CORE_URL_H
#define CORE_URL_H

#include <stddef.h>

struct arena;

struct kv {
    const char *key;
    const char *val;
};

/*
 * Decodes %XX escapes of s[0..n) into a NUL-terminated arena string. With
 * plus_is_space, '+' becomes ' ' (query strings and form bodies). Returns NULL
 * on a bad escape (a '%' not followed by two hex digits) or an encoded NUL.
 * *outlen, when not NULL, receives the decoded length.
 */
char *url_decode(struct arena *ar, const char *s, size_t n, int plus_is_space, size_t *outlen);

/*
 * Parses "a=1&b=x%20y&c" (application/x-www-form-urlencoded) into an arena
 * array of decoded pairs; a key without '=' has the value "". Returns the
 * number of pairs (>= 0), or -1 on a bad escape. Empty segments are skipped.
 */
int url_parse_query(struct arena *ar, const char *s, size_t n, struct kv **out);

/* First value of key in pairs, or NULL. */
const char *kv_get(const struct kv *pairs, int n, const char *key);

#endif
