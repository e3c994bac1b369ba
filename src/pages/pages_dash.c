/* /dashboard: one template per organization type, global without an organization. */
#include "pages/pages_http.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "audit/audit_http.h"
#include "core/flags.h"
#include "core/json.h"
#include "db/db.h"
#include "http/metrics.h"
#include "http/problem.h"
#include "http/rbac.h"
#include "http/request.h"
#include "org/org_http.h"
#include "pages/pages.h"
#include "pages/pages_db.h"

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

/* The badge class of a user's status: who can sign in, who cannot now, who cannot at all. */
static const char *status_badge(const char *status)
{
    if (strcmp(status, "active") == 0)
        return "ok";
    if (strcmp(status, "locked") == 0 || strcmp(status, "pending_invitation") == 0)
        return "warn";
    return "off";
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
                               json_object_new_string(status_badge(db_at(&res, i, 3)->s)));
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
                                   json_object_new_string(status_badge(db_at(res, i, 0)->s)));
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

static int org_dashboard(struct req *r, struct json_object *d, struct json_object *kpis)
{
    int rc = add_profile(r, d);

    if (rc)
        return page_api_problem(r);
    rc = add_members(r, d, kpis);
    if (!rc)
        rc = add_org_changes(r, kpis);
    if (rc)
        return problem_db(r, rc, "dashboard");
    return 0;
}

static int global_dashboard(struct req *r, struct json_object *d, struct json_object *kpis)
{
    int rc = add_tenants(r, d);

    if (!rc)
        rc = add_tenant_counts(r, d);
    if (!rc)
        rc = add_tenant_activity(r, d, kpis);
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
