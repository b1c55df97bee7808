#include "http/server.h"

#include <ctype.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/status.h"
#include "http/listen.h"
#include "http/problem.h"
#include "http/router.h"
#include "store/idempotency.h"

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

static bool accept_ok(const char *accept)
{
  if (!accept || !*accept)
    return true;
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", accept);
  for (char *save = NULL, *part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
    char mt[128];
    media_type(mt, sizeof mt, part);
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

/* Idempotency-Key: the same key and body from the same caller gets the first answer again. */
struct idem {
  bool active;
  char caller[256];
  char key[256];
};

static void request_hash(char out[65], const struct http_req *r)
{
  unsigned char md[32];
  unsigned int len = 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  const char *ct = http_header(r, "Content-Type");
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  EVP_DigestUpdate(ctx, r->u->url_path, strlen(r->u->url_path));
  EVP_DigestUpdate(ctx, "\n", 1);
  if (ct)
    EVP_DigestUpdate(ctx, ct, strlen(ct));
  EVP_DigestUpdate(ctx, "\n", 1);
  EVP_DigestUpdate(ctx, r->u->binary_body ? r->u->binary_body : "", r->u->binary_body_length);
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  for (int i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Returns true when the handler should run (claimed, or no key); false when answered here. */
static bool idem_begin(struct http_req *r, struct idem *id)
{
  const char *key = http_header(r, "Idempotency-Key");
  if (strcmp(r->u->http_verb, "POST") != 0 || !key)
    return true;
  if (!*key || strlen(key) > 255) {
    problem_send(r, 400, "Idempotency-Key must be 1 to 255 characters");
    return false;
  }
  struct store_conn *db = NULL;
  struct idem_record prior = {0};
  char hash[65];
  int rc = http_db(r, &db);
  snprintf(id->caller, sizeof id->caller, "%s:%s:%s", auth_role_name(r->principal.role), r->principal.org,
           r->principal.sub);
  snprintf(id->key, sizeof id->key, "%s", key);
  request_hash(hash, r);
  if (rc == PINS_OK)
    rc = store_idem_claim(&prior, db, id->caller, id->key, hash);
  if (rc == PINS_OK) {
    id->active = true;
    r->capture = true;
    return true;
  }
  if (rc != PINS_ECONFLICT)
    problem_send_status(r, rc, NULL, NULL);
  else if (!prior.request_hash || strcmp(prior.request_hash, hash) != 0)
    problem_send_with(r, 422, "idempotency-key-reused", "this Idempotency-Key was used with a different request",
                      NULL);
  else if (prior.status == 0)
    problem_send(r, 409, "a request with this Idempotency-Key is still in progress; retry shortly");
  else {
    if (prior.location)
      http_set_header(r, "Location", prior.location);
    http_set_header(r, "Idempotent-Replayed", "true");
    if (prior.body)
      http_send(r, prior.status, prior.content_type ? prior.content_type : "application/json", prior.body,
                strlen(prior.body));
    else
      http_send_empty(r, prior.status);
  }
  store_idem_record_free(&prior);
  return false;
}

static void idem_end(struct http_req *r, struct idem *id)
{
  struct store_conn *db = NULL;
  if (!id->active || http_db(r, &db) != PINS_OK)
    return;
  if (r->status >= 500 || r->status == 0)
    store_idem_abandon(db, id->caller, id->key);
  else
    store_idem_finish(db, id->caller, id->key, r->status, r->captured_type, r->location[0] ? r->location : NULL,
                      r->captured_body);
}

static void log_request(struct http_req *r, long long started)
{
  char line[1024], route[160], org[160], path[200];
  log_json_escape(org, sizeof org, r->principal.org);
  if (r->route)
    log_json_escape(route, sizeof route, r->route->path);
  log_json_escape(path, sizeof path, r->u->url_path);
  char ts[40];
  log_time_now(ts, sizeof ts);
  /* the client's request id needs no escaping (assign_request_id keeps only [A-Za-z0-9._-]) */
  const char *cq = r->client_request_id[0] ? "\"" : "", *cid = r->client_request_id[0] ? r->client_request_id : "null";
  int n = snprintf(line, sizeof line,
                   "{\"time\":\"%s\",\"level\":\"info\",\"msg\":\"request\",\"method\":\"%s\",\"route\":%s%s%s,"
                   "\"path\":\"%s\",\"status\":%d,\"duration_us\":%lld,\"request_id\":\"%s\",\"client_request_id\":%s%s%s,"
                   "\"role\":%s%s%s,\"org\":%s%s%s}",
                   ts, r->u->http_verb, r->route ? "\"" : "", r->route ? route : "null", r->route ? "\"" : "", path,
                   r->status, now_us() - started, r->request_id, cq, cid, cq, r->authenticated ? "\"" : "",
                   r->authenticated ? auth_role_name(r->principal.role) : "null", r->authenticated ? "\"" : "",
                   org[0] ? "\"" : "", org[0] ? org : "null", org[0] ? "\"" : "");
  if (n > 0 && log_enabled(LOG_INFO))
    log_write_line(line, (unsigned long)(n < (int)sizeof line ? n : (int)sizeof line - 1));
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

static void serve_route(struct http_req *r)
{
  char buf[1024], allow[128];
  bool path_known = false;
  const char *verb = r->u->http_verb;
  bool cors = apply_cors(r);

  r->route = router_match(verb, r->u->url_path, r->path_params, buf, sizeof buf, &path_known, allow, sizeof allow);
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
    return;
  }
  size_t max_body = r->route->max_body ? r->route->max_body : HTTP_DEFAULT_MAX_BODY;
  const char *cl = http_header(r, "Content-Length");
  if (r->u->binary_body_length > max_body || (cl && strtoull(cl, NULL, 10) > max_body)) {
    char detail[96];
    snprintf(detail, sizeof detail, "the body is larger than this route's limit of %zu bytes", max_body);
    problem_send(r, 413, detail);
    return;
  }
  if (!accept_ok(http_header(r, "Accept"))) {
    problem_send(r, 406, "this API answers application/json (errors application/problem+json)");
    return;
  }
  if (r->route->scope != SCOPE_PUBLIC && (!authenticate(r) || !authorise(r)))
    return;
  if (r->u->binary_body_length > 0 && !body_type_ok(r->route, http_header(r, "Content-Type"))) {
    problem_send(r, 415, r->route->bodies & BODY_CSV ? "send application/json or text/csv"
                         : r->route->bodies & BODY_MERGE_PATCH
                             ? "send application/merge-patch+json or application/json"
                             : "send application/json");
    return;
  }
  struct idem id = {0};
  if (!idem_begin(r, &id))
    return;
  r->route->handler(r);
  idem_end(r, &id);
}

static int dispatch(const struct _u_request *u, struct _u_response *resp, void *user_data)
{
  struct server *srv = user_data;
  long long started = now_us();
  atomic_fetch_add(&srv->inflight, 1);
  struct http_req r = {.u = u, .resp = resp, .srv = srv};
  assign_request_id(&r);
  serve_route(&r);
  settle_gate(&r);
  if (r.status == 0)
    problem_send(&r, 500, "the handler sent no response");
  store_release(srv->pool, r.db);
  log_request(&r, started);
  free(r.captured_body);
  atomic_fetch_sub(&srv->inflight, 1);
  return U_CALLBACK_COMPLETE;
}

/* Requests between their request line and their completion, whether or not their body has
 * fully arrived: shutdown waits for these. Wraps the two callbacks ulfius needs from MHD. */
static atomic_int requests_open;

static void *uri_logged(void *cls, const char *uri, struct MHD_Connection *con)
{
  atomic_fetch_add(&requests_open, 1);
  return ulfius_uri_logger(cls, uri);
}

static void request_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
  mhd_request_completed(cls, connection, con_cls, toe);
  atomic_fetch_sub(&requests_open, 1);
}

static void stop_instances(struct server *srv, bool quiesce)
{
  for (unsigned i = 0; quiesce && i < srv->instance_count; i++) {
    MHD_socket fd = MHD_quiesce_daemon(srv->instances[i].mhd_daemon);
    if (fd != MHD_INVALID_SOCKET)
      close(fd);
  }
  for (int i = 0; quiesce && i < 1000 && (atomic_load(&requests_open) > 0 || atomic_load(&srv->inflight) > 0); i++)
    usleep(10000);
  for (unsigned i = 0; i < srv->instance_count; i++) {
    ulfius_stop_framework(&srv->instances[i]);
    ulfius_clean_instance(&srv->instances[i]);
  }
  free(srv->instances);
  srv->instances = NULL;
  srv->instance_count = 0;
}

/* One ulfius instance (an MHD daemon with one internal epoll thread) on a listening socket. */
static int start_instance(struct server *srv, struct _u_instance *in, int fd, unsigned connection_limit)
{
  if (ulfius_init_instance(in, srv->cfg->listen_port, NULL, NULL) != U_OK)
    return PINS_ERROR;
  in->max_post_body_size = router_max_body() + 1;
  in->allowed_post_processor = U_POST_PROCESS_NONE;
  ulfius_set_default_endpoint(in, dispatch, srv);
  struct MHD_OptionItem ops[] = {
      {MHD_OPTION_LISTEN_SOCKET, fd, NULL},
      {MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL},
      {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)connection_limit, NULL},
      {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, NULL},
      {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)uri_logged, NULL},
      {MHD_OPTION_END, 0, NULL},
  };
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
  if (ulfius_start_framework_with_mhd_options(in, flags, ops) != U_OK) {
    ulfius_clean_instance(in);
    return PINS_ERROR;
  }
  return PINS_OK;
}

int server_start(struct server *srv, const struct config *cfg, struct store_pool *pool,
                 struct auth_verifier *verifier, struct kafka_probe *kafka, char *err, size_t errlen)
{
  unsigned char rnd[4] = {0};
  if (getrandom(rnd, sizeof rnd, 0) < 0)
    memset(rnd, 0x5a, sizeof rnd);
  snprintf(srv->id_prefix, sizeof srv->id_prefix, "%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3]);
  srv->cfg = cfg;
  srv->pool = pool;
  srv->verifier = verifier;
  srv->kafka = kafka;
  atomic_init(&srv->inflight, 0);
  atomic_init(&srv->next_request, 1);

  unsigned n = cfg->workers;
  int *fds = calloc(n, sizeof *fds);
  srv->instances = calloc(n, sizeof *srv->instances);
  srv->instance_count = 0;
  if (!fds || !srv->instances) {
    free(fds);
    free(srv->instances);
    srv->instances = NULL;
    snprintf(err, errlen, "out of memory");
    return PINS_ENOMEM;
  }
  if (listen_open(fds, n, cfg->listen_address, cfg->listen_port, err, errlen) != 0) {
    free(fds);
    free(srv->instances);
    srv->instances = NULL;
    return PINS_ERROR;
  }
  unsigned per_worker = cfg->max_connections / n > 0 ? cfg->max_connections / n : 1;
  for (unsigned i = 0; i < n; i++) {
    if (start_instance(srv, &srv->instances[i], fds[i], per_worker) != PINS_OK) {
      snprintf(err, errlen, "cannot start HTTP worker %u of %u", i + 1, n);
      for (unsigned j = i; j < n; j++)
        close(fds[j]);
      free(fds);
      stop_instances(srv, false);
      return PINS_ERROR;
    }
    srv->instance_count++;
  }
  free(fds);
  return PINS_OK;
}

void server_stop(struct server *srv)
{
  stop_instances(srv, true);
}
