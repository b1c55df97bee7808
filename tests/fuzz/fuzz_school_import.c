/* The school import's parse step (internal/domain/school_import.c): a body that starts with '['
 * or '{' is parsed as the JSON array form, anything else as a GIAS CSV, as UTF-8 and (when it has
 * a byte over 0x7F) as Windows-1252. Whatever the body, every row kept must be one the database may take: a
 * URN in range, every required text present and checked, dates real and in order; every fault is a {row,
 * pointer, detail} object. (Writing the rows needs PostgreSQL, so COPY is not reached.) */
#include "fuzz.h"

#include <jansson.h>

#include "core/status.h"
#include "domain/school_import.h"
#include "domain/validate.h"


static void check_text(const char *s, size_t max_chars)
{
  FUZZ_ASSERT(s != NULL && *s);
  FUZZ_ASSERT(fuzz_utf8_valid(s, strlen(s))); /* issue 11: a kept row's text is well-formed UTF-8 */
  FUZZ_ASSERT(strlen(s) <= 4 * max_chars);
}

static void check_batch(const struct school_batch *b, const json_t *errors)
{
  FUZZ_ASSERT(b->n <= (size_t)b->received);
  for (size_t i = 0; i < b->n; i++) {
    const struct school_row *r = &b->rows[i];
    FUZZ_ASSERT(r->row >= 1 && r->row <= b->received);
    FUZZ_ASSERT(i == 0 || r->row > b->rows[i - 1].row);
    FUZZ_ASSERT(r->urn >= 100000 && r->urn <= 999999);
    for (size_t j = 0; j < i; j++)
      FUZZ_ASSERT(b->rows[j].urn != r->urn);
    check_text(r->name, 200);
    check_text(r->type, 100);
    FUZZ_ASSERT(r->la_code && strlen(r->la_code) == 3 && strspn(r->la_code, "0123456789") == 3);
    FUZZ_ASSERT(r->phase && r->status);
    FUZZ_ASSERT(r->valid_from && validate_is_date(r->valid_from));
    FUZZ_ASSERT(!r->valid_to || (validate_is_date(r->valid_to) && strcmp(r->valid_to, r->valid_from) >= 0));
  }
  size_t i;
  json_t *e;
  json_array_foreach(errors, i, e)
  {
    FUZZ_ASSERT(json_is_object(e));
    FUZZ_ASSERT(json_integer_value(json_object_get(e, "row")) >= 1);
    FUZZ_ASSERT(json_is_string(json_object_get(e, "pointer")) &&
                json_is_string(json_object_get(e, "detail")));
  }
}

static void parse_csv(const uint8_t *data, size_t size, bool cp1252)
{
  struct school_batch b;
  json_t *errors = json_array();
  char why[256] = "";
  int rc = school_import_parse_csv(&b, (const char *)data, size, cp1252, errors, why, sizeof why);
  FUZZ_ASSERT(rc == PINS_OK || (rc == PINS_EINVALID && why[0]));
  if (rc == PINS_OK) check_batch(&b, errors);
  school_batch_free(&b);
  json_decref(errors);
}

static void parse_json(const uint8_t *data, size_t size)
{
  json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, NULL);
  if (!body) return;
  struct school_batch b;
  json_t *errors = json_array();
  char why[256] = "";
  int rc = school_import_parse_json(&b, body, errors, why, sizeof why);
  FUZZ_ASSERT(rc == PINS_OK || (rc == PINS_EINVALID && why[0]));
  if (rc == PINS_OK) check_batch(&b, errors);
  school_batch_free(&b);
  json_decref(errors);
  json_decref(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t lead = 0;
  while (lead < size && (data[lead] == ' ' || data[lead] == '\n' || data[lead] == '\t' || data[lead] == '\r'))
    lead++;
  if (lead < size && (data[lead] == '[' || data[lead] == '{')) {
    parse_json(data, size);
  } else {
    parse_csv(data, size, false);
    /* as Windows-1252 too, unless it is ASCII (then both read the same; each parse costs the
     * 7 MB table of URNs seen, slow under ASan) */
    for (size_t i = 0; i < size; i++)
      if (data[i] >= 0x80) {
        parse_csv(data, size, true);
        break;
      }
  }
  return 0;
}
