/* Relationship rules without I/O: which types link which organizations, windows, cycles. */
#include "org/rel.h"

#include <string.h>

const char *const rel_types[] = {"distributor_of", "dealer_of", "supplier_of", "partner_of", NULL};

const char *rel_check_type(const char *relation_type)
{
    for (int i = 0; rel_types[i]; i++)
        if (strcmp(rel_types[i], relation_type) == 0)
            return NULL;
    return "must be one of distributor_of, dealer_of, supplier_of, partner_of";
}

static int is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

const char *rel_check_org_types(const char *relation_type, const char *parent_type,
                                const char *child_type, char *side)
{
    *side = 0;
    if (is(relation_type, "distributor_of") || is(relation_type, "dealer_of")) {
        const char *want = is(relation_type, "distributor_of") ? "distributor" : "dealer";
        if (!is(child_type, want)) {
            *side = 'c';
            return is(want, "dealer") ? "must be a dealer for dealer_of"
                                      : "must be a distributor for distributor_of";
        }
        if (!is(parent_type, "manufacturer") && !is(parent_type, "distributor")) {
            *side = 'p';
            return is(want, "dealer") ? "must be a manufacturer or a distributor for dealer_of"
                                      : "must be a manufacturer or a distributor for "
                                        "distributor_of";
        }
        return NULL;
    }
    if (is(relation_type, "supplier_of") && !is(child_type, "supplier")) {
        *side = 'c';
        return "must be a supplier for supplier_of";
    }
    return NULL;
}

const char *rel_check_time(int64_t ms)
{
    if (ms < REL_TIME_MIN_MS || ms > REL_TIME_MAX_MS)
        return "must be from 1970-01-01T00:00:01Z to 2038-01-19T03:14:07Z (the range the "
               "database stores)";
    return NULL;
}

int rel_carries_catalog(const char *relation_type)
{
    return is(relation_type, "distributor_of") || is(relation_type, "dealer_of");
}

int rel_cycle_path(const int64_t *org, const int64_t *prev, int n, int64_t child, int64_t parent,
                   int64_t *path, int max)
{
    int64_t cur = parent;
    int len = 0;

    /* walk back from the parent; n steps at most, as a path visits each row once */
    while (len < max && len <= n) {
        int i;

        path[len++] = cur;
        if (cur == child)
            break;
        for (i = 0; i < n; i++)
            if (org[i] == cur && prev[i] != 0)
                break;
        if (i == n)
            return -1;
        cur = prev[i];
    }
    if (len == 0 || path[len - 1] != child)
        return -1;
    /* parent ... child, reversed into child ... parent */
    for (int a = 0, b = len - 1; a < b; a++, b--) {
        int64_t t = path[a];
        path[a] = path[b];
        path[b] = t;
    }
    return len;
}
