-- A record route's access check as a gate that rides with the request's first statements
-- (store_gate in internal/store/db.h). The router ran the check as a statement and round trip of
-- its own before the handler's first; a completion spent ~80 us of PostgreSQL's time on that
-- alone (bench/README.md, session 4). Now the check is sent in the same pipeline as what follows
-- it, and when it fails it raises: PostgreSQL then skips every statement after it up to the
-- pipeline's sync, so nothing the handler sent with it runs.
--
-- access: the caller's access to the record ('write', 'read', 'none', or NULL when there is no
-- such record); need: what the route needs ('read', 'write', or 'never' when the caller's role
-- may not use the route at all). Raises PN404 when the caller may not see the record (so that its
-- existence is not revealed) and PN403 when they may see it but not do this; else returns access.
-- VOLATILE so that it is never evaluated ahead of time.
CREATE FUNCTION access_gate(access text, need text) RETURNS text LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF access IS NULL OR access = 'none' THEN
    RAISE SQLSTATE 'PN404' USING MESSAGE = 'no such record, or not one you may see';
  ELSIF need = 'never' OR (need = 'write' AND access <> 'write') THEN
    RAISE SQLSTATE 'PN403' USING MESSAGE = 'you may see this record but not do this';
  END IF;
  RETURN access;
END $$;
