/*
 * SLA calendars and time zones: the worked cases of tests/data/sla_cases.json (and
 * docs/service.md's table of them), known transitions of real zones, POSIX TZ footers,
 * bad input, and properties over random calendars checked against a naive day-by-day sum.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "core/sb.h"
#include "service/sla.h"
#include "service/tz.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
/* For loops: Check writes down where each passing ck_assert was, which is slow by the 10,000 */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ck_abort_msg(__VA_ARGS__);                                                             \
    } while (0)
#define DAY    INT64_C(86400)
#define MINUTE 60000

static int64_t at_of(const char *s)
{
    int64_t ms;

    CHECK(rfc3339_parse(s, &ms) == 0, "bad test time '%s'", s);
    return ms;
}

static int64_t div_floor(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ms as "YYYY-MM-DDTHH:MM:SS.mmmZ", for messages. */
static const char *utc_text(struct arena *ar, int64_t ms)
{
    int64_t s = div_floor(ms, 1000), days = div_floor(s, DAY), y;
    int m, d;

    tz_civil_from_days(days, &y, &m, &d);
    return arena_printf(ar, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)y, m, d,
                        (int)(s - days * DAY) / 3600, (int)(s - days * DAY) / 60 % 60,
                        (int)(s - days * DAY) % 60, (int)(ms - s * 1000));
}

static const char *jstr(struct json_object *o, const char *key)
{
    struct json_object *v = unit_field(o, key);

    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static struct json_object *load_cases(void)
{
    return unit_load_json("tests/data/sla_cases.json");
}

static const struct sla_calendar *parse_ok(struct arena *ar, struct json_object *v)
{
    struct field_errors fe = {0};
    const struct sla_calendar *cal;

    if (sla_calendar_parse(ar, v, "calendar", &cal, &fe) != 0)
        ck_abort_msg("calendar %s: %s %s", json_object_to_json_string(v), fe.v[0].field,
                     fe.v[0].message);
    return cal;
}

static const struct sla_calendar *parse_text(struct arena *ar, const char *text)
{
    struct json_object *v = json_arena_own(ar, json_tokener_parse(text));

    ck_assert_msg(v != NULL, "bad test JSON %s", text);
    return parse_ok(ar, v);
}

/* A case's pauses as spans (null: SLA_OPEN). */
static struct sla_span *case_pauses(struct arena *ar, struct json_object *c, size_t *n)
{
    struct json_object *p = unit_field(c, "pauses");
    struct sla_span *out;

    *n = json_object_array_length(p);
    out = arena_alloc(ar, (*n + 1) * sizeof(*out));
    for (size_t i = 0; i < *n; i++) {
        struct json_object *pair = json_object_array_get_idx(p, i);
        struct json_object *to = json_object_array_get_idx(pair, 1);

        out[i].from = at_of(json_object_get_string(json_object_array_get_idx(pair, 0)));
        out[i].to = to ? at_of(json_object_get_string(to)) : SLA_OPEN;
    }
    return out;
}

static const char *rc_name(int rc)
{
    return rc == SLA_OK         ? "ok"
           : rc == SLA_EPAUSED  ? "paused"
           : rc == SLA_EHORIZON ? "horizon"
                                : "input";
}

/* ---- the worked cases ------------------------------------------------------------------ */

START_TEST(test_worked_cases)
{
    struct json_object *doc = load_cases(), *cases = unit_field(doc, "cases");
    struct json_object *cals = unit_field(doc, "calendars");
    size_t n = json_object_array_length(cases), failed = 0;
    struct arena ar;
    struct sb report;

    arena_init(&ar, 0);
    sb_init(&report, NULL);
    ck_assert_uint_gt(n, 40);
    for (size_t i = 0; i < n; i++) {
        struct json_object *c = json_object_array_get_idx(cases, i);
        const char *name = jstr(c, "name"), *want = jstr(c, "due"), *err = jstr(c, "error");
        struct json_object *calv = unit_field(cals, jstr(c, "calendar"));
        const struct sla_calendar *cal;
        struct sla_span *p;
        size_t np;
        int64_t opened = at_of(jstr(c, "opened_at")), target, due, used;
        int rc;

        ck_assert_msg(calv != NULL, "%s: no calendar '%s'", name, jstr(c, "calendar"));
        ck_assert_msg(jstr(c, "why") != NULL, "%s: no why", name);
        cal = parse_ok(&ar, calv);
        p = case_pauses(&ar, c, &np);
        target = json_object_get_int64(unit_field(c, "target_minutes")) * MINUTE;
        rc = sla_due(cal, opened, p, np, target, &due);
        if (!want) {
            if (rc != SLA_OK && strcmp(rc_name(rc), err ? err : "") == 0)
                continue;
            sb_printf(&report, "\n  %s: %s %s, want %s", name, rc_name(rc),
                      rc == SLA_OK ? utc_text(&ar, due) : "", err ? err : "?");
            failed++;
            continue;
        }
        if (rc != SLA_OK || due != at_of(want)) {
            sb_printf(&report, "\n  %s: %s %s, want %s", name, rc_name(rc),
                      rc == SLA_OK ? utc_text(&ar, due) : "", utc_text(&ar, at_of(want)));
            failed++;
            continue;
        }
        /* the due time is exact and the earliest: target behind it, less just before */
        ck_assert_int_eq(sla_elapsed(cal, opened, due, p, np, &used), SLA_OK);
        ck_assert_msg(used == target, "%s: %lld ms elapsed at due", name, (long long)used);
        ck_assert_int_eq(sla_elapsed(cal, opened, due - 1, p, np, &used), SLA_OK);
        ck_assert_msg(used == target - 1, "%s: %lld ms elapsed 1 ms before due", name,
                      (long long)used);
    }
    printf("sla cases: %zu/%zu passed\n", n - failed, n);
    ck_assert_msg(failed == 0, "%zu of %zu sla cases failed:%s", failed, n, report.buf);
    sb_release(&report);
    arena_release(&ar);
    json_object_put(doc);
}
END_TEST

/* The row docs/service.md shows for case i (1-based). */
static const char *doc_row(struct arena *ar, size_t i, struct json_object *c)
{
    struct json_object *p = unit_field(c, "pauses");
    const char *name = jstr(c, "name"), *pauses = "-", *due = jstr(c, "due");

    ck_assert_msg(strchr(name, '|') == NULL, "case name with a '|': %s", name);
    for (size_t k = 0; k < json_object_array_length(p); k++) {
        struct json_object *pair = json_object_array_get_idx(p, k);
        struct json_object *to = json_object_array_get_idx(pair, 1);
        const char *one =
            arena_printf(ar, "%s to %s", json_object_get_string(json_object_array_get_idx(pair, 0)),
                         to ? json_object_get_string(to) : "(open)");

        pauses = k == 0 ? one : arena_printf(ar, "%s; %s", pauses, one);
    }
    return arena_printf(ar, "| %zu | %s | %s | %s | %s | %lld | %s |", i, name, jstr(c, "calendar"),
                        jstr(c, "opened_at"), pauses,
                        (long long)json_object_get_int64(unit_field(c, "target_minutes")),
                        due ? due : arena_printf(ar, "none (%s)", jstr(c, "error")));
}

/* docs/service.md's table of worked cases (between its markers) is the data file, row by row. */
START_TEST(test_doc_matches_cases)
{
    struct json_object *doc = load_cases();

    unit_doc_matches("docs/service.md", "sla cases", "tests/data/sla_cases.json",
                     unit_field(doc, "cases"), doc_row);
    json_object_put(doc);
}
END_TEST

/* ---- time zones ------------------------------------------------------------------------ */

static const struct tz *zone(const char *name)
{
    const struct tz *z;
    int rc = tz_get(name, &z);

    ck_assert_msg(rc == TZ_OK, "zone '%s': %d", name, rc);
    return z;
}

/* The transitions of 2025 (from the table) and 2040 (past fat files' 2037: from the footer). */
START_TEST(test_tz_known_transitions)
{
    static const struct {
        const char *zone, *after, *at;
        int32_t before_off, after_off;
    } known[] = {
        {"America/New_York", "2025-01-01T00:00:00Z", "2025-03-09T07:00:00Z", -18000, -14400},
        {"America/New_York", "2025-03-09T07:00:00Z", "2025-11-02T06:00:00Z", -14400, -18000},
        {"America/New_York", "2040-01-01T00:00:00Z", "2040-03-11T07:00:00Z", -18000, -14400},
        {"America/New_York", "2040-03-11T07:00:00Z", "2040-11-04T06:00:00Z", -14400, -18000},
        {"Europe/Skopje", "2025-01-01T00:00:00Z", "2025-03-30T01:00:00Z", 3600, 7200},
        {"Europe/Skopje", "2025-03-30T01:00:00Z", "2025-10-26T01:00:00Z", 7200, 3600},
        {"Europe/Skopje", "2040-01-01T00:00:00Z", "2040-03-25T01:00:00Z", 3600, 7200},
        {"Europe/Skopje", "2040-03-25T01:00:00Z", "2040-10-28T01:00:00Z", 7200, 3600},
        /* southern hemisphere: DST over the new year */
        {"Australia/Sydney", "2025-01-01T00:00:00Z", "2025-04-05T16:00:00Z", 39600, 36000},
        {"Australia/Sydney", "2025-04-05T16:00:00Z", "2025-10-04T16:00:00Z", 36000, 39600},
        {"Australia/Sydney", "2045-01-01T00:00:00Z", "2045-04-01T16:00:00Z", 39600, 36000},
        /* half an hour of DST */
        {"Australia/Lord_Howe", "2045-04-01T00:00:00Z", "2045-04-01T15:00:00Z", 39600, 37800},
        /* negative DST: winter is the "daylight" time */
        {"Europe/Dublin", "2045-01-01T00:00:00Z", "2045-03-26T01:00:00Z", 0, 3600},
        {"Europe/Dublin", "2045-03-26T01:00:00Z", "2045-10-29T01:00:00Z", 3600, 0},
    };
    struct arena ar;

    arena_init(&ar, 0);
    for (size_t i = 0; i < N(known); i++) {
        const struct tz *z = zone(known[i].zone);
        int64_t at, want = at_of(known[i].at) / 1000;

        ck_assert_int_eq(tz_next_transition(z, at_of(known[i].after) / 1000, &at), 1);
        ck_assert_msg(at == want, "%s after %s: %s, want %s", known[i].zone, known[i].after,
                      utc_text(&ar, at * 1000), known[i].at);
        ck_assert_int_eq(tz_offset(z, at - 1), known[i].before_off);
        ck_assert_int_eq(tz_offset(z, at), known[i].after_off);
        ck_assert_int_eq(tz_to_local(z, at), at + known[i].after_off);
    }
    /* before the first transition: local mean time, type 0 */
    ck_assert_int_eq(tz_offset(zone("Europe/Skopje"), at_of("1880-01-01T00:00:00Z") / 1000), 5144);
    ck_assert_int_eq(tz_offset(zone("America/New_York"), at_of("1850-01-01T00:00:00Z") / 1000),
                     -17762);
    /* no DST at all */
    ck_assert_int_eq(tz_offset(zone("Asia/Kathmandu"), at_of("2040-06-01T00:00:00Z") / 1000),
                     20700);
    ck_assert_int_eq(tz_offset(zone("UTC"), 0), 0);
    ck_assert_str_eq(tz_name(zone("Europe/Skopje")), "Europe/Skopje");
    arena_release(&ar);
}
END_TEST

/* Local seconds for y-m-d h:m in a zone's wall clock. */
static int64_t wall(int64_t y, int m, int d, int h, int mi)
{
    return tz_days_from_civil(y, m, d) * DAY + h * 3600LL + mi * 60LL;
}

START_TEST(test_tz_gaps_and_folds)
{
    const struct tz *ny = zone("America/New_York"), *sk = zone("Europe/Skopje");
    const struct tz *lh = zone("Australia/Lord_Howe");

    /* New York, 9 Mar 2025: 02:00-03:00 does not exist; a time in it moves forward by 1 h */
    ck_assert_int_eq(tz_to_utc(ny, wall(2025, 3, 9, 1, 59)), at_of("2025-03-09T06:59:00Z") / 1000);
    ck_assert_int_eq(tz_to_utc(ny, wall(2025, 3, 9, 2, 0)), at_of("2025-03-09T07:00:00Z") / 1000);
    ck_assert_int_eq(tz_to_utc(ny, wall(2025, 3, 9, 2, 30)), at_of("2025-03-09T07:30:00Z") / 1000);
    ck_assert_int_eq(tz_to_local(ny, tz_to_utc(ny, wall(2025, 3, 9, 2, 30))),
                     wall(2025, 3, 9, 3, 30));
    ck_assert_int_eq(tz_to_utc(ny, wall(2025, 3, 9, 3, 0)), at_of("2025-03-09T07:00:00Z") / 1000);
    /* New York, 2 Nov 2025: 01:00-02:00 happens twice; the earlier (EDT) instant */
    ck_assert_int_eq(tz_to_utc(ny, wall(2025, 11, 2, 0, 59)), at_of("2025-11-02T04:59:00Z") / 1000);
    ck_assert_int_eq(tz_to_utc(ny, wall(2025, 11, 2, 1, 0)), at_of("2025-11-02T05:00:00Z") / 1000);
    ck_assert_int_eq(tz_to_utc(ny, wall(2025, 11, 2, 1, 30)), at_of("2025-11-02T05:30:00Z") / 1000);
    ck_assert_int_eq(tz_to_utc(ny, wall(2025, 11, 2, 2, 0)), at_of("2025-11-02T07:00:00Z") / 1000);
    ck_assert_int_eq(tz_to_local(ny, at_of("2025-11-02T06:30:00Z") / 1000),
                     wall(2025, 11, 2, 1, 30));
    /* Skopje, 30 Mar 2025: 02:00-03:00 skipped; 26 Oct 2025: 02:00-03:00 twice */
    ck_assert_int_eq(tz_to_utc(sk, wall(2025, 3, 30, 2, 15)), at_of("2025-03-30T01:15:00Z") / 1000);
    ck_assert_int_eq(tz_to_utc(sk, wall(2025, 10, 26, 2, 15)),
                     at_of("2025-10-26T00:15:00Z") / 1000);
    ck_assert_int_eq(tz_to_utc(sk, wall(2025, 10, 26, 3, 0)), at_of("2025-10-26T02:00:00Z") / 1000);
    /* and from the footer, in 2040 */
    ck_assert_int_eq(tz_to_utc(sk, wall(2040, 3, 25, 2, 15)), at_of("2040-03-25T01:15:00Z") / 1000);
    ck_assert_int_eq(tz_to_utc(sk, wall(2040, 10, 28, 2, 15)),
                     at_of("2040-10-28T00:15:00Z") / 1000);
    /* Lord Howe's 30-minute change, 5 Oct 2025 at 02:00 +1030 */
    ck_assert_int_eq(tz_to_utc(lh, wall(2025, 10, 5, 2, 10)), at_of("2025-10-04T15:40:00Z") / 1000);
    ck_assert_int_eq(tz_to_local(lh, tz_to_utc(lh, wall(2025, 10, 5, 2, 10))),
                     wall(2025, 10, 5, 2, 40));
}
END_TEST

/* Round trips over many zones and instants: local back to UTC is the instant itself, or the
 * earlier of a fold's two. */
START_TEST(test_tz_round_trips)
{
    static const char *const zones[] = {
        "America/New_York", "Europe/Skopje",    "Australia/Sydney",  "Australia/Lord_Howe",
        "Europe/Dublin",    "America/Santiago", "Pacific/Apia",      "Asia/Tehran",
        "Pacific/Chatham",  "America/St_Johns", "Africa/Casablanca", "Asia/Kathmandu",
    };
    uint64_t s = 42;

    for (size_t i = 0; i < N(zones); i++) {
        const struct tz *z = zone(zones[i]);

        for (int k = 0; k < 4000; k++) {
            int64_t t, l, u;

            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            /* 1960 to 2060 */
            t = -315619200 + (int64_t)((s >> 11) % 3155760000ULL);
            l = tz_to_local(z, t);
            u = tz_to_utc(z, l);
            CHECK(tz_to_local(z, u) == l && u <= t && t - u <= 2 * 3600LL,
                  "%s: %lld -> %lld -> %lld", zones[i], (long long)t, (long long)l, (long long)u);
        }
    }
}
END_TEST

/* TZif bytes: one transition table and a footer (v1 block empty but for one type). */
static size_t tzif_make(unsigned char *buf, const int64_t *times, const unsigned char *idx,
                        size_t ntimes, const int32_t *offs, const unsigned char *dst, size_t ntypes,
                        const char *footer)
{
    size_t n = 0;

    /* version 2 header and v1 block: no transitions, one type, one character */
    memcpy(buf, "TZif2", 5);
    memset(buf + 5, 0, 39);
    buf[39] = 1; /* typecnt */
    buf[43] = 1; /* charcnt */
    n = 44;
    memset(buf + n, 0, 7);
    n += 7;
    memcpy(buf + n, "TZif2", 5);
    memset(buf + n + 5, 0, 39);
    buf[n + 35] = (unsigned char)ntimes;
    buf[n + 39] = (unsigned char)ntypes;
    buf[n + 43] = 4; /* "XYZ\0" */
    n += 44;
    for (size_t i = 0; i < ntimes; i++)
        for (int b = 0; b < 8; b++)
            buf[n++] = (unsigned char)((uint64_t)times[i] >> (56 - 8 * b));
    for (size_t i = 0; i < ntimes; i++)
        buf[n++] = idx[i];
    for (size_t i = 0; i < ntypes; i++) {
        for (int b = 0; b < 4; b++)
            buf[n++] = (unsigned char)((uint32_t)offs[i] >> (24 - 8 * b));
        buf[n++] = dst[i];
        buf[n++] = 0;
    }
    memcpy(buf + n, "XYZ", 4);
    n += 4;
    buf[n++] = '\n';
    memcpy(buf + n, footer, strlen(footer));
    n += strlen(footer);
    buf[n++] = '\n';
    return n;
}

static struct tz *footer_zone(const char *footer)
{
    unsigned char buf[512];
    static const int32_t offs[] = {0};
    static const unsigned char dst[] = {0};
    size_t n = tzif_make(buf, NULL, NULL, 0, offs, dst, 1, footer);
    struct tz *z;

    ck_assert_msg(tz_parse("Test/Footer", buf, n, &z) == TZ_OK, "footer '%s'", footer);
    return z;
}

/* The last line of a zone file: its POSIX TZ footer. */
static void read_footer(const char *name, char *out, size_t outlen)
{
    char path[1024];
    unsigned char buf[1 << 16];
    size_t n, k;
    FILE *f;
    const char *dir = getenv("TZDIR");

    snprintf(path, sizeof(path), "%s/%s", dir ? dir : TZ_DIR, name);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    ck_assert_uint_gt(n, 2);
    for (k = n - 2; k > 0 && buf[k] != '\n'; k--)
        ;
    ck_assert_uint_lt(n - k - 2, outlen);
    memcpy(out, buf + k + 1, n - k - 2);
    out[n - k - 2] = '\0';
}

/* A zone's own footer, alone, agrees with its table over the table's last five years. */
START_TEST(test_tz_footer_matches_table)
{
    static const char *const zones[] = {
        "America/New_York", "Europe/Skopje",    "Australia/Sydney", "Australia/Lord_Howe",
        "Europe/Dublin",    "America/Santiago", "Pacific/Auckland", "America/St_Johns",
    };
    size_t compared = 0;

    for (size_t i = 0; i < N(zones); i++) {
        const struct tz *z = zone(zones[i]);
        struct tz *f;
        char footer[256];
        int64_t t, end = at_of("2037-12-31T00:00:00Z") / 1000;

        read_footer(zones[i], footer, sizeof(footer));
        f = footer_zone(footer);
        /* a fat file's table runs to 2037 (a slim one's footer takes over earlier) */
        for (t = at_of("2033-01-01T00:00:00Z") / 1000; t < end; t += 3607) {
            CHECK(tz_offset(f, t) == tz_offset(z, t), "%s '%s' at %lld: %d, table %d", zones[i],
                  footer, (long long)t, tz_offset(f, t), tz_offset(z, t));
            compared++;
        }
        tz_free(f);
    }
    ck_assert_uint_gt(compared, 1000);
}
END_TEST

/* POSIX TZ footers by hand: rule forms, quoted names, times past 24 h, DST all year. */
START_TEST(test_tz_posix_footers)
{
    static const struct {
        const char *footer, *at;
        int32_t off;
    } cases[] = {
        {"EST5EDT,M3.2.0,M11.1.0", "2025-03-09T06:59:59Z", -18000},
        {"EST5EDT,M3.2.0,M11.1.0", "2025-03-09T07:00:00Z", -14400},
        {"EST5EDT,M3.2.0,M11.1.0", "2025-11-02T05:59:59Z", -14400},
        {"EST5EDT,M3.2.0,M11.1.0", "2025-11-02T06:00:00Z", -18000},
        {"EST5EDT", "2025-07-01T00:00:00Z", -14400}, /* no rule: the US one */
        {"AEST-10AEDT,M10.1.0,M4.1.0/3", "2025-01-15T00:00:00Z", 39600},
        {"AEST-10AEDT,M10.1.0,M4.1.0/3", "2025-04-05T15:59:59Z", 39600},
        {"AEST-10AEDT,M10.1.0,M4.1.0/3", "2025-04-05T16:00:00Z", 36000},
        {"AEST-10AEDT,M10.1.0,M4.1.0/3", "2025-10-04T16:00:00Z", 39600},
        {"<+0330>-3:30", "2025-06-01T00:00:00Z", 12600},
        /* a negative time: Saturday 22:00 before the last Sunday of March */
        {"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", "2025-03-30T00:59:59Z", -10800},
        {"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", "2025-03-30T01:00:00Z", -7200},
        /* J: 1..365 without Feb 29 (J60 is 1 March); n: 0..365 with it (59 is 29 Feb) */
        {"XXX0YYY,J60/0,J300/0", "2024-02-29T23:59:59Z", 0},
        {"XXX0YYY,J60/0,J300/0", "2024-03-01T00:00:00Z", 3600},
        {"XXX0YYY,59/0,300/0", "2024-02-28T23:59:59Z", 0},
        {"XXX0YYY,59/0,300/0", "2024-02-29T00:00:00Z", 3600},
        /* DST all year (RFC 8536 3.3.1): from Jan 1 00:00 to Dec 31 25:00 */
        {"EST5EDT,0/0,J365/25", "2025-01-01T00:30:00Z", -14400},
        {"EST5EDT,0/0,J365/25", "2025-07-01T00:00:00Z", -14400},
        {"EST5EDT,0/0,J365/25", "2025-12-31T23:59:59Z", -14400},
        /* the fifth week is the last: 25 Feb 2025 is the last Tuesday of February */
        {"AAA0BBB,M2.5.2/0,M11.1.0", "2025-02-24T23:59:59Z", 0},
        {"AAA0BBB,M2.5.2/0,M11.1.0", "2025-02-25T00:00:00Z", 3600},
        /* Dublin: IST is standard, GMT the (negative) daylight time */
        {"IST-1GMT0,M10.5.0,M3.5.0/1", "2025-01-15T00:00:00Z", 0},
        {"IST-1GMT0,M10.5.0,M3.5.0/1", "2025-07-15T00:00:00Z", 3600},
        /* seconds in an offset */
        {"LMT-0:19:32", "2025-07-15T00:00:00Z", 1172},
    };
    static const char *const bad[] = {
        "EST",
        "E5",
        "EST5EDT,M3.2.0",
        "EST5EDT,M13.2.0,M11.1.0",
        "EST5EDT,M3.6.0,M11.1.0",
        "EST5EDT,M3.2.7,M11.1.0",
        "EST5EDT,J0,J100",
        "EST5EDT,366,0",
        "<+0330-3:30",
        "EST25",
        "EST5EDT,M3.2.0/168,M11.1.0",
        "EST5EDT,M3.2.0,M11.1.0x",
    };
    unsigned char buf[512];
    static const int32_t offs[] = {0};
    static const unsigned char dst[] = {0};

    for (size_t i = 0; i < N(cases); i++) {
        struct tz *z = footer_zone(cases[i].footer);

        ck_assert_msg(tz_offset(z, at_of(cases[i].at) / 1000) == cases[i].off,
                      "'%s' at %s: %d, want %d", cases[i].footer, cases[i].at,
                      tz_offset(z, at_of(cases[i].at) / 1000), cases[i].off);
        tz_free(z);
    }
    for (size_t i = 0; i < N(bad); i++) {
        size_t n = tzif_make(buf, NULL, NULL, 0, offs, dst, 1, bad[i]);
        struct tz *z = NULL;

        ck_assert_msg(tz_parse("Test/Bad", buf, n, &z) == TZ_EFORMAT, "'%s' was accepted", bad[i]);
        ck_assert_ptr_null(z);
    }
}
END_TEST

/* A table and then its footer; every prefix of the file is refused, no read out of bounds. */
START_TEST(test_tz_tzif)
{
    static const int64_t times[] = {-1000000000, 1000000000};
    static const unsigned char idx[] = {1, 0};
    static const int32_t offs[] = {3600, 7200};
    static const unsigned char dst[] = {0, 1};
    unsigned char buf[512], *copy;
    size_t n = tzif_make(buf, times, idx, 2, offs, dst, 2, "<+01>-1");
    struct tz *z;
    int64_t at;

    ck_assert_int_eq(tz_parse("Test/Table", buf, n, &z), TZ_OK);
    ck_assert_int_eq(tz_offset(z, -2000000000), 3600); /* type 0 before the first */
    ck_assert_int_eq(tz_offset(z, -1000000000), 7200);
    ck_assert_int_eq(tz_offset(z, 999999999), 7200);
    ck_assert_int_eq(tz_offset(z, 1000000000), 3600); /* the footer from the last one on */
    ck_assert_int_eq(tz_next_transition(z, -1000000000, &at), 1);
    ck_assert_int_eq(at, 1000000000);
    ck_assert_int_eq(tz_next_transition(z, 1000000000, &at), 0);
    tz_free(z);
    /* an empty footer: the last type goes on */
    n = tzif_make(buf, times, idx, 2, offs, dst, 2, "");
    ck_assert_int_eq(tz_parse("Test/Table", buf, n, &z), TZ_OK);
    ck_assert_int_eq(tz_offset(z, 2000000000), 3600);
    tz_free(z);
    for (size_t k = 0; k < n; k++) {
        copy = malloc(k + 1);
        memcpy(copy, buf, k);
        ck_assert_msg(tz_parse("Test/Short", copy, k, &z) == TZ_EFORMAT, "prefix %zu accepted", k);
        free(copy);
    }
    /* version 1 only, a type index out of range, transitions out of order */
    buf[4] = '\0';
    ck_assert_int_eq(tz_parse("Test/V1", buf, n, &z), TZ_EFORMAT);
    buf[4] = '2';
    n = tzif_make(buf, times, (const unsigned char[]){1, 2}, 2, offs, dst, 2, "");
    ck_assert_int_eq(tz_parse("Test/Idx", buf, n, &z), TZ_EFORMAT);
    n = tzif_make(buf, (const int64_t[]){5, 5}, idx, 2, offs, dst, 2, "");
    ck_assert_int_eq(tz_parse("Test/Order", buf, n, &z), TZ_EFORMAT);
}
END_TEST

START_TEST(test_tz_names)
{
    static const char *const bad[] = {
        "",
        "../etc/passwd",
        "Europe/../../etc/passwd",
        "/etc/localtime",
        "localtime",
        "Europe//Skopje",
        "Europe/",
        ".hidden",
        "Europe/./Skopje",
        "Europe/Skopje\n",
        "Europe Skopje",
        "Europe/Skopje;",
        "\xc3\xa9t\xc3\xa9",
        /* the tenant's rule too: a letter first, no dots */
        "zone.tab",
        "Europe/Skopje.bak",
        "Etc/_UTC",
        "2024/Zone",
    };
    const struct tz *z, *again;
    char dir[] = "/tmp/trellis-tz-XXXXXX", path[256];
    unsigned char buf[512];
    static const int32_t offs[] = {0};
    static const unsigned char dst[] = {0};
    size_t n;
    FILE *f;

    for (size_t i = 0; i < N(bad); i++)
        ck_assert_msg(tz_get(bad[i], &z) == TZ_ENAME && z == NULL, "'%s' accepted", bad[i]);
    ck_assert_int_eq(tz_get("Nowhere/City", &z), TZ_ENOTFOUND);
    ck_assert_int_eq(tz_get("Europe", &z), TZ_ENOTFOUND);  /* a directory */
    ck_assert_int_eq(tz_get("right/UTC", &z), TZ_EFORMAT); /* leap seconds */
    /* loaded once: the same zone again */
    ck_assert_int_eq(tz_get("Europe/Skopje", &z), TZ_OK);
    ck_assert_int_eq(tz_get("Europe/Skopje", &again), TZ_OK);
    ck_assert_ptr_eq(z, again);
    /* $TZDIR */
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/Test", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/Test/Zone", dir);
    n = tzif_make(buf, NULL, NULL, 0, offs, dst, 1, "<+0545>-5:45");
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, n, f), n);
    fclose(f);
    setenv("TZDIR", dir, 1);
    ck_assert_int_eq(tz_get("Test/Zone", &z), TZ_OK);
    ck_assert_int_eq(tz_offset(z, 0), 20700);
    unsetenv("TZDIR");
    unlink(path);
    snprintf(path, sizeof(path), "%s/Test", dir);
    rmdir(path);
    rmdir(dir);
    tz_cache_clear();
    ck_assert_int_eq(tz_get("Test/Zone", &z), TZ_ENOTFOUND);
}
END_TEST

START_TEST(test_tz_civil)
{
    int64_t y;
    int m, d;

    ck_assert_int_eq(tz_days_from_civil(1970, 1, 1), 0);
    ck_assert_int_eq(tz_days_from_civil(2000, 3, 1), 11017);
    ck_assert_int_eq(tz_days_from_civil(1969, 12, 31), -1);
    ck_assert_int_eq(tz_weekday(0), 3); /* Thursday */
    ck_assert_int_eq(tz_weekday(-1), 2);
    ck_assert_int_eq(tz_weekday(tz_days_from_civil(2025, 3, 30)), 6);
    for (int64_t days = -800000; days < 3000000; days += 997) {
        tz_civil_from_days(days, &y, &m, &d);
        CHECK(tz_days_from_civil(y, m, d) == days, "day %lld", (long long)days);
    }
}
END_TEST

/* ---- calendars: parsing ---------------------------------------------------------------- */

START_TEST(test_parse_errors)
{
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"\"24/7\"", "calendar"},
        {"42", "calendar"},
        {"{\"hours\": {\"mon\": [\"08:00\", \"16:00\"]}}", "calendar.timezone"},
        {"{\"timezone\": \"Mars/Olympus\", \"hours\": {\"mon\": [\"08:00\", \"16:00\"]}}",
         "calendar.timezone"},
        {"{\"timezone\": \"../etc/passwd\", \"hours\": {\"mon\": [\"08:00\", \"16:00\"]}}",
         "calendar.timezone"},
        {"{\"timezone\": 1, \"hours\": {\"mon\": [\"08:00\", \"16:00\"]}}", "calendar.timezone"},
        {"{\"timezone\": \"UTC\"}", "calendar.hours"},
        {"{\"timezone\": \"UTC\", \"hours\": []}", "calendar.hours"},
        {"{\"timezone\": \"UTC\", \"hours\": {}}", "calendar.hours"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": []}}", "calendar.hours"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"monday\": [\"08:00\", \"16:00\"]}}",
         "calendar.hours.monday"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": \"08:00-16:00\"}}", "calendar.hours.mon"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\"]}}", "calendar.hours.mon"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\", \"25:00\"]}}",
         "calendar.hours.mon[1]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"24:01\", \"24:00\"]}}",
         "calendar.hours.mon[0]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"8:00\", \"16:00\"]}}",
         "calendar.hours.mon[0]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:60\", \"16:00\"]}}",
         "calendar.hours.mon[0]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00:00\", \"16:00\"]}}",
         "calendar.hours.mon[0]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [800, \"16:00\"]}}",
         "calendar.hours.mon[0]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"16:00\", \"08:00\"]}}",
         "calendar.hours.mon[1]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\", \"08:00\"]}}",
         "calendar.hours.mon[1]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\", \"12:00\", \"11:00\", "
         "\"17:00\"]}}",
         "calendar.hours.mon[2]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"13:00\", \"17:00\", \"08:00\", "
         "\"12:00\"]}}",
         "calendar.hours.mon[2]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\", \"16:00\"]}, \"holidays\": "
         "\"2025-12-25\"}",
         "calendar.holidays"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\", \"16:00\"]}, \"holidays\": "
         "[\"2025-02-29\"]}",
         "calendar.holidays[0]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\", \"16:00\"]}, \"holidays\": "
         "[\"2025-12-25\", \"25.12.2025\"]}",
         "calendar.holidays[1]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\", \"16:00\"]}, \"holidays\": "
         "[\"2025-12-25\", \"2025-12-25\"]}",
         "calendar.holidays[1]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\", \"16:00\"]}, \"holidays\": "
         "[\"0000-01-01\"]}",
         "calendar.holidays[0]"},
        {"{\"timezone\": \"UTC\", \"hours\": {\"mon\": [\"08:00\", \"16:00\"]}, \"week\": 1}",
         "calendar.week"},
    };
    struct arena ar;

    arena_init(&ar, 0);
    for (size_t i = 0; i < N(bad); i++) {
        struct json_object *v = json_arena_own(&ar, json_tokener_parse(bad[i].json));
        struct field_errors fe = {0};
        const struct sla_calendar *cal = (const void *)&ar;

        ck_assert_msg(v != NULL, "bad test JSON %s", bad[i].json);
        ck_assert_msg(sla_calendar_parse(&ar, v, "calendar", &cal, &fe) == -1, "accepted: %s",
                      bad[i].json);
        ck_assert_ptr_null(cal);
        ck_assert_uint_eq(fe.n, 1);
        ck_assert_msg(strcmp(fe.v[0].field, bad[i].field) == 0, "%s: field %s (%s), want %s",
                      bad[i].json, fe.v[0].field, fe.v[0].message, bad[i].field);
    }
    /* every problem at once */
    {
        struct json_object *v = json_arena_own(
            &ar, json_tokener_parse("{\"timezone\": \"Nowhere/City\", \"hours\": {\"mon\": "
                                    "[\"25:00\", \"16:00\"], \"xyz\": []}, \"holidays\": "
                                    "[\"2025-13-01\"], \"extra\": true}"));
        struct field_errors fe = {0};
        const struct sla_calendar *cal;

        ck_assert_int_eq(sla_calendar_parse(&ar, v, "policy.calendar", &cal, &fe), -1);
        ck_assert_uint_eq(fe.n, 5);
    }
    /* at most SLA_DAY_INTERVALS a day */
    {
        struct sb s;
        struct field_errors fe = {0};
        const struct sla_calendar *cal;

        sb_init(&s, &ar);
        sb_printf(&s, "{\"timezone\": \"UTC\", \"hours\": {\"mon\": [");
        for (int k = 0; k <= SLA_DAY_INTERVALS; k++)
            sb_printf(&s, "%s\"%02d:00\", \"%02d:30\"", k ? ", " : "", k, k);
        sb_printf(&s, "]}}");
        ck_assert_int_eq(sla_calendar_parse(&ar, json_arena_own(&ar, json_tokener_parse(s.buf)),
                                            "calendar", &cal, &fe),
                         -1);
        ck_assert_str_eq(fe.v[0].field, "calendar.hours.mon");
    }
    arena_release(&ar);
}
END_TEST

START_TEST(test_parse_and_json)
{
    struct arena ar;
    const struct sla_calendar *cal, *back;
    const char *text;

    arena_init(&ar, 0);
    cal = parse_text(&ar, "\"24x7\"");
    ck_assert(cal->always);
    ck_assert_ptr_eq(cal, sla_calendar_always());
    text = json_text(&ar, json_arena_own(&ar, sla_calendar_json(cal)));
    ck_assert_str_eq(text, "\"24x7\"");
    cal = parse_text(&ar, "{\"holidays\": [\"2026-01-07\", \"2025-12-31\"], \"timezone\": "
                          "\"Europe/Skopje\", \"hours\": {\"sat\": [\"00:00\", \"24:00\"], "
                          "\"mon\": [\"08:00\", \"12:00\", \"12:00\", \"16:30\"], \"sun\": []}}");
    ck_assert(!cal->always);
    ck_assert_str_eq(cal->timezone, "Europe/Skopje");
    ck_assert_uint_eq(cal->nhours[0], 2);
    ck_assert_uint_eq(cal->nhours[5], 1);
    ck_assert_int_eq(cal->hours[5][0].end, DAY);
    ck_assert_uint_eq(cal->nholidays, 2);
    ck_assert_int_lt(cal->holidays[0], cal->holidays[1]);
    text = json_text(&ar, json_arena_own(&ar, sla_calendar_json(cal)));
    ck_assert_str_eq(text,
                     "{\"timezone\":\"Europe/Skopje\",\"hours\":{\"mon\":[\"08:00\",\"12:00\","
                     "\"12:00\",\"16:30\"],\"tue\":[],\"wed\":[],\"thu\":[],\"fri\":[],\"sat\":"
                     "[\"00:00\",\"24:00\"],\"sun\":[]},\"holidays\":[\"2025-12-31\","
                     "\"2026-01-07\"]}");
    back = parse_text(&ar, text);
    ck_assert_str_eq(json_text(&ar, json_arena_own(&ar, sla_calendar_json(back))), text);
    arena_release(&ar);
}
END_TEST

/* ---- status history, bad input, the horizon -------------------------------------------- */

START_TEST(test_pauses_from_history)
{
    static const struct sla_change h[] = {
        {100, 0}, {200, 1}, {300, 1}, {400, 0}, {500, 0}, {600, 1}, {700, 0}, {800, 1},
    };
    struct arena ar;
    struct sla_span *p;
    size_t n;

    arena_init(&ar, 0);
    ck_assert_int_eq(sla_pauses(&ar, h, N(h), &p, &n), SLA_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert(p[0].from == 200 && p[0].to == 400);
    ck_assert(p[1].from == 600 && p[1].to == 700);
    ck_assert(p[2].from == 800 && p[2].to == SLA_OPEN);
    ck_assert_int_eq(sla_pauses(&ar, h, 0, &p, &n), SLA_OK);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(sla_pauses(&ar, (const struct sla_change[]){{300, 1}, {200, 0}}, 2, &p, &n),
                     SLA_EINPUT);
    arena_release(&ar);
}
END_TEST

START_TEST(test_bad_input_and_horizon)
{
    struct arena ar;
    const struct sla_calendar *office, *always = sla_calendar_always();
    int64_t t0 = at_of("2025-06-02T08:00:00+02:00"), due, ms;
    struct sla_span back[] = {{t0 + 1000, t0}};
    struct sla_span unsorted[] = {{t0 + 5000, t0 + 6000}, {t0 + 1000, t0 + 2000}};
    int64_t h = 3600000;
    struct sla_span overlapping[] = {{t0 + 1000 * h, t0 + 3000 * h},
                                     {t0 + 1500 * h, t0 + 2000 * h}};
    struct sla_span merged[] = {{t0 + 1000 * h, t0 + 3000 * h}};
    struct sla_span long_pause[] = {{t0 + 60000, at_of("2034-06-01T00:00:00Z")}};
    struct sla_span too_long[] = {{t0 + 60000, at_of("2036-01-01T00:00:00Z")}};
    int64_t due2;

    arena_init(&ar, 0);
    office = parse_text(&ar, "{\"timezone\": \"Europe/Skopje\", \"hours\": {\"mon\": [\"08:00\", "
                             "\"16:00\"], \"wed\": [\"08:00\", \"16:00\"]}}");
    ck_assert_int_eq(sla_due(office, t0, NULL, 0, -1, &due), SLA_EINPUT);
    ck_assert_int_eq(sla_due(office, t0, back, 1, 60000, &due), SLA_EINPUT);
    ck_assert_int_eq(sla_due(office, t0, unsorted, 2, 60000, &due), SLA_EINPUT);
    ck_assert_int_eq(sla_due(office, INT64_MAX / 2, NULL, 0, 60000, &due), SLA_EINPUT);
    ck_assert_int_eq(sla_elapsed(office, t0, t0 - 1, NULL, 0, &ms), SLA_EINPUT);
    ck_assert_int_eq(sla_elapsed(office, t0, t0 + SLA_HORIZON_MS + 1, NULL, 0, &ms), SLA_EHORIZON);
    ck_assert_int_eq(sla_elapsed(always, t0, t0 + SLA_HORIZON_MS, NULL, 0, &ms), SLA_OK);
    ck_assert_int_eq(ms, SLA_HORIZON_MS);
    /* a target of nothing is due at once, even in a pause */
    ck_assert_int_eq(sla_due(office, t0, merged, 1, 0, &due), SLA_OK);
    ck_assert_int_eq(due, t0);
    /* overlapping pauses count as their union */
    ck_assert_int_eq(sla_due(office, t0, overlapping, 2, 100LL * 3600000, &due), SLA_OK);
    ck_assert_int_eq(sla_due(office, t0, merged, 1, 100LL * 3600000, &due2), SLA_OK);
    ck_assert_int_eq(due, due2);
    /* a nine-year pause is jumped over: due in the first minute after it counts */
    ck_assert_int_eq(sla_due(office, t0, long_pause, 1, 2LL * 60000, &due), SLA_OK);
    ck_assert_int_eq(due, at_of("2034-06-05T08:01:00+02:00")); /* the Monday after */
    /* past the horizon, however it comes */
    ck_assert_int_eq(sla_due(office, t0, too_long, 1, 2LL * 60000, &due), SLA_EHORIZON);
    ck_assert_int_eq(sla_due(always, t0, NULL, 0, SLA_HORIZON_MS, &due), SLA_OK);
    ck_assert_int_eq(due, t0 + SLA_HORIZON_MS);
    ck_assert_int_eq(sla_due(always, t0, NULL, 0, SLA_HORIZON_MS + 1, &due), SLA_EHORIZON);
    /* not past 9999-12-31 either, which the API cannot write */
    ck_assert_int_eq(sla_due(always, at_of("9999-12-31T23:30:00Z"), NULL, 0, 1800000 - 1, &due),
                     SLA_OK);
    ck_assert_int_eq(due, at_of("9999-12-31T23:59:59.999Z"));
    ck_assert_int_eq(sla_due(always, at_of("9999-12-31T23:30:00Z"), NULL, 0, 1800000, &due),
                     SLA_EHORIZON);
    /* about 2 x 8 h a week for ten years is 8,350 h; more is beyond the horizon */
    ck_assert_int_eq(sla_due(office, t0, NULL, 0, 8000LL * 3600000, &due), SLA_OK);
    ck_assert_int_eq(sla_due(office, t0, NULL, 0, 9000LL * 3600000, &due), SLA_EHORIZON);
    arena_release(&ar);
}
END_TEST

/* ---- properties over random calendars, against a naive day-by-day sum ------------------- */

static uint64_t rng_state;

static uint64_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return rng_state >> 17;
}

static int64_t pick(int64_t n)
{
    return (int64_t)(rng() % (uint64_t)n);
}

static const char *const prop_zones[] = {
    "America/New_York",
    "Europe/Skopje",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Pacific/Apia",
    "Europe/Dublin",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Asia/Beirut",
    "America/Havana",
    "UTC",
};

/* A random calendar: times on a 10-minute grid, often next to midnight and the DST hours. */
static const struct sla_calendar *random_calendar(struct arena *ar)
{
    struct sb s;

    if (pick(8) == 0)
        return sla_calendar_always();
    sb_init(&s, ar);
    sb_printf(&s, "{\"timezone\": \"%s\", \"hours\": {", prop_zones[pick((int64_t)N(prop_zones))]);
    for (int d = 0; d < 7; d++) {
        static const char *const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        int t = 0, k = 0, n = (int)pick(4);

        sb_printf(&s, "%s\"%s\": [", d ? ", " : "", names[d]);
        if (d == 0 && n == 0)
            n = 1;
        while (k < n && t < 144) {
            int start = t + (int)pick(pick(2) ? 4 : 60), end;

            if (start >= 144)
                break;
            end = start + 1 + (int)pick(pick(2) ? 6 : 80);
            if (end > 144)
                end = 144;
            sb_printf(&s, "%s\"%02d:%02d\", \"%02d:%02d\"", k ? ", " : "", start / 6,
                      start % 6 * 10, end / 6, end % 6 * 10);
            t = end + (int)pick(3);
            k++;
        }
        sb_printf(&s, "]");
    }
    sb_printf(&s, "}, \"holidays\": [");
    for (int k = 0, n = (int)pick(6); k < n; k++)
        sb_printf(&s, "%s\"2025-%02d-%02d\"", k ? ", " : "", 1 + k * 2, 1 + (int)pick(28));
    sb_printf(&s, "]}");
    return parse_text(ar, s.buf);
}

static int naive_holiday(const struct sla_calendar *cal, int64_t d)
{
    for (size_t h = 0; h < cal->nholidays; h++)
        if (cal->holidays[h] == d)
            return 1;
    return 0;
}

/*
 * The naive model: every local date from two before to one after, each interval clamped after
 * the ones before it of its day and the day before (as sla.h says), overlapped with [from, to)
 * less the pauses, which are disjoint here.
 */
static int64_t naive_elapsed(const struct sla_calendar *cal, int64_t from, int64_t to,
                             const struct sla_span *p, size_t np)
{
    int64_t sum = 0, d0, d1;

    if (cal->always) {
        sum = to - from;
        for (size_t i = 0; i < np; i++) {
            int64_t a = p[i].from > from ? p[i].from : from, b = p[i].to < to ? p[i].to : to;

            sum -= b > a ? b - a : 0;
        }
        return sum;
    }
    d0 = div_floor(tz_to_local(cal->zone, div_floor(from, 1000)), DAY) - 2;
    d1 = div_floor(tz_to_local(cal->zone, div_floor(to, 1000)), DAY) + 1;
    for (int64_t d = d0; d <= d1; d++) {
        int wd = tz_weekday(d), pwd = tz_weekday(d - 1);
        int64_t lo = INT64_MIN;

        if (naive_holiday(cal, d))
            continue;
        for (size_t k = 0; k < cal->nhours[pwd] && !naive_holiday(cal, d - 1); k++) {
            int64_t e = tz_to_utc(cal->zone, (d - 1) * DAY + cal->hours[pwd][k].end) * 1000;

            lo = e > lo ? e : lo;
        }
        for (size_t k = 0; k < cal->nhours[wd]; k++) {
            int64_t s = tz_to_utc(cal->zone, d * DAY + cal->hours[wd][k].start) * 1000;
            int64_t e = tz_to_utc(cal->zone, d * DAY + cal->hours[wd][k].end) * 1000;
            int64_t a, b;

            if (s < lo)
                s = lo;
            if (e > lo)
                lo = e;
            a = s > from ? s : from;
            b = e < to ? e : to;
            if (b <= a)
                continue;
            sum += b - a;
            for (size_t i = 0; i < np; i++) {
                int64_t pa = p[i].from > a ? p[i].from : a, pb = p[i].to < b ? p[i].to : b;

                sum -= pb > pa ? pb - pa : 0;
            }
        }
    }
    return sum;
}

START_TEST(test_property_random)
{
    struct arena ar;
    int64_t base = at_of("2024-12-20T00:00:00Z");
    size_t reached = 0;

    arena_init(&ar, 0);
    rng_state = 2025;
    for (int i = 0; i < 400; i++) {
        const struct sla_calendar *cal = random_calendar(&ar);
        struct sla_span p[4];
        size_t np = (size_t)pick(4);
        int64_t start = base + pick(400LL * DAY) * 1000 + pick(1000), t;
        int64_t targets[6], dues[6], prev_due = start;

        /* disjoint pauses after the start, on a minute grid, some of them days long */
        t = start;
        for (size_t k = 0; k < np; k++) {
            p[k].from = t + pick(pick(2) ? 3 * 3600LL : 5 * DAY) * 1000;
            p[k].to = p[k].from + pick(pick(2) ? 4 * 3600LL : 9 * DAY) * 1000 + 1;
            t = p[k].to;
        }
        for (size_t k = 0; k < N(targets); k++) {
            targets[k] = k == 0 ? 0 : targets[k - 1] + pick(k % 2 ? 600 * MINUTE : 3 * MINUTE);
            if (sla_due(cal, start, p, np, targets[k], &dues[k]) != SLA_OK) {
                dues[k] = INT64_MAX;
                continue;
            }
            reached++;
            /* exact, the earliest, monotone, and what the naive model says */
            {
                int64_t used = -1, before = -1, naive = naive_elapsed(cal, start, dues[k], p, np);

                CHECK(sla_elapsed(cal, start, dues[k], p, np, &used) == SLA_OK &&
                          used == targets[k] && naive == targets[k],
                      "calendar %d: target %lld, elapsed %lld, naive %lld", i,
                      (long long)targets[k], (long long)used, (long long)naive);
                CHECK(targets[k] == 0 ||
                          (sla_elapsed(cal, start, dues[k] - 1, p, np, &before) == SLA_OK &&
                           before == targets[k] - 1),
                      "calendar %d: target %lld reached before its due time (%lld)", i,
                      (long long)targets[k], (long long)before);
                CHECK(dues[k] >= prev_due, "calendar %d: a larger target came due earlier", i);
                prev_due = dues[k];
            }
        }
        /* elapsed is monotone in its end and agrees with the model */
        for (int64_t to = start, prev = 0, k = 0; to < start + 10LL * DAY * 1000;
             to += 1 + pick(7 * 3600LL) * 1000, k++) {
            int64_t used = -1;

            CHECK(sla_elapsed(cal, start, to, p, np, &used) == SLA_OK && used >= prev,
                  "calendar %d: elapsed to %lld went back to %lld", i, (long long)to,
                  (long long)used);
            CHECK(k % 8 != 0 || used == naive_elapsed(cal, start, to, p, np),
                  "calendar %d: elapsed to %lld is %lld, naive %lld", i, (long long)to,
                  (long long)used, (long long)naive_elapsed(cal, start, to, p, np));
            prev = used;
        }
        arena_reset(&ar);
    }
    ck_assert_uint_gt(reached, 1000);
    arena_release(&ar);
}
END_TEST

Suite *sla_suite(void)
{
    Suite *s = suite_create("sla");
    TCase *cases = tcase_create("sla cases"), *tz = tcase_create("tz");
    TCase *cal = tcase_create("calendar"), *prop = tcase_create("properties");

    tcase_add_test(cases, test_worked_cases);
    tcase_add_test(cases, test_doc_matches_cases);
    tcase_add_test(tz, test_tz_known_transitions);
    tcase_add_test(tz, test_tz_gaps_and_folds);
    tcase_add_test(tz, test_tz_round_trips);
    tcase_add_test(tz, test_tz_footer_matches_table);
    tcase_add_test(tz, test_tz_posix_footers);
    tcase_add_test(tz, test_tz_tzif);
    tcase_add_test(tz, test_tz_names);
    tcase_add_test(tz, test_tz_civil);
    tcase_add_test(cal, test_parse_errors);
    tcase_add_test(cal, test_parse_and_json);
    tcase_add_test(cal, test_pauses_from_history);
    tcase_add_test(cal, test_bad_input_and_horizon);
    tcase_add_test(prop, test_property_random);
    suite_add_tcase(s, cases);
    suite_add_tcase(s, tz);
    suite_add_tcase(s, cal);
    suite_add_tcase(s, prop);
    return s;
}
