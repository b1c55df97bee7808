/* Interventions, parent carer groups, engagement meetings and quarterly reports: each handler
 * calls the domain (internal/domain/intervention.c, engagement.c, quarterly_report.c). */
#include "core/status.h"
#include "domain/school_work.h"
#include "http/action.h"
#include "http/handlers.h"
#include "http/pagination.h"
#include "http/server.h"

#define P(i) action_param(c, i)

/* Interventions: /v1/projects/{id}/interventions[/{intervention_id}[/step]] */

static const char no_intervention[] = "no such intervention in this project";

static int intervention_created(struct action_ctx *c)
{
  return intervention_create(&c->doc, c->id, c->db, P(0), c->body, &c->actor, c->errors, c->why);
}
static int intervention_read(struct action_ctx *c)
{
  return intervention_get(&c->doc, c->db, P(0), P(1));
}
static int intervention_commissioned(struct action_ctx *c)
{
  return intervention_step(&c->doc, c->db, P(0), P(1), INTERVENTION_COMMISSION, c->body, &c->actor, c->errors,
                           c->why);
}
static int intervention_delivered(struct action_ctx *c)
{
  return intervention_step(&c->doc, c->db, P(0), P(1), INTERVENTION_DELIVER, c->body, &c->actor, c->errors,
                           c->why);
}
static int intervention_cancelled(struct action_ctx *c)
{
  return intervention_step(&c->doc, c->db, P(0), P(1), INTERVENTION_CANCEL, c->body, &c->actor, c->errors,
                           c->why);
}

void handle_intervention_create(struct http_req *r)
{
  static const struct action a = {.run = intervention_created,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 201,
                                  .location = "/v1/projects/%s/interventions/%s"};
  action_serve(r, &a);
}
void handle_intervention_get(struct http_req *r)
{
  static const struct action a = {
      .run = intervention_read, .body = ACTION_BODY_NONE, .ok_status = 200, .not_found = no_intervention};
  action_serve(r, &a);
}
void handle_intervention_commission(struct http_req *r)
{
  static const struct action a = {.run = intervention_commissioned,
                                  .body = ACTION_BODY_OPTIONAL,
                                  .ok_status = 200,
                                  .not_found = no_intervention};
  action_serve(r, &a);
}
void handle_intervention_deliver(struct http_req *r)
{
  static const struct action a = {.run = intervention_delivered,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 200,
                                  .not_found = no_intervention};
  action_serve(r, &a);
}
void handle_intervention_cancel(struct http_req *r)
{
  static const struct action a = {.run = intervention_cancelled,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 200,
                                  .not_found = no_intervention};
  action_serve(r, &a);
}

static int list_interventions(struct ref_page *out, struct http_req *r, struct store_conn *db,
                              const char *after, int limit, char *why, size_t whylen)
{
  const char *filters[3] = {http_query(r, "urn"), http_query(r, "status"), http_query(r, "delivery_mode")};
  return intervention_list(out, db, http_path_param(r, 0), filters, after, limit, why, whylen);
}

void handle_intervention_list(struct http_req *r)
{
  pagination_serve(r, list_interventions);
}

/* Parent carer group: /v1/projects/{id}/schools/{urn}/parent-carer-group */

static int group_written(struct action_ctx *c)
{
  return group_put(&c->doc, c->db, P(0), P(1), c->body, &c->actor, c->errors);
}
static int group_read(struct action_ctx *c)
{
  return group_get(&c->doc, c->db, P(0), P(1));
}

void handle_group_put(struct http_req *r)
{
  static const struct action a = {.run = group_written, .body = ACTION_BODY_REQUIRED, .ok_status = 200};
  action_serve(r, &a);
}
void handle_group_get(struct http_req *r)
{
  static const struct action a = {.run = group_read,
                                  .body = ACTION_BODY_NONE,
                                  .ok_status = 200,
                                  .not_found = "this school has no parent carer group recorded"};
  action_serve(r, &a);
}

/* Engagement meetings: /v1/engagement-meetings[/{id}[/complete|/cancel]] */

static int meeting_created(struct action_ctx *c)
{
  return meeting_create(&c->doc, c->id, c->db, &c->r->principal, &c->actor, c->body, c->errors, c->why);
}
static int meeting_read(struct action_ctx *c)
{
  return meeting_get(&c->doc, &c->version, c->db, P(0));
}
static int meeting_completed(struct action_ctx *c)
{
  return meeting_complete(&c->doc, c->db, P(0), c->body, &c->actor, c->errors, c->why);
}
static int meeting_cancelled(struct action_ctx *c)
{
  return meeting_cancel(&c->doc, c->db, P(0), c->body, &c->actor, c->errors, c->why);
}

void handle_meeting_create(struct http_req *r)
{
  static const struct action a = {.run = meeting_created,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 201,
                                  .location = "%.0s/v1/engagement-meetings/%s",
                                  .forbidden = "you may see this school's engagement but not arrange it"};
  action_serve(r, &a);
}
void handle_meeting_get(struct http_req *r)
{
  static const struct action a = {.run = meeting_read, .body = ACTION_BODY_NONE, .ok_status = 200};
  action_serve(r, &a);
}
void handle_meeting_complete(struct http_req *r)
{
  static const struct action a = {.run = meeting_completed, .body = ACTION_BODY_REQUIRED, .ok_status = 200};
  action_serve(r, &a);
}
void handle_meeting_cancel(struct http_req *r)
{
  static const struct action a = {.run = meeting_cancelled, .body = ACTION_BODY_REQUIRED, .ok_status = 200};
  action_serve(r, &a);
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

/* Quarterly reports: /v1/projects/{id}/quarterly-reports[/{report_id}[/step]] */

static const char no_report[] = "no such report in this project";

static int report_created(struct action_ctx *c)
{
  return report_create(&c->doc, c->id, c->db, P(0), c->body, (int)c->r->srv->cfg->report_due_days, &c->actor,
                       c->errors, c->why);
}
static int report_read(struct action_ctx *c)
{
  return report_get(&c->doc, c->db, P(0), P(1));
}
static int report_patched(struct action_ctx *c)
{
  return report_patch(&c->doc, c->db, P(0), P(1), c->body, &c->actor, c->errors, c->why);
}
static int report_submitted(struct action_ctx *c)
{
  return report_step(&c->doc, c->db, P(0), P(1), REPORT_SUBMIT, c->body, &c->actor, c->errors, c->why);
}
static int report_accepted(struct action_ctx *c)
{
  return report_step(&c->doc, c->db, P(0), P(1), REPORT_ACCEPT, c->body, &c->actor, c->errors, c->why);
}
static int report_returned(struct action_ctx *c)
{
  return report_step(&c->doc, c->db, P(0), P(1), REPORT_RETURN, c->body, &c->actor, c->errors, c->why);
}

void handle_report_create(struct http_req *r)
{
  static const struct action a = {.run = report_created,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 201,
                                  .location = "/v1/projects/%s/quarterly-reports/%s"};
  action_serve(r, &a);
}
void handle_report_get(struct http_req *r)
{
  static const struct action a = {
      .run = report_read, .body = ACTION_BODY_NONE, .ok_status = 200, .not_found = no_report};
  action_serve(r, &a);
}
void handle_report_patch(struct http_req *r)
{
  static const struct action a = {
      .run = report_patched, .body = ACTION_BODY_REQUIRED, .ok_status = 200, .not_found = no_report};
  action_serve(r, &a);
}
void handle_report_submit(struct http_req *r)
{
  static const struct action a = {
      .run = report_submitted, .body = ACTION_BODY_OPTIONAL, .ok_status = 200, .not_found = no_report};
  action_serve(r, &a);
}
void handle_report_accept(struct http_req *r)
{
  static const struct action a = {
      .run = report_accepted, .body = ACTION_BODY_OPTIONAL, .ok_status = 200, .not_found = no_report};
  action_serve(r, &a);
}
void handle_report_return(struct http_req *r)
{
  static const struct action a = {
      .run = report_returned, .body = ACTION_BODY_OPTIONAL, .ok_status = 200, .not_found = no_report};
  action_serve(r, &a);
}

static int list_reports(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after,
                        int limit, char *why, size_t whylen)
{
  return report_list(out, db, http_path_param(r, 0), after, limit, why, whylen);
}

void handle_report_list(struct http_req *r)
{
  pagination_serve(r, list_reports);
}
