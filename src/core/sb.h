/* String builder: growable output buffer with sticky errors and escaping by context. */
#ifndef CORE_SB_H
#define CORE_SB_H

#include <stdarg.h>
#include <stddef.h>

/*
 * A builder owns its buffer (malloc'd, or in an arena when sb->ar is set).
 * Appends return nothing: an error (out of memory, over the limit) sticks in
 * sb->err, later appends do nothing, and the caller checks sb_error() once.
 * sb->buf is always NUL-terminated once anything was appended.
 */
struct arena;

struct sb {
    char *buf;
    size_t len;
    size_t cap;
    size_t limit;     /* 0: no limit; over it the builder fails with SB_ETOOBIG */
    struct arena *ar; /* NULL: malloc/realloc, freed by sb_release() */
    int err;
};

enum { SB_OK = 0, SB_ENOMEM = -1, SB_ETOOBIG = -2 };

void sb_init(struct sb *sb, struct arena *ar);
void sb_release(struct sb *sb); /* frees a malloc'd buffer; sb_init() again to reuse */
void sb_clear(struct sb *sb);   /* length 0, keeps the buffer and clears the error */
/* Room for n more bytes without growing: one allocation instead of doublings and copies. */
void sb_reserve(struct sb *sb, size_t n);
void sb_add(struct sb *sb, const char *s, size_t n);
void sb_adds(struct sb *sb, const char *s);
void sb_addc(struct sb *sb, char c);
void sb_printf(struct sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct sb *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void sb_add_html(struct sb *sb, const char *s, size_t n); /* & < > " ' */
void sb_add_attr(struct sb *sb, const char *s, size_t n); /* html plus ` = for unquoted-safe */
void sb_add_url(struct sb *sb, const char *s, size_t n);  /* percent-encode all but unreserved */
void sb_add_json_str(struct sb *sb, const char *s, size_t n); /* with the quotes */
int sb_error(const struct sb *sb);

#endif
