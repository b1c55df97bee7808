/* Project routes: each handler calls the domain (internal/domain/project*.c, partnership.c,
 * delivery_plan.c, enrolment.c). Access to the project has been checked by the dispatcher. */
#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"
#include "domain/project.h"
#include "http/action.h"
#include "http/handlers.h"
#include "http/pagination.h"
#include "http/problem.h"

#define P(i) action_param(c, i)

static int project_created(struct action_ctx *c)
{
  int rc = project_create(&c->doc, c->id, c->db, &c->r->principal, &c->actor, c->body, c->errors);
  if (rc == PINS_ECONFLICT)
    snprintf(c->why, sizeof c->why, "this ICB already has a project in that financial year");
  return rc;
}
static int project_read(struct action_ctx *c)
{
  return project_get(&c->doc, &c->version, c->db, P(0));
}

void handle_project_create(struct http_req *r)
{
  static const struct action a = {.run = project_created,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 201,
                                  .location = "%.0s/v1/projects/%s",
                                  .forbidden = "an ICB may create projects only for itself"};
  action_serve(r, &a);
}

void handle_project_get(struct http_req *r)
{
  static const struct action a = {.run = project_read, .body = ACTION_BODY_NONE, .ok_status = 200};
  action_serve(r, &a);
}

static int list_projects(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after,
                         int limit, char *why, size_t whylen)
{
  const char *filters[3] = {http_query(r, "icb_code"), http_query(r, "financial_year"),
                            http_query(r, "status")};
  return project_list(out, db, &r->principal, filters, after, limit, why, whylen);
}

static int list_history(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after,
                        int limit, char *why, size_t whylen)
{
  return project_history(out, db, &r->principal, http_path_param(r, 0), after, limit, why, whylen);
}

static int list_schools(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after,
                        int limit, char *why, size_t whylen)
{
  return project_schools(out, db, http_path_param(r, 0), after, limit, why, whylen);
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

static void send_list(struct http_req *r, int (*fn)(char **json, struct store_conn *db, const char *id))
{
  struct store_conn *db = NULL;
  char *items = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK) rc = fn(&items, db, http_path_param(r, 0));
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

/* The new member's path below the collection: org_type/org_code. */
static void member_key(struct action_ctx *c)
{
  snprintf(c->id, sizeof c->id, "%s/%s", json_string_value(json_object_get(c->body, "org_type")),
           json_string_value(json_object_get(c->body, "org_code")));
}

static int partner_added(struct action_ctx *c)
{
  int rc = project_partner_add(&c->doc, c->db, P(0), c->body, &c->actor, c->errors, c->why);
  if (rc == PINS_OK) member_key(c);
  return rc;
}
static int member_added(struct action_ctx *c)
{
  int rc = project_governance_add(&c->doc, c->db, P(0), c->body, &c->actor, c->errors, c->why);
  if (rc == PINS_OK) member_key(c);
  return rc;
}
static int partner_removed(struct action_ctx *c)
{
  return project_partner_remove(c->db, P(0), P(1), P(2), &c->actor, c->why);
}
static int member_removed(struct action_ctx *c)
{
  return project_governance_remove(c->db, P(0), P(1), P(2), &c->actor, c->why);
}

void handle_partner_add(struct http_req *r)
{
  static const struct action a = {.run = partner_added,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 201,
                                  .location = "/v1/projects/%s/partners/%s"};
  action_serve(r, &a);
}
void handle_governance_add(struct http_req *r)
{
  static const struct action a = {.run = member_added,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 201,
                                  .location = "/v1/projects/%s/governance-members/%s"};
  action_serve(r, &a);
}
void handle_partner_remove(struct http_req *r)
{
  static const struct action a = {.run = partner_removed, .body = ACTION_BODY_NONE, .ok_status = 204};
  action_serve(r, &a);
}
void handle_governance_remove(struct http_req *r)
{
  static const struct action a = {.run = member_removed, .body = ACTION_BODY_NONE, .ok_status = 204};
  action_serve(r, &a);
}

/* Delivery plan and the project's steps. */

static int plan_read(struct action_ctx *c)
{
  return project_plan_get(&c->doc, c->db, P(0));
}
static int plan_written(struct action_ctx *c)
{
  return project_plan_put(&c->doc, c->db, P(0), c->body, &c->actor, c->errors, c->why);
}
static int plan_signed(struct action_ctx *c)
{
  return project_plan_sign(&c->doc, c->db, P(0), &c->r->principal, &c->actor, c->why);
}

void handle_plan_get(struct http_req *r)
{
  static const struct action a = {.run = plan_read,
                                  .body = ACTION_BODY_NONE,
                                  .ok_status = 200,
                                  .not_found = "this project has no delivery plan yet"};
  action_serve(r, &a);
}
void handle_plan_put(struct http_req *r)
{
  static const struct action a = {.run = plan_written, .body = ACTION_BODY_REQUIRED, .ok_status = 200};
  action_serve(r, &a);
}
void handle_plan_sign(struct http_req *r)
{
  static const struct action a = {.run = plan_signed,
                                  .body = ACTION_BODY_NONE,
                                  .ok_status = 201,
                                  .forbidden =
                                      "only the project's ICB and its partner organisations sign the plan"};
  action_serve(r, &a);
}

static int step(struct action_ctx *c, enum project_step s)
{
  return project_step(&c->doc, c->db, P(0), s, c->body, &c->actor, c->errors, c->why);
}
static int plan_submit_done(struct action_ctx *c)
{
  return step(c, STEP_SUBMIT);
}
static int plan_approve_done(struct action_ctx *c)
{
  return step(c, STEP_APPROVE);
}
static int plan_return_done(struct action_ctx *c)
{
  return step(c, STEP_RETURN);
}
static int project_mou_done(struct action_ctx *c)
{
  return step(c, STEP_MOU);
}
static int project_funding_release_done(struct action_ctx *c)
{
  return step(c, STEP_FUNDING_RELEASE);
}
static int project_close_done(struct action_ctx *c)
{
  return step(c, STEP_CLOSE);
}

void handle_plan_submit(struct http_req *r)
{
  static const struct action a = {.run = plan_submit_done, .body = ACTION_BODY_OPTIONAL, .ok_status = 200};
  action_serve(r, &a);
}
void handle_plan_approve(struct http_req *r)
{
  static const struct action a = {.run = plan_approve_done, .body = ACTION_BODY_OPTIONAL, .ok_status = 200};
  action_serve(r, &a);
}
void handle_plan_return(struct http_req *r)
{
  static const struct action a = {.run = plan_return_done, .body = ACTION_BODY_OPTIONAL, .ok_status = 200};
  action_serve(r, &a);
}
void handle_project_mou(struct http_req *r)
{
  static const struct action a = {.run = project_mou_done, .body = ACTION_BODY_OPTIONAL, .ok_status = 200};
  action_serve(r, &a);
}
void handle_project_funding_release(struct http_req *r)
{
  static const struct action a = {
      .run = project_funding_release_done, .body = ACTION_BODY_OPTIONAL, .ok_status = 200};
  action_serve(r, &a);
}
void handle_project_close(struct http_req *r)
{
  static const struct action a = {.run = project_close_done, .body = ACTION_BODY_OPTIONAL, .ok_status = 200};
  action_serve(r, &a);
}

/* Schools in the project. */

static const char not_in_project[] = "this school is not in this project";

static int school_enrolled(struct action_ctx *c)
{
  char urn[STORE_URN_LEN] = "";
  int rc = project_school_enrol(&c->doc, urn, c->db, P(0), c->body, &c->actor, c->errors, c->why);
  snprintf(c->id, sizeof c->id, "%s", urn);
  return rc;
}
static int school_read(struct action_ctx *c)
{
  return project_school_get(&c->doc, c->db, P(0), P(1));
}
static int school_withdrawn(struct action_ctx *c)
{
  return project_school_withdraw(&c->doc, c->db, P(0), P(1), c->body, &c->actor, c->errors, c->why);
}

void handle_enrolment_add(struct http_req *r)
{
  static const struct action a = {.run = school_enrolled,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 201,
                                  .location = "/v1/projects/%s/schools/%s"};
  action_serve(r, &a);
}
void handle_enrolment_get(struct http_req *r)
{
  static const struct action a = {
      .run = school_read, .body = ACTION_BODY_NONE, .ok_status = 200, .not_found = not_in_project};
  action_serve(r, &a);
}
void handle_enrolment_withdraw(struct http_req *r)
{
  static const struct action a = {
      .run = school_withdrawn, .body = ACTION_BODY_REQUIRED, .ok_status = 200, .not_found = not_in_project};
  action_serve(r, &a);
}
