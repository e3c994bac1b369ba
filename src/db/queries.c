/* The platform's own statements: health and migrations. */
#include "db/queries.h"

#include <stddef.h>

const struct db_query Q_SELECT_ONE = {
    "sys.select_one", "SELECT 1", "", "L", DBQ_GLOBAL,
};

const struct db_query Q_MIGRATIONS_LIST = {
    "migrate.list",
    "SELECT version, name, DATE_FORMAT(applied_at, '%Y-%m-%dT%H:%i:%sZ') "
    "FROM schema_migrations ORDER BY version",
    "",
    "Lss",
    DBQ_GLOBAL,
};

const struct db_query Q_MIGRATION_INSERT = {
    "migrate.insert", "INSERT INTO schema_migrations (version, name) VALUES (?, ?)", "Ls", "",
    DBQ_GLOBAL,
};

const struct db_query Q_MIGRATION_DELETE = {
    "migrate.delete", "DELETE FROM schema_migrations WHERE version = ?", "L", "", DBQ_GLOBAL,
};

const struct db_query Q_MIGRATE_LOCK = {
    "migrate.lock", "SELECT GET_LOCK('trellis.migrate', 60)", "", "L", DBQ_GLOBAL,
};

const struct db_query Q_MIGRATE_UNLOCK = {
    "migrate.unlock", "SELECT RELEASE_LOCK('trellis.migrate')", "", "L", DBQ_GLOBAL,
};
