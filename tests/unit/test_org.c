/* Organization and tenant-settings rules, currencies, RFC 3339 and id parameters, by table. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/currency.h"
#include "core/rfc3339.h"
#include "http/params.h"
#include "org/org.h"
#include "tenant/tenant.h"
#include "unit.h"

struct str_case {
    const char *in;
    int ok;
};

START_TEST(test_org_type_status)
{
    static const struct str_case types[] = {
        {"manufacturer", 1}, {"distributor", 1},      {"dealer", 1},
        {"supplier", 1},     {"service_provider", 1}, {"hospital", 1},
        {"customer", 1},     {"Dealer", 0},           {"", 0},
        {"dealer ", 0},      {"partner", 0},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        ck_assert_msg((org_check_type(types[i].in) == NULL) == types[i].ok, "type '%s'",
                      types[i].in);
    ck_assert_ptr_null(org_check_status("active"));
    ck_assert_ptr_null(org_check_status("inactive"));
    ck_assert_ptr_nonnull(org_check_status("deleted"));
    ck_assert_ptr_nonnull(org_check_status(""));
}
END_TEST

START_TEST(test_org_name_region)
{
    char long_name[ORG_NAME_MAX + 2];

    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    ck_assert_ptr_null(org_check_name("ACME"));
    ck_assert_ptr_null(org_check_name("O'Brien \"; DROP TABLE organizations; --"));
    ck_assert_ptr_null(org_check_name("Müller Medizintechnik"));
    ck_assert_ptr_nonnull(org_check_name(""));
    ck_assert_ptr_nonnull(org_check_name("   "));
    ck_assert_ptr_nonnull(org_check_name("tab\there"));
    /* Unicode: no-break and other spaces are blank; C1 controls are controls */
    ck_assert_str_eq(org_check_name("\xc2\xa0\xc2\xa0"), "must not be blank");
    ck_assert_str_eq(org_check_name(" \xe2\x80\x83\xe3\x80\x80\xe2\x80\xaf"), "must not be blank");
    ck_assert_str_eq(org_check_name("a\xc2\x85"
                                    "b"),
                     "must not contain control characters");
    ck_assert_ptr_null(org_check_name("a\xc2\xa0"
                                      "b"));             /* a space between words */
    ck_assert_ptr_null(org_check_name("\xc2\xa9 ACME")); /* U+00A9, after the C1 range */
    ck_assert_ptr_null(org_check_name("\xe2\x80\x8b"));  /* U+200B: not White_Space */
    ck_assert_ptr_nonnull(org_check_name(long_name));
    long_name[ORG_NAME_MAX] = '\0';
    ck_assert_ptr_null(org_check_name(long_name));
    ck_assert_ptr_null(org_check_region("EU-West"));
    ck_assert_ptr_nonnull(org_check_region(""));
    ck_assert_ptr_nonnull(
        org_check_region("0123456789012345678901234567890123456789012345678901234567890123x"));
}
END_TEST

static const char *certs(const char *json, int *bad)
{
    static struct json_object *o;

    json_object_put(o);
    o = json_tokener_parse(json);
    return org_check_certifications(o, bad);
}

START_TEST(test_org_certifications)
{
    int bad;
    char many[1024] = "[";

    ck_assert_ptr_null(certs("[]", &bad));
    ck_assert_ptr_null(certs("[\"ISO 13485\", \"CE\"]", &bad));
    ck_assert_int_eq(bad, -1);
    ck_assert_ptr_nonnull(certs("{}", &bad));
    ck_assert_int_eq(bad, -1);
    ck_assert_ptr_nonnull(certs("[\"CE\", 3]", &bad));
    ck_assert_int_eq(bad, 1);
    ck_assert_ptr_nonnull(certs("[\"\"]", &bad));
    ck_assert_int_eq(bad, 0);
    ck_assert_ptr_nonnull(certs("[\"CE\", \"ISO\", \"CE\"]", &bad));
    ck_assert_int_eq(bad, 2);
    ck_assert_ptr_nonnull(
        certs("[\"0123456789012345678901234567890123456789012345678901234567890123x\"]", &bad));
    for (int i = 0; i < ORG_CERTS_MAX + 1; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s\"c%d\"", i ? "," : "", i);
    strcat(many, "]");
    ck_assert_ptr_nonnull(certs(many, &bad));
    ck_assert_int_eq(bad, -1);
    certs("null", &bad);
}
END_TEST

START_TEST(test_org_metadata)
{
    struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
    char *big = malloc(ORG_METADATA_MAX);
    size_t len;

    ck_assert_ptr_null(org_check_metadata(o, &len));
    ck_assert_uint_eq(len, 2);
    ck_assert_ptr_nonnull(org_check_metadata(arr, &len));
    memset(big, 'x', ORG_METADATA_MAX - 1);
    big[ORG_METADATA_MAX - 1] = '\0';
    json_object_object_add(o, "k", json_object_new_string(big));
    ck_assert_ptr_nonnull(org_check_metadata(o, &len));
    ck_assert_uint_gt(len, ORG_METADATA_MAX);
    big[ORG_METADATA_MAX - 9] = '\0'; /* {"k":"..."} is 8 bytes more */
    json_object_object_add(o, "k", json_object_new_string(big));
    ck_assert_ptr_null(org_check_metadata(o, &len));
    ck_assert_uint_eq(len, ORG_METADATA_MAX - 1);
    free(big);
    json_object_put(o);
    json_object_put(arr);
    /* 16 levels of objects and arrays, the metadata object included, and no more */
    o = json_object_new_object();
    arr = o;
    for (int i = 1; i < ORG_METADATA_DEPTH; i++) {
        struct json_object *next = i % 2 ? json_object_new_array() : json_object_new_object();
        if (json_object_is_type(arr, json_type_object))
            json_object_object_add(arr, "k", next);
        else
            json_object_array_add(arr, next);
        arr = next;
    }
    ck_assert_ptr_null(org_check_metadata(o, &len));
    json_object_array_add(arr, json_object_new_array());
    ck_assert_ptr_nonnull(org_check_metadata(o, &len));
    json_object_put(o);
}
END_TEST

START_TEST(test_tenant_timezone)
{
    char dir[] = "/tmp/trellis-tz-XXXXXX", path[256];
    static const struct str_case names[] = {
        {"Europe/Berlin", 1},  {"UTC", 1},
        {"Etc/GMT+5", 1},      {"Europe", 0},
        {"Nowhere/City", 0},   {"../etc/passwd", 0},
        {"/etc/passwd", 0},    {"Europe/../UTC", 0},
        {"Europe/", 0},        {"", 0},
        {"Europe//Berlin", 0}, {"zone.tab", 0},
        {"localtime", 0},      {"Bad", 0},
    };
    FILE *f;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/Europe", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/Europe/Berlin", dir);
    f = fopen(path, "w");
    fputs("TZif2...", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/UTC", dir);
    f = fopen(path, "w");
    fputs("TZif", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/Etc", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/Etc/GMT+5", dir);
    f = fopen(path, "w");
    fputs("TZif", f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/Bad", dir); /* not a TZif file */
    f = fopen(path, "w");
    fputs("hello", f);
    fclose(f);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        ck_assert_msg((tenant_check_timezone(dir, names[i].in) == NULL) == names[i].ok, "tz '%s'",
                      names[i].in);
    snprintf(path, sizeof(path), "rm -rf '%s'", dir);
    ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_tenant_settings_rules)
{
    static const struct str_case locales[] = {
        {"en", 1},      {"de-DE", 1}, {"zh-Hans-CN", 1}, {"es-419", 1},  {"fil", 1},
        {"zh-Hans", 1}, {"EN", 0},    {"e", 0},          {"de_DE", 0},   {"de-de", 0},
        {"de-DE-x", 0}, {"de-", 0},   {"", 0},           {"de-GERM", 0},
    };
    for (size_t i = 0; i < sizeof(locales) / sizeof(locales[0]); i++)
        ck_assert_msg((tenant_check_locale(locales[i].in) == NULL) == locales[i].ok, "locale '%s'",
                      locales[i].in);
    ck_assert_ptr_null(tenant_check_currency("EUR"));
    ck_assert_ptr_nonnull(tenant_check_currency("eur"));
    ck_assert_ptr_nonnull(tenant_check_currency("XXX"));
    ck_assert_ptr_null(tenant_check_rounding("half_even"));
    ck_assert_ptr_null(tenant_check_rounding("half_away_from_zero"));
    ck_assert_ptr_nonnull(tenant_check_rounding("up"));
    ck_assert_ptr_null(tenant_check_lockout_threshold(1));
    ck_assert_ptr_null(tenant_check_lockout_threshold(100));
    ck_assert_ptr_nonnull(tenant_check_lockout_threshold(0));
    ck_assert_ptr_nonnull(tenant_check_lockout_threshold(101));
    ck_assert_ptr_null(tenant_check_lockout_minutes(1440));
    ck_assert_ptr_nonnull(tenant_check_lockout_minutes(1441));
    ck_assert_ptr_nonnull(tenant_check_lockout_minutes(-1));
}
END_TEST

START_TEST(test_currency)
{
    ck_assert_int_eq(currency_minor_units("EUR"), 2);
    ck_assert_int_eq(currency_minor_units("JPY"), 0);
    ck_assert_int_eq(currency_minor_units("KWD"), 3);
    ck_assert_int_eq(currency_minor_units("USD"), 2);
    ck_assert_int_eq(currency_minor_units("AED"), 2); /* the first of the table */
    ck_assert_int_eq(currency_minor_units("ZAR"), 2); /* the last */
    ck_assert_int_eq(currency_minor_units("EU"), -1);
    ck_assert_int_eq(currency_minor_units("EURO"), -1);
    ck_assert_int_eq(currency_minor_units(NULL), -1);
    ck_assert(!currency_is_known("QQQ"));
}
END_TEST

START_TEST(test_rfc3339)
{
    static const struct {
        const char *in;
        const char *sql; /* NULL: rejected */
    } cases[] = {
        {"1970-01-01T00:00:00Z", "1970-01-01 00:00:00.000"},
        {"2024-02-29T12:34:56.789Z", "2024-02-29 12:34:56.789"},
        {"2024-02-29t12:34:56z", "2024-02-29 12:34:56.000"},
        {"2024-03-01T01:00:00+02:00", "2024-02-29 23:00:00.000"},
        {"2023-12-31T23:30:00-01:00", "2024-01-01 00:30:00.000"},
        {"2024-05-01T00:00:00.5Z", "2024-05-01 00:00:00.500"},
        {"2024-05-01T00:00:00.1231Z", "2024-05-01 00:00:00.124"}, /* rounded up */
        {"2024-05-01T00:00:00.1230000Z", "2024-05-01 00:00:00.123"},
        {"1969-12-31T23:59:59.999Z", "1969-12-31 23:59:59.999"},
        {"9999-12-31T23:59:59Z", "9999-12-31 23:59:59.000"},
        {"0001-01-01T00:00:00Z", "0001-01-01 00:00:00.000"},
        {"2023-02-29T00:00:00Z", NULL},
        {"2024-13-01T00:00:00Z", NULL},
        {"2024-01-01T24:00:00Z", NULL},
        {"2024-01-01T00:60:00Z", NULL},
        {"2024-01-01T00:00:60Z", NULL},
        {"2024-01-01 00:00:00Z", NULL},
        {"2024-01-01T00:00:00", NULL},
        {"2024-01-01T00:00:00.Z", NULL},
        {"2024-01-01T00:00:00+0100", NULL},
        {"2024-01-01T00:00:00+24:00", NULL},
        {"2024-01-01T00:00:00Zjunk", NULL},
        {"2024-1-01T00:00:00Z", NULL},
        {"0000-01-01T00:00:00Z", NULL},
        {"0001-01-01T00:00:00+00:01", NULL},
        {"9999-12-31T23:59:59-00:01", NULL},
        {"yesterday", NULL},
        {"", NULL},
    };
    char out[RFC3339_SQL_LEN];
    int64_t ms;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = rfc3339_parse(cases[i].in, &ms);
        ck_assert_msg((rc == 0) == (cases[i].sql != NULL), "'%s' gave %d", cases[i].in, rc);
        if (rc)
            continue;
        rfc3339_sql(ms, out);
        ck_assert_msg(strcmp(out, cases[i].sql) == 0, "'%s' became '%s'", cases[i].in, out);
    }
    ck_assert_int_eq(rfc3339_parse("1970-01-01T00:00:01.001Z", &ms), 0);
    ck_assert_int_eq(ms, 1001);
    {
        struct arena ar;

        arena_init(&ar, 0);
        ck_assert_str_eq(rfc3339_sql_text(&ar, ms), "1970-01-01 00:00:01.001");
        ck_assert_str_eq(rfc3339_sql_text(&ar, -1), "1969-12-31 23:59:59.999");
        ck_assert_str_eq(rfc3339_text(&ar, 1700000000123LL), "2023-11-14T22:13:20.123Z");
        arena_release(&ar);
    }
}
END_TEST

START_TEST(test_params_id)
{
    int64_t id = 0;

    ck_assert_int_eq(params_id("42", &id), 0);
    ck_assert_int_eq(id, 42);
    ck_assert_int_eq(params_id("9223372036854775807", &id), 0);
    ck_assert_int_eq(params_id("9223372036854775808", &id), -1);
    ck_assert_int_eq(params_id("0", &id), -1);
    ck_assert_int_eq(params_id("-1", &id), -1);
    ck_assert_int_eq(params_id("+1", &id), -1);
    ck_assert_int_eq(params_id(" 1", &id), -1);
    ck_assert_int_eq(params_id("1x", &id), -1);
    ck_assert_int_eq(params_id("1e3", &id), -1);
    ck_assert_int_eq(params_id("", &id), -1);
    ck_assert_int_eq(params_id(NULL, &id), -1);
}
END_TEST

Suite *org_suite(void)
{
    Suite *s = suite_create("org");
    TCase *tc = tcase_create("rules");

    tcase_add_test(tc, test_org_type_status);
    tcase_add_test(tc, test_org_name_region);
    tcase_add_test(tc, test_org_certifications);
    tcase_add_test(tc, test_org_metadata);
    tcase_add_test(tc, test_tenant_timezone);
    tcase_add_test(tc, test_tenant_settings_rules);
    tcase_add_test(tc, test_currency);
    tcase_add_test(tc, test_rfc3339);
    tcase_add_test(tc, test_params_id);
    suite_add_tcase(s, tc);
    return s;
}
