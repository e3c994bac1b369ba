/* Equipment rules without I/O, the QR token, and the absolute URL a label carries. */
#include "service/equipment.h"

#include <string.h>

#include <sodium.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/utf8.h"
#include "http/request.h"

const char *const equipment_statuses[] = {"active", "retired", NULL};

const char *equipment_check_serial(const char *serial)
{
    size_t n = strlen(serial);

    if (n == 0 || n > EQUIPMENT_SERIAL_MAX)
        return "must be 1 to 100 bytes";
    if (utf8_is_blank(serial, n))
        return "must not be blank";
    if (utf8_has_control(serial, n))
        return "must not contain control characters";
    return NULL;
}

const char *equipment_check_site(const char *site)
{
    size_t n = strlen(site);

    if (n == 0 || n > EQUIPMENT_SITE_MAX)
        return "must be 1 to 200 bytes, or null";
    if (utf8_has_control(site, n))
        return "must not contain control characters";
    return NULL;
}

const char *equipment_check_region(const char *region)
{
    size_t n = strlen(region);

    if (n == 0 || n > EQUIPMENT_REGION_MAX)
        return "must be 1 to 64 bytes, or null";
    if (utf8_has_control(region, n))
        return "must not contain control characters";
    return NULL;
}

const char *equipment_check_date(const char *d)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, day;

    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-' || strspn(d, "0123456789") != 4 ||
        strspn(d + 5, "0123456789") != 2 || strspn(d + 8, "0123456789") != 2)
        return "must be a date YYYY-MM-DD";
    y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    m = (d[5] - '0') * 10 + (d[6] - '0');
    day = (d[8] - '0') * 10 + (d[9] - '0');
    if (y < 1000 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
        return "must be a date YYYY-MM-DD";
    if (m == 2 && day == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return "must be a date YYYY-MM-DD";
    return NULL;
}

const char *equipment_check_status(const char *status)
{
    for (int i = 0; equipment_statuses[i]; i++)
        if (strcmp(equipment_statuses[i], status) == 0)
            return NULL;
    return "must be active or retired";
}

void equipment_new_token(char out[EQUIPMENT_TOKEN_LEN + 1])
{
    unsigned char rnd[16];

    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2base64(out, EQUIPMENT_TOKEN_LEN + 1, rnd, sizeof(rnd),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int equipment_token_shape(const char *s)
{
    return s && strlen(s) == EQUIPMENT_TOKEN_LEN &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
               EQUIPMENT_TOKEN_LEN;
}

const char *equipment_base_url(struct req *r)
{
    const char *pub = r->cfg ? r->cfg->public_url : NULL, *host, *port;
    size_t n;

    if (pub && *pub) {
        n = strlen(pub);
        while (n > 0 && pub[n - 1] == '/')
            n--;
        return arena_strndup(r->ar, pub, n);
    }
    /* the Host header is the client's word: only a plain host[:port] goes into a link */
    host = req_header(r, "Host");
    if (!host || !*host || strlen(host) > 255 ||
        host[strspn(host, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-:[]")])
        host = "localhost";
    /* nginx passes $host, without the port: the port the request came to, unless default */
    port = req_env(r, "SERVER_PORT");
    if (strchr(host, ':') || !port || strspn(port, "0123456789") != strlen(port) || !*port ||
        strlen(port) > 5 || strcmp(port, r->https ? "443" : "80") == 0)
        port = NULL;
    return arena_printf(r->ar, "%s://%s%s%s", r->https ? "https" : "http", host, port ? ":" : "",
                        port ? port : "");
}

const char *equipment_qr_url(struct arena *ar, const char *base, const char *token)
{
    return arena_printf(ar, "%s/q/%s", base, token);
}
