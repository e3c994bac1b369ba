/* YAML to JSON: the shapes docs/openapi.yaml uses, scalar typing, and errors with lines. */
#include <check.h>
#include <string.h>

#include <json-c/json.h>

#include "core/yaml.h"
#include "unit.h"

static const struct {
    const char *yaml, *json;
} ok[] = {
    {"a: 1\nb: two\nc: true\nd: null\ne: 1.5\n",
     "{\"a\":1,\"b\":\"two\",\"c\":true,\"d\":null,\"e\":1.5}"},
    {"x:\n  - 1\n  - '2'\n  - \"3\"\n", "{\"x\":[1,\"2\",\"3\"]}"},
    {"'200':\n  description: OK\n", "{\"200\":{\"description\":\"OK\"}}"},
    {"enum: [a, b, 'c d']\nreq: {x: 1}\n", "{\"enum\":[\"a\",\"b\",\"c d\"],\"req\":{\"x\":1}}"},
    {"text: |\n  line one\n  line two\n", "{\"text\":\"line one\\nline two\\n\"}"},
    {"v: 3.1.0\nn: -7\nz: ~\n", "{\"v\":\"3.1.0\",\"n\":-7,\"z\":null}"},
    {"path: /v1/orgs/{id}\n", "{\"path\":\"\\/v1\\/orgs\\/{id}\"}"},
};

START_TEST(test_yaml_ok)
{
    struct json_object *o;
    char err[128] = "";

    ck_assert_msg(yaml_to_json(ok[_i].yaml, strlen(ok[_i].yaml), &o, err, sizeof(err)) == 0, "%s",
                  err);
    ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), ok[_i].json);
    json_object_put(o);
}
END_TEST

static const struct {
    const char *yaml, *needle;
} bad[] = {
    {"a: [1, 2\n", "line"},
    {"a: &x 1\nb: *x\n", "aliases"},
    {"", "empty"},
    {"a: b: c\n", "line 1"},
};

START_TEST(test_yaml_bad)
{
    struct json_object *o;
    char err[128] = "";

    ck_assert_int_eq(yaml_to_json(bad[_i].yaml, strlen(bad[_i].yaml), &o, err, sizeof(err)), -1);
    ck_assert_ptr_null(o);
    ck_assert_msg(strstr(err, bad[_i].needle), "'%s' lacks '%s'", err, bad[_i].needle);
}
END_TEST

Suite *yaml_suite(void)
{
    Suite *s = suite_create("yaml");
    TCase *tc = tcase_create("convert");

    tcase_add_loop_test(tc, test_yaml_ok, 0, (int)(sizeof(ok) / sizeof(ok[0])));
    tcase_add_loop_test(tc, test_yaml_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
    suite_add_tcase(s, tc);
    return s;
}
