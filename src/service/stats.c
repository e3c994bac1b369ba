/* KPI arithmetic without SQL: windows split into whole days and edges, sums, decimal forms. */
#include "service/stats.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/rfc3339.h"
#include "service/ticket.h"
#include "service/tz.h"

/* 9999-12-31T23:59:59.999Z */
#define STATS_MAX_MS 253402300799999LL

int stats_time_parse(const char *s, int64_t *ms)
{
    char buf[32];
    int64_t v;

    if (!s)
        return -1;
    if (strlen(s) == 10 && s[4] == '-' && s[7] == '-') {
        snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
        s = buf;
    }
    if (rfc3339_parse(s, &v) != 0 || v < 0 || v > STATS_MAX_MS)
        return -1;
    *ms = v;
    return 0;
}

int64_t stats_month_start(int64_t day)
{
    int64_t y;
    int m, d;

    tz_civil_from_days(day, &y, &m, &d);
    return day - (d - 1);
}

/* The first day of the month after day's. */
static int64_t next_month(int64_t day)
{
    int64_t y;
    int m, d;

    tz_civil_from_days(day, &y, &m, &d);
    return m == 12 ? tz_days_from_civil(y + 1, 1, 1) : tz_days_from_civil(y, m + 1, 1);
}

void stats_split(int has_from, int64_t from, int has_to, int64_t to, struct stats_split *out)
{
    int64_t day_lo = INT64_MIN, day_hi = INT64_MAX, mlo, mhi;

    memset(out, 0, sizeof(*out));
    if (has_from && has_to && from >= to)
        return;
    /* after 9999-12-01 the month after is past the API's years; no ticket is that late
     * (TIMESTAMP ends in 2038), so the window holds nothing */
    if (has_from && from > tz_days_from_civil(9999, 12, 1) * STATS_DAY_MS)
        return;
    if (has_from)
        day_lo = (from + STATS_DAY_MS - 1) / STATS_DAY_MS;
    if (has_to)
        day_hi = to / STATS_DAY_MS;
    if (has_from && has_to && day_lo >= day_hi) {
        /* no whole day inside: the window is read from the tickets alone */
        out->nraw = 1;
        out->raw[0][0] = from;
        out->raw[0][1] = to;
        return;
    }
    if (has_from && from < day_lo * STATS_DAY_MS) {
        out->raw[out->nraw][0] = from;
        out->raw[out->nraw++][1] = day_lo * STATS_DAY_MS;
    }
    if (has_to && day_hi * STATS_DAY_MS < to) {
        out->raw[out->nraw][0] = day_hi * STATS_DAY_MS;
        out->raw[out->nraw++][1] = to;
    }
    /* whole months inside [day_lo, day_hi), the days around them from the day rollup */
    mlo = day_lo == INT64_MIN ? INT64_MIN
                              : (stats_month_start(day_lo) == day_lo ? day_lo : next_month(day_lo));
    mhi = day_hi == INT64_MAX ? INT64_MAX : stats_month_start(day_hi);
    if (mlo >= mhi) {
        out->days[0][0] = day_lo;
        out->days[0][1] = day_hi;
        out->ndays = 1;
        return;
    }
    out->months = 1;
    out->month_lo = mlo;
    out->month_hi = mhi;
    if (day_lo < mlo) {
        out->days[out->ndays][0] = day_lo;
        out->days[out->ndays++][1] = mlo;
    }
    if (mhi < day_hi) {
        out->days[out->ndays][0] = mhi;
        out->days[out->ndays++][1] = day_hi;
    }
}

const char *stats_day_str(struct arena *ar, int64_t day)
{
    int64_t y;
    int m, d;

    tz_civil_from_days(day, &y, &m, &d);
    return arena_printf(ar, "%04lld-%02d-%02d", (long long)y, m, d);
}

/* num / den scaled by 10^places, rounded half away from zero, as a decimal string. */
static const char *decimal(struct arena *ar, int64_t num, int64_t den, int64_t scale, int places)
{
    /* counts stay far below 2^62 / scale: a million tickets of ten years each in ms */
    int64_t n = num * scale * 2, q, unit = 1, v, whole, frac;
    int neg = (n < 0) != (den < 0);

    if (den == 0)
        return NULL;
    if (n < 0)
        n = -n;
    if (den < 0)
        den = -den;
    q = (n / den + 1) / 2;
    for (int i = 0; i < places; i++)
        unit *= 10;
    v = q;
    whole = v / unit;
    frac = v % unit;
    return arena_printf(ar, "%s%lld.%0*lld", neg && v ? "-" : "", (long long)whole, places,
                        (long long)frac);
}

const char *stats_percent(struct arena *ar, int64_t num, int64_t den)
{
    return decimal(ar, num, den, 10000, 2);
}

const char *stats_mean_seconds(struct arena *ar, int64_t sum_ms, int64_t n)
{
    /* ms are already thousandths of a second */
    return decimal(ar, sum_ms, n, 1, 3);
}

const char *stats_ratio(struct arena *ar, int64_t num, int64_t den)
{
    return decimal(ar, num, den, 100, 2);
}

static int index_of(const char *v, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(v, list[i]) == 0)
            return i;
    return -1;
}

int stats_tickets_add(struct stats_tickets *st, const char *severity, const char *status,
                      const int64_t *sums)
{
    int sev = severity ? index_of(severity, ticket_severities) : -1;
    int sta = status ? index_of(status, ticket_statuses) : -1;

    if (sev < 0 || sev > 3 || sta < 0 || sta > 5)
        return -1;
    for (int k = 0; k < STATS_NSUMS; k++)
        st->cell[sev][sta][k] += sums[k];
    return 0;
}
