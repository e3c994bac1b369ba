/* The route table: method, pattern, handler, what the dispatcher checks, and who owns it. */
#include "http/routes.h"

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include "audit/audit_http.h"
#include "catalog/channel_http.h"
#include "catalog/import_http.h"
#include "catalog/product_http.h"
#include "catalog/publish_http.h"
#include "core/flags.h"
#include "http/rbac.h"
#include "identity/identity_http.h"
#include "org/org_http.h"
#include "org/rel_http.h"
#include "pages/pages_http.h"
#include "sys/sys_http.h"
#include "tenant/tenant_http.h"

#define PUB  R_PUBLIC | R_JSON | R_DB
#define API  R_AUTH | R_JSON | R_DB
#define PAGE R_AUTH | R_HTML | R_DB
#define FORM R_AUTH | R_HTML | R_CSRF | R_DB

const struct route routes[] = {
    {HTTP_GET, "/healthz", sys_http_healthz, R_PUBLIC | R_JSON, "sys", 0},
    {HTTP_GET, "/readyz", sys_http_readyz, R_PUBLIC | R_JSON | R_DB, "sys", 0},
    {HTTP_GET, "/metrics", sys_http_metrics, R_PUBLIC | R_TEXT, "sys", 0},
    {HTTP_GET, "/v1/openapi.json", sys_http_openapi, R_PUBLIC | R_JSON, "sys", 0},
    {HTTP_POST, "/v1/auth/login", identity_http_login, PUB, "identity", 0},
    {HTTP_POST, "/v1/auth/refresh", identity_http_refresh, PUB, "identity", 0},
    {HTTP_POST, "/v1/auth/logout", identity_http_logout, API, "identity", 0},
    {HTTP_GET, "/v1/me", identity_http_me, API, "identity", 0},
    {HTTP_POST, "/v1/tenants", identity_http_tenant_create, API, "identity",
     PERM(RES_TENANTS, ACT_CREATE)},
    {HTTP_POST, "/v1/auth/switch-org", identity_http_switch_org, API, "identity", 0},
    {HTTP_POST, "/v1/auth/accept-invitation", identity_http_accept_invitation, PUB, "identity", 0},
    {HTTP_POST, "/v1/auth/password-reset/request", identity_http_reset_request, PUB, "identity", 0},
    {HTTP_POST, "/v1/auth/password-reset/confirm", identity_http_reset_confirm, PUB, "identity", 0},
    {HTTP_GET, "/v1/users", identity_http_user_list, API, "identity", PERM(RES_USERS, ACT_READ)},
    {HTTP_POST, "/v1/users", identity_http_user_create, API, "identity",
     PERM(RES_USERS, ACT_CREATE)},
    {HTTP_GET, "/v1/users/{id}", identity_http_user_get, API, "identity",
     PERM(RES_USERS, ACT_READ)},
    {HTTP_PATCH, "/v1/users/{id}", identity_http_user_patch, API, "identity",
     PERM(RES_USERS, ACT_UPDATE)},
    {HTTP_POST, "/v1/users/{id}/unlock", identity_http_user_unlock, API, "identity",
     PERM(RES_USERS, ACT_UPDATE)},
    {HTTP_POST, "/v1/users/{id}/memberships", identity_http_membership_create, API, "identity",
     PERM(RES_MEMBERSHIPS, ACT_CREATE)},
    {HTTP_DELETE, "/v1/users/{id}/memberships/{org_id}", identity_http_membership_delete, API,
     "identity", PERM(RES_MEMBERSHIPS, ACT_DELETE)},
    {HTTP_GET, "/v1/settings", tenant_http_settings_get, API, "tenant",
     PERM(RES_SETTINGS, ACT_READ)},
    {HTTP_PUT, "/v1/settings", tenant_http_settings_put, API, "tenant",
     PERM(RES_SETTINGS, ACT_UPDATE)},
    {HTTP_GET, "/v1/orgs", org_http_list, API | R_FLAG(FLAG_ORG), "org", PERM(RES_ORGS, ACT_READ)},
    {HTTP_POST, "/v1/orgs", org_http_create, API | R_FLAG(FLAG_ORG), "org",
     PERM(RES_ORGS, ACT_CREATE)},
    {HTTP_GET, "/v1/orgs/{id}", org_http_get, API | R_FLAG(FLAG_ORG), "org",
     PERM(RES_ORGS, ACT_READ)},
    {HTTP_PATCH, "/v1/orgs/{id}", org_http_patch, API | R_FLAG(FLAG_ORG), "org",
     PERM(RES_ORGS, ACT_UPDATE)},
    /* relationships and channels */
    {HTTP_GET, "/v1/orgs/{id}/relationships", rel_http_list, API | R_FLAG(FLAG_ORG), "org",
     PERM(RES_RELATIONSHIPS, ACT_READ)},
    {HTTP_POST, "/v1/orgs/{id}/relationships", rel_http_create, API | R_FLAG(FLAG_ORG), "org",
     PERM(RES_RELATIONSHIPS, ACT_CREATE)},
    {HTTP_GET, "/v1/relationships/{id}", rel_http_get, API | R_FLAG(FLAG_ORG), "org",
     PERM(RES_RELATIONSHIPS, ACT_READ)},
    {HTTP_PATCH, "/v1/relationships/{id}", rel_http_patch, API | R_FLAG(FLAG_ORG), "org",
     PERM(RES_RELATIONSHIPS, ACT_UPDATE)},
    {HTTP_GET, "/v1/channels", channel_http_list, API | R_FLAG(FLAG_CHANNELS), "catalog",
     PERM(RES_CHANNELS, ACT_READ)},
    {HTTP_POST, "/v1/channels", channel_http_create, API | R_FLAG(FLAG_CHANNELS), "catalog",
     PERM(RES_CHANNELS, ACT_CREATE)},
    {HTTP_GET, "/v1/channels/{id}", channel_http_get, API | R_FLAG(FLAG_CHANNELS), "catalog",
     PERM(RES_CHANNELS, ACT_READ)},
    {HTTP_PATCH, "/v1/channels/{id}", channel_http_patch, API | R_FLAG(FLAG_CHANNELS), "catalog",
     PERM(RES_CHANNELS, ACT_UPDATE)},
    /* products, SKUs, offerings and imports */
    {HTTP_GET, "/v1/products", product_http_list, API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog",
     PERM(RES_CATALOG, ACT_READ)},
    {HTTP_POST, "/v1/products", product_http_create, API | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "catalog", PERM(RES_CATALOG, ACT_CREATE)},
    {HTTP_GET, "/v1/products/{id}", product_http_get, API | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "catalog", PERM(RES_CATALOG, ACT_READ)},
    {HTTP_PATCH, "/v1/products/{id}", product_http_patch, API | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "catalog", PERM(RES_CATALOG, ACT_UPDATE)},
    {HTTP_GET, "/v1/skus", product_http_sku_list, API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog",
     PERM(RES_CATALOG, ACT_READ)},
    {HTTP_POST, "/v1/skus", product_http_sku_create, API | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "catalog", PERM(RES_CATALOG, ACT_CREATE)},
    {HTTP_GET, "/v1/skus/{id}", product_http_sku_get, API | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "catalog", PERM(RES_CATALOG, ACT_READ)},
    {HTTP_PATCH, "/v1/skus/{id}", product_http_sku_patch, API | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "catalog", PERM(RES_CATALOG, ACT_UPDATE)},
    {HTTP_GET, "/v1/offerings", product_http_offering_list, API | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "catalog", PERM(RES_CATALOG, ACT_READ)},
    {HTTP_POST, "/v1/offerings", product_http_offering_create,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_CATALOG, ACT_CREATE)},
    {HTTP_GET, "/v1/offerings/{id}", product_http_offering_get,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_CATALOG, ACT_READ)},
    {HTTP_PATCH, "/v1/offerings/{id}", product_http_offering_patch,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_CATALOG, ACT_UPDATE)},
    {HTTP_POST, "/v1/imports/skus", import_http_skus,
     R_AUTH | R_JSON | R_CSV | R_DB | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog",
     PERM(RES_IMPORTS, ACT_CREATE)},
    /* publishing and listings */
    {HTTP_POST, "/v1/channels/{id}/catalog/publish", catalog_http_publish,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_PUBLICATIONS, ACT_CREATE)},
    {HTTP_POST, "/v1/channels/{id}/catalog/unlist", catalog_http_unlist,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_PUBLICATIONS, ACT_CREATE)},
    {HTTP_POST, "/v1/channels/{id}/catalog/rollback", catalog_http_rollback,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_PUBLICATIONS, ACT_CREATE)},
    {HTTP_GET, "/v1/channels/{id}/catalog/versions", catalog_http_versions,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_PUBLICATIONS, ACT_READ)},
    {HTTP_GET, "/v1/channels/{id}/catalog/versions/{n}", catalog_http_version_get,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_PUBLICATIONS, ACT_READ)},
    {HTTP_GET, "/v1/channels/{id}/catalog/versions/{n}/diff", catalog_http_version_diff,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_PUBLICATIONS, ACT_READ)},
    {HTTP_GET, "/v1/channels/{id}/catalog", catalog_http_listing,
     API | R_FLAG(FLAG_CATALOG_PUBLISHING), "catalog", PERM(RES_LISTINGS, ACT_READ)},
    /* pricing: books and rules */
    /* pricing: resolve, price lists, FX and tax rates */
    {HTTP_GET, "/v1/audit-logs", audit_http_list, API, "audit", PERM(RES_AUDIT, ACT_READ)},
    {HTTP_GET, "/", pages_http_home, R_PUBLIC | R_HTML, "pages", 0},
    {HTTP_GET, "/login", pages_http_login_form, R_PUBLIC | R_HTML, "pages", 0},
    {HTTP_POST, "/login", pages_http_login, R_PUBLIC | R_HTML | R_CSRF | R_DB, "pages", 0},
    {HTTP_POST, "/logout", pages_http_logout, FORM, "pages", 0},
    {HTTP_GET, "/dashboard", pages_http_dashboard, PAGE, "pages", 0},
    {HTTP_GET, "/orgs", pages_http_orgs, PAGE | R_FLAG(FLAG_ORG), "pages",
     PERM(RES_ORGS, ACT_READ)},
    {HTTP_POST, "/orgs", pages_http_org_create, FORM | R_FLAG(FLAG_ORG), "pages",
     PERM(RES_ORGS, ACT_CREATE)},
    {HTTP_GET, "/orgs/new", pages_http_org_new, PAGE | R_FLAG(FLAG_ORG), "pages",
     PERM(RES_ORGS, ACT_CREATE)},
    {HTTP_GET, "/orgs/{id}", pages_http_org, PAGE | R_FLAG(FLAG_ORG), "pages",
     PERM(RES_ORGS, ACT_READ)},
    {HTTP_POST, "/orgs/{id}", pages_http_org_update, FORM | R_FLAG(FLAG_ORG), "pages",
     PERM(RES_ORGS, ACT_UPDATE)},
    {HTTP_GET, "/users", pages_http_users, PAGE, "pages", PERM(RES_USERS, ACT_READ)},
    {HTTP_POST, "/users", pages_http_user_create, FORM, "pages", PERM(RES_USERS, ACT_CREATE)},
    {HTTP_GET, "/users/new", pages_http_user_new, PAGE, "pages", PERM(RES_USERS, ACT_CREATE)},
    {HTTP_GET, "/users/{id}", pages_http_user, PAGE, "pages", PERM(RES_USERS, ACT_READ)},
    {HTTP_POST, "/users/{id}/unlock", pages_http_user_unlock, FORM, "pages",
     PERM(RES_USERS, ACT_UPDATE)},
    {HTTP_POST, "/users/{id}/memberships", pages_http_membership_create, FORM, "pages",
     PERM(RES_MEMBERSHIPS, ACT_CREATE)},
    {HTTP_POST, "/users/{id}/memberships/{org_id}/delete", pages_http_membership_delete, FORM,
     "pages", PERM(RES_MEMBERSHIPS, ACT_DELETE)},
    {HTTP_GET, "/settings", pages_http_settings, PAGE, "pages", PERM(RES_SETTINGS, ACT_READ)},
    {HTTP_POST, "/settings", pages_http_settings_update, FORM, "pages",
     PERM(RES_SETTINGS, ACT_UPDATE)},
    {HTTP_GET, "/audit", pages_http_audit, PAGE, "pages", PERM(RES_AUDIT, ACT_READ)},
    /* catalog pages */
    {HTTP_POST, "/orgs/{id}/relationships", pages_http_relationship_create, FORM | R_FLAG(FLAG_ORG),
     "pages", PERM(RES_RELATIONSHIPS, ACT_CREATE)},
    {HTTP_POST, "/relationships/{id}/end", pages_http_relationship_end, FORM | R_FLAG(FLAG_ORG),
     "pages", PERM(RES_RELATIONSHIPS, ACT_UPDATE)},
    {HTTP_GET, "/channels", pages_http_channels, PAGE | R_FLAG(FLAG_CHANNELS), "pages",
     PERM(RES_CHANNELS, ACT_READ)},
    {HTTP_POST, "/channels", pages_http_channel_create, FORM | R_FLAG(FLAG_CHANNELS), "pages",
     PERM(RES_CHANNELS, ACT_CREATE)},
    {HTTP_GET, "/channels/new", pages_http_channel_new, PAGE | R_FLAG(FLAG_CHANNELS), "pages",
     PERM(RES_CHANNELS, ACT_CREATE)},
    {HTTP_GET, "/channels/{id}", pages_http_channel, PAGE | R_FLAG(FLAG_CHANNELS), "pages",
     PERM(RES_CHANNELS, ACT_READ)},
    {HTTP_GET, "/products", pages_http_products, PAGE | R_FLAG(FLAG_CATALOG_PUBLISHING), "pages",
     PERM(RES_CATALOG, ACT_READ)},
    {HTTP_POST, "/products", pages_http_product_create, FORM | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "pages", PERM(RES_CATALOG, ACT_CREATE)},
    {HTTP_GET, "/products/new", pages_http_product_new, PAGE | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "pages", PERM(RES_CATALOG, ACT_CREATE)},
    {HTTP_GET, "/products/{id}", pages_http_product, PAGE | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "pages", PERM(RES_CATALOG, ACT_READ)},
    {HTTP_POST, "/products/{id}/skus", pages_http_sku_create,
     FORM | R_FLAG(FLAG_CATALOG_PUBLISHING), "pages", PERM(RES_CATALOG, ACT_CREATE)},
    {HTTP_GET, "/catalog", pages_http_catalog, PAGE | R_FLAG(FLAG_CATALOG_PUBLISHING), "pages",
     PERM(RES_LISTINGS, ACT_READ)},
    {HTTP_GET, "/catalog/publish", pages_http_publish_form, PAGE | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "pages", PERM(RES_PUBLICATIONS, ACT_CREATE)},
    {HTTP_POST, "/catalog/publish", pages_http_publish, FORM | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "pages", PERM(RES_PUBLICATIONS, ACT_CREATE)},
    {HTTP_GET, "/catalog/unlist", pages_http_unlist_form, PAGE | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "pages", PERM(RES_PUBLICATIONS, ACT_CREATE)},
    {HTTP_POST, "/catalog/unlist", pages_http_unlist, FORM | R_FLAG(FLAG_CATALOG_PUBLISHING),
     "pages", PERM(RES_PUBLICATIONS, ACT_CREATE)},
    {HTTP_GET, "/channels/{id}/publications", pages_http_publication,
     PAGE | R_FLAG(FLAG_CATALOG_PUBLISHING), "pages", PERM(RES_PUBLICATIONS, ACT_READ)},
    {HTTP_POST, "/channels/{id}/publications/rollback", pages_http_rollback,
     FORM | R_FLAG(FLAG_CATALOG_PUBLISHING), "pages", PERM(RES_PUBLICATIONS, ACT_CREATE)},
    /* pricing pages: books and rules */
    /* pricing pages: price check */
#ifdef TRELLIS_TEST_ROUTES
    {HTTP_POST | HTTP_PUT, "/v1/_test/echo", sys_http_echo, R_PUBLIC | R_JSON, "sys", 0},
    {HTTP_GET, "/v1/_test/sleep", sys_http_sleep, R_PUBLIC | R_JSON, "sys", 0},
#endif
};

const int routes_count = (int)(sizeof(routes) / sizeof(routes[0]));
