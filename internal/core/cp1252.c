#include "core/cp1252.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/status.h"

static const unsigned short high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

int cp1252_to_utf8(char **out, size_t *outlen, const char *in, size_t len)
{
  /* each byte becomes at most three */
  unsigned char *o = len <= (SIZE_MAX - 1) / 3 ? malloc(len * 3 + 1) : NULL, *start = o;
  if (!o)
    return PINS_ENOMEM;
  for (size_t i = 0; i < len; i++) {
    unsigned c = (unsigned char)in[i];
    if (c >= 0x80 && c < 0xA0)
      c = high[c - 0x80];
    if (c < 0x80) {
      *o++ = (unsigned char)c;
    } else if (c < 0x800) {
      *o++ = (unsigned char)(0xC0 | (c >> 6));
      *o++ = (unsigned char)(0x80 | (c & 0x3F));
    } else {
      *o++ = (unsigned char)(0xE0 | (c >> 12));
      *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
      *o++ = (unsigned char)(0x80 | (c & 0x3F));
    }
  }
  *o = '\0';
  *out = (char *)start;
  *outlen = (size_t)(o - start);
  return PINS_OK;
}
