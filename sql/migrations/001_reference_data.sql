-- National reference data: ICBs, local authorities, schools, parent carer forums, the menu of
-- support; the audit trail every write lands in; Idempotency-Key records.
-- Foreign keys are named <table>__<column>_fkey so the service can name the field at fault.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE icbs (
  code        text PRIMARY KEY CHECK (code ~ '^[A-Z0-9]{3}$'),
  ons_code    text NOT NULL CHECK (ons_code ~ '^E54[0-9]{6}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  region      text NOT NULL,
  valid_from  date NOT NULL,
  valid_to    date CHECK (valid_to IS NULL OR valid_to >= valid_from),
  version     bigint NOT NULL DEFAULT 1
);

CREATE TABLE local_authorities (
  code        text PRIMARY KEY CHECK (code ~ '^[0-9]{3}$'),
  ons_code    text NOT NULL CHECK (ons_code ~ '^E[0-9]{8}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  icb_code    text NOT NULL CONSTRAINT local_authorities__icb_code_fkey REFERENCES icbs (code),
  valid_from  date NOT NULL,
  valid_to    date CHECK (valid_to IS NULL OR valid_to >= valid_from),
  version     bigint NOT NULL DEFAULT 1
);
CREATE INDEX local_authorities_icb_code ON local_authorities (icb_code, code);

CREATE TABLE schools (
  urn                 integer PRIMARY KEY CHECK (urn BETWEEN 100000 AND 999999),
  name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  la_code             text NOT NULL CONSTRAINT schools__la_code_fkey REFERENCES local_authorities (code),
  phase               text NOT NULL,
  establishment_type  text NOT NULL CHECK (length(establishment_type) BETWEEN 1 AND 100),
  is_mainstream       boolean NOT NULL,
  status              text NOT NULL,
  valid_from          date NOT NULL,
  valid_to            date CHECK (valid_to IS NULL OR valid_to >= valid_from),
  version             bigint NOT NULL DEFAULT 1
);
CREATE INDEX schools_la_code ON schools (la_code, urn);
CREATE INDEX schools_name_trgm ON schools USING gin (name gin_trgm_ops);

CREATE TABLE parent_carer_forums (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{1,63}$'),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  la_code     text NOT NULL CONSTRAINT parent_carer_forums__la_code_fkey REFERENCES local_authorities (code),
  valid_from  date NOT NULL,
  valid_to    date CHECK (valid_to IS NULL OR valid_to >= valid_from),
  version     bigint NOT NULL DEFAULT 1
);
CREATE INDEX parent_carer_forums_la_code ON parent_carer_forums (la_code, id);

CREATE TABLE menu_items (
  code                text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
  title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  description         text NOT NULL CHECK (length(description) BETWEEN 1 AND 4000),
  domains             text[] NOT NULL CHECK (cardinality(domains) > 0),
  professional_types  text[] NOT NULL CHECK (cardinality(professional_types) > 0),
  delivery_modes      text[] NOT NULL CHECK (cardinality(delivery_modes) > 0),
  active              boolean NOT NULL,
  valid_from          date NOT NULL,
  valid_to            date CHECK (valid_to IS NULL OR valid_to >= valid_from),
  version             bigint NOT NULL DEFAULT 1
);

-- Each resource as the API returns it: one compact JSON text per row, built by PostgreSQL.
CREATE VIEW icb_docs AS
  SELECT t.*, (SELECT row_to_json(d) FROM (SELECT t.code, t.ons_code, t.name, t.region, t.valid_from, t.valid_to) d)::text AS doc
  FROM icbs t;
CREATE VIEW local_authority_docs AS
  SELECT t.*, (SELECT row_to_json(d) FROM (SELECT t.code, t.ons_code, t.name, t.icb_code, t.valid_from, t.valid_to) d)::text AS doc
  FROM local_authorities t;
CREATE VIEW school_docs AS
  SELECT t.*, (SELECT row_to_json(d) FROM (SELECT t.urn, t.name, t.la_code, t.phase, t.establishment_type, t.is_mainstream, t.status, t.valid_from, t.valid_to) d)::text AS doc
  FROM schools t;
CREATE VIEW parent_carer_forum_docs AS
  SELECT t.*, (SELECT row_to_json(d) FROM (SELECT t.id, t.name, t.la_code, t.valid_from, t.valid_to) d)::text AS doc
  FROM parent_carer_forums t;
CREATE VIEW menu_item_docs AS
  SELECT t.*, (SELECT row_to_json(d) FROM (SELECT t.code, t.title, t.description, t.domains, t.professional_types, t.delivery_modes, t.active, t.valid_from, t.valid_to) d)::text AS doc
  FROM menu_items t;

-- The audit trail: one row per changed record, written by a trigger in the same transaction as
-- the change. Who acted comes from transaction-local settings the service sets at BEGIN.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_role  text,
  actor_org   text,
  actor_sub   text,
  request_id  text,
  action      text NOT NULL CHECK (action IN ('create', 'update', 'delete')),
  table_name  text NOT NULL,
  record_key  text NOT NULL,
  before      jsonb,
  after       jsonb
);
CREATE INDEX audit_log_record ON audit_log (table_name, record_key, id);

CREATE FUNCTION audit_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_doc jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) - 'version' END;
  new_doc jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) - 'version' END;
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

CREATE TRIGGER icbs_audit AFTER INSERT OR UPDATE OR DELETE ON icbs
  FOR EACH ROW EXECUTE FUNCTION audit_record('code');
CREATE TRIGGER local_authorities_audit AFTER INSERT OR UPDATE OR DELETE ON local_authorities
  FOR EACH ROW EXECUTE FUNCTION audit_record('code');
CREATE TRIGGER schools_audit AFTER INSERT OR UPDATE OR DELETE ON schools
  FOR EACH ROW EXECUTE FUNCTION audit_record('urn');
CREATE TRIGGER parent_carer_forums_audit AFTER INSERT OR UPDATE OR DELETE ON parent_carer_forums
  FOR EACH ROW EXECUTE FUNCTION audit_record('id');
CREATE TRIGGER menu_items_audit AFTER INSERT OR UPDATE OR DELETE ON menu_items
  FOR EACH ROW EXECUTE FUNCTION audit_record('code');

-- Idempotency-Key records: the first answer to a POST, replayed for a retry with the same body.
-- A row with status NULL is a request still in progress.
CREATE TABLE idempotency_keys (
  caller        text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status        integer,
  content_type  text,
  location      text,
  body          text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
