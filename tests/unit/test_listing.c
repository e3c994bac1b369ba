/* The listing's merge, precedence, frontier and cursor, and publishing's pure rules, by table. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "catalog/listing.h"
#include "catalog/publish.h"
#include "core/arena.h"
#include "unit.h"

/* An item of SKU sku (offering off) made by maker, reached through publisher's publication. */
static struct listing_item it(int64_t sku, int64_t off, int64_t maker, int64_t publisher,
                              int64_t pub, int preferred)
{
    struct listing_item x;

    memset(&x, 0, sizeof(x));
    x.key.sku_id = sku;
    x.key.offering_key = off;
    x.manufacturer_id = maker;
    x.publisher_id = publisher;
    x.publication_id = pub;
    x.preferred = preferred;
    x.valid = 1;
    return x;
}

START_TEST(test_listing_key_cmp)
{
    struct pub_key a = {1, 0}, b = {1, 5}, c = {2, 0};

    ck_assert_int_lt(listing_key_cmp(a, b), 0);
    ck_assert_int_lt(listing_key_cmp(b, c), 0);
    ck_assert_int_gt(listing_key_cmp(c, a), 0);
    ck_assert_int_eq(listing_key_cmp(b, b), 0);
}
END_TEST

/* Which of two rows of one key wins, and why. */
static const struct prec_case {
    struct listing_item a, b;
    int a_wins;
    const char *why;
} prec_cases[] = {
    {{.manufacturer_id = 1, .publisher_id = 1, .publication_id = 9},
     {.manufacturer_id = 1, .publisher_id = 2, .publication_id = 3, .preferred = 1},
     1,
     "direct beats a preferred distributor"},
    {{.manufacturer_id = 1, .publisher_id = 7, .publication_id = 9, .preferred = 1},
     {.manufacturer_id = 1, .publisher_id = 2, .publication_id = 3},
     1,
     "a preferred distributor beats another with a lower id"},
    {{.manufacturer_id = 1, .publisher_id = 2, .publication_id = 9},
     {.manufacturer_id = 1, .publisher_id = 7, .publication_id = 3},
     1,
     "between distributors alike, the lower publisher id"},
    {{.manufacturer_id = 1, .publisher_id = 2, .publication_id = 9, .preferred = 1},
     {.manufacturer_id = 1, .publisher_id = 3, .publication_id = 3, .preferred = 1},
     1,
     "between preferred ones, the lower publisher id"},
    {{.manufacturer_id = 1, .publisher_id = 4, .publication_id = 5},
     {.manufacturer_id = 1, .publisher_id = 4, .publication_id = 8},
     1,
     "one publisher's two publications (to the org and to all): the lower id"},
    {{.manufacturer_id = 1, .publisher_id = 1, .publication_id = 5, .preferred = 0},
     {.manufacturer_id = 1, .publisher_id = 1, .publication_id = 5, .preferred = 1},
     0,
     "preferred means nothing for the manufacturer itself: a tie"},
};

START_TEST(test_listing_precedence)
{
    for (size_t i = 0; i < sizeof(prec_cases) / sizeof(prec_cases[0]); i++) {
        const struct prec_case *c = &prec_cases[i];
        int ab = listing_precedence(&c->a, &c->b), ba = listing_precedence(&c->b, &c->a);

        if (c->a_wins) {
            ck_assert_msg(ab < 0 && ba > 0, "%s", c->why);
        } else {
            ck_assert_msg(ab == 0 && ba == 0, "%s", c->why);
        }
    }
    struct listing_item d = it(1, 0, 5, 5, 1, 0), p = it(1, 0, 5, 6, 2, 1),
                        o = it(1, 0, 5, 7, 3, 0);
    ck_assert_int_eq(listing_rank(&d), 0);
    ck_assert_int_eq(listing_rank(&p), 1);
    ck_assert_int_eq(listing_rank(&o), 2);
}
END_TEST

START_TEST(test_listing_merge)
{
    /* three SKUs from four publications, in read order (by publication, then key) */
    struct listing_item v[] = {
        it(10, 0, 1, 3, 30, 0), /* SKU 10 through distributor 3 */
        it(12, 0, 1, 3, 30, 0), /* SKU 12 through distributor 3 */
        it(10, 0, 1, 2, 20, 0), /* SKU 10 through distributor 2: lower id wins over 3 */
        it(11, 0, 1, 2, 20, 0), /* SKU 11 through 2 only, but 2 lost it upstream */
        it(11, 0, 1, 4, 40, 1), /* SKU 11 through preferred 4 */
        it(12, 0, 1, 1, 10, 0), /* SKU 12 direct */
        it(10, 7, 1, 3, 30, 0), /* SKU 10's offering 7: an item of its own */
    };
    size_t n;

    v[3].valid = 0;
    n = listing_merge(v, sizeof(v) / sizeof(v[0]), NULL);
    ck_assert_uint_eq(n, 4);
    ck_assert_int_eq(v[0].key.sku_id, 10);
    ck_assert_int_eq(v[0].key.offering_key, 0);
    ck_assert_int_eq(v[0].publisher_id, 2);
    ck_assert_int_eq(v[1].key.sku_id, 10);
    ck_assert_int_eq(v[1].key.offering_key, 7);
    ck_assert_int_eq(v[1].publisher_id, 3);
    ck_assert_int_eq(v[2].key.sku_id, 11);
    ck_assert_int_eq(v[2].publisher_id, 4); /* the dropped row of 2 hides nothing */
    ck_assert_int_eq(v[3].key.sku_id, 12);
    ck_assert_int_eq(v[3].publisher_id, 1);
    ck_assert_int_eq(listing_rank(&v[3]), 0);

    /* a bound keeps the keys up to it, its own included */
    struct listing_item w[] = {it(5, 0, 1, 1, 1, 0), it(9, 0, 1, 1, 1, 0), it(7, 3, 1, 2, 2, 0),
                               it(7, 4, 1, 2, 2, 0)};
    struct pub_key bound = {7, 3};
    n = listing_merge(w, 4, &bound);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(w[0].key.sku_id, 5);
    ck_assert_int_eq(w[1].key.offering_key, 3);
    ck_assert_uint_eq(listing_merge(w, 0, NULL), 0);
}
END_TEST

START_TEST(test_listing_frontier)
{
    size_t counts[] = {3, 2, 3};
    struct pub_key lasts[] = {{9, 0}, {4, 0}, {6, 2}}, f;

    /* sources 0 and 2 were full: nothing past the smaller of their last keys is known */
    ck_assert_int_eq(listing_frontier(counts, lasts, 3, 3, &f), 1);
    ck_assert_int_eq(f.sku_id, 6);
    ck_assert_int_eq(f.offering_key, 2);
    /* all came back short: every source is exhausted */
    ck_assert_int_eq(listing_frontier(counts, lasts, 3, 4, &f), 0);
    ck_assert_int_eq(listing_frontier(counts, lasts, 0, 3, &f), 0);
}
END_TEST

START_TEST(test_listing_path)
{
    struct arena ar;
    int64_t up[] = {1, 2};
    struct listing_item x = it(1, 0, 1, 2, 5, 0);
    int len;
    int64_t *p;

    arena_init(&ar, 0);
    x.upstream = up;
    x.upstream_len = 2;
    p = listing_path(&ar, &x, 3, &len);
    ck_assert_int_eq(len, 3);
    ck_assert_int_eq(p[0], 1);
    ck_assert_int_eq(p[1], 2);
    ck_assert_int_eq(p[2], 3);
    arena_release(&ar);
}
END_TEST

static const char *b64(struct arena *ar, const char *raw)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t n = strlen(raw), o = 0;
    char *out = arena_alloc(ar, n * 2 + 4);

    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)raw[i] << 16;
        if (i + 1 < n)
            v |= (unsigned char)raw[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)raw[i + 2];
        out[o++] = t[(v >> 18) & 63];
        out[o++] = t[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = t[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = t[v & 63];
    }
    out[o] = '\0';
    return out;
}

START_TEST(test_listing_cursor)
{
    static const char *const bad[] = {
        "l1:0.0",  "l1:-1.0", "l1:5",  "l1:5.",   "l1:5.x",   "l1:5.1 ",
        "l2:5.1",  "c1:5",    "l1:.1", "l1:5.-1", "l1:5.1.2", "l1:99999999999999999999.0",
        "l1:5 .1", "",
    };
    struct arena ar;
    struct pub_key k = {123456789012LL, 42}, back;
    const char *c;

    arena_init(&ar, 0);
    c = listing_cursor_encode(&ar, k);
    ck_assert_int_eq(listing_cursor_decode(c, &back), 0);
    ck_assert_int_eq(back.sku_id, k.sku_id);
    ck_assert_int_eq(back.offering_key, 42);
    ck_assert_str_eq(c, b64(&ar, "l1:123456789012.42"));
    ck_assert_int_eq(listing_cursor_decode(b64(&ar, "l1:7.0"), &back), 0);
    ck_assert_int_eq(back.sku_id, 7);
    ck_assert_int_eq(back.offering_key, 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(listing_cursor_decode(b64(&ar, bad[i]), &back) != 0, "'%s'", bad[i]);
    ck_assert_int_ne(listing_cursor_decode("not base64!", &back), 0);
    ck_assert_int_ne(listing_cursor_decode("", &back), 0);
    arena_release(&ar);
}
END_TEST

START_TEST(test_publish_constraints)
{
    static const struct {
        const char *json, *field;
    } cases[] = {
        {"{}", NULL},
        {"{\"required_certification\": \"ISO 13485\"}", NULL},
        {"{\"territory\": [\"EU-North\", \"EU-West\"]}", NULL},
        {"[]", "constraints"},
        {"{\"region\": \"EU\"}", "constraints.region"},
        {"{\"required_certification\": 5}", "constraints.required_certification"},
        {"{\"required_certification\": \"\"}", "constraints.required_certification"},
        {"{\"required_certification\": \"a\\u0001\"}", "constraints.required_certification"},
        {"{\"territory\": []}", "constraints.territory"},
        {"{\"territory\": \"EU\"}", "constraints.territory"},
        {"{\"territory\": [\"EU\", \"EU\"]}", "constraints.territory[1]"},
        {"{\"territory\": [\"EU\", null]}", "constraints.territory[1]"},
        {"{\"territory\": [\"\"]}", "constraints.territory[0]"},
    };
    struct arena ar;

    arena_init(&ar, 0);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct json_object *o = json_tokener_parse(cases[i].json);
        const char *field, *why = publish_check_constraints(&ar, o, &field);

        if (!cases[i].field) {
            ck_assert_msg(why == NULL, "%s: %s", cases[i].json, why);
        } else {
            ck_assert_msg(why != NULL, "%s", cases[i].json);
            ck_assert_str_eq(field, cases[i].field);
        }
        json_object_put(o);
    }
    arena_release(&ar);
}
END_TEST

START_TEST(test_publish_unmet)
{
    struct arena ar;
    struct json_object *both = json_tokener_parse(
        "{\"required_certification\": \"acme\", \"territory\": [\"EU-North\", \"EU-West\"]}");
    struct json_object *certs = json_tokener_parse("[\"iso\", \"acme\"]");
    struct json_object *none = json_tokener_parse("[]");
    struct json_object *empty = json_tokener_parse("{}");
    const char *why;

    arena_init(&ar, 0);
    ck_assert_ptr_null(publish_unmet(&ar, both, certs, "EU-West"));
    ck_assert_ptr_null(publish_unmet(&ar, empty, NULL, NULL));
    ck_assert_ptr_null(publish_unmet(&ar, NULL, NULL, NULL));
    why = publish_unmet(&ar, both, none, "EU-West");
    ck_assert_ptr_nonnull(strstr(why, "lacks the required certification 'acme'"));
    why = publish_unmet(&ar, both, certs, "EU-South");
    ck_assert_str_eq(why, "the recipient's region 'EU-South' is outside the territory "
                          "[\"EU-North\",\"EU-West\"]");
    why = publish_unmet(&ar, both, certs, NULL);
    ck_assert_ptr_nonnull(strstr(why, "has no region"));
    json_object_put(both);
    json_object_put(certs);
    json_object_put(none);
    json_object_put(empty);
    arena_release(&ar);
}
END_TEST

START_TEST(test_publish_keys)
{
    struct arena ar;
    struct pub_key k[] = {{5, 0}, {3, 2}, {5, 0}, {3, 0}, {3, 2}};
    struct pub_key miss = {4, 0};
    size_t n;

    arena_init(&ar, 0);
    n = publish_keys_unique(k, 5);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(publish_keys_json(&ar, k, n), "[[3,0],[3,2],[5,0]]");
    ck_assert_str_eq(publish_keys_json(&ar, k, 0), "[]");
    ck_assert_int_eq(publish_keys_find(k, n, k[2]), 2);
    ck_assert_int_eq(publish_keys_find(k, n, miss), -1);
    ck_assert_int_eq(publish_keys_find(k, 0, miss), -1);
    ck_assert_uint_eq(publish_keys_unique(k, 0), 0);
    arena_release(&ar);
}
END_TEST

Suite *listing_suite(void)
{
    Suite *s = suite_create("listing");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_listing_key_cmp);
    tcase_add_test(tc, test_listing_precedence);
    tcase_add_test(tc, test_listing_merge);
    tcase_add_test(tc, test_listing_frontier);
    tcase_add_test(tc, test_listing_path);
    tcase_add_test(tc, test_listing_cursor);
    tcase_add_test(tc, test_publish_constraints);
    tcase_add_test(tc, test_publish_unmet);
    tcase_add_test(tc, test_publish_keys);
    suite_add_tcase(s, tc);
    return s;
}
