-- The project list reads a page from project_totals alone. It walked projects in id order,
-- filtered them and looked up each one's stored document in project_totals, a subquery a row:
-- with pgbench, the same 42-project page came 17k times a second that way and 26k as one index
-- scan of project_totals (bench/README.md, session 4). So each totals row now carries the
-- columns the list filters on, set whenever its document is rebuilt: on the row's insert and on
-- every change to the project (projects_touch_totals sets doc to NULL, migration 010). A change to
-- the totals alone leaves them be.
ALTER TABLE project_totals ADD COLUMN icb_code text, ADD COLUMN financial_year text, ADD COLUMN status text;

CREATE FUNCTION project_totals_set_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.icb_code, p.financial_year, p.status INTO NEW.icb_code, NEW.financial_year, NEW.status
  FROM projects p WHERE p.id = NEW.project_id;
  RETURN NEW;
END $$;
CREATE TRIGGER project_totals_keys BEFORE INSERT OR UPDATE OF doc ON project_totals
  FOR EACH ROW EXECUTE FUNCTION project_totals_set_keys();

UPDATE project_totals SET doc = NULL;
ALTER TABLE project_totals ALTER COLUMN icb_code SET NOT NULL, ALTER COLUMN financial_year SET NOT NULL,
  ALTER COLUMN status SET NOT NULL;
