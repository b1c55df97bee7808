-- Local PINS projects: one per ICB per financial year, delivered by a partnership, steered by a
-- governance group, planned in a delivery plan that every partner signs, then approved, put
-- under an MoU and funded. Schools enrol in a project; a withdrawal is kept, never erased.

-- The ICBs an LA's area reaches into (shared/data la_icb_splits.csv): a project may take a
-- partner LA whose area lies partly in its ICB even when the LA is mapped to a neighbour.
CREATE TABLE la_icb_areas (
  la_code   text NOT NULL CONSTRAINT la_icb_areas__la_code_fkey REFERENCES local_authorities (code),
  icb_code  text NOT NULL CONSTRAINT la_icb_areas__icb_code_fkey REFERENCES icbs (code),
  share     numeric(4, 3) NOT NULL CHECK (share > 0 AND share <= 1),
  PRIMARY KEY (la_code, icb_code)
);

CREATE TABLE projects (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  icb_code          text NOT NULL CONSTRAINT projects__icb_code_fkey REFERENCES icbs (code),
  financial_year    text NOT NULL CHECK (financial_year ~ '^20[0-9]{2}-[0-9]{2}$'),
  kind              text NOT NULL CHECK (kind IN ('new', 'continuing')),
  allocation_pence  bigint NOT NULL CHECK (allocation_pence > 0),
  status            text NOT NULL DEFAULT 'setup'
                    CHECK (status IN ('setup', 'plan_submitted', 'plan_approved', 'mou_signed', 'funded', 'closed')),
  mou_signed_on     date,
  created_at        timestamptz NOT NULL DEFAULT now(),
  version           bigint NOT NULL DEFAULT 1,
  CONSTRAINT projects_one_per_icb_year UNIQUE (icb_code, financial_year)
);

-- Who did what to a project, in order: every transition and every change.
CREATE TABLE project_history (
  id           bigserial PRIMARY KEY,
  project_id   uuid NOT NULL REFERENCES projects (id),
  at           timestamptz NOT NULL DEFAULT now(),
  actor_role   text,
  actor_org    text,
  actor_sub    text,
  request_id   text,
  action       text NOT NULL,
  from_status  text,
  to_status    text,
  comment      text,
  detail       jsonb
);
CREATE INDEX project_history_project ON project_history (project_id, id);

CREATE TABLE project_partners (
  project_id  uuid NOT NULL REFERENCES projects (id),
  org_type    text NOT NULL CHECK (org_type IN ('local_authority', 'pcf', 'provider')),
  org_code    text NOT NULL,
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, org_type, org_code)
);
CREATE INDEX project_partners_org ON project_partners (org_type, org_code);

CREATE TABLE governance_members (
  project_id  uuid NOT NULL REFERENCES projects (id),
  org_type    text NOT NULL CHECK (org_type IN ('icb', 'local_authority', 'pcf')),
  org_code    text NOT NULL,
  role_title  text NOT NULL CHECK (length(role_title) BETWEEN 1 AND 200),
  added_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, org_type, org_code)
);

CREATE TABLE delivery_plans (
  project_id                uuid PRIMARY KEY REFERENCES projects (id),
  plan_version              integer NOT NULL DEFAULT 1,
  commissioning_priorities  jsonb NOT NULL,
  commissioning_approach    text NOT NULL,
  builds_on_local_offers    boolean NOT NULL,
  funding_lines             jsonb NOT NULL,
  updated_at                timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan_sign_offs (
  project_id    uuid NOT NULL REFERENCES projects (id),
  plan_version  integer NOT NULL,
  org_type      text NOT NULL CHECK (org_type IN ('icb', 'local_authority', 'pcf')),
  org_code      text NOT NULL,
  signed_at     timestamptz NOT NULL DEFAULT now(),
  signed_by     text,
  PRIMARY KEY (project_id, org_type, org_code)
);

CREATE TABLE funding_releases (
  id            bigserial PRIMARY KEY,
  project_id    uuid NOT NULL REFERENCES projects (id),
  released_on   date NOT NULL,
  amount_pence  bigint NOT NULL CHECK (amount_pence > 0),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX funding_releases_project ON funding_releases (project_id);

CREATE TABLE project_schools (
  project_id         uuid NOT NULL REFERENCES projects (id),
  urn                integer NOT NULL CONSTRAINT project_schools__urn_fkey REFERENCES schools (urn),
  financial_year     text NOT NULL,
  cohort             text NOT NULL CHECK (cohort IN ('new', 'embedding')),
  selection_reason   text NOT NULL CHECK (length(selection_reason) BETWEEN 1 AND 2000),
  enrolled_at        timestamptz NOT NULL DEFAULT now(),
  withdrawn_at       timestamptz,
  withdrawal_reason  text,
  PRIMARY KEY (project_id, urn)
);
-- A school takes part in one project a year: two racing enrolments cannot both win.
CREATE UNIQUE INDEX project_schools_one_per_year ON project_schools (urn, financial_year) WHERE withdrawn_at IS NULL;
CREATE INDEX project_schools_urn ON project_schools (urn);

-- Funding committed to support. Commissioned interventions arrive with school work; until then
-- nothing can be committed.
CREATE FUNCTION project_committed_pence(p uuid) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT 0::bigint $$;

CREATE VIEW project_docs AS
  SELECT p.*, (SELECT row_to_json(d) FROM (
    SELECT p.id, p.icb_code, p.financial_year, p.kind, p.allocation_pence, p.status,
           CASE p.kind WHEN 'new' THEN 40 ELSE 30 END AS new_school_target,
           (SELECT row_to_json(x) FROM (SELECT e.new_count AS new, e.embedding_count AS embedding) x) AS enrolled,
           e.new_count > CASE p.kind WHEN 'new' THEN 40 ELSE 30 END AS over_target,
           (SELECT row_to_json(x) FROM (SELECT p.allocation_pence, f.planned AS planned_pence,
                                               f.released AS released_pence, f.committed AS committed_pence,
                                               p.allocation_pence - f.committed AS remaining_pence) x) AS funding,
           p.mou_signed_on, p.created_at) d)::text AS doc
  FROM projects p
  CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE s.cohort = 'new') AS new_count,
           count(*) FILTER (WHERE s.cohort = 'embedding') AS embedding_count
    FROM project_schools s WHERE s.project_id = p.id AND s.withdrawn_at IS NULL) e
  CROSS JOIN LATERAL (
    SELECT coalesce((SELECT sum((l ->> 'amount_pence')::bigint) FROM delivery_plans dp,
                     jsonb_array_elements(dp.funding_lines) l WHERE dp.project_id = p.id), 0) AS planned,
           coalesce((SELECT sum(amount_pence) FROM funding_releases r WHERE r.project_id = p.id), 0) AS released,
           project_committed_pence(p.id) AS committed) f;

-- The one rule for who may see and change a project ('write', 'read' or 'none'); single reads
-- and list filters both call it.
CREATE FUNCTION project_access(p projects, role text, org text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN role = 'national' THEN 'write'
    WHEN role = 'evaluator' THEN 'read'
    WHEN role = 'icb' AND p.icb_code = org THEN 'write'
    WHEN role IN ('local_authority', 'pcf') AND EXISTS (
      SELECT 1 FROM project_partners pp WHERE pp.project_id = p.id AND pp.org_type = role AND pp.org_code = org)
      THEN 'read'
    WHEN role = 'school' AND EXISTS (
      SELECT 1 FROM project_schools s WHERE s.project_id = p.id AND s.urn::text = org) THEN 'read'
    ELSE 'none'
  END
$$;

-- Each partner or governance member with the name of its organisation.
CREATE FUNCTION org_name(org_type text, org_code text) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE org_type
    WHEN 'icb' THEN (SELECT name FROM icbs WHERE code = org_code)
    WHEN 'local_authority' THEN (SELECT name FROM local_authorities WHERE code = org_code)
    WHEN 'pcf' THEN (SELECT name FROM parent_carer_forums WHERE id = org_code)
  END
$$;

CREATE VIEW project_school_docs AS
  SELECT ps.*, (SELECT row_to_json(d) FROM (
    SELECT ps.project_id, ps.urn, s.name, s.la_code, ps.cohort, ps.selection_reason, ps.enrolled_at,
           ps.withdrawn_at, ps.withdrawal_reason) d)::text AS doc
  FROM project_schools ps JOIN schools s USING (urn);

-- The organisations that must sign a project's delivery plan: the ICB, each partner LA and
-- each partner parent carer forum.
CREATE FUNCTION plan_signers(pid uuid) RETURNS TABLE (org_type text, org_code text) LANGUAGE sql STABLE AS $$
  SELECT 'icb', icb_code FROM projects WHERE id = pid
  UNION ALL
  SELECT pp.org_type, pp.org_code FROM project_partners pp
  WHERE pp.project_id = pid AND pp.org_type IN ('local_authority', 'pcf')
$$;

CREATE VIEW delivery_plan_docs AS
  SELECT dp.project_id, json_build_object(
    'project_id', dp.project_id, 'plan_version', dp.plan_version,
    'commissioning_priorities', dp.commissioning_priorities, 'commissioning_approach', dp.commissioning_approach,
    'builds_on_local_offers', dp.builds_on_local_offers, 'funding_lines', dp.funding_lines,
    'funding_total_pence', (SELECT coalesce(sum((l ->> 'amount_pence')::bigint), 0)
                            FROM jsonb_array_elements(dp.funding_lines) l),
    'updated_at', dp.updated_at,
    'sign_offs', (SELECT coalesce(json_agg(json_build_object('org_type', r.org_type, 'org_code', r.org_code,
                                  'name', org_name(r.org_type, r.org_code), 'signed_at', so.signed_at)
                                  ORDER BY r.org_type, r.org_code), '[]')
                  FROM plan_signers(dp.project_id) r
                  LEFT JOIN plan_sign_offs so ON so.project_id = dp.project_id AND so.org_type = r.org_type
                   AND so.org_code = r.org_code AND so.plan_version = dp.plan_version)
  )::text AS doc
  FROM delivery_plans dp;

-- The facts that decide whether a plan may be submitted (the rules are the service's).
CREATE FUNCTION plan_readiness(pid uuid) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'has_plan', EXISTS (SELECT 1 FROM delivery_plans WHERE project_id = pid),
    'partner_las', (SELECT count(*) FROM project_partners WHERE project_id = pid AND org_type = 'local_authority'),
    'partner_pcfs', (SELECT count(*) FROM project_partners WHERE project_id = pid AND org_type = 'pcf'),
    'governance_has_icb', EXISTS (SELECT 1 FROM governance_members g JOIN projects p ON p.id = g.project_id
                                  WHERE g.project_id = pid AND g.org_type = 'icb' AND g.org_code = p.icb_code),
    'governance_has_pcf', EXISTS (SELECT 1 FROM governance_members WHERE project_id = pid AND org_type = 'pcf'),
    'governance_missing_las', (
      SELECT coalesce(json_agg(DISTINCT s.la_code), '[]') FROM project_schools ps JOIN schools s USING (urn)
      WHERE ps.project_id = pid AND ps.withdrawn_at IS NULL AND NOT EXISTS (
        SELECT 1 FROM governance_members g WHERE g.project_id = pid AND g.org_type = 'local_authority'
        AND g.org_code = s.la_code)),
    'sign_offs_missing', (
      SELECT coalesce(json_agg(json_build_object('org_type', r.org_type, 'org_code', r.org_code)), '[]')
      FROM plan_signers(pid) r WHERE NOT EXISTS (
        SELECT 1 FROM plan_sign_offs so JOIN delivery_plans dp ON dp.project_id = so.project_id
        WHERE so.project_id = pid AND so.org_type = r.org_type AND so.org_code = r.org_code
        AND so.plan_version = dp.plan_version)),
    'planned_pence', (SELECT coalesce(sum((l ->> 'amount_pence')::bigint), 0) FROM delivery_plans dp,
                      jsonb_array_elements(dp.funding_lines) l WHERE dp.project_id = pid),
    'allocation_pence', (SELECT allocation_pence FROM projects WHERE id = pid))
$$;
