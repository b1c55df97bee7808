#include <stdio.h>
#include <stdlib.h>

#include "core/status.h"
#include "store/projects.h"

static struct store_stmt stmt_doc = STORE_STMT("SELECT doc FROM delivery_plan_docs WHERE project_id = $1::uuid");
/* A changed plan is a new version: earlier sign-offs no longer count. */
static struct store_stmt stmt_put = STORE_STMT(
    "INSERT INTO delivery_plans AS dp (project_id, commissioning_priorities, commissioning_approach,"
    " builds_on_local_offers, funding_lines) VALUES ($1::uuid, $2::jsonb, $3, $4::boolean, $5::jsonb)"
    " ON CONFLICT (project_id) DO UPDATE SET commissioning_priorities = EXCLUDED.commissioning_priorities,"
    " commissioning_approach = EXCLUDED.commissioning_approach,"
    " builds_on_local_offers = EXCLUDED.builds_on_local_offers, funding_lines = EXCLUDED.funding_lines,"
    " plan_version = dp.plan_version + 1, updated_at = now()");
static struct store_stmt stmt_version =
    STORE_STMT("SELECT plan_version FROM delivery_plans WHERE project_id = $1::uuid");
static struct store_stmt stmt_sign = STORE_STMT(
    "INSERT INTO plan_sign_offs (project_id, plan_version, org_type, org_code, signed_by)"
    " VALUES ($1::uuid, $2::integer, $3, $4, $5) ON CONFLICT (project_id, org_type, org_code) DO UPDATE"
    " SET plan_version = EXCLUDED.plan_version, signed_at = now(), signed_by = EXCLUDED.signed_by");
static struct store_stmt stmt_inactive = STORE_STMT(
    "SELECT coalesce(json_agg(c), '[]')::text FROM unnest($1::text[]) c"
    " WHERE NOT EXISTS (SELECT 1 FROM menu_items m WHERE m.code = c AND m.active)");
static struct store_stmt stmt_readiness = STORE_STMT("SELECT plan_readiness($1::uuid)::text");

int store_plan_doc(char **doc, struct store_conn *db, const char *id)
{
  return store_query_text(doc, db, &stmt_doc, 1, &id);
}

int store_plan_put(struct store_conn *db, const char *id, const char *priorities, const char *approach,
                   const char *builds_on_local_offers, const char *funding_lines)
{
  const char *p[] = {id, priorities, approach, builds_on_local_offers, funding_lines};
  return store_run(db, &stmt_put, 5, p);
}

int store_plan_version(int *version, struct store_conn *db, const char *id)
{
  char *text = NULL;
  int rc = store_query_text(&text, db, &stmt_version, 1, &id);
  if (rc == PINS_OK)
    *version = atoi(text);
  free(text);
  return rc;
}

int store_plan_sign(struct store_conn *db, const char *id, int version, const char *type, const char *code,
                    const char *signed_by)
{
  char v[16];
  snprintf(v, sizeof v, "%d", version);
  const char *p[] = {id, v, type, code, signed_by};
  return store_run(db, &stmt_sign, 5, p);
}

int store_menu_inactive(char **json, struct store_conn *db, const char *codes_array)
{
  return store_query_text(json, db, &stmt_inactive, 1, &codes_array);
}

int store_plan_readiness(char **json, struct store_conn *db, const char *id)
{
  return store_query_text(json, db, &stmt_readiness, 1, &id);
}
