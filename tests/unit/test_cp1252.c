/* Unit tests for internal/core/cp1252.c: Windows-1252 to UTF-8, checked against a table and
 * against glibc's iconv for every defined byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/cp1252.h"
#include "core/status.h"

#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_table(void **state)
{
  static const struct {
    const char *name;
    const char *in;
    size_t len;
    const char *out;
    size_t outlen;
  } cases[] = {
#define CASE(name, in, out) {name, in, sizeof(in) - 1, out, sizeof(out) - 1}
      CASE("empty", "", ""),
      CASE("ASCII unchanged", "Hello, world! 0123 ~\x7f", "Hello, world! 0123 ~\x7f"),
      CASE("control characters unchanged", "\t\r\n\x01\x1f", "\t\r\n\x01\x1f"),
      CASE("NUL kept", "a\0b", "a\0b"),
      CASE("0x92 right single quote", "\x92", "\xE2\x80\x99"),
      CASE("0x91 left single quote", "\x91", "\xE2\x80\x98"),
      CASE("0x93 0x94 double quotes", "\x93\x94", "\xE2\x80\x9C\xE2\x80\x9D"),
      CASE("0x96 en dash", "\x96", "\xE2\x80\x93"),
      CASE("0x80 euro", "\x80", "\xE2\x82\xAC"),
      CASE("0x83 f-hook, two bytes", "\x83", "\xC6\x92"),
      CASE("0x8A S-caron", "\x8A", "\xC5\xA0"),
      CASE("0x9F Y-diaeresis", "\x9F", "\xC5\xB8"),
      CASE("0x99 trade mark", "\x99", "\xE2\x84\xA2"),
      CASE("0xE9 e-acute", "\xE9", "\xC3\xA9"),
      CASE("0xA0 no-break space", "\xA0", "\xC2\xA0"),
      CASE("0xA3 pound", "\xA3", "\xC2\xA3"),
      CASE("0xFF y-diaeresis", "\xFF", "\xC3\xBF"),
      CASE("0x81 undefined", "\x81", "\xEF\xBF\xBD"),
      CASE("0x8D undefined", "\x8D", "\xEF\xBF\xBD"),
      CASE("0x8F undefined", "\x8F", "\xEF\xBF\xBD"),
      CASE("0x90 undefined", "\x90", "\xEF\xBF\xBD"),
      CASE("0x9D undefined", "\x9D", "\xEF\xBF\xBD"),
      CASE("a GIAS name", "St Mary\x92s C of E Primary School", "St Mary\xE2\x80\x99s C of E Primary School"),
      CASE("mixed",
           "Caf\xE9 \x93quoted\x94 \x80"
           "5",
           "Caf\xC3\xA9 \xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x82\xAC"
           "5"),
#undef CASE
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    char *out = NULL;
    size_t outlen = 12345;

    assert_int_equal(cp1252_to_utf8(&out, &outlen, cases[i].in, cases[i].len), PINS_OK);
    assert_non_null(out);
    if (outlen != cases[i].outlen || memcmp(out, cases[i].out, outlen) != 0)
      fail_msg("%s: wrong output (%zu bytes, want %zu)", cases[i].name, outlen, cases[i].outlen);
    assert_int_equal(out[outlen], '\0');
    free(out);
  }
}

/* Every defined byte agrees with iconv's CP1252 table; the five undefined ones give U+FFFD. */
static void test_every_byte(void **state)
{
  iconv_t cd = iconv_open("UTF-8", "CP1252");

  if (cd == (iconv_t)-1) skip(); /* no CP1252 converter installed (glibc gconv modules absent) */
  for (unsigned b = 0; b < 256; b++) {
    char in = (char)b, want[8], *got = NULL;
    char *ip = &in, *op = want;
    size_t il = 1, ol = sizeof want, outlen = 0;
    bool undefined = b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D;

    assert_int_equal(cp1252_to_utf8(&got, &outlen, &in, 1), PINS_OK);
    if (undefined) {
      assert_int_equal(outlen, 3);
      assert_memory_equal(got, "\xEF\xBF\xBD", 3);
    } else {
      iconv(cd, NULL, NULL, NULL, NULL);
      if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) fail_msg("iconv cannot convert 0x%02X", b);
      size_t wl = sizeof want - ol;
      if (outlen != wl || memcmp(got, want, wl) != 0) fail_msg("byte 0x%02X: differs from iconv", b);
    }
    free(got);
  }
  iconv_close(cd);
}

/* The output bound: every byte may triple; a buffer of them all converts in one go. */
static void test_all_high_bytes(void **state)
{
  char in[128];
  char *out = NULL;
  size_t outlen = 0;

  for (int i = 0; i < 128; i++)
    in[i] = (char)(0x80 + i);
  assert_int_equal(cp1252_to_utf8(&out, &outlen, in, sizeof in), PINS_OK);
  /* 0x80-0x9F: 22 three-byte (5 of them U+FFFD) and 10 two-byte; 0xA0-0xFF: 96 two-byte */
  size_t three = 0;
  for (int i = 0; i < 32; i++) {
    static const unsigned char two_byte[] = {0x83, 0x88, 0x8A, 0x8C, 0x8E, 0x98, 0x9A, 0x9C, 0x9E, 0x9F};
    bool is_two = memchr(two_byte, 0x80 + i, sizeof two_byte) != NULL;
    three += !is_two;
  }
  assert_int_equal(outlen, three * 3 + (32 - three) * 2 + 96 * 2);
  assert_int_equal(out[outlen], '\0');
  free(out);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table),
      cmocka_unit_test(test_every_byte),
      cmocka_unit_test(test_all_high_bytes),
  };
  return cmocka_run_group_tests_name("cp1252", tests, NULL, NULL);
}
