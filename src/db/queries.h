/* The query registry: every statement the programs run, prepared at start (src/registry.c). */
#ifndef DB_QUERIES_H
#define DB_QUERIES_H

#include "db/db.h"

extern const struct db_query *const db_registry[];
extern const int db_registry_count;

/* Platform queries (health, migrations). */
extern const struct db_query Q_SELECT_ONE;
extern const struct db_query Q_MIGRATIONS_LIST;
extern const struct db_query Q_MIGRATION_INSERT;
extern const struct db_query Q_MIGRATION_DELETE;
extern const struct db_query Q_MIGRATE_LOCK;
extern const struct db_query Q_MIGRATE_UNLOCK;

#endif
