-- Each school keeps its document as text, set by a trigger whenever the row is written, so a
-- list page reads 50 stored documents instead of building them (bench/README.md, session 2:
-- building them was most of a page's PostgreSQL time). Schools change a few times a year.
ALTER TABLE schools ADD COLUMN doc text;

CREATE FUNCTION schools_set_doc() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.doc := school_doc(NEW);
  RETURN NEW;
END $$;
CREATE TRIGGER schools_doc BEFORE INSERT OR UPDATE ON schools FOR EACH ROW EXECUTE FUNCTION schools_set_doc();

-- Filling the column is not a change to any school: no audit rows.
ALTER TABLE schools DISABLE TRIGGER schools_audit;
UPDATE schools SET doc = school_doc(schools);
ALTER TABLE schools ENABLE TRIGGER schools_audit;
ALTER TABLE schools ALTER COLUMN doc SET NOT NULL;

-- The audit trail records the record's fields, not its stored document.
CREATE OR REPLACE FUNCTION audit_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_doc jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) - 'version' - 'doc' END;
  new_doc jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) - 'version' - 'doc' END;
BEGIN
  IF TG_OP = 'UPDATE' AND old_doc = new_doc THEN
    RETURN NEW;
  END IF;
  INSERT INTO audit_log (actor_role, actor_org, actor_sub, request_id, action, table_name, record_key, before, after)
  VALUES (nullif(current_setting('pins.actor_role', true), ''), nullif(current_setting('pins.actor_org', true), ''),
          nullif(current_setting('pins.actor_sub', true), ''), nullif(current_setting('pins.request_id', true), ''),
          CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
          TG_TABLE_NAME, coalesce(new_doc, old_doc) ->> TG_ARGV[0], old_doc, new_doc);
  RETURN coalesce(NEW, OLD);
END $$;

DROP VIEW school_docs;
CREATE VIEW school_docs AS SELECT * FROM schools;
