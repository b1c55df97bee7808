/* Unit tests for the parsing half of internal/domain/school_import.c: small in-memory GIAS
 * "edubasealldata" CSVs (UTF-8 and Windows-1252) and JSON arrays. No database: school_import_run
 * is not called. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/status.h"
#include "domain/school_import.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* GIAS column names, in an order of our own and among columns the importer ignores. */
#define HEADER                                                                                               \
  "URN,LA (code),LA (name),EstablishmentNumber,EstablishmentName,TypeOfEstablishment (name),"                \
  "EstablishmentStatus (name),PhaseOfEducation (name),OpenDate,CloseDate\r\n"
#define ROW(urn, name, type, status, phase, open, close)                                                     \
  urn ",831,Derby,2001," name "," type "," status "," phase "," open "," close "\r\n"
#define GOOD(urn) ROW(urn, "Ashdown Primary School", "Community school", "Open", "Primary", "01-09-2010", "")

static int parse(struct school_batch *b, const char *csv, size_t len, bool cp1252, json_t *errors, char *why,
                 size_t cap)
{
  return school_import_parse_csv(b, csv, len, cp1252, errors, why, cap);
}

static void test_parse_rows(void **state)
{
  static const char csv[] = HEADER GOOD("100001")
      ROW("100002", "Brook Special School", "Community special school", "\"Open, but proposed to close\"",
          "Not applicable", "15-01-1975", "31-08-2025")
          ROW("100003", "\"The Bridge, PRU\"", "Pupil referral unit", "Proposed to open", "Secondary", "", "")
              ROW("100004", "Old School", "Voluntary aided school", "Closed", "16 plus", "29-02-2000",
                  "29-02-2000");
  struct school_batch b;
  json_t *errors = json_array();
  char why[256] = "";

  assert_int_equal(parse(&b, csv, sizeof csv - 1, false, errors, why, sizeof why), PINS_OK);
  if (json_array_size(errors)) fail_msg("unexpected faults: %s", json_dumps(errors, JSON_COMPACT));
  assert_int_equal(b.received, 4);
  assert_int_equal(b.n, 4);

  const struct school_row *r = &b.rows[0];
  assert_int_equal(r->row, 1);
  assert_int_equal(r->urn, 100001);
  assert_string_equal(r->name, "Ashdown Primary School");
  assert_string_equal(r->la_code, "831");
  assert_string_equal(r->phase, "primary");
  assert_string_equal(r->type, "Community school");
  assert_string_equal(r->status, "open");
  assert_string_equal(r->valid_from, "2010-09-01"); /* dd-mm-yyyy converted */
  assert_null(r->valid_to);
  assert_true(r->mainstream);

  r = &b.rows[1];
  assert_int_equal(r->row, 2);
  assert_int_equal(r->urn, 100002);
  assert_string_equal(r->phase, "not_applicable");
  assert_string_equal(r->status, "open_proposed_to_close");
  assert_string_equal(r->valid_from, "1975-01-15");
  assert_string_equal(r->valid_to, "2025-08-31");
  assert_false(r->mainstream); /* special school */

  r = &b.rows[2];
  assert_string_equal(r->name, "The Bridge, PRU");
  assert_string_equal(r->phase, "secondary");
  assert_string_equal(r->status, "proposed_to_open");
  assert_string_equal(r->valid_from, "1900-01-01"); /* no OpenDate */
  assert_null(r->valid_to);
  assert_false(r->mainstream); /* pupil referral unit */

  r = &b.rows[3];
  assert_string_equal(r->phase, "sixteen_plus");
  assert_string_equal(r->status, "closed");
  assert_string_equal(r->valid_from, "2000-02-29");
  assert_string_equal(r->valid_to, "2000-02-29"); /* closing on the day it opened is allowed */
  assert_true(r->mainstream);

  school_batch_free(&b);
  json_decref(errors);
}

/* The same school in Windows-1252 (GIAS's own download) and in UTF-8, with and without a BOM and
 * with LF endings; all give the same UTF-8 name. */
static void test_encodings(void **state)
{
  static const struct {
    const char *name;
    const char *csv;
    bool cp1252;
  } cases[] = {
      {"Windows-1252",
       HEADER ROW("100001", "St Mary\x92s C of E School", "Voluntary controlled school", "Open", "Primary",
                  "01-09-1960", ""),
       true},
      {"UTF-8",
       HEADER ROW("100001", "St Mary\xE2\x80\x99s C of E School", "Voluntary controlled school", "Open",
                  "Primary", "01-09-1960", ""),
       false},
      {"UTF-8 with BOM",
       "\xEF\xBB\xBF" HEADER ROW("100001", "St Mary\xE2\x80\x99s C of E School",
                                 "Voluntary controlled school", "Open", "Primary", "01-09-1960", ""),
       false},
      {"UTF-8, LF endings",
       "URN,LA (code),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
       "PhaseOfEducation (name),OpenDate\n100001,831,St Mary\xE2\x80\x99s C of E School,"
       "Voluntary controlled school,Open,Primary,01-09-1960\n",
       false},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    struct school_batch b;
    json_t *errors = json_array();
    char why[256] = "";

    if (parse(&b, cases[i].csv, strlen(cases[i].csv), cases[i].cp1252, errors, why, sizeof why) != PINS_OK)
      fail_msg("%s: %s", cases[i].name, why);
    assert_int_equal(json_array_size(errors), 0);
    assert_int_equal(b.n, 1);
    assert_string_equal(b.rows[0].name, "St Mary\xE2\x80\x99s C of E School");
    assert_string_equal(b.rows[0].valid_from, "1960-09-01");
    assert_true(b.rows[0].mainstream);
    school_batch_free(&b);
    json_decref(errors);
  }
}

/* A body that cannot be imported at all: PINS_EINVALID and a sentence naming what is missing. */
static void test_unimportable(void **state)
{
  static const char *const required[] = {"URN",
                                         "LA (code)",
                                         "EstablishmentName",
                                         "TypeOfEstablishment (name)",
                                         "PhaseOfEducation (name)",
                                         "EstablishmentStatus (name)"};
  static const char *const all_cols[] = {"URN",
                                         "LA (code)",
                                         "EstablishmentName",
                                         "TypeOfEstablishment (name)",
                                         "PhaseOfEducation (name)",
                                         "EstablishmentStatus (name)",
                                         "OpenDate",
                                         "CloseDate"};

  /* Each required column left out in turn. */
  for (size_t drop = 0; drop < COUNT(required); drop++) {
    char csv[512] = "";
    struct school_batch b;
    json_t *errors = json_array();
    char why[256] = "", want[64];

    for (size_t c = 0; c < COUNT(all_cols); c++) {
      if (strcmp(all_cols[c], required[drop]) == 0) continue;
      if (csv[0]) strcat(csv, ",");
      strcat(csv, all_cols[c]);
    }
    strcat(csv, "\r\n100001,831,A,B,C,D,E\r\n");
    assert_int_equal(parse(&b, csv, strlen(csv), false, errors, why, sizeof why), PINS_EINVALID);
    snprintf(want, sizeof want, "\"%s\"", required[drop]);
    if (!strstr(why, want)) fail_msg("without %s: why \"%s\" does not name it", required[drop], why);
    school_batch_free(&b);
    json_decref(errors);
  }

  static const struct {
    const char *name, *csv, *why;
  } cases[] = {
      {"empty body", "", "no header"},
      {"BOM only", "\xEF\xBB\xBF", "no header"},
      {"unterminated quote in the header", "\"URN,LA (code)\n", "no header"},
      {"header only", HEADER, "no data rows"},
      {"header and blank lines", HEADER "\r\n\r\n", "no data rows"},
      {"column names are case-sensitive",
       "urn,LA (code),EstablishmentName,TypeOfEstablishment (name),"
       "PhaseOfEducation (name),EstablishmentStatus (name)\n1,2,3,4,5,6\n",
       "\"URN\""},
      {"not a CSV at all", "{\"urn\":100001}", "\"URN\""},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    struct school_batch b;
    json_t *errors = json_array();
    char why[256] = "";

    if (parse(&b, cases[i].csv, strlen(cases[i].csv), false, errors, why, sizeof why) != PINS_EINVALID)
      fail_msg("%s: accepted", cases[i].name);
    if (!strstr(why, cases[i].why)) fail_msg("%s: why \"%s\" lacks \"%s\"", cases[i].name, why, cases[i].why);
    school_batch_free(&b);
    json_decref(errors);
  }
}

/* Rows with faults are skipped and reported as {row, pointer, detail}; good rows still count. */
#define MAX_FAULTS 8
struct fault {
  long row;
  const char *pointer;
};

static void test_row_faults(void **state)
{
  static const struct {
    const char *name;
    const char *rows; /* after HEADER */
    long received;
    size_t good;
    struct fault faults[MAX_FAULTS];
  } cases[] = {
      {"URN not a number",
       ROW("abc", "A", "Community school", "Open", "Primary", "", ""),
       1,
       0,
       {{1, "/URN"}}},
      {"URN too short",
       ROW("99999", "A", "Community school", "Open", "Primary", "", ""),
       1,
       0,
       {{1, "/URN"}}},
      {"URN too long",
       ROW("1000000", "A", "Community school", "Open", "Primary", "", ""),
       1,
       0,
       {{1, "/URN"}}},
      {"URN empty", ROW("", "A", "Community school", "Open", "Primary", "", ""), 1, 0, {{1, "/URN"}}},
      {"name empty",
       ROW("100001", "", "Community school", "Open", "Primary", "", ""),
       1,
       0,
       {{1, "/EstablishmentName"}}},
      {"type empty",
       ROW("100001", "A", "", "Open", "Primary", "", ""),
       1,
       0,
       {{1, "/TypeOfEstablishment (name)"}}},
      {"unknown phase",
       ROW("100001", "A", "Community school", "Open", "Tertiary", "", ""),
       1,
       0,
       {{1, "/PhaseOfEducation (name)"}}},
      {"unknown status",
       ROW("100001", "A", "Community school", "Shut", "Primary", "", ""),
       1,
       0,
       {{1, "/EstablishmentStatus (name)"}}},
      {"ISO OpenDate is not GIAS's",
       ROW("100001", "A", "Community school", "Open", "Primary", "2010-09-01", ""),
       1,
       0,
       {{1, "/OpenDate"}}},
      {"OpenDate 31 February",
       ROW("100001", "A", "Community school", "Open", "Primary", "31-02-2010", ""),
       1,
       0,
       {{1, "/OpenDate"}}},
      {"OpenDate 29 February, not a leap year",
       ROW("100001", "A", "Community school", "Open", "Primary", "29-02-2011", ""),
       1,
       0,
       {{1, "/OpenDate"}}},
      {"OpenDate d-m-yyyy",
       ROW("100001", "A", "Community school", "Open", "Primary", "1-9-2010", ""),
       1,
       0,
       {{1, "/OpenDate"}}},
      {"CloseDate bad",
       ROW("100001", "A", "Community school", "Closed", "Primary", "01-09-2010", "31/08/2020"),
       1,
       0,
       {{1, "/CloseDate"}}},
      {"CloseDate before OpenDate",
       ROW("100001", "A", "Community school", "Closed", "Primary", "01-09-2010", "31-08-2010"),
       1,
       0,
       {{1, "/CloseDate"}}},
      {"every fault in one row",
       ROW("x", "", "", "Shut", "Tertiary", "2010", "2020"),
       1,
       0,
       {{1, "/URN"},
        {1, "/EstablishmentName"},
        {1, "/TypeOfEstablishment (name)"},
        {1, "/PhaseOfEducation (name)"},
        {1, "/EstablishmentStatus (name)"},
        {1, "/OpenDate"},
        {1, "/CloseDate"}}},
      {"faults among good rows, numbered by data row",
       GOOD("100001") ROW("1", "A", "Community school", "Open", "Primary", "", "") GOOD("100003")
           ROW("100004", "B", "Community school", "Open", "Nope", "", ""),
       4,
       2,
       {{2, "/URN"}, {4, "/PhaseOfEducation (name)"}}},
      {"repeated URN",
       GOOD("100001") GOOD("100002") GOOD("100001") GOOD("100001"),
       4,
       2,
       {{3, "/URN"}, {4, "/URN"}}},
      {"a faulty row does not claim its URN",
       ROW("100001", "", "Community school", "Open", "Primary", "", "") GOOD("100001"),
       2,
       1,
       {{1, "/EstablishmentName"}}},
      {"too few fields", GOOD("100001") "100002,831,Derby\r\n" GOOD("100003"), 3, 2, {{2, ""}}},
      {"too many fields",
       GOOD("100001") "100002,831,Derby,2001,A,Community school,Open,Primary,,,extra\r\n",
       2,
       1,
       {{2, ""}}},
      {"blank lines are not rows", "\r\n" GOOD("100001") "\r\n\r\n" GOOD("100002") "\r\n", 2, 2, {{0, NULL}}},
      {"unterminated quote stops the import",
       GOOD("100001") "100002,831,\"Derby\r\n" GOOD("100003"),
       2,
       1,
       {{2, ""}}},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    char csv[2048];
    struct school_batch b;
    json_t *errors = json_array();
    char why[256] = "";
    size_t nwant = 0, k;
    json_t *e;
    bool used[MAX_FAULTS] = {false};

    snprintf(csv, sizeof csv, "%s%s", HEADER, cases[i].rows);
    while (nwant < MAX_FAULTS && cases[i].faults[nwant].pointer)
      nwant++;
    if (parse(&b, csv, strlen(csv), false, errors, why, sizeof why) != PINS_OK)
      fail_msg("%s: refused: %s", cases[i].name, why);
    if (b.received != cases[i].received || b.n != cases[i].good)
      fail_msg("%s: received %ld, good %zu; want %ld, %zu", cases[i].name, b.received, b.n, cases[i].received,
               cases[i].good);
    if (json_array_size(errors) != nwant)
      fail_msg("%s: %zu faults, want %zu: %s", cases[i].name, json_array_size(errors), nwant,
               json_dumps(errors, JSON_COMPACT));
    json_array_foreach(errors, k, e)
    {
      long row = (long)json_integer_value(json_object_get(e, "row"));
      const char *ptr = json_string_value(json_object_get(e, "pointer"));
      const char *detail = json_string_value(json_object_get(e, "detail"));
      size_t j;

      if (!ptr || !detail || !*detail) fail_msg("%s: fault %zu lacks a pointer or detail", cases[i].name, k);
      for (j = 0; j < nwant; j++)
        if (!used[j] && cases[i].faults[j].row == row && strcmp(cases[i].faults[j].pointer, ptr) == 0) break;
      if (j == nwant)
        fail_msg("%s: unexpected fault row %ld at \"%s\" (%s)", cases[i].name, row, ptr, detail);
      used[j] = true;
    }
    for (size_t r = 0; r < b.n; r++) /* no repeated URN reaches the batch */
      for (size_t q = 0; q < r; q++)
        assert_int_not_equal(b.rows[r].urn, b.rows[q].urn);
    school_batch_free(&b);
    json_decref(errors);
  }
}

static void test_repeat_detail(void **state)
{
  static const char csv[] = HEADER GOOD("100001") GOOD("100002") GOOD("100001");
  struct school_batch b;
  json_t *errors = json_array();
  char why[256] = "";

  assert_int_equal(parse(&b, csv, sizeof csv - 1, false, errors, why, sizeof why), PINS_OK);
  assert_int_equal(json_array_size(errors), 1);
  json_t *e = json_array_get(errors, 0);
  assert_int_equal(json_integer_value(json_object_get(e, "row")), 3);
  assert_string_equal(json_string_value(json_object_get(e, "pointer")), "/URN");
  assert_string_equal(json_string_value(json_object_get(e, "detail")), "repeats the URN of row 1");
  assert_int_equal(b.rows[0].row, 1);
  assert_int_equal(b.rows[1].row, 2);
  school_batch_free(&b);
  json_decref(errors);
}

static void test_too_many_rows(void **state)
{
  const long limits[] = {SCHOOL_IMPORT_MAX_ROWS, SCHOOL_IMPORT_MAX_ROWS + 1};

  for (size_t t = 0; t < COUNT(limits); t++) {
    size_t cap = (size_t)limits[t] * 64 + 512, n;
    char *csv = malloc(cap);
    struct school_batch b;
    json_t *errors = json_array();
    char why[256] = "";

    assert_non_null(csv);
    n = (size_t)snprintf(csv, cap, "%s", HEADER);
    for (long r = 0; r < limits[t]; r++)
      n += (size_t)snprintf(csv + n, cap - n, "%ld,831,D,1,S,Community school,Open,Primary,,\n", 100000 + r);
    int rc = parse(&b, csv, n, false, errors, why, sizeof why);
    if (t == 0) {
      assert_int_equal(rc, PINS_OK);
      assert_int_equal(b.n, SCHOOL_IMPORT_MAX_ROWS);
    } else {
      assert_int_equal(rc, PINS_EINVALID);
      assert_non_null(strstr(why, "at most 100000 rows"));
    }
    school_batch_free(&b);
    json_decref(errors);
    free(csv);
  }
}

/* An HTTP body may hold a NUL byte; the UTF-8 path must not read past its copy of the body. */
static void test_nul_in_utf8_body(void **state)
{
  /* BUG (fixed): school_import_parse_csv copied a UTF-8 body with strndup(body, len), which stops
   * at the first NUL, then read the copy with the original len (ASan: heap-buffer-overflow in
   * csv_next). BUG (fixed, issue 11): the NUL then cut the field short silently ("" here was
   * taken as an empty EstablishmentName; elsewhere a value lost its tail). Now the field is a
   * row fault at its column, and the rows after it are read as usual. */
  char csv[2048];
  size_t n = (size_t)snprintf(csv, sizeof csv, "%s", HEADER "100001,831,Derby,2001,");
  csv[n++] = '\0';
  n += (size_t)snprintf(csv + n, sizeof csv - n, "%s", "Ashdown Primary School,Community school,Open,Primary,,\r\n");
  for (int r = 0; r < 4; r++)
    n += (size_t)snprintf(csv + n, sizeof csv - n, "%s", GOOD("100002"));
  struct school_batch b;
  json_t *errors = json_array();
  char why[256] = "";
  assert_int_equal(parse(&b, csv, n, false, errors, why, sizeof why), PINS_OK);
  assert_int_equal(b.received, 5);
  assert_int_equal(b.n, 1);
  json_t *e = json_array_get(errors, 0);
  assert_int_equal(json_integer_value(json_object_get(e, "row")), 1);
  assert_string_equal(json_string_value(json_object_get(e, "pointer")), "/EstablishmentName");
  assert_non_null(strstr(json_string_value(json_object_get(e, "detail")), "NUL"));
  school_batch_free(&b);
  json_decref(errors);
}

/* Appends len bytes to a growing CSV (the tests below build fields no literal could hold). */
struct text {
  char *p;
  size_t n;
};

static void put(struct text *t, const char *s, size_t len)
{
  t->p = realloc(t->p, t->n + len + 1);
  assert_non_null(t->p);
  memcpy(t->p + t->n, s, len);
  t->n += len;
  t->p[t->n] = '\0';
}

static void put_repeat(struct text *t, const char *s, size_t len, size_t times)
{
  for (size_t i = 0; i < times; i++)
    put(t, s, len);
}

#define PUT(t, lit) put(t, lit, sizeof(lit) - 1)

/* Bytes a field may not hold, in UTF-8 and Windows-1252 bodies: each is a fault of its row at its
 * column (never a refusal of the whole file, never a crash), and the good row beside it stays.
 * Before issue 11 the UTF-8 path checked nothing: continuation bytes were not counted by the
 * length check and overflowed the COPY line buffer; ill-formed UTF-8 reached PostgreSQL (500); a
 * NUL cut the value short. */
static void test_hostile_bytes(void **state)
{
  static const struct {
    const char *name;
    bool cp1252;
    const char *lead;  /* the row up to the field under test (after HEADER) */
    const char *bytes; /* the field, bytes_len long, repeated times */
    size_t bytes_len, times;
    const char *tail; /* the rest of the row */
    const char *pointer;
  } cases[] = {
#define NAME_AT "100002,831,Derby,2001,"
#define NAME_REST ",Community school,Open,Primary,,\r\n"
#define CASE(name, cp, bytes, times, ptr) {name, cp, NAME_AT "A", bytes, sizeof(bytes) - 1, times, NAME_REST, ptr}
      CASE("3,000 continuation bytes", false, "\x80", 3000, "/EstablishmentName"),
      CASE("20,000 continuation bytes", false, "\x80", 20000, "/EstablishmentName"),
      CASE("overlong C0 AF", false, "\xC0\xAF", 1, "/EstablishmentName"),
      CASE("overlong E0 80 80", false, "\xE0\x80\x80", 1, "/EstablishmentName"),
      CASE("overlong F0 8F BF BF", false, "\xF0\x8F\xBF\xBF", 1, "/EstablishmentName"),
      CASE("surrogate ED A0 80", false, "\xED\xA0\x80", 1, "/EstablishmentName"),
      CASE("above U+10FFFF", false, "\xF4\x90\x80\x80", 1, "/EstablishmentName"),
      CASE("byte FF", false, "\xFF", 1, "/EstablishmentName"),
      CASE("truncated at the field's end", false, "\xE2\x82", 1, "/EstablishmentName"),
      CASE("NUL (UTF-8)", false, "\0", 1, "/EstablishmentName"),
      CASE("NUL (Windows-1252)", true, "\0", 1, "/EstablishmentName"),
      CASE("201 code points of four bytes", false, "\xF0\x9F\x98\x80", 200, "/EstablishmentName"),
      CASE("201 code points (Windows-1252, each three bytes in UTF-8)", true, "\x80", 200, "/EstablishmentName"),
#undef CASE
      {"bad UTF-8 in an ignored column", false, "100002,831,", "Der\xC0\xAF" "by", 7, 1,
       ",2001,A,Community school,Open,Primary,,\r\n", "/LA (name)"},
      {"NUL in the URN", false, "", "1000\0" "02", 7, 1, ",831,Derby,2001,A,Community school,Open,Primary,,\r\n",
       "/URN"},
      {"NUL in a date", false, "100002,831,Derby,2001,A,Community school,Open,Primary,", "01-09\0-2010", 11, 1,
       ",\r\n", "/OpenDate"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    struct text t = {0};
    struct school_batch b;
    json_t *errors = json_array();
    char why[256] = "";
    PUT(&t, HEADER GOOD("100001"));
    put(&t, cases[i].lead, strlen(cases[i].lead));
    put_repeat(&t, cases[i].bytes, cases[i].bytes_len, cases[i].times);
    put(&t, cases[i].tail, strlen(cases[i].tail));
    PUT(&t, GOOD("100003"));
    if (parse(&b, t.p, t.n, cases[i].cp1252, errors, why, sizeof why) != PINS_OK)
      fail_msg("%s: refused as a whole: %s", cases[i].name, why);
    if (b.received != 3 || b.n != 2 || json_array_size(errors) != 1)
      fail_msg("%s: received %ld, good %zu, faults %s", cases[i].name, b.received, b.n,
               json_dumps(errors, JSON_COMPACT));
    json_t *e = json_array_get(errors, 0);
    if (json_integer_value(json_object_get(e, "row")) != 2 ||
        strcmp(json_string_value(json_object_get(e, "pointer")), cases[i].pointer) != 0)
      fail_msg("%s: fault %s, want row 2 at %s", cases[i].name, json_dumps(e, JSON_COMPACT), cases[i].pointer);
    school_batch_free(&b);
    json_decref(errors);
    free(t.p);
  }
}

/* Lengths are counted in code points of validated text: the limits hold exactly at 200 (name) and
 * 100 (type) characters of any width, escaping aside. */
static void test_lengths_in_code_points(void **state)
{
  static const struct {
    const char *name, *ch;
    size_t name_times, type_times;
    bool ok;
  } cases[] = {
      {"200 four-byte characters", "\xF0\x9F\x98\x80", 200, 1, true},
      {"200 three-byte characters", "\xE2\x80\x99", 200, 1, true},
      {"200 two-byte characters", "\xC3\xA9", 200, 1, true},
      {"200 backslashes", "\\", 200, 100, true},
      {"200 tabs", "\t", 200, 100, true},
      {"100 four-byte characters in the type", "\xF0\x9F\x98\x80", 1, 100, true},
      {"201 four-byte characters", "\xF0\x9F\x98\x80", 201, 1, false},
      {"201 ASCII", "a", 201, 1, false},
      {"101 two-byte characters in the type", "\xC3\xA9", 1, 101, false},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    struct text t = {0};
    struct school_batch b;
    json_t *errors = json_array();
    char why[256] = "";
    size_t w = strlen(cases[i].ch);
    PUT(&t, HEADER "100001,831,Derby,2001,\"");
    put_repeat(&t, cases[i].ch, w, cases[i].name_times);
    PUT(&t, "\",\"");
    put_repeat(&t, cases[i].ch, w, cases[i].type_times);
    PUT(&t, "\",Open,Primary,,\r\n");
    assert_int_equal(parse(&b, t.p, t.n, false, errors, why, sizeof why), PINS_OK);
    if ((b.n == 1) != cases[i].ok)
      fail_msg("%s: %s", cases[i].name, cases[i].ok ? "refused" : "accepted");
    if (cases[i].ok) {
      assert_int_equal(strlen(b.rows[0].name), w * cases[i].name_times);
      assert_int_equal(strlen(b.rows[0].type), w * cases[i].type_times);
    }
    school_batch_free(&b);
    json_decref(errors);
    free(t.p);
  }
}

/* A header that cannot be read refuses the whole file, saying which column; a good header with a
 * '/' or '~' in an ignored column's name gives a well-formed pointer for that column's faults. */
static void test_header_bytes(void **state)
{
  static const struct {
    const char *name;
    const char *head; /* before the required columns */
    size_t head_len;
    const char *why;
  } cases[] = {
#define CASE(name, head, why) {name, head, sizeof(head) - 1, why}
      CASE("ill-formed UTF-8", "Ex\xC0\xAFtra,", "column 1 is not valid UTF-8"),
      CASE("a NUL byte", "Ex\0tra,", "column 1 must not hold a NUL byte"),
#undef CASE
  };
  const char *rest = "URN,LA (code),EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
                     "PhaseOfEducation (name)\r\nx,100001,831,A,Community school,Open,Primary\r\n";
  for (size_t i = 0; i < COUNT(cases) + 1; i++) {
    struct text t = {0};
    struct school_batch b;
    json_t *errors = json_array();
    char why[256] = "";
    if (i < COUNT(cases)) {
      put(&t, cases[i].head, cases[i].head_len);
    } else { /* a column name of 129 characters */
      put_repeat(&t, "\xC3\xA9", 2, 129);
      PUT(&t, ",");
    }
    put(&t, rest, strlen(rest));
    const char *want = i < COUNT(cases) ? cases[i].why : "column 1 is longer than 128 characters";
    assert_int_equal(parse(&b, t.p, t.n, false, errors, why, sizeof why), PINS_EINVALID);
    if (!strstr(why, want)) fail_msg("why \"%s\" lacks \"%s\"", why, want);
    school_batch_free(&b);
    json_decref(errors);
    free(t.p);
  }

  static const char csv[] = "Tel/Fax~1,URN,LA (code),EstablishmentName,TypeOfEstablishment (name),"
                            "EstablishmentStatus (name),PhaseOfEducation (name)\r\n"
                            "\xFF,100001,831,A,Community school,Open,Primary\r\n";
  struct school_batch b;
  json_t *errors = json_array();
  char why[256] = "";
  assert_int_equal(parse(&b, csv, sizeof csv - 1, false, errors, why, sizeof why), PINS_OK);
  assert_int_equal(json_array_size(errors), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "pointer")), "/Tel~1Fax~01");
  school_batch_free(&b);
  json_decref(errors);
}

/* Every faulty field of a row is reported at once: bad bytes in one column do not hide a bad
 * value in another; bad bytes in several ignored columns are reported once. */
static void test_bytes_and_values_together(void **state)
{
  static const char csv[] = HEADER "x,831,D\xFF,2001,Ash\xC0\xAF,Community school,Open,Tertiary,,\r\n";
  struct school_batch b;
  json_t *errors = json_array();
  char why[256] = "";
  assert_int_equal(parse(&b, csv, sizeof csv - 1, false, errors, why, sizeof why), PINS_OK);
  assert_int_equal(b.n, 0);
  static const char *const want[] = {"/LA (name)", "/EstablishmentName", "/URN", "/PhaseOfEducation (name)"};
  if (json_array_size(errors) != COUNT(want)) fail_msg("faults %s", json_dumps(errors, JSON_COMPACT));
  for (size_t i = 0; i < COUNT(want); i++)
    assert_string_equal(json_string_value(json_object_get(json_array_get(errors, i), "pointer")), want[i]);
  school_batch_free(&b);
  json_decref(errors);
}

static void test_mappings(void **state)
{
  static const struct {
    const char *gias, *ours;
  } phases[] =
      {
          {"Nursery", "nursery"},
          {"Primary", "primary"},
          {"Middle deemed primary", "middle_deemed_primary"},
          {"Secondary", "secondary"},
          {"Middle deemed secondary", "middle_deemed_secondary"},
          {"All-through", "all_through"},
          {"16 plus", "sixteen_plus"},
          {"Not applicable", "not_applicable"},
          {"primary", "primary"}, /* GIAS case is not relied on */
          {"SECONDARY", "secondary"},
          {"Tertiary", NULL},
          {"All through", NULL},
          {"Primary ", NULL},
          {"", NULL},
      },
    statuses[] = {
        {"Open", "open"},
        {"Closed", "closed"},
        {"Open, but proposed to close", "open_proposed_to_close"},
        {"Proposed to open", "proposed_to_open"},
        {"open", "open"},
        {"Shut", NULL},
        {"Open but proposed to close", NULL},
        {"", NULL},
    };
  static const struct {
    const char *type;
    bool mainstream;
  } types[] = {
      {"Community school", true},
      {"Voluntary aided school", true},
      {"Voluntary controlled school", true},
      {"Foundation school", true},
      {"Academy converter", true},
      {"Academy sponsor led", true},
      {"Free schools", true},
      {"Local authority nursery school", true},
      {"community school", true},
      {"Community special school", false},
      {"Foundation special school", false},
      {"Academy special converter", false},
      {"Non-maintained special school", false},
      {"Pupil referral unit", false},
      {"Academy alternative provision converter", false},
      {"Other independent school", false},
      {"Further education", false},
      {"Secure units", false},
      {"", false},
  };

  for (size_t i = 0; i < COUNT(phases); i++) {
    const char *got = school_import_phase(phases[i].gias);
    if (phases[i].ours ? !got || strcmp(got, phases[i].ours) != 0 : got != NULL)
      fail_msg("phase \"%s\" -> %s, want %s", phases[i].gias, got ? got : "NULL",
               phases[i].ours ? phases[i].ours : "NULL");
  }
  for (size_t i = 0; i < COUNT(statuses); i++) {
    const char *got = school_import_status(statuses[i].gias);
    if (statuses[i].ours ? !got || strcmp(got, statuses[i].ours) != 0 : got != NULL)
      fail_msg("status \"%s\" -> %s, want %s", statuses[i].gias, got ? got : "NULL",
               statuses[i].ours ? statuses[i].ours : "NULL");
  }
  for (size_t i = 0; i < COUNT(types); i++)
    if (school_import_is_mainstream(types[i].type) != types[i].mainstream)
      fail_msg("\"%s\" mainstream should be %d", types[i].type, types[i].mainstream);
}

/* The JSON form: records checked like a POST, repeats reported at "/urn". */
static void test_parse_json(void **state)
{
  json_error_t jerr;
  json_t *array = json_loads(
      "[{\"urn\":100001,\"name\":\"A\",\"la_code\":\"831\",\"phase\":\"primary\",\"establishment_type\":"
      "\"Community "
      "school\",\"is_mainstream\":true,\"status\":\"open\",\"valid_from\":\"2010-09-01\"},"
      "{\"urn\":100002,\"name\":\"B\",\"la_code\":\"83\",\"phase\":\"primary\",\"establishment_type\":\"x\","
      "\"is_mainstream\":false,\"status\":\"open\"},"
      "{\"urn\":100001,\"name\":\"C\",\"la_code\":\"831\",\"phase\":\"primary\",\"establishment_type\":\"x\","
      "\"is_mainstream\":false,\"status\":\"open\"},"
      "42]",
      0, &jerr);
  struct school_batch b;
  json_t *errors = json_array();
  char why[256] = "";

  assert_non_null(array);
  assert_int_equal(school_import_parse_json(&b, array, errors, why, sizeof why), PINS_OK);
  assert_int_equal(b.received, 4);
  assert_int_equal(b.n, 1);
  assert_int_equal(b.rows[0].urn, 100001);
  assert_string_equal(b.rows[0].valid_from, "2010-09-01");
  assert_null(b.rows[0].valid_to);
  assert_true(b.rows[0].mainstream);
  assert_int_equal(json_array_size(errors), 3);
  static const struct fault want[] = {{2, "/la_code"}, {3, "/urn"}, {4, ""}};
  for (size_t i = 0; i < COUNT(want); i++) {
    json_t *e = json_array_get(errors, i);
    assert_int_equal(json_integer_value(json_object_get(e, "row")), want[i].row);
    assert_string_equal(json_string_value(json_object_get(e, "pointer")), want[i].pointer);
  }
  school_batch_free(&b);
  json_decref(errors);

  static const char *const refused[] = {"[]", "{}", "\"x\"", "null"};
  for (size_t i = 0; i < COUNT(refused); i++) {
    json_t *j = json_loads(refused[i], JSON_DECODE_ANY, &jerr);
    errors = json_array();
    assert_int_equal(school_import_parse_json(&b, j, errors, why, sizeof why), PINS_EINVALID);
    assert_non_null(strstr(why, "non-empty JSON array"));
    school_batch_free(&b);
    json_decref(errors);
    json_decref(j);
  }
  json_decref(array);

  /* A string holding U+0000 (Jansson keeps one given JSON_ALLOW_NUL) is refused, not cut short. */
  array = json_pack("[{s:i, s:o, s:s, s:s, s:s, s:b, s:s}]", "urn", 100001, "name", json_stringn("A\0B", 3),
                    "la_code", "831", "phase", "primary", "establishment_type", "x", "is_mainstream", 1, "status",
                    "open");
  errors = json_array();
  assert_int_equal(school_import_parse_json(&b, array, errors, why, sizeof why), PINS_OK);
  assert_int_equal(b.n, 0);
  assert_int_equal(json_array_size(errors), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "pointer")), "/name");
  school_batch_free(&b);
  json_decref(errors);
  json_decref(array);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_parse_rows),       cmocka_unit_test(test_encodings),
      cmocka_unit_test(test_unimportable),     cmocka_unit_test(test_row_faults),
      cmocka_unit_test(test_repeat_detail),    cmocka_unit_test(test_too_many_rows),
      cmocka_unit_test(test_nul_in_utf8_body), cmocka_unit_test(test_mappings),
      cmocka_unit_test(test_parse_json),       cmocka_unit_test(test_hostile_bytes),
      cmocka_unit_test(test_lengths_in_code_points), cmocka_unit_test(test_header_bytes),
      cmocka_unit_test(test_bytes_and_values_together),
  };
  return cmocka_run_group_tests_name("school_import", tests, NULL, NULL);
}
