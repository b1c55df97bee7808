#ifndef PINS_HTTP_SERVER_H
#define PINS_HTTP_SERVER_H

#include <stdatomic.h>
#include <ulfius.h>

#include "auth/jwt_verify.h"
#include "config/config.h"
#include "events/kafka_probe.h"
#include "store/db.h"

/* The HTTP server: ulfius on libmicrohttpd with an epoll thread pool. Every request goes through
 * one dispatcher (request id, CORS, routing, limits, media types, auth, idempotency, logging). */
struct server {
  const struct config *cfg;
  struct store_pool *pool;
  struct auth_verifier *verifier;
  struct kafka_probe *kafka;
  struct _u_instance instance;
  atomic_int inflight;
  atomic_ulong next_request;
  char id_prefix[16];
};

/* Starts serving on cfg->listen_port. The pieces are borrowed and must outlive the server. */
int server_start(struct server *srv, const struct config *cfg, struct store_pool *pool,
                 struct auth_verifier *verifier, struct kafka_probe *kafka);

/* Stops accepting, lets in-flight requests finish (up to 10 s), then stops the workers. */
void server_stop(struct server *srv);

#endif
