/* Unit tests for internal/domain/audit.c: which ?from= / ?to= values GET /v1/audit takes as RFC 3339
 * date-times (everything it passes on, PostgreSQL must read as timestamptz). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/audit.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
  const char *text;
  bool ok;
} cases[] = {
    {"2025-04-01T00:00:00Z", true},
    {"2025-04-01t09:30:00z", true},
    {"2025-04-01T09:30:00.5Z", true},
    {"2025-04-01T09:30:00.123456789+01:00", true},
    {"2025-04-01T09:30:00-05:30", true},
    {"2024-02-29T23:59:59Z", true},  /* a leap day */
    {"2000-02-29T00:00:00Z", true},  /* divisible by 400 */
    {"2016-12-31T23:59:60Z", true},  /* a leap second */
    {"2025-02-29T00:00:00Z", false}, /* not a leap year */
    {"1900-02-29T00:00:00Z", false}, /* divisible by 100 only */
    {"2025-04-31T00:00:00Z", false},
    {"2025-13-01T00:00:00Z", false},
    {"2025-00-01T00:00:00Z", false},
    {"0000-01-01T00:00:00Z", false},
    {"2025-04-01T24:00:00Z", false},
    {"2025-04-01T23:60:00Z", false},
    {"2025-04-01T23:59:61Z", false},
    {"2025-04-01T09:30:00", false},         /* no offset */
    {"2025-04-01 09:30:00Z", false},        /* a space for T */
    {"2025-04-01", false},                  /* a date */
    {"2025-04-01T09:30:00+0100", false},    /* offset without colon */
    {"2025-04-01T09:30:00+24:00", false},
    {"2025-04-01T09:30:00+01:60", false},
    {"2025-04-01T09:30:00.Z", false},       /* empty fraction */
    {"2025-04-01T09:30:00.1234567890Z", false},
    {"2025-04-01T09:30:00Zjunk", false},
    {"2025-4-01T09:30:00Z", false},
    {"+2025-04-01T09:30:00Z", false},
    {"yesterday", false},
    {"", false},
};

static void test_timestamps(void **state)
{
  (void)state;
  for (size_t i = 0; i < COUNT(cases); i++) {
    if (audit_is_timestamp(cases[i].text) != cases[i].ok)
      fail_msg("%s: expected %s", cases[i].text, cases[i].ok ? "accepted" : "refused");
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_timestamps)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
