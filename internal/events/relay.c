#include "events/relay.h"

#include <errno.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/status.h"
#include "store/outbox.h"

#define RELAY_LOCK_KEY 7061627
#define WINDOW_BATCHES 4  /* rows in flight: up to this many batches */
#define REREAD_MS 1000    /* when idle, read again this often even without a NOTIFY (below) */
/* After a read that was not full, let commits gather this long first; and under such a stream
 * mark what was delivered at most this often. Each read and each mark is a statement (a mark also
 * a commit): at ~2,000 completions a second, reading every 5 ms and marking after every read cost
 * PostgreSQL 60-130 us a completion (bench/README.md, session 4). */
#define GATHER_MS 20
#define MARK_EVERY_MS 50
/* Writers send a NOTIFY with a commit at most every STORE_NOTIFY_EVERY_MS (store/db.h): after a
 * read that found rows, go on reading every GATHER_MS this long before waiting for one. */
#define LINGER_MS 200
_Static_assert(LINGER_MS >= 5 * STORE_NOTIFY_EVERY_MS, "the relay must read on well past a skipped NOTIFY");
#define METADATA_WAIT_MS 1000

static struct store_stmt stmt_try_lock = STORE_STMT("SELECT pg_try_advisory_lock(7061627)");
static struct store_stmt stmt_listen = STORE_STMT("LISTEN pins_outbox");

/* One message's fate, written by the delivery callback. */
enum fate { FATE_PENDING = 0, FATE_DELIVERED, FATE_FAILED };

/* An outbox row in the window: read, handed to the producer, not yet marked published. Slots form
 * a ring in read order; a message's opaque points at its slot, which never moves while in flight. */
struct slot {
  long long seq;
  enum fate fate;
};

/* One read's rows. Message values point into the result (no copy), so it is kept until every row
 * it holds has left the window. Reads form a ring in read order. */
struct read {
  PGresult *res;
  int left; /* its rows still in the window */
};

/* A topic seen before: its handle, with metadata asked for on first sight (otherwise
 * librdkafka 2.0 leaves the first messages to a new topic waiting up to a second). */
struct topic {
  char *name;
  rd_kafka_topic_t *rkt;
};

struct relay {
  const struct relay_options *opt;
  volatile sig_atomic_t *stop;
  struct store_pool *pool;
  struct store_conn *db;
  unsigned long leader_generation; /* connection generation on which the lock is held; 0 = not leader */
  rd_kafka_t *rk;
  rd_kafka_queue_t *main_queue; /* delivery reports; writes to wake[1] when it turns non-empty */
  int wake[2];
  struct topic *topics;
  size_t topic_count;

  /* The window: rows handed to the producer and not yet marked published, in read order. */
  struct slot *slots;
  int window, head, count;
  struct read *reads;
  int read_head, read_count;
  int in_flight; /* messages without a delivery report */
  int failed;    /* failed deliveries since the window was last emptied */

  /* The read cursor (store_outbox_pending): highest seq read and the horizon of that read. */
  long long after_seq;
  char horizon[24];
  bool more;                 /* rows may be waiting: a NOTIFY came, the last read was full, or
                                rows came within LINGER_MS */
  bool full;                 /* the last read was full: read again without waiting */
  struct timespec last_read; /* when idle, read again REREAD_MS after this */
  struct timespec last_rows; /* the last read that found rows */
  struct timespec last_mark;

  char *seqs; /* array literal for store_outbox_mark */
  size_t seqs_cap;
  int backoff_ms;
};

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
  (void)rk;
  struct relay *r = opaque;
  struct slot *s = m->_private;
  s->fate = m->err ? FATE_FAILED : FATE_DELIVERED;
  r->in_flight--;
  if (m->err && r->failed++ == 0)
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
  rd_kafka_conf_set_opaque(conf, r);
  if (!(r->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err))) {
    log_msg(LOG_ERROR, NULL, "relay: kafka producer: %s", err);
    rd_kafka_conf_destroy(conf);
    return PINS_EINVALID;
  }
  /* Delivery reports are served from this loop; the pipe wakes its poll() when one arrives. */
  if (pipe2(r->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
    log_msg(LOG_ERROR, NULL, "relay: pipe: %s", strerror(errno));
    return PINS_ERROR;
  }
  r->main_queue = rd_kafka_queue_get_main(r->rk);
  rd_kafka_queue_io_event_enable(r->main_queue, r->wake[1], "1", 1);
  return PINS_OK;
}

/* The topic's handle, created (and its metadata fetched) on first use; NULL when out of memory. */
static rd_kafka_topic_t *topic_get(struct relay *r, const char *name)
{
  for (size_t i = 0; i < r->topic_count; i++)
    if (strcmp(r->topics[i].name, name) == 0)
      return r->topics[i].rkt;
  struct topic *grown = realloc(r->topics, (r->topic_count + 1) * sizeof *grown);
  if (!grown)
    return NULL;
  r->topics = grown;
  struct topic *t = &r->topics[r->topic_count];
  if (!(t->name = strdup(name)))
    return NULL;
  if (!(t->rkt = rd_kafka_topic_new(r->rk, name, NULL))) {
    free(t->name);
    return NULL;
  }
  r->topic_count++;
  const struct rd_kafka_metadata *md = NULL;
  if (rd_kafka_metadata(r->rk, 0, t->rkt, &md, METADATA_WAIT_MS) == RD_KAFKA_RESP_ERR_NO_ERROR)
    rd_kafka_metadata_destroy(md); /* else librdkafka keeps asking on its own */
  return t->rkt;
}

static long ms_since(const struct timespec *t)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

static void nap(struct relay *r, int ms)
{
  for (int waited = 0; waited < ms && !*r->stop; waited += 50)
    usleep(50000);
}

/* Serves the delivery reports that have arrived, without waiting. */
static void serve_reports(struct relay *r)
{
  char buf[64];
  while (read(r->wake[0], buf, sizeof buf) > 0) /* drained first: a report after poll wakes us again */
    ;
  rd_kafka_poll(r->rk, 0);
}

/* Waits until every message handed to the producer has its delivery report (librdkafka gives each
 * one within message.timeout.ms), even when asked to stop. */
static void settle(struct relay *r)
{
  while (r->in_flight > 0)
    rd_kafka_poll(r->rk, 100);
}

/* Rows at the head of the window whose delivery is confirmed. */
static int delivered_prefix(const struct relay *r)
{
  int n = 0;
  while (n < r->count && r->slots[(r->head + n) % r->window].fate == FATE_DELIVERED)
    n++;
  return n;
}

/* Removes n rows from the head of the window, freeing the reads they emptied. */
static void window_pop(struct relay *r, int n)
{
  for (int i = 0; i < n; i++) {
    struct read *rd = &r->reads[r->read_head];
    if (--rd->left == 0) {
      PQclear(rd->res);
      rd->res = NULL;
      r->read_head = (r->read_head + 1) % r->window;
      r->read_count--;
    }
    r->head = (r->head + 1) % r->window;
    r->count--;
  }
}

/* Marks the first n rows of the window published (one statement) and removes them. */
static int mark(struct relay *r, int n)
{
  size_t need = (size_t)n * 21 + 3;
  if (need > r->seqs_cap) {
    char *grown = realloc(r->seqs, need);
    if (!grown)
      return PINS_ERROR;
    r->seqs = grown;
    r->seqs_cap = need;
  }
  size_t len = 0;
  r->seqs[len++] = '{';
  for (int i = 0; i < n; i++)
    len += (size_t)sprintf(r->seqs + len, "%s%lld", i ? "," : "", r->slots[(r->head + i) % r->window].seq);
  r->seqs[len++] = '}';
  r->seqs[len] = '\0';
  int rc = store_outbox_mark(r->db, r->seqs);
  if (rc == PINS_OK)
    window_pop(r, n);
  clock_gettime(CLOCK_MONOTONIC, &r->last_mark);
  return rc;
}

/* Empties the window once every message has its report, and reads from the start again: rows not
 * marked published (failed, after a failure, or delivered but not marked) are sent again, in order. */
static void window_reset(struct relay *r)
{
  settle(r);
  window_pop(r, r->count);
  r->failed = 0;
  r->after_seq = 0;
  strcpy(r->horizon, "0");
  r->more = true;
}

/* Something failed: marks what was delivered before the first failure (the database allowing),
 * then starts again from the outbox after a growing pause. */
static void recover(struct relay *r, const char *why)
{
  log_msg(LOG_WARN, NULL, "relay %s: %s%s", r->opt->name, why, r->in_flight ? "; waiting for deliveries" : "");
  settle(r);
  int ok = delivered_prefix(r);
  if (r->failed > 1)
    log_msg(LOG_WARN, NULL, "relay %s: %d deliveries failed", r->opt->name, r->failed);
  if (ok > 0 && r->db && r->leader_generation == r->db->generation)
    mark(r, ok);
  window_reset(r);
  r->backoff_ms = r->backoff_ms ? (r->backoff_ms * 2 > 5000 ? 5000 : r->backoff_ms * 2) : 200;
  log_msg(LOG_WARN, NULL, "relay %s: retrying in %d ms", r->opt->name, r->backoff_ms);
  nap(r, r->backoff_ms);
}

/* Holds the advisory lock on the current connection, or waits as a standby. */
static bool lead(struct relay *r)
{
  /* A connection lost to PostgreSQL goes back to the pool, which reconnects it on the next
   * checkout; the lock went with the old session, so leadership must be won again and nothing
   * in flight can be marked by this relay: it is sent again by whoever leads next. */
  if (r->db && (!r->db->pg || PQstatus(r->db->pg) != CONNECTION_OK)) {
    window_reset(r);
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
  window_reset(r);
  log_msg(LOG_INFO, NULL, "relay %s: active (holds the outbox lock)", r->opt->name);
  return true;
}

/* Takes the notifications libpq has received; any means rows were committed: read again. */
static void take_notifies(struct relay *r, PGconn *pg)
{
  PGnotify *n;
  while ((n = PQnotifies(pg))) {
    PQfreemem(n);
    r->more = true;
  }
}

/* Waits for a NOTIFY, a delivery report, a signal or timeout_ms. While rows are already known to
 * be waiting (r->more: gathering), further NOTIFYs need not wake it: only reports and the timeout. */
static void wait_for_events(struct relay *r, int timeout_ms)
{
  PGconn *pg = r->db ? r->db->pg : NULL;
  bool gathering = r->more;
  if (pg && !gathering) {
    take_notifies(r, pg); /* one may have come in with a query's result */
    if (r->more)
      return;
  }
  struct pollfd pfd[2] = {{.fd = r->wake[0], .events = POLLIN},
                          {.fd = pg && !gathering ? PQsocket(pg) : -1, .events = POLLIN}};
  if (*r->stop || poll(pfd, 2, timeout_ms) <= 0 || !pg)
    return;
  PQconsumeInput(pg);
  take_notifies(r, pg);
}

/* Reads up to limit rows after the cursor and hands them to the producer. Returns the number of
 * rows read, or -1. A row the producer refuses counts as a failed delivery. */
static int read_and_produce(struct relay *r, int limit)
{
  PGresult *res = NULL;
  char after[24];
  snprintf(after, sizeof after, "%lld", r->after_seq);
  clock_gettime(CLOCK_MONOTONIC, &r->last_read);
  if (store_outbox_pending(&res, r->db, limit, after, r->horizon) != PINS_OK)
    return -1;
  int rows = PQntuples(res);
  r->full = rows == limit;
  if (rows > 0)
    r->last_rows = r->last_read;
  r->more = r->full || ms_since(&r->last_rows) < LINGER_MS;
  if (rows == 0) {
    PQclear(res);
    return 0;
  }
  struct read *rd = &r->reads[(r->read_head + r->read_count++) % r->window];
  rd->res = res;
  rd->left = rows;
  snprintf(r->horizon, sizeof r->horizon, "%s", PQgetvalue(res, 0, 5));
  for (int i = 0; i < rows; i++) {
    struct slot *s = &r->slots[(r->head + r->count++) % r->window];
    const char *id = PQgetvalue(res, i, 1), *key = PQgetvalue(res, i, 3);
    s->seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
    s->fate = FATE_PENDING;
    if (s->seq > r->after_seq)
      r->after_seq = s->seq;
    rd_kafka_topic_t *rkt = topic_get(r, PQgetvalue(res, i, 2));
    rd_kafka_resp_err_t err = rkt ? RD_KAFKA_RESP_ERR_NO_ERROR : RD_KAFKA_RESP_ERR__NOENT;
    while (rkt) {
      /* No RD_KAFKA_MSG_F_COPY: the value stays in res until this row leaves the window, which
       * is after its delivery report. */
      err = rd_kafka_producev(r->rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_KEY(key, strlen(key)),
                              RD_KAFKA_V_VALUE(PQgetvalue(res, i, 4), (size_t)PQgetlength(res, i, 4)),
                              RD_KAFKA_V_MSGFLAGS(0), RD_KAFKA_V_HEADER("ce_id", id, -1),
                              RD_KAFKA_V_HEADER("content-type", "application/cloudevents+json", -1),
                              RD_KAFKA_V_OPAQUE(s), RD_KAFKA_V_END);
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL)
        break;
      rd_kafka_poll(r->rk, 10);
    }
    if (err) {
      s->fate = FATE_FAILED;
      if (r->failed++ == 0)
        log_msg(LOG_WARN, NULL, "relay: cannot queue event %s: %s", id, rd_kafka_err2str(err));
    } else {
      r->in_flight++;
    }
  }
  return rows;
}

/* One turn of the loop: serve reports, read and send more while the window has room, mark what
 * was delivered. Reading the next rows overlaps the broker's acknowledgement of the previous ones.
 * Returns true when it did something, false when it should wait. */
static bool turn(struct relay *r)
{
  bool busy = false;
  int batch = r->opt->batch;
  serve_reports(r);
  if (r->failed) {
    recover(r, "delivery failed");
    return true;
  }
  /* Each NOTIFY would otherwise cost a read and a mark for a row or two: at ~1,600 commits a
   * second the relay's statements cost PostgreSQL more than the writes themselves (bench/README.md).
   * Waiting GATHER_MS after a read that was not full reads them in tens instead. */
  long since = ms_since(&r->last_read);
  if (((r->more && (r->full || since >= GATHER_MS)) || since >= REREAD_MS) && r->window - r->count >= batch) {
    if (read_and_produce(r, batch) < 0) {
      recover(r, "cannot read the outbox");
      return true;
    }
    busy = true;
    serve_reports(r);
  }
  /* Marking costs a statement and a commit: batch it while reading ahead (full reads) or while
   * small reads keep coming (every MARK_EVERY_MS), else mark what is delivered, as every read
   * steps over the rows in flight until they are marked. */
  int ok = delivered_prefix(r);
  bool due = r->full ? ok >= batch : !r->more || ms_since(&r->last_mark) >= MARK_EVERY_MS;
  if (ok > 0 && (due || ok >= batch || r->window - r->count < batch)) {
    if (mark(r, ok) != PINS_OK) {
      recover(r, "cannot mark events published");
      return true;
    }
    r->backoff_ms = 0;
    busy = true;
  }
  return busy;
}

int relay_run(const struct relay_options *opt, volatile sig_atomic_t *stop)
{
  struct relay *r = calloc(1, sizeof *r);
  int status = 1;
  if (!r)
    return 1;
  r->opt = opt;
  r->stop = stop;
  r->wake[0] = r->wake[1] = -1;
  r->window = opt->batch * WINDOW_BATCHES;
  r->slots = calloc((size_t)r->window, sizeof *r->slots);
  r->reads = calloc((size_t)r->window, sizeof *r->reads);
  if (!r->slots || !r->reads)
    goto done;
  strcpy(r->horizon, "0");
  if (store_pool_new(&r->pool, opt->database_url, 1) != PINS_OK || producer_new(r) != PINS_OK)
    goto done;
  log_msg(LOG_INFO, NULL, "relay %s: started", opt->name);
  while (!*stop) {
    if (!lead(r)) {
      nap(r, 1000); /* a standby: try for the lock again shortly */
      continue;
    }
    if (turn(r))
      continue;
    /* Idle: a NOTIFY says rows were committed; a row can also become safe to read without one
     * (an older transaction ended), hence the periodic read. */
    long wait = !r->more ? REREAD_MS - ms_since(&r->last_read)
                : r->full || r->window - r->count < r->opt->batch ? 100 /* a report wakes it sooner */
                : GATHER_MS - ms_since(&r->last_read);
    wait_for_events(r, wait < 0 ? 0 : (int)wait);
  }
  /* Stopping: the rows in flight get their reports and the delivered ones are marked. */
  if (r->count > 0) {
    settle(r);
    serve_reports(r);
    int ok = delivered_prefix(r);
    if (ok > 0 && r->db && r->leader_generation == r->db->generation)
      mark(r, ok);
    window_reset(r);
  }
  status = 0;
done:
  if (r->rk) {
    rd_kafka_flush(r->rk, 10000);
    if (r->main_queue) {
      rd_kafka_queue_io_event_enable(r->main_queue, -1, NULL, 0);
      rd_kafka_queue_destroy(r->main_queue);
    }
    for (size_t i = 0; i < r->topic_count; i++) {
      rd_kafka_topic_destroy(r->topics[i].rkt);
      free(r->topics[i].name);
    }
    rd_kafka_destroy(r->rk);
  }
  for (int i = 0; i < 2; i++)
    if (r->wake[i] >= 0)
      close(r->wake[i]);
  store_release(r->pool, r->db);
  store_pool_free(r->pool);
  log_msg(LOG_INFO, NULL, "relay %s: stopped", opt->name);
  free(r->topics);
  free(r->slots);
  free(r->reads);
  free(r->seqs);
  free(r);
  return status;
}
