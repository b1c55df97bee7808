#ifndef PINS_CORE_UTF8_H
#define PINS_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Strict UTF-8 (RFC 3629, Unicode 15 table 3-7): the one place text is checked and measured.
 * Refused: a byte that cannot start a sequence (0x80-0xC1, 0xF5-0xFF), an overlong form, a
 * surrogate (U+D800-U+DFFF), a code point above U+10FFFF, and a sequence cut short (by the end
 * of the text or by a byte that is not a continuation byte). U+0000 is well-formed UTF-8: a caller
 * for whom a NUL byte is a fault checks for it itself. Used wherever client bytes are measured
 * (field lengths, the school import), go into JSON (problem bodies, log lines) or are refused
 * (paths, query parameters, headers). (Not "utf8_check": libulfius exports a global of that
 * name, which ours would replace.) */

/* The length (1-4) of the well-formed sequence at the start of s (n bytes available), or 0 when
 * the bytes there are not one (including a sequence cut short by n). */
size_t utf8_sequence(const unsigned char *s, size_t n);

/* Whether the n bytes at s are well-formed UTF-8. */
bool utf8_valid(const char *s, size_t n);

/* Checks the len bytes at s. On success returns PINS_OK and *count is how many code points they
 * hold. Otherwise returns PINS_EINVALID and, when bad_at is not NULL, *bad_at is the offset of the
 * first byte of the first ill-formed sequence (*count is then undefined). */
int utf8_measure(size_t *count, size_t *bad_at, const char *s, size_t len);

/* A new NUL-terminated copy of the string s with each ill-formed byte replaced by U+FFFD (NULL s
 * gives ""). The caller frees it; NULL when out of memory. */
char *utf8_sanitize(const char *s);

#endif
