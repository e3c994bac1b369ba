/* SLA calendars (DESIGN §7 Equipment and service): business time over half-open intervals. */
#ifndef SERVICE_SLA_H
#define SERVICE_SLA_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct field_errors;
struct json_object;
struct tz;

/*
 * Ownership: a parsed calendar and everything sla_* returns lives in the arena passed in;
 * a calendar's zone is the process's cached struct tz (service/tz.h). Nothing needs free().
 * Pure: no I/O but the first read of a zone's TZif file.
 *
 * Instants are milliseconds since 1970-01-01T00:00:00Z (rfc3339_parse() reads the API's
 * form), between 0001-01-01 and 9999-12-31 like the API's; durations, business time
 * included, are milliseconds. Every interval is half-open, [from, to).
 *
 * Business time (docs/service.md): a "24x7" calendar counts every instant. A zoned calendar
 * counts, on each local date that is not a holiday, the intervals listed for its weekday,
 * each from the instant its start is read on the zone's clock to the instant its end is
 * (tz_to_utc(): a time in a DST gap moves forward by the gap, a time in a fold is the
 * earlier instant). So an interval spanning a change counts the real time between its ends
 * (08:00-17:00 on a spring-forward day that changes at 12:00 counts 8 hours). Where those
 * rules make an interval end before it starts, it counts nothing; an interval never counts
 * time an earlier one (of that day or the day before) already counted.
 *
 * A due time is the earliest instant at which the business time outside the pauses since
 * the start reaches the target: sla_elapsed(start, sla_due(start, n)) == n. Work is bounded
 * by a walk of one step per local day with business hours between the start and the due
 * time (a pause is jumped over whole, however long); anything further than
 * SLA_HORIZON_DAYS from the start is not computed: SLA_EHORIZON.
 */

#define SLA_DAY_INTERVALS 12   /* business intervals per weekday at most */
#define SLA_HOLIDAYS_MAX  1000 /* holidays per calendar at most */
#define SLA_HORIZON_DAYS  3653 /* ten years */
#define SLA_HORIZON_MS    ((int64_t)SLA_HORIZON_DAYS * 86400000)
#define SLA_OPEN          INT64_MAX /* the end of a pause that has not ended */

/* [start, end): seconds after local midnight, 0 <= start < end <= 86400 ("24:00"). */
struct sla_interval {
    int32_t start, end;
};

struct sla_calendar {
    int always;           /* "24x7": every instant is business time; the rest is unused */
    const char *timezone; /* the IANA name, as given */
    const struct tz *zone;
    struct sla_interval hours[7][SLA_DAY_INTERVALS]; /* [0] Monday .. [6] Sunday, ascending */
    size_t nhours[7];
    int64_t *holidays; /* local dates as days since 1970-01-01, ascending, no repeats */
    size_t nholidays;
};

/* A pause: the clock stops over [from, to); to is SLA_OPEN while the pause lasts. */
struct sla_span {
    int64_t from, to;
};

/* One entry of a ticket's status history: from at on, the clock is paused or runs. */
struct sla_change {
    int64_t at;
    int paused; /* 1: waiting_customer */
};

enum {
    SLA_OK = 0,
    SLA_EINPUT = -1,   /* an instant out of range, to < from, a negative target, unsorted */
    SLA_EHORIZON = -2, /* the answer lies more than SLA_HORIZON_DAYS after the start, or after
                          9999-12-31 */
    SLA_EPAUSED = -3,  /* an open pause stops the clock before the target: no due time yet */
};

/* The "24x7" calendar (static). */
const struct sla_calendar *sla_calendar_always(void);

/*
 * Reads a calendar in the API's form: the string "24x7", or
 *   {"timezone": "Europe/Skopje",
 *    "hours": {"mon": ["08:00", "12:00", "13:00", "17:00"], ..., "sun": []},
 *    "holidays": ["2025-12-25"]}
 * timezone and hours are required, holidays optional. Each weekday (mon tue wed thu fri sat
 * sun) lists start and end times in turn, "HH:MM" from "00:00" to "24:00", each interval
 * ending after it starts and starting at or after the previous one's end; a day left out or
 * [] has no business hours; the week needs at least one interval. Holidays are local dates,
 * in any order, each once. Every problem is added to fe under field ("calendar") and its
 * path ("calendar.hours.mon[2]"). Returns 0 and *out, or -1.
 */
int sla_calendar_parse(struct arena *ar, struct json_object *v, const char *field,
                       const struct sla_calendar **out, struct field_errors *fe);

/* The calendar in the canonical API form: all seven days, holidays sorted; a new reference. */
struct json_object *sla_calendar_json(const struct sla_calendar *cal);

/*
 * The pauses of a status history sorted by at: each run of paused entries, from its first
 * entry to the next running one (SLA_OPEN when the history ends paused). SLA_OK, or
 * SLA_EINPUT when the history is not sorted.
 */
int sla_pauses(struct arena *ar, const struct sla_change *h, size_t n, struct sla_span **out,
               size_t *nout);

/*
 * Pauses given to the functions below are sorted by from, each with from <= to; they may
 * overlap or touch (sla_pauses() gives them so). NULL with n 0: no pauses.
 */

/*
 * *ms = the business time in [from, to) outside the pauses. SLA_OK; SLA_EINPUT (to < from,
 * bad pauses); SLA_EHORIZON when to is more than SLA_HORIZON_DAYS after from.
 */
int sla_elapsed(const struct sla_calendar *cal, int64_t from, int64_t to,
                const struct sla_span *pauses, size_t npauses, int64_t *ms);

/*
 * *due = the earliest instant at which target_ms of business time outside the pauses has
 * passed since start (start itself for 0). SLA_OK; SLA_EINPUT; SLA_EPAUSED when an open
 * pause begins before the target is reached; SLA_EHORIZON when *due would be more than
 * SLA_HORIZON_DAYS after start.
 */
int sla_due(const struct sla_calendar *cal, int64_t start, const struct sla_span *pauses,
            size_t npauses, int64_t target_ms, int64_t *due);

#endif
