#include "core/utf8.h"

#include "core/status.h"

/* The length of the well-formed sequence at p (avail bytes there), or 0 when there is none.
 * Unicode table 3-7: the first byte sets the length and the range of the second byte; every later
 * byte is 0x80-0xBF. The narrowed second-byte ranges refuse the overlong forms (E0, F0), the
 * surrogates (ED) and the values above U+10FFFF (F4); C0, C1 and F5-FF never start one. */
static size_t sequence_at(const unsigned char *p, size_t avail)
{
  unsigned char lead = p[0], lo = 0x80, hi = 0xBF;
  size_t k;
  if (lead < 0x80)
    return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    k = 2;
  else if (lead >= 0xE0 && lead <= 0xEF)
    k = 3, lo = lead == 0xE0 ? 0xA0 : 0x80, hi = lead == 0xED ? 0x9F : 0xBF;
  else if (lead >= 0xF0 && lead <= 0xF4)
    k = 4, lo = lead == 0xF0 ? 0x90 : 0x80, hi = lead == 0xF4 ? 0x8F : 0xBF;
  else
    return 0;
  if (avail < k || p[1] < lo || p[1] > hi)
    return 0;
  for (size_t j = 2; j < k; j++)
    if ((p[j] & 0xC0) != 0x80)
      return 0;
  return k;
}

int utf8_measure(size_t *count, size_t *bad_at, const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, n = 0, k = 1;
  while (i < len && (k = sequence_at(p + i, len - i)) != 0) {
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
