/* Unit tests for the pure parts of internal/domain/refdata.c: If-Match comparison, JSON merge
 * patch (RFC 7396), record checks with their defaults, and list query checks. No database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/status.h"
#include "domain/refdata.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static json_t *parse(const char *text)
{
  json_error_t err;
  json_t *j = json_loads(text, JSON_DECODE_ANY, &err);
  if (!j) fail_msg("bad test JSON %s: %s", text, err.text);
  return j;
}

static void today_utc(char *buf, size_t cap)
{
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, cap, "%Y-%m-%d", &tm);
}

/* ---- refdata_etag_matches ---- */

static void test_etag_matches(void **state)
{
  static const struct {
    const char *if_match;
    long long version;
    bool match;
  } cases[] = {
      {"\"7\"", 7, true},
      {"\"8\"", 7, false},
      {"\"77\"", 7, false},
      {"\"7\"", 77, false},
      {"7", 7, false}, /* an entity tag is quoted */
      {"\"7", 7, false},
      {"7\"", 7, false},
      {"*", 7, true},
      {"*", 0, true},
      {" * ", 7, true},
      {"**", 7, false},
      {"\"*\"", 7, false},
      {" \"7\" ", 7, true},
      {"\t\"7\"\t", 7, true},
      {"\"1\", \"7\"", 7, true},
      {"\"1\",\"7\"", 7, true},
      {"\"7\",\"1\"", 7, true},
      {"\"1\" ,\t\"7\" , \"9\"", 7, true},
      {", , \"7\",", 7, true},
      {"\"1\", \"2\", \"3\"", 7, false},
      {"\"1\", *", 7, true},
      {"W/\"7\"", 7, false}, /* weak tags never match a strong comparison */
      {"w/\"7\"", 7, false},
      {"\"1\", W/\"7\"", 7, false},
      {"W/\"7\", \"1\"", 7, false},
      {"\"7\"x", 7, false},
      {"x\"7\"", 7, false},
      {"\" 7\"", 7, false},
      {"\"0\"", 0, true},
      {"\"-1\"", -1, true},
      {"\"9223372036854775807\"", 9223372036854775807LL, true},
      {"\"9223372036854775806\"", 9223372036854775807LL, false},
      {"", 7, false},
      {" ", 7, false},
      {",", 7, false},
      {NULL, 7, false},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    if (refdata_etag_matches(cases[i].if_match, cases[i].version) != cases[i].match)
      fail_msg("refdata_etag_matches('%s', %lld) should be %s",
               cases[i].if_match ? cases[i].if_match : "(null)", cases[i].version,
               cases[i].match ? "true" : "false");
  }
}

/* ---- refdata_merge_patch ---- */

/* RFC 7396 appendix A, the rows whose target and patch are objects (the function patches an
 * object in place; patches that replace the whole document - an array, null or a string at the
 * top - cannot be expressed that way, and refdata_patch refuses a non-object patch before). */
static void test_merge_patch(void **state)
{
  static const struct {
    const char *target, *patch, *result;
  } cases[] = {
      {"{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
      {"{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}"},
      {"{\"a\":\"b\"}", "{\"a\":null}", "{}"},
      {"{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}"},
      {"{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}"},
      {"{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}"},
      {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}", "{\"a\":{\"b\":\"d\"}}"},
      {"{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}"},
      {"{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}"},
      {"{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}"},
      /* RFC 7396 section 3's example */
      {"{\"title\":\"Goodbye!\",\"author\":{\"givenName\":\"John\",\"familyName\":\"Doe\"},"
       "\"tags\":[\"example\",\"sample\"],\"content\":\"This will be unchanged\"}",
       "{\"title\":\"Hello!\",\"phoneNumber\":\"+01-234-567-8901\",\"author\":{\"familyName\":null},"
       "\"tags\":[\"example\"]}",
       "{\"title\":\"Hello!\",\"author\":{\"givenName\":\"John\"},\"tags\":[\"example\"],"
       "\"content\":\"This will be unchanged\",\"phoneNumber\":\"+01-234-567-8901\"}"},
      /* further cases */
      {"{\"a\":1}", "{}", "{\"a\":1}"},
      {"{\"a\":1}", "{\"b\":null}", "{\"a\":1}"}, /* deleting an absent member is a no-op */
      {"{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":null}}", "{\"a\":{}}"},
      {"{\"a\":\"x\"}", "{\"a\":{\"b\":null,\"c\":1}}",
       "{\"a\":{\"c\":1}}"}, /* non-object replaced by {} first */
      {"{\"a\":{\"b\":{\"c\":1,\"d\":2}}}", "{\"a\":{\"b\":{\"d\":null,\"e\":3}}}",
       "{\"a\":{\"b\":{\"c\":1,\"e\":3}}}"},
      {"{\"valid_to\":\"2030-01-01\",\"name\":\"A\"}", "{\"valid_to\":null}", "{\"name\":\"A\"}"},
      {"{\"a\":true}", "{\"a\":false}", "{\"a\":false}"},
      {"{\"a\":1}", "{\"a\":{}}", "{\"a\":{}}"},
  };

  for (size_t i = 0; i < COUNT(cases); i++) {
    json_t *target = parse(cases[i].target), *patch = parse(cases[i].patch), *want = parse(cases[i].result);
    json_t *patch_before = json_deep_copy(patch);

    refdata_merge_patch(target, patch);
    if (!json_equal(target, want)) {
      char *got = json_dumps(target, JSON_COMPACT | JSON_SORT_KEYS);
      fail_msg("merge %s with %s gave %s, want %s", cases[i].target, cases[i].patch, got, cases[i].result);
    }
    if (!json_equal(patch, patch_before))
      fail_msg("merge %s with %s changed the patch", cases[i].target, cases[i].patch);
    json_decref(target);
    json_decref(patch);
    json_decref(want);
    json_decref(patch_before);
  }
}

/* ---- refdata_check_record ---- */

#define MAX_FAULTS 10

struct record_case {
  const char *name;
  enum ref_kind kind;
  const char *json;
  bool key_optional;
  const char *prefix;
  int want_rc;
  const char *faults[MAX_FAULTS]; /* pointers expected, in any order, each once */
  const char *valid_from;         /* expected afterwards; "today" for today's UTC date; NULL: don't check */
  bool valid_to_null;             /* expect valid_to present and null afterwards */
};

#define SCHOOL_OK                                                                                            \
  "\"urn\":100001,\"name\":\"Ashdown Primary School\",\"la_code\":\"831\",\"phase\":\"primary\","            \
  "\"establishment_type\":\"Community school\",\"is_mainstream\":true,\"status\":\"open\""
#define MENU_OK                                                                                              \
  "\"code\":\"OT-SENSORY-AUDIT\",\"title\":\"Sensory audit\",\"description\":\"An occupational therapist "   \
  "reviews the classroom.\",\"domains\":[\"environment\",\"readiness_to_learn\"],"                           \
  "\"professional_types\":[\"occupational_therapist\"],\"delivery_modes\":[\"face_to_face\",\"virtual\"],"   \
  "\"active\":true"

static const struct record_case record_cases[] = {
    {"school: valid, defaults filled",
     REF_SCHOOL,
     "{" SCHOOL_OK "}",
     false,
     "",
     PINS_OK,
     {NULL},
     "today",
     true},
    {"school: explicit validity kept",
     REF_SCHOOL,
     "{" SCHOOL_OK ",\"valid_from\":\"2020-09-01\",\"valid_to\":\"2031-08-31\"}",
     false,
     "",
     PINS_OK,
     {NULL},
     "2020-09-01",
     false},
    {"school: valid_to null kept",
     REF_SCHOOL,
     "{" SCHOOL_OK ",\"valid_from\":\"2020-09-01\",\"valid_to\":null}",
     false,
     "",
     PINS_OK,
     {NULL},
     "2020-09-01",
     true},
    {"school: valid_to equal to valid_from",
     REF_SCHOOL,
     "{" SCHOOL_OK ",\"valid_from\":\"2020-09-01\",\"valid_to\":\"2020-09-01\"}",
     false,
     "",
     PINS_OK,
     {NULL},
     "2020-09-01",
     false},
    {"school: valid_to before valid_from",
     REF_SCHOOL,
     "{" SCHOOL_OK ",\"valid_from\":\"2020-09-01\",\"valid_to\":\"2020-08-31\"}",
     false,
     "",
     PINS_EINVALID,
     {"/valid_to"},
     "2020-09-01",
     false},
    {"school: valid_to before the defaulted valid_from (today)",
     REF_SCHOOL,
     "{" SCHOOL_OK ",\"valid_to\":\"2001-01-01\"}",
     false,
     "",
     PINS_EINVALID,
     {"/valid_to"},
     "today",
     false},
    {"school: bad valid_to date, no ordering fault on top",
     REF_SCHOOL,
     "{" SCHOOL_OK ",\"valid_from\":\"2020-09-01\",\"valid_to\":\"2020-02-30\"}",
     false,
     "",
     PINS_EINVALID,
     {"/valid_to"},
     NULL,
     false},
    {"school: valid_from null",
     REF_SCHOOL,
     "{" SCHOOL_OK ",\"valid_from\":null}",
     false,
     "",
     PINS_EINVALID,
     {"/valid_from"},
     NULL,
     true},
    {"school: empty object, every required field",
     REF_SCHOOL,
     "{}",
     false,
     "",
     PINS_EINVALID,
     {"/urn", "/name", "/la_code", "/phase", "/establishment_type", "/is_mainstream", "/status"},
     "today",
     true},
    {"school: empty object, key optional",
     REF_SCHOOL,
     "{}",
     true,
     "",
     PINS_EINVALID,
     {"/name", "/la_code", "/phase", "/establishment_type", "/is_mainstream", "/status"},
     "today",
     true},
    {"school: key optional and absent",
     REF_SCHOOL,
     "{\"name\":\"A\",\"la_code\":\"831\",\"phase\":\"secondary\",\"establishment_type\":\"Academy "
     "converter\","
     "\"is_mainstream\":true,\"status\":\"closed\"}",
     true,
     "",
     PINS_OK,
     {NULL},
     "today",
     true},
    {"school: wrong values everywhere, reported at once",
     REF_SCHOOL,
     "{\"urn\":\"100001\",\"name\":\"\",\"la_code\":\"83\",\"phase\":\"tertiary\",\"establishment_type\":7,"
     "\"is_mainstream\":\"yes\",\"status\":\"shut\",\"valid_from\":\"01-09-2020\",\"colour\":\"red\"}",
     false,
     "",
     PINS_EINVALID,
     {"/urn", "/name", "/la_code", "/phase", "/establishment_type", "/is_mainstream", "/status",
      "/valid_from", "/colour"},
     NULL,
     true},
    {"school: urn out of range",
     REF_SCHOOL,
     "{\"urn\":99999,\"name\":\"A\",\"la_code\":\"831\",\"phase\":\"primary\","
     "\"establishment_type\":\"x\",\"is_mainstream\":false,\"status\":\"open\"}",
     false,
     "",
     PINS_EINVALID,
     {"/urn"},
     NULL,
     true},
    {"school: pointers under a prefix",
     REF_SCHOOL,
     "{" SCHOOL_OK ",\"valid_from\":\"2020-09-01\",\"valid_to\":\"2020-01-01\",\"x\":1}",
     false,
     "/3",
     PINS_EINVALID,
     {"/3/x", "/3/valid_to"},
     NULL,
     false},
    {"school: not an object", REF_SCHOOL, "[]", false, "", PINS_EINVALID, {""}, NULL, false},
    {"menu item: valid, defaults filled",
     REF_MENU_ITEM,
     "{" MENU_OK "}",
     false,
     "",
     PINS_OK,
     {NULL},
     "today",
     true},
    {"menu item: validity",
     REF_MENU_ITEM,
     "{" MENU_OK ",\"valid_from\":\"2025-04-01\",\"valid_to\":\"2025-03-31\"}",
     false,
     "",
     PINS_EINVALID,
     {"/valid_to"},
     "2025-04-01",
     false},
    {"menu item: bad sets and code",
     REF_MENU_ITEM,
     "{\"code\":\"ot-audit\",\"title\":\"t\",\"description\":\"d\",\"domains\":[],"
     "\"professional_types\":[\"occupational_therapist\",\"occupational_therapist\"],"
     "\"delivery_modes\":[\"carrier_pigeon\"],\"active\":\"true\"}",
     false,
     "",
     PINS_EINVALID,
     {"/code", "/domains", "/professional_types", "/delivery_modes", "/active"},
     NULL,
     true},
    {"menu item: code too short",
     REF_MENU_ITEM,
     "{\"code\":\"A\",\"title\":\"t\",\"description\":\"d\",\"domains\":[\"environment\"],"
     "\"professional_types\":[\"specialist_nurse\"],\"delivery_modes\":[\"blended\"],\"active\":false}",
     false,
     "",
     PINS_EINVALID,
     {"/code"},
     NULL,
     true},
    {"menu item: code of 33 characters",
     REF_MENU_ITEM,
     "{\"code\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456\",\"title\":\"t\",\"description\":\"d\","
     "\"domains\":[\"environment\"],\"professional_types\":[\"specialist_nurse\"],\"delivery_modes\":["
     "\"blended\"],"
     "\"active\":false}",
     false,
     "",
     PINS_EINVALID,
     {"/code"},
     NULL,
     true},
    {"menu item: every domain, each once",
     REF_MENU_ITEM,
     "{\"code\":\"AB\",\"title\":\"t\",\"description\":\"d\",\"domains\":[\"leadership_culture_values\","
     "\"mental_health\",\"readiness_to_learn\",\"teaching_and_learning\",\"environment\",\"communication\"],"
     "\"professional_types\":[\"specialist_nurse\"],\"delivery_modes\":[\"blended\"],\"active\":false}",
     false,
     "",
     PINS_OK,
     {NULL},
     "today",
     true},
    {"menu item: missing sets",
     REF_MENU_ITEM,
     "{\"code\":\"AB\",\"title\":\"t\",\"description\":\"d\",\"active\":true}",
     false,
     "",
     PINS_EINVALID,
     {"/domains", "/professional_types", "/delivery_modes"},
     NULL,
     true},
};

static void test_check_record(void **state)
{
  char today[16];

  today_utc(today, sizeof today);
  for (size_t i = 0; i < COUNT(record_cases); i++) {
    const struct record_case *c = &record_cases[i];
    json_t *rec = parse(c->json);
    json_t *errors = json_array();
    size_t nwant = 0, k;
    json_t *e;
    bool used[MAX_FAULTS] = {false};

    while (nwant < MAX_FAULTS && c->faults[nwant])
      nwant++;
    int rc = refdata_check_record(refdata_resource(c->kind), rec, c->key_optional, errors, c->prefix);
    if (rc != c->want_rc) fail_msg("%s: rc %d, want %d", c->name, rc, c->want_rc);
    if (json_array_size(errors) != nwant) {
      char *dump = json_dumps(errors, JSON_COMPACT);
      fail_msg("%s: %zu faults, want %zu: %s", c->name, json_array_size(errors), nwant, dump);
    }
    json_array_foreach(errors, k, e)
    {
      const char *ptr = json_string_value(json_object_get(e, "pointer"));
      size_t j;
      assert_non_null(json_string_value(json_object_get(e, "detail")));
      for (j = 0; j < nwant; j++)
        if (!used[j] && strcmp(c->faults[j], ptr) == 0) break;
      if (j == nwant) fail_msg("%s: unexpected fault at %s", c->name, ptr);
      used[j] = true;
    }
    if (c->valid_from) {
      const char *want = strcmp(c->valid_from, "today") == 0 ? today : c->valid_from;
      const char *got = json_string_value(json_object_get(rec, "valid_from"));
      if (!got || strcmp(got, want) != 0)
        fail_msg("%s: valid_from %s, want %s", c->name, got ? got : "(absent)", want);
    }
    if (c->valid_to_null && !json_is_null(json_object_get(rec, "valid_to")))
      fail_msg("%s: valid_to should be present and null", c->name);
    json_decref(rec);
    json_decref(errors);
  }
}

static void test_check_record_details(void **state)
{
  json_t *rec = parse("{" SCHOOL_OK ",\"valid_from\":\"2020-09-01\",\"valid_to\":\"2020-08-31\"}");
  json_t *errors = json_array();

  assert_int_equal(refdata_check_record(refdata_resource(REF_SCHOOL), rec, false, errors, ""), PINS_EINVALID);
  assert_int_equal(json_array_size(errors), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(errors, 0), "detail")),
                      "must not be before valid_from");
  json_decref(rec);
  json_decref(errors);
}

/* ---- refdata_key_text ---- */

static void test_key_text(void **state)
{
  char buf[32];
  json_t *school = parse("{\"urn\":100001}"), *menu = parse("{\"code\":\"OT-1\"}"), *none = parse("{}");

  assert_true(refdata_key_text(refdata_resource(REF_SCHOOL), school, buf, sizeof buf));
  assert_string_equal(buf, "100001");
  assert_true(refdata_key_text(refdata_resource(REF_MENU_ITEM), menu, buf, sizeof buf));
  assert_string_equal(buf, "OT-1");
  assert_false(refdata_key_text(refdata_resource(REF_MENU_ITEM), none, buf, sizeof buf));
  json_decref(school);
  json_decref(menu);
  json_decref(none);
}

/* ---- refdata_check_query ---- */

struct query_case {
  const char *name;
  enum ref_kind kind;
  const char *filters[REF_MAX_FILTERS];
  const char *valid_on, *after_key;
  int want_rc;
  const char *why; /* substring expected in why; NULL for success */
};

/* Schools filter on la_code, icb_code, phase, status, q (in that order); menu items on active,
 * domain. */
static const struct query_case query_cases[] = {
    {"school: nothing given", REF_SCHOOL, {NULL}, NULL, NULL, PINS_OK, NULL},
    {"school: every filter good",
     REF_SCHOOL,
     {"831", "QK1", "primary", "open", "ash"},
     "2024-02-29",
     "100001",
     PINS_OK,
     NULL},
    {"school: la_code too short", REF_SCHOOL, {"83"}, NULL, NULL, PINS_EINVALID, "query parameter la_code"},
    {"school: la_code letters", REF_SCHOOL, {"ABC"}, NULL, NULL, PINS_EINVALID, "la_code"},
    {"school: icb_code lower case", REF_SCHOOL, {NULL, "qk1"}, NULL, NULL, PINS_EINVALID, "icb_code"},
    {"school: bad phase enum",
     REF_SCHOOL,
     {NULL, NULL, "tertiary"},
     NULL,
     NULL,
     PINS_EINVALID,
     "query parameter phase must be one of nursery, primary, "},
    {"school: phase is case-sensitive",
     REF_SCHOOL,
     {NULL, NULL, "Primary"},
     NULL,
     NULL,
     PINS_EINVALID,
     "phase"},
    {"school: bad status enum",
     REF_SCHOOL,
     {NULL, NULL, NULL, "shut"},
     NULL,
     NULL,
     PINS_EINVALID,
     "query parameter status must be one of open, closed, open_proposed_to_close or proposed_to_open"},
    {"school: q too short",
     REF_SCHOOL,
     {NULL, NULL, NULL, NULL, "a"},
     NULL,
     NULL,
     PINS_EINVALID,
     "query parameter q must be 2 to 100 characters"},
    {"school: q empty", REF_SCHOOL, {NULL, NULL, NULL, NULL, ""}, NULL, NULL, PINS_EINVALID, "q must be"},
    {"school: q two characters", REF_SCHOOL, {NULL, NULL, NULL, NULL, "ab"}, NULL, NULL, PINS_OK, NULL},
    {"school: q with LIKE wildcards is fine",
     REF_SCHOOL,
     {NULL, NULL, NULL, NULL, "%_"},
     NULL,
     NULL,
     PINS_OK,
     NULL},
    {"school: q 100 characters",
     REF_SCHOOL,
     {NULL, NULL, NULL, NULL,
      "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"},
     NULL,
     NULL,
     PINS_OK,
     NULL},
    {"school: q 101 characters",
     REF_SCHOOL,
     {NULL, NULL, NULL, NULL,
      "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
      "0"},
     NULL,
     NULL,
     PINS_EINVALID,
     "q must be 2 to 100"},
    {"school: bad valid_on",
     REF_SCHOOL,
     {NULL},
     "2024-02-30",
     NULL,
     PINS_EINVALID,
     "query parameter valid_on must be a date written YYYY-MM-DD"},
    {"school: valid_on wrong shape", REF_SCHOOL, {NULL}, "29/02/2024", NULL, PINS_EINVALID, "valid_on"},
    {"school: cursor not a URN", REF_SCHOOL, {NULL}, NULL, "abc", PINS_EINVALID, "query parameter cursor"},
    {"school: cursor out of range", REF_SCHOOL, {NULL}, NULL, "99999", PINS_EINVALID, "cursor"},
    {"school: cursor empty", REF_SCHOOL, {NULL}, NULL, "", PINS_EINVALID, "cursor"},
    {"school: first fault named", REF_SCHOOL, {"83", NULL, "tertiary"}, NULL, NULL, PINS_EINVALID, "la_code"},
    {"menu item: good", REF_MENU_ITEM, {"true", "mental_health"}, NULL, "OT-SENSORY-AUDIT", PINS_OK, NULL},
    {"menu item: active not a boolean",
     REF_MENU_ITEM,
     {"yes"},
     NULL,
     NULL,
     PINS_EINVALID,
     "query parameter active must be one of true or false"},
    {"menu item: bad domain",
     REF_MENU_ITEM,
     {NULL, "maths"},
     NULL,
     NULL,
     PINS_EINVALID,
     "domain must be one of"},
    {"menu item: cursor lower case", REF_MENU_ITEM, {NULL}, NULL, "ot-audit", PINS_EINVALID, "cursor"},
    {"menu item: valid_on good", REF_MENU_ITEM, {NULL}, "2000-02-29", NULL, PINS_OK, NULL},
};

static void test_check_query(void **state)
{
  for (size_t i = 0; i < COUNT(query_cases); i++) {
    const struct query_case *c = &query_cases[i];
    char why[600] = "";

    int rc = refdata_check_query(refdata_resource(c->kind), c->filters, c->valid_on, c->after_key, why,
                                 sizeof why);
    if (rc != c->want_rc) fail_msg("%s: rc %d, want %d (why: %s)", c->name, rc, c->want_rc, why);
    if (c->why && !strstr(why, c->why)) fail_msg("%s: why \"%s\" lacks \"%s\"", c->name, why, c->why);
  }
}

/* "q must be 2 to 100 characters": the minimum is counted in bytes, not characters. */
static void test_check_query_q_characters(void **state)
{
  const char *filters[REF_MAX_FILTERS] = {NULL, NULL, NULL, NULL, "\xC3\xA9"}; /* one character, two bytes */
  char why[300] = "";

  assert_int_equal(refdata_check_query(refdata_resource(REF_SCHOOL), filters, NULL, NULL, why, sizeof why),
                   PINS_EINVALID);
  assert_non_null(strstr(why, "q must be 2 to 100 characters"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_etag_matches),
      cmocka_unit_test(test_merge_patch),
      cmocka_unit_test(test_check_record),
      cmocka_unit_test(test_check_record_details),
      cmocka_unit_test(test_key_text),
      cmocka_unit_test(test_check_query),
      cmocka_unit_test(test_check_query_q_characters),
  };
  return cmocka_run_group_tests_name("refdata", tests, NULL, NULL);
}
