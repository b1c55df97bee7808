#ifndef PINS_EVENTS_KAFKA_PROBE_H
#define PINS_EVENTS_KAFKA_PROBE_H

#include <stdbool.h>
#include <stddef.h>

/* A Kafka client used only to ask whether the cluster's metadata is reachable (readiness). */
struct kafka_probe;

int kafka_probe_new(struct kafka_probe **out, const char *brokers, char *err, size_t errlen);
void kafka_probe_free(struct kafka_probe *p);

/* True when the cluster answered a metadata request within timeout_ms. */
bool kafka_probe_ready(struct kafka_probe *p, int timeout_ms);

#endif
