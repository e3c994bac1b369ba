/* Price book and rule checks: names, scopes, windows, selectors, values, tiers, and their text. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "pricing/book.h"
#include "unit.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct str_case {
    const char *in;
    int ok;
};

static void check_strs(const char *(*fn)(const char *), const struct str_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ck_assert_msg((fn(c[i].in) == NULL) == c[i].ok, "'%s': %s", c[i].in,
                      fn(c[i].in) ? fn(c[i].in) : "accepted");
}

START_TEST(test_book_name)
{
    static const struct str_case names[] = {
        {"Dealer channel", 1},
        {"a", 1},
        {"Liste 2025 – Ärzte", 1},
        {"", 0},
        {" ", 0},
        {"   ", 0},
        {"tab\there", 0},
        {"new\nline", 0},
        {"del\x7f", 0},
    };
    char longest[BOOK_NAME_MAX + 2];

    check_strs(book_check_name, names, N(names));
    memset(longest, 'n', sizeof(longest));
    longest[BOOK_NAME_MAX] = '\0';
    ck_assert_ptr_null(book_check_name(longest));
    longest[BOOK_NAME_MAX] = 'n';
    longest[BOOK_NAME_MAX + 1] = '\0';
    ck_assert_str_eq(book_check_name(longest), "must be 1 to 200 bytes");
}
END_TEST

START_TEST(test_book_enums)
{
    static const struct str_case scopes[] = {
        {"global", 1}, {"org", 1}, {"channel", 1}, {"org_channel", 1},
        {"", 0},       {"Org", 0}, {"orgs", 0},    {"channel_org", 0},
    };
    static const struct str_case statuses[] = {
        {"draft", 1}, {"active", 1}, {"retired", 0}, {"Active", 0}, {"", 0}, {"deleted", 0},
    };
    static const struct str_case filters[] = {
        {"draft", 1}, {"active", 1}, {"retired", 1}, {"ACTIVE", 0}, {"", 0},
    };
    static const struct str_case currencies[] = {
        {"EUR", 1}, {"JPY", 1},  {"KWD", 1}, {"CLF", 1}, {"eur", 0},
        {"EU", 0},  {"EURO", 0}, {"XAU", 0}, {"XXX", 0}, {"", 0},
    };
    static const struct str_case selectors[] = {
        {"sku", 1}, {"product", 1}, {"category", 1}, {"all", 1}, {"SKU", 0}, {"brand", 0}, {"", 0},
    };
    static const struct str_case types[] = {
        {"fixed", 1}, {"discount", 1}, {"markup", 1}, {"margin", 1}, {"rebate", 0}, {"", 0},
    };

    check_strs(book_check_scope_type, scopes, N(scopes));
    check_strs(book_check_status, statuses, N(statuses));
    ck_assert_str_eq(book_check_status("retired"),
                     "cannot be set: a book is retired by POST /v1/price-books/{id}/retire");
    check_strs(book_check_status_filter, filters, N(filters));
    check_strs(book_check_currency, currencies, N(currencies));
    check_strs(book_check_selector, selectors, N(selectors));
    check_strs(book_check_rule_type, types, N(types));
}
END_TEST

START_TEST(test_book_priority_and_times)
{
    ck_assert_ptr_null(book_check_priority(0));
    ck_assert_ptr_null(book_check_priority(BOOK_PRIORITY_MIN));
    ck_assert_ptr_null(book_check_priority(BOOK_PRIORITY_MAX));
    ck_assert_ptr_nonnull(book_check_priority(BOOK_PRIORITY_MAX + 1));
    ck_assert_ptr_nonnull(book_check_priority(BOOK_PRIORITY_MIN - 1));
    ck_assert_ptr_nonnull(book_check_priority(INT64_MIN));

    ck_assert_ptr_null(book_check_time(BOOK_TIME_MIN_MS));
    ck_assert_ptr_null(book_check_time(BOOK_TIME_MAX_MS));
    ck_assert_ptr_nonnull(book_check_time(BOOK_TIME_MIN_MS - 1));
    ck_assert_ptr_nonnull(book_check_time(BOOK_TIME_MAX_MS + 1));

    /* [from, to): an empty or inverted window is refused, an open side never */
    ck_assert_ptr_null(book_check_window(1, 1000, 1, 1001));
    ck_assert_str_eq(book_check_window(1, 1000, 1, 1000), "must be after effective_from");
    ck_assert_ptr_nonnull(book_check_window(1, 1000, 1, 999));
    ck_assert_ptr_null(book_check_window(0, 5000, 1, 1000));
    ck_assert_ptr_null(book_check_window(1, 5000, 0, 1000));
    ck_assert_ptr_null(book_check_window(0, 0, 0, 0));
}
END_TEST

START_TEST(test_book_scope_ids)
{
    /* {scope, org given, channel given, org ok, channel ok} */
    static const struct {
        int scope, org, channel, org_ok, channel_ok;
    } cases[] = {
        {PSCOPE_GLOBAL, 0, 0, 1, 1},      {PSCOPE_GLOBAL, 1, 0, 0, 1},
        {PSCOPE_GLOBAL, 0, 1, 1, 0},      {PSCOPE_ORG, 1, 0, 1, 1},
        {PSCOPE_ORG, 0, 0, 0, 1},         {PSCOPE_ORG, 1, 1, 1, 0},
        {PSCOPE_CHANNEL, 0, 1, 1, 1},     {PSCOPE_CHANNEL, 0, 0, 1, 0},
        {PSCOPE_CHANNEL, 1, 1, 0, 1},     {PSCOPE_ORG_CHANNEL, 1, 1, 1, 1},
        {PSCOPE_ORG_CHANNEL, 0, 1, 0, 1}, {PSCOPE_ORG_CHANNEL, 1, 0, 1, 0},
        {PSCOPE_ORG_CHANNEL, 0, 0, 0, 0},
    };

    for (size_t i = 0; i < N(cases); i++) {
        ck_assert_msg((book_check_scope_id(cases[i].scope, 'o', cases[i].org) == NULL) ==
                          cases[i].org_ok,
                      "case %zu org", i);
        ck_assert_msg((book_check_scope_id(cases[i].scope, 'c', cases[i].channel) == NULL) ==
                          cases[i].channel_ok,
                      "case %zu channel", i);
    }
    ck_assert_str_eq(book_check_scope_id(PSCOPE_ORG, 'o', 0), "is required for scope_type org");
    ck_assert_str_eq(book_check_scope_id(PSCOPE_GLOBAL, 'c', 1),
                     "must be null for scope_type global");
    ck_assert_str_eq(book_check_scope_id(PSCOPE_ORG_CHANNEL, 'c', 0),
                     "is required for scope_type org_channel");
    ck_assert_int_eq(book_scope_has_org(PSCOPE_ORG_CHANNEL), 1);
    ck_assert_int_eq(book_scope_has_channel(PSCOPE_ORG), 0);
}
END_TEST

START_TEST(test_book_selector_value)
{
    char category[BOOK_CATEGORY_MAX + 2];
    int64_t id;

    ck_assert_ptr_null(book_check_selector_value(PSEL_SKU, "101", &id));
    ck_assert_int_eq(id, 101);
    ck_assert_ptr_null(book_check_selector_value(PSEL_PRODUCT, "9223372036854775807", &id));
    ck_assert_int_eq(id, INT64_MAX);
    /* the resolver compares ids as the decimal text of the id: one spelling only */
    for (const char *const *bad = (const char *const[]){"0", "007", "-1", "+1", "1.0", " 1", "1e3",
                                                        "x", "", "9223372036854775808", NULL};
         *bad; bad++)
        ck_assert_msg(book_check_selector_value(PSEL_SKU, *bad, &id) != NULL, "'%s'", *bad);
    ck_assert_str_eq(book_check_selector_value(PSEL_SKU, NULL, &id),
                     "is required for selector sku: the SKU's id");
    ck_assert_ptr_nonnull(book_check_selector_value(PSEL_PRODUCT, NULL, &id));

    ck_assert_ptr_null(book_check_selector_value(PSEL_CATEGORY, "analyzers", &id));
    ck_assert_int_eq(id, 0);
    ck_assert_ptr_null(book_check_selector_value(PSEL_CATEGORY, "Imaging & Monitors", &id));
    ck_assert_ptr_nonnull(book_check_selector_value(PSEL_CATEGORY, NULL, &id));
    ck_assert_ptr_nonnull(book_check_selector_value(PSEL_CATEGORY, "", &id));
    ck_assert_ptr_nonnull(book_check_selector_value(PSEL_CATEGORY, "  ", &id));
    ck_assert_ptr_nonnull(book_check_selector_value(PSEL_CATEGORY, "a\tb", &id));
    memset(category, 'c', sizeof(category));
    category[BOOK_CATEGORY_MAX] = '\0';
    ck_assert_ptr_null(book_check_selector_value(PSEL_CATEGORY, category, &id));
    category[BOOK_CATEGORY_MAX] = 'c';
    category[BOOK_CATEGORY_MAX + 1] = '\0';
    ck_assert_ptr_nonnull(book_check_selector_value(PSEL_CATEGORY, category, &id));

    ck_assert_ptr_null(book_check_selector_value(PSEL_ALL, NULL, &id));
    ck_assert_str_eq(book_check_selector_value(PSEL_ALL, "x", &id),
                     "must be null for selector all");
    ck_assert_ptr_nonnull(book_check_selector_value(-1, "1", &id));
}
END_TEST

START_TEST(test_book_values)
{
    /* {value, currency, type, ok} */
    static const struct {
        const char *value, *currency;
        int type, ok;
    } cases[] = {
        {"950", "EUR", PRULE_FIXED, 1},
        {"950.00", "EUR", PRULE_FIXED, 1},
        {"0", "EUR", PRULE_FIXED, 1},
        {"950.000", "EUR", PRULE_FIXED, 0},
        {"-1", "EUR", PRULE_FIXED, 0},
        {"950.5", "JPY", PRULE_FIXED, 0},
        {"950", "JPY", PRULE_FIXED, 1},
        {"0.503", "KWD", PRULE_FIXED, 1},
        {"0.5035", "KWD", PRULE_FIXED, 0},
        {"999999999999999999.99", "EUR", PRULE_FIXED, 1},
        {"1999999999999999999", "EUR", PRULE_FIXED, 0},
        {"1e3", "EUR", PRULE_FIXED, 0},
        {"12", "XXX", PRULE_FIXED, 0},
        {"5", "EUR", PRULE_DISCOUNT, 1},
        {"100", "EUR", PRULE_DISCOUNT, 1},
        {"0.0001", "EUR", PRULE_DISCOUNT, 1},
        {"0.00001", "EUR", PRULE_DISCOUNT, 0},
        {"100.01", "EUR", PRULE_DISCOUNT, 0},
        {"-5", "EUR", PRULE_DISCOUNT, 0},
        {"250", "EUR", PRULE_MARKUP, 1},
        {"-0.5", "EUR", PRULE_MARKUP, 0},
        {"99.9999", "EUR", PRULE_MARGIN, 1},
        {"100", "EUR", PRULE_MARGIN, 0},
        {"0", "EUR", PRULE_MARGIN, 1},
    };
    struct arena ar;

    arena_init(&ar, 0);
    for (size_t i = 0; i < N(cases); i++) {
        const char *why = book_check_value(&ar, cases[i].type, cases[i].value, cases[i].currency);
        ck_assert_msg((why == NULL) == cases[i].ok, "%s %s %s: %s",
                      resolve_rule_type_name(cases[i].type), cases[i].value, cases[i].currency,
                      why ? why : "accepted");
    }
    ck_assert_str_eq(book_check_value(&ar, PRULE_FIXED, "950.000", "EUR"),
                     "has more than 2 decimals");
    arena_release(&ar);
}
END_TEST

START_TEST(test_book_min_qty)
{
    static const struct str_case ok[] = {
        {"1", 1},
        {"0.001", 1},
        {"10.5", 1},
        {"999999999999.999", 1},
        {"0", 0},
        {"-1", 0},
        {"0.0001", 0},
        {"1000000000000", 0},
        {"abc", 0},
        {"1000000000000.5", 0},
        {"00999999999999", 1},
        {"", 0},
    };
    struct arena ar;

    arena_init(&ar, 0);
    for (size_t i = 0; i < N(ok); i++) {
        const char *why = book_check_min_qty(&ar, ok[i].in);
        ck_assert_msg((why == NULL) == ok[i].ok, "'%s': %s", ok[i].in, why ? why : "accepted");
    }
    ck_assert_str_eq(book_check_min_qty(&ar, "0"), "must be a positive quantity");
    arena_release(&ar);
}
END_TEST

START_TEST(test_book_value_text)
{
    struct arena ar;

    arena_init(&ar, 0);
    /* fixed: exactly the currency's decimals; DECIMAL(24, 6) pads with zeros */
    ck_assert_str_eq(book_value_text(&ar, PRULE_FIXED, "950.000000", "EUR"), "950.00");
    ck_assert_str_eq(book_value_text(&ar, PRULE_FIXED, "950.000000", "JPY"), "950");
    ck_assert_str_eq(book_value_text(&ar, PRULE_FIXED, "1.500000", "KWD"), "1.500");
    ck_assert_str_eq(book_value_text(&ar, PRULE_FIXED, "12.5", "EUR"), "12.50");
    ck_assert_str_eq(book_value_text(&ar, PRULE_FIXED, "0.000000", "EUR"), "0.00");
    /* percents: as few decimals as the value needs */
    ck_assert_str_eq(book_value_text(&ar, PRULE_DISCOUNT, "5.000000", "EUR"), "5");
    ck_assert_str_eq(book_value_text(&ar, PRULE_MARGIN, "12.500000", "EUR"), "12.5");
    ck_assert_str_eq(book_value_text(&ar, PRULE_MARKUP, "0.000100", "JPY"), "0.0001");
    /* what cannot be read comes back as it was */
    ck_assert_str_eq(book_value_text(&ar, PRULE_FIXED, "n/a", "EUR"), "n/a");
    ck_assert_ptr_null(book_value_text(&ar, PRULE_FIXED, NULL, "EUR"));
    ck_assert_str_eq(book_qty_text(&ar, "10.000"), "10");
    ck_assert_str_eq(book_qty_text(&ar, "2.500"), "2.5");
    ck_assert_ptr_null(book_qty_text(&ar, NULL));
    arena_release(&ar);
}
END_TEST

START_TEST(test_book_owner_types)
{
    ck_assert_int_eq(book_org_type_may_manage(NULL), 1);
    ck_assert_int_eq(book_org_type_may_manage("manufacturer"), 1);
    ck_assert_int_eq(book_org_type_may_manage("distributor"), 1);
    for (const char *const *t = (const char *const[]){"dealer", "supplier", "service_provider",
                                                      "hospital", "customer", "", NULL};
         *t; t++)
        ck_assert_msg(!book_org_type_may_manage(*t), "%s", *t);
}
END_TEST

Suite *book_suite(void)
{
    Suite *s = suite_create("book");
    TCase *tc = tcase_create("rules");

    tcase_add_test(tc, test_book_name);
    tcase_add_test(tc, test_book_enums);
    tcase_add_test(tc, test_book_priority_and_times);
    tcase_add_test(tc, test_book_scope_ids);
    tcase_add_test(tc, test_book_selector_value);
    tcase_add_test(tc, test_book_values);
    tcase_add_test(tc, test_book_min_qty);
    tcase_add_test(tc, test_book_value_text);
    tcase_add_test(tc, test_book_owner_types);
    suite_add_tcase(s, tc);
    return s;
}
