/* Housekeeping: what has expired and no request will read again. */
#ifndef SYS_PURGE_H
#define SYS_PURGE_H

#include <stdio.h>

struct arena;
struct db;

/*
 * Deletes, tenant by tenant in batches of 1,000 rows: idempotency keys older than 24 h
 * (their replay window), refresh tokens and invitation/reset tokens expired more than a
 * day ago. With dry_run, counts instead. One line per tenant with something to remove
 * goes to out. Returns the number of rows (to be) removed, or a negative DB_E* code.
 */
long long purge_expired(struct db *db, struct arena *ar, int dry_run, FILE *out);

extern const struct db_query Q_PURGE_TENANTS, Q_PURGE_IDEM, Q_PURGE_REFRESH, Q_PURGE_USER_TOKENS,
    Q_PURGE_COUNT;
#define PURGE_QUERIES                                                                              \
    &Q_PURGE_TENANTS, &Q_PURGE_IDEM, &Q_PURGE_REFRESH, &Q_PURGE_USER_TOKENS, &Q_PURGE_COUNT

#endif
