/*
 * Unit tests for core/sb: growth in both backings, the sticky limit, every escaper; and
 * core/jw, the JSON written into one.
 */
#include "core/sb.h"

#include <check.h>
#include <string.h>

#include "core/arena.h"
#include "core/jw.h"
#include "unit.h"

/* _i of the loop tests: 0 malloc-backed, 1 arena-backed. */
static struct arena test_ar;

static void sb_start(struct sb *sb, int use_arena)
{
    arena_init(&test_ar, 256);
    sb_init(sb, use_arena ? &test_ar : NULL);
}

static void sb_finish(struct sb *sb)
{
    sb_release(sb);
    arena_release(&test_ar);
}

START_TEST(test_growth)
{
    struct sb sb;
    char want[10001];

    sb_start(&sb, _i);
    for (int i = 0; i < 10000; i++) {
        want[i] = (char)('a' + i % 26);
        sb_addc(&sb, want[i]);
        ck_assert_uint_le(sb.len + 1, sb.cap);
    }
    want[10000] = '\0';
    ck_assert_int_eq(sb_error(&sb), SB_OK);
    ck_assert_uint_eq(sb.len, 10000);
    ck_assert_str_eq(sb.buf, want);
    /* Doubling: the capacity is a power of two times the first one. */
    ck_assert_uint_eq(sb.cap & (sb.cap - 1), 0);
    sb_finish(&sb);
}
END_TEST

START_TEST(test_basic_appends)
{
    struct sb sb;
    char big[3000];

    sb_start(&sb, _i);
    ck_assert_ptr_null(sb.buf);
    sb_add(&sb, "", 0);
    ck_assert_ptr_nonnull(sb.buf);
    ck_assert_str_eq(sb.buf, "");
    sb_adds(&sb, "abc");
    sb_add(&sb, "defgh", 2);
    sb_addc(&sb, '!');
    sb_printf(&sb, "[%d:%s]", 42, "x");
    ck_assert_str_eq(sb.buf, "abcde![42:x]");
    ck_assert_uint_eq(sb.len, 12);

    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    sb_printf(&sb, "%s|", big);
    ck_assert_uint_eq(sb.len, 12 + sizeof(big));
    ck_assert_int_eq(sb.buf[sb.len - 1], '|');
    ck_assert_int_eq(sb.buf[sb.len], '\0');

    sb_clear(&sb);
    ck_assert_uint_eq(sb.len, 0);
    ck_assert_str_eq(sb.buf, "");
    sb_adds(&sb, "again");
    ck_assert_str_eq(sb.buf, "again");
    sb_finish(&sb);
}
END_TEST

START_TEST(test_limit_sticky)
{
    struct sb sb;

    sb_start(&sb, _i);
    sb.limit = 10;
    sb_adds(&sb, "12345");
    sb_adds(&sb, "67890"); /* exactly the limit is fine */
    ck_assert_int_eq(sb_error(&sb), SB_OK);
    sb_addc(&sb, 'x');
    ck_assert_int_eq(sb_error(&sb), SB_ETOOBIG);
    /* Later appends do nothing, even ones that would fit. */
    sb_clear(&sb);
    sb.limit = 4;
    sb_adds(&sb, "abc");
    sb_adds(&sb, "de");
    ck_assert_int_eq(sb_error(&sb), SB_ETOOBIG);
    sb_adds(&sb, "");
    sb_addc(&sb, 'z');
    sb_printf(&sb, "%d", 1);
    sb_add_html(&sb, "<", 1);
    sb_add_json_str(&sb, "", 0);
    ck_assert_int_eq(sb_error(&sb), SB_ETOOBIG);
    ck_assert_str_eq(sb.buf, "abc");
    ck_assert_uint_eq(sb.len, 3);

    /* printf over the limit, whether or not the buffer had room. */
    sb_clear(&sb);
    sb.limit = 8;
    sb_printf(&sb, "%s", "123456789");
    ck_assert_int_eq(sb_error(&sb), SB_ETOOBIG);
    ck_assert_str_eq(sb.buf, "");
    sb_clear(&sb);
    sb_adds(&sb, "1234");
    sb_printf(&sb, "%d", 12345);
    ck_assert_int_eq(sb_error(&sb), SB_ETOOBIG);
    ck_assert_str_eq(sb.buf, "1234");

    /* An escape that crosses the limit fails as a whole. */
    sb_clear(&sb);
    sb.limit = 6;
    sb_add_html(&sb, "ab&", 3);
    ck_assert_int_eq(sb_error(&sb), SB_ETOOBIG);
    sb_finish(&sb);
}
END_TEST

enum esc { E_HTML, E_ATTR, E_URL, E_JSON };

/* A string literal and its length, NULs included. */
#define S(lit) lit, sizeof(lit) - 1

static const struct esc_case {
    enum esc esc;
    const char *in;
    size_t len;
    const char *want;
    size_t wantlen;
} esc_cases[] = {
    {E_HTML, S(""), S("")},
    {E_HTML, S("plain text"), S("plain text")},
    {E_HTML, S("<a href=\"x\">Tom & 'Jerry'</a>"),
     S("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")},
    {E_HTML, S("&amp;"), S("&amp;amp;")},
    {E_HTML, S("a=`b`"), S("a=`b`")},
    {E_HTML, S("caf\xc3\xa9 <\xe2\x82\xac>"), S("caf\xc3\xa9 &lt;\xe2\x82\xac&gt;")},
    {E_HTML, S("a\0<"), S("a\0&lt;")},
    {E_ATTR, S("x onmouseover=alert(1)"), S("x onmouseover&#61;alert(1)")},
    {E_ATTR, S("`'\"<>&="), S("&#96;&#39;&quot;&lt;&gt;&amp;&#61;")},
    {E_ATTR, S("\xf0\x9f\x98\x80"), S("\xf0\x9f\x98\x80")},
    {E_URL, S(""), S("")},
    {E_URL, S("AZaz09-._~"), S("AZaz09-._~")},
    {E_URL, S("a b/c?d=e&f+g#h%"), S("a%20b%2Fc%3Fd%3De%26f%2Bg%23h%25")},
    {E_URL, S("caf\xc3\xa9 \xe2\x82\xac"), S("caf%C3%A9%20%E2%82%AC")},
    {E_URL, S("\x00\x7f\xff"), S("%00%7F%FF")},
    {E_JSON, S(""), S("\"\"")},
    {E_JSON, S("plain"), S("\"plain\"")},
    {E_JSON, S("say \"hi\" \\o/"), S("\"say \\\"hi\\\" \\\\o/\"")},
    {E_JSON, S("\b\f\n\r\t"), S("\"\\b\\f\\n\\r\\t\"")},
    {E_JSON, S("\x01\x1f\x7f"), S("\"\\u0001\\u001f\x7f\"")},
    {E_JSON, S("a\0b"), S("\"a\\u0000b\"")},
    {E_JSON, S("</script><!--&"), S("\"\\u003c/script\\u003e\\u003c!--\\u0026\"")},
    {E_JSON, S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
     S("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"")},
    {E_JSON,
     S("a\xe2\x80\xa8"
       "b\xe2\x80\xa9"
       "c"),
     S("\"a\\u2028b\\u2029c\"")},
    {E_JSON, S("\xe2\x80\xaa"), S("\"\xe2\x80\xaa\"")}, /* U+202A is harmless */
    {E_JSON, S("\xff"), S("\"\\ufffd\"")},
    {E_JSON, S("\xc0\xaf"), S("\"\\ufffd\\ufffd\"")},            /* overlong '/' */
    {E_JSON, S("\xed\xa0\x80"), S("\"\\ufffd\\ufffd\\ufffd\"")}, /* surrogate */
    {E_JSON, S("\xf4\x90\x80\x80"), S("\"\\ufffd\\ufffd\\ufffd\\ufffd\"")},
    {E_JSON, S("x\xe2\x82"), S("\"x\\ufffd\\ufffd\"")}, /* cut short */
    {E_JSON,
     S("\x80"
       "a"),
     S("\"\\ufffda\"")},
};

START_TEST(test_escape)
{
    const struct esc_case *c = &esc_cases[_i];
    size_t len = c->len;
    struct sb sb;
    struct arena ar;
    size_t wantlen = c->wantlen;

    arena_init(&ar, 0);
    sb_init(&sb, &ar);
    switch (c->esc) {
    case E_HTML:
        sb_add_html(&sb, c->in, len);
        break;
    case E_ATTR:
        sb_add_attr(&sb, c->in, len);
        break;
    case E_URL:
        sb_add_url(&sb, c->in, len);
        break;
    case E_JSON:
        sb_add_json_str(&sb, c->in, len);
        break;
    }
    ck_assert_int_eq(sb_error(&sb), SB_OK);
    ck_assert_ptr_nonnull(sb.buf);
    ck_assert_msg(sb.len == wantlen && memcmp(sb.buf, c->want, wantlen) == 0,
                  "case %d: got \"%s\" (%zu bytes), want \"%s\" (%zu bytes)", _i, sb.buf, sb.len,
                  c->want, wantlen);
    ck_assert_int_eq(sb.buf[sb.len], '\0');
    sb_release(&sb);
    arena_release(&ar);
}
END_TEST

START_TEST(test_escape_growth)
{
    struct sb sb;
    char in[2000];

    /* Every byte escapes: the output is four times the input. */
    memset(in, '<', sizeof(in));
    sb_start(&sb, _i);
    sb_add_html(&sb, in, sizeof(in));
    ck_assert_int_eq(sb_error(&sb), SB_OK);
    ck_assert_uint_eq(sb.len, 4 * sizeof(in));
    ck_assert_int_eq(memcmp(sb.buf + sb.len - 4, "&lt;", 4), 0);
    sb_finish(&sb);
}
END_TEST

/* A reserved builder takes that much without moving its buffer; the limit still holds. */
START_TEST(test_reserve)
{
    struct sb sb;
    const char *buf;

    sb_start(&sb, _i);
    sb_reserve(&sb, 5000);
    ck_assert_int_eq(sb_error(&sb), SB_OK);
    ck_assert_uint_ge(sb.cap, 5001);
    ck_assert_uint_eq(sb.len, 0);
    ck_assert_str_eq(sb.buf, "");
    buf = sb.buf;
    for (int i = 0; i < 5000; i++)
        sb_addc(&sb, 'x');
    ck_assert_ptr_eq(sb.buf, buf);
    ck_assert_uint_eq(sb.len, 5000);
    sb_finish(&sb);

    sb_start(&sb, _i);
    sb.limit = 100;
    sb_reserve(&sb, 101);
    ck_assert_int_eq(sb_error(&sb), SB_ETOOBIG);
    sb_finish(&sb);
}
END_TEST

/* Every kind of value, nested, with the commas json-c would write, parsed back by json-c. */
START_TEST(test_jw_values)
{
    struct sb sb;
    struct jw w;

    sb_start(&sb, 1);
    jw_init(&w, &sb);
    jw_obj(&w, NULL);
    jw_str(&w, "s", "a\"b\\c\n\x01/é");
    jw_str(&w, "none", NULL);
    jw_int(&w, "i", -9007199254740993LL);
    jw_id(&w, "id", 7);
    jw_id(&w, "no_id", 0);
    jw_bool(&w, "t", 1);
    jw_bool(&w, "f", 0);
    jw_null(&w, "n");
    jw_raw(&w, "raw", "{\"x\":[1,2]}");
    jw_raw(&w, "raw_null", NULL);
    jw_arr(&w, "a");
    jw_int(&w, NULL, 1);
    jw_obj(&w, NULL);
    jw_end(&w);
    jw_arr(&w, NULL);
    jw_end(&w);
    jw_str(&w, NULL, "z");
    jw_end(&w);
    jw_obj(&w, "empty");
    jw_end(&w);
    jw_end(&w);
    jw_end(&w); /* nothing open: nothing written */
    ck_assert_int_eq(sb_error(&sb), 0);
    ck_assert_str_eq(sb.buf, "{\"s\":\"a\\\"b\\\\c\\n\\u0001/é\",\"none\":null,"
                             "\"i\":-9007199254740993,\"id\":7,\"no_id\":null,\"t\":true,"
                             "\"f\":false,\"n\":null,\"raw\":{\"x\":[1,2]},\"raw_null\":null,"
                             "\"a\":[1,{},[],\"z\"],\"empty\":{}}");
    sb_finish(&sb);
}
END_TEST

/* More than 255 values at one level still get their commas; deeper than JW_DEPTH fails. */
START_TEST(test_jw_long_and_deep)
{
    struct sb sb;
    struct jw w;

    sb_start(&sb, 0);
    jw_init(&w, &sb);
    jw_arr(&w, NULL);
    for (int i = 0; i < 300; i++)
        jw_int(&w, NULL, i);
    jw_end(&w);
    ck_assert_int_eq(sb_error(&sb), 0);
    ck_assert_ptr_nonnull(strstr(sb.buf, ",255,256,"));
    ck_assert_ptr_nonnull(strstr(sb.buf, ",299]"));
    sb_finish(&sb);

    sb_start(&sb, 0);
    jw_init(&w, &sb);
    for (int i = 0; i < JW_DEPTH; i++)
        jw_arr(&w, NULL);
    ck_assert_int_eq(sb_error(&sb), 0);
    jw_obj(&w, NULL);
    ck_assert_int_eq(sb_error(&sb), SB_ETOOBIG);
    sb_finish(&sb);
}
END_TEST

Suite *sb_suite(void)
{
    Suite *s = suite_create("sb");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_growth, 0, 2);
    tcase_add_loop_test(tc, test_reserve, 0, 2);
    tcase_add_loop_test(tc, test_basic_appends, 0, 2);
    tcase_add_loop_test(tc, test_limit_sticky, 0, 2);
    tcase_add_loop_test(tc, test_escape_growth, 0, 2);
    tcase_add_loop_test(tc, test_escape, 0, sizeof(esc_cases) / sizeof(esc_cases[0]));
    tcase_add_test(tc, test_jw_values);
    tcase_add_test(tc, test_jw_long_and_deep);
    suite_add_tcase(s, tc);
    return s;
}
