#include "store/self_assessment.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

static struct store_stmt stmt_template_get =
    STORE_STMT("SELECT doc::text FROM self_assessment_templates WHERE version = $1::integer");
static struct store_stmt stmt_template_list = STORE_STMT(
    "SELECT coalesce(json_agg(doc ORDER BY version), '[]')::text FROM self_assessment_templates");
static struct store_stmt stmt_template_insert =
    STORE_STMT("INSERT INTO self_assessment_templates (version, doc) VALUES ($1::integer, $2::jsonb)");
static struct store_stmt stmt_enrolled = STORE_STMT(
    "SELECT EXISTS (SELECT 1 FROM project_schools WHERE project_id = $1::uuid AND urn = $2::integer"
    " AND withdrawn_at IS NULL)");
static struct store_stmt stmt_create = STORE_STMT(
    "INSERT INTO self_assessments (project_id, urn, kind, template_version)"
    " VALUES ($1::uuid, $2::integer, $3, $4::integer) RETURNING id");
static struct store_stmt stmt_doc = STORE_STMT("SELECT doc, version FROM self_assessment_docs WHERE id = $1::uuid");
static struct store_stmt stmt_lock = STORE_STMT(
    "SELECT a.id, a.project_id, a.urn, a.kind, a.template_version, a.status, a.responses::text,"
    " a.domain_notes::text, a.voice_themes::text, CASE WHEN a.kind = 'follow_up' THEN (SELECT b.results::text"
    " FROM self_assessments b WHERE b.project_id = a.project_id AND b.urn = a.urn AND b.kind = 'baseline'"
    " AND b.status = 'completed') END FROM self_assessments a WHERE a.id = $1::uuid FOR UPDATE OF a");
static struct store_stmt stmt_save = STORE_STMT(
    "UPDATE self_assessments SET responses = $2::jsonb, domain_notes = $3::jsonb, voice_themes = $4::jsonb,"
    " updated_at = now(), version = version + 1 WHERE id = $1::uuid AND status = 'draft'");
static struct store_stmt stmt_complete = STORE_STMT(
    "UPDATE self_assessments SET status = 'completed', results = $2::jsonb || jsonb_build_object("
    "'recommended_menu_items', (SELECT coalesce(jsonb_agg(code ORDER BY code), '[]') FROM menu_items WHERE active"
    " AND domains && $3::text[])), completed_at = now(), updated_at = now(), version = version + 1"
    " WHERE id = $1::uuid AND status = 'draft'");
static struct store_stmt stmt_doc_event = OUTBOX_DOC_EVENT("self_assessment_docs", "id = $5::uuid");
static struct store_stmt stmt_baseline = STORE_STMT(
    "SELECT status, results::text FROM self_assessments WHERE project_id = $1::uuid AND urn = $2::integer"
    " AND kind = 'baseline'");
static struct store_filtered stmt_list = STORE_FILTERED(
    "SELECT doc, id FROM self_assessment_docs a WHERE a.project_id = ANY ((SELECT visible_projects($1, $2))::uuid[])"
    " AND school_work_access(a.project_id, a.urn, $1, $2) <> 'none'", 3,
    " ORDER BY id LIMIT $8::int", "project_id = $3::uuid", "urn = $4::integer", "kind = $5", "status = $6",
    "id > $7::uuid");

int store_template_get(char **doc, struct store_conn *db, const char *version)
{
  return store_query_text(doc, db, &stmt_template_get, 1, &version);
}

int store_template_list(char **json, struct store_conn *db)
{
  return store_query_text(json, db, &stmt_template_list, 0, NULL);
}

static struct store_stmt stmt_template_default = STORE_STMT(
    "INSERT INTO self_assessment_templates (version, doc) VALUES ($1::integer, $2::jsonb)"
    " ON CONFLICT (version) DO NOTHING");

int store_template_insert_if_absent(struct store_conn *db, const char *version, const char *doc)
{
  const char *p[] = {version, doc};
  return store_run(db, &stmt_template_default, 2, p);
}

int store_template_insert(struct store_conn *db, const char *version, const char *doc)
{
  const char *p[] = {version, doc};
  return store_run(db, &stmt_template_insert, 2, p);
}

int store_school_enrolled(bool *out, struct store_conn *db, const char *project_id, const char *urn)
{
  const char *p[] = {project_id, urn};
  return store_query_bool(out, db, &stmt_enrolled, 2, p);
}

void store_assessment_row_free(struct assessment_row *row)
{
  free(row->responses);
  free(row->domain_notes);
  free(row->voice_themes);
  free(row->baseline_results);
  row->responses = row->domain_notes = row->voice_themes = row->baseline_results = NULL;
}

int store_assessment_create(char *id, struct store_conn *db, const char *project_id, const char *urn,
                            const char *kind, const char *template_version)
{
  const char *p[] = {project_id, urn, kind, template_version};
  return store_query_id(id, db, &stmt_create, 4, p);
}

int store_assessment_doc(char **doc, long long *version, struct store_conn *db, const char *id)
{
  return store_query_doc(doc, version, db, &stmt_doc, 1, &id);
}

int store_assessment_lock(struct assessment_row *out, struct store_conn *db, const char *id)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, db, &stmt_lock, 1, &id);
  if (rc)
    return rc;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) == 1) {
    snprintf(out->id, sizeof out->id, "%s", PQgetvalue(res, 0, 0));
    snprintf(out->project_id, sizeof out->project_id, "%s", PQgetvalue(res, 0, 1));
    snprintf(out->urn, sizeof out->urn, "%s", PQgetvalue(res, 0, 2));
    snprintf(out->kind, sizeof out->kind, "%s", PQgetvalue(res, 0, 3));
    snprintf(out->template_version, sizeof out->template_version, "%s", PQgetvalue(res, 0, 4));
    snprintf(out->status, sizeof out->status, "%s", PQgetvalue(res, 0, 5));
    out->responses = strdup(PQgetvalue(res, 0, 6));
    out->domain_notes = strdup(PQgetvalue(res, 0, 7));
    out->voice_themes = strdup(PQgetvalue(res, 0, 8));
    out->baseline_results = PQgetisnull(res, 0, 9) ? NULL : strdup(PQgetvalue(res, 0, 9));
    rc = out->responses && out->domain_notes && out->voice_themes &&
                 (PQgetisnull(res, 0, 9) || out->baseline_results)
             ? PINS_OK
             : PINS_ENOMEM;
  }
  PQclear(res);
  return rc;
}

int store_assessment_save(struct store_conn *db, const char *id, const char *responses, const char *notes,
                          const char *voice)
{
  const char *p[] = {id, responses, notes, voice};
  return store_run(db, &stmt_save, 4, p);
}

int store_assessment_complete(char **doc, struct store_conn *db, const char *id, const char *results,
                              const char *priority_domains, const struct outbox_event *event)
{
  const char *p[] = {id, results, priority_domains}, *e[8];
  PGresult *res = NULL;
  const struct store_step steps[] = {{&stmt_complete, 3, p, NULL},
                                     store_outbox_step(e, db, &stmt_doc_event, event, 1, &id, &res)};
  int rc = store_commit_after(db, steps, 2);
  return rc ? rc : store_result_text(doc, res);
}

int store_assessment_baseline(char **status, char **results, struct store_conn *db, const char *project_id,
                              const char *urn)
{
  PGresult *res = NULL;
  const char *p[] = {project_id, urn};
  int rc = store_exec(&res, db, &stmt_baseline, 2, p);
  if (rc)
    return rc;
  *status = *results = NULL;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) == 1) {
    *status = strdup(PQgetvalue(res, 0, 0));
    *results = PQgetisnull(res, 0, 1) ? NULL : strdup(PQgetvalue(res, 0, 1));
    rc = PINS_OK;
  }
  PQclear(res);
  return rc;
}

int store_assessment_list(PGresult **out, struct store_conn *db, const char *const params[8])
{
  return store_exec_filtered(out, db, &stmt_list, 8, params);
}
