/* Catalog rules and the SKU import's pure part: codes, enums, CSV records, header, row mapping. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "catalog/import.h"
#include "catalog/product.h"
#include "core/arena.h"
#include "core/json.h"
#include "http/request.h"
#include "unit.h"

struct str_case {
    const char *in;
    int ok;
};

START_TEST(test_sku_code)
{
    static const struct str_case codes[] = {
        {"S-A1", 1},
        {"ACME/100-200.x_y", 1},
        {"a", 1},
        {"Größe-42", 1},
        {"型号-7", 1},
        {"in side", 1},
        {"O'Brien\"; DROP TABLE skus; --", 1},
        {"0123456789012345678901234567890123456789012345678901234567890123", 1}, /* 64 */
        {"", 0},
        {" S-A1", 0},
        {"S-A1 ", 0},
        {" ", 0},
        {"tab\there", 0},
        {"new\nline", 0},
        {"del\x7f", 0},
        {"c1\xc2\x85", 0},   /* U+0085, a C1 control */
        {"bad\xff", 0},      /* not UTF-8 */
        {"over\xc0\xaf", 0}, /* an overlong '/' */
        {"01234567890123456789012345678901234567890123456789012345678901234", 0}, /* 65 */
    };

    char wide[SKU_CODE_MAX * 2 + 3] = "";

    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        ck_assert_msg((sku_check_code(codes[i].in) == NULL) == codes[i].ok, "code '%s': %s",
                      codes[i].in,
                      sku_check_code(codes[i].in) ? sku_check_code(codes[i].in) : "ok");
    /* characters are counted, not bytes: 64 two-byte ones fit, 65 do not */
    for (int i = 0; i < SKU_CODE_MAX; i++)
        strcat(wide, "\xc3\xa9");
    ck_assert_ptr_null(sku_check_code(wide));
    strcat(wide, "\xc3\xa9");
    ck_assert_ptr_nonnull(sku_check_code(wide));
}
END_TEST

START_TEST(test_catalog_enums_and_labels)
{
    char long_name[PRODUCT_NAME_MAX + 2];

    for (int i = 0; product_lifecycles[i]; i++)
        ck_assert_ptr_null(product_check_lifecycle(product_lifecycles[i]));
    ck_assert_ptr_nonnull(product_check_lifecycle("retired"));
    ck_assert_ptr_nonnull(product_check_lifecycle("Active"));
    ck_assert_ptr_null(sku_check_status("discontinued"));
    ck_assert_ptr_nonnull(sku_check_status("end_of_life"));
    ck_assert_ptr_null(offering_check_type("rental"));
    ck_assert_ptr_nonnull(offering_check_type("lease"));
    ck_assert_ptr_null(offering_check_status("inactive"));
    ck_assert_ptr_nonnull(offering_check_status("discontinued"));

    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    ck_assert_ptr_nonnull(product_check_name(long_name));
    long_name[PRODUCT_NAME_MAX] = '\0';
    ck_assert_ptr_null(product_check_name(long_name));
    ck_assert_ptr_null(product_check_name("Infusion Pump IP-200"));
    ck_assert_ptr_nonnull(product_check_name(""));
    ck_assert_ptr_nonnull(product_check_name("   "));
    ck_assert_ptr_nonnull(product_check_name("a\rb"));
    ck_assert_ptr_null(product_check_category("Infusion/Pumps"));
    ck_assert_ptr_nonnull(product_check_category(long_name));
    ck_assert_ptr_nonnull(product_check_category(" "));
    ck_assert_ptr_null(offering_check_label("36 months"));
    ck_assert_ptr_nonnull(offering_check_label(""));
    ck_assert_ptr_nonnull(
        offering_check_label("0123456789012345678901234567890123456789012345678901234567890123x"));
}
END_TEST

START_TEST(test_catalog_attrs)
{
    struct json_object *o = json_object_new_object(), *deep = json_object_new_object();
    size_t len;

    json_object_object_add(o, "voltage", json_object_new_string("230V"));
    ck_assert_ptr_null(product_check_attrs(o, &len));
    ck_assert_uint_eq(len, strlen("{\"voltage\":\"230V\"}"));
    json_object_put(o);
    o = json_object_new_array();
    ck_assert_ptr_nonnull(product_check_attrs(o, &len));
    json_object_put(o);
    for (int i = 0; i < 16; i++) {
        struct json_object *up = json_object_new_object();
        json_object_object_add(up, "d", deep);
        deep = up;
    }
    ck_assert_ptr_nonnull(product_check_attrs(deep, &len)); /* 17 levels */
    json_object_put(deep);
}
END_TEST

/* Parses text into f in ar; returns import_parse's code. */
static int parse(struct arena *ar, const char *text, struct import_file *f)
{
    size_t bad;

    return import_parse(ar, text, strlen(text), f, &bad);
}

START_TEST(test_import_parse)
{
    struct arena ar;
    struct import_file f;
    size_t bad;

    arena_init(&ar, 0);
    /* a BOM, CRLF, blank lines, spaces around unquoted fields, quotes and commas inside */
    ck_assert_int_eq(parse(&ar,
                           "\xef\xbb\xbfproduct,manufacturer\r\n\r\n"
                           " Pump , ACME \r\n"
                           "\"Pump, large\",\"say \"\"hi\"\"\"\n"
                           "\"multi\nline\",\" kept \"\n\n",
                           &f),
                     0);
    ck_assert_int_eq(f.header.n, 2);
    ck_assert_str_eq(f.header.fields[0], "product");
    ck_assert_int_eq(f.nrows, 3);
    ck_assert_str_eq(f.rows[0].fields[0], "Pump");
    ck_assert_str_eq(f.rows[0].fields[1], "ACME");
    ck_assert_str_eq(f.rows[1].fields[0], "Pump, large");
    ck_assert_str_eq(f.rows[1].fields[1], "say \"hi\"");
    ck_assert_str_eq(f.rows[2].fields[0], "multi\nline");
    ck_assert_str_eq(f.rows[2].fields[1], " kept ");
    for (int i = 0; i < 3; i++)
        ck_assert_ptr_null(f.rows[i].error);
    ck_assert_int_eq(f.too_many, 0);

    /* a stray quote refuses its record; the next line starts afresh */
    ck_assert_int_eq(parse(&ar, "a,b\n1,\"2\"x\n3,4\n5,6\"7\n8,9", &f), 0);
    ck_assert_int_eq(f.nrows, 4);
    ck_assert_ptr_nonnull(f.rows[0].error);
    ck_assert_ptr_null(f.rows[1].error);
    ck_assert_str_eq(f.rows[1].fields[0], "3");
    ck_assert_ptr_nonnull(f.rows[2].error);
    ck_assert_ptr_null(f.rows[3].error);
    ck_assert_str_eq(f.rows[3].fields[1], "9");

    /* an unterminated quote swallows the rest: its record is the last, refused */
    ck_assert_int_eq(parse(&ar, "a,b\n1,2\n3,\"4\n5,6\n", &f), 0);
    ck_assert_int_eq(f.nrows, 2);
    ck_assert_ptr_null(f.rows[0].error);
    ck_assert_ptr_nonnull(f.rows[1].error);

    /* no header, not UTF-8 */
    ck_assert_int_eq(parse(&ar, "", &f), -2);
    ck_assert_int_eq(parse(&ar, "\n\r\n", &f), -2);
    ck_assert_int_eq(import_parse(&ar, "a,b\n1,\xff\n", 8, &f, &bad), -1);
    ck_assert_uint_eq(bad, 6);
    ck_assert_int_eq(parse(&ar, "a\n\xed\xa0\x80\n", &f), -1); /* a surrogate */
    arena_release(&ar);
}
END_TEST

START_TEST(test_import_parse_limit)
{
    struct arena ar;
    struct import_file f;
    size_t n = 2 + (IMPORT_MAX_ROWS + 1) * 2;
    char *text = malloc(n + 1);

    arena_init(&ar, 0);
    memcpy(text, "a\n", 2);
    for (size_t i = 2; i < n; i += 2)
        memcpy(text + i, "x\n", 2);
    text[n] = '\0';
    ck_assert_int_eq(parse(&ar, text, &f), 0);
    ck_assert_int_eq(f.too_many, 1);
    text[n - 2] = '\0'; /* exactly the limit */
    ck_assert_int_eq(parse(&ar, text, &f), 0);
    ck_assert_int_eq(f.too_many, 0);
    ck_assert_int_eq(f.nrows, IMPORT_MAX_ROWS);
    free(text);
    arena_release(&ar);
}
END_TEST

/* The header of text read into h; returns import_header_read's code, errors into fe. */
static int header(struct arena *ar, const char *text, struct import_header *h,
                  struct field_errors *fe)
{
    struct import_file f;

    memset(fe, 0, sizeof(*fe));
    ck_assert_int_eq(parse(ar, text, &f), 0);
    return import_header_read(ar, &f.header, h, fe);
}

START_TEST(test_import_header)
{
    struct arena ar;
    struct import_header h;
    struct field_errors fe;

    arena_init(&ar, 0);
    ck_assert_int_eq(header(&ar, "color,SKU_Code,Product,\" category \",manufacturer\n", &h, &fe),
                     0);
    ck_assert_int_eq(h.ncols, 5);
    ck_assert_int_eq(h.col[IMPORT_PRODUCT], 2);
    ck_assert_int_eq(h.col[IMPORT_MANUFACTURER], 4);
    ck_assert_int_eq(h.col[IMPORT_SKU_CODE], 1);
    ck_assert_int_eq(h.col[IMPORT_CATEGORY], 3);
    ck_assert_str_eq(h.names[0], "color");
    ck_assert_str_eq(h.names[1], "sku_code");

    /* each missing column is named */
    ck_assert_int_eq(header(&ar, "product,color\n", &h, &fe), -1);
    ck_assert_int_eq((int)fe.n, 3);
    ck_assert_str_eq(fe.v[0].field, "manufacturer");
    ck_assert_str_eq(fe.v[1].field, "sku_code");
    ck_assert_str_eq(fe.v[2].field, "category");

    /* repeated and empty names */
    ck_assert_int_eq(header(&ar, "product,manufacturer,sku_code,category,SKU_CODE\n", &h, &fe), -1);
    ck_assert_int_eq((int)fe.n, 1);
    ck_assert_str_eq(fe.v[0].field, "header");
    ck_assert_int_eq(header(&ar, "product,manufacturer,sku_code,category,x,x\n", &h, &fe), -1);
    ck_assert_int_eq((int)fe.n, 1);
    ck_assert_int_eq(header(&ar, "product,manufacturer,sku_code,category,,\" \"\n", &h, &fe), -1);
    ck_assert_int_eq((int)fe.n, 2);
    arena_release(&ar);
}
END_TEST

struct map_case {
    const char *row;
    const char *reason; /* NULL: accepted; else the start of the reason */
};

START_TEST(test_import_map_row)
{
    static const struct map_case cases[] = {
        {"Pump,ACME,S-1,Pumps,red,", NULL},
        {"Pump,ACME,S-1,,,", NULL},
        {"Pump,ACME,S-1,Pumps,red", "has 5 fields; the header has 6"},
        {"Pump,ACME,S-1,Pumps,red,x,y", "has 7 fields; the header has 6"},
        {",ACME,S-1,Pumps,,", "product: is required"},
        {"\"  \",ACME,S-1,Pumps,,", "product: must not be blank"},
        {"Pump,,S-1,Pumps,,", "manufacturer: is required"},
        {"Pump,ACME,,Pumps,,", "sku_code: is required"},
        {"Pump,ACME,\" S-1\",Pumps,,", "sku_code: must not begin or end with a space"},
        {"Pump,ACME,\"S\t1\",Pumps,,", "sku_code: must not contain control characters"},
        {"Pump,ACME,S-1,\" \",,", "category: must not be blank"},
        {"Pump,ACME,S-1,1\"2,,", "has a double quote out of place"},
    };
    struct arena ar;
    struct import_file f;
    struct import_header h;
    struct field_errors fe = {0};
    struct import_record rec;
    const char *why;

    arena_init(&ar, 0);
    ck_assert_int_eq(parse(&ar, "product,manufacturer,sku_code,category,color,voltage\n", &f), 0);
    ck_assert_int_eq(import_header_read(&ar, &f.header, &h, &fe), 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct import_file rf;
        char *text = arena_printf(&ar, "h\n%s\n", cases[i].row);

        ck_assert_int_eq(parse(&ar, text, &rf), 0);
        ck_assert_int_eq(rf.nrows, 1);
        why = import_map_row(&ar, &h, &rf.rows[0], &rec);
        if (!cases[i].reason)
            ck_assert_msg(why == NULL, "'%s': %s", cases[i].row, why);
        else
            ck_assert_msg(why && strncmp(why, cases[i].reason, strlen(cases[i].reason)) == 0,
                          "'%s': %s", cases[i].row, why ? why : "accepted");
    }

    /* the record: other columns become string attributes, empty cells none, no category NULL */
    ck_assert_int_eq(parse(&ar, "h\nPump IP-200, ACME ,S-A1,,red,230\n", &f), 0);
    ck_assert_ptr_null(import_map_row(&ar, &h, &f.rows[0], &rec));
    ck_assert_str_eq(rec.product, "Pump IP-200");
    ck_assert_str_eq(rec.manufacturer, "ACME");
    ck_assert_str_eq(rec.sku_code, "S-A1");
    ck_assert_ptr_null(rec.category);
    ck_assert_str_eq(json_text(&ar, rec.attrs), "{\"color\":\"red\",\"voltage\":\"230\"}");
    ck_assert_int_eq(parse(&ar, "h\nPump,ACME,S-A1,Pumps,,\n", &f), 0);
    ck_assert_ptr_null(import_map_row(&ar, &h, &f.rows[0], &rec));
    ck_assert_str_eq(rec.category, "Pumps");
    ck_assert_str_eq(json_text(&ar, rec.attrs), "{}");

    /* a NUL byte in a cell, and attributes past the size limit */
    ck_assert_int_eq(import_parse(&ar, "h\nP,A,S,C,r\0d,\n", 15, &f, &(size_t){0}), 0);
    why = import_map_row(&ar, &h, &f.rows[0], &rec);
    ck_assert_str_eq(why, "color: must not contain a NUL byte");
    {
        size_t n = 20000;
        char *big = arena_alloc(&ar, n + 32);

        strcpy(big, "h\nP,A,S,C,");
        memset(big + strlen(big), 'x', n);
        strcpy(big + 10 + n, ",\n");
        ck_assert_int_eq(parse(&ar, big, &f), 0);
        why = import_map_row(&ar, &h, &f.rows[0], &rec);
        ck_assert_msg(why && strncmp(why, "attributes: ", 12) == 0, "%s", why);
    }
    /* the code is known even when the row is refused, for the report */
    ck_assert_int_eq(parse(&ar, "h\nP,A,S-9,C\n", &f), 0);
    ck_assert_ptr_nonnull(import_map_row(&ar, &h, &f.rows[0], &rec));
    ck_assert_str_eq(rec.sku_code, "S-9");
    ck_assert_int_eq(parse(&ar, "h\nP,A\n", &f), 0);
    ck_assert_ptr_nonnull(import_map_row(&ar, &h, &f.rows[0], &rec));
    ck_assert_ptr_null(rec.sku_code);
    arena_release(&ar);
}
END_TEST

START_TEST(test_csv_type)
{
    ck_assert_int_eq(http_is_csv_type("text/csv"), 1);
    ck_assert_int_eq(http_is_csv_type("Text/CSV; charset=utf-8"), 1);
    ck_assert_int_eq(http_is_csv_type("text/csv;header=present"), 1);
    ck_assert_int_eq(http_is_csv_type("text/csvx"), 0);
    ck_assert_int_eq(http_is_csv_type("text/plain"), 0);
    ck_assert_int_eq(http_is_csv_type("application/json"), 0);
    ck_assert_int_eq(http_is_csv_type(""), 0);
    ck_assert_int_eq(http_is_csv_type(NULL), 0);
}
END_TEST

Suite *catalog_suite(void)
{
    Suite *s = suite_create("catalog");
    TCase *tc = tcase_create("rules");

    tcase_add_test(tc, test_sku_code);
    tcase_add_test(tc, test_catalog_enums_and_labels);
    tcase_add_test(tc, test_catalog_attrs);
    tcase_add_test(tc, test_import_parse);
    tcase_add_test(tc, test_import_parse_limit);
    tcase_add_test(tc, test_import_header);
    tcase_add_test(tc, test_import_map_row);
    tcase_add_test(tc, test_csv_type);
    suite_add_tcase(s, tc);
    return s;
}
