/* The SKU import: CSV rows upserted in one transaction, a savepoint per row, a report per row. */
#include "catalog/import_http.h"

#include <ctype.h>
#include <string.h>

#include <json-c/json.h>

#include "catalog/import.h"
#include "catalog/product.h"
#include "catalog/product_http.h"
#include "core/json.h"
#include "db/db.h"
#include "http/params.h"
#include "http/problem.h"
#include "http/request.h"
#include "http/write.h"

#define VIS_ALL 0LL, 0LL, 0LL, 0LL, 0LL

/* A product this import met, as the rows before the current one left it. */
struct product_seen {
    int64_t id;
    const char *category; /* as stored now; NULL when none */
    const char *given;    /* the first non-empty category a row gave for it */
    int given_row;
};

struct import {
    struct req *r;
    int dry_run, atomic;
    /* maps keyed by text (json-c objects are hash tables): */
    struct json_object *makers;   /* manufacturer cell -> organization id, 0: none */
    struct json_object *products; /* "<maker>/<name>" and "#<id>" -> index in seen */
    struct json_object *codes;    /* lower-case sku_code -> the row that wrote it */
    struct product_seen *seen;
    int nseen, capseen;
};

/* One row's outcome. */
struct outcome {
    const char *status; /* created|updated|unchanged|error */
    int64_t sku_id;     /* 0: none to show */
    const char *reason;
};

enum { ROW_OK = 0, ROW_REFUSED = 1 }; /* else a DB_E* code: the import stops */

/* A DB error a row may cause by its data (a key, a check): refused, not fatal. */
static int row_db_error(int rc)
{
    return rc == DB_EDUP || rc == DB_EFK || rc == DB_ECHECK;
}

static const char *lower(struct arena *ar, const char *s)
{
    char *out = arena_strdup(ar, s);

    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

static int map_get(struct json_object *map, const char *key, int64_t *v)
{
    struct json_object *o;

    if (!json_object_object_get_ex(map, key, &o))
        return 0;
    *v = json_object_get_int64(o);
    return 1;
}

static void map_put(struct json_object *map, const char *key, int64_t v)
{
    json_object_object_add(map, key, json_object_new_int64(v));
}

/* The manufacturer a cell names, by id or by name: *maker 0 when none. */
static int find_maker(struct import *im, const char *cell, int64_t *maker)
{
    struct req *r = im->r;
    struct db_res res;
    int64_t id;
    int rc;

    if (map_get(im->makers, cell, maker))
        return 0;
    *maker = 0;
    if (params_id(cell, &id) == 0) {
        rc = db_exec(r->db, r->ar, &Q_CATALOG_MAKER_GET, r->ctx.tenant_id, &res, (long long)id);
        if (rc)
            return rc;
        if (res.nrows == 1)
            *maker = id;
    }
    if (!*maker) {
        rc = db_exec(r->db, r->ar, &Q_CATALOG_MAKER_FIND, r->ctx.tenant_id, &res, cell);
        if (rc)
            return rc;
        if (res.nrows == 1)
            *maker = db_at(&res, 0, 0)->i;
    }
    map_put(im->makers, cell, *maker);
    return 0;
}

/* The audit row and event of one write, unless this is a dry run. */
static int record(struct import *im, const char *action, const char *event, const char *entity,
                  int64_t id, const char *before, const char *after)
{
    int rc;

    if (im->dry_run)
        return 0;
    rc = write_audit(im->r, im->r->ctx.tenant_id, action, entity, id, before, after);
    return rc ? rc : write_event(im->r, im->r->ctx.tenant_id, event, entity, id, after);
}

/* A product or SKU row read back as its JSON text. */
static int read_back(struct import *im, const struct db_query *q, int64_t id,
                     struct json_object *(*to_json)(struct arena *, const struct db_res *, int),
                     const char **text)
{
    struct req *r = im->r;
    struct db_res res;
    int rc;

    *text = NULL;
    if (im->dry_run)
        return 0;
    rc = db_exec(r->db, r->ar, q, r->ctx.tenant_id, &res, (long long)id, VIS_ALL);
    if (!rc && res.nrows != 1)
        rc = DB_ERR;
    if (!rc)
        *text = json_text(r->ar, json_arena_own(r->ar, to_json(r->ar, &res, 0)));
    return rc;
}

/*
 * Finds or creates the row's product and brings its category to the row's; p is the
 * product as this row leaves it, *wrote whether the row changed it.
 */
static int upsert_product(struct import *im, int rowno, int64_t maker,
                          const struct import_record *rec, struct product_seen *p, int *wrote,
                          struct outcome *out)
{
    struct req *r = im->r;
    const char *key = arena_printf(r->ar, "%lld/%s", (long long)maker, rec->product);
    const char *before, *after;
    struct db_res res;
    int64_t idx;
    int rc;

    *wrote = 0;
    if (map_get(im->products, key, &idx)) {
        *p = im->seen[idx];
    } else {
        rc = db_exec(r->db, r->ar, &Q_PRODUCT_FIND, r->ctx.tenant_id, &res, (long long)maker,
                     rec->product);
        if (rc)
            return rc;
        if (res.nrows == 1 &&
            map_get(im->products, arena_printf(r->ar, "#%lld", db_at(&res, 0, 0)->i), &idx)) {
            /* the same product under a name that differs in case */
            *p = im->seen[idx];
        } else if (res.nrows == 1) {
            memset(p, 0, sizeof(*p));
            p->id = db_at(&res, 0, PRODUCT_COL_ID)->i;
            p->category = db_at(&res, 0, PRODUCT_COL_CATEGORY)->s;
        } else {
            struct db_res ins;

            rc = db_exec(r->db, r->ar, &Q_PRODUCT_INSERT, r->ctx.tenant_id, &ins, (long long)maker,
                         rec->product, rec->category, "{}", "active");
            if (rc)
                return rc;
            memset(p, 0, sizeof(*p));
            p->id = (int64_t)ins.insert_id;
            p->category = rec->category;
            *wrote = 1;
            rc = read_back(im, &Q_PRODUCT_GET, p->id, product_http_product_json, &after);
            if (!rc)
                rc = record(im, "product.create", "catalog.product_created", "product", p->id, NULL,
                            after);
            if (rc)
                return rc;
        }
    }
    if (!rec->category)
        return ROW_OK;
    if (p->given_row && strcmp(p->given, rec->category) != 0) {
        out->reason = arena_printf(r->ar,
                                   "category: '%s' differs from '%s', given for the same product "
                                   "in row %d",
                                   rec->category, p->given, p->given_row);
        return ROW_REFUSED;
    }
    if (!p->given_row) {
        p->given = rec->category;
        p->given_row = rowno;
    }
    if (p->category && strcmp(p->category, rec->category) == 0)
        return ROW_OK;
    rc = db_exec(r->db, r->ar, &Q_PRODUCT_GET_FOR_UPDATE, r->ctx.tenant_id, &res, (long long)p->id);
    if (!rc && res.nrows != 1)
        rc = DB_ERR;
    if (rc)
        return rc;
    before = json_text(r->ar, json_arena_own(r->ar, product_http_product_json(r->ar, &res, 0)));
    rc = db_exec(r->db, r->ar, &Q_PRODUCT_UPDATE, r->ctx.tenant_id, NULL,
                 db_at(&res, 0, PRODUCT_COL_NAME)->s, rec->category,
                 db_at(&res, 0, PRODUCT_COL_ATTRS)->s, db_at(&res, 0, PRODUCT_COL_LIFECYCLE)->s,
                 (long long)p->id);
    if (!rc)
        rc = read_back(im, &Q_PRODUCT_GET, p->id, product_http_product_json, &after);
    if (!rc)
        rc = record(im, "product.update", "catalog.product_updated", "product", p->id, before,
                    after);
    if (rc)
        return rc;
    p->category = rec->category;
    *wrote = 1;
    return ROW_OK;
}

/* Creates the SKU, or brings it to the row's product and attributes. */
static int upsert_sku(struct import *im, int64_t maker, const struct product_seen *p,
                      const struct import_record *rec, int product_wrote, struct outcome *out)
{
    struct req *r = im->r;
    const char *attrs = json_text(r->ar, rec->attrs), *before, *after;
    struct json_object *stored = NULL;
    struct db_res cur, ins;
    int64_t id;
    int rc;

    rc = db_exec(r->db, r->ar, &Q_SKU_FIND_CODE, r->ctx.tenant_id, &cur, rec->sku_code);
    if (rc)
        return rc;
    if (cur.nrows == 0) {
        rc = db_exec(r->db, r->ar, &Q_SKU_INSERT, r->ctx.tenant_id, &ins, (long long)p->id,
                     (long long)maker, rec->sku_code, attrs, "active");
        if (rc)
            return rc;
        id = (int64_t)ins.insert_id;
        rc = read_back(im, &Q_SKU_GET, id, product_http_sku_json, &after);
        if (!rc)
            rc = record(im, "sku.create", "catalog.sku_created", "sku", id, NULL, after);
        out->status = "created";
        /* a dry run's id is rolled back with the rest */
        out->sku_id = im->dry_run ? 0 : id;
        return rc;
    }
    id = db_at(&cur, 0, SKU_COL_ID)->i;
    if (db_at(&cur, 0, SKU_COL_MAKER)->i != maker) {
        out->reason = "sku_code: belongs to a SKU of another manufacturer";
        return ROW_REFUSED;
    }
    out->sku_id = id;
    if (json_parse(r->ar, db_at(&cur, 0, SKU_COL_ATTRS)->s, db_at(&cur, 0, SKU_COL_ATTRS)->len,
                   &stored, NULL, 0) == JSON_OK &&
        json_object_equal(stored, rec->attrs) && db_at(&cur, 0, SKU_COL_PRODUCT)->i == p->id) {
        out->status = product_wrote ? "updated" : "unchanged";
        return ROW_OK;
    }
    before = json_text(r->ar, json_arena_own(r->ar, product_http_sku_json(r->ar, &cur, 0)));
    rc = db_exec(r->db, r->ar, &Q_SKU_UPDATE, r->ctx.tenant_id, NULL, (long long)p->id,
                 db_at(&cur, 0, SKU_COL_CODE)->s, attrs, db_at(&cur, 0, SKU_COL_STATUS)->s,
                 (long long)id);
    if (!rc)
        rc = read_back(im, &Q_SKU_GET, id, product_http_sku_json, &after);
    if (!rc)
        rc = record(im, "sku.update", "catalog.sku_updated", "sku", id, before, after);
    out->status = "updated";
    return rc;
}

/* Remembers what a successful row left, for the rows after it. */
static void keep_product(struct import *im, int64_t maker, const char *name,
                         const struct product_seen *p)
{
    struct arena *ar = im->r->ar;
    const char *id_key = arena_printf(ar, "#%lld", (long long)p->id);
    int64_t idx;

    if (!map_get(im->products, id_key, &idx)) {
        if (im->nseen == im->capseen) {
            int cap = im->capseen * 2;
            struct product_seen *seen = arena_alloc(ar, sizeof(*seen) * (size_t)cap);

            if (im->nseen)
                memcpy(seen, im->seen, sizeof(*seen) * (size_t)im->nseen);
            im->seen = seen;
            im->capseen = cap;
        }
        idx = im->nseen++;
        map_put(im->products, id_key, idx);
    }
    im->seen[idx] = *p;
    map_put(im->products, arena_printf(ar, "%lld/%s", (long long)maker, name), idx);
}

/*
 * One data row: ROW_OK or ROW_REFUSED with out filled, or a DB_E* code that ends the
 * import. A refused row leaves nothing behind (the savepoint).
 */
static int import_row(struct import *im, int rowno, const struct import_record *rec,
                      struct outcome *out)
{
    struct req *r = im->r;
    const char *code_key = lower(r->ar, rec->sku_code);
    struct product_seen p;
    int64_t maker, first;
    int rc, wrote;

    if (map_get(im->codes, code_key, &first)) {
        out->reason =
            arena_printf(r->ar, "sku_code: appears already in row %lld", (long long)first);
        return ROW_REFUSED;
    }
    rc = find_maker(im, rec->manufacturer, &maker);
    if (rc)
        return rc;
    if (r->ctx.org_id && maker != r->ctx.org_id) {
        out->reason = "manufacturer is not your organization";
        return ROW_REFUSED;
    }
    if (!maker) {
        out->reason = "manufacturer: names no manufacturer organization of the tenant";
        return ROW_REFUSED;
    }
    rc = db_exec(r->db, r->ar, &Q_CATALOG_SAVEPOINT, 0, NULL);
    if (rc)
        return rc;
    rc = upsert_product(im, rowno, maker, rec, &p, &wrote, out);
    if (rc == ROW_OK)
        rc = upsert_sku(im, maker, &p, rec, wrote, out);
    if (row_db_error(rc)) {
        out->reason = rc == DB_EDUP ? "conflicts with a product or SKU stored meanwhile"
                                    : "refused by the database's checks";
        rc = ROW_REFUSED;
    }
    if (rc == ROW_REFUSED) {
        int rb = db_exec(r->db, r->ar, &Q_CATALOG_ROLLBACK_TO, 0, NULL);
        return rb ? rb : ROW_REFUSED;
    }
    if (rc)
        return rc;
    keep_product(im, maker, rec->product, &p);
    map_put(im->codes, code_key, rowno);
    return ROW_OK;
}

/* ?name=true|false (absent or empty: false); -1 after rendering 400. */
static int bool_param(struct req *r, const char *name, int *out)
{
    const char *v = req_query(r, name);

    *out = 0;
    if (!v || !*v || strcmp(v, "false") == 0)
        return 0;
    if (strcmp(v, "true") == 0) {
        *out = 1;
        return 0;
    }
    field_errors_add(r->ar, &r->field_errors, name, "must be true or false");
    return -1;
}

/* Reads the request up to the records: 0, or the status of the problem rendered. */
static int read_file(struct req *r, struct import *im, struct import_file *f,
                     struct import_header *h)
{
    size_t bad;
    int rc;

    if (bool_param(r, "dry_run", &im->dry_run) | bool_param(r, "atomic", &im->atomic))
        return problem(r, PROB_VALIDATION, "the query has invalid parameters");
    if (!http_is_csv_type(req_header(r, "Content-Type")))
        return problem(r, PROB_UNSUPPORTED_MEDIA, "the body must be text/csv");
    rc = import_parse(r->ar, r->body ? r->body : "", r->body_len, f, &bad);
    if (rc == -1)
        return problem(r, PROB_BAD_REQUEST, "the body is not UTF-8 (byte %zu)", bad);
    if (rc)
        return problem(r, PROB_BAD_REQUEST, "the body has no header row");
    if (f->too_many)
        return problem(r, PROB_TOO_LARGE, "the file has more than %d data rows; split it",
                       IMPORT_MAX_ROWS);
    if (import_header_read(r->ar, &f->header, h, &r->field_errors))
        return problem(r, PROB_VALIDATION,
                       "the header row must name the columns product, manufacturer, sku_code "
                       "and category");
    return 0;
}

static struct json_object *row_json(int rowno, const char *code, const struct outcome *o)
{
    struct json_object *j = json_object_new_object();

    json_object_object_add(j, "row", json_object_new_int(rowno));
    json_object_object_add(j, "sku_code", code ? json_object_new_string(code) : NULL);
    json_object_object_add(j, "status", json_object_new_string(o->status));
    if (o->sku_id)
        json_object_object_add(j, "sku_id", json_object_new_int64(o->sku_id));
    if (o->reason)
        json_object_object_add(j, "reason", json_object_new_string(o->reason));
    return j;
}

/* The refused atomic import: problem+json with the report's members added (RFC 9457 §3.2). */
static int atomic_refused(struct req *r, struct json_object *rows, struct json_object *report,
                          int errors, int nrows)
{
    const char *text;

    for (size_t i = 0; i < json_object_array_length(rows); i++) {
        struct json_object *row = json_object_array_get_idx(rows, i);
        const char *status = json_str_field(row, "status");

        /* the SKUs it created were rolled back: their ids name nothing */
        if (strcmp(status, "created") == 0)
            json_object_object_del(row, "sku_id");
        else if (strcmp(status, "error") == 0)
            field_errors_add(r->ar, &r->field_errors, arena_printf(r->ar, "row %zu", i + 1), "%s",
                             json_str_field(row, "reason"));
    }
    text = json_text(r->ar, report);

    problem(r, PROB_UNPROCESSABLE, "%d of %d rows have errors; nothing was written", errors, nrows);
    /* problem() ends its object with '}': the report's members go in before it */
    r->body_out.len--;
    sb_addc(&r->body_out, ',');
    sb_adds(&r->body_out, text + 1);
    return r->status;
}

int import_http_skus(struct req *r)
{
    struct import im = {.r = r};
    struct import_file f = {0};
    struct import_header h = {0};
    struct json_object *report, *rows, *summary;
    int count[4] = {0}; /* created, updated, unchanged, errors */
    int rc;

    rc = read_file(r, &im, &f, &h);
    if (rc)
        return rc;
    im.makers = json_arena_own(r->ar, json_object_new_object());
    im.products = json_arena_own(r->ar, json_object_new_object());
    im.codes = json_arena_own(r->ar, json_object_new_object());
    im.capseen = 64;
    im.seen = arena_alloc(r->ar, sizeof(*im.seen) * (size_t)im.capseen);
    report = json_arena_own(r->ar, json_object_new_object());
    rows = json_object_new_array_ext(f.nrows);
    rc = db_begin(r->db);
    for (int i = 0; !rc && i < f.nrows; i++) {
        struct import_record rec;
        struct outcome out = {0};
        int res = ROW_REFUSED;

        out.reason = import_map_row(r->ar, &h, &f.rows[i], &rec);
        if (!out.reason)
            res = import_row(&im, i + 1, &rec, &out);
        if (res != ROW_OK && res != ROW_REFUSED) {
            rc = res;
            break;
        }
        if (res == ROW_REFUSED) {
            out.status = "error";
            out.sku_id = 0;
            count[3]++;
        } else {
            count[strcmp(out.status, "created") == 0   ? 0
                  : strcmp(out.status, "updated") == 0 ? 1
                                                       : 2]++;
        }
        json_object_array_add(rows, row_json(i + 1, rec.sku_code, &out));
    }
    if (rc) {
        json_object_put(rows);
        return problem_rollback(r, rc, "sku import");
    }
    summary = json_object_new_object();
    json_object_object_add(summary, "created", json_object_new_int(count[0]));
    json_object_object_add(summary, "updated", json_object_new_int(count[1]));
    json_object_object_add(summary, "unchanged", json_object_new_int(count[2]));
    json_object_object_add(summary, "errors", json_object_new_int(count[3]));
    json_object_object_add(report, "dry_run", json_object_new_boolean(im.dry_run));
    json_object_object_add(report, "atomic", json_object_new_boolean(im.atomic));
    json_object_object_add(report, "summary", summary);
    json_object_object_add(report, "rows", rows);
    if (im.dry_run || (im.atomic && count[3])) {
        rc = db_rollback(r->db);
        if (rc)
            return problem_db(r, rc, "sku import");
        if (!im.dry_run)
            return atomic_refused(r, rows, report, count[3], f.nrows);
        return resp_json(r, 200, report);
    }
    rc = db_commit(r->db);
    if (rc)
        return problem_rollback(r, rc, "sku import");
    return resp_json(r, 201, report);
}
