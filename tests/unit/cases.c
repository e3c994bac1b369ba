/* What the suites driven by a case file share: finding it, reading it, its table in a doc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "unit.h"

const char *unit_srcdir(void)
{
    const char *d = getenv("TRELLIS_SRCDIR");

    return d ? d : ".";
}

struct json_object *unit_field(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;

    json_object_object_get_ex(o, key, &v);
    return v;
}

const char *unit_jstr(struct arena *ar, struct json_object *o, const char *key)
{
    struct json_object *v = unit_field(o, key);

    return v && json_object_is_type(v, json_type_string)
               ? arena_strdup(ar, json_object_get_string(v))
               : NULL;
}

int64_t unit_jint(struct json_object *o, const char *key)
{
    struct json_object *v = unit_field(o, key);

    return v ? json_object_get_int64(v) : 0;
}

struct json_object *unit_load_json(const char *rel)
{
    char path[4096];
    struct json_object *doc;

    snprintf(path, sizeof(path), "%s/%s", unit_srcdir(), rel);
    doc = json_object_from_file(path);
    ck_assert_msg(doc != NULL, "cannot read %s", path);
    return doc;
}

void unit_doc_matches(const char *doc, const char *marker, const char *data,
                      struct json_object *cases, unit_doc_row_fn *row)
{
    size_t n = json_object_array_length(cases), rows = 0, mlen = strlen(marker);
    char path[4096], line[4096];
    int inside = 0;
    struct arena ar;
    FILE *f;

    arena_init(&ar, 0);
    snprintf(path, sizeof(path), "%s/%s", unit_srcdir(), doc);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    while (fgets(line, sizeof(line), f)) {
        unsigned long k;
        const char *want;

        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "<!-- ", 5) == 0 && strncmp(line + 5, marker, mlen) == 0)
            inside = 1;
        if (strncmp(line, "<!-- end of ", 12) == 0 && strncmp(line + 12, marker, mlen) == 0)
            inside = 0;
        if (!inside || strncmp(line, "| ", 2) != 0 || line[2] < '0' || line[2] > '9')
            continue;
        k = strtoul(line + 2, NULL, 10);
        ck_assert_msg(k == rows + 1, "%s: row %lu where %zu belongs", doc, k, rows + 1);
        ck_assert_msg(rows < n, "%s: row %lu is not in the data file", doc, k);
        want = row(&ar, rows + 1, json_object_array_get_idx(cases, rows));
        ck_assert_msg(strcmp(line, want) == 0, "%s and %s disagree:\n  doc:  %s\n  data: %s", doc,
                      data, line, want);
        rows++;
    }
    fclose(f);
    if (rows < n)
        ck_abort_msg("%s has %zu rows, the data file %zu; the next one is:\n%s", doc, rows, n,
                     row(&ar, rows + 1, json_object_array_get_idx(cases, rows)));
    arena_release(&ar);
}
