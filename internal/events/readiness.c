#include "events/readiness.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/status.h"
#include "store/outbox.h"

/* How long a check waits for the Kafka cluster's metadata before calling it unreachable. */
#define READINESS_KAFKA_TIMEOUT_MS 1000

struct readiness {
  struct store_pool *pool;
  struct kafka_probe *kafka;
  int interval_ms;
  pthread_t thread;
  pthread_mutex_t mu; /* guards state and stop */
  pthread_cond_t wake;
  struct readiness_state state;
  bool stop;
};

static struct store_stmt stmt_ping = STORE_STMT("SELECT 1");

/* One round of checks, on the calling thread. */
static void check_once(struct readiness_state *s, struct readiness *r)
{
  struct store_conn *db = NULL;
  *s = (struct readiness_state){.checked = true};
  s->database_ok = store_acquire(&db, r->pool) == PINS_OK && store_run(db, &stmt_ping, 0, NULL) == PINS_OK;
  if (s->database_ok)
    s->backlog_known = store_outbox_backlog(&s->pending, &s->oldest_seconds, db) == PINS_OK;
  store_release(r->pool, db);
  s->kafka_ok = kafka_probe_ready(r->kafka, READINESS_KAFKA_TIMEOUT_MS);
  clock_gettime(CLOCK_REALTIME, &s->checked_at);
}

static void deadline_after(struct timespec *ts, const struct timespec *from, int ms)
{
  *ts = *from;
  ts->tv_sec += ms / 1000;
  ts->tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

static void *run(void *arg)
{
  struct readiness *r = arg;
  struct readiness_state s;
  bool was_database_ok = true, was_kafka_ok = true;
  pthread_mutex_lock(&r->mu);
  while (!r->stop) {
    struct timespec started, next;
    pthread_mutex_unlock(&r->mu);
    clock_gettime(CLOCK_MONOTONIC, &started);
    check_once(&s, r);
    if (s.database_ok != was_database_ok || s.kafka_ok != was_kafka_ok)
      log_msg(s.database_ok && s.kafka_ok ? LOG_INFO : LOG_WARN, NULL, "readiness: database %s, kafka %s",
              s.database_ok ? "ok" : "unreachable", s.kafka_ok ? "ok" : "unreachable");
    was_database_ok = s.database_ok;
    was_kafka_ok = s.kafka_ok;
    deadline_after(&next, &started, r->interval_ms);
    pthread_mutex_lock(&r->mu);
    r->state = s;
    while (!r->stop && pthread_cond_timedwait(&r->wake, &r->mu, &next) != ETIMEDOUT)
      ;
  }
  pthread_mutex_unlock(&r->mu);
  return NULL;
}

int readiness_start(struct readiness **out, struct store_pool *pool, struct kafka_probe *kafka, int interval_ms)
{
  int status = PINS_ENOMEM;
  bool mu_ok = false, cond_ok = false;
  pthread_condattr_t attr;
  struct readiness *r = calloc(1, sizeof *r);
  if (!r)
    goto done;
  r->pool = pool;
  r->kafka = kafka;
  r->interval_ms = interval_ms > 0 ? interval_ms : 1000;
  status = PINS_ERROR;
  mu_ok = pthread_mutex_init(&r->mu, NULL) == 0;
  if (!mu_ok || pthread_condattr_init(&attr) != 0)
    goto done;
  /* The wait's deadline is on the monotonic clock: a wall-clock step neither stalls nor rushes it. */
  cond_ok = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) == 0 && pthread_cond_init(&r->wake, &attr) == 0;
  pthread_condattr_destroy(&attr);
  if (!cond_ok || pthread_create(&r->thread, NULL, run, r) != 0)
    goto done;
  *out = r;
  r = NULL;
  status = PINS_OK;
done:
  if (r) {
    if (cond_ok)
      pthread_cond_destroy(&r->wake);
    if (mu_ok)
      pthread_mutex_destroy(&r->mu);
    free(r);
  }
  return status;
}

void readiness_stop(struct readiness *r)
{
  if (!r)
    return;
  pthread_mutex_lock(&r->mu);
  r->stop = true;
  pthread_cond_signal(&r->wake);
  pthread_mutex_unlock(&r->mu);
  pthread_join(r->thread, NULL);
  pthread_cond_destroy(&r->wake);
  pthread_mutex_destroy(&r->mu);
  free(r);
}

void readiness_get(struct readiness_state *out, struct readiness *r)
{
  pthread_mutex_lock(&r->mu);
  *out = r->state;
  pthread_mutex_unlock(&r->mu);
}
