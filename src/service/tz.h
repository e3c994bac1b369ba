/* IANA time zones read from TZif files, without touching the process's TZ or localtime(). */
#ifndef SERVICE_TZ_H
#define SERVICE_TZ_H

#include <stddef.h>
#include <stdint.h>

/*
 * Ownership: a zone from tz_get() belongs to the process-wide cache and lives until
 * tz_cache_clear() (workers are single-threaded and long-lived: each zone is read once); a
 * zone from tz_parse() is the caller's, released with tz_free(). Nothing here touches TZ,
 * tzset() or localtime(): a worker may serve many zones at once.
 *
 * Instants are seconds since 1970-01-01T00:00:00Z (UTC, no leap seconds). A "local" value
 * is the same count read on the zone's wall clock: local = utc + offset, so local / 86400
 * (rounded down) is the local date as days since 1970-01-01 and local % 86400 the time of day.
 *
 * Local to UTC follows the usual rules: a local time that the clocks skip (a gap, the
 * spring-forward hour) moves forward by the length of the gap (02:30 in a one-hour gap is
 * read with the offset before it, so it is 03:30 on the new clock); a local time that
 * happens twice (a fold, the fall-back hour) is the earlier of the two instants.
 */

struct tz;

enum {
    TZ_OK = 0,
    TZ_ENAME = -1,     /* not a zone name: empty, absolute, "..", odd characters, too long */
    TZ_ENOTFOUND = -2, /* no such file under $TZDIR or /usr/share/zoneinfo */
    TZ_EFORMAT = -3,   /* not TZif version 2 or later, leap seconds, or a bad footer */
};

#define TZ_DIR      "/usr/share/zoneinfo" /* unless $TZDIR names another */
#define TZ_NAME_MAX 128

/* Whether name reads as an IANA zone name: components of [A-Za-z0-9_+-], each starting
 * with a letter, at most TZ_NAME_MAX bytes, not "localtime". Says nothing of the file. */
int tz_name_ok(const char *name);

/* The zone called name ("Europe/Skopje"), loaded once per process: TZ_OK or a TZ_E* code. */
int tz_get(const char *name, const struct tz **out);

/* Frees every cached zone; pointers from tz_get() die with them. For tests and exit. */
void tz_cache_clear(void);

/* A zone from TZif bytes in memory (version 2+), outside the cache; tz_free() releases it. */
int tz_parse(const char *name, const void *buf, size_t len, struct tz **out);
void tz_free(struct tz *z);

const char *tz_name(const struct tz *z);

/* Seconds east of UTC at the instant t. */
int32_t tz_offset(const struct tz *z, int64_t t);

/* The wall-clock reading at the instant t: t + tz_offset(z, t). */
int64_t tz_to_local(const struct tz *z, int64_t t);

/* The instant at which the wall clock reads local (gaps forward, folds earlier: see above). */
int64_t tz_to_utc(const struct tz *z, int64_t local);

/*
 * The first instant after t at which the zone's rules change (the offset, or only the
 * abbreviation or the DST flag), from the file's table and then its POSIX TZ footer: 1 and
 * *at, or 0 when there is none.
 */
int tz_next_transition(const struct tz *z, int64_t t, int64_t *at);

/* Proleptic Gregorian dates as days since 1970-01-01, and back. */
int64_t tz_days_from_civil(int64_t y, int m, int d);
void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* Day of the week of days since 1970-01-01: 0 Monday .. 6 Sunday. */
int tz_weekday(int64_t days);

#endif
