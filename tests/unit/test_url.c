/* Unit tests for core/url: strict percent-decoding and query-string parsing. */
#include "core/url.h"

#include <check.h>
#include <string.h>

#include "core/arena.h"
#include "unit.h"

static const struct decode_case {
    const char *in;
    int plus;
    const char *want; /* NULL: must fail */
} decode_cases[] = {
    {"", 0, ""},
    {"plain", 0, "plain"},
    {"a%20b", 0, "a b"},
    {"%41%62%63", 0, "Abc"},
    {"%e2%82%ac", 0, "\xe2\x82\xac"},
    {"%E2%82%AC", 0, "\xe2\x82\xac"},
    {"%c3%A9", 0, "\xc3\xa9"},
    {"%25", 0, "%"},
    {"%2541", 0, "%41"}, /* decoded once only */
    {"a+b", 1, "a b"},
    {"a+b", 0, "a+b"},
    {"%2B", 1, "+"},
    {"%2b+%2B", 1, "+ +"},
    {"%ff", 0, "\xff"},
    {"%", 0, NULL},
    {"%4", 0, NULL},
    {"abc%", 0, NULL},
    {"abc%4", 0, NULL},
    {"%zz", 0, NULL},
    {"%4g", 0, NULL},
    {"%g4", 0, NULL},
    {"%%41", 0, NULL},
    {"% 41", 0, NULL},
    {"%+1", 1, NULL},
    {"%00", 0, NULL},
    {"a%00b", 1, NULL},
    {"%0", 0, NULL},
};

START_TEST(test_decode)
{
    const struct decode_case *c = &decode_cases[_i];
    struct arena ar;
    size_t outlen = 12345;
    char *got;

    arena_init(&ar, 0);
    got = url_decode(&ar, c->in, strlen(c->in), c->plus, &outlen);
    if (!c->want) {
        ck_assert_msg(got == NULL, "'%s' decoded to '%s'", c->in, got);
    } else {
        ck_assert_msg(got != NULL, "'%s' failed", c->in);
        ck_assert_str_eq(got, c->want);
        ck_assert_uint_eq(outlen, strlen(c->want));
    }
    arena_release(&ar);
}
END_TEST

START_TEST(test_decode_bounds)
{
    struct arena ar;
    char *got;

    arena_init(&ar, 0);
    /* Only n bytes are read: an escape cut by n is bad even if the text goes on. */
    got = url_decode(&ar, "abcdef", 3, 0, NULL);
    ck_assert_str_eq(got, "abc");
    ck_assert_ptr_null(url_decode(&ar, "ab%41", 4, 0, NULL));
    got = url_decode(&ar, "%41%42", 3, 0, NULL);
    ck_assert_str_eq(got, "A");
    /* A raw NUL would cut the string as surely as %00. */
    ck_assert_ptr_null(url_decode(&ar, "a\0b", 3, 0, NULL));
    arena_release(&ar);
}
END_TEST

struct pair {
    const char *key, *val;
};

static const struct query_case {
    const char *in;
    int n; /* -1: must fail */
    struct pair want[4];
} query_cases[] = {
    {"", 0, {{NULL, NULL}}},
    {"&", 0, {{NULL, NULL}}},
    {"&&&", 0, {{NULL, NULL}}},
    {"a=1&b=x%20y&c", 3, {{"a", "1"}, {"b", "x y"}, {"c", ""}}},
    {"&&a=1&&b=2&&", 2, {{"a", "1"}, {"b", "2"}}},
    {"a=", 1, {{"a", ""}}},
    {"=v", 1, {{"", "v"}}},
    {"a=b=c", 1, {{"a", "b=c"}}},
    {"q=red+shoes&sort=-price", 2, {{"q", "red shoes"}, {"sort", "-price"}}},
    {"k%20ey=v%26al", 1, {{"k ey", "v&al"}}},
    {"a=1&a=2", 2, {{"a", "1"}, {"a", "2"}}},
    {"flag&x=1", 2, {{"flag", ""}, {"x", "1"}}},
    {"a=%zz", -1, {{NULL, NULL}}},
    {"ok=1&b%=2", -1, {{NULL, NULL}}},
    {"a=%00", -1, {{NULL, NULL}}},
};

START_TEST(test_query)
{
    const struct query_case *c = &query_cases[_i];
    struct arena ar;
    struct kv *kv = (struct kv *)1;
    int n;

    arena_init(&ar, 0);
    n = url_parse_query(&ar, c->in, strlen(c->in), &kv);
    ck_assert_msg(n == c->n, "'%s': %d pairs, want %d", c->in, n, c->n);
    if (n > 0)
        ck_assert_ptr_nonnull(kv);
    for (int i = 0; i < n; i++) {
        ck_assert_str_eq(kv[i].key, c->want[i].key);
        ck_assert_str_eq(kv[i].val, c->want[i].val);
    }
    arena_release(&ar);
}
END_TEST

START_TEST(test_kv_get)
{
    struct arena ar;
    struct kv *kv;
    int n;

    arena_init(&ar, 0);
    n = url_parse_query(&ar, "a=1&b=&a=2&c", 12, &kv);
    ck_assert_int_eq(n, 4);
    ck_assert_str_eq(kv_get(kv, n, "a"), "1");
    ck_assert_str_eq(kv_get(kv, n, "b"), "");
    ck_assert_str_eq(kv_get(kv, n, "c"), "");
    ck_assert_ptr_null(kv_get(kv, n, "d"));
    ck_assert_ptr_null(kv_get(kv, n, "A"));
    ck_assert_ptr_null(kv_get(kv, 0, "a"));
    /* Only n bytes of the query are read. */
    n = url_parse_query(&ar, "x=1&y=2", 3, &kv);
    ck_assert_int_eq(n, 1);
    ck_assert_ptr_null(kv_get(kv, n, "y"));
    arena_release(&ar);
}
END_TEST

Suite *url_suite(void)
{
    Suite *s = suite_create("url");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_decode, 0, sizeof(decode_cases) / sizeof(decode_cases[0]));
    tcase_add_test(tc, test_decode_bounds);
    tcase_add_loop_test(tc, test_query, 0, sizeof(query_cases) / sizeof(query_cases[0]));
    tcase_add_test(tc, test_kv_get);
    suite_add_tcase(s, tc);
    return s;
}
