/* Tenant feature flags: names, bits, and the comma-separated form the tenants table keeps. */
#ifndef CORE_FLAGS_H
#define CORE_FLAGS_H

struct sb;

/* X(ENUM, name) */
#define FEATURE_FLAGS(X)                                                                           \
    X(FLAG_ORG, "org")                                                                             \
    X(FLAG_CHANNELS, "channels")                                                                   \
    X(FLAG_CATALOG_PUBLISHING, "catalog_publishing")                                               \
    X(FLAG_PRICE_BOOKS, "price_books")                                                             \
    X(FLAG_PRICE_RESOLUTION, "price_resolution")                                                   \
    X(FLAG_SERVICE_POLICIES, "service_policies")                                                   \
    X(FLAG_RESP_ORG_ASSIGNMENT, "resp_org_assignment")                                             \
    X(FLAG_ENGINEERS, "engineers")                                                                 \
    X(FLAG_EVENT_DISPATCHER, "event_dispatcher")

enum feature_flag {
#define X(e, n) e,
    FEATURE_FLAGS(X)
#undef X
        FLAG__COUNT
};

#define FLAG_BIT(f) (1u << (f))
#define FLAGS_ALL   ((1u << FLAG__COUNT) - 1)

const char *flag_name(enum feature_flag f);
/* The flag named name, or -1. */
int flag_parse_name(const char *name);
/* "org,channels" → bits; unknown names are ignored (a flag removed from the code). */
unsigned flags_parse(const char *csv);
/* bits → "org,channels" in table order. */
void flags_format(struct sb *out, unsigned bits);

#endif
