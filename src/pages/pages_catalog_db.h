/* The catalog pages' and tiles' SQL (pages_catalog_db.c), registered in src/registry.c. */
#ifndef PAGES_PAGES_CATALOG_DB_H
#define PAGES_PAGES_CATALOG_DB_H

/*
 * Every query is bound to the session's tenant (DBQ_TENANT). "Active" is a relationship
 * active now (active_from <= now < active_to, or no end); a publication "exists" once it
 * has a version (current_version > 0), and its item_count is its live items. Column
 * letters are the queries' own (db.h).
 */
struct db_query;

/* A manufacturer's products per lifecycle_status present, in the enum's order: status, L. */
extern const struct db_query Q_DASH_PRODUCT_LIFECYCLES;
/* A manufacturer's SKUs per status present, in the enum's order: status, count L. */
extern const struct db_query Q_DASH_SKU_STATUSES;
/* A publisher's publications per channel: channel id L, name, publications L, live items L. */
extern const struct db_query Q_DASH_PUB_CHANNELS;
/*
 * A publisher's publications per recipient (NULL: all its active children), named ones by
 * name then "all", up to a limit: recipient id L, name, publications L, live items L.
 */
extern const struct db_query Q_DASH_PUB_RECIPIENTS;
/* An org's active children per relation type present: type, children L. */
extern const struct db_query Q_DASH_CHILD_TYPES;
/* The tenant's relationships per type present: type, active now L, all L. */
extern const struct db_query Q_DASH_REL_TYPES;
/*
 * The channels where publications reach an org (published to it, or to all, by an active
 * distributor_of or dealer_of parent) or where it publishes: channel id L, name.
 */
extern const struct db_query Q_DASH_ORG_CHANNELS;
/* A publisher's distinct live items per channel: channel id L, items L. */
extern const struct db_query Q_DASH_REPUBLISHED;
/* A publisher's distinct live SKUs in id order, up to a limit: sku id L. */
extern const struct db_query Q_DASH_PUBLISHED_SKUS;

/* Names of organizations by id (a JSON array of ids): id L, name. */
extern const struct db_query Q_PAGES_ORG_NAMES;
/* Recipients of publications by id (a JSON array of ids): id L, recipient_org_id L (NULL). */
extern const struct db_query Q_PAGES_PUB_RECIPIENTS;
/*
 * The manufacturers of the SKUs live in publications that reach an org in a channel (to it
 * or to all, from an active distributor_of or dealer_of parent): id L.
 */
extern const struct db_query Q_PAGES_LISTING_MAKERS;
/*
 * The publications of a channel that a viewer may read, as GET .../catalog/versions lets
 * it (viewer 0: tenant-wide, every one; else those it published or received, one to all
 * as an active child of the publisher), by publisher then recipient name, up to a limit:
 * publisher id L, publisher name, recipient id L (NULL: all), recipient name (NULL),
 * current version L, live items L, updated_at (RFC 3339 UTC).
 */
extern const struct db_query Q_PAGES_CHANNEL_PUBS;

#define PAGE_QUERIES                                                                               \
    &Q_DASH_PRODUCT_LIFECYCLES, &Q_DASH_SKU_STATUSES, &Q_DASH_PUB_CHANNELS,                        \
        &Q_DASH_PUB_RECIPIENTS, &Q_DASH_CHILD_TYPES, &Q_DASH_REL_TYPES, &Q_DASH_ORG_CHANNELS,      \
        &Q_DASH_REPUBLISHED, &Q_DASH_PUBLISHED_SKUS, &Q_PAGES_ORG_NAMES, &Q_PAGES_PUB_RECIPIENTS,  \
        &Q_PAGES_LISTING_MAKERS, &Q_PAGES_CHANNEL_PUBS

#endif
