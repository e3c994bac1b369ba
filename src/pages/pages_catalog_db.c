/* The catalog tiles' and pages' SQL: counts for the dashboards, names and publications for pages.
 */
#include "pages/pages_catalog_db.h"

#include "db/db.h"

#define RFC3339(col) "CONCAT(LEFT(DATE_FORMAT(" col ", '%Y-%m-%dT%H:%i:%s.%f'), 23), 'Z')"
/* A relationship of alias r active now, of any type or of the two that carry catalog. */
#define ACTIVE_NOW(r)                                                                              \
    r ".active_from <= NOW(3) AND (" r ".active_to IS NULL OR " r ".active_to > NOW(3))"
#define CARRIES(r) r ".relation_type IN ('distributor_of', 'dealer_of')"
#define IDS_TABLE  "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) k"

/* ORDER BY an ENUM column orders by its declaration, as the schema lists the values */
const struct db_query Q_DASH_PRODUCT_LIFECYCLES = {
    "dash.product_lifecycles",
    "SELECT lifecycle_status, COUNT(*) FROM products WHERE tenant_id = ? AND manufacturer_id = ? "
    "GROUP BY lifecycle_status ORDER BY lifecycle_status",
    "LL",
    "sL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_SKU_STATUSES = {
    "dash.sku_statuses",
    "SELECT status, COUNT(*) FROM skus WHERE tenant_id = ? AND manufacturer_id = ? "
    "GROUP BY status ORDER BY status",
    "LL",
    "sL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_PUB_CHANNELS = {
    "dash.pub_channels",
    "SELECT c.id, c.name, COUNT(*), SUM(p.item_count) FROM publications p "
    "JOIN channels c ON c.tenant_id = p.tenant_id AND c.id = p.channel_id "
    "WHERE p.tenant_id = ? AND p.publisher_org_id = ? AND p.current_version > 0 "
    "GROUP BY c.id, c.name ORDER BY c.name, c.id",
    "LL",
    "LsLL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_PUB_RECIPIENTS = {
    "dash.pub_recipients",
    "SELECT p.recipient_org_id, MAX(o.name), COUNT(*), SUM(p.item_count) FROM publications p "
    "LEFT JOIN organizations o ON o.tenant_id = p.tenant_id AND o.id = p.recipient_org_id "
    "WHERE p.tenant_id = ? AND p.publisher_org_id = ? AND p.current_version > 0 "
    "GROUP BY p.recipient_org_id ORDER BY p.recipient_org_id IS NULL, MAX(o.name), "
    "p.recipient_org_id LIMIT ?",
    "LLi",
    "LsLL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_CHILD_TYPES = {
    "dash.child_types",
    "SELECT r.relation_type, COUNT(DISTINCT r.child_org_id) FROM org_relationships r "
    "WHERE r.tenant_id = ? AND r.parent_org_id = ? AND " ACTIVE_NOW(
        "r") " GROUP BY r.relation_type ORDER BY r.relation_type",
    "LL",
    "sL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_REL_TYPES = {
    "dash.rel_types",
    "SELECT r.relation_type, COUNT(IF(" ACTIVE_NOW(
        "r") ", 1, NULL)), COUNT(*) "
             "FROM org_relationships r WHERE r.tenant_id = ? "
             "GROUP BY r.relation_type ORDER BY r.relation_type",
    "L",
    "sLL",
    DBQ_TENANT,
};

/* the channels of the candidate publications of docs/catalog.md, and the org's own */
const struct db_query Q_DASH_ORG_CHANNELS = {
    "dash.org_channels",
    "SELECT c.id, c.name FROM channels c WHERE c.tenant_id = ? AND ("
    "EXISTS (SELECT 1 FROM org_relationships r JOIN publications p "
    "ON p.tenant_id = r.tenant_id AND p.channel_id = c.id AND p.publisher_org_id = r.parent_org_id "
    "AND p.recipient_key IN (0, r.child_org_id) AND p.current_version > 0 "
    "WHERE r.tenant_id = c.tenant_id AND r.child_org_id = ? AND " CARRIES("r") " AND " ACTIVE_NOW(
        "r") ") OR EXISTS (SELECT 1 FROM publications p WHERE p.tenant_id = c.tenant_id "
             "AND p.channel_id = c.id AND p.publisher_org_id = ? AND p.current_version > 0)) "
             "ORDER BY c.name, c.id",
    "LLL",
    "Ls",
    DBQ_TENANT,
};

const struct db_query Q_DASH_REPUBLISHED = {
    "dash.republished",
    "SELECT p.channel_id, COUNT(DISTINCT pi.sku_id, pi.offering_key) FROM publications p "
    "JOIN publication_items pi ON pi.tenant_id = p.tenant_id AND pi.publication_id = p.id "
    "AND pi.to_version IS NULL "
    "WHERE p.tenant_id = ? AND p.publisher_org_id = ? GROUP BY p.channel_id",
    "LL",
    "LL",
    DBQ_TENANT,
};

const struct db_query Q_DASH_PUBLISHED_SKUS = {
    "dash.published_skus",
    "SELECT DISTINCT pi.sku_id FROM publications p "
    "JOIN publication_items pi ON pi.tenant_id = p.tenant_id AND pi.publication_id = p.id "
    "AND pi.to_version IS NULL "
    "WHERE p.tenant_id = ? AND p.publisher_org_id = ? ORDER BY pi.sku_id LIMIT ?",
    "LLi",
    "L",
    DBQ_TENANT,
};

const struct db_query Q_PAGES_ORG_NAMES = {
    "pages.org_names",
    "SELECT o.id, o.name FROM " IDS_TABLE
    " JOIN organizations o ON o.tenant_id = ? AND o.id = k.id",
    "sL",
    "Ls",
    DBQ_TENANT,
};

const struct db_query Q_PAGES_PUB_RECIPIENTS = {
    "pages.pub_recipients",
    "SELECT p.id, p.recipient_org_id FROM " IDS_TABLE
    " JOIN publications p ON p.tenant_id = ? AND p.id = k.id",
    "sL",
    "LL",
    DBQ_TENANT,
};

const struct db_query Q_PAGES_LISTING_MAKERS = {
    "pages.listing_makers",
    "SELECT DISTINCT s.manufacturer_id FROM org_relationships r "
    "JOIN publications p ON p.tenant_id = r.tenant_id AND p.channel_id = ? "
    "AND p.publisher_org_id = r.parent_org_id AND p.recipient_key IN (0, r.child_org_id) "
    "AND p.current_version > 0 "
    "JOIN publication_items pi ON pi.tenant_id = p.tenant_id AND pi.publication_id = p.id "
    "AND pi.to_version IS NULL "
    "JOIN skus s ON s.tenant_id = pi.tenant_id AND s.id = pi.sku_id "
    "WHERE r.tenant_id = ? AND r.child_org_id = ? AND " CARRIES("r") " AND " ACTIVE_NOW("r"),
    "LLL",
    "L",
    DBQ_TENANT,
};

const struct db_query Q_PAGES_CHANNEL_PUBS = {
    "pages.channel_pubs",
    "SELECT p.publisher_org_id, po.name, p.recipient_org_id, ro.name, p.current_version, "
    "p.item_count, " RFC3339(
        "p.updated_at") " FROM publications p "
                        "JOIN organizations po ON po.tenant_id = p.tenant_id AND po.id = "
                        "p.publisher_org_id "
                        "LEFT JOIN organizations ro ON ro.tenant_id = p.tenant_id AND ro.id = "
                        "p.recipient_org_id "
                        "WHERE p.tenant_id = ? AND p.channel_id = ? AND p.current_version > 0 "
                        "AND (? = 0 OR p.publisher_org_id = ? OR p.recipient_org_id = ? "
                        "OR (p.recipient_org_id IS NULL AND EXISTS (SELECT 1 FROM "
                        "org_relationships r "
                        "WHERE r.tenant_id = p.tenant_id AND r.parent_org_id = p.publisher_org_id "
                        "AND r.child_org_id = ? AND " CARRIES("r") " AND " ACTIVE_NOW(
                            "r") "))) "
                                 "ORDER BY po.name, p.publisher_org_id, ro.name IS NULL, ro.name, "
                                 "p.recipient_org_id LIMIT ?",
    "LLLLLLi",
    "LsLsLLs",
    DBQ_TENANT,
};
