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
-- Cost (bench/README.md; completions must keep their margin): one row-level AFTER trigger doing
-- one INSERT. The row images are to_jsonb of the row, built once each; a column that is a derived
-- document (schools.doc) is left out; an UPDATE that changed nothing writes no row. Measured on a
-- self-assessment completion's UPDATE: ~45 us of PostgreSQL CPU a row (the INSERT ~15, the two
-- images ~15, storing them ~13). A statement-level trigger with transition tables cost about twice
-- that for the one-row statements the service runs, a diff of the two images (before/after holding
-- only changed fields) more CPU than it saved in storage, and compressing the images with lz4
-- instead of pglz ~8 us a row.

-- The server's request id (request_id) and the one the client sent, if any, kept beside it.
ALTER TABLE audit_log ADD COLUMN client_request_id text;
ALTER TABLE audit_log ALTER COLUMN before SET COMPRESSION lz4, ALTER COLUMN after SET COMPRESSION lz4;

-- Arguments: the key columns (joined with '/' into record_key, in primary key order), then each
-- column to leave out of the images, written '-column'.
CREATE OR REPLACE FUNCTION audit_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_row jsonb;
  new_row jsonb;
  k text;
  arg text;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    old_row := to_jsonb(OLD);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    new_row := to_jsonb(NEW);
  END IF;
  FOREACH arg IN ARRAY TG_ARGV LOOP
    IF left(arg, 1) = '-' THEN
      old_row := old_row - substr(arg, 2);
      new_row := new_row - substr(arg, 2);
    ELSE
      k := concat_ws('/', k, coalesce(new_row, old_row) ->> arg);
    END IF;
  END LOOP;
  IF TG_OP = 'UPDATE' AND old_row = new_row THEN
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
CREATE INDEX audit_log_sub ON audit_log (actor_sub, id) WHERE actor_sub IS NOT NULL;
CREATE INDEX audit_log_org ON audit_log (actor_org, id) WHERE actor_org IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log USING brin (at);
