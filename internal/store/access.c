#include "store/access.h"

#include <string.h>

#include "core/status.h"

/* A gate: the access the query in parentheses finds (NULL when it finds no record), checked
 * against the route's need (the last parameter) by access_gate (migration 015). */
#define GATE(access_query, need) STORE_STMT("SELECT access_gate((" access_query "), " need ")")

static struct store_stmt stmt_project_gate =
    GATE("SELECT project_access(p, $2, $3) FROM projects p WHERE p.id = $1::uuid", "$4");
static struct store_stmt stmt_assessment_gate = GATE(
    "SELECT school_work_access(a.project_id, a.urn, $2, $3) FROM self_assessments a WHERE a.id = $1::uuid", "$4");
static struct store_stmt stmt_meeting_gate = GATE(
    "SELECT engagement_access(m.project_id, m.urn, $2, $3) FROM engagement_meetings m WHERE m.id = $1::uuid", "$4");
static struct store_stmt stmt_group_gate = GATE("SELECT engagement_access(ps.project_id, ps.urn, $3, $4)"
                                                " FROM project_schools ps"
                                                " WHERE ps.project_id = $1::uuid AND ps.urn = $2::integer",
                                                "$5");
/* The access for creating a school's record in a project: none unless the caller may see the
 * project too. school_work_access and engagement_access let a school work on its own records in
 * any project that exists; a project it may not see must be answered as one that does not exist. */
#define CREATE_ACCESS(rule)                                                                                     \
  STORE_STMT("SELECT CASE WHEN project_access(p, $3, $4) = 'none' THEN 'none'"                                  \
             " ELSE " rule "(p.id, $2::integer, $3, $4) END FROM projects p WHERE p.id = $1::uuid")
static struct store_stmt stmt_school_work = CREATE_ACCESS("school_work_access");
static struct store_stmt stmt_engagement = CREATE_ACCESS("engagement_access");

int store_project_gate(struct store_conn *db, const char *id, const char *role, const char *org, const char *need)
{
  const char *p[] = {id, role, org, need};
  return store_gate(db, &stmt_project_gate, 4, p);
}

int store_self_assessment_gate(struct store_conn *db, const char *id, const char *role, const char *org,
                               const char *need)
{
  const char *p[] = {id, role, org, need};
  return store_gate(db, &stmt_assessment_gate, 4, p);
}

int store_meeting_gate(struct store_conn *db, const char *id, const char *role, const char *org, const char *need)
{
  const char *p[] = {id, role, org, need};
  return store_gate(db, &stmt_meeting_gate, 4, p);
}

int store_school_group_gate(struct store_conn *db, const char *project_id, const char *urn, const char *role,
                            const char *org, const char *need)
{
  const char *p[] = {project_id, urn, role, org, need};
  return store_gate(db, &stmt_group_gate, 5, p);
}

/* Runs an access statement (project id, URN, role, org) whose one row says 'write', 'read' or
 * 'none'; no row or NULL is ACCESS_NONE. */
static int access_of(enum access *out, struct store_conn *db, struct store_stmt *stmt, const char *project_id,
                     const char *urn, const char *role, const char *org)
{
  PGresult *res = NULL;
  const char *p[] = {project_id, urn, role, org};
  int rc = store_exec(&res, db, stmt, 4, p);
  if (rc)
    return rc;
  const char *a = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "none";
  *out = strcmp(a, "write") == 0 ? ACCESS_WRITE : strcmp(a, "read") == 0 ? ACCESS_READ : ACCESS_NONE;
  PQclear(res);
  return PINS_OK;
}

int store_school_work_access(enum access *out, struct store_conn *db, const char *project_id, const char *urn,
                             const char *role, const char *org)
{
  return access_of(out, db, &stmt_school_work, project_id, urn, role, org);
}

int store_engagement_access_for(enum access *out, struct store_conn *db, const char *project_id, const char *urn,
                                const char *role, const char *org)
{
  return access_of(out, db, &stmt_engagement, project_id, urn, role, org);
}
