/* RFC 3339 parsing by hand: strptime is locale-bound and knows no offsets or fractions. */
#include "core/rfc3339.h"

#include "core/arena.h"

#include <stdio.h>
#include <string.h>

/* Reads exactly n digits at s; -1 when one is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int rfc3339_parse(const char *s, int64_t *ms)
{
    int y, mo, d, h, mi, sec, frac = 0, off = 0;
    size_t i = 19;
    int64_t t;

    if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return -1;
    y = digits(s, 4);
    mo = digits(s + 5, 2);
    d = digits(s + 8, 2);
    h = digits(s + 11, 2);
    mi = digits(s + 14, 2);
    sec = digits(s + 17, 2);
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h < 0 || h > 23 || mi < 0 ||
        mi > 59 || sec < 0 || sec > 59)
        return -1;
    if (s[i] == '.') {
        int n = 0, up = 0;
        for (i++; s[i] >= '0' && s[i] <= '9'; i++, n++) {
            if (n < 3)
                frac = frac * 10 + (s[i] - '0');
            else if (s[i] != '0')
                up = 1;
        }
        if (n == 0)
            return -1;
        for (; n < 3; n++)
            frac *= 10;
        frac += up;
    }
    if ((s[i] == 'Z' || s[i] == 'z') && s[i + 1] == '\0') {
        off = 0;
    } else if ((s[i] == '+' || s[i] == '-') && strlen(s + i) == 6 && s[i + 3] == ':') {
        int oh = digits(s + i + 1, 2), om = digits(s + i + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        off = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    } else {
        return -1;
    }
    t = ((days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + sec) -
         (int64_t)off * 60) *
            1000 +
        frac;
    /* an offset must not carry the instant out of the years we can write back */
    if (t < days_from_civil(1, 1, 1) * 86400000 || t >= days_from_civil(10000, 1, 1) * 86400000)
        return -1;
    *ms = t;
    return 0;
}

void rfc3339_sql(int64_t ms, char out[RFC3339_SQL_LEN])
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    int64_t rem = secs - days * 86400, z, era, doe, yoe, doy, mp, y, m, d;
    char tmp[96];

    /* the inverse of days_from_civil */
    z = days + 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    /* the parser keeps years to 0001-9999, so the text is always 23 bytes */
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d:%02d.%03d", (int)y, (int)m, (int)d,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), (int)(ms - secs * 1000));
    memcpy(out, tmp, RFC3339_SQL_LEN - 1);
    out[RFC3339_SQL_LEN - 1] = '\0';
}

const char *rfc3339_sql_text(struct arena *ar, int64_t ms)
{
    char *s = arena_alloc(ar, RFC3339_SQL_LEN);

    rfc3339_sql(ms, s);
    return s;
}

const char *rfc3339_text(struct arena *ar, int64_t ms)
{
    char *s = arena_alloc(ar, RFC3339_SQL_LEN + 1);

    rfc3339_sql(ms, s);
    s[10] = 'T';
    s[RFC3339_SQL_LEN - 1] = 'Z';
    s[RFC3339_SQL_LEN] = '\0';
    return s;
}
