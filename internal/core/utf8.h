#ifndef PINS_CORE_UTF8_H
#define PINS_CORE_UTF8_H

#include <stddef.h>

/* Strict UTF-8 (RFC 3629, Unicode 15 table 3-7): the one place text is checked and measured.
 * Refused: a byte that cannot start a sequence (0x80-0xC1, 0xF5-0xFF), an overlong form, a
 * surrogate (U+D800-U+DFFF), a code point above U+10FFFF, and a sequence cut short (by the end
 * of the text or by a byte that is not a continuation byte). U+0000 is well-formed UTF-8: a caller
 * for whom a NUL byte is a fault checks for it itself. */

/* Checks the len bytes at s. On success returns PINS_OK and *count is how many code points they
 * hold. Otherwise returns PINS_EINVALID and, when bad_at is not NULL, *bad_at is the offset of the
 * first byte of the first ill-formed sequence (*count is then undefined). */
/* (Not "utf8_check": libulfius exports a global of that name, which ours would replace.) */
int utf8_measure(size_t *count, size_t *bad_at, const char *s, size_t len);

#endif
