#ifndef PINS_CONFIG_CONFIG_H
#define PINS_CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* The service's configuration, read once from the environment at start-up.
 * Strings point into the environment or are owned by the struct (config_free). */
struct config {
  const char *listen_address; /* numeric IPv4 or IPv6 address; 0.0.0.0 by default */
  unsigned listen_port;
  unsigned max_connections;   /* open client connections, shared evenly by the workers */
  unsigned max_connections_per_ip; /* open connections from one client address, across all workers */
  unsigned request_timeout;   /* seconds a request may take to arrive (headers and body), plus its body's
                                 allowance at the minimum data rate (http/edge.h) */
  const char *database_url;
  const char *kafka_brokers;
  const char *jwt_public_key_file;
  const char *jwt_issuer;
  const char *jwt_audience;
  unsigned workers;
  unsigned db_pool_size;
  unsigned report_due_days; /* a quarterly report is due this many days after its quarter ends */
  int log_level;            /* LOG_DEBUG .. LOG_ERROR from core/log.h */
  char **cors_origins;      /* NULL-terminated; owned */
  size_t cors_origin_count;
};

/* Which settings a program needs; the rest keep their defaults when absent. */
enum config_need {
  CONFIG_NEED_DATABASE = 1 << 0,
  CONFIG_NEED_KAFKA = 1 << 1,
  CONFIG_NEED_JWT = 1 << 2,
};

/* Reads the environment into *cfg. On a missing or malformed value, writes one line naming the
 * variable into err (size errlen) and returns PINS_EINVALID. Call config_free afterwards either way. */
int config_load(struct config *cfg, unsigned need, char *err, size_t errlen);
void config_free(struct config *cfg);

/* True when origin is one of PINS_CORS_ORIGINS (exact match). */
bool config_cors_allowed(const struct config *cfg, const char *origin);

#endif
