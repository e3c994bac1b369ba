/* Tenant settings: timezone, locale, currency, rounding, lockout policy and feature flags. */
#ifndef TENANT_TENANT_H
#define TENANT_TENANT_H

#include <stdint.h>

/* Where IANA time zones live: a name is valid when it names a TZif file here. */
#define TENANT_ZONEINFO "/usr/share/zoneinfo"

#define TENANT_LOCKOUT_THRESHOLD_MAX 100
#define TENANT_LOCKOUT_MINUTES_MAX   1440

/*
 * Rules (tenant.c). Each returns NULL when the value is valid, else a lower-case reason
 * for problem+json `errors`.
 */

/*
 * An IANA name like "Europe/Berlin" or "UTC": at most 64 bytes of segments [A-Za-z0-9_+-]
 * starting with a letter, joined by '/' (so never "..", never absolute), naming a file
 * under zoneinfo_dir that starts with the TZif magic. Reads that file, nothing else.
 */
const char *tenant_check_timezone(const char *zoneinfo_dir, const char *tz);
/* A BCP 47 tag of language[-Script][-REGION]: "en", "de-DE", "zh-Hans-CN", "es-419". */
const char *tenant_check_locale(const char *locale);
/* An ISO 4217 code the platform knows (core/currency.h). */
const char *tenant_check_currency(const char *code);
/* half_away_from_zero|half_even */
const char *tenant_check_rounding(const char *rounding);
/* Failed logins before a lock: 1..100. */
const char *tenant_check_lockout_threshold(int64_t n);
/* Minutes a lock lasts: 1..1440. */
const char *tenant_check_lockout_minutes(int64_t n);

/* Registered statements (src/registry.c): the global tenants table, by id. */
struct db_query;
extern const struct db_query Q_TENANT_SETTINGS_GET, Q_TENANT_SETTINGS_LOCK, Q_TENANT_SETTINGS_SET;
#define TENANT_QUERIES &Q_TENANT_SETTINGS_GET, &Q_TENANT_SETTINGS_LOCK, &Q_TENANT_SETTINGS_SET

/* The columns of the settings queries, in order. */
enum {
    TENANT_COL_FLAGS,
    TENANT_COL_TIMEZONE,
    TENANT_COL_LOCALE,
    TENANT_COL_CURRENCY,
    TENANT_COL_ROUNDING,
    TENANT_COL_LOCKOUT_THRESHOLD,
    TENANT_COL_LOCKOUT_MINUTES,
    TENANT_COL_VERSION,
};

#endif
