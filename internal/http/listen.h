#ifndef PINS_HTTP_LISTEN_H
#define PINS_HTTP_LISTEN_H

#include <stddef.h>

/* Listening sockets for the HTTP server: one per worker, all bound to the same address and port
 * with SO_REUSEPORT, so that the kernel spreads new connections over the workers.
 *
 * Why not libmicrohttpd's own thread pool: its workers share one listening socket and whichever
 * wakes first accepts a whole burst of connections and keeps them; in a third of fresh starts one
 * worker held all 32 client connections and requests ran one at a time (bench/README.md). */

/* Opens n non-blocking listening sockets on address:port (a numeric IPv4 or IPv6 address).
 * First checks that nobody else holds the port (a plain bind), so that a second server started
 * by mistake fails rather than silently sharing the port. On failure closes what it opened,
 * writes a reason into err and returns -1. */
int listen_open(int *fds, unsigned n, const char *address, unsigned port, char *err, size_t errlen);

#endif
