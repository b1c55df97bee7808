#include "http/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "http/problem.h"
#include "http/server.h"

const char *http_header(const struct http_req *r, const char *name)
{
  return u_map_get_case(r->u->map_header, name);
}

const char *http_query(const struct http_req *r, const char *name)
{
  const char *v = u_map_get(r->u->map_url, name);
  return (v && *v) ? v : NULL;
}

const char *http_path_param(const struct http_req *r, int i)
{
  return (i >= 0 && i < HTTP_MAX_PARAMS) ? r->path_params[i] : NULL;
}

int http_db(struct http_req *r, struct store_conn **out)
{
  if (!r->db) {
    int rc = store_acquire(&r->db, r->srv->pool);
    if (rc)
      return rc;
  }
  *out = r->db;
  return PINS_OK;
}

struct store_actor http_actor(const struct http_req *r)
{
  struct store_actor a = {
      .role = r->authenticated ? auth_role_name(r->principal.role) : NULL,
      .org = r->principal.org[0] ? r->principal.org : NULL,
      .sub = r->principal.sub[0] ? r->principal.sub : NULL,
      .request_id = r->request_id,
      .client_request_id = r->client_request_id[0] ? r->client_request_id : NULL,
  };
  return a;
}

int http_body_json(struct http_req *r, json_t **out)
{
  json_error_t err;
  if (r->u->binary_body_length == 0) {
    problem_send(r, 400, "the request needs a JSON body");
    return PINS_EINVALID;
  }
  json_t *v = json_loadb(r->u->binary_body, r->u->binary_body_length, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
  if (!v) {
    char detail[300];
    snprintf(detail, sizeof detail, "the body is not valid JSON: %s at line %d, column %d", err.text, err.line,
             err.column);
    problem_send(r, 400, detail);
    return PINS_EINVALID;
  }
  *out = v;
  return PINS_OK;
}

int http_body_optional(struct http_req *r, json_t **out)
{
  *out = NULL;
  if (r->u->binary_body_length == 0)
    return PINS_OK;
  return http_body_json(r, out);
}

void http_send_items(struct http_req *r, const char *items)
{
  size_t n = strlen(items) + 40;
  char *body = malloc(n);
  if (!body) {
    problem_send_status(r, PINS_ENOMEM, NULL, NULL);
    return;
  }
  snprintf(body, n, "{\"items\":%s,\"next_cursor\":null}", items);
  http_send(r, 200, "application/json", body, strlen(body));
  free(body);
}

void http_set_header(struct http_req *r, const char *name, const char *value)
{
  u_map_put(r->resp->map_header, name, value);
  if (r->capture && strcmp(name, "Location") == 0)
    snprintf(r->location, sizeof r->location, "%s", value);
}

void http_set_etag(struct http_req *r, long long version)
{
  char etag[32];
  snprintf(etag, sizeof etag, "\"%lld\"", version);
  http_set_header(r, "ETag", etag);
}

void http_send(struct http_req *r, int status, const char *content_type, const char *body, size_t len)
{
  r->status = status;
  ulfius_set_binary_body_response(r->resp, (unsigned)status, body, len);
  u_map_put(r->resp->map_header, "Content-Type", content_type);
  if (r->capture) {
    free(r->captured_body);
    r->captured_body = malloc(len + 1);
    if (r->captured_body) {
      memcpy(r->captured_body, body, len);
      r->captured_body[len] = '\0';
      r->captured_len = len;
    }
    r->captured_type = content_type;
  }
}

void http_send_json(struct http_req *r, int status, const json_t *value)
{
  char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
  if (!text) {
    problem_send(r, 500, "the response could not be built");
    return;
  }
  http_send(r, status, "application/json", text, strlen(text));
  free(text);
}

void http_send_empty(struct http_req *r, int status)
{
  r->status = status;
  r->resp->status = (long)status;
  if (r->capture) {
    free(r->captured_body);
    r->captured_body = NULL;
    r->captured_len = 0;
    r->captured_type = NULL;
  }
}
