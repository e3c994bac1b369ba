/* ISO 4217 currencies the platform knows, with their minor units. */
#ifndef CORE_CURRENCY_H
#define CORE_CURRENCY_H

/*
 * Decimal places of the currency's minor unit (EUR 2, JPY 0, KWD 3), or -1 when code is
 * not a known ISO 4217 alphabetic code (exactly three upper-case letters of the table).
 */
int currency_minor_units(const char *code);

/* 1 when code is a known currency. */
int currency_is_known(const char *code);

#endif
