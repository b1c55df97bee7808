#include "store/school_work.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"

static struct store_stmt stmt_menu_rules = STORE_STMT(
    "SELECT active, to_json(professional_types)::text, to_json(delivery_modes)::text FROM menu_items"
    " WHERE code = $1");

int store_menu_item_rules(bool *active, char **types, char **modes, struct store_conn *db, const char *code)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, db, &stmt_menu_rules, 1, &code);
  if (rc)
    return rc;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) == 1) {
    *active = PQgetvalue(res, 0, 0)[0] == 't';
    *types = strdup(PQgetvalue(res, 0, 1));
    *modes = strdup(PQgetvalue(res, 0, 2));
    rc = *types && *modes ? PINS_OK : PINS_ENOMEM;
  }
  PQclear(res);
  return rc;
}

/* fields: project_id, urn (NULL), menu_item_code, professional_type, delivery_mode, planned_days,
 * cost_pence, addresses_domains (array literal), builds_on_local_offer, unused. */
static struct store_stmt stmt_int_insert = STORE_STMT(
    "INSERT INTO interventions (project_id, urn, menu_item_code, professional_type, delivery_mode, planned_days,"
    " cost_pence, addresses_domains, builds_on_local_offer) VALUES ($1::uuid, $2::integer, $3, $4, $5,"
    " $6::integer, $7::bigint, $8::text[], $9::boolean) RETURNING id");
static struct store_stmt stmt_int_doc =
    STORE_STMT("SELECT doc FROM intervention_docs WHERE project_id = $1::uuid AND id = $2::uuid");
static struct store_stmt stmt_int_lock = STORE_STMT(
    "SELECT status, coalesce(urn::text, '') FROM interventions WHERE project_id = $1::uuid AND id = $2::uuid"
    " FOR UPDATE");
static struct store_stmt stmt_int_set = STORE_STMT(
    "UPDATE interventions SET status = $2, delivered_on = coalesce($3::date, delivered_on),"
    " delivered_days = coalesce($4::integer, delivered_days), attendance = coalesce($5::jsonb, attendance),"
    " cancel_reason = coalesce($6, cancel_reason), updated_at = now(), version = version + 1 WHERE id = $1::uuid");
static struct store_filtered stmt_int_list =
    STORE_FILTERED("SELECT doc, id FROM intervention_docs WHERE project_id = $1::uuid", 2, " ORDER BY id LIMIT $6::int",
                   "urn = $2::integer", "status = $3", "delivery_mode = $4", "id > $5::uuid");
static struct store_stmt stmt_funding = STORE_STMT(
    "SELECT project_committed_pence(id), allocation_pence FROM projects WHERE id = $1::uuid");

int store_intervention_insert(char *id, struct store_conn *db, const char *const fields[10])
{
  return store_query_id(id, db, &stmt_int_insert, 9, fields);
}

int store_intervention_doc(char **doc, struct store_conn *db, const char *project_id, const char *id)
{
  const char *p[] = {project_id, id};
  return store_query_text(doc, db, &stmt_int_doc, 2, p);
}

static struct store_stmt stmt_int_doc_event =
    OUTBOX_DOC_EVENT("intervention_docs", "project_id = $5::uuid AND id = $6::uuid");

int store_intervention_doc_event(char **doc, struct store_conn *db, const char *project_id, const char *id,
                                 const struct outbox_event *ev)
{
  const char *k[] = {project_id, id};
  return store_outbox_doc_event(doc, db, &stmt_int_doc_event, ev, 2, k);
}

int store_intervention_lock(char status[STORE_STATUS_LEN], char urn[STORE_URN_LEN], struct store_conn *db,
                            const char *project_id, const char *id)
{
  PGresult *res = NULL;
  const char *p[] = {project_id, id};
  int rc = store_exec(&res, db, &stmt_int_lock, 2, p);
  if (rc)
    return rc;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) == 1) {
    if ((rc = store_copy_text(status, STORE_STATUS_LEN, PQgetvalue(res, 0, 0))) == PINS_OK)
      rc = store_copy_text(urn, STORE_URN_LEN, PQgetvalue(res, 0, 1));
  }
  PQclear(res);
  return rc;
}

int store_intervention_set(struct store_conn *db, const char *id, const char *status, const char *delivered_on,
                           const char *delivered_days, const char *attendance, const char *cancel_reason)
{
  const char *p[] = {id, status, delivered_on, delivered_days, attendance, cancel_reason};
  return store_run(db, &stmt_int_set, 6, p);
}

int store_intervention_list(PGresult **out, struct store_conn *db, const char *const params[6])
{
  return store_exec_filtered(out, db, &stmt_int_list, 6, params);
}

int store_project_funding(long long *committed, long long *allocation, struct store_conn *db, const char *project_id)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, db, &stmt_funding, 1, &project_id);
  if (rc)
    return rc;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) == 1) {
    *committed = atoll(PQgetvalue(res, 0, 0));
    *allocation = atoll(PQgetvalue(res, 0, 1));
    rc = PINS_OK;
  }
  PQclear(res);
  return rc;
}

static struct store_stmt stmt_group_put = STORE_STMT(
    "INSERT INTO parent_carer_groups (project_id, urn, pcf_id, formed_on, member_count)"
    " VALUES ($1::uuid, $2::integer, $3, $4::date, $5::integer) ON CONFLICT (project_id, urn) DO UPDATE"
    " SET pcf_id = EXCLUDED.pcf_id, formed_on = EXCLUDED.formed_on, member_count = EXCLUDED.member_count,"
    " updated_at = now()");
static struct store_stmt stmt_group_doc = STORE_STMT(
    "SELECT (SELECT row_to_json(d) FROM (SELECT g.project_id, g.urn, g.pcf_id, g.formed_on, g.member_count,"
    " g.updated_at) d)::text FROM parent_carer_groups g WHERE g.project_id = $1::uuid AND g.urn = $2::integer");

int store_group_put(struct store_conn *db, const char *project_id, const char *urn, const char *pcf_id,
                    const char *formed_on, const char *member_count)
{
  const char *p[] = {project_id, urn, pcf_id, formed_on, member_count};
  return store_run(db, &stmt_group_put, 5, p);
}

int store_group_doc(char **doc, struct store_conn *db, const char *project_id, const char *urn)
{
  const char *p[] = {project_id, urn};
  return store_query_text(doc, db, &stmt_group_doc, 2, p);
}

static struct store_stmt stmt_meeting_insert = STORE_STMT(
    "INSERT INTO engagement_meetings (project_id, urn, pcf_id, scheduled_for)"
    " VALUES ($1::uuid, $2::integer, $3, $4::date) RETURNING id");
static struct store_stmt stmt_meeting_doc =
    STORE_STMT("SELECT doc, version FROM engagement_meeting_docs WHERE id = $1::uuid");
static struct store_stmt stmt_meeting_lock =
    STORE_STMT("SELECT status, project_id FROM engagement_meetings WHERE id = $1::uuid FOR UPDATE");
static struct store_stmt stmt_meeting_complete = STORE_STMT(
    "UPDATE engagement_meetings SET status = 'completed', held_on = $2::date, attendance = $3::jsonb,"
    " themes = $4::jsonb, actions = $5::jsonb, updated_at = now(), version = version + 1 WHERE id = $1::uuid");
static struct store_stmt stmt_meeting_cancel = STORE_STMT(
    "UPDATE engagement_meetings SET status = 'cancelled', cancel_reason = $2, updated_at = now(),"
    " version = version + 1 WHERE id = $1::uuid");
static struct store_filtered stmt_meeting_list = STORE_FILTERED(
    "SELECT doc, id FROM engagement_meeting_docs m WHERE m.project_id = ANY ((SELECT visible_projects($1, $2))::uuid[])"
    " AND engagement_access(m.project_id, m.urn, $1, $2) <> 'none'", 3,
    " ORDER BY id LIMIT $7::int", "project_id = $3::uuid", "urn = $4::integer", "status = $5", "id > $6::uuid");
static struct store_stmt stmt_pcf_partner = STORE_STMT(
    "SELECT EXISTS (SELECT 1 FROM project_partners WHERE project_id = $1::uuid AND org_type = 'pcf'"
    " AND org_code = $2)");

int store_meeting_insert(char *id, struct store_conn *db, const char *project_id, const char *urn, const char *pcf_id,
                         const char *scheduled_for)
{
  const char *p[] = {project_id, urn, pcf_id, scheduled_for};
  return store_query_id(id, db, &stmt_meeting_insert, 4, p);
}

int store_meeting_doc(char **doc, long long *version, struct store_conn *db, const char *id)
{
  return store_query_doc(doc, version, db, &stmt_meeting_doc, 1, &id);
}

static struct store_stmt stmt_meeting_doc_event = OUTBOX_DOC_EVENT("engagement_meeting_docs", "id = $5::uuid");

int store_meeting_lock(char status[STORE_STATUS_LEN], char project_id[STORE_ID_LEN], struct store_conn *db,
                       const char *id)
{
  PGresult *res = NULL;
  int rc = store_exec(&res, db, &stmt_meeting_lock, 1, &id);
  if (rc)
    return rc;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) == 1) {
    if ((rc = store_copy_text(status, STORE_STATUS_LEN, PQgetvalue(res, 0, 0))) == PINS_OK)
      rc = store_copy_text(project_id, STORE_ID_LEN, PQgetvalue(res, 0, 1));
  }
  PQclear(res);
  return rc;
}

int store_meeting_complete(char **doc, struct store_conn *db, const char *id, const char *held_on,
                           const char *attendance, const char *themes, const char *actions,
                           const struct outbox_event *ev)
{
  const char *p[] = {id, held_on, attendance, themes, actions}, *e[8];
  PGresult *res = NULL;
  const struct store_step steps[] = {{&stmt_meeting_complete, 5, p, NULL},
                                     store_outbox_step(e, db, &stmt_meeting_doc_event, ev, 1, &id, &res)};
  int rc = store_commit_after(db, steps, 2);
  return rc ? rc : store_result_text(doc, res);
}

int store_meeting_cancel(struct store_conn *db, const char *id, const char *reason)
{
  const char *p[] = {id, reason};
  return store_run(db, &stmt_meeting_cancel, 2, p);
}

int store_meeting_list(PGresult **out, struct store_conn *db, const char *const params[7])
{
  return store_exec_filtered(out, db, &stmt_meeting_list, 7, params);
}

int store_pcf_partner(bool *out, struct store_conn *db, const char *project_id, const char *pcf_id)
{
  const char *p[] = {project_id, pcf_id};
  return store_query_bool(out, db, &stmt_pcf_partner, 2, p);
}

static struct store_stmt stmt_report_insert = STORE_STMT(
    "INSERT INTO quarterly_reports (project_id, quarter, due_on) VALUES ($1::uuid, $2, $3::date) RETURNING id");
static struct store_stmt stmt_report_doc =
    STORE_STMT("SELECT doc FROM quarterly_report_docs WHERE project_id = $1::uuid AND id = $2::uuid");
static struct store_stmt stmt_report_lock = STORE_STMT(
    "SELECT status, quarter FROM quarterly_reports WHERE project_id = $1::uuid AND id = $2::uuid FOR UPDATE");
/* JSON merge of the narrative: members given replace, null clears (kept as null). */
static struct store_stmt stmt_report_narrative = STORE_STMT(
    "UPDATE quarterly_reports SET narrative = narrative || $2::jsonb, updated_at = now(), version = version + 1"
    " WHERE id = $1::uuid");
static struct store_stmt stmt_report_submit = STORE_STMT(
    "UPDATE quarterly_reports SET status = 'submitted', figures = report_figures(project_id)::jsonb,"
    " submitted_at = now(), submitted_late = current_date > due_on, review_comment = NULL, updated_at = now(),"
    " version = version + 1 WHERE id = $1::uuid");
static struct store_stmt stmt_report_review = STORE_STMT(
    "UPDATE quarterly_reports SET status = $2, review_comment = $3, updated_at = now(), version = version + 1"
    " WHERE id = $1::uuid");
static struct store_filtered stmt_report_list = STORE_FILTERED(
    "SELECT doc, id FROM quarterly_report_docs WHERE project_id = $1::uuid", 2, " ORDER BY id LIMIT $3::int",
    "id > $2::uuid");

int store_report_insert(char *id, struct store_conn *db, const char *project_id, const char *quarter,
                        const char *due_on)
{
  const char *p[] = {project_id, quarter, due_on};
  return store_query_id(id, db, &stmt_report_insert, 3, p);
}

int store_report_doc(char **doc, struct store_conn *db, const char *project_id, const char *id)
{
  const char *p[] = {project_id, id};
  return store_query_text(doc, db, &stmt_report_doc, 2, p);
}

static struct store_stmt stmt_report_doc_event =
    OUTBOX_DOC_EVENT("quarterly_report_docs", "project_id = $5::uuid AND id = $6::uuid");

int store_report_doc_event(char **doc, struct store_conn *db, const char *project_id, const char *id,
                           const struct outbox_event *ev)
{
  const char *k[] = {project_id, id};
  return store_outbox_doc_event(doc, db, &stmt_report_doc_event, ev, 2, k);
}

int store_report_lock(char status[STORE_STATUS_LEN], char quarter[STORE_QUARTER_LEN], struct store_conn *db,
                      const char *project_id, const char *id)
{
  PGresult *res = NULL;
  const char *p[] = {project_id, id};
  int rc = store_exec(&res, db, &stmt_report_lock, 2, p);
  if (rc)
    return rc;
  rc = PINS_ENOTFOUND;
  if (PQntuples(res) == 1) {
    if ((rc = store_copy_text(status, STORE_STATUS_LEN, PQgetvalue(res, 0, 0))) == PINS_OK)
      rc = store_copy_text(quarter, STORE_QUARTER_LEN, PQgetvalue(res, 0, 1));
  }
  PQclear(res);
  return rc;
}

int store_report_narrative(struct store_conn *db, const char *id, const char *narrative_patch)
{
  const char *p[] = {id, narrative_patch};
  return store_run(db, &stmt_report_narrative, 2, p);
}

int store_report_submit(struct store_conn *db, const char *id)
{
  return store_run(db, &stmt_report_submit, 1, &id);
}

int store_report_review(struct store_conn *db, const char *id, const char *status, const char *comment)
{
  const char *p[] = {id, status, comment};
  return store_run(db, &stmt_report_review, 3, p);
}

int store_report_list(PGresult **out, struct store_conn *db, const char *project_id, const char *after,
                      const char *limit)
{
  const char *p[] = {project_id, after, limit};
  return store_exec_filtered(out, db, &stmt_report_list, 3, p);
}
