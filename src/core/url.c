/* Strict percent-decoding and application/x-www-form-urlencoded parsing. */
#include "core/url.h"

#include <string.h>

#include "core/arena.h"

static int hex_val(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *url_decode(struct arena *ar, const char *s, size_t n, int plus_is_space, size_t *outlen)
{
    char *out = arena_alloc(ar, n + 1);
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            int hi, lo;
            if (n - i < 3)
                return NULL;
            hi = hex_val((unsigned char)s[i + 1]);
            lo = hex_val((unsigned char)s[i + 2]);
            /* An encoded NUL would silently cut every C string downstream. */
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return NULL;
            c = (char)(hi << 4 | lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        } else if (c == '\0') {
            return NULL;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    if (outlen)
        *outlen = o;
    return out;
}

int url_parse_query(struct arena *ar, const char *s, size_t n, struct kv **out)
{
    size_t i, start, nseg = 1;
    struct kv *kv;
    int count = 0;

    *out = NULL;
    for (i = 0; i < n; i++)
        if (s[i] == '&')
            nseg++;
    kv = arena_alloc(ar, nseg * sizeof(*kv));
    for (start = 0; start <= n; start = i + 1) {
        const char *seg = s + start, *eq;
        size_t len;

        for (i = start; i < n && s[i] != '&'; i++)
            ;
        len = i - start;
        if (len == 0)
            continue;
        eq = memchr(seg, '=', len);
        if (eq) {
            kv[count].key = url_decode(ar, seg, (size_t)(eq - seg), 1, NULL);
            kv[count].val = url_decode(ar, eq + 1, len - (size_t)(eq - seg) - 1, 1, NULL);
        } else {
            kv[count].key = url_decode(ar, seg, len, 1, NULL);
            kv[count].val = "";
        }
        if (!kv[count].key || !kv[count].val)
            return -1;
        count++;
    }
    *out = kv;
    return count;
}

const char *kv_get(const struct kv *pairs, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(pairs[i].key, key) == 0)
            return pairs[i].val;
    return NULL;
}
