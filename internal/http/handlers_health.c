#include <stdio.h>

#include "core/status.h"
#include "http/handlers.h"
#include "http/problem.h"
#include "http/server.h"
#include "store/outbox.h"

static struct store_stmt stmt_ping = STORE_STMT("SELECT 1");

void handle_healthz(struct http_req *r)
{
  static const char body[] = "{\"status\":\"ok\"}";
  http_send(r, 200, "application/json", body, sizeof body - 1);
}

/* Ready when PostgreSQL answers. Kafka unreachable is "degraded", not unready: writes still
 * succeed and their events wait in the outbox, whose backlog is reported. */
void handle_readyz(struct http_req *r)
{
  struct store_conn *db = NULL;
  long pending = 0;
  double oldest = 0;
  bool db_ok = http_db(r, &db) == PINS_OK && store_run(db, &stmt_ping, 0, NULL) == PINS_OK;
  bool kafka_ok = kafka_probe_ready(r->srv->kafka, 1000);
  if (db_ok && store_outbox_backlog(&pending, &oldest, db) != PINS_OK)
    pending = -1;
  json_t *checks = json_pack("{s:s, s:s}", "database", db_ok ? "ok" : "unreachable", "kafka",
                             kafka_ok ? "ok" : "unreachable");
  if (db_ok) {
    json_t *body = json_pack("{s:s, s:O, s:{s:I, s:f}}", "status", kafka_ok ? "ready" : "degraded", "checks", checks,
                             "outbox", "pending", (json_int_t)pending, "oldest_seconds", oldest);
    http_send_json(r, 200, body);
    json_decref(body);
  } else {
    char detail[128];
    snprintf(detail, sizeof detail, "not ready: the database (PostgreSQL) does not answer%s",
             kafka_ok ? "" : "; Kafka cluster metadata is unreachable");
    json_t *extra = json_pack("{s:O}", "checks", checks);
    http_set_header(r, "Retry-After", "5");
    problem_send_with(r, 503, NULL, detail, extra);
    json_decref(extra);
  }
  json_decref(checks);
}
