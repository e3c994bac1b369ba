/* RFC 3339 timestamps: parsing what clients send, formatting what SQL compares. */
#ifndef CORE_RFC3339_H
#define CORE_RFC3339_H

#include <stdint.h>

/* "YYYY-MM-DD HH:MM:SS.mmm" and its NUL */
#define RFC3339_SQL_LEN 24

/*
 * Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" (T and Z in either case;
 * years 0001-9999, in UTC too; seconds 00-59) into milliseconds since 1970-01-01T00:00:00Z,
 * rounding a finer fraction up so that "at >= the result" keeps exactly the instants
 * at or after s. Returns 0, or -1 when s is not such a timestamp or names no real day.
 */
int rfc3339_parse(const char *s, int64_t *ms);

/* Formats ms as UTC "YYYY-MM-DD HH:MM:SS.mmm", the form MariaDB compares with TIMESTAMP(3). */
void rfc3339_sql(int64_t ms, char out[RFC3339_SQL_LEN]);

struct arena;

/* rfc3339_sql() of ms in the arena: the text of a TIMESTAMP(3) statement parameter. */
const char *rfc3339_sql_text(struct arena *ar, int64_t ms);

/* ms as the API writes times, "2026-01-31T12:00:00.000Z", in the arena. */
const char *rfc3339_text(struct arena *ar, int64_t ms);

#endif
