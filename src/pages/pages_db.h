/* The dashboards' SQL (pages_db.c): what each tile counts, registered in src/registry.c. */
#ifndef PAGES_PAGES_DB_H
#define PAGES_PAGES_DB_H

/*
 * Every query is tenant-scoped (DBQ_TENANT) but two: Q_DASH_SCHEMA reads the migrations
 * table, and Q_DASH_TENANTS lists every tenant, for the platform super admin's page only:
 * its caller checks the role first. Column letters are the queries' own (db.h).
 */
struct db_query;

/* The org's memberships joined to their users, by email: id L, email, role, status. */
extern const struct db_query Q_DASH_MEMBERS;
/* One row: members L, of them active L. */
extern const struct db_query Q_DASH_MEMBER_COUNTS;
/* One row: the org's audit rows of the last 7 days L. */
extern const struct db_query Q_DASH_ORG_CHANGES;
/* One row per type present: type, count L, in the enum's order. */
extern const struct db_query Q_DASH_ORG_TYPES;
/* One row per status present: status, count L. */
extern const struct db_query Q_DASH_USER_STATUSES;
/* One row: audit rows of the last 24 hours L, of the last 7 days L. */
extern const struct db_query Q_DASH_AUDIT_COUNTS;
/* Audit rows per UTC day since a 'YYYY-MM-DD hh:mm:ss' given: day 'YYYY-MM-DD', count L. */
extern const struct db_query Q_DASH_AUDIT_DAYS;
/* The latest applied migration: version L, name; no row before any. */
extern const struct db_query Q_DASH_SCHEMA;
/* Platform: up to a limit of tenants by id: id L, name, slug, status, all tenants L. */
extern const struct db_query Q_DASH_TENANTS;
/* One row for the tenant bound: organizations L, users L, audit rows of the last 24 hours
 * L, the time of its latest audit row (RFC 3339 UTC; NULL when none). */
extern const struct db_query Q_DASH_TENANT_SUMMARY;

#define DASH_QUERIES                                                                               \
    &Q_DASH_MEMBERS, &Q_DASH_MEMBER_COUNTS, &Q_DASH_ORG_CHANGES, &Q_DASH_ORG_TYPES,                \
        &Q_DASH_USER_STATUSES, &Q_DASH_AUDIT_COUNTS, &Q_DASH_AUDIT_DAYS, &Q_DASH_SCHEMA,           \
        &Q_DASH_TENANTS, &Q_DASH_TENANT_SUMMARY

#endif
