/* Price book pages: the list, the new-book form, a book with its rules, and their buttons. */
#include "pages/pages_pricing.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "catalog/channel.h"
#include "catalog/channel_http.h"
#include "catalog/product_http.h"
#include "core/flags.h"
#include "core/json.h"
#include "core/sb.h"
#include "db/db.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/rbac.h"
#include "http/request.h"
#include "pages/pages.h"
#include "pages/pages_catalog_db.h"
#include "pages/pages_form.h"
#include "pricing/book.h"
#include "pricing/book_http.h"

#define JSTR(s)  json_object_new_string(s)
#define JBOOL(b) json_object_new_boolean(b)
#define JINT(i)  json_object_new_int64(i)

#define FIX_FIELDS "Nothing was saved: correct the fields marked below."
/* Rules shown on a book's page (the API's largest page). */
#define RULES_SHOWN 200
/* SKU codes and product names a book's page looks up, one API call each. */
#define TARGETS_NAMED 50

static const struct done_text done_texts[] = {
    {"book_created", "The price book was created."},
    {"book_retired", "The price book was retired: it prices nothing any more and stays as it is."},
    {"rule_added", "The rule was added."},
    {"rule_deleted", "The rule was deleted."},
    {NULL, NULL},
};

static const char *const scope_values[] = {"global", "org", "channel", "org_channel", NULL};
static const char *const status_values[] = {"draft", "active", "retired", NULL};
static const char *const write_status_values[] = {"active", "draft", NULL};
static const char *const selector_values[] = {"sku", "product", "category", "all", NULL};
static const char *const rule_type_values[] = {"fixed", "discount", "markup", "margin", NULL};

static const char *const list_keys[] = {"scope_type", "status",     "currency",
                                        "org_id",     "channel_id", "owner_org_id",
                                        "limit",      "cursor",     NULL};
static const char *const filter_fields[] = {"scope_type", "status",     "currency",
                                            "org_id",     "channel_id", "owner_org_id",
                                            "limit",      "cursor",     NULL};
static const char *const book_fields[] = {
    "name",           "scope_type",   "org_id", "channel_id",   "currency", "priority",
    "effective_from", "effective_to", "status", "owner_org_id", NULL};
static const char *const rule_fields[] = {"selector", "selector_value", "rule_type",
                                          "value",    "min_qty",        NULL};

/* ---- names of organizations and channels ---- */

/* Ids a page shows and their names once looked up ("" until then). */
struct names {
    int64_t id[64];
    const char *name[64];
    size_t n;
};

static void names_want(struct names *nm, int64_t id)
{
    if (id <= 0 || nm->n == sizeof(nm->id) / sizeof(nm->id[0]))
        return;
    for (size_t i = 0; i < nm->n; i++)
        if (nm->id[i] == id)
            return;
    nm->name[nm->n] = NULL;
    nm->id[nm->n++] = id;
}

static const char *names_get(const struct names *nm, int64_t id)
{
    for (size_t i = 0; i < nm->n; i++)
        if (nm->id[i] == id)
            return nm->name[i];
    return NULL;
}

/* The organizations' names, in one query; the ids come from what the API answered. */
static int org_names_load(struct req *r, struct names *nm)
{
    struct db_res res;
    struct sb ids;
    int rc;

    if (!nm->n)
        return 0;
    sb_init(&ids, r->ar);
    sb_addc(&ids, '[');
    for (size_t i = 0; i < nm->n; i++)
        sb_printf(&ids, "%s%lld", i ? "," : "", (long long)nm->id[i]);
    sb_addc(&ids, ']');
    rc = db_exec(r->db, r->ar, &Q_PAGES_ORG_NAMES, r->ctx.tenant_id, &res, ids.buf);
    for (int k = 0; !rc && k < res.nrows; k++)
        for (size_t i = 0; i < nm->n; i++)
            if (nm->id[i] == db_at(&res, k, 0)->i)
                nm->name[i] = db_at(&res, k, 1)->s;
    return rc;
}

/* The channels' names, one lookup each (a page names a few). */
static int channel_names_load(struct req *r, struct names *nm)
{
    struct db_res res;
    int rc = 0;

    for (size_t i = 0; !rc && i < nm->n; i++) {
        rc = channel_find(r->db, r->ar, r->ctx.tenant_id, nm->id[i], &res);
        if (!rc && res.nrows == 1)
            nm->name[i] = db_at(&res, 0, CHANNEL_COL_NAME)->s;
    }
    return rc;
}

/* "DL1", or "organization 7" when the name is unknown. */
static const char *named(struct req *r, const struct names *nm, int64_t id, const char *what)
{
    const char *n = names_get(nm, id);

    return n ? n : arena_printf(r->ar, "%s %lld", what, (long long)id);
}

/*
 * Adds to each book of rows what the page shows besides the API's fields: badge, the owner's
 * and the scope's names, and the scope in words ("DL1 at Dealer channel").
 */
static int add_book_texts(struct req *r, struct json_object *rows)
{
    struct names orgs = {0}, chans = {0};
    size_t n = page_jlen(rows);
    int rc;

    for (size_t i = 0; i < n; i++) {
        struct json_object *b = json_object_array_get_idx(rows, i);
        names_want(&orgs, page_jint(b, "owner_org_id"));
        names_want(&orgs, page_jint(b, "org_id"));
        names_want(&chans, page_jint(b, "channel_id"));
    }
    rc = org_names_load(r, &orgs);
    if (!rc)
        rc = channel_names_load(r, &chans);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct json_object *b = json_object_array_get_idx(rows, i);
        int64_t owner = page_jint(b, "owner_org_id"), org = page_jint(b, "org_id"),
                ch = page_jint(b, "channel_id");
        const char *scope = json_str_field(b, "scope_type");

        json_object_object_add(b, "badge", JSTR(page_badge_of(json_str_field(b, "status"))));
        json_object_object_add(b, "owner",
                               JSTR(owner ? named(r, &orgs, owner, "organization") : "the tenant"));
        if (org)
            json_object_object_add(b, "org_name", JSTR(named(r, &orgs, org, "organization")));
        if (ch)
            json_object_object_add(b, "channel_name", JSTR(named(r, &chans, ch, "channel")));
        json_object_object_add(
            b, "scope_text",
            JSTR(!scope || strcmp(scope, "global") == 0 ? "everyone"
                 : strcmp(scope, "org") == 0            ? named(r, &orgs, org, "organization")
                 : strcmp(scope, "channel") == 0
                     ? arena_printf(r->ar, "the %s", named(r, &chans, ch, "channel"))
                     : arena_printf(r->ar, "%s at %s", named(r, &orgs, org, "organization"),
                                    named(r, &chans, ch, "channel"))));
    }
    return 0;
}

/* Whether the user may list the channels, as the route table would let it. */
static int channels_readable(const struct req *r)
{
    return page_flag_on(r, FLAG_CHANNELS) && page_may(r, RES_CHANNELS, ACT_READ);
}

/* ---- the list ---- */

int pages_http_price_books(struct req *r)
{
    struct json_object *d = page_data(r, "Price books");
    int st = page_list_data(r, d, book_http_list, "/price-books", list_keys, filter_fields), rc;

    if (st != 200 && st != 400)
        return page_api_problem(r);
    rc = add_book_texts(r, page_jget(d, "rows"));
    if (rc)
        return problem_db(r, rc, "price book names");
    json_object_object_add(d, "scope_options",
                           page_options(scope_values, req_query(r, "scope_type")));
    json_object_object_add(d, "status_options",
                           page_options(status_values, req_query(r, "status")));
    json_object_object_add(d, "may_create", JBOOL(page_may(r, RES_PRICE_BOOKS, ACT_CREATE)));
    return page_render(r, st, "pricing/books", d);
}

/* ---- a new book ---- */

/* A select's choices of an id field, or NULL: the form asks for the id instead. */
static void add_id_field(struct json_object *f, const char *key, struct json_object *choices,
                         const char *typed)
{
    char k[64];

    snprintf(k, sizeof(k), "%s_options", key);
    if (choices)
        json_object_object_add(f, k, choices);
    snprintf(k, sizeof(k), "%s_select", key);
    json_object_object_add(f, k, JBOOL(choices != NULL));
    json_object_object_add(f, key, JSTR(page_or_empty(typed)));
}

static int64_t typed_id(const char *typed)
{
    int64_t id = 0;

    return typed && params_id(typed, &id) == 0 ? id : 0;
}

/* The tenant's manufacturers and distributors: who may own a book. NULL as page_org_choices. */
static struct json_object *owner_choices(struct req *r, int64_t selected)
{
    struct json_object *m = page_org_choices(r, "manufacturer", selected, 0),
                       *d = page_org_choices(r, "distributor", selected, 0);
    size_t n = page_jlen(d);

    if (!m || !d) {
        json_object_put(m);
        json_object_put(d);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        json_object_array_add(m, json_object_get(json_object_array_get_idx(d, i)));
    json_object_put(d);
    return m;
}

static struct json_object *channel_choices(struct req *r, int64_t selected)
{
    struct json_object *out;

    if (!channels_readable(r) || page_api(r, channel_http_list, "limit=200", NULL, &out) != 0 ||
        json_str_field(out, "next_cursor"))
        return NULL;
    return page_row_choices(page_jget(out, "data"), selected, 0);
}

static void add_text(struct json_object *f, struct req *r, const char *key)
{
    json_object_object_add(f, key, JSTR(page_or_empty(page_form_val(r, key))));
}

/* The new-book form, filled with what was sent (nothing on a GET). */
static int book_new_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *d = page_data(r, "New price book"), *f = json_object_new_object();
    const char *scope = page_form_val(r, "scope_type"), *st = page_form_val(r, "status"),
               *org = page_form_val(r, "org_id"), *ch = page_form_val(r, "channel_id"),
               *owner = page_form_val(r, "owner_org_id"), *cur = page_form_val(r, "currency");

    add_text(f, r, "name");
    add_text(f, r, "priority");
    add_text(f, r, "effective_from");
    add_text(f, r, "effective_to");
    json_object_object_add(f, "currency", JSTR(cur ? cur : "EUR"));
    json_object_object_add(f, "scope_options", page_options(scope_values, scope));
    json_object_object_add(f, "status_options",
                           page_options(write_status_values, st ? st : "active"));
    add_id_field(f, "org_id", page_org_choices(r, NULL, typed_id(org), 0), org);
    add_id_field(f, "channel_id", channel_choices(r, typed_id(ch)), ch);
    if (r->ctx.org_id)
        json_object_object_add(f, "own_org", JSTR(page_or_empty(r->ctx.org_name)));
    else
        add_id_field(f, "owner_org_id", owner_choices(r, typed_id(owner)), owner);
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    page_add_field_errors(r, d, prob, book_fields, NULL);
    return page_render(r, status, "pricing/books_new", d);
}

int pages_http_price_book_new(struct req *r)
{
    /* the API's own answer for an organization that has no books (403) */
    if (r->ctx.org_id && !book_org_type_may_manage(r->ctx.org_type))
        return problem(r, PROB_FORBIDDEN, "only manufacturers and distributors manage price books");
    return book_new_page(r, 200, NULL, NULL);
}

/*
 * A time from a form: a datetime-local value ("2025-06-01T00:00") is UTC, as the form says;
 * anything else goes as typed, for the API to judge.
 */
static const char *form_time(struct req *r, const char *v)
{
    size_t n = strlen(v);

    if (n == 16 && v[10] == 'T')
        return arena_printf(r->ar, "%s:00Z", v);
    if (n == 19 && v[10] == 'T')
        return arena_printf(r->ar, "%sZ", v);
    return v;
}

int pages_http_price_book_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *v;
    int rc;

    page_form_text(r, body, "name");
    page_form_text(r, body, "scope_type");
    page_form_int(r, body, "org_id");
    page_form_int(r, body, "channel_id");
    page_form_text(r, body, "currency");
    page_form_int(r, body, "priority");
    if ((v = page_form_val(r, "effective_from")))
        json_object_object_add(body, "effective_from", JSTR(form_time(r, v)));
    if ((v = page_form_val(r, "effective_to")))
        json_object_object_add(body, "effective_to", JSTR(form_time(r, v)));
    page_form_text(r, body, "status");
    /* an organization's books are its own; the tenant's users may give one to an owner */
    if (!r->ctx.org_id && (v = page_form_val(r, "owner_org_id")))
        json_object_object_add(body, "owner_org_id", page_int_or_text(v));
    rc = page_api(r, book_http_create, NULL, body, &out);
    if (rc == 400 || rc == 422)
        return book_new_page(r, rc, FIX_FIELDS, r->api_problem);
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, arena_printf(r->ar, "/price-books/%lld?done=book_created",
                                         (long long)page_jint(out, "id")));
}

/* ---- one book and its rules ---- */

/* A rule's value for people: "950.00 EUR", "5 %". */
static const char *value_text(struct req *r, struct json_object *rule, const char *currency)
{
    const char *type = json_str_field(rule, "rule_type"), *v = json_str_field(rule, "value");

    if (type && strcmp(type, "fixed") == 0)
        return arena_printf(r->ar, "%s %s", page_or_empty(v), page_or_empty(currency));
    return arena_printf(r->ar, "%s %%", page_or_empty(v));
}

/*
 * What a rule's selector_value names, for people: the SKU's code or the product's name when
 * the user may read the catalog (up to TARGETS_NAMED lookups), else the id.
 */
static const char *target_text(struct req *r, struct json_object *rule, int *lookups)
{
    const char *sel = json_str_field(rule, "selector"), *v = json_str_field(rule, "selector_value");
    struct json_object *out;
    int64_t id = typed_id(v);
    int is_sku = sel && strcmp(sel, "sku") == 0;

    if (!sel || strcmp(sel, "all") == 0)
        return "every item";
    if (strcmp(sel, "category") == 0)
        return page_or_empty(v);
    if (id && page_flag_on(r, FLAG_CATALOG_PUBLISHING) && page_may(r, RES_CATALOG, ACT_READ) &&
        (*lookups)++ < TARGETS_NAMED &&
        page_api_at(r, is_sku ? product_http_sku_get : product_http_get, id, 0, NULL, NULL, &out) ==
            0)
        return arena_printf(r->ar, "%s %s", is_sku ? "SKU" : "product",
                            page_or_empty(json_str_field(out, is_sku ? "sku_code" : "name")));
    return arena_printf(r->ar, "%s %s", is_sku ? "SKU" : "product", page_or_empty(v));
}

/*
 * The page of book {id} (the page's own id, or id when not 0): its fields, its rules and, for
 * who may, the add-rule form and the delete and retire buttons. After a failed form: status,
 * a message and the API's problem (what was typed is in the form).
 */
static int book_page(struct req *r, int64_t id, int status, const char *error,
                     struct json_object *prob)
{
    struct json_object *b, *d, *out, *rules, *list, *f, *one;
    const char *sel, *type, *currency;
    int lookups = 0, retired, rc;
    size_t n;

    rc = id ? page_api_at(r, book_http_get, id, 0, NULL, NULL, &b)
            : page_api(r, book_http_get, NULL, NULL, &b);
    if (rc)
        return page_api_problem(r);
    id = page_jint(b, "id");
    currency = json_str_field(b, "currency");
    retired = strcmp(page_or_empty(json_str_field(b, "status")), "retired") == 0;
    d = page_data(r, page_or_empty(json_str_field(b, "name")));
    one = json_object_new_array();
    json_object_array_add(one, json_object_get(b));
    rc = add_book_texts(r, one);
    json_object_put(one);
    if (rc)
        return problem_db(r, rc, "price book names");
    page_jshare(d, "book", b);

    rc = page_api(r, book_http_rule_list,
                  arena_printf(r->ar, "price_book_id=%lld&limit=%d", (long long)id, RULES_SHOWN),
                  NULL, &out);
    if (rc)
        return page_api_problem(r);
    list = page_jget(out, "data");
    rules = json_object_new_array();
    n = page_jlen(list);
    for (size_t i = 0; i < n; i++) {
        struct json_object *ru = json_object_array_get_idx(list, i), *o = json_object_new_object();
        page_jshare(o, "id", page_jget(ru, "id"));
        page_jshare(o, "version", page_jget(ru, "version"));
        page_jshare(o, "selector", page_jget(ru, "selector"));
        page_jshare(o, "rule_type", page_jget(ru, "rule_type"));
        page_jshare(o, "min_qty", page_jget(ru, "min_qty"));
        json_object_object_add(o, "target", JSTR(target_text(r, ru, &lookups)));
        json_object_object_add(o, "value_text", JSTR(value_text(r, ru, currency)));
        json_object_array_add(rules, o);
    }
    json_object_object_add(d, "rules", rules);
    json_object_object_add(d, "rules_more", JBOOL(json_str_field(out, "next_cursor") != NULL));
    json_object_object_add(d, "rules_shown", JINT(RULES_SHOWN));
    json_object_object_add(d, "retired", JBOOL(retired));
    json_object_object_add(d, "may_delete",
                           JBOOL(!retired && page_may(r, RES_PRICE_BOOKS, ACT_DELETE)));
    json_object_object_add(d, "may_retire",
                           JBOOL(!retired && page_may(r, RES_PRICE_BOOKS, ACT_UPDATE)));
    if (!retired && page_may(r, RES_PRICE_BOOKS, ACT_CREATE)) {
        sel = page_form_val(r, "selector");
        type = page_form_val(r, "rule_type");
        f = json_object_new_object();
        json_object_object_add(f, "selector_options",
                               page_options(selector_values, sel ? sel : "sku"));
        json_object_object_add(f, "rule_type_options",
                               page_options(rule_type_values, type ? type : "fixed"));
        add_text(f, r, "selector_value");
        add_text(f, r, "value");
        add_text(f, r, "min_qty");
        json_object_object_add(f, "currency", JSTR(page_or_empty(currency)));
        json_object_object_add(d, "form", f);
    }
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    page_add_field_errors(r, d, prob, rule_fields, NULL);
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, status, "pricing/books_detail", d);
}

int pages_http_price_book(struct req *r)
{
    return book_page(r, 0, 200, NULL, NULL);
}

/*
 * selector_value as the API wants it: a SKU typed by its code becomes its id when the user
 * can see one of that code; anything else goes as typed, for the API to judge.
 */
static struct json_object *selector_value(struct req *r, const char *sel, const char *v)
{
    struct json_object *out, *rows;
    struct sb q;

    if (sel && strcmp(sel, "sku") == 0 && !typed_id(v) &&
        page_flag_on(r, FLAG_CATALOG_PUBLISHING) && page_may(r, RES_CATALOG, ACT_READ)) {
        sb_init(&q, r->ar);
        sb_adds(&q, "limit=1&sku_code=");
        sb_add_url(&q, v, strlen(v));
        if (page_api(r, product_http_sku_list, q.buf, NULL, &out) == 0 &&
            page_jlen(rows = page_jget(out, "data")) == 1)
            return JINT(page_jint(json_object_array_get_idx(rows, 0), "id"));
    }
    return page_int_or_text(v);
}

int pages_http_price_rule_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *sel = page_form_val(r, "selector"), *v;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return problem(r, PROB_NOT_FOUND, "no price book at '%s'", r->path);
    json_object_object_add(body, "price_book_id", JINT(id));
    if (sel)
        json_object_object_add(body, "selector", JSTR(sel));
    if ((v = page_form_val(r, "selector_value")))
        json_object_object_add(body, "selector_value", selector_value(r, sel, v));
    page_form_text(r, body, "rule_type");
    page_form_text(r, body, "value");
    page_form_text(r, body, "min_qty");
    rc = page_api(r, book_http_rule_create, NULL, body, &out);
    if (rc == 400 || rc == 422)
        return book_page(r, 0, rc, FIX_FIELDS, r->api_problem);
    if (rc == 409)
        return book_page(r, 0, rc,
                         arena_printf(r->ar, "Nothing was saved: %s.", page_api_detail(r)), NULL);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/price-books/%lld?done=rule_added#rules", (long long)id));
}

int pages_http_price_book_retire(struct req *r)
{
    struct json_object *out;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return problem(r, PROB_NOT_FOUND, "no price book at '%s'", r->path);
    rc = page_api_if_match(r, book_http_retire, 0, NULL, &out);
    if (rc == 412)
        return book_page(r, 0, 412,
                         "Someone changed this price book meanwhile. Nothing was saved: the page "
                         "now shows it as it is; retire it again if you still mean to.",
                         NULL);
    if (rc == 409)
        return book_page(r, 0, rc,
                         arena_printf(r->ar, "Nothing was saved: %s.", page_api_detail(r)), NULL);
    if (rc)
        return page_api_problem(r);
    return page_redirect(r,
                         arena_printf(r->ar, "/price-books/%lld?done=book_retired", (long long)id));
}

int pages_http_price_rule_delete(struct req *r)
{
    struct json_object *rule, *out;
    int64_t id, book;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return problem(r, PROB_NOT_FOUND, "no price rule at '%s'", r->path);
    rc = page_api(r, book_http_rule_get, NULL, NULL, &rule);
    if (rc)
        return page_api_problem(r);
    book = page_jint(rule, "price_book_id");
    rc = page_api_if_match(r, book_http_rule_delete, 0, NULL, &out);
    if (rc == 412)
        return book_page(r, book, 412,
                         "Someone changed this rule meanwhile. Nothing was saved: the table now "
                         "shows it as it is; delete it again if you still mean to.",
                         NULL);
    if (rc == 409)
        return book_page(r, book, rc,
                         arena_printf(r->ar, "Nothing was saved: %s.", page_api_detail(r)), NULL);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/price-books/%lld?done=rule_deleted#rules", (long long)book));
}
