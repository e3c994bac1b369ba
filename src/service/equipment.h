/* Equipment: serials, where they stand, who owns them, and the QR token of their label. */
#ifndef SERVICE_EQUIPMENT_H
#define SERVICE_EQUIPMENT_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct req;

#define EQUIPMENT_SERIAL_MAX 100 /* bytes */
#define EQUIPMENT_SITE_MAX   200 /* bytes */
#define EQUIPMENT_REGION_MAX 64  /* bytes */
#define EQUIPMENT_IDS_MAX    200 /* ids a label sheet takes */
#define EQUIPMENT_TOKEN_LEN  22  /* 128 random bits, base64url without padding */

/* active|retired, NULL-terminated. */
extern const char *const equipment_statuses[];

/*
 * Pure rules (equipment.c): NULL when the value is valid, else a lower-case reason for
 * problem+json `errors`; nothing is allocated.
 */
/* 1..100 bytes, not blank, no control characters */
const char *equipment_check_serial(const char *serial);
/* 1..200 bytes, no control characters */
const char *equipment_check_site(const char *site);
/* 1..64 bytes, no control characters */
const char *equipment_check_region(const char *region);
/* a real calendar day "YYYY-MM-DD", years 1000-9999 */
const char *equipment_check_date(const char *date);
/* active|retired */
const char *equipment_check_status(const char *status);

/* A fresh token: 16 bytes of randombytes_buf, base64url; out gets 22 chars and a NUL. */
void equipment_new_token(char out[EQUIPMENT_TOKEN_LEN + 1]);
/* 1 when s has the shape of a token (22 base64url characters); a lookup needs no more. */
int equipment_token_shape(const char *s);

/*
 * The site's absolute base URL, without a trailing slash: [server] public_url when set,
 * else the request's scheme, Host and, when Host names none, the port the request came to
 * unless it is the scheme's default (a Host with anything but letters, digits, '.', '-',
 * ':', '[' and ']' counts as "localhost"). Arena-owned.
 */
const char *equipment_base_url(struct req *r);
/* base + "/q/" + token, arena-owned. */
const char *equipment_qr_url(struct arena *ar, const char *base, const char *token);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_EQUIPMENT_LIST, Q_EQUIPMENT_GET, Q_EQUIPMENT_LOCK,
    Q_EQUIPMENT_INSERT, Q_EQUIPMENT_UPDATE, Q_EQUIPMENT_SET_TOKEN, Q_EQUIPMENT_SKU_MAKER,
    Q_EQUIPMENT_BY_TOKEN;
#define EQUIPMENT_QUERIES                                                                          \
    &Q_EQUIPMENT_LIST, &Q_EQUIPMENT_GET, &Q_EQUIPMENT_LOCK, &Q_EQUIPMENT_INSERT,                   \
        &Q_EQUIPMENT_UPDATE, &Q_EQUIPMENT_SET_TOKEN, &Q_EQUIPMENT_SKU_MAKER, &Q_EQUIPMENT_BY_TOKEN

/*
 * The columns of the list and get statements, in order: id L, serial, sku_id L (NULL
 * when none), owner_org_id L, site, region, install_date, warranty_end ("YYYY-MM-DD"),
 * status, qr_token, version L, created_at, updated_at (RFC 3339 UTC with milliseconds),
 * and from the catalog: sku_code, product_name, manufacturer_id L (NULL without a SKU).
 */
enum {
    EQ_COL_ID,
    EQ_COL_SERIAL,
    EQ_COL_SKU,
    EQ_COL_OWNER,
    EQ_COL_SITE,
    EQ_COL_REGION,
    EQ_COL_INSTALL,
    EQ_COL_WARRANTY,
    EQ_COL_STATUS,
    EQ_COL_TOKEN,
    EQ_COL_VERSION,
    EQ_COL_CREATED_AT,
    EQ_COL_UPDATED_AT,
    EQ_COL_SKU_CODE,
    EQ_COL_PRODUCT,
    EQ_COL_MAKER,
};

/*
 * Q_EQUIPMENT_BY_TOKEN's columns (the public QR page: no tenant yet): tenant_id L, id L,
 * serial, site, sku_code, product_name.
 */
enum {
    EQT_COL_TENANT,
    EQT_COL_ID,
    EQT_COL_SERIAL,
    EQT_COL_SITE,
    EQT_COL_SKU_CODE,
    EQT_COL_PRODUCT,
};

#endif
