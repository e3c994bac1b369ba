/* A small ISO 4217 table: the currencies tenants may choose, sorted by code. */
#include "core/currency.h"

#include <stdlib.h>
#include <string.h>

struct currency {
    char code[4];
    int minor;
};

static const struct currency currencies[] = {
    {"AED", 2}, {"ARS", 2}, {"AUD", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2}, {"CLP", 0},
    {"CNY", 2}, {"COP", 2}, {"CZK", 2}, {"DKK", 2}, {"EGP", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2},
    {"HUF", 2}, {"IDR", 2}, {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0},
    {"KES", 2}, {"KRW", 0}, {"KWD", 3}, {"LYD", 3}, {"MAD", 2}, {"MXN", 2}, {"MYR", 2}, {"NGN", 2},
    {"NOK", 2}, {"NZD", 2}, {"OMR", 3}, {"PHP", 2}, {"PKR", 2}, {"PLN", 2}, {"QAR", 2}, {"RON", 2},
    {"SAR", 2}, {"SEK", 2}, {"SGD", 2}, {"THB", 2}, {"TND", 3}, {"TRY", 2}, {"TWD", 2}, {"UAH", 2},
    {"USD", 2}, {"VND", 0}, {"ZAR", 2},
};

static int cmp(const void *key, const void *elem)
{
    return strcmp(key, ((const struct currency *)elem)->code);
}

int currency_minor_units(const char *code)
{
    const struct currency *c;

    if (!code || strlen(code) != 3)
        return -1;
    c = bsearch(code, currencies, sizeof(currencies) / sizeof(currencies[0]), sizeof(currencies[0]),
                cmp);
    return c ? c->minor : -1;
}

int currency_is_known(const char *code)
{
    return currency_minor_units(code) >= 0;
}
