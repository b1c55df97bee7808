#ifndef PINS_EVENTS_RELAY_H
#define PINS_EVENTS_RELAY_H

#include <signal.h>

/* The outbox relay: publishes outbox rows to Kafka in seq order with librdkafka's idempotent
 * producer (acks=all) and marks them published only once delivery is confirmed. It reads the next
 * rows while the broker acknowledges the previous ones (up to 4 batches in flight), learns of each
 * acknowledgement from a delivery report, and marks the delivered rows with one statement. After a
 * failed delivery it marks only what was delivered before it and sends the rest again, in order.
 * Several relays may run; one holds a PostgreSQL advisory lock and works, the others wait and take
 * over within about a second of its death. Wakes on LISTEN/NOTIFY or a delivery report, with no
 * busy polling. */
struct relay_options {
  const char *database_url;
  const char *brokers;
  int batch;           /* rows per read, default 1000 */
  const char *name;    /* for logs */
};

/* Runs until *stop becomes non-zero; then waits for the reports of the rows in flight and marks
 * the delivered ones. Returns 0, or 1 on a fatal set-up error. */
int relay_run(const struct relay_options *opt, volatile sig_atomic_t *stop);

#endif
