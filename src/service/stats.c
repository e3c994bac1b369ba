/* KPI arithmetic without SQL: windows split into whole days and edges, sums, decimal forms. */
#include "service/stats.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/rfc3339.h"
#include "service/ticket.h"

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

void stats_split(int has_from, int64_t from, int has_to, int64_t to, struct stats_split *out)
{
    memset(out, 0, sizeof(*out));
    out->day_lo = INT64_MIN;
    out->day_hi = INT64_MAX;
    if (has_from && has_to && from >= to)
        return;
    if (has_from)
        out->day_lo = (from + STATS_DAY_MS - 1) / STATS_DAY_MS;
    if (has_to)
        out->day_hi = to / STATS_DAY_MS;
    if (has_from && has_to && out->day_lo >= out->day_hi) {
        /* no whole day inside: the window is read from the tickets alone */
        out->nraw = 1;
        out->raw[0][0] = from;
        out->raw[0][1] = to;
        return;
    }
    out->rollup = 1;
    if (has_from && from < out->day_lo * STATS_DAY_MS) {
        out->raw[out->nraw][0] = from;
        out->raw[out->nraw++][1] = out->day_lo * STATS_DAY_MS;
    }
    if (has_to && out->day_hi * STATS_DAY_MS < to) {
        out->raw[out->nraw][0] = out->day_hi * STATS_DAY_MS;
        out->raw[out->nraw++][1] = to;
    }
}

const char *stats_day_str(struct arena *ar, int64_t day)
{
    /* civil_from_days (H. Hinnant), for days since 1970-01-01 */
    int64_t z = day + 719468, era = z / 146097, doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);

    return arena_printf(ar, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
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
