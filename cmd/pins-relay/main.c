/* pins-relay: publishes the outbox to Kafka. Runs until SIGTERM/SIGINT; several may run, one
 * is active at a time. Configured like pins-api: PINS_DATABASE_URL, PINS_KAFKA_BROKERS,
 * PINS_LOG_LEVEL, and PINS_RELAY_BATCH (rows per read, default 1000; up to 4 reads in flight). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "core/log.h"
#include "core/status.h"
#include "events/relay.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
  (void)sig;
  stop = 1;
}

int main(void)
{
  struct config cfg;
  char err[256], name[64];
  if (config_load(&cfg, CONFIG_NEED_DATABASE | CONFIG_NEED_KAFKA, err, sizeof err) != PINS_OK) {
    fprintf(stderr, "pins-relay: %s\n", err);
    config_free(&cfg);
    return 2;
  }
  log_set_level(cfg.log_level);
  int batch = 1000;
  const char *b = getenv("PINS_RELAY_BATCH");
  if (b && *b && ((batch = atoi(b)) < 1 || batch > 20000)) {
    fprintf(stderr, "pins-relay: PINS_RELAY_BATCH: must be a whole number from 1 to 20000\n");
    config_free(&cfg);
    return 2;
  }
  snprintf(name, sizeof name, "pid-%ld", (long)getpid());
  struct sigaction sa = {.sa_handler = on_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  struct relay_options opt = {
      .database_url = cfg.database_url, .brokers = cfg.kafka_brokers, .batch = batch, .name = name};
  int rc = relay_run(&opt, &stop);
  config_free(&cfg);
  return rc;
}
