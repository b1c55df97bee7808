#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base64url.h"
#include "core/status.h"
#include "domain/refdata.h"
#include "http/handlers.h"
#include "http/pagination.h"
#include "http/problem.h"
#include "http/router.h"

static const struct ref_resource *resource_of(const struct http_req *r)
{
  return r->route->ctx;
}

static void send_doc(struct http_req *r, int status, const struct ref_doc *d)
{
  http_set_etag(r, d->version);
  http_send(r, status, "application/json", d->doc, strlen(d->doc));
}

void handle_ref_list(struct http_req *r)
{
  const struct ref_resource *res = resource_of(r);
  const char *filters[REF_MAX_FILTERS] = {0};
  struct pagination pg;
  struct ref_page page = {0};
  struct store_conn *db = NULL;
  char why[256];
  int rc;

  if (pagination_parse(&pg, r, why, sizeof why) != PINS_OK) {
    problem_send(r, 400, why);
    return;
  }
  for (unsigned i = 0; i < res->nfilters; i++)
    filters[i] = http_query(r, res->filters[i].param);
  const char *valid_on = http_query(r, "valid_on");
  if (refdata_check_query(res, filters, valid_on, pg.after, why, sizeof why) != PINS_OK) {
    problem_send(r, 400, why);
    return;
  }
  if ((rc = http_db(r, &db)) || (rc = refdata_list(&page, db, res, filters, valid_on, pg.after, pg.limit))) {
    problem_send_status(r, rc, NULL, NULL);
    return;
  }
  pagination_send(r, &pg, page.body, page.next_key);
  refdata_page_free(&page);
}

void handle_ref_get(struct http_req *r)
{
  struct ref_doc d = {0};
  struct store_conn *db = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = refdata_get(&d, db, resource_of(r), http_path_param(r, 0));
  if (rc == PINS_OK)
    send_doc(r, 200, &d);
  else
    problem_send_status(r, rc, NULL, NULL);
  free(d.doc);
}

/* Runs one write: parses the body, calls op, answers the record or the problem. */
enum write_op { WRITE_CREATE, WRITE_REPLACE, WRITE_PATCH, WRITE_DELETE };

static void write_record(struct http_req *r, enum write_op op)
{
  const struct ref_resource *res = resource_of(r);
  const char *key = http_path_param(r, 0), *if_match = http_header(r, "If-Match");
  struct store_actor actor = http_actor(r);
  struct ref_doc d = {0};
  struct store_conn *db = NULL;
  json_t *body = NULL, *errors = json_array();
  int rc;

  if (op != WRITE_DELETE && http_body_json(r, &body) != PINS_OK)
    goto done;
  if ((rc = http_db(r, &db)) == PINS_OK) {
    switch (op) {
    case WRITE_CREATE:
      rc = refdata_create(&d, db, res, body, &actor, errors);
      break;
    case WRITE_REPLACE:
      rc = refdata_replace(&d, db, res, key, body, if_match, &actor, errors);
      break;
    case WRITE_PATCH:
      rc = refdata_patch(&d, db, res, key, body, if_match, &actor, errors);
      break;
    case WRITE_DELETE:
      rc = refdata_delete(db, res, key, if_match, &actor, errors);
      break;
    }
  }
  if (rc == PINS_ECONFLICT) {
    char detail[160];
    snprintf(detail, sizeof detail,
             op == WRITE_DELETE ? "the %s is still referenced by other records" : "a %s with this key already exists",
             res->noun);
    problem_send_status(r, rc, detail, NULL);
  } else if (rc != PINS_OK) {
    problem_send_status(r, rc, NULL, errors);
  } else if (op == WRITE_DELETE) {
    http_send_empty(r, 204);
  } else if (op == WRITE_CREATE) {
    char location[200], k[80];
    refdata_key_text(res, body, k, sizeof k);
    snprintf(location, sizeof location, "/v1/%s/%s", res->collection, k);
    http_set_header(r, "Location", location);
    send_doc(r, 201, &d);
  } else {
    send_doc(r, 200, &d);
  }
done:
  free(d.doc);
  json_decref(body);
  json_decref(errors);
}

void handle_ref_create(struct http_req *r)
{
  write_record(r, WRITE_CREATE);
}
void handle_ref_replace(struct http_req *r)
{
  write_record(r, WRITE_REPLACE);
}
void handle_ref_patch(struct http_req *r)
{
  write_record(r, WRITE_PATCH);
}
void handle_ref_delete(struct http_req *r)
{
  write_record(r, WRITE_DELETE);
}
