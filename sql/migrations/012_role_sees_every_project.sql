-- The roles that see every project, in one place: project_access takes it from here, and the
-- project list tests it before calling project_access, which for those roles can only say yes
-- (42 PL/pgSQL calls were a fifth of a list page's cost once the page stopped joining projects
-- twice: bench/README.md, session 3).
CREATE FUNCTION role_sees_every_project(role text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT role IN ('national', 'evaluator')
$$;

CREATE OR REPLACE FUNCTION project_access(p projects, role text, org text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF role_sees_every_project(role) THEN
    RETURN CASE role WHEN 'national' THEN 'write' ELSE 'read' END;
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
