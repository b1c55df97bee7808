#include "events/relay.h"

#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/status.h"
#include "store/outbox.h"

#define RELAY_LOCK_KEY 7061627
#define MAX_BATCH 5000

static struct store_stmt stmt_try_lock = STORE_STMT("SELECT pg_try_advisory_lock(7061627)");
static struct store_stmt stmt_listen = STORE_STMT("LISTEN pins_outbox");

/* One message's fate, written by the delivery callback. */
enum fate { FATE_PENDING = 0, FATE_DELIVERED, FATE_FAILED };

struct relay {
  const struct relay_options *opt;
  volatile sig_atomic_t *stop;
  struct store_pool *pool;
  struct store_conn *db;
  unsigned long leader_generation; /* connection generation on which the lock is held; 0 = not leader */
  rd_kafka_t *rk;
  enum fate fates[MAX_BATCH];
  int backoff_ms;
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
  (void)rk;
  (void)opaque;
  enum fate *f = m->_private;
  *f = m->err ? FATE_FAILED : FATE_DELIVERED;
  if (m->err)
    log_msg(LOG_WARN, NULL, "relay: delivery failed: %s", rd_kafka_err2str(m->err));
}

static void log_kafka(const rd_kafka_t *rk, int level, const char *facility, const char *message)
{
  (void)rk;
  log_msg(level <= 3 ? LOG_ERROR : level <= 5 ? LOG_WARN : LOG_DEBUG, NULL, "kafka %s: %s", facility, message);
}

static int producer_new(struct relay *r)
{
  char err[256];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  const char *settings[][2] = {
      {"bootstrap.servers", r->opt->brokers}, {"enable.idempotence", "true"}, {"acks", "all"},
      {"linger.ms", "2"}, {"message.timeout.ms", "15000"}, {"retry.backoff.ms", "200"},
      {"client.id", "pins-relay"}, {"log_level", "4"},
  };
  for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++)
    if (rd_kafka_conf_set(conf, settings[i][0], settings[i][1], err, sizeof err) != RD_KAFKA_CONF_OK) {
      log_msg(LOG_ERROR, NULL, "relay: kafka setting %s: %s", settings[i][0], err);
      rd_kafka_conf_destroy(conf);
      return PINS_EINVALID;
    }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_conf_set_log_cb(conf, log_kafka);
  if (!(r->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err))) {
    log_msg(LOG_ERROR, NULL, "relay: kafka producer: %s", err);
    rd_kafka_conf_destroy(conf);
    return PINS_EINVALID;
  }
  return PINS_OK;
}

static void nap(struct relay *r, int ms)
{
  for (int waited = 0; waited < ms && !*r->stop; waited += 50)
    usleep(50000);
}

/* Holds the advisory lock on the current connection, or waits as a standby. */
static bool lead(struct relay *r)
{
  /* A connection lost to PostgreSQL goes back to the pool, which reconnects it on the next
   * checkout; the lock went with the old session, so leadership must be won again. */
  if (r->db && (!r->db->pg || PQstatus(r->db->pg) != CONNECTION_OK)) {
    store_release(r->pool, r->db);
    r->db = NULL;
  }
  if (r->db && r->leader_generation == r->db->generation)
    return true;
  r->leader_generation = 0;
  if (!r->db && store_acquire(&r->db, r->pool) != PINS_OK)
    return false;
  bool got = false;
  if (store_query_bool(&got, r->db, &stmt_try_lock, 0, NULL) != PINS_OK || !got)
    return false;
  if (store_run(r->db, &stmt_listen, 0, NULL) != PINS_OK)
    return false;
  r->leader_generation = r->db->generation;
  log_msg(LOG_INFO, NULL, "relay %s: active (holds the outbox lock)", r->opt->name);
  return true;
}

/* Waits for a NOTIFY (or timeout_ms), then drains the notifications. */
static void wait_for_events(struct relay *r, int timeout_ms)
{
  PGconn *pg = r->db ? r->db->pg : NULL;
  if (!pg) {
    nap(r, timeout_ms);
    return;
  }
  struct pollfd pfd = {.fd = PQsocket(pg), .events = POLLIN};
  for (int waited = 0; waited < timeout_ms && !*r->stop; waited += 200) {
    if (poll(&pfd, 1, 200) > 0)
      break;
  }
  PQconsumeInput(pg);
  PGnotify *n;
  while ((n = PQnotifies(pg)))
    PQfreemem(n);
}

/* Publishes one batch; returns how many rows were published, or -1 to back off. */
static int publish_batch(struct relay *r)
{
  PGresult *res = NULL;
  char *seqs = NULL;
  int rows, done = -1;
  if (store_outbox_pending(&res, r->db, r->opt->batch, "0", "0") != PINS_OK)
    return -1;
  rows = PQntuples(res);
  if (rows == 0) {
    PQclear(res);
    return 0;
  }
  for (int i = 0; i < rows; i++) {
    r->fates[i] = FATE_PENDING;
    const char *id = PQgetvalue(res, i, 1), *topic = PQgetvalue(res, i, 2), *key = PQgetvalue(res, i, 3);
    const char *value = PQgetvalue(res, i, 4);
    rd_kafka_resp_err_t err;
    do {
      err = rd_kafka_producev(r->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, strlen(key)),
                              RD_KAFKA_V_VALUE((void *)value, (size_t)PQgetlength(res, i, 4)),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADER("ce_id", id, -1),
                              RD_KAFKA_V_HEADER("content-type", "application/cloudevents+json", -1),
                              RD_KAFKA_V_OPAQUE(&r->fates[i]), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
        rd_kafka_poll(r->rk, 10);
    } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    if (err) {
      r->fates[i] = FATE_FAILED;
      log_msg(LOG_WARN, NULL, "relay: cannot queue event %s: %s", id, rd_kafka_err2str(err));
    }
  }
  /* Wait for every acknowledgement (or failure) of this batch, even when asked to stop. */
  rd_kafka_flush(r->rk, 30000);
  for (int pending = 1; pending;) {
    pending = 0;
    for (int i = 0; i < rows; i++)
      pending |= r->fates[i] == FATE_PENDING;
    if (pending)
      rd_kafka_poll(r->rk, 100);
  }
  /* Mark the delivered prefix only: what follows a failure is sent again, in order. */
  int ok = 0;
  while (ok < rows && r->fates[ok] == FATE_DELIVERED)
    ok++;
  if (ok > 0 && (seqs = malloc((size_t)ok * 21 + 3))) {
    size_t n = 0;
    seqs[n++] = '{';
    for (int i = 0; i < ok; i++)
      n += (size_t)sprintf(seqs + n, "%s%s", i ? "," : "", PQgetvalue(res, i, 0));
    seqs[n++] = '}';
    seqs[n] = '\0';
    if (store_outbox_mark(r->db, seqs) == PINS_OK)
      done = ok;
  }
  if (ok < rows)
    done = -1;
  free(seqs);
  PQclear(res);
  return done;
}

int relay_run(const struct relay_options *opt, volatile sig_atomic_t *stop)
{
  struct relay *r = calloc(1, sizeof *r);
  int status = 1;
  if (!r)
    return 1;
  r->opt = opt;
  r->stop = stop;
  if (store_pool_new(&r->pool, opt->database_url, 1) != PINS_OK || producer_new(r) != PINS_OK)
    goto done;
  log_msg(LOG_INFO, NULL, "relay %s: started", opt->name);
  while (!*stop) {
    if (!lead(r)) {
      nap(r, 1000); /* a standby: try for the lock again shortly */
      continue;
    }
    int n = publish_batch(r);
    if (n < 0) {
      r->backoff_ms = r->backoff_ms ? (r->backoff_ms * 2 > 5000 ? 5000 : r->backoff_ms * 2) : 200;
      log_msg(LOG_WARN, NULL, "relay %s: retrying in %d ms", opt->name, r->backoff_ms);
      nap(r, r->backoff_ms);
      continue;
    }
    r->backoff_ms = 0;
    if (n == 0)
      wait_for_events(r, 1000);
  }
  status = 0;
done:
  if (r->rk) {
    rd_kafka_flush(r->rk, 10000);
    rd_kafka_destroy(r->rk);
  }
  store_release(r->pool, r->db);
  store_pool_free(r->pool);
  log_msg(LOG_INFO, NULL, "relay %s: stopped", opt->name);
  free(r);
  return status;
}
