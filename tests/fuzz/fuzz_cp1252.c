/* Windows-1252 to UTF-8 (internal/core/cp1252.c): any bytes give well-formed, NUL-terminated UTF-8
 * with one code point per input byte: ASCII and Latin-1 (0xA0-0xFF) unchanged, 0x80-0x9F never a
 * C1 control; and Jansson accepts the text. */
#include "fuzz.h"

#include <jansson.h>

#include "core/cp1252.h"
#include "core/status.h"

/* Decodes the code point at *p (already known to be well-formed) and advances *p. */
static unsigned next_cp(const unsigned char **p)
{
  unsigned c = *(*p)++;
  if (c < 0x80) return c;
  unsigned n = c >= 0xF0 ? 3 : (c >= 0xE0 ? 2 : 1);
  unsigned cp = c & (0x3F >> n);
  while (n--)
    cp = (cp << 6) | (*(*p)++ & 0x3F);
  return cp;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *out = NULL;
  size_t outlen = 0;
  FUZZ_ASSERT(cp1252_to_utf8(&out, &outlen, (const char *)data, size) == PINS_OK);
  FUZZ_ASSERT(out[outlen] == '\0');
  FUZZ_ASSERT(fuzz_utf8_valid(out, outlen));
  const unsigned char *p = (const unsigned char *)out, *end = p + outlen;
  for (size_t i = 0; i < size; i++) {
    FUZZ_ASSERT(p < end);
    unsigned cp = next_cp(&p);
    if (data[i] < 0x80 || data[i] >= 0xA0)
      FUZZ_ASSERT(cp == data[i]);
    else
      FUZZ_ASSERT(cp >= 0x100);
  }
  FUZZ_ASSERT(p == end);
  json_t *s = json_stringn(out, outlen);
  FUZZ_ASSERT(s != NULL);
  json_decref(s);
  free(out);
  return 0;
}
