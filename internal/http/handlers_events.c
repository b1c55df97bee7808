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

void handle_events(struct http_req *r)
{
  struct pagination pg;
  struct ref_page page = {0};
  struct store_conn *db = NULL;
  char why[256] = "";
  int rc = pagination_parse(&pg, r, why, sizeof why);
  if (rc == PINS_OK && (rc = http_db(r, &db)) == PINS_OK)
    rc = events_feed(&page, db, pg.after, http_query(r, "type"), pg.limit, why, sizeof why);
  if (rc == PINS_EINVALID)
    problem_send(r, 400, why);
  else if (rc)
    problem_send_status(r, rc, NULL, NULL);
  else
    pagination_send(r, &pg, page.body, page.next_key);
  refdata_page_free(&page);
}
