#include "store/projects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

static struct store_stmt stmt_create = STORE_STMT(
    "INSERT INTO projects (icb_code, financial_year, kind, allocation_pence) VALUES ($1, $2, $3, $4::bigint)"
    " RETURNING id");

int store_project_create(char *id, struct store_conn *db, const char *icb_code, const char *financial_year,
                         const char *kind, const char *allocation_pence)
{
  const char *p[] = {icb_code, financial_year, kind, allocation_pence};
  return store_query_id(id, db, &stmt_create, 4, p);
}

static struct store_stmt stmt_doc = STORE_STMT("SELECT doc, version FROM project_docs WHERE id = $1::uuid");

int store_project_doc(char **doc, long long *version, struct store_conn *db, const char *id)
{
  return store_query_doc(doc, version, db, &stmt_doc, 1, &id);
}

static struct store_stmt stmt_lock = STORE_STMT(
    "SELECT id, icb_code, financial_year, kind, status, allocation_pence FROM projects WHERE id = $1::uuid"
    " FOR UPDATE");

int store_project_lock(struct project_row *out, struct store_conn *db, const char *id)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, db, &stmt_lock, 1, &id);
  if (rc)
    return rc;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) == 1) {
    snprintf(out->id, sizeof out->id, "%s", PQgetvalue(res, 0, 0));
    snprintf(out->icb_code, sizeof out->icb_code, "%s", PQgetvalue(res, 0, 1));
    snprintf(out->financial_year, sizeof out->financial_year, "%s", PQgetvalue(res, 0, 2));
    snprintf(out->kind, sizeof out->kind, "%s", PQgetvalue(res, 0, 3));
    snprintf(out->status, sizeof out->status, "%s", PQgetvalue(res, 0, 4));
    out->allocation_pence = atoll(PQgetvalue(res, 0, 5));
    rc = PINS_OK;
  }
  PQclear(res);
  return rc;
}

static struct store_stmt stmt_exists =
    STORE_STMT("SELECT EXISTS (SELECT 1 FROM projects WHERE icb_code = $1 AND financial_year = $2)");

int store_project_exists(bool *out, struct store_conn *db, const char *icb_code, const char *financial_year)
{
  const char *p[] = {icb_code, financial_year};
  return store_query_bool(out, db, &stmt_exists, 2, p);
}

static struct store_stmt stmt_status =
    STORE_STMT("UPDATE projects SET status = $2, version = version + 1 WHERE id = $1::uuid");

int store_project_set_status(struct store_conn *db, const char *id, const char *status)
{
  const char *p[] = {id, status};
  return store_run(db, &stmt_status, 2, p);
}

static struct store_stmt stmt_mou =
    STORE_STMT("UPDATE projects SET mou_signed_on = $2::date, version = version + 1 WHERE id = $1::uuid");

int store_project_set_mou(struct store_conn *db, const char *id, const char *signed_on)
{
  const char *p[] = {id, signed_on};
  return store_run(db, &stmt_mou, 2, p);
}

static struct store_stmt stmt_release = STORE_STMT(
    "WITH r AS (INSERT INTO funding_releases (project_id, released_on, amount_pence)"
    " VALUES ($1::uuid, $2::date, $3::bigint) RETURNING amount_pence)"
    " SELECT coalesce((SELECT sum(amount_pence) FROM funding_releases WHERE project_id = $1::uuid), 0)"
    " + (SELECT amount_pence FROM r)");

int store_project_add_release(long long *released_total, struct store_conn *db, const char *id,
                              const char *released_on, const char *amount_pence)
{
  char *text = NULL;
  const char *p[] = {id, released_on, amount_pence};
  int rc = store_query_text(&text, db, &stmt_release, 3, p);
  if (rc == PINS_OK)
    *released_total = atoll(text);
  free(text);
  return rc;
}

static struct store_stmt stmt_history_add = STORE_STMT(
    "INSERT INTO project_history (project_id, actor_role, actor_org, actor_sub, request_id, action, from_status,"
    " to_status, comment, detail) VALUES ($1::uuid, nullif(current_setting('pins.actor_role', true), ''),"
    " nullif(current_setting('pins.actor_org', true), ''), nullif(current_setting('pins.actor_sub', true), ''),"
    " nullif(current_setting('pins.request_id', true), ''), $2, $3, $4, $5, $6::jsonb)");

int store_project_history_commit(struct store_conn *db, const char *id, const char *action, const char *from,
                                 const char *to, const char *comment, const char *detail)
{
  const char *p[] = {id, action, from, to, comment, detail};
  return store_commit_after(db, &(struct store_step){&stmt_history_add, 6, p, NULL}, 1);
}

/* Stored documents and the columns they are filtered on, in one table (migration 016): one index
 * scan, no per-row lookup. Roles that see every project skip the access check (migration 012);
 * for others it is one array of the projects they may see (migration 014). */
static struct store_filtered stmt_list = STORE_FILTERED(
    "SELECT t.doc, t.project_id FROM project_totals t WHERE (role_sees_every_project($1)"
    " OR t.project_id = ANY ((SELECT visible_projects($1, $2))::uuid[]))",
    3, " ORDER BY t.project_id LIMIT $7::int", "t.icb_code = $3", "t.financial_year = $4", "t.status = $5",
    "t.project_id > $6::uuid");

int store_project_list(PGresult **out, struct store_conn *db, const char *const params[7])
{
  return store_exec_filtered(out, db, &stmt_list, 7, params);
}

/* The actor's sub only where shown is true ($2, or the project belongs to the ICB $3). */
static struct store_filtered stmt_history = STORE_FILTERED(
    "SELECT (SELECT row_to_json(d) FROM (SELECT h.id, h.at, h.actor_role AS role, h.actor_org AS org,"
    " CASE WHEN s.shown THEN h.actor_sub END AS sub, h.action, h.from_status AS \"from\", h.to_status AS \"to\","
    " h.comment, h.detail) d)::text, h.id FROM project_history h, (SELECT $2::boolean OR EXISTS (SELECT 1 FROM"
    " projects p WHERE p.id = $1::uuid AND p.icb_code = $3)) s (shown) WHERE h.project_id = $1::uuid",
    4, " ORDER BY h.id LIMIT $5::int", "h.id > $4::bigint");

int store_project_history(PGresult **out, struct store_conn *db, const char *id, bool subs_shown,
                          const char *subs_icb, const char *after, const char *limit)
{
  const char *p[] = {id, subs_shown ? "true" : "false", subs_icb, after, limit};
  return store_exec_filtered(out, db, &stmt_history, 5, p);
}

/* Partners and governance members. */

static struct store_stmt stmt_partner_list = STORE_STMT(
    "SELECT coalesce(json_agg(json_build_object('org_type', org_type, 'org_code', org_code,"
    " 'name', org_name(org_type, org_code), 'added_at', added_at) ORDER BY org_type, org_code), '[]')::text"
    " FROM project_partners WHERE project_id = $1::uuid");
static struct store_stmt stmt_partner_add = STORE_STMT(
    "INSERT INTO project_partners (project_id, org_type, org_code) VALUES ($1::uuid, $2, $3)");
static struct store_stmt stmt_partner_remove = STORE_STMT(
    "DELETE FROM project_partners WHERE project_id = $1::uuid AND org_type = $2 AND org_code = $3");
static struct store_stmt stmt_partner_doc = STORE_STMT(
    "SELECT json_build_object('org_type', org_type, 'org_code', org_code, 'name', org_name(org_type, org_code),"
    " 'added_at', added_at)::text FROM project_partners WHERE project_id = $1::uuid AND org_type = $2"
    " AND org_code = $3");
static struct store_stmt stmt_partner_has = STORE_STMT(
    "SELECT EXISTS (SELECT 1 FROM project_partners WHERE project_id = $1::uuid AND org_type = $2"
    " AND org_code = $3)");

int store_partner_list(char **json, struct store_conn *db, const char *id)
{
  return store_query_text(json, db, &stmt_partner_list, 1, &id);
}

int store_partner_add(struct store_conn *db, const char *id, const char *type, const char *code)
{
  const char *p[] = {id, type, code};
  return store_run(db, &stmt_partner_add, 3, p);
}

int store_partner_remove(long *rows, struct store_conn *db, const char *id, const char *type, const char *code)
{
  const char *p[] = {id, type, code};
  return store_affected(db, &stmt_partner_remove, 3, p, rows);
}

int store_partner_doc(char **doc, struct store_conn *db, const char *id, const char *type, const char *code)
{
  const char *p[] = {id, type, code};
  return store_query_text(doc, db, &stmt_partner_doc, 3, p);
}

int store_partner_has(bool *out, struct store_conn *db, const char *id, const char *type, const char *code)
{
  const char *p[] = {id, type, code};
  return store_query_bool(out, db, &stmt_partner_has, 3, p);
}

static struct store_stmt stmt_gov_list = STORE_STMT(
    "SELECT coalesce(json_agg(json_build_object('org_type', org_type, 'org_code', org_code,"
    " 'name', org_name(org_type, org_code), 'role_title', role_title, 'added_at', added_at)"
    " ORDER BY org_type, org_code), '[]')::text FROM governance_members WHERE project_id = $1::uuid");
static struct store_stmt stmt_gov_add = STORE_STMT(
    "INSERT INTO governance_members (project_id, org_type, org_code, role_title) VALUES ($1::uuid, $2, $3, $4)");
static struct store_stmt stmt_gov_remove = STORE_STMT(
    "DELETE FROM governance_members WHERE project_id = $1::uuid AND org_type = $2 AND org_code = $3");
static struct store_stmt stmt_gov_doc = STORE_STMT(
    "SELECT json_build_object('org_type', org_type, 'org_code', org_code, 'name', org_name(org_type, org_code),"
    " 'role_title', role_title, 'added_at', added_at)::text FROM governance_members"
    " WHERE project_id = $1::uuid AND org_type = $2 AND org_code = $3");

int store_governance_list(char **json, struct store_conn *db, const char *id)
{
  return store_query_text(json, db, &stmt_gov_list, 1, &id);
}

int store_governance_add(struct store_conn *db, const char *id, const char *type, const char *code,
                         const char *role_title)
{
  const char *p[] = {id, type, code, role_title};
  return store_run(db, &stmt_gov_add, 4, p);
}

int store_governance_remove(long *rows, struct store_conn *db, const char *id, const char *type, const char *code)
{
  const char *p[] = {id, type, code};
  return store_affected(db, &stmt_gov_remove, 3, p, rows);
}

int store_governance_doc(char **doc, struct store_conn *db, const char *id, const char *type, const char *code)
{
  const char *p[] = {id, type, code};
  return store_query_text(doc, db, &stmt_gov_doc, 3, p);
}

static struct store_stmt stmt_la_reach = STORE_STMT(
    "SELECT l.icb_code = $2 OR EXISTS (SELECT 1 FROM la_icb_areas a WHERE a.la_code = l.code AND a.icb_code = $2)"
    " FROM local_authorities l WHERE l.code = $1");

int store_la_reaches_icb(bool *exists, bool *reaches, struct store_conn *db, const char *la, const char *icb)
{
  PGresult *res = NULL;
  const char *p[] = {la, icb};
  int rc = store_exec(&res, db, &stmt_la_reach, 2, p);
  if (rc)
    return rc;
  *exists = PQntuples(res) == 1;
  *reaches = *exists && PQgetvalue(res, 0, 0)[0] == 't';
  PQclear(res);
  return PINS_OK;
}

static struct store_stmt stmt_pcf_la = STORE_STMT("SELECT la_code FROM parent_carer_forums WHERE id = $1");

int store_pcf_la(char la_code[STORE_CODE_LEN], struct store_conn *db, const char *pcf)
{
  char *text = NULL;
  int rc = store_query_text(&text, db, &stmt_pcf_la, 1, &pcf);
  if (rc == PINS_OK)
    rc = store_copy_text(la_code, STORE_CODE_LEN, text);
  free(text);
  return rc;
}

static struct store_stmt stmt_la_enrolled = STORE_STMT(
    "SELECT EXISTS (SELECT 1 FROM project_schools ps JOIN schools s USING (urn) WHERE ps.project_id = $1::uuid"
    " AND s.la_code = $2 AND ps.withdrawn_at IS NULL)");

int store_la_has_enrolled(bool *out, struct store_conn *db, const char *id, const char *la)
{
  const char *p[] = {id, la};
  return store_query_bool(out, db, &stmt_la_enrolled, 2, p);
}
