/* GET /v1/events: the event stream over HTTP, for clients without Kafka and for replay. The same
 * CloudEvents envelopes in the same order as the Kafka topics (outbox seq order). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/events.h"
#include "http/handlers.h"
#include "http/pagination.h"
#include "http/problem.h"

static int list_events(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after, int limit,
                       char *why, size_t whylen)
{
  return events_feed(out, db, after, http_query(r, "type"), limit, why, whylen);
}

void handle_events(struct http_req *r)
{
  pagination_serve(r, list_events);
}
