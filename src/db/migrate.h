/* Schema migrations: numbered up/down SQL files recorded in schema_migrations. */
#ifndef DB_MIGRATE_H
#define DB_MIGRATE_H

#include <stdio.h>

struct arena;
struct db;

struct migration {
    long version;
    const char *name; /* "0001_tenants" */
    const char *up;   /* file paths */
    const char *down;
};

/*
 * Lists dir's migrations sorted by version into an arena array. Returns the
 * count, or -1 with a message in err (unreadable dir, a file without its pair,
 * a duplicate version, a malformed name).
 */
int migrate_scan(struct arena *ar, const char *dir, struct migration **out, char *err,
                 size_t errlen);

/* Apply all pending migrations (steps 0) or the next steps; revert the last steps.
 * Print what they do to out. Return 0, or -1 after printing why. */
int migrate_up(struct db *db, struct arena *ar, const char *dir, int steps, FILE *out);
int migrate_down(struct db *db, struct arena *ar, const char *dir, int steps, FILE *out);
int migrate_status(struct db *db, struct arena *ar, const char *dir, FILE *out);

#endif
