/* KPI handlers: the caller's scope and window, the rollups' rows summed, the KPIs as JSON. */
#include "service/stats_http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "service/stats.h"
#include "service/ticket.h"

/* Who and when: the organization (0: the whole tenant) and the window. */
struct scope {
    int64_t org;
    int maker; /* the org is a manufacturer */
    int has_from, has_to;
    int64_t from, to;
};

static int read_scope(struct req *r, struct scope *s)
{
    const char *from, *to;
    struct db_res res;
    int rc;

    memset(s, 0, sizeof(*s));
    rc = params_query_id(r, "org_id", &s->org);
    if (!rc)
        rc = params_query_str(r, "from", 64, &from);
    if (!rc)
        rc = params_query_str(r, "to", 64, &to);
    if (rc)
        return rc;
    if (from && stats_time_parse(from, &s->from) != 0)
        field_errors_add(r->ar, &r->field_errors, "from",
                         "must be a date YYYY-MM-DD or an RFC 3339 time from 1970 to 9999");
    else
        s->has_from = from != NULL;
    if (to && stats_time_parse(to, &s->to) != 0)
        field_errors_add(r->ar, &r->field_errors, "to",
                         "must be a date YYYY-MM-DD or an RFC 3339 time from 1970 to 9999");
    else
        s->has_to = to != NULL;
    if (s->has_from && s->has_to && s->to < s->from)
        field_errors_add(r->ar, &r->field_errors, "to", "must not be before from");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    if (r->ctx.org_id) {
        if (s->org && s->org != r->ctx.org_id)
            return problem(r, PROB_FORBIDDEN, "an organization's user sees its own figures only");
        s->org = r->ctx.org_id;
        s->maker = r->ctx.org_type && strcmp(r->ctx.org_type, "manufacturer") == 0;
        return 0;
    }
    if (s->org) {
        rc = db_exec(r->db, r->ar, &Q_STATS_ORG, r->ctx.tenant_id, &res, (long long)s->org);
        if (rc)
            return problem_db(r, rc, "stats");
        if (res.nrows != 1)
            return problem(r, PROB_NOT_FOUND, "no organization %lld", (long long)s->org);
        s->maker = strcmp(db_at(&res, 0, 1)->s, "manufacturer") == 0;
    }
    return 0;
}

static void add_window(struct req *r, struct json_object *out, const struct scope *s)
{
    json_object_object_add(out, "org_id", s->org ? json_object_new_int64(s->org) : NULL);
    json_object_object_add(
        out, "from", s->has_from ? json_object_new_string(rfc3339_text(r->ar, s->from)) : NULL);
    json_object_object_add(out, "to",
                           s->has_to ? json_object_new_string(rfc3339_text(r->ar, s->to)) : NULL);
}

static void add_rows(struct stats_tickets *st, const struct db_res *res)
{
    int64_t sums[STATS_NSUMS];

    for (int i = 0; i < res->nrows; i++) {
        for (int k = 0; k < STATS_NSUMS; k++)
            sums[k] = db_at(res, i, 2 + k)->i;
        (void)stats_tickets_add(st, db_at(res, i, 0)->s, db_at(res, i, 1)->s, sums);
    }
}

static struct json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static struct json_object *rate(struct arena *ar, const char *num_name, int64_t num,
                                const char *den_name, int64_t den)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, num_name, json_object_new_int64(num));
    json_object_object_add(o, den_name, json_object_new_int64(den));
    json_object_object_add(o, "percent", str_or_null(stats_percent(ar, num, den)));
    return o;
}

static struct json_object *tickets_json(struct arena *ar, const struct stats_tickets *st)
{
    struct json_object *out = json_object_new_object(), *by_status = json_object_new_object(),
                       *by_sev = json_object_new_object(), *backlog_sev = json_object_new_object(),
                       *sla = json_object_new_object();
    int64_t tot[STATS_NSUMS] = {0}, backlog = 0;

    for (int sta = 0; sta < 6; sta++) {
        int64_t n = 0;

        for (int sev = 0; sev < 4; sev++)
            n += st->cell[sev][sta][STATS_TICKETS];
        json_object_object_add(by_status, ticket_statuses[sta], json_object_new_int64(n));
    }
    for (int sev = 0; sev < 4; sev++) {
        int64_t n = 0, open = 0;

        for (int sta = 0; sta < 6; sta++) {
            n += st->cell[sev][sta][STATS_TICKETS];
            /* the first four statuses of the workflow are the backlog */
            if (sta < 4)
                open += st->cell[sev][sta][STATS_TICKETS];
            for (int k = 0; k < STATS_NSUMS; k++)
                tot[k] += st->cell[sev][sta][k];
        }
        backlog += open;
        json_object_object_add(by_sev, ticket_severities[sev], json_object_new_int64(n));
        json_object_object_add(backlog_sev, ticket_severities[sev], json_object_new_int64(open));
    }
    json_object_object_add(out, "tickets", json_object_new_int64(tot[STATS_TICKETS]));
    json_object_object_add(out, "by_status", by_status);
    json_object_object_add(out, "by_severity", by_sev);
    json_object_object_add(out, "backlog", json_object_new_int64(backlog));
    json_object_object_add(out, "backlog_by_severity", backlog_sev);
    json_object_object_add(out, "resolved", json_object_new_int64(tot[STATS_RESOLVED]));
    json_object_object_add(
        out, "mttr_seconds",
        str_or_null(stats_mean_seconds(ar, tot[STATS_RESOLVE_MS], tot[STATS_RESOLVED])));
    json_object_object_add(
        out, "first_time_fix",
        rate(ar, "fixed", tot[STATS_FIRST_FIX], "resolved", tot[STATS_RESOLVED]));
    json_object_object_add(
        sla, "response",
        rate(ar, "met", tot[STATS_RESPONSE_MET], "measured", tot[STATS_RESPONSE_N]));
    json_object_object_add(
        sla, "resolve", rate(ar, "met", tot[STATS_RESOLVE_MET], "measured", tot[STATS_RESOLVE_N]));
    json_object_object_add(out, "sla", sla);
    json_object_object_add(out, "escalated", json_object_new_int64(tot[STATS_ESCALATED]));
    return out;
}

/* Adds a rollup's rows for days [lo, hi) (INT64_MIN/MAX: unbounded); 0 or the problem's status. */
static int rollup(struct req *r, const struct db_query *all, const struct db_query *one,
                  int64_t org, int64_t lo, int64_t hi, struct stats_tickets *st)
{
    const char *lo_s = lo == INT64_MIN ? "1000-01-01" : stats_day_str(r->ar, lo);
    const char *hi_s = hi == INT64_MAX ? "9999-12-31" : stats_day_str(r->ar, hi);
    struct db_res res;
    int rc;

    if (org)
        rc = db_exec(r->db, r->ar, one, r->ctx.tenant_id, &res, (long long)org, lo_s, hi_s);
    else
        rc = db_exec(r->db, r->ar, all, r->ctx.tenant_id, &res, lo_s, hi_s);
    if (rc)
        return problem_db(r, rc, "ticket stats");
    add_rows(st, &res);
    return 0;
}

int stats_http_tickets(struct req *r)
{
    struct stats_tickets st;
    struct stats_split sp;
    struct json_object *out, *kpis;
    struct db_res res;
    struct scope s;
    long long org;
    int rc;

    rc = read_scope(r, &s);
    if (rc)
        return rc;
    rc = stats_fold(r->db, r->ar, r->ctx.tenant_id, STATS_FOLD_WAIT_S);
    if (rc)
        return problem_db(r, rc, "ticket stats");
    org = (long long)s.org;
    memset(&st, 0, sizeof(st));
    stats_split(s.has_from, s.from, s.has_to, s.to, &sp);
    if (sp.months) {
        rc = rollup(r, &Q_STATS_TKT_MONTHS_ALL, &Q_STATS_TKT_MONTHS_ORG, s.org, sp.month_lo,
                    sp.month_hi, &st);
        if (rc)
            return rc;
    }
    for (int i = 0; i < sp.ndays; i++) {
        rc =
            rollup(r, &Q_STATS_TKT_ALL, &Q_STATS_TKT_ORG, s.org, sp.days[i][0], sp.days[i][1], &st);
        if (rc)
            return rc;
    }
    for (int i = 0; i < sp.nraw; i++) {
        const char *lo = rfc3339_sql_text(r->ar, sp.raw[i][0]),
                   *hi = rfc3339_sql_text(r->ar, sp.raw[i][1]);

        if (org)
            rc = db_exec(r->db, r->ar, &Q_STATS_TKT_RAW, r->ctx.tenant_id, &res, lo, hi, org, org,
                         org);
        else
            rc = db_exec(r->db, r->ar, &Q_STATS_TKT_RAW_ALL, r->ctx.tenant_id, &res, lo, hi);
        if (rc)
            return problem_db(r, rc, "ticket stats");
        add_rows(&st, &res);
    }
    out = json_object_new_object();
    add_window(r, out, &s);
    kpis = tickets_json(r->ar, &st);
    json_object_object_foreach(kpis, k, v) json_object_object_add(out, k, json_object_get(v));
    json_object_put(kpis);
    return resp_json(r, 200, json_arena_own(r->ar, out));
}

/* One region's figures, summed over its status rows. */
struct region {
    const char *name; /* "" : none */
    int64_t equipment, active, open;
};

static int region_cmp(const void *a, const void *b)
{
    const struct region *x = a, *y = b;

    /* pieces without a region last */
    if (!*x->name != !*y->name)
        return *x->name ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The org's rows of a rollup, or the tenant's: the parameters Q_STATS_*_ORG take. */
static int eq_exec(struct req *r, const struct db_query *all, const struct db_query *one,
                   int64_t org, struct db_res *res)
{
    long long o = (long long)org, t = (long long)r->ctx.tenant_id;

    if (!org)
        return db_exec(r->db, r->ar, all, r->ctx.tenant_id, res);
    return db_exec(r->db, r->ar, one, r->ctx.tenant_id, res, o, t, o, t, o, o);
}

static struct json_object *models_json(const struct db_res *res)
{
    struct json_object *a = json_object_new_array();

    for (int i = 0; i < res->nrows; i++) {
        struct json_object *o = json_object_new_object();
        const struct db_val *sku = db_at(res, i, 0), *code = db_at(res, i, 1),
                            *eq = db_at(res, i, 2);

        json_object_object_add(o, "sku_id", sku->i ? json_object_new_int64(sku->i) : NULL);
        json_object_object_add(o, "sku_code", code->null ? NULL : json_object_new_string(code->s));
        json_object_object_add(o, "equipment", eq->null ? NULL : json_object_new_int64(eq->i));
        json_object_object_add(o, "tickets", json_object_new_int64(db_at(res, i, 3)->i));
        json_object_object_add(o, "open_tickets", json_object_new_int64(db_at(res, i, 4)->i));
        json_object_array_add(a, o);
    }
    return a;
}

int stats_http_equipment(struct req *r)
{
    struct json_object *out, *by_status, *by_region, *warranty;
    struct db_res res;
    struct region *regs;
    struct scope s;
    int64_t active = 0, retired = 0, open = 0, in = 0, expired = 0, none = 0, cur = 0, ended;
    int64_t today = clock_real_ms() / STATS_DAY_MS;
    const char *today_s, *month_s;
    long long org;
    int rc, nregs = 0;

    rc = read_scope(r, &s);
    if (rc)
        return rc;
    rc = stats_fold(r->db, r->ar, r->ctx.tenant_id, STATS_FOLD_WAIT_S);
    if (rc)
        return problem_db(r, rc, "equipment stats");
    org = (long long)s.org;
    today_s = stats_day_str(r->ar, today);
    month_s = arena_printf(r->ar, "%.8s01", today_s);

    rc = eq_exec(r, &Q_STATS_EQ_REGION_ALL, &Q_STATS_EQ_REGION_ORG, s.org, &res);
    if (rc)
        return problem_db(r, rc, "equipment stats");
    regs = arena_alloc(r->ar, sizeof(*regs) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        const char *name = db_at(&res, i, 0)->s;
        int is_active = strcmp(db_at(&res, i, 1)->s, "active") == 0, k;
        int64_t n = db_at(&res, i, 2)->i, o = db_at(&res, i, 3)->i;

        for (k = 0; k < nregs && strcmp(regs[k].name, name) != 0; k++)
            ;
        if (k == nregs) {
            memset(&regs[nregs], 0, sizeof(regs[nregs]));
            regs[nregs++].name = name;
        }
        regs[k].equipment += n;
        regs[k].open += o;
        if (is_active) {
            regs[k].active += n;
            active += n;
        } else {
            retired += n;
        }
        open += o;
    }
    qsort(regs, (size_t)nregs, sizeof(*regs), region_cmp);
    by_region = json_object_new_array();
    for (int k = 0; k < nregs; k++) {
        struct json_object *o;

        if (!regs[k].equipment && !regs[k].open)
            continue;
        o = json_object_new_object();
        json_object_object_add(o, "region",
                               *regs[k].name ? json_object_new_string(regs[k].name) : NULL);
        json_object_object_add(o, "equipment", json_object_new_int64(regs[k].equipment));
        json_object_object_add(o, "active", json_object_new_int64(regs[k].active));
        json_object_object_add(o, "open_tickets", json_object_new_int64(regs[k].open));
        json_object_array_add(by_region, o);
    }

    rc = eq_exec(r, &Q_STATS_EQ_WARRANTY_ALL, &Q_STATS_EQ_WARRANTY_ORG, s.org, &res);
    if (!rc)
        for (int i = 0; i < res.nrows; i++) {
            const char *m = db_at(&res, i, 0)->s;
            int64_t n = db_at(&res, i, 1)->i;
            int c = strcmp(m, month_s);

            if (strcmp(m, "1000-01-01") == 0)
                none += n;
            else if (c < 0)
                expired += n;
            else if (c > 0)
                in += n;
            else
                cur += n;
        }
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_STATS_EQ_WARRANTY_RAW, r->ctx.tenant_id, &res, month_s,
                     today_s, org, org, s.maker ? org : 0LL, s.maker ? org : 0LL);
    if (rc) {
        json_object_put(by_region);
        return problem_db(r, rc, "equipment stats");
    }
    /* this month: ended before today, or still running */
    ended = res.nrows ? db_at(&res, 0, 0)->i : 0;
    expired += ended;
    in += cur - ended;

    if (s.has_from || s.has_to)
        rc = db_exec(r->db, r->ar, &Q_STATS_EQ_SKU_RAW, r->ctx.tenant_id, &res,
                     rfc3339_sql_text(r->ar, s.has_from ? s.from : 0),
                     rfc3339_sql_text(r->ar, s.has_to ? s.to : 253402300799999LL), org, org, org,
                     STATS_TOP_MODELS);
    else if (s.org)
        rc = db_exec(r->db, r->ar, &Q_STATS_EQ_SKU_ORG, r->ctx.tenant_id, &res, org,
                     (long long)r->ctx.tenant_id, org, (long long)r->ctx.tenant_id, org, org,
                     STATS_TOP_MODELS, (long long)r->ctx.tenant_id);
    else
        rc = db_exec(r->db, r->ar, &Q_STATS_EQ_SKU_ALL, r->ctx.tenant_id, &res, STATS_TOP_MODELS);
    if (rc) {
        json_object_put(by_region);
        return problem_db(r, rc, "equipment stats");
    }

    out = json_object_new_object();
    add_window(r, out, &s);
    json_object_object_add(out, "as_of", json_object_new_string(today_s));
    json_object_object_add(out, "equipment", json_object_new_int64(active + retired));
    by_status = json_object_new_object();
    json_object_object_add(by_status, "active", json_object_new_int64(active));
    json_object_object_add(by_status, "retired", json_object_new_int64(retired));
    json_object_object_add(out, "by_status", by_status);
    json_object_object_add(out, "by_region", by_region);
    warranty = json_object_new_object();
    json_object_object_add(warranty, "in_warranty", json_object_new_int64(in));
    json_object_object_add(warranty, "expired", json_object_new_int64(expired));
    json_object_object_add(warranty, "none", json_object_new_int64(none));
    json_object_object_add(out, "warranty", warranty);
    json_object_object_add(out, "open_tickets", json_object_new_int64(open));
    json_object_object_add(out, "open_tickets_per_equipment",
                           str_or_null(stats_ratio(r->ar, open, active)));
    json_object_object_add(out, "failures_by_model", models_json(&res));
    return resp_json(r, 200, json_arena_own(r->ar, out));
}
