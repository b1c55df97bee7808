#ifndef PINS_HTTP_SERVER_H
#define PINS_HTTP_SERVER_H

#include <stdatomic.h>
#include <ulfius.h>

#include "auth/jwt_verify.h"
#include "config/config.h"
#include "events/readiness.h"
#include "store/db.h"

struct edge;

/* The HTTP server: libmicrohttpd daemons run by the edge (http/edge.h: one per worker, limits that
 * hold before a body is read) with ulfius's request and response types. Every request goes through
 * one path in server.c (request id, CORS, routing, limits, media types, auth, idempotency,
 * logging; http/exchange.h). */
struct server {
  const struct config *cfg;
  struct store_pool *pool;
  struct auth_verifier *verifier;
  struct readiness *readiness;
  struct edge *edge;
  atomic_int inflight;
  atomic_ulong next_request;
  char id_prefix[16];
};

/* Starts serving on cfg->listen_address and cfg->listen_port. The pieces are borrowed and must
 * outlive the server. On failure writes a reason into err. */
int server_start(struct server *srv, const struct config *cfg, struct store_pool *pool,
                 struct auth_verifier *verifier, struct readiness *readiness, char *err, size_t errlen);

/* Stops accepting, lets in-flight requests finish (up to 10 s), then stops the workers. */
void server_stop(struct server *srv);

#endif
