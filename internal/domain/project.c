#include "domain/project.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/validate.h"

static const char *const kinds[] = {"new", "continuing", NULL};
static const char *const statuses[] = {"setup", "plan_submitted", "plan_approved", "mou_signed", "funded",
                                       "closed", NULL};

static bool is_ods_code(const char *s)
{
  return strlen(s) == 3 && isalnum((unsigned char)s[0]) && isalnum((unsigned char)s[1]) &&
         isalnum((unsigned char)s[2]) && !islower((unsigned char)s[0]) && !islower((unsigned char)s[1]) &&
         !islower((unsigned char)s[2]);
}

bool project_previous_year(char out[PROJECT_FY_LEN], const char *fy)
{
  if (strlen(fy) != 7 || fy[4] != '-')
    return false;
  for (int i = 0; i < 7; i++)
    if (i != 4 && !isdigit((unsigned char)fy[i]))
      return false;
  int start = atoi(fy), end = atoi(fy + 5);
  if (start < 2000 || start > 2098 || end != (start + 1) % 100)
    return false;
  int n = snprintf(out, PROJECT_FY_LEN, "%04d-%02d", start - 1, start % 100);
  return n == PROJECT_FY_LEN - 1;
}

static bool is_financial_year(const char *s)
{
  char prev[PROJECT_FY_LEN];
  return project_previous_year(prev, s);
}

static const struct field_spec create_fields[] = {
    {.name = "icb_code", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 3, .format = is_ods_code,
     .format_hint = "a three-character ICB ODS code, e.g. QK1"},
    {.name = "financial_year", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 7,
     .format = is_financial_year, .format_hint = "a financial year written like 2025-26"},
    {.name = "kind", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = kinds},
    {.name = "allocation_pence", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 1, .max = 100000000000L,
     .format_hint = "a whole number of pence above zero"},
    {0}};

int project_begin(struct project_row *p, struct store_conn *db, const char *id, const struct store_actor *actor)
{
  int rc = store_begin(db, actor);
  if (rc == PINS_OK && (rc = store_project_lock(p, db, id)))
    store_rollback(db);
  return rc;
}

int project_commit(struct store_conn *db, const char *id, const char *action, const char *from, const char *to,
                   const char *comment, json_t *detail)
{
  char *text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
  int rc = store_project_history_commit(db, id, action, from, to, comment, text);
  free(text);
  if (rc)
    store_rollback(db);
  return rc;
}

int project_step_allowed(const char *const from[2], const char *status, const char *what, char *why, size_t cap)
{
  if (strcmp(status, from[0]) == 0 || (from[1] && strcmp(status, from[1]) == 0))
    return PINS_OK;
  snprintf(why, cap, "the %s is %s; this step needs it to be %s%s%s", what, status, from[0], from[1] ? " or " : "",
           from[1] ? from[1] : "");
  return PINS_ECONFLICT;
}

int project_create(char **doc, char *id, struct store_conn *db, const struct auth_principal *who,
                   const struct store_actor *actor, json_t *body, json_t *errors)
{
  char prev[PROJECT_FY_LEN], allocation[24], field[64];
  bool prev_exists = false;
  int rc;
  if (validate_object(errors, body, create_fields, false, ""))
    return PINS_EINVALID;
  const char *icb = json_string_value(json_object_get(body, "icb_code"));
  const char *fy = json_string_value(json_object_get(body, "financial_year"));
  const char *kind = json_string_value(json_object_get(body, "kind"));
  if (who->role == ROLE_ICB && strcmp(who->org, icb) != 0)
    return PINS_EFORBIDDEN;
  snprintf(allocation, sizeof allocation, "%lld", (long long)json_integer_value(json_object_get(body, "allocation_pence")));
  project_previous_year(prev, fy);
  if ((rc = store_begin(db, actor)))
    return rc;
  if ((rc = store_project_exists(&prev_exists, db, icb, prev)))
    goto done;
  if (strcmp(kind, "continuing") == 0 && !prev_exists) {
    char detail[160];
    snprintf(detail, sizeof detail, "a continuing project needs this ICB's project in %s, and there is none", prev);
    validate_error(errors, "", "kind", detail);
    rc = PINS_EINVALID;
    goto done;
  }
  if (strcmp(kind, "new") == 0 && prev_exists) {
    char detail[200];
    snprintf(detail, sizeof detail,
             "a new project is for an ICB that did not deliver PINS in %s; this ICB did, so its project is continuing",
             prev);
    validate_error(errors, "", "kind", detail);
    rc = PINS_EINVALID;
    goto done;
  }
  if ((rc = store_project_create(id, db, icb, fy, kind, allocation))) {
    if (rc == PINS_ECONFLICT && store_fk_field(db, field, sizeof field)) {
      validate_error(errors, "", field, "names no ICB");
      rc = PINS_EINVALID;
    }
    goto done;
  }
  json_t *detail = json_pack("{s:s, s:s, s:s, s:O}", "icb_code", icb, "financial_year", fy, "kind", kind,
                             "allocation_pence", json_object_get(body, "allocation_pence"));
  rc = project_commit(db, id, "created", NULL, "setup", NULL, detail);
  json_decref(detail);
  if (rc == PINS_OK)
    rc = store_project_doc(doc, NULL, db, id);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}

int project_get(char **doc, long long *version, struct store_conn *db, const char *id)
{
  return store_project_doc(doc, version, db, id);
}

int project_page(struct ref_page *out, PGresult *res, int limit)
{
  int rows = PQntuples(res), shown = rows > limit ? limit : rows;
  size_t len = 16;
  for (int i = 0; i < shown; i++)
    len += (size_t)PQgetlength(res, i, 0) + 1;
  char *body = malloc(len);
  if (!body)
    return PINS_ENOMEM;
  size_t n = (size_t)sprintf(body, "{\"items\":[");
  for (int i = 0; i < shown; i++) {
    if (i)
      body[n++] = ',';
    memcpy(body + n, PQgetvalue(res, i, 0), (size_t)PQgetlength(res, i, 0));
    n += (size_t)PQgetlength(res, i, 0);
  }
  body[n++] = ']';
  body[n] = '\0';
  out->body = body;
  out->next_key = rows > limit ? strdup(PQgetvalue(res, shown - 1, 1)) : NULL;
  return PINS_OK;
}

int project_list(struct ref_page *out, struct store_conn *db, const struct auth_principal *who,
                 const char *const filters[3], const char *after, int limit, char *why, size_t whylen)
{
  PGresult *res = NULL;
  char lim[16];
  if (filters[0] && !is_ods_code(filters[0])) {
    snprintf(why, whylen, "query parameter icb_code must be a three-character ICB ODS code");
    return PINS_EINVALID;
  }
  if (filters[1] && !is_financial_year(filters[1])) {
    snprintf(why, whylen, "query parameter financial_year must be written like 2025-26");
    return PINS_EINVALID;
  }
  if (filters[2] && !validate_in(statuses, filters[2])) {
    snprintf(why, whylen, "query parameter status must be one of setup, plan_submitted, plan_approved, mou_signed, "
                          "funded or closed");
    return PINS_EINVALID;
  }
  if (after && !policy_is_uuid(after)) {
    snprintf(why, whylen, "query parameter cursor is not a cursor this list gave out");
    return PINS_EINVALID;
  }
  snprintf(lim, sizeof lim, "%d", limit + 1);
  const char *params[7] = {auth_role_name(who->role), who->org, filters[0], filters[1], filters[2], after, lim};
  int rc = store_project_list(&res, db, params);
  if (rc == PINS_OK)
    rc = project_page(out, res, limit);
  PQclear(res);
  return rc;
}

int project_history(struct ref_page *out, struct store_conn *db, const struct auth_principal *who, const char *id,
                    const char *after, int limit, char *why, size_t whylen)
{
  PGresult *res = NULL;
  char lim[16];
  if (after && (strspn(after, "0123456789") != strlen(after) || strlen(after) > 18)) {
    snprintf(why, whylen, "query parameter cursor is not a cursor this list gave out");
    return PINS_EINVALID;
  }
  snprintf(lim, sizeof lim, "%d", limit + 1);
  bool subs_shown = who->role == ROLE_NATIONAL;
  const char *subs_icb = who->role == ROLE_ICB ? who->org : NULL;
  int rc = store_project_history(&res, db, id, subs_shown, subs_icb, after, lim);
  if (rc == PINS_OK)
    rc = project_page(out, res, limit);
  PQclear(res);
  return rc;
}
