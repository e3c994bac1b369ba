/* Role-based access: one static table, role x resource -> actions, checked by the dispatcher. */
#ifndef HTTP_RBAC_H
#define HTTP_RBAC_H

/* X(ENUM, name) */
#define RBAC_RESOURCES(X)                                                                          \
    X(RES_TENANTS, "tenants")                                                                      \
    X(RES_SETTINGS, "settings")                                                                    \
    X(RES_USERS, "users")                                                                          \
    X(RES_MEMBERSHIPS, "memberships")                                                              \
    X(RES_ORGS, "orgs")                                                                            \
    X(RES_AUDIT, "audit_logs")                                                                     \
    X(RES_RELATIONSHIPS, "relationships")                                                          \
    X(RES_CHANNELS, "channels")                                                                    \
    X(RES_CATALOG, "catalog")                                                                      \
    X(RES_PUBLICATIONS, "publications")                                                            \
    X(RES_LISTINGS, "listings")                                                                    \
    X(RES_IMPORTS, "imports")                                                                      \
    X(RES_PRICE_BOOKS, "price_books")                                                              \
    X(RES_PRICES, "prices")                                                                        \
    X(RES_FX_RATES, "fx_rates")                                                                    \
    X(RES_TAX_RATES, "tax_rates")                                                                  \
    X(RES_TICKETS, "tickets")                                                                      \
    X(RES_SLA_POLICIES, "sla_policies")                                                            \
    X(RES_SERVICE_POLICIES, "service_policies")                                                    \
    X(RES_EQUIPMENT, "equipment")                                                                  \
    X(RES_ENGINEERS, "engineers")

enum rbac_resource {
    RES_NONE = 0, /* any authenticated user */
#define X(e, n) e,
    RBAC_RESOURCES(X)
#undef X
        RES__COUNT
};

enum rbac_action { ACT_READ = 1, ACT_CREATE = 2, ACT_UPDATE = 4, ACT_DELETE = 8 };

/* A route's permission: resource and action packed in one word. */
#define PERM(res, act)   (((unsigned)(res) << 8) | (unsigned)(act))
#define PERM_RESOURCE(p) ((enum rbac_resource)((p) >> 8))
#define PERM_ACTION(p)   ((p)&0xffu)

struct rbac_row {
    const char *role;
    enum rbac_resource resource;
    unsigned actions;
};

extern const struct rbac_row rbac_table[];
extern const int rbac_table_count;

/* 1 when role may do every action bit of act on res; unknown roles may do nothing. */
int rbac_allows(const char *role, enum rbac_resource res, unsigned act);
const char *rbac_resource_name(enum rbac_resource res);
/* Known role names, NULL-terminated. */
extern const char *const rbac_roles[];
int rbac_is_role(const char *role);

#endif
