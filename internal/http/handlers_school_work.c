/* Interventions, parent carer groups, engagement meetings and quarterly reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/school_work.h"
#include "http/handlers.h"
#include "http/pagination.h"
#include "http/problem.h"
#include "http/server.h"

static const char *param(const struct http_req *r, int i)
{
  return http_path_param(r, i);
}

/* Interventions: /v1/projects/{id}/interventions[/{intervention_id}[/step]] */

void handle_intervention_create(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, id[40] = "", why[WORK_WHY] = "", location[128];
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = intervention_create(&doc, id, db, param(r, 0), body, &actor, errors, why);
  if (rc == PINS_OK) {
    snprintf(location, sizeof location, "/v1/projects/%s/interventions/%s", param(r, 0), id);
    http_set_header(r, "Location", location);
  }
  problem_answer(r, rc, 201, doc, why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_intervention_get(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *doc = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = intervention_get(&doc, db, param(r, 0), param(r, 1));
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "no such intervention in this project" : NULL, NULL);
  free(doc);
}

static int list_interventions(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after,
                              int limit, char *why, size_t whylen)
{
  const char *filters[3] = {http_query(r, "urn"), http_query(r, "status"), http_query(r, "delivery_mode")};
  return intervention_list(out, db, param(r, 0), filters, after, limit, why, whylen);
}

void handle_intervention_list(struct http_req *r)
{
  pagination_serve(r, list_interventions);
}

static void intervention_move(struct http_req *r, enum intervention_step step)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[WORK_WHY] = "";
  int rc;
  if (http_body_optional(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = intervention_step(&doc, db, param(r, 0), param(r, 1), step, body, &actor, errors, why);
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "no such intervention in this project" : why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_intervention_commission(struct http_req *r)
{
  intervention_move(r, INTERVENTION_COMMISSION);
}
void handle_intervention_deliver(struct http_req *r)
{
  intervention_move(r, INTERVENTION_DELIVER);
}
void handle_intervention_cancel(struct http_req *r)
{
  intervention_move(r, INTERVENTION_CANCEL);
}

/* Parent carer group: /v1/projects/{id}/schools/{urn}/parent-carer-group */

void handle_group_put(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL;
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = group_put(&doc, db, param(r, 0), param(r, 1), body, &actor, errors);
  problem_answer(r, rc, 200, doc, NULL, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_group_get(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *doc = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = group_get(&doc, db, param(r, 0), param(r, 1));
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "this school has no parent carer group recorded" : NULL,
                 NULL);
  free(doc);
}

/* Engagement meetings: /v1/engagement-meetings[/{id}[/complete|/cancel]] */

void handle_meeting_create(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, id[40] = "", why[WORK_WHY] = "", location[96];
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = meeting_create(&doc, id, db, &r->principal, &actor, body, errors, why);
  if (rc == PINS_OK) {
    snprintf(location, sizeof location, "/v1/engagement-meetings/%s", id);
    http_set_header(r, "Location", location);
  }
  problem_answer(r, rc, 201, doc, rc == PINS_EFORBIDDEN ? "you may see this school's engagement but not arrange it" : why,
                 errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_meeting_get(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *doc = NULL;
  long long version = 0;
  int rc = http_db(r, &db);
  if (rc == PINS_OK && (rc = meeting_get(&doc, &version, db, param(r, 0))) == PINS_OK)
    http_set_etag(r, version);
  problem_answer(r, rc, 200, doc, NULL, NULL);
  free(doc);
}

static int list_meetings(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after,
                         int limit, char *why, size_t whylen)
{
  const char *filters[3] = {http_query(r, "project_id"), http_query(r, "urn"), http_query(r, "status")};
  return meeting_list(out, db, &r->principal, filters, after, limit, why, whylen);
}

void handle_meeting_list(struct http_req *r)
{
  pagination_serve(r, list_meetings);
}

typedef int (*meeting_fn)(char **doc, struct store_conn *db, const char *id, json_t *body,
                          const struct store_actor *actor, json_t *errors, char *why);

static void meeting_move(struct http_req *r, meeting_fn fn)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[WORK_WHY] = "";
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = fn(&doc, db, param(r, 0), body, &actor, errors, why);
  problem_answer(r, rc, 200, doc, why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_meeting_complete(struct http_req *r)
{
  meeting_move(r, meeting_complete);
}
void handle_meeting_cancel(struct http_req *r)
{
  meeting_move(r, meeting_cancel);
}

/* Quarterly reports: /v1/projects/{id}/quarterly-reports[/{report_id}[/step]] */

void handle_report_create(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, id[40] = "", why[WORK_WHY] = "", location[128];
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = report_create(&doc, id, db, param(r, 0), body, (int)r->srv->cfg->report_due_days, &actor, errors, why);
  if (rc == PINS_OK) {
    snprintf(location, sizeof location, "/v1/projects/%s/quarterly-reports/%s", param(r, 0), id);
    http_set_header(r, "Location", location);
  }
  problem_answer(r, rc, 201, doc, why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_report_get(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *doc = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = report_get(&doc, db, param(r, 0), param(r, 1));
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "no such report in this project" : NULL, NULL);
  free(doc);
}

static int list_reports(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after, int limit,
                        char *why, size_t whylen)
{
  return report_list(out, db, param(r, 0), after, limit, why, whylen);
}

void handle_report_list(struct http_req *r)
{
  pagination_serve(r, list_reports);
}

void handle_report_patch(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[WORK_WHY] = "";
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = report_patch(&doc, db, param(r, 0), param(r, 1), body, &actor, errors, why);
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "no such report in this project" : why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

static void report_move(struct http_req *r, enum report_step step)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[WORK_WHY] = "";
  int rc;
  if (http_body_optional(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = report_step(&doc, db, param(r, 0), param(r, 1), step, body, &actor, errors, why);
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "no such report in this project" : why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_report_submit(struct http_req *r)
{
  report_move(r, REPORT_SUBMIT);
}
void handle_report_accept(struct http_req *r)
{
  report_move(r, REPORT_ACCEPT);
}
void handle_report_return(struct http_req *r)
{
  report_move(r, REPORT_RETURN);
}
