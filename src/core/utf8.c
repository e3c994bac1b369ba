/* UTF-8 validation shared by the JSON reader, the string builder and the logger. */
#include "core/utf8.h"

size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t len, i;
    unsigned char lo = 0x80, hi = 0xbf;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return len;
}

int utf8_has_control(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;

    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x20 || p[i] == 0x7f)
            return 1;
        /* C1, U+0080-U+009F: 0xc2 0x80-0x9f */
        if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f)
            return 1;
    }
    return 0;
}

/* The length of the Unicode White_Space character (not a control) at s[0..n), or 0. */
static size_t space_len(const unsigned char *s, size_t n)
{
    if (s[0] == ' ')
        return 1;
    if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0) /* U+00A0 */
        return 2;
    if (n < 3)
        return 0;
    if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80) /* U+1680 */
        return 3;
    if (s[0] == 0xe2 && s[1] == 0x80 &&
        ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 ||
         s[2] == 0xaf)) /* U+2000-200A, 2028-9, 202F */
        return 3;
    if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) /* U+205F */
        return 3;
    if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80) /* U+3000 */
        return 3;
    return 0;
}

int utf8_is_blank(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;

    while (i < n && (k = space_len(p + i, n - i)))
        i += k;
    return i == n;
}

int utf8_valid(const char *s, size_t n)
{
    for (size_t i = 0, k; i < n; i += k)
        if (!(k = utf8_len((const unsigned char *)s + i, n - i)))
            return 0;
    return 1;
}

static int text_break(unsigned char c)
{
    return c == '\t' || c == '\n' || c == '\r';
}

int utf8_text_has_control(const char *s, size_t n)
{
    size_t i = 0, k;

    while (i < n) {
        for (k = i; k < n && !text_break((unsigned char)s[k]); k++)
            ;
        if (utf8_has_control(s + i, k - i))
            return 1;
        i = k + 1;
    }
    return 0;
}

int utf8_text_is_blank(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, k;

    while (i < n) {
        if (text_break(p[i]))
            k = 1;
        else if (!(k = space_len(p + i, n - i)))
            return 0;
        i += k;
    }
    return 1;
}
