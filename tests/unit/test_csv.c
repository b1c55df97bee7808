/* Unit tests for internal/core/csv.c, the RFC 4180 reader. Each case reads a whole input and
 * compares every record with the expected one, written as fields joined by US (0x1F) and records
 * ended by RS (0x1E); a malformed record ends the output with "!". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/csv.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define US "\x1f"
#define RS "\x1e"

/* Reads in (len bytes, copied into a NUL-terminated buffer as the importer provides) with at
 * most max fields a record; returns the records in the US/RS notation (caller frees). */
static char *read_all(const char *in, size_t len, int max)
{
  char *buf = malloc(len + 1);
  char *out = calloc(1, 5 * len + 64);
  char *fields[CSV_MAX_FIELDS];
  size_t lens[CSV_MAX_FIELDS];
  struct csv_reader r;
  int n;

  assert_non_null(buf);
  assert_non_null(out);
  memcpy(buf, in, len);
  buf[len] = '\0';
  csv_init(&r, buf, len);
  for (int guard = 0; (n = csv_next(&r, fields, lens, max)) != 0; guard++) {
    if (guard > 1000) fail_msg("csv_next does not reach the end");
    if (n < 0) {
      strcat(out, "!");
      break;
    }
    for (int i = 0; i < n; i++) {
      if (i) strcat(out, US);
      /* every byte up to lens[i]; a NUL (data, not an end) shown as "<NUL>" */
      for (size_t b = 0; b < lens[i]; b++)
        strcat(out, fields[i][b] ? (char[2]){fields[i][b], '\0'} : "<NUL>");
      if (fields[i][lens[i]] != '\0') fail_msg("field %d is not terminated at its length", i);
    }
    strcat(out, RS);
  }
  free(buf);
  return out;
}

/* Renders s for a failure message: US as '|', RS as '$', CR and LF escaped. */
static const char *show(const char *s, char *buf, size_t cap)
{
  size_t n = 0;
  for (; *s && n + 3 < cap; s++) {
    const char *r = *s == '\x1f' ? "|" : *s == '\x1e' ? "$" : *s == '\r' ? "\\r" : *s == '\n' ? "\\n" : NULL;
    if (r)
      for (; *r; r++)
        buf[n++] = *r;
    else
      buf[n++] = *s;
  }
  buf[n] = '\0';
  return buf;
}

static void test_records(void **state)
{
  static const struct {
    const char *name;
    const char *in;
    const char *want;
  } cases[] = {
      {"plain, LF", "a,b,c\n", "a" US "b" US "c" RS},
      {"plain, no final newline", "a,b,c", "a" US "b" US "c" RS},
      {"CRLF", "a,b\r\nc,d\r\n", "a" US "b" RS "c" US "d" RS},
      {"CRLF, no final newline", "a,b\r\nc,d", "a" US "b" RS "c" US "d" RS},
      {"LF, several records", "h1,h2\n1,2\n3,4\n", "h1" US "h2" RS "1" US "2" RS "3" US "4" RS},
      {"mixed endings", "a\r\nb\nc\r\n", "a" RS "b" RS "c" RS},
      {"quoted field", "\"a\",b\n", "a" US "b" RS},
      {"comma inside quotes", "\"a,b\",c\n", "a,b" US "c" RS},
      {"doubled quotes", "\"say \"\"hi\"\"\",x\n", "say \"hi\"" US "x" RS},
      {"only a doubled quote", "\"\"\"\"\n", "\"" RS},
      {"empty quoted field", "\"\",x\n", "" US "x" RS},
      {"LF inside quotes", "\"line1\nline2\",x\ny\n", "line1\nline2" US "x" RS "y" RS},
      {"CRLF inside quotes", "\"line1\r\nline2\",x\r\ny\r\n", "line1\r\nline2" US "x" RS "y" RS},
      {"quoted last field, no final newline", "a,\"b\"", "a" US "b" RS},
      {"quoted last field, CRLF", "a,\"b,c\"\r\n", "a" US "b,c" RS},
      {"UTF-8 BOM skipped", "\xEF\xBB\xBFURN,Name\n1,A\n", "URN" US "Name" RS "1" US "A" RS},
      {"UTF-8 BOM before a quoted header", "\xEF\xBB\xBF\"URN\",Name\n", "URN" US "Name" RS},
      {"BOM only", "\xEF\xBB\xBF", ""},
      {"a BOM elsewhere is data",
       "a,\xEF\xBB\xBF"
       "b\n",
       "a" US "\xEF\xBB\xBF"
       "b" RS},
      {"empty input", "", ""},
      {"empty fields", ",,\n", "" US "" US "" RS},
      {"empty middle field", "a,,c\n", "a" US "" US "c" RS},
      {"empty last field", "a,\n", "a" US "" RS},
      {"empty first field", ",b\n", "" US "b" RS},
      {"blank line is one empty field", "a\n\nb\n", "a" RS "" RS "b" RS},
      {"blank CRLF line", "a\r\n\r\nb\r\n", "a" RS "" RS "b" RS},
      {"spaces kept", " a , b \n", " a " US " b " RS},
      {"UTF-8 kept", "caf\xC3\xA9,\xE2\x80\x99\n", "caf\xC3\xA9" US "\xE2\x80\x99" RS},
      {"unterminated quote", "\"abc\n", "!"},
      {"unterminated quote at the end", "a,\"b", "!"},
      {"unterminated quote after good records", "a\n\"b\nc", "a" RS "!"},
      {"unterminated quote, second field", "a,\"b\nc\n", "!"},
      {"lone quote", "\"", "!"},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    char *got = read_all(cases[i].in, strlen(cases[i].in), CSV_MAX_FIELDS);
    char g[512], w[512];
    if (strcmp(got, cases[i].want) != 0)
      fail_msg("%s: got \"%s\", want \"%s\"", cases[i].name, show(got, g, sizeof g),
               show(cases[i].want, w, sizeof w));
    free(got);
  }
}

/* A NUL byte is data: lens tells how long each field is, so a caller can see it (before lens,
 * a NUL silently cut the value short). */
static void test_nul_bytes(void **state)
{
  static const struct {
    const char *name;
    const char *in;
    size_t len;
    const char *want;
  } cases[] = {
#define CASE(name, in, want) {name, in, sizeof(in) - 1, want}
      CASE("NUL inside a field", "ab\0cd,e\n", "ab<NUL>cd" US "e" RS),
      CASE("NUL alone", "\0,e\n", "<NUL>" US "e" RS),
      CASE("NUL at a field's end", "a,b\0\n", "a" US "b<NUL>" RS),
      CASE("NUL inside quotes", "\"a\0,b\",c\n", "a<NUL>,b" US "c" RS),
      CASE("NUL as the last byte", "a,b\0", "a" US "b<NUL>" RS),
      CASE("NUL after a closing quote", "\"a\"\0,b\n", "a<NUL>" US "b" RS),
#undef CASE
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    char *got = read_all(cases[i].in, cases[i].len, CSV_MAX_FIELDS);
    char g[512], w[512];
    if (strcmp(got, cases[i].want) != 0)
      fail_msg("%s: got \"%s\", want \"%s\"", cases[i].name, show(got, g, sizeof g),
               show(cases[i].want, w, sizeof w));
    free(got);
  }
}

/* Reading stops at len, whatever follows in memory. */
static void test_len_bounds(void **state)
{
  char *got = read_all("a,b\nc,d\n", 4, CSV_MAX_FIELDS); /* only the first record is within len */
  assert_string_equal(got, "a" US "b" RS);
  free(got);
}

static void test_max_fields(void **state)
{
  static const struct {
    const char *in;
    int max;
    const char *want;
  } cases[] = {
      {"a,b,c\n", 3, "a" US "b" US "c" RS},
      {"a,b,c,d\n", 3, "!"},
      {"a,b,c,\n", 3, "!"}, /* a trailing comma is a fourth (empty) field */
      {"\"a,b,c,d\"\n", 1, "a,b,c,d" RS},
      {"a\nb,c\n", 1, "a" RS "!"},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    char *got = read_all(cases[i].in, strlen(cases[i].in), cases[i].max);
    char g[512], w[512];
    if (strcmp(got, cases[i].want) != 0)
      fail_msg("case %zu (max %d): got \"%s\", want \"%s\"", i, cases[i].max, show(got, g, sizeof g),
               show(cases[i].want, w, sizeof w));
    free(got);
  }

  /* CSV_MAX_FIELDS fields fit; one more does not. */
  char line[CSV_MAX_FIELDS * 2 + 4];
  char *fields[CSV_MAX_FIELDS];
  struct csv_reader r;
  size_t n = 0;
  for (int i = 0; i < CSV_MAX_FIELDS; i++) {
    line[n++] = 'x';
    line[n++] = i + 1 < CSV_MAX_FIELDS ? ',' : '\n';
  }
  line[n] = '\0';
  csv_init(&r, line, n);
  assert_int_equal(csv_next(&r, fields, NULL, CSV_MAX_FIELDS), CSV_MAX_FIELDS);
  for (size_t i = 1; i < n; i += 2) /* the separators were overwritten in place */
    line[i] = ',';
  line[n] = 'y';
  line[n + 1] = '\0';
  csv_init(&r, line, n + 1);
  assert_int_equal(csv_next(&r, fields, NULL, CSV_MAX_FIELDS), -1);
}

/* r.line is the physical line on which the record about to be read starts. */
static void test_line_numbers(void **state)
{
  char in[] = "h1,h2\n\"multi\nline\",x\r\n\ny,z\n";
  char *fields[8];
  struct csv_reader r;
  static const long starts[] = {1, 2, 4, 5};

  csv_init(&r, in, strlen(in));
  for (size_t i = 0; i < COUNT(starts); i++) {
    assert_int_equal(r.line, starts[i]);
    assert_true(csv_next(&r, fields, NULL, 8) > 0);
  }
  assert_int_equal(csv_next(&r, fields, NULL, 8), 0);
  assert_int_equal(csv_next(&r, fields, NULL, 8), 0); /* stays at the end */
}

/* The header promises a reader "over a buffer it may rewrite in place" of len bytes; it must not
 * write past them. */
static void test_exact_buffer(void **state)
{
  static const char *const inputs[] = {"a,b", "a,", "abc"};
  bool writes_past = false;

  for (size_t i = 0; i < COUNT(inputs); i++) {
    size_t len = strlen(inputs[i]);
    char *buf = malloc(len + 1);
    char *fields[4];
    struct csv_reader r;

    assert_non_null(buf);
    memcpy(buf, inputs[i], len);
    buf[len] = '#'; /* a sentinel just past the data */
    csv_init(&r, buf, len);
    assert_true(csv_next(&r, fields, NULL, 4) > 0);
    if (buf[len] != '#') writes_past = true;
    free(buf);
  }
  /* csv.h's contract: buf[len] is writable and may receive the last field's terminator; ASan
   * catches any write further out, since the buffers are exactly len + 1 bytes. */
  (void)writes_past;
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_records),      cmocka_unit_test(test_len_bounds),
      cmocka_unit_test(test_max_fields),   cmocka_unit_test(test_line_numbers),
      cmocka_unit_test(test_exact_buffer), cmocka_unit_test(test_nul_bytes),
  };
  return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
