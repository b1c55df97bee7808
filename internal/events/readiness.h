#ifndef PINS_EVENTS_READINESS_H
#define PINS_EVENTS_READINESS_H

#include <stdbool.h>
#include <time.h>

#include "events/kafka_probe.h"
#include "store/db.h"

/* The service's readiness, checked in the background: a thread asks PostgreSQL (and the outbox's
 * backlog) and the Kafka cluster about once a second and keeps the answers, so that a probe reads
 * them without waiting on either (a metadata request to a Kafka that is down takes a second). */
struct readiness;

/* The answers of the last finished check. */
struct readiness_state {
  bool checked;          /* false until the first check has finished */
  bool database_ok;      /* PostgreSQL answered */
  bool kafka_ok;         /* the Kafka cluster's metadata was reachable */
  bool backlog_known;    /* pending and oldest_seconds were read */
  long pending;          /* events not yet published */
  double oldest_seconds; /* the age of the oldest of them when checked (0 when none) */
  struct timespec checked_at; /* when that check finished (wall clock) */
};

/* Starts the checking thread on pool and kafka, which are borrowed and must outlive it; the first
 * check starts at once. interval_ms is the time from one check's start to the next one's. *out is
 * stopped and freed with readiness_stop. */
int readiness_start(struct readiness **out, struct store_pool *pool, struct kafka_probe *kafka, int interval_ms);

/* Stops the thread (waiting for a check in progress, at most the Kafka timeout) and frees r.
 * NULL-safe. */
void readiness_stop(struct readiness *r);

/* Copies the last answers into *out; never waits on a check. */
void readiness_get(struct readiness_state *out, struct readiness *r);

#endif
