/* Unit tests for internal/domain/validate.c: calendar dates, scalar values per kind, and
 * validate_object reporting every fault at once as {pointer, detail}. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "domain/validate.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const colours[] = {"red", "green", "blue", NULL};

static bool is_upper3(const char *s)
{
  if (strlen(s) != 3) return false;
  for (; *s; s++)
    if (*s < 'A' || *s > 'Z') return false;
  return true;
}

/* A spec with one field of every kind. */
static const struct field_spec spec[] = {
    {.name = "code",
     .kind = FIELD_TEXT,
     .flags = FIELD_KEY,
     .max_len = 3,
     .format = is_upper3,
     .format_hint = "three capital letters"},
    {.name = "name", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 5},
    {.name = "count", .kind = FIELD_INT, .min = 1, .max = 10},
    {.name = "ok", .kind = FIELD_BOOL},
    {.name = "on", .kind = FIELD_DATE, .flags = FIELD_NULLABLE},
    {.name = "colour", .kind = FIELD_ENUM, .values = colours},
    {.name = "colours", .kind = FIELD_ENUM_SET, .values = colours},
    {0}};

/* ---- validate_is_date ---- */

static void test_is_date(void **state)
{
  static const struct {
    const char *s;
    bool ok;
  } cases[] = {
      {"2024-02-29", true},  /* leap year */
      {"2023-02-29", false}, /* not a leap year */
      {"2000-02-29", true},  /* divisible by 400 */
      {"1900-02-29", false}, /* divisible by 100, not 400 */
      {"2100-02-29", false},
      {"2023-02-28", true},
      {"2024-02-30", false},
      {"2024-04-30", true},
      {"2024-04-31", false}, /* 30-day month */
      {"2024-06-31", false},
      {"2024-09-31", false},
      {"2024-11-31", false},
      {"2024-01-31", true},
      {"2024-12-31", true},
      {"2024-13-01", false}, /* bad month */
      {"2024-00-10", false},
      {"2024-01-00", false}, /* bad day */
      {"2024-01-32", false},
      {"1900-01-01", true},
      {"2999-12-31", true},
      {"1899-12-31", false}, /* outside the years the service accepts */
      {"3000-01-01", false},
      {"2024-1-01", false}, /* wrong shapes */
      {"2024-01-1", false},
      {"24-01-01", false},
      {"2024/01/01", false},
      {"20240101", false},
      {"2024-01-01 ", false},
      {" 2024-01-01", false},
      {"2024-01-0a", false},
      {"2024--1-01", false},
      {"-024-01-01", false},
      {"+024-01-01", false},
      {"2024-01-01T00:00:00Z", false},
      {"01-01-2024", false},
      {"", false},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    if (validate_is_date(cases[i].s) != cases[i].ok)
      fail_msg("validate_is_date(\"%s\") should be %s", cases[i].s, cases[i].ok ? "true" : "false");
  }
}

/* ---- validate_text_value ---- */

static void test_text_value(void **state)
{
  static const struct field_spec plain = {.name = "t", .kind = FIELD_TEXT, .max_len = 5};
  static const struct field_spec signed_int = {.name = "n", .kind = FIELD_INT, .min = -10, .max = 10};
  const struct {
    const struct field_spec *spec;
    const char *value;
    bool ok;
  } cases[] = {
      /* FIELD_TEXT with a format */
      {&spec[0], "ABC", true},
      {&spec[0], "AB", false},
      {&spec[0], "abc", false},
      {&spec[0], "ABCD", false},
      {&spec[0], "", false},
      /* FIELD_TEXT: 1..max_len characters, counted in UTF-8 characters not bytes */
      {&plain, "a", true},
      {&plain, "abcde", true},
      {&plain, "abcdef", false},
      {&plain, "", false},
      {&plain, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", true},          /* five e-acute, ten bytes */
      {&plain, "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", false}, /* six */
      {&plain, "\xE2\x80\x99\xE2\x80\x99\xE2\x80\x99\xE2\x80\x99\xE2\x80\x99", true},
      /* FIELD_TEXT: only well-formed UTF-8 is measured; the old count skipped continuation bytes,
       * so that "a" and any run of them was one character (issue 11) */
      {&plain, "a\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80", false},
      {&plain, "\xC0\xAF", false},         /* overlong */
      {&plain, "\xED\xA0\x80", false},     /* surrogate */
      {&plain, "\xF4\x90\x80\x80", false}, /* above U+10FFFF */
      {&plain, "ab\xE2\x82", false},        /* cut short */
      {&plain, "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", true},
      /* FIELD_INT in [1, 10] */
      {&spec[2], "1", true},
      {&spec[2], "10", true},
      {&spec[2], "0", false},
      {&spec[2], "11", false},
      {&spec[2], "-1", false},
      {&spec[2], "", false},
      {&spec[2], "abc", false},
      {&spec[2], "1.5", false},
      {&spec[2], "5 ", false},
      {&spec[2], " 5", false},
      {&spec[2], "+5", false},
      {&spec[2], "5a", false},
      {&spec[2], "1e1", false},
      {&spec[2], "99999999999999999999", false}, /* would overflow long */
      /* FIELD_INT in [-10, 10] */
      {&signed_int, "-10", true},
      {&signed_int, "-5", true},
      {&signed_int, "0", true},
      {&signed_int, "-11", false},
      {&signed_int, "--5", false},
      {&signed_int, "5-", false},
      /* FIELD_BOOL */
      {&spec[3], "true", true},
      {&spec[3], "false", true},
      {&spec[3], "TRUE", false},
      {&spec[3], "1", false},
      {&spec[3], "yes", false},
      {&spec[3], "", false},
      /* FIELD_DATE */
      {&spec[4], "2024-02-29", true},
      {&spec[4], "2023-02-29", false},
      {&spec[4], "", false},
      /* FIELD_ENUM: exact, case-sensitive */
      {&spec[5], "red", true},
      {&spec[5], "blue", true},
      {&spec[5], "Red", false},
      {&spec[5], "re", false},
      {&spec[5], "reds", false},
      {&spec[5], "", false},
      /* FIELD_ENUM_SET: one value of the set */
      {&spec[6], "green", true},
      {&spec[6], "pink", false},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    if (validate_text_value(cases[i].spec, cases[i].value) != cases[i].ok)
      fail_msg("case %zu: validate_text_value(%s, \"%s\") should be %s", i, cases[i].spec->name,
               cases[i].value, cases[i].ok ? "true" : "false");
  }
}

static void test_text_value_lone_minus(void **state)
{
  /* BUG: validate_text_value accepts "-" as an integer (the digit loop starts after the sign and
   * sees nothing; atol("-") is 0), so any FIELD_INT whose range holds 0 takes "-" as 0.
   * Input: spec {FIELD_INT, min -10, max 10}, value "-". Latent today (no INT filter or key
   * has 0 in range) but wrong. */
  static const struct field_spec signed_int = {.name = "n", .kind = FIELD_INT, .min = -10, .max = 10};
  assert_false(validate_text_value(&signed_int, "-"));
}

/* ---- validate_list_values ---- */

static void test_list_values(void **state)
{
  static const char *const one[] = {"a", NULL};
  static const char *const two[] = {"a", "b", NULL};
  static const char *const none[] = {NULL};
  char buf[64];

  validate_list_values(buf, sizeof buf, one);
  assert_string_equal(buf, "a");
  validate_list_values(buf, sizeof buf, two);
  assert_string_equal(buf, "a or b");
  validate_list_values(buf, sizeof buf, colours);
  assert_string_equal(buf, "red, green or blue");
  validate_list_values(buf, sizeof buf, none);
  assert_string_equal(buf, "");

  /* A small buffer is cut short, NUL-terminated, and nothing after it is touched. */
  char small[16];
  memset(small, 'X', sizeof small);
  validate_list_values(small, 8, colours);
  assert_int_equal(strlen(small), 7);
  assert_memory_equal(small, "red, gr", 8);
  for (size_t i = 8; i < sizeof small; i++)
    assert_int_equal(small[i], 'X');

  /* The whole length comes back, as from snprintf, so that a cut list is seen (it was silent). */
  assert_int_equal(validate_list_values(small, 8, colours), strlen("red, green or blue"));
  assert_int_equal(validate_list_values(NULL, 0, colours), strlen("red, green or blue"));
}

/* A long list of allowed values is said whole in a 422, never cut at a fixed size (the detail
 * was built in 400 and 512-byte buffers). */
static void test_long_enum_detail(void **state)
{
  static char names[60][24];
  static const char *values[61];
  for (int i = 0; i < 60; i++) {
    snprintf(names[i], sizeof names[i], "value_%02d_long", i);
    values[i] = names[i];
  }
  values[60] = NULL;
  const struct field_spec fields[] = {{.name = "e", .kind = FIELD_ENUM, .values = values},
                                      {.name = "s", .kind = FIELD_ENUM_SET, .values = values},
                                      {0}};
  json_t *errors = json_array(), *obj = json_pack("{s:s, s:[s]}", "e", "nope", "s", "nope");
  assert_int_equal(validate_object(errors, obj, fields, false, ""), 2);
  for (size_t i = 0; i < 2; i++) {
    const char *detail = json_string_value(json_object_get(json_array_get(errors, i), "detail"));
    assert_non_null(detail);
    assert_non_null(strstr(detail, "value_00_long, "));
    assert_non_null(strstr(detail, "value_58_long or value_59_long"));
  }
  json_decref(obj);
  json_decref(errors);
}

/* ---- validate_object ---- */

#define MAX_FAULTS 10

struct object_case {
  const char *name;
  const char *json;
  bool key_optional;
  const char *prefix;
  /* every fault expected, as "pointer|detail"; the count must match too */
  const char *faults[MAX_FAULTS];
};

#define SET_DETAIL "must be a non-empty list without repeats, each one of red, green or blue"

static const struct object_case object_cases[] = {
    {"all fields valid",
     "{\"code\":\"ABC\",\"name\":\"x\",\"count\":3,\"ok\":true,\"on\":\"2024-02-29\",\"colour\":\"red\","
     "\"colours\":[\"red\",\"blue\"]}",
     false,
     "",
     {NULL}},
    {"only the required fields", "{\"code\":\"ABC\",\"name\":\"x\"}", false, "", {NULL}},
    {"nullable field null", "{\"code\":\"ABC\",\"name\":\"x\",\"on\":null}", false, "", {NULL}},
    {"every field wrong at once",
     "{\"code\":\"abc\",\"name\":\"\",\"count\":\"3\",\"ok\":\"yes\",\"on\":\"2023-02-29\",\"colour\":"
     "\"pink\","
     "\"colours\":[\"red\",\"red\"],\"extra\":1}",
     false,
     "",
     {"/extra|is not a known field", "/code|must be three capital letters", "/name|must be 1 to 5 characters",
      "/count|must be a whole number from 1 to 10", "/ok|must be true or false",
      "/on|must be a date written YYYY-MM-DD", "/colour|must be one of red, green or blue",
      "/colours|" SET_DETAIL}},
    {"missing required and key", "{}", false, "", {"/code|is required", "/name|is required"}},
    {"key optional: missing key is fine", "{}", true, "", {"/name|is required"}},
    {"key optional: present key still checked",
     "{\"code\":\"ab\",\"name\":\"x\"}",
     true,
     "",
     {"/code|must be three capital letters"}},
    {"null for required, key and optional fields",
     "{\"code\":null,\"name\":null,\"count\":null,\"ok\":null,\"colour\":null,\"colours\":null,\"on\":null}",
     false,
     "",
     {"/code|is required", "/name|is required", "/count|must not be null", "/ok|must not be null",
      "/colour|must not be null", "/colours|must not be null"}},
    {"null key when the key is optional",
     "{\"code\":null,\"name\":\"x\"}",
     true,
     "",
     {"/code|must not be null"}},
    {"unknown fields, each reported",
     "{\"code\":\"ABC\",\"name\":\"x\",\"a\":1,\"b\":null,\"c\":{}}",
     false,
     "",
     {"/a|is not a known field", "/b|is not a known field", "/c|is not a known field"}},
    {"wrong JSON types",
     "{\"code\":123,\"name\":[\"x\"],\"count\":3.0,\"ok\":1,\"on\":20240229,\"colour\":[\"red\"],\"colours\":"
     "\"red\"}",
     false,
     "",
     {"/code|must be a string", "/name|must be a string", "/count|must be a whole number from 1 to 10",
      "/ok|must be true or false", "/on|must be a date written YYYY-MM-DD",
      "/colour|must be one of red, green or blue", "/colours|" SET_DETAIL}},
    {"int out of range, low",
     "{\"code\":\"ABC\",\"name\":\"x\",\"count\":0}",
     false,
     "",
     {"/count|must be a whole number from 1 to 10"}},
    {"int out of range, high",
     "{\"code\":\"ABC\",\"name\":\"x\",\"count\":11}",
     false,
     "",
     {"/count|must be a whole number from 1 to 10"}},
    {"int at the bounds", "{\"code\":\"ABC\",\"name\":\"x\",\"count\":10}", false, "", {NULL}},
    {"enum set empty",
     "{\"code\":\"ABC\",\"name\":\"x\",\"colours\":[]}",
     false,
     "",
     {"/colours|" SET_DETAIL}},
    {"enum set with a repeat after others",
     "{\"code\":\"ABC\",\"name\":\"x\",\"colours\":[\"red\",\"green\",\"blue\",\"green\"]}",
     false,
     "",
     {"/colours|" SET_DETAIL}},
    {"enum set with a value outside",
     "{\"code\":\"ABC\",\"name\":\"x\",\"colours\":[\"red\",\"Red\"]}",
     false,
     "",
     {"/colours|" SET_DETAIL}},
    {"enum set with a non-string",
     "{\"code\":\"ABC\",\"name\":\"x\",\"colours\":[\"red\",1]}",
     false,
     "",
     {"/colours|" SET_DETAIL}},
    {"enum set with every value once",
     "{\"code\":\"ABC\",\"name\":\"x\",\"colours\":[\"blue\",\"green\",\"red\"]}",
     false,
     "",
     {NULL}},
    {"text length counts characters",
     "{\"code\":\"ABC\",\"name\":\"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\"}",
     false,
     "",
     {NULL}},
    {"text one character too long",
     "{\"code\":\"ABC\",\"name\":\"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\"}",
     false,
     "",
     {"/name|must be 1 to 5 characters"}},
    {"prefix on every pointer",
     "{\"code\":\"abc\",\"zzz\":true}",
     false,
     "/items/2",
     {"/items/2/zzz|is not a known field", "/items/2/code|must be three capital letters",
      "/items/2/name|is required"}},
    {"NULL prefix is the root",
     "{\"zzz\":true}",
     true,
     NULL,
     {"/zzz|is not a known field", "/name|is required"}},
    {"not an object", "[1,2]", false, "", {"|must be a JSON object"}},
    {"not an object under a prefix", "\"text\"", false, "/items/0", {"/items/0|must be a JSON object"}},
    {"null instead of an object", "null", false, "", {"|must be a JSON object"}},
};

/* Checks errors against want (as "pointer|detail"), in any order, each exactly once. */
static void expect_faults(const char *name, json_t *errors, const char *const *want, size_t max)
{
  size_t nwant = 0;
  while (nwant < max && want[nwant])
    nwant++;
  bool used[MAX_FAULTS * 2] = {false};
  size_t i;
  json_t *e;

  json_array_foreach(errors, i, e)
  {
    char got[600];
    const char *ptr = json_string_value(json_object_get(e, "pointer"));
    const char *detail = json_string_value(json_object_get(e, "detail"));
    size_t j;

    if (!ptr || !detail) fail_msg("%s: fault %zu lacks pointer or detail", name, i);
    snprintf(got, sizeof got, "%s|%s", ptr, detail);
    for (j = 0; j < nwant; j++)
      if (!used[j] && strcmp(want[j], got) == 0) break;
    if (j == nwant) fail_msg("%s: unexpected fault \"%s\"", name, got);
    used[j] = true;
  }
  for (size_t j = 0; j < nwant; j++)
    if (!used[j]) fail_msg("%s: missing fault \"%s\"", name, want[j]);
}

static void test_object(void **state)
{
  for (size_t i = 0; i < COUNT(object_cases); i++) {
    const struct object_case *c = &object_cases[i];
    json_error_t jerr;
    json_t *obj = json_loads(c->json, JSON_DECODE_ANY, &jerr);
    json_t *errors = json_array();
    size_t nwant = 0;

    if (!obj) fail_msg("%s: bad test JSON: %s", c->name, jerr.text);
    while (nwant < MAX_FAULTS && c->faults[nwant])
      nwant++;
    int faults = validate_object(errors, obj, spec, c->key_optional, c->prefix);
    if ((size_t)faults != nwant || json_array_size(errors) != nwant)
      fail_msg("%s: %d faults returned, %zu appended, %zu expected", c->name, faults, json_array_size(errors),
               nwant);
    expect_faults(c->name, errors, c->faults, MAX_FAULTS);
    json_decref(obj);
    json_decref(errors);
  }
}

/* Faults are appended to what the array already holds (a handler may validate several parts). */
static void test_object_appends(void **state)
{
  json_t *errors = json_pack("[{s:s, s:s}]", "pointer", "/earlier", "detail", "kept");
  json_t *obj = json_pack("{s:i}", "count", 99);

  assert_int_equal(validate_object(errors, obj, spec, false, ""), 3);
  assert_int_equal(json_array_size(errors), 4);
  assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "pointer")), "/earlier");
  json_decref(obj);
  json_decref(errors);
}

/* A JSON pointer must escape "~" as "~0" and "/" as "~1" (RFC 6901 section 3). */
static void test_object_pointer_escaping(void **state)
{
  json_t *errors = json_array();
  json_t *obj = json_pack("{s:s, s:s, s:i, s:i}", "code", "ABC", "name", "x", "a/b", 1, "m~n", 2);
  const char *const want[] = {"/a~1b|is not a known field", "/m~0n|is not a known field", NULL};
  size_t i;
  json_t *e;
  bool escaped = true;

  assert_int_equal(validate_object(errors, obj, spec, false, ""), 2);
  json_array_foreach(errors, i, e)
  {
    const char *ptr = json_string_value(json_object_get(e, "pointer"));
    if (strcmp(ptr, "/a~1b") != 0 && strcmp(ptr, "/m~0n") != 0) escaped = false;
  }
  assert_true(escaped);
  expect_faults("pointer escaping", errors, want, 3);
  json_decref(obj);
  json_decref(errors);
}

/* validate_utf8_length counts code points of well-formed UTF-8 and says SIZE_MAX otherwise. */
static void test_utf8_length(void **state)
{
  assert_int_equal(validate_utf8_length(""), 0);
  assert_int_equal(validate_utf8_length("caf\xC3\xA9"), 4);
  assert_int_equal(validate_utf8_length("\xF0\x9F\x98\x80"), 1);
  assert_true(validate_utf8_length("a\x80\x80\x80") == SIZE_MAX);
  assert_true(validate_utf8_length("\xE0\x80\x80") == SIZE_MAX);
}

/* A pointer is never cut short, however long the member's name: a cut one named another member,
 * and a cut inside a UTF-8 sequence made Jansson drop the fault altogether. */
static void test_object_long_member_name(void **state)
{
  char name[1200];
  size_t n = 0;
  for (int i = 0; i < 399; i++) { /* 399 x "/" and then "\xC3\xA9": the old 256-byte pointer cut it */
    name[n++] = i % 2 ? '/' : 'x';
  }
  memcpy(name + n, "\xC3\xA9", 3);
  n += 2;
  name[n] = '\0';
  json_t *errors = json_array();
  json_t *obj = json_pack("{s:s, s:s, s:i}", "code", "ABC", "name", "x", name, 1);
  assert_non_null(obj);
  assert_int_equal(validate_object(errors, obj, spec, false, "/items/0"), 1);
  assert_int_equal(json_array_size(errors), 1);
  const char *ptr = json_string_value(json_object_get(json_array_get(errors, 0), "pointer"));
  assert_non_null(ptr);
  assert_int_equal(strlen(ptr), strlen("/items/0/") + 200 + 2 * 199 + 2);
  assert_string_equal(ptr + strlen(ptr) - 2, "\xC3\xA9");
  json_decref(obj);
  json_decref(errors);
}

/* Found by tests/fuzz/fuzz_validate.c: the pointer was cut at 256 bytes, so a long unknown field
 * name could be cut inside a UTF-8 character; Jansson refused the string and the fault was lost
 * (validate_object counted one fault and reported none: a 422 with an empty errors list). The
 * pointer now names the whole member, escaped, whatever its length. */
static void test_object_long_field_name(void **state)
{
  static const size_t lengths[] = {200, 251, 252, 253, 254, 255, 300, 5000};
  for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
    size_t n = lengths[i];
    char *name = malloc(n + 3), *want = malloc(2 * n + 8);
    memset(name, 'a', n);
    memcpy(name + n, "\xc3\xa9", 3); /* "é" after n bytes of ASCII */
    name[n / 2] = '/';
    snprintf(want, 2 * n + 8, "/%.*s~1%s", (int)(n / 2), name, name + n / 2 + 1);
    json_t *errors = json_array();
    json_t *obj = json_pack("{s:s, s:s, s:i}", "code", "ABC", "name", "x", name, 1);
    assert_int_equal(validate_object(errors, obj, spec, false, ""), 1);
    assert_int_equal(json_array_size(errors), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "pointer")), want);
    json_decref(obj);
    json_decref(errors);
    free(name);
    free(want);
  }
  (void)state;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_is_date),
      cmocka_unit_test(test_text_value),
      cmocka_unit_test(test_text_value_lone_minus),
      cmocka_unit_test(test_list_values),
      cmocka_unit_test(test_object),
      cmocka_unit_test(test_object_appends),
      cmocka_unit_test(test_object_pointer_escaping),
      cmocka_unit_test(test_utf8_length),
      cmocka_unit_test(test_long_enum_detail),
      cmocka_unit_test(test_object_long_member_name),
      cmocka_unit_test(test_object_long_field_name),
  };
  return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
