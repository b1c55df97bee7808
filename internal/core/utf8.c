#include "core/utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

size_t utf8_sequence(const unsigned char *s, size_t n)
{
  if (n == 0)
    return 0;
  unsigned char c = s[0];
  if (c < 0x80)
    return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF; /* bounds of the second byte */
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0)
      lo = 0xA0; /* overlong */
    else if (c == 0xED)
      hi = 0x9F; /* surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0)
      lo = 0x90; /* overlong */
    else if (c == 0xF4)
      hi = 0x8F; /* above U+10FFFF */
  } else {
    return 0;
  }
  if (n < len || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  return len;
}

bool utf8_valid(const char *s, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    /* ASCII, eight bytes at a time: headers and tokens are mostly that. */
    uint64_t w;
    if (i + 8 <= n && (memcpy(&w, p + i, 8), (w & 0x8080808080808080ull) == 0)) {
      i += 8;
      continue;
    }
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = utf8_sequence(p + i, n - i);
    if (k == 0)
      return false;
    i += k;
  }
  return true;
}

int utf8_measure(size_t *count, size_t *bad_at, const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, n = 0, k = 1;
  while (i < len && (k = utf8_sequence(p + i, len - i)) != 0) {
    i += k;
    n++;
  }
  if (i < len) {
    if (bad_at)
      *bad_at = i;
    return PINS_EINVALID;
  }
  *count = n;
  return PINS_OK;
}

char *utf8_sanitize(const char *s)
{
  size_t n = s ? strlen(s) : 0;
  /* Each ill-formed byte becomes three. */
  char *out = malloc(3 * n + 1);
  if (!out)
    return NULL;
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, o = 0;
  while (i < n) {
    size_t k = utf8_sequence(p + i, n - i);
    if (k == 0) {
      memcpy(out + o, replacement, 3);
      o += 3;
      i++;
    } else {
      memcpy(out + o, p + i, k);
      o += k;
      i += k;
    }
  }
  out[o] = '\0';
  return out;
}
