#include "http/idempotency.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "core/status.h"
#include "http/problem.h"
#include "http/router.h"
#include "http/server.h"
#include "store/idempotency.h"

#define IN_PROGRESS "a request with this Idempotency-Key is still in progress; retry shortly"

static void hex(char *out, const unsigned char *md, unsigned len)
{
  for (unsigned i = 0; i < len; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Hashes each part as its length, a colon and its bytes, so that no two lists of parts hash
 * the same text (a ':' inside a part cannot shift the boundary). out: 64 hex digits and a NUL. */
static void hash_parts(char out[65], const char *const *parts, int n)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  for (int i = 0; i < n; i++) {
    size_t plen = parts[i] ? strlen(parts[i]) : 0;
    char prefix[24];
    int k = snprintf(prefix, sizeof prefix, "%zu:", plen);
    EVP_DigestUpdate(ctx, prefix, (size_t)k);
    EVP_DigestUpdate(ctx, parts[i] ? parts[i] : "", plen);
  }
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  hex(out, md, 32);
}

/* The request as the key binds it: path, media type and body. */
static void request_hash(char out[65], const struct http_req *r)
{
  unsigned char md[EVP_MAX_MD_SIZE];
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
  hex(out, md, 32);
}

/* Whether the caller may still see the record a stored answer's Location names, checked as a
 * request for it would be: by the route serving that path (its GET, else the first method it
 * has) and, for a record, that route's policy. PINS_OK: visible. PINS_ENOTFOUND: not (no route
 * serves the path, its roles leave the caller out, or the policy refuses); a refusal leaves r's
 * connection refusing every later statement (store_gate). Other statuses: the check failed. */
static int location_visible(struct http_req *r, const char *location)
{
  char buf[1024], allow[128], method[16];
  const char *params[HTTP_MAX_PARAMS] = {0};
  bool known = false;
  const struct route *route =
      router_match("GET", location, params, buf, sizeof buf, &known, allow, sizeof allow);
  if (!route && known) {
    snprintf(method, sizeof method, "%.*s", (int)strcspn(allow, ","), allow);
    route = router_match(method, location, params, buf, sizeof buf, &known, allow, sizeof allow);
  }
  if (!route || (route->roles != ROLES_ANY && !(route->roles & ROLE_BIT(r->principal.role))))
    return PINS_ENOTFOUND;
  if (route->scope != SCOPE_RECORD)
    return PINS_OK;
  struct store_conn *db = NULL;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = route->policy(db, &r->principal, params, "read");
  if (rc == PINS_OK)
    rc = store_gate_settle(db);
  return rc;
}

/* The caller may no longer see what the stored answer was about: the request runs as a fresh
 * one, and its answer replaces the stored one. A concurrent request that took the key over first
 * makes this one "in progress". Returns as http_idem_begin. */
static bool retake(struct http_req *r, struct http_idem *id, const struct idem_record *prior)
{
  /* The refused check left the connection refusing every statement: take a fresh one. */
  store_release(r->srv->pool, r->db);
  r->db = NULL;
  struct store_conn *db = NULL;
  bool taken = false;
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = store_idem_retake(&taken, db, id->caller, id->key, prior);
  if (rc)
    problem_send_status(r, rc, NULL, NULL);
  else if (!taken)
    problem_send(r, 409, IN_PROGRESS);
  id->active = r->capture = rc == PINS_OK && taken;
  return id->active;
}

static void replay(struct http_req *r, const struct idem_record *prior)
{
  if (prior->location)
    http_set_header(r, "Location", prior->location);
  http_set_header(r, "Idempotent-Replayed", "true");
  if (prior->body)
    http_send(r, prior->status, prior->content_type ? prior->content_type : "application/json", prior->body,
              strlen(prior->body));
  else
    http_send_empty(r, prior->status);
}

bool http_idem_begin(struct http_req *r, struct http_idem *id)
{
  const char *key = http_header(r, "Idempotency-Key");
  if (strcmp(r->u->http_verb, "POST") != 0 || !key)
    return true;
  if (!*key || strlen(key) >= sizeof id->key) {
    problem_send(r, 400, "Idempotency-Key must be 1 to 255 characters");
    return false;
  }
  struct store_conn *db = NULL;
  struct idem_record prior = {0};
  char hash[65];
  bool run = false;
  const char *parts[] = {auth_role_name(r->principal.role), r->principal.org, r->principal.sub};
  hash_parts(id->caller, parts, 3);
  snprintf(id->key, sizeof id->key, "%s", key);
  request_hash(hash, r);
  int rc = http_db(r, &db);
  if (rc == PINS_OK)
    rc = store_idem_claim(&prior, db, id->caller, id->key, hash);
  if (rc == PINS_OK) {
    id->active = r->capture = run = true;
    goto done;
  }
  if (rc != PINS_ECONFLICT) {
    problem_send_status(r, rc, NULL, NULL);
    goto done;
  }
  if (!prior.request_hash || strcmp(prior.request_hash, hash) != 0) {
    problem_send_with(r, 422, "idempotency-key-reused", "this Idempotency-Key was used with a different request",
                      NULL);
    goto done;
  }
  if (prior.status == 0) {
    problem_send(r, 409, IN_PROGRESS);
    goto done;
  }
  /* A record route's own access check went with the claim, and every Location such a route
   * gives is under the record it checked; a collection's new record is checked here. */
  rc = prior.location && r->route->scope != SCOPE_RECORD ? location_visible(r, prior.location) : PINS_OK;
  if (rc == PINS_OK)
    replay(r, &prior);
  else if (rc == PINS_ENOTFOUND)
    run = retake(r, id, &prior);
  else
    problem_send_status(r, rc, NULL, NULL);
done:
  store_idem_record_free(&prior);
  return run;
}

void http_idem_end(struct http_req *r, struct http_idem *id)
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
