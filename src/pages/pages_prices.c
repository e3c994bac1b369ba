/* The price check page: a SKU's price for an organization and channel, and the trace of why. */
#include "pages/pages_http.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "catalog/channel_http.h"
#include "catalog/product_http.h"
#include "core/flags.h"
#include "core/json.h"
#include "core/sb.h"
#include "http/params.h"
#include "http/rbac.h"
#include "http/request.h"
#include "org/rel_http.h"
#include "pages/pages.h"
#include "pages/pages_form.h"
#include "pricing/price_http.h"

#define JSTR(s)  json_object_new_string(s)
#define JBOOL(b) json_object_new_boolean(b)
#define JINT(i)  json_object_new_int64(i)

/* The form's fields, as the query names them (sku_code stands for the API's sku_id). */
static const char *const check_fields[] = {"sku_code", "org_id", "channel_id", "qty",
                                           "currency", "at",     "region",     NULL};
static const char *const check_rename[] = {"sku_id", "sku_code", NULL};

/* A form field from the query, trimmed; NULL when absent or blank. */
static const char *field(struct req *r, const char *name)
{
    const char *v = req_query(r, name);
    size_t n;

    if (!v)
        return NULL;
    while (*v == ' ')
        v++;
    n = strlen(v);
    while (n && v[n - 1] == ' ')
        n--;
    return n ? arena_strndup(r->ar, v, n) : NULL;
}

static void add_pair(struct sb *q, const char *key, const char *val)
{
    if (!val)
        return;
    if (q->len)
        sb_addc(q, '&');
    sb_adds(q, key);
    sb_addc(q, '=');
    sb_add_url(q, val, strlen(val));
}

/* The channels as options, or NULL when the user may not list them all (an id to type). */
static struct json_object *channel_options(struct req *r, int64_t selected)
{
    struct json_object *out;

    if (!page_flag_on(r, FLAG_CHANNELS) || !page_may(r, RES_CHANNELS, ACT_READ) ||
        page_api(r, channel_http_list, "limit=200", NULL, &out) != 0 ||
        json_str_field(out, "next_cursor"))
        return NULL;
    return page_row_choices(page_jget(out, "data"), selected, 0);
}

/*
 * An organization's user prices for its own organization and, a manufacturer or
 * distributor, for its direct children: those are its choices (the API decides anyway).
 */
static struct json_object *own_org_options(struct req *r, int64_t selected)
{
    struct json_object *a = json_object_new_array(), *out, *rows;
    const char *t = r->ctx.org_type;

    page_option_add(a, r->ctx.org_id, r->ctx.org_name ? r->ctx.org_name : "your organization",
                    !selected || selected == r->ctx.org_id);
    if (!t || (strcmp(t, "manufacturer") != 0 && strcmp(t, "distributor") != 0) ||
        !page_flag_on(r, FLAG_ORG) || !page_may(r, RES_RELATIONSHIPS, ACT_READ) ||
        page_api_at(r, rel_http_list, r->ctx.org_id, 0, "side=children&active=true&limit=200", NULL,
                    &out) != 0)
        return a;
    rows = page_jget(out, "data");
    for (size_t i = 0; i < page_jlen(rows); i++) {
        struct json_object *o = json_object_array_get_idx(rows, i), *c = page_jget(o, "child");
        const char *rt = json_str_field(o, "relation_type");
        if (!c || !rt || (strcmp(rt, "distributor_of") != 0 && strcmp(rt, "dealer_of") != 0))
            continue;
        page_option_add(a, page_jint(c, "id"), page_or_empty(json_str_field(c, "name")),
                        selected == page_jint(c, "id"));
    }
    return a;
}

/* A provenance line as the trace shows it: what it is, and whether it was taken and why. */
static struct json_object *trace_row(struct req *r, struct json_object *l)
{
    struct json_object *o = json_object_new_object();
    const char *kind = page_or_empty(json_str_field(l, "kind"));
    struct json_object *taken = page_jget(l, "taken");
    const char *what;

    if (strcmp(kind, "book") == 0) {
        const char *name = json_str_field(l, "book_name");
        what = arena_printf(r->ar, "Book %lld%s%s%s · %s · %s",
                            (long long)page_jint(l, "price_book_id"), name ? " “" : "",
                            name ? name : "", name ? "”" : "",
                            page_or_empty(json_str_field(l, "scope_type")),
                            page_or_empty(json_str_field(l, "currency")));
    } else if (strcmp(kind, "rule") == 0) {
        const char *sv = json_str_field(l, "selector_value"), *mq = json_str_field(l, "min_qty");
        what = arena_printf(
            r->ar, "Rule %lld · %s %s · %s%s%s%s%s", (long long)page_jint(l, "rule_id"),
            page_or_empty(json_str_field(l, "rule_type")),
            page_or_empty(json_str_field(l, "value")), page_or_empty(json_str_field(l, "selector")),
            sv ? " " : "", sv ? sv : "", mq ? " · from qty " : "", mq ? mq : "");
        json_object_object_add(o, "rule", JBOOL(1));
    } else if (strcmp(kind, "fx") == 0) {
        const char *v = json_str_field(l, "value");
        what = v ? arena_printf(r->ar, "FX rate %s", v) : "FX rate";
    } else {
        const char *v = json_str_field(l, "value");
        what = v ? arena_printf(r->ar, "Tax %s %%", v) : "Tax";
    }
    json_object_object_add(o, "what", JSTR(what));
    json_object_object_add(o, "taken", JBOOL(taken && json_object_get_boolean(taken)));
    json_object_object_add(o, "reason", JSTR(page_or_empty(json_str_field(l, "reason"))));
    return o;
}

static void add_trace(struct req *r, struct json_object *d, struct json_object *prov)
{
    struct json_object *rows = json_object_new_array();

    for (size_t i = 0; i < page_jlen(prov); i++)
        json_object_array_add(rows, trace_row(r, json_object_array_get_idx(prov, i)));
    json_object_object_add(d, "trace", rows);
    json_object_object_add(d, "has_trace", JBOOL(page_jlen(prov) > 0));
}

/* The API's refusal on the page: its message, its field errors by the form's fields. */
static int refused(struct req *r, struct json_object *d, int st)
{
    struct json_object *prob = r->api_problem;

    json_object_object_add(
        d, "error", JSTR(st == 400 ? "Correct the fields marked below." : page_api_detail(r)));
    page_add_field_errors(r, d, prob, check_fields, check_rename);
    if (page_jget(prob, "provenance"))
        add_trace(r, d, page_jget(prob, "provenance"));
    return page_render(r, st, "pricing/check", d);
}

int pages_http_price_check(struct req *r)
{
    struct json_object *d = page_data(r, "Price check"), *f = json_object_new_object(), *out,
                       *choices;
    const char *code = field(r, "sku_code"), *v;
    int64_t org = 0, channel = 0;
    struct sb q;
    int rc;

    for (size_t i = 0; check_fields[i]; i++)
        if ((v = field(r, check_fields[i])))
            json_object_object_add(f, check_fields[i], JSTR(v));
    json_object_object_add(d, "form", f);
    if ((v = field(r, "org_id")) && params_id(v, &org) != 0)
        org = 0;
    if ((v = field(r, "channel_id")) && params_id(v, &channel) != 0)
        channel = 0;
    if (r->ctx.org_id) {
        json_object_object_add(d, "org_options", own_org_options(r, org));
    } else {
        choices = page_org_choices(r, NULL, org, 0);
        if (choices)
            json_object_object_add(d, "org_options", choices);
        json_object_object_add(d, "org_input", JBOOL(!choices));
        json_object_object_add(d, "org_any", JBOOL(choices != NULL));
    }
    choices = channel_options(r, channel);
    if (choices)
        json_object_object_add(d, "channel_options", choices);
    json_object_object_add(d, "channel_input", JBOOL(!choices));
    if (!code)
        return page_render(r, 200, "pricing/check", d);

    /* the code as the user may read it in the catalog, then the API's answer */
    sb_init(&q, r->ar);
    add_pair(&q, "sku_code", code);
    rc = page_api(r, product_http_sku_list, q.buf, NULL, &out);
    if (rc == 400)
        return refused(r, d, 400);
    if (rc)
        return page_api_problem(r);
    if (page_jlen(page_jget(out, "data")) != 1) {
        struct json_object *errs = json_object_new_object();
        json_object_object_add(errs, "sku_code", JSTR("no SKU you may see has this code"));
        json_object_object_add(d, "errors", errs);
        json_object_object_add(d, "error", JSTR("Correct the fields marked below."));
        return page_render(r, 404, "pricing/check", d);
    }
    sb_init(&q, r->ar);
    sb_printf(&q, "sku_id=%lld",
              (long long)page_jint(json_object_array_get_idx(page_jget(out, "data"), 0), "id"));
    for (size_t i = 1; check_fields[i]; i++)
        add_pair(&q, check_fields[i], field(r, check_fields[i]));
    rc = page_api(r, price_http_resolve, q.buf, NULL, &out);
    if (rc == 400 || rc == 403 || rc == 404 || rc == 422)
        return refused(r, d, rc);
    if (rc)
        return page_api_problem(r);
    page_jshare(d, "result", out);
    add_trace(r, d, page_jget(out, "provenance"));
    if (page_jint(out, "org_id") && page_jint(out, "channel_id")) {
        sb_init(&q, r->ar);
        sb_printf(&q, "/prices/list.csv?org_id=%lld&channel_id=%lld",
                  (long long)page_jint(out, "org_id"), (long long)page_jint(out, "channel_id"));
        sb_adds(&q, "&currency=");
        sb_adds(&q, page_or_empty(json_str_field(out, "currency")));
        if ((v = field(r, "region"))) {
            sb_adds(&q, "&region=");
            sb_add_url(&q, v, strlen(v));
        }
        json_object_object_add(d, "list_href", JSTR(q.buf));
    }
    return page_render(r, 200, "pricing/check", d);
}
