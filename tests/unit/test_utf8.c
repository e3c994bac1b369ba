/* Unit tests for core/utf8: the checks that names, one-line fields and texts of several
 * lines share. */
#include "core/utf8.h"

#include <check.h>
#include <string.h>

#include "unit.h"

#define S(x) x, sizeof(x) - 1

static const struct text_case {
    const char *s;
    size_t n;
    int control;      /* utf8_has_control */
    int blank;        /* utf8_is_blank */
    int text_control; /* utf8_text_has_control */
    int text_blank;   /* utf8_text_is_blank */
} cases[] = {
    {S(""), 0, 1, 0, 1},
    {S("plain words"), 0, 0, 0, 0},
    {S("caf\xc3\xa9"), 0, 0, 0, 0},
    {S(" \xc2\xa0\xe2\x80\x83\xe3\x80\x80"), 0, 1, 0, 1}, /* U+00A0, U+2003, U+3000 */
    /* tabs and line breaks: controls in one line, text (and blank) in several */
    {S("a\tb"), 1, 0, 0, 0},
    {S("line 1\r\nline 2\n"), 1, 0, 0, 0},
    {S(" \t\r\n\xc2\xa0\n"), 1, 0, 0, 1},
    {S("\n"), 1, 0, 0, 1},
    /* every other control, in either */
    {S("a\x1b[31mred"), 1, 0, 1, 0}, /* ESC */
    {S("bell\x07"), 1, 0, 1, 0},
    {S("line\n\x0b"), 1, 0, 1, 0}, /* a vertical tab after a break */
    {S("x\x7f"), 1, 0, 1, 0},      /* DEL */
    {S("a\xc2\x85z"), 1, 0, 1, 0}, /* U+0085, C1 */
    {S("\n\xc2\x9f"), 1, 0, 1, 0}, /* U+009F */
    {S("\xc2\xa0\x0c"), 1, 0, 1, 0},
    /* U+00A0 and U+00BF share the C1 lead byte and are not controls */
    {S("\xc2\xa0\xc2\xbf"), 0, 0, 0, 0},
};

START_TEST(test_text_checks)
{
    const struct text_case *c = &cases[_i];

    ck_assert_msg(utf8_valid(c->s, c->n), "case %d: not UTF-8", _i);
    ck_assert_int_eq(utf8_has_control(c->s, c->n), c->control);
    ck_assert_int_eq(utf8_is_blank(c->s, c->n), c->blank);
    ck_assert_int_eq(utf8_text_has_control(c->s, c->n), c->text_control);
    ck_assert_int_eq(utf8_text_is_blank(c->s, c->n), c->text_blank);
}
END_TEST

START_TEST(test_lengths_are_bounds)
{
    /* a check reads n bytes, not up to a NUL: the tail past n is never seen */
    ck_assert_int_eq(utf8_text_has_control("ok\x1b", 2), 0);
    ck_assert_int_eq(utf8_text_is_blank(" \n x", 3), 1);
    ck_assert_int_eq(utf8_has_control("a\xc2\x85", 2), 0); /* the lead byte alone */
}
END_TEST

Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_text_checks, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_test(tc, test_lengths_are_bounds);
    suite_add_tcase(s, tc);
    return s;
}
