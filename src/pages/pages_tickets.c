/* Ticket pages: the list, one ticket (timeline, provenance, SLA clock) and its forms. */
#include "pages/pages_tickets.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/clock.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "core/sb.h"
#include "db/db.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/rbac.h"
#include "http/request.h"
#include "pages/pages.h"
#include "pages/pages_catalog_db.h"
#include "pages/pages_form.h"
#include "service/engineer_http.h"
#include "service/equipment_http.h"
#include "service/ticket.h"
#include "service/ticket_http.h"

#define JSTR(s)  json_object_new_string(s)
#define JBOOL(b) json_object_new_boolean(b)
#define JINT(i)  json_object_new_int64(i)

#define FIX_FIELDS "Nothing was saved: correct the fields marked below."
/* Comments a ticket's page shows (the API's largest page). */
#define COMMENTS_SHOWN 200
/* Tickets an equipment's page shows. */
#define EQUIPMENT_TICKETS 10

static const struct done_text done_texts[] = {
    {"created", "The ticket was opened."},
    {"status", "The status was changed."},
    {"comment", "The comment was added."},
    {"assigned", "The engineer was assigned."},
    {NULL, NULL},
};

static const char *const list_keys[] = {"status",       "severity", "responsible_org_id",
                                        "equipment_id", "breached", "limit",
                                        "cursor",       NULL};
static const char *const create_fields[] = {"equipment_id", "severity", "title", "description",
                                            NULL};
static const char *const detail_fields[] = {"status", "note", "body", "engineer_id", NULL};

/* ---- names of the ids the API answered ---- */

struct names {
    int64_t *id;
    const char **name;
    size_t n, cap;
};

static void names_init(struct req *r, struct names *nm, size_t cap)
{
    nm->id = arena_alloc(r->ar, sizeof(*nm->id) * cap);
    nm->name = arena_alloc(r->ar, sizeof(*nm->name) * cap);
    nm->n = 0;
    nm->cap = cap;
}

static void names_want(struct names *nm, int64_t id)
{
    if (id <= 0 || nm->n == nm->cap)
        return;
    for (size_t i = 0; i < nm->n; i++)
        if (nm->id[i] == id)
            return;
    nm->name[nm->n] = NULL;
    nm->id[nm->n++] = id;
}

/* One query of (id, name) rows for the ids wanted. */
static int names_load(struct req *r, const struct db_query *q, struct names *nm)
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
    rc = db_exec(r->db, r->ar, q, r->ctx.tenant_id, &res, ids.buf);
    for (int k = 0; !rc && k < res.nrows; k++)
        for (size_t i = 0; i < nm->n; i++)
            if (nm->id[i] == db_at(&res, k, 0)->i)
                nm->name[i] = db_at(&res, k, 1)->s;
    return rc;
}

/* The name of id, else "<what> <id>"; NULL for no id. */
static const char *named(struct req *r, const struct names *nm, int64_t id, const char *what)
{
    if (id <= 0)
        return NULL;
    for (size_t i = 0; i < nm->n; i++)
        if (nm->id[i] == id && nm->name[i])
            return nm->name[i];
    return arena_printf(r->ar, "%s %lld", what, (long long)id);
}

/* The name of id when it was looked up, else NULL. */
static const char *name_of(const struct names *nm, int64_t id)
{
    for (size_t i = 0; i < nm->n; i++)
        if (nm->id[i] == id)
            return nm->name[i];
    return NULL;
}

/*
 * The API's words with "<word><id>" ("org 21", "organization 21") written as the
 * organization's name where it is known, for people.
 */
static const char *with_names(struct req *r, const char *s, const char *word,
                              const struct names *orgs)
{
    size_t wl = strlen(word);
    struct sb out;

    if (!s)
        return "";
    sb_init(&out, r->ar);
    for (const char *p = s; *p;) {
        const char *q = strstr(p, word), *n = NULL;
        char *end = NULL;
        long long id = 0;

        if (!q) {
            sb_adds(&out, p);
            break;
        }
        if (q[wl] >= '0' && q[wl] <= '9') {
            id = strtoll(q + wl, &end, 10);
            n = name_of(orgs, id);
        }
        sb_add(&out, p, (size_t)(q - p));
        if (n) {
            sb_adds(&out, n);
            p = end;
        } else {
            sb_add(&out, q, wl);
            p = q + wl;
        }
    }
    return out.len ? out.buf : "";
}

static void add_named(struct req *r, struct json_object *o, const char *key, const struct names *nm,
                      int64_t id, const char *what)
{
    const char *n = named(r, nm, id, what);

    json_object_object_add(o, key, n ? JSTR(n) : NULL);
}

/* ---- times and the SLA clock ---- */

static int64_t ms_of(const char *s)
{
    int64_t ms;

    return s && rfc3339_parse(s, &ms) == 0 ? ms : INT64_MIN;
}

/* "2026-11-21T13:40:05.123Z" → "2026-11-21 13:40:05 UTC", for people. */
static const char *when_text(struct req *r, const char *at)
{
    if (!at || strlen(at) < 19)
        return page_or_empty(at);
    return arena_printf(r->ar, "%.10s %.8s UTC", at, at + 11);
}

/* A length of time for people: "2 d 3 h", "3 h 5 min", "12 min", "less than a minute". */
static const char *span_text(struct req *r, int64_t ms)
{
    int64_t min = (ms < 0 ? -ms : ms) / 60000, d = min / 1440, h = min % 1440 / 60, m = min % 60;

    if (d)
        return h ? arena_printf(r->ar, "%lld d %lld h", (long long)d, (long long)h)
                 : arena_printf(r->ar, "%lld d", (long long)d);
    if (h)
        return m ? arena_printf(r->ar, "%lld h %lld min", (long long)h, (long long)m)
                 : arena_printf(r->ar, "%lld h", (long long)h);
    return m ? arena_printf(r->ar, "%lld min", (long long)m) : "less than a minute";
}

static int is_status(struct json_object *t, const char *s)
{
    const char *v = json_str_field(t, "status");

    return v && strcmp(v, s) == 0;
}

static int is_done(struct json_object *t)
{
    return is_status(t, "resolved") || is_status(t, "closed");
}

/* As the API's breached=true: escalated once, or open with a target passed. */
static int breached(struct json_object *t, int64_t now)
{
    const char *resp = json_str_field(t, "response_due_at"),
               *res = json_str_field(t, "resolve_due_at");

    if (page_jlen(page_jget(t, "escalations")))
        return 1;
    if (is_done(t))
        return 0;
    return (!json_str_field(t, "responded_at") && resp && ms_of(resp) <= now) ||
           (res && ms_of(res) <= now);
}

/*
 * One target of the clock: {label, due_at, due_text, state, badge}. due is the target's due
 * time, done when it was met (responded_at, resolved_at) or NULL.
 */
static struct json_object *target(struct req *r, struct json_object *t, const char *label,
                                  const char *due, const char *done, int64_t now)
{
    struct json_object *o = json_object_new_object();
    const char *state, *badge = "off";
    int64_t d = ms_of(due);

    json_object_object_add(o, "label", JSTR(label));
    if (due) {
        json_object_object_add(o, "due_at", JSTR(due));
        json_object_object_add(o, "due_text", JSTR(when_text(r, due)));
    }
    if (done && due && ms_of(done) > d) {
        state = arena_printf(r->ar, "met %s late", span_text(r, ms_of(done) - d));
        badge = "crit";
    } else if (done) {
        state = due ? "met in time" : "met";
        badge = "ok";
    } else if (!due && is_status(t, "waiting_customer")) {
        state = "paused: waiting on the customer";
        badge = "warn";
    } else if (!due) {
        state = "no due time";
    } else if (now <= d) {
        state = arena_printf(r->ar, "%s left", span_text(r, d - now));
        badge = "ok";
    } else {
        state = arena_printf(r->ar, "breached by %s", span_text(r, now - d));
        badge = "crit";
    }
    json_object_object_add(o, "state", JSTR(state));
    json_object_object_add(o, "badge", JSTR(badge));
    return o;
}

/* The clock of ticket t: its response and resolve targets, or why it has none. */
static struct json_object *sla_clock(struct req *r, struct json_object *t, int64_t now)
{
    struct json_object *c = json_object_new_object(), *targets = json_object_new_array();
    const char *done = json_str_field(t, "resolved_at");

    if (!done && is_status(t, "closed"))
        done = json_str_field(t, "closed_at");
    json_object_object_add(c, "has_policy", JBOOL(page_jint(t, "sla_policy_id") != 0));
    json_object_object_add(c, "paused", JBOOL(is_status(t, "waiting_customer")));
    json_object_array_add(targets, target(r, t, "Response", json_str_field(t, "response_due_at"),
                                          json_str_field(t, "responded_at"), now));
    json_object_array_add(targets, target(r, t, "Resolution", json_str_field(t, "resolve_due_at"),
                                          is_done(t) ? done : NULL, now));
    json_object_object_add(c, "targets", targets);
    json_object_object_add(c, "breached", JBOOL(breached(t, now)));
    return c;
}

/* The SLA cell of a list row: breached, the next due time, paused, or nothing. */
static void row_sla(struct req *r, struct json_object *t, int64_t now)
{
    const char *due = NULL, *text = "—", *badge = NULL;

    if (breached(t, now)) {
        text = "breached";
        badge = "crit";
    } else if (!is_done(t)) {
        due = json_str_field(t, json_str_field(t, "responded_at") ? "resolve_due_at"
                                                                  : "response_due_at");
        if (due)
            text = arena_printf(r->ar, "due in %s", span_text(r, ms_of(due) - now));
        else if (is_status(t, "waiting_customer"))
            text = "paused";
        else
            text = "no due time";
    }
    json_object_object_add(t, "sla_text", JSTR(text));
    json_object_object_add(t, "sla_badge", badge ? JSTR(badge) : NULL);
    json_object_object_add(t, "sla_due", due ? JSTR(due) : NULL);
}

/* ---- badges ---- */

static const char *severity_badge(const char *s)
{
    if (s && strcmp(s, "critical") == 0)
        return "crit";
    if (s && strcmp(s, "high") == 0)
        return "warn";
    if (s && strcmp(s, "low") == 0)
        return "off";
    return "plain";
}

static const char *status_badge(const char *s)
{
    if (s && (strcmp(s, "open") == 0 || strcmp(s, "waiting_customer") == 0))
        return "warn";
    if (s && (strcmp(s, "resolved") == 0 || strcmp(s, "closed") == 0))
        return "off";
    return "ok";
}

/* "waiting_customer" → "waiting customer". */
static const char *words(struct req *r, const char *s)
{
    char *w = arena_strdup(r->ar, page_or_empty(s));

    for (char *p = w; *p; p++)
        if (*p == '_')
            *p = ' ';
    return w;
}

/* What every ticket shown gets besides the API's fields (rows: the API's tickets). */
static int decorate(struct req *r, struct json_object *rows, int64_t now)
{
    struct names orgs, eq;
    size_t n = page_jlen(rows);
    int rc;

    names_init(r, &orgs, n + 1);
    names_init(r, &eq, n + 1);
    for (size_t i = 0; i < n; i++) {
        struct json_object *t = json_object_array_get_idx(rows, i);
        names_want(&orgs, page_jint(t, "responsible_org_id"));
        names_want(&eq, page_jint(t, "equipment_id"));
    }
    rc = names_load(r, &Q_PAGES_ORG_NAMES, &orgs);
    if (!rc)
        rc = names_load(r, &Q_PAGES_EQUIPMENT_SERIALS, &eq);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct json_object *t = json_object_array_get_idx(rows, i);
        const char *sev = json_str_field(t, "severity"), *st = json_str_field(t, "status");

        json_object_object_add(t, "severity_badge", JSTR(severity_badge(sev)));
        json_object_object_add(t, "status_badge", JSTR(status_badge(st)));
        json_object_object_add(t, "status_text", JSTR(words(r, st)));
        add_named(r, t, "responsible", &orgs, page_jint(t, "responsible_org_id"), "organization");
        add_named(r, t, "equipment_serial", &eq, page_jint(t, "equipment_id"), "equipment");
        json_object_object_add(t, "created_text",
                               JSTR(when_text(r, json_str_field(t, "created_at"))));
        row_sla(r, t, now);
    }
    return 0;
}

/* ---- the list ---- */

static int64_t typed_id(const char *typed)
{
    int64_t id = 0;

    return typed && params_id(typed, &id) == 0 ? id : 0;
}

int pages_http_tickets(struct req *r)
{
    struct json_object *d = page_data(r, "Tickets"), *orgs;
    int st = page_list_data(r, d, ticket_http_list, "/tickets", list_keys, list_keys), rc;
    const char *resp = req_query(r, "responsible_org_id"), *br = req_query(r, "breached");

    if (st != 200 && st != 400)
        return page_api_problem(r);
    rc = decorate(r, page_jget(d, "rows"), clock_real_ms());
    if (rc)
        return problem_db(r, rc, "ticket names");
    json_object_object_add(d, "status_options",
                           page_options(ticket_statuses, req_query(r, "status")));
    json_object_object_add(d, "severity_options",
                           page_options(ticket_severities, req_query(r, "severity")));
    orgs = page_org_choices(r, NULL, typed_id(resp), 0);
    json_object_object_add(d, "org_select", JBOOL(orgs != NULL));
    if (orgs)
        json_object_object_add(d, "org_options", orgs);
    json_object_object_add(d, "breached_checked", JBOOL(br && strcmp(br, "true") == 0));
    json_object_object_add(d, "may_create", JBOOL(page_may(r, RES_TICKETS, ACT_CREATE)));
    return page_render(r, st, "service/ticket_list", d);
}

/* ---- a new ticket ---- */

static void add_text(struct json_object *f, struct req *r, const char *key)
{
    json_object_object_add(f, key, JSTR(page_or_empty(page_form_val(r, key))));
}

/* The new-ticket form, filled with what was sent (on a GET: ?equipment_id= only). */
static int ticket_new_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *d = page_data(r, "New ticket"), *f = json_object_new_object();
    const char *sev = page_form_val(r, "severity"), *eq = page_form_val(r, "equipment_id");

    if (!eq && r->method == HTTP_GET)
        eq = req_query(r, "equipment_id");
    json_object_object_add(f, "equipment_id", JSTR(page_or_empty(eq)));
    json_object_object_add(f, "severity_options",
                           page_options(ticket_severities, sev ? sev : "medium"));
    add_text(f, r, "title");
    add_text(f, r, "description");
    json_object_object_add(d, "form", f);
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    page_add_field_errors(r, d, prob, create_fields, NULL);
    return page_render(r, status, "service/ticket_new", d);
}

int pages_http_ticket_new(struct req *r)
{
    return ticket_new_page(r, 200, NULL, NULL);
}

int pages_http_ticket_create(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    int rc;

    page_form_int(r, body, "equipment_id");
    page_form_text(r, body, "severity");
    page_form_text(r, body, "title");
    page_form_text(r, body, "description");
    rc = page_api(r, ticket_http_create, NULL, body, &out);
    if (rc == 400 || rc == 422)
        return ticket_new_page(r, rc, FIX_FIELDS, r->api_problem);
    if (rc == 403)
        return ticket_new_page(
            r, rc, arena_printf(r->ar, "Nothing was saved: %s.", page_api_detail(r)), NULL);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/tickets/%lld?done=created", (long long)page_jint(out, "id")));
}

/* ---- one ticket ---- */

/* Timeline entries in time order; ties keep the order they were added in. */
struct entry {
    const char *at;
    size_t seq;
    struct json_object *o;
};

static int entry_cmp(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    int c = strcmp(x->at, y->at);

    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

struct timeline {
    struct entry *v;
    size_t n, cap;
};

static struct json_object *timeline_add(struct req *r, struct timeline *tl, const char *at,
                                        const char *kind)
{
    struct json_object *o = json_object_new_object();

    if (tl->n == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 16;
        struct entry *v = arena_alloc(r->ar, sizeof(*v) * cap);

        if (tl->n)
            memcpy(v, tl->v, sizeof(*v) * tl->n);
        tl->v = v;
        tl->cap = cap;
    }
    tl->v[tl->n].at = page_or_empty(at);
    tl->v[tl->n].seq = tl->n;
    tl->v[tl->n++].o = o;
    json_object_object_add(o, "at", JSTR(page_or_empty(at)));
    json_object_object_add(o, "at_text", JSTR(when_text(r, at)));
    json_object_object_add(o, kind, JBOOL(1));
    return o;
}

static const char *target_words(const char *t)
{
    return t && strcmp(t, "response") == 0 ? "the response target" : "the resolve target";
}

/*
 * The timeline of ticket t from its history (events), comments and escalations, who named
 * through users; into d.timeline.
 */
static int add_timeline(struct req *r, struct json_object *d, struct json_object *t,
                        struct json_object *events, struct json_object *comments,
                        const struct names *orgs)
{
    struct json_object *esc = page_jget(t, "escalations"), *out;
    struct timeline tl = {0};
    struct names users;
    const char *source = json_str_field(t, "source"),
               *reporter = json_str_field(t, "reporter_name");
    size_t ne = page_jlen(events), nc = page_jlen(comments), nx = page_jlen(esc);
    int rc;

    names_init(r, &users, ne + nc + 1);
    for (size_t i = 0; i < ne; i++)
        names_want(&users, page_jint(json_object_array_get_idx(events, i), "actor_id"));
    for (size_t i = 0; i < nc; i++)
        names_want(&users, page_jint(json_object_array_get_idx(comments, i), "author_id"));
    rc = names_load(r, &Q_PAGES_USER_NAMES, &users);
    if (rc)
        return rc;
    for (size_t i = 0; i < ne; i++) {
        struct json_object *e = json_object_array_get_idx(events, i), *o;
        const char *from = json_str_field(e, "from_status"), *to = json_str_field(e, "to_status");
        const char *who = named(r, &users, page_jint(e, "actor_id"), "user");

        o = timeline_add(r, &tl, json_str_field(e, "at"), "is_status");
        if (!who && !from && source && strcmp(source, "qr") == 0)
            who = reporter ? arena_printf(r->ar, "%s, through the QR page", reporter)
                           : "someone, through the QR page";
        json_object_object_add(o, "who", JSTR(who ? who : "the system"));
        json_object_object_add(
            o, "what",
            JSTR(from ? arena_printf(r->ar, "%s → %s", words(r, from), words(r, to)) : "opened"));
        page_jshare(o, "note", page_jget(e, "note"));
    }
    for (size_t i = 0; i < nx; i++) {
        struct json_object *x = json_object_array_get_idx(esc, i), *o;
        int64_t to = page_jint(x, "to_org_id");

        o = timeline_add(r, &tl, json_str_field(x, "at"), "is_escalation");
        json_object_object_add(o, "who", JSTR("the SLA sweep"));
        json_object_object_add(
            o, "what",
            JSTR(to ? arena_printf(r->ar, "escalated from %s to %s",
                                   page_or_empty(
                                       named(r, orgs, page_jint(x, "from_org_id"), "organization")),
                                   named(r, orgs, to, "organization"))
                    : "breach recorded: nobody further up the chain"));
        json_object_object_add(
            o, "detail",
            JSTR(arena_printf(r->ar, "Level %lld: %s was due %s (%s).",
                              (long long)page_jint(x, "level"),
                              target_words(json_str_field(x, "target")),
                              when_text(r, json_str_field(x, "due_at")),
                              with_names(r, json_str_field(x, "reason"), "organization ", orgs))));
    }
    for (size_t i = 0; i < nc; i++) {
        struct json_object *c = json_object_array_get_idx(comments, i), *o;
        const char *who = named(r, &users, page_jint(c, "author_id"), "user");

        o = timeline_add(r, &tl, json_str_field(c, "created_at"), "is_comment");
        json_object_object_add(o, "who", JSTR(who ? who : "the system"));
        page_jshare(o, "body", page_jget(c, "body"));
    }
    if (tl.n)
        qsort(tl.v, tl.n, sizeof(*tl.v), entry_cmp);
    out = json_object_new_array();
    for (size_t i = 0; i < tl.n; i++)
        json_object_array_add(out, tl.v[i].o);
    json_object_object_add(d, "timeline", out);
    return 0;
}

static const char *rule_reason_text(const char *reason)
{
    static const struct {
        const char *code, *text;
    } texts[] = {
        {"first_eligible", "the first eligible candidate answers for the ticket"},
        {"policy_off", "the tenant's coverage policy is disabled, so the global rule applies"},
        {"no_manufacturer", "the equipment has no SKU, so there is no manufacturer to walk from; "
                            "the global rule applies"},
        {"no_eligible_candidate", "no candidate was eligible, so the global rule applies"},
    };

    for (size_t i = 0; reason && i < sizeof(texts) / sizeof(texts[0]); i++)
        if (strcmp(reason, texts[i].code) == 0)
            return texts[i].text;
    return page_or_empty(reason);
}

/* The provenance as a trace people read (docs/service-coverage.md "The provenance"). */
static struct json_object *provenance(struct req *r, struct json_object *p, int64_t responsible,
                                      const struct names *orgs)
{
    struct json_object *o = json_object_new_object(), *cands = json_object_new_array(),
                       *chain = json_object_new_array(), *list = page_jget(p, "candidates"),
                       *ch = page_jget(p, "chain"), *order = page_jget(p, "order");
    struct sb ord;

    page_jshare(o, "rule", page_jget(p, "rule"));
    page_jshare(o, "reason", page_jget(p, "reason"));
    json_object_object_add(o, "reason_text", JSTR(rule_reason_text(json_str_field(p, "reason"))));
    add_named(r, o, "manufacturer", orgs, page_jint(p, "manufacturer_id"), "organization");
    page_jshare(o, "manufacturer_id", page_jget(p, "manufacturer_id"));
    add_named(r, o, "owner", orgs, page_jint(p, "owner_org_id"), "organization");
    page_jshare(o, "required_certification", page_jget(p, "required_certification"));
    json_object_object_add(
        o, "region_text",
        JSTR(json_object_get_boolean(page_jget(p, "match_region"))
                 ? (json_str_field(p, "region")
                        ? arena_printf(r->ar, "must serve region %s", json_str_field(p, "region"))
                        : "matched, but the ticket has no region")
                 : "not matched"));
    sb_init(&ord, r->ar);
    for (size_t i = 0; i < page_jlen(order); i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(order, i));
        sb_printf(&ord, "%s%s", i ? " → " : "", page_or_empty(s));
    }
    json_object_object_add(o, "order_text", JSTR(ord.len ? ord.buf : "none"));
    for (size_t i = 0; i < page_jlen(list); i++) {
        struct json_object *c = json_object_array_get_idx(list, i), *x = json_object_new_object();
        int owner = json_object_get_boolean(page_jget(c, "owner_related")),
            pref = json_object_get_boolean(page_jget(c, "preferred")),
            taken = json_object_get_boolean(page_jget(c, "taken"));

        add_named(r, x, "name", orgs, page_jint(c, "org_id"), "organization");
        page_jshare(x, "org_id", page_jget(c, "org_id"));
        json_object_object_add(x, "org_type", JSTR(words(r, json_str_field(c, "org_type"))));
        json_object_object_add(x, "taken", JBOOL(taken));
        page_jshare(x, "reason", page_jget(c, "reason"));
        json_object_object_add(x, "detail",
                               JSTR(with_names(r, json_str_field(c, "detail"), "org ", orgs)));
        json_object_object_add(x, "ties",
                               JSTR(owner && pref ? "works with the owner; preferred"
                                    : owner       ? "works with the owner"
                                    : pref        ? "preferred"
                                                  : "—"));
        json_object_array_add(cands, x);
    }
    {
        /* a provenance stored before after_taken existed lists every candidate */
        struct json_object *after = page_jget(p, "after_taken"),
                           *by = page_jget(after, "by_reason");
        int64_t n = page_jint(after, "count");
        struct sb why;

        sb_init(&why, r->ar);
        if (!json_object_is_type(by, json_type_object))
            by = json_arena_own(r->ar, json_object_new_object());
        json_object_object_foreach(by, k, v)
        {
            sb_printf(&why, "%s%lld %s", why.len ? ", " : "", (long long)json_object_get_int64(v),
                      k);
        }
        if (n > 0)
            json_object_object_add(
                o, "after_text",
                JSTR(arena_printf(r->ar, "%lld more candidate%s came after the one taken: %s.",
                                  (long long)n, n == 1 ? "" : "s", why.len ? why.buf : "")));
    }
    json_object_object_add(o, "has_candidates", JBOOL(page_jlen(cands) > 0));
    json_object_object_add(o, "candidates", cands);
    for (size_t i = 0; i < page_jlen(ch); i++) {
        struct json_object *x = json_object_new_object();
        int64_t id = json_object_get_int64(json_object_array_get_idx(ch, i));

        add_named(r, x, "name", orgs, id, "organization");
        json_object_object_add(x, "org_id", JINT(id));
        json_object_object_add(x, "current", JBOOL(id == responsible));
        json_object_object_add(x, "last", JBOOL(i + 1 == page_jlen(ch)));
        json_object_array_add(chain, x);
    }
    json_object_object_add(o, "chain", chain);
    json_object_object_add(o, "has_chain", JBOOL(page_jlen(ch) > 0));
    return o;
}

/* The organizations a ticket's page names: responsible, escalations, the provenance's. */
static int ticket_org_names(struct req *r, struct json_object *t, struct names *orgs)
{
    struct json_object *p = page_jget(t, "policy_provenance"), *esc = page_jget(t, "escalations"),
                       *c = page_jget(p, "candidates"), *ch = page_jget(p, "chain");

    names_init(r, orgs, 3 + 2 * page_jlen(esc) + page_jlen(c) + page_jlen(ch) + 1);
    names_want(orgs, page_jint(t, "responsible_org_id"));
    names_want(orgs, page_jint(p, "manufacturer_id"));
    names_want(orgs, page_jint(p, "owner_org_id"));
    for (size_t i = 0; i < page_jlen(esc); i++) {
        names_want(orgs, page_jint(json_object_array_get_idx(esc, i), "from_org_id"));
        names_want(orgs, page_jint(json_object_array_get_idx(esc, i), "to_org_id"));
    }
    for (size_t i = 0; i < page_jlen(c); i++)
        names_want(orgs, page_jint(json_object_array_get_idx(c, i), "org_id"));
    for (size_t i = 0; i < page_jlen(ch); i++)
        names_want(orgs, json_object_get_int64(json_object_array_get_idx(ch, i)));
    return names_load(r, &Q_PAGES_ORG_NAMES, orgs);
}

/* The equipment part: its page's link when the user may open it, else its serial alone. */
static int add_equipment(struct req *r, struct json_object *d, int64_t id)
{
    struct json_object *eq, *o = json_object_new_object();
    struct names serial;
    int rc;

    json_object_object_add(o, "id", JINT(id));
    json_object_object_add(d, "equipment", o);
    if (page_may(r, RES_EQUIPMENT, ACT_READ) &&
        page_api_at(r, equipment_http_get, id, 0, NULL, NULL, &eq) == 0) {
        const char *code = json_str_field(eq, "sku_code"),
                   *prod = json_str_field(eq, "product_name");

        page_jshare(o, "serial", page_jget(eq, "serial"));
        page_jshare(o, "site", page_jget(eq, "site"));
        page_jshare(o, "region", page_jget(eq, "region"));
        if (code || prod)
            json_object_object_add(o, "model",
                                   JSTR(code && prod ? arena_printf(r->ar, "%s · %s", code, prod)
                                        : code       ? code
                                                     : prod));
        json_object_object_add(o, "linked", JBOOL(1));
        return 0;
    }
    names_init(r, &serial, 1);
    names_want(&serial, id);
    rc = names_load(r, &Q_PAGES_EQUIPMENT_SERIALS, &serial);
    if (!rc)
        add_named(r, o, "serial", &serial, id, "equipment");
    return rc;
}

static int add_engineer(struct req *r, struct json_object *d, int64_t id)
{
    struct names eng;
    int rc;

    if (!id)
        return 0;
    names_init(r, &eng, 1);
    names_want(&eng, id);
    rc = names_load(r, &Q_PAGES_ENGINEER_NAMES, &eng);
    if (!rc)
        add_named(r, d, "engineer", &eng, id, "engineer");
    return rc;
}

/*
 * The engineers who may take ticket id, best first (GET /v1/engineers/eligible), as a select's
 * choices, typed selected; NULL when the user may not ask (the engineers feature off, no
 * engineers:read) or the API refused: the form asks for an id instead.
 */
static struct json_object *engineer_choices(struct req *r, int64_t id, int64_t typed)
{
    struct json_object *out, *rows, *a;

    if (!page_flag_on(r, FLAG_ENGINEERS) || !page_may(r, RES_ENGINEERS, ACT_READ) ||
        page_api(r, engineer_http_eligible,
                 arena_printf(r->ar, "ticket_id=%lld&limit=200", (long long)id), NULL, &out) != 0)
        return NULL;
    rows = page_jget(out, "data");
    a = json_object_new_array();
    for (size_t i = 0; i < page_jlen(rows); i++) {
        struct json_object *e = json_object_array_get_idx(rows, i);
        int64_t open = page_jint(e, "open_tickets");

        page_option_add(a, page_jint(e, "id"),
                        arena_printf(r->ar, "%s (%s, %lld open ticket%s)",
                                     page_or_empty(json_str_field(e, "name")),
                                     page_or_empty(json_str_field(e, "availability")),
                                     (long long)open, open == 1 ? "" : "s"),
                        page_jint(e, "id") == typed);
    }
    return a;
}

/* The statuses the ticket may go to next, as a select's choices. */
static struct json_object *next_statuses(struct req *r, struct json_object *t, const char *typed)
{
    struct json_object *a = json_object_new_array();
    const char *from = page_or_empty(json_str_field(t, "status"));

    for (size_t i = 0; ticket_statuses[i]; i++) {
        struct json_object *o;
        const char *to = ticket_statuses[i];

        if (!ticket_transition_allowed(from, to))
            continue;
        o = json_object_new_object();
        json_object_object_add(o, "value", JSTR(to));
        json_object_object_add(
            o, "label", JSTR(strcmp(to, "open") == 0 ? "open again (reopen)" : words(r, to)));
        json_object_object_add(o, "selected", JBOOL(typed && strcmp(typed, to) == 0));
        json_object_array_add(a, o);
    }
    return a;
}

/*
 * The page of the ticket at the page's {id}: its fields, the SLA clock, the equipment, the
 * provenance, the timeline, and for who may change it the status, comment and assign forms.
 * After a failed form: status, a message and the API's problem (what was typed is kept).
 */
static int ticket_page(struct req *r, int status, const char *error, struct json_object *prob)
{
    struct json_object *t, *d, *events, *comments, *rows, *p, *f, *eng;
    struct names orgs;
    int64_t now = clock_real_ms(), id, want;
    int rc;

    if (page_api(r, ticket_http_get, NULL, NULL, &t))
        return page_api_problem(r);
    id = page_jint(t, "id");
    if (page_api(r, ticket_http_events, NULL, NULL, &events))
        return page_api_problem(r);
    if (page_api(r, ticket_http_comments, arena_printf(r->ar, "limit=%d", COMMENTS_SHOWN), NULL,
                 &comments))
        return page_api_problem(r);
    d = page_data(r, arena_printf(r->ar, "Ticket %lld: %s", (long long)id,
                                  page_or_empty(json_str_field(t, "title"))));
    rows = json_object_new_array();
    json_object_array_add(rows, json_object_get(t));
    rc = decorate(r, rows, now);
    json_object_put(rows);
    if (!rc)
        rc = ticket_org_names(r, t, &orgs);
    if (!rc)
        rc = add_timeline(r, d, t, page_jget(events, "data"), page_jget(comments, "data"), &orgs);
    if (!rc)
        rc = add_equipment(r, d, page_jint(t, "equipment_id"));
    if (!rc)
        rc = add_engineer(r, d, page_jint(t, "assigned_engineer_id"));
    if (rc)
        return problem_db(r, rc, "ticket page");
    page_jshare(d, "ticket", t);
    json_object_object_add(d, "opened_text", JSTR(when_text(r, json_str_field(t, "created_at"))));
    json_object_object_add(d, "from_qr",
                           JBOOL(strcmp(page_or_empty(json_str_field(t, "source")), "qr") == 0));
    json_object_object_add(d, "clock", sla_clock(r, t, now));
    json_object_object_add(d, "escalated", JBOOL(page_jint(t, "escalation_level") > 0));
    p = page_jget(t, "policy_provenance");
    if (p)
        json_object_object_add(d, "provenance",
                               provenance(r, p, page_jint(t, "responsible_org_id"), &orgs));
    json_object_object_add(d, "comments_more",
                           JBOOL(json_str_field(comments, "next_cursor") != NULL));
    json_object_object_add(d, "comments_shown", JINT(COMMENTS_SHOWN));
    if (page_may(r, RES_TICKETS, ACT_UPDATE)) {
        f = json_object_new_object();
        json_object_object_add(f, "status_options",
                               next_statuses(r, t, page_form_val(r, "status")));
        add_text(f, r, "note");
        add_text(f, r, "body");
        add_text(f, r, "engineer_id");
        want = typed_id(page_form_val(r, "engineer_id"));
        eng = engineer_choices(r, id, want ? want : page_jint(t, "assigned_engineer_id"));
        json_object_object_add(f, "engineer_select", JBOOL(page_jlen(eng) > 0));
        json_object_object_add(f, "engineer_none", JBOOL(eng && !page_jlen(eng)));
        if (eng)
            json_object_object_add(f, "engineer_options", eng);
        json_object_object_add(f, "note_max", JINT(TICKET_NOTE_MAX));
        json_object_object_add(f, "body_max", JINT(TICKET_COMMENT_MAX));
        json_object_object_add(d, "form", f);
    }
    if (error)
        json_object_object_add(d, "error", JSTR(error));
    page_add_field_errors(r, d, prob, detail_fields, NULL);
    page_add_flash(r, d, "flash", done_texts);
    return page_render(r, status, "service/ticket_detail", d);
}

int pages_http_ticket(struct req *r)
{
    return ticket_page(r, 200, NULL, NULL);
}

static int64_t page_id(struct req *r)
{
    int64_t id = 0;

    return params_path_id(r, "id", &id) == 0 ? id : 0;
}

/* After a form: 303 to the ticket's page with its message, or the page with the API's reasons. */
static int after_form(struct req *r, int rc, const char *done)
{
    int64_t id = page_id(r);

    if (rc == 400 || rc == 422)
        return ticket_page(r, rc, FIX_FIELDS, r->api_problem);
    if (rc == 409)
        return ticket_page(r, rc, arena_printf(r->ar, "Nothing was saved: %s.", page_api_detail(r)),
                           r->api_problem);
    if (rc == 412)
        return ticket_page(r, rc,
                           "Someone changed this ticket meanwhile. Nothing was saved: the page now "
                           "shows it as it is; send the form again if you still mean to.",
                           NULL);
    if (rc)
        return page_api_problem(r);
    return page_redirect(
        r, arena_printf(r->ar, "/tickets/%lld?done=%s#timeline", (long long)id, done));
}

int pages_http_ticket_status(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;

    if (!page_id(r))
        return problem(r, PROB_NOT_FOUND, "no ticket at '%s'", r->path);
    page_form_text(r, body, "status");
    page_form_text(r, body, "note");
    return after_form(r, page_api_if_match(r, ticket_http_status, 0, body, &out), "status");
}

int pages_http_ticket_comment(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;
    const char *v = req_form(r, "body");

    if (!page_id(r))
        return problem(r, PROB_NOT_FOUND, "no ticket at '%s'", r->path);
    /* as typed: the API says what is wrong with a blank one */
    if (v)
        json_object_object_add(body, "body", JSTR(v));
    return after_form(r, page_api(r, ticket_http_comment_create, NULL, body, &out), "comment");
}

int pages_http_ticket_assign(struct req *r)
{
    struct json_object *body = json_arena_own(r->ar, json_object_new_object()), *out;

    if (!page_id(r))
        return problem(r, PROB_NOT_FOUND, "no ticket at '%s'", r->path);
    page_form_int(r, body, "engineer_id");
    return after_form(r, page_api_if_match(r, ticket_http_assign, 0, body, &out), "assigned");
}

/* ---- on the equipment's page ---- */

void pages_equipment_tickets(struct req *r, struct json_object *d, struct json_object *eq)
{
    struct json_object *out, *rows, *f;
    int64_t id = page_jint(eq, "id"), owner = page_jint(eq, "owner_org_id");
    const char *st = json_str_field(eq, "status");

    if (!id || !page_may(r, RES_TICKETS, ACT_READ))
        return;
    json_object_object_add(d, "may_read_tickets", JBOOL(1));
    if (page_api(
            r, ticket_http_list,
            arena_printf(r->ar, "equipment_id=%lld&limit=%d", (long long)id, EQUIPMENT_TICKETS),
            NULL, &out) == 0) {
        rows = page_jget(out, "data");
        if (decorate(r, rows, clock_real_ms()) == 0)
            page_jshare(d, "tickets", rows);
        json_object_object_add(d, "tickets_more",
                               JBOOL(json_str_field(out, "next_cursor") != NULL));
    }
    /* as the API: an organization's user opens tickets for its own equipment only */
    if (page_may(r, RES_TICKETS, ACT_CREATE) && (!r->ctx.org_id || owner == r->ctx.org_id) && st &&
        strcmp(st, "active") == 0) {
        f = json_object_new_object();
        json_object_object_add(f, "severity_options", page_options(ticket_severities, "medium"));
        json_object_object_add(d, "ticket_form", f);
    }
}
