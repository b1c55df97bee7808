#include "config/config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/status.h"

static const char *env_or(const char *name, const char *fallback)
{
  const char *v = getenv(name);
  return (v && *v) ? v : fallback;
}

/* Parses a whole decimal number in [lo, hi]; 0 on success. */
static int parse_uint(unsigned *out, const char *s, unsigned lo, unsigned hi)
{
  char *end = NULL;
  errno = 0;
  if (!s || !isdigit((unsigned char)*s))
    return -1;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || *end || v < lo || v > hi)
    return -1;
  *out = (unsigned)v;
  return 0;
}

static int fail(char *err, size_t errlen, const char *var, const char *why)
{
  snprintf(err, errlen, "%s: %s", var, why);
  return PINS_EINVALID;
}

static int split_origins(struct config *cfg, const char *list)
{
  size_t cap = 1;
  for (const char *p = list; *p; p++)
    cap += (*p == ',');
  cfg->cors_origins = calloc(cap + 1, sizeof(char *));
  if (!cfg->cors_origins)
    return PINS_ENOMEM;
  const char *p = list;
  while (*p) {
    while (*p == ' ' || *p == ',')
      p++;
    const char *e = p;
    while (*e && *e != ',')
      e++;
    const char *t = e;
    while (t > p && t[-1] == ' ')
      t--;
    if (t > p) {
      if (strncmp(p, "http://", 7) != 0 && strncmp(p, "https://", 8) != 0)
        return PINS_EINVALID;
      cfg->cors_origins[cfg->cors_origin_count] = strndup(p, (size_t)(t - p));
      if (!cfg->cors_origins[cfg->cors_origin_count])
        return PINS_ENOMEM;
      cfg->cors_origin_count++;
    }
    p = e;
  }
  return PINS_OK;
}

int config_load(struct config *cfg, unsigned need, char *err, size_t errlen)
{
  memset(cfg, 0, sizeof *cfg);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  /* Twice the cores: a worker waits on PostgreSQL for most of a request, and with one per core
   * the cores idle meanwhile (bench/README.md: +20-25% req/s on 2 cores with 4 workers). */
  cfg->workers = cores > 0 ? 2 * (unsigned)cores : 4;

  if (parse_uint(&cfg->listen_port, env_or("PINS_LISTEN_PORT", "8080"), 1, 65535))
    return fail(err, errlen, "PINS_LISTEN_PORT", "must be a port number from 1 to 65535");

  cfg->listen_address = env_or("PINS_LISTEN_ADDRESS", "0.0.0.0");
  unsigned char addr[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, cfg->listen_address, addr) != 1 && inet_pton(AF_INET6, cfg->listen_address, addr) != 1)
    return fail(err, errlen, "PINS_LISTEN_ADDRESS", "must be a numeric IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::)");

  const char *w = getenv("PINS_WORKERS");
  if (w && *w && parse_uint(&cfg->workers, w, 1, 256))
    return fail(err, errlen, "PINS_WORKERS", "must be a whole number from 1 to 256");

  cfg->max_connections = 1024;
  const char *mc = getenv("PINS_MAX_CONNECTIONS");
  if (mc && *mc && parse_uint(&cfg->max_connections, mc, 1, 65536))
    return fail(err, errlen, "PINS_MAX_CONNECTIONS", "must be a whole number from 1 to 65536");

  cfg->max_connections_per_ip = 64;
  const char *mi = getenv("PINS_MAX_CONNECTIONS_PER_IP");
  if (mi && *mi && parse_uint(&cfg->max_connections_per_ip, mi, 1, 65536))
    return fail(err, errlen, "PINS_MAX_CONNECTIONS_PER_IP", "must be a whole number from 1 to 65536");

  cfg->request_timeout = 30;
  const char *rt = getenv("PINS_REQUEST_TIMEOUT_SECONDS");
  if (rt && *rt && parse_uint(&cfg->request_timeout, rt, 1, 3600))
    return fail(err, errlen, "PINS_REQUEST_TIMEOUT_SECONDS", "must be a whole number of seconds from 1 to 3600");

  cfg->db_pool_size = cfg->workers + 2;
  const char *ps = getenv("PINS_DB_POOL_SIZE");
  if (ps && *ps && parse_uint(&cfg->db_pool_size, ps, 1, 256))
    return fail(err, errlen, "PINS_DB_POOL_SIZE", "must be a whole number from 1 to 256");

  cfg->report_due_days = 15;
  const char *dd = getenv("PINS_REPORT_DUE_DAYS");
  if (dd && *dd && parse_uint(&cfg->report_due_days, dd, 0, 365))
    return fail(err, errlen, "PINS_REPORT_DUE_DAYS", "must be a whole number of days from 0 to 365");

  cfg->log_level = log_level_parse(env_or("PINS_LOG_LEVEL", "info"));
  if (cfg->log_level < 0)
    return fail(err, errlen, "PINS_LOG_LEVEL", "must be one of debug, info, warn, error");

  cfg->database_url = env_or("PINS_DATABASE_URL", NULL);
  if ((need & CONFIG_NEED_DATABASE) && !cfg->database_url)
    return fail(err, errlen, "PINS_DATABASE_URL", "is required (a libpq URI, e.g. postgresql://user@host:5432/pins)");
  if (cfg->database_url && strncmp(cfg->database_url, "postgresql://", 13) != 0 &&
      strncmp(cfg->database_url, "postgres://", 11) != 0)
    return fail(err, errlen, "PINS_DATABASE_URL", "must be a libpq URI starting postgresql://");

  cfg->kafka_brokers = env_or("PINS_KAFKA_BROKERS", NULL);
  if ((need & CONFIG_NEED_KAFKA) && !cfg->kafka_brokers)
    return fail(err, errlen, "PINS_KAFKA_BROKERS", "is required (comma-separated host:port list)");
  if (cfg->kafka_brokers && !strchr(cfg->kafka_brokers, ':'))
    return fail(err, errlen, "PINS_KAFKA_BROKERS", "must be a comma-separated list of host:port");

  cfg->jwt_public_key_file = env_or("PINS_JWT_PUBLIC_KEY_FILE", NULL);
  if ((need & CONFIG_NEED_JWT) && !cfg->jwt_public_key_file)
    return fail(err, errlen, "PINS_JWT_PUBLIC_KEY_FILE", "is required (path to a PEM public key, RSA or EC P-256)");
  if (cfg->jwt_public_key_file && access(cfg->jwt_public_key_file, R_OK) != 0)
    return fail(err, errlen, "PINS_JWT_PUBLIC_KEY_FILE", "cannot be read");
  cfg->jwt_issuer = env_or("PINS_JWT_ISSUER", "pins-dev");
  cfg->jwt_audience = env_or("PINS_JWT_AUDIENCE", "pins-hub");

  int rc = split_origins(cfg, env_or("PINS_CORS_ORIGINS", ""));
  if (rc == PINS_EINVALID)
    return fail(err, errlen, "PINS_CORS_ORIGINS", "must be a comma-separated list of http(s):// origins");
  if (rc)
    return fail(err, errlen, "PINS_CORS_ORIGINS", "out of memory");
  return PINS_OK;
}

void config_free(struct config *cfg)
{
  if (cfg->cors_origins) {
    for (size_t i = 0; i < cfg->cors_origin_count; i++)
      free(cfg->cors_origins[i]);
    free(cfg->cors_origins);
  }
  cfg->cors_origins = NULL;
  cfg->cors_origin_count = 0;
}

bool config_cors_allowed(const struct config *cfg, const char *origin)
{
  for (size_t i = 0; origin && i < cfg->cors_origin_count; i++)
    if (strcmp(cfg->cors_origins[i], origin) == 0)
      return true;
  return false;
}
