#ifndef PINS_HTTP_ROUTER_H
#define PINS_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/policy.h"
#include "http/request.h"

/* The route table is data: one static array of {method, path template, handler, right, ...},
 * which the server dispatches through and a test holds against openapi.yaml. */

/* Where a route's authority comes from; checked by the dispatcher before the handler runs. */
enum scope {
  SCOPE_PUBLIC,  /* no token */
  SCOPE_GLOBAL,  /* any verified caller whose role is in roles */
  SCOPE_RECORD,  /* path parameter 0 names a record (a project, an assessment...): the route's policy
                    says the caller's access to it; none is 404 (its existence is not revealed),
                    less than the route needs is 403 */
};

/* Roles a route admits (bit per enum auth_role); ROLES_ANY admits every role. */
#define ROLE_BIT(role) (1u << (role))
#define ROLES_ANY 0u
#define ROLES_NATIONAL ROLE_BIT(ROLE_NATIONAL)

/* Media types a route's body may have. */
enum body_type {
  BODY_NONE = 0,
  BODY_JSON = 1 << 0,
  BODY_MERGE_PATCH = 1 << 1,
  BODY_CSV = 1 << 2,
};

typedef void (*route_handler)(struct http_req *r);

struct route {
  const char *method;
  const char *path; /* OpenAPI syntax: /v1/schools/{urn} */
  route_handler handler;
  enum scope scope;
  unsigned roles;     /* ROLES_ANY or ROLE_BIT()s */
  enum access need;   /* SCOPE_RECORD: the access to the record the route needs */
  policy_fn policy;   /* SCOPE_RECORD: how to find the caller's access to the record */
  const void *ctx;  /* handler's data, e.g. the reference resource it serves */
  unsigned bodies;  /* enum body_type flags accepted */
  size_t max_body;  /* 0 = HTTP_DEFAULT_MAX_BODY */
};

#define HTTP_DEFAULT_MAX_BODY (1024 * 1024)
#define HTTP_MAX_SEGMENTS 8

extern const struct route routes[];
extern const size_t route_count;

/* Matches path against the table. Returns the route for method, or NULL. When the path matches
 * but the method does not, *path_known is true and allow (cap bytes) lists the methods, e.g.
 * "GET, POST". Path parameters point into the copy kept in buf (cap bufcap). */
const struct route *router_match(const char *method, const char *path, const char **params, char *buf, size_t bufcap,
                                 bool *path_known, char *allow, size_t allow_cap);

/* Largest body any route accepts. */
size_t router_max_body(void);

#endif
