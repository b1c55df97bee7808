#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "store/projects.h"

static struct store_stmt stmt_facts =
    STORE_STMT("SELECT la_code, phase, status, is_mainstream FROM schools WHERE urn = $1::integer");
/* A school withdrawn from this project may enrol again. */
static struct store_stmt stmt_enrol = STORE_STMT(
    "INSERT INTO project_schools AS ps (project_id, urn, financial_year, cohort, selection_reason)"
    " VALUES ($1::uuid, $2::integer, $3, $4, $5) ON CONFLICT (project_id, urn) DO UPDATE"
    " SET cohort = EXCLUDED.cohort, selection_reason = EXCLUDED.selection_reason, enrolled_at = now(),"
    " withdrawn_at = NULL, withdrawal_reason = NULL WHERE ps.withdrawn_at IS NOT NULL");
static struct store_stmt stmt_before = STORE_STMT(
    "SELECT EXISTS (SELECT 1 FROM project_schools ps JOIN projects p ON p.id = ps.project_id"
    " WHERE p.icb_code = $1 AND p.financial_year = $2 AND ps.urn = $3::integer)");
static struct store_stmt stmt_doc =
    STORE_STMT("SELECT doc FROM project_school_docs WHERE project_id = $1::uuid AND urn = $2::integer");
static struct store_stmt stmt_withdraw = STORE_STMT(
    "UPDATE project_schools SET withdrawn_at = now(), withdrawal_reason = $3"
    " WHERE project_id = $1::uuid AND urn = $2::integer AND withdrawn_at IS NULL");
static struct store_filtered stmt_list =
    STORE_FILTERED("SELECT doc, urn FROM project_school_docs WHERE project_id = $1::uuid", 2,
                   " ORDER BY urn LIMIT $3::int", "urn > $2::integer");
static struct store_stmt stmt_elsewhere = STORE_STMT(
    "SELECT project_id::text FROM project_schools WHERE urn = $1::integer AND financial_year = $2"
    " AND withdrawn_at IS NULL");

int store_school_facts(struct school_facts *out, struct store_conn *db, const char *urn)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, db, &stmt_facts, 1, &urn);
  if (rc)
    return rc;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) == 1) {
    snprintf(out->la_code, sizeof out->la_code, "%s", PQgetvalue(res, 0, 0));
    snprintf(out->phase, sizeof out->phase, "%s", PQgetvalue(res, 0, 1));
    snprintf(out->status, sizeof out->status, "%s", PQgetvalue(res, 0, 2));
    out->mainstream = PQgetvalue(res, 0, 3)[0] == 't';
    rc = PINS_OK;
  }
  PQclear(res);
  return rc;
}

int store_enrol(struct store_conn *db, const char *id, const char *urn, const char *financial_year,
                const char *cohort, const char *reason)
{
  long rows = 0;
  const char *p[] = {id, urn, financial_year, cohort, reason};
  int rc = store_affected(db, &stmt_enrol, 5, p, &rows);
  /* no row: the school is already enrolled in this very project */
  return rc ? rc : rows ? PINS_OK : PINS_ECONFLICT;
}

int store_enrolled_before(bool *out, struct store_conn *db, const char *icb_code, const char *financial_year,
                          const char *urn)
{
  const char *p[] = {icb_code, financial_year, urn};
  return store_query_bool(out, db, &stmt_before, 3, p);
}

int store_enrolment_doc(char **doc, struct store_conn *db, const char *id, const char *urn)
{
  const char *p[] = {id, urn};
  return store_query_text(doc, db, &stmt_doc, 2, p);
}

int store_withdraw(long *rows, struct store_conn *db, const char *id, const char *urn, const char *reason)
{
  const char *p[] = {id, urn, reason};
  return store_affected(db, &stmt_withdraw, 3, p, rows);
}

int store_enrolment_list(PGresult **out, struct store_conn *db, const char *id, const char *after,
                         const char *limit)
{
  const char *p[] = {id, after, limit};
  return store_exec_filtered(out, db, &stmt_list, 3, p);
}

int store_enrolment_elsewhere(char **project_id, struct store_conn *db, const char *urn,
                              const char *financial_year)
{
  const char *p[] = {urn, financial_year};
  return store_query_text(project_id, db, &stmt_elsewhere, 2, p);
}
