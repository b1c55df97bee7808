/* Self-assessment templates and self-assessments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/self_assessment.h"
#include "http/handlers.h"
#include "http/pagination.h"
#include "http/problem.h"

void handle_template_list(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *items = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = template_list(&items, db);
  if (rc) {
    problem_send_status(r, rc, NULL, NULL);
    return;
  }
  http_send_items(r, items);
  free(items);
}

void handle_template_get(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *doc = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = template_get(&doc, db, http_path_param(r, 0));
  problem_answer(r, rc, 200, doc, rc == PINS_ENOTFOUND ? "no template has this version" : NULL, NULL);
  free(doc);
}

void handle_template_publish(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, version[12] = "", why[ASSESSMENT_WHY] = "", location[80];
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = template_publish(&doc, version, db, body, &actor, errors, why);
  if (rc == PINS_OK) {
    snprintf(location, sizeof location, "/v1/self-assessment-templates/%s", version);
    http_set_header(r, "Location", location);
  }
  problem_answer(r, rc, 201, doc, why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_assessment_create(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, id[40] = "", why[ASSESSMENT_WHY] = "", location[96];
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = assessment_create(&doc, id, db, &r->principal, &actor, body, errors, why);
  if (rc == PINS_OK) {
    snprintf(location, sizeof location, "/v1/self-assessments/%s", id);
    http_set_header(r, "Location", location);
  }
  problem_answer(r, rc, 201, doc, rc == PINS_EFORBIDDEN ? "you may see this school's work but not start it" : why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_assessment_get(struct http_req *r)
{
  struct store_conn *db = NULL;
  char *doc = NULL;
  long long version = 0;
  int rc = http_db(r, &db);
  if (rc == PINS_OK && (rc = assessment_get(&doc, &version, db, http_path_param(r, 0))) == PINS_OK)
    http_set_etag(r, version);
  problem_answer(r, rc, 200, doc, NULL, NULL);
  free(doc);
}

void handle_assessment_patch(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *body = NULL, *errors = json_array();
  char *doc = NULL, why[ASSESSMENT_WHY] = "";
  int rc;
  if (http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK)
    rc = assessment_patch(&doc, db, http_path_param(r, 0), body, &actor, errors, why);
  problem_answer(r, rc, 200, doc, why, errors);
done:
  free(doc);
  json_decref(body);
  json_decref(errors);
}

void handle_assessment_complete(struct http_req *r)
{
  struct store_conn *db = NULL;
  struct store_actor actor = http_actor(r);
  json_t *errors = json_array();
  char *doc = NULL, why[ASSESSMENT_WHY] = "";
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = assessment_complete(&doc, db, http_path_param(r, 0), &actor, errors, why);
  problem_answer(r, rc, 200, doc, why, errors);
  free(doc);
  json_decref(errors);
}

static int list_assessments(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after,
                            int limit, char *why, size_t whylen)
{
  const char *filters[4] = {http_query(r, "project_id"), http_query(r, "urn"), http_query(r, "kind"),
                            http_query(r, "status")};
  return assessment_list(out, db, &r->principal, filters, after, limit, why, whylen);
}

void handle_assessment_list(struct http_req *r)
{
  pagination_serve(r, list_assessments);
}
