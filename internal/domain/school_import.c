#include "domain/school_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/cp1252.h"
#include "core/csv.h"
#include "core/utf8.h"
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

bool school_import_errors_full(const json_t *errors)
{
  return json_array_size(errors) > SCHOOL_IMPORT_MAX_ERRORS;
}

/* Appends {row, pointer, detail} to errors, unless they are full; detail is stolen (NULL when out
 * of memory: dropped). */
static void row_fault(json_t *errors, long row, const char *pointer, json_t *detail)
{
  if (school_import_errors_full(errors)) {
    json_decref(detail);
    return;
  }
  json_array_append_new(errors, json_pack("{s:I, s:s, s:o}", "row", (json_int_t)row, "pointer", pointer, "detail",
                                          detail));
}

static void row_error(json_t *errors, long row, const char *pointer, const char *detail)
{
  row_fault(errors, row, pointer, json_string(detail));
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
  memcpy(s, d, sizeof d);
  return validate_is_date(s);
}

enum col { C_URN, C_LA, C_NAME, C_TYPE, C_PHASE, C_STATUS, C_OPEN, C_CLOSE, C_COUNT };
static const char *const col_names[C_COUNT] = {"URN", "LA (code)", "EstablishmentName", "TypeOfEstablishment (name)",
                                               "PhaseOfEducation (name)", "EstablishmentStatus (name)", "OpenDate",
                                               "CloseDate"};
#define C_REQUIRED 6 /* the first six columns must be present */

/* A column name longer than this makes the header unreadable: every row fault in that column
 * repeats the name as its pointer, so a long one would multiply the memory an import takes. */
#define CSV_MAX_COLUMN_NAME 128

/* The header: which field holds each of our columns, and each field's pointer for row faults. */
struct csv_header {
  int at[C_COUNT];                 /* field index, or -1 when the column is absent */
  int n;                           /* fields in the header (and in every well-formed row) */
  char *pointer[CSV_MAX_FIELDS];   /* "/<column name>" as an RFC 6901 pointer; owned */
};

static void header_free(struct csv_header *hd)
{
  for (int i = 0; i < CSV_MAX_FIELDS; i++)
    free(hd->pointer[i]);
}

/* "/" and the name with "~" written "~0" and "/" written "~1" (RFC 6901); NULL when out of memory. */
static char *pointer_of(const char *name)
{
  size_t n = 1;
  for (const char *c = name; *c; c++)
    n += *c == '~' || *c == '/' ? 2 : 1;
  char *out = malloc(n + 1), *o = out;
  if (!out)
    return NULL;
  *o++ = '/';
  for (const char *c = name; *c; c++) {
    if (*c == '~' || *c == '/') {
      *o++ = '~';
      *o++ = *c == '~' ? '0' : '1';
    } else {
      *o++ = *c;
    }
  }
  *o = '\0';
  return out;
}

/* Checks one field's bytes: PINS_OK when they are well-formed UTF-8 without a NUL byte (a NUL
 * would silently cut the value short: fields are C strings). Otherwise PINS_EINVALID and *detail
 * is a new string saying what is wrong (NULL only when out of memory). */
static int field_bytes(json_t **detail, const char *s, size_t len)
{
  size_t count, at;
  const char *nul = memchr(s, '\0', len);
  *detail = NULL;
  if (nul)
    *detail = json_sprintf("must not hold a NUL byte (byte %zu of the field)", (size_t)(nul - s) + 1);
  else if (utf8_measure(&count, &at, s, len) != PINS_OK)
    *detail = json_sprintf("is not valid UTF-8 (an ill-formed sequence at byte %zu of the field)", at + 1);
  else
    return PINS_OK;
  return PINS_EINVALID;
}

static int read_header(struct csv_header *hd, char **f, const size_t *lens, int n, char *why, size_t whylen)
{
  hd->n = n;
  for (int i = 0; i < n; i++) {
    size_t chars;
    json_t *fault;
    if (field_bytes(&fault, f[i], lens[i]) != PINS_OK) {
      snprintf(why, whylen, "the CSV header's column %d %s", i + 1,
               fault ? json_string_value(fault) : "is not valid UTF-8");
      json_decref(fault);
      return PINS_EINVALID;
    }
    if (utf8_measure(&chars, NULL, f[i], lens[i]) != PINS_OK || chars > CSV_MAX_COLUMN_NAME) {
      snprintf(why, whylen, "the CSV header's column %d is longer than %d characters", i + 1, CSV_MAX_COLUMN_NAME);
      return PINS_EINVALID;
    }
    if (!(hd->pointer[i] = pointer_of(f[i])))
      return PINS_ENOMEM;
  }
  for (int c = 0; c < C_COUNT; c++) {
    hd->at[c] = -1;
    for (int i = 0; i < n; i++)
      if (strcmp(f[i], col_names[c]) == 0)
        hd->at[c] = i;
    if (c < C_REQUIRED && hd->at[c] < 0) {
      snprintf(why, whylen, "the CSV has no \"%s\" column (GIAS edubasealldata column names are expected)",
               col_names[c]);
      return PINS_EINVALID;
    }
  }
  return PINS_OK;
}

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

/* Checks the bytes of every field of a row. A faulty field is reported and set to NULL in f, so
 * that no other check reads it; each of our columns is reported, and the first other column (the
 * rest of the row is not read). Returns how many faults were reported. */
static int row_bytes(char **f, const size_t *lens, const struct csv_header *hd, long row, json_t *errors)
{
  int faults = 0;
  bool other_reported = false;
  for (int i = 0; i < hd->n; i++) {
    json_t *fault;
    if (field_bytes(&fault, f[i], lens[i]) == PINS_OK)
      continue;
    bool ours = false;
    for (int c = 0; c < C_COUNT; c++)
      ours = ours || hd->at[c] == i;
    if (ours || !other_reported) {
      row_fault(errors, row, hd->pointer[i], fault);
      faults++;
      other_reported = other_reported || !ours;
    } else {
      json_decref(fault);
    }
    f[i] = NULL;
  }
  return faults;
}

/* Checks and maps one row whose bytes are sound (fields set to NULL by row_bytes were reported
 * already and are skipped here); adds it to the batch when it has no fault. */
static void csv_row(struct school_batch *b, char **f, const struct csv_header *hd, long row, int faults,
                    struct urn_seen *seen, json_t *errors)
{
  const struct field_spec *spec = refdata_resource(REF_SCHOOL)->fields;
  const struct field_spec *urn_spec = &spec[0], *name_spec = &spec[1], *la_spec = &spec[2], *type_spec = &spec[4];
  const char *v[C_COUNT];
  bool ok[C_COUNT]; /* present with sound bytes (absent optional columns read as "") */
  for (int c = 0; c < C_COUNT; c++) {
    int i = hd->at[c];
    ok[c] = i < 0 || f[i];
    v[c] = i >= 0 && f[i] ? f[i] : "";
  }
#define FAULT(col, detail)                                                                                       \
  do {                                                                                                           \
    row_fault(errors, row, hd->pointer[hd->at[col]], detail);                                                    \
    faults++;                                                                                                    \
  } while (0)
  if (ok[C_URN] && !validate_text_value(urn_spec, v[C_URN]))
    FAULT(C_URN, json_string("must be a six-digit unique reference number"));
  if (ok[C_LA] && !validate_text_value(la_spec, v[C_LA]))
    FAULT(C_LA, json_string("must be a three-digit local authority code"));
  if (ok[C_NAME] && !validate_text_value(name_spec, v[C_NAME]))
    FAULT(C_NAME, json_sprintf("must be 1 to %zu characters", name_spec->max_len));
  if (ok[C_TYPE] && !validate_text_value(type_spec, v[C_TYPE]))
    FAULT(C_TYPE, json_sprintf("must be 1 to %zu characters", type_spec->max_len));
  const char *phase = school_import_phase(v[C_PHASE]), *status = school_import_status(v[C_STATUS]);
  if (ok[C_PHASE] && !phase)
    FAULT(C_PHASE, json_string("is not a GIAS phase of education"));
  if (ok[C_STATUS] && !status)
    FAULT(C_STATUS, json_string("is not a GIAS establishment status"));
  char *open_text = hd->at[C_OPEN] >= 0 ? f[hd->at[C_OPEN]] : NULL;
  char *close_text = hd->at[C_CLOSE] >= 0 ? f[hd->at[C_CLOSE]] : NULL;
  if (open_text && !gias_date(open_text))
    FAULT(C_OPEN, json_string("must be a date written dd-mm-yyyy"));
  if (close_text && !gias_date(close_text))
    FAULT(C_CLOSE, json_string("must be a date written dd-mm-yyyy"));
  const char *open = open_text && *open_text ? open_text : "1900-01-01";
  const char *close = close_text && *close_text ? close_text : NULL;
  if (!faults && close && strcmp(close, open) < 0)
    FAULT(C_CLOSE, json_string("must not be before OpenDate"));
#undef FAULT
  if (faults)
    return;
  int urn = atoi(v[C_URN]);
  long prior = seen_before(seen, urn, row);
  if (prior) {
    row_fault(errors, row, hd->pointer[hd->at[C_URN]], json_sprintf("repeats the URN of row %ld", prior));
    return;
  }
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
  struct csv_header hd = {0};
  struct urn_seen seen = {0};
  char **f = malloc(CSV_MAX_FIELDS * sizeof *f);
  size_t *lens = malloc(CSV_MAX_FIELDS * sizeof *lens);
  int n, status = PINS_ENOMEM;
  memset(out, 0, sizeof *out);
  if (!f || !lens)
    goto done;
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
  status = PINS_EINVALID;
  csv_init(&rd, out->text, len);
  if ((n = csv_next(&rd, f, lens, CSV_MAX_FIELDS)) <= 0) {
    snprintf(why, whylen, "the CSV has no header row");
    goto done;
  }
  if ((status = read_header(&hd, f, lens, n, why, whylen)))
    goto done;
  status = PINS_ENOMEM;
  if (!(seen.row_of = calloc(900000, sizeof(long))))
    goto done;
  status = PINS_EINVALID;
  long row = 0;
  while ((n = csv_next(&rd, f, lens, CSV_MAX_FIELDS)) != 0) {
    row++;
    if (row > SCHOOL_IMPORT_MAX_ROWS) {
      snprintf(why, whylen, "an import may hold at most %d rows", SCHOOL_IMPORT_MAX_ROWS);
      goto done;
    }
    if (n < 0) {
      row_error(errors, row, "", "is not a well-formed CSV record (an unclosed quote?)");
      break;
    }
    if (n == 1 && lens[0] == 0) { /* a blank line */
      row--;
      continue;
    }
    if (n != hd.n) {
      row_error(errors, row, "", "has a different number of fields from the header");
      continue;
    }
    csv_row(out, f, &hd, row, row_bytes(f, lens, &hd, row, errors), &seen, errors);
  }
  out->received = row;
  if (row == 0) {
    snprintf(why, whylen, "the CSV has no data rows");
    goto done;
  }
  status = PINS_OK;
done:
  header_free(&hd);
  free(seen.row_of);
  free(lens);
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
      if (!school_import_errors_full(errors))
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
  json_t *db_errors = json_array();
  if (!db_errors)
    return PINS_ENOMEM;
  if (b->n > 0) {
    if ((rc = store_begin(db, actor)))
      goto done;
    if ((rc = store_school_import(res, db, b, db_errors)) == PINS_OK)
      rc = store_commit(db);
    if (rc)
      store_rollback(db);
  }
  /* Faults from parsing and from the database arrive separately, each the first of its kind in row
   * order; report them merged in row order, the first SCHOOL_IMPORT_MAX_ERRORS of them. */
  json_array_extend(errors, db_errors);
  size_t n = json_array_size(errors);
  json_t **items = malloc((n ? n : 1) * sizeof *items);
  if (items) {
    for (size_t i = 0; i < n; i++)
      items[i] = json_incref(json_array_get(errors, i));
    qsort(items, n, sizeof *items, by_row);
    json_array_clear(errors);
    for (size_t i = 0; i < n; i++) {
      if (i < SCHOOL_IMPORT_MAX_ERRORS)
        json_array_append_new(errors, items[i]);
      else
        json_decref(items[i]);
    }
    free(items);
    res->errors_truncated = n > SCHOOL_IMPORT_MAX_ERRORS;
  }
done:
  json_decref(db_errors);
  return rc;
}
