#ifndef PINS_EVENTS_RELAY_H
#define PINS_EVENTS_RELAY_H

#include <signal.h>

/* The outbox relay: publishes outbox rows to Kafka in seq order with librdkafka's idempotent
 * producer (acks=all) and marks them published only once delivery is confirmed. Several relays
 * may run; one holds a PostgreSQL advisory lock and works, the others wait and take over within
 * about a second of its death. Wakes on LISTEN/NOTIFY, with no busy polling. */
struct relay_options {
  const char *database_url;
  const char *brokers;
  int batch;           /* rows per round, default 500 */
  const char *name;    /* for logs */
};

/* Runs until *stop becomes non-zero; finishes the batch in flight first. Returns 0, or 1 on a
 * fatal set-up error. */
int relay_run(const struct relay_options *opt, volatile sig_atomic_t *stop);

#endif
