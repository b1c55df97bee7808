#include "domain/self_assessment.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/policy.h"
#include "domain/project.h"
#include "domain/validate.h"
#include "store/access.h"
#include "store/outbox.h"
#include "store/self_assessment.h"

static const char *const kinds[] = {"baseline", "follow_up", NULL};
static const char *const statuses[] = {"draft", "completed", NULL};

/* Templates. */

int template_list(char **json, struct store_conn *db)
{
  return store_template_list(json, db);
}

int template_get(char **doc, struct store_conn *db, const char *version)
{
  if (strspn(version, "0123456789") != strlen(version) || strlen(version) > 6 || !*version)
    return PINS_ENOTFOUND;
  return store_template_get(doc, db, version);
}

static const struct field_spec scale_fields[] = {
    {.name = "value", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 1, .max = 4},
    {.name = "label", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 100},
    {0}};
static const struct field_spec item_fields[] = {
    {.name = "key", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 80},
    {.name = "text", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 1000},
    {0}};
static const struct field_spec domain_fields[] = {
    {.name = "key", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = refdata_domains},
    {.name = "title", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    {.name = "items", .kind = FIELD_ARRAY, .flags = FIELD_REQUIRED, .items = item_fields, .min_items = 1,
     .max_items = 50},
    {0}};
static const struct field_spec template_fields[] = {
    {.name = "version", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 1, .max = 999999},
    {.name = "title", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    {.name = "illustrative", .kind = FIELD_BOOL, .flags = FIELD_REQUIRED},
    {.name = "notice", .kind = FIELD_TEXT, .flags = FIELD_NULLABLE, .max_len = 2000},
    {.name = "scale", .kind = FIELD_ARRAY, .flags = FIELD_REQUIRED, .items = scale_fields, .min_items = 4,
     .max_items = 4},
    {.name = "priority_threshold", .kind = FIELD_INT, .flags = FIELD_NULLABLE, .min = 1, .max = 4},
    {.name = "domains", .kind = FIELD_ARRAY, .flags = FIELD_REQUIRED, .items = domain_fields, .min_items = 6,
     .max_items = 6},
    {0}};

int template_check(const json_t *tmpl, json_t *errors)
{
  /* priority_threshold may be fractional (2.5): check it apart from the integer spec */
  json_t *copy = json_deep_copy(tmpl);
  json_t *threshold = json_object_get(copy, "priority_threshold");
  if (json_is_real(threshold)) {
    double t = json_real_value(threshold);
    if (t < 1 || t > 4)
      validate_error(errors, "", "priority_threshold", "must be a number from 1 to 4");
    json_object_del(copy, "priority_threshold");
  }
  validate_object(errors, copy, template_fields, false, "");
  json_decref(copy);
  if (json_array_size(errors))
    return PINS_EINVALID;
  /* each of the six domains once; item keys unique across the template; scale values 1..4 once */
  size_t i, j;
  json_t *d, *item, *seen = json_object();
  json_array_foreach(json_object_get(tmpl, "domains"), i, d)
  {
    char pointer[64];
    const char *key = json_string_value(json_object_get(d, "key"));
    if (json_object_get(seen, key)) {
      snprintf(pointer, sizeof pointer, "/domains/%zu", i);
      validate_error(errors, pointer, "key", "repeats a domain; each of the six domains appears once");
    }
    json_object_set_new(seen, key, json_true());
    json_array_foreach(json_object_get(d, "items"), j, item)
    {
      const char *ik = json_string_value(json_object_get(item, "key"));
      char ik_seen[100];
      snprintf(ik_seen, sizeof ik_seen, "item:%s", ik);
      if (json_object_get(seen, ik_seen)) {
        snprintf(pointer, sizeof pointer, "/domains/%zu/items/%zu", i, j);
        validate_error(errors, pointer, "key", "repeats an item key; item keys are unique in a template");
      }
      json_object_set_new(seen, ik_seen, json_true());
    }
  }
  json_t *s;
  json_array_foreach(json_object_get(tmpl, "scale"), i, s)
  {
    if (json_integer_value(json_object_get(s, "value")) != (json_int_t)i + 1) {
      validate_error(errors, "", "scale", "must list the values 1, 2, 3 and 4 in order");
      break;
    }
  }
  json_decref(seen);
  return json_array_size(errors) ? PINS_EINVALID : PINS_OK;
}

int template_publish(char **doc, char *version, struct store_conn *db, json_t *body, const struct store_actor *actor,
                     json_t *errors, char *why)
{
  int rc = template_check(body, errors);
  if (rc)
    return rc;
  if (!json_is_number(json_object_get(body, "priority_threshold")))
    json_object_set_new(body, "priority_threshold", json_real(2.5)); /* absent or null: the default */
  int n = snprintf(version, STORE_ID_LEN, "%lld", (long long)json_integer_value(json_object_get(body, "version")));
  if (n < 0 || n >= STORE_ID_LEN)
    return PINS_ERROR;
  char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(6));
  if (!text)
    return PINS_ENOMEM;
  if ((rc = store_begin(db, actor)) == PINS_OK) {
    rc = store_template_insert(db, version, text);
    if (rc == PINS_ECONFLICT)
      snprintf(why, ASSESSMENT_WHY, "template version %s exists already; templates are never changed", version);
    if (rc == PINS_OK)
      rc = store_commit(db);
    if (db->in_tx)
      store_rollback(db);
  }
  free(text);
  if (rc == PINS_OK)
    rc = store_template_get(doc, db, version);
  return rc;
}

/* Assessments. */

static const struct field_spec create_fields[] = {
    {.name = "project_id", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 36, .format = policy_is_uuid,
     .format_hint = "a project id"},
    {.name = "urn", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 100000, .max = 999999,
     .format_hint = "a six-digit unique reference number"},
    {.name = "kind", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = kinds},
    {.name = "template_version", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 1, .max = 999999},
    {0}};

int assessment_create(char **doc, char *id, struct store_conn *db, const struct auth_principal *who,
                      const struct store_actor *actor, json_t *body, json_t *errors, char *why)
{
  char urn[8], tv[12], *tmpl = NULL, *bstatus = NULL, *bresults = NULL;
  enum access access = ACCESS_NONE;
  bool enrolled = false;
  int rc;
  if (validate_object(errors, body, create_fields, false, ""))
    return PINS_EINVALID;
  const char *project = json_string_value(json_object_get(body, "project_id"));
  const char *kind = json_string_value(json_object_get(body, "kind"));
  snprintf(urn, sizeof urn, "%lld", (long long)json_integer_value(json_object_get(body, "urn")));
  snprintf(tv, sizeof tv, "%lld", (long long)json_integer_value(json_object_get(body, "template_version")));
  if ((rc = store_school_work_access(&access, db, project, urn, auth_role_name(who->role), who->org)))
    return rc;
  if (access == ACCESS_NONE) {
    validate_error(errors, "", "project_id", "names no project with this school that you may see");
    return PINS_EINVALID;
  }
  if (access < ACCESS_WRITE)
    return PINS_EFORBIDDEN;
  if ((rc = store_begin(db, actor)))
    return rc;
  if ((rc = store_school_enrolled(&enrolled, db, project, urn)))
    goto done;
  if (!enrolled)
    validate_error(errors, "", "urn", "the school is not enrolled in this project");
  rc = store_template_get(&tmpl, db, tv);
  if (rc == PINS_ENOTFOUND)
    validate_error(errors, "", "template_version", "names no published template");
  else if (rc)
    goto done;
  rc = store_assessment_baseline(&bstatus, &bresults, db, project, urn);
  if (rc && rc != PINS_ENOTFOUND)
    goto done;
  if (strcmp(kind, "follow_up") == 0 && (!bstatus || strcmp(bstatus, "completed") != 0))
    validate_error(errors, "", "kind", "a follow-up comes only after the school's baseline is completed");
  if (json_array_size(errors)) {
    rc = PINS_EINVALID;
    goto done;
  }
  if (strcmp(kind, "baseline") == 0 && bstatus) {
    snprintf(why, ASSESSMENT_WHY, "this school already has a baseline in this project");
    rc = PINS_ECONFLICT;
    goto done;
  }
  if ((rc = store_assessment_create(id, db, project, urn, kind, tv))) {
    if (rc == PINS_ECONFLICT)
      snprintf(why, ASSESSMENT_WHY, "this school already has a baseline in this project");
    goto done;
  }
  if ((rc = store_commit(db)) == PINS_OK)
    rc = store_assessment_doc(doc, NULL, db, id);
done:
  if (db->in_tx)
    store_rollback(db);
  free(tmpl);
  free(bstatus);
  free(bresults);
  return rc;
}

int assessment_get(char **doc, long long *version, struct store_conn *db, const char *id)
{
  return store_assessment_doc(doc, version, db, id);
}

/* Item keys of a template, as an object key -> true. */
static json_t *item_keys(const json_t *tmpl)
{
  json_t *keys = json_object(), *d, *item;
  size_t i, j;
  json_array_foreach(json_object_get(tmpl, "domains"), i, d) json_array_foreach(json_object_get(d, "items"), j, item)
      json_object_set_new(keys, json_string_value(json_object_get(item, "key")), json_true());
  return keys;
}

static const struct field_spec theme_fields[] = {
    {.name = "theme", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    {.name = "count", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 100000},
    {0}};
/* Voice: themes and counts only. No names, no records about individual children. */
static const struct field_spec voice_fields[] = {
    {.name = "parent_carer", .kind = FIELD_ARRAY, .items = theme_fields, .min_items = 0, .max_items = 50},
    {.name = "children", .kind = FIELD_ARRAY, .items = theme_fields, .min_items = 0, .max_items = 50},
    {0}};
static const char *const patch_members[] = {"responses", "domain_notes", "voice_themes", NULL};

/* Merges a patch into the draft, checking every member against the template. */
static void apply_patch(json_t *errors, const json_t *tmpl, json_t *body, json_t *responses, json_t *notes,
                        json_t *voice)
{
  const char *k;
  json_t *v;
  json_object_foreach(body, k, v)
  {
    if (!validate_in(patch_members, k))
      validate_error(errors, "", k, "is not a known field (responses, domain_notes, voice_themes)");
  }
  json_t *r = json_object_get(body, "responses");
  if (r && !json_is_object(r))
    validate_error(errors, "", "responses", "must be an object of item key -> 1 to 4");
  json_t *keys = item_keys(tmpl);
  json_object_foreach(r, k, v)
  {
    if (!json_object_get(keys, k))
      validate_error(errors, "/responses", k, "is not an item of this assessment's template");
    else if (json_is_null(v))
      json_object_del(responses, k);
    else if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 4)
      validate_error(errors, "/responses", k, "must be a whole number from 1 to 4 (or null to clear it)");
    else
      json_object_set(responses, k, v);
  }
  json_decref(keys);
  json_t *n = json_object_get(body, "domain_notes");
  if (n && !json_is_object(n))
    validate_error(errors, "", "domain_notes", "must be an object of domain -> text");
  json_object_foreach(n, k, v)
  {
    if (!validate_in(refdata_domains, k))
      validate_error(errors, "/domain_notes", k, "is not one of the six self-assessment domains");
    else if (json_is_null(v))
      json_object_del(notes, k);
    else if (!json_is_string(v) || validate_utf8_length(json_string_value(v)) > 4000)
      validate_error(errors, "/domain_notes", k, "must be text of at most 4000 characters (or null)");
    else
      json_object_set(notes, k, v);
  }
  json_t *vt = json_object_get(body, "voice_themes");
  if (vt) {
    if (validate_object(errors, vt, voice_fields, false, "/voice_themes") == 0) {
      json_object_foreach(vt, k, v) json_object_set(voice, k, v);
    }
  }
}

/* Loads the template a draft was started on. */
/* Published templates never change (a new version is a new row), so each is read and parsed
 * once per process and shared, read-only, by every request (Jansson's reference counts are
 * atomic). Completing an assessment fetched and parsed the 4.8 KB template every time. */
enum { TEMPLATE_CACHE = 16 };
static struct {
  char version[12];
  json_t *doc;
} template_cache[TEMPLATE_CACHE];
static pthread_mutex_t template_mu = PTHREAD_MUTEX_INITIALIZER;

static json_t *cached_template(const char *version)
{
  json_t *found = NULL;
  pthread_mutex_lock(&template_mu);
  for (int i = 0; i < TEMPLATE_CACHE && template_cache[i].doc && !found; i++)
    if (strcmp(template_cache[i].version, version) == 0)
      found = json_incref(template_cache[i].doc);
  pthread_mutex_unlock(&template_mu);
  return found;
}

static void cache_template(const char *version, json_t *doc)
{
  pthread_mutex_lock(&template_mu);
  for (int i = 0; i < TEMPLATE_CACHE && strlen(version) < sizeof template_cache[i].version; i++) {
    if (template_cache[i].doc && strcmp(template_cache[i].version, version) == 0)
      break;
    if (!template_cache[i].doc) {
      strcpy(template_cache[i].version, version);
      template_cache[i].doc = json_incref(doc);
      break;
    }
  }
  pthread_mutex_unlock(&template_mu);
}

/* *out is shared: read it, never change it; json_decref it when done. */
static int load_template(json_t **out, struct store_conn *db, const char *version)
{
  if ((*out = cached_template(version)))
    return PINS_OK;
  char *text = NULL;
  int rc = store_template_get(&text, db, version);
  if (rc == PINS_OK && !(*out = json_loads(text, 0, NULL)))
    rc = PINS_ERROR;
  if (rc == PINS_OK)
    cache_template(version, *out);
  free(text);
  return rc;
}

int assessment_patch(char **doc, struct store_conn *db, const char *id, json_t *body, const struct store_actor *actor,
                     json_t *errors, char *why)
{
  struct assessment_row a = {0};
  json_t *tmpl = NULL, *responses = NULL, *notes = NULL, *voice = NULL;
  char *rt = NULL, *nt = NULL, *vt = NULL;
  int rc;
  if (!json_is_object(body)) {
    json_array_append_new(errors, json_pack("{s:s, s:s}", "pointer", "", "detail", "must be a JSON object"));
    return PINS_EINVALID;
  }
  if ((rc = store_begin(db, actor)))
    return rc;
  if ((rc = store_assessment_lock(&a, db, id)))
    goto done;
  if (strcmp(a.status, "draft") != 0) {
    snprintf(why, ASSESSMENT_WHY, "a completed self-assessment is a record and cannot change");
    rc = PINS_ECONFLICT;
    goto done;
  }
  if ((rc = load_template(&tmpl, db, a.template_version)))
    goto done;
  responses = json_loads(a.responses, 0, NULL);
  notes = json_loads(a.domain_notes, 0, NULL);
  voice = json_loads(a.voice_themes, 0, NULL);
  if (!responses || !notes || !voice) {
    rc = PINS_ERROR;
    goto done;
  }
  apply_patch(errors, tmpl, body, responses, notes, voice);
  if (json_array_size(errors)) {
    rc = PINS_EINVALID;
    goto done;
  }
  rt = json_dumps(responses, JSON_COMPACT);
  nt = json_dumps(notes, JSON_COMPACT);
  vt = json_dumps(voice, JSON_COMPACT);
  if (!rt || !nt || !vt) {
    rc = PINS_ENOMEM;
    goto done;
  }
  if ((rc = store_assessment_save(db, id, rt, nt, vt)) || (rc = store_commit(db)))
    goto done;
  rc = store_assessment_doc(doc, NULL, db, id);
done:
  if (db->in_tx)
    store_rollback(db);
  store_assessment_row_free(&a);
  json_decref(tmpl);
  json_decref(responses);
  json_decref(notes);
  json_decref(voice);
  free(rt);
  free(nt);
  free(vt);
  return rc;
}

/* The priority domains as a PostgreSQL text array literal (keys are fixed identifiers). */
static void domains_literal(char *out, size_t cap, const json_t *priorities)
{
  size_t i, n = 0;
  json_t *d;
  n += (size_t)snprintf(out + n, cap - n, "{");
  json_array_foreach(priorities, i, d) if (n < cap) n +=
      (size_t)snprintf(out + n, cap - n, "%s%s", i ? "," : "", json_string_value(d));
  if (n < cap)
    snprintf(out + n, cap - n, "}");
}

int assessment_complete(char **doc, struct store_conn *db, const char *id, const struct store_actor *actor,
                        json_t *errors, char *why)
{
  struct assessment_row a = {0};
  json_t *tmpl = NULL, *responses = NULL, *results = NULL, *baseline = NULL;
  char *results_text = NULL, subject[80], lit[256];
  int rc;
  if ((rc = store_begin(db, actor)))
    return rc;
  if ((rc = store_assessment_lock(&a, db, id)))
    goto done;
  if (strcmp(a.status, "draft") != 0) {
    snprintf(why, ASSESSMENT_WHY, "this self-assessment is already completed");
    rc = PINS_ECONFLICT;
    goto done;
  }
  if ((rc = load_template(&tmpl, db, a.template_version)))
    goto done;
  if (!(responses = json_loads(a.responses, 0, NULL))) {
    rc = PINS_ERROR;
    goto done;
  }
  if (assessment_unanswered(tmpl, responses, errors)) {
    rc = PINS_EINVALID;
    goto done;
  }
  baseline = a.baseline_results ? json_loads(a.baseline_results, 0, NULL) : NULL;
  if ((rc = assessment_score(&results, tmpl, responses, baseline)))
    goto done;
  domains_literal(lit, sizeof lit, json_object_get(results, "priority_domains"));
  results_text = json_dumps(results, JSON_COMPACT | JSON_REAL_PRECISION(6));
  if (!results_text) {
    rc = PINS_ENOMEM;
    goto done;
  }
  /* The event carries the record exactly as the API returns it, in the same transaction. */
  snprintf(subject, sizeof subject, "/v1/self-assessments/%s", id);
  const struct outbox_event ev = {"pins.self-assessments", a.project_id, "uk.gov.pins.self_assessment.completed.v1",
                                  subject};
  rc = store_assessment_complete(doc, db, id, results_text, lit, &ev);
done:
  if (db->in_tx)
    store_rollback(db);
  store_assessment_row_free(&a);
  json_decref(tmpl);
  json_decref(responses);
  json_decref(results);
  json_decref(baseline);
  free(results_text);
  return rc;
}

int assessment_list(struct ref_page *out, struct store_conn *db, const struct auth_principal *who,
                    const char *const filters[4], const char *after, int limit, char *why, size_t whylen)
{
  PGresult *res = NULL;
  char lim[16];
  static const struct field_spec urn_spec = {.kind = FIELD_INT, .min = 100000, .max = 999999};
  if (filters[0] && !policy_is_uuid(filters[0])) {
    snprintf(why, whylen, "query parameter project_id must be a project id");
    return PINS_EINVALID;
  }
  if (filters[1] && !validate_text_value(&urn_spec, filters[1])) {
    snprintf(why, whylen, "query parameter urn must be a six-digit unique reference number");
    return PINS_EINVALID;
  }
  if (filters[2] && !validate_in(kinds, filters[2])) {
    snprintf(why, whylen, "query parameter kind must be baseline or follow_up");
    return PINS_EINVALID;
  }
  if (filters[3] && !validate_in(statuses, filters[3])) {
    snprintf(why, whylen, "query parameter status must be draft or completed");
    return PINS_EINVALID;
  }
  if (after && !policy_is_uuid(after)) {
    snprintf(why, whylen, "query parameter cursor is not a cursor this list gave out");
    return PINS_EINVALID;
  }
  snprintf(lim, sizeof lim, "%d", limit + 1);
  const char *params[8] = {auth_role_name(who->role), who->org, filters[0], filters[1], filters[2], filters[3],
                           after, lim};
  int rc = store_assessment_list(&res, db, params);
  if (rc == PINS_OK)
    rc = project_page(out, res, limit);
  PQclear(res);
  return rc;
}
