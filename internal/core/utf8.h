#ifndef PINS_CORE_UTF8_H
#define PINS_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Used
 * wherever bytes a client sent go into JSON (problem bodies, log lines) or are refused (paths,
 * query parameters, headers). */

/* The length (1-4) of the well-formed sequence at the start of s (n bytes available), or 0 when
 * the bytes there are not one (including a sequence cut short by n). */
size_t utf8_sequence(const unsigned char *s, size_t n);

/* Whether the n bytes at s are well-formed UTF-8. */
bool utf8_valid(const char *s, size_t n);

/* A new NUL-terminated copy of the string s with each ill-formed byte replaced by U+FFFD (NULL s
 * gives ""). The caller frees it; NULL when out of memory. */
char *utf8_sanitize(const char *s);

#endif
