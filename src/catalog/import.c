/* The SKU import without I/O: libcsv records, the header's columns, a row's checks. */
#include "catalog/import.h"

#include <string.h>
#include <strings.h>

#include <csv.h>
#include <json-c/json.h>

#include "catalog/product.h"
#include "core/arena.h"
#include "core/json.h"
#include "core/utf8.h"
#include "org/org.h"

const char *const import_required[] = {"product", "manufacturer", "sku_code", "category", NULL};

/* libcsv's callbacks build records here. */
struct parse {
    struct arena *ar;
    struct import_file *f;
    int have_header, rows_cap;
    /* the record being read */
    const char **fields;
    size_t *lens;
    int n, cap;
};

static void on_field(void *s, size_t len, void *data)
{
    struct parse *p = data;

    if (p->f->too_many)
        return;
    if (p->n == p->cap) {
        int cap = p->cap ? p->cap * 2 : 16;
        const char **fields = arena_alloc(p->ar, sizeof(*fields) * (size_t)cap);
        size_t *lens = arena_alloc(p->ar, sizeof(*lens) * (size_t)cap);

        if (p->n) {
            memcpy(fields, p->fields, sizeof(*fields) * (size_t)p->n);
            memcpy(lens, p->lens, sizeof(*lens) * (size_t)p->n);
        }
        p->fields = fields;
        p->lens = lens;
        p->cap = cap;
    }
    p->fields[p->n] = arena_strndup(p->ar, s ? s : "", len);
    p->lens[p->n++] = len;
}

/* Ends the record being read, with error when it is malformed. */
static void end_record(struct parse *p, const char *error)
{
    struct import_row row = {p->n, p->fields, p->lens, error};
    struct import_file *f = p->f;

    p->fields = NULL;
    p->lens = NULL;
    p->n = p->cap = 0;
    if (f->too_many)
        return;
    if (!p->have_header) {
        f->header = row;
        p->have_header = 1;
        return;
    }
    if (f->nrows == IMPORT_MAX_ROWS) {
        f->too_many = 1;
        return;
    }
    if (f->nrows == p->rows_cap) {
        int cap = p->rows_cap ? p->rows_cap * 2 : 64;
        struct import_row *rows = arena_alloc(p->ar, sizeof(*rows) * (size_t)cap);

        if (f->nrows)
            memcpy(rows, f->rows, sizeof(*rows) * (size_t)f->nrows);
        f->rows = rows;
        p->rows_cap = cap;
    }
    f->rows[f->nrows++] = row;
}

static void on_row(int c, void *data)
{
    (void)c;
    end_record(data, NULL);
}

int import_parse(struct arena *ar, const char *body, size_t len, struct import_file *out,
                 size_t *bad)
{
    const unsigned char opts = CSV_STRICT | CSV_STRICT_FINI;
    struct parse p = {.ar = ar, .f = out};
    struct csv_parser csv;
    size_t pos = 0;

    memset(out, 0, sizeof(*out));
    *bad = 0;
    for (size_t i = 0; i < len;) {
        size_t k = utf8_len((const unsigned char *)body + i, len - i);
        if (k == 0) {
            *bad = i;
            return -1;
        }
        i += k;
    }
    if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
        pos = 3;
    if (csv_init(&csv, opts) != 0)
        return -2;
    while (pos < len && !out->too_many) {
        size_t done = csv_parse(&csv, body + pos, len - pos, on_field, on_row, &p);
        const char *nl;

        if (done == len - pos)
            break;
        /* strict mode stopped at a quote out of place: that record is refused, and the
         * next line starts afresh */
        end_record(&p, "has a double quote out of place (quote the whole field and double "
                       "the quotes inside it)");
        nl = memchr(body + pos + done, '\n', len - pos - done);
        pos = nl ? (size_t)(nl - body) + 1 : len;
        csv_free(&csv);
        csv_init(&csv, opts);
    }
    if (csv_fini(&csv, on_field, on_row, &p) != 0)
        end_record(&p, "has a quoted field that never ends");
    csv_free(&csv);
    return p.have_header ? 0 : -2;
}

/* s without the spaces around it, as an arena copy. */
static const char *trim(struct arena *ar, const char *s)
{
    size_t n = strlen(s);

    while (*s == ' ') {
        s++;
        n--;
    }
    while (n && s[n - 1] == ' ')
        n--;
    return arena_strndup(ar, s, n);
}

int import_header_read(struct arena *ar, const struct import_row *row, struct import_header *h,
                       struct field_errors *fe)
{
    size_t before = fe->n;

    h->ncols = row->n;
    h->names = arena_alloc(ar, sizeof(*h->names) * (size_t)(row->n ? row->n : 1));
    for (int k = 0; k < IMPORT__REQUIRED; k++)
        h->col[k] = -1;
    if (row->error)
        field_errors_add(ar, fe, "header", "%s", row->error);
    for (int i = 0; i < row->n; i++) {
        const char *name = trim(ar, row->fields[i]);
        int k;

        h->names[i] = name;
        if (!*name || strlen(row->fields[i]) != row->lens[i] ||
            utf8_has_control(name, strlen(name))) {
            field_errors_add(ar, fe, "header", "column %d needs a name without control characters",
                             i + 1);
            continue;
        }
        for (k = 0; k < IMPORT__REQUIRED; k++)
            if (strcasecmp(name, import_required[k]) == 0)
                break;
        if (k < IMPORT__REQUIRED) {
            h->names[i] = import_required[k];
            if (h->col[k] >= 0)
                field_errors_add(ar, fe, "header", "the column '%s' appears twice",
                                 import_required[k]);
            h->col[k] = i;
            continue;
        }
        for (int j = 0; j < i; j++)
            if (strcmp(h->names[j], name) == 0)
                field_errors_add(ar, fe, "header", "the column '%s' appears twice", name);
    }
    for (int k = 0; k < IMPORT__REQUIRED; k++)
        if (h->col[k] < 0)
            field_errors_add(ar, fe, import_required[k],
                             "is a required column and missing from the header");
    return fe->n == before ? 0 : -1;
}

/* A required cell's problem, prefixed with its column; NULL when it is fine. */
static const char *cell_error(struct arena *ar, const char *col, const char *v,
                              const char *(*check)(const char *))
{
    const char *why;

    if (!*v)
        return arena_printf(ar, "%s: is required", col);
    why = check(v);
    return why ? arena_printf(ar, "%s: %s", col, why) : NULL;
}

const char *import_map_row(struct arena *ar, const struct import_header *h,
                           const struct import_row *row, struct import_record *rec)
{
    const char *why;
    size_t len;

    memset(rec, 0, sizeof(*rec));
    if (h->col[IMPORT_SKU_CODE] < row->n)
        rec->sku_code = row->fields[h->col[IMPORT_SKU_CODE]];
    if (row->error)
        return row->error;
    if (row->n != h->ncols)
        return arena_printf(ar, "has %d fields; the header has %d", row->n, h->ncols);
    for (int i = 0; i < row->n; i++)
        if (strlen(row->fields[i]) != row->lens[i])
            return arena_printf(ar, "%s: must not contain a NUL byte", h->names[i]);
    rec->product = row->fields[h->col[IMPORT_PRODUCT]];
    rec->manufacturer = row->fields[h->col[IMPORT_MANUFACTURER]];
    rec->category = row->fields[h->col[IMPORT_CATEGORY]];
    if ((why = cell_error(ar, "product", rec->product, product_check_name)) ||
        (why = cell_error(ar, "manufacturer", rec->manufacturer, org_check_name)) ||
        (why = cell_error(ar, "sku_code", rec->sku_code, sku_check_code)))
        return why;
    if (!*rec->category)
        rec->category = NULL;
    else if ((why = cell_error(ar, "category", rec->category, product_check_category)))
        return why;
    rec->attrs = json_arena_own(ar, json_object_new_object());
    for (int i = 0; i < row->n; i++) {
        int k;

        for (k = 0; k < IMPORT__REQUIRED; k++)
            if (h->col[k] == i)
                break;
        if (k == IMPORT__REQUIRED && row->lens[i])
            json_object_object_add(rec->attrs, h->names[i],
                                   json_object_new_string_len(row->fields[i], (int)row->lens[i]));
    }
    why = product_check_attrs(rec->attrs, &len);
    return why ? arena_printf(ar, "attributes: %s", why) : NULL;
}
