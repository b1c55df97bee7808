/* Unit tests for internal/core/utf8.c: strict UTF-8, table-driven (the boundary cases of
 * Unicode table 3-7 and Markus Kuhn's decoder stress test), then every sequence of one to three
 * bytes and a sweep of four-byte ones checked against a reference decoder written the other
 * way round (decode first, then judge the value). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/status.h"
#include "core/utf8.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_table(void **state)
{
  static const struct {
    const char *name;
    const char *s;
    size_t len;
    int status;
    size_t count;  /* code points, when valid */
    size_t bad_at; /* offset of the first ill-formed sequence, when not */
  } cases[] = {
#define OK(name, s, count) {name, s, sizeof(s) - 1, PINS_OK, count, 0}
#define BAD(name, s, at) {name, s, sizeof(s) - 1, PINS_EINVALID, 0, at}
      OK("empty", "", 0),
      OK("ASCII", "Hello, world", 12),
      OK("NUL is well-formed (callers refuse it)", "a\0b", 3),
      OK("DEL", "\x7F", 1),
      OK("U+0080, first two-byte", "\xC2\x80", 1),
      OK("U+07FF, last two-byte", "\xDF\xBF", 1),
      OK("U+0800, first three-byte", "\xE0\xA0\x80", 1),
      OK("U+D7FF, below the surrogates", "\xED\x9F\xBF", 1),
      OK("U+E000, above the surrogates", "\xEE\x80\x80", 1),
      OK("U+FEFF, a BOM is a character", "\xEF\xBB\xBF", 1),
      OK("U+FFFD", "\xEF\xBF\xBD", 1),
      OK("U+FFFF, a noncharacter is well-formed", "\xEF\xBF\xBF", 1),
      OK("U+10000, first four-byte", "\xF0\x90\x80\x80", 1),
      OK("U+1F600", "\xF0\x9F\x98\x80", 1),
      OK("U+10FFFF, the last", "\xF4\x8F\xBF\xBF", 1),
      OK("mixed lengths", "a\xC3\xA9\xE2\x80\x99\xF0\x9F\x98\x80z", 5),
      OK("Kuhn: kosme", "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5", 5),
      BAD("lone continuation 0x80", "\x80", 0),
      BAD("lone continuation 0xBF after ASCII", "ab\xBF", 2),
      BAD("continuation run", "A\x80\x80\x80\x80", 1),
      BAD("C0: overlong two-byte", "\xC0\xAF", 0),
      BAD("C1: overlong two-byte", "\xC1\xBF", 0),
      BAD("overlong NUL C0 80", "x\xC0\x80", 1),
      BAD("overlong three-byte '/'", "\xE0\x80\xAF", 0),
      BAD("overlong three-byte U+07FF", "\xE0\x9F\xBF", 0),
      BAD("overlong four-byte U+FFFF", "\xF0\x8F\xBF\xBF", 0),
      BAD("overlong four-byte '/'", "\xF0\x80\x80\xAF", 0),
      BAD("surrogate U+D800", "\xED\xA0\x80", 0),
      BAD("surrogate U+DBFF", "\xED\xAF\xBF", 0),
      BAD("surrogate U+DC00", "\xED\xB0\x80", 0),
      BAD("surrogate U+DFFF", "ok\xED\xBF\xBF", 2),
      BAD("surrogate pair in CESU-8", "\xED\xA0\xBD\xED\xB8\x80", 0),
      BAD("U+110000", "\xF4\x90\x80\x80", 0),
      BAD("F5 lead", "\xF5\x80\x80\x80", 0),
      BAD("F8 five-byte form", "\xF8\x88\x80\x80\x80", 0),
      BAD("FC six-byte form", "\xFC\x84\x80\x80\x80\x80", 0),
      BAD("FE", "\xFE", 0),
      BAD("FF", "a\xFF", 1),
      BAD("two-byte cut by the end", "Caf\xC3", 3),
      BAD("three-byte cut by the end", "\xE2\x82", 0),
      BAD("four-byte cut by the end", "\xF0\x9F\x98", 0),
      BAD("three-byte cut by ASCII", "\xE2\x82" "A", 0),
      BAD("four-byte cut by a new lead", "\xF0\x9F\xC3\xA9", 0),
      BAD("two-byte followed by a stray", "\xC3\xA9\xA9", 2),
      BAD("a good prefix is measured, the fault found after it", "\xC3\xA9\xE2\x80\x99\xE0\x80\x80", 5),
#undef OK
#undef BAD
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    size_t count = 12345, at = 12345;
    int rc = utf8_measure(&count, &at, cases[i].s, cases[i].len);
    if (rc != cases[i].status) fail_msg("%s: status %d, want %d", cases[i].name, rc, cases[i].status);
    if (rc == PINS_OK && count != cases[i].count)
      fail_msg("%s: %zu code points, want %zu", cases[i].name, count, cases[i].count);
    if (rc != PINS_OK && at != cases[i].bad_at)
      fail_msg("%s: fault at %zu, want %zu", cases[i].name, at, cases[i].bad_at);
    if (rc != PINS_OK) /* bad_at may be NULL */
      assert_int_equal(utf8_measure(&count, NULL, cases[i].s, cases[i].len), PINS_EINVALID);
  }
}

/* The length never reads past len: a valid sequence cut by len is refused even when the bytes
 * after len would complete it. */
static void test_len_is_the_bound(void **state)
{
  static const char s[] = "\xF0\x9F\x98\x80";
  size_t count;
  for (size_t len = 1; len < 4; len++)
    assert_int_equal(utf8_measure(&count, NULL, s, len), PINS_EINVALID);
  assert_int_equal(utf8_measure(&count, NULL, s, 4), PINS_OK);
  assert_int_equal(count, 1);
  assert_int_equal(utf8_measure(&count, NULL, s, 0), PINS_OK);
  assert_int_equal(count, 0);
}

/* The reference: decode by the bit patterns alone, then judge the value. Returns the sequence
 * length, or 0 when ill-formed. */
static int reference(const unsigned char *p, size_t len)
{
  int k;
  uint32_t v;
  if (p[0] < 0x80) return 1;
  if ((p[0] & 0xE0) == 0xC0) k = 2, v = p[0] & 0x1F;
  else if ((p[0] & 0xF0) == 0xE0) k = 3, v = p[0] & 0x0F;
  else if ((p[0] & 0xF8) == 0xF0) k = 4, v = p[0] & 0x07;
  else return 0;
  if ((size_t)k > len) return 0;
  for (int j = 1; j < k; j++) {
    if ((p[j] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (p[j] & 0x3F);
  }
  static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < min[k] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  return k;
}

static void check_against_reference(const unsigned char *p, size_t len)
{
  size_t count, at, n = 0, i = 0;
  int k = 1;
  while (i < len && (k = reference(p + i, len - i)) != 0)
    i += (size_t)k, n++;
  int rc = utf8_measure(&count, &at, (const char *)p, len);
  bool want_ok = i == len;
  if ((rc == PINS_OK) != want_ok || (want_ok && count != n) || (!want_ok && at != i))
    fail_msg("%02X %02X %02X %02X (len %zu): status %d count %zu at %zu; reference ok=%d count %zu at %zu",
             len > 0 ? p[0] : 0, len > 1 ? p[1] : 0, len > 2 ? p[2] : 0, len > 3 ? p[3] : 0, len, rc, count, at,
             want_ok, n, i);
}

static void test_exhaustive(void **state)
{
  unsigned char b[4];
  for (unsigned x = 0; x < 256; x++) {
    b[0] = (unsigned char)x;
    check_against_reference(b, 1);
    for (unsigned y = 0; y < 256; y++) {
      b[1] = (unsigned char)y;
      check_against_reference(b, 2);
      for (unsigned z = 0; z < 256; z++) {
        b[2] = (unsigned char)z;
        check_against_reference(b, 3);
      }
    }
  }
  /* four bytes: every lead and second byte, with a spread of the last two */
  static const unsigned char tails[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC3, 0xF4, 0xFF};
  for (unsigned x = 0; x < 256; x++)
    for (unsigned y = 0; y < 256; y++)
      for (size_t z = 0; z < COUNT(tails); z++)
        for (size_t w = 0; w < COUNT(tails); w++) {
          b[0] = (unsigned char)x, b[1] = (unsigned char)y, b[2] = tails[z], b[3] = tails[w];
          check_against_reference(b, 4);
        }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_len_is_the_bound),
      cmocka_unit_test(test_exhaustive),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
