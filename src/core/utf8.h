/* UTF-8 validation, and the checks names and labels share. */
#ifndef CORE_UTF8_H
#define CORE_UTF8_H

#include <stddef.h>

/* Length (1-4) of the valid UTF-8 sequence at s[0..n), n >= 1, or 0 when it is not
 * one: overlongs, surrogates and values past U+10FFFF are invalid. */
size_t utf8_len(const unsigned char *s, size_t n);

/* Whether s[0..n) is all valid UTF-8. */
int utf8_valid(const char *s, size_t n);

/* Whether s[0..n) holds a control character: C0, DEL, or C1 (U+0080-U+009F). */
int utf8_has_control(const char *s, size_t n);

/* Whether s[0..n) is only spaces: U+0020, the no-break spaces and the other Unicode
 * White_Space characters that are not controls. Empty is blank. */
int utf8_is_blank(const char *s, size_t n);

/* For texts of several lines (descriptions, comments, notes): as utf8_has_control and
 * utf8_is_blank, with tabs and line breaks (CR, LF) as text and as blank. */
int utf8_text_has_control(const char *s, size_t n);
int utf8_text_is_blank(const char *s, size_t n);

#endif
