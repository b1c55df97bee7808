/* Self-assessment templates and self-assessments (internal/domain/self_assessment.c). */
#include <stdlib.h>

#include "core/status.h"
#include "domain/self_assessment.h"
#include "http/action.h"
#include "http/handlers.h"
#include "http/pagination.h"
#include "http/problem.h"

#define P(i) action_param(c, i)

void handle_template_list(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *items = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK) rc = template_list(&items, db);
  if (rc)
    problem_send_status(r, rc, NULL, NULL);
  else
    http_send_items(r, items);
  free(items);
}

static int template_read(struct action_ctx *c)
{
  return template_get(&c->doc, c->db, P(0));
}
static int template_published(struct action_ctx *c)
{
  return template_publish(&c->doc, c->id, c->db, c->body, &c->actor, c->errors, c->why);
}
static int assessment_created(struct action_ctx *c)
{
  return assessment_create(&c->doc, c->id, c->db, &c->r->principal, &c->actor, c->body, c->errors, c->why);
}
static int assessment_read(struct action_ctx *c)
{
  return assessment_get(&c->doc, &c->version, c->db, P(0));
}
static int assessment_patched(struct action_ctx *c)
{
  return assessment_patch(&c->doc, c->db, P(0), c->body, &c->actor, c->errors, c->why);
}
static int assessment_completed(struct action_ctx *c)
{
  return assessment_complete(&c->doc, c->db, P(0), &c->actor, c->errors, c->why);
}

void handle_template_get(struct http_req *r)
{
  static const struct action a = {.run = template_read,
                                  .body = ACTION_BODY_NONE,
                                  .ok_status = 200,
                                  .not_found = "no template has this version"};
  action_serve(r, &a);
}
void handle_template_publish(struct http_req *r)
{
  static const struct action a = {.run = template_published,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 201,
                                  .location = "%.0s/v1/self-assessment-templates/%s"};
  action_serve(r, &a);
}
void handle_assessment_create(struct http_req *r)
{
  static const struct action a = {.run = assessment_created,
                                  .body = ACTION_BODY_REQUIRED,
                                  .ok_status = 201,
                                  .location = "%.0s/v1/self-assessments/%s",
                                  .forbidden = "you may see this school's work but not start it"};
  action_serve(r, &a);
}
void handle_assessment_get(struct http_req *r)
{
  static const struct action a = {.run = assessment_read, .body = ACTION_BODY_NONE, .ok_status = 200};
  action_serve(r, &a);
}
void handle_assessment_patch(struct http_req *r)
{
  static const struct action a = {.run = assessment_patched, .body = ACTION_BODY_REQUIRED, .ok_status = 200};
  action_serve(r, &a);
}
void handle_assessment_complete(struct http_req *r)
{
  static const struct action a = {.run = assessment_completed, .body = ACTION_BODY_NONE, .ok_status = 200};
  action_serve(r, &a);
}

static int list_assessments(struct ref_page *out, struct http_req *r, struct store_conn *db,
                            const char *after, int limit, char *why, size_t whylen)
{
  const char *filters[4] = {http_query(r, "project_id"), http_query(r, "urn"), http_query(r, "kind"),
                            http_query(r, "status")};
  return assessment_list(out, db, &r->principal, filters, after, limit, why, whylen);
}

void handle_assessment_list(struct http_req *r)
{
  pagination_serve(r, list_assessments);
}
