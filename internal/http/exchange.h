#ifndef PINS_HTTP_EXCHANGE_H
#define PINS_HTTP_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <ulfius.h>

#include "http/request.h"

/* One request on its way through the server, between the HTTP edge (http/edge.c: sockets,
 * libmicrohttpd, limits that hold before a body is read) and the route logic (http/server.c:
 * routing, auth, idempotency, handlers, logging). The edge owns it and fills u (ulfius's request
 * type, so that handlers see what they always saw); server.c answers through resp. */
struct exchange {
  struct _u_request u;
  struct _u_response resp;
  struct http_req r;      /* r.u and r.resp point at the two above */
  char path_buf[1024];    /* the router's copy of the path: r.path_params point into it */
  long long started_us;   /* CLOCK_MONOTONIC, when the request line arrived */
  size_t max_body;        /* the matched route's body limit; HTTP_DEFAULT_MAX_BODY until matched */
};

/* Starts the exchange for srv: request id and CORS headers. u.url_path and u.http_verb (which may
 * be NULL when the edge gives up before the method is known) must be set. */
void server_exchange_begin(struct exchange *x, struct server *srv);

/* The checks made once the headers are in, before any of the body is read: routing (404, 405,
 * OPTIONS), a Content-Length over the route's limit (413), Accept (406), the token (401) and,
 * for routes that do not name a record, the caller's role (403).
 * Returns true when the request goes on (its body is to be read); false when it was answered. */
bool server_exchange_head(struct exchange *x);

/* Answers a problem found by the edge (a bad URL or header, a body over the limit, too slow). */
void server_exchange_refuse(struct exchange *x, int status, const char *detail);

/* Runs the rest once the body is in: access to the record (403/404), media type (415),
 * idempotency, the handler. */
void server_exchange_run(struct exchange *x);

/* After an answer: returns the database connection, writes the request's log line, frees what the
 * answer kept. resp then holds the response to send. */
void server_exchange_end(struct exchange *x);

#endif
