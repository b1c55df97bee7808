#include "store/idempotency.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

/* A claim left without an answer for two minutes belongs to a request that died: take it over.
 * Answers are kept for 24 hours. */
static struct store_stmt stmt_claim = STORE_STMT(
    "INSERT INTO idempotency_keys AS k (caller, key, request_hash) VALUES ($1, $2, $3)"
    " ON CONFLICT (caller, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = NULL,"
    " content_type = NULL, location = NULL, body = NULL, created_at = now()"
    " WHERE (k.status IS NULL AND k.created_at < now() - interval '2 minutes')"
    "    OR k.created_at < now() - interval '24 hours'"
    " RETURNING 1");
static struct store_stmt stmt_read = STORE_STMT(
    "SELECT request_hash, coalesce(status, 0), content_type, location, body FROM idempotency_keys"
    " WHERE caller = $1 AND key = $2");
static struct store_stmt stmt_finish = STORE_STMT(
    "UPDATE idempotency_keys SET status = $3::integer, content_type = $4, location = $5, body = $6"
    " WHERE caller = $1 AND key = $2");
static struct store_stmt stmt_expire =
    STORE_STMT("DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours'");
static atomic_uint claims;

/* Takes over an answered key whose answer may no longer be replayed to its caller, as long as it
 * still holds the answer read (a concurrent request may have taken it over first). */
static struct store_stmt stmt_retake = STORE_STMT(
    "UPDATE idempotency_keys SET status = NULL, content_type = NULL, location = NULL, body = NULL,"
    " created_at = now()"
    " WHERE caller = $1 AND key = $2 AND status = $3::integer AND location IS NOT DISTINCT FROM $4"
    " RETURNING 1");
static struct store_stmt stmt_abandon = STORE_STMT("DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2"
                                                   " AND status IS NULL");

void store_idem_record_free(struct idem_record *rec)
{
  free(rec->request_hash);
  free(rec->content_type);
  free(rec->location);
  free(rec->body);
  memset(rec, 0, sizeof *rec);
}

static char *dup_or_null(const PGresult *res, int col)
{
  return PQgetisnull(res, 0, col) ? NULL : strdup(PQgetvalue(res, 0, col));
}

int store_idem_claim(struct idem_record *existing, struct store_conn *db, const char *caller, const char *key,
                     const char *hash)
{
  PGresult *res = NULL;
  const char *p[] = {caller, key, hash};
  /* Now and then, drop answers older than a day (they can no longer be replayed). */
  if (atomic_fetch_add(&claims, 1) % 1000 == 0)
    (void)store_run(db, &stmt_expire, 0, NULL);
  int rc = store_exec(&res, db, &stmt_claim, 3, p);
  if (rc)
    return rc;
  int claimed = PQntuples(res) > 0;
  PQclear(res);
  if (claimed)
    return PINS_OK;
  if ((rc = store_exec(&res, db, &stmt_read, 2, p)))
    return rc;
  if (PQntuples(res) == 0) { /* removed meanwhile by an abandon: treat as in progress */
    PQclear(res);
    existing->status = 0;
    existing->request_hash = strdup(hash);
    return PINS_ECONFLICT;
  }
  existing->request_hash = dup_or_null(res, 0);
  existing->status = atoi(PQgetvalue(res, 0, 1));
  existing->content_type = dup_or_null(res, 2);
  existing->location = dup_or_null(res, 3);
  existing->body = dup_or_null(res, 4);
  PQclear(res);
  return PINS_ECONFLICT;
}

int store_idem_finish(struct store_conn *db, const char *caller, const char *key, int status,
                      const char *content_type, const char *location, const char *body)
{
  char st[8];
  snprintf(st, sizeof st, "%d", status);
  const char *p[] = {caller, key, st, content_type, location, body};
  return store_run(db, &stmt_finish, 6, p);
}

int store_idem_retake(bool *taken, struct store_conn *db, const char *caller, const char *key,
                      const struct idem_record *prior)
{
  PGresult *res = NULL;
  char st[16];
  snprintf(st, sizeof st, "%d", prior->status);
  const char *p[] = {caller, key, st, prior->location};
  int rc = store_exec(&res, db, &stmt_retake, 4, p);
  if (rc)
    return rc;
  *taken = PQntuples(res) > 0;
  PQclear(res);
  return PINS_OK;
}

int store_idem_abandon(struct store_conn *db, const char *caller, const char *key)
{
  const char *p[] = {caller, key};
  return store_run(db, &stmt_abandon, 2, p);
}
