#include "http/problem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/status.h"
#include "core/utf8.h"

struct problem_kind {
  int status;
  const char *slug;
  const char *title;
};

static const struct problem_kind kinds[] = {
    {400, "bad-request", "Bad request"},
    {401, "unauthorized", "Unauthorized"},
    {403, "forbidden", "Forbidden"},
    {404, "not-found", "Not found"},
    {405, "method-not-allowed", "Method not allowed"},
    {406, "not-acceptable", "Not acceptable"},
    {408, "request-timeout", "Request timeout"},
    {409, "conflict", "Conflict"},
    {412, "precondition-failed", "Precondition failed"},
    {413, "payload-too-large", "Payload too large"},
    {414, "uri-too-long", "URI too long"},
    {415, "unsupported-media-type", "Unsupported media type"},
    {422, "validation", "Validation failed"},
    {429, "too-many-requests", "Too many requests"},
    {431, "request-header-fields-too-large", "Request header fields too large"},
    {503, "service-unavailable", "Service unavailable"},
    {500, "internal", "Internal server error"},
};

static const struct problem_kind *kind_for(int status)
{
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (kinds[i].status == status)
      return &kinds[i];
  return &kinds[sizeof kinds / sizeof kinds[0] - 1];
}

/* The body when even building a problem failed (out of memory). */
static const char internal_fallback[] = "{\"type\":\"/problems/internal\",\"title\":\"Internal server error\","
                                        "\"status\":500}";

void problem_send_with(struct http_req *r, int http_status, const char *slug, const char *detail, json_t *extra)
{
  const struct problem_kind *k = kind_for(http_status);
  char type[64];
  snprintf(type, sizeof type, "/problems/%s", slug ? slug : k->slug);
  /* The path and a detail may carry what the client sent: JSON takes UTF-8 only. */
  char *instance = utf8_sanitize(r->u->url_path);
  char *why = utf8_sanitize(detail ? detail : k->title);
  json_t *p = instance && why ? json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "title", k->title, "status",
                                          http_status, "detail", why, "instance", instance)
                              : NULL;
  if (p && extra)
    json_object_update(p, extra);
  char *text = p ? json_dumps(p, JSON_COMPACT) : NULL;
  if (text)
    http_send(r, http_status, "application/problem+json", text, strlen(text));
  else
    http_send(r, 500, "application/problem+json", internal_fallback, sizeof internal_fallback - 1);
  free(text);
  json_decref(p);
  free(instance);
  free(why);
}

void problem_send(struct http_req *r, int http_status, const char *detail)
{
  problem_send_with(r, http_status, NULL, detail, NULL);
}

void problem_answer(struct http_req *r, int rc, int ok_status, const char *doc, const char *why, json_t *errors)
{
  if (rc == PINS_OK)
    http_send(r, ok_status, "application/json", doc, strlen(doc));
  else
    problem_send_status(r, rc, why && *why ? why : NULL, errors);
}

void problem_send_validation(struct http_req *r, json_t *errors)
{
  json_t *extra = json_pack("{s:O}", "errors", errors);
  size_t n = json_array_size(errors);
  char detail[128];
  snprintf(detail, sizeof detail, "%zu problem%s with the request: see errors", n, n == 1 ? "" : "s");
  problem_send_with(r, 422, NULL, detail, extra);
  json_decref(extra);
}

void problem_send_status(struct http_req *r, int pins_status, const char *detail, json_t *errors)
{
  switch (pins_status) {
  case PINS_ENOTFOUND:
    problem_send(r, 404, detail ? detail : "no such record");
    return;
  case PINS_ECONFLICT:
    problem_send(r, 409, detail ? detail : "the change conflicts with existing records");
    return;
  case PINS_EINVALID:
    if (errors && json_array_size(errors) > 0)
      problem_send_validation(r, errors);
    else
      problem_send(r, 422, detail ? detail : "the request breaks a rule");
    return;
  case PINS_EPRECONDITION:
    problem_send(r, 412, detail ? detail : "If-Match does not match the record's current ETag");
    return;
  case PINS_EFORBIDDEN:
    problem_send(r, 403, detail ? detail : "your role may not do this");
    return;
  case PINS_EUNAVAILABLE:
    u_map_put(r->resp->map_header, "Retry-After", "5");
    problem_send(r, 503, "the database cannot be reached; try again shortly");
    return;
  default:
    log_msg(LOG_ERROR, r->request_id, "internal error status %d", pins_status);
    problem_send(r, 500, "something went wrong on our side; the request id identifies it in our logs");
    return;
  }
}
