/* TZif (RFC 8536) reading and local time arithmetic, independent of the process's TZ. */
#include "service/tz.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY          INT64_C(86400)
#define TZ_FILE_MAX  (1 << 20) /* the largest zone in tzdata is under 4 KiB */
#define TZ_HDR       44
#define MAX_OFFSET   93599 /* RFC 8536: |utoff| stays under 26 hours */
#define RULE_HOURS   167   /* RFC 8536 3.3.1: a rule's time may be -167..167 hours */
#define POSIX_HOURS  24    /* an offset in the footer */
#define DEFAULT_TIME 7200  /* a rule without /time changes at 02:00 */

struct tz_type {
    int32_t utoff;
    int isdst;
};

/* One date of a POSIX TZ rule: Jn (1..365, no Feb 29), n (0..365), or Mm.w.d. */
struct tz_rule {
    char kind; /* 'J', 'N' or 'M' */
    int a, b, c;
    int32_t time; /* seconds after local midnight, in the time in effect before the change */
};

/* The footer: a POSIX TZ string for instants after the table's last transition. */
struct tz_posix {
    int valid, has_dst;
    int32_t std_off, dst_off; /* seconds east of UTC */
    struct tz_rule start, end;
};

struct tz {
    struct tz *next; /* the cache's list */
    char *name;
    size_t ntimes, ntypes;
    int64_t *times; /* ascending */
    unsigned char *idx;
    struct tz_type *types;
    struct tz_posix footer;
};

static void *tz_alloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);

    if (!p) {
        fputs("tz: out of memory\n", stderr);
        abort();
    }
    return p;
}

/* ---- calendar arithmetic -------------------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_len(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Howard Hinnant's days_from_civil and civil_from_days. */
int64_t tz_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + 719468, era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

int tz_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday */
    return (int)(floor_div(days + 3, 7) * -7 + days + 3);
}

/* ---- the POSIX TZ footer -------------------------------------------------------------- */

/* A zone abbreviation: three or more letters, or <...> of letters, digits, + and -. */
static const char *posix_name(const char *s)
{
    const char *p = s;

    if (*p == '<') {
        for (p++; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || *p == '+' || *p == '-';
             p++)
            ;
        return *p == '>' && p - s >= 4 ? p + 1 : NULL;
    }
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    return p - s >= 3 ? p : NULL;
}

static const char *posix_num(const char *s, int max, int *out)
{
    int v = 0, n = 0;

    for (; *s >= '0' && *s <= '9' && n < 4; s++, n++)
        v = v * 10 + (*s - '0');
    if (n == 0 || v > max)
        return NULL;
    *out = v;
    return s;
}

/* [+-]hh[:mm[:ss]] as seconds, the sign applied. */
static const char *posix_hms(const char *s, int max_hours, int32_t *out)
{
    int sign = 1, h, mi = 0, sec = 0;

    if (*s == '+' || *s == '-')
        sign = *s++ == '-' ? -1 : 1;
    if (!(s = posix_num(s, max_hours, &h)))
        return NULL;
    if (*s == ':') {
        if (!(s = posix_num(s + 1, 59, &mi)))
            return NULL;
        if (*s == ':' && !(s = posix_num(s + 1, 59, &sec)))
            return NULL;
    }
    *out = sign * (h * 3600 + mi * 60 + sec);
    return s;
}

static const char *posix_rule(const char *s, struct tz_rule *r)
{
    r->time = DEFAULT_TIME;
    if (*s == 'J') {
        r->kind = 'J';
        if (!(s = posix_num(s + 1, 365, &r->a)) || r->a < 1)
            return NULL;
    } else if (*s == 'M') {
        r->kind = 'M';
        if (!(s = posix_num(s + 1, 12, &r->a)) || r->a < 1 || *s != '.' ||
            !(s = posix_num(s + 1, 5, &r->b)) || r->b < 1 || *s != '.' ||
            !(s = posix_num(s + 1, 6, &r->c)))
            return NULL;
    } else {
        r->kind = 'N';
        if (!(s = posix_num(s, 365, &r->a)))
            return NULL;
    }
    if (*s == '/' && !(s = posix_hms(s + 1, RULE_HOURS, &r->time)))
        return NULL;
    return s;
}

/* Parses a footer ("CET-1CEST,M3.5.0,M10.5.0/3"); the empty one leaves p invalid. 0 or -1. */
static int posix_parse(const char *s, struct tz_posix *p)
{
    int32_t off;

    memset(p, 0, sizeof(*p));
    if (*s == '\0')
        return 0;
    if (!(s = posix_name(s)) || !(s = posix_hms(s, POSIX_HOURS, &off)))
        return -1;
    p->std_off = -off; /* POSIX counts west of Greenwich */
    p->valid = 1;
    if (*s == '\0')
        return 0;
    if (!(s = posix_name(s)))
        return -1;
    p->has_dst = 1;
    p->dst_off = p->std_off + 3600;
    if (*s != ',' && *s != '\0') {
        if (!(s = posix_hms(s, POSIX_HOURS, &off)))
            return -1;
        p->dst_off = -off;
    }
    if (*s == '\0') {
        /* no rule: the US rule, as glibc and the reference code do */
        p->start = (struct tz_rule){'M', 3, 2, 0, DEFAULT_TIME};
        p->end = (struct tz_rule){'M', 11, 1, 0, DEFAULT_TIME};
        return 0;
    }
    if (*s != ',' || !(s = posix_rule(s + 1, &p->start)) || *s != ',' ||
        !(s = posix_rule(s + 1, &p->end)) || *s != '\0')
        return -1;
    return 0;
}

/* The local date of a rule in year y, as days since 1970-01-01. */
static int64_t rule_day(const struct tz_rule *r, int64_t y)
{
    int64_t jan1 = tz_days_from_civil(y, 1, 1), first, day;
    int wd;

    if (r->kind == 'J')
        return jan1 + r->a - 1 + (is_leap(y) && r->a >= 60);
    if (r->kind == 'N')
        return jan1 + r->a;
    first = tz_days_from_civil(y, r->a, 1);
    wd = (tz_weekday(first) + 1) % 7; /* POSIX counts from Sunday */
    day = first + (r->c - wd + 7) % 7 + 7 * (int64_t)(r->b - 1);
    while (day >= first + month_len(y, r->a))
        day -= 7;
    return day;
}

/* The instant of a rule's change in year y, read on a clock off seconds east of UTC. */
static int64_t rule_at(const struct tz_rule *r, int64_t y, int32_t off)
{
    return rule_day(r, y) * DAY + r->time - off;
}

static int64_t year_of(int64_t t)
{
    int64_t y;
    int m, d;

    tz_civil_from_days(floor_div(t, DAY), &y, &m, &d);
    return y;
}

static int32_t posix_offset(const struct tz_posix *p, int64_t t)
{
    int64_t y, s, e;

    if (!p->has_dst)
        return p->std_off;
    y = year_of(t + p->std_off);
    s = rule_at(&p->start, y, p->std_off);
    e = rule_at(&p->end, y, p->dst_off);
    if (s < e)
        return t >= s && t < e ? p->dst_off : p->std_off;
    return t >= e && t < s ? p->std_off : p->dst_off; /* southern: DST over new year */
}

static int posix_next(const struct tz_posix *p, int64_t t, int64_t *at)
{
    int64_t y, best = INT64_MAX;

    if (!p->valid || !p->has_dst)
        return 0;
    y = year_of(t + p->std_off);
    for (int64_t k = y - 1; k <= y + 1; k++) {
        int64_t s = rule_at(&p->start, k, p->std_off), e = rule_at(&p->end, k, p->dst_off);

        if (s > t && s < best)
            best = s;
        if (e > t && e < best)
            best = e;
    }
    if (best == INT64_MAX)
        return 0;
    *at = best;
    return 1;
}

/* ---- the TZif file -------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
    uint32_t isut, isstd, leap, time, type, chars;
};

static void tzif_counts(const unsigned char *h, struct tzif_counts *c)
{
    c->isut = be32(h + 20);
    c->isstd = be32(h + 24);
    c->leap = be32(h + 28);
    c->time = be32(h + 32);
    c->type = be32(h + 36);
    c->chars = be32(h + 40);
}

static size_t tzif_block(const struct tzif_counts *c, size_t tsize)
{
    return (size_t)c->time * tsize + c->time + (size_t)c->type * 6 + c->chars +
           (size_t)c->leap * (tsize + 4) + c->isstd + c->isut;
}

void tz_free(struct tz *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->times);
    free(z->idx);
    free(z->types);
    free(z);
}

int tz_parse(const char *name, const void *buf, size_t len, struct tz **out)
{
    const unsigned char *p = buf, *end = p + len, *d;
    struct tzif_counts c;
    struct tz *z;
    size_t v1, v2;
    char footer[256];
    const unsigned char *nl;

    *out = NULL;
    if (len < TZ_HDR || len > TZ_FILE_MAX || memcmp(p, "TZif", 4) != 0 || p[4] < '2')
        return TZ_EFORMAT;
    tzif_counts(p, &c);
    /* counts over the file's size cannot be right; this also keeps the products small */
    if (c.time > len || c.type > len || c.chars > len || c.leap > len || c.isstd > len ||
        c.isut > len)
        return TZ_EFORMAT;
    v1 = tzif_block(&c, 4);
    if (v1 > len - TZ_HDR || len - TZ_HDR - v1 < TZ_HDR)
        return TZ_EFORMAT;
    p += TZ_HDR + v1;
    if (memcmp(p, "TZif", 4) != 0)
        return TZ_EFORMAT;
    tzif_counts(p, &c);
    p += TZ_HDR;
    if (c.time > len || c.type > len || c.chars > len || c.leap > len || c.isstd > len ||
        c.isut > len)
        return TZ_EFORMAT;
    v2 = tzif_block(&c, 8);
    /* leap-second ("right/") zones count TAI-like seconds: not what the API's instants are */
    if (v2 > (size_t)(end - p) || c.type == 0 || c.type > 256 || c.chars == 0 || c.leap != 0 ||
        (c.isstd != 0 && c.isstd != c.type) || (c.isut != 0 && c.isut != c.type))
        return TZ_EFORMAT;
    z = tz_alloc(sizeof(*z));
    z->ntimes = c.time;
    z->ntypes = c.type;
    z->times = tz_alloc(c.time * sizeof(*z->times));
    z->idx = tz_alloc(c.time);
    z->types = tz_alloc(c.type * sizeof(*z->types));
    d = p;
    for (size_t i = 0; i < c.time; i++) {
        z->times[i] = be64(d + i * 8);
        if (i > 0 && z->times[i] <= z->times[i - 1])
            goto bad;
    }
    d += (size_t)c.time * 8;
    for (size_t i = 0; i < c.time; i++) {
        z->idx[i] = d[i];
        if (d[i] >= c.type)
            goto bad;
    }
    d += c.time;
    for (size_t i = 0; i < c.type; i++) {
        int32_t off = (int32_t)be32(d + i * 6);

        if (off < -MAX_OFFSET || off > MAX_OFFSET || d[i * 6 + 4] > 1 || d[i * 6 + 5] >= c.chars)
            goto bad;
        z->types[i].utoff = off;
        z->types[i].isdst = d[i * 6 + 4];
    }
    p += v2;
    /* the footer: "\n" TZ "\n", the file's last bytes */
    if (p >= end || *p != '\n' || !(nl = memchr(p + 1, '\n', (size_t)(end - p - 1))) ||
        nl + 1 != end || (size_t)(nl - p - 1) >= sizeof(footer))
        goto bad;
    memcpy(footer, p + 1, (size_t)(nl - p - 1));
    footer[nl - p - 1] = '\0';
    if (posix_parse(footer, &z->footer) != 0)
        goto bad;
    if (z->footer.valid && (z->footer.std_off < -MAX_OFFSET || z->footer.std_off > MAX_OFFSET ||
                            z->footer.dst_off < -MAX_OFFSET || z->footer.dst_off > MAX_OFFSET))
        goto bad;
    z->name = strdup(name);
    if (!z->name) {
        fputs("tz: out of memory\n", stderr);
        abort();
    }
    *out = z;
    return TZ_OK;
bad:
    tz_free(z);
    return TZ_EFORMAT;
}

/* ---- names, files and the cache ------------------------------------------------------- */

int tz_name_ok(const char *name)
{
    size_t n = strlen(name);
    int at_start = 1;

    /* the host's own zone, a link to /etc/localtime: not a name that means the same anywhere */
    if (n == 0 || n > TZ_NAME_MAX || strcmp(name, "localtime") == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        int alpha = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');

        if (ch == '/') {
            if (at_start)
                return 0; /* absolute, or "//" */
            at_start = 1;
            continue;
        }
        /* a letter first keeps out ".", "..", hidden files and zone.tab's kin */
        if (at_start && !alpha)
            return 0;
        if (!(alpha || (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' || ch == '-'))
            return 0;
        at_start = 0;
    }
    return !at_start;
}

static int tz_read(const char *name, struct tz **out)
{
    const char *dir = getenv("TZDIR");
    char path[1024];
    struct stat st;
    unsigned char *buf;
    ssize_t got;
    size_t have = 0;
    int fd, rc;

    if (!dir || !*dir)
        dir = TZ_DIR;
    if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
        return TZ_ENAME;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return TZ_ENOTFOUND;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return TZ_ENOTFOUND; /* a directory such as "Europe" is no zone */
    }
    if (st.st_size > TZ_FILE_MAX) {
        close(fd);
        return TZ_EFORMAT;
    }
    buf = tz_alloc((size_t)st.st_size + 1);
    while (have < (size_t)st.st_size + 1 &&
           (got = read(fd, buf + have, (size_t)st.st_size + 1 - have)) > 0)
        have += (size_t)got;
    close(fd);
    rc = have > (size_t)st.st_size ? TZ_EFORMAT : tz_parse(name, buf, have, out);
    free(buf);
    return rc;
}

static struct tz *cache;

int tz_get(const char *name, const struct tz **out)
{
    struct tz *z;
    int rc;

    *out = NULL;
    if (!name || !tz_name_ok(name))
        return TZ_ENAME;
    for (z = cache; z; z = z->next)
        if (strcmp(z->name, name) == 0) {
            *out = z;
            return TZ_OK;
        }
    if ((rc = tz_read(name, &z)) != TZ_OK)
        return rc;
    z->next = cache;
    cache = z;
    *out = z;
    return TZ_OK;
}

void tz_cache_clear(void)
{
    while (cache) {
        struct tz *next = cache->next;

        tz_free(cache);
        cache = next;
    }
}

const char *tz_name(const struct tz *z)
{
    return z->name;
}

/* ---- conversions ---------------------------------------------------------------------- */

/* The number of table transitions at or before t. */
static size_t transitions_upto(const struct tz *z, int64_t t)
{
    size_t lo = 0, hi = z->ntimes;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (z->times[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int32_t tz_offset(const struct tz *z, int64_t t)
{
    size_t k;

    if (z->ntimes == 0)
        return z->footer.valid ? posix_offset(&z->footer, t) : z->types[0].utoff;
    k = transitions_upto(z, t);
    if (k == 0)
        return z->types[0].utoff; /* RFC 8536: type 0 before the first transition */
    if (k == z->ntimes && z->footer.valid)
        return posix_offset(&z->footer, t);
    return z->types[z->idx[k - 1]].utoff;
}

int64_t tz_to_local(const struct tz *z, int64_t t)
{
    return t + tz_offset(z, t);
}

int tz_next_transition(const struct tz *z, int64_t t, int64_t *at)
{
    if (z->ntimes > 0 && t < z->times[z->ntimes - 1]) {
        *at = z->times[transitions_upto(z, t)];
        return 1;
    }
    return posix_next(&z->footer, t, at);
}

/*
 * Walks the pieces of constant offset over two days either side of local (every offset is
 * under 26 hours, so every instant that reads local is inside): the first piece whose
 * offset maps local into itself gives the earliest such instant (a fold's earlier one).
 * When none does, local is in a gap and is read with the offset before the gap.
 */
int64_t tz_to_utc(const struct tz *z, int64_t local)
{
    int64_t s = local - 2 * DAY, hi = local + 2 * DAY, e, gap = 0;
    int32_t o = tz_offset(z, s);
    int in_gap = 0;

    for (;;) {
        int last = !tz_next_transition(z, s, &e) || e >= hi;
        int64_t u = local - o;
        int32_t o2;

        if (last)
            e = hi;
        if (u >= s && u < e)
            return u;
        if (last)
            break;
        o2 = tz_offset(z, e);
        if (!in_gap && o2 > o && local >= e + o && local < e + o2) {
            in_gap = 1;
            gap = local - o;
        }
        s = e;
        o = o2;
    }
    return in_gap ? gap : local - tz_offset(z, local);
}
