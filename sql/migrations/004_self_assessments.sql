-- Self-assessment: templates are versioned data; a school's baseline and follow-up assessments
-- are drafts until completed, then records that never change.

CREATE TABLE self_assessment_templates (
  version       integer PRIMARY KEY CHECK (version > 0),
  doc           jsonb NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE self_assessments (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id        uuid NOT NULL REFERENCES projects (id),
  urn               integer NOT NULL REFERENCES schools (urn),
  kind              text NOT NULL CHECK (kind IN ('baseline', 'follow_up')),
  template_version  integer NOT NULL CONSTRAINT self_assessments__template_version_fkey
                    REFERENCES self_assessment_templates (version),
  status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'completed')),
  responses         jsonb NOT NULL DEFAULT '{}',
  domain_notes      jsonb NOT NULL DEFAULT '{}',
  voice_themes      jsonb NOT NULL DEFAULT '{"parent_carer": [], "children": []}',
  results           jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  completed_at      timestamptz,
  version           bigint NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX self_assessments_one_baseline ON self_assessments (project_id, urn) WHERE kind = 'baseline';
CREATE INDEX self_assessments_project ON self_assessments (project_id, urn);

CREATE VIEW self_assessment_docs AS
  SELECT a.*, (SELECT row_to_json(d) FROM (
    SELECT a.id, a.project_id, a.urn, a.kind, a.template_version, a.status, a.responses, a.domain_notes,
           a.voice_themes, a.results, a.created_at, a.updated_at, a.completed_at) d)::text AS doc
  FROM self_assessments a;

-- Who may work on a school's records in a project ('write', 'read' or 'none'): the school
-- itself, the project's ICB and the school's local authority (when a partner) write; the
-- national team and the evaluator read.
CREATE FUNCTION school_work_access(pid uuid, school integer, role text, org text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN role IN ('national', 'evaluator') THEN 'read'
    WHEN role = 'icb' AND p.icb_code = org THEN 'write'
    WHEN role = 'school' AND school::text = org THEN 'write'
    WHEN role = 'local_authority' AND s.la_code = org AND EXISTS (
      SELECT 1 FROM project_partners pp WHERE pp.project_id = p.id AND pp.org_type = 'local_authority'
      AND pp.org_code = org) THEN 'write'
    ELSE 'none'
  END
  FROM projects p, schools s WHERE p.id = pid AND s.urn = school
$$;
