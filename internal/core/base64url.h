#ifndef PINS_CORE_BASE64URL_H
#define PINS_CORE_BASE64URL_H

#include <stddef.h>

/* Base64url without padding (RFC 4648 section 5). */

/* Encodes len bytes into out (cap must be at least 4*ceil(len/3)+1); returns the length written. */
size_t base64url_encode(char *out, size_t cap, const unsigned char *in, size_t len);

/* Decodes in (inlen characters, padding optional) into out (cap bytes). Returns the decoded
 * length, or -1 for a character outside the alphabet, a bad length, or too small a buffer. */
long base64url_decode(unsigned char *out, size_t cap, const char *in, size_t inlen);

#endif
