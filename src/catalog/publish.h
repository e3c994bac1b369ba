/* Catalog publishing: publications, their versions, and the effective listing of a channel. */
#ifndef CATALOG_PUBLISH_H
#define CATALOG_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Every char * and array returned here lives in the arena passed in; nothing needs free().
 * Functions that reach the database return 0 or a DB_E* code of db/db.h.
 */
struct arena;
struct db;
struct json_object;

#define PUBLISH_ITEMS_MAX  5000 /* items in one publish or unlist */
#define PUBLISH_NOTE_MAX   500  /* bytes, as publication_versions.note */
#define PUBLISH_CERT_MAX   64   /* bytes of required_certification, as an org's certifications */
#define PUBLISH_TERR_MAX   50   /* regions in territory */
#define PUBLISH_REGION_MAX 64   /* bytes of one region, as organizations.region */

/* An item: a SKU (offering_key 0) or one offering of it. */
struct pub_key {
    int64_t sku_id;
    int64_t offering_key;
};

/*
 * Pure rules (publish.c). Each returns NULL when the value is valid, else a lower-case
 * reason for problem+json `errors`.
 */

/*
 * constraints: a JSON object with only required_certification (a string of 1..64 bytes
 * without control characters) and territory (1..50 distinct regions of 1..64 bytes). On a
 * bad member *field is its name ("territory[2]"), an arena string; else "constraints".
 */
const char *publish_check_constraints(struct arena *ar, struct json_object *c, const char **field);

/*
 * Why a recipient with certifications (a JSON array of strings, NULL as none) and region
 * (NULL: none) does not meet constraints (a JSON object as publish_check_constraints
 * accepts; NULL: none), as an arena string; NULL when it meets them.
 */
const char *publish_unmet(struct arena *ar, struct json_object *constraints,
                          struct json_object *certifications, const char *region);

/* Sorts keys by (sku_id, offering_key) and drops repeats; returns the new count. */
size_t publish_keys_unique(struct pub_key *keys, size_t n);

/* The index of key in sorted, unique keys[0..n), or -1. */
long publish_keys_find(const struct pub_key *keys, size_t n, struct pub_key key);

/* keys as the JSON array [[sku_id, offering_key], ...] JSON_TABLE reads, in the arena. */
const char *publish_keys_json(struct arena *ar, const struct pub_key *keys, size_t n);

/*
 * The listing (publish_db.c): what org may sell in channel, as docs/catalog.md defines it.
 * The page reads after the key *after ({0, 0} before everything); it holds at most limit
 * items in (sku_id, offering_key) order. *next is set and *has_next is 1 when more may follow.
 */
struct listing_item;
int listing_page(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                 int64_t org_id, struct pub_key after, int limit, struct listing_item **items,
                 size_t *n, struct pub_key *next, int *has_next);

/*
 * Which of keys[0..n) (sorted, unique) are in org's effective listing of channel: in[i] is
 * set to 1 or 0. Rule 4 of publishing for a publisher that is not the SKUs' manufacturer.
 */
int listing_contains(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                     int64_t org_id, const struct pub_key *keys, size_t n, int *in);

/*
 * The demo seed (seed 000's Example A) in channel_id: ACME's product P-A with S-A1 and
 * BioMed's P-B with S-B1; ACME publishes S-A1 to D1, D1 to DL1, BioMed S-B1 to DL1. Made
 * unless there, inside the caller's transaction; running it again adds nothing.
 */
int publish_seed_demo(struct db *db, struct arena *ar, int64_t tenant_id, int64_t channel_id,
                      int64_t acme, int64_t biomed, int64_t d1, int64_t dl1);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_PUB_CHANNEL, Q_PUB_ORG, Q_PUB_SKUS, Q_PUB_OFFERINGS, Q_PUB_FIND,
    Q_PUB_ENSURE, Q_PUB_LOCK, Q_PUB_VERSION_INSERT, Q_PUB_ITEMS_ADD, Q_PUB_ITEMS_CLOSE,
    Q_PUB_UPDATE, Q_PUB_LIVE_ITEMS, Q_PUB_VERSIONS, Q_PUB_VERSION_GET, Q_PUB_VERSION_ITEMS,
    Q_PUB_DIFF, Q_LISTING_CANDIDATES, Q_LISTING_RANGE, Q_LISTING_AMONG, Q_PUB_SEED_PRODUCT,
    Q_PUB_SEED_SKU;
#define PUBLISH_QUERIES                                                                            \
    &Q_PUB_CHANNEL, &Q_PUB_ORG, &Q_PUB_SKUS, &Q_PUB_OFFERINGS, &Q_PUB_FIND, &Q_PUB_ENSURE,         \
        &Q_PUB_LOCK, &Q_PUB_VERSION_INSERT, &Q_PUB_ITEMS_ADD, &Q_PUB_ITEMS_CLOSE, &Q_PUB_UPDATE,   \
        &Q_PUB_LIVE_ITEMS, &Q_PUB_VERSIONS, &Q_PUB_VERSION_GET, &Q_PUB_VERSION_ITEMS, &Q_PUB_DIFF, \
        &Q_LISTING_CANDIDATES, &Q_LISTING_RANGE, &Q_LISTING_AMONG, &Q_PUB_SEED_PRODUCT,            \
        &Q_PUB_SEED_SKU

/* Q_PUB_ORG: id, type, region (NULL when none), certifications (JSON text). */
enum { PUB_ORG_COL_ID, PUB_ORG_COL_TYPE, PUB_ORG_COL_REGION, PUB_ORG_COL_CERTS };

/* Q_PUB_SKUS: the position in the request's array (1-based), sku_id, manufacturer_id,
 * sku_code. Q_PUB_OFFERINGS: position, offering_id, sku_id, manufacturer_id, sku_code. */
enum { PUB_SKU_COL_POS, PUB_SKU_COL_ID, PUB_SKU_COL_MAKER, PUB_SKU_COL_CODE };
enum { PUB_OFF_COL_POS, PUB_OFF_COL_ID, PUB_OFF_COL_SKU, PUB_OFF_COL_MAKER, PUB_OFF_COL_CODE };

/* Q_PUB_FIND and Q_PUB_LOCK: id, recipient_org_id (NULL: all), current_version, item_count,
 * constraints (JSON text). */
enum { PUB_COL_ID, PUB_COL_RECIPIENT, PUB_COL_VERSION, PUB_COL_COUNT, PUB_COL_CONSTRAINTS };

/* Q_PUB_LIVE_ITEMS and Q_PUB_VERSION_ITEMS: sku_id, offering_id (NULL for the SKU itself),
 * sku_code. Q_PUB_DIFF: sku_id, offering_id, the SKU's manufacturer_id. */
enum { PUB_ITEM_COL_SKU, PUB_ITEM_COL_OFFERING, PUB_ITEM_COL_CODE };

/* Q_PUB_VERSIONS and Q_PUB_VERSION_GET: a version row. */
enum {
    PUB_VER_COL_VERSION,
    PUB_VER_COL_ACTION,
    PUB_VER_COL_ROLLED_BACK_TO,
    PUB_VER_COL_NOTE,
    PUB_VER_COL_CONSTRAINTS,
    PUB_VER_COL_ITEMS,
    PUB_VER_COL_ADDED,
    PUB_VER_COL_REMOVED,
    PUB_VER_COL_ACTOR,
    PUB_VER_COL_CREATED_AT,
};

#endif
