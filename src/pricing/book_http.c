/* Price book and rule handlers: access by owner, checks, writes with audit row and price.updated.
 */
#include "pricing/book_http.h"

#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "catalog/channel.h"
#include "catalog/product.h"
#include "core/json.h"
#include "core/rfc3339.h"
#include "db/db.h"
#include "http/list.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"
#include "org/org.h"
#include "pricing/book.h"

/* The caller's organization for a book query's visibility: 0 (NULL) sees every book. */
#define OWNER(r) (long long)(r)->ctx.org_id, (long long)(r)->ctx.org_id
/* Every book: for reading back a row this request wrote. */
#define OWNER_ALL 0LL, 0LL
/* The catalog's visibility of the caller (catalog/product.h): five times its organization. */
#define CATALOG_VIS(r)                                                                             \
    (long long)(r)->ctx.org_id, (long long)(r)->ctx.org_id, (long long)(r)->ctx.org_id,            \
        (long long)(r)->ctx.org_id, (long long)(r)->ctx.org_id

/* Left as it is by a JSON null, so null and a number differ. */
#define UNSET INT64_MIN

static struct json_object *str_or_null(const struct db_val *v)
{
    return v->null ? NULL : json_object_new_string(v->s);
}

static struct json_object *int_or_null(const struct db_val *v)
{
    return v->null ? NULL : json_object_new_int64(v->i);
}

/* One row of the BOOK_COL_* columns as the API shows a book; the caller owns it. */
static struct json_object *book_json(const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, BOOK_COL_ID)->i));
    json_object_object_add(o, "name", str_or_null(db_at(res, row, BOOK_COL_NAME)));
    json_object_object_add(o, "owner_org_id", int_or_null(db_at(res, row, BOOK_COL_OWNER)));
    json_object_object_add(o, "scope_type", str_or_null(db_at(res, row, BOOK_COL_SCOPE)));
    json_object_object_add(o, "org_id", int_or_null(db_at(res, row, BOOK_COL_ORG)));
    json_object_object_add(o, "channel_id", int_or_null(db_at(res, row, BOOK_COL_CHANNEL)));
    json_object_object_add(o, "currency", str_or_null(db_at(res, row, BOOK_COL_CURRENCY)));
    json_object_object_add(o, "priority",
                           json_object_new_int64(db_at(res, row, BOOK_COL_PRIORITY)->i));
    json_object_object_add(o, "status", str_or_null(db_at(res, row, BOOK_COL_STATUS)));
    json_object_object_add(o, "effective_from", str_or_null(db_at(res, row, BOOK_COL_FROM)));
    json_object_object_add(o, "effective_to", str_or_null(db_at(res, row, BOOK_COL_TO)));
    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, row, BOOK_COL_VERSION)->i));
    json_object_object_add(o, "rule_count",
                           json_object_new_int64(db_at(res, row, BOOK_COL_RULE_COUNT)->i));
    json_object_object_add(o, "created_at", str_or_null(db_at(res, row, BOOK_COL_CREATED_AT)));
    json_object_object_add(o, "updated_at", str_or_null(db_at(res, row, BOOK_COL_UPDATED_AT)));
    return o;
}

/* The rule's value and min_qty as stored, normalised (book_value_text). */
static const char *rule_value(struct arena *ar, const struct db_res *res, int row)
{
    return book_value_text(ar, resolve_rule_type_parse(db_at(res, row, RULE_COL_TYPE)->s),
                           db_at(res, row, RULE_COL_VALUE)->s,
                           db_at(res, row, RULE_COL_CURRENCY)->s);
}

static const char *rule_min_qty(struct arena *ar, const struct db_res *res, int row)
{
    const struct db_val *v = db_at(res, row, RULE_COL_MIN_QTY);

    return v->null ? NULL : book_qty_text(ar, v->s);
}

/* One row of the RULE_COL_* columns as the API shows a rule; the caller owns it. */
static struct json_object *rule_json(struct arena *ar, const struct db_res *res, int row)
{
    struct json_object *o = json_object_new_object();
    const char *min_qty = rule_min_qty(ar, res, row);

    json_object_object_add(o, "id", json_object_new_int64(db_at(res, row, RULE_COL_ID)->i));
    json_object_object_add(o, "price_book_id",
                           json_object_new_int64(db_at(res, row, RULE_COL_BOOK)->i));
    json_object_object_add(o, "selector", str_or_null(db_at(res, row, RULE_COL_SELECTOR)));
    json_object_object_add(o, "selector_value",
                           str_or_null(db_at(res, row, RULE_COL_SELECTOR_VALUE)));
    json_object_object_add(o, "rule_type", str_or_null(db_at(res, row, RULE_COL_TYPE)));
    json_object_object_add(o, "value", json_object_new_string(rule_value(ar, res, row)));
    json_object_object_add(o, "min_qty", min_qty ? json_object_new_string(min_qty) : NULL);
    json_object_object_add(o, "version",
                           json_object_new_int64(db_at(res, row, RULE_COL_VERSION)->i));
    json_object_object_add(o, "created_at", str_or_null(db_at(res, row, RULE_COL_CREATED_AT)));
    json_object_object_add(o, "updated_at", str_or_null(db_at(res, row, RULE_COL_UPDATED_AT)));
    return o;
}

/* ---- access and common answers ---- */

/*
 * Organizations other than manufacturers and distributors have no books: 403 on every
 * route here, reads included. Returns 0 or the problem's status.
 */
static int books_access(struct req *r)
{
    if (!r->ctx.org_id || (r->ctx.org_type && book_org_type_may_manage(r->ctx.org_type)))
        return 0;
    return problem(r, PROB_FORBIDDEN,
                   "only manufacturers and distributors manage price books, not a %s",
                   r->ctx.org_type ? r->ctx.org_type : "organization");
}

static int book_not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no price book at '%s'", r->path);
}

static int rule_not_found(struct req *r)
{
    return problem(r, PROB_NOT_FOUND, "no price rule at '%s'", r->path);
}

/* A retired book is final: neither it nor its rules change any more. Rolls back. */
static int book_retired(struct req *r, int64_t id)
{
    db_rollback(r->db);
    return problem(r, PROB_BOOK_RETIRED,
                   "price book %lld is retired: neither it nor its rules change any more",
                   (long long)id);
}

static int is_retired(const struct db_res *book)
{
    return strcmp(db_at(book, 0, BOOK_COL_STATUS)->s, "retired") == 0;
}

static int invalid(struct req *r, const char *what)
{
    return problem(r, PROB_VALIDATION, "the %s has invalid fields", what);
}

/* A reference in a body to something the caller cannot use: 422 naming the fields. */
static int unprocessable(struct req *r)
{
    return problem(r, PROB_UNPROCESSABLE, "'%s' %s", r->field_errors.v[0].field,
                   r->field_errors.v[0].message);
}

/*
 * The change's outbox event, price.updated {price_book_id, version, change, rule_id?}
 * (rule_id 0: none), then its audit row and the commit (write_commit). Returns 0 or a
 * DB_E* code; the caller rolls back on an error.
 */
static int price_commit(struct req *r, int64_t book_id, int64_t version, const char *change,
                        int64_t rule_id, const char *action, const char *entity, int64_t entity_id,
                        const char *before, const char *after)
{
    struct json_object *p = json_arena_own(r->ar, json_object_new_object());
    int rc;

    json_object_object_add(p, "price_book_id", json_object_new_int64(book_id));
    json_object_object_add(p, "version", json_object_new_int64(version));
    json_object_object_add(p, "change", json_object_new_string(change));
    if (rule_id)
        json_object_object_add(p, "rule_id", json_object_new_int64(rule_id));
    rc = write_event(r, r->ctx.tenant_id, "price.updated", "price_book", book_id,
                     json_text(r->ar, p));
    if (!rc)
        rc = write_commit(r, r->ctx.tenant_id, action, NULL, entity, entity_id, before, after);
    return rc;
}

/* Reads back book id after a write in the open transaction; *row gets it. */
static int book_reread(struct req *r, int64_t id, struct db_res *row)
{
    int rc = db_exec(r->db, r->ar, &Q_BOOK_GET, r->ctx.tenant_id, row, (long long)id, OWNER_ALL);

    return !rc && row->nrows != 1 ? DB_ERR : rc;
}

/* Ends a write of book id: the event, the audit row, the commit, and the book as the answer. */
static int book_finish(struct req *r, int64_t id, const char *action, const char *change,
                       const char *before, int status)
{
    struct db_res row;
    struct json_object *out;
    int64_t version;
    int rc = book_reread(r, id, &row);

    if (rc)
        return problem_rollback(r, rc, action);
    out = json_arena_own(r->ar, book_json(&row, 0));
    version = db_at(&row, 0, BOOK_COL_VERSION)->i;
    rc = price_commit(r, id, version, change, 0, action, "price_book", id, before,
                      json_text(r->ar, out));
    if (rc)
        return problem_rollback(r, rc, action);
    if (status == 201)
        resp_header(r, "Location", "/v1/price-books/%lld", (long long)id);
    resp_etag(r, version);
    return resp_json(r, status, out);
}

/*
 * Ends a write of rule rule_id of book book_id: raises the book's version, then the event,
 * the audit row and the commit. The answer is the rule (status 200 or 201), or 204 for a
 * deletion (before is then the deleted rule).
 */
static int rule_finish(struct req *r, int64_t book_id, int64_t rule_id, const char *action,
                       const char *change, const char *before, int status)
{
    struct db_res book, row;
    struct json_object *out = NULL;
    int rc = db_exec(r->db, r->ar, &Q_BOOK_BUMP, r->ctx.tenant_id, NULL, (long long)book_id);

    if (!rc)
        rc = book_reread(r, book_id, &book);
    if (!rc && status != 204) {
        rc = db_exec(r->db, r->ar, &Q_RULE_GET, r->ctx.tenant_id, &row, (long long)rule_id,
                     OWNER_ALL);
        if (!rc && row.nrows != 1)
            rc = DB_ERR;
        if (!rc)
            out = json_arena_own(r->ar, rule_json(r->ar, &row, 0));
    }
    if (!rc)
        rc = price_commit(r, book_id, db_at(&book, 0, BOOK_COL_VERSION)->i, change, rule_id, action,
                          "price_rule", rule_id, before, out ? json_text(r->ar, out) : NULL);
    if (rc)
        return problem_rollback(r, rc, action);
    if (status == 204) {
        r->status = 204;
        return 204;
    }
    if (status == 201)
        resp_header(r, "Location", "/v1/price-rules/%lld", (long long)rule_id);
    resp_etag(r, db_at(&row, 0, RULE_COL_VERSION)->i);
    return resp_json(r, status, out);
}

/* An RFC 3339 time the database can store into *ms; a field error otherwise. */
static void read_time(struct req *r, const char *field, const char *s, int64_t *ms)
{
    const char *why;

    if (rfc3339_parse(s, ms) != 0)
        field_errors_add(r->ar, &r->field_errors, field,
                         "must be an RFC 3339 time like 2025-01-01T00:00:00Z");
    else if ((why = book_check_time(*ms)))
        field_errors_add(r->ar, &r->field_errors, field, "%s", why);
}

static void check(struct req *r, int has, const char *v, const char *(*fn)(const char *),
                  const char *field)
{
    const char *why;

    if (has && v && (why = fn(v)))
        field_errors_add(r->ar, &r->field_errors, field, "%s", why);
}

/* A field error unless the field already has one: the first reason is the one to fix. */
static void add_once(struct req *r, const char *field, const char *why)
{
    for (size_t i = 0; i < r->field_errors.n; i++)
        if (strcmp(r->field_errors.v[i].field, field) == 0)
            return;
    field_errors_add(r->ar, &r->field_errors, field, "%s", why);
}

/* ---- books ---- */

/* What a POST or PATCH body asked for; has_* is set for each field given (null included). */
struct book_input {
    const char *name, *scope, *currency, *status, *from_s, *to_s;
    int64_t org_id, channel_id, owner, priority; /* UNSET: null */
    int64_t from, to;                            /* ms, when from_s or to_s is set */
    struct json_object *fixed[5];                /* a change: the fields it may not name */
    int has_name, has_scope, has_org, has_channel, has_currency, has_priority, has_status, has_from,
        has_to, has_owner, has_fixed[5];
};

/* Fields a book keeps from its creation (a change naming one is 400). */
static const char *const book_fixed[] = {"scope_type", "org_id", "channel_id", "currency",
                                         "owner_org_id"};

/* An id field given: positive, or null (UNSET) when nullable. */
static void check_ref(struct req *r, int has, int64_t v, const char *field)
{
    if (has && v != UNSET && v <= 0)
        field_errors_add(r->ar, &r->field_errors, field, "must be a positive id, or null");
}

/*
 * Reads and checks a book body: every shape and rule problem is collected, then answered
 * at once (400). Returns 0 or the problem's status.
 */
static int book_read(struct req *r, struct book_input *in, int create)
{
    struct json_object *body;
    const char *why;
    int rc, scope;
    struct jfield fc[] = {
        {"name", JF_STRING, JF_REQUIRED, &in->name, &in->has_name, BOOK_NAME_MAX},
        {"scope_type", JF_STRING, JF_REQUIRED, &in->scope, &in->has_scope, 64},
        {"org_id", JF_INT, JF_NULLABLE, &in->org_id, &in->has_org, 0},
        {"channel_id", JF_INT, JF_NULLABLE, &in->channel_id, &in->has_channel, 0},
        {"currency", JF_STRING, JF_REQUIRED, &in->currency, &in->has_currency, 64},
        {"priority", JF_INT, 0, &in->priority, &in->has_priority, 0},
        {"effective_from", JF_STRING, JF_NULLABLE, &in->from_s, &in->has_from, 64},
        {"effective_to", JF_STRING, JF_NULLABLE, &in->to_s, &in->has_to, 64},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 64},
        {"owner_org_id", JF_INT, JF_NULLABLE, &in->owner, &in->has_owner, 0},
    };
    struct jfield fp[] = {
        {"name", JF_STRING, 0, &in->name, &in->has_name, BOOK_NAME_MAX},
        {"priority", JF_INT, 0, &in->priority, &in->has_priority, 0},
        {"status", JF_STRING, 0, &in->status, &in->has_status, 64},
        {"effective_from", JF_STRING, JF_NULLABLE, &in->from_s, &in->has_from, 64},
        {"effective_to", JF_STRING, JF_NULLABLE, &in->to_s, &in->has_to, 64},
        {book_fixed[0], JF_ANY, JF_NULLABLE, &in->fixed[0], &in->has_fixed[0], 0},
        {book_fixed[1], JF_ANY, JF_NULLABLE, &in->fixed[1], &in->has_fixed[1], 0},
        {book_fixed[2], JF_ANY, JF_NULLABLE, &in->fixed[2], &in->has_fixed[2], 0},
        {book_fixed[3], JF_ANY, JF_NULLABLE, &in->fixed[3], &in->has_fixed[3], 0},
        {book_fixed[4], JF_ANY, JF_NULLABLE, &in->fixed[4], &in->has_fixed[4], 0},
    };

    memset(in, 0, sizeof(*in));
    in->org_id = in->channel_id = in->owner = UNSET;
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, create ? fc : fp, 10, &r->field_errors) == 0 && !create &&
        !(in->has_name || in->has_priority || in->has_status || in->has_from || in->has_to ||
          in->has_fixed[0] || in->has_fixed[1] || in->has_fixed[2] || in->has_fixed[3] ||
          in->has_fixed[4]))
        field_errors_add(r->ar, &r->field_errors, "", "must name at least one field to change");
    for (int i = 0; !create && i < 5; i++)
        if (in->has_fixed[i])
            field_errors_add(r->ar, &r->field_errors, book_fixed[i],
                             "cannot be changed after the book is created");
    check(r, in->has_name, in->name, book_check_name, "name");
    check(r, in->has_currency, in->currency, book_check_currency, "currency");
    check(r, in->has_status, in->status, book_check_status, "status");
    if (in->has_priority && (why = book_check_priority(in->priority)))
        field_errors_add(r->ar, &r->field_errors, "priority", "%s", why);
    check_ref(r, in->has_org, in->org_id, "org_id");
    check_ref(r, in->has_channel, in->channel_id, "channel_id");
    check_ref(r, in->has_owner, in->owner, "owner_org_id");
    if (in->has_scope && (why = book_check_scope_type(in->scope))) {
        field_errors_add(r->ar, &r->field_errors, "scope_type", "%s", why);
    } else if (in->has_scope) {
        scope = resolve_scope_parse(in->scope);
        if ((why = book_check_scope_id(scope, 'o', in->has_org && in->org_id != UNSET)))
            add_once(r, "org_id", why);
        if ((why = book_check_scope_id(scope, 'c', in->has_channel && in->channel_id != UNSET)))
            add_once(r, "channel_id", why);
    }
    if (in->from_s)
        read_time(r, "effective_from", in->from_s, &in->from);
    if (in->to_s)
        read_time(r, "effective_to", in->to_s, &in->to);
    if (r->field_errors.n)
        return invalid(r, "body");
    if ((why = book_check_window(in->from_s != NULL, in->from, in->to_s != NULL, in->to))) {
        field_errors_add(r->ar, &r->field_errors, "effective_to", "%s", why);
        return invalid(r, "body");
    }
    return 0;
}

int book_http_list(struct req *r)
{
    const char *scope, *currency, *status;
    struct json_object *data;
    struct db_res res;
    int64_t after, org_id, channel_id, owner, *ids;
    int limit, rc = books_access(r);

    if (!rc)
        rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_str(r, "scope_type", 64, &scope);
    if (!rc)
        rc = params_query_id(r, "org_id", &org_id);
    if (!rc)
        rc = params_query_id(r, "channel_id", &channel_id);
    if (!rc)
        rc = params_query_str(r, "currency", 64, &currency);
    if (!rc)
        rc = params_query_str(r, "status", 64, &status);
    if (!rc)
        rc = params_query_id(r, "owner_org_id", &owner);
    if (rc)
        return rc;
    check(r, 1, scope, book_check_scope_type, "scope_type");
    check(r, 1, currency, book_check_currency, "currency");
    check(r, 1, status, book_check_status_filter, "status");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_BOOK_LIST, r->ctx.tenant_id, &res, (long long)after, scope, scope,
                 (long long)org_id, (long long)org_id, (long long)channel_id, (long long)channel_id,
                 currency, currency, status, status, (long long)owner, (long long)owner, OWNER(r),
                 limit + 1);
    if (rc)
        return problem_db(r, rc, "price book list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, BOOK_COL_ID)->i;
        json_object_array_add(data, book_json(&res, i));
    }
    return list_finish(r, data, ids, limit);
}

/* The type of organization id of the tenant into *type (NULL when there is none). */
static int org_type_of(struct req *r, int64_t id, const char **type)
{
    struct db_res org;
    int rc = db_exec(r->db, r->ar, &Q_ORG_GET, r->ctx.tenant_id, &org, (long long)id);

    *type = !rc && org.nrows == 1 ? db_at(&org, 0, ORG_COL_TYPE)->s : NULL;
    return rc;
}

/*
 * The organizations and the channel a new book names must be the tenant's; an owner must be
 * a manufacturer or distributor. Field errors for each; returns 0 or a DB_E* code.
 */
static int book_refs(struct req *r, int64_t owner, int64_t org_id, int64_t channel_id)
{
    struct db_res ch;
    const char *type;
    int rc = 0;

    if (owner && !r->ctx.org_id) {
        rc = org_type_of(r, owner, &type);
        if (!rc && !book_org_type_may_manage(type ? type : "none"))
            field_errors_add(r->ar, &r->field_errors, "owner_org_id",
                             "names no manufacturer or distributor organization of this tenant");
    }
    if (!rc && org_id) {
        rc = org_type_of(r, org_id, &type);
        if (!rc && !type)
            field_errors_add(r->ar, &r->field_errors, "org_id",
                             "names no organization of this tenant");
    }
    if (!rc && channel_id) {
        rc = channel_find(r->db, r->ar, r->ctx.tenant_id, channel_id, &ch);
        if (!rc && ch.nrows != 1)
            field_errors_add(r->ar, &r->field_errors, "channel_id",
                             "names no channel of this tenant");
    }
    return rc;
}

int book_http_create(struct req *r)
{
    struct book_input in;
    struct db_res ins;
    int64_t owner, org_id, channel_id;
    int rc = books_access(r);

    if (!rc)
        rc = book_read(r, &in, 1);
    if (rc)
        return rc;
    owner = in.has_owner && in.owner != UNSET ? in.owner : 0;
    /* an organization's books are its own */
    if (r->ctx.org_id) {
        if (in.has_owner && owner != r->ctx.org_id)
            return problem(r, PROB_FORBIDDEN,
                           "an organization's user creates books owned by its own "
                           "organization only");
        owner = r->ctx.org_id;
    }
    org_id = in.org_id == UNSET ? 0 : in.org_id;
    channel_id = in.channel_id == UNSET ? 0 : in.channel_id;
    rc = book_refs(r, owner, org_id, channel_id);
    if (rc)
        return problem_db(r, rc, "price book create");
    if (r->field_errors.n)
        return unprocessable(r);
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_BOOK_INSERT, r->ctx.tenant_id, &ins, in.name,
                     (long long)owner, in.scope, (long long)org_id, (long long)channel_id,
                     in.currency, (long long)(in.has_priority ? in.priority : 0),
                     in.has_status ? in.status : "active",
                     in.from_s ? rfc3339_sql_text(r->ar, in.from) : NULL,
                     in.to_s ? rfc3339_sql_text(r->ar, in.to) : NULL);
    if (rc == DB_EFK) {
        /* an organization or channel went away since it was read */
        db_rollback(r->db);
        field_errors_add(r->ar, &r->field_errors, "",
                         "names an organization or channel that "
                         "no longer exists");
        return problem(r, PROB_UNPROCESSABLE, "the book names what no longer exists");
    }
    if (rc)
        return problem_rollback(r, rc, "price book create");
    return book_finish(r, (int64_t)ins.insert_id, "price_book.create", "book.created", NULL, 201);
}

int book_http_get(struct req *r)
{
    struct db_res row;
    int64_t id;
    int rc = books_access(r);

    if (rc)
        return rc;
    if (params_path_id(r, "id", &id) != 0)
        return book_not_found(r);
    rc = db_exec(r->db, r->ar, &Q_BOOK_GET, r->ctx.tenant_id, &row, (long long)id, OWNER(r));
    if (rc)
        return problem_db(r, rc, "price book get");
    if (row.nrows != 1)
        return book_not_found(r);
    resp_etag(r, db_at(&row, 0, BOOK_COL_VERSION)->i);
    return resp_json(r, 200, json_arena_own(r->ar, book_json(&row, 0)));
}

/*
 * The start of a change to book id: locks it as the caller sees it (404), checks If-Match
 * (412) and that it is not retired (409). Returns 1 inside the open transaction with *cur,
 * or 0 with *status the problem rendered after rolling back.
 */
static int book_lock(struct req *r, int64_t id, struct db_res *cur, int *status)
{
    int rc = db_begin(r->db);

    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_BOOK_GET_FOR_UPDATE, r->ctx.tenant_id, cur, (long long)id,
                     OWNER(r));
    if (rc) {
        *status = problem_rollback(r, rc, "price book");
        return 0;
    }
    if (cur->nrows != 1) {
        db_rollback(r->db);
        *status = book_not_found(r);
        return 0;
    }
    *status = check_if_match(r, db_at(cur, 0, BOOK_COL_VERSION)->i);
    if (*status) {
        db_rollback(r->db);
        return 0;
    }
    if (is_retired(cur)) {
        *status = book_retired(r, id);
        return 0;
    }
    return 1;
}

/* A stored time column back to ms; 0 with *has 0 when it is NULL. */
static int64_t stored_time(const struct db_val *v, int *has)
{
    int64_t ms = 0;

    *has = !v->null && rfc3339_parse(v->s, &ms) == 0;
    return *has ? ms : 0;
}

int book_http_patch(struct req *r)
{
    struct book_input in;
    struct db_res cur;
    const char *before, *why;
    int64_t id, from, to;
    int has_from, has_to, rc = books_access(r);

    if (rc)
        return rc;
    if (params_path_id(r, "id", &id) != 0)
        return book_not_found(r);
    rc = book_read(r, &in, 0);
    if (rc)
        return rc;
    if (!book_lock(r, id, &cur, &rc))
        return rc;
    from = stored_time(db_at(&cur, 0, BOOK_COL_FROM), &has_from);
    to = stored_time(db_at(&cur, 0, BOOK_COL_TO), &has_to);
    if (in.has_from) {
        has_from = in.from_s != NULL;
        from = in.from;
    }
    if (in.has_to) {
        has_to = in.to_s != NULL;
        to = in.to;
    }
    if ((why = book_check_window(has_from, from, has_to, to))) {
        db_rollback(r->db);
        if (in.has_to)
            field_errors_add(r->ar, &r->field_errors, "effective_to", "%s", why);
        else
            field_errors_add(r->ar, &r->field_errors, "effective_from",
                             "must be before effective_to (%s)", db_at(&cur, 0, BOOK_COL_TO)->s);
        return invalid(r, "body");
    }
    before = json_text(r->ar, json_arena_own(r->ar, book_json(&cur, 0)));
    rc = db_exec(r->db, r->ar, &Q_BOOK_UPDATE, r->ctx.tenant_id, NULL,
                 in.has_name ? in.name : db_at(&cur, 0, BOOK_COL_NAME)->s,
                 (long long)(in.has_priority ? in.priority : db_at(&cur, 0, BOOK_COL_PRIORITY)->i),
                 in.has_status ? in.status : db_at(&cur, 0, BOOK_COL_STATUS)->s,
                 has_from ? rfc3339_sql_text(r->ar, from) : NULL,
                 has_to ? rfc3339_sql_text(r->ar, to) : NULL, (long long)id);
    if (rc)
        return problem_rollback(r, rc, "price book update");
    return book_finish(r, id, "price_book.update", "book.updated", before, 200);
}

int book_http_retire(struct req *r)
{
    struct db_res cur;
    const char *before;
    int64_t id;
    int rc = books_access(r);

    if (rc)
        return rc;
    if (params_path_id(r, "id", &id) != 0)
        return book_not_found(r);
    if (!book_lock(r, id, &cur, &rc))
        return rc;
    before = json_text(r->ar, json_arena_own(r->ar, book_json(&cur, 0)));
    rc = db_exec(r->db, r->ar, &Q_BOOK_RETIRE, r->ctx.tenant_id, NULL, (long long)id);
    if (rc)
        return problem_rollback(r, rc, "price book retire");
    return book_finish(r, id, "price_book.retire", "book.retired", before, 200);
}

/* ---- rules ---- */

/* What a rule's POST or PATCH body asked for; has_* is set for each field given. */
struct rule_input {
    int64_t book;
    const char *selector, *rule_type, *value, *min_qty;
    const char *sv; /* selector_value as text; NULL: absent or null */
    struct json_object *sv_json;
    int has_book, has_selector, has_sv, has_type, has_value, has_min_qty;
};

/* selector_value as text: a string, or an integer id (sku and product). */
static void read_selector_value(struct req *r, struct rule_input *in)
{
    struct json_object *v = in->sv_json;

    in->sv = NULL;
    if (!in->has_sv || !v)
        return;
    if (json_object_is_type(v, json_type_string))
        in->sv = json_object_get_string(v);
    else if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0)
        in->sv = arena_printf(r->ar, "%lld", (long long)json_object_get_int64(v));
    else
        field_errors_add(r->ar, &r->field_errors, "selector_value",
                         "must be a string, or the positive id of a SKU or product");
}

/*
 * Reads a rule body and checks each field alone (400 for what is wrong, all at once, is
 * left to the caller: value and selector_value are checked against the book and the
 * selector after). Returns 0 or the status of a body that is not JSON.
 */
static int rule_read(struct req *r, struct rule_input *in, int create)
{
    struct json_object *body;
    int rc;
    unsigned req = create ? JF_REQUIRED : 0;
    struct jfield f[] = {
        {"price_book_id", JF_INT, req, &in->book, &in->has_book, 0},
        {"selector", JF_STRING, req, &in->selector, &in->has_selector, 64},
        {"selector_value", JF_ANY, JF_NULLABLE, &in->sv_json, &in->has_sv, 0},
        {"rule_type", JF_STRING, req, &in->rule_type, &in->has_type, 64},
        {"value", JF_DECIMAL, req, &in->value, &in->has_value, 0},
        {"min_qty", JF_DECIMAL, JF_NULLABLE, &in->min_qty, &in->has_min_qty, 0},
    };
    const char *why;

    memset(in, 0, sizeof(*in));
    rc = req_json_body(r, &body);
    if (rc)
        return rc;
    if (json_read_fields(r->ar, body, f, sizeof(f) / sizeof(f[0]), &r->field_errors) == 0 &&
        !create &&
        !(in->has_book || in->has_selector || in->has_sv || in->has_type || in->has_value ||
          in->has_min_qty))
        field_errors_add(r->ar, &r->field_errors, "", "must name at least one field to change");
    if (!create && in->has_book)
        field_errors_add(r->ar, &r->field_errors, "price_book_id",
                         "cannot be changed: a rule stays in its book");
    else if (in->has_book && in->book <= 0)
        field_errors_add(r->ar, &r->field_errors, "price_book_id", "must be a positive id");
    read_selector_value(r, in);
    check(r, in->has_selector, in->selector, book_check_selector, "selector");
    check(r, in->has_type, in->rule_type, book_check_rule_type, "rule_type");
    if (in->min_qty && (why = book_check_min_qty(r->ar, in->min_qty)))
        field_errors_add(r->ar, &r->field_errors, "min_qty", "%s", why);
    return 0;
}

/*
 * The checks of a whole rule (what the body gave over what it had): selector_value for the
 * selector, value for the type and the book's currency (NULL: the book is unknown).
 * *target gets a SKU's or product's id.
 */
static void rule_check(struct req *r, const char *selector, const char *sv, const char *rule_type,
                       const char *value, const char *currency, int64_t *target)
{
    int sel = resolve_selector_parse(selector), type = resolve_rule_type_parse(rule_type);
    const char *why;

    *target = 0;
    if (sel >= 0 && (why = book_check_selector_value(sel, sv, target)))
        add_once(r, "selector_value", why);
    /* without the book (it is refused anyway) only a percent can be checked: its rules do
       not depend on the currency */
    if (!currency && type != PRULE_FIXED)
        currency = "EUR";
    if (type >= 0 && value && currency && (why = book_check_value(r->ar, type, value, currency)))
        add_once(r, "value", why);
}

/* The SKU or product a rule names must be one the caller sees: 422 field error otherwise. */
static int rule_target(struct req *r, const char *selector, int64_t target)
{
    struct db_res res;
    int sel = resolve_selector_parse(selector), rc;

    if (!target || (sel != PSEL_SKU && sel != PSEL_PRODUCT))
        return 0;
    rc = db_exec(r->db, r->ar, sel == PSEL_SKU ? &Q_SKU_GET : &Q_PRODUCT_GET, r->ctx.tenant_id,
                 &res, (long long)target, CATALOG_VIS(r));
    if (!rc && res.nrows != 1)
        field_errors_add(r->ar, &r->field_errors, "selector_value",
                         sel == PSEL_SKU ? "names no SKU of this tenant"
                                         : "names no product of this tenant");
    return rc;
}

int book_http_rule_list(struct req *r)
{
    const char *selector, *sv;
    struct json_object *data;
    struct db_res res;
    int64_t after, book, *ids;
    int limit, rc = books_access(r);

    if (!rc)
        rc = list_params(r, &limit, &after);
    if (!rc)
        rc = params_query_id(r, "price_book_id", &book);
    if (!rc)
        rc = params_query_str(r, "selector", 64, &selector);
    if (!rc)
        rc = params_query_str(r, "selector_value", BOOK_CATEGORY_MAX, &sv);
    if (rc)
        return rc;
    check(r, 1, selector, book_check_selector, "selector");
    if (r->field_errors.n)
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    rc = db_exec(r->db, r->ar, &Q_RULE_LIST, r->ctx.tenant_id, &res, (long long)after,
                 (long long)book, (long long)book, selector, selector, sv, sv, OWNER(r), limit + 1);
    if (rc)
        return problem_db(r, rc, "price rule list");
    data = json_object_new_array();
    ids = arena_alloc(r->ar, sizeof(*ids) * (size_t)(res.nrows + 1));
    for (int i = 0; i < res.nrows; i++) {
        ids[i] = db_at(&res, i, RULE_COL_ID)->i;
        json_object_array_add(data, rule_json(r->ar, &res, i));
    }
    return list_finish(r, data, ids, limit);
}

int book_http_rule_create(struct req *r)
{
    struct rule_input in;
    struct db_res book, ins;
    int64_t target = 0;
    int found = 0, rc = books_access(r);

    if (!rc)
        rc = rule_read(r, &in, 1);
    if (rc)
        return rc;
    /* the book first, so that the value is checked in its currency along with the rest */
    if (in.has_book && in.book > 0) {
        rc = db_exec(r->db, r->ar, &Q_BOOK_GET, r->ctx.tenant_id, &book, (long long)in.book,
                     OWNER(r));
        if (rc)
            return problem_db(r, rc, "price rule create");
        found = book.nrows == 1;
    }
    rule_check(r, in.selector, in.sv, in.rule_type, in.value,
               found ? db_at(&book, 0, BOOK_COL_CURRENCY)->s : NULL, &target);
    if (r->field_errors.n)
        return invalid(r, "body");
    if (!found) {
        field_errors_add(r->ar, &r->field_errors, "price_book_id", "names no price book");
        return unprocessable(r);
    }
    rc = rule_target(r, in.selector, target);
    if (rc)
        return problem_db(r, rc, "price rule create");
    if (r->field_errors.n)
        return unprocessable(r);
    if (!book_lock(r, in.book, &book, &rc))
        return rc;
    rc = db_exec(r->db, r->ar, &Q_RULE_INSERT, r->ctx.tenant_id, &ins, (long long)in.book,
                 in.selector, in.sv, in.rule_type, in.value, in.min_qty);
    if (rc)
        return problem_rollback(r, rc, "price rule create");
    return rule_finish(r, in.book, (int64_t)ins.insert_id, "price_rule.create", "rule.created",
                       NULL, 201);
}

int book_http_rule_get(struct req *r)
{
    struct db_res row;
    int64_t id;
    int rc = books_access(r);

    if (rc)
        return rc;
    if (params_path_id(r, "id", &id) != 0)
        return rule_not_found(r);
    rc = db_exec(r->db, r->ar, &Q_RULE_GET, r->ctx.tenant_id, &row, (long long)id, OWNER(r));
    if (rc)
        return problem_db(r, rc, "price rule get");
    if (row.nrows != 1)
        return rule_not_found(r);
    resp_etag(r, db_at(&row, 0, RULE_COL_VERSION)->i);
    return resp_json(r, 200, json_arena_own(r->ar, rule_json(r->ar, &row, 0)));
}

/*
 * The start of a change to rule id: finds it as the caller sees it (404), locks its book
 * then the rule, checks If-Match against the rule's version (412) and that the book is not
 * retired (409). Returns 1 inside the open transaction with *cur, or 0 with *status.
 */
static int rule_lock(struct req *r, int64_t id, struct db_res *cur, int *status)
{
    struct db_res seen, book;
    int64_t book_id;
    int rc = db_exec(r->db, r->ar, &Q_RULE_GET, r->ctx.tenant_id, &seen, (long long)id, OWNER(r));

    if (rc) {
        *status = problem_db(r, rc, "price rule");
        return 0;
    }
    if (seen.nrows != 1) {
        *status = rule_not_found(r);
        return 0;
    }
    book_id = db_at(&seen, 0, RULE_COL_BOOK)->i;
    rc = db_begin(r->db);
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_BOOK_GET_FOR_UPDATE, r->ctx.tenant_id, &book,
                     (long long)book_id, OWNER(r));
    if (!rc)
        rc = db_exec(r->db, r->ar, &Q_RULE_GET_FOR_UPDATE, r->ctx.tenant_id, cur, (long long)id,
                     (long long)book_id);
    if (rc) {
        *status = problem_rollback(r, rc, "price rule");
        return 0;
    }
    if (book.nrows != 1 || cur->nrows != 1) {
        db_rollback(r->db);
        *status = rule_not_found(r);
        return 0;
    }
    *status = check_if_match(r, db_at(cur, 0, RULE_COL_VERSION)->i);
    if (*status) {
        db_rollback(r->db);
        return 0;
    }
    if (is_retired(&book)) {
        *status = book_retired(r, book_id);
        return 0;
    }
    return 1;
}

int book_http_rule_patch(struct req *r)
{
    struct rule_input in;
    struct db_res cur;
    const char *before, *selector, *sv, *type, *value, *min_qty;
    const struct db_val *cur_sv;
    int64_t id, book_id, target;
    int rc = books_access(r);

    if (rc)
        return rc;
    if (params_path_id(r, "id", &id) != 0)
        return rule_not_found(r);
    rc = rule_read(r, &in, 0);
    if (rc)
        return rc;
    if (r->field_errors.n)
        return invalid(r, "body");
    if (!rule_lock(r, id, &cur, &rc))
        return rc;
    book_id = db_at(&cur, 0, RULE_COL_BOOK)->i;
    cur_sv = db_at(&cur, 0, RULE_COL_SELECTOR_VALUE);
    selector = in.has_selector ? in.selector : db_at(&cur, 0, RULE_COL_SELECTOR)->s;
    sv = in.has_sv ? in.sv : (cur_sv->null ? NULL : cur_sv->s);
    type = in.has_type ? in.rule_type : db_at(&cur, 0, RULE_COL_TYPE)->s;
    value = in.has_value ? in.value : rule_value(r->ar, &cur, 0);
    min_qty = in.has_min_qty ? in.min_qty : rule_min_qty(r->ar, &cur, 0);
    rule_check(r, selector, sv, type, value, db_at(&cur, 0, RULE_COL_CURRENCY)->s, &target);
    if (r->field_errors.n) {
        db_rollback(r->db);
        return invalid(r, "rule");
    }
    if (in.has_selector || in.has_sv)
        rc = rule_target(r, selector, target);
    if (rc)
        return problem_rollback(r, rc, "price rule update");
    if (r->field_errors.n) {
        db_rollback(r->db);
        return unprocessable(r);
    }
    before = json_text(r->ar, json_arena_own(r->ar, rule_json(r->ar, &cur, 0)));
    rc = db_exec(r->db, r->ar, &Q_RULE_UPDATE, r->ctx.tenant_id, NULL, selector, sv, type, value,
                 min_qty, (long long)id);
    if (rc)
        return problem_rollback(r, rc, "price rule update");
    return rule_finish(r, book_id, id, "price_rule.update", "rule.updated", before, 200);
}

int book_http_rule_delete(struct req *r)
{
    struct db_res cur;
    const char *before;
    int64_t id, book_id;
    int rc = books_access(r);

    if (rc)
        return rc;
    if (params_path_id(r, "id", &id) != 0)
        return rule_not_found(r);
    if (!rule_lock(r, id, &cur, &rc))
        return rc;
    book_id = db_at(&cur, 0, RULE_COL_BOOK)->i;
    before = json_text(r->ar, json_arena_own(r->ar, rule_json(r->ar, &cur, 0)));
    rc = db_exec(r->db, r->ar, &Q_RULE_DELETE, r->ctx.tenant_id, NULL, (long long)id);
    if (rc)
        return problem_rollback(r, rc, "price rule delete");
    return rule_finish(r, book_id, id, "price_rule.delete", "rule.deleted", before, 204);
}
