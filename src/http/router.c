/* Segment-by-segment route matching with {name} captures. */
#include "http/router.h"

#include <stdio.h>
#include <string.h>

/*
 * Matches one pattern against path. Captures go to names/vals (pointers into
 * pattern and path with lengths) so nothing is copied unless it matches.
 */
struct capture {
    const char *name, *val;
    size_t nlen, vlen;
};

static int match_pattern(const char *pat, const char *path, struct capture *caps, int *ncaps)
{
    *ncaps = 0;
    while (*pat && *path) {
        if (*pat != '/' || *path != '/')
            return 0;
        pat++;
        path++;
        size_t pl = strcspn(pat, "/"), sl = strcspn(path, "/");
        if (pl >= 2 && pat[0] == '{' && pat[pl - 1] == '}') {
            if (sl == 0 || *ncaps == ROUTE_MAX_PARAMS)
                return 0;
            caps[*ncaps] = (struct capture){pat + 1, path, pl - 2, sl};
            (*ncaps)++;
        } else if (pl != sl || memcmp(pat, path, pl) != 0) {
            return 0;
        }
        pat += pl;
        path += sl;
    }
    return *pat == '\0' && *path == '\0';
}

int router_match(const struct route *table, int n, struct req *r, enum http_method m,
                 const char *path, unsigned *allow)
{
    struct capture caps[ROUTE_MAX_PARAMS];
    int ncaps;
    unsigned want = m == HTTP_HEAD ? (HTTP_HEAD | HTTP_GET) : (unsigned)m;

    *allow = 0;
    for (int i = 0; i < n; i++) {
        if (!match_pattern(table[i].pattern, path, caps, &ncaps))
            continue;
        if (!(table[i].methods & want)) {
            *allow |= table[i].methods;
            continue;
        }
        r->nparams = ncaps;
        for (int k = 0; k < ncaps; k++) {
            r->param_names[k] = arena_strndup(r->ar, caps[k].name, caps[k].nlen);
            r->param_vals[k] = arena_strndup(r->ar, caps[k].val, caps[k].vlen);
        }
        return i;
    }
    if (*allow & HTTP_GET)
        *allow |= HTTP_HEAD;
    return *allow ? -2 : -1;
}

const char *router_allow_header(struct arena *ar, unsigned allow)
{
    static const enum http_method order[] = {HTTP_GET,   HTTP_HEAD,   HTTP_POST,   HTTP_PUT,
                                             HTTP_PATCH, HTTP_DELETE, HTTP_OPTIONS};
    char buf[128] = "";

    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        if (!(allow & order[i]))
            continue;
        if (buf[0])
            strcat(buf, ", ");
        strcat(buf, http_method_name(order[i]));
    }
    return arena_strdup(ar, buf);
}

static int pattern_ok(const char *p)
{
    if (p[0] != '/')
        return 0;
    for (const char *s = p; *s; s++) {
        if (*s == '/' && (s[1] == '/' || (s[1] == '\0' && s != p)))
            return 0; /* empty segment or trailing slash */
        if (*s == '{') {
            const char *e = strchr(s, '}');
            if (!e || e == s + 1 || s[-1] != '/' || (e[1] != '/' && e[1] != '\0'))
                return 0;
            for (const char *c = s + 1; c < e; c++)
                if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
                    return 0;
            s = e;
        } else if (*s == '}') {
            return 0;
        }
    }
    return 1;
}

/* Two patterns clash when one could shadow the other for the same path shape. */
static int same_shape(const char *a, const char *b)
{
    while (*a && *b) {
        size_t la = strcspn(a + 1, "/") + 1, lb = strcspn(b + 1, "/") + 1;
        int ca = a[1] == '{', cb = b[1] == '{';
        if (ca != cb || (!ca && (la != lb || memcmp(a, b, la) != 0)))
            return 0;
        a += la;
        b += lb;
    }
    return *a == *b;
}

int router_lint(const struct route *table, int n, char *msg, size_t msglen)
{
    int bad = 0;

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (!bad++)                                                                                \
            snprintf(msg, msglen, __VA_ARGS__);                                                    \
    } while (0)
    for (int i = 0; i < n; i++) {
        const struct route *rt = &table[i];
        if (!rt->pattern || !pattern_ok(rt->pattern))
            FAIL("route %d: pattern '%s' is malformed", i, rt->pattern ? rt->pattern : "(null)");
        if (!rt->handler)
            FAIL("route '%s': no handler", rt->pattern);
        if (!rt->owner || !rt->owner[0])
            FAIL("route '%s': no owner", rt->pattern);
        if (!rt->methods || (rt->methods & HTTP_OTHER))
            FAIL("route '%s': bad methods", rt->pattern);
        if (!!(rt->flags & R_PUBLIC) == !!(rt->flags & R_AUTH))
            FAIL("route '%s': exactly one of R_PUBLIC and R_AUTH", rt->pattern);
        if ((rt->flags & R_HTML) && (rt->methods & ~(unsigned)(HTTP_GET | HTTP_HEAD)) &&
            !(rt->flags & R_CSRF))
            FAIL("route '%s': a mutating page route needs R_CSRF", rt->pattern);
        if (!!(rt->flags & R_JSON) + !!(rt->flags & R_HTML) + !!(rt->flags & R_TEXT) != 1)
            FAIL("route '%s': exactly one of R_JSON, R_HTML, R_TEXT", rt->pattern);
        for (int j = 0; j < i; j++)
            if ((table[j].methods & rt->methods) && same_shape(table[j].pattern, rt->pattern))
                FAIL("route '%s' duplicates '%s'", rt->pattern, table[j].pattern);
    }
#undef FAIL
    return bad;
}
