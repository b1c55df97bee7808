-- School work beyond self-assessment: commissioned support, parent carer engagement and the
-- ICB's quarterly reports.

-- Commissioned support: items of the national menu, commissioned against the project's funding.
CREATE TABLE interventions (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id              uuid NOT NULL REFERENCES projects (id),
  urn                     integer,  -- NULL: project-wide training
  menu_item_code          text NOT NULL REFERENCES menu_items (code),
  professional_type       text NOT NULL,
  delivery_mode           text NOT NULL CHECK (delivery_mode IN ('face_to_face', 'virtual', 'blended')),
  planned_days            integer NOT NULL CHECK (planned_days > 0),
  cost_pence              bigint NOT NULL CHECK (cost_pence >= 0),
  addresses_domains       text[] NOT NULL,
  builds_on_local_offer   boolean NOT NULL,
  status                  text NOT NULL DEFAULT 'planned'
                          CHECK (status IN ('planned', 'commissioned', 'delivered', 'cancelled')),
  delivered_on            date,
  delivered_days          integer,
  attendance              jsonb,
  cancel_reason           text,
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  version                 bigint NOT NULL DEFAULT 1,
  FOREIGN KEY (project_id, urn) REFERENCES project_schools (project_id, urn)
);
CREATE INDEX interventions_project ON interventions (project_id, urn);

-- Funding committed: every intervention not cancelled.
CREATE OR REPLACE FUNCTION project_committed_pence(p uuid) RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT coalesce(sum(cost_pence), 0)::bigint FROM interventions WHERE project_id = p AND status <> 'cancelled'
$$;

CREATE VIEW intervention_docs AS
  SELECT i.*, (SELECT row_to_json(d) FROM (
    SELECT i.id, i.project_id, i.urn, i.menu_item_code, i.professional_type, i.delivery_mode, i.planned_days,
           i.cost_pence, i.addresses_domains, i.builds_on_local_offer, i.status, i.delivered_on, i.delivered_days,
           i.attendance, i.cancel_reason, i.created_at, i.updated_at) d)::text AS doc
  FROM interventions i;

-- A school's parent carer group, formed or developed with a parent carer forum.
CREATE TABLE parent_carer_groups (
  project_id    uuid NOT NULL,
  urn           integer NOT NULL,
  pcf_id        text NOT NULL CONSTRAINT parent_carer_groups__pcf_id_fkey REFERENCES parent_carer_forums (id),
  formed_on     date NOT NULL,
  member_count  integer NOT NULL CHECK (member_count >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, urn),
  FOREIGN KEY (project_id, urn) REFERENCES project_schools (project_id, urn)
);

CREATE TABLE engagement_meetings (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id      uuid NOT NULL,
  urn             integer NOT NULL,
  pcf_id          text NOT NULL CONSTRAINT engagement_meetings__pcf_id_fkey REFERENCES parent_carer_forums (id),
  scheduled_for   date NOT NULL,
  status          text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'completed', 'cancelled')),
  held_on         date,
  attendance      jsonb,
  themes          jsonb,
  actions         jsonb,
  cancel_reason   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         bigint NOT NULL DEFAULT 1,
  FOREIGN KEY (project_id, urn) REFERENCES project_schools (project_id, urn)
);
CREATE INDEX engagement_meetings_project ON engagement_meetings (project_id, urn);

CREATE VIEW engagement_meeting_docs AS
  SELECT m.*, (SELECT row_to_json(d) FROM (
    SELECT m.id, m.project_id, m.urn, m.pcf_id, m.scheduled_for, m.status, m.held_on, m.attendance, m.themes,
           m.actions, m.cancel_reason, m.created_at, m.updated_at) d)::text AS doc
  FROM engagement_meetings m;

-- Parent carer engagement ('write', 'read' or 'none'): the school, the project's ICB, and a
-- partner parent carer forum that supports the school (it runs the school's parent carer group,
-- or it belongs to the school's LA) write; the national team, the evaluator and the school's
-- partner LA read.
CREATE FUNCTION engagement_access(pid uuid, school integer, role text, org text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN role IN ('national', 'evaluator') THEN 'read'
    WHEN role = 'icb' AND p.icb_code = org THEN 'write'
    WHEN role = 'school' AND school::text = org THEN 'write'
    WHEN role = 'pcf' AND EXISTS (
        SELECT 1 FROM project_partners pp WHERE pp.project_id = p.id AND pp.org_type = 'pcf' AND pp.org_code = org)
      AND (EXISTS (SELECT 1 FROM parent_carer_groups g WHERE g.project_id = p.id AND g.urn = school AND g.pcf_id = org)
           OR EXISTS (SELECT 1 FROM parent_carer_forums f WHERE f.id = org AND f.la_code = s.la_code)) THEN 'write'
    WHEN role = 'local_authority' AND s.la_code = org AND EXISTS (
      SELECT 1 FROM project_partners pp WHERE pp.project_id = p.id AND pp.org_type = 'local_authority'
      AND pp.org_code = org) THEN 'read'
    ELSE 'none'
  END
  FROM projects p, schools s WHERE p.id = pid AND s.urn = school
$$;

-- Quarterly reports: figures are collated live while a draft, frozen at submission.
CREATE TABLE quarterly_reports (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id      uuid NOT NULL REFERENCES projects (id),
  quarter         text NOT NULL CHECK (quarter ~ '^20[0-9]{2}-[0-9]{2}-Q[1-4]$'),
  status          text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'accepted', 'returned')),
  narrative       jsonb NOT NULL DEFAULT '{"progress": null, "risks": null, "next_steps": null}',
  figures         jsonb,
  due_on          date NOT NULL,
  submitted_at    timestamptz,
  submitted_late  boolean,
  review_comment  text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  version         bigint NOT NULL DEFAULT 1,
  CONSTRAINT quarterly_reports_one_per_quarter UNIQUE (project_id, quarter)
);

-- The figures a quarterly report collates, as of now, for one project.
CREATE FUNCTION report_figures(pid uuid) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'schools', (SELECT json_build_object(
        'new', count(*) FILTER (WHERE cohort = 'new' AND withdrawn_at IS NULL),
        'embedding', count(*) FILTER (WHERE cohort = 'embedding' AND withdrawn_at IS NULL),
        'withdrawn', count(*) FILTER (WHERE withdrawn_at IS NOT NULL))
      FROM project_schools WHERE project_id = pid),
    'self_assessments_completed', (SELECT json_build_object(
        'baseline', count(*) FILTER (WHERE kind = 'baseline'),
        'follow_up', count(*) FILTER (WHERE kind = 'follow_up'))
      FROM self_assessments WHERE project_id = pid AND status = 'completed'),
    'interventions', (SELECT json_build_object(
        'commissioned', count(*) FILTER (WHERE status IN ('commissioned', 'delivered')),
        'delivered', count(*) FILTER (WHERE status = 'delivered'),
        'by_delivery_mode', coalesce((SELECT json_object_agg(delivery_mode, json_build_object(
            'commissioned', commissioned, 'delivered', delivered, 'planned_days', planned_days,
            'delivered_days', delivered_days, 'cost_pence', cost_pence))
          FROM (SELECT delivery_mode,
                       count(*) FILTER (WHERE status IN ('commissioned', 'delivered')) AS commissioned,
                       count(*) FILTER (WHERE status = 'delivered') AS delivered,
                       coalesce(sum(planned_days) FILTER (WHERE status <> 'cancelled'), 0) AS planned_days,
                       coalesce(sum(delivered_days) FILTER (WHERE status = 'delivered'), 0) AS delivered_days,
                       coalesce(sum(cost_pence) FILTER (WHERE status <> 'cancelled'), 0) AS cost_pence
                FROM interventions WHERE project_id = pid GROUP BY delivery_mode) m), '{}'))
      FROM interventions WHERE project_id = pid),
    'engagement_meetings_held', (SELECT count(*) FROM engagement_meetings WHERE project_id = pid
                                 AND status = 'completed'),
    'schools_with_parent_carer_group', (SELECT count(*) FROM parent_carer_groups WHERE project_id = pid),
    'funding', json_build_object('allocation_pence', (SELECT allocation_pence FROM projects WHERE id = pid),
                                 'committed_pence', project_committed_pence(pid),
                                 'released_pence', (SELECT coalesce(sum(amount_pence), 0) FROM funding_releases
                                                    WHERE project_id = pid)))
$$;

CREATE VIEW quarterly_report_docs AS
  SELECT r.*, (SELECT row_to_json(d) FROM (
    SELECT r.id, r.project_id, r.quarter, r.status, r.narrative,
           CASE WHEN r.status IN ('draft', 'returned') THEN report_figures(r.project_id) ELSE r.figures::json END
             AS figures,
           r.status IN ('draft', 'returned') AS figures_live, r.due_on, r.submitted_at, r.submitted_late,
           r.review_comment, r.created_at, r.updated_at) d)::text AS doc
  FROM quarterly_reports r;
