#ifndef PINS_HTTP_SERVER_H
#define PINS_HTTP_SERVER_H

#include <stdatomic.h>
#include <ulfius.h>

#include "auth/jwt_verify.h"
#include "config/config.h"
#include "events/readiness.h"
#include "store/db.h"

/* The HTTP server: ulfius on libmicrohttpd, one daemon with its own epoll thread per worker, each on
 * its own SO_REUSEPORT socket (http/listen.h says why). Every request goes through one dispatcher
 * (request id, CORS, routing, limits, media types, auth, idempotency, logging). */
struct server {
  const struct config *cfg;
  struct store_pool *pool;
  struct auth_verifier *verifier;
  struct readiness *readiness;
  struct _u_instance *instances; /* one per worker */
  unsigned instance_count;
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
