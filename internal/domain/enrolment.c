/* Schools in a project: only open, mainstream primary schools in a partner LA; one project a
 * year per school; the embedding cohort only in a continuing project, for the ICB's previous-year
 * schools. A withdrawal is kept, never erased. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/project.h"
#include "domain/validate.h"

static const char *const cohorts[] = {"new", "embedding", NULL};
static const char *const primary_phases[] = {"primary", "middle_deemed_primary", NULL};
static const char *const open_statuses[] = {"open", "open_proposed_to_close", NULL};

static const struct field_spec enrol_fields[] = {
    {.name = "urn", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 100000, .max = 999999,
     .format_hint = "a six-digit unique reference number"},
    {.name = "cohort", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = cohorts},
    {.name = "selection_reason", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 2000},
    {0}};

static const struct field_spec withdraw_fields[] = {
    {.name = "reason", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 2000}, {0}};

/* Each rule the school breaks, named. */
static int check_school(struct store_conn *db, const struct project_row *p, const char *urn, const char *cohort,
                        json_t *errors)
{
  struct school_facts s;
  bool partner = false, before = false;
  char detail[200], prev[PROJECT_FY_LEN];
  int rc = store_school_facts(&s, db, urn);
  if (rc == PINS_ENOTFOUND) {
    validate_error(errors, "", "urn", "names no school");
    return PINS_EINVALID;
  }
  if (rc)
    return rc;
  if (!validate_in(open_statuses, s.status)) {
    snprintf(detail, sizeof detail, "the school is not open (its status is %s)", s.status);
    validate_error(errors, "", "urn", detail);
  }
  if (!s.mainstream)
    validate_error(errors, "", "urn", "the school is not a mainstream school");
  if (!validate_in(primary_phases, s.phase)) {
    snprintf(detail, sizeof detail, "the school is not a primary school (its phase is %s)", s.phase);
    validate_error(errors, "", "urn", detail);
  }
  if ((rc = store_partner_has(&partner, db, p->id, "local_authority", s.la_code)))
    return rc;
  if (!partner) {
    snprintf(detail, sizeof detail, "the school's local authority, %s, is not a partner in this project", s.la_code);
    validate_error(errors, "", "urn", detail);
  }
  if (strcmp(cohort, "embedding") == 0) {
    project_previous_year(prev, p->financial_year);
    if (strcmp(p->kind, "continuing") != 0)
      validate_error(errors, "", "cohort", "the embedding cohort exists only in a continuing project");
    else if ((rc = store_enrolled_before(&before, db, p->icb_code, prev, urn)))
      return rc;
    else if (!before) {
      snprintf(detail, sizeof detail, "an embedding school must have been in ICB %s's %s project", p->icb_code, prev);
      validate_error(errors, "", "cohort", detail);
    }
  }
  return json_array_size(errors) ? PINS_EINVALID : PINS_OK;
}

int project_school_enrol(char **doc, char urn[STORE_URN_LEN], struct store_conn *db, const char *id, json_t *body,
                         const struct store_actor *actor, json_t *errors, char *why)
{
  struct project_row p;
  char *elsewhere = NULL;
  int rc;
  if (validate_object(errors, body, enrol_fields, false, ""))
    return PINS_EINVALID;
  int n = snprintf(urn, STORE_URN_LEN, "%lld", (long long)json_integer_value(json_object_get(body, "urn")));
  if (n < 0 || n >= STORE_URN_LEN) /* the spec allows six digits; a longer one is a bug, not a cut URN */
    return PINS_ERROR;
  const char *cohort = json_string_value(json_object_get(body, "cohort"));
  const char *reason = json_string_value(json_object_get(body, "selection_reason"));
  if ((rc = project_begin(&p, db, id, actor)))
    return rc;
  if (strcmp(p.status, "closed") == 0) {
    snprintf(why, PROJECT_WHY, "the project is closed");
    rc = PINS_ECONFLICT;
    goto done;
  }
  if ((rc = check_school(db, &p, urn, cohort, errors)))
    goto done;
  if ((rc = store_enrol(db, id, urn, p.financial_year, cohort, reason))) {
    if (rc == PINS_ECONFLICT) {
      store_rollback(db);
      if (store_enrolment_elsewhere(&elsewhere, db, urn, p.financial_year) == PINS_OK && strcmp(elsewhere, id) != 0)
        snprintf(why, PROJECT_WHY, "school %s is already in another project in %s", urn, p.financial_year);
      else
        snprintf(why, PROJECT_WHY, "school %s is already enrolled in this project", urn);
    }
    goto done;
  }
  json_t *detail = json_pack("{s:i, s:s}", "urn", atoi(urn), "cohort", cohort);
  rc = project_commit(db, id, "school_enrolled", NULL, NULL, reason, detail);
  json_decref(detail);
  if (rc == PINS_OK)
    rc = store_enrolment_doc(doc, db, id, urn);
done:
  if (db->in_tx)
    store_rollback(db);
  free(elsewhere);
  return rc;
}

int project_school_withdraw(char **doc, struct store_conn *db, const char *id, const char *urn, json_t *body,
                            const struct store_actor *actor, json_t *errors, char *why)
{
  struct project_row p;
  long rows = 0;
  int rc;
  if (strspn(urn, "0123456789") != strlen(urn) || strlen(urn) != 6)
    return PINS_ENOTFOUND;
  if (validate_object(errors, body, withdraw_fields, false, ""))
    return PINS_EINVALID;
  const char *reason = json_string_value(json_object_get(body, "reason"));
  if ((rc = project_begin(&p, db, id, actor)))
    return rc;
  if ((rc = store_withdraw(&rows, db, id, urn, reason)))
    goto done;
  if (rows == 0) {
    char *existing = NULL;
    rc = store_enrolment_doc(&existing, db, id, urn);
    free(existing);
    if (rc == PINS_OK) {
      snprintf(why, PROJECT_WHY, "school %s has already been withdrawn from this project", urn);
      rc = PINS_ECONFLICT;
    }
    goto done;
  }
  json_t *detail = json_pack("{s:i}", "urn", atoi(urn));
  rc = project_commit(db, id, "school_withdrawn", NULL, NULL, reason, detail);
  json_decref(detail);
  if (rc == PINS_OK)
    rc = store_enrolment_doc(doc, db, id, urn);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}

int project_school_get(char **doc, struct store_conn *db, const char *id, const char *urn)
{
  if (strspn(urn, "0123456789") != strlen(urn) || strlen(urn) != 6)
    return PINS_ENOTFOUND;
  return store_enrolment_doc(doc, db, id, urn);
}

int project_schools(struct ref_page *out, struct store_conn *db, const char *id, const char *after, int limit,
                    char *why, size_t whylen)
{
  PGresult *res = NULL;
  char lim[16];
  if (after && (strspn(after, "0123456789") != strlen(after) || strlen(after) != 6)) {
    snprintf(why, whylen, "query parameter cursor is not a cursor this list gave out");
    return PINS_EINVALID;
  }
  snprintf(lim, sizeof lim, "%d", limit + 1);
  int rc = store_enrolment_list(&res, db, id, after, lim);
  if (rc == PINS_OK)
    rc = project_page(out, res, limit);
  PQclear(res);
  return rc;
}
