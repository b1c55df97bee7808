-- Each project's document kept as text in its totals row, rebuilt by a trigger whenever the
-- project or its totals change (both under the project's row lock), so a project list page reads
-- stored documents instead of building 42 (bench/README.md, session 2). Same JSON as before.
ALTER TABLE project_totals ADD COLUMN doc text;

CREATE FUNCTION project_totals_set_doc() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  p projects;
BEGIN
  SELECT * INTO p FROM projects WHERE id = NEW.project_id;
  NEW.doc := (SELECT row_to_json(d) FROM (
    SELECT p.id, p.icb_code, p.financial_year, p.kind, p.allocation_pence, p.status,
           CASE p.kind WHEN 'new' THEN 40 ELSE 30 END AS new_school_target,
           (SELECT row_to_json(x) FROM (SELECT NEW.enrolled_new AS new, NEW.enrolled_embedding AS embedding) x)
             AS enrolled,
           NEW.enrolled_new > CASE p.kind WHEN 'new' THEN 40 ELSE 30 END AS over_target,
           (SELECT row_to_json(x) FROM (SELECT p.allocation_pence, NEW.planned_pence AS planned_pence,
                                               NEW.released_pence AS released_pence,
                                               NEW.committed_pence AS committed_pence,
                                               p.allocation_pence - NEW.committed_pence AS remaining_pence) x)
             AS funding,
           p.mou_signed_on, p.created_at) d)::text;
  RETURN NEW;
END $$;
CREATE TRIGGER project_totals_doc BEFORE INSERT OR UPDATE ON project_totals
  FOR EACH ROW EXECUTE FUNCTION project_totals_set_doc();

-- Every project has its totals row from the start; a change to the project rebuilds the document.
CREATE FUNCTION projects_touch_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO project_totals (project_id) VALUES (NEW.id) ON CONFLICT (project_id) DO NOTHING;
  ELSE
    UPDATE project_totals SET doc = NULL WHERE project_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_touch_totals AFTER INSERT OR UPDATE ON projects
  FOR EACH ROW EXECUTE FUNCTION projects_touch_totals();

INSERT INTO project_totals (project_id) SELECT id FROM projects ON CONFLICT (project_id) DO NOTHING;

-- Every project now has its totals row, so adding to it is a plain UPDATE (an upsert also built
-- the document for the row it did not insert).
CREATE OR REPLACE FUNCTION project_totals_add(pid uuid, committed bigint, new_schools integer, embedding integer,
                                              planned bigint DEFAULT 0, released bigint DEFAULT 0)
RETURNS void LANGUAGE sql AS $$
  UPDATE project_totals SET committed_pence = committed_pence + committed, enrolled_new = enrolled_new + new_schools,
    enrolled_embedding = enrolled_embedding + embedding, planned_pence = planned_pence + planned,
    released_pence = released_pence + released
  WHERE project_id = pid
$$;
UPDATE project_totals SET doc = NULL;
ALTER TABLE project_totals ALTER COLUMN doc SET NOT NULL;

CREATE OR REPLACE VIEW project_docs AS
  SELECT p.*, t.doc FROM projects p JOIN project_totals t ON t.project_id = p.id;
