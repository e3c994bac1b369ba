/* The SKU import's pure part: CSV (libcsv) into rows, the header, and a row into a record. */
#ifndef CATALOG_IMPORT_H
#define CATALOG_IMPORT_H

#include <stddef.h>

/*
 * Everything returned here lives in the arena passed in (json-c trees are handed to it with
 * json_arena_own); nothing needs free().
 */
struct arena;
struct field_errors;
struct json_object;

#define IMPORT_MAX_ROWS 10000 /* data rows, the header not counted */

/* One CSV record. error is set (and fields may be partial) when the record is malformed. */
struct import_row {
    int n;               /* fields */
    const char **fields; /* NUL-terminated copies */
    const size_t *lens;
    const char *error;
};

struct import_file {
    struct import_row header;
    struct import_row *rows; /* data rows, rows[0] is data row 1 */
    int nrows;
    int too_many; /* more than IMPORT_MAX_ROWS data rows: rows holds the first ones */
};

/*
 * Parses body[0..len) as CSV (RFC 4180: comma, double quotes, CRLF or LF; a UTF-8 BOM is
 * skipped; blank lines are skipped; spaces around unquoted fields are dropped). A record
 * with broken quoting gets error and parsing resumes on the next line; an unterminated
 * quoted field is its record's error. Returns 0, or -1 when the body is not UTF-8 (*bad
 * gets the byte offset) or has no header record.
 */
int import_parse(struct arena *ar, const char *body, size_t len, struct import_file *out,
                 size_t *bad);

/* The required columns, in the order of import_header.col[]. */
enum { IMPORT_PRODUCT, IMPORT_MANUFACTURER, IMPORT_SKU_CODE, IMPORT_CATEGORY, IMPORT__REQUIRED };
extern const char *const import_required[];

struct import_header {
    int ncols;
    const char **names;        /* trimmed; attribute names for the other columns */
    int col[IMPORT__REQUIRED]; /* index of each required column */
};

/*
 * Reads the header record: names are trimmed of spaces and compared without regard to
 * case for the required ones. Returns 0, or -1 after adding to fe one error per missing
 * required column (field: its name) and per empty or repeated name (field: "header").
 */
int import_header_read(struct arena *ar, const struct import_row *row, struct import_header *h,
                       struct field_errors *fe);

/* What one data row asks for. category is NULL when the cell is empty. */
struct import_record {
    const char *product, *manufacturer, *sku_code, *category;
    struct json_object *attrs; /* the other columns' non-empty cells, as strings */
};

/*
 * Maps a data row to a record, checking every cell (product: a product name, manufacturer:
 * not empty, sku_code: sku_check_code, category: a category or empty, attributes: no NUL
 * byte, all of them within the attrs limits). Returns NULL, or the reason the row is
 * refused, starting with the column it is about ("sku_code: must ..."). rec->sku_code is
 * set whenever the row has that column.
 */
const char *import_map_row(struct arena *ar, const struct import_header *h,
                           const struct import_row *row, struct import_record *rec);

#endif
