#include "domain/refdata.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/status.h"
#include "store/refdata.h"

static const char *const regions[] = {"North East and Yorkshire", "North West", "Midlands", "East of England",
                                      "London", "South East", "South West", NULL};
static const char *const phases[] = {"nursery", "primary", "middle_deemed_primary", "secondary",
                                     "middle_deemed_secondary", "all_through", "sixteen_plus", "not_applicable",
                                     NULL};
static const char *const school_statuses[] = {"open", "closed", "open_proposed_to_close", "proposed_to_open", NULL};
const char *const refdata_domains[] = {"leadership_culture_values", "mental_health", "readiness_to_learn",
                                       "teaching_and_learning", "environment", "communication", NULL};
static const char *const professional_types[] = {"occupational_therapist", "speech_and_language_therapist",
                                                 "educational_psychologist", "mental_health_practitioner",
                                                 "specialist_nurse", "specialist_teacher", NULL};
static const char *const delivery_modes[] = {"face_to_face", "virtual", "blended", NULL};
static const char *const booleans[] = {"true", "false", NULL};

static bool all_of(const char *s, size_t min, size_t max, int (*cls)(int))
{
  size_t n = strlen(s);
  if (n < min || n > max)
    return false;
  for (; *s; s++)
    if (!cls((unsigned char)*s))
      return false;
  return true;
}

static int is_upper_or_digit(int c)
{
  return isupper(c) || isdigit(c);
}
static int is_code_char(int c)
{
  return isupper(c) || isdigit(c) || c == '-';
}
static int is_slug_char(int c)
{
  return islower(c) || isdigit(c) || c == '-';
}

static bool is_ods_code(const char *s)
{
  return all_of(s, 3, 3, is_upper_or_digit);
}
static bool is_la_code(const char *s)
{
  return all_of(s, 3, 3, isdigit);
}
static bool is_icb_ons(const char *s)
{
  return strncmp(s, "E54", 3) == 0 && all_of(s + 3, 6, 6, isdigit);
}
static bool is_la_ons(const char *s)
{
  return s[0] == 'E' && all_of(s + 1, 8, 8, isdigit);
}
static bool is_pcf_id(const char *s)
{
  return (islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])) && all_of(s, 2, 64, is_slug_char);
}
static bool is_menu_code(const char *s)
{
  return is_upper_or_digit((unsigned char)s[0]) && all_of(s, 2, 32, is_code_char);
}

#define VALIDITY                                                                                                \
  {.name = "valid_from", .kind = FIELD_DATE}, {.name = "valid_to", .kind = FIELD_DATE, .flags = FIELD_NULLABLE}
#define LA_CODE_FIELD(flags_)                                                                                   \
  {.name = "la_code", .kind = FIELD_TEXT, .flags = (flags_), .max_len = 3, .format = is_la_code,                \
   .format_hint = "a three-digit local authority code, e.g. 831"}

static const struct field_spec icb_fields[] = {
    {.name = "code", .kind = FIELD_TEXT, .flags = FIELD_KEY, .max_len = 3, .format = is_ods_code,
     .format_hint = "a three-character ODS code of capital letters and digits, e.g. QK1"},
    {.name = "ons_code", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 9, .format = is_icb_ons,
     .format_hint = "an ONS ICB code, E54 and six digits"},
    {.name = "name", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    {.name = "region", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = regions},
    VALIDITY,
    {0}};

static const struct field_spec la_fields[] = {
    {.name = "code", .kind = FIELD_TEXT, .flags = FIELD_KEY, .max_len = 3, .format = is_la_code,
     .format_hint = "a three-digit DfE local authority code, e.g. 831"},
    {.name = "ons_code", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 9, .format = is_la_ons,
     .format_hint = "an ONS local authority code, E and eight digits"},
    {.name = "name", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    {.name = "icb_code", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 3, .format = is_ods_code,
     .format_hint = "a three-character ICB ODS code, e.g. QK1"},
    VALIDITY,
    {0}};

static const struct field_spec school_fields[] = {
    {.name = "urn", .kind = FIELD_INT, .flags = FIELD_KEY, .min = 100000, .max = 999999,
     .format_hint = "a six-digit unique reference number"},
    {.name = "name", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    LA_CODE_FIELD(FIELD_REQUIRED),
    {.name = "phase", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = phases},
    {.name = "establishment_type", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 100},
    {.name = "is_mainstream", .kind = FIELD_BOOL, .flags = FIELD_REQUIRED},
    {.name = "status", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = school_statuses},
    VALIDITY,
    {0}};

static const struct field_spec pcf_fields[] = {
    {.name = "id", .kind = FIELD_TEXT, .flags = FIELD_KEY, .max_len = 64, .format = is_pcf_id,
     .format_hint = "2 to 64 lower-case letters, digits or hyphens, e.g. pcf-831"},
    {.name = "name", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    LA_CODE_FIELD(FIELD_REQUIRED),
    VALIDITY,
    {0}};

static const struct field_spec menu_fields[] = {
    {.name = "code", .kind = FIELD_TEXT, .flags = FIELD_KEY, .max_len = 32, .format = is_menu_code,
     .format_hint = "2 to 32 capital letters, digits or hyphens, e.g. OT-SENSORY-AUDIT"},
    {.name = "title", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    {.name = "description", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 4000},
    {.name = "domains", .kind = FIELD_ENUM_SET, .flags = FIELD_REQUIRED, .values = refdata_domains},
    {.name = "professional_types", .kind = FIELD_ENUM_SET, .flags = FIELD_REQUIRED, .values = professional_types},
    {.name = "delivery_modes", .kind = FIELD_ENUM_SET, .flags = FIELD_REQUIRED, .values = delivery_modes},
    {.name = "active", .kind = FIELD_BOOL, .flags = FIELD_REQUIRED},
    VALIDITY,
    {0}};

#define DATE_SPEC {.kind = FIELD_DATE}

const struct ref_resource refdata_resources[REF_KIND_COUNT] = {
    [REF_ICB] = {.kind = REF_ICB, .collection = "icbs", .noun = "ICB", .fields = icb_fields,
                 .filters = {{.param = "region", .spec = {.kind = FIELD_ENUM, .values = regions}}},
                 .nfilters = 1},
    [REF_LA] = {.kind = REF_LA, .collection = "local-authorities", .noun = "local authority", .fields = la_fields,
                .filters = {{.param = "icb_code", .spec = {.kind = FIELD_TEXT, .max_len = 3, .format = is_ods_code}}},
                .nfilters = 1},
    [REF_SCHOOL] = {.kind = REF_SCHOOL, .collection = "schools", .noun = "school", .fields = school_fields,
                    .filters = {{.param = "la_code", .spec = {.kind = FIELD_TEXT, .max_len = 3, .format = is_la_code}},
                                {.param = "icb_code", .spec = {.kind = FIELD_TEXT, .max_len = 3, .format = is_ods_code}},
                                {.param = "phase", .spec = {.kind = FIELD_ENUM, .values = phases}},
                                {.param = "status", .spec = {.kind = FIELD_ENUM, .values = school_statuses}},
                                {.param = "q", .spec = {.kind = FIELD_TEXT, .max_len = 100}, .min_len = 2}},
                    .nfilters = 5},
    [REF_PCF] = {.kind = REF_PCF, .collection = "parent-carer-forums", .noun = "parent carer forum",
                 .fields = pcf_fields,
                 .filters = {{.param = "la_code", .spec = {.kind = FIELD_TEXT, .max_len = 3, .format = is_la_code}}},
                 .nfilters = 1},
    [REF_MENU_ITEM] = {.kind = REF_MENU_ITEM, .collection = "menu-items", .noun = "menu item", .fields = menu_fields,
                       .filters = {{.param = "active", .spec = {.kind = FIELD_ENUM, .values = booleans}},
                                   {.param = "domain", .spec = {.kind = FIELD_ENUM, .values = refdata_domains}}},
                       .nfilters = 2},
};

const struct ref_resource *refdata_resource(enum ref_kind kind)
{
  return &refdata_resources[kind];
}

void refdata_page_free(struct ref_page *page)
{
  free(page->body);
  free(page->next_key);
  page->body = page->next_key = NULL;
}

static bool key_ok(const struct ref_resource *r, const char *key)
{
  return key && validate_text_value(&r->fields[0], key);
}

int refdata_get(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, const char *key)
{
  if (!key_ok(r, key))
    return PINS_ENOTFOUND;
  return store_ref_get(out, db, r->kind, key, false);
}

int refdata_check_query(const struct ref_resource *r, const char *const *filters, const char *valid_on,
                        const char *after_key, char *why, size_t cap)
{
  for (unsigned i = 0; i < r->nfilters; i++) {
    const struct ref_filter *f = &r->filters[i];
    if (!filters[i])
      continue;
    const struct field_spec *spec = &f->spec;
    if (!validate_text_value(spec, filters[i]) || validate_utf8_length(filters[i]) < f->min_len) {
      char allowed[400] = "";
      if (spec->values && validate_list_values(allowed, sizeof allowed, spec->values) >= sizeof allowed)
        snprintf(why, cap, "query parameter %s is not one of its allowed values", f->param); /* never a cut list */
      else if (spec->values)
        snprintf(why, cap, "query parameter %s must be one of %s", f->param, allowed);
      else if (f->min_len)
        snprintf(why, cap, "query parameter %s must be %u to %zu characters", f->param, f->min_len, spec->max_len);
      else
        snprintf(why, cap, "query parameter %s is not a valid %s", f->param, f->param);
      return PINS_EINVALID;
    }
  }
  if (valid_on && !validate_is_date(valid_on)) {
    snprintf(why, cap, "query parameter valid_on must be a date written YYYY-MM-DD");
    return PINS_EINVALID;
  }
  if (after_key && !key_ok(r, after_key)) {
    snprintf(why, cap, "query parameter cursor is not a cursor this list gave out");
    return PINS_EINVALID;
  }
  return PINS_OK;
}

/* Escapes LIKE wildcards so that q matches literally. */
static char *like_escape(const char *s)
{
  char *out = malloc(strlen(s) * 2 + 1), *o = out;
  if (!out)
    return NULL;
  for (; *s; s++) {
    if (*s == '%' || *s == '_' || *s == '\\')
      *o++ = '\\';
    *o++ = *s;
  }
  *o = '\0';
  return out;
}

int refdata_list(struct ref_page *out, struct store_conn *db, const struct ref_resource *r,
                 const char *const *filters, const char *valid_on, const char *after_key, int limit)
{
  int status = PINS_ENOMEM;
  PGresult *res = NULL;
  char *escaped[REF_MAX_FILTERS] = {0};
  const char *params[REF_MAX_FILTERS + 3];
  char limit_text[16];
  char *body = NULL;
  unsigned i;

  for (i = 0; i < r->nfilters; i++) {
    params[i] = filters[i];
    if (filters[i] && r->filters[i].min_len) { /* the free-text search */
      if (!(escaped[i] = like_escape(filters[i])))
        goto done;
      params[i] = escaped[i];
    }
  }
  snprintf(limit_text, sizeof limit_text, "%d", limit + 1); /* one more tells whether a next page exists */
  params[i++] = valid_on;
  params[i++] = after_key;
  params[i++] = limit_text;
  if ((status = store_ref_list(&res, db, r->kind, params)))
    goto done;

  int rows = PQntuples(res), shown = rows > limit ? limit : rows;
  size_t len = 32;
  for (int row = 0; row < shown; row++)
    len += (size_t)PQgetlength(res, row, 0) + 1;
  status = PINS_ENOMEM;
  if (!(body = malloc(len)))
    goto done;
  size_t n = 0;
  memcpy(body, "{\"items\":[", 10);
  n = 10;
  for (int row = 0; row < shown; row++) {
    if (row)
      body[n++] = ',';
    size_t l = (size_t)PQgetlength(res, row, 0);
    memcpy(body + n, PQgetvalue(res, row, 0), l);
    n += l;
  }
  body[n++] = ']';
  body[n] = '\0';
  out->body = body;
  body = NULL;
  out->next_key = NULL;
  if (rows > limit && !(out->next_key = strdup(PQgetvalue(res, shown - 1, 1))))
    goto done;
  status = PINS_OK;
done:
  for (i = 0; i < REF_MAX_FILTERS; i++)
    free(escaped[i]);
  free(body);
  PQclear(res);
  return status;
}

bool refdata_key_text(const struct ref_resource *r, const json_t *rec, char *buf, size_t cap)
{
  json_t *k = json_object_get(rec, r->fields[0].name);
  if (json_is_integer(k))
    snprintf(buf, cap, "%lld", (long long)json_integer_value(k));
  else if (json_is_string(k))
    snprintf(buf, cap, "%s", json_string_value(k));
  else
    return false;
  return true;
}

static void today(char *buf, size_t cap)
{
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, cap, "%Y-%m-%d", &tm);
}

int refdata_check_record(const struct ref_resource *r, json_t *rec, bool key_optional, json_t *errors,
                         const char *prefix)
{
  int faults = validate_object(errors, rec, r->fields, key_optional, prefix);
  if (!json_is_object(rec))
    return PINS_EINVALID;
  json_t *from = json_object_get(rec, "valid_from");
  if (!from) {
    char d[16];
    today(d, sizeof d);
    json_object_set_new(rec, "valid_from", json_string(d));
    from = json_object_get(rec, "valid_from");
  }
  json_t *to = json_object_get(rec, "valid_to");
  if (!to)
    json_object_set_new(rec, "valid_to", json_null());
  else if (json_is_string(to) && json_is_string(from) && validate_is_date(json_string_value(to)) &&
           validate_is_date(json_string_value(from)) && strcmp(json_string_value(to), json_string_value(from)) < 0) {
    validate_error(errors, prefix, "valid_to", "must not be before valid_from");
    faults++;
  }
  return faults ? PINS_EINVALID : PINS_OK;
}

bool refdata_etag_matches(const char *if_match, long long version)
{
  char want[32];
  snprintf(want, sizeof want, "\"%lld\"", version);
  size_t wl = strlen(want);
  const char *p = if_match;
  while (p && *p) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    const char *e = p;
    while (*e && *e != ',')
      e++;
    const char *t = e;
    while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
      t--;
    if ((t - p == 1 && *p == '*') || ((size_t)(t - p) == wl && strncmp(p, want, wl) == 0))
      return true;
    p = e;
  }
  return false;
}

void refdata_merge_patch(json_t *target, const json_t *patch)
{
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)patch, k, v)
  {
    json_t *cur = json_object_get(target, k);
    if (json_is_null(v))
      json_object_del(target, k);
    else if (json_is_object(v) && json_is_object(cur))
      refdata_merge_patch(cur, v);
    else if (json_is_object(v)) {
      json_t *fresh = json_object();
      refdata_merge_patch(fresh, v);
      json_object_set_new(target, k, fresh);
    } else
      json_object_set(target, k, v);
  }
}

/* Maps a failed insert or update: a foreign key of the written table means the field names a
 * record that does not exist (422); a duplicate key is a conflict (409). */
static int write_failed(int rc, struct store_conn *db, json_t *errors)
{
  char field[64];
  if (rc == PINS_ECONFLICT && store_fk_field(db, field, sizeof field)) {
    validate_error(errors, "", field, "names no existing record");
    return PINS_EINVALID;
  }
  return rc;
}

static int finish(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, const char *key)
{
  int rc = out ? store_ref_get(out, db, r->kind, key, false) : PINS_OK;
  if (rc == PINS_OK)
    rc = store_commit(db);
  return rc;
}

int refdata_create(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, json_t *body,
                   const ref_actor *actor, json_t *errors)
{
  char key[80];
  char *doc = NULL;
  int rc = refdata_check_record(r, body, false, errors, "");
  if (rc)
    return rc;
  refdata_key_text(r, body, key, sizeof key);
  if (!(doc = json_dumps(body, JSON_COMPACT)))
    return PINS_ENOMEM;
  if ((rc = store_begin(db, actor)))
    goto done;
  if ((rc = store_ref_insert(db, r->kind, doc))) {
    rc = write_failed(rc, db, errors);
    goto done;
  }
  rc = finish(out, db, r, key);
done:
  if (db->in_tx)
    store_rollback(db);
  free(doc);
  return rc;
}

/* Locks the record and checks If-Match; on success *current holds the record. */
static int lock_current(struct ref_doc *current, struct store_conn *db, const struct ref_resource *r,
                        const char *key, const char *if_match, const ref_actor *actor)
{
  if (!key_ok(r, key))
    return PINS_ENOTFOUND;
  int rc = store_begin(db, actor);
  if (rc)
    return rc;
  if ((rc = store_ref_get(current, db, r->kind, key, true)))
    return rc;
  if (if_match && !refdata_etag_matches(if_match, current->version))
    return PINS_EPRECONDITION;
  return PINS_OK;
}

/* Writes rec (already merged for a patch) over the record named key. */
static int write_over(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, const char *key,
                      json_t *rec, json_t *errors)
{
  char body_key[80];
  char *doc = NULL;
  int rc = refdata_check_record(r, rec, true, errors, "");
  if (refdata_key_text(r, rec, body_key, sizeof body_key) && strcmp(body_key, key) != 0) {
    validate_error(errors, "", r->fields[0].name, "must equal the key in the path; a key cannot change");
    rc = PINS_EINVALID;
  }
  if (rc)
    return rc;
  if (!(doc = json_dumps(rec, JSON_COMPACT)))
    return PINS_ENOMEM;
  if ((rc = store_ref_update(db, r->kind, key, doc)))
    rc = write_failed(rc, db, errors);
  else
    rc = finish(out, db, r, key);
  free(doc);
  return rc;
}

int refdata_replace(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, const char *key,
                    json_t *body, const char *if_match, const ref_actor *actor, json_t *errors)
{
  struct ref_doc current = {0};
  json_t *cur = NULL;
  int rc;
  if (!json_is_object(body)) {
    validate_object(errors, body, r->fields, true, "");
    return PINS_EINVALID;
  }
  if ((rc = lock_current(&current, db, r, key, if_match, actor)))
    goto done;
  /* A replacement keeps the start of validity unless it says otherwise. */
  if (!json_object_get(body, "valid_from") && (cur = json_loads(current.doc, 0, NULL)))
    json_object_set(body, "valid_from", json_object_get(cur, "valid_from"));
  rc = write_over(out, db, r, key, body, errors);
done:
  if (db->in_tx)
    store_rollback(db);
  json_decref(cur);
  free(current.doc);
  return rc;
}

int refdata_patch(struct ref_doc *out, struct store_conn *db, const struct ref_resource *r, const char *key,
                  json_t *patch, const char *if_match, const ref_actor *actor, json_t *errors)
{
  struct ref_doc current = {0};
  json_t *rec = NULL;
  int rc;
  if (!json_is_object(patch)) {
    validate_object(errors, patch, r->fields, true, "");
    return PINS_EINVALID;
  }
  if ((rc = lock_current(&current, db, r, key, if_match, actor)))
    goto done;
  rc = PINS_ERROR;
  if (!(rec = json_loads(current.doc, 0, NULL)))
    goto done;
  refdata_merge_patch(rec, patch);
  rc = write_over(out, db, r, key, rec, errors);
done:
  if (db->in_tx)
    store_rollback(db);
  json_decref(rec);
  free(current.doc);
  return rc;
}

int refdata_delete(struct store_conn *db, const struct ref_resource *r, const char *key, const char *if_match,
                   const ref_actor *actor, json_t *errors)
{
  struct ref_doc current = {0};
  int rc = lock_current(&current, db, r, key, if_match, actor);
  if (rc == PINS_OK && (rc = store_ref_delete(db, r->kind, key)) == PINS_OK)
    rc = store_commit(db);
  if (db->in_tx)
    store_rollback(db);
  free(current.doc);
  return rc;
}
