/* Project routes: parse, call the domain (internal/domain/project*.c), answer. Access to the
 * project has been checked by the dispatcher. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/project.h"
#include "http/handlers.h"
#include "http/pagination.h"
#include "http/problem.h"

static const char *project_id(const struct http_req *r)
{
  return http_path_param(r, 0);
}

void handle_project_create(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, id[40] = "", location[96];
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = project_create(&doc, id, db, &r->principal, &actor, body, errors);
  if (rc == PINS_OK) {
    snprintf(location, sizeof location, "/v1/projects/%s", id);
    http_set_header(r, "Location", location);
  }
  problem_answer(r, rc, 201, doc,
         rc == PINS_ECONFLICT   ? "this ICB already has a project in that financial year"
         : rc == PINS_EFORBIDDEN ? "an ICB may create projects only for itself"
                                 : NULL,
         errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_project_get(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *doc = NULL;
  long long version = 0;
  int rc = http_db(r, &db);
  if (rc == PINS_OK && (rc = project_get(&doc, &version, db, project_id(r))) == PINS_OK)
    http_set_etag(r, version);
  problem_answer(r, rc, 200, doc, NULL, NULL);
  free(doc);
}

static int list_projects(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after,
                         int limit, char *why, size_t whylen)
{
  const char *filters[3] = {http_query(r, "icb_code"), http_query(r, "financial_year"), http_query(r, "status")};
  return project_list(out, db, &r->principal, filters, after, limit, why, whylen);
}

static int list_history(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after, int limit,
                        char *why, size_t whylen)
{
  return project_history(out, db, project_id(r), after, limit, why, whylen);
}

static int list_schools(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after, int limit,
                        char *why, size_t whylen)
{
  return project_schools(out, db, project_id(r), after, limit, why, whylen);
}

void handle_project_list(struct http_req *r)
{
  pagination_serve(r, list_projects);
}

void handle_project_history(struct http_req *r)
{
  pagination_serve(r, list_history);
}

void handle_enrolment_list(struct http_req *r)
{
  pagination_serve(r, list_schools);
}

/* Partnership and governance. */
typedef int (*list_fn)(char **json, struct store_conn *db, const char *id);

static void send_list(struct http_req *r, list_fn fn)
{
  struct store_conn *db = NULL;
  char *items = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = fn(&items, db, project_id(r));
  if (rc)
    problem_send_status(r, rc, NULL, NULL);
  else
    http_send_items(r, items);
  free(items);
}

void handle_partner_list(struct http_req *r)
{
  send_list(r, project_partners);
}

void handle_governance_list(struct http_req *r)
{
  send_list(r, project_governance);
}

typedef int (*add_fn)(char **doc, struct store_conn *db, const char *id, json_t *body, const struct store_actor *actor,
                      json_t *errors, char *why);

static void add_member(struct http_req *r, add_fn fn, const char *collection)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[PROJECT_WHY] = "";
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = fn(&doc, db, project_id(r), body, &actor, errors, why);
  if (rc == PINS_OK) {
    char location[300];
    snprintf(location, sizeof location, "/v1/projects/%s/%s/%s/%s", project_id(r), collection,
             json_string_value(json_object_get(body, "org_type")), json_string_value(json_object_get(body, "org_code")));
    http_set_header(r, "Location", location);
  }
  problem_answer(r, rc, 201, doc, why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_partner_add(struct http_req *r)
{
  add_member(r, project_partner_add, "partners");
}

void handle_governance_add(struct http_req *r)
{
  add_member(r, project_governance_add, "governance-members");
}

typedef int (*remove_fn)(struct store_conn *db, const char *id, const char *type, const char *code,
                         const struct store_actor *actor, char *why);

static void remove_member(struct http_req *r, remove_fn fn)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  char why[PROJECT_WHY] = "";
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = fn(db, project_id(r), http_path_param(r, 1), http_path_param(r, 2), &actor, why);
  if (rc == PINS_OK)
    http_send_empty(r, 204);
  else
    problem_send_status(r, rc, *why ? why : NULL, NULL);
}

void handle_partner_remove(struct http_req *r)
{
  remove_member(r, project_partner_remove);
}

void handle_governance_remove(struct http_req *r)
{
  remove_member(r, project_governance_remove);
}

/* Delivery plan. */
void handle_plan_get(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *doc = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = project_plan_get(&doc, db, project_id(r));
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "this project has no delivery plan yet" : NULL, NULL);
  free(doc);
}

void handle_plan_put(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[PROJECT_WHY] = "";
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = project_plan_put(&doc, db, project_id(r), body, &actor, errors, why);
  problem_answer(r, rc, 200, doc, why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_plan_sign(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  char *doc = NULL, why[PROJECT_WHY] = "";
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = project_plan_sign(&doc, db, project_id(r), &r->principal, &actor, why);
  problem_answer(r, rc, 201, doc, rc == PINS_EFORBIDDEN ? "only the project's ICB and its partner organisations sign the plan"
                                                  : why,
         NULL);
  free(doc);
}

static void step(struct http_req *r, enum project_step s)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[PROJECT_WHY] = "";
  int rc;
  if (http_body_optional(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = project_step(&doc, db, project_id(r), s, body, &actor, errors, why);
  problem_answer(r, rc, 200, doc, why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_plan_submit(struct http_req *r)
{
  step(r, STEP_SUBMIT);
}
void handle_plan_approve(struct http_req *r)
{
  step(r, STEP_APPROVE);
}
void handle_plan_return(struct http_req *r)
{
  step(r, STEP_RETURN);
}
void handle_project_mou(struct http_req *r)
{
  step(r, STEP_MOU);
}
void handle_project_funding_release(struct http_req *r)
{
  step(r, STEP_FUNDING_RELEASE);
}
void handle_project_close(struct http_req *r)
{
  step(r, STEP_CLOSE);
}

/* Schools in the project. */
void handle_enrolment_add(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[PROJECT_WHY] = "", urn[8] = "";
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = project_school_enrol(&doc, urn, db, project_id(r), body, &actor, errors, why);
  if (rc == PINS_OK) {
    char location[128];
    snprintf(location, sizeof location, "/v1/projects/%s/schools/%s", project_id(r), urn);
    http_set_header(r, "Location", location);
  }
  problem_answer(r, rc, 201, doc, why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_enrolment_get(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *doc = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = project_school_get(&doc, db, project_id(r), http_path_param(r, 1));
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "this school is not in this project" : NULL, NULL);
  free(doc);
}

void handle_enrolment_withdraw(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[PROJECT_WHY] = "";
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = project_school_withdraw(&doc, db, project_id(r), http_path_param(r, 1), body, &actor, errors, why);
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "this school is not in this project" : why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}
