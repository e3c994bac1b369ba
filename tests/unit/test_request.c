/* Request accessors: headers from FastCGI params, cookies, JSON content types, bodies. */
#include <check.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "http/request.h"
#include "unit.h"

static struct arena ar;
static struct req r;
/* FastCGI hands us a mutable envp; literals stand in for it here */
static char *env[] = {
    (char *)"REQUEST_METHOD=POST",
    (char *)"CONTENT_TYPE=application/json; charset=utf-8",
    (char *)"CONTENT_LENGTH=12",
    (char *)"HTTP_X_REQUEST_ID=abc",
    (char *)"HTTP_COOKIE=session=tok123; theme=\"dark\";  empty=; =nokey; csrf=a=b",
    (char *)"HTTP_IF_MATCH=\"3\"",
    NULL,
};

static void setup(void)
{
    arena_init(&ar, 0);
    memset(&r, 0, sizeof(r));
    r.ar = &ar;
    r.env = env;
    r.request_id = "rid";
    sb_init(&r.body_out, &ar);
    sb_init(&r.headers, &ar);
}

static void teardown(void)
{
    arena_release(&ar);
}

START_TEST(test_headers)
{
    ck_assert_str_eq(req_header(&r, "Content-Type"), "application/json; charset=utf-8");
    ck_assert_str_eq(req_header(&r, "content-length"), "12");
    ck_assert_str_eq(req_header(&r, "X-Request-Id"), "abc");
    ck_assert_str_eq(req_header(&r, "if-match"), "\"3\"");
    ck_assert_ptr_null(req_header(&r, "X-Missing"));
    ck_assert_str_eq(req_env(&r, "REQUEST_METHOD"), "POST");
    ck_assert_ptr_null(req_env(&r, "REQUEST"));
}
END_TEST

START_TEST(test_cookies)
{
    ck_assert_str_eq(req_cookie(&r, "session"), "tok123");
    ck_assert_str_eq(req_cookie(&r, "theme"), "dark");
    ck_assert_str_eq(req_cookie(&r, "empty"), "");
    ck_assert_str_eq(req_cookie(&r, "csrf"), "a=b");
    ck_assert_ptr_null(req_cookie(&r, "nokey"));
    ck_assert_ptr_null(req_cookie(&r, "sess"));
}
END_TEST

static const struct {
    const char *ct;
    int want;
} types[] = {
    {"application/json", 1},
    {"application/json; charset=utf-8", 1},
    {"APPLICATION/JSON", 1},
    {"application/problem+json", 1},
    {"application/merge-patch+json; charset=utf-8", 1},
    {"application/jsonx", 0},
    {"text/json", 0},
    {"application/x-www-form-urlencoded", 0},
    {"+json", 0},
    {"", 0},
    {NULL, 0},
};

START_TEST(test_json_types)
{
    ck_assert_int_eq(http_is_json_type(types[_i].ct), types[_i].want);
}
END_TEST

START_TEST(test_json_body)
{
    struct json_object *o = NULL;

    r.body = "{\"a\":1}";
    r.body_len = strlen(r.body);
    ck_assert_int_eq(req_json_body(&r, &o), 0);
    ck_assert(json_object_is_type(o, json_type_object));
    r.body = "{\"a\":1} x";
    r.body_len = strlen(r.body);
    ck_assert_int_eq(req_json_body(&r, &o), 400);
    ck_assert_ptr_nonnull(strstr(r.body_out.buf, "\"code\":\"malformed_json\""));
    ck_assert_ptr_nonnull(strstr(r.body_out.buf, "\"instance\":\"rid\""));
    r.body = NULL;
    r.body_len = 0;
    ck_assert_int_eq(req_json_body(&r, &o), 400);
    ck_assert_ptr_nonnull(strstr(r.body_out.buf, "a JSON body is required"));
}
END_TEST

START_TEST(test_methods_and_reasons)
{
    ck_assert_int_eq(http_method_parse("PATCH"), HTTP_PATCH);
    ck_assert_int_eq(http_method_parse("patch"), HTTP_OTHER);
    ck_assert_int_eq(http_method_parse("BREW"), HTTP_OTHER);
    ck_assert_str_eq(http_method_name(HTTP_DELETE), "DELETE");
    ck_assert_str_eq(http_reason(412), "Precondition Failed");
    ck_assert_str_eq(http_reason(599), "Unknown");
}
END_TEST

Suite *request_suite(void)
{
    Suite *s = suite_create("request");
    TCase *tc = tcase_create("accessors");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_headers);
    tcase_add_test(tc, test_cookies);
    tcase_add_loop_test(tc, test_json_types, 0, (int)(sizeof(types) / sizeof(types[0])));
    tcase_add_test(tc, test_json_body);
    tcase_add_test(tc, test_methods_and_reasons);
    suite_add_tcase(s, tc);
    return s;
}
