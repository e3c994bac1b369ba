/* Equipment rules, the QR token and the QR code's SVG, by table. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <sodium.h>

#include "core/arena.h"
#include "core/sb.h"
#include "service/equipment.h"
#include "service/qr.h"
#include "unit.h"

struct str_case {
    const char *in;
    int ok;
};

START_TEST(test_equipment_checks)
{
    static const struct str_case serials[] = {
        {"E-123", 1}, {"x", 1}, {"", 0}, {"   ", 0}, {"a\tb", 0}, {"a\x7f", 0}, {"Ström 1", 1},
    };
    static const struct str_case dates[] = {
        {"2024-01-10", 1}, {"2024-02-29", 1},    {"2023-02-29", 0}, {"2000-02-29", 1},
        {"1900-02-29", 0}, {"2024-13-01", 0},    {"2024-00-10", 0}, {"2024-04-31", 0},
        {"2024-1-10", 0},  {"24-01-10", 0},      {"2024/01/10", 0}, {"0999-01-01", 0},
        {"", 0},           {"2024-01-10T00", 0},
    };
    char big[EQUIPMENT_SERIAL_MAX + 2];

    for (size_t i = 0; i < sizeof(serials) / sizeof(serials[0]); i++)
        ck_assert_msg((equipment_check_serial(serials[i].in) == NULL) == serials[i].ok, "serial %s",
                      serials[i].in);
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ck_assert_ptr_nonnull(equipment_check_serial(big));
    big[EQUIPMENT_SERIAL_MAX] = '\0';
    ck_assert_ptr_null(equipment_check_serial(big));
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
        ck_assert_msg((equipment_check_date(dates[i].in) == NULL) == dates[i].ok, "date %s",
                      dates[i].in);
    ck_assert_ptr_null(equipment_check_status("active"));
    ck_assert_ptr_null(equipment_check_status("retired"));
    ck_assert_ptr_nonnull(equipment_check_status("Active"));
    ck_assert_ptr_null(equipment_check_site("Ward 3"));
    ck_assert_ptr_nonnull(equipment_check_site(""));
    ck_assert_ptr_nonnull(equipment_check_region("a\nb"));
}
END_TEST

START_TEST(test_equipment_token)
{
    char a[EQUIPMENT_TOKEN_LEN + 1], b[EQUIPMENT_TOKEN_LEN + 1];

    ck_assert_int_ge(sodium_init(), 0);
    equipment_new_token(a);
    equipment_new_token(b);
    ck_assert_uint_eq(strlen(a), EQUIPMENT_TOKEN_LEN);
    ck_assert(equipment_token_shape(a));
    ck_assert_str_ne(a, b);
    ck_assert(!equipment_token_shape("short"));
    ck_assert(!equipment_token_shape("AAAAAAAAAAAAAAAAAAAAA="));
    ck_assert(!equipment_token_shape("AAAAAAAAAAAAAAAAAAAAAAA"));
    ck_assert(equipment_token_shape("AAAAAAAAAA-_AAAAAAAAAA"));
    ck_assert(!equipment_token_shape(NULL));
}
END_TEST

/* The SVG's squares, read back: exactly the dark modules libqrencode made, offset by 4. */
START_TEST(test_qr_svg_modules)
{
    static const char *const text = "https://trellis.example/q/AAAAAAAAAAAAAAAAAAAAAA";
    struct arena a, *ar = &a;
    QRcode *q = QRcode_encodeData((int)strlen(text), (const unsigned char *)text, 0, QR_ECLEVEL_M);
    struct sb out;
    unsigned char *seen;
    const char *p;
    int w, dim, x, y, run, back;

    arena_init(ar, 0);
    ck_assert_ptr_nonnull(q);
    w = q->width;
    dim = w + 2 * QR_QUIET_ZONE;
    sb_init(&out, ar);
    ck_assert_int_eq(qr_svg(&out, text, "30mm", "E<1>", 0), 0);
    ck_assert(!sb_error(&out));
    ck_assert_ptr_null(strstr(out.buf, "<?xml"));
    ck_assert_ptr_nonnull(strstr(out.buf, "width=\"30mm\" height=\"30mm\""));
    ck_assert_ptr_nonnull(strstr(out.buf, "<title>E&lt;1&gt;</title>"));
    seen = calloc((size_t)dim * (size_t)dim, 1);
    p = strstr(out.buf, " d=\"") + 4;
    while (*p == 'M') {
        /* "M<x> <y>h<run>v1h-<run>z" */
        char *end;
        x = (int)strtol(p + 1, &end, 10);
        ck_assert_int_eq(*end, ' ');
        y = (int)strtol(end + 1, &end, 10);
        ck_assert_int_eq(*end, 'h');
        run = (int)strtol(end + 1, &end, 10);
        ck_assert(strncmp(end, "v1h-", 4) == 0);
        back = (int)strtol(end + 4, &end, 10);
        ck_assert_int_eq(*end, 'z');
        ck_assert_int_eq(run, back);
        for (int k = 0; k < run; k++)
            seen[y * dim + x + k] = 1;
        p = end + 1;
    }
    ck_assert_int_eq(*p, '"');
    for (int i = 0; i < dim; i++)
        for (int j = 0; j < dim; j++) {
            int in = i >= QR_QUIET_ZONE && i < w + QR_QUIET_ZONE && j >= QR_QUIET_ZONE &&
                     j < w + QR_QUIET_ZONE;
            int dark = in && (q->data[(i - QR_QUIET_ZONE) * w + (j - QR_QUIET_ZONE)] & 1);
            ck_assert_msg(seen[i * dim + j] == dark, "module %d,%d", j, i);
        }
    free(seen);
    QRcode_free(q);
    sb_init(&out, ar);
    ck_assert_int_eq(qr_svg(&out, "", NULL, NULL, 1), -1);
    ck_assert_int_eq(qr_svg(&out, "x", NULL, NULL, 1), 0);
    ck_assert_ptr_nonnull(strstr(out.buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "));
    arena_release(ar);
}
END_TEST

Suite *equipment_suite(void)
{
    Suite *s = suite_create("equipment");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_equipment_checks);
    tcase_add_test(tc, test_equipment_token);
    tcase_add_test(tc, test_qr_svg_modules);
    suite_add_tcase(s, tc);
    return s;
}
