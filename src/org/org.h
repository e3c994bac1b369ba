/* Organizations: the tenant's manufacturers, distributors, dealers, hospitals and others. */
#ifndef ORG_ORG_H
#define ORG_ORG_H

#include <stddef.h>

/*
 * Pure rules (org.c). Each returns NULL when the value is valid, else a lower-case
 * reason for problem+json `errors`; nothing is allocated.
 */
#define ORG_NAME_MAX       200   /* bytes */
#define ORG_REGION_MAX     64    /* bytes */
#define ORG_CERTS_MAX      50    /* entries */
#define ORG_CERT_MAX       64    /* bytes per entry */
#define ORG_METADATA_MAX   16384 /* bytes of the object serialised */
#define ORG_METADATA_DEPTH 16    /* levels of objects and arrays, the object included */
#define ORG_QUERY_MAX      200   /* bytes of ?q= */

/* The organization types and statuses, NULL-terminated: the one list forms and checks use. */
extern const char *const org_types[];
extern const char *const org_statuses[];

/* manufacturer|distributor|dealer|supplier|service_provider|hospital|customer */
const char *org_check_type(const char *type);
/* active|inactive */
const char *org_check_status(const char *status);
/* 1..200 bytes, not blank, no control characters */
const char *org_check_name(const char *name);
/* 1..64 bytes, no control characters */
const char *org_check_region(const char *region);

struct json_object;

/*
 * certifications: a JSON array of at most 50 distinct strings of 1..64 bytes without
 * control characters. On a bad entry *bad is its index (else -1).
 */
const char *org_check_certifications(struct json_object *certs, int *bad);

/*
 * metadata: a JSON object of at most 16 KiB serialised, nested at most 16 levels (the
 * database's JSON checks stop at 32, and the audit row wraps it); *len gets the size.
 */
const char *org_check_metadata(struct json_object *meta, size_t *len);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_ORG_LIST, Q_ORG_GET, Q_ORG_GET_FOR_UPDATE, Q_ORG_INSERT,
    Q_ORG_UPDATE;
#define ORG_QUERIES &Q_ORG_LIST, &Q_ORG_GET, &Q_ORG_GET_FOR_UPDATE, &Q_ORG_INSERT, &Q_ORG_UPDATE

/*
 * The columns every org query returns, in order: id L, name, type, status, region (NULL
 * when none), certifications (JSON text), metadata (JSON text), version L, created_at,
 * updated_at (RFC 3339 UTC with milliseconds).
 */
enum {
    ORG_COL_ID,
    ORG_COL_NAME,
    ORG_COL_TYPE,
    ORG_COL_STATUS,
    ORG_COL_REGION,
    ORG_COL_CERTIFICATIONS,
    ORG_COL_METADATA,
    ORG_COL_VERSION,
    ORG_COL_CREATED_AT,
    ORG_COL_UPDATED_AT,
};

#endif
