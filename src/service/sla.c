/* SLA calendars: parsing the API's form, business time and due times, one local day at a time. */
#include "service/sla.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/json.h"
#include "service/tz.h"

#define DAY    INT64_C(86400)
#define MIN_MS (-62135596800000LL) /* 0001-01-01T00:00:00Z */
#define MAX_MS 253402300799999LL   /* 9999-12-31T23:59:59.999Z */

static const char *const weekdays[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static const struct sla_calendar always = {.always = 1};

const struct sla_calendar *sla_calendar_always(void)
{
    return &always;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- parsing -------------------------------------------------------------------------- */

static int digit2(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "HH:MM", 00:00..24:00, as seconds after midnight; -1 when it is not one. */
static int32_t parse_hhmm(const char *s)
{
    int h, m;

    if (strlen(s) != 5 || s[2] != ':' || (h = digit2(s)) < 0 || (m = digit2(s + 3)) < 0 || m > 59 ||
        h > 24 || (h == 24 && m != 0))
        return -1;
    return h * 3600 + m * 60;
}

/* "YYYY-MM-DD" naming a real day as days since 1970-01-01; 0 and *days, or -1. */
static int parse_date(const char *s, int64_t *days)
{
    int y, m, d, mdays;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digit2(s) < 0 || digit2(s + 2) < 0 ||
        (m = digit2(s + 5)) < 1 || m > 12 || (d = digit2(s + 8)) < 1)
        return -1;
    y = digit2(s) * 100 + digit2(s + 2);
    mdays = m == 2 ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28)
                   : (m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31);
    if (y < 1 || d > mdays)
        return -1;
    *days = tz_days_from_civil(y, m, d);
    return 0;
}

static const char *hhmm_text(struct arena *ar, int32_t s)
{
    return arena_printf(ar, "%02d:%02d", s / 3600, s / 60 % 60);
}

static void parse_day(struct arena *ar, struct sla_calendar *cal, int wd, struct json_object *v,
                      const char *path, struct field_errors *fe)
{
    size_t n;
    int32_t prev_end = 0;

    if (!json_object_is_type(v, json_type_array)) {
        field_errors_add(ar, fe, path,
                         "must be an array of \"HH:MM\" times: each interval's start and end");
        return;
    }
    n = json_object_array_length(v);
    if (n % 2 != 0) {
        field_errors_add(ar, fe, path, "must list a start and an end for each interval");
        return;
    }
    if (n / 2 > SLA_DAY_INTERVALS) {
        field_errors_add(ar, fe, path, "may have at most %d intervals", SLA_DAY_INTERVALS);
        return;
    }
    for (size_t i = 0; i < n; i += 2) {
        int32_t t[2];
        int bad = 0;

        for (size_t k = 0; k < 2; k++) {
            struct json_object *e = json_object_array_get_idx(v, i + k);

            t[k] = json_object_is_type(e, json_type_string) ? parse_hhmm(json_object_get_string(e))
                                                            : -1;
            if (t[k] < 0) {
                field_errors_add(ar, fe, arena_printf(ar, "%s[%zu]", path, i + k),
                                 "must be a time \"HH:MM\" from \"00:00\" to \"24:00\"");
                bad = 1;
            }
        }
        if (bad)
            continue;
        if (t[1] <= t[0]) {
            field_errors_add(ar, fe, arena_printf(ar, "%s[%zu]", path, i + 1),
                             "the interval must end after it starts ('%s' to '%s')",
                             hhmm_text(ar, t[0]), hhmm_text(ar, t[1]));
            continue;
        }
        if (t[0] < prev_end) {
            field_errors_add(ar, fe, arena_printf(ar, "%s[%zu]", path, i),
                             "intervals must be in order and must not overlap ('%s' is before "
                             "'%s', the end of the one before)",
                             hhmm_text(ar, t[0]), hhmm_text(ar, prev_end));
            continue;
        }
        cal->hours[wd][cal->nhours[wd]++] = (struct sla_interval){t[0], t[1]};
        prev_end = t[1];
    }
}

static void parse_hours(struct arena *ar, struct sla_calendar *cal, struct json_object *v,
                        const char *path, struct field_errors *fe)
{
    size_t total = 0, before = fe->n;

    if (!json_object_is_type(v, json_type_object)) {
        field_errors_add(ar, fe, path, "must be an object of weekdays: mon, tue ... sun");
        return;
    }
    json_object_object_foreach(v, key, day)
    {
        int wd = -1;

        for (int k = 0; k < 7; k++)
            if (strcmp(key, weekdays[k]) == 0)
                wd = k;
        if (wd < 0) {
            field_errors_add(ar, fe, arena_printf(ar, "%s.%s", path, key),
                             "is not a weekday (mon, tue, wed, thu, fri, sat, sun)");
            continue;
        }
        parse_day(ar, cal, wd, day, arena_printf(ar, "%s.%s", path, key), fe);
    }
    for (int k = 0; k < 7; k++)
        total += cal->nhours[k];
    if (total == 0 && fe->n == before)
        field_errors_add(ar, fe, path, "must have at least one business interval in the week");
}

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

static void parse_holidays(struct arena *ar, struct sla_calendar *cal, struct json_object *v,
                           const char *path, struct field_errors *fe)
{
    size_t n;

    if (!json_object_is_type(v, json_type_array)) {
        field_errors_add(ar, fe, path, "must be an array of dates \"YYYY-MM-DD\"");
        return;
    }
    n = json_object_array_length(v);
    if (n > SLA_HOLIDAYS_MAX) {
        field_errors_add(ar, fe, path, "may list at most %d dates", SLA_HOLIDAYS_MAX);
        return;
    }
    cal->holidays = arena_alloc(ar, (n + 1) * sizeof(*cal->holidays));
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        int64_t d;

        if (!json_object_is_type(e, json_type_string) ||
            parse_date(json_object_get_string(e), &d) != 0) {
            field_errors_add(ar, fe, arena_printf(ar, "%s[%zu]", path, i),
                             "must be a date \"YYYY-MM-DD\"");
            continue;
        }
        for (size_t k = 0; k < i; k++) {
            struct json_object *o = json_object_array_get_idx(v, k);

            if (json_object_is_type(o, json_type_string) &&
                strcmp(json_object_get_string(o), json_object_get_string(e)) == 0) {
                field_errors_add(ar, fe, arena_printf(ar, "%s[%zu]", path, i), "repeats '%s'",
                                 json_object_get_string(e));
                d = INT64_MIN;
                break;
            }
        }
        if (d != INT64_MIN)
            cal->holidays[cal->nholidays++] = d;
    }
    qsort(cal->holidays, cal->nholidays, sizeof(*cal->holidays), cmp_day);
}

int sla_calendar_parse(struct arena *ar, struct json_object *v, const char *field,
                       const struct sla_calendar **out, struct field_errors *fe)
{
    struct sla_calendar *cal;
    struct json_object *tzv = NULL, *hours = NULL, *holidays = NULL;
    size_t before = fe->n;

    *out = NULL;
    if (json_object_is_type(v, json_type_string) &&
        strcmp(json_object_get_string(v), "24x7") == 0) {
        *out = &always;
        return 0;
    }
    if (!json_object_is_type(v, json_type_object)) {
        field_errors_add(ar, fe, field,
                         "must be \"24x7\" or an object with timezone, hours and holidays");
        return -1;
    }
    cal = arena_zalloc(ar, sizeof(*cal));
    json_object_object_foreach(v, key, val)
    {
        if (strcmp(key, "timezone") == 0)
            tzv = val;
        else if (strcmp(key, "hours") == 0)
            hours = val;
        else if (strcmp(key, "holidays") == 0)
            holidays = val;
        else
            field_errors_add(ar, fe, arena_printf(ar, "%s.%s", field, key),
                             "is not a field of a calendar (timezone, hours, holidays)");
    }
    if (!tzv) {
        field_errors_add(ar, fe, arena_printf(ar, "%s.timezone", field), "is required");
    } else if (!json_object_is_type(tzv, json_type_string)) {
        field_errors_add(ar, fe, arena_printf(ar, "%s.timezone", field),
                         "must be an IANA time zone like 'Europe/Skopje'");
    } else {
        const char *name = json_object_get_string(tzv);
        int rc = tz_get(name, &cal->zone);

        if (rc == TZ_OK)
            cal->timezone = arena_strdup(ar, name);
        else
            field_errors_add(ar, fe, arena_printf(ar, "%s.timezone", field), "%s",
                             rc == TZ_ENAME ? "must be an IANA time zone like 'Europe/Skopje'"
                                            : "is not a time zone this server knows");
    }
    if (!hours)
        field_errors_add(ar, fe, arena_printf(ar, "%s.hours", field), "is required");
    else
        parse_hours(ar, cal, hours, arena_printf(ar, "%s.hours", field), fe);
    if (holidays)
        parse_holidays(ar, cal, holidays, arena_printf(ar, "%s.holidays", field), fe);
    if (fe->n != before)
        return -1;
    *out = cal;
    return 0;
}

struct json_object *sla_calendar_json(const struct sla_calendar *cal)
{
    struct json_object *o, *hours, *holidays;
    char buf[32];

    if (cal->always)
        return json_object_new_string("24x7");
    o = json_object_new_object();
    hours = json_object_new_object();
    holidays = json_object_new_array();
    json_object_object_add(o, "timezone", json_object_new_string(cal->timezone));
    for (int k = 0; k < 7; k++) {
        struct json_object *day = json_object_new_array();

        for (size_t i = 0; i < cal->nhours[k]; i++) {
            const struct sla_interval *iv = &cal->hours[k][i];

            snprintf(buf, sizeof(buf), "%02d:%02d", iv->start / 3600, iv->start / 60 % 60);
            json_object_array_add(day, json_object_new_string(buf));
            snprintf(buf, sizeof(buf), "%02d:%02d", iv->end / 3600, iv->end / 60 % 60);
            json_object_array_add(day, json_object_new_string(buf));
        }
        json_object_object_add(hours, weekdays[k], day);
    }
    json_object_object_add(o, "hours", hours);
    for (size_t i = 0; i < cal->nholidays; i++) {
        int64_t y;
        int m, d;

        tz_civil_from_days(cal->holidays[i], &y, &m, &d);
        snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", (long long)y, m, d);
        json_object_array_add(holidays, json_object_new_string(buf));
    }
    json_object_object_add(o, "holidays", holidays);
    return o;
}

/* ---- status history ------------------------------------------------------------------- */

int sla_pauses(struct arena *ar, const struct sla_change *h, size_t n, struct sla_span **out,
               size_t *nout)
{
    struct sla_span *p = arena_alloc(ar, (n + 1) * sizeof(*p));
    size_t k = 0;
    int paused = 0;

    *out = p;
    *nout = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && h[i].at < h[i - 1].at)
            return SLA_EINPUT;
        if (h[i].paused && !paused)
            p[k].from = h[i].at;
        else if (!h[i].paused && paused)
            p[k++].to = h[i].at;
        paused = h[i].paused != 0;
    }
    if (paused)
        p[k++].to = SLA_OPEN;
    *nout = k;
    return SLA_OK;
}

/* ---- the walk ------------------------------------------------------------------------- */

/*
 * A forward walk over a zoned calendar's business intervals as UTC milliseconds, one local
 * date at a time, up to limit. Intervals come out ascending and disjoint; the instants asked
 * for never go back.
 */
struct walk {
    const struct sla_calendar *cal;
    int64_t limit;    /* ms: nothing at or after it is returned */
    int64_t last_day; /* the last local date worth loading */
    int64_t day;      /* the local date loaded, or INT64_MIN */
    int64_t day_end;  /* s: the latest raw end of that date's intervals (INT64_MIN: none) */
    int64_t iv[SLA_DAY_INTERVALS][2];
    size_t n, i;
};

static int is_holiday(const struct sla_calendar *cal, int64_t day)
{
    size_t lo = 0, hi = cal->nholidays;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cal->holidays[mid] == day)
            return 1;
        if (cal->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* The latest instant (s) at which one of day's intervals ends, before any clamping. */
static int64_t raw_day_end(const struct sla_calendar *cal, int64_t day)
{
    int wd = tz_weekday(day);
    int64_t end = INT64_MIN;

    if (is_holiday(cal, day))
        return end;
    for (size_t k = 0; k < cal->nhours[wd]; k++) {
        int64_t e = tz_to_utc(cal->zone, day * DAY + cal->hours[wd][k].end);

        if (e > end)
            end = e;
    }
    return end;
}

static void walk_load(struct walk *w, int64_t day)
{
    const struct sla_calendar *cal = w->cal;
    int wd = tz_weekday(day);
    /* nothing before the previous date's last end: DST rules can push its hours into this one */
    int64_t lo = w->day == day - 1 ? w->day_end : raw_day_end(cal, day - 1);
    int64_t end = INT64_MIN;

    w->day = day;
    w->n = w->i = 0;
    if (!is_holiday(cal, day)) {
        for (size_t k = 0; k < cal->nhours[wd]; k++) {
            int64_t s = tz_to_utc(cal->zone, day * DAY + cal->hours[wd][k].start);
            int64_t e = tz_to_utc(cal->zone, day * DAY + cal->hours[wd][k].end);

            if (e > end)
                end = e;
            if (s < lo)
                s = lo;
            if (e > lo)
                lo = e;
            if (s < e) {
                w->iv[w->n][0] = s * 1000;
                w->iv[w->n][1] = e * 1000;
                w->n++;
            }
        }
    }
    w->day_end = end;
}

static int64_t local_day(const struct sla_calendar *cal, int64_t ms)
{
    return floor_div(tz_to_local(cal->zone, floor_div(ms, 1000)), DAY);
}

static void walk_init(struct walk *w, const struct sla_calendar *cal, int64_t limit)
{
    memset(w, 0, sizeof(*w));
    w->cal = cal;
    w->limit = limit;
    w->day = INT64_MIN;
    if (!cal->always)
        w->last_day = local_day(cal, limit) + 1;
}

/* The first business interval [*a, *b) with *b > t (*a may be before t), cut at the limit. */
static int walk_next(struct walk *w, int64_t t, int64_t *a, int64_t *b)
{
    if (t >= w->limit)
        return 0;
    if (w->cal->always) {
        *a = t;
        *b = w->limit;
        return 1;
    }
    {
        /* the date before t's: its hours may reach past midnight into t's date */
        int64_t from = local_day(w->cal, t) - 1;

        if (w->day == INT64_MIN || from > w->day)
            walk_load(w, from); /* a jump over a long pause costs one load */
    }
    for (;;) {
        for (; w->i < w->n; w->i++) {
            if (w->iv[w->i][1] > t) {
                if (w->iv[w->i][0] >= w->limit)
                    return 0;
                *a = w->iv[w->i][0];
                *b = w->iv[w->i][1] < w->limit ? w->iv[w->i][1] : w->limit;
                return 1;
            }
        }
        if (w->day >= w->last_day)
            return 0;
        walk_load(w, w->day + 1);
    }
}

static int instant_ok(int64_t t)
{
    return t >= MIN_MS && t <= MAX_MS;
}

static int pauses_ok(const struct sla_span *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!instant_ok(p[i].from) || (p[i].to != SLA_OPEN && !instant_ok(p[i].to)) ||
            p[i].to < p[i].from || (i > 0 && p[i].from < p[i - 1].from))
            return 0;
    return 1;
}

/*
 * From t, the next stretch of counted time [*a, *b): business time outside the pauses. 1,
 * or 0 when there is none before the walk's limit, or -1 when an open pause stops the clock.
 */
static int next_stretch(struct walk *w, const struct sla_span *p, size_t n, size_t *pi, int64_t t,
                        int64_t *a, int64_t *b)
{
    for (;;) {
        if (!walk_next(w, t, a, b))
            return 0;
        if (*a < t)
            *a = t;
        while (*pi < n && p[*pi].to <= *a)
            (*pi)++;
        if (*pi < n && p[*pi].from <= *a) {
            if (p[*pi].to == SLA_OPEN)
                return -1;
            t = p[*pi].to; /* the whole pause at once */
            continue;
        }
        if (*pi < n && p[*pi].from < *b)
            *b = p[*pi].from;
        return 1;
    }
}

int sla_elapsed(const struct sla_calendar *cal, int64_t from, int64_t to,
                const struct sla_span *pauses, size_t npauses, int64_t *ms)
{
    struct walk w;
    int64_t t = from, a, b, sum = 0;
    size_t pi = 0;

    *ms = 0;
    if (!instant_ok(from) || !instant_ok(to) || to < from || !pauses_ok(pauses, npauses))
        return SLA_EINPUT;
    if (to - from > SLA_HORIZON_MS)
        return SLA_EHORIZON;
    walk_init(&w, cal, to);
    while (next_stretch(&w, pauses, npauses, &pi, t, &a, &b) > 0) {
        sum += b - a;
        t = b;
    }
    *ms = sum;
    return SLA_OK;
}

int sla_due(const struct sla_calendar *cal, int64_t start, const struct sla_span *pauses,
            size_t npauses, int64_t target_ms, int64_t *due)
{
    struct walk w;
    int64_t t = start, left = target_ms, a, b;
    size_t pi = 0;

    *due = 0;
    if (!instant_ok(start) || target_ms < 0 || !pauses_ok(pauses, npauses))
        return SLA_EINPUT;
    if (target_ms == 0) {
        *due = start;
        return SLA_OK;
    }
    walk_init(&w, cal, start + SLA_HORIZON_MS);
    for (;;) {
        int rc = next_stretch(&w, pauses, npauses, &pi, t, &a, &b);

        if (rc < 0)
            return SLA_EPAUSED;
        if (rc == 0)
            return SLA_EHORIZON;
        if (left <= b - a) {
            *due = a + left;
            return instant_ok(*due) ? SLA_OK : SLA_EHORIZON; /* past 9999: no API time */
        }
        left -= b - a;
        t = b;
    }
}
