#include <stdio.h>

#include "events/readiness.h"
#include "http/handlers.h"
#include "http/problem.h"
#include "http/server.h"

void handle_healthz(struct http_req *r)
{
  static const char body[] = "{\"status\":\"ok\"}";
  http_send(r, 200, "application/json", body, sizeof body - 1);
}

/* Ready when PostgreSQL answers. Kafka unreachable is "degraded", not unready: writes still
 * succeed and their events wait in the outbox. Answers from the background checks
 * (events/readiness.h), never waiting on a dependency, and says no more than that to anyone:
 * the figures are for /v1/status. */
void handle_readyz(struct http_req *r)
{
  struct readiness_state s;
  readiness_get(&s, r->srv->readiness);
  if (s.checked && s.database_ok) {
    static const char ready[] = "{\"status\":\"ready\"}", degraded[] = "{\"status\":\"degraded\"}";
    if (s.kafka_ok)
      http_send(r, 200, "application/json", ready, sizeof ready - 1);
    else
      http_send(r, 200, "application/json", degraded, sizeof degraded - 1);
    return;
  }
  http_set_header(r, "Retry-After", s.checked ? "5" : "1");
  problem_send(r, 503, s.checked ? "not ready: the database (PostgreSQL) does not answer"
                                 : "not ready: starting (the first check has not finished)");
}

static const char *check_word(bool checked, bool ok)
{
  return !checked ? "unknown" : ok ? "ok" : "unreachable";
}

/* The checks behind /readyz with their figures, for national and evaluator. */
void handle_status(struct http_req *r)
{
  struct readiness_state s;
  char at[40] = "";
  readiness_get(&s, r->srv->readiness);
  struct tm tm;
  if (s.checked && gmtime_r(&s.checked_at.tv_sec, &tm)) {
    size_t n = strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(at + n, sizeof at - n, ".%03ldZ", s.checked_at.tv_nsec / 1000000L);
  }
  const char *status = !s.checked || !s.database_ok ? "not_ready" : s.kafka_ok ? "ready" : "degraded";
  json_t *outbox = s.backlog_known
                       ? json_pack("{s:I, s:f}", "pending", (json_int_t)s.pending, "oldest_seconds", s.oldest_seconds)
                       : json_pack("{s:n, s:n}", "pending", "oldest_seconds");
  json_t *body = json_pack("{s:s, s:s, s:s, s:o, s:o}", "status", status, "database",
                           check_word(s.checked, s.database_ok), "kafka", check_word(s.checked, s.kafka_ok),
                           "outbox", outbox, "checked_at", at[0] ? json_string(at) : json_null());
  if (!body) {
    problem_send(r, 500, "could not build the status");
    return;
  }
  http_send_json(r, 200, body);
  json_decref(body);
}
