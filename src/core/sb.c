/* String builder with sticky errors and context-specific escaping. */
#include "core/sb.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/utf8.h"

#define SB_MIN_CAP 64

static const char hex_upper[] = "0123456789ABCDEF";
static const char hex_lower[] = "0123456789abcdef";

void sb_init(struct sb *sb, struct arena *ar)
{
    sb->buf = NULL;
    sb->len = 0;
    sb->cap = 0;
    sb->limit = 0;
    sb->ar = ar;
    sb->err = SB_OK;
}

void sb_release(struct sb *sb)
{
    if (!sb->ar)
        free(sb->buf);
    sb->buf = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void sb_clear(struct sb *sb)
{
    sb->len = 0;
    sb->err = SB_OK;
    if (sb->buf)
        sb->buf[0] = '\0';
}

int sb_error(const struct sb *sb)
{
    return sb->err;
}

/* Makes room for n more bytes plus the NUL; 0, or -1 with the error set. */
static int sb_grow(struct sb *sb, size_t n)
{
    size_t need, cap;
    char *p;

    if (sb->err)
        return -1;
    if (sb->limit && (n > sb->limit || sb->len > sb->limit - n)) {
        sb->err = SB_ETOOBIG;
        return -1;
    }
    if (n > SIZE_MAX - 1 - sb->len) {
        sb->err = SB_ENOMEM;
        return -1;
    }
    need = sb->len + n + 1;
    if (need <= sb->cap)
        return 0;
    cap = sb->cap ? sb->cap : SB_MIN_CAP;
    while (cap < need) {
        if (cap > SIZE_MAX / 2) {
            cap = need;
            break;
        }
        cap *= 2;
    }
    if (sb->ar) {
        p = arena_alloc(sb->ar, cap);
        if (sb->len)
            memcpy(p, sb->buf, sb->len);
    } else {
        p = realloc(sb->buf, cap);
        if (!p) {
            sb->err = SB_ENOMEM;
            return -1;
        }
    }
    sb->buf = p;
    sb->cap = cap;
    return 0;
}

void sb_reserve(struct sb *sb, size_t n)
{
    if (sb_grow(sb, n) == 0 && sb->len == 0)
        sb->buf[0] = '\0';
}

void sb_add(struct sb *sb, const char *s, size_t n)
{
    if (sb_grow(sb, n))
        return;
    if (n)
        memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_adds(struct sb *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

void sb_addc(struct sb *sb, char c)
{
    sb_add(sb, &c, 1);
}

void sb_vprintf(struct sb *sb, const char *fmt, va_list ap)
{
    va_list aq;
    int n;

    if (sb_grow(sb, 0))
        return;
    va_copy(aq, ap);
    n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, aq);
    va_end(aq);
    if (n < 0) {
        sb->buf[sb->len] = '\0';
        return;
    }
    if ((size_t)n >= sb->cap - sb->len) {
        sb->buf[sb->len] = '\0';
        if (sb_grow(sb, (size_t)n))
            return;
        vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
    } else if (sb->limit && sb->len + (size_t)n > sb->limit) {
        /* It fit the buffer but not the limit. */
        sb->buf[sb->len] = '\0';
        sb->err = SB_ETOOBIG;
        return;
    }
    sb->len += (size_t)n;
}

void sb_printf(struct sb *sb, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

static const char *html_entity(unsigned char c, int attr)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    case '`':
        return attr ? "&#96;" : NULL;
    case '=':
        return attr ? "&#61;" : NULL;
    default:
        return NULL;
    }
}

static void sb_add_entities(struct sb *sb, const char *s, size_t n, int attr)
{
    size_t i, run = 0;

    for (i = 0; i < n; i++) {
        const char *e = html_entity((unsigned char)s[i], attr);
        if (!e)
            continue;
        sb_add(sb, s + run, i - run);
        sb_adds(sb, e);
        run = i + 1;
    }
    sb_add(sb, s + run, n - run);
}

void sb_add_html(struct sb *sb, const char *s, size_t n)
{
    sb_add_entities(sb, s, n, 0);
}

void sb_add_attr(struct sb *sb, const char *s, size_t n)
{
    sb_add_entities(sb, s, n, 1);
}

static int url_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

void sb_add_url(struct sb *sb, const char *s, size_t n)
{
    size_t i, run = 0;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (url_unreserved(c))
            continue;
        char esc[3] = {'%', hex_upper[c >> 4], hex_upper[c & 15]};
        sb_add(sb, s + run, i - run);
        sb_add(sb, esc, 3);
        run = i + 1;
    }
    sb_add(sb, s + run, n - run);
}

void sb_add_json_str(struct sb *sb, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run = 0;

    sb_addc(sb, '"');
    while (i < n) {
        unsigned char c = u[i];
        const char *esc = NULL;
        char ubuf[7];
        size_t k = 1;

        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        /* Safe inside an HTML <script> block. */
        case '<':
        case '>':
        case '&':
            break;
        default:
            if (c >= 0x20 && c < 0x80) {
                i++;
                continue;
            }
            if (c >= 0x80) {
                k = utf8_len(u + i, n - i);
                /* U+2028 and U+2029 end a line in JavaScript. */
                if (k == 3 && c == 0xe2 && u[i + 1] == 0x80 && (u[i + 2] & 0xfe) == 0xa8) {
                    esc = u[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
                } else if (k == 0) {
                    /* Output stays valid UTF-8 whatever came in. */
                    esc = "\\ufffd";
                    k = 1;
                } else {
                    i += k;
                    continue;
                }
            }
            break;
        }
        if (!esc) {
            memcpy(ubuf, "\\u00", 4);
            ubuf[4] = hex_lower[c >> 4];
            ubuf[5] = hex_lower[c & 15];
            ubuf[6] = '\0';
            esc = ubuf;
        }
        sb_add(sb, s + run, i - run);
        sb_adds(sb, esc);
        i += k;
        run = i;
    }
    sb_add(sb, s + run, n - run);
    sb_addc(sb, '"');
}
