#include "events/kafka_probe.h"

#include <librdkafka/rdkafka.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/status.h"

struct kafka_probe {
  rd_kafka_t *rk;
};

/* librdkafka's own log lines join ours as JSON. */
static void log_kafka(const rd_kafka_t *rk, int level, const char *facility, const char *message)
{
  (void)rk;
  log_msg(level <= 3 ? LOG_ERROR : level <= 5 ? LOG_WARN : LOG_DEBUG, NULL, "kafka %s: %s", facility, message);
}

int kafka_probe_new(struct kafka_probe **out, const char *brokers, char *err, size_t errlen)
{
  struct kafka_probe *p = calloc(1, sizeof *p);
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (!p || !conf)
    goto fail;
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, err, errlen) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "client.id", "pins-api-readiness", err, errlen) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "log_level", "3", err, errlen) != RD_KAFKA_CONF_OK)
    goto fail;
  rd_kafka_conf_set_log_cb(conf, log_kafka);
  p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, errlen);
  if (!p->rk)
    goto fail;
  *out = p;
  return PINS_OK;
fail:
  if (conf && (!p || !p->rk))
    rd_kafka_conf_destroy(conf);
  free(p);
  return PINS_EINVALID;
}

void kafka_probe_free(struct kafka_probe *p)
{
  if (!p)
    return;
  rd_kafka_destroy(p->rk);
  free(p);
}

bool kafka_probe_ready(struct kafka_probe *p, int timeout_ms)
{
  const struct rd_kafka_metadata *md = NULL;
  rd_kafka_resp_err_t err = rd_kafka_metadata(p->rk, 0, NULL, &md, timeout_ms);
  bool ok = err == RD_KAFKA_RESP_ERR_NO_ERROR && md && md->broker_cnt > 0;
  if (md)
    rd_kafka_metadata_destroy(md);
  return ok;
}
