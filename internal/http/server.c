#include "http/server.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/status.h"
#include "http/edge.h"
#include "http/exchange.h"
#include "http/idempotency.h"
#include "http/problem.h"
#include "http/router.h"

static long long now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Makes the request's id: boot prefix and a counter, never the client's, so that the audit trail
 * and the logs name each request by an id the server vouches for. A sane client X-Request-Id is
 * kept beside it (client_request_id) for correlation. */
static void assign_request_id(struct http_req *r)
{
  const char *given = http_header(r, "X-Request-Id");
  size_t n = given ? strlen(given) : 0;
  bool ok = n > 0 && n <= HTTP_CLIENT_REQUEST_ID_MAX;
  for (size_t i = 0; ok && i < n; i++)
    ok = isalnum((unsigned char)given[i]) || given[i] == '-' || given[i] == '_' || given[i] == '.';
  if (ok)
    memcpy(r->client_request_id, given, n + 1);
  snprintf(r->request_id, sizeof r->request_id, "%s-%08lx", r->srv->id_prefix,
           atomic_fetch_add(&r->srv->next_request, 1));
  u_map_put(r->resp->map_header, "X-Request-Id", r->request_id);
}

static const char cors_allow_headers[] = "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id";

/* Adds CORS headers for an allowed Origin; returns whether it was allowed. */
static bool apply_cors(struct http_req *r)
{
  const char *origin = http_header(r, "Origin");
  if (!origin || !config_cors_allowed(r->srv->cfg, origin))
    return false;
  u_map_put(r->resp->map_header, "Access-Control-Allow-Origin", origin);
  u_map_put(r->resp->map_header, "Vary", "Origin");
  u_map_put(r->resp->map_header, "Access-Control-Expose-Headers", "ETag, Link, Location, X-Request-Id, Retry-After");
  return true;
}

static void answer_options(struct http_req *r, bool cors, const char *allow)
{
  char methods[160];
  snprintf(methods, sizeof methods, "%s, OPTIONS", allow);
  http_set_header(r, "Allow", methods);
  if (cors) {
    http_set_header(r, "Access-Control-Allow-Methods", methods);
    http_set_header(r, "Access-Control-Allow-Headers", cors_allow_headers);
    http_set_header(r, "Access-Control-Max-Age", "600");
  }
  http_send_empty(r, 204);
}

/* The media type of a header value, lower-cased, without parameters. */
static void media_type(char *out, size_t cap, const char *value)
{
  size_t n = 0;
  for (; value && *value && *value != ';' && n + 1 < cap; value++)
    if (!isspace((unsigned char)*value))
      out[n++] = (char)tolower((unsigned char)*value);
  out[n] = '\0';
}

/* Whether any entry of an Accept header admits JSON. Walks the header in place, so a long header
 * is read whole (a media type longer than mt cannot be one of ours, so its cut never matches). */
static bool accept_ok(const char *accept)
{
  if (!accept || !*accept)
    return true;
  for (const char *part = accept; part; part = strchr(part, ',')) {
    if (*part == ',')
      part++;
    char seg[128], mt[128];
    size_t n = strcspn(part, ",");
    if (n >= sizeof seg)
      n = sizeof seg - 1;
    memcpy(seg, part, n);
    seg[n] = '\0';
    media_type(mt, sizeof mt, seg);
    if (!strcmp(mt, "*/*") || !strcmp(mt, "application/*") || !strcmp(mt, "application/json") ||
        !strcmp(mt, "application/problem+json"))
      return true;
  }
  return false;
}

static bool body_type_ok(const struct route *route, const char *content_type)
{
  char mt[128];
  media_type(mt, sizeof mt, content_type);
  return ((route->bodies & BODY_JSON) && !strcmp(mt, "application/json")) ||
         ((route->bodies & BODY_MERGE_PATCH) && !strcmp(mt, "application/merge-patch+json")) ||
         ((route->bodies & BODY_CSV) && !strcmp(mt, "text/csv"));
}

static bool authenticate(struct http_req *r)
{
  const char *h = http_header(r, "Authorization");
  char why[160];
  if (!h || strncasecmp(h, "Bearer ", 7) != 0) {
    http_set_header(r, "WWW-Authenticate", "Bearer");
    problem_send(r, 401, "this route needs Authorization: Bearer <token>");
    return false;
  }
  const char *token = h + 7;
  while (*token == ' ')
    token++;
  if (auth_verify_cached(&r->principal, r->srv->verifier, token, time(NULL), why, sizeof why) != PINS_OK) {
    http_set_header(r, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
    problem_send(r, 401, why);
    return false;
  }
  r->authenticated = true;
  return true;
}

#define NOT_SEEN "no such record, or not one you may see"
#define NOT_ALLOWED "you may see this record but not do this"

/* The one place where a route's rule meets the caller: roles the route admits, and for record
 * routes the caller's access to that record (none: 404, so that its existence is not revealed;
 * too little: 403). A record route's check is staged as a gate that goes with the request's first
 * statements (store_gate); settle_gate below gives its answer. */
static bool authorise(struct http_req *r)
{
  const struct route *route = r->route;
  bool role_ok = route->roles == ROLES_ANY || (route->roles & ROLE_BIT(r->principal.role));
  if (route->scope == SCOPE_RECORD) {
    const char *need = !role_ok ? "never" : route->need == ACCESS_WRITE ? "write" : "read";
    struct store_conn *db = NULL;
    int rc = http_db(r, &db);
    if (rc == PINS_OK)
      rc = route->policy(db, &r->principal, r->path_params, need);
    if (rc == PINS_ENOTFOUND)
      problem_send(r, 404, NOT_SEEN);
    else if (rc)
      problem_send_status(r, rc, NULL, NULL);
    return rc == PINS_OK;
  }
  if (!role_ok) {
    problem_send(r, 403, route->roles == ROLES_NATIONAL ? "only the national team may do this"
                                                         : "your role may not do this");
    return false;
  }
  return true;
}

/* One line per request. Every piece a client chose (method, path, org) goes through
 * log_json_escape, so the line is valid UTF-8 JSON whatever was sent, and the buffers are sized
 * so that the line is never cut. */
static void log_request(struct http_req *r, long long started)
{
  char line[1536], route[160], org[160], path[200], method[40], ts[40];
  log_json_escape(org, sizeof org, r->principal.org);
  if (r->route)
    log_json_escape(route, sizeof route, r->route->path);
  log_json_escape(path, sizeof path, r->u->url_path);
  if (r->u->http_verb)
    log_json_escape(method, sizeof method, r->u->http_verb);
  log_time_now(ts, sizeof ts);
  /* the client's request id needs no escaping (assign_request_id keeps only [A-Za-z0-9._-]) */
  const char *cq = r->client_request_id[0] ? "\"" : "", *cid = r->client_request_id[0] ? r->client_request_id : "null";
  int n = snprintf(line, sizeof line,
                   "{\"time\":\"%s\",\"level\":\"info\",\"msg\":\"request\",\"method\":%s%s%s,\"route\":%s%s%s,"
                   "\"path\":\"%s\",\"status\":%d,\"duration_us\":%lld,\"request_id\":\"%s\","
                   "\"client_request_id\":%s%s%s,\"role\":%s%s%s,\"org\":%s%s%s}",
                   ts, r->u->http_verb ? "\"" : "", r->u->http_verb ? method : "null", r->u->http_verb ? "\"" : "",
                   r->route ? "\"" : "", r->route ? route : "null", r->route ? "\"" : "", path, r->status,
                   now_us() - started, r->request_id, cq, cid, cq, r->authenticated ? "\"" : "",
                   r->authenticated ? auth_role_name(r->principal.role) : "null", r->authenticated ? "\"" : "",
                   org[0] ? "\"" : "", org[0] ? org : "null", org[0] ? "\"" : "");
  if (n > 0 && n < (int)sizeof line && log_enabled(LOG_INFO))
    log_write_line(line, (unsigned long)n);
}

/* A record route's access check either went with the request's first statements or, when the
 * answer was made without the database (a malformed body, say), is sent now. Either way a refusal
 * is the answer, as if the check had come first: whatever was answered meanwhile is replaced. The
 * handler's own statements sent with a refused check did not run (store_gate). */
static void settle_gate(struct http_req *r)
{
  if (!r->db || !r->route || r->route->scope != SCOPE_RECORD)
    return;
  int rc = store_gate_settle(r->db);
  if (rc == PINS_ENOTFOUND)
    problem_send(r, 404, NOT_SEEN);
  else if (rc == PINS_EFORBIDDEN)
    problem_send(r, 403, NOT_ALLOWED);
  else if (rc)
    problem_send_status(r, rc, NULL, NULL);
}

static void send_too_large(struct exchange *x)
{
  char detail[96];
  snprintf(detail, sizeof detail, "the body is larger than this route's limit of %zu bytes", x->max_body);
  problem_send(&x->r, 413, detail);
}

void server_exchange_begin(struct exchange *x, struct server *srv)
{
  x->r.u = &x->u;
  x->r.resp = &x->resp;
  x->r.srv = srv;
  x->max_body = HTTP_DEFAULT_MAX_BODY;
  atomic_fetch_add(&srv->inflight, 1);
  assign_request_id(&x->r);
}

bool server_exchange_head(struct exchange *x)
{
  struct http_req *r = &x->r;
  char allow[128];
  bool path_known = false;
  const char *verb = r->u->http_verb;
  bool cors = apply_cors(r);

  r->route = router_match(verb, r->u->url_path, r->path_params, x->path_buf, sizeof x->path_buf, &path_known, allow,
                          sizeof allow);
  if (!r->route) {
    if (path_known && strcmp(verb, "OPTIONS") == 0) {
      answer_options(r, cors, allow);
    } else if (path_known) {
      http_set_header(r, "Allow", allow);
      char detail[200];
      snprintf(detail, sizeof detail, "%s is not allowed here; allowed: %s", verb, allow);
      problem_send(r, 405, detail);
    } else {
      problem_send(r, 404, "no such resource");
    }
    return false;
  }
  x->max_body = r->route->max_body ? r->route->max_body : HTTP_DEFAULT_MAX_BODY;
  const char *cl = http_header(r, "Content-Length");
  if (cl && strtoull(cl, NULL, 10) > x->max_body) {
    send_too_large(x);
    return false;
  }
  if (!accept_ok(http_header(r, "Accept"))) {
    problem_send(r, 406, "this API answers application/json (errors application/problem+json)");
    return false;
  }
  if (r->route->scope != SCOPE_PUBLIC && !authenticate(r))
    return false;
  /* A role the route does not admit is refused here too; a record's access needs the database,
   * so it waits for the body (server_exchange_run). */
  if (r->route->scope == SCOPE_GLOBAL && !authorise(r))
    return false;
  return true;
}

void server_exchange_refuse(struct exchange *x, int status, const char *detail)
{
  if (status == 413)
    send_too_large(x);
  else
    problem_send(&x->r, status, detail);
}

void server_exchange_run(struct exchange *x)
{
  struct http_req *r = &x->r;
  if (r->route->scope == SCOPE_RECORD && !authorise(r))
    goto done;
  if (r->u->binary_body_length > 0 && !body_type_ok(r->route, http_header(r, "Content-Type"))) {
    problem_send(r, 415, r->route->bodies & BODY_CSV ? "send application/json or text/csv"
                         : r->route->bodies & BODY_MERGE_PATCH
                             ? "send application/merge-patch+json or application/json"
                             : "send application/json");
    goto done;
  }
  struct http_idem id = {0};
  if (!http_idem_begin(r, &id))
    goto done;
  r->route->handler(r);
  http_idem_end(r, &id);
done:
  settle_gate(r);
  if (r->status == 0)
    problem_send(r, 500, "the handler sent no response");
}

void server_exchange_end(struct exchange *x)
{
  struct http_req *r = &x->r;
  store_release(r->srv->pool, r->db);
  r->db = NULL;
  log_request(r, x->started_us);
  free(r->captured_body);
  r->captured_body = NULL;
  atomic_fetch_sub(&r->srv->inflight, 1);
}

int server_start(struct server *srv, const struct config *cfg, struct store_pool *pool,
                 struct auth_verifier *verifier, struct readiness *readiness, char *err, size_t errlen)
{
  unsigned char rnd[4] = {0};
  if (getrandom(rnd, sizeof rnd, 0) < 0)
    memset(rnd, 0x5a, sizeof rnd);
  snprintf(srv->id_prefix, sizeof srv->id_prefix, "%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
  srv->cfg = cfg;
  srv->pool = pool;
  srv->verifier = verifier;
  srv->readiness = readiness;
  atomic_init(&srv->inflight, 0);
  atomic_init(&srv->next_request, 1);
  return edge_start(&srv->edge, srv, err, errlen);
}

void server_stop(struct server *srv)
{
  edge_stop(srv->edge);
  srv->edge = NULL;
}
