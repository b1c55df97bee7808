-- The audit trail covers every table a client can change (issue 11): until now only the reference
-- data had the audit trigger, so self-assessments, meetings, parent carer groups, quarterly reports,
-- templates and the project records left no row in audit_log (interventions only a history row).
--
-- One mechanism puts the trigger on a table: audit_attach(table), which keys the table's rows by
-- its primary key. Every table in the schema has it except a few listed in
-- tests/api/test_audit.py, each with its reason (audit_log itself, the outbox, idempotency
-- records, derived totals, the project history, schema_migrations); a test fails for any other
-- table without it, so a new table gets `SELECT audit_attach('new_table');` in its migration.
--
-- Cost (completions must keep their bench margin): one row-level AFTER trigger doing one INSERT of
-- two row images (row_to_json: half the CPU of to_jsonb; lz4 instead of pglz saves ~8 us a row); a
-- derived document column (schools.doc) is left out; an UPDATE that changed nothing writes no row.
-- Measured on the 2-core machine shared with other work (figures in the commit that added this migration): ~45 us of
-- PostgreSQL CPU a row when many rows share a statement, but ~100-250 us for the one-row
-- transaction of a completion (statement start-up of the INSERT and its six index entries, the
-- images), i.e. paired runs of completions through the API at 0.77-1.00 (mean ~0.9) of the same
-- binary without the trigger. A statement-level trigger with transition tables cost about twice as
-- much for one-row statements; before/after holding only the changed fields cost more CPU than it
-- saved in storage. `make bench` must confirm the completion target.

-- The server's request id (request_id) and the one the client sent, if any, kept beside it.
ALTER TABLE audit_log ADD COLUMN client_request_id text;
-- The images as json text (row_to_json), which costs half what building jsonb does; compressed
-- with lz4 (cheaper than pglz).
ALTER TABLE audit_log ALTER COLUMN before TYPE json USING before::json, ALTER COLUMN after TYPE json USING after::json;
ALTER TABLE audit_log ALTER COLUMN before SET COMPRESSION lz4, ALTER COLUMN after SET COMPRESSION lz4;

-- Arguments: the first key column, then the other key columns (record_key joins them with '/', in
-- primary key order) and each column to leave out of the images, written '-column'.
CREATE OR REPLACE FUNCTION audit_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row json;
  new_row json;
  k text;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    old_row := row_to_json(OLD);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_row := row_to_json(NEW);
  END IF;
  k := coalesce(new_row, old_row) ->> TG_ARGV[0];
  FOR i IN 1 .. TG_NARGS - 1 LOOP
    IF left(TG_ARGV[i], 1) = '-' THEN
      old_row := (old_row::jsonb - substr(TG_ARGV[i], 2))::json;
      new_row := (new_row::jsonb - substr(TG_ARGV[i], 2))::json;
    ELSE
      k := k || '/' || (coalesce(new_row, old_row) ->> TG_ARGV[i]);
    END IF;
  END LOOP;
  IF TG_OP = 'UPDATE' AND old_row::text = new_row::text THEN
    RETURN NULL;
  END IF;
  INSERT INTO audit_log (actor_role, actor_org, actor_sub, request_id, client_request_id, action, table_name,
                         record_key, before, after)
  VALUES (nullif(current_setting('pins.actor_role', true), ''), nullif(current_setting('pins.actor_org', true), ''),
          nullif(current_setting('pins.actor_sub', true), ''), nullif(current_setting('pins.request_id', true), ''),
          nullif(current_setting('pins.client_request_id', true), ''),
          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
          TG_TABLE_NAME, k, old_row, new_row);
  RETURN NULL;
END $$;

-- Puts the audit trigger (<table>_audit) on a table, replacing one already there. leave_out names
-- columns that are not part of the record (a stored document derived from the others).
CREATE FUNCTION audit_attach(tbl regclass, leave_out text[] DEFAULT '{}') RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  args text;
  trigger_name text := (SELECT relname FROM pg_class WHERE oid = tbl) || '_audit';
BEGIN
  SELECT string_agg(quote_literal(a.attname), ', ' ORDER BY k.ord) INTO args
  FROM pg_index i
  CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
  WHERE i.indrelid = tbl AND i.indisprimary;
  IF args IS NULL THEN
    RAISE EXCEPTION 'audit_attach: table % has no primary key to name its records by', tbl;
  END IF;
  SELECT args || coalesce(string_agg(', ' || quote_literal('-' || c), ''), '') INTO args FROM unnest(leave_out) c;
  IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = tbl AND tgname = trigger_name) THEN
    EXECUTE format('DROP TRIGGER %I ON %s', trigger_name, tbl);
  END IF;
  EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION audit_record(%s)',
                 trigger_name, tbl, args);
END $$;

-- The reference data (re-attached: same keys as before, by the same function), then the rest.
SELECT audit_attach(t) FROM unnest(ARRAY[
  'icbs', 'local_authorities', 'parent_carer_forums', 'menu_items', 'la_icb_areas',
  'projects', 'project_partners', 'governance_members', 'delivery_plans', 'plan_sign_offs', 'funding_releases',
  'project_schools', 'interventions', 'quarterly_reports',
  'self_assessment_templates', 'self_assessments', 'parent_carer_groups', 'engagement_meetings'
]::regclass[]) AS t;
SELECT audit_attach('schools', '{doc}');

-- GET /v1/audit filters by record, table, subject, organisation and time, and pages by id: each
-- filter has an index that returns its rows in id order (at is nearly in id order: BRIN).
DROP INDEX audit_log_record;
CREATE INDEX audit_log_record ON audit_log (record_key, id);
CREATE INDEX audit_log_table ON audit_log (table_name, id);
CREATE INDEX audit_log_sub ON audit_log (actor_sub, id);
CREATE INDEX audit_log_org ON audit_log (actor_org, id);
CREATE INDEX audit_log_at ON audit_log USING brin (at);
