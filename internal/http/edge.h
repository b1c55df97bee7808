#ifndef PINS_HTTP_EDGE_H
#define PINS_HTTP_EDGE_H

#include <stddef.h>

/* The HTTP edge: the libmicrohttpd daemons (one per worker, each with its own epoll thread on its
 * own SO_REUSEPORT socket: http/listen.h says why) and what is decided about a request before its
 * body is read. ulfius's own dispatcher reads a whole body before any callback of ours runs, so the
 * edge runs the daemons itself and hands server.c the same ulfius request and response types
 * (http/exchange.h); handlers do not see the difference.
 *
 * Once the headers are in, and before a byte of the body is read:
 *   - a request target over EDGE_MAX_URL bytes is 414, header lines over EDGE_MAX_HEADERS bytes
 *     431, a path, query parameter or header that is not UTF-8 (or holds a NUL) 400;
 *   - then server.c: no such route 404/405, a Content-Length over the route's limit 413, Accept
 *     406, no valid token 401, a role the route does not admit 403 (a record's access needs the
 *     database and is checked once the body is in).
 * Such an answer goes out at once and the connection is closed without reading the body. A body
 * sent without a length (chunked) is cut off where it passes the route's limit: 413, and the
 * connection is closed.
 *
 * Time: each request must arrive (headers and body) within its deadline, PINS_REQUEST_TIMEOUT_SECONDS
 * from the end of the previous request on the connection (or from its accept), plus the time its
 * body takes at EDGE_MIN_BODY_RATE (for the Content-Length, or the route's limit when chunked), so
 * that the import's 128 MiB gets 30 s + 2048 s. A sweeper thread cuts a request past its deadline,
 * even one trickling header bytes: 408 once its request line is in, otherwise the connection is
 * just closed (as an idle keep-alive connection is). The time a handler takes is not limited.
 *
 * Connections: at most PINS_MAX_CONNECTIONS_PER_IP open connections from one client address,
 * counted across all workers; one more is answered 429 and closed.
 *
 * Every answer of ours is problem+json. libmicrohttpd still answers a few malformed requests itself,
 * with a small HTML body, before any of our code sees them: a request line or header block that does
 * not fit in EDGE_MHD_MEMORY (414/431), a malformed request line or header line, a bad
 * Content-Length or chunk size, or an unsupported HTTP version (400, 413, 505). */

#define EDGE_MAX_URL 8192
#define EDGE_MAX_HEADERS (16 * 1024)
/* libmicrohttpd's memory per connection, for its request line and headers (its default). Our own
 * limits above sit well inside it; a larger pool would move the point where libmicrohttpd answers
 * with HTML, but libmicrohttpd zeroes the pool twice per request: 64 KiB doubled that cost, about
 * 1 us a request (+0.5 us per 32 KiB, callgrind and a memset timing), for every request. */
#define EDGE_MHD_MEMORY (32 * 1024)
#define EDGE_MIN_BODY_RATE (64 * 1024)   /* bytes per second a body is given time for */

struct edge;
struct server;

/* Listens on srv->cfg's address and port and starts one daemon per worker, and the sweeper.
 * On failure writes a reason into err and leaves nothing running. */
int edge_start(struct edge **out, struct server *srv, char *err, size_t errlen);

/* Stops accepting, lets open requests finish (up to 10 s), stops the daemons and frees e.
 * NULL-safe. */
void edge_stop(struct edge *e);

#endif
