#include "domain/school_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cp1252.h"
#include "core/csv.h"
#include "core/status.h"
#include "domain/refdata.h"
#include "store/school_import.h"

struct name_map {
  const char *gias, *ours;
};

static const struct name_map phases[] = {
    {"Nursery", "nursery"},         {"Primary", "primary"},
    {"Middle deemed primary", "middle_deemed_primary"},
    {"Secondary", "secondary"},     {"Middle deemed secondary", "middle_deemed_secondary"},
    {"All-through", "all_through"}, {"16 plus", "sixteen_plus"},
    {"Not applicable", "not_applicable"}, {NULL, NULL}};

static const struct name_map statuses[] = {{"Open", "open"},
                                           {"Closed", "closed"},
                                           {"Open, but proposed to close", "open_proposed_to_close"},
                                           {"Proposed to open", "proposed_to_open"},
                                           {NULL, NULL}};

/* State-funded mainstream establishment types in GIAS; everything else (special schools, pupil
 * referral units, alternative provision, independent schools, colleges, secure units...) is not
 * mainstream. */
static const char *const mainstream_types[] = {
    "Community school", "Voluntary aided school", "Voluntary controlled school", "Foundation school",
    "Academy converter", "Academy sponsor led", "Free schools", "University technical college", "Studio schools",
    "City technology college", "Academy 16-19 converter", "Academy 16 to 19 sponsor led", "Free schools 16 to 19",
    "Local authority nursery school", NULL};

static const char *map_name(const struct name_map *m, const char *gias)
{
  for (; m->gias; m++)
    if (strcasecmp(m->gias, gias) == 0)
      return m->ours;
  return NULL;
}

const char *school_import_phase(const char *gias)
{
  return map_name(phases, gias);
}

const char *school_import_status(const char *gias)
{
  return map_name(statuses, gias);
}

bool school_import_is_mainstream(const char *gias_type)
{
  for (const char *const *t = mainstream_types; *t; t++)
    if (strcasecmp(*t, gias_type) == 0)
      return true;
  return false;
}

void school_batch_free(struct school_batch *b)
{
  free(b->rows);
  free(b->text);
  json_decref(b->json);
  memset(b, 0, sizeof *b);
}

static struct school_row *batch_add(struct school_batch *b)
{
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    struct school_row *rows = realloc(b->rows, cap * sizeof *rows);
    if (!rows)
      return NULL;
    b->rows = rows;
    b->cap = cap;
  }
  return memset(&b->rows[b->n++], 0, sizeof(struct school_row));
}

static void row_error(json_t *errors, long row, const char *pointer, const char *detail)
{
  json_array_append_new(errors, json_pack("{s:I, s:s, s:s}", "row", (json_int_t)row, "pointer", pointer, "detail",
                                          detail));
}

/* Rewrites a GIAS date dd-mm-yyyy as yyyy-mm-dd in place; "" stays "" (no date). */
static bool gias_date(char *s)
{
  if (!*s)
    return true;
  if (strlen(s) != 10 || s[2] != '-' || s[5] != '-')
    return false;
  char d[11];
  snprintf(d, sizeof d, "%.4s-%.2s-%.2s", s + 6, s + 3, s);
  memcpy(s, d, 11);
  return validate_is_date(s);
}

enum col { C_URN, C_LA, C_NAME, C_TYPE, C_PHASE, C_STATUS, C_OPEN, C_CLOSE, C_COUNT };
static const char *const col_names[C_COUNT] = {"URN", "LA (code)", "EstablishmentName", "TypeOfEstablishment (name)",
                                               "PhaseOfEducation (name)", "EstablishmentStatus (name)", "OpenDate",
                                               "CloseDate"};
#define C_REQUIRED 6 /* the first six columns must be present */

/* Tracks URNs already seen, so that a repeat is reported rather than applied twice. */
struct urn_seen {
  long *row_of; /* indexed by urn - 100000 */
};

static long seen_before(struct urn_seen *s, int urn, long row)
{
  long *slot = &s->row_of[urn - 100000];
  long prior = *slot;
  if (!prior)
    *slot = row;
  return prior;
}

static void csv_row(struct school_batch *b, char **f, const int *at, long row, struct urn_seen *seen, json_t *errors)
{
  const struct field_spec *spec = refdata_resource(REF_SCHOOL)->fields;
  char ptr[64];
  int faults = 0;
  const char *v[C_COUNT];
  for (int c = 0; c < C_COUNT; c++)
    v[c] = at[c] >= 0 ? f[at[c]] : "";
#define FAULT(col, text)                                                                                         \
  do {                                                                                                           \
    snprintf(ptr, sizeof ptr, "/%s", col_names[col]);                                                            \
    row_error(errors, row, ptr, text);                                                                           \
    faults++;                                                                                                    \
  } while (0)
  const struct field_spec *urn_spec = &spec[0], *name_spec = &spec[1], *la_spec = &spec[2], *type_spec = &spec[4];
  if (!validate_text_value(urn_spec, v[C_URN]))
    FAULT(C_URN, "must be a six-digit unique reference number");
  if (!validate_text_value(la_spec, v[C_LA]))
    FAULT(C_LA, "must be a three-digit local authority code");
  if (!validate_text_value(name_spec, v[C_NAME]))
    FAULT(C_NAME, "must be 1 to 200 characters");
  if (!validate_text_value(type_spec, v[C_TYPE]))
    FAULT(C_TYPE, "must be 1 to 100 characters");
  const char *phase = school_import_phase(v[C_PHASE]), *status = school_import_status(v[C_STATUS]);
  if (!phase)
    FAULT(C_PHASE, "is not a GIAS phase of education");
  if (!status)
    FAULT(C_STATUS, "is not a GIAS establishment status");
  if (at[C_OPEN] >= 0 && !gias_date(f[at[C_OPEN]]))
    FAULT(C_OPEN, "must be a date written dd-mm-yyyy");
  if (at[C_CLOSE] >= 0 && !gias_date(f[at[C_CLOSE]]))
    FAULT(C_CLOSE, "must be a date written dd-mm-yyyy");
  const char *open = at[C_OPEN] >= 0 && *f[at[C_OPEN]] ? f[at[C_OPEN]] : "1900-01-01";
  const char *close = at[C_CLOSE] >= 0 && *f[at[C_CLOSE]] ? f[at[C_CLOSE]] : NULL;
  if (!faults && close && strcmp(close, open) < 0)
    FAULT(C_CLOSE, "must not be before OpenDate");
  if (faults)
    return;
  int urn = atoi(v[C_URN]);
  long prior = seen_before(seen, urn, row);
  if (prior) {
    snprintf(ptr, sizeof ptr, "repeats the URN of row %ld", prior);
    row_error(errors, row, "/URN", ptr);
    return;
  }
#undef FAULT
  struct school_row *r = batch_add(b);
  if (!r)
    return;
  *r = (struct school_row){.row = row, .urn = urn, .name = v[C_NAME], .la_code = v[C_LA], .phase = phase,
                           .type = v[C_TYPE], .status = status, .valid_from = open, .valid_to = close,
                           .mainstream = school_import_is_mainstream(v[C_TYPE])};
}

int school_import_parse_csv(struct school_batch *out, const char *body, size_t len, bool cp1252, json_t *errors,
                            char *why, size_t whylen)
{
  struct csv_reader rd;
  struct urn_seen seen = {0};
  char **f = malloc(CSV_MAX_FIELDS * sizeof *f);
  int at[C_COUNT], n, status = PINS_EINVALID;
  memset(out, 0, sizeof *out);
  if (!f)
    return PINS_ENOMEM;
  if (cp1252) {
    if (cp1252_to_utf8(&out->text, &len, body, len))
      goto done;
  } else {
    /* a copy of exactly len bytes (a NUL inside the body stays data, not an end) */
    if (!(out->text = malloc(len + 1)))
      goto done;
    memcpy(out->text, body, len);
    out->text[len] = '\0';
  }
  csv_init(&rd, out->text, len);
  if ((n = csv_next(&rd, f, CSV_MAX_FIELDS)) <= 0) {
    snprintf(why, whylen, "the CSV has no header row");
    goto done;
  }
  for (int c = 0; c < C_COUNT; c++) {
    at[c] = -1;
    for (int i = 0; i < n; i++)
      if (strcmp(f[i], col_names[c]) == 0)
        at[c] = i;
    if (c < C_REQUIRED && at[c] < 0) {
      snprintf(why, whylen, "the CSV has no \"%s\" column (GIAS edubasealldata column names are expected)",
               col_names[c]);
      goto done;
    }
  }
  if (!(seen.row_of = calloc(900000, sizeof(long)))) {
    status = PINS_ENOMEM;
    goto done;
  }
  int header_fields = n;
  long row = 0;
  while ((n = csv_next(&rd, f, CSV_MAX_FIELDS)) != 0) {
    row++;
    if (row > SCHOOL_IMPORT_MAX_ROWS) {
      snprintf(why, whylen, "an import may hold at most %d rows", SCHOOL_IMPORT_MAX_ROWS);
      goto done;
    }
    if (n < 0) {
      row_error(errors, row, "", "is not a well-formed CSV record (an unclosed quote?)");
      break;
    }
    if (n == 1 && f[0][0] == '\0') { /* a blank line */
      row--;
      continue;
    }
    if (n != header_fields) {
      row_error(errors, row, "", "has a different number of fields from the header");
      continue;
    }
    csv_row(out, f, at, row, &seen, errors);
  }
  out->received = row;
  if (row == 0) {
    snprintf(why, whylen, "the CSV has no data rows");
    goto done;
  }
  status = PINS_OK;
done:
  free(seen.row_of);
  free(f);
  return status;
}

int school_import_parse_json(struct school_batch *out, json_t *array, json_t *errors, char *why, size_t whylen)
{
  const struct ref_resource *res = refdata_resource(REF_SCHOOL);
  struct urn_seen seen = {0};
  size_t i;
  json_t *rec;
  memset(out, 0, sizeof *out);
  if (!json_is_array(array) || json_array_size(array) == 0) {
    snprintf(why, whylen, "the body must be a non-empty JSON array of schools, or a GIAS CSV");
    return PINS_EINVALID;
  }
  if (json_array_size(array) > SCHOOL_IMPORT_MAX_ROWS) {
    snprintf(why, whylen, "an import may hold at most %d rows", SCHOOL_IMPORT_MAX_ROWS);
    return PINS_EINVALID;
  }
  if (!(seen.row_of = calloc(900000, sizeof(long))))
    return PINS_ENOMEM;
  out->json = json_incref(array);
  out->received = (long)json_array_size(array);
  json_array_foreach(array, i, rec)
  {
    long row = (long)i + 1;
    json_t *row_errors = json_array();
    size_t k;
    json_t *e;
    if (refdata_check_record(res, rec, false, row_errors, "") != PINS_OK) {
      json_array_foreach(row_errors, k, e) json_object_set_new(e, "row", json_integer(row));
      json_array_extend(errors, row_errors);
      json_decref(row_errors);
      continue;
    }
    json_decref(row_errors);
    int urn = (int)json_integer_value(json_object_get(rec, "urn"));
    long prior = seen_before(&seen, urn, row);
    if (prior) {
      char detail[64];
      snprintf(detail, sizeof detail, "repeats the urn of row %ld", prior);
      row_error(errors, row, "/urn", detail);
      continue;
    }
    struct school_row *r = batch_add(out);
    if (!r)
      break;
    *r = (struct school_row){
        .row = row,
        .urn = urn,
        .name = json_string_value(json_object_get(rec, "name")),
        .la_code = json_string_value(json_object_get(rec, "la_code")),
        .phase = json_string_value(json_object_get(rec, "phase")),
        .type = json_string_value(json_object_get(rec, "establishment_type")),
        .status = json_string_value(json_object_get(rec, "status")),
        .valid_from = json_string_value(json_object_get(rec, "valid_from")),
        .valid_to = json_string_value(json_object_get(rec, "valid_to")),
        .mainstream = json_is_true(json_object_get(rec, "is_mainstream")),
    };
  }
  free(seen.row_of);
  return PINS_OK;
}

static int by_row(const void *a, const void *b)
{
  json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "row"));
  json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "row"));
  return (x > y) - (x < y);
}

int school_import_run(struct school_import_result *res, struct store_conn *db, struct school_batch *b,
                      const struct store_actor *actor, json_t *errors)
{
  int rc = PINS_OK;
  memset(res, 0, sizeof *res);
  res->received = b->received;
  if (b->n > 0) {
    if ((rc = store_begin(db, actor)))
      return rc;
    if ((rc = store_school_import(res, db, b, errors)) == PINS_OK)
      rc = store_commit(db);
    if (rc)
      store_rollback(db);
  }
  /* Faults from parsing and from the database arrive separately; report them in row order. */
  size_t n = json_array_size(errors);
  json_t **items = malloc((n ? n : 1) * sizeof *items);
  if (items) {
    for (size_t i = 0; i < n; i++)
      items[i] = json_incref(json_array_get(errors, i));
    qsort(items, n, sizeof *items, by_row);
    json_array_clear(errors);
    for (size_t i = 0; i < n; i++)
      json_array_append_new(errors, items[i]);
    free(items);
  }
  return rc;
}
