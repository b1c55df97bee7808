/* Quarterly reports: the ICB's report to the national delivery support team. Figures are
 * collated live while a draft (or returned), frozen at submission; a report submitted after its
 * due date is marked late. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/status.h"
#include "domain/policy.h"
#include "domain/project.h"
#include "domain/school_work.h"
#include "domain/validate.h"
#include "store/outbox.h"
#include "store/school_work.h"

static bool is_quarter(const char *s)
{
  char prev[PROJECT_FY_LEN];
  char fy[PROJECT_FY_LEN];
  if (strlen(s) != 10 || strncmp(s + 7, "-Q", 2) != 0 || s[9] < '1' || s[9] > '4')
    return false;
  snprintf(fy, sizeof fy, "%.7s", s);
  return project_previous_year(prev, fy);
}

bool report_due_date(char *out, const char *quarter, int due_days)
{
  if (!is_quarter(quarter))
    return false;
  int start = atoi(quarter), q = quarter[9] - '0';
  /* Q1 Apr-Jun, Q2 Jul-Sep, Q3 Oct-Dec (of the first year), Q4 Jan-Mar (of the second). */
  struct tm tm = {0};
  tm.tm_year = (q == 4 ? start + 1 : start) - 1900;
  tm.tm_mon = q == 1 ? 6 : q == 2 ? 9 : q == 3 ? 12 : 3; /* the month after the quarter */
  tm.tm_mday = 0;                                          /* day 0: the quarter's last day */
  tm.tm_hour = 12;
  tm.tm_mday += due_days;
  time_t t = timegm(&tm);
  struct tm norm;
  gmtime_r(&t, &norm);
  strftime(out, 11, "%Y-%m-%d", &norm);
  return true;
}

static const struct field_spec create_fields[] = {
    {.name = "quarter", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 10, .format = is_quarter,
     .format_hint = "a quarter written like 2025-26-Q2"},
    {0}};
static const struct field_spec narrative_fields[] = {
    {.name = "progress", .kind = FIELD_TEXT, .flags = FIELD_NULLABLE, .max_len = 10000},
    {.name = "risks", .kind = FIELD_TEXT, .flags = FIELD_NULLABLE, .max_len = 10000},
    {.name = "next_steps", .kind = FIELD_TEXT, .flags = FIELD_NULLABLE, .max_len = 10000},
    {0}};
static const struct field_spec comment_optional[] = {
    {.name = "comment", .kind = FIELD_TEXT, .flags = FIELD_NULLABLE, .max_len = 4000}, {0}};
static const struct field_spec comment_required[] = {
    {.name = "comment", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 4000}, {0}};

int report_create(char **doc, char *id, struct store_conn *db, const char *project_id, json_t *body, int due_days,
                  const struct store_actor *actor, json_t *errors, char *why)
{
  struct project_row p;
  char due[11];
  int rc;
  if (validate_object(errors, body, create_fields, false, ""))
    return PINS_EINVALID;
  const char *quarter = json_string_value(json_object_get(body, "quarter"));
  if ((rc = project_begin(&p, db, project_id, actor)))
    return rc;
  if (strncmp(quarter, p.financial_year, 7) != 0) {
    char detail[120];
    snprintf(detail, sizeof detail, "must be a quarter of the project's financial year, %s", p.financial_year);
    validate_error(errors, "", "quarter", detail);
    rc = PINS_EINVALID;
    goto done;
  }
  report_due_date(due, quarter, due_days);
  if ((rc = store_report_insert(id, db, project_id, quarter, due))) {
    if (rc == PINS_ECONFLICT)
      snprintf(why, WORK_WHY, "the project already has a report for %s", quarter);
    goto done;
  }
  json_t *detail = json_pack("{s:s, s:s}", "report_id", id, "quarter", quarter);
  rc = project_commit(db, project_id, "quarterly_report_started", NULL, NULL, NULL, detail);
  json_decref(detail);
  if (rc == PINS_OK)
    rc = store_report_doc(doc, db, project_id, id);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}

int report_get(char **doc, struct store_conn *db, const char *project_id, const char *id)
{
  if (!policy_is_uuid(id))
    return PINS_ENOTFOUND;
  return store_report_doc(doc, db, project_id, id);
}

int report_patch(char **doc, struct store_conn *db, const char *project_id, const char *id, json_t *body,
                 const struct store_actor *actor, json_t *errors, char *why)
{
  char status[STORE_STATUS_LEN], quarter[STORE_QUARTER_LEN], *text = NULL;
  int rc;
  if (!policy_is_uuid(id))
    return PINS_ENOTFOUND;
  if (validate_object(errors, body, narrative_fields, false, ""))
    return PINS_EINVALID;
  if ((rc = store_begin(db, actor)))
    return rc;
  if ((rc = store_report_lock(status, quarter, db, project_id, id)))
    goto done;
  if (strcmp(status, "draft") != 0 && strcmp(status, "returned") != 0) {
    snprintf(why, WORK_WHY, "the report is %s; only a draft or returned report can change", status);
    rc = PINS_ECONFLICT;
    goto done;
  }
  if (!(text = json_dumps(body, JSON_COMPACT))) {
    rc = PINS_ENOMEM;
    goto done;
  }
  if ((rc = store_report_narrative(db, id, text)) || (rc = store_commit(db)))
    goto done;
  rc = store_report_doc(doc, db, project_id, id);
done:
  if (db->in_tx)
    store_rollback(db);
  free(text);
  return rc;
}

struct step_rule {
  const char *from[2];
  const char *to;
  const struct field_spec *fields;
  const char *event; /* CloudEvents type, or NULL */
};
static const struct step_rule rules[] = {
    [REPORT_SUBMIT] = {{"draft", "returned"}, "submitted", comment_optional,
                       "uk.gov.pins.quarterly_report.submitted.v1"},
    [REPORT_ACCEPT] = {{"submitted"}, "accepted", comment_optional, "uk.gov.pins.quarterly_report.accepted.v1"},
    [REPORT_RETURN] = {{"submitted"}, "returned", comment_required, "uk.gov.pins.quarterly_report.returned.v1"},
};

int report_step(char **doc, struct store_conn *db, const char *project_id, const char *id, enum report_step step,
                json_t *body, const struct store_actor *actor, json_t *errors, char *why)
{
  const struct step_rule *r = &rules[step];
  char status[STORE_STATUS_LEN], quarter[STORE_QUARTER_LEN], subject[128];
  json_t *empty = NULL;
  int rc;
  if (!policy_is_uuid(id))
    return PINS_ENOTFOUND;
  if (!body)
    body = empty = json_object();
  if (validate_object(errors, body, r->fields, false, "")) {
    json_decref(empty);
    return PINS_EINVALID;
  }
  const char *comment = json_string_value(json_object_get(body, "comment"));
  if ((rc = store_begin(db, actor)))
    goto done;
  if ((rc = store_report_lock(status, quarter, db, project_id, id)))
    goto done;
  if ((rc = project_step_allowed(r->from, status, "report", why, WORK_WHY)))
    goto done;
  rc = step == REPORT_SUBMIT ? store_report_submit(db, id) : store_report_review(db, id, r->to, comment);
  snprintf(subject, sizeof subject, "/v1/projects/%s/quarterly-reports/%s", project_id, id);
  const struct outbox_event ev = {"pins.quarterly-reports", project_id, r->event, subject};
  if (rc || (rc = store_report_doc_event(doc, db, project_id, id, &ev)))
    goto done;
  json_t *detail = json_pack("{s:s, s:s}", "report_id", id, "quarter", quarter);
  char action[40];
  snprintf(action, sizeof action, "quarterly_report_%s", r->to);
  rc = project_commit(db, project_id, action, status, r->to, comment, detail);
  json_decref(detail);
done:
  if (rc && doc && *doc) {
    free(*doc);
    *doc = NULL;
  }
  if (db->in_tx)
    store_rollback(db);
  json_decref(empty);
  return rc;
}

int report_list(struct ref_page *out, struct store_conn *db, const char *project_id, const char *after, int limit,
                char *why, size_t whylen)
{
  PGresult *res = NULL;
  char lim[16];
  if (after && !policy_is_uuid(after)) {
    snprintf(why, whylen, "query parameter cursor is not a cursor this list gave out");
    return PINS_EINVALID;
  }
  snprintf(lim, sizeof lim, "%d", limit + 1);
  int rc = store_report_list(&res, db, project_id, after, lim);
  if (rc == PINS_OK)
    rc = project_page(out, res, limit);
  PQclear(res);
  return rc;
}
