-- The projects a caller may see, as one array per statement. The self-assessment and meeting
-- lists checked school_work_access / engagement_access (PL/pgSQL, a lookup each) on every row in
-- id order until a page was full: for an ICB, LA or PCF without a project filter that walked
-- everyone else's rows too. Either function says 'none' for a project its caller may not see
-- (project_access), so the lists first keep rows of visible projects, a cheap test on a column,
-- and call the function only on those (bench/README.md, session 3).
CREATE FUNCTION visible_projects(role text, org text) RETURNS uuid[] LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN ARRAY(SELECT p.id FROM projects p WHERE role_sees_every_project(role) OR project_access(p, role, org) <> 'none');
END $$;
