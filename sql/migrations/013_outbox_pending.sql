-- Unpublished events in a table of their own. Marking an event published used to be found through
-- a partial index on published_at, which made every mark a non-HOT update: a new version of the
-- ~2 KB row plus an entry in each of the four indexes (~19 us a row, bench/README.md session 3),
-- and the outbox's only dead tuples. Now the relay reads pending rows from here and, once the
-- broker has acknowledged them, deletes them here and sets published_at, which no index names:
-- with room left on each page (fillfactor) that update stays on the page (HOT).
--
-- Every event gets its row here in the statement that adds it: outbox_add() below and the
-- service's OUTBOX_DOC_EVENT (internal/store/outbox.h) are the only writers of the outbox.
DROP INDEX outbox_pending;
CREATE TABLE outbox_pending (
  seq bigint PRIMARY KEY,
  tx  xid8 NOT NULL DEFAULT pg_current_xact_id()
);
INSERT INTO outbox_pending (seq, tx) SELECT seq, tx FROM outbox WHERE published_at IS NULL;
ALTER TABLE outbox SET (fillfactor = 50);

CREATE OR REPLACE FUNCTION outbox_add(p_topic text, p_key text, p_type text, p_subject text, p_data text)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  event_id uuid := gen_random_uuid();
  added bigint;
BEGIN
  INSERT INTO outbox (id, topic, key, type, envelope)
  VALUES (event_id, p_topic, p_key, p_type, outbox_envelope(event_id, p_type, p_subject, p_data))
  RETURNING seq INTO added;
  INSERT INTO outbox_pending (seq) VALUES (added);
  RETURN event_id;
END $$;
