#ifndef PINS_TESTS_FUZZ_H
#define PINS_TESTS_FUZZ_H

/* Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): the entry points libFuzzer calls, and
 * small checks the harnesses assert with. A failed FUZZ_ASSERT aborts, which libFuzzer reports
 * as a crash with the input that caused it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_ASSERT(cond)                                                                                    \
  do {                                                                                                       \
    if (!(cond)) {                                                                                           \
      fprintf(stderr, "%s:%d: FUZZ_ASSERT(%s) failed\n", __FILE__, __LINE__, #cond);                         \
      abort();                                                                                               \
    }                                                                                                        \
  } while (0)

/* A NUL-terminated copy of the input (bytes after an embedded NUL are simply not seen by C
 * string code, as with a header or a query value). The caller frees it. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  if (!s) abort();
  memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

/* True when s[0..len) is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF). */
static inline bool fuzz_utf8_valid(const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  while (p < end) {
    unsigned c = *p++, n, min, cp;
    if (c < 0x80) continue;
    if (c >= 0xC2 && c <= 0xDF)
      n = 1, min = 0x80, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
      n = 2, min = 0x800, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
      n = 3, min = 0x10000, cp = c & 0x07;
    else
      return false;
    if ((size_t)(end - p) < n) return false;
    for (unsigned i = 0; i < n; i++, p++) {
      if ((*p & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (*p & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  }
  return true;
}

#endif
