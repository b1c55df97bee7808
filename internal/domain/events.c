#include "domain/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/project.h"
#include "domain/validate.h"
#include "store/outbox.h"

const char *const events_types[] = {"uk.gov.pins.self_assessment.completed.v1",
                                    "uk.gov.pins.engagement_meeting.completed.v1",
                                    "uk.gov.pins.quarterly_report.submitted.v1",
                                    "uk.gov.pins.quarterly_report.accepted.v1",
                                    "uk.gov.pins.quarterly_report.returned.v1",
                                    "uk.gov.pins.intervention.delivered.v1",
                                    NULL};

int events_feed(struct ref_page *out, struct store_conn *db, const char *after, const char *type, int limit,
                char *why, size_t whylen)
{
  PGresult *res = NULL;
  char lim[16];
  if (after && (strspn(after, "0123456789") != strlen(after) || strlen(after) > 18)) {
    snprintf(why, whylen, "query parameter after must be a cursor from a previous page (next_cursor)");
    return PINS_EINVALID;
  }
  if (type && !validate_in(events_types, type)) {
    snprintf(why, whylen, "query parameter type is not an event type this service publishes");
    return PINS_EINVALID;
  }
  snprintf(lim, sizeof lim, "%d", limit + 1);
  int rc = store_outbox_feed(&res, db, after, type, lim);
  if (rc == PINS_OK)
    rc = project_page(out, res, limit);
  /* A feed is polled: the cursor always says where to resume, also on the last page. */
  if (rc == PINS_OK && !out->next_key) {
    int rows = PQntuples(res);
    const char *resume = rows > 0 ? PQgetvalue(res, rows - 1, 1) : after;
    if (resume && !(out->next_key = strdup(resume)))
      rc = PINS_ENOMEM;
  }
  PQclear(res);
  return rc;
}
