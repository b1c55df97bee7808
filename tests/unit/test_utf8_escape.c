/* Unit tests for internal/core/utf8.c and log_json_escape (internal/core/log.c): well-formed
 * UTF-8 per RFC 3629 (Markus Kuhn's boundary and malformed cases), the sanitised copy, and an
 * escaper whose output is valid UTF-8 JSON however it is cut. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/log.h"
#include "core/utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
  const char *bytes;
  size_t len;
  int valid;
} cases[] = {
#define C(b, v) {b, sizeof(b) - 1, v}
    C("", 1),
    C("plain ascii", 1),
    C("\x7f", 1),
    C("\xc2\x80", 1),             /* U+0080, first two-byte */
    C("\xdf\xbf", 1),             /* U+07FF */
    C("\xe0\xa0\x80", 1),         /* U+0800 */
    C("\xed\x9f\xbf", 1),         /* U+D7FF, below the surrogates */
    C("\xee\x80\x80", 1),         /* U+E000 */
    C("\xef\xbf\xbd", 1),         /* U+FFFD */
    C("\xf0\x90\x80\x80", 1),     /* U+10000 */
    C("\xf4\x8f\xbf\xbf", 1),     /* U+10FFFF */
    C("caf\xc3\xa9 \xe2\x80\x99", 1),
    C("\x80", 0),                 /* lone continuation */
    C("\xbf", 0),
    C("\xc0\xaf", 0),             /* overlong '/' */
    C("\xc1\xbf", 0),
    C("\xe0\x80\xaf", 0),         /* overlong, three bytes */
    C("\xf0\x80\x80\xaf", 0),     /* overlong, four bytes */
    C("\xed\xa0\x80", 0),         /* U+D800 */
    C("\xed\xbf\xbf", 0),         /* U+DFFF */
    C("\xf4\x90\x80\x80", 0),     /* U+110000 */
    C("\xf5\x80\x80\x80", 0),
    C("\xff", 0),
    C("\xfe", 0),
    C("\xc3", 0),                 /* cut short */
    C("\xe2\x82", 0),
    C("\xf0\x9f\x98", 0),
    C("ab\xc3(", 0),              /* lead without its continuation */
    C("\xe2\x28\xa1", 0),
#undef C
};

static void test_valid(void **state)
{
  for (size_t i = 0; i < COUNT(cases); i++)
    if (utf8_valid(cases[i].bytes, cases[i].len) != (cases[i].valid != 0))
      fail_msg("case %zu: utf8_valid gave %d", i, !cases[i].valid);
}

static void test_sanitize(void **state)
{
  static const struct {
    const char *in, *out;
  } s[] = {
      {"", ""},
      {"ok \xc3\xa9", "ok \xc3\xa9"},
      {"/v1/icbs/\xff", "/v1/icbs/\xef\xbf\xbd"},
      {"\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd"},
      {"a\xe2\x82", "a\xef\xbf\xbd\xef\xbf\xbd"},
      {"\xed\xa0\x80x", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx"},
  };
  for (size_t i = 0; i < COUNT(s); i++) {
    char *got = utf8_sanitize(s[i].in);
    assert_non_null(got);
    assert_string_equal(got, s[i].out);
    assert_true(utf8_valid(got, strlen(got)));
    free(got);
  }
  char *none = utf8_sanitize(NULL);
  assert_string_equal(none, "");
  free(none);
}

static void test_escape(void **state)
{
  char buf[64];
  log_json_escape(buf, sizeof buf, "a\"b\\c\n\x01\x7f");
  assert_string_equal(buf, "a\\\"b\\\\c\\u000a\\u0001\\u007f");
  log_json_escape(buf, sizeof buf, "/v1/\xff\xc3\xa9\xe2\x82");
  assert_string_equal(buf, "/v1/\\ufffd\xc3\xa9\\ufffd\\ufffd");
  log_json_escape(buf, sizeof buf, NULL);
  assert_string_equal(buf, "");
}

/* Cut at every size, the output is valid UTF-8, holds no partial escape and never overruns. */
static void test_escape_cut(void **state)
{
  static const char hostile[] = "\xc3\xa9\xc3\xa9\"\\\xff\n\xf0\x9f\x98\x80z\xe2\x82";
  for (size_t cap = 1; cap < 64; cap++) {
    char buf[80];
    memset(buf, '#', sizeof buf);
    size_t n = log_json_escape(buf, cap, hostile);
    assert_true(n < cap);
    assert_int_equal(strlen(buf), n);
    assert_true(utf8_valid(buf, n));
    for (size_t i = cap; i < sizeof buf; i++)
      assert_int_equal(buf[i], '#');
    /* no dangling backslash: the escapes are whole */
    size_t slashes = 0;
    for (size_t i = n; i > 0 && buf[i - 1] == '\\'; i--)
      slashes++;
    assert_int_equal(slashes % 2, 0);
    const char *u = strrchr(buf, 'u');
    if (u && u > buf && u[-1] == '\\')
      assert_true(strlen(u) >= 5);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid),
      cmocka_unit_test(test_sanitize),
      cmocka_unit_test(test_escape),
      cmocka_unit_test(test_escape_cut),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
