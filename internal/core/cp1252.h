#ifndef PINS_CORE_CP1252_H
#define PINS_CORE_CP1252_H

#include <stddef.h>

/* Converts Windows-1252 text to UTF-8. *out is a new NUL-terminated buffer (free) of *outlen
 * bytes. Bytes 0x81, 0x8D, 0x8F, 0x90 and 0x9D (undefined) become U+FFFD. */
int cp1252_to_utf8(char **out, size_t *outlen, const char *in, size_t len);

#endif
