/* Tenant settings rules: valid time zones, locales, currencies, rounding and lockout. */
#include "tenant/tenant.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/currency.h"
#include "service/tz.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

const char *tenant_check_timezone(const char *zoneinfo_dir, const char *tz)
{
    static const char *const bad = "must be an IANA time zone like 'Europe/Berlin'";
    char path[512], magic[4];
    int fd;
    ssize_t got;

    /* the SLA calendars' rule; 64 bytes is the column */
    if (strlen(tz) > 64 || !tz_name_ok(tz))
        return bad;
    if (snprintf(path, sizeof(path), "%s/%s", zoneinfo_dir, tz) >= (int)sizeof(path))
        return bad;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return "is not a time zone this server knows";
    got = read(fd, magic, sizeof(magic));
    close(fd);
    if (got != (ssize_t)sizeof(magic) || memcmp(magic, "TZif", 4) != 0)
        return "is not a time zone this server knows";
    return NULL;
}

/* n letters: all lower-case (kase 'l'), all upper-case ('u'), or title-case ('t'). */
static int letters(const char *s, size_t n, char kase)
{
    for (size_t i = 0; i < n; i++) {
        int upper = s[i] >= 'A' && s[i] <= 'Z', lower = s[i] >= 'a' && s[i] <= 'z';
        if (kase == 'l' ? !lower : kase == 'u' ? !upper : (i == 0 ? !upper : !lower))
            return 0;
    }
    return 1;
}

const char *tenant_check_locale(const char *locale)
{
    static const char *const bad = "must be a language tag like 'en', 'de-DE' or 'zh-Hans-CN'";
    const char *s = locale;
    size_t n = strcspn(s, "-");

    if (strlen(locale) > 16 || n < 2 || n > 3 || !letters(s, n, 'l'))
        return bad;
    s += n;
    if (*s == '-' && (n = strcspn(s + 1, "-")) == 4) {
        if (!letters(s + 1, 4, 't'))
            return bad;
        s += 1 + n;
    }
    if (*s == '-') {
        n = strcspn(s + 1, "-");
        if (!((n == 2 && letters(s + 1, 2, 'u')) ||
              (n == 3 && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]))))
            return bad;
        s += 1 + n;
    }
    return *s ? bad : NULL;
}

const char *tenant_check_currency(const char *code)
{
    return currency_is_known(code) ? NULL : "must be an ISO 4217 code like 'EUR' that we support";
}

const char *tenant_check_rounding(const char *rounding)
{
    if (strcmp(rounding, "half_away_from_zero") == 0 || strcmp(rounding, "half_even") == 0)
        return NULL;
    return "must be half_away_from_zero or half_even";
}

const char *tenant_check_lockout_threshold(int64_t n)
{
    return n >= 1 && n <= TENANT_LOCKOUT_THRESHOLD_MAX ? NULL : "must be from 1 to 100";
}

const char *tenant_check_lockout_minutes(int64_t n)
{
    return n >= 1 && n <= TENANT_LOCKOUT_MINUTES_MAX ? NULL : "must be from 1 to 1440";
}
