/* Catalog pages: relationships, channels, products and SKUs, the listing, publications, publishing.
 */
#include "pages/pages_http.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <json-c/json.h>

#include "catalog/channel.h"
#include "catalog/channel_http.h"
#include "catalog/listing.h"
#include "catalog/product.h"
#include "catalog/product_http.h"
#include "catalog/publish_http.h"
#include "core/flags.h"
#include "core/json.h"
#include "core/sb.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/rbac.h"
#include "http/request.h"
#include "identity/identity_http.h"
#include "org/org.h"
#include "org/org_http.h"
#include "org/rel.h"
#include "org/rel_http.h"
#include "pages/pages.h"
#include "pages/pages_catalog_db.h"
#include "pages/pages_form.h"

#define JSTR(s)  json_object_new_string(s)
#define JBOOL(b) json_object_new_boolean(b)
#define JINT(i)  json_object_new_int64(i)

#define FIX_FIELDS "Nothing was saved: correct the fields marked below."

/* The most SKU codes one publish or unlist form resolves, one API call each. */
#define FORM_CODES_MAX 500
/* The catalog browser with a filter reads at most this many API pages of 200 per page. */
#define SCAN_PAGES 10
/* Relationships and SKUs shown on an organization's and a product's page. */
#define ROWS_SHOWN 100

/* What ?done= may say after a redirect: fixed texts, never words from the URL. */
static const struct done_text done_texts[] = {
    {"relationship_added", "The relationship was added."},
    {"relationship_ended", "The relationship was ended."},
    {"channel_created", "The channel was created."},
    {"product_created", "The product was created."},
    {"sku_created", "The SKU was added."},
    {"published", "The items were published: a new version was written."},
    {"unlisted", "The items were unlisted: a new version was written."},
    {"unchanged", "No item was added or removed: the publication held them as asked already."},
    {"rolled_back", "The publication was rolled back: a new version holds the older items."},
    {NULL, NULL},
};

/* ---- helpers ---- */

static int channels_readable(const struct req *r)
{
    return page_flag_on(r, FLAG_CHANNELS) && page_may(r, RES_CHANNELS, ACT_READ);
}

static int catalog_on(const struct req *r)
{
    return page_flag_on(r, FLAG_CATALOG_PUBLISHING);
}

/* A query parameter that is an id, else 0 (the page then shows the choice unmade). */
static int64_t query_id(struct req *r, const char *key)
{
    const char *v = req_query(r, key);
    int64_t id;

    return v && params_id(v, &id) == 0 ? id : 0;
}

/* "key=value" with the value percent-encoded, for a query built from pieces. */
static const char *qpair(struct req *r, const char *key, const char *value)
{
    struct sb q;

    sb_init(&q, r->ar);
    sb_adds(&q, key);
    sb_addc(&q, '=');
    sb_add_url(&q, value, strlen(value));
    return q.buf;
}

/* An enum value for people: "distributor_of" as "distributor of". */
static const char *spaced(struct req *r, const char *v)
{
    char *s = arena_strdup(r->ar, page_or_empty(v));

    for (char *p = s; *p; p++)
        if (*p == '_')
            *p = ' ';
    return s;
}

/* ---- names of organizations ---- */

/* Organization ids a page shows, and their names once looked up. */
struct names {
    int64_t *id;
    const char **name;
    size_t n, cap;
};

static void names_want(struct req *r, struct names *nm, int64_t id)
{
    if (id <= 0)
        return;
    for (size_t i = 0; i < nm->n; i++)
        if (nm->id[i] == id)
            return;
    if (nm->n == nm->cap) {
        size_t cap = nm->cap ? nm->cap * 2 : 16;
        int64_t *v = arena_alloc(r->ar, sizeof(*v) * cap);
        const char **s = arena_zalloc(r->ar, sizeof(*s) * cap);
        if (nm->n) {
            memcpy(v, nm->id, sizeof(*v) * nm->n);
            memcpy(s, nm->name, sizeof(*s) * nm->n);
        }
        nm->id = v;
        nm->name = s;
        nm->cap = cap;
    }
    nm->id[nm->n++] = id;
}

/*
 * Looks up the names of the ids wanted, in one query. The ids come from what the API
 * answered this user (owners, publishers, paths), so a name shown is of an organization the
 * answer named already. Returns 0 or a DB_E* code.
 */
static int names_load(struct req *r, struct names *nm)
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
    if (rc)
        return rc;
    for (int k = 0; k < res.nrows; k++)
        for (size_t i = 0; i < nm->n; i++)
            if (nm->id[i] == db_at(&res, k, 0)->i)
                nm->name[i] = db_at(&res, k, 1)->s;
    return 0;
}

/* The name of id, or "organization <id>" when it has none (or is not of this tenant). */
static const char *names_get(struct req *r, const struct names *nm, int64_t id)
{
    for (size_t i = 0; i < nm->n; i++)
        if (nm->id[i] == id && nm->name[i])
            return nm->name[i];
    return arena_printf(r->ar, "organization %lld", (long long)id);
}

/* ---- relationships, on an organization's page ---- */

static const char *const rel_fields[] = {"child_org_id", "relation_type", "preferred", "active_to",
                                         NULL};

/*
 * What a failed relationship form leaves for the organization's page it shows again: the
 * message, the API's problem and what was typed. Set only while that page renders.
 */
static struct {
    const char *error;
    struct json_object *prob, *typed;
} rel_again;

/* Now as RFC 3339 UTC with milliseconds, as the API writes times (they compare as text). */
static const char *now_rfc3339(struct req *r)
{
    struct timespec ts;
    struct tm tm;
    char at[32];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%S", &tm);
    return arena_printf(r->ar, "%s.%03ldZ", at, ts.tv_nsec / 1000000);
}

/* A row of GET /v1/orgs/{id}/relationships as the page shows it, seen from org_id. */
static struct json_object *rel_row(struct req *r, struct json_object *rel, int64_t org_id,
                                   const char *now)
{
    struct json_object *o = json_object_new_object();
    int as_parent = page_jint(rel, "parent_org_id") == org_id;
    const char *to = json_str_field(rel, "active_to"), *from = json_str_field(rel, "active_from");
    const char *state = json_object_get_boolean(page_jget(rel, "active")) ? "active"
                        : to && strcmp(to, now) <= 0                      ? "ended"
                        : from && strcmp(from, now) > 0                   ? "scheduled"
                                                                          : "ended";

    json_object_object_add(o, "id", JINT(page_jint(rel, "id")));
    page_jshare(o, "other", page_jget(rel, as_parent ? "child" : "parent"));
    page_jshare(o, "relation_type", page_jget(rel, "relation_type"));
    json_object_object_add(o, "relation", JSTR(spaced(r, json_str_field(rel, "relation_type"))));
    json_object_object_add(o, "preferred",
                           JBOOL(json_object_get_boolean(page_jget(rel, "preferred"))));
    page_jshare(o, "active_from", page_jget(rel, "active_from"));
    page_jshare(o, "active_to", page_jget(rel, "active_to"));
    json_object_object_add(o, "state", JSTR(state));
    json_object_object_add(o, "badge", JSTR(page_badge_of(state)));
    json_object_object_add(o, "version", JINT(page_jint(rel, "version")));
    /* the parent's users end a relationship; one that is over stays as history */
    json_object_object_add(o, "may_end",
                           JBOOL(strcmp(state, "ended") != 0 &&
                                 page_may(r, RES_RELATIONSHIPS, ACT_UPDATE) &&
                                 (!r->ctx.org_id || r->ctx.org_id == org_id) && as_parent));
    return o;
}

int pages_org_relationships(struct req *r, struct json_object *d, int64_t org_id)
{
    struct json_object *out, *rows, *rels, *parents, *children, *f;
    const char *now = now_rfc3339(r);
    size_t n;
    int rc;

    if (!page_flag_on(r, FLAG_ORG) || !page_may(r, RES_RELATIONSHIPS, ACT_READ))
        return 0;
    rc = page_api_at(r, rel_http_list, org_id, 0, arena_printf(r->ar, "limit=%d", ROWS_SHOWN), NULL,
                     &out);
    if (rc)
        return rc;
    rels = json_object_new_object();
    parents = json_object_new_array();
    children = json_object_new_array();
    rows = page_jget(out, "data");
    n = page_jlen(rows);
    for (size_t i = 0; i < n; i++) {
        struct json_object *rel = json_object_array_get_idx(rows, i);
        json_object_array_add(page_jint(rel, "parent_org_id") == org_id ? children : parents,
                              rel_row(r, rel, org_id, now));
    }
    json_object_object_add(rels, "parents", parents);
    json_object_object_add(rels, "children", children);
    json_object_object_add(rels, "more", JBOOL(json_str_field(out, "next_cursor") != NULL));
    json_object_object_add(rels, "shown", JINT(ROWS_SHOWN));
    json_object_object_add(rels, "org_id", JINT(org_id));
    if (page_may(r, RES_RELATIONSHIPS, ACT_CREATE) && (!r->ctx.org_id || r->ctx.org_id == org_id)) {
        struct json_object *t = rel_again.typed, *choices;
        const char *child = t ? json_str_field(t, "child_org_id") : NULL;
        int64_t sel = 0;

        f = json_object_new_object();
        if (child && params_id(child, &sel) != 0)
            sel = 0;
        choices = page_org_choices(r, NULL, sel, org_id);
        if (choices)
            json_object_object_add(f, "child_options", choices);
        json_object_object_add(f, "child_select", JBOOL(choices != NULL));
        json_object_object_add(f, "child_org_id", JSTR(page_or_empty(child)));
        json_object_object_add(
            f, "type_options",
            page_options(rel_types, t ? json_str_field(t, "relation_type") : "distributor_of"));
        json_object_object_add(f, "preferred", JBOOL(t && json_str_field(t, "preferred")));
        json_object_object_add(rels, "form", f);
    }
    if (rel_again.error)
        json_object_object_add(rels, "error", JSTR(rel_again.error));
    page_add_field_errors(r, rels, rel_again.prob, rel_fields, NULL);
    page_add_flash(r, rels, "flash", done_texts);
    json_object_object_add(d, "rels", rels);
    return 0;
}

/* The organization's page again, with the relationship form's message, at status. */
static int org_page_again(struct req *r, int64_t org_id, int status, const char *error,
                          struct json_object *prob, struct json_object *typed)
{
    int st;

    r->nparams = 1;
    r->param_names[0] = "id";
    r->param_vals[0] = arena_printf(r->ar, "%lld", (long long)org_id);
    rel_again.error = error;
    rel_again.prob = prob;
    rel_again.typed = typed;
    st = pages_http_org(r);
    memset(&rel_again, 0, sizeof(rel_again));
    /* the page drew the form's errors; its status is the form's */
    if (st == 200)
        r->status = st = status;
    return st;
}

int pages_http_relationship_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()),
                       *typed = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *child = page_form_val(r, "child_org_id"), *type = page_form_val(r, "relation_type");
    int preferred = req_form(r, "preferred") != NULL;
    int64_t org_id;
    int rc;

    if (params_path_id(r, "id", &org_id) != 0)
        return problem(r, PROB_NOT_FOUND, "no organization at '%s'", r->path);
    if (child)
        json_object_object_add(body, "child_org_id", page_int_or_text(child));
    if (type)
        json_object_object_add(body, "relation_type", JSTR(type));
    json_object_object_add(body, "preferred", JBOOL(preferred));
    json_object_object_add(typed, "child_org_id", JSTR(page_or_empty(child)));
    json_object_object_add(typed, "relation_type", JSTR(page_or_empty(type)));
    if (preferred)
        json_object_object_add(typed, "preferred", JSTR("on"));
    rc = page_api_at(r, rel_http_create, org_id, 0, NULL, body, &out);
    if (rc == 400 || rc == 409 || rc == 422)
        return org_page_again(r, org_id, rc,
                              arena_printf(r->ar, "Nothing was saved: %s.", page_api_detail(r)),
                              r->api_problem, typed);
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, arena_printf(r->ar, "/orgs/%lld?done=relationship_added#relationships",
                                         (long long)org_id));
}

int pages_http_relationship_end(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *rel, *out;
    int64_t id, back = 0;
    const char *org = page_form_val(r, "org_id");
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return problem(r, PROB_NOT_FOUND, "no relationship at '%s'", r->path);
    /* the page to go back to: the form's organization when it is one of the two sides */
    rc = page_api_at(r, rel_http_get, id, 0, NULL, NULL, &rel);
    if (rc)
        return page_api_problem(r);
    if (org && params_id(org, &back) == 0 && back != page_jint(rel, "child_org_id"))
        back = 0;
    if (!back)
        back = page_jint(rel, "parent_org_id");
    json_object_object_add(body, "active_to", JSTR(now_rfc3339(r)));
    rc = page_api_if_match(r, rel_http_patch, id, body, &out);
    if (rc == 412)
        return org_page_again(r, back, 412,
                              "Someone changed this relationship meanwhile. Nothing was saved: "
                              "the list now shows it as it is; end it again if you still mean to.",
                              NULL, NULL);
    if (rc == 400 || rc == 422)
        return org_page_again(r, back, rc,
                              arena_printf(r->ar, "Nothing was saved: %s.", page_api_detail(r)),
                              NULL, NULL);
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, arena_printf(r->ar, "/orgs/%lld?done=relationship_ended#relationships",
                                         (long long)back));
}

/* ---- channels ---- */

static const char *const channel_list_keys[] = {"type",  "status", "org_id",
                                                "limit", "cursor", NULL};
static const char *const channel_filter_fields[] = {"type", "status", "org_id", NULL};
static const char *const channel_fields[] = {"name", "type", "org_id", NULL};

/* Each row's org_id as the name of the organization that runs it ("owner"). */
static int add_owner_names(struct req *r, struct json_object *rows, const char *id_key,
                           const char *name_key)
{
    struct names nm = {0};
    size_t n = page_jlen(rows);
    int rc;

    for (size_t i = 0; i < n; i++)
        names_want(r, &nm, page_jint(json_object_array_get_idx(rows, i), id_key));
    rc = names_load(r, &nm);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i);
        if (page_jint(o, id_key))
            json_object_object_add(o, name_key, JSTR(names_get(r, &nm, page_jint(o, id_key))));
    }
    return 0;
}

int pages_http_channels(struct req *r)
{
    struct json_object *d = page_data(r, "Channels");
    int st = page_list_data(r, d, channel_http_list, "/channels", channel_list_keys,
                            channel_filter_fields),
        rc;

    if (st != 200 && st != 400)
        return page_api_problem(r);
    page_add_badges(page_jget(d, "rows"), "status");
    rc = add_owner_names(r, page_jget(d, "rows"), "org_id", "owner");
    if (rc)
        return problem_db(r, rc, "channel owners");
    json_object_object_add(d, "type_options", page_options(channel_types, req_query(r, "type")));
    json_object_object_add(d, "status_options",
                           page_options(channel_statuses, req_query(r, "status")));
    json_object_object_add(d, "may_create", JBOOL(page_may(r, RES_CHANNELS, ACT_CREATE)));
    return page_render(r, st, "channels/list", d);
}

/* The new-channel form, filled with what was sent (nothing on a GET). */
static int channel_new_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *d = page_data(r, "New channel"), *f = json_object_new_object(), *choices;
    const char *org = page_form_val(r, "org_id");
    int64_t sel = 0;

    json_object_object_add(f, "name", JSTR(page_or_empty(page_form_val(r, "name"))));
    json_object_object_add(f, "type_options",
                           page_options(channel_types, page_form_val(r, "type")));
    if (r->ctx.org_id) {
        /* an organization's users run channels for their own organization */
        json_object_object_add(f, "own_org", JSTR(page_or_empty(r->ctx.org_name)));
    } else {
        if (org && params_id(org, &sel) != 0)
            sel = 0;
        choices = page_org_choices(r, NULL, sel, 0);
        if (choices)
            json_object_object_add(f, "org_options", choices);
        json_object_object_add(f, "org_select", JBOOL(choices != NULL));
        json_object_object_add(f, "org_id", JSTR(page_or_empty(org)));
    }
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    page_add_field_errors(r, d, prob, channel_fields, NULL);
    return page_render(r, status, "channels/new", d);
}

int pages_http_channel_new(struct req *r)
{
    return channel_new_page(r, 200, NULL, NULL);
}

int pages_http_channel_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *name = page_form_val(r, "name"), *type = page_form_val(r, "type"),
               *org = page_form_val(r, "org_id");
    int rc;

    if (name)
        json_object_object_add(body, "name", JSTR(name));
    if (type)
        json_object_object_add(body, "type", JSTR(type));
    /* blank: the tenant's own channel; an organization's user always runs its own */
    if (!r->ctx.org_id)
        json_object_object_add(body, "org_id", org ? page_int_or_text(org) : NULL);
    rc = page_api(r, channel_http_create, NULL, body, &out);
    if (rc == 400 || rc == 409 || rc == 422)
        return channel_new_page(r, rc, FIX_FIELDS, r->api_problem);
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, arena_printf(r->ar, "/channels/%lld?done=channel_created",
                                         (long long)page_jint(out, "id")));
}

/* Where a publication's page is: its channel, publisher, and recipient or "all". */
static const char *publication_href(struct req *r, int64_t channel, int64_t publisher,
                                    int64_t recipient)
{
    if (recipient)
        return arena_printf(r->ar, "/channels/%lld/publications?publisher_org_id=%lld&org_id=%lld",
                            (long long)channel, (long long)publisher, (long long)recipient);
    return arena_printf(r->ar, "/channels/%lld/publications?publisher_org_id=%lld&org_id=all",
                        (long long)channel, (long long)publisher);
}

int pages_http_channel(struct req *r)
{
    struct json_object *ch, *d, *rows;
    struct names nm = {0};
    struct db_res res;
    int64_t id;
    int rc = page_api(r, channel_http_get, NULL, NULL, &ch);

    if (rc)
        return page_api_problem(r);
    id = page_jint(ch, "id");
    d = page_data(r, page_or_empty(json_str_field(ch, "name")));
    json_object_object_add(ch, "badge", JSTR(page_badge_of(json_str_field(ch, "status"))));
    names_want(r, &nm, page_jint(ch, "org_id"));
    rc = names_load(r, &nm);
    if (rc)
        return problem_db(r, rc, "channel owner");
    if (page_jint(ch, "org_id"))
        json_object_object_add(ch, "owner", JSTR(names_get(r, &nm, page_jint(ch, "org_id"))));
    page_jshare(d, "channel", ch);
    if (catalog_on(r) && page_may(r, RES_PUBLICATIONS, ACT_READ)) {
        rc = db_exec(r->db, r->ar, &Q_PAGES_CHANNEL_PUBS, r->ctx.tenant_id, &res, (long long)id,
                     (long long)r->ctx.org_id, (long long)r->ctx.org_id, (long long)r->ctx.org_id,
                     (long long)r->ctx.org_id, ROWS_SHOWN + 1);
        if (rc)
            return problem_db(r, rc, "channel publications");
        rows = json_object_new_array();
        for (int i = 0; i < res.nrows && i < ROWS_SHOWN; i++) {
            struct json_object *o = json_object_new_object();
            const struct db_val *rid = db_at(&res, i, 2);
            int64_t pub = db_at(&res, i, 0)->i;

            json_object_object_add(o, "publisher_id", JINT(pub));
            json_object_object_add(o, "publisher", JSTR(db_at(&res, i, 1)->s));
            json_object_object_add(o, "recipient", rid->null ? NULL : JSTR(db_at(&res, i, 3)->s));
            json_object_object_add(o, "version", JINT(db_at(&res, i, 4)->i));
            json_object_object_add(o, "items", JINT(db_at(&res, i, 5)->i));
            json_object_object_add(o, "updated_at", JSTR(db_at(&res, i, 6)->s));
            json_object_object_add(
                o, "to", JSTR(rid->null ? "all" : arena_printf(r->ar, "%lld", (long long)rid->i)));
            json_object_array_add(rows, o);
        }
        json_object_object_add(d, "show_publications", JBOOL(1));
        json_object_object_add(d, "publications", rows);
        json_object_object_add(d, "publications_more", JBOOL(res.nrows > ROWS_SHOWN));
        json_object_object_add(d, "may_publish", JBOOL(page_may(r, RES_PUBLICATIONS, ACT_CREATE)));
        json_object_object_add(d, "may_browse", JBOOL(page_may(r, RES_LISTINGS, ACT_READ)));
    }
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, 200, "channels/detail", d);
}

/* ---- products and SKUs ---- */

static const char *const product_list_keys[] = {
    "manufacturer_id", "category", "lifecycle_status", "q", "limit", "cursor", NULL};
static const char *const product_filter_fields[] = {"manufacturer_id", "category",
                                                    "lifecycle_status", "q", NULL};
static const char *const product_fields[] = {"manufacturer_id", "name", "category",
                                             "lifecycle_status", NULL};
static const char *const sku_fields[] = {"sku_code", "status", NULL};

/* Who may create products: a tenant-wide user, or a manufacturer's own. */
static int may_create_products(const struct req *r)
{
    return page_may(r, RES_CATALOG, ACT_CREATE) &&
           (!r->ctx.org_id || (r->ctx.org_type && strcmp(r->ctx.org_type, "manufacturer") == 0));
}

/*
 * The manufacturer field of a form or filter in f: a select of the tenant's manufacturers
 * for a tenant-wide user (an id to type when there are too many), else nothing to choose.
 */
static void add_maker_field(struct req *r, struct json_object *f, const char *typed)
{
    struct json_object *choices;
    int64_t sel = 0;

    if (typed && params_id(typed, &sel) != 0)
        sel = 0;
    choices = page_org_choices(r, "manufacturer", sel, 0);
    if (choices)
        json_object_object_add(f, "maker_options", choices);
    json_object_object_add(f, "maker_input", JBOOL(!choices));
    json_object_object_add(f, "manufacturer_id", JSTR(page_or_empty(typed)));
}

int pages_http_products(struct req *r)
{
    struct json_object *d = page_data(r, "Products");
    int st = page_list_data(r, d, product_http_list, "/products", product_list_keys,
                            product_filter_fields),
        rc;

    if (st != 200 && st != 400)
        return page_api_problem(r);
    page_add_badges(page_jget(d, "rows"), "lifecycle_status");
    rc = add_owner_names(r, page_jget(d, "rows"), "manufacturer_id", "manufacturer");
    if (rc)
        return problem_db(r, rc, "product manufacturers");
    add_maker_field(r, d, req_query(r, "manufacturer_id"));
    json_object_object_add(d, "lifecycle_options",
                           page_options(product_lifecycles, req_query(r, "lifecycle_status")));
    json_object_object_add(d, "may_create", JBOOL(may_create_products(r)));
    return page_render(r, st, "products/list", d);
}

/* The new-product form, filled with what was sent (nothing on a GET). */
static int product_new_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *d = page_data(r, "New product"), *f = json_object_new_object();
    const char *lc = page_form_val(r, "lifecycle_status");

    json_object_object_add(f, "name", JSTR(page_or_empty(page_form_val(r, "name"))));
    json_object_object_add(f, "category", JSTR(page_or_empty(page_form_val(r, "category"))));
    json_object_object_add(f, "lifecycle_options",
                           page_options(product_lifecycles, lc ? lc : "active"));
    if (r->ctx.org_id)
        json_object_object_add(f, "own_org", JSTR(page_or_empty(r->ctx.org_name)));
    else
        add_maker_field(r, f, page_form_val(r, "manufacturer_id"));
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    page_add_field_errors(r, d, prob, product_fields, NULL);
    return page_render(r, status, "products/new", d);
}

int pages_http_product_new(struct req *r)
{
    if (!may_create_products(r))
        return problem(r, PROB_FORBIDDEN, "only a manufacturer organization creates products");
    return product_new_page(r, 200, NULL, NULL);
}

int pages_http_product_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *maker = page_form_val(r, "manufacturer_id"), *name = page_form_val(r, "name"),
               *category = page_form_val(r, "category"), *lc = page_form_val(r, "lifecycle_status");
    int rc;

    if (r->ctx.org_id)
        json_object_object_add(body, "manufacturer_id", JINT(r->ctx.org_id));
    else if (maker)
        json_object_object_add(body, "manufacturer_id", page_int_or_text(maker));
    if (name)
        json_object_object_add(body, "name", JSTR(name));
    if (category)
        json_object_object_add(body, "category", JSTR(category));
    if (lc)
        json_object_object_add(body, "lifecycle_status", JSTR(lc));
    rc = page_api(r, product_http_create, NULL, body, &out);
    if (rc == 400 || rc == 409 || rc == 422)
        return product_new_page(r, rc, FIX_FIELDS, r->api_problem);
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, arena_printf(r->ar, "/products/%lld?done=product_created",
                                         (long long)page_jint(out, "id")));
}

/*
 * The page of product {id}: its fields, its SKUs and the form that adds one. After a failed
 * SKU form: status, a message, the API's problem (what was typed is in the form).
 */
static int product_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *p, *d, *out, *f, *attrs;
    struct names nm = {0};
    int64_t id, maker;
    int rc = page_api(r, product_http_get, NULL, NULL, &p);

    if (rc)
        return page_api_problem(r);
    id = page_jint(p, "id");
    maker = page_jint(p, "manufacturer_id");
    d = page_data(r, page_or_empty(json_str_field(p, "name")));
    names_want(r, &nm, maker);
    rc = names_load(r, &nm);
    if (rc)
        return problem_db(r, rc, "product manufacturer");
    json_object_object_add(p, "manufacturer", JSTR(names_get(r, &nm, maker)));
    json_object_object_add(p, "badge", JSTR(page_badge_of(json_str_field(p, "lifecycle_status"))));
    attrs = page_jget(p, "attrs");
    if (attrs && json_object_object_length(attrs) > 0)
        json_object_object_add(p, "attrs_text", JSTR(json_text(r->ar, attrs)));
    page_jshare(d, "product", p);

    rc = page_api(r, product_http_sku_list,
                  arena_printf(r->ar, "product_id=%lld&limit=%d", (long long)id, ROWS_SHOWN), NULL,
                  &out);
    if (rc)
        return page_api_problem(r);
    page_add_badges(page_jget(out, "data"), "status");
    page_jshare(d, "skus", page_jget(out, "data"));
    json_object_object_add(d, "skus_more", JBOOL(json_str_field(out, "next_cursor") != NULL));
    json_object_object_add(d, "skus_shown", JINT(ROWS_SHOWN));
    /* the manufacturer's own users add SKUs; others see what reached them */
    if (page_may(r, RES_CATALOG, ACT_CREATE) && (!r->ctx.org_id || r->ctx.org_id == maker)) {
        const char *st = page_form_val(r, "status");
        f = json_object_new_object();
        json_object_object_add(f, "sku_code", JSTR(page_or_empty(page_form_val(r, "sku_code"))));
        json_object_object_add(f, "status_options", page_options(sku_statuses, st ? st : "active"));
        json_object_object_add(d, "form", f);
    }
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    page_add_field_errors(r, d, prob, sku_fields, NULL);
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, status, "products/detail", d);
}

int pages_http_product(struct req *r)
{
    return product_page(r, 200, NULL, NULL);
}

int pages_http_sku_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *code = page_form_val(r, "sku_code"), *st = page_form_val(r, "status");
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return problem(r, PROB_NOT_FOUND, "no product at '%s'", r->path);
    json_object_object_add(body, "product_id", JINT(id));
    if (code)
        json_object_object_add(body, "sku_code", JSTR(code));
    if (st)
        json_object_object_add(body, "status", JSTR(st));
    rc = page_api(r, product_http_sku_create, NULL, body, &out);
    if (rc == 400 || rc == 409 || rc == 422)
        return product_page(r, rc, FIX_FIELDS, r->api_problem);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/products/%lld?done=sku_created#skus", (long long)id));
}

/* ---- the catalog browser: an organization's effective listing of a channel ---- */

static const char *const catalog_fields[] = {"channel_id", "org_id", "q", "manufacturer_id",
                                             "limit",      "cursor", NULL};

/* Whether hay holds needle, ASCII letters in either case (SKU codes compare so). */
static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return n == 0;
}

/* The channels as select options (NULL when they cannot all be listed): an id to type. */
static struct json_object *channel_choices(struct req *r, int64_t selected)
{
    struct json_object *out;

    if (!channels_readable(r) || page_api(r, channel_http_list, "limit=200", NULL, &out) != 0 ||
        json_str_field(out, "next_cursor"))
        return NULL;
    return page_row_choices(page_jget(out, "data"), selected, 0);
}

/* The channel field of a form in f: a select, or an id to type. */
static void add_channel_field(struct req *r, struct json_object *f, const char *typed)
{
    struct json_object *choices;
    int64_t sel = 0;

    if (typed && params_id(typed, &sel) != 0)
        sel = 0;
    choices = channel_choices(r, sel);
    if (choices)
        json_object_object_add(f, "channel_options", choices);
    json_object_object_add(f, "channel_input", JBOOL(!choices));
    json_object_object_add(f, "channel_id", JSTR(page_or_empty(typed)));
}

/* The manufacturers whose SKUs reach org in channel, as options of the filter. */
static int maker_filter(struct req *r, struct json_object *d, int64_t channel, int64_t org,
                        int64_t selected)
{
    struct json_object *a = json_object_new_array();
    struct names nm = {0};
    struct db_res res;
    int rc = db_exec(r->db, r->ar, &Q_PAGES_LISTING_MAKERS, r->ctx.tenant_id, &res,
                     (long long)channel, (long long)org);

    if (rc)
        return rc;
    for (int i = 0; i < res.nrows; i++)
        names_want(r, &nm, db_at(&res, i, 0)->i);
    names_want(r, &nm, selected);
    rc = names_load(r, &nm);
    if (rc)
        return rc;
    for (size_t i = 0; i < nm.n; i++)
        page_option_add(a, nm.id[i], names_get(r, &nm, nm.id[i]), nm.id[i] == selected);
    json_object_object_add(d, "maker_options", a);
    return 0;
}

/*
 * The listing rows as the page shows them: the path and publisher by name, the source as a
 * badge, the version linked to its publication's page.
 */
static int listing_rows(struct req *r, struct json_object *rows, int64_t channel)
{
    struct names nm = {0};
    struct db_res res;
    struct sb ids;
    size_t n = page_jlen(rows);
    int rc;

    sb_init(&ids, r->ar);
    sb_addc(&ids, '[');
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i), *path = page_jget(o, "path");
        for (size_t k = 0; k < page_jlen(path); k++)
            names_want(r, &nm, json_object_get_int64(json_object_array_get_idx(path, k)));
        names_want(r, &nm, page_jint(o, "publisher_org_id"));
        sb_printf(&ids, "%s%lld", i ? "," : "", (long long)page_jint(o, "publication_id"));
    }
    sb_addc(&ids, ']');
    rc = names_load(r, &nm);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_PAGES_PUB_RECIPIENTS, r->ctx.tenant_id, &res, ids.buf);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i), *path = page_jget(o, "path"),
                           *names = json_object_new_array();
        int64_t pub = page_jint(o, "publication_id"), to = 0;

        for (size_t k = 0; k < page_jlen(path); k++) {
            struct json_object *step = json_object_new_object();
            int64_t id = json_object_get_int64(json_object_array_get_idx(path, k));
            json_object_object_add(step, "id", JINT(id));
            json_object_object_add(step, "name", JSTR(names_get(r, &nm, id)));
            json_object_object_add(step, "first", JBOOL(k == 0));
            json_object_array_add(names, step);
        }
        json_object_object_add(o, "path_names", names);
        if (page_jlen(path))
            json_object_object_add(
                o, "manufacturer",
                JSTR(names_get(r, &nm, json_object_get_int64(json_object_array_get_idx(path, 0)))));
        json_object_object_add(o, "publisher",
                               JSTR(names_get(r, &nm, page_jint(o, "publisher_org_id"))));
        json_object_object_add(
            o, "direct",
            JBOOL(json_str_field(o, "source") && !strcmp(json_str_field(o, "source"), "direct")));
        for (int k = 0; k < res.nrows; k++)
            if (db_at(&res, k, 0)->i == pub)
                to = db_at(&res, k, 1)->null ? 0 : db_at(&res, k, 1)->i;
        json_object_object_add(o, "channel_id", JINT(channel));
        json_object_object_add(o, "to",
                               JSTR(to ? arena_printf(r->ar, "%lld", (long long)to) : "all"));
    }
    return 0;
}

/*
 * Reads the listing of org in channel from the API into d's rows. Without a filter a page
 * is the API's page; with q or manufacturer_id the page reads on through the API's pages
 * (SCAN_PAGES at most) until it holds limit matching items, and its "next" cursor is where
 * it stopped. Returns 200, 400 with the refusal in d, or the API problem's status.
 */
static int listing_data(struct req *r, struct json_object *d, int64_t channel, int64_t org)
{
    const char *q = req_query(r, "q"), *cur = req_query(r, "cursor"), *next = NULL,
               *lim = req_query(r, "limit");
    int64_t maker = query_id(r, "manufacturer_id"), want = LIST_DEFAULT_LIMIT;
    struct json_object *out, *rows = json_arena_own(r->ar, json_object_new_array());
    int filtered = (q && *q) || maker, rc = 0, scanned = 0, pages = 0, done = 0;

    if (lim && *lim && (params_id(lim, &want) != 0 || want > LIST_MAX_LIMIT)) {
        struct json_object *prob = json_arena_own(r->ar, json_object_new_object()),
                           *errs = json_object_new_array(), *e = json_object_new_object();
        json_object_object_add(e, "field", JSTR("limit"));
        json_object_object_add(
            e, "message",
            JSTR(arena_printf(r->ar, "must be an integer from 1 to %d", LIST_MAX_LIMIT)));
        json_object_array_add(errs, e);
        json_object_object_add(prob, "errors", errs);
        page_add_field_errors(r, d, prob, catalog_fields, NULL);
        json_object_object_add(
            d, "error", JSTR("Some filters are not valid: correct the fields marked below."));
        page_jshare(d, "rows", rows);
        return 400;
    }
    while (!done && pages < SCAN_PAGES) {
        struct json_object *data;
        const char *nc;
        size_t n;

        rc = page_api_at(r, catalog_http_listing, channel, 0,
                         arena_printf(r->ar, "org_id=%lld&limit=%lld%s%s", (long long)org,
                                      (long long)(filtered ? LIST_MAX_LIMIT : want),
                                      cur && *cur ? "&" : "",
                                      cur && *cur ? qpair(r, "cursor", cur) : ""),
                         NULL, &out);
        if (rc)
            break;
        pages++;
        data = page_jget(out, "data");
        nc = json_str_field(out, "next_cursor");
        n = page_jlen(data);
        for (size_t i = 0; i < n && !done; i++) {
            struct json_object *o = json_object_array_get_idx(data, i),
                               *path = page_jget(o, "path");
            scanned++;
            if (q && *q && !contains_nocase(page_or_empty(json_str_field(o, "sku_code")), q))
                continue;
            if (maker && (!page_jlen(path) ||
                          json_object_get_int64(json_object_array_get_idx(path, 0)) != maker))
                continue;
            json_object_array_add(rows, json_object_get(o));
            if ((int64_t)json_object_array_length(rows) == want) {
                struct pub_key k = {page_jint(o, "sku_id"), page_jint(o, "offering_id")};
                done = 1;
                if (i + 1 < n)
                    next = listing_cursor_encode(r->ar, k);
                else
                    next = nc;
            }
        }
        if (!done) {
            next = nc;
            done = !nc || !filtered;
        }
        cur = nc;
    }
    if (rc == 400)
        return page_filters_refused(r, d, catalog_fields);
    if (rc)
        return rc;
    if (filtered && !done && next)
        json_object_object_add(d, "scanned", JINT(scanned));
    page_jshare(d, "rows", rows);
    {
        static const char *const keys[] = {"channel_id", "org_id", "q", "manufacturer_id",
                                           "limit",      "cursor", NULL};
        page_add_pager(r, d, "/catalog", keys, next);
    }
    return 200;
}

int pages_http_catalog(struct req *r)
{
    struct json_object *d = page_data(r, "Catalog"), *f = json_object_new_object();
    int64_t channel = query_id(r, "channel_id"),
            org = r->ctx.org_id ? r->ctx.org_id : query_id(r, "org_id");
    int st = 200, rc;

    for (size_t i = 0; catalog_fields[i]; i++)
        if (strcmp(catalog_fields[i], "cursor") != 0 && req_query(r, catalog_fields[i]))
            json_object_object_add(f, catalog_fields[i], JSTR(req_query(r, catalog_fields[i])));
    json_object_object_add(d, "filters", f);
    add_channel_field(r, d, req_query(r, "channel_id"));
    if (r->ctx.org_id) {
        json_object_object_add(d, "own_org", JSTR(page_or_empty(r->ctx.org_name)));
    } else {
        struct json_object *choices = page_org_choices(r, NULL, org, 0);
        if (choices)
            json_object_object_add(d, "org_options", choices);
        json_object_object_add(d, "org_input", JBOOL(!choices));
    }
    json_object_object_add(d, "may_publish", JBOOL(page_may(r, RES_PUBLICATIONS, ACT_CREATE)));
    if (!channel || !org) {
        json_object_object_add(d, "choose", JBOOL(1));
        return page_render(r, 200, "catalog/browse", d);
    }
    json_object_object_add(d, "chosen", JBOOL(1));
    st = listing_data(r, d, channel, org);
    if (st != 200 && st != 400)
        return page_api_problem(r);
    rc = listing_rows(r, page_jget(d, "rows"), channel);
    if (!rc)
        rc = maker_filter(r, d, channel, org, query_id(r, "manufacturer_id"));
    if (rc)
        return problem_db(r, rc, "listing manufacturers");
    return page_render(r, st, "catalog/browse", d);
}

/* ---- a publication: its versions, a diff between two, and rolling back ---- */

/* ?org_id= of a publication: "all" for the one to all, else an id as typed. */
static const char *recipient_text(const char *v)
{
    return !v || !*v || strcmp(v, "null") == 0 ? "all" : v;
}

/* The SKU code of item (sku_id, offering_id 0 for the SKU) in a version's items, or NULL. */
static const char *item_code(struct json_object *items, int64_t sku, int64_t offering)
{
    for (size_t i = 0; i < page_jlen(items); i++) {
        struct json_object *o = json_object_array_get_idx(items, i);
        if ((offering && page_jint(o, "offering_id") == offering) ||
            (!offering && page_jint(o, "sku_id") == sku && !page_jint(o, "offering_id")))
            return json_str_field(o, "sku_code");
    }
    return NULL;
}

/* The diff's ids of one side (name: added or removed) as rows with their codes. */
static struct json_object *diff_rows(struct req *r, struct json_object *diff, const char *name,
                                     struct json_object *items)
{
    struct json_object *a = json_object_new_array(), *skus = page_jget(diff, name),
                       *offs = page_jget(diff, arena_printf(r->ar, "%s_offerings", name));

    for (size_t i = 0; i < page_jlen(skus); i++) {
        struct json_object *o = json_object_new_object();
        int64_t id = json_object_get_int64(json_object_array_get_idx(skus, i));
        const char *code = item_code(items, id, 0);
        json_object_object_add(o, "sku_id", JINT(id));
        json_object_object_add(o, "sku_code",
                               JSTR(code ? code : arena_printf(r->ar, "SKU %lld", (long long)id)));
        json_object_array_add(a, o);
    }
    for (size_t i = 0; i < page_jlen(offs); i++) {
        struct json_object *o = json_object_new_object();
        int64_t id = json_object_get_int64(json_object_array_get_idx(offs, i));
        const char *code = item_code(items, 0, id);
        json_object_object_add(o, "offering_id", JINT(id));
        json_object_object_add(
            o, "sku_code", JSTR(code ? code : arena_printf(r->ar, "offering %lld", (long long)id)));
        json_object_array_add(a, o);
    }
    return a;
}

/*
 * ?diff=n&against=m of the page: the SKUs version n added and removed going from m (n - 1
 * when not given), by code. A diff the API refuses is a message in the diff's place.
 */
static int add_diff(struct req *r, struct json_object *d, int64_t channel, const char *target)
{
    const char *a = req_query(r, "against");
    struct json_object *diff, *now = NULL, *then = NULL, *o = json_object_new_object();
    int64_t n = query_id(r, "diff"), against;
    int rc;

    if (!req_query(r, "diff"))
        return 0;
    json_object_object_add(d, "diff", o);
    if (!n) {
        json_object_object_add(o, "problem", JSTR("'diff' must be a version of this publication."));
        return 0;
    }
    rc =
        page_api_at(r, catalog_http_version_diff, channel, n,
                    a && *a ? arena_printf(r->ar, "%s&%s", target, qpair(r, "against", a)) : target,
                    NULL, &diff);
    if (rc == 400 || rc == 404) {
        json_object_object_add(o, "problem",
                               JSTR(arena_printf(r->ar, "No diff: %s.", page_api_detail(r))));
        return 0;
    }
    if (rc)
        return rc;
    against = page_jint(diff, "against");
    rc = page_api_at(r, catalog_http_version_get, channel, n, target, NULL, &now);
    if (!rc && against > 0)
        rc = page_api_at(r, catalog_http_version_get, channel, against, target, NULL, &then);
    if (rc)
        return rc;
    json_object_object_add(o, "version", JINT(n));
    json_object_object_add(o, "against", JINT(against));
    json_object_object_add(o, "added", diff_rows(r, diff, "added", page_jget(now, "items")));
    json_object_object_add(o, "removed", diff_rows(r, diff, "removed", page_jget(then, "items")));
    json_object_object_add(
        o, "same", JBOOL(!page_jlen(page_jget(o, "added")) && !page_jlen(page_jget(o, "removed"))));
    return 0;
}

/* The versions' actors by email where the viewer may read the user, else by id. */
static int add_actors(struct req *r, struct json_object *rows)
{
    int64_t seen[20];
    const char *email[20];
    size_t nseen = 0;

    for (size_t i = 0; i < page_jlen(rows); i++) {
        struct json_object *o = json_object_array_get_idx(rows, i), *u;
        int64_t id = page_jint(o, "actor_id");
        const char *who = NULL;
        size_t k;

        if (!id)
            continue;
        for (k = 0; k < nseen && seen[k] != id; k++)
            ;
        if (k < nseen) {
            who = email[k];
        } else if (page_may(r, RES_USERS, ACT_READ) && nseen < 20) {
            int rc = page_api_at(r, identity_http_user_get, id, 0, NULL, NULL, &u);
            if (rc >= 500)
                return rc;
            who = rc == 0 ? json_str_field(u, "email") : NULL;
            seen[nseen] = id;
            email[nseen++] = who;
        }
        json_object_object_add(o, "actor",
                               JSTR(who ? who : arena_printf(r->ar, "user %lld", (long long)id)));
    }
    return 0;
}

/*
 * The page of the publication of publisher to target ("all" or a recipient's id) in the
 * path's channel: its versions, a diff, and the rollback buttons. After a failed rollback:
 * status and its message.
 */
static int publication_page(struct req *r, int status, const char *error, int64_t publisher,
                            const char *to)
{
    static const char *const keys[] = {"limit", "cursor", NULL};
    const char *target = arena_printf(r->ar, "publisher_org_id=%lld&%s", (long long)publisher,
                                      qpair(r, "org_id", recipient_text(to)));
    const char *page_q = page_pass_query(r, keys, NULL), *cur = req_query(r, "cursor"), *next;
    struct json_object *d, *out, *ch = NULL, *rows,
                                 *pub = json_arena_own(r->ar, json_object_new_object());
    int64_t channel, recipient = 0, current = 0;
    struct names nm = {0};
    int rc;

    if (params_path_id(r, "id", &channel) != 0)
        return problem(r, PROB_NOT_FOUND, "no channel at '%s'", r->path);
    rc = page_api(r, catalog_http_versions,
                  *page_q ? arena_printf(r->ar, "%s&%s", target, page_q) : target, NULL, &out);
    if (rc)
        return page_api_problem(r);
    if (strcmp(recipient_text(to), "all") != 0 && params_id(to, &recipient) != 0)
        recipient = 0;
    if (channels_readable(r) && page_api(r, channel_http_get, NULL, NULL, &ch) != 0)
        ch = NULL;
    names_want(r, &nm, publisher);
    names_want(r, &nm, recipient);
    rc = names_load(r, &nm);
    if (rc)
        return problem_db(r, rc, "publication names");
    d = page_data(r, arena_printf(r->ar, "%s to %s", names_get(r, &nm, publisher),
                                  recipient ? names_get(r, &nm, recipient) : "all its children"));
    json_object_object_add(pub, "channel_id", JINT(channel));
    json_object_object_add(pub, "channel",
                           JSTR(ch ? page_or_empty(json_str_field(ch, "name"))
                                   : arena_printf(r->ar, "channel %lld", (long long)channel)));
    json_object_object_add(pub, "publisher_id", JINT(publisher));
    json_object_object_add(pub, "publisher", JSTR(names_get(r, &nm, publisher)));
    json_object_object_add(pub, "org_id", JSTR(recipient_text(to)));
    if (recipient)
        json_object_object_add(pub, "recipient", JSTR(names_get(r, &nm, recipient)));
    rows = page_jget(out, "data");
    next = json_str_field(out, "next_cursor");
    /* versions come oldest first: the newest is the last row of the last page */
    if (!next && page_jlen(rows))
        current = page_jint(json_object_array_get_idx(rows, page_jlen(rows) - 1), "version");
    rc = add_actors(r, rows);
    if (rc)
        return page_api_problem(r);
    for (size_t i = 0; i < page_jlen(rows); i++) {
        struct json_object *o = json_object_array_get_idx(rows, i);
        int64_t v = page_jint(o, "version");
        json_object_object_add(o, "previous", JINT(v - 1));
        json_object_object_add(o, "current", JBOOL(v == current));
        json_object_object_add(o, "may_roll_back", JBOOL(v != current));
    }
    if (current) {
        struct json_object *last = json_object_array_get_idx(rows, page_jlen(rows) - 1);
        json_object_object_add(pub, "version", JINT(current));
        json_object_object_add(pub, "item_count", JINT(page_jint(last, "item_count")));
    }
    page_jshare(d, "publication", pub);
    page_jshare(d, "rows", rows);
    json_object_object_add(
        d, "pager_path",
        JSTR(arena_printf(r->ar, "/channels/%lld/publications", (long long)channel)));
    if (next)
        json_object_object_add(
            d, "next_query", JSTR(arena_printf(r->ar, "%s&%s", target, qpair(r, "cursor", next))));
    if (cur && *cur) {
        json_object_object_add(d, "paged", JBOOL(1));
        json_object_object_add(d, "first_query", JSTR(target));
    }
    json_object_object_add(d, "has_pager", JBOOL(next || (cur && *cur)));
    /* the publisher's users change a publication; its recipients only read it */
    json_object_object_add(d, "may_change",
                           JBOOL(page_may(r, RES_PUBLICATIONS, ACT_CREATE) &&
                                 (!r->ctx.org_id || r->ctx.org_id == publisher)));
    rc = add_diff(r, d, channel, target);
    if (rc)
        return page_api_problem(r);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, status, "catalog/publication", d);
}

int pages_http_publication(struct req *r)
{
    return publication_page(r, 200, NULL, query_id(r, "publisher_org_id"), req_query(r, "org_id"));
}

int pages_http_rollback(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *to = recipient_text(page_form_val(r, "org_id")),
               *v = page_form_val(r, "to_version");
    int64_t channel, publisher = 0, recipient = 0;
    int rc;

    if (params_path_id(r, "id", &channel) != 0)
        return problem(r, PROB_NOT_FOUND, "no channel at '%s'", r->path);
    if (!page_form_val(r, "publisher_org_id") ||
        params_id(page_form_val(r, "publisher_org_id"), &publisher) != 0)
        return problem(r, PROB_VALIDATION, "the form names no publisher");
    if (strcmp(to, "all") != 0 && params_id(to, &recipient) != 0)
        return problem(r, PROB_VALIDATION, "the form names no recipient");
    json_object_object_add(body, "publisher_org_id", JINT(publisher));
    json_object_object_add(body, "org_id", recipient ? JINT(recipient) : NULL);
    json_object_object_add(body, "to_version", page_int_or_text(v ? v : ""));
    rc = page_api_at(r, catalog_http_rollback, channel, 0, NULL, body, &out);
    if (rc == 400 || rc == 403 || rc == 404 || rc == 409 || rc == 422)
        return publication_page(
            r, rc, arena_printf(r->ar, "Nothing was rolled back: %s.", page_api_detail(r)),
            publisher, to);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "%s&done=%s", publication_href(r, channel, publisher, recipient),
                        page_jlen(page_jget(out, "added")) + page_jlen(page_jget(out, "removed")) +
                                page_jlen(page_jget(out, "added_offerings")) +
                                page_jlen(page_jget(out, "removed_offerings"))
                            ? "rolled_back"
                            : "unchanged"));
}

/* ---- the publish and unlist forms ---- */

static const char *const publish_fields[] = {
    "channel_id", "publisher_org_id",       "org_id",    "sku_codes",
    "note",       "required_certification", "territory", NULL};

/* An error of a form the page found itself, as an API problem's errors would name it. */
static void form_error(struct json_object *prob, const char *field, const char *message)
{
    struct json_object *list = page_jget(prob, "errors"), *e = json_object_new_object();

    if (!list) {
        list = json_object_new_array();
        json_object_object_add(prob, "errors", list);
    }
    json_object_object_add(e, "field", JSTR(field));
    json_object_object_add(e, "message", JSTR(message));
    json_object_array_add(list, e);
}

/* The recipient choices of a publisher in f: "all" first, then its children or the orgs. */
static int add_recipient_field(struct req *r, struct json_object *f, int64_t publisher,
                               const char *typed)
{
    struct json_object *choices = NULL, *out;
    int64_t sel = 0;
    int rc;

    if (typed && strcmp(typed, "all") != 0 && params_id(typed, &sel) != 0)
        sel = 0;
    if (r->ctx.org_id && page_may(r, RES_RELATIONSHIPS, ACT_READ) && page_flag_on(r, FLAG_ORG)) {
        /* an organization publishes to its children: those it may choose from */
        rc = page_api_at(r, rel_http_list, r->ctx.org_id, 0, "side=children&active=true&limit=200",
                         NULL, &out);
        if (rc >= 500)
            return rc;
        if (rc == 0 && !json_str_field(out, "next_cursor")) {
            struct json_object *rows = page_jget(out, "data");
            struct names seen = {0};
            choices = json_object_new_array();
            for (size_t i = 0; i < page_jlen(rows); i++) {
                struct json_object *rel = json_object_array_get_idx(rows, i),
                                   *child = page_jget(rel, "child");
                const char *type = json_str_field(rel, "relation_type");
                size_t before = seen.n;
                if (!type ||
                    (strcmp(type, "distributor_of") != 0 && strcmp(type, "dealer_of") != 0))
                    continue;
                names_want(r, &seen, page_jint(child, "id"));
                if (seen.n > before)
                    page_option_add(choices, page_jint(child, "id"),
                                    page_or_empty(json_str_field(child, "name")),
                                    page_jint(child, "id") == sel);
            }
        }
    } else if (!r->ctx.org_id) {
        choices = page_org_choices(r, NULL, sel, publisher);
    }
    json_object_object_add(f, "all_selected", JBOOL(!typed || strcmp(typed, "all") == 0));
    if (choices) {
        json_object_object_add(f, "recipient_options", choices);
    } else {
        json_object_object_add(f, "recipient_input", JBOOL(1));
        json_object_object_add(f, "org_id", JSTR(page_or_empty(typed)));
    }
    return 0;
}

/* A field of the publish form: as sent after a POST, from the query (a link's) on a GET. */
static const char *typed(struct req *r, const char *key)
{
    return r->method == HTTP_POST ? page_form_val(r, key) : req_query(r, key);
}

/*
 * The publish (unlist 0) or unlist form, filled from the query on a GET (links from a
 * publication carry its channel, publisher and recipient) and with what was sent after a
 * failure: status, a message and the problem whose errors go under the fields.
 */
static int publish_page(struct req *r, int unlist, int status, const char *error,
                        struct json_object *prob)
{
    const char *title = unlist ? "Unlist items" : "Publish items";
    struct json_object *d = page_data(r, title), *f = json_object_new_object();
    const char *publisher = r->ctx.org_id ? NULL : typed(r, "publisher_org_id");
    int64_t pub = r->ctx.org_id;
    int rc;

    if (!pub && publisher && params_id(publisher, &pub) != 0)
        pub = 0;
    json_object_object_add(d, "unlist", JBOOL(unlist));
    add_channel_field(r, f, typed(r, "channel_id"));
    if (r->ctx.org_id) {
        json_object_object_add(f, "own_org", JSTR(page_or_empty(r->ctx.org_name)));
    } else {
        struct json_object *choices = page_org_choices(r, NULL, pub, 0);
        if (choices)
            json_object_object_add(f, "publisher_options", choices);
        json_object_object_add(f, "publisher_input", JBOOL(!choices));
        json_object_object_add(f, "publisher_org_id", JSTR(page_or_empty(publisher)));
    }
    rc = add_recipient_field(r, f, pub, typed(r, "org_id"));
    if (rc)
        return page_api_problem(r);
    json_object_object_add(f, "sku_codes", JSTR(page_or_empty(typed(r, "sku_codes"))));
    json_object_object_add(f, "note", JSTR(page_or_empty(typed(r, "note"))));
    json_object_object_add(f, "required_certification",
                           JSTR(page_or_empty(typed(r, "required_certification"))));
    json_object_object_add(f, "territory", JSTR(page_or_empty(typed(r, "territory"))));
    json_object_object_add(f, "codes_max", JINT(FORM_CODES_MAX));
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    page_add_field_errors(r, d, prob, publish_fields, NULL);
    return page_render(r, status, "catalog/publish", d);
}

int pages_http_publish_form(struct req *r)
{
    return publish_page(r, 0, 200, NULL, NULL);
}

int pages_http_unlist_form(struct req *r)
{
    return publish_page(r, 1, 200, NULL, NULL);
}

/*
 * The API's problem with each items[i] error put under sku_codes, naming the code the
 * form had in that place.
 */
static struct json_object *items_to_codes(struct req *r, struct json_object *prob,
                                          const char *const *codes, size_t n)
{
    struct json_object *p = json_arena_own(r->ar, json_object_new_object()),
                       *list = page_jget(prob, "errors");

    json_object_object_add(p, "errors", json_object_new_array());
    for (size_t i = 0; i < page_jlen(list); i++) {
        struct json_object *e = json_object_array_get_idx(list, i);
        const char *field = page_or_empty(json_str_field(e, "field")),
                   *msg = page_or_empty(json_str_field(e, "message"));
        char *end = NULL;
        unsigned long k = strncmp(field, "items[", 6) == 0 ? strtoul(field + 6, &end, 10) : 0;

        if (end && end != field + 6 && *end == ']' && k < n)
            form_error(p, "sku_codes", arena_printf(r->ar, "'%s' %s", codes[k], msg));
        else if (strcmp(field, "items") == 0)
            form_error(p, "sku_codes", msg);
        else
            form_error(p, field, msg);
    }
    return p;
}

/* Publishes (unlist 0) or unlists the SKUs whose codes the form lists, through the API. */
static int publish_submit(struct req *r, int unlist)
{
    struct json_object *prob = json_arena_own(r->ar, json_object_new_object()),
                       *body = json_arena_own(r->ar, json_object_new_object()),
                       *items = json_object_new_array(), *codes_in, *out, *cons;
    const char *ch = page_form_val(r, "channel_id"), *to = page_form_val(r, "org_id"),
               *pubs = page_form_val(r, "publisher_org_id"), *note = page_form_val(r, "note"),
               *cert = page_form_val(r, "required_certification"),
               *terr = page_form_val(r, "territory");
    const char **codes, **unknown;
    int64_t channel = 0, publisher = r->ctx.org_id, recipient = 0;
    size_t n, ncodes = 0, nunknown = 0;
    int rc;

    json_object_object_add(body, "items", items);
    if (!ch || params_id(ch, &channel) != 0)
        form_error(prob, "channel_id", "choose a channel");
    if (!publisher && (!pubs || params_id(pubs, &publisher) != 0))
        form_error(prob, "publisher_org_id", "choose the organization that publishes");
    if (to && strcmp(to, "all") != 0 && params_id(to, &recipient) != 0)
        form_error(prob, "org_id", "must be an organization's id, or all");
    codes_in =
        json_arena_own(r->ar, page_split_list(page_or_empty(req_form(r, "sku_codes")), "\n,"));
    n = page_jlen(codes_in);
    codes = arena_alloc(r->ar, sizeof(*codes) * (n + 1));
    unknown = arena_alloc(r->ar, sizeof(*unknown) * (n + 1));
    for (size_t i = 0; i < n; i++) {
        const char *c = json_object_get_string(json_object_array_get_idx(codes_in, i));
        size_t k;
        for (k = 0; k < ncodes && strcasecmp(codes[k], c) != 0; k++)
            ;
        if (k == ncodes)
            codes[ncodes++] = c;
    }
    if (!page_may(r, RES_CATALOG, ACT_READ))
        form_error(prob, "sku_codes", "your role may not look SKU codes up (catalog:read)");
    else if (!ncodes)
        form_error(prob, "sku_codes", "list at least one SKU code");
    else if (ncodes > FORM_CODES_MAX)
        form_error(prob, "sku_codes",
                   arena_printf(r->ar, "list at most %d SKU codes in one go", FORM_CODES_MAX));
    if (page_jlen(page_jget(prob, "errors")))
        return publish_page(r, unlist, 400, FIX_FIELDS, prob);

    /* each code through the API, so a code resolves only to a SKU this user may see */
    for (size_t i = 0; i < ncodes; i++) {
        struct json_object *item, *rows;
        rc =
            page_api(r, product_http_sku_list,
                     arena_printf(r->ar, "%s&limit=1", qpair(r, "sku_code", codes[i])), NULL, &out);
        if (rc && rc != 400)
            return page_api_problem(r);
        /* a code the API refuses as a filter names no SKU either */
        rows = rc ? NULL : page_jget(out, "data");
        if (!page_jlen(rows)) {
            unknown[nunknown++] = codes[i];
            continue;
        }
        item = json_object_new_object();
        json_object_object_add(item, "sku_id",
                               JINT(page_jint(json_object_array_get_idx(rows, 0), "id")));
        json_object_array_add(items, item);
    }
    if (nunknown) {
        struct sb list;
        sb_init(&list, r->ar);
        for (size_t i = 0; i < nunknown; i++)
            sb_printf(&list, "%s'%s'", i ? ", " : "", unknown[i]);
        form_error(prob, "sku_codes",
                   arena_printf(r->ar, "no SKU you can see has the code %s", list.buf));
        return publish_page(r, unlist, 422, FIX_FIELDS, prob);
    }
    json_object_object_add(body, "publisher_org_id", JINT(publisher));
    json_object_object_add(body, "org_id", recipient ? JINT(recipient) : NULL);
    if (note)
        json_object_object_add(body, "note", JSTR(note));
    if (!unlist && (cert || terr)) {
        cons = json_object_new_object();
        if (cert)
            json_object_object_add(cons, "required_certification", JSTR(cert));
        if (terr)
            json_object_object_add(cons, "territory", page_split_list(terr, ","));
        json_object_object_add(body, "constraints", cons);
    }
    rc = page_api_at(r, unlist ? catalog_http_unlist : catalog_http_publish, channel, 0, NULL, body,
                     &out);
    if (rc == 400 || rc == 403 || rc == 404 || rc == 409 || rc == 422)
        return publish_page(r, unlist, rc,
                            arena_printf(r->ar, "Nothing was %s: %s.",
                                         unlist ? "unlisted" : "published", page_api_detail(r)),
                            items_to_codes(r, r->api_problem, codes, ncodes));
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "%s&done=%s", publication_href(r, channel, publisher, recipient),
                        page_jlen(page_jget(out, "added")) + page_jlen(page_jget(out, "removed"))
                            ? (unlist ? "unlisted" : "published")
                            : "unchanged"));
}

int pages_http_publish(struct req *r)
{
    return publish_submit(r, 0);
}

int pages_http_unlist(struct req *r)
{
    return publish_submit(r, 1);
}
