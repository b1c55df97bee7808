/* Shared start-up for the two ceiling servers: ulfius on libmicrohttpd with the same options as
 * pins-api (internal/http/server.c): an epoll thread pool of CEIL_WORKERS (default 2) polling
 * threads, MHD_USE_ITC, ulfius's completion and URI-log callbacks, a 30 s connection timeout and a connection limit of 256 per worker (the
 * limit is divided among the workers, which keeps one worker from taking every connection).
 * Stops on SIGTERM/SIGINT. Loopback only. */
#ifndef BENCH_CEILING_COMMON_H
#define BENCH_CEILING_COMMON_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <ulfius.h>

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
  int workers = w && atoi(w) > 0 ? atoi(w) : 2;
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct _u_instance inst;
  if (ulfius_init_instance(&inst, (unsigned)port, &addr, NULL) != U_OK)
    return 1;
  ulfius_set_default_endpoint(&inst, cb, NULL);
  struct MHD_OptionItem ops[] = {
      {MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)workers, NULL},
      {MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL},
      {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)(256 * workers), NULL},
      /* With explicit options ulfius does not pass its bind address on: bind to loopback here. */
      {MHD_OPTION_SOCK_ADDR, 0, &addr},
      /* ulfius needs these two whenever the options are given explicitly. */
      {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)mhd_request_completed, NULL},
      {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)ulfius_uri_logger, NULL},
      {MHD_OPTION_END, 0, NULL},
  };
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
  if (ulfius_start_framework_with_mhd_options(&inst, flags, ops) != U_OK) {
    fprintf(stderr, "%s: cannot start on port %d\n", argv[0], port);
    ulfius_clean_instance(&inst);
    return 1;
  }
  signal(SIGTERM, ceiling_on_signal);
  signal(SIGINT, ceiling_on_signal);
  fprintf(stderr, "%s: listening on 127.0.0.1:%d with %d workers\n", argv[0], port, workers);
  while (!ceiling_stop)
    pause();
  ulfius_stop_framework(&inst);
  ulfius_clean_instance(&inst);
  return 0;
}

#endif
