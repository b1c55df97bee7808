#ifndef PINS_HTTP_REQUEST_H
#define PINS_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <ulfius.h>

#include "auth/jwt_verify.h"
#include "domain/policy.h"
#include "store/db.h"

struct server;
struct route;

#define HTTP_MAX_PARAMS 4
#define HTTP_CLIENT_REQUEST_ID_MAX 128 /* characters of a client's X-Request-Id kept */

/* Everything one request carries through the dispatcher and its handler. Lives on the stack of
 * the dispatcher; handlers borrow it. */
struct http_req {
  const struct _u_request *u;
  struct _u_response *resp;
  struct server *srv;
  const struct route *route;         /* NULL when no route matched */
  const char *path_params[HTTP_MAX_PARAMS];
  char request_id[132];        /* the server's own id for this request */
  char client_request_id[HTTP_CLIENT_REQUEST_ID_MAX + 1]; /* the client's X-Request-Id when sane, else empty */
  struct auth_principal principal;
  bool authenticated;
  struct store_conn *db; /* taken on first use by http_db, returned by the dispatcher */
  int status;            /* the status sent */
  /* Kept only while an Idempotency-Key applies: a copy of what was sent. */
  bool capture;
  char *captured_body;
  size_t captured_len;
  const char *captured_type;
  char location[256];
};

/* Finds a request header (case-insensitive); NULL when absent. */
const char *http_header(const struct http_req *r, const char *name);
/* A query parameter; NULL when absent. An empty value counts as absent. */
const char *http_query(const struct http_req *r, const char *name);
/* The path parameter at index i of the route template. */
const char *http_path_param(const struct http_req *r, int i);

/* The request's database connection, taken from the pool on first use. PINS_EUNAVAILABLE when
 * PostgreSQL cannot be reached. */
int http_db(struct http_req *r, struct store_conn **out);

/* The acting caller, for the audit trail. */
struct store_actor http_actor(const struct http_req *r);

/* Parses the body as JSON (any value). On failure sends 400 and returns PINS_EINVALID. *out is a
 * new reference the caller decrefs. */
int http_body_json(struct http_req *r, json_t **out);

/* A body that may be absent: *out NULL when empty, else parsed as http_body_json does. */
int http_body_optional(struct http_req *r, json_t **out);

/* Sends {"items": <items>, "next_cursor": null} for a JSON array text (an unpaginated list). */
void http_send_items(struct http_req *r, const char *items);

/* Sends body (len bytes) with status and content type. Copies the body. */
void http_send(struct http_req *r, int status, const char *content_type, const char *body, size_t len);
/* Sends a JSON value (borrowed) compactly. */
void http_send_json(struct http_req *r, int status, const json_t *value);
/* Sends no body. */
void http_send_empty(struct http_req *r, int status);
/* Adds a response header (copied). */
void http_set_header(struct http_req *r, const char *name, const char *value);
/* Sets ETag: "<version>". */
void http_set_etag(struct http_req *r, long long version);

#endif
