/* pins-api: the PINS Hub REST API.
 *   pins-api serve                      serve HTTP until SIGTERM/SIGINT
 *   pins-api migrate                    apply database migrations
 *   pins-api load-reference-data [CSV]  load the default data, or a GIAS CSV of schools
 *   pins-api routes                     print the route table (METHOD /path) */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "auth/jwt_verify.h"
#include "config/config.h"
#include "core/log.h"
#include "core/status.h"
#include "domain/refdata_load.h"
#include "events/kafka_probe.h"
#include "events/readiness.h"
#include "http/router.h"
#include "http/server.h"
#include "store/db.h"
#include "store/migrate.h"

static int usage(void)
{
  fprintf(stderr, "usage: pins-api serve | migrate | load-reference-data [GIAS.csv] | routes\n");
  return 2;
}

static int load_config(struct config *cfg, unsigned need)
{
  char err[256];
  if (config_load(cfg, need, err, sizeof err) != PINS_OK) {
    fprintf(stderr, "pins-api: %s\n", err);
    return 2;
  }
  log_set_level(cfg->log_level);
  return 0;
}

/* Runs one database task on a single connection. */
static int with_database(const struct config *cfg, int (*task)(struct store_conn *db, void *arg), void *arg)
{
  struct store_pool *pool = NULL;
  struct store_conn *db = NULL;
  int rc = store_pool_new(&pool, cfg->database_url, 1);
  if (rc == PINS_OK)
    rc = store_acquire(&db, pool);
  if (rc == PINS_OK)
    rc = task(db, arg);
  store_release(pool, db);
  store_pool_free(pool);
  return rc;
}

static int task_migrate(struct store_conn *db, void *arg)
{
  int applied = 0, rc = store_migrate(db, &applied);
  if (rc == PINS_OK)
    log_msg(LOG_INFO, NULL, "database is up to date (%d migration%s applied)", applied, applied == 1 ? "" : "s");
  return rc;
}

static int task_load(struct store_conn *db, void *arg)
{
  struct refdata_load_counts c;
  const char *path = arg;
  int rc = path ? refdata_load_gias_file(&c, db, path) : refdata_load_defaults(&c, db);
  if (rc == PINS_OK)
    log_msg(LOG_INFO, NULL,
            "reference data loaded: %ld created, %ld updated, %ld unchanged; schools %ld received, %ld created, %ld "
            "updated, %ld unchanged, %ld rows skipped",
            c.created, c.updated, c.unchanged, c.schools.received, c.schools.created, c.schools.updated,
            c.schools.unchanged, c.school_errors);
  return rc;
}

static int serve(const struct config *cfg)
{
  struct store_pool *pool = NULL;
  struct auth_verifier *verifier = NULL;
  struct kafka_probe *kafka = NULL;
  struct readiness *readiness = NULL;
  struct server srv = {0};
  char err[256];
  int status = 1, sig = 0;
  sigset_t set;

  /* Block the stop signals before any thread starts, so that only sigwait below sees them. */
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);

  if (auth_verifier_new(&verifier, cfg->jwt_public_key_file, cfg->jwt_issuer, cfg->jwt_audience, err, sizeof err)) {
    fprintf(stderr, "pins-api: %s\n", err);
    status = 2;
    goto done;
  }
  if (kafka_probe_new(&kafka, cfg->kafka_brokers, err, sizeof err)) {
    fprintf(stderr, "pins-api: PINS_KAFKA_BROKERS: %s\n", err);
    status = 2;
    goto done;
  }
  if (store_pool_new(&pool, cfg->database_url, cfg->db_pool_size))
    goto done;
  /* PostgreSQL, the outbox and Kafka are checked in the background; /readyz reads the answers. */
  if (readiness_start(&readiness, pool, kafka, 1000)) {
    log_msg(LOG_ERROR, NULL, "cannot start the readiness checks");
    goto done;
  }
  if (server_start(&srv, cfg, pool, verifier, readiness, err, sizeof err)) {
    log_msg(LOG_ERROR, NULL, "%s", err);
    goto done;
  }
  log_msg(LOG_INFO, NULL, "serving on %s port %u with %u workers, %u database connections, up to %u client connections",
          cfg->listen_address, cfg->listen_port, cfg->workers, cfg->db_pool_size, cfg->max_connections);
  sigwait(&set, &sig);
  log_msg(LOG_INFO, NULL, "signal %d: finishing in-flight requests", sig);
  server_stop(&srv);
  log_msg(LOG_INFO, NULL, "stopped");
  status = 0;
done:
  readiness_stop(readiness);
  store_pool_free(pool);
  kafka_probe_free(kafka);
  auth_verifier_free(verifier);
  return status;
}

int main(int argc, char **argv)
{
  struct config cfg;
  int rc;
  if (argc < 2)
    return usage();
  const char *cmd = argv[1];
  if (strcmp(cmd, "routes") == 0) {
    for (size_t i = 0; i < route_count; i++)
      printf("%s %s\n", routes[i].method, routes[i].path);
    return 0;
  }
  if (strcmp(cmd, "serve") == 0) {
    if ((rc = load_config(&cfg, CONFIG_NEED_DATABASE | CONFIG_NEED_KAFKA | CONFIG_NEED_JWT)) == 0)
      rc = serve(&cfg);
  } else if (strcmp(cmd, "migrate") == 0) {
    if ((rc = load_config(&cfg, CONFIG_NEED_DATABASE)) == 0)
      rc = with_database(&cfg, task_migrate, NULL) ? 1 : 0;
  } else if (strcmp(cmd, "load-reference-data") == 0 && argc <= 3) {
    if ((rc = load_config(&cfg, CONFIG_NEED_DATABASE)) == 0)
      rc = with_database(&cfg, task_load, argc == 3 ? argv[2] : NULL) ? 1 : 0;
  } else {
    return usage();
  }
  config_free(&cfg);
  return rc;
}
