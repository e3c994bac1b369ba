/* Strict JSON parsing on top of json-c, and typed field readers reporting by name. */
#include "core/json.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <json-c/printbuf.h>

#include "core/arena.h"
#include "core/utf8.h"

#define JSON_DEFAULT_MAX_LEN 1000
#define JSON_DECIMAL_MAX     40

static void json_msg(char *msg, size_t msglen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void json_msg(char *msg, size_t msglen, const char *fmt, ...)
{
    va_list ap;

    if (!msg || !msglen)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
}

static int json_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int json_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int json_hex(unsigned char c)
{
    return json_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The value of the four hex digits at s (checked by the caller). */
static unsigned json_hex4(const unsigned char *s)
{
    unsigned v = 0;

    for (int k = 0; k < 4; k++)
        v = v << 4 | (unsigned)(json_digit(s[k]) ? s[k] - '0' : (s[k] | 0x20) - 'a' + 10);
    return v;
}

/* Whether the integer digits d[0..n) (no sign) fit: json-c saturates silently
   past int64 (negative) and uint64 (positive). */
static int json_int_fits(const unsigned char *d, size_t n, int neg)
{
    const char *max = neg ? "9223372036854775808" : "18446744073709551615";
    size_t maxlen = strlen(max);

    if (n != maxlen)
        return n < maxlen;
    return memcmp(d, max, n) <= 0;
}

/* The members of each object, in the order the objects open: json-c keeps the last of
   two members with one name, so a count above what it kept finds a duplicate. */
struct json_shape {
    struct arena *ar;
    size_t n, cap;
    size_t *members, *offset;
};

/* A new object opening at offset at: its index. */
static size_t shape_open(struct json_shape *sh, size_t at)
{
    if (sh->n == sh->cap) {
        size_t cap = sh->cap ? sh->cap * 2 : 16;
        size_t *m = arena_alloc(sh->ar, cap * sizeof(*m)),
               *o = arena_alloc(sh->ar, cap * sizeof(*o));
        if (sh->n) {
            memcpy(m, sh->members, sh->n * sizeof(*m));
            memcpy(o, sh->offset, sh->n * sizeof(*o));
        }
        sh->members = m;
        sh->offset = o;
        sh->cap = cap;
    }
    sh->members[sh->n] = 0;
    sh->offset[sh->n] = at;
    return sh->n++;
}

/*
 * json-c 0.16, even with JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8,
 * accepts NaN, Infinity, "1.", single-quoted keys, raw control characters in
 * strings, overlong and surrogate UTF-8, and saturates integers it cannot
 * hold; its depth counts a scalar as a level. This scan holds every token to
 * RFC 8259 and counts container depth; the structure is json-c's to check.
 * On an error, *at is its offset.
 */
static int json_lex(const unsigned char *s, size_t n, size_t *at, char *msg, size_t msglen,
                    struct json_shape *sh)
{
    /* with sh, the object open at each depth (SIZE_MAX: an array) */
    size_t i = 0, depth = 0, open[JSON_MAX_DEPTH + 1];

    while (i < n) {
        unsigned char c = s[i];
        size_t start = i;

        *at = i;
        if (c == '{' || c == '[') {
            if (++depth > JSON_MAX_DEPTH) {
                json_msg(msg, msglen, "nesting deeper than %d", JSON_MAX_DEPTH);
                return JSON_EDEPTH;
            }
            if (sh)
                open[depth] = c == '{' ? shape_open(sh, i) : SIZE_MAX;
            i++;
        } else if (c == '}' || c == ']') {
            if (depth)
                depth--;
            i++;
        } else if (json_ws(c) || c == ',' || c == ':') {
            /* json-c has checked the structure: a colon ends a member's name */
            if (sh && c == ':' && depth && open[depth] != SIZE_MAX)
                sh->members[open[depth]]++;
            i++;
        } else if (c == '"') {
            for (i++;;) {
                if (i >= n) {
                    *at = n;
                    json_msg(msg, msglen, "truncated");
                    return JSON_ESYNTAX;
                }
                c = s[i];
                if (c == '"') {
                    i++;
                    break;
                }
                if (c < 0x20) {
                    *at = i;
                    json_msg(msg, msglen, "control character in string at offset %zu", i);
                    return JSON_ESYNTAX;
                }
                if (c == '\\') {
                    if (i + 1 >= n || !s[i + 1] || !strchr("\"\\/bfnrtu", s[i + 1]))
                        goto syntax;
                    if (s[i + 1] != 'u') {
                        i += 2;
                        continue;
                    }
                    if (n - i < 6)
                        goto syntax;
                    for (size_t k = 2; k < 6; k++)
                        if (!json_hex(s[i + k]))
                            goto syntax;
                    /* C strings end at the first NUL: refuse to build one with a hidden tail. */
                    if (memcmp(s + i + 2, "0000", 4) == 0) {
                        *at = i;
                        json_msg(msg, msglen, "\\u0000 in string at offset %zu", i);
                        return JSON_ESYNTAX;
                    }
                    /* a surrogate only as a pair (I-JSON): json-c would store U+FFFD */
                    unsigned u = json_hex4(s + i + 2), lo = 0;
                    if (u >= 0xd800 && u <= 0xdbff && n - i >= 12 && s[i + 6] == '\\' &&
                        s[i + 7] == 'u' && json_hex(s[i + 8]) && json_hex(s[i + 9]) &&
                        json_hex(s[i + 10]) && json_hex(s[i + 11]))
                        lo = json_hex4(s + i + 8);
                    if ((u >= 0xd800 && u <= 0xdbff && !(lo >= 0xdc00 && lo <= 0xdfff)) ||
                        (u >= 0xdc00 && u <= 0xdfff)) {
                        *at = i;
                        json_msg(msg, msglen, "lone surrogate in string at offset %zu", i);
                        return JSON_ESYNTAX;
                    }
                    i += lo ? 12 : 6;
                    continue;
                }
                size_t k = utf8_len(s + i, n - i);
                if (!k) {
                    *at = i;
                    json_msg(msg, msglen, "invalid utf-8 at offset %zu", i);
                    return JSON_EUTF8;
                }
                i += k;
            }
        } else if (c == '-' || json_digit(c)) {
            int neg = c == '-', integer = 1;
            size_t d0;

            if (neg)
                i++;
            d0 = i;
            if (i < n && s[i] == '0')
                i++;
            else if (i < n && json_digit(s[i]))
                while (i < n && json_digit(s[i]))
                    i++;
            else
                goto number;
            if (i < n && s[i] == '.') {
                integer = 0;
                if (++i >= n || !json_digit(s[i]))
                    goto number;
                while (i < n && json_digit(s[i]))
                    i++;
            }
            if (i < n && (s[i] == 'e' || s[i] == 'E')) {
                integer = 0;
                if (++i < n && (s[i] == '+' || s[i] == '-'))
                    i++;
                if (i >= n || !json_digit(s[i]))
                    goto number;
                while (i < n && json_digit(s[i]))
                    i++;
            }
            /* "01", "1.5.3": the number has to end here. */
            if (i < n && (json_digit(s[i]) || s[i] == '.' || s[i] == 'e' || s[i] == 'E'))
                goto number;
            if (integer && !json_int_fits(s + d0, i - d0, neg)) {
                json_msg(msg, msglen, "integer out of range at offset %zu", start);
                return JSON_ESYNTAX;
            }
        } else {
            static const char *const lits[] = {"true", "false", "null"};
            size_t k;

            for (k = 0; k < 3; k++) {
                size_t l = strlen(lits[k]);
                if (n - i >= l && memcmp(s + i, lits[k], l) == 0) {
                    i += l;
                    break;
                }
                if (n - i < l && memcmp(s + i, lits[k], n - i) == 0) {
                    *at = n;
                    json_msg(msg, msglen, "truncated");
                    return JSON_ESYNTAX;
                }
            }
            if (k == 3)
                goto syntax;
        }
        continue;
    number:
        json_msg(msg, msglen, "invalid number at offset %zu", start);
        return JSON_ESYNTAX;
    syntax:
        *at = i;
        if (!utf8_len(s + i, n - i)) {
            json_msg(msg, msglen, "invalid utf-8 at offset %zu", i);
            return JSON_EUTF8;
        }
        json_msg(msg, msglen, "unexpected character at offset %zu", i);
        return JSON_ESYNTAX;
    }
    return JSON_OK;
}

static void json_put(void *obj)
{
    json_object_put(obj);
}

const char *json_text(struct arena *ar, struct json_object *obj)
{
    return arena_strdup(ar, json_object_to_json_string_ext(
                                obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int raw_text(struct json_object *o, struct printbuf *pb, int level, int flags)
{
    const char *text = json_object_get_userdata(o);

    (void)level;
    (void)flags;
    return printbuf_memappend(pb, text, (int)strlen(text));
}

struct json_object *json_raw(const char *text)
{
    struct json_object *o = json_object_new_object();

    json_object_set_serializer(o, raw_text, (void *)text, NULL);
    return o;
}

struct json_object *json_arena_own(struct arena *ar, struct json_object *obj)
{
    if (obj)
        arena_defer(ar, json_put, obj);
    return obj;
}

/* The first object, in the order they open, holding fewer members than its text names
   (two with one name), or SIZE_MAX. *k counts the objects walked. */
static size_t json_dup_members(struct json_object *o, const struct json_shape *sh, size_t *k)
{
    size_t found = SIZE_MAX;

    if (json_object_is_type(o, json_type_object)) {
        size_t idx = (*k)++;
        if (idx >= sh->n)
            return SIZE_MAX;
        if ((size_t)json_object_object_length(o) != sh->members[idx])
            return idx;
        json_object_object_foreach(o, key, val)
        {
            (void)key;
            if ((found = json_dup_members(val, sh, k)) != SIZE_MAX)
                return found;
        }
    } else if (json_object_is_type(o, json_type_array)) {
        size_t len = json_object_array_length(o);
        for (size_t j = 0; j < len && found == SIZE_MAX; j++)
            found = json_dup_members(json_object_array_get_idx(o, j), sh, k);
    }
    return found;
}

int json_parse(struct arena *ar, const char *buf, size_t len, struct json_object **out, char *msg,
               size_t msglen)
{
    const unsigned char *s = (const unsigned char *)buf;
    struct json_tokener *tok;
    struct json_object *obj;
    enum json_tokener_error jerr;
    const char *nul;
    struct json_shape shape = {.ar = ar};
    size_t i, end, at, k;
    int rc;

    *out = NULL;
    if (msg && msglen)
        msg[0] = '\0';
    for (i = 0; i < len && json_ws(s[i]); i++)
        ;
    if (i == len) {
        json_msg(msg, msglen, "empty body");
        return JSON_EEMPTY;
    }
    if (len > INT_MAX) {
        json_msg(msg, msglen, "body too large");
        return JSON_ESYNTAX;
    }
    /* json-c stops at a NUL and would call the document truncated. */
    nul = memchr(buf, '\0', len);
    if (nul) {
        json_msg(msg, msglen, "nul byte at offset %zu", (size_t)(nul - buf));
        return JSON_ESYNTAX;
    }

    /* json-c counts the scalar inside 64 containers as level 65; json_lex
       holds containers to 64. */
    tok = json_tokener_new_ex(JSON_MAX_DEPTH + 1);
    if (!tok) {
        /* As arena_alloc: the master respawns the worker. */
        fputs("json: out of memory\n", stderr);
        abort();
    }
    /* Trailing characters are allowed here only to tell them apart from bad syntax. */
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
                                    JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, buf, (int)len);
    jerr = json_tokener_get_error(tok);
    end = json_tokener_get_parse_end(tok);
    if (!obj && jerr == json_tokener_continue) {
        /* A top-level number or literal ends only at a terminator: feed the NUL. */
        obj = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
        end = len;
    }
    json_tokener_free(tok);

    /* A document that is just null parses to NULL with success. */
    if (!obj && jerr != json_tokener_success) {
        if (jerr == json_tokener_error_depth) {
            json_msg(msg, msglen, "nesting deeper than %d", JSON_MAX_DEPTH);
            return JSON_EDEPTH;
        }
        /* A bad token at or before where json-c gave up says more than json-c does. */
        rc = json_lex(s, len, &at, msg, msglen, NULL);
        if (rc != JSON_OK && at <= end)
            return rc;
        switch (jerr) {
        case json_tokener_continue:
        case json_tokener_error_parse_eof:
            json_msg(msg, msglen, "truncated");
            return JSON_ESYNTAX;
        case json_tokener_error_parse_utf8_string:
            json_msg(msg, msglen, "invalid utf-8 at offset %zu", end);
            return JSON_EUTF8;
        default:
            json_msg(msg, msglen, "%s at offset %zu", json_tokener_error_desc(jerr), end);
            return JSON_ESYNTAX;
        }
    }

    rc = json_lex(s, end, &at, msg, msglen, &shape);
    if (rc == JSON_OK && (k = json_dup_members(obj, &shape, &(size_t){0})) != SIZE_MAX) {
        json_msg(msg, msglen, "duplicate member name in the object at offset %zu", shape.offset[k]);
        rc = JSON_ESYNTAX;
    }
    if (rc == JSON_OK) {
        for (i = end; i < len && json_ws(s[i]); i++)
            ;
        if (i < len) {
            json_msg(msg, msglen, "unexpected data after the value at offset %zu", i);
            rc = JSON_ETRAILING;
        }
    }
    if (rc != JSON_OK) {
        json_object_put(obj);
        return rc;
    }
    *out = json_arena_own(ar, obj);
    return JSON_OK;
}

void field_errors_add(struct arena *ar, struct field_errors *fe, const char *field, const char *fmt,
                      ...)
{
    va_list ap;

    if (fe->n == fe->cap) {
        size_t cap = fe->cap ? fe->cap * 2 : 8;
        struct field_error *v = arena_alloc(ar, cap * sizeof(*v));
        if (fe->n)
            memcpy(v, fe->v, fe->n * sizeof(*v));
        fe->v = v;
        fe->cap = cap;
    }
    fe->v[fe->n].field = arena_strdup(ar, field);
    va_start(ap, fmt);
    fe->v[fe->n].message = arena_vprintf(ar, fmt, ap);
    va_end(ap);
    fe->n++;
}

/* -?digits(.digits)? */
static int json_is_decimal(const char *s, size_t n)
{
    size_t i = 0, d;

    if (n == 0 || n > JSON_DECIMAL_MAX)
        return 0;
    if (s[i] == '-')
        i++;
    for (d = i; i < n && json_digit((unsigned char)s[i]); i++)
        ;
    if (i == d)
        return 0;
    if (i == n)
        return 1;
    if (s[i++] != '.')
        return 0;
    for (d = i; i < n && json_digit((unsigned char)s[i]); i++)
        ;
    return i > d && i == n;
}

/* json-c keeps integers past INT64_MAX (up to UINT64_MAX) as unsigned. */
static int json_int_is_u64(struct json_object *v)
{
    return json_object_get_int64(v) == INT64_MAX && json_object_get_uint64(v) > (uint64_t)INT64_MAX;
}

/* Stores v into f->out; 0, or -1 after adding the error. */
static int json_read_one(struct arena *ar, const struct jfield *f, struct json_object *v,
                         struct field_errors *fe)
{
    enum json_type t = json_object_get_type(v);

    switch (f->type) {
    case JF_STRING: {
        size_t max = f->max_len ? f->max_len : JSON_DEFAULT_MAX_LEN;
        size_t len;
        char *p;

        if (t != json_type_string) {
            field_errors_add(ar, fe, f->name, "must be a string");
            return -1;
        }
        len = (size_t)json_object_get_string_len(v);
        if (len > max) {
            field_errors_add(ar, fe, f->name, "must be at most %zu bytes", max);
            return -1;
        }
        p = arena_alloc(ar, len + 1);
        memcpy(p, json_object_get_string(v), len);
        p[len] = '\0';
        *(const char **)f->out = p;
        return 0;
    }
    case JF_INT:
        if (t != json_type_int) {
            field_errors_add(ar, fe, f->name, "must be an integer");
            return -1;
        }
        if (json_int_is_u64(v)) {
            field_errors_add(ar, fe, f->name, "must be an integer of at most %" PRId64, INT64_MAX);
            return -1;
        }
        /* INT64_MIN is what callers keep for "null" (JF_NULLABLE): a client cannot send it */
        if (json_object_get_int64(v) == INT64_MIN) {
            field_errors_add(ar, fe, f->name, "must be an integer of at least %" PRId64,
                             -INT64_MAX);
            return -1;
        }
        *(int64_t *)f->out = json_object_get_int64(v);
        return 0;
    case JF_BOOL:
        if (t != json_type_boolean) {
            field_errors_add(ar, fe, f->name, "must be a boolean");
            return -1;
        }
        *(int *)f->out = json_object_get_boolean(v) ? 1 : 0;
        return 0;
    case JF_DECIMAL:
        if (t == json_type_int) {
            if (json_int_is_u64(v))
                *(const char **)f->out = arena_printf(ar, "%" PRIu64, json_object_get_uint64(v));
            else
                *(const char **)f->out = arena_printf(ar, "%" PRId64, json_object_get_int64(v));
            return 0;
        }
        if (t != json_type_string ||
            !json_is_decimal(json_object_get_string(v), (size_t)json_object_get_string_len(v))) {
            field_errors_add(ar, fe, f->name, "must be a decimal string");
            return -1;
        }
        *(const char **)f->out = arena_strdup(ar, json_object_get_string(v));
        return 0;
    case JF_OBJECT:
        if (t != json_type_object) {
            field_errors_add(ar, fe, f->name, "must be an object");
            return -1;
        }
        break;
    case JF_ARRAY:
        if (t != json_type_array) {
            field_errors_add(ar, fe, f->name, "must be an array");
            return -1;
        }
        break;
    case JF_ANY:
        break;
    }
    *(struct json_object **)f->out = v;
    return 0;
}

int json_read_fields(struct arena *ar, struct json_object *obj, const struct jfield *fields,
                     size_t nfields, struct field_errors *fe)
{
    size_t before = fe->n, i;

    for (i = 0; i < nfields; i++)
        if (fields[i].present)
            *fields[i].present = 0;
    if (!json_object_is_type(obj, json_type_object)) {
        /* "" is the JSON Pointer of the whole document. */
        field_errors_add(ar, fe, "", "must be an object");
        return -1;
    }
    for (i = 0; i < nfields; i++) {
        const struct jfield *f = &fields[i];
        struct json_object *v;

        if (!json_object_object_get_ex(obj, f->name, &v)) {
            if (f->flags & JF_REQUIRED)
                field_errors_add(ar, fe, f->name, "is required");
            continue;
        }
        if (!v && (f->flags & JF_NULLABLE)) {
            if (f->present)
                *f->present = 1;
            continue;
        }
        if (json_read_one(ar, f, v, fe) == 0 && f->present)
            *f->present = 1;
    }
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        for (i = 0; i < nfields; i++)
            if (strcmp(fields[i].name, key) == 0)
                break;
        if (i == nfields)
            field_errors_add(ar, fe, key, "is not a known field");
    }
    return fe->n == before ? 0 : -1;
}

const char *json_str_field(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;

    return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : NULL;
}

struct json_object *json_stored(struct arena *ar, const char *text, size_t len,
                                struct json_object *fallback)
{
    struct json_object *o = NULL;

    if (!text || json_parse(ar, text, len, &o, NULL, 0) != JSON_OK || !o)
        return fallback;
    json_object_put(fallback);
    return json_object_get(o);
}
