-- Running totals per project, kept by triggers in the same transaction as the change they count,
-- so that a project document reads one row instead of summing its interventions and counting its
-- schools (bench/README.md, finding 2: the sum alone cost ~190 us a project, twice per document).
CREATE TABLE project_totals (
  project_id          uuid PRIMARY KEY REFERENCES projects (id),
  committed_pence     bigint NOT NULL DEFAULT 0,  -- interventions not cancelled
  enrolled_new        integer NOT NULL DEFAULT 0, -- schools enrolled and not withdrawn, by cohort
  enrolled_embedding  integer NOT NULL DEFAULT 0
);

CREATE FUNCTION project_totals_add(pid uuid, committed bigint, new_schools integer, embedding integer)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO project_totals AS t (project_id, committed_pence, enrolled_new, enrolled_embedding)
  VALUES (pid, committed, new_schools, embedding)
  ON CONFLICT (project_id) DO UPDATE SET committed_pence = t.committed_pence + EXCLUDED.committed_pence,
    enrolled_new = t.enrolled_new + EXCLUDED.enrolled_new,
    enrolled_embedding = t.enrolled_embedding + EXCLUDED.enrolled_embedding
$$;

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

INSERT INTO project_totals (project_id, committed_pence, enrolled_new, enrolled_embedding)
SELECT p.id,
       coalesce((SELECT sum(cost_pence) FROM interventions i WHERE i.project_id = p.id AND i.status <> 'cancelled'), 0),
       (SELECT count(*) FROM project_schools s WHERE s.project_id = p.id AND s.withdrawn_at IS NULL AND s.cohort = 'new'),
       (SELECT count(*) FROM project_schools s WHERE s.project_id = p.id AND s.withdrawn_at IS NULL
                                                 AND s.cohort = 'embedding')
FROM projects p;

-- A scalar subquery: PostgreSQL inlines it into the statements that call it.
CREATE OR REPLACE FUNCTION project_committed_pence(p uuid) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT committed_pence FROM project_totals WHERE project_id = p), 0)
$$;

CREATE OR REPLACE VIEW project_docs AS
  SELECT p.*, (SELECT row_to_json(d) FROM (
    SELECT p.id, p.icb_code, p.financial_year, p.kind, p.allocation_pence, p.status,
           CASE p.kind WHEN 'new' THEN 40 ELSE 30 END AS new_school_target,
           (SELECT row_to_json(x) FROM (SELECT coalesce(t.enrolled_new, 0) AS new,
                                               coalesce(t.enrolled_embedding, 0) AS embedding) x) AS enrolled,
           coalesce(t.enrolled_new, 0) > CASE p.kind WHEN 'new' THEN 40 ELSE 30 END AS over_target,
           (SELECT row_to_json(x) FROM (SELECT p.allocation_pence, f.planned AS planned_pence,
                                               f.released AS released_pence,
                                               coalesce(t.committed_pence, 0) AS committed_pence,
                                               p.allocation_pence - coalesce(t.committed_pence, 0)
                                                 AS remaining_pence) x) AS funding,
           p.mou_signed_on, p.created_at) d)::text AS doc
  FROM projects p
  LEFT JOIN project_totals t ON t.project_id = p.id
  CROSS JOIN LATERAL (
    SELECT coalesce((SELECT sum((l ->> 'amount_pence')::bigint) FROM delivery_plans dp,
                     jsonb_array_elements(dp.funding_lines) l WHERE dp.project_id = p.id), 0) AS planned,
           coalesce((SELECT sum(amount_pence) FROM funding_releases r WHERE r.project_id = p.id), 0) AS released) f;
