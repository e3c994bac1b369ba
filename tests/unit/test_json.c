/* Unit tests for core/json: strict parsing, limits, and the typed field readers. */
#include "core/json.h"

#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "unit.h"

/* Shorthand for table rows: the text and its length, NULs included. */
#define DOC(s) s, sizeof(s) - 1

static const struct parse_ok {
    const char *doc;
    size_t len;
    enum json_type type;
} ok_cases[] = {
    {DOC("{}"), json_type_object},
    {DOC("[]"), json_type_array},
    {DOC("0"), json_type_int},
    {DOC("-0"), json_type_int},
    {DOC("12"), json_type_int},
    {DOC("-1.5e+3"), json_type_double},
    {DOC("1E400"), json_type_double},
    {DOC("true"), json_type_boolean},
    {DOC("false"), json_type_boolean},
    {DOC("null"), json_type_null},
    {DOC(" null \n"), json_type_null},
    {DOC("\"x\""), json_type_string},
    {DOC(" \t\r\n{\"a\": [1, 2.5e3, \"x\", null, false, {}]} \n"), json_type_object},
    {DOC("{\"a\":\"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\\\"\\\\\"}"), json_type_object},
    {DOC("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf\""),
     json_type_string},
    {DOC("\"\x7f\""), json_type_string},
    {DOC("9223372036854775807"), json_type_int},
    {DOC("-9223372036854775808"), json_type_int},
    {DOC("18446744073709551615"), json_type_int},
    {DOC("{\"\":1}"), json_type_object},
    {DOC("\"\\uD83D\\uDE00\\ud83d\\ude00\""), json_type_string}, /* pairs, either case */
    /* one name in different objects, or as a value, is no duplicate */
    {DOC("{\"a\":{\"a\":1},\"b\":[{\"a\":2},{\"a\":3,\"b\":\"a\"}],\"c\":{}}"), json_type_object},
    {DOC("[{\"x:y\":1,\"x\":{\"y\":[]}},{\"x\":1}]"), json_type_array},
};

START_TEST(test_parse_ok)
{
    const struct parse_ok *c = &ok_cases[_i];
    struct json_object *obj = (struct json_object *)1;
    struct arena ar;
    char msg[128];
    int rc;

    arena_init(&ar, 0);
    rc = json_parse(&ar, c->doc, c->len, &obj, msg, sizeof(msg));
    ck_assert_msg(rc == JSON_OK, "'%s': %d %s", c->doc, rc, msg);
    ck_assert_int_eq(json_object_get_type(obj), c->type);
    if (c->type == json_type_null)
        ck_assert_ptr_null(obj);
    arena_release(&ar); /* the tree is put here; LeakSanitizer would say otherwise */
}
END_TEST

static const struct parse_bad {
    const char *doc;
    size_t len;
    int rc;
    const char *msg; /* a prefix of the reason */
} bad_cases[] = {
    {DOC(""), JSON_EEMPTY, "empty body"},
    {DOC(" \t\r\n "), JSON_EEMPTY, "empty body"},
    {DOC("{"), JSON_ESYNTAX, "truncated"},
    {DOC("{\"a\":"), JSON_ESYNTAX, "truncated"},
    {DOC("[1, 2"), JSON_ESYNTAX, "truncated"},
    {DOC("\"abc"), JSON_ESYNTAX, "truncated"},
    {DOC("tru"), JSON_ESYNTAX, "truncated"},
    {DOC("[nul"), JSON_ESYNTAX, "truncated"},
    {DOC("[nulx]"), JSON_ESYNTAX, "unexpected character at offset 1"},
    {DOC("[truex]"), JSON_ESYNTAX, "unexpected character at offset 5"},
    {DOC("[1 2]"), JSON_ESYNTAX, "array value separator ',' expected at offset 3"},
    {DOC("-"), JSON_ESYNTAX, NULL},
    {DOC("1e"), JSON_ESYNTAX, NULL},
    {DOC("{} x"), JSON_ETRAILING, "unexpected data after the value at offset 3"},
    {DOC("1 2"), JSON_ETRAILING, "unexpected data after the value"},
    {DOC("{}{}"), JSON_ETRAILING, NULL},
    {DOC("[1]]"), JSON_ETRAILING, NULL},
    {DOC("null x"), JSON_ETRAILING, NULL},
    {DOC("0x10"), JSON_ETRAILING, NULL},
    {DOC("NaN"), JSON_ESYNTAX, "unexpected character at offset 0"},
    {DOC("[Infinity]"), JSON_ESYNTAX, NULL},
    {DOC("-Infinity"), JSON_ESYNTAX, "invalid number"},
    {DOC("{\"a\":nan}"), JSON_ESYNTAX, NULL},
    {DOC("1."), JSON_ESYNTAX, "invalid number at offset 0"},
    {DOC("[1.e5]"), JSON_ESYNTAX, "invalid number at offset 1"},
    {DOC(".5"), JSON_ESYNTAX, NULL},
    {DOC("+1"), JSON_ESYNTAX, NULL},
    {DOC("01"), JSON_ESYNTAX, "invalid number at offset 0"},
    {DOC("[-01]"), JSON_ESYNTAX, "invalid number at offset 1"},
    {DOC("[1,]"), JSON_ESYNTAX, NULL},
    {DOC("{\"a\":1,}"), JSON_ESYNTAX, NULL},
    {DOC("{'a':1}"), JSON_ESYNTAX, "unexpected character at offset 1"},
    {DOC("{\"a\":'b'}"), JSON_ESYNTAX, NULL},
    {DOC("'a'"), JSON_ESYNTAX, NULL},
    {DOC("{a:1}"), JSON_ESYNTAX, NULL},
    {DOC("/* c */ 1"), JSON_ESYNTAX, NULL},
    {DOC("TRUE"), JSON_ESYNTAX, NULL},
    {DOC("\"a\tb\""), JSON_ESYNTAX, "control character in string at offset 2"},
    {DOC("{\"a\nb\":1}"), JSON_ESYNTAX, "control character"},
    {DOC("\"\x1f\""), JSON_ESYNTAX, "control character"},
    {DOC("\"\\x\""), JSON_ESYNTAX, NULL},
    {DOC("\"\\u12\""), JSON_ESYNTAX, NULL},
    {DOC("\"\\u12g4\""), JSON_ESYNTAX, NULL},
    {DOC("\"a\\u0000b\""), JSON_ESYNTAX, "\\u0000 in string at offset 2"},
    {DOC("\"a\\ud800\""), JSON_ESYNTAX, "lone surrogate in string at offset 2"},
    {DOC("\"\\udc00x\""), JSON_ESYNTAX, "lone surrogate in string at offset 1"},
    {DOC("\"\\ud800\\u0041\""), JSON_ESYNTAX, "lone surrogate"},
    {DOC("{\"a\":1}\0"), JSON_ESYNTAX, "nul byte at offset 7"},
    {DOC("\"a\0b\""), JSON_ESYNTAX, "nul byte at offset 2"},
    {DOC("99999999999999999999"), JSON_ESYNTAX, "integer out of range at offset 0"},
    {DOC("18446744073709551616"), JSON_ESYNTAX, "integer out of range"},
    {DOC("[-9223372036854775809]"), JSON_ESYNTAX, "integer out of range at offset 1"},
    {DOC("\xef\xbb\xbf{}"), JSON_ESYNTAX, "unexpected character at offset 0"}, /* BOM */
    {DOC("{}\xc2\xa0"), JSON_ESYNTAX, NULL},
    /* I-JSON: json-c would keep the last of two members with one name */
    {DOC("{\"a\":1,\"a\":2}"), JSON_ESYNTAX, "duplicate member name in the object at offset 0"},
    {DOC("{\"a\":1,\"\\u0061\":2}"), JSON_ESYNTAX, "duplicate member name"},
    {DOC("[{}, {\"b\":{\"c\":1}, \"d\":[{\"e\":1,\"e\":{}}]}]"), JSON_ESYNTAX,
     "duplicate member name in the object at offset 24"},
    {DOC("{\"a\":{\"x\":1},\"a\":{\"y\":1,\"y\":2}}"), JSON_ESYNTAX,
     "duplicate member name in the object at offset 0"},
    /* UTF-8 json-c catches itself. */
    {DOC("\"\xff\""), JSON_EUTF8, "invalid utf-8 at offset 1"},
    {DOC("\"\x80\""), JSON_EUTF8, NULL},
    {DOC("\"\xc3\""), JSON_EUTF8, NULL},
    {DOC("\xff"), JSON_EUTF8, "invalid utf-8 at offset 0"},
    {DOC("{}\xff"), JSON_EUTF8, NULL},
    /* UTF-8 json-c lets through. */
    {DOC("\"\xc0\xaf\""), JSON_EUTF8, "invalid utf-8 at offset 1"},
    {DOC("\"\xc1\xbf\""), JSON_EUTF8, NULL},
    {DOC("\"\xe0\x80\xaf\""), JSON_EUTF8, NULL},
    {DOC("\"\xf0\x80\x80\xaf\""), JSON_EUTF8, NULL},
    {DOC("\"\xed\xa0\x80\""), JSON_EUTF8, NULL},
    {DOC("\"\xed\xbf\xbf\""), JSON_EUTF8, NULL},
    {DOC("\"\xf4\x90\x80\x80\""), JSON_EUTF8, NULL},
    {DOC("\"\xf5\x80\x80\x80\""), JSON_EUTF8, NULL},
    {DOC("\"ok\xf0\x9f\x98\""), JSON_EUTF8, "invalid utf-8 at offset 3"},
    {DOC("{\"k\xc0\xaf\":1}"), JSON_EUTF8, "invalid utf-8 at offset 3"},
    {DOC("[\"ok\", \"\xed\xa0\x80\"]"), JSON_EUTF8, "invalid utf-8 at offset 8"},
};

START_TEST(test_parse_bad)
{
    const struct parse_bad *c = &bad_cases[_i];
    struct json_object *obj = (struct json_object *)1;
    struct arena ar;
    char msg[128];
    int rc;

    arena_init(&ar, 0);
    rc = json_parse(&ar, c->doc, c->len, &obj, msg, sizeof(msg));
    ck_assert_msg(rc == c->rc, "case %d: rc %d, want %d (%s)", _i, rc, c->rc, msg);
    ck_assert_ptr_null(obj);
    ck_assert_msg(msg[0] != '\0', "case %d: no reason", _i);
    if (c->msg)
        ck_assert_msg(strncmp(msg, c->msg, strlen(c->msg)) == 0, "case %d: '%s', want '%s'", _i,
                      msg, c->msg);
    arena_release(&ar);
}
END_TEST

/* n nested containers: arrays around 1, or objects {"a":…} around 1. */
static char *nested(int n, int objects, size_t *len)
{
    char *s = malloc((size_t)n * 6 + 2), *p = s;

    for (int i = 0; i < n; i++)
        p += sprintf(p, "%s", objects ? "{\"a\":" : "[");
    *p++ = '1';
    for (int i = 0; i < n; i++)
        *p++ = objects ? '}' : ']';
    *p = '\0';
    *len = (size_t)(p - s);
    return s;
}

static const struct depth_case {
    int n, objects, rc;
} depth_cases[] = {
    {1, 0, JSON_OK},      {63, 0, JSON_OK}, {64, 0, JSON_OK},     {65, 0, JSON_EDEPTH},
    {66, 0, JSON_EDEPTH}, {64, 1, JSON_OK}, {65, 1, JSON_EDEPTH}, {1000, 0, JSON_EDEPTH},
};

START_TEST(test_depth)
{
    const struct depth_case *c = &depth_cases[_i];
    struct json_object *obj;
    struct arena ar;
    char msg[128];
    size_t len;
    char *doc = nested(c->n, c->objects, &len);
    int rc;

    arena_init(&ar, 0);
    rc = json_parse(&ar, doc, len, &obj, msg, sizeof(msg));
    ck_assert_msg(rc == c->rc, "depth %d: rc %d (%s)", c->n, rc, msg);
    if (rc == JSON_EDEPTH)
        ck_assert_str_eq(msg, "nesting deeper than 64");
    free(doc);
    arena_release(&ar);
}
END_TEST

START_TEST(test_parse_values)
{
    const char doc[] = "{\"s\":\"caf\\u00e9\",\"n\":[1,-2],\"big\":18446744073709551615}";
    struct json_object *obj, *v;
    struct arena ar;
    int rc;

    arena_init(&ar, 0);
    /* msg may be left out. */
    rc = json_parse(&ar, doc, sizeof(doc) - 1, &obj, NULL, 0);
    ck_assert_int_eq(rc, JSON_OK);
    ck_assert(json_object_object_get_ex(obj, "s", &v));
    ck_assert_str_eq(json_object_get_string(v), "caf\xc3\xa9");
    ck_assert(json_object_object_get_ex(obj, "big", &v));
    ck_assert_uint_eq(json_object_get_uint64(v), UINT64_MAX);
    rc = json_parse(&ar, "[", 1, &obj, NULL, 0);
    ck_assert_int_eq(rc, JSON_ESYNTAX);
    arena_release(&ar);
}
END_TEST

START_TEST(test_arena_own)
{
    struct arena ar;
    struct json_object *obj = json_object_new_object();

    arena_init(&ar, 0);
    json_object_get(obj); /* our own reference, to watch the arena drop its one */
    ck_assert_ptr_eq(json_arena_own(&ar, obj), obj);
    ck_assert_ptr_null(json_arena_own(&ar, NULL));
    arena_reset(&ar);
    ck_assert_int_eq(json_object_put(obj), 1); /* 1: that was the last reference */
    arena_release(&ar);
}
END_TEST

static struct json_object *parse(struct arena *ar, const char *doc)
{
    struct json_object *obj;
    char msg[128];
    int rc = json_parse(ar, doc, strlen(doc), &obj, msg, sizeof(msg));

    ck_assert_msg(rc == JSON_OK, "'%s': %s", doc, msg);
    return obj;
}

static void assert_errors(const struct field_errors *fe, const char *const *want)
{
    size_t n = 0;

    while (want[2 * n])
        n++;
    for (size_t i = 0; i < fe->n && i < n; i++) {
        ck_assert_str_eq(fe->v[i].field, want[2 * i]);
        ck_assert_str_eq(fe->v[i].message, want[2 * i + 1]);
    }
    ck_assert_uint_eq(fe->n, n);
}

START_TEST(test_read_all_types)
{
    struct arena ar;
    struct field_errors fe = {0};
    const char *name = NULL, *price = NULL, *amount = NULL;
    int64_t qty = 0;
    int active = -1, p_name = -1, p_note = -1;
    struct json_object *meta = NULL, *tags = NULL, *any = NULL;
    const struct jfield fields[] = {
        {"name", JF_STRING, JF_REQUIRED, &name, &p_name, 0},
        {"qty", JF_INT, JF_REQUIRED, &qty, NULL, 0},
        {"active", JF_BOOL, 0, &active, NULL, 0},
        {"price", JF_DECIMAL, JF_REQUIRED, &price, NULL, 0},
        {"amount", JF_DECIMAL, 0, &amount, NULL, 0},
        {"meta", JF_OBJECT, 0, &meta, NULL, 0},
        {"tags", JF_ARRAY, 0, &tags, NULL, 0},
        {"any", JF_ANY, 0, &any, NULL, 0},
        {"note", JF_STRING, 0, &name, &p_note, 0},
    };

    arena_init(&ar, 0);
    struct json_object *obj =
        parse(&ar, "{\"name\":\"Pump \\\"X\\\"\",\"qty\":-5,\"active\":false,\"price\":\"950.00\","
                   "\"amount\":12,\"meta\":{\"k\":1},\"tags\":[1],\"any\":\"v\"}");
    ck_assert_int_eq(json_read_fields(&ar, obj, fields, 9, &fe), 0);
    ck_assert_uint_eq(fe.n, 0);
    ck_assert_str_eq(name, "Pump \"X\"");
    ck_assert_int_eq(qty, -5);
    ck_assert_int_eq(active, 0);
    ck_assert_str_eq(price, "950.00");
    ck_assert_str_eq(amount, "12");
    ck_assert(json_object_is_type(meta, json_type_object));
    ck_assert(json_object_is_type(tags, json_type_array));
    ck_assert_str_eq(json_object_get_string(any), "v");
    ck_assert_int_eq(p_name, 1);
    ck_assert_int_eq(p_note, 0);
    arena_release(&ar);
}
END_TEST

START_TEST(test_read_errors_by_name)
{
    struct arena ar;
    struct field_errors fe = {0};
    const char *name = "untouched", *price = "untouched";
    int64_t qty = 7;
    int active = 7;
    struct json_object *tags = NULL;
    const struct jfield fields[] = {
        {"name", JF_STRING, JF_REQUIRED, &name, NULL, 0},
        {"qty", JF_INT, JF_REQUIRED, &qty, NULL, 0},
        {"active", JF_BOOL, 0, &active, NULL, 0},
        {"price", JF_DECIMAL, JF_REQUIRED, &price, NULL, 0},
        {"tags", JF_ARRAY, 0, &tags, NULL, 0},
    };
    static const char *const want[] = {
        "name",   "is required",          "qty",   "must be an integer",
        "active", "must be a boolean",    "price", "is required",
        "tags",   "must be an array",     "zeta",  "is not a known field",
        "alpha",  "is not a known field", NULL,
    };

    arena_init(&ar, 0);
    struct json_object *obj =
        parse(&ar, "{\"zeta\":1,\"qty\":\"5\",\"active\":1,\"tags\":{},\"alpha\":null}");
    ck_assert_int_eq(json_read_fields(&ar, obj, fields, 5, &fe), -1);
    assert_errors(&fe, want);
    /* Outputs are written only for valid fields. */
    ck_assert_str_eq(name, "untouched");
    ck_assert_int_eq(qty, 7);
    ck_assert_int_eq(active, 7);
    ck_assert_ptr_null(tags);
    arena_release(&ar);
}
END_TEST

START_TEST(test_read_not_object)
{
    struct arena ar;
    struct field_errors fe = {0};
    static const char *const want[] = {"", "must be an object", NULL};
    static const char *const docs[] = {"[]", "null", "\"x\"", "1"};

    arena_init(&ar, 0);
    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        fe.n = 0;
        ck_assert_int_eq(json_read_fields(&ar, parse(&ar, docs[i]), NULL, 0, &fe), -1);
        assert_errors(&fe, want);
    }
    /* An empty object against an empty table is fine. */
    fe.n = 0;
    ck_assert_int_eq(json_read_fields(&ar, parse(&ar, "{}"), NULL, 0, &fe), 0);
    arena_release(&ar);
}
END_TEST

static const struct int_case {
    const char *doc;
    int ok;
    int64_t want;
    const char *msg;
} int_cases[] = {
    {"{\"v\":0}", 1, 0, NULL},
    {"{\"v\":-0}", 1, 0, NULL},
    {"{\"v\":9223372036854775807}", 1, INT64_MAX, NULL},
    {"{\"v\":-9223372036854775807}", 1, -INT64_MAX, NULL},
    {"{\"v\":-9223372036854775808}", 0, 0, "must be an integer of at least -9223372036854775807"},
    {"{\"v\":9223372036854775808}", 0, 0, "must be an integer of at most 9223372036854775807"},
    {"{\"v\":18446744073709551615}", 0, 0, "must be an integer of at most 9223372036854775807"},
    {"{\"v\":1.0}", 0, 0, "must be an integer"},
    {"{\"v\":1e3}", 0, 0, "must be an integer"},
    {"{\"v\":\"5\"}", 0, 0, "must be an integer"},
    {"{\"v\":true}", 0, 0, "must be an integer"},
    {"{\"v\":null}", 0, 0, "must be an integer"},
};

START_TEST(test_read_int)
{
    const struct int_case *c = &int_cases[_i];
    struct arena ar;
    struct field_errors fe = {0};
    int64_t v = 42;
    const struct jfield f = {"v", JF_INT, JF_REQUIRED, &v, NULL, 0};

    arena_init(&ar, 0);
    int rc = json_read_fields(&ar, parse(&ar, c->doc), &f, 1, &fe);
    if (c->ok) {
        ck_assert_int_eq(rc, 0);
        ck_assert_int_eq(v, c->want);
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_uint_eq(fe.n, 1);
        ck_assert_str_eq(fe.v[0].field, "v");
        ck_assert_str_eq(fe.v[0].message, c->msg);
        ck_assert_int_eq(v, 42);
    }
    arena_release(&ar);
}
END_TEST

static const struct dec_case {
    const char *doc;
    const char *want; /* NULL: "must be a decimal string" */
} dec_cases[] = {
    {"{\"v\":\"950.00\"}", "950.00"},
    {"{\"v\":\"-1.5\"}", "-1.5"},
    {"{\"v\":\"5\"}", "5"},
    {"{\"v\":\"0.000\"}", "0.000"},
    {"{\"v\":\"007\"}", "007"},
    {"{\"v\":5}", "5"},
    {"{\"v\":-7}", "-7"},
    {"{\"v\":0}", "0"},
    {"{\"v\":-9223372036854775808}", "-9223372036854775808"},
    {"{\"v\":18446744073709551615}", "18446744073709551615"},
    {"{\"v\":\"1234567890123456789012345678901234567.89\"}",
     "1234567890123456789012345678901234567.89"},
    {"{\"v\":\"1234567890123456789012345678901234567.890\"}", NULL}, /* 41 chars */
    {"{\"v\":1.5}", NULL},
    {"{\"v\":1.0}", NULL},
    {"{\"v\":1e2}", NULL},
    {"{\"v\":\"1.\"}", NULL},
    {"{\"v\":\".5\"}", NULL},
    {"{\"v\":\"1e3\"}", NULL},
    {"{\"v\":\"+1\"}", NULL},
    {"{\"v\":\"-\"}", NULL},
    {"{\"v\":\"\"}", NULL},
    {"{\"v\":\" 1\"}", NULL},
    {"{\"v\":\"1 \"}", NULL},
    {"{\"v\":\"1.2.3\"}", NULL},
    {"{\"v\":\"1,5\"}", NULL},
    {"{\"v\":\"abc\"}", NULL},
    {"{\"v\":\"\\u0661\"}", NULL}, /* Arabic-Indic one */
    {"{\"v\":true}", NULL},
    {"{\"v\":[]}", NULL},
};

START_TEST(test_read_decimal)
{
    const struct dec_case *c = &dec_cases[_i];
    struct arena ar;
    struct field_errors fe = {0};
    const char *v = "untouched";
    const struct jfield f = {"v", JF_DECIMAL, 0, &v, NULL, 0};

    arena_init(&ar, 0);
    int rc = json_read_fields(&ar, parse(&ar, c->doc), &f, 1, &fe);
    if (c->want) {
        ck_assert_msg(rc == 0, "%s", c->doc);
        ck_assert_str_eq(v, c->want);
    } else {
        ck_assert_msg(rc == -1, "%s accepted as '%s'", c->doc, v);
        ck_assert_uint_eq(fe.n, 1);
        ck_assert_str_eq(fe.v[0].message, "must be a decimal string");
        ck_assert_str_eq(v, "untouched");
    }
    arena_release(&ar);
}
END_TEST

START_TEST(test_read_string_limits)
{
    struct arena ar;
    struct field_errors fe = {0};
    const char *a = NULL, *b = NULL, *c = NULL;
    const struct jfield fields[] = {
        {"a", JF_STRING, 0, &a, NULL, 0},
        {"b", JF_STRING, 0, &b, NULL, 3},
        {"c", JF_STRING, 0, &c, NULL, 4},
    };
    static const char *const want[] = {
        "a", "must be at most 1000 bytes", "b", "must be at most 3 bytes", NULL,
    };
    char doc[2200];

    arena_init(&ar, 0);
    /* 1000 bytes is the default limit and fits. */
    snprintf(doc, sizeof(doc), "{\"a\":\"%0*d\",\"c\":\"\xc3\xa9\xc3\xa9\"}", 1000, 0);
    ck_assert_int_eq(json_read_fields(&ar, parse(&ar, doc), fields, 3, &fe), 0);
    ck_assert_uint_eq(strlen(a), 1000);
    ck_assert_str_eq(c, "\xc3\xa9\xc3\xa9");

    /* Limits count bytes, not characters. */
    snprintf(doc, sizeof(doc), "{\"a\":\"%0*d\",\"b\":\"\xc3\xa9\xc3\xa9\"}", 1001, 0);
    ck_assert_int_eq(json_read_fields(&ar, parse(&ar, doc), fields, 3, &fe), -1);
    assert_errors(&fe, want);
    arena_release(&ar);
}
END_TEST

START_TEST(test_read_nullable_present)
{
    struct arena ar;
    struct field_errors fe = {0};
    const char *note = "untouched", *name = "untouched", *sku = "untouched";
    struct json_object *any = (struct json_object *)1;
    int p_note = -1, p_name = -1, p_sku = -1, p_any = -1;
    const struct jfield fields[] = {
        {"note", JF_STRING, JF_NULLABLE, &note, &p_note, 0},
        {"name", JF_STRING, JF_REQUIRED | JF_NULLABLE, &name, &p_name, 0},
        {"sku", JF_STRING, 0, &sku, &p_sku, 0},
        {"any", JF_ANY, 0, &any, &p_any, 0},
    };
    static const char *const want[] = {"sku", "must be a string", NULL};

    arena_init(&ar, 0);
    struct json_object *obj = parse(&ar, "{\"note\":null,\"name\":null,\"sku\":null,\"any\":null}");
    ck_assert_int_eq(json_read_fields(&ar, obj, fields, 4, &fe), -1);
    assert_errors(&fe, want);
    ck_assert_int_eq(p_note, 1);
    ck_assert_str_eq(note, "untouched");
    ck_assert_int_eq(p_name, 1); /* required is satisfied by an explicit null when nullable */
    ck_assert_str_eq(name, "untouched");
    ck_assert_int_eq(p_sku, 0);
    ck_assert_int_eq(p_any, 1);
    ck_assert_ptr_null(any);

    fe.n = 0;
    obj = parse(&ar, "{\"note\":\"hi\",\"name\":\"n\"}");
    ck_assert_int_eq(json_read_fields(&ar, obj, fields, 4, &fe), 0);
    ck_assert_int_eq(p_note, 1);
    ck_assert_str_eq(note, "hi");
    ck_assert_int_eq(p_sku, 0);
    ck_assert_int_eq(p_any, 0);
    arena_release(&ar);
}
END_TEST

/* A raw member is written as it was given, inside whatever holds it. */
START_TEST(test_raw)
{
    struct arena ar;
    struct json_object *o = json_object_new_object(), *a = json_object_new_array();
    char text[] = "{\"rule\": \"coverage\", \"n\": [1, 2.50]}";

    arena_init(&ar, 0);
    json_object_object_add(o, "p", json_raw(text));
    json_object_array_add(a, json_raw("null"));
    json_object_object_add(o, "a", a);
    ck_assert_str_eq(json_text(&ar, o),
                     "{\"p\":{\"rule\": \"coverage\", \"n\": [1, 2.50]},\"a\":[null]}");
    text[2] = 'R'; /* not copied: the caller keeps the text alive */
    ck_assert_str_eq(json_text(&ar, o),
                     "{\"p\":{\"Rule\": \"coverage\", \"n\": [1, 2.50]},\"a\":[null]}");
    json_object_put(o);
    arena_release(&ar);
}
END_TEST

START_TEST(test_field_errors_add)
{
    struct arena ar;
    struct field_errors fe = {0};
    char field[16];

    arena_init(&ar, 0);
    for (int i = 0; i < 100; i++) {
        snprintf(field, sizeof(field), "items[%d]", i);
        field_errors_add(&ar, &fe, field, "must be at most %d", i);
    }
    /* The field name was copied: the caller's buffer is reused. */
    memset(field, 0, sizeof(field));
    ck_assert_uint_eq(fe.n, 100);
    ck_assert_uint_ge(fe.cap, 100);
    ck_assert_str_eq(fe.v[0].field, "items[0]");
    ck_assert_str_eq(fe.v[99].field, "items[99]");
    ck_assert_str_eq(fe.v[57].message, "must be at most 57");
    arena_release(&ar);
}
END_TEST

Suite *json_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_parse_ok, 0, sizeof(ok_cases) / sizeof(ok_cases[0]));
    tcase_add_loop_test(tc, test_parse_bad, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
    tcase_add_loop_test(tc, test_depth, 0, sizeof(depth_cases) / sizeof(depth_cases[0]));
    tcase_add_test(tc, test_parse_values);
    tcase_add_test(tc, test_arena_own);
    tcase_add_test(tc, test_read_all_types);
    tcase_add_test(tc, test_read_errors_by_name);
    tcase_add_test(tc, test_read_not_object);
    tcase_add_loop_test(tc, test_read_int, 0, sizeof(int_cases) / sizeof(int_cases[0]));
    tcase_add_loop_test(tc, test_read_decimal, 0, sizeof(dec_cases) / sizeof(dec_cases[0]));
    tcase_add_test(tc, test_read_string_limits);
    tcase_add_test(tc, test_read_nullable_present);
    tcase_add_test(tc, test_field_errors_add);
    tcase_add_test(tc, test_raw);
    suite_add_tcase(s, tc);
    return s;
}
