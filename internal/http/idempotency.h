#ifndef PINS_HTTP_IDEMPOTENCY_H
#define PINS_HTTP_IDEMPOTENCY_H

#include <stdbool.h>

#include "http/request.h"

/* Idempotency-Key on POSTs: the same key and body from the same caller (role, organisation and
 * sub) get the first answer again, but only while the caller may still see what that answer was
 * about; otherwise the request is answered as a fresh one. Keys are scoped per caller by a hash of
 * the caller's parts, each prefixed by its length, so that no two callers share one. */
struct http_idem {
  bool active;     /* the key is claimed: http_idem_end records the answer */
  char caller[65]; /* hex SHA-256 of the caller's parts */
  char key[256];
};

/* Runs after the route's access check and before its handler. Returns true when the handler
 * should run (no key, or the key is claimed for this request: the answer is then captured);
 * false when the answer was sent here (a replay, a key reused with another body, one still in
 * progress, or a failure). */
bool http_idem_begin(struct http_req *r, struct http_idem *id);

/* Runs after the handler: records its answer for a claimed key, or drops the claim when the
 * answer was a 5xx (so that a retry runs again). */
void http_idem_end(struct http_req *r, struct http_idem *id);

#endif
