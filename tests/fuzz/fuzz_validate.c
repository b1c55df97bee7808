/* JSON body validation (internal/domain/validate.c and refdata_check_record): a body is checked
 * against every reference-data resource's field specs, a table here that holds every field kind
 * (nested arrays of objects, lists, enums, nullable and key fields) and the self-assessment
 * template check. Every fault must be reported (the count returned is the count appended), as a
 * {pointer, detail} object whose pointer is a valid JSON string; and the body text, as a query
 * value or path key, goes through validate_text_value for each spec. */
#include "fuzz.h"

#include <jansson.h>

#include "core/status.h"
#include "domain/refdata.h"
#include "domain/self_assessment.h"
#include "domain/validate.h"

static const char *const colours[] = {"red", "green", "blue", NULL};

static bool is_short_word(const char *s)
{
  return strlen(s) <= 8 && strspn(s, "abcdefghijklmnopqrstuvwxyz") == strlen(s);
}

static const struct field_spec inner_fields[] = {
    {.name = "key", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 20},
    {.name = "when", .kind = FIELD_DATE, .flags = FIELD_NULLABLE},
    {.name = "n", .kind = FIELD_INT, .min = -5, .max = 5},
    {0}};
static const struct field_spec middle_fields[] = {
    {.name = "title", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 4},
    {.name = "items",
     .kind = FIELD_ARRAY,
     .flags = FIELD_REQUIRED,
     .items = inner_fields,
     .min_items = 0,
     .max_items = 3},
    {0}};
static const struct field_spec every_kind[] = {
    {.name = "id",
     .kind = FIELD_TEXT,
     .flags = FIELD_KEY,
     .max_len = 8,
     .format = is_short_word,
     .format_hint = "up to eight lower-case letters"},
    {.name = "count", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 2147483647},
    {.name = "flag", .kind = FIELD_BOOL, .flags = FIELD_NULLABLE},
    {.name = "on", .kind = FIELD_DATE},
    {.name = "colour", .kind = FIELD_ENUM, .values = colours},
    {.name = "colours", .kind = FIELD_ENUM_SET, .values = colours},
    {.name = "tags", .kind = FIELD_TEXT_LIST, .max_len = 5, .format_hint = "1 to 5 characters"},
    {.name = "sections", .kind = FIELD_ARRAY, .items = middle_fields, .min_items = 1, .max_items = 4},
    {0}};

/* Every error appended since index from is a well-formed {pointer, detail}. */
static void check_errors(const json_t *errors, size_t from)
{
  for (size_t i = from; i < json_array_size(errors); i++) {
    const json_t *e = json_array_get(errors, i);
    const char *ptr = json_string_value(json_object_get(e, "pointer"));
    FUZZ_ASSERT(json_is_object(e) && json_object_size(e) == 2);
    FUZZ_ASSERT(ptr && (!*ptr || *ptr == '/'));
    FUZZ_ASSERT(json_is_string(json_object_get(e, "detail")));
  }
  char *text = json_dumps(errors, JSON_COMPACT);
  FUZZ_ASSERT(text != NULL);
  free(text);
}

static void check_specs(json_t *errors, const json_t *body, const struct field_spec *fields)
{
  for (int key_optional = 0; key_optional < 2; key_optional++) {
    size_t before = json_array_size(errors);
    int faults = validate_object(errors, body, fields, key_optional, "");
    FUZZ_ASSERT(faults >= 0 && (size_t)faults == json_array_size(errors) - before);
    check_errors(errors, before);
  }
}

static void check_body(json_t *body)
{
  json_t *errors = json_array();
  for (int k = 0; k < REF_KIND_COUNT; k++) {
    const struct ref_resource *res = refdata_resource((enum ref_kind)k);
    check_specs(errors, body, res->fields);
    for (int key_optional = 0; key_optional < 2; key_optional++) {
      json_t *rec = json_deep_copy(body);
      size_t before = json_array_size(errors);
      int rc = refdata_check_record(res, rec, key_optional, errors, "");
      FUZZ_ASSERT(rc == PINS_OK || rc == PINS_EINVALID);
      FUZZ_ASSERT((rc == PINS_OK) == (json_array_size(errors) == before));
      check_errors(errors, before);
      if (rc == PINS_OK) {
        FUZZ_ASSERT(json_is_string(json_object_get(rec, "valid_from")));
        FUZZ_ASSERT(json_object_get(rec, "valid_to") != NULL);
      }
      json_decref(rec);
    }
  }
  check_specs(errors, body, every_kind);
  json_decref(errors);
  errors = json_array(); /* template_check counts every entry of its array as its own */
  int rc = template_check(body, errors);
  FUZZ_ASSERT((rc == PINS_OK) == (json_array_size(errors) == 0));
  check_errors(errors, 0);
  json_decref(errors);
}

static void check_text(const char *s)
{
  for (int k = 0; k < REF_KIND_COUNT; k++) {
    const struct ref_resource *res = refdata_resource((enum ref_kind)k);
    for (const struct field_spec *f = res->fields; f->name; f++)
      (void)validate_text_value(f, s);
    for (unsigned i = 0; i < res->nfilters; i++)
      (void)validate_text_value(&res->filters[i].spec, s);
  }
  for (const struct field_spec *f = every_kind; f->name; f++)
    (void)validate_text_value(f, s);
  size_t cps = validate_utf8_length(s); /* code points of well-formed text, SIZE_MAX otherwise */
  FUZZ_ASSERT(cps == SIZE_MAX ? !fuzz_utf8_valid(s, strlen(s)) : cps <= strlen(s) && fuzz_utf8_valid(s, strlen(s)));
  if (!fuzz_utf8_valid(s, strlen(s))) return; /* field names come from JSON keys, which Jansson has checked */
  json_t *errors = json_array();
  validate_error(errors, "/a", s, "detail");
  FUZZ_ASSERT(json_array_size(errors) == 1);
  check_errors(errors, 0);
  json_decref(errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
  if (body) check_body(body);
  json_decref(body);
  char *s = fuzz_strndup(data, size);
  check_text(s);
  free(s);
  return 0;
}
