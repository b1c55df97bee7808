#ifndef PINS_STORE_OUTBOX_H
#define PINS_STORE_OUTBOX_H

#include "store/db.h"

/* The transactional outbox (sql/migrations/003_outbox.sql). */

/* An event about a record: its document is the event's data. */
struct outbox_event {
  const char *topic;
  const char *key; /* the project id */
  const char *type;
  const char *subject;
};

/* The statement that reads a record's document from its docs view and adds it as an event, for
 * store_outbox_step: where selects the record by the key parameters $5, $6... The document is
 * made once (MATERIALIZED) and becomes the event's data as text, inside the envelope that
 * outbox_envelope makes (migration 011; an inlined expression, not a function call); the event
 * is also listed as pending for the relay (migration 013). */
#define OUTBOX_DOC_EVENT(view, where)                                                                  \
  STORE_STMT("WITH d AS MATERIALIZED (SELECT doc, gen_random_uuid() AS event_id FROM " view " WHERE " where  \
             "), e AS (INSERT INTO outbox (id, topic, key, type, envelope)"                             \
             " SELECT event_id, $1, $2, $3, outbox_envelope(event_id, $3, $4, doc) FROM d RETURNING seq),"  \
             " p AS (INSERT INTO outbox_pending (seq) SELECT seq FROM e)"                                 \
             " SELECT doc FROM d")

/* The step that reads a record's document and adds it as an event: stmt is an OUTBOX_DOC_EVENT,
 * nkeys (at most 4) key parameters follow the event's four; params receives them all and must
 * live until the step has run. Announces the event (store_announce). For store_commit_after,
 * which sends the document, the event and the COMMIT in one round trip. */
struct store_step store_outbox_step(const char *params[8], struct store_conn *db, struct store_stmt *stmt,
                                    const struct outbox_event *ev, int nkeys, const char *const *keys, PGresult **out);

/* Reads a record's document and adds it as an event (the step above, run now). *doc is the new
 * document (free). */
int store_outbox_doc_event(char **doc, struct store_conn *db, struct store_stmt *stmt, const struct outbox_event *ev,
                           int nkeys, const char *const *keys);

/* Reads up to limit unpublished events that are safe to publish in order (their transaction is
 * older than every running one, the horizon), in seq order, skipping those an earlier read already
 * returned: the cursor is the highest seq read so far and the horizon of the last read that
 * returned rows ("0" and "0" to read from the start). Columns: seq, id, topic, key, envelope,
 * horizon (this read's, for the next cursor). */
int store_outbox_pending(PGresult **out, struct store_conn *db, int limit, const char *after_seq,
                         const char *horizon);

/* Marks events published; seqs is a PostgreSQL array literal, e.g. "{1,2,3}". */
int store_outbox_mark(struct store_conn *db, const char *seqs);

/* Reads published or not, in order, for the HTTP feed: events after seq (NULL: from the start)
 * of type (NULL: any), safe horizon as above. Columns: envelope, seq. */
int store_outbox_feed(PGresult **out, struct store_conn *db, const char *after, const char *type, const char *limit);

/* Unpublished events and the age in seconds of the oldest (0 when none). */
int store_outbox_backlog(long *pending, double *oldest_seconds, struct store_conn *db);

#endif
