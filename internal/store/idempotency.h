#ifndef PINS_STORE_IDEMPOTENCY_H
#define PINS_STORE_IDEMPOTENCY_H

#include <stdbool.h>

#include "store/db.h"

/* Stored first answers to POSTs that carried an Idempotency-Key. */
struct idem_record {
  char *request_hash;
  int status; /* 0 while the first request is still in progress */
  char *content_type;
  char *location;
  char *body;
};
void store_idem_record_free(struct idem_record *rec);

/* Claims (caller, key) for a new request: PINS_OK when claimed (new, or an abandoned claim taken
 * over); PINS_ECONFLICT when a record exists, which is then read into *existing. */
int store_idem_claim(struct idem_record *existing, struct store_conn *db, const char *caller, const char *key,
                     const char *hash);
/* Records the answer for a claimed key. */
int store_idem_finish(struct store_conn *db, const char *caller, const char *key, int status,
                      const char *content_type, const char *location, const char *body);
/* Takes a key back for a new request when it still holds the answer prior (read by
 * store_idem_claim): *taken says whether it did. */
int store_idem_retake(bool *taken, struct store_conn *db, const char *caller, const char *key,
                      const struct idem_record *prior);
/* Drops a claim whose request failed on our side, so that a retry runs again. */
int store_idem_abandon(struct store_conn *db, const char *caller, const char *key);

#endif
