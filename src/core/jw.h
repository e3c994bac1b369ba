/*
 * JSON written straight into a string builder: for large answers built on every request
 * (a price's provenance), where a json-c tree would cost a malloc and a free per value.
 * The writer puts the commas and the keys; strings are escaped as sb_add_json_str does.
 */
#ifndef CORE_JW_H
#define CORE_JW_H

#include <stdint.h>

struct sb;

#define JW_DEPTH 16

struct jw {
    struct sb *sb;
    int depth;
    unsigned char items[JW_DEPTH + 1]; /* 1: the level has a value already */
    char closers[JW_DEPTH + 1];        /* what ends each level */
};

void jw_init(struct jw *w, struct sb *sb);

/*
 * Each value goes under key inside an object, or as the next element (key NULL) inside an
 * array or at the top. A string or raw text that is NULL writes null.
 */
void jw_obj(struct jw *w, const char *key);
void jw_arr(struct jw *w, const char *key);
void jw_end(struct jw *w); /* closes the innermost object or array */
/* Deeper than JW_DEPTH fails the builder (sb_error SB_ETOOBIG): check sb_error once. */
void jw_str(struct jw *w, const char *key, const char *s);
void jw_int(struct jw *w, const char *key, int64_t v);
void jw_id(struct jw *w, const char *key, int64_t v); /* 0 writes null */
void jw_bool(struct jw *w, const char *key, int v);
void jw_null(struct jw *w, const char *key);
void jw_raw(struct jw *w, const char *key, const char *json); /* JSON text as it is */

#endif
