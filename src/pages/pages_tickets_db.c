/* The ticket pages' SQL: names for the ids the ticket API answered, nothing else. */
#include "db/db.h"
#include "pages/pages_tickets.h"

/* clang-format off: the SQL keeps its own line breaks */
#define IDS_TABLE "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) k"

const struct db_query Q_PAGES_USER_NAMES = {
    "pages.user_names",
    "SELECT u.id, u.email FROM " IDS_TABLE " JOIN users u ON u.tenant_id = ? AND u.id = k.id",
    "sL",
    "Ls",
    DBQ_TENANT,
};

const struct db_query Q_PAGES_ENGINEER_NAMES = {
    "pages.engineer_names",
    "SELECT e.id, e.name FROM " IDS_TABLE " JOIN engineers e ON e.tenant_id = ? AND e.id = k.id",
    "sL",
    "Ls",
    DBQ_TENANT,
};

const struct db_query Q_PAGES_EQUIPMENT_SERIALS = {
    "pages.equipment_serials",
    "SELECT e.id, e.serial FROM " IDS_TABLE " JOIN equipment e ON e.tenant_id = ? AND e.id = k.id",
    "sL",
    "Ls",
    DBQ_TENANT,
};
/* clang-format on */
