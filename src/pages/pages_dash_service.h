/*
 * The service tiles of the dashboards (pages_dash_service.c, docs/service.md "Dashboards"):
 * equipment, uptime, requests and turnaround for a hospital, jobs and utilization for a
 * service provider, open, due and breached jobs for a dealer, tickets by dealer and backlog
 * for a distributor, SLA by product family and failures by model for a manufacturer, and
 * ticket volume for tenant staff. Everything added to the page's data is arena-owned.
 */
#ifndef PAGES_PAGES_DASH_SERVICE_H
#define PAGES_PAGES_DASH_SERVICE_H

#include <stdint.h>

struct arena;
struct json_object;
struct req;

/*
 * A horizontal bar chart (pages_dash.c, partials/hbar_chart): one bar per row, its length
 * value / max of the plot, label left of it and text right of it; detail for the tooltip
 * (NULL: none). Returns the chart's numbers as a new JSON object.
 */
struct hbar {
    const char *label, *text, *detail;
    long long value;
};
struct json_object *hbar_json(struct arena *ar, const char *title, const char *desc,
                              const struct hbar *rows, int n, long long max);

/*
 * Adds the tiles of the signed-in organization's type to d, each only when the role may
 * read tickets (and equipment, for the equipment tiles). Returns 0 or a DB_E* code.
 */
int dash_service_org_tiles(struct req *r, struct json_object *d);
/* Tenant staff's tiles (ticket volume per day, open tickets): 0 or a DB_E* code. */
int dash_service_global_tiles(struct req *r, struct json_object *d);

/*
 * The pure part, unit-tested. An interval [from, to) of milliseconds on a piece of
 * equipment; dash_downtime() sorts v in place and answers the measure of the union of each
 * equipment's intervals clipped to [lo, hi), summed over equipment.
 */
struct dash_span {
    int64_t equipment, from, to;
    const char *serial; /* carried along for the caller */
};
int64_t dash_downtime(struct dash_span *v, int n, int64_t lo, int64_t hi);
/* The median of v (sorted in place; the mean of the two middle values when n is even). */
int64_t dash_median(int64_t *v, int n);

/* Registered statements (src/registry.c), in pages_dash_service_db.c. */
struct db_query;
extern const struct db_query Q_DSVC_EQUIP_COUNT, Q_DSVC_EQUIP_SITES, Q_DSVC_OWNED, Q_DSVC_RESP,
    Q_DSVC_SP_JOBS, Q_DSVC_SP_ENGINEERS, Q_DSVC_DEALERS, Q_DSVC_TICKET_DAYS, Q_DSVC_OPEN_STATUSES;
#define DSVC_QUERIES                                                                               \
    &Q_DSVC_EQUIP_COUNT, &Q_DSVC_EQUIP_SITES, &Q_DSVC_OWNED, &Q_DSVC_RESP, &Q_DSVC_SP_JOBS,        \
        &Q_DSVC_SP_ENGINEERS, &Q_DSVC_DEALERS, &Q_DSVC_TICKET_DAYS, &Q_DSVC_OPEN_STATUSES

/* The columns of Q_DSVC_OWNED and Q_DSVC_RESP, in order. */
enum {
    DSVC_ID,
    DSVC_EQUIPMENT,
    DSVC_SERIAL,
    DSVC_EQ_STATUS,
    DSVC_SEVERITY,
    DSVC_STATUS,
    DSVC_TITLE,
    DSVC_RESPONDED,
    DSVC_CREATED,
    DSVC_RESOLVED,
    DSVC_RESPONSE_DUE,
    DSVC_RESOLVE_DUE,
    DSVC_SKU_CODE,
    DSVC_FAMILY,
};

#endif
