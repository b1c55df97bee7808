-- Running totals per project, kept by triggers in the same transaction as the change they count,
-- so that a project document reads one row instead of summing its interventions, releases and
-- plan lines and counting its schools (bench/README.md, finding 2: the intervention sum alone
-- cost ~190 us a project, twice per document).
CREATE TABLE project_totals (
  project_id          uuid PRIMARY KEY REFERENCES projects (id),
  committed_pence     bigint NOT NULL DEFAULT 0,  -- interventions not cancelled
  enrolled_new        integer NOT NULL DEFAULT 0, -- schools enrolled and not withdrawn, by cohort
  enrolled_embedding  integer NOT NULL DEFAULT 0,
  planned_pence       bigint NOT NULL DEFAULT 0,  -- the delivery plan's funding lines
  released_pence      bigint NOT NULL DEFAULT 0   -- funding releases
);

CREATE FUNCTION project_totals_add(pid uuid, committed bigint, new_schools integer, embedding integer,
                                   planned bigint DEFAULT 0, released bigint DEFAULT 0)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO project_totals AS t (project_id, committed_pence, enrolled_new, enrolled_embedding, planned_pence,
                                   released_pence)
  VALUES (pid, committed, new_schools, embedding, planned, released)
  ON CONFLICT (project_id) DO UPDATE SET committed_pence = t.committed_pence + EXCLUDED.committed_pence,
    enrolled_new = t.enrolled_new + EXCLUDED.enrolled_new,
    enrolled_embedding = t.enrolled_embedding + EXCLUDED.enrolled_embedding,
    planned_pence = t.planned_pence + EXCLUDED.planned_pence,
    released_pence = t.released_pence + EXCLUDED.released_pence
$$;

CREATE FUNCTION funding_lines_total(lines jsonb) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(sum((l ->> 'amount_pence')::bigint), 0)::bigint FROM jsonb_array_elements(lines) l
$$;

CREATE FUNCTION delivery_plans_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM project_totals_add(OLD.project_id, 0, 0, 0, -funding_lines_total(OLD.funding_lines), 0);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM project_totals_add(NEW.project_id, 0, 0, 0, funding_lines_total(NEW.funding_lines), 0);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER delivery_plans_count AFTER INSERT OR DELETE OR UPDATE OF project_id, funding_lines
  ON delivery_plans FOR EACH ROW EXECUTE FUNCTION delivery_plans_count();

CREATE FUNCTION funding_releases_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM project_totals_add(OLD.project_id, 0, 0, 0, 0, -OLD.amount_pence);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM project_totals_add(NEW.project_id, 0, 0, 0, 0, NEW.amount_pence);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER funding_releases_count AFTER INSERT OR DELETE OR UPDATE OF project_id, amount_pence
  ON funding_releases FOR EACH ROW EXECUTE FUNCTION funding_releases_count();

CREATE FUNCTION interventions_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status <> 'cancelled' THEN
    PERFORM project_totals_add(OLD.project_id, -OLD.cost_pence, 0, 0);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status <> 'cancelled' THEN
    PERFORM project_totals_add(NEW.project_id, NEW.cost_pence, 0, 0);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER interventions_count AFTER INSERT OR DELETE OR UPDATE OF project_id, cost_pence, status
  ON interventions FOR EACH ROW EXECUTE FUNCTION interventions_count();

CREATE FUNCTION project_schools_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.withdrawn_at IS NULL THEN
    PERFORM project_totals_add(OLD.project_id, 0, -(OLD.cohort = 'new')::integer, -(OLD.cohort = 'embedding')::integer);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.withdrawn_at IS NULL THEN
    PERFORM project_totals_add(NEW.project_id, 0, (NEW.cohort = 'new')::integer, (NEW.cohort = 'embedding')::integer);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER project_schools_count AFTER INSERT OR DELETE OR UPDATE OF project_id, cohort, withdrawn_at
  ON project_schools FOR EACH ROW EXECUTE FUNCTION project_schools_count();

INSERT INTO project_totals (project_id, committed_pence, enrolled_new, enrolled_embedding, planned_pence,
                            released_pence)
SELECT p.id,
       coalesce((SELECT sum(cost_pence) FROM interventions i WHERE i.project_id = p.id AND i.status <> 'cancelled'), 0),
       (SELECT count(*) FROM project_schools s WHERE s.project_id = p.id AND s.withdrawn_at IS NULL AND s.cohort = 'new'),
       (SELECT count(*) FROM project_schools s WHERE s.project_id = p.id AND s.withdrawn_at IS NULL
                                                 AND s.cohort = 'embedding'),
       coalesce((SELECT funding_lines_total(dp.funding_lines) FROM delivery_plans dp WHERE dp.project_id = p.id), 0),
       coalesce((SELECT sum(amount_pence) FROM funding_releases r WHERE r.project_id = p.id), 0)
FROM projects p;

-- A scalar subquery: PostgreSQL inlines it into the statements that call it.
CREATE OR REPLACE FUNCTION project_committed_pence(p uuid) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT committed_pence FROM project_totals WHERE project_id = p), 0)
$$;

-- Everything from the project row and its totals row: no subquery touches another table.
CREATE OR REPLACE VIEW project_docs AS
  SELECT p.*, (SELECT row_to_json(d) FROM (
    SELECT p.id, p.icb_code, p.financial_year, p.kind, p.allocation_pence, p.status,
           CASE p.kind WHEN 'new' THEN 40 ELSE 30 END AS new_school_target,
           (SELECT row_to_json(x) FROM (SELECT coalesce(t.enrolled_new, 0) AS new,
                                               coalesce(t.enrolled_embedding, 0) AS embedding) x) AS enrolled,
           coalesce(t.enrolled_new, 0) > CASE p.kind WHEN 'new' THEN 40 ELSE 30 END AS over_target,
           (SELECT row_to_json(x) FROM (SELECT p.allocation_pence, coalesce(t.planned_pence, 0) AS planned_pence,
                                               coalesce(t.released_pence, 0) AS released_pence,
                                               coalesce(t.committed_pence, 0) AS committed_pence,
                                               p.allocation_pence - coalesce(t.committed_pence, 0)
                                                 AS remaining_pence) x) AS funding,
           p.mou_signed_on, p.created_at) d)::text AS doc
  FROM projects p
  LEFT JOIN project_totals t ON t.project_id = p.id;
