#include "store/outbox.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"

/* Pending rows not read before: after the cursor's seq, or from a transaction that was not yet
 * older than every running one at the cursor's read (it may hold a lower seq). The horizon comes
 * back on every row. Rows still in flight sit below the cursor and are only skipped over. The
 * shape keeps the plan on the pending rows whatever the statistics say: a plain join's generic
 * plan, with outbox_pending last analysed while full, walked the whole outbox (300 ms a read). */
static struct store_stmt stmt_pending = STORE_STMT(
    "WITH h AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)"
    " SELECT p.seq, o.id, o.topic, o.key, o.envelope, h.horizon FROM h,"
    " (SELECT q.seq FROM outbox_pending q, h WHERE q.tx < h.horizon AND (q.seq > $2::bigint OR q.tx >= $3::xid8)"
    " ORDER BY q.seq LIMIT $1::int) p,"
    " LATERAL (SELECT o.id, o.topic, o.key, o.envelope FROM outbox o WHERE o.seq = p.seq) o ORDER BY p.seq");
static struct store_stmt stmt_mark = STORE_STMT(
    "WITH d AS (DELETE FROM outbox_pending WHERE seq = ANY ($1::bigint[]))"
    " UPDATE outbox SET published_at = now() WHERE seq = ANY ($1::bigint[]) AND published_at IS NULL");
static struct store_filtered stmt_feed =
    STORE_FILTERED("SELECT envelope, seq FROM outbox WHERE tx < pg_snapshot_xmin(pg_current_snapshot())", 1,
                   " ORDER BY seq LIMIT $3::int", "seq > $1::bigint", "type = $2");
/* The oldest pending event is the one with the lowest seq (near enough: seq is taken in order). */
static struct store_stmt stmt_backlog = STORE_STMT(
    "SELECT count(*), coalesce(extract(epoch FROM now() - (SELECT o.created_at FROM outbox o"
    " WHERE o.seq = (SELECT min(seq) FROM outbox_pending))), 0) FROM outbox_pending");

struct store_step store_outbox_step(const char *params[8], struct store_conn *db, struct store_stmt *stmt,
                                    const struct outbox_event *ev, int nkeys, const char *const *keys, PGresult **out)
{
  params[0] = ev->topic;
  params[1] = ev->key;
  params[2] = ev->type;
  params[3] = ev->subject;
  for (int i = 0; i < nkeys && i < 4; i++)
    params[4 + i] = keys[i];
  store_announce(db);
  return (struct store_step){stmt, 4 + (nkeys < 4 ? nkeys : 4), params, out};
}

int store_outbox_doc_event(char **doc, struct store_conn *db, struct store_stmt *stmt, const struct outbox_event *ev,
                           int nkeys, const char *const *keys)
{
  const char *p[8];
  PGresult *res = NULL;
  struct store_step step = store_outbox_step(p, db, stmt, ev, nkeys, keys, &res);
  int rc = store_pipeline(db, &step, 1);
  return rc ? rc : store_result_text(doc, res);
}

int store_outbox_pending(PGresult **out, struct store_conn *db, int limit, const char *after_seq,
                         const char *horizon)
{
  char lim[16];
  snprintf(lim, sizeof lim, "%d", limit);
  const char *p[] = {lim, after_seq, horizon};
  return store_exec(out, db, &stmt_pending, 3, p);
}

int store_outbox_mark(struct store_conn *db, const char *seqs)
{
  return store_run(db, &stmt_mark, 1, &seqs);
}

int store_outbox_feed(PGresult **out, struct store_conn *db, const char *after, const char *type, const char *limit)
{
  const char *p[] = {after, type, limit};
  return store_exec_filtered(out, db, &stmt_feed, 3, p);
}

int store_outbox_backlog(long *pending, double *oldest_seconds, struct store_conn *db)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, db, &stmt_backlog, 0, NULL);
  if (rc)
    return rc;
  *pending = atol(PQgetvalue(res, 0, 0));
  *oldest_seconds = atof(PQgetvalue(res, 0, 1));
  PQclear(res);
  return PINS_OK;
}
