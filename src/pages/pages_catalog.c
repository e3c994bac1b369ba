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
struct done_text {
    const char *key, *text;
};

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

static struct json_object *jget(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;

    return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static int64_t jint(struct json_object *o, const char *key)
{
    struct json_object *v = jget(o, key);

    return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : 0;
}

static size_t jlen(struct json_object *a)
{
    return a && json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
}

/* Puts v (part of an arena-owned API answer) into d, which takes its own reference. */
static void jshare(struct json_object *d, const char *key, struct json_object *v)
{
    json_object_object_add(d, key, v ? json_object_get(v) : NULL);
}

static int may(const struct req *r, enum rbac_resource res, unsigned act)
{
    return rbac_allows(r->ctx.role, res, act);
}

static int flag_on(const struct req *r, enum feature_flag f)
{
    return (r->ctx.flags & FLAG_BIT(f)) != 0;
}

/* What the route table would let this user reach: the API the page calls for more. */
static int orgs_readable(const struct req *r)
{
    return flag_on(r, FLAG_ORG) && may(r, RES_ORGS, ACT_READ);
}

static int channels_readable(const struct req *r)
{
    return flag_on(r, FLAG_CHANNELS) && may(r, RES_CHANNELS, ACT_READ);
}

static int catalog_on(const struct req *r)
{
    return flag_on(r, FLAG_CATALOG_PUBLISHING);
}

/* A form field without surrounding blanks; NULL when absent or blank. */
static const char *form_val(struct req *r, const char *name)
{
    const char *v = req_form(r, name);
    size_t n;

    if (!v)
        return NULL;
    v += strspn(v, " \t\r\n");
    n = strlen(v);
    while (n && strchr(" \t\r\n", v[n - 1]))
        n--;
    return n ? arena_strndup(r->ar, v, n) : NULL;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

/*
 * A number typed into a form, as the API's integer; anything else goes as the text, so
 * the API's own validation names the field and says what it wants.
 */
static struct json_object *int_or_text(const char *v)
{
    const char *d = v + (*v == '-');

    if (*d && strlen(d) <= 18 && strspn(d, "0123456789") == strlen(d))
        return json_object_new_int64(strtoll(v, NULL, 10));
    return JSTR(v);
}

/* A query parameter that is an id, else 0 (the page then shows the choice unmade). */
static int64_t query_id(struct req *r, const char *key)
{
    const char *v = req_query(r, key);
    int64_t id;

    return v && params_id(v, &id) == 0 ? id : 0;
}

/*
 * "a, b\nc" → the items, blanks dropped, each at most max bytes (longer ones are kept whole
 * for the API to refuse); separators are those in seps.
 */
static struct json_object *split_list(const char *s, const char *seps)
{
    struct json_object *a = json_object_new_array();

    while (s && *s) {
        size_t n = strcspn(s, seps), m = n;
        const char *b = s;

        while (m && strchr(" \t\r\n", *b)) {
            b++;
            m--;
        }
        while (m && strchr(" \t\r\n", b[m - 1]))
            m--;
        if (m)
            json_object_array_add(a, json_object_new_string_len(b, (int)m));
        s += n;
        if (*s)
            s++;
    }
    return a;
}

/*
 * The page's query parameters named in keys (blank ones dropped), percent-encoded again.
 * cursor, when not NULL, replaces the page's own ("": none), which makes the pager's links.
 */
static const char *pass_query(struct req *r, const char *const *keys, const char *cursor)
{
    struct sb q;

    sb_init(&q, r->ar);
    for (size_t i = 0; keys[i]; i++) {
        const char *v = cursor && strcmp(keys[i], "cursor") == 0 ? cursor : req_query(r, keys[i]);
        if (!v || !*v)
            continue;
        if (q.len)
            sb_addc(&q, '&');
        sb_adds(&q, keys[i]);
        sb_addc(&q, '=');
        sb_add_url(&q, v, strlen(v));
    }
    return q.len ? q.buf : "";
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

/* Choices of a select: [{value, label, selected}], the label with spaces for underscores. */
static struct json_object *options(const char *const *values, const char *selected)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; values[i]; i++) {
        struct json_object *o = json_object_new_object();
        char label[64];

        snprintf(label, sizeof(label), "%s", values[i]);
        for (char *p = label; *p; p++)
            if (*p == '_')
                *p = ' ';
        json_object_object_add(o, "value", JSTR(values[i]));
        json_object_object_add(o, "label", JSTR(label));
        json_object_object_add(o, "selected", JBOOL(selected && strcmp(selected, values[i]) == 0));
        json_object_array_add(a, o);
    }
    return a;
}

static void option_add(struct json_object *a, int64_t value, const char *label, int selected)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "value", JINT(value));
    json_object_object_add(o, "label", JSTR(label));
    json_object_object_add(o, "selected", JBOOL(selected));
    json_object_array_add(a, o);
}

static const char *badge_of(const char *status)
{
    if (status && strcmp(status, "active") == 0)
        return "ok";
    if (status && (strcmp(status, "draft") == 0 || strcmp(status, "scheduled") == 0))
        return "warn";
    return "off";
}

/* An enum value for people: "distributor_of" as "distributor of". */
static const char *spaced(struct req *r, const char *v)
{
    char *s = arena_strdup(r->ar, or_empty(v));

    for (char *p = s; *p; p++)
        if (*p == '_')
            *p = ' ';
    return s;
}

static void add_flash(struct req *r, struct json_object *d, const char *key)
{
    const char *k = req_query(r, "done");

    for (size_t i = 0; k && done_texts[i].key; i++)
        if (strcmp(k, done_texts[i].key) == 0)
            json_object_object_add(d, key, JSTR(done_texts[i].text));
}

/*
 * The problem's field errors for a form: errors.<field> holds the messages for each of
 * fields ("territory[2]" is territory, "constraints.x" constraints_x); the others go to
 * other_errors, shown with the page's message. rename maps an API field to the form's
 * (NULL: none): [api, form, api, form, ..., NULL].
 */
static void add_field_errors(struct req *r, struct json_object *d, struct json_object *prob,
                             const char *const *fields, const char *const *rename)
{
    struct json_object *list = jget(prob, "errors"), *by = json_object_new_object(),
                       *other = json_object_new_array();
    size_t n = jlen(list);

    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(list, i);
        const char *field = json_str_field(e, "field"), *msg = json_str_field(e, "message"), *had;
        char key[64];
        size_t k;

        if (!field || !msg)
            continue;
        snprintf(key, sizeof(key), "%.*s", (int)strcspn(field, "["), field);
        for (char *p = key; *p; p++)
            if (*p == '.')
                *p = '_';
        for (k = 0; rename && rename[k]; k += 2)
            if (strcmp(rename[k], key) == 0) {
                snprintf(key, sizeof(key), "%s", rename[k + 1]);
                break;
            }
        for (k = 0; fields[k] && strcmp(fields[k], key) != 0; k++)
            ;
        if (fields[k]) {
            had = json_str_field(by, key);
            json_object_object_add(by, key,
                                   JSTR(had ? arena_printf(r->ar, "%s; %s", had, msg) : msg));
        } else {
            struct json_object *o = json_object_new_object();
            json_object_object_add(o, "field", JSTR(field));
            json_object_object_add(o, "message", JSTR(msg));
            json_object_array_add(other, o);
        }
    }
    json_object_object_add(d, "errors", by);
    json_object_object_add(d, "other_errors", other);
}

/*
 * Runs h with the path captures id and n (each when not 0) in place of the page's, with
 * query and body as page_api() takes them; the page's own captures come back after.
 */
static int api_at(struct req *r, handler_fn h, int64_t id, int64_t n, const char *query,
                  struct json_object *body, struct json_object **out)
{
    const char *names[ROUTE_MAX_PARAMS], *vals[ROUTE_MAX_PARAMS];
    int np = r->nparams, rc, k = 0;

    memcpy(names, r->param_names, sizeof(names));
    memcpy(vals, r->param_vals, sizeof(vals));
    if (id) {
        r->param_names[k] = "id";
        r->param_vals[k++] = arena_printf(r->ar, "%lld", (long long)id);
    }
    if (n) {
        r->param_names[k] = "n";
        r->param_vals[k++] = arena_printf(r->ar, "%lld", (long long)n);
    }
    r->nparams = k;
    rc = page_api(r, h, query, body, out);
    memcpy(r->param_names, names, sizeof(names));
    memcpy(r->param_vals, vals, sizeof(vals));
    r->nparams = np;
    return rc;
}

/* Runs the write h with If-Match: the version the form was filled from ("0" never matches). */
static int api_if_match(struct req *r, handler_fn h, int64_t id, struct json_object *body,
                        struct json_object **out)
{
    const char *v = req_form(r, "version");
    int64_t version = 0;
    int rc;

    if (!v || params_id(v, &version) != 0)
        version = 0;
    req_set_header(r, "If-Match", arena_printf(r->ar, "\"%lld\"", (long long)version));
    rc = api_at(r, h, id, 0, NULL, body, out);
    req_set_header(r, "If-Match", NULL);
    return rc;
}

/*
 * A list page's data: runs the API's list h with the page's filters (keys) and puts the
 * rows, the filters as typed and the pager into d. Returns 200; 400 when the API refused
 * a filter (its message is in d, next to the filter's field); else the problem's status,
 * for page_api_problem().
 */
static int list_data(struct req *r, struct json_object *d, handler_fn h, const char *path,
                     const char *const *keys, const char *const *fields)
{
    struct json_object *out, *f = json_object_new_object();
    const char *cur = req_query(r, "cursor"), *next;
    int rc = page_api(r, h, pass_query(r, keys, NULL), NULL, &out);

    for (size_t i = 0; keys[i]; i++)
        if (strcmp(keys[i], "cursor") != 0 && req_query(r, keys[i]))
            json_object_object_add(f, keys[i], JSTR(req_query(r, keys[i])));
    json_object_object_add(d, "filters", f);
    if (rc == 400) {
        add_field_errors(r, d, r->api_problem, fields, NULL);
        json_object_object_add(
            d, "error", JSTR("Some filters are not valid: correct the fields marked below."));
        json_object_object_add(d, "rows", json_object_new_array());
        return 400;
    }
    if (rc)
        return rc;
    jshare(d, "rows", jget(out, "data"));
    next = json_str_field(out, "next_cursor");
    json_object_object_add(d, "pager_path", JSTR(path));
    if (next)
        json_object_object_add(d, "next_query", JSTR(pass_query(r, keys, next)));
    if (cur && *cur) {
        json_object_object_add(d, "paged", JBOOL(1));
        json_object_object_add(d, "first_query", JSTR(pass_query(r, keys, "")));
    }
    json_object_object_add(d, "has_pager", JBOOL(next || (cur && *cur)));
    return 200;
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

/*
 * The tenant's organizations (of type, when not NULL) as select options, the one selected
 * marked, or NULL when the user may not list them all (an org's user sees only its own).
 */
static struct json_object *org_choices(struct req *r, const char *type, int64_t selected,
                                       int64_t except)
{
    struct json_object *out, *rows, *a;
    size_t n;

    /* a tenant too large for one select gets an id to type instead */
    if (!orgs_readable(r) || r->ctx.org_id ||
        page_api(r, org_http_list,
                 type ? arena_printf(r->ar, "type=%s&limit=200", type) : "limit=200", NULL,
                 &out) != 0 ||
        json_str_field(out, "next_cursor"))
        return NULL;
    rows = jget(out, "data");
    n = jlen(rows);
    a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *row = json_object_array_get_idx(rows, i);
        if (jint(row, "id") != except)
            option_add(a, jint(row, "id"), or_empty(json_str_field(row, "name")),
                       jint(row, "id") == selected);
    }
    return a;
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
    int as_parent = jint(rel, "parent_org_id") == org_id;
    const char *to = json_str_field(rel, "active_to"), *from = json_str_field(rel, "active_from");
    const char *state = json_object_get_boolean(jget(rel, "active")) ? "active"
                        : to && strcmp(to, now) <= 0                 ? "ended"
                        : from && strcmp(from, now) > 0              ? "scheduled"
                                                                     : "ended";

    json_object_object_add(o, "id", JINT(jint(rel, "id")));
    jshare(o, "other", jget(rel, as_parent ? "child" : "parent"));
    jshare(o, "relation_type", jget(rel, "relation_type"));
    json_object_object_add(o, "relation", JSTR(spaced(r, json_str_field(rel, "relation_type"))));
    json_object_object_add(o, "preferred", JBOOL(json_object_get_boolean(jget(rel, "preferred"))));
    jshare(o, "active_from", jget(rel, "active_from"));
    jshare(o, "active_to", jget(rel, "active_to"));
    json_object_object_add(o, "state", JSTR(state));
    json_object_object_add(o, "badge", JSTR(badge_of(state)));
    json_object_object_add(o, "version", JINT(jint(rel, "version")));
    /* the parent's users end a relationship; one that is over stays as history */
    json_object_object_add(o, "may_end",
                           JBOOL(strcmp(state, "ended") != 0 &&
                                 may(r, RES_RELATIONSHIPS, ACT_UPDATE) &&
                                 (!r->ctx.org_id || r->ctx.org_id == org_id) && as_parent));
    return o;
}

int pages_org_relationships(struct req *r, struct json_object *d, int64_t org_id)
{
    struct json_object *out, *rows, *rels, *parents, *children, *f;
    const char *now = now_rfc3339(r);
    size_t n;
    int rc;

    if (!flag_on(r, FLAG_ORG) || !may(r, RES_RELATIONSHIPS, ACT_READ))
        return 0;
    rc = api_at(r, rel_http_list, org_id, 0, arena_printf(r->ar, "limit=%d", ROWS_SHOWN), NULL,
                &out);
    if (rc)
        return rc;
    rels = json_object_new_object();
    parents = json_object_new_array();
    children = json_object_new_array();
    rows = jget(out, "data");
    n = jlen(rows);
    for (size_t i = 0; i < n; i++) {
        struct json_object *rel = json_object_array_get_idx(rows, i);
        json_object_array_add(jint(rel, "parent_org_id") == org_id ? children : parents,
                              rel_row(r, rel, org_id, now));
    }
    json_object_object_add(rels, "parents", parents);
    json_object_object_add(rels, "children", children);
    json_object_object_add(rels, "more", JBOOL(json_str_field(out, "next_cursor") != NULL));
    json_object_object_add(rels, "shown", JINT(ROWS_SHOWN));
    json_object_object_add(rels, "org_id", JINT(org_id));
    if (may(r, RES_RELATIONSHIPS, ACT_CREATE) && (!r->ctx.org_id || r->ctx.org_id == org_id)) {
        struct json_object *t = rel_again.typed, *choices;
        const char *child = t ? json_str_field(t, "child_org_id") : NULL;
        int64_t sel = 0;

        f = json_object_new_object();
        if (child && params_id(child, &sel) != 0)
            sel = 0;
        choices = org_choices(r, NULL, sel, org_id);
        if (choices)
            json_object_object_add(f, "child_options", choices);
        json_object_object_add(f, "child_select", JBOOL(choices != NULL));
        json_object_object_add(f, "child_org_id", JSTR(or_empty(child)));
        json_object_object_add(
            f, "type_options",
            options(rel_types, t ? json_str_field(t, "relation_type") : "distributor_of"));
        json_object_object_add(f, "preferred", JBOOL(t && json_str_field(t, "preferred")));
        json_object_object_add(rels, "form", f);
    }
    if (rel_again.error)
        json_object_object_add(rels, "error", JSTR(rel_again.error));
    add_field_errors(r, rels, rel_again.prob, rel_fields, NULL);
    add_flash(r, rels, "flash");
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
    const char *child = form_val(r, "child_org_id"), *type = form_val(r, "relation_type");
    int preferred = req_form(r, "preferred") != NULL;
    int64_t org_id;
    int rc;

    if (params_path_id(r, "id", &org_id) != 0)
        return problem(r, PROB_NOT_FOUND, "no organization at '%s'", r->path);
    if (child)
        json_object_object_add(body, "child_org_id", int_or_text(child));
    if (type)
        json_object_object_add(body, "relation_type", JSTR(type));
    json_object_object_add(body, "preferred", JBOOL(preferred));
    json_object_object_add(typed, "child_org_id", JSTR(or_empty(child)));
    json_object_object_add(typed, "relation_type", JSTR(or_empty(type)));
    if (preferred)
        json_object_object_add(typed, "preferred", JSTR("on"));
    rc = api_at(r, rel_http_create, org_id, 0, NULL, body, &out);
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
    const char *org = form_val(r, "org_id");
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return problem(r, PROB_NOT_FOUND, "no relationship at '%s'", r->path);
    /* the page to go back to: the form's organization when it is one of the two sides */
    rc = api_at(r, rel_http_get, id, 0, NULL, NULL, &rel);
    if (rc)
        return page_api_problem(r);
    if (org && params_id(org, &back) == 0 && back != jint(rel, "child_org_id"))
        back = 0;
    if (!back)
        back = jint(rel, "parent_org_id");
    json_object_object_add(body, "active_to", JSTR(now_rfc3339(r)));
    rc = api_if_match(r, rel_http_patch, id, body, &out);
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
    size_t n = jlen(rows);
    int rc;

    for (size_t i = 0; i < n; i++)
        names_want(r, &nm, jint(json_object_array_get_idx(rows, i), id_key));
    rc = names_load(r, &nm);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i);
        if (jint(o, id_key))
            json_object_object_add(o, name_key, JSTR(names_get(r, &nm, jint(o, id_key))));
    }
    return 0;
}

static void add_badges(struct json_object *rows, const char *status_key)
{
    size_t n = jlen(rows);

    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i);
        json_object_object_add(o, "badge", JSTR(badge_of(json_str_field(o, status_key))));
    }
}

int pages_http_channels(struct req *r)
{
    struct json_object *d = page_data(r, "Channels");
    int st = list_data(r, d, channel_http_list, "/channels", channel_list_keys,
                       channel_filter_fields),
        rc;

    if (st != 200 && st != 400)
        return page_api_problem(r);
    add_badges(jget(d, "rows"), "status");
    rc = add_owner_names(r, jget(d, "rows"), "org_id", "owner");
    if (rc)
        return problem_db(r, rc, "channel owners");
    json_object_object_add(d, "type_options", options(channel_types, req_query(r, "type")));
    json_object_object_add(d, "status_options", options(channel_statuses, req_query(r, "status")));
    json_object_object_add(d, "may_create", JBOOL(may(r, RES_CHANNELS, ACT_CREATE)));
    return page_render(r, st, "channels/list", d);
}

/* The new-channel form, filled with what was sent (nothing on a GET). */
static int channel_new_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *d = page_data(r, "New channel"), *f = json_object_new_object(), *choices;
    const char *org = form_val(r, "org_id");
    int64_t sel = 0;

    json_object_object_add(f, "name", JSTR(or_empty(form_val(r, "name"))));
    json_object_object_add(f, "type_options", options(channel_types, form_val(r, "type")));
    if (r->ctx.org_id) {
        /* an organization's users run channels for their own organization */
        json_object_object_add(f, "own_org", JSTR(or_empty(r->ctx.org_name)));
    } else {
        if (org && params_id(org, &sel) != 0)
            sel = 0;
        choices = org_choices(r, NULL, sel, 0);
        if (choices)
            json_object_object_add(f, "org_options", choices);
        json_object_object_add(f, "org_select", JBOOL(choices != NULL));
        json_object_object_add(f, "org_id", JSTR(or_empty(org)));
    }
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    add_field_errors(r, d, prob, channel_fields, NULL);
    return page_render(r, status, "channels/new", d);
}

int pages_http_channel_new(struct req *r)
{
    return channel_new_page(r, 200, NULL, NULL);
}

int pages_http_channel_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *name = form_val(r, "name"), *type = form_val(r, "type"),
               *org = form_val(r, "org_id");
    int rc;

    if (name)
        json_object_object_add(body, "name", JSTR(name));
    if (type)
        json_object_object_add(body, "type", JSTR(type));
    /* blank: the tenant's own channel; an organization's user always runs its own */
    if (!r->ctx.org_id)
        json_object_object_add(body, "org_id", org ? int_or_text(org) : NULL);
    rc = page_api(r, channel_http_create, NULL, body, &out);
    if (rc == 400 || rc == 409 || rc == 422)
        return channel_new_page(r, rc, FIX_FIELDS, r->api_problem);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/channels/%lld?done=channel_created", (long long)jint(out, "id")));
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
    id = jint(ch, "id");
    d = page_data(r, or_empty(json_str_field(ch, "name")));
    json_object_object_add(ch, "badge", JSTR(badge_of(json_str_field(ch, "status"))));
    names_want(r, &nm, jint(ch, "org_id"));
    rc = names_load(r, &nm);
    if (rc)
        return problem_db(r, rc, "channel owner");
    if (jint(ch, "org_id"))
        json_object_object_add(ch, "owner", JSTR(names_get(r, &nm, jint(ch, "org_id"))));
    jshare(d, "channel", ch);
    if (catalog_on(r) && may(r, RES_PUBLICATIONS, ACT_READ)) {
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
        json_object_object_add(d, "may_publish", JBOOL(may(r, RES_PUBLICATIONS, ACT_CREATE)));
        json_object_object_add(d, "may_browse", JBOOL(may(r, RES_LISTINGS, ACT_READ)));
    }
    add_flash(r, d, "flash");
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
    return may(r, RES_CATALOG, ACT_CREATE) &&
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
    choices = org_choices(r, "manufacturer", sel, 0);
    if (choices)
        json_object_object_add(f, "maker_options", choices);
    json_object_object_add(f, "maker_input", JBOOL(!choices));
    json_object_object_add(f, "manufacturer_id", JSTR(or_empty(typed)));
}

int pages_http_products(struct req *r)
{
    struct json_object *d = page_data(r, "Products");
    int st = list_data(r, d, product_http_list, "/products", product_list_keys,
                       product_filter_fields),
        rc;

    if (st != 200 && st != 400)
        return page_api_problem(r);
    add_badges(jget(d, "rows"), "lifecycle_status");
    rc = add_owner_names(r, jget(d, "rows"), "manufacturer_id", "manufacturer");
    if (rc)
        return problem_db(r, rc, "product manufacturers");
    add_maker_field(r, d, req_query(r, "manufacturer_id"));
    json_object_object_add(d, "lifecycle_options",
                           options(product_lifecycles, req_query(r, "lifecycle_status")));
    json_object_object_add(d, "may_create", JBOOL(may_create_products(r)));
    return page_render(r, st, "products/list", d);
}

/* The new-product form, filled with what was sent (nothing on a GET). */
static int product_new_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *d = page_data(r, "New product"), *f = json_object_new_object();
    const char *lc = form_val(r, "lifecycle_status");

    json_object_object_add(f, "name", JSTR(or_empty(form_val(r, "name"))));
    json_object_object_add(f, "category", JSTR(or_empty(form_val(r, "category"))));
    json_object_object_add(f, "lifecycle_options", options(product_lifecycles, lc ? lc : "active"));
    if (r->ctx.org_id)
        json_object_object_add(f, "own_org", JSTR(or_empty(r->ctx.org_name)));
    else
        add_maker_field(r, f, form_val(r, "manufacturer_id"));
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    add_field_errors(r, d, prob, product_fields, NULL);
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
    const char *maker = form_val(r, "manufacturer_id"), *name = form_val(r, "name"),
               *category = form_val(r, "category"), *lc = form_val(r, "lifecycle_status");
    int rc;

    if (r->ctx.org_id)
        json_object_object_add(body, "manufacturer_id", JINT(r->ctx.org_id));
    else if (maker)
        json_object_object_add(body, "manufacturer_id", int_or_text(maker));
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
    return page_redirect(
        r, arena_printf(r->ar, "/products/%lld?done=product_created", (long long)jint(out, "id")));
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
    id = jint(p, "id");
    maker = jint(p, "manufacturer_id");
    d = page_data(r, or_empty(json_str_field(p, "name")));
    names_want(r, &nm, maker);
    rc = names_load(r, &nm);
    if (rc)
        return problem_db(r, rc, "product manufacturer");
    json_object_object_add(p, "manufacturer", JSTR(names_get(r, &nm, maker)));
    json_object_object_add(p, "badge", JSTR(badge_of(json_str_field(p, "lifecycle_status"))));
    attrs = jget(p, "attrs");
    if (attrs && json_object_object_length(attrs) > 0)
        json_object_object_add(p, "attrs_text", JSTR(json_text(r->ar, attrs)));
    jshare(d, "product", p);

    rc = page_api(r, product_http_sku_list,
                  arena_printf(r->ar, "product_id=%lld&limit=%d", (long long)id, ROWS_SHOWN), NULL,
                  &out);
    if (rc)
        return page_api_problem(r);
    add_badges(jget(out, "data"), "status");
    jshare(d, "skus", jget(out, "data"));
    json_object_object_add(d, "skus_more", JBOOL(json_str_field(out, "next_cursor") != NULL));
    json_object_object_add(d, "skus_shown", JINT(ROWS_SHOWN));
    /* the manufacturer's own users add SKUs; others see what reached them */
    if (may(r, RES_CATALOG, ACT_CREATE) && (!r->ctx.org_id || r->ctx.org_id == maker)) {
        const char *st = form_val(r, "status");
        f = json_object_new_object();
        json_object_object_add(f, "sku_code", JSTR(or_empty(form_val(r, "sku_code"))));
        json_object_object_add(f, "status_options", options(sku_statuses, st ? st : "active"));
        json_object_object_add(d, "form", f);
    }
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    add_field_errors(r, d, prob, sku_fields, NULL);
    add_flash(r, d, "flash");
    return page_render(r, status, "products/detail", d);
}

int pages_http_product(struct req *r)
{
    return product_page(r, 200, NULL, NULL);
}

int pages_http_sku_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *code = form_val(r, "sku_code"), *st = form_val(r, "status");
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
    struct json_object *out, *rows, *a;
    size_t n;

    if (!channels_readable(r) || page_api(r, channel_http_list, "limit=200", NULL, &out) != 0 ||
        json_str_field(out, "next_cursor"))
        return NULL;
    rows = jget(out, "data");
    n = jlen(rows);
    a = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        struct json_object *row = json_object_array_get_idx(rows, i);
        option_add(a, jint(row, "id"), or_empty(json_str_field(row, "name")),
                   jint(row, "id") == selected);
    }
    return a;
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
    json_object_object_add(f, "channel_id", JSTR(or_empty(typed)));
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
        option_add(a, nm.id[i], names_get(r, &nm, nm.id[i]), nm.id[i] == selected);
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
    size_t n = jlen(rows);
    int rc;

    sb_init(&ids, r->ar);
    sb_addc(&ids, '[');
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i), *path = jget(o, "path");
        for (size_t k = 0; k < jlen(path); k++)
            names_want(r, &nm, json_object_get_int64(json_object_array_get_idx(path, k)));
        names_want(r, &nm, jint(o, "publisher_org_id"));
        sb_printf(&ids, "%s%lld", i ? "," : "", (long long)jint(o, "publication_id"));
    }
    sb_addc(&ids, ']');
    rc = names_load(r, &nm);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_PAGES_PUB_RECIPIENTS, r->ctx.tenant_id, &res, ids.buf);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct json_object *o = json_object_array_get_idx(rows, i), *path = jget(o, "path"),
                           *names = json_object_new_array();
        int64_t pub = jint(o, "publication_id"), to = 0;

        for (size_t k = 0; k < jlen(path); k++) {
            struct json_object *step = json_object_new_object();
            int64_t id = json_object_get_int64(json_object_array_get_idx(path, k));
            json_object_object_add(step, "id", JINT(id));
            json_object_object_add(step, "name", JSTR(names_get(r, &nm, id)));
            json_object_object_add(step, "first", JBOOL(k == 0));
            json_object_array_add(names, step);
        }
        json_object_object_add(o, "path_names", names);
        if (jlen(path))
            json_object_object_add(
                o, "manufacturer",
                JSTR(names_get(r, &nm, json_object_get_int64(json_object_array_get_idx(path, 0)))));
        json_object_object_add(o, "publisher",
                               JSTR(names_get(r, &nm, jint(o, "publisher_org_id"))));
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
        add_field_errors(r, d, prob, catalog_fields, NULL);
        json_object_object_add(
            d, "error", JSTR("Some filters are not valid: correct the fields marked below."));
        jshare(d, "rows", rows);
        return 400;
    }
    while (!done && pages < SCAN_PAGES) {
        struct json_object *data;
        const char *nc;
        size_t n;

        rc =
            api_at(r, catalog_http_listing, channel, 0,
                   arena_printf(r->ar, "org_id=%lld&limit=%lld%s%s", (long long)org,
                                (long long)(filtered ? LIST_MAX_LIMIT : want),
                                cur && *cur ? "&" : "", cur && *cur ? qpair(r, "cursor", cur) : ""),
                   NULL, &out);
        if (rc)
            break;
        pages++;
        data = jget(out, "data");
        nc = json_str_field(out, "next_cursor");
        n = jlen(data);
        for (size_t i = 0; i < n && !done; i++) {
            struct json_object *o = json_object_array_get_idx(data, i), *path = jget(o, "path");
            scanned++;
            if (q && *q && !contains_nocase(or_empty(json_str_field(o, "sku_code")), q))
                continue;
            if (maker &&
                (!jlen(path) || json_object_get_int64(json_object_array_get_idx(path, 0)) != maker))
                continue;
            json_object_array_add(rows, json_object_get(o));
            if ((int64_t)json_object_array_length(rows) == want) {
                struct pub_key k = {jint(o, "sku_id"), jint(o, "offering_id")};
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
    if (rc == 400) {
        add_field_errors(r, d, r->api_problem, catalog_fields, NULL);
        json_object_object_add(
            d, "error", JSTR("Some filters are not valid: correct the fields marked below."));
        json_object_object_add(d, "rows", json_object_new_array());
        return 400;
    }
    if (rc)
        return rc;
    if (filtered && !done && next)
        json_object_object_add(d, "scanned", JINT(scanned));
    jshare(d, "rows", rows);
    {
        static const char *const keys[] = {"channel_id", "org_id", "q", "manufacturer_id",
                                           "limit",      "cursor", NULL};
        const char *first = req_query(r, "cursor");
        json_object_object_add(d, "pager_path", JSTR("/catalog"));
        if (next)
            json_object_object_add(d, "next_query", JSTR(pass_query(r, keys, next)));
        if (first && *first) {
            json_object_object_add(d, "paged", JBOOL(1));
            json_object_object_add(d, "first_query", JSTR(pass_query(r, keys, "")));
        }
        json_object_object_add(d, "has_pager", JBOOL(next || (first && *first)));
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
        json_object_object_add(d, "own_org", JSTR(or_empty(r->ctx.org_name)));
    } else {
        struct json_object *choices = org_choices(r, NULL, org, 0);
        if (choices)
            json_object_object_add(d, "org_options", choices);
        json_object_object_add(d, "org_input", JBOOL(!choices));
    }
    json_object_object_add(d, "may_publish", JBOOL(may(r, RES_PUBLICATIONS, ACT_CREATE)));
    if (!channel || !org) {
        json_object_object_add(d, "choose", JBOOL(1));
        return page_render(r, 200, "catalog/browse", d);
    }
    json_object_object_add(d, "chosen", JBOOL(1));
    st = listing_data(r, d, channel, org);
    if (st != 200 && st != 400)
        return page_api_problem(r);
    rc = listing_rows(r, jget(d, "rows"), channel);
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
    for (size_t i = 0; i < jlen(items); i++) {
        struct json_object *o = json_object_array_get_idx(items, i);
        if ((offering && jint(o, "offering_id") == offering) ||
            (!offering && jint(o, "sku_id") == sku && !jint(o, "offering_id")))
            return json_str_field(o, "sku_code");
    }
    return NULL;
}

/* The diff's ids of one side (name: added or removed) as rows with their codes. */
static struct json_object *diff_rows(struct req *r, struct json_object *diff, const char *name,
                                     struct json_object *items)
{
    struct json_object *a = json_object_new_array(), *skus = jget(diff, name),
                       *offs = jget(diff, arena_printf(r->ar, "%s_offerings", name));

    for (size_t i = 0; i < jlen(skus); i++) {
        struct json_object *o = json_object_new_object();
        int64_t id = json_object_get_int64(json_object_array_get_idx(skus, i));
        const char *code = item_code(items, id, 0);
        json_object_object_add(o, "sku_id", JINT(id));
        json_object_object_add(o, "sku_code",
                               JSTR(code ? code : arena_printf(r->ar, "SKU %lld", (long long)id)));
        json_object_array_add(a, o);
    }
    for (size_t i = 0; i < jlen(offs); i++) {
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
    rc = api_at(r, catalog_http_version_diff, channel, n,
                a && *a ? arena_printf(r->ar, "%s&%s", target, qpair(r, "against", a)) : target,
                NULL, &diff);
    if (rc == 400 || rc == 404) {
        json_object_object_add(o, "problem",
                               JSTR(arena_printf(r->ar, "No diff: %s.", page_api_detail(r))));
        return 0;
    }
    if (rc)
        return rc;
    against = jint(diff, "against");
    rc = api_at(r, catalog_http_version_get, channel, n, target, NULL, &now);
    if (!rc && against > 0)
        rc = api_at(r, catalog_http_version_get, channel, against, target, NULL, &then);
    if (rc)
        return rc;
    json_object_object_add(o, "version", JINT(n));
    json_object_object_add(o, "against", JINT(against));
    json_object_object_add(o, "added", diff_rows(r, diff, "added", jget(now, "items")));
    json_object_object_add(o, "removed", diff_rows(r, diff, "removed", jget(then, "items")));
    json_object_object_add(o, "same", JBOOL(!jlen(jget(o, "added")) && !jlen(jget(o, "removed"))));
    return 0;
}

/* The versions' actors by email where the viewer may read the user, else by id. */
static int add_actors(struct req *r, struct json_object *rows)
{
    int64_t seen[20];
    const char *email[20];
    size_t nseen = 0;

    for (size_t i = 0; i < jlen(rows); i++) {
        struct json_object *o = json_object_array_get_idx(rows, i), *u;
        int64_t id = jint(o, "actor_id");
        const char *who = NULL;
        size_t k;

        if (!id)
            continue;
        for (k = 0; k < nseen && seen[k] != id; k++)
            ;
        if (k < nseen) {
            who = email[k];
        } else if (may(r, RES_USERS, ACT_READ) && nseen < 20) {
            int rc = api_at(r, identity_http_user_get, id, 0, NULL, NULL, &u);
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
    const char *page_q = pass_query(r, keys, NULL), *cur = req_query(r, "cursor"), *next;
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
                           JSTR(ch ? or_empty(json_str_field(ch, "name"))
                                   : arena_printf(r->ar, "channel %lld", (long long)channel)));
    json_object_object_add(pub, "publisher_id", JINT(publisher));
    json_object_object_add(pub, "publisher", JSTR(names_get(r, &nm, publisher)));
    json_object_object_add(pub, "org_id", JSTR(recipient_text(to)));
    if (recipient)
        json_object_object_add(pub, "recipient", JSTR(names_get(r, &nm, recipient)));
    rows = jget(out, "data");
    next = json_str_field(out, "next_cursor");
    /* versions come oldest first: the newest is the last row of the last page */
    if (!next && jlen(rows))
        current = jint(json_object_array_get_idx(rows, jlen(rows) - 1), "version");
    rc = add_actors(r, rows);
    if (rc)
        return page_api_problem(r);
    for (size_t i = 0; i < jlen(rows); i++) {
        struct json_object *o = json_object_array_get_idx(rows, i);
        int64_t v = jint(o, "version");
        json_object_object_add(o, "previous", JINT(v - 1));
        json_object_object_add(o, "current", JBOOL(v == current));
        json_object_object_add(o, "may_roll_back", JBOOL(v != current));
    }
    if (current) {
        struct json_object *last = json_object_array_get_idx(rows, jlen(rows) - 1);
        json_object_object_add(pub, "version", JINT(current));
        json_object_object_add(pub, "item_count", JINT(jint(last, "item_count")));
    }
    jshare(d, "publication", pub);
    jshare(d, "rows", rows);
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
                           JBOOL(may(r, RES_PUBLICATIONS, ACT_CREATE) &&
                                 (!r->ctx.org_id || r->ctx.org_id == publisher)));
    rc = add_diff(r, d, channel, target);
    if (rc)
        return page_api_problem(r);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    add_flash(r, d, "flash");
    return page_render(r, status, "catalog/publication", d);
}

int pages_http_publication(struct req *r)
{
    return publication_page(r, 200, NULL, query_id(r, "publisher_org_id"), req_query(r, "org_id"));
}

int pages_http_rollback(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *to = recipient_text(form_val(r, "org_id")), *v = form_val(r, "to_version");
    int64_t channel, publisher = 0, recipient = 0;
    int rc;

    if (params_path_id(r, "id", &channel) != 0)
        return problem(r, PROB_NOT_FOUND, "no channel at '%s'", r->path);
    if (!form_val(r, "publisher_org_id") ||
        params_id(form_val(r, "publisher_org_id"), &publisher) != 0)
        return problem(r, PROB_VALIDATION, "the form names no publisher");
    if (strcmp(to, "all") != 0 && params_id(to, &recipient) != 0)
        return problem(r, PROB_VALIDATION, "the form names no recipient");
    json_object_object_add(body, "publisher_org_id", JINT(publisher));
    json_object_object_add(body, "org_id", recipient ? JINT(recipient) : NULL);
    json_object_object_add(body, "to_version", int_or_text(v ? v : ""));
    rc = api_at(r, catalog_http_rollback, channel, 0, NULL, body, &out);
    if (rc == 400 || rc == 403 || rc == 404 || rc == 409 || rc == 422)
        return publication_page(
            r, rc, arena_printf(r->ar, "Nothing was rolled back: %s.", page_api_detail(r)),
            publisher, to);
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, arena_printf(r->ar, "%s&done=%s",
                                         publication_href(r, channel, publisher, recipient),
                                         jlen(jget(out, "added")) + jlen(jget(out, "removed")) +
                                                 jlen(jget(out, "added_offerings")) +
                                                 jlen(jget(out, "removed_offerings"))
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
    struct json_object *list = jget(prob, "errors"), *e = json_object_new_object();

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
    if (r->ctx.org_id && may(r, RES_RELATIONSHIPS, ACT_READ) && flag_on(r, FLAG_ORG)) {
        /* an organization publishes to its children: those it may choose from */
        rc = api_at(r, rel_http_list, r->ctx.org_id, 0, "side=children&active=true&limit=200", NULL,
                    &out);
        if (rc >= 500)
            return rc;
        if (rc == 0 && !json_str_field(out, "next_cursor")) {
            struct json_object *rows = jget(out, "data");
            struct names seen = {0};
            choices = json_object_new_array();
            for (size_t i = 0; i < jlen(rows); i++) {
                struct json_object *rel = json_object_array_get_idx(rows, i),
                                   *child = jget(rel, "child");
                const char *type = json_str_field(rel, "relation_type");
                size_t before = seen.n;
                if (!type ||
                    (strcmp(type, "distributor_of") != 0 && strcmp(type, "dealer_of") != 0))
                    continue;
                names_want(r, &seen, jint(child, "id"));
                if (seen.n > before)
                    option_add(choices, jint(child, "id"), or_empty(json_str_field(child, "name")),
                               jint(child, "id") == sel);
            }
        }
    } else if (!r->ctx.org_id) {
        choices = org_choices(r, NULL, sel, publisher);
    }
    json_object_object_add(f, "all_selected", JBOOL(!typed || strcmp(typed, "all") == 0));
    if (choices) {
        json_object_object_add(f, "recipient_options", choices);
    } else {
        json_object_object_add(f, "recipient_input", JBOOL(1));
        json_object_object_add(f, "org_id", JSTR(or_empty(typed)));
    }
    return 0;
}

/* A field of the publish form: as sent after a POST, from the query (a link's) on a GET. */
static const char *typed(struct req *r, const char *key)
{
    return r->method == HTTP_POST ? form_val(r, key) : req_query(r, key);
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
        json_object_object_add(f, "own_org", JSTR(or_empty(r->ctx.org_name)));
    } else {
        struct json_object *choices = org_choices(r, NULL, pub, 0);
        if (choices)
            json_object_object_add(f, "publisher_options", choices);
        json_object_object_add(f, "publisher_input", JBOOL(!choices));
        json_object_object_add(f, "publisher_org_id", JSTR(or_empty(publisher)));
    }
    rc = add_recipient_field(r, f, pub, typed(r, "org_id"));
    if (rc)
        return page_api_problem(r);
    json_object_object_add(f, "sku_codes", JSTR(or_empty(typed(r, "sku_codes"))));
    json_object_object_add(f, "note", JSTR(or_empty(typed(r, "note"))));
    json_object_object_add(f, "required_certification",
                           JSTR(or_empty(typed(r, "required_certification"))));
    json_object_object_add(f, "territory", JSTR(or_empty(typed(r, "territory"))));
    json_object_object_add(f, "codes_max", JINT(FORM_CODES_MAX));
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    add_field_errors(r, d, prob, publish_fields, NULL);
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
                       *list = jget(prob, "errors");

    json_object_object_add(p, "errors", json_object_new_array());
    for (size_t i = 0; i < jlen(list); i++) {
        struct json_object *e = json_object_array_get_idx(list, i);
        const char *field = or_empty(json_str_field(e, "field")),
                   *msg = or_empty(json_str_field(e, "message"));
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
    const char *ch = form_val(r, "channel_id"), *to = form_val(r, "org_id"),
               *pubs = form_val(r, "publisher_org_id"), *note = form_val(r, "note"),
               *cert = form_val(r, "required_certification"), *terr = form_val(r, "territory");
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
    codes_in = json_arena_own(r->ar, split_list(or_empty(req_form(r, "sku_codes")), "\n,"));
    n = jlen(codes_in);
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
    if (!may(r, RES_CATALOG, ACT_READ))
        form_error(prob, "sku_codes", "your role may not look SKU codes up (catalog:read)");
    else if (!ncodes)
        form_error(prob, "sku_codes", "list at least one SKU code");
    else if (ncodes > FORM_CODES_MAX)
        form_error(prob, "sku_codes",
                   arena_printf(r->ar, "list at most %d SKU codes in one go", FORM_CODES_MAX));
    if (jlen(jget(prob, "errors")))
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
        rows = rc ? NULL : jget(out, "data");
        if (!jlen(rows)) {
            unknown[nunknown++] = codes[i];
            continue;
        }
        item = json_object_new_object();
        json_object_object_add(item, "sku_id",
                               JINT(jint(json_object_array_get_idx(rows, 0), "id")));
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
            json_object_object_add(cons, "territory", split_list(terr, ","));
        json_object_object_add(body, "constraints", cons);
    }
    rc = api_at(r, unlist ? catalog_http_unlist : catalog_http_publish, channel, 0, NULL, body,
                &out);
    if (rc == 400 || rc == 403 || rc == 404 || rc == 409 || rc == 422)
        return publish_page(r, unlist, rc,
                            arena_printf(r->ar, "Nothing was %s: %s.",
                                         unlist ? "unlisted" : "published", page_api_detail(r)),
                            items_to_codes(r, r->api_problem, codes, ncodes));
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, arena_printf(r->ar, "%s&done=%s",
                                         publication_href(r, channel, publisher, recipient),
                                         jlen(jget(out, "added")) + jlen(jget(out, "removed"))
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
