/* Unit tests for cursor encoding and decoding (internal/http/pagination.c). Found by
 * tests/fuzz/fuzz_cursor.c: a key of 125 to 127 bytes gave a cursor that ?cursor= then refused,
 * and a key over 136 bytes made pagination_cursor read past its stack buffer (the length
 * snprintf would have written was passed on as the length it wrote). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <ulfius.h>

#include "core/status.h"
#include "http/pagination.h"
#include "http/request.h"

static int parse_query(struct pagination *pg, const char *name, const char *value)
{
  struct _u_map query;
  struct _u_request u;
  char why[256] = "";
  memset(&u, 0, sizeof u);
  u_map_init(&query);
  u_map_put(&query, name, value);
  u.map_url = &query;
  struct http_req r = {.u = &u};
  int rc = pagination_parse(pg, &r, why, sizeof why);
  u_map_clean(&query);
  if (rc != PINS_OK) assert_true(why[0] != '\0');
  return rc;
}

static void key_of(char *key, size_t n)
{
  for (size_t i = 0; i < n; i++)
    key[i] = (char)('a' + i % 26);
  key[n] = '\0';
}

/* Every key a cursor can carry comes back unchanged, up to the longest. */
static void test_round_trip(void **state)
{
  static const size_t lengths[] = {1, 36, 124, 125, 126, PAGE_MAX_KEY};
  (void)state;
  for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
    char key[PAGE_MAX_KEY + 1], cursor[200];
    struct pagination pg;
    key_of(key, lengths[i]);
    assert_int_equal(pagination_cursor(cursor, sizeof cursor, key), PINS_OK);
    assert_int_equal(parse_query(&pg, "cursor", cursor), PINS_OK);
    assert_non_null(pg.after);
    assert_string_equal(pg.after, key);
    assert_int_equal(parse_query(&pg, "after", cursor), PINS_OK);
    assert_string_equal(pg.after, key);
  }
}

/* A key longer than a cursor carries is refused, not cut or read past (ASan: stack overflow). */
static void test_key_too_long(void **state)
{
  static const size_t lengths[] = {PAGE_MAX_KEY + 1, 137, 200, 1000};
  (void)state;
  for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
    char key[1001], cursor[200];
    memset(cursor, 'x', sizeof cursor);
    key_of(key, lengths[i]);
    assert_int_equal(pagination_cursor(cursor, sizeof cursor, key), PINS_EINVALID);
    assert_string_equal(cursor, "");
  }
}

/* Cursors not given out are refused: wrong tag, bad base64url, a NUL inside, too long. */
static void test_refused(void **state)
{
  static const char *const bad[] = {"", "a", "azE6", "@@@@", "azE6AA", "eDE6YWJj", "azE6YWJj!", NULL};
  struct pagination pg;
  char huge[400];
  (void)state;
  for (int i = 0; bad[i]; i++)
    if (bad[i][0]) /* an empty value counts as absent */
      assert_int_equal(parse_query(&pg, "cursor", bad[i]), PINS_EINVALID);
  memset(huge, 'A', sizeof huge - 1);
  huge[sizeof huge - 1] = '\0';
  assert_int_equal(parse_query(&pg, "cursor", huge), PINS_EINVALID);
  assert_int_equal(parse_query(&pg, "cursor", "azE6YWJj"), PINS_OK); /* "k1:abc" */
  assert_string_equal(pg.after, "abc");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_key_too_long),
      cmocka_unit_test(test_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
