#ifndef PINS_HTTP_ACTION_H
#define PINS_HTTP_ACTION_H

#include <jansson.h>

#include "http/request.h"

/* The shape every write handler shares: parse the body, take a connection, call the domain,
 * answer the document (with Location for a created record) or the problem. A handler is then one
 * small function that calls the domain with the request's pieces, and a table entry. */

struct action_ctx {
  struct http_req *r;
  struct store_conn *db;
  json_t *body; /* NULL when the action takes none, or an optional body was absent */
  struct store_actor actor;
  json_t *errors;    /* {pointer, detail} for 422 */
  char *doc;         /* the answer: a JSON document the call allocates */
  long long version; /* > 0: sent as ETag */
  char id[40];       /* a created record's id, for Location */
  char why[256];     /* a sentence for 409 and friends */
};

enum action_body { ACTION_BODY_NONE, ACTION_BODY_REQUIRED, ACTION_BODY_OPTIONAL };

struct action {
  int (*run)(struct action_ctx *c); /* returns a PINS_* status */
  enum action_body body;
  int ok_status;         /* 200, 201, 204 */
  const char *location;  /* printf format with two %s: path parameter 0 and the new id;
                            NULL for no Location */
  const char *not_found; /* detail for 404, or NULL */
  const char *forbidden; /* detail for 403, or NULL */
};

void action_serve(struct http_req *r, const struct action *a);

/* Path parameter i of the action's request. */
const char *action_param(const struct action_ctx *c, int i);

#endif
