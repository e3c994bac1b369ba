/* UTF-8 validation. */
#ifndef CORE_UTF8_H
#define CORE_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at s[0..n), n >= 1, or 0 when it is not
 * one: overlongs, surrogates and values past U+10FFFF are invalid. */
size_t utf8_len(const unsigned char *s, size_t n);

#endif
