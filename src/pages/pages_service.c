/* Service pages: equipment and its QR code through the API's handlers, the label sheet,
 * and the public QR page that opens a ticket without a login. */
#include "pages/pages_service.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "core/config.h"
#include "core/json.h"
#include "core/sb.h"
#include "core/utf8.h"
#include "db/db.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "pages/pages.h"
#include "pages/pages_form.h"
#include "pages/pages_tickets.h"
#include "service/equipment.h"
#include "service/equipment_http.h"
#include "service/qr.h"
#include "service/ticket.h"

#define JSTR(s)  json_object_new_string(s)
#define JBOOL(b) json_object_new_boolean(b)

/* The public form's limits: tighter than the API's, a phone's worth of text. */
#define QR_DESCRIPTION_MAX 4000
#define QR_TITLE_MAX       TICKET_TITLE_MAX
#define QR_NAME_MAX        TICKET_REPORTER_MAX
#define QR_CONTACT_MAX     TICKET_CONTACT_MAX
/* a title made from the description when none was typed */
#define QR_TITLE_FROM_TEXT 80

static const char *const eq_list_keys[] = {"owner_org_id", "sku_id", "site",   "region",
                                           "status",       "limit",  "cursor", NULL};
static const char *const eq_filter_fields[] = {"owner_org_id", "sku_id", "site",
                                               "region",       "status", NULL};
static const struct done_text done_texts[] = {
    {"rotated", "A new QR token was made: the old label no longer opens requests. Print a new "
                "one."},
    {NULL, NULL},
};

/* "IP-100 · Infusion pump", either part alone, or NULL without a SKU. */
static const char *model_of(struct req *r, const char *code, const char *product)
{
    if (code && product)
        return arena_printf(r->ar, "%s · %s", code, product);
    return code ? code : product;
}

/* The inline SVG of url's QR code, sized by size (NULL: by the page's CSS); NULL on error. */
static const char *inline_qr(struct req *r, const char *url, const char *size, const char *label)
{
    struct sb svg;

    sb_init(&svg, r->ar);
    if (!url || qr_svg(&svg, url, size, label, 0) != 0 || sb_error(&svg))
        return NULL;
    return svg.buf;
}

/* A row of the API's answer with its model and badge, for the list, detail and labels. */
static void decorate(struct req *r, struct json_object *eq)
{
    const char *model =
        model_of(r, json_str_field(eq, "sku_code"), json_str_field(eq, "product_name"));

    json_object_object_add(eq, "model", model ? JSTR(model) : NULL);
    json_object_object_add(eq, "badge", JSTR(page_badge_of(json_str_field(eq, "status"))));
}

int pages_http_equipment_list(struct req *r)
{
    struct json_object *d = page_data(r, "Equipment"), *rows;
    static const char *const label_keys[] = {"owner_org_id", "sku_id", "site",
                                             "region",       "status", NULL};
    int st =
        page_list_data(r, d, equipment_http_list, "/equipment", eq_list_keys, eq_filter_fields);
    const char *q;

    if (st != 200 && st != 400)
        return page_api_problem(r);
    rows = page_jget(d, "rows");
    for (size_t i = 0; i < page_jlen(rows); i++)
        decorate(r, json_object_array_get_idx(rows, i));
    json_object_object_add(d, "status_options",
                           page_options(equipment_statuses, req_query(r, "status")));
    q = page_pass_query(r, label_keys, NULL);
    json_object_object_add(
        d, "labels_href",
        JSTR(*q ? arena_printf(r->ar, "/equipment/labels?%s", q) : "/equipment/labels"));
    return page_render(r, st, "service/equipment_list", d);
}

/* The page of one piece, with status and error when a form could not be carried out. */
static int equipment_page(struct req *r, int status, const char *error)
{
    struct json_object *eq, *d;
    const char *serial, *svg;
    int rc = page_api(r, equipment_http_get, NULL, NULL, &eq);

    if (rc)
        return page_api_problem(r);
    serial = page_or_empty(json_str_field(eq, "serial"));
    d = page_data(r, serial);
    decorate(r, eq);
    page_jshare(d, "equipment", eq);
    svg = inline_qr(r, json_str_field(eq, "qr_url"), NULL,
                    arena_printf(r->ar, "QR code of %s", serial));
    if (svg)
        json_object_object_add(d, "qr_svg", JSTR(svg));
    json_object_object_add(d, "may_update", JBOOL(page_may(r, RES_EQUIPMENT, ACT_UPDATE)));
    pages_equipment_tickets(r, d, eq);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    else
        page_add_flash(r, d, "flash", done_texts);
    return page_render(r, status, "service/equipment_detail", d);
}

int pages_http_equipment(struct req *r)
{
    return equipment_page(r, 200, NULL);
}

int pages_http_equipment_rotate(struct req *r)
{
    struct json_object *out;
    int64_t id;
    int rc;

    if (params_path_id(r, "id", &id) != 0)
        return problem(r, PROB_NOT_FOUND, "no equipment at '%s'", r->path);
    rc = page_api_if_match(r, equipment_http_rotate_token, 0, NULL, &out);
    if (rc == 412)
        return equipment_page(r, 412,
                              "Someone changed this equipment meanwhile. No new QR code was made: "
                              "the page now shows it as it is; ask again if you still mean to.");
    if (rc)
        return page_api_problem(r);
    return page_redirect(r, arena_printf(r->ar, "/equipment/%lld?done=rotated", (long long)id));
}

/* ids=1,2,3 into ids[]; -1 when it is not a list of at most EQUIPMENT_IDS_MAX ids. */
static int parse_ids(const char *s, int64_t *ids)
{
    int n = 0;

    while (*s) {
        char one[24];
        size_t len = strcspn(s, ",");

        if (len == 0 || len >= sizeof(one) || n == EQUIPMENT_IDS_MAX)
            return -1;
        memcpy(one, s, len);
        one[len] = '\0';
        if (params_id(one, &ids[n]) != 0)
            return -1;
        n++;
        s += len;
        if (*s == ',' && !*++s)
            return -1;
    }
    return n;
}

/* One label of the sheet from an API answer. */
static struct json_object *label_of(struct req *r, struct json_object *eq)
{
    struct json_object *l = json_object_new_object();
    const char *serial = page_or_empty(json_str_field(eq, "serial"));
    const char *model =
        model_of(r, json_str_field(eq, "sku_code"), json_str_field(eq, "product_name"));
    const char *svg = inline_qr(r, json_str_field(eq, "qr_url"), NULL,
                                arena_printf(r->ar, "QR code of %s", serial));

    json_object_object_add(l, "serial", JSTR(serial));
    json_object_object_add(l, "long_serial", JBOOL(strlen(serial) > 40)); /* smaller print */
    json_object_object_add(l, "model", model ? JSTR(model) : NULL);
    json_object_object_add(l, "site",
                           json_str_field(eq, "site") ? JSTR(json_str_field(eq, "site")) : NULL);
    json_object_object_add(l, "qr_svg", JSTR(svg ? svg : ""));
    return l;
}

int pages_http_equipment_labels(struct req *r)
{
    static const char *const filter_keys[] = {"owner_org_id", "sku_id", "site", "region",
                                              "status",       "limit",  NULL};
    struct json_object *d = page_data(r, "Equipment labels"), *labels, *out, *data;
    const char *ids_text = req_query(r, "ids"), *q;
    struct sb missing;
    int64_t *ids;
    int n, rc;

    labels = json_object_new_array();
    json_object_object_add(d, "labels", labels);
    sb_init(&missing, r->ar);
    if (ids_text && *ids_text) {
        ids = arena_alloc(r->ar, sizeof(*ids) * EQUIPMENT_IDS_MAX);
        n = parse_ids(ids_text, ids);
        if (n < 0) {
            json_object_object_add(
                d, "error",
                JSTR("ids must be a comma-separated list of at most 200 equipment ids."));
            return page_render(r, 400, "service/labels", d);
        }
        for (int i = 0; i < n; i++) {
            rc = page_api_at(r, equipment_http_get, ids[i], 0, NULL, NULL, &out);
            if (rc == 404) {
                sb_printf(&missing, "%s%lld", missing.len ? ", " : "", (long long)ids[i]);
                continue;
            }
            if (rc)
                return page_api_problem(r);
            json_object_array_add(labels, label_of(r, out));
        }
    } else {
        /* the list's filters; a sheet holds up to 200 labels unless limit says fewer */
        q = page_pass_query(r, filter_keys, NULL);
        if (!req_query(r, "limit"))
            q = arena_printf(r->ar, "%s%slimit=200", q, *q ? "&" : "");
        rc = page_api(r, equipment_http_list, q, NULL, &out);
        if (rc)
            return page_api_problem(r);
        data = page_jget(out, "data");
        for (size_t i = 0; i < page_jlen(data); i++)
            json_object_array_add(labels, label_of(r, json_object_array_get_idx(data, i)));
        json_object_object_add(d, "more", JBOOL(json_str_field(out, "next_cursor") != NULL));
        json_object_object_add(d, "shown", json_object_new_int64((int64_t)page_jlen(labels)));
    }
    json_object_object_add(d, "has_labels", JBOOL(page_jlen(labels) > 0));
    if (missing.len)
        json_object_object_add(
            d, "error",
            JSTR(arena_printf(r->ar, "No equipment you may see has the id %s.", missing.buf)));
    return page_render(r, 200, "service/labels", d);
}

/* ---- the public QR page ---- */

/* The equipment of the path's token; 0, or the 404 (or 503) page's status. */
static int qr_lookup(struct req *r, struct db_res *res)
{
    const char *tok = req_param(r, "token");
    int rc;

    if (equipment_token_shape(tok)) {
        rc = db_exec(r->db, r->ar, &Q_EQUIPMENT_BY_TOKEN, 0, res, tok);
        if (rc)
            return problem_db(r, rc, "qr lookup");
        if (res->nrows == 1)
            return 0;
    }
    return problem(r, PROB_NOT_FOUND,
                   "This QR code does not open service requests (any more). Ask the "
                   "equipment's owner for a new label.");
}

/* What the page shows of the equipment: serial, model, site; no owner, no ids. */
static struct json_object *qr_equipment(struct req *r, const struct db_res *res)
{
    struct json_object *e = json_object_new_object();
    const struct db_val *site = db_at(res, 0, EQT_COL_SITE);
    const char *model =
        model_of(r, db_at(res, 0, EQT_COL_SKU_CODE)->s, db_at(res, 0, EQT_COL_PRODUCT)->s);

    json_object_object_add(e, "serial", JSTR(db_at(res, 0, EQT_COL_SERIAL)->s));
    json_object_object_add(e, "model", model ? JSTR(model) : NULL);
    json_object_object_add(e, "site", site->null ? NULL : JSTR(site->s));
    return e;
}

/* The form with what was typed and, per field, what is wrong with it. */
static int qr_page(struct req *r, int status, const struct db_res *res, struct json_object *errors)
{
    static const char *const fields[] = {"title", "description", "contact_name", "contact_email"};
    struct json_object *d = page_data(r, "Service request"), *f = json_object_new_object();
    const char *sev = page_form_val(r, "severity");

    json_object_object_add(d, "equipment", qr_equipment(r, res));
    json_object_object_add(d, "action", JSTR(r->raw_path));
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        json_object_object_add(f, fields[i], JSTR(page_or_empty(req_form(r, fields[i]))));
    json_object_object_add(f, "severity_options",
                           page_options(ticket_severities, sev ? sev : "medium"));
    json_object_object_add(d, "form", f);
    if (errors) {
        /* the caller's arena owns errors too */
        json_object_object_add(d, "errors", json_object_get(errors));
        json_object_object_add(d, "error",
                               JSTR("The request was not sent: correct the fields marked below."));
    }
    return page_render(r, status, "service/qr", d);
}

/* The thanks, after the POST's redirect (?sent=1), so that reloading them sends nothing again. */
static int qr_thanks(struct req *r, const struct db_res *res)
{
    struct json_object *d = page_data(r, "Request sent");

    json_object_object_add(d, "equipment", qr_equipment(r, res));
    return page_render(r, 200, "service/qr_thanks", d);
}

int pages_http_qr(struct req *r)
{
    struct db_res res = {0};
    const char *sent = req_query(r, "sent");
    int rc = qr_lookup(r, &res);

    if (rc)
        return rc;
    return sent && strcmp(sent, "1") == 0 ? qr_thanks(r, &res) : qr_page(r, 200, &res, NULL);
}

/* The same redirect for a request and for a bot's filled honeypot: nothing tells them apart. */
static int qr_sent(struct req *r)
{
    return page_redirect(r, arena_printf(r->ar, "/q/%s?sent=1", req_param(r, "token")));
}

/*
 * NULL when v (max bytes at most) is valid UTF-8 without control characters (multiline
 * allows line breaks and tabs); else what is wrong, for the field's message.
 */
static const char *text_problem(struct req *r, const char *v, size_t max, int multiline)
{
    size_t n = strlen(v);

    if (n > max)
        return arena_printf(r->ar, "must be at most %zu characters (bytes); it has %zu", max, n);
    if (!utf8_valid(v, n))
        return "must be text (UTF-8)";
    if (multiline ? utf8_text_has_control(v, n) : utf8_has_control(v, n))
        return multiline ? "must not contain control characters"
                         : "must be one line without control characters";
    return NULL;
}

/* The first line of text, cut at a character boundary to at most max bytes, its tabs as
 * spaces (a title is one line without control characters). */
static const char *title_from(struct req *r, const char *text, size_t max)
{
    size_t n = strcspn(text, "\r\n"), cut = 0;
    char *t;

    while (cut < n) {
        size_t len = utf8_len((const unsigned char *)text + cut, n - cut);
        if (!len || cut + len > max)
            break;
        cut += len;
    }
    t = arena_strndup(r->ar, text, cut);
    for (char *p = t; (p = strchr(p, '\t')); p++)
        *p = ' ';
    return t;
}

static void add_error(struct json_object **errors, const char *field, const char *msg)
{
    if (!*errors)
        *errors = json_object_new_object();
    if (!json_object_object_get_ex(*errors, field, NULL))
        json_object_object_add(*errors, field, JSTR(msg));
}

int pages_http_qr_submit(struct req *r)
{
    struct db_res res = {0};
    struct json_object *errors = NULL;
    struct field_errors fe = {0};
    struct ticket_new tn;
    const char *sev = page_form_val(r, "severity"), *title = page_form_val(r, "title"),
               *desc = page_form_val(r, "description"), *name = page_form_val(r, "contact_name"),
               *contact = page_form_val(r, "contact_email"), *why;
    int64_t ticket_id;
    int ok = 0, rc = qr_lookup(r, &res);

    if (rc)
        return rc;
    /* people never see the honeypot; a bot that fills it is thanked and forgotten */
    if (req_form(r, "website") && *req_form(r, "website"))
        return qr_sent(r);
    for (int i = 0; sev && ticket_severities[i]; i++)
        ok |= strcmp(sev, ticket_severities[i]) == 0;
    if (!ok)
        add_error(&errors, "severity", "choose one of critical, high, medium or low");
    if (!desc)
        add_error(&errors, "description", "describe the problem");
    else if ((why = text_problem(r, desc, QR_DESCRIPTION_MAX, 1)))
        add_error(&errors, "description", why);
    if (title && (why = text_problem(r, title, QR_TITLE_MAX, 0)))
        add_error(&errors, "title", why);
    if (name && (why = text_problem(r, name, QR_NAME_MAX, 0)))
        add_error(&errors, "contact_name", why);
    if (contact && (why = text_problem(r, contact, QR_CONTACT_MAX, 0)))
        add_error(&errors, "contact_email", why);
    if (errors)
        return qr_page(r, 400, &res, json_arena_own(r->ar, errors));
    if (!title)
        title = title_from(r, desc, QR_TITLE_FROM_TEXT);
    if (!*title)
        title = "Service request";

    memset(&tn, 0, sizeof(tn));
    tn.tenant_id = db_at(&res, 0, EQT_COL_TENANT)->i;
    tn.equipment_id = db_at(&res, 0, EQT_COL_ID)->i;
    tn.severity = sev;
    tn.title = title;
    tn.description = desc;
    tn.source = "qr";
    tn.reporter_name = name;
    tn.reporter_contact = contact;
    tn.request_id = r->request_id;
    tn.ip = r->remote_addr;
    tn.cache_ttl = (double)r->cfg->service_cache_ttl;
    rc = db_begin(r->db);
    if (!rc)
        rc = ticket_create(r->db, r->ar, &tn, &ticket_id, NULL, &fe);
    if (rc == TICKET_EINPUT) {
        db_rollback(r->db);
        for (size_t i = 0; i < fe.n; i++) {
            const char *f = fe.v[i].field;
            if (strcmp(f, "reporter_name") == 0)
                f = "contact_name";
            else if (strcmp(f, "reporter_contact") == 0)
                f = "contact_email";
            else if (strcmp(f, "title") != 0 && strcmp(f, "description") != 0 &&
                     strcmp(f, "severity") != 0)
                f = "description"; /* the equipment itself: shown with the form's message */
            add_error(&errors, f, fe.v[i].message);
        }
        return qr_page(r, 400, &res, json_arena_own(r->ar, errors));
    }
    /* committed by ticket_create() on success */
    if (rc)
        return problem_rollback(r, rc, "qr ticket");
    return qr_sent(r);
}
