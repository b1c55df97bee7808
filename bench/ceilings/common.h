/* Shared start-up for the two ceiling servers: ulfius on libmicrohttpd set up as pins-api is
 * (internal/http/server.c): CEIL_WORKERS (default 2) daemons, each with one internal epoll thread
 * on its own SO_REUSEPORT listening socket (internal/http/listen.c, compiled in), MHD_USE_ITC,
 * ulfius's completion and URI-log callbacks, a 30 s connection timeout, 1,024 connections in all.
 * Stops on SIGTERM/SIGINT. Loopback only. */
#ifndef BENCH_CEILING_COMMON_H
#define BENCH_CEILING_COMMON_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ulfius.h>

#include "http/listen.h"

static volatile sig_atomic_t ceiling_stop;

static void ceiling_on_signal(int sig)
{
  (void)sig;
  ceiling_stop = 1;
}

static int ceiling_run(int argc, char **argv, int (*cb)(const struct _u_request *, struct _u_response *, void *))
{
  if (argc < 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  int port = atoi(argv[1]);
  const char *w = getenv("CEIL_WORKERS");
  unsigned workers = w && atoi(w) > 0 && atoi(w) <= 64 ? (unsigned)atoi(w) : 2;
  int fds[64];
  char err[256];
  if (listen_open(fds, workers, "127.0.0.1", (unsigned)port, err, sizeof err) != 0) {
    fprintf(stderr, "%s: %s\n", argv[0], err);
    return 1;
  }
  struct _u_instance inst[64];
  unsigned started = 0;
  for (; started < workers; started++) {
    if (ulfius_init_instance(&inst[started], (unsigned)port, NULL, NULL) != U_OK)
      break;
    ulfius_set_default_endpoint(&inst[started], cb, NULL);
    struct MHD_OptionItem ops[] = {
        {MHD_OPTION_LISTEN_SOCKET, fds[started], NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, 1024 / (intptr_t)workers, NULL},
        /* ulfius needs these two whenever the options are given explicitly. */
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)mhd_request_completed, NULL},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)ulfius_uri_logger, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
    if (ulfius_start_framework_with_mhd_options(&inst[started], flags, ops) != U_OK) {
      ulfius_clean_instance(&inst[started]);
      break;
    }
  }
  int rc = 0;
  if (started < workers) {
    fprintf(stderr, "%s: cannot start on port %d\n", argv[0], port);
    rc = 1;
  } else {
    signal(SIGTERM, ceiling_on_signal);
    signal(SIGINT, ceiling_on_signal);
    fprintf(stderr, "%s: listening on 127.0.0.1:%d with %u workers\n", argv[0], port, workers);
    while (!ceiling_stop)
      pause();
  }
  for (unsigned i = 0; i < started; i++) {
    ulfius_stop_framework(&inst[i]);
    ulfius_clean_instance(&inst[i]);
  }
  return rc;
}

#endif
