/* The registry of every statement: the master prepares them all at start, so a typo stops it. */
#include "audit/audit.h"
#include "catalog/benchdata.h"
#include "catalog/channel.h"
#include "catalog/product.h"
#include "catalog/publish.h"
#include "db/queries.h"
#include "http/idem.h"
#include "identity/identity.h"
#include "org/org.h"
#include "org/rel.h"
#include "pages/pages_catalog_db.h"
#include "pages/pages_dash_service.h"
#include "pages/pages_db.h"
#include "pages/pages_tickets.h"
#include "pricing/book.h"
#include "pricing/fx.h"
#include "pricing/price.h"
#include "pricing/tax.h"
#include "service/benchdata_service.h"
#include "service/engineer.h"
#include "service/demo_service.h"
#include "service/equipment.h"
#include "service/slapol.h"
#include "service/stats.h"
#include "service/ticket.h"
#include "sys/purge.h"
#include "tenant/tenant.h"

const struct db_query *const db_registry[] = {
    &Q_SELECT_ONE,     &Q_MIGRATIONS_LIST, &Q_MIGRATION_INSERT,  &Q_MIGRATION_DELETE,
    &Q_MIGRATE_LOCK,   &Q_MIGRATE_UNLOCK,  &Q_AUDIT_APPEND,      &Q_AUDIT_COMMIT,
    &Q_AUDIT_WALK,     &Q_AUDIT_TENANTS,   &Q_OUTBOX_INSERT,     IDENTITY_QUERIES,
    IDEM_QUERIES,      ORG_QUERIES,        TENANT_QUERIES,       &Q_AUDIT_LIST,
    DASH_QUERIES,      REL_QUERIES,        PURGE_QUERIES,        CHANNEL_QUERIES,
    PRODUCT_QUERIES,   PUBLISH_QUERIES,    PAGE_QUERIES,         BENCH_QUERIES,
    BOOK_QUERIES,      PRICE_QUERIES,      FX_QUERIES,           TAX_QUERIES,
    EQUIPMENT_QUERIES, SLAPOL_QUERIES,     TICKET_QUERIES,       STATS_QUERIES,
    BDS_QUERIES,       ENGINEER_QUERIES,   PAGES_TICKET_QUERIES, DSVC_QUERIES,
    DEMO_SVC_QUERIES,
};

const int db_registry_count = (int)(sizeof(db_registry) / sizeof(db_registry[0]));
