-- Two costs of adding an event, found measuring completions (bench/README.md, session 3).
--
-- 1. An event's data arrives as the record's document, text that row_to_json has just made: the
--    envelope is put together around it as text instead of parsing it into json and printing it
--    again. Its fields, their order and values are as before; it is now compact.
--
-- 2. The NOTIFY in every transaction that added an event: PostgreSQL serialises the commits of
--    notifying transactions on one lock held through the commit's WAL flush, so every completion
--    waited its turn for a disk sync (the most common wait seen). The service now sends the
--    NOTIFY itself with a commit at most once every few milliseconds (store_announce in
--    internal/store/db.h) and the relay, once rows come, keeps reading for a while without one.
-- The envelope, as one expression PostgreSQL inlines where it is used: the service's statements
-- insert events with it directly (OUTBOX_DOC_EVENT in internal/store/outbox.h), and outbox_add
-- below (the same for SQL callers) wraps it.
CREATE FUNCTION outbox_envelope(event_id uuid, p_type text, p_subject text, p_data text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT '{"specversion":"1.0","id":"' || event_id || '","source":"/pins-hub","type":' || to_json(p_type)::text
         || ',"subject":' || to_json(p_subject)::text || ',"time":"'
         || to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
         || '","datacontenttype":"application/json","data":' || p_data || '}'
$$;

CREATE FUNCTION outbox_add(p_topic text, p_key text, p_type text, p_subject text, p_data text)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  event_id uuid := gen_random_uuid();
BEGIN
  INSERT INTO outbox (id, topic, key, type, envelope)
  VALUES (event_id, p_topic, p_key, p_type, outbox_envelope(event_id, p_type, p_subject, p_data));
  RETURN event_id;
END $$;

DROP FUNCTION outbox_add(text, text, text, text, json);
DROP TRIGGER outbox_notify ON outbox;
DROP FUNCTION outbox_notify();
