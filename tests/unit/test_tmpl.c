/* Unit tests for tmpl: every case of the Mustache specification files, and our own golden cases. */
#include "tmpl/tmpl.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "core/arena.h"
#include "core/sb.h"
#include "unit.h"

/* The suites the specification ships; when the directory is missing they are named as skipped. */
static const char *const spec_known[] = {
    "comments.json", "delimiters.json", "interpolation.json", "inverted.json",
    "partials.json", "sections.json",   "inheritance.json",
};

#define SPEC_MAX 32

static char spec_dir[1024];
static char spec_files[SPEC_MAX][128];
static int spec_nfiles;

/* ---- helpers --------------------------------------------------------------------------- */

static struct json_object *parse(const char *json)
{
    struct json_object *v = json_tokener_parse(json);

    ck_assert_msg(v != NULL || strcmp(json, "null") == 0, "bad test JSON: %s", json);
    return v;
}

/*
 * Renders the template "page" of a set made of the name/source pairs in
 * srcs (NULL-terminated) over data. Returns the tmpl code; out holds the page,
 * or the error message.
 */
static int render_set(const char *const *srcs, const char *data, char *out, size_t size)
{
    struct tmpl_set *set = tmpl_set_new();
    struct tmpl_error err = {""};
    struct json_object *v = parse(data);
    struct sb sb;
    int rc = 0;

    sb_init(&sb, NULL);
    for (int i = 0; srcs[i] && rc == 0; i += 2)
        rc = tmpl_set_add_string(set, srcs[i], srcs[i + 1], strlen(srcs[i + 1]), &err);
    if (rc == 0)
        rc = tmpl_render(tmpl_set_get(set, "page"), v, &sb, &err);
    snprintf(out, size, "%s", rc == 0 ? sb.buf : err.msg);
    sb_release(&sb);
    json_object_put(v);
    tmpl_set_free(set);
    return rc;
}

static int render_one(const char *src, const char *data, char *out, size_t size)
{
    const char *srcs[] = {"page", src, NULL};

    return render_set(srcs, data, out, size);
}

static void assert_renders(const char *src, const char *data, const char *want)
{
    char out[4096];
    int rc = render_one(src, data, out, sizeof(out));

    ck_assert_msg(rc == 0, "%s: %s", src, out);
    ck_assert_str_eq(out, want);
}

/* ---- the specification ----------------------------------------------------------------- */

static void quoted(struct sb *sb, const char *label, const char *s, size_t n)
{
    sb_printf(sb, "\n    %s: ", label);
    sb_add_json_str(sb, s, n);
}

/* One case: 0 when it renders expected; else appends why to report. */
static int spec_case(struct json_object *tc, struct sb *report)
{
    struct json_object *tpl, *want, *data = NULL, *partials = NULL;
    struct tmpl_set *set = tmpl_set_new();
    struct tmpl_error err = {""};
    struct sb out;
    struct tmpl *t;
    int rc = 0;

    sb_init(&out, NULL);
    ck_assert(json_object_object_get_ex(tc, "template", &tpl));
    ck_assert(json_object_object_get_ex(tc, "expected", &want));
    json_object_object_get_ex(tc, "data", &data);
    if (json_object_object_get_ex(tc, "partials", &partials)) {
        json_object_object_foreach(partials, name, src)
        {
            if (rc == 0)
                rc = tmpl_set_add_string(set, name, json_object_get_string(src),
                                         (size_t)json_object_get_string_len(src), &err);
        }
    }
    if (rc == 0) {
        t = tmpl_compile("(spec)", NULL, json_object_get_string(tpl),
                         (size_t)json_object_get_string_len(tpl), &err);
        rc = t ? tmpl_set_add(set, t, &err) : TMPL_ESYNTAX;
    }
    if (rc == 0)
        rc = tmpl_render(tmpl_set_get(set, "(spec)"), data, &out, &err);
    if (rc != 0) {
        sb_printf(report, "\n  %s: error %d: %s",
                  json_object_get_string(json_object_object_get(tc, "name")), rc, err.msg);
    } else if (out.len != (size_t)json_object_get_string_len(want) ||
               memcmp(out.buf, json_object_get_string(want), out.len) != 0) {
        sb_printf(report, "\n  %s:", json_object_get_string(json_object_object_get(tc, "name")));
        quoted(report, "template", json_object_get_string(tpl),
               (size_t)json_object_get_string_len(tpl));
        quoted(report, "expected", json_object_get_string(want),
               (size_t)json_object_get_string_len(want));
        quoted(report, "got     ", out.buf, out.len);
        rc = -1;
    }
    sb_release(&out);
    tmpl_set_free(set);
    return rc != 0;
}

START_TEST(test_spec_file)
{
    char path[sizeof(spec_dir) + sizeof(spec_files[0]) + 1];
    struct json_object *doc, *cases;
    struct sb report;
    size_t n, failed = 0;

    snprintf(path, sizeof(path), "%s/%s", spec_dir, spec_files[_i]);
    doc = json_object_from_file(path);
    ck_assert_msg(doc != NULL, "%s: cannot read it as JSON", path);
    ck_assert_msg(json_object_object_get_ex(doc, "tests", &cases) &&
                      json_object_is_type(cases, json_type_array),
                  "%s: no \"tests\" array", path);
    sb_init(&report, NULL);
    n = json_object_array_length(cases);
    for (size_t i = 0; i < n; i++)
        failed += (size_t)spec_case(json_object_array_get_idx(cases, i), &report);
    printf("tmpl spec %s: %zu/%zu passed\n", spec_files[_i], n - failed, n);
    if (failed)
        fprintf(stderr, "tmpl spec %s: failing cases:%s\n", spec_files[_i], report.buf);
    ck_assert_msg(failed == 0, "%s: %zu of %zu cases failed:%s", spec_files[_i], failed, n,
                  report.buf);
    sb_release(&report);
    json_object_put(doc);
}
END_TEST

static int spec_have(const char *name)
{
    for (int i = 0; i < spec_nfiles; i++)
        if (strcmp(spec_files[i], name) == 0)
            return 1;
    return 0;
}

static int spec_ci(void)
{
    const char *ci = getenv("CI");

    return ci && *ci && strcmp(ci, "0") != 0 && strcmp(ci, "false") != 0;
}

/* Suites the specification ships that are not here: a failure under CI, else skipped by name. */
START_TEST(test_spec_absent)
{
    char names[512] = "";

    for (size_t i = 0; i < sizeof(spec_known) / sizeof(spec_known[0]); i++) {
        if (spec_have(spec_known[i]))
            continue;
        if (!spec_ci())
            printf("tmpl spec %s: skipped, not in '%s' (set TRELLIS_MUSTACHE_SPEC)\n",
                   spec_known[i], spec_dir);
        strncat(names, " ", sizeof(names) - strlen(names) - 1);
        strncat(names, spec_known[i], sizeof(names) - strlen(names) - 1);
    }
    ck_assert_msg(!spec_ci(), "mustache spec suites missing from '%s' and CI is set:%s", spec_dir,
                  names);
}
END_TEST

static int cmp_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* The JSON files of the spec directory, sorted; 0 when there is none. */
static int spec_scan(void)
{
    const char *env = getenv("TRELLIS_MUSTACHE_SPEC");
    const char *src = getenv("TRELLIS_SRCDIR");
    struct dirent *de;
    DIR *d;

    if (env && *env)
        snprintf(spec_dir, sizeof(spec_dir), "%s", env);
    else
        snprintf(spec_dir, sizeof(spec_dir), "%s/../shared/specs/mustache", src ? src : ".");
    d = opendir(spec_dir);
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL && spec_nfiles < SPEC_MAX) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] != '.' && len > 5 && len < sizeof(spec_files[0]) &&
            strcmp(de->d_name + len - 5, ".json") == 0)
            memcpy(spec_files[spec_nfiles++], de->d_name, len + 1);
    }
    closedir(d);
    qsort(spec_files, (size_t)spec_nfiles, sizeof(spec_files[0]), cmp_name);
    return spec_nfiles;
}

/* ---- golden cases ---------------------------------------------------------------------- */

START_TEST(test_escaping)
{
    assert_renders("{{x}}|{{{x}}}|{{&x}}", "{\"x\": \"& < > \\\" '\"}",
                   "&amp; &lt; &gt; &quot; &#39;|& < > \" '|& < > \" '");
    assert_renders("{{#list}}{{.}}{{/list}}", "{\"list\": [\"<b>\", \"&amp;\"]}",
                   "&lt;b&gt;&amp;amp;");
}
END_TEST

/* The renderer's own test of which bytes need escaping agrees with sb_add_html(). */
START_TEST(test_escape_set)
{
    struct tmpl_error err = {""};
    struct tmpl *t = tmpl_compile("page", NULL, "[{{x}}]", 7, &err);
    struct sb want, got;

    ck_assert_ptr_nonnull(t);
    sb_init(&want, NULL);
    sb_init(&got, NULL);
    for (int c = 1; c < 128; c++) {
        char s[2] = {(char)c, '\0'};
        struct json_object *v = json_object_new_object();

        json_object_object_add(v, "x", json_object_new_string(s));
        sb_clear(&want);
        sb_clear(&got);
        sb_addc(&want, '[');
        sb_add_html(&want, s, 1);
        sb_addc(&want, ']');
        ck_assert_int_eq(tmpl_render(t, v, &got, &err), 0);
        ck_assert_msg(strcmp(got.buf, want.buf) == 0, "byte %d: %s, sb_add_html: %s", c, got.buf,
                      want.buf);
        json_object_put(v);
    }
    sb_release(&want);
    sb_release(&got);
    tmpl_free(t);
}
END_TEST

/* Rows whose keys come in another order, or are missing, or objects past the scanned size. */
START_TEST(test_lookup_shapes)
{
    struct sb big;

    assert_renders("{{#rows}}{{a}}{{b}}{{c.d}}|{{/rows}}",
                   "{\"a\": \"A\", \"b\": \"B\", \"rows\": [{\"a\": 1, \"b\": 2}, "
                   "{\"b\": 3, \"a\": 4, \"c\": {\"d\": 5}}, {\"z\": 0}, {\"b\": null}]}",
                   "12|435|AB|A|");
    sb_init(&big, NULL);
    sb_adds(&big, "{");
    for (int i = 0; i < 40; i++)
        sb_printf(&big, "%s\"k%d\": %d", i ? ", " : "", i, i);
    sb_adds(&big, ", \"o\": {\"k39\": \"inner\"}}");
    assert_renders("{{k0}} {{k23}} {{k24}} {{k39}} [{{k40}}] {{o.k39}} {{#o}}{{k39}} {{k38}}{{/o}}",
                   big.buf, "0 23 24 39 [] inner inner 38");
    sb_release(&big);
}
END_TEST

START_TEST(test_script_org)
{
    assert_renders("<td title=\"{{org.name}}\">{{org.name}}</td>",
                   "{\"org\": {\"name\": \"<script>alert(1)</script>\"}}",
                   "<td title=\"&lt;script&gt;alert(1)&lt;/script&gt;\">"
                   "&lt;script&gt;alert(1)&lt;/script&gt;</td>");
    /* Names as values are data too: a template never sees them as tags. */
    assert_renders("{{name}}", "{\"name\": \"{{secret}}\", \"secret\": \"x\"}", "{{secret}}");
}
END_TEST

START_TEST(test_values)
{
    struct json_object *v = json_object_new_object();
    struct tmpl_error err = {""};
    struct tmpl *t;
    struct sb sb;

    assert_renders("{{i}} {{neg}} {{d}} {{e3}} {{big}} {{t}} {{f}} [{{n}}] [{{missing}}]",
                   "{\"i\": 85, \"neg\": -7, \"d\": 1.21, \"e3\": 1e3, "
                   "\"big\": 12345678901234567890, \"t\": true, \"f\": false, \"n\": null}",
                   "85 -7 1.21 1e3 12345678901234567890 true false [] []");
    /* Falsy: missing, null, false, "", []; zero and {} are not. */
    assert_renders("{{#e}}E{{/e}}{{^e}}no-e{{/e}} {{#z}}zero{{/z}} {{#o}}obj{{/o}} "
                   "{{^l}}no-list{{/l}} {{^n}}no-null{{/n}}",
                   "{\"e\": \"\", \"z\": 0, \"o\": {}, \"l\": [], \"n\": null}",
                   "no-e zero obj no-list no-null");
    assert_renders("{{a}} {{{b}}}", "{\"a\": {\"k\": \"<\"}, \"b\": [1, 2]}",
                   "{&quot;k&quot;:&quot;&lt;&quot;} [1,2]");
    /* Doubles built in code print in the shortest form that reads back the same. */
    json_object_object_add(v, "a", json_object_new_double(0.1));
    json_object_object_add(v, "b", json_object_new_double(2.5));
    json_object_object_add(v, "c", json_object_new_double(3.0));
    json_object_object_add(v, "d", json_object_new_int64(INT64_MIN));
    t = tmpl_compile("page", NULL, "{{a}} {{b}} {{c}} {{d}}", 23, &err);
    ck_assert_ptr_nonnull(t);
    sb_init(&sb, NULL);
    ck_assert_int_eq(tmpl_render(t, v, &sb, &err), 0);
    ck_assert_str_eq(sb.buf, "0.1 2.5 3 -9223372036854775808");
    sb_release(&sb);
    tmpl_free(t);
    json_object_put(v);
}
END_TEST

static void assert_error(const char *src, const char *want)
{
    char out[1024];
    int rc = render_one(src, "{}", out, sizeof(out));

    ck_assert_msg(rc == TMPL_ESYNTAX, "'%s' compiled (%d)", src, rc);
    ck_assert_str_eq(out, want);
}

START_TEST(test_syntax_errors)
{
    struct tmpl_error err = {""};

    assert_error("a\n  {{#rows}}\nx\n", "page:2:3: unclosed section 'rows'");
    assert_error("<p>{{name</p>", "page:1:4: expected '}}'");
    assert_error("x {{{raw}}", "page:1:3: expected '}}}'");
    assert_error("{{#a}}\n  {{/b}}", "page:2:3: expected the end of section 'a' (1:1), found 'b'");
    assert_error("{{/a}}", "page:1:1: closing tag 'a' without an open section");
    assert_error("{{ }}", "page:1:1: expected a name");
    assert_error("{{first name}}", "page:1:1: expected '}}' after 'first'");
    assert_error("{{a..b}}", "page:1:1: expected a name, found 'a..b'");
    assert_error("{{=<% %>=}}\n<%x", "page:2:1: expected '%>'");
    assert_error("{{= x =}}", "page:1:1: expected two delimiters separated by a space");
    assert_error("{{=x y}}", "page:1:1: expected '=}}'");
    /* Columns count characters, not bytes. */
    assert_error("é {{^x}}", "page:1:3: unclosed inverted section 'x'");
    assert_error("{{<layout}}\n{{$main}}\n", "page:2:1: unclosed block 'main'");
    assert_error("{{<layout}}", "page:1:1: unclosed parent 'layout'");
    /* The file label is what the message names. */
    ck_assert_ptr_null(tmpl_compile("p", "templates/p.mustache", "\n\n    {{#x}}", 12, &err));
    ck_assert_str_eq(err.msg, "templates/p.mustache:3:5: unclosed section 'x'");
}
END_TEST

START_TEST(test_depth_limits)
{
    struct sb deep;
    char out[1024];
    const char *self[] = {"page", "{{>r}}", "r", "r{{>r}}", NULL};
    const char *sections[] = {"page", "{{>r}}", "r", "{{#a}}{{#a}}{{>r}}{{/a}}{{/a}}", NULL};
    const char *parents[] = {"page", "{{<p}}{{/p}}", "p", "{{<p}}{{$b}}x{{/b}}{{/p}}", NULL};
    const char *blocks[] = {"page", "{{<p}}{{$a}}{{$a}}x{{/a}}{{/a}}{{/p}}", "p", "{{$a}}{{/a}}",
                            NULL};
    int rc;

    /* 100 nested sections compile and render; 101 do not compile. */
    sb_init(&deep, NULL);
    for (int i = 0; i < TMPL_MAX_DEPTH; i++)
        sb_adds(&deep, "{{#a}}");
    sb_adds(&deep, "x");
    for (int i = 0; i < TMPL_MAX_DEPTH; i++)
        sb_adds(&deep, "{{/a}}");
    ck_assert_int_eq(render_one(deep.buf, "{\"a\": true}", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "x");
    sb_clear(&deep);
    for (int i = 0; i <= TMPL_MAX_DEPTH; i++)
        sb_adds(&deep, "{{#a}}");
    ck_assert_int_eq(render_one(deep.buf, "{}", out, sizeof(out)), TMPL_ESYNTAX);
    ck_assert_str_eq(out, "page:1:601: section 'a' nested deeper than 100");
    sb_release(&deep);

    /* A partial that includes itself stops at the limit, cleanly. */
    rc = render_set(self, "{}", out, sizeof(out));
    ck_assert_int_eq(rc, TMPL_ENEST);
    ck_assert_str_eq(out, "r:1:2: partial 'r' nested deeper than 64");
    rc = render_set(sections, "{\"a\": true}", out, sizeof(out));
    ck_assert_int_eq(rc, TMPL_EDEPTH);
    ck_assert_str_eq(out, "r:1:1: section 'a' nested deeper than 100");
    rc = render_set(parents, "{}", out, sizeof(out));
    ck_assert_int_eq(rc, TMPL_ENEST);
    ck_assert_str_eq(out, "p:1:1: parent 'p' nested deeper than 64");
    /* A block passed to itself. */
    rc = render_set(blocks, "{}", out, sizeof(out));
    ck_assert_int_eq(rc, TMPL_EDEPTH);
}
END_TEST

static const char layout[] = "<!doctype html>\n"
                             "<title>{{$title}}Trellis{{/title}}</title>\n"
                             "<body data-dashboard=\"{{$kind}}global{{/kind}}\">\n"
                             "  {{>nav}}\n"
                             "  <main>\n"
                             "    {{$main}}\n"
                             "    <p>nothing here</p>\n"
                             "    {{/main}}\n"
                             "  </main>\n"
                             "</body>\n";

START_TEST(test_layout_blocks)
{
    char out[4096];
    const char *srcs[] = {
        "layout",
        layout,
        "partials/nav",
        "<nav>{{#user}}{{name}}{{/user}}</nav>\n",
        "partials/table",
        "<table>\n{{#rows}}\n  <tr><td>{{name}}</td></tr>\n{{/rows}}\n</table>\n",
        "page",
        "{{! the dealer dashboard }}\n"
        "{{<layout}}\n"
        "{{$title}}Dealer — {{org}}{{/title}}\n"
        "{{$kind}}dealer{{/kind}}\n"
        "{{$main}}\n"
        "<h1>{{org}}</h1>\n"
        "{{>table}}\n"
        "{{/main}}\n"
        "{{/layout}}\n",
        NULL,
    };
    const char *global[] = {
        "layout", layout, "partials/nav", "<nav></nav>\n", "page", "{{<layout}}{{/layout}}\n",
        NULL};

    ck_assert_int_eq(render_set(srcs,
                                "{\"org\": \"A & B\", \"user\": {\"name\": \"Ann\"}, "
                                "\"rows\": [{\"name\": \"<x>\"}, {\"name\": \"y\"}]}",
                                out, sizeof(out)),
                     0);
    ck_assert_str_eq(out, "<!doctype html>\n"
                          "<title>Dealer — A &amp; B</title>\n"
                          "<body data-dashboard=\"dealer\">\n"
                          "  <nav>Ann</nav>\n"
                          "  <main>\n"
                          "    <h1>A &amp; B</h1>\n"
                          "    <table>\n"
                          "      <tr><td>&lt;x&gt;</td></tr>\n"
                          "      <tr><td>y</td></tr>\n"
                          "    </table>\n"
                          "  </main>\n"
                          "</body>\n");
    /* No override: the defaults, with their own indentation. */
    ck_assert_int_eq(render_set(global, "{}", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "<!doctype html>\n"
                          "<title>Trellis</title>\n"
                          "<body data-dashboard=\"global\">\n"
                          "  <nav></nav>\n"
                          "  <main>\n"
                          "    <p>nothing here</p>\n"
                          "  </main>\n"
                          "</body>\n");
}
END_TEST

START_TEST(test_partial_lookup)
{
    char out[256];
    const char *prefer[] = {"table",        "root", "partials/table", "partials", "page",
                            "[{{>table}}]", NULL};
    const char *missing[] = {"page", "a{{>nope}}b", NULL};
    struct tmpl_set *set = tmpl_set_new();
    struct tmpl_error err = {""};
    size_t iter = 0;
    const char *name;

    ck_assert_int_eq(render_set(prefer, "{}", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "[partials]");
    ck_assert_int_eq(render_set(missing, "{}", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "ab");

    ck_assert_int_eq(tmpl_set_add_string(set, "page", "{{>a}} {{<b}}{{/b}} {{>a}}", 26, &err), 0);
    ck_assert_int_eq(tmpl_set_check(set, &err), TMPL_ENOTFOUND);
    ck_assert_str_eq(err.msg, "page:1:1: partial 'a' names no template ('partials/a' or 'a')");
    name = tmpl_set_missing(set, &iter);
    ck_assert_str_eq(name, "a");
    name = tmpl_set_missing(set, &iter);
    ck_assert_str_eq(name, "b");
    name = tmpl_set_missing(set, &iter);
    ck_assert_str_eq(name, "a");
    ck_assert_ptr_null(tmpl_set_missing(set, &iter));
    ck_assert_int_eq(tmpl_set_add_string(set, "partials/a", "A", 1, &err), 0);
    ck_assert_int_eq(tmpl_set_add_string(set, "b", "B", 1, &err), 0);
    ck_assert_int_eq(tmpl_set_check(set, &err), 0);
    iter = 0;
    ck_assert_ptr_null(tmpl_set_missing(set, &iter));
    ck_assert_int_eq(tmpl_set_add_string(set, "b", "again", 5, &err), TMPL_EEXIST);
    ck_assert_str_eq(err.msg, "b: a template named 'b' already exists");
    tmpl_set_free(set);
}
END_TEST

START_TEST(test_indented_partials)
{
    const char *srcs[] = {"page", "<ul>\n  {{>items}}\n</ul>\n", "items",
                          "{{#items}}\n<li>{{.}}</li>\n\n{{/items}}\n", NULL};
    char out[256];

    /* Every line the partial renders is indented, each iteration too; data and empty lines
       are not. */
    ck_assert_int_eq(render_set(srcs, "{\"items\": [\"a\", \"b\\nc\"]}", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "<ul>\n  <li>a</li>\n\n  <li>b\nc</li>\n\n</ul>\n");
}
END_TEST

/* The same text under other indentation, or at another point of a line, is written anew. */
START_TEST(test_indent_repeats)
{
    const char *srcs[] = {"page", "{{#l}}\n  {{>p}}\n\t\t{{>p}}\n    {{>p}}\n{{>p}}\n{{/l}}", "p",
                          "a\nb{{x}}\n", NULL};
    const char *rows[] = {"page", "{{#l}}\n  {{>row}}\n{{/l}}\n", "row",
                          "<tr>\n  <td>{{.}}</td>\n</tr>\n", NULL};
    char out[512];

    ck_assert_int_eq(render_set(srcs, "{\"l\": [1, 2], \"x\": \"X\"}", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "  a\n  bX\n\t\ta\n\t\tbX\n    a\n    bX\na\nbX\n"
                          "  a\n  bX\n\t\ta\n\t\tbX\n    a\n    bX\na\nbX\n");
    ck_assert_int_eq(render_set(rows, "{\"l\": [1, 2, 3]}", out, sizeof(out)), 0);
    ck_assert_str_eq(out, "  <tr>\n    <td>1</td>\n  </tr>\n  <tr>\n    <td>2</td>\n  </tr>\n"
                          "  <tr>\n    <td>3</td>\n  </tr>\n");
}
END_TEST

START_TEST(test_output_limit)
{
    struct tmpl_error err = {""};
    struct tmpl *t = tmpl_compile("page", NULL, "{{#a}}0123456789{{/a}}", 22, &err);
    struct json_object *v = parse("{\"a\": [1, 2, 3, 4, 5]}");
    struct arena ar;
    struct sb sb;

    ck_assert_ptr_nonnull(t);
    arena_init(&ar, 0);
    sb_init(&sb, &ar);
    sb.limit = 25;
    ck_assert_int_eq(tmpl_render(t, v, &sb, &err), TMPL_EOUTPUT);
    ck_assert_str_eq(err.msg, "page: output: over the size limit");
    /* Into an arena, twice: the same page. */
    sb_init(&sb, &ar);
    ck_assert_int_eq(tmpl_render(t, v, &sb, &err), 0);
    ck_assert_int_eq(tmpl_render(t, v, &sb, &err), 0);
    ck_assert_uint_eq(sb.len, 100);
    arena_release(&ar);
    json_object_put(v);
    tmpl_free(t);
}
END_TEST

static void write_file(const char *dir, const char *rel, const char *text)
{
    char path[512];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    f = fopen(path, "w");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *dir, const char *rel)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    ck_assert_msg(remove(path) == 0, "%s: %s", path, strerror(errno));
}

START_TEST(test_load_dir)
{
    const char *tmp = getenv("TMPDIR");
    char dir[256], sub[400];
    struct tmpl_set *set = tmpl_set_new();
    struct tmpl_error err = {""};
    struct json_object *v = parse("{\"rows\": [{\"id\": 1}, {\"id\": 2}]}");
    struct sb sb;

    snprintf(dir, sizeof(dir), "%s/tmpl-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(sub, sizeof(sub), "%s/partials", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof(sub), "%s/dashboards", dir);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    write_file(dir, "layout.mustache", "<main>\n  {{$main}}\n  {{/main}}\n</main>\n");
    write_file(dir, "partials/table.mustache", "{{#rows}}\n<tr>{{id}}</tr>\n{{/rows}}\n");
    write_file(dir, "dashboards/dealer.mustache",
               "{{<layout}}\n{{$main}}\n<table>\n  {{>table}}\n</table>\n{{/main}}\n{{/layout}}\n");
    write_file(dir, "notes.txt", "not a template");
    write_file(dir, ".hidden.mustache", "{{#broken");

    ck_assert_msg(tmpl_set_load_dir(set, dir, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(tmpl_set_check(set, &err), 0);
    ck_assert_ptr_nonnull(tmpl_set_get(set, "partials/table"));
    ck_assert_ptr_nonnull(tmpl_set_get(set, "layout"));
    ck_assert_ptr_null(tmpl_set_get(set, "notes"));
    ck_assert_ptr_null(tmpl_set_get(set, ".hidden"));
    ck_assert_str_eq(tmpl_name(tmpl_set_get(set, "dashboards/dealer")), "dashboards/dealer");
    sb_init(&sb, NULL);
    ck_assert_int_eq(tmpl_render(tmpl_set_get(set, "dashboards/dealer"), v, &sb, &err), 0);
    ck_assert_str_eq(sb.buf,
                     "<main>\n  <table>\n    <tr>1</tr>\n    <tr>2</tr>\n  </table>\n</main>\n");
    sb_release(&sb);
    tmpl_set_free(set);

    /* A syntax error stops the load and names the file. */
    write_file(dir, "dashboards/bad.mustache", "<h1>\n{{#rows}}\n</h1>\n");
    set = tmpl_set_new();
    ck_assert_int_eq(tmpl_set_load_dir(set, dir, &err), TMPL_ESYNTAX);
    snprintf(sub, sizeof(sub), "%s/dashboards/bad.mustache:2:1: unclosed section 'rows'", dir);
    ck_assert_str_eq(err.msg, sub);
    tmpl_set_free(set);
    set = tmpl_set_new();
    snprintf(sub, sizeof(sub), "%s/nope", dir);
    ck_assert_int_eq(tmpl_set_load_dir(set, sub, &err), TMPL_EIO);
    tmpl_set_free(set);

    remove_file(dir, "dashboards/bad.mustache");
    remove_file(dir, "dashboards/dealer.mustache");
    remove_file(dir, "partials/table.mustache");
    remove_file(dir, "layout.mustache");
    remove_file(dir, "notes.txt");
    remove_file(dir, ".hidden.mustache");
    remove_file(dir, "dashboards");
    remove_file(dir, "partials");
    ck_assert_int_eq(rmdir(dir), 0);
    json_object_put(v);
}
END_TEST

Suite *tmpl_suite(void)
{
    Suite *s = suite_create("tmpl");
    TCase *spec = tcase_create("spec");
    TCase *own = tcase_create("golden");

    if (spec_scan() > 0)
        tcase_add_loop_test(spec, test_spec_file, 0, spec_nfiles);
    for (size_t i = 0; i < sizeof(spec_known) / sizeof(spec_known[0]); i++) {
        if (!spec_have(spec_known[i])) {
            tcase_add_test(spec, test_spec_absent);
            break;
        }
    }
    suite_add_tcase(s, spec);
    tcase_add_test(own, test_escaping);
    tcase_add_test(own, test_escape_set);
    tcase_add_test(own, test_lookup_shapes);
    tcase_add_test(own, test_script_org);
    tcase_add_test(own, test_values);
    tcase_add_test(own, test_syntax_errors);
    tcase_add_test(own, test_depth_limits);
    tcase_add_test(own, test_layout_blocks);
    tcase_add_test(own, test_partial_lookup);
    tcase_add_test(own, test_indented_partials);
    tcase_add_test(own, test_indent_repeats);
    tcase_add_test(own, test_output_limit);
    tcase_add_test(own, test_load_dir);
    suite_add_tcase(s, own);
    return s;
}
