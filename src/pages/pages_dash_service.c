/* The service tiles of the dashboards: what each organization type needs of tickets and equipment.
 */
#include "pages/pages_dash_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/flags.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "http/rbac.h"
#include "http/request.h"
#include "pages/pages_form.h"

#define DAY_MS       86400000LL
#define UPTIME_DAYS  30    /* the window of a hospital's uptime */
#define WINDOW_DAYS  90    /* turnaround, SLA and failures: tickets resolved in these days */
#define ROWS_MAX     20000 /* tickets a tile reads at most; beyond, its numbers are floors */
#define TILE_ROWS    20    /* rows of a tile's table */
#define TOP_MODELS   10
#define DUE_ROWS     10 /* tickets listed under due soon and breached */
#define ENGINEER_MAX 1000
#define DEALER_MAX   200
#define VOLUME_DAYS  30

/* Column chart geometry in SVG user units: a column per day, its count above, its day below. */
#define COL_STEP  16
#define COL_BAR   12
#define COL_TOP   16
#define COL_PLOT  100
#define COL_LABEL 16

static const char *const open_statuses[] = {"open", "acknowledged", "in_progress",
                                            "waiting_customer"};
#define NOPEN 4
static const char *const severities[] = {"critical", "high", "medium", "low"};

/* One ticket of Q_DSVC_OWNED or Q_DSVC_RESP; times in ms, 0 for none. */
struct trow {
    int64_t id, equipment, created, resolved, response_due, resolve_due;
    const char *serial, *severity, *status, *title, *sku_code, *family;
    int eq_active, responded;
};

struct tset {
    struct trow *v;
    int n, cap;
    int partial; /* ROWS_MAX was reached */
};

static int may_read(const struct req *r, enum rbac_resource res)
{
    return rbac_allows(r->ctx.role, res, ACT_READ);
}

/* "2026-11-21T13:05:00Z" for a <time datetime>, to the second. */
static const char *iso_time(struct arena *ar, int64_t ms)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char buf[32];

    gmtime_r(&t, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return arena_strdup(ar, buf);
}

/* n/d as a percentage with one decimal, rounded half up: "96.7". */
static const char *percent1(struct arena *ar, int64_t n, int64_t d)
{
    int64_t t = d ? (n * 1000 + d / 2) / d : 0;

    return arena_printf(ar, "%lld.%lld", (long long)(t / 10), (long long)(t % 10));
}

/* ms as hours with one decimal, rounded half up: "26.5". */
static const char *hours1(struct arena *ar, int64_t ms)
{
    int64_t t = (ms + 180000) / 360000;

    return arena_printf(ar, "%lld.%lld", (long long)(t / 10), (long long)(t % 10));
}

static int64_t col_ms(const struct db_res *res, int i, int c)
{
    const struct db_val *v = db_at(res, i, c);

    return v->null ? 0 : (int64_t)v->i;
}

static const char *col_s(const struct db_res *res, int i, int c)
{
    const struct db_val *v = db_at(res, i, c);

    return v->null ? NULL : v->s;
}

static int trow_cmp(const void *a, const void *b)
{
    const struct trow *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}

/* Appends the rows of q for org (open, or resolved since from) to s, then keeps each id once. */
static int tset_load(struct req *r, struct tset *s, const struct db_query *q, int64_t org,
                     int64_t from)
{
    struct db_res res;
    int rc, k = 0;

    rc = db_exec(r->db, r->ar, q, r->ctx.tenant_id, &res, (long long)org,
                 rfc3339_sql_text(r->ar, from), ROWS_MAX + 1);
    if (rc)
        return rc;
    if (res.nrows > ROWS_MAX) {
        res.nrows = ROWS_MAX;
        s->partial = 1;
    }
    if (s->n + res.nrows + 1 > s->cap) {
        struct trow *v = arena_alloc(r->ar, sizeof(*v) * (size_t)(s->n + res.nrows + 1));
        if (s->n)
            memcpy(v, s->v, sizeof(*v) * (size_t)s->n);
        s->v = v;
        s->cap = s->n + res.nrows + 1;
    }
    for (int i = 0; i < res.nrows; i++) {
        struct trow *t = &s->v[s->n++];
        t->id = db_at(&res, i, DSVC_ID)->i;
        t->equipment = db_at(&res, i, DSVC_EQUIPMENT)->i;
        t->serial = col_s(&res, i, DSVC_SERIAL);
        t->eq_active = strcmp(col_s(&res, i, DSVC_EQ_STATUS), "active") == 0;
        t->severity = col_s(&res, i, DSVC_SEVERITY);
        t->status = col_s(&res, i, DSVC_STATUS);
        t->title = col_s(&res, i, DSVC_TITLE);
        t->responded = db_at(&res, i, DSVC_RESPONDED)->i != 0;
        t->created = col_ms(&res, i, DSVC_CREATED);
        t->resolved = col_ms(&res, i, DSVC_RESOLVED);
        t->response_due = col_ms(&res, i, DSVC_RESPONSE_DUE);
        t->resolve_due = col_ms(&res, i, DSVC_RESOLVE_DUE);
        t->sku_code = col_s(&res, i, DSVC_SKU_CODE);
        t->family = col_s(&res, i, DSVC_FAMILY);
    }
    if (s->v && s->n > 1)
        qsort(s->v, (size_t)s->n, sizeof(*s->v), trow_cmp);
    for (int i = 0; i < s->n; i++)
        if (!k || s->v[k - 1].id != s->v[i].id)
            s->v[k++] = s->v[i];
    s->n = k;
    return 0;
}

static int is_open(const struct trow *t)
{
    for (int i = 0; i < NOPEN; i++)
        if (strcmp(t->status, open_statuses[i]) == 0)
            return 1;
    return 0;
}

static void spaced(char *s)
{
    for (; *s; s++)
        if (*s == '_')
            *s = ' ';
}

/* {name, label, count} rows of counts[i] under names[i], their chart and total, into t. */
static void counts_rows(struct arena *ar, struct json_object *t, const char *const *names,
                        const long long *counts, int n, const char *title, const char *desc,
                        int skip_zero)
{
    struct json_object *rows = json_object_new_array();
    struct hbar *bars = arena_alloc(ar, sizeof(*bars) * (size_t)(n + 1));
    long long total = 0, max = 0;
    int nb = 0;

    for (int i = 0; i < n; i++) {
        struct json_object *o;
        char *label;
        total += counts[i];
        if (skip_zero && !counts[i])
            continue;
        o = json_object_new_object();
        label = arena_strdup(ar, names[i]);
        spaced(label);
        json_object_object_add(o, "name", json_object_new_string(names[i]));
        json_object_object_add(o, "label", json_object_new_string(label));
        json_object_object_add(o, "count", json_object_new_int64(counts[i]));
        json_object_array_add(rows, o);
        bars[nb].label = label;
        bars[nb].value = counts[i];
        bars[nb].text = arena_printf(ar, "%lld", counts[i]);
        bars[nb++].detail = NULL;
        if (counts[i] > max)
            max = counts[i];
    }
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "total", json_object_new_int64(total));
    json_object_object_add(
        t, "chart", total ? hbar_json(ar, title, desc, bars, nb, max) : json_object_new_boolean(0));
}

/* ---- pure: downtime and the median ---- */

static int span_cmp(const void *a, const void *b)
{
    const struct dash_span *x = a, *y = b;

    if (x->equipment != y->equipment)
        return x->equipment < y->equipment ? -1 : 1;
    return (x->from > y->from) - (x->from < y->from);
}

int64_t dash_downtime(struct dash_span *v, int n, int64_t lo, int64_t hi)
{
    int64_t sum = 0, eq = 0, end = 0;
    int any = 0;

    qsort(v, (size_t)n, sizeof(*v), span_cmp);
    for (int i = 0; i < n; i++) {
        int64_t from = v[i].from < lo ? lo : v[i].from, to = v[i].to > hi ? hi : v[i].to;
        if (from >= to)
            continue;
        if (!any || v[i].equipment != eq) {
            any = 1;
            eq = v[i].equipment;
            end = from;
        }
        if (from < end)
            from = end;
        if (to > from) {
            sum += to - from;
            end = to;
        }
    }
    return sum;
}

static int i64_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

int64_t dash_median(int64_t *v, int n)
{
    if (n <= 0)
        return 0;
    qsort(v, (size_t)n, sizeof(*v), i64_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- hospital ---- */

/* Active equipment the org owns: the count and by site. */
static int add_equipment(struct req *r, struct json_object *d, long long *count)
{
    struct json_object *t, *rows;
    struct db_res res;
    struct hbar *bars;
    long long max = 0, shown = 0;
    int rc, n;

    rc = db_exec(r->db, r->ar, &Q_DSVC_EQUIP_COUNT, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id);
    if (rc)
        return rc;
    *count = db_at(&res, 0, 0)->i;
    rc = db_exec(r->db, r->ar, &Q_DSVC_EQUIP_SITES, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id, TILE_ROWS);
    if (rc)
        return rc;
    t = json_object_new_object();
    json_object_object_add(d, "svc_equipment", t);
    rows = json_object_new_array();
    n = res.nrows;
    bars = arena_alloc(r->ar, sizeof(*bars) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        const char *site = *db_at(&res, i, 0)->s ? db_at(&res, i, 0)->s : "no site given";
        long long c = db_at(&res, i, 1)->i;
        json_object_object_add(o, "site", json_object_new_string(site));
        json_object_object_add(o, "count", json_object_new_int64(c));
        json_object_array_add(rows, o);
        bars[i] = (struct hbar){site, arena_printf(r->ar, "%lld", c), NULL, c};
        if (c > max)
            max = c;
        shown += c;
    }
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "total", json_object_new_int64(*count));
    json_object_object_add(t, "others",
                           shown < *count ? json_object_new_int64(*count - shown)
                                          : json_object_new_boolean(0));
    json_object_object_add(
        t, "chart",
        n ? hbar_json(r->ar, "Equipment by site",
                      "Each bar is the number of this organization's active pieces of "
                      "equipment at a site.",
                      bars, n, max)
          : json_object_new_boolean(0));
    return 0;
}

/*
 * Uptime over the last UPTIME_DAYS days: per active piece of equipment, the share of the
 * window without an open critical or high ticket on it, averaged over the pieces.
 */
static void add_uptime(struct req *r, struct json_object *d, const struct tset *s,
                       long long equipment, int64_t now)
{
    struct dash_span *v = arena_alloc(r->ar, sizeof(*v) * (size_t)(s->n + 1));
    struct json_object *t = json_object_new_object(), *rows = json_object_new_array();
    struct hbar *bars;
    int64_t lo = now - UPTIME_DAYS * DAY_MS, window = UPTIME_DAYS * DAY_MS, down;
    int n = 0, neq = 0;

    for (int i = 0; i < s->n; i++) {
        const struct trow *x = &s->v[i];
        if (!x->eq_active ||
            (strcmp(x->severity, "critical") != 0 && strcmp(x->severity, "high") != 0))
            continue;
        v[n++] = (struct dash_span){x->equipment, x->created, x->resolved ? x->resolved : now,
                                    x->serial};
    }
    down = dash_downtime(v, n, lo, now);
    json_object_object_add(d, "svc_uptime", t);
    json_object_object_add(
        t, "percent",
        json_object_new_string(
            equipment ? percent1(r->ar, equipment * window - down, equipment * window) : "100.0"));
    json_object_object_add(t, "equipment", json_object_new_int64(equipment));
    json_object_object_add(t, "days", json_object_new_int(UPTIME_DAYS));
    json_object_object_add(t, "partial", json_object_new_boolean(s->partial));
    /* the pieces that were down, least uptime first: v is sorted by equipment now */
    bars = arena_alloc(r->ar, sizeof(*bars) * (size_t)(n + 1));
    for (int i = 0; i < n;) {
        int j = i;
        int64_t dn;
        const char *serial = v[i].serial;
        while (j < n && v[j].equipment == v[i].equipment)
            j++;
        dn = dash_downtime(v + i, j - i, lo, now);
        if (dn > 0) {
            bars[neq].label = serial;
            bars[neq].value = window - dn;
            bars[neq].detail = hours1(r->ar, dn);
            bars[neq++].text = percent1(r->ar, window - dn, window);
        }
        i = j;
    }
    for (int i = 1; i < neq; i++)
        for (int k = i; k > 0 && bars[k].value < bars[k - 1].value; k--) {
            struct hbar tmp = bars[k];
            bars[k] = bars[k - 1];
            bars[k - 1] = tmp;
        }
    if (neq > TOP_MODELS)
        neq = TOP_MODELS;
    for (int i = 0; i < neq; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "serial", json_object_new_string(bars[i].label));
        json_object_object_add(o, "percent", json_object_new_string(bars[i].text));
        json_object_object_add(o, "down_hours", json_object_new_string(bars[i].detail));
        json_object_array_add(rows, o);
        bars[i].detail = arena_printf(r->ar, "down %s h", bars[i].detail);
        bars[i].text = arena_printf(r->ar, "%s%%", bars[i].text);
    }
    json_object_object_add(t, "rows", rows);
    json_object_object_add(
        t, "chart",
        neq ? hbar_json(r->ar, "Uptime of the equipment that was down",
                        arena_printf(r->ar,
                                     "Each bar is a piece of equipment's share of the last %d "
                                     "days without an open critical or high ticket.",
                                     UPTIME_DAYS),
                        bars, neq, window)
            : json_object_new_boolean(0));
}

/* Open requests by status: the rows of s that are open. */
static void add_open(struct req *r, struct json_object *d, const char *key, const struct tset *s,
                     const char *title, const char *desc)
{
    struct json_object *t = json_object_new_object();
    long long counts[NOPEN] = {0};

    for (int i = 0; i < s->n; i++)
        for (int k = 0; k < NOPEN; k++)
            if (strcmp(s->v[i].status, open_statuses[k]) == 0)
                counts[k]++;
    counts_rows(r->ar, t, open_statuses, counts, NOPEN, title, desc, 0);
    json_object_object_add(t, "partial", json_object_new_boolean(s->partial));
    json_object_object_add(d, key, t);
}

/* Time to resolve of the tickets resolved in the window: median and mean, overall and by severity.
 */
static void add_turnaround(struct req *r, struct json_object *d, const struct tset *s, int64_t from)
{
    struct json_object *t = json_object_new_object(), *rows = json_object_new_array();
    int64_t *all = arena_alloc(r->ar, sizeof(*all) * (size_t)(s->n + 1));
    int n = 0;

    for (int k = -1; k < 4; k++) {
        int64_t sum = 0;
        int m = 0;
        for (int i = 0; i < s->n; i++) {
            const struct trow *x = &s->v[i];
            if (!x->resolved || x->resolved < from || is_open(x) ||
                (k >= 0 && strcmp(x->severity, severities[k]) != 0))
                continue;
            all[m++] = x->resolved - x->created;
            sum += x->resolved - x->created;
        }
        if (k < 0) {
            n = m;
            json_object_object_add(t, "resolved", json_object_new_int(m));
            json_object_object_add(t, "mean",
                                   json_object_new_string(hours1(r->ar, m ? sum / m : 0)));
            json_object_object_add(t, "median",
                                   json_object_new_string(hours1(r->ar, dash_median(all, m))));
        } else if (m) {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "severity", json_object_new_string(severities[k]));
            json_object_object_add(o, "resolved", json_object_new_int(m));
            json_object_object_add(o, "median",
                                   json_object_new_string(hours1(r->ar, dash_median(all, m))));
            json_object_object_add(o, "mean", json_object_new_string(hours1(r->ar, sum / m)));
            json_object_array_add(rows, o);
        }
    }
    json_object_object_add(t, "any", json_object_new_boolean(n > 0));
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "days", json_object_new_int(WINDOW_DAYS));
    json_object_object_add(t, "partial", json_object_new_boolean(s->partial));
    json_object_object_add(d, "svc_turnaround", t);
}

static int hospital_tiles(struct req *r, struct json_object *d, int64_t now)
{
    struct tset s = {0};
    long long equipment = 0;
    int rc;

    if (may_read(r, RES_EQUIPMENT)) {
        rc = add_equipment(r, d, &equipment);
        if (rc)
            return rc;
    }
    if (!may_read(r, RES_TICKETS))
        return 0;
    rc = tset_load(r, &s, &Q_DSVC_OWNED, r->ctx.org_id, now - WINDOW_DAYS * DAY_MS);
    if (rc)
        return rc;
    if (may_read(r, RES_EQUIPMENT))
        add_uptime(r, d, &s, equipment, now);
    add_open(r, d, "svc_requests", &s, "Open requests by status",
             "Each bar is the number of open tickets of this organization's equipment in a "
             "status.");
    add_turnaround(r, d, &s, now - WINDOW_DAYS * DAY_MS);
    return 0;
}

/* ---- service provider ---- */

static int provider_tiles(struct req *r, struct json_object *d)
{
    const char *names[8];
    long long counts[8];
    struct json_object *t;
    struct db_res res;
    long long busy = 0;
    int rc, n;

    if (!may_read(r, RES_TICKETS))
        return 0;
    rc = db_exec(r->db, r->ar, &Q_DSVC_SP_JOBS, r->ctx.tenant_id, &res, (long long)r->ctx.org_id);
    if (rc)
        return rc;
    n = res.nrows < 8 ? res.nrows : 8;
    for (int i = 0; i < n; i++) {
        names[i] = db_at(&res, i, 0)->s;
        counts[i] = db_at(&res, i, 1)->i;
    }
    t = json_object_new_object();
    counts_rows(r->ar, t, names, counts, n, "Jobs of this organization's engineers by status",
                "Each bar is the number of tickets assigned to this organization's engineers "
                "in a status.",
                0);
    json_object_object_add(d, "svc_jobs", t);

    rc = db_exec(r->db, r->ar, &Q_DSVC_SP_ENGINEERS, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id, ENGINEER_MAX);
    if (rc)
        return rc;
    for (int i = 0; i < res.nrows; i++)
        if (db_at(&res, i, 1)->i > 0)
            busy++;
    t = json_object_new_object();
    json_object_object_add(t, "percent", json_object_new_string(percent1(r->ar, busy, res.nrows)));
    json_object_object_add(t, "busy", json_object_new_int64(busy));
    json_object_object_add(t, "idle", json_object_new_int64(res.nrows - busy));
    json_object_object_add(t, "engineers", json_object_new_int(res.nrows));
    json_object_object_add(t, "any", json_object_new_boolean(res.nrows > 0));
    json_object_object_add(t, "partial", json_object_new_boolean(res.nrows >= ENGINEER_MAX));
    json_object_object_add(d, "svc_utilization", t);
    return 0;
}

/* ---- dealer ---- */

/* The target a ticket is due for next: the response while unanswered, else the resolve. */
static int64_t next_due(const struct trow *t, const char **which)
{
    if (!t->responded && t->response_due &&
        (!t->resolve_due || t->response_due <= t->resolve_due)) {
        *which = "response";
        return t->response_due;
    }
    *which = "resolve";
    return t->resolve_due;
}

/* Breached: open, and the unanswered response target or the resolve target has passed (due
   at now is not yet late). */
static int breached(const struct trow *t, int64_t now)
{
    return (!t->responded && t->response_due && t->response_due < now) ||
           (t->resolve_due && t->resolve_due < now);
}

static int due_soon(const struct trow *t, int64_t now)
{
    const char *which;
    int64_t due = next_due(t, &which);

    return !breached(t, now) && due >= now && due <= now + DAY_MS;
}

static int trow_due_cmp(const void *a, const void *b)
{
    const struct trow *x = *(const struct trow *const *)a, *y = *(const struct trow *const *)b;
    const char *w;
    int64_t dx = next_due(x, &w), dy = next_due(y, &w);

    if (dx != dy)
        return dx < dy ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The tickets of s that pass keep(), soonest due first, as a tile with a count and a table. */
static void add_due_list(struct req *r, struct json_object *d, const char *key,
                         const struct tset *s, int64_t now,
                         int (*keep)(const struct trow *, int64_t))
{
    const struct trow **v = arena_alloc(r->ar, sizeof(const struct trow *) * (size_t)(s->n + 1));
    struct json_object *t = json_object_new_object(), *rows = json_object_new_array();
    int n = 0;

    for (int i = 0; i < s->n; i++)
        if (is_open(&s->v[i]) && keep(&s->v[i], now))
            v[n++] = &s->v[i];
    qsort(v, (size_t)n, sizeof(const struct trow *), trow_due_cmp);
    for (int i = 0; i < n && i < DUE_ROWS; i++) {
        struct json_object *o = json_object_new_object();
        const char *which;
        int64_t due = next_due(v[i], &which);
        json_object_object_add(o, "id", json_object_new_int64(v[i]->id));
        json_object_object_add(o, "title", json_object_new_string(v[i]->title));
        json_object_object_add(o, "severity", json_object_new_string(v[i]->severity));
        json_object_object_add(o, "target", json_object_new_string(which));
        json_object_object_add(o, "due", json_object_new_string(iso_time(r->ar, due)));
        json_object_array_add(rows, o);
    }
    json_object_object_add(t, "count", json_object_new_int(n));
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "more", json_object_new_boolean(n > DUE_ROWS));
    json_object_object_add(t, "partial", json_object_new_boolean(s->partial));
    json_object_object_add(d, key, t);
}

static int dealer_tiles(struct req *r, struct json_object *d, int64_t now)
{
    struct tset s = {0};
    int rc;

    if (!may_read(r, RES_TICKETS))
        return 0;
    /* from now: the open tickets only */
    rc = tset_load(r, &s, &Q_DSVC_RESP, r->ctx.org_id, now);
    if (rc)
        return rc;
    add_open(r, d, "svc_open_jobs", &s, "Open jobs by status",
             "Each bar is the number of open tickets this organization answers for in a status.");
    add_due_list(r, d, "svc_due_soon", &s, now, due_soon);
    add_due_list(r, d, "svc_breached", &s, now, breached);
    return 0;
}

/* ---- distributor ---- */

static int dealer_cmp(const void *a, const void *b)
{
    const struct hbar *x = a, *y = b;

    if (x->value != y->value)
        return x->value < y->value ? 1 : -1;
    return strcmp(x->label, y->label);
}

static int distributor_tiles(struct req *r, struct json_object *d, int64_t now)
{
    static const char *const ages[] = {"under 1 day", "1 to 7 days", "7 to 30 days",
                                       "over 30 days"};
    static const int64_t age_to[] = {DAY_MS, 7 * DAY_MS, 30 * DAY_MS, INT64_MAX};
    struct json_object *t, *rows;
    struct db_res res;
    struct tset s = {0};
    struct hbar *bars;
    long long counts[4] = {0}, all = 0, max = 0;
    int rc, n;

    if (!may_read(r, RES_TICKETS))
        return 0;
    rc = db_exec(r->db, r->ar, &Q_DSVC_DEALERS, r->ctx.tenant_id, &res, (long long)r->ctx.org_id,
                 DEALER_MAX);
    if (rc)
        return rc;
    bars = arena_alloc(r->ar, sizeof(*bars) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        bars[i].label = db_at(&res, i, 1)->s;
        bars[i].value = db_at(&res, i, 2)->i;
        bars[i].text = arena_printf(r->ar, "%lld", bars[i].value);
        bars[i].detail = NULL;
        all += bars[i].value;
    }
    qsort(bars, (size_t)res.nrows, sizeof(*bars), dealer_cmp);
    n = res.nrows < TILE_ROWS ? res.nrows : TILE_ROWS;
    t = json_object_new_object();
    rows = json_object_new_array();
    for (int i = 0; i < n; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(bars[i].label));
        json_object_object_add(o, "count", json_object_new_int64(bars[i].value));
        json_object_array_add(rows, o);
        if (bars[i].value > max)
            max = bars[i].value;
    }
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "total", json_object_new_int64(all));
    json_object_object_add(t, "dealers", json_object_new_int(res.nrows));
    json_object_object_add(t, "more", json_object_new_boolean(res.nrows > n));
    json_object_object_add(t, "chart",
                           all ? hbar_json(r->ar, "Open tickets by dealer",
                                           "Each bar is the number of open tickets a dealer of "
                                           "this organization answers for.",
                                           bars, n, max)
                               : json_object_new_boolean(0));
    json_object_object_add(d, "svc_by_dealer", t);

    rc = tset_load(r, &s, &Q_DSVC_RESP, r->ctx.org_id, now);
    if (rc)
        return rc;
    for (int i = 0; i < s.n; i++) {
        int64_t age = now - s.v[i].created;
        int k = 0;
        if (!is_open(&s.v[i]))
            continue;
        while (age >= age_to[k])
            k++;
        counts[k]++;
    }
    t = json_object_new_object();
    counts_rows(r->ar, t, ages, counts, 4, "Open tickets by age",
                "Each bar is the number of open tickets this organization answers for itself, "
                "by the time since they were opened.",
                0);
    json_object_object_add(t, "with_dealers", json_object_new_int64(all));
    json_object_object_add(t, "partial", json_object_new_boolean(s.partial));
    json_object_object_add(d, "svc_backlog", t);
    return 0;
}

/* ---- manufacturer ---- */

struct group {
    const char *name;
    long long n, met, tickets;
};

static struct group *group_of(struct group *g, int *n, const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(g[i].name, name) == 0)
            return &g[i];
    g[*n] = (struct group){name, 0, 0, 0};
    return &g[(*n)++];
}

static int group_cmp(const void *a, const void *b)
{
    const struct group *x = a, *y = b;

    if (x->tickets != y->tickets)
        return x->tickets < y->tickets ? 1 : -1;
    return strcmp(x->name, y->name);
}

static int manufacturer_tiles(struct req *r, struct json_object *d, int64_t now)
{
    int64_t from = now - WINDOW_DAYS * DAY_MS;
    struct tset s = {0};
    struct group *fam, *mod;
    struct json_object *t, *rows;
    struct hbar *bars;
    long long max = 0;
    int rc, nf = 0, nm = 0, nb = 0;

    if (!may_read(r, RES_TICKETS))
        return 0;
    /* what GET /v1/tickets shows it: the tickets it answers for and its own equipment's */
    rc = tset_load(r, &s, &Q_DSVC_RESP, r->ctx.org_id, from);
    if (!rc)
        rc = tset_load(r, &s, &Q_DSVC_OWNED, r->ctx.org_id, from);
    if (rc)
        return rc;
    fam = arena_alloc(r->ar, sizeof(*fam) * (size_t)(s.n + 1));
    mod = arena_alloc(r->ar, sizeof(*mod) * (size_t)(s.n + 1));
    for (int i = 0; i < s.n; i++) {
        const struct trow *x = &s.v[i];
        if (x->sku_code)
            group_of(mod, &nm, x->sku_code)->tickets++;
        if (x->family && x->resolved && x->resolved >= from && x->resolve_due) {
            struct group *g = group_of(fam, &nf, x->family);
            g->tickets++;
            g->n++;
            g->met += x->resolved <= x->resolve_due;
        }
    }
    qsort(fam, (size_t)nf, sizeof(*fam), group_cmp);
    if (nf > TILE_ROWS)
        nf = TILE_ROWS;
    t = json_object_new_object();
    rows = json_object_new_array();
    bars = arena_alloc(r->ar, sizeof(*bars) * (size_t)(nf + 1));
    for (int i = 0; i < nf; i++) {
        struct json_object *o = json_object_new_object();
        const char *pct = percent1(r->ar, fam[i].met, fam[i].n);
        json_object_object_add(o, "family", json_object_new_string(fam[i].name));
        json_object_object_add(o, "resolved", json_object_new_int64(fam[i].n));
        json_object_object_add(o, "met", json_object_new_int64(fam[i].met));
        json_object_object_add(o, "percent", json_object_new_string(pct));
        json_object_array_add(rows, o);
        bars[nb++] = (struct hbar){fam[i].name, arena_printf(r->ar, "%s%%", pct),
                                   arena_printf(r->ar, "%lld of %lld", fam[i].met, fam[i].n),
                                   (fam[i].met * 1000 + fam[i].n / 2) / fam[i].n};
    }
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "days", json_object_new_int(WINDOW_DAYS));
    json_object_object_add(t, "partial", json_object_new_boolean(s.partial));
    json_object_object_add(
        t, "chart",
        nb ? hbar_json(r->ar, "Resolved within the SLA, by product family",
                       arena_printf(r->ar,
                                    "Each bar is the share of a product family's tickets "
                                    "resolved in the last %d days by their resolve due time.",
                                    WINDOW_DAYS),
                       bars, nb, 1000)
           : json_object_new_boolean(0));
    json_object_object_add(d, "svc_sla", t);

    qsort(mod, (size_t)nm, sizeof(*mod), group_cmp);
    if (nm > TOP_MODELS)
        nm = TOP_MODELS;
    t = json_object_new_object();
    rows = json_object_new_array();
    for (int i = 0; i < nm; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "sku_code", json_object_new_string(mod[i].name));
        json_object_object_add(o, "count", json_object_new_int64(mod[i].tickets));
        json_object_array_add(rows, o);
        if (mod[i].tickets > max)
            max = mod[i].tickets;
    }
    bars = arena_alloc(r->ar, sizeof(*bars) * (size_t)(nm + 1));
    for (int i = 0; i < nm; i++)
        bars[i] = (struct hbar){mod[i].name, arena_printf(r->ar, "%lld", mod[i].tickets), NULL,
                                mod[i].tickets};
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "days", json_object_new_int(WINDOW_DAYS));
    json_object_object_add(t, "partial", json_object_new_boolean(s.partial));
    json_object_object_add(t, "chart",
                           nm ? hbar_json(r->ar, "Tickets by model, the top 10",
                                          "Each bar is the number of tickets on a SKU's "
                                          "equipment, open now or resolved in the window.",
                                          bars, nm, max)
                              : json_object_new_boolean(0));
    json_object_object_add(d, "svc_failures", t);
    return 0;
}

int dash_service_org_tiles(struct req *r, struct json_object *d)
{
    const char *type = r->ctx.org_type ? r->ctx.org_type : "";
    int64_t now = clock_real_ms();

    if (strcmp(type, "hospital") == 0)
        return hospital_tiles(r, d, now);
    if (strcmp(type, "service_provider") == 0)
        return provider_tiles(r, d);
    if (strcmp(type, "dealer") == 0)
        return dealer_tiles(r, d, now);
    if (strcmp(type, "distributor") == 0)
        return distributor_tiles(r, d, now);
    if (strcmp(type, "manufacturer") == 0)
        return manufacturer_tiles(r, d, now);
    return 0;
}

/* ---- tenant staff ---- */

/* Tickets opened per UTC day of the last VOLUME_DAYS days, as a column chart's numbers. */
static int add_volume(struct req *r, struct json_object *d)
{
    char days[VOLUME_DAYS][11], from[32];
    long long n[VOLUME_DAYS] = {0}, max = 0, all = 0;
    time_t today = time(NULL) / 86400 * 86400;
    struct json_object *c, *bars;
    struct db_res res;
    struct tm tm;
    int rc, busiest = 0;

    for (int i = 0; i < VOLUME_DAYS; i++) {
        time_t t = today - (time_t)(VOLUME_DAYS - 1 - i) * 86400;
        gmtime_r(&t, &tm);
        strftime(days[i], sizeof(days[i]), "%Y-%m-%d", &tm);
    }
    snprintf(from, sizeof(from), "%s 00:00:00", days[0]);
    rc = db_exec(r->db, r->ar, &Q_DSVC_TICKET_DAYS, r->ctx.tenant_id, &res, from);
    if (rc)
        return rc;
    for (int k = 0; k < res.nrows; k++)
        for (int i = 0; i < VOLUME_DAYS; i++)
            if (strcmp(db_at(&res, k, 0)->s, days[i]) == 0)
                n[i] = db_at(&res, k, 1)->i;
    for (int i = 0; i < VOLUME_DAYS; i++) {
        all += n[i];
        if (n[i] > max) {
            max = n[i];
            busiest = i;
        }
    }
    c = json_object_new_object();
    bars = json_object_new_array();
    for (int i = 0; i < VOLUME_DAYS; i++) {
        struct json_object *b = json_object_new_object();
        /* a day with tickets is never drawn flat */
        long long h = max ? (n[i] * COL_PLOT + max / 2) / max : 0;
        if (n[i] && h < 1)
            h = 1;
        json_object_object_add(b, "day", json_object_new_string(days[i]));
        json_object_object_add(b, "dom", json_object_new_string(days[i] + 8));
        json_object_object_add(b, "labelled",
                               json_object_new_boolean((VOLUME_DAYS - 1 - i) % 5 == 0));
        json_object_object_add(b, "count", json_object_new_int64(n[i]));
        json_object_object_add(b, "shown", json_object_new_boolean(n[i] > 0));
        json_object_object_add(b, "x",
                               json_object_new_int(i * COL_STEP + (COL_STEP - COL_BAR) / 2));
        json_object_object_add(b, "y", json_object_new_int64(COL_TOP + COL_PLOT - h));
        json_object_object_add(b, "h", json_object_new_int64(h));
        json_object_object_add(b, "cx", json_object_new_int(i * COL_STEP + COL_STEP / 2));
        json_object_object_add(b, "ty", json_object_new_int64(COL_TOP + COL_PLOT - h - 3));
        json_object_array_add(bars, b);
    }
    json_object_object_add(c, "id", json_object_new_string("ticket-volume"));
    json_object_object_add(c, "title",
                           json_object_new_string(arena_printf(
                               r->ar, "Tickets opened per day, last %d days", VOLUME_DAYS)));
    json_object_object_add(
        c, "desc",
        json_object_new_string(
            max ? arena_printf(r->ar,
                               "%lld ticket%s opened from %s to %s; the busiest day was %s, "
                               "with %lld.",
                               all, all == 1 ? "" : "s", days[0], days[VOLUME_DAYS - 1],
                               days[busiest], max)
                : arena_printf(r->ar, "No tickets opened from %s to %s.", days[0],
                               days[VOLUME_DAYS - 1])));
    json_object_object_add(c, "bars", bars);
    json_object_object_add(c, "bar_width", json_object_new_int(COL_BAR));
    json_object_object_add(c, "width", json_object_new_int(VOLUME_DAYS * COL_STEP));
    json_object_object_add(c, "height", json_object_new_int(COL_TOP + COL_PLOT + COL_LABEL));
    json_object_object_add(c, "base", json_object_new_int(COL_TOP + COL_PLOT));
    json_object_object_add(c, "label_y", json_object_new_int(COL_TOP + COL_PLOT + COL_LABEL - 3));
    json_object_object_add(c, "total", json_object_new_int64(all));
    json_object_object_add(d, "svc_volume", c);
    return 0;
}

int dash_service_global_tiles(struct req *r, struct json_object *d)
{
    const char *names[NOPEN];
    long long counts[NOPEN] = {0};
    struct json_object *t;
    struct db_res res;
    int rc;

    if (r->ctx.org_id || !may_read(r, RES_TICKETS))
        return 0;
    rc = add_volume(r, d);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_DSVC_OPEN_STATUSES, r->ctx.tenant_id, &res);
    if (rc)
        return rc;
    for (int i = 0; i < NOPEN; i++) {
        names[i] = open_statuses[i];
        for (int k = 0; k < res.nrows; k++)
            if (strcmp(db_at(&res, k, 0)->s, open_statuses[i]) == 0)
                counts[i] = db_at(&res, k, 1)->i;
    }
    t = json_object_new_object();
    counts_rows(r->ar, t, names, counts, NOPEN, "Open tickets by status",
                "Each bar is the number of the tenant's open tickets in a status.", 0);
    json_object_object_add(d, "svc_open_tickets", t);
    return 0;
}
