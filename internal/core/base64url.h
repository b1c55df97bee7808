#ifndef PINS_CORE_BASE64URL_H
#define PINS_CORE_BASE64URL_H

#include <stddef.h>

/* Base64url without padding (RFC 4648 section 5). */

/* Encodes len bytes into out (cap must be at least 4*ceil(len/3)+1); returns the length written. */
size_t base64url_encode(char *out, size_t cap, const unsigned char *in, size_t len);

/* Decodes in (inlen characters) into out (cap bytes), strictly: only the url-safe alphabet, no
 * padding, and the unused bits of the last character zero, so that each byte string has exactly
 * one encoding (RFC 7515 section 2 and RFC 4648 section 3.5). Returns the decoded length, or -1
 * for a character outside the alphabet ('=', '+' and '/' included), a bad length, nonzero unused
 * bits, or too small a buffer. */
long base64url_decode(unsigned char *out, size_t cap, const char *in, size_t inlen);

#endif
