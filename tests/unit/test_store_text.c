/* Unit tests for store_copy_text (internal/store/db.c): a value handed back into a caller's
 * fixed array is copied whole or not at all, never cut short (issue 11: sizes restated as
 * numbers and silent truncation). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/status.h"
#include "store/db.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_copy_text(void **state)
{
  static const struct {
    const char *src;
    size_t cap;
    int status;
    const char *want;
  } cases[] = {
      {"open", STORE_STATUS_LEN, PINS_OK, "open"},
      {"", 1, PINS_OK, ""},
      {"831", STORE_CODE_LEN, PINS_OK, "831"},
      {"1234567", STORE_URN_LEN, PINS_OK, "1234567"},        /* cap - 1 characters fit */
      {"12345678", STORE_URN_LEN, PINS_ERROR, ""},           /* cap characters do not */
      {"100001", 4, PINS_ERROR, ""},                         /* a cut "100" would be another URN */
      {"open_proposed_to_close", 16, PINS_ERROR, ""},        /* the old status[16] would have cut it */
      {"open_proposed_to_close", STORE_STATUS_LEN, PINS_OK, "open_proposed_to_close"},
      {"2025-26-Q1", STORE_QUARTER_LEN, PINS_OK, "2025-26-Q1"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    char buf[64];
    memset(buf, 'x', sizeof buf);
    assert_true(cases[i].cap <= sizeof buf);
    if (store_copy_text(buf, cases[i].cap, cases[i].src) != cases[i].status)
      fail_msg("\"%s\" into %zu bytes: want status %d", cases[i].src, cases[i].cap, cases[i].status);
    assert_string_equal(buf, cases[i].want);
    for (size_t b = cases[i].cap; b < sizeof buf; b++) /* nothing written past cap */
      assert_int_equal(buf[b], 'x');
  }
  char none = 'x';
  assert_int_equal(store_copy_text(&none, 0, "a"), PINS_ERROR);
  assert_int_equal(none, 'x');
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_copy_text),
  };
  return cmocka_run_group_tests_name("store_text", tests, NULL, NULL);
}
