/* JSON input with limits (json-c) and typed field readers that report by name. */
#ifndef CORE_JSON_H
#define CORE_JSON_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct json_object;

#define JSON_MAX_DEPTH 64

enum {
    JSON_OK = 0,
    JSON_ESYNTAX = -1,   /* not JSON, truncated */
    JSON_EUTF8 = -2,     /* invalid UTF-8 */
    JSON_EDEPTH = -3,    /* nesting deeper than JSON_MAX_DEPTH */
    JSON_ETRAILING = -4, /* something after the value */
    JSON_EEMPTY = -5,    /* empty body */
};

/*
 * Parses buf[0..len) strictly. On success *out is owned by the arena (put
 * with arena_defer, released at reset). On failure returns a JSON_E* code and
 * writes a short lower-case reason in msg.
 */
int json_parse(struct arena *ar, const char *buf, size_t len, struct json_object **out, char *msg,
               size_t msglen);

/*
 * JSON text kept in the database back to a tree, parsed as deep as a body may be: a
 * reference the caller owns to the arena's tree; or, when text is NULL or does not parse,
 * fallback (which may be NULL). fallback is released when it is not returned.
 */
struct json_object *json_stored(struct arena *ar, const char *text, size_t len,
                                struct json_object *fallback);

/*
 * An object that serialises as text, verbatim (a new reference): JSON this program wrote and
 * the database kept, sent on without parsing it again. text must be valid JSON and outlive
 * every serialisation; the object has no members to read.
 */
struct json_object *json_raw(const char *text);

/* Hands obj to the arena: json_object_put at reset. Returns obj. */
struct json_object *json_arena_own(struct arena *ar, struct json_object *obj);

/* o's member key when it is a string, else NULL (also when o is NULL). */
const char *json_str_field(struct json_object *o, const char *key);

/* obj serialised compactly (no escaped slashes) into an arena string. */
const char *json_text(struct arena *ar, struct json_object *obj);

/* A field error for problem+json `errors: [{field, message}]`. */
struct field_error {
    const char *field;
    const char *message;
};

struct field_errors {
    struct field_error *v; /* arena */
    size_t n, cap;
};

void field_errors_add(struct arena *ar, struct field_errors *fe, const char *field, const char *fmt,
                      ...) __attribute__((format(printf, 4, 5)));

enum jf_type {
    JF_STRING,  /* const char **, arena copy */
    JF_INT,     /* int64_t *: a JSON integer */
    JF_BOOL,    /* int * */
    JF_DECIMAL, /* const char **: a decimal string like "950.00" (or a JSON integer) */
    JF_OBJECT,  /* struct json_object **: borrowed from the parsed tree */
    JF_ARRAY,   /* struct json_object ** */
    JF_ANY,     /* struct json_object ** */
};

enum { JF_REQUIRED = 1 << 0, JF_NULLABLE = 1 << 1 };

struct jfield {
    const char *name;
    enum jf_type type;
    unsigned flags;
    void *out;      /* written only when the field is present and valid */
    int *present;   /* optional: set to 1 when present (also when null) */
    size_t max_len; /* JF_STRING: 0 means 1000 bytes */
};

/*
 * Reads obj (must be a JSON object) into the outputs described by fields.
 * Every missing required field, wrong type, over-long string and unknown
 * field is added to fe by name. Returns 0 when fe gained nothing, else -1.
 */
int json_read_fields(struct arena *ar, struct json_object *obj, const struct jfield *fields,
                     size_t nfields, struct field_errors *fe);

#endif
