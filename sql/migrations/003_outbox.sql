-- The transactional outbox: an event row is written in the same transaction as the change it
-- reports, so a rolled-back change leaves no event. bin/pins-relay publishes rows to Kafka in
-- seq order and marks them published once the broker has acknowledged them.
--
-- A bigserial alone does not give a safe order to read in: a transaction that took seq 10 may
-- commit after one that took seq 11. Readers therefore only take rows whose transaction is older
-- than every transaction still running (tx < pg_snapshot_xmin(pg_current_snapshot())), so no
-- row can later appear below one already read.
CREATE TABLE outbox (
  seq           bigserial PRIMARY KEY,
  tx            xid8 NOT NULL DEFAULT pg_current_xact_id(),
  id            uuid NOT NULL UNIQUE,
  topic         text NOT NULL,
  key           text NOT NULL,
  type          text NOT NULL,
  envelope      text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  published_at  timestamptz
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_type ON outbox (type, seq);

-- Wakes the relay (LISTEN pins_outbox) when the inserting transaction commits.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('pins_outbox', '');
  RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Adds one event: a CloudEvents 1.0 envelope (structured mode) around data, the record as the
-- API returns it.
CREATE FUNCTION outbox_add(p_topic text, p_key text, p_type text, p_subject text, p_data json)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  event_id uuid := gen_random_uuid();
BEGIN
  INSERT INTO outbox (id, topic, key, type, envelope)
  VALUES (event_id, p_topic, p_key, p_type,
          json_build_object('specversion', '1.0', 'id', event_id, 'source', '/pins-hub', 'type', p_type,
                            'subject', p_subject, 'time', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                            'datacontenttype', 'application/json', 'data', p_data)::text);
  RETURN event_id;
END $$;
