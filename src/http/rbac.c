/* The permission table. docs/rbac.md shows it and a unit test keeps the two equal. */
#include "http/rbac.h"

#include <string.h>

#define R ACT_READ
#define C ACT_CREATE
#define U ACT_UPDATE
#define D ACT_DELETE

const char *const rbac_roles[] = {"super_admin", "tenant_admin",   "org_admin",
                                  "ops_manager", "branch_manager", "engineer",
                                  "agent",       "viewer",         NULL};

/*
 * Without an organization in the token the user's tenant-wide role applies; with one, the
 * membership's role, and handlers keep the answer to that organization's data.
 */
const struct rbac_row rbac_table[] = {
    {"super_admin", RES_TENANTS, R | C | U},
    {"tenant_admin", RES_SETTINGS, R | U},
    {"tenant_admin", RES_USERS, R | C | U | D},
    {"tenant_admin", RES_MEMBERSHIPS, R | C | D},
    {"tenant_admin", RES_ORGS, R | C | U},
    {"tenant_admin", RES_AUDIT, R},
    {"tenant_admin", RES_RELATIONSHIPS, R | C | U},
    {"tenant_admin", RES_CHANNELS, R | C | U},
    {"tenant_admin", RES_CATALOG, R | C | U},
    {"tenant_admin", RES_PUBLICATIONS, R | C},
    {"tenant_admin", RES_LISTINGS, R},
    {"tenant_admin", RES_IMPORTS, C},
    {"tenant_admin", RES_PRICE_BOOKS, R | C | U | D},
    {"tenant_admin", RES_PRICES, R},
    {"tenant_admin", RES_FX_RATES, R | C | D},
    {"tenant_admin", RES_TAX_RATES, R | C | D},
    {"org_admin", RES_USERS, R | C | U},
    {"org_admin", RES_MEMBERSHIPS, R | C | D},
    {"org_admin", RES_ORGS, R | U},
    {"org_admin", RES_AUDIT, R},
    {"org_admin", RES_RELATIONSHIPS, R | C | U},
    {"org_admin", RES_CHANNELS, R | C | U},
    {"org_admin", RES_CATALOG, R | C | U},
    {"org_admin", RES_PUBLICATIONS, R | C},
    {"org_admin", RES_LISTINGS, R},
    {"org_admin", RES_IMPORTS, C},
    {"org_admin", RES_PRICE_BOOKS, R | C | U | D},
    {"org_admin", RES_PRICES, R},
    {"org_admin", RES_FX_RATES, R},
    {"org_admin", RES_TAX_RATES, R},
    {"ops_manager", RES_USERS, R},
    {"ops_manager", RES_ORGS, R},
    {"ops_manager", RES_RELATIONSHIPS, R},
    {"ops_manager", RES_CHANNELS, R},
    {"ops_manager", RES_CATALOG, R | C | U},
    {"ops_manager", RES_PUBLICATIONS, R | C},
    {"ops_manager", RES_LISTINGS, R},
    {"ops_manager", RES_IMPORTS, C},
    {"ops_manager", RES_PRICE_BOOKS, R | C | U | D},
    {"ops_manager", RES_PRICES, R},
    {"ops_manager", RES_FX_RATES, R},
    {"ops_manager", RES_TAX_RATES, R},
    {"branch_manager", RES_USERS, R},
    {"branch_manager", RES_ORGS, R},
    {"branch_manager", RES_RELATIONSHIPS, R},
    {"branch_manager", RES_CHANNELS, R},
    {"branch_manager", RES_CATALOG, R},
    {"branch_manager", RES_PUBLICATIONS, R},
    {"branch_manager", RES_LISTINGS, R},
    {"branch_manager", RES_PRICE_BOOKS, R},
    {"branch_manager", RES_PRICES, R},
    {"branch_manager", RES_FX_RATES, R},
    {"branch_manager", RES_TAX_RATES, R},
    {"engineer", RES_ORGS, R},
    {"engineer", RES_RELATIONSHIPS, R},
    {"engineer", RES_CHANNELS, R},
    {"engineer", RES_CATALOG, R},
    {"engineer", RES_PUBLICATIONS, R},
    {"engineer", RES_LISTINGS, R},
    {"agent", RES_ORGS, R},
    {"agent", RES_RELATIONSHIPS, R},
    {"agent", RES_CHANNELS, R},
    {"agent", RES_CATALOG, R},
    {"agent", RES_PUBLICATIONS, R},
    {"agent", RES_LISTINGS, R},
    {"agent", RES_PRICE_BOOKS, R},
    {"agent", RES_PRICES, R},
    {"viewer", RES_ORGS, R},
    {"viewer", RES_RELATIONSHIPS, R},
    {"viewer", RES_CHANNELS, R},
    {"viewer", RES_CATALOG, R},
    {"viewer", RES_PUBLICATIONS, R},
    {"viewer", RES_LISTINGS, R},
    {"viewer", RES_PRICE_BOOKS, R},
    {"viewer", RES_PRICES, R},
    {"viewer", RES_FX_RATES, R},
    {"viewer", RES_TAX_RATES, R},
    /* service: tickets, SLA and coverage policies (docs/service.md) */
    {"tenant_admin", RES_TICKETS, R | C | U},
    {"tenant_admin", RES_SLA_POLICIES, R | C | U},
    {"tenant_admin", RES_SERVICE_POLICIES, R | U},
    {"org_admin", RES_TICKETS, R | C | U},
    {"org_admin", RES_SLA_POLICIES, R | C | U},
    {"org_admin", RES_SERVICE_POLICIES, R},
    {"ops_manager", RES_TICKETS, R | C | U},
    {"ops_manager", RES_SLA_POLICIES, R},
    {"ops_manager", RES_SERVICE_POLICIES, R},
    {"branch_manager", RES_TICKETS, R | C | U},
    {"branch_manager", RES_SLA_POLICIES, R},
    {"engineer", RES_TICKETS, R | U},
    {"agent", RES_TICKETS, R | C | U},
    {"viewer", RES_TICKETS, R},
    {"viewer", RES_SLA_POLICIES, R},
    /* service: equipment (who sees which pieces: docs/service.md) */
    {"tenant_admin", RES_EQUIPMENT, R | C | U},
    {"org_admin", RES_EQUIPMENT, R | C | U},
    {"ops_manager", RES_EQUIPMENT, R | C | U},
    {"branch_manager", RES_EQUIPMENT, R},
    {"engineer", RES_EQUIPMENT, R},
    {"agent", RES_EQUIPMENT, R},
    {"viewer", RES_EQUIPMENT, R},
    /* service: engineers (who sees which: docs/service.md "Engineers") */
    {"tenant_admin", RES_ENGINEERS, R | C | U},
    {"org_admin", RES_ENGINEERS, R | C | U},
    {"ops_manager", RES_ENGINEERS, R | C | U},
    {"branch_manager", RES_ENGINEERS, R},
    {"engineer", RES_ENGINEERS, R},
    {"agent", RES_ENGINEERS, R},
    {"viewer", RES_ENGINEERS, R},
};

const int rbac_table_count = (int)(sizeof(rbac_table) / sizeof(rbac_table[0]));

int rbac_allows(const char *role, enum rbac_resource res, unsigned act)
{
    if (res == RES_NONE)
        return 1;
    for (int i = 0; role && i < rbac_table_count; i++)
        if (rbac_table[i].resource == res && strcmp(rbac_table[i].role, role) == 0)
            return (rbac_table[i].actions & act) == act;
    return 0;
}

const char *rbac_resource_name(enum rbac_resource res)
{
    static const char *const names[] = {"",
#define X(e, n) n,
                                        RBAC_RESOURCES(X)
#undef X
    };
    return (int)res >= 0 && res < RES__COUNT ? names[res] : "";
}

int rbac_is_role(const char *role)
{
    for (int i = 0; role && rbac_roles[i]; i++)
        if (strcmp(rbac_roles[i], role) == 0)
            return 1;
    return 0;
}
