-- The access rules, unchanged, as PL/pgSQL. PostgreSQL cannot inline a SQL function whose body
-- has a subquery, and plans such a function's body afresh in every statement that calls it
-- (~170-240 us a call, bench/README.md finding 2 and 4); PL/pgSQL keeps its plans for the life
-- of the connection.

CREATE OR REPLACE FUNCTION project_access(p projects, role text, org text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF role = 'national' THEN
    RETURN 'write';
  ELSIF role = 'evaluator' THEN
    RETURN 'read';
  ELSIF role = 'icb' THEN
    RETURN CASE WHEN p.icb_code = org THEN 'write' ELSE 'none' END;
  ELSIF role IN ('local_authority', 'pcf') THEN
    RETURN CASE WHEN EXISTS (SELECT 1 FROM project_partners pp
                             WHERE pp.project_id = p.id AND pp.org_type = role AND pp.org_code = org)
                THEN 'read' ELSE 'none' END;
  ELSIF role = 'school' THEN
    RETURN CASE WHEN EXISTS (SELECT 1 FROM project_schools s WHERE s.project_id = p.id AND s.urn::text = org)
                THEN 'read' ELSE 'none' END;
  END IF;
  RETURN 'none';
END $$;

-- NULL when the project or the school does not exist (as before).
CREATE OR REPLACE FUNCTION school_work_access(pid uuid, school integer, role text, org text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  icb text;
  la text;
BEGIN
  SELECT p.icb_code, s.la_code INTO icb, la FROM projects p, schools s WHERE p.id = pid AND s.urn = school;
  IF NOT FOUND THEN
    RETURN NULL;
  ELSIF role IN ('national', 'evaluator') THEN
    RETURN 'read';
  ELSIF role = 'icb' AND icb = org THEN
    RETURN 'write';
  ELSIF role = 'school' AND school::text = org THEN
    RETURN 'write';
  ELSIF role = 'local_authority' AND la = org AND EXISTS (
      SELECT 1 FROM project_partners pp WHERE pp.project_id = pid AND pp.org_type = 'local_authority'
      AND pp.org_code = org) THEN
    RETURN 'write';
  END IF;
  RETURN 'none';
END $$;

CREATE OR REPLACE FUNCTION engagement_access(pid uuid, school integer, role text, org text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
  icb text;
  la text;
BEGIN
  SELECT p.icb_code, s.la_code INTO icb, la FROM projects p, schools s WHERE p.id = pid AND s.urn = school;
  IF NOT FOUND THEN
    RETURN NULL;
  ELSIF role IN ('national', 'evaluator') THEN
    RETURN 'read';
  ELSIF role = 'icb' AND icb = org THEN
    RETURN 'write';
  ELSIF role = 'school' AND school::text = org THEN
    RETURN 'write';
  ELSIF role = 'pcf' AND EXISTS (
        SELECT 1 FROM project_partners pp WHERE pp.project_id = pid AND pp.org_type = 'pcf' AND pp.org_code = org)
      AND (EXISTS (SELECT 1 FROM parent_carer_groups g WHERE g.project_id = pid AND g.urn = school AND g.pcf_id = org)
           OR EXISTS (SELECT 1 FROM parent_carer_forums f WHERE f.id = org AND f.la_code = la)) THEN
    RETURN 'write';
  ELSIF role = 'local_authority' AND la = org AND EXISTS (
      SELECT 1 FROM project_partners pp WHERE pp.project_id = pid AND pp.org_type = 'local_authority'
      AND pp.org_code = org) THEN
    RETURN 'read';
  END IF;
  RETURN 'none';
END $$;
