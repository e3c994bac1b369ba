/* Ticket and equipment KPIs (docs/kpis.md): the window arithmetic, the sums and their forms. */
#ifndef SERVICE_STATS_H
#define SERVICE_STATS_H

#include <stdint.h>

/*
 * Every char * returned here lives in the arena passed in; nothing needs free(). The SQL is
 * in stats_db.c; the rollups it reads are kept by the triggers of sql/migrations/0009_stats
 * and 0010_stats_monthly, through the pending rows of 0012_stats_pending.
 */
struct arena;
struct db;

#define STATS_DAY_MS     86400000LL
#define STATS_TOP_MODELS 20 /* failures_by_model's length */

/*
 * A ?from= or ?to= value: "YYYY-MM-DD" (that day's 00:00:00Z) or an RFC 3339 timestamp, from
 * 1970-01-01T00:00:00Z to 9999-12-31. 0 with *ms set, or -1.
 */
int stats_time_parse(const char *s, int64_t *ms);

/*
 * How a window [from, to) of created_at is answered: the whole UTC months inside it from the
 * month rollup, the whole days around them from the day rollup, and at most two partial days
 * at its edges from the tickets themselves. has_from/has_to 0: unbounded on that side. Days
 * are counted from 1970-01-01; a month is named by its first day.
 */
struct stats_split {
    int months;         /* 1: read the month rollup for [month_lo, month_hi) */
    int64_t month_lo;   /* INT64_MIN: from the beginning */
    int64_t month_hi;   /* INT64_MAX: to the end */
    int ndays;          /* 0, 1 or 2 ranges of whole days from the day rollup */
    int64_t days[2][2]; /* [from, to) in days; INT64_MIN/INT64_MAX: unbounded */
    int nraw;           /* 0, 1 or 2 ranges read from tickets */
    int64_t raw[2][2];  /* [from, to) in ms */
};

void stats_split(int has_from, int64_t from, int has_to, int64_t to, struct stats_split *out);

/* "YYYY-MM-DD" of a day count since 1970-01-01 (day >= 0); the first day of day's month. */
const char *stats_day_str(struct arena *ar, int64_t day);
int64_t stats_month_start(int64_t day);

/* 100 * num / den with two decimals, half away from zero ("87.50"); NULL when den is 0. */
const char *stats_percent(struct arena *ar, int64_t num, int64_t den);

/* sum_ms / n in seconds with three decimals, half away from zero ("5400.500"); NULL when n 0. */
const char *stats_mean_seconds(struct arena *ar, int64_t sum_ms, int64_t n);

/* num / den with two decimals, half away from zero; NULL when den is 0. */
const char *stats_ratio(struct arena *ar, int64_t num, int64_t den);

/* The sums of one (severity, status) cell: the columns of the rollup, in order. */
enum {
    STATS_TICKETS,
    STATS_RESOLVED,
    STATS_RESOLVE_MS,
    STATS_FIRST_FIX,
    STATS_RESPONSE_N,
    STATS_RESPONSE_MET,
    STATS_RESOLVE_N,
    STATS_RESOLVE_MET,
    STATS_ESCALATED,
    STATS_NSUMS
};

/* Counts by severity (ticket_severities' order) and status (ticket_statuses' order). */
struct stats_tickets {
    int64_t cell[4][6][STATS_NSUMS];
};

/* Adds one row's sums to the cell of severity/status; -1 when either is unknown. */
int stats_tickets_add(struct stats_tickets *st, const char *severity, const char *status,
                      const int64_t *sums);

/* Registered statements (src/registry.c). */
struct db_query;
extern const struct db_query Q_STATS_ORG, Q_STATS_TKT_ALL, Q_STATS_TKT_ORG, Q_STATS_TKT_MONTHS_ALL,
    Q_STATS_TKT_MONTHS_ORG, Q_STATS_TKT_RAW, Q_STATS_TKT_RAW_ALL, Q_STATS_EQ_REGION_ALL,
    Q_STATS_EQ_REGION_ORG, Q_STATS_EQ_WARRANTY_ALL, Q_STATS_EQ_WARRANTY_ORG,
    Q_STATS_EQ_WARRANTY_RAW, Q_STATS_EQ_SKU_ALL, Q_STATS_EQ_SKU_ORG, Q_STATS_EQ_SKU_RAW,
    Q_STATS_BULK_BEGIN, Q_STATS_BULK_END, Q_STATS_REBUILD, Q_STATS_MONTHS_CLEAR,
    Q_STATS_MONTHS_FROM_DAYS, Q_STATS_FOLD;
#define STATS_QUERIES                                                                              \
    &Q_STATS_ORG, &Q_STATS_TKT_ALL, &Q_STATS_TKT_ORG, &Q_STATS_TKT_MONTHS_ALL,                     \
        &Q_STATS_TKT_MONTHS_ORG, &Q_STATS_TKT_RAW, &Q_STATS_TKT_RAW_ALL, &Q_STATS_EQ_REGION_ALL,   \
        &Q_STATS_EQ_REGION_ORG, &Q_STATS_EQ_WARRANTY_ALL, &Q_STATS_EQ_WARRANTY_ORG,                \
        &Q_STATS_EQ_WARRANTY_RAW, &Q_STATS_EQ_SKU_ALL, &Q_STATS_EQ_SKU_ORG, &Q_STATS_EQ_SKU_RAW,   \
        &Q_STATS_BULK_BEGIN, &Q_STATS_BULK_END, &Q_STATS_REBUILD, &Q_STATS_MONTHS_CLEAR,           \
        &Q_STATS_MONTHS_FROM_DAYS, &Q_STATS_FOLD

/*
 * Bulk loads: stats_bulk_begin() turns this connection's rollup triggers off (the
 * @trellis_stats_off session variable), stats_bulk_end() back on; stats_rebuild() then
 * recomputes one tenant's rollups from its tickets and equipment (CALL stats_rebuild, in the
 * caller's transaction or autocommit). Each returns 0 or a DB_E* code.
 */
int stats_bulk_begin(struct db *db, struct arena *ar);
int stats_bulk_end(struct db *db, struct arena *ar);
int stats_rebuild(struct db *db, struct arena *ar, int64_t tenant_id);
/*
 * Replaces one tenant's month rollup with the sums of its day rollup (what stats_rebuild()
 * ends with): for a loader that fills stats_tickets_daily itself. 0 or a DB_E* code.
 */
int stats_months_from_days(struct db *db, struct arena *ar, int64_t tenant_id);

/*
 * The rollups' pending rows (sql/migrations/0012_stats_pending): every ticket and equipment
 * write appends its change to stats_pending, and stats_fold() adds one tenant's to the
 * rollups in a transaction of its own, so it is called outside one. One fold of a tenant
 * runs at a time (0014_stats_fold_lock); stats_fold() waits up to wait_s seconds for one
 * already running, then DB_EDEADLOCK, and with wait_s 0 leaves the rows to it. A reader of
 * the rollups folds first, waiting STATS_FOLD_WAIT_S. stats_note_write() marks a tenant this
 * worker wrote for; stats_fold_due(), after a request, folds those not folded by this worker
 * for STATS_FOLD_EVERY_MS, without waiting, which keeps the pending rows few. Each returns 0
 * or a DB_E* code.
 */
#define STATS_FOLD_EVERY_MS 1000
#define STATS_FOLD_WAIT_S   10
int stats_fold(struct db *db, struct arena *ar, int64_t tenant_id, int wait_s);
void stats_note_write(int64_t tenant_id);
int stats_fold_due(struct db *db, struct arena *ar);

#endif
