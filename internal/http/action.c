#include "http/action.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"
#include "http/problem.h"

const char *action_param(const struct action_ctx *c, int i)
{
  return http_path_param(c->r, i);
}

void action_serve(struct http_req *r, const struct action *a)
{
  struct action_ctx c = {.r = r, .actor = http_actor(r), .errors = json_array()};
  int rc;
  if (a->body == ACTION_BODY_REQUIRED && http_body_json(r, &c.body) != PINS_OK) goto done;
  if (a->body == ACTION_BODY_OPTIONAL && http_body_optional(r, &c.body) != PINS_OK) goto done;
  if ((rc = http_db(r, &c.db)) == PINS_OK) rc = a->run(&c);
  if (rc == PINS_OK && a->location && c.id[0]) {
    char location[256];
    const char *parent = http_path_param(r, 0);
    snprintf(location, sizeof location, a->location, parent ? parent : "", c.id);
    http_set_header(r, "Location", location);
  }
  if (rc == PINS_OK && c.version > 0) http_set_etag(r, c.version);
  if (rc == PINS_OK && a->ok_status == 204)
    http_send_empty(r, 204);
  else if (rc == PINS_ENOTFOUND && a->not_found)
    problem_send_status(r, rc, a->not_found, NULL);
  else if (rc == PINS_EFORBIDDEN && a->forbidden)
    problem_send_status(r, rc, a->forbidden, NULL);
  else
    problem_answer(r, rc, a->ok_status, c.doc, c.why, c.errors);
done:
  free(c.doc);
  json_decref(c.body);
  json_decref(c.errors);
}
