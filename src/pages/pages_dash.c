/* /dashboard: one template per organization type, global without an organization. */
#include "pages/pages_http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "audit/audit_http.h"
#include "catalog/listing.h"
#include "catalog/publish.h"
#include "core/flags.h"
#include "core/json.h"
#include "db/db.h"
#include "http/list.h"
#include "http/metrics.h"
#include "http/problem.h"
#include "http/rbac.h"
#include "http/request.h"
#include "identity/identity.h"
#include "org/org_http.h"
#include "org/rel_http.h"
#include "pages/pages.h"
#include "pages/pages_catalog_db.h"
#include "pages/pages_dash_service.h"
#include "pages/pages_db.h"
#include "pages/pages_form.h"

#define MEMBERS_SHOWN 50  /* rows of the members table; the KPI counts them all */
#define TENANTS_SHOWN 100 /* rows of the platform's tenants table, one query each */
#define CHART_DAYS    14

/* Chart geometry in SVG user units: a column per day, its count above, its day below. */
#define CHART_STEP  32
#define CHART_BAR   22
#define CHART_TOP   18
#define CHART_PLOT  100
#define CHART_LABEL 18

static void kpi_add(struct json_object *kpis, const char *label, long long value, const char *unit)
{
    struct json_object *k = json_object_new_object();

    json_object_object_add(k, "label", json_object_new_string(label));
    json_object_object_add(k, "value", json_object_new_int64(value));
    json_object_object_add(k, "unit", json_object_new_string(unit));
    json_object_array_add(kpis, k);
}

/* The latest audit rows the user may read (the API keeps an org user to its org). */
static int add_activity(struct req *r, struct json_object *d)
{
    struct json_object *out, *data;
    int rc;

    if (!rbac_allows(r->ctx.role, RES_AUDIT, ACT_READ))
        return 0;
    rc = page_api(r, audit_http_list, "limit=10", NULL, &out);
    if (rc)
        return rc;
    json_object_object_add(d, "can_audit", json_object_new_boolean(1));
    if (json_object_object_get_ex(out, "data", &data))
        json_object_object_add(d, "activity", json_object_get(data));
    return 0;
}

/* The user's own organization, as GET /v1/orgs/{id} shows it: readable to every member. */
static int add_profile(struct req *r, struct json_object *d)
{
    struct json_object *profile, *certs, *meta, *rows;
    int rc;

    r->nparams = 1;
    r->param_names[0] = "id";
    r->param_vals[0] = arena_printf(r->ar, "%lld", (long long)r->ctx.org_id);
    rc = page_api(r, org_http_get, NULL, NULL, &profile);
    r->nparams = 0;
    if (rc)
        return rc;
    json_object_object_add(
        profile, "active",
        json_object_new_boolean(
            strcmp(json_object_get_string(json_object_object_get(profile, "status")), "active") ==
            0));
    if (json_object_object_get_ex(profile, "certifications", &certs) &&
        json_object_array_length(certs) > 0)
        json_object_object_add(profile, "has_certifications", json_object_new_boolean(1));
    /* metadata is free-form: a key per row, its value as text, nested values as JSON */
    if (json_object_object_get_ex(profile, "metadata", &meta) &&
        json_object_is_type(meta, json_type_object) && json_object_object_length(meta) > 0) {
        rows = json_object_new_array();
        json_object_object_foreach(meta, key, val)
        {
            struct json_object *row = json_object_new_object();
            const char *text =
                json_object_is_type(val, json_type_string)
                    ? json_object_get_string(val)
                    : json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN |
                                                              JSON_C_TO_STRING_NOSLASHESCAPE);
            json_object_object_add(row, "key", json_object_new_string(key));
            json_object_object_add(row, "value", json_object_new_string(text ? text : ""));
            json_object_array_add(rows, row);
        }
        json_object_object_add(profile, "metadata_rows", rows);
    }
    json_object_object_add(d, "profile", json_object_get(profile));
    return 0;
}

/*
 * The org's members: counts for everyone in it, the table (email, role, status) for the
 * roles that may read users, as GET /v1/users would show them.
 */
static int add_members(struct req *r, struct json_object *d, struct json_object *kpis)
{
    struct json_object *m, *rows;
    struct db_res res;
    long long total, active;
    int rc;

    rc = db_exec(r->db, r->ar, &Q_DASH_MEMBER_COUNTS, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id);
    if (rc)
        return rc;
    total = db_at(&res, 0, 0)->i;
    active = db_at(&res, 0, 1)->i;
    kpi_add(kpis, "Members", total, "in this organization");
    kpi_add(kpis, "Active members", active, arena_printf(r->ar, "of %lld can sign in", total));
    if (!rbac_allows(r->ctx.role, RES_USERS, ACT_READ))
        return 0;
    rc = db_exec(r->db, r->ar, &Q_DASH_MEMBERS, r->ctx.tenant_id, &res, (long long)r->ctx.org_id,
                 MEMBERS_SHOWN);
    if (rc)
        return rc;
    m = json_object_new_object();
    rows = json_object_new_array();
    for (int i = 0; i < res.nrows; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_int64(db_at(&res, i, 0)->i));
        json_object_object_add(o, "email", json_object_new_string(db_at(&res, i, 1)->s));
        json_object_object_add(o, "role", json_object_new_string(db_at(&res, i, 2)->s));
        json_object_object_add(o, "status", json_object_new_string(db_at(&res, i, 3)->s));
        json_object_object_add(o, "badge",
                               json_object_new_string(page_badge_of(db_at(&res, i, 3)->s)));
        json_object_array_add(rows, o);
    }
    json_object_object_add(m, "rows", rows);
    json_object_object_add(m, "total", json_object_new_int64(total));
    json_object_object_add(m, "more", json_object_new_boolean(total > res.nrows));
    json_object_object_add(
        m, "caption",
        json_object_new_string(
            total > res.nrows
                ? arena_printf(r->ar, "The first %d of %lld members, by email", res.nrows, total)
                : "Everyone in this organization, by email"));
    json_object_object_add(d, "members", m);
    return 0;
}

static int add_org_changes(struct req *r, struct json_object *kpis)
{
    struct db_res res;
    int rc;

    if (!rbac_allows(r->ctx.role, RES_AUDIT, ACT_READ))
        return 0;
    rc = db_exec(r->db, r->ar, &Q_DASH_ORG_CHANGES, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id);
    if (rc)
        return rc;
    kpi_add(kpis, "Last 7 days", db_at(&res, 0, 0)->i, "changes in this organization");
    return 0;
}

/* A count per value of one column (type, status) and their sum; badges for statuses. */
static struct json_object *counts_tile(const struct db_res *res, int badges)
{
    struct json_object *t = json_object_new_object(), *rows = json_object_new_array();
    long long sum = 0;

    for (int i = 0; i < res->nrows; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(db_at(res, i, 0)->s));
        json_object_object_add(o, "count", json_object_new_int64(db_at(res, i, 1)->i));
        if (badges)
            json_object_object_add(o, "badge",
                                   json_object_new_string(page_badge_of(db_at(res, i, 0)->s)));
        json_object_array_add(rows, o);
        sum += db_at(res, i, 1)->i;
    }
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "total", json_object_new_int64(sum));
    return t;
}

/* Organizations by type and users by status, each to the roles that may list them. */
static int add_tenant_counts(struct req *r, struct json_object *d)
{
    struct db_res res;
    int rc;

    if ((r->ctx.flags & FLAG_BIT(FLAG_ORG)) && rbac_allows(r->ctx.role, RES_ORGS, ACT_READ)) {
        rc = db_exec(r->db, r->ar, &Q_DASH_ORG_TYPES, r->ctx.tenant_id, &res);
        if (rc)
            return rc;
        json_object_object_add(d, "orgs", counts_tile(&res, 0));
    }
    if (rbac_allows(r->ctx.role, RES_USERS, ACT_READ)) {
        rc = db_exec(r->db, r->ar, &Q_DASH_USER_STATUSES, r->ctx.tenant_id, &res);
        if (rc)
            return rc;
        json_object_object_add(d, "users", counts_tile(&res, 1));
    }
    return 0;
}

/* The bars of n[i] rows on days[i], as numbers the template draws an SVG chart from. */
static struct json_object *chart_json(struct arena *ar, char days[][11], const long long *n)
{
    struct json_object *chart = json_object_new_object(), *bars = json_object_new_array();
    long long max = 0, all = 0;
    int busiest = 0;

    for (int i = 0; i < CHART_DAYS; i++) {
        all += n[i];
        if (n[i] > max) {
            max = n[i];
            busiest = i;
        }
    }
    for (int i = 0; i < CHART_DAYS; i++) {
        struct json_object *b = json_object_new_object();
        /* a day with rows is never drawn flat: a column of at least one unit */
        long long h = max ? (n[i] * CHART_PLOT + max / 2) / max : 0;
        if (n[i] && h < 1)
            h = 1;
        json_object_object_add(b, "day", json_object_new_string(days[i]));
        json_object_object_add(b, "dom", json_object_new_string(days[i] + 8));
        json_object_object_add(b, "count", json_object_new_int64(n[i]));
        json_object_object_add(b, "shown", json_object_new_boolean(n[i] > 0));
        json_object_object_add(b, "x",
                               json_object_new_int(i * CHART_STEP + (CHART_STEP - CHART_BAR) / 2));
        json_object_object_add(b, "y", json_object_new_int64(CHART_TOP + CHART_PLOT - h));
        json_object_object_add(b, "h", json_object_new_int64(h));
        json_object_object_add(b, "cx", json_object_new_int(i * CHART_STEP + CHART_STEP / 2));
        json_object_object_add(b, "ty", json_object_new_int64(CHART_TOP + CHART_PLOT - h - 4));
        json_object_array_add(bars, b);
    }
    json_object_object_add(
        chart, "desc",
        json_object_new_string(
            max ? arena_printf(
                      ar, "%lld audit row%s from %s to %s; the busiest day was %s, with %lld.", all,
                      all == 1 ? "" : "s", days[0], days[CHART_DAYS - 1], days[busiest], max)
                : arena_printf(ar, "No audit rows from %s to %s.", days[0], days[CHART_DAYS - 1])));
    json_object_object_add(chart, "bars", bars);
    json_object_object_add(chart, "bar_width", json_object_new_int(CHART_BAR));
    json_object_object_add(chart, "width", json_object_new_int(CHART_DAYS * CHART_STEP));
    json_object_object_add(chart, "height",
                           json_object_new_int(CHART_TOP + CHART_PLOT + CHART_LABEL));
    json_object_object_add(chart, "base", json_object_new_int(CHART_TOP + CHART_PLOT));
    json_object_object_add(chart, "label_y",
                           json_object_new_int(CHART_TOP + CHART_PLOT + CHART_LABEL - 4));
    return chart;
}

/* The tenant's audit rows of the last 24 hours and 7 days, and per UTC day as a chart. */
static int add_tenant_activity(struct req *r, struct json_object *d, struct json_object *kpis)
{
    char days[CHART_DAYS][11], from[32];
    long long n[CHART_DAYS] = {0};
    time_t today = time(NULL) / 86400 * 86400;
    struct db_res res;
    struct tm tm;
    int rc;

    if (!rbac_allows(r->ctx.role, RES_AUDIT, ACT_READ))
        return 0;
    rc = db_exec(r->db, r->ar, &Q_DASH_AUDIT_COUNTS, r->ctx.tenant_id, &res);
    if (rc)
        return rc;
    kpi_add(kpis, "Last 24 hours", db_at(&res, 0, 0)->i, "changes in this tenant");
    kpi_add(kpis, "Last 7 days", db_at(&res, 0, 1)->i, "changes in this tenant");

    for (int i = 0; i < CHART_DAYS; i++) {
        time_t t = today - (time_t)(CHART_DAYS - 1 - i) * 86400;
        gmtime_r(&t, &tm);
        strftime(days[i], sizeof(days[i]), "%Y-%m-%d", &tm);
    }
    snprintf(from, sizeof(from), "%s 00:00:00", days[0]);
    rc = db_exec(r->db, r->ar, &Q_DASH_AUDIT_DAYS, r->ctx.tenant_id, &res, from);
    if (rc)
        return rc;
    /* a day the database has and this clock does not (skew at midnight) is left out */
    for (int k = 0; k < res.nrows; k++)
        for (int i = 0; i < CHART_DAYS; i++)
            if (strcmp(db_at(&res, k, 0)->s, days[i]) == 0)
                n[i] = db_at(&res, k, 1)->i;
    json_object_object_add(d, "chart", chart_json(r->ar, days, n));
    return 0;
}

/* The platform super admin's page: a row per tenant. It crosses tenants: nobody else. */
static int add_tenants(struct req *r, struct json_object *d)
{
    struct json_object *t, *rows;
    struct db_res ts, res;
    long long all = 0;
    int rc;

    if (!r->ctx.role || strcmp(r->ctx.role, "super_admin") != 0)
        return 0;
    rc = db_exec(r->db, r->ar, &Q_DASH_TENANTS, 0, &ts, TENANTS_SHOWN);
    if (rc)
        return rc;
    rows = json_object_new_array();
    for (int i = 0; i < ts.nrows; i++) {
        struct json_object *o = json_object_new_object();
        const struct db_val *last;
        all = db_at(&ts, i, 4)->i;
        /* each tenant's counts through a tenant-bound query, as `trellis audit verify` walks */
        rc = db_exec(r->db, r->ar, &Q_DASH_TENANT_SUMMARY, db_at(&ts, i, 0)->i, &res);
        if (rc)
            return rc;
        last = db_at(&res, 0, 3);
        json_object_object_add(o, "name", json_object_new_string(db_at(&ts, i, 1)->s));
        json_object_object_add(o, "slug", json_object_new_string(db_at(&ts, i, 2)->s));
        json_object_object_add(o, "status", json_object_new_string(db_at(&ts, i, 3)->s));
        json_object_object_add(o, "active",
                               json_object_new_boolean(strcmp(db_at(&ts, i, 3)->s, "active") == 0));
        json_object_object_add(o, "orgs", json_object_new_int64(db_at(&res, 0, 0)->i));
        json_object_object_add(o, "users", json_object_new_int64(db_at(&res, 0, 1)->i));
        json_object_object_add(o, "audit_24h", json_object_new_int64(db_at(&res, 0, 2)->i));
        json_object_object_add(o, "last_activity",
                               last->null ? NULL : json_object_new_string(last->s));
        json_object_array_add(rows, o);
    }
    t = json_object_new_object();
    json_object_object_add(t, "rows", rows);
    json_object_object_add(
        t, "caption",
        json_object_new_string(
            all > ts.nrows
                ? arena_printf(r->ar, "The first %d of %lld tenants, by id", ts.nrows, all)
                : arena_printf(r->ar, "%lld tenants, by id", all)));
    json_object_object_add(d, "tenants", t);
    return 0;
}

/* "3 d 4 h", "2 h 5 min", "42 s": the two largest units are enough. */
static const char *uptime_text(struct arena *ar, long long s)
{
    if (s >= 86400)
        return arena_printf(ar, "%lld d %lld h", s / 86400, s % 86400 / 3600);
    if (s >= 3600)
        return arena_printf(ar, "%lld h %lld min", s / 3600, s % 3600 / 60);
    if (s >= 60)
        return arena_printf(ar, "%lld min %lld s", s / 60, s % 60);
    return arena_printf(ar, "%lld s", s);
}

/* The pool as this worker sees it: a real query's round trip, workers, uptime, schema. */
static int add_health(struct req *r, struct json_object *d)
{
    struct json_object *h = json_object_new_object();
    long long up = metrics_uptime();
    time_t started = time(NULL) - (time_t)up;
    struct timespec t0, t1;
    struct db_res res;
    char at[32];
    struct tm tm;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    rc = db_exec(r->db, r->ar, &Q_DASH_SCHEMA, 0, &res);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc)
        return rc;
    json_object_object_add(
        h, "db_ms",
        json_object_new_string(arena_printf(r->ar, "%.2f",
                                            (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                                                (double)(t1.tv_nsec - t0.tv_nsec) / 1e6)));
    if (res.nrows == 1) {
        struct json_object *s = json_object_new_object();
        json_object_object_add(s, "version", json_object_new_int64(db_at(&res, 0, 0)->i));
        json_object_object_add(s, "name", json_object_new_string(db_at(&res, 0, 1)->s));
        json_object_object_add(h, "schema", s);
    }
    json_object_object_add(h, "workers", json_object_new_int(metrics_workers()));
    json_object_object_add(h, "uptime", json_object_new_string(uptime_text(r->ar, up)));
    gmtime_r(&started, &tm);
    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_object_add(h, "started", json_object_new_string(at));
    strftime(at, sizeof(at), "%Y-%m-%d %H:%M UTC", &tm);
    json_object_object_add(h, "started_text", json_object_new_string(at));
    json_object_object_add(d, "health", h);
    return 0;
}

/* ---- the catalog's tiles: relationships, catalog size, publications, listings ---- */

/* Listing items a dashboard reads at most across channels; beyond, its numbers are floors. */
#define TILE_ITEMS_MAX 5000
/* Rows of a tile's table; the rest is counted in a last row or a caption. */
#define TILE_ROWS 20

/* Horizontal bar chart geometry in SVG user units: a label column, then the bars. */
#define HBAR_WIDTH 440
#define HBAR_LABEL 176
#define HBAR_PLOT  204
#define HBAR_ROW   26
#define HBAR_BAR   16
#define HBAR_CHARS 18 /* characters of a label before it is cut with an ellipsis */

static int may_read(const struct req *r, enum rbac_resource res)
{
    return rbac_allows(r->ctx.role, res, ACT_READ);
}

/* s cut to n characters of UTF-8, with an ellipsis when cut: a chart's label. */
static const char *label_cut(struct arena *ar, const char *s, int n)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p && n > 0) {
        p++;
        while ((*p & 0xc0) == 0x80)
            p++;
        n--;
    }
    return *p ? arena_printf(ar, "%.*s…", (int)((const char *)p - s), s) : s;
}

/*
 * A horizontal bar chart (struct hbar: pages_dash_service.h): one bar per row, its length
 * value / max of the plot, its label left of it and text right of it. The template draws
 * the SVG from these numbers.
 */
struct json_object *hbar_json(struct arena *ar, const char *title, const char *desc,
                              const struct hbar *rows, int n, long long max)
{
    struct json_object *c = json_object_new_object(), *bars = json_object_new_array();

    for (int i = 0; i < n; i++) {
        struct json_object *b = json_object_new_object();
        long long w = max ? (rows[i].value * HBAR_PLOT + max / 2) / max : 0;
        int y = i * HBAR_ROW + (HBAR_ROW - HBAR_BAR) / 2;

        if (rows[i].value && w < 1)
            w = 1;
        json_object_object_add(b, "label",
                               json_object_new_string(label_cut(ar, rows[i].label, HBAR_CHARS)));
        json_object_object_add(b, "full", json_object_new_string(rows[i].label));
        json_object_object_add(b, "text", json_object_new_string(rows[i].text));
        json_object_object_add(b, "detail",
                               rows[i].detail ? json_object_new_string(rows[i].detail) : NULL);
        json_object_object_add(b, "y", json_object_new_int(y));
        json_object_object_add(b, "w", json_object_new_int64(w));
        json_object_object_add(b, "ty", json_object_new_int(y + HBAR_BAR - 3));
        json_object_object_add(b, "tx", json_object_new_int64(HBAR_LABEL + w + 6));
        json_object_array_add(bars, b);
    }
    json_object_object_add(c, "title", json_object_new_string(title));
    json_object_object_add(c, "desc", json_object_new_string(desc));
    json_object_object_add(c, "bars", bars);
    json_object_object_add(c, "width", json_object_new_int(HBAR_WIDTH));
    json_object_object_add(c, "height", json_object_new_int(n * HBAR_ROW));
    json_object_object_add(c, "plot_x", json_object_new_int(HBAR_LABEL));
    json_object_object_add(c, "label_x", json_object_new_int(HBAR_LABEL - 6));
    json_object_object_add(c, "bar_height", json_object_new_int(HBAR_BAR));
    return c;
}

/* Rows (name, count) of a result with a total, as counts_tile() but with names spaced. */
static struct json_object *named_counts(struct arena *ar, const struct db_res *res)
{
    struct json_object *t = counts_tile(res, 0), *rows = json_object_object_get(t, "rows");

    for (size_t i = 0; i < json_object_array_length(rows); i++) {
        struct json_object *o = json_object_array_get_idx(rows, i);
        char *name = arena_strdup(ar, json_object_get_string(json_object_object_get(o, "name")));
        for (char *p = name; *p; p++)
            if (*p == '_')
                *p = ' ';
        json_object_object_add(o, "label", json_object_new_string(name));
    }
    return t;
}

/* The org's parents and children through relationships active now, as the API lists them. */
static int add_relationships(struct req *r, struct json_object *d)
{
    static const char *const sides[] = {"parents", "children"};
    struct json_object *t, *out;
    int rc;

    if (!page_flag_on(r, FLAG_ORG) || !may_read(r, RES_RELATIONSHIPS))
        return 0;
    t = json_object_new_object();
    json_object_object_add(d, "relationships", t);
    r->nparams = 1;
    r->param_names[0] = "id";
    r->param_vals[0] = arena_printf(r->ar, "%lld", (long long)r->ctx.org_id);
    for (int k = 0; k < 2; k++) {
        struct json_object *rows, *data;
        size_t n;

        rc = page_api(r, rel_http_list,
                      arena_printf(r->ar, "side=%s&active=true&limit=%d", sides[k], TILE_ROWS),
                      NULL, &out);
        if (rc) {
            r->nparams = 0;
            return rc;
        }
        rows = json_object_new_array();
        data = json_object_object_get(out, "data");
        n = json_object_array_length(data);
        for (size_t i = 0; i < n; i++) {
            struct json_object *rel = json_object_array_get_idx(data, i),
                               *o = json_object_new_object();
            char *type = arena_strdup(
                r->ar, json_object_get_string(json_object_object_get(rel, "relation_type")));
            for (char *p = type; *p; p++)
                if (*p == '_')
                    *p = ' ';
            json_object_object_add(
                o, "org", json_object_get(json_object_object_get(rel, k ? "child" : "parent")));
            json_object_object_add(o, "relation", json_object_new_string(type));
            json_object_object_add(o, "preferred",
                                   json_object_get(json_object_object_get(rel, "preferred")));
            json_object_object_add(o, "since",
                                   json_object_get(json_object_object_get(rel, "active_from")));
            json_object_array_add(rows, o);
        }
        json_object_object_add(t, sides[k], rows);
        if (json_object_get_string(json_object_object_get(out, "next_cursor")))
            json_object_object_add(t, k ? "children_more" : "parents_more",
                                   json_object_new_boolean(1));
    }
    r->nparams = 0;
    json_object_object_add(t, "org_id", json_object_new_int64(r->ctx.org_id));
    json_object_object_add(t, "linked", json_object_new_boolean(may_read(r, RES_ORGS)));
    return 0;
}

/* A manufacturer's catalog: products by lifecycle and SKUs by status. */
static int add_catalog_size(struct req *r, struct json_object *d)
{
    struct json_object *t;
    struct db_res res;
    int rc;

    if (!page_flag_on(r, FLAG_CATALOG_PUBLISHING) || !may_read(r, RES_CATALOG))
        return 0;
    t = json_object_new_object();
    json_object_object_add(d, "catalog", t);
    rc = db_exec(r->db, r->ar, &Q_DASH_PRODUCT_LIFECYCLES, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id);
    if (rc)
        return rc;
    json_object_object_add(t, "products", named_counts(r->ar, &res));
    rc = db_exec(r->db, r->ar, &Q_DASH_SKU_STATUSES, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id);
    if (rc)
        return rc;
    json_object_object_add(t, "skus", named_counts(r->ar, &res));
    return 0;
}

/* What the org publishes: per channel, and per recipient with live items. */
static int add_publications(struct req *r, struct json_object *d)
{
    struct json_object *t, *rows;
    struct db_res res;
    int rc;

    if (!page_flag_on(r, FLAG_CATALOG_PUBLISHING) || !may_read(r, RES_PUBLICATIONS))
        return 0;
    /* in d at once: on an error the tile goes with the page, never leaked */
    t = json_object_new_object();
    json_object_object_add(d, "publications", t);
    rc = db_exec(r->db, r->ar, &Q_DASH_PUB_CHANNELS, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id);
    if (rc)
        return rc;
    rows = json_object_new_array();
    for (int i = 0; i < res.nrows; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_int64(db_at(&res, i, 0)->i));
        json_object_object_add(o, "name", json_object_new_string(db_at(&res, i, 1)->s));
        json_object_object_add(o, "publications", json_object_new_int64(db_at(&res, i, 2)->i));
        json_object_object_add(o, "items", json_object_new_int64(db_at(&res, i, 3)->i));
        json_object_array_add(rows, o);
    }
    json_object_object_add(t, "channels", rows);
    rc = db_exec(r->db, r->ar, &Q_DASH_PUB_RECIPIENTS, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id, TILE_ROWS + 1);
    if (rc)
        return rc;
    rows = json_object_new_array();
    for (int i = 0; i < res.nrows && i < TILE_ROWS; i++) {
        struct json_object *o = json_object_new_object();
        const struct db_val *to = db_at(&res, i, 0);
        json_object_object_add(o, "name",
                               to->null ? NULL : json_object_new_string(db_at(&res, i, 1)->s));
        json_object_object_add(o, "publications", json_object_new_int64(db_at(&res, i, 2)->i));
        json_object_object_add(o, "items", json_object_new_int64(db_at(&res, i, 3)->i));
        json_object_array_add(rows, o);
    }
    json_object_object_add(t, "recipients", rows);
    json_object_object_add(t, "recipients_more", json_object_new_boolean(res.nrows > TILE_ROWS));
    return 0;
}

/* The org's active children per relation type: who it works with downstream. */
static int add_partners(struct req *r, struct json_object *d)
{
    struct db_res res;
    int rc;

    if (!page_flag_on(r, FLAG_ORG) || !may_read(r, RES_RELATIONSHIPS))
        return 0;
    rc = db_exec(r->db, r->ar, &Q_DASH_CHILD_TYPES, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id);
    if (rc)
        return rc;
    json_object_object_add(d, "partners", named_counts(r->ar, &res));
    return 0;
}

/* One SKU of an org's listing and its manufacturer. */
struct listed {
    int64_t sku, maker;
};

static int listed_cmp(const void *a, const void *b)
{
    const struct listed *x = a, *y = b;

    return (x->sku > y->sku) - (x->sku < y->sku);
}

/*
 * An org's effective listing across the channels where something reaches it, read through
 * the listing itself (docs/catalog.md: candidates, upstream validation, dedupe), at most
 * TILE_ITEMS_MAX items. Per channel: its id, name and items; and the distinct SKUs with
 * their manufacturers, by SKU id.
 */
struct reach {
    struct db_res channels;
    long long *items;     /* per row of channels */
    long long *published; /* per row of channels: the org's own distinct live items */
    struct listed *skus;
    size_t nskus;
    int partial; /* TILE_ITEMS_MAX was reached: the numbers are floors */
};

static int reach_load(struct req *r, struct reach *re)
{
    struct listing_item *items;
    size_t total = 0, cap = 256;
    int rc;

    memset(re, 0, sizeof(*re));
    rc = db_exec(r->db, r->ar, &Q_DASH_ORG_CHANNELS, r->ctx.tenant_id, &re->channels,
                 (long long)r->ctx.org_id, (long long)r->ctx.org_id);
    if (rc)
        return rc;
    re->items = arena_zalloc(r->ar, sizeof(*re->items) * (size_t)(re->channels.nrows + 1));
    re->published = arena_zalloc(r->ar, sizeof(*re->published) * (size_t)(re->channels.nrows + 1));
    re->skus = arena_alloc(r->ar, sizeof(*re->skus) * cap);
    for (int c = 0; c < re->channels.nrows && !re->partial; c++) {
        struct pub_key after = {0, 0}, next;
        int more = 1;

        while (more && !re->partial) {
            size_t n;
            rc = listing_page(r->db, r->ar, r->ctx.tenant_id, db_at(&re->channels, c, 0)->i,
                              r->ctx.org_id, after, LIST_MAX_LIMIT, &items, &n, &next, &more);
            if (rc)
                return rc;
            for (size_t i = 0; i < n; i++) {
                if (re->nskus == cap) {
                    struct listed *v = arena_alloc(r->ar, sizeof(*v) * cap * 2);
                    memcpy(v, re->skus, sizeof(*v) * cap);
                    re->skus = v;
                    cap *= 2;
                }
                re->skus[re->nskus].sku = items[i].key.sku_id;
                re->skus[re->nskus++].maker = items[i].manufacturer_id;
            }
            re->items[c] += (long long)n;
            total += n;
            after = next;
            if (total >= TILE_ITEMS_MAX && more)
                re->partial = 1;
        }
    }
    /* one SKU in several channels, or as several offerings, counts once */
    qsort(re->skus, re->nskus, sizeof(*re->skus), listed_cmp);
    {
        size_t k = 0;
        for (size_t i = 0; i < re->nskus; i++)
            if (!k || re->skus[k - 1].sku != re->skus[i].sku)
                re->skus[k++] = re->skus[i];
        re->nskus = k;
    }
    return 0;
}

/* Per manufacturer: SKUs in the listing, and of them those also in published[] (sorted). */
struct brand {
    int64_t maker;
    long long listed, passed;
};

static struct brand *brands_of(struct req *r, const struct reach *re, const int64_t *published,
                               size_t npub, size_t *nout)
{
    struct brand *b = arena_zalloc(r->ar, sizeof(*b) * (re->nskus + 1));
    size_t n = 0, j = 0;

    for (size_t i = 0; i < re->nskus; i++) {
        size_t k;
        for (k = 0; k < n && b[k].maker != re->skus[i].maker; k++)
            ;
        if (k == n)
            b[n++].maker = re->skus[i].maker;
        b[k].listed++;
        while (j < npub && published[j] < re->skus[i].sku)
            j++;
        if (j < npub && published[j] == re->skus[i].sku)
            b[k].passed++;
    }
    *nout = n;
    return b;
}

/* Names of the manufacturers of brands, one query; "organization <id>" for a missing one. */
static int brand_names(struct req *r, const struct brand *b, size_t n, const char **names)
{
    struct db_res res;
    struct sb ids;
    int rc;

    sb_init(&ids, r->ar);
    sb_addc(&ids, '[');
    for (size_t i = 0; i < n; i++)
        sb_printf(&ids, "%s%lld", i ? "," : "", (long long)b[i].maker);
    sb_addc(&ids, ']');
    rc = db_exec(r->db, r->ar, &Q_PAGES_ORG_NAMES, r->ctx.tenant_id, &res, ids.buf);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        names[i] = arena_printf(r->ar, "organization %lld", (long long)b[i].maker);
        for (int k = 0; k < res.nrows; k++)
            if (db_at(&res, k, 0)->i == b[i].maker)
                names[i] = db_at(&res, k, 1)->s;
    }
    return 0;
}

static int brand_cmp(const void *a, const void *b)
{
    const struct brand *x = a, *y = b;

    if (x->listed != y->listed)
        return x->listed < y->listed ? 1 : -1;
    return (x->maker > y->maker) - (x->maker < y->maker);
}

/*
 * A distributor's flow: per channel, the items that reached it (its listing) and those it
 * publishes on; per brand, the share of the SKUs it receives that it passes on.
 */
static int add_distribution(struct req *r, struct json_object *d)
{
    struct json_object *flow, *rows, *cov;
    struct db_res res;
    struct reach re;
    struct brand *b;
    const char **names;
    struct hbar *bars;
    int64_t *published;
    size_t nb, npub;
    int rc;

    if (!page_flag_on(r, FLAG_CATALOG_PUBLISHING) || !may_read(r, RES_LISTINGS) ||
        !may_read(r, RES_PUBLICATIONS))
        return 0;
    rc = reach_load(r, &re);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_DASH_REPUBLISHED, r->ctx.tenant_id, &res,
                     (long long)r->ctx.org_id);
    if (rc)
        return rc;
    flow = json_object_new_object();
    rows = json_object_new_array();
    for (int c = 0; c < re.channels.nrows; c++) {
        struct json_object *o = json_object_new_object();
        for (int k = 0; k < res.nrows; k++)
            if (db_at(&res, k, 0)->i == db_at(&re.channels, c, 0)->i)
                re.published[c] = db_at(&res, k, 1)->i;
        json_object_object_add(o, "id", json_object_new_int64(db_at(&re.channels, c, 0)->i));
        json_object_object_add(o, "name", json_object_new_string(db_at(&re.channels, c, 1)->s));
        json_object_object_add(o, "received", json_object_new_int64(re.items[c]));
        json_object_object_add(o, "republished", json_object_new_int64(re.published[c]));
        json_object_array_add(rows, o);
    }
    json_object_object_add(flow, "rows", rows);
    json_object_object_add(flow, "partial", json_object_new_boolean(re.partial));
    json_object_object_add(d, "flow", flow);

    rc = db_exec(r->db, r->ar, &Q_DASH_PUBLISHED_SKUS, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id, TILE_ITEMS_MAX);
    if (rc)
        return rc;
    npub = (size_t)res.nrows;
    published = arena_alloc(r->ar, sizeof(*published) * (npub + 1));
    for (size_t i = 0; i < npub; i++)
        published[i] = db_at(&res, (int)i, 0)->i;
    b = brands_of(r, &re, published, npub, &nb);
    qsort(b, nb, sizeof(*b), brand_cmp);
    if (nb > TILE_ROWS)
        nb = TILE_ROWS;
    names = arena_alloc(r->ar, sizeof(*names) * (nb + 1));
    bars = arena_alloc(r->ar, sizeof(*bars) * (nb + 1));
    rc = brand_names(r, b, nb, names);
    if (rc)
        return rc;
    cov = json_object_new_object();
    rows = json_object_new_array();
    for (size_t i = 0; i < nb; i++) {
        struct json_object *o = json_object_new_object();
        long long pct = b[i].listed ? b[i].passed * 100 / b[i].listed : 0;
        json_object_object_add(o, "name", json_object_new_string(names[i]));
        json_object_object_add(o, "received", json_object_new_int64(b[i].listed));
        json_object_object_add(o, "republished", json_object_new_int64(b[i].passed));
        json_object_object_add(o, "percent", json_object_new_int64(pct));
        json_object_array_add(rows, o);
        bars[i].label = names[i];
        bars[i].value = pct;
        bars[i].text = arena_printf(r->ar, "%lld%%", pct);
        bars[i].detail = arena_printf(r->ar, "%lld of %lld", b[i].passed, b[i].listed);
    }
    json_object_object_add(cov, "rows", rows);
    json_object_object_add(cov, "partial",
                           json_object_new_boolean(re.partial || npub >= TILE_ITEMS_MAX));
    if (nb)
        json_object_object_add(
            cov, "chart",
            hbar_json(r->ar, "Share of the SKUs received that are republished, by brand",
                      "Each bar is the share of a manufacturer's SKUs in this organization's "
                      "listing that it publishes on.",
                      bars, (int)nb, 100));
    json_object_object_add(d, "coverage", cov);
    return 0;
}

/* A dealer's listing by brand: per manufacturer, the SKUs it may sell in any channel. */
static int add_listing_brands(struct req *r, struct json_object *d)
{
    struct json_object *t, *rows;
    struct reach re;
    struct brand *b;
    const char **names;
    struct hbar *bars;
    long long max = 0, all = 0;
    size_t nb;
    int rc;

    if (!page_flag_on(r, FLAG_CATALOG_PUBLISHING) || !may_read(r, RES_LISTINGS))
        return 0;
    rc = reach_load(r, &re);
    if (rc)
        return rc;
    b = brands_of(r, &re, NULL, 0, &nb);
    qsort(b, nb, sizeof(*b), brand_cmp);
    for (size_t i = 0; i < nb; i++)
        all += b[i].listed;
    if (nb > TILE_ROWS)
        nb = TILE_ROWS;
    names = arena_alloc(r->ar, sizeof(*names) * (nb + 1));
    bars = arena_alloc(r->ar, sizeof(*bars) * (nb + 1));
    rc = brand_names(r, b, nb, names);
    if (rc)
        return rc;
    t = json_object_new_object();
    rows = json_object_new_array();
    for (size_t i = 0; i < nb; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(names[i]));
        json_object_object_add(o, "skus", json_object_new_int64(b[i].listed));
        json_object_array_add(rows, o);
        bars[i].label = names[i];
        bars[i].value = b[i].listed;
        bars[i].text = arena_printf(r->ar, "%lld", b[i].listed);
        bars[i].detail = NULL;
        if (b[i].listed > max)
            max = b[i].listed;
    }
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "total", json_object_new_int64(all));
    json_object_object_add(t, "partial", json_object_new_boolean(re.partial));
    if (nb)
        json_object_object_add(t, "chart",
                               hbar_json(r->ar, "SKUs this organization may sell, by brand",
                                         "Each bar is the number of a manufacturer's SKUs in this "
                                         "organization's listing, across channels.",
                                         bars, (int)nb, max));
    json_object_object_add(d, "brands", t);
    return 0;
}

/*
 * A dealer's price lists: per channel where something reaches it, a link to its price list
 * (the page route of GET /v1/prices/list.csv, in the tenant's currency).
 */
static int add_price_lists(struct req *r, struct json_object *d)
{
    struct json_object *t, *rows;
    struct db_res res;
    int rc;

    if (!page_flag_on(r, FLAG_PRICE_RESOLUTION) || !may_read(r, RES_PRICES))
        return 0;
    rc = db_exec(r->db, r->ar, &Q_DASH_ORG_CHANNELS, r->ctx.tenant_id, &res,
                 (long long)r->ctx.org_id, (long long)r->ctx.org_id);
    if (rc)
        return rc;
    t = json_object_new_object();
    rows = json_object_new_array();
    for (int i = 0; i < res.nrows; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(db_at(&res, i, 1)->s));
        json_object_object_add(
            o, "href",
            json_object_new_string(arena_printf(r->ar, "/prices/list.csv?channel_id=%lld",
                                                (long long)db_at(&res, i, 0)->i)));
        json_object_array_add(rows, o);
    }
    json_object_object_add(t, "rows", rows);
    json_object_object_add(d, "price_lists", t);
    return 0;
}

/* The tiles of the org's type, after those every organization gets. */
static int add_type_tiles(struct req *r, struct json_object *d)
{
    const char *type = r->ctx.org_type ? r->ctx.org_type : "";
    int rc = 0;

    if (strcmp(type, "manufacturer") == 0) {
        rc = add_catalog_size(r, d);
        if (!rc)
            rc = add_publications(r, d);
        if (!rc)
            rc = add_partners(r, d);
    } else if (strcmp(type, "distributor") == 0) {
        rc = add_distribution(r, d);
    } else if (strcmp(type, "dealer") == 0) {
        rc = add_listing_brands(r, d);
        if (!rc)
            rc = add_price_lists(r, d);
    }
    return rc ? rc : dash_service_org_tiles(r, d);
}

/* The tenant's relationships per type: how much of the network is live. */
static int add_rel_types(struct req *r, struct json_object *d)
{
    struct json_object *t, *rows;
    struct db_res res;
    long long active = 0, all = 0;
    int rc;

    if (!page_flag_on(r, FLAG_ORG) || !may_read(r, RES_RELATIONSHIPS))
        return 0;
    rc = db_exec(r->db, r->ar, &Q_DASH_REL_TYPES, r->ctx.tenant_id, &res);
    if (rc)
        return rc;
    t = json_object_new_object();
    rows = json_object_new_array();
    for (int i = 0; i < res.nrows; i++) {
        struct json_object *o = json_object_new_object();
        char *label = arena_strdup(r->ar, db_at(&res, i, 0)->s);
        for (char *p = label; *p; p++)
            if (*p == '_')
                *p = ' ';
        json_object_object_add(o, "name", json_object_new_string(label));
        json_object_object_add(o, "active", json_object_new_int64(db_at(&res, i, 1)->i));
        json_object_object_add(o, "all", json_object_new_int64(db_at(&res, i, 2)->i));
        json_object_array_add(rows, o);
        active += db_at(&res, i, 1)->i;
        all += db_at(&res, i, 2)->i;
    }
    json_object_object_add(t, "rows", rows);
    json_object_object_add(t, "active", json_object_new_int64(active));
    json_object_object_add(t, "all", json_object_new_int64(all));
    json_object_object_add(d, "rel_types", t);
    return 0;
}

static int org_dashboard(struct req *r, struct json_object *d, struct json_object *kpis)
{
    int rc = add_profile(r, d);

    if (rc)
        return page_api_problem(r);
    rc = add_relationships(r, d);
    if (rc)
        return page_api_problem(r);
    rc = add_members(r, d, kpis);
    if (!rc)
        rc = add_org_changes(r, kpis);
    if (!rc)
        rc = add_type_tiles(r, d);
    if (rc)
        return problem_db(r, rc, "dashboard");
    return 0;
}

/* Without an organization: the user's organizations, each a form that picks it. */
static int add_my_orgs(struct req *r, struct json_object *d)
{
    struct json_object *rows, *mine;
    struct db_res m = {0};
    int rc;

    if (!r->ctx.tenant_id || !r->ctx.user_id)
        return 0;
    rc = db_exec(r->db, r->ar, &Q_MEMBERSHIPS_OF_USER, r->ctx.tenant_id, &m,
                 (long long)r->ctx.user_id);
    if (rc || !m.nrows)
        return rc;
    rows = json_object_new_array();
    for (int i = 0; i < m.nrows; i++) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_int64(db_at(&m, i, 0)->i));
        json_object_object_add(o, "type", json_object_new_string(db_at(&m, i, 1)->s));
        json_object_object_add(o, "role", json_object_new_string(db_at(&m, i, 2)->s));
        json_object_object_add(o, "name", json_object_new_string(db_at(&m, i, 3)->s));
        json_object_array_add(rows, o);
    }
    mine = json_object_new_object();
    json_object_object_add(mine, "no_role", json_object_new_boolean(!r->ctx.role || !*r->ctx.role));
    json_object_object_add(mine, "rows", rows);
    json_object_object_add(d, "my_orgs", mine);
    return 0;
}

static int global_dashboard(struct req *r, struct json_object *d, struct json_object *kpis)
{
    int rc = add_my_orgs(r, d);

    if (!rc)
        rc = add_tenants(r, d);

    if (!rc)
        rc = add_tenant_counts(r, d);
    if (!rc)
        rc = add_rel_types(r, d);
    if (!rc)
        rc = add_tenant_activity(r, d, kpis);
    if (!rc)
        rc = dash_service_global_tiles(r, d);
    if (!rc)
        rc = add_health(r, d);
    return rc ? problem_db(r, rc, "dashboard") : 0;
}

int pages_http_dashboard(struct req *r)
{
    const char *type = r->ctx.org_type ? r->ctx.org_type : "global";
    struct json_object *d, *kpis;
    int rc;

    d = page_data(r, r->ctx.org_id ? r->ctx.org_name : r->ctx.tenant_name);
    json_object_object_add(d, "dashboard", json_object_new_string(type));
    kpis = json_object_new_array();
    json_object_object_add(d, "kpis", kpis);
    rc = r->ctx.org_id ? org_dashboard(r, d, kpis) : global_dashboard(r, d, kpis);
    if (rc)
        return rc;
    json_object_object_add(d, "has_kpis",
                           json_object_new_boolean(json_object_array_length(kpis) > 0));
    if (add_activity(r, d))
        return page_api_problem(r);
    return page_render(r, 200, arena_printf(r->ar, "dashboards/%s", type), d);
}
