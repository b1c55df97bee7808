/* The local partnership (partner LAs, parent carer forums, providers) and its governance group. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/project.h"
#include "domain/validate.h"

static const char *const partner_types[] = {"local_authority", "pcf", "provider", NULL};
static const char *const member_types[] = {"icb", "local_authority", "pcf", NULL};

static bool is_org_code(const char *s)
{
  size_t n = strlen(s);
  if (n < 2 || n > 64)
    return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '-')
      return false;
  return true;
}

static const struct field_spec partner_fields[] = {
    {.name = "org_type", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = partner_types},
    {.name = "org_code", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 64, .format = is_org_code,
     .format_hint = "an organisation code: an LA code, a forum id or a provider's code"},
    {0}};

static const struct field_spec member_fields[] = {
    {.name = "org_type", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = member_types},
    {.name = "org_code", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 64, .format = is_org_code,
     .format_hint = "an organisation code: the ICB's ODS code, an LA code or a forum id"},
    {.name = "role_title", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    {0}};

static int open_for_change(const struct project_row *p, char *why)
{
  if (strcmp(p->status, "closed") == 0) {
    snprintf(why, PROJECT_WHY, "the project is closed");
    return PINS_ECONFLICT;
  }
  return PINS_OK;
}

/* The partnership rules: an LA must lie in the ICB's area or reach into it; a forum must belong
 * to a partner LA. */
static int check_partner(struct store_conn *db, const struct project_row *p, const char *type, const char *code,
                         json_t *errors)
{
  char detail[200], la[STORE_CODE_LEN];
  bool exists = false, reaches = false, partner = false;
  int rc = PINS_OK;
  if (strcmp(type, "local_authority") == 0) {
    if ((rc = store_la_reaches_icb(&exists, &reaches, db, code, p->icb_code)))
      return rc;
    if (!exists)
      validate_error(errors, "", "org_code", "names no local authority");
    else if (!reaches) {
      snprintf(detail, sizeof detail, "a partner local authority must lie in ICB %s's area or border it; %s does not",
               p->icb_code, code);
      validate_error(errors, "", "org_code", detail);
    }
  } else if (strcmp(type, "pcf") == 0) {
    rc = store_pcf_la(la, db, code);
    if (rc == PINS_ENOTFOUND) {
      validate_error(errors, "", "org_code", "names no parent carer forum");
      return PINS_EINVALID;
    }
    if (rc || (rc = store_partner_has(&partner, db, p->id, "local_authority", la)))
      return rc;
    if (!partner) {
      snprintf(detail, sizeof detail, "a partner parent carer forum must belong to a partner local authority; %s "
                                      "belongs to %s, which is not a partner", code, la);
      validate_error(errors, "", "org_code", detail);
    }
  }
  return json_array_size(errors) ? PINS_EINVALID : PINS_OK;
}

int project_partners(char **json, struct store_conn *db, const char *id)
{
  return store_partner_list(json, db, id);
}

int project_partner_add(char **doc, struct store_conn *db, const char *id, json_t *body,
                        const struct store_actor *actor, json_t *errors, char *why)
{
  struct project_row p;
  int rc;
  if (validate_object(errors, body, partner_fields, false, ""))
    return PINS_EINVALID;
  const char *type = json_string_value(json_object_get(body, "org_type"));
  const char *code = json_string_value(json_object_get(body, "org_code"));
  if ((rc = project_begin(&p, db, id, actor)))
    return rc;
  if ((rc = open_for_change(&p, why)) || (rc = check_partner(db, &p, type, code, errors)))
    goto done;
  if ((rc = store_partner_add(db, id, type, code))) {
    if (rc == PINS_ECONFLICT)
      snprintf(why, PROJECT_WHY, "%s %s is already a partner", type, code);
    goto done;
  }
  json_t *detail = json_pack("{s:s, s:s}", "org_type", type, "org_code", code);
  rc = project_commit(db, id, "partner_added", NULL, NULL, NULL, detail);
  json_decref(detail);
  if (rc == PINS_OK)
    rc = store_partner_doc(doc, db, id, type, code);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}

int project_partner_remove(struct store_conn *db, const char *id, const char *type, const char *code,
                           const struct store_actor *actor, char *why)
{
  struct project_row p;
  bool enrolled = false;
  long rows = 0;
  int rc;
  if (!validate_in(partner_types, type))
    return PINS_ENOTFOUND;
  if ((rc = project_begin(&p, db, id, actor)))
    return rc;
  if ((rc = open_for_change(&p, why)))
    goto done;
  if (strcmp(type, "local_authority") == 0) {
    if ((rc = store_la_has_enrolled(&enrolled, db, id, code)))
      goto done;
    if (enrolled) {
      snprintf(why, PROJECT_WHY, "local authority %s still has schools enrolled in the project", code);
      rc = PINS_ECONFLICT;
      goto done;
    }
  }
  if ((rc = store_partner_remove(&rows, db, id, type, code)))
    goto done;
  if (rows == 0) {
    rc = PINS_ENOTFOUND;
    goto done;
  }
  json_t *detail = json_pack("{s:s, s:s}", "org_type", type, "org_code", code);
  rc = project_commit(db, id, "partner_removed", NULL, NULL, NULL, detail);
  json_decref(detail);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}

int project_governance(char **json, struct store_conn *db, const char *id)
{
  return store_governance_list(json, db, id);
}

/* A governance member is the project's ICB, a partner LA or a partner forum. */
static int check_member(struct store_conn *db, const struct project_row *p, const char *type, const char *code,
                        json_t *errors)
{
  bool partner = false;
  char detail[160];
  if (strcmp(type, "icb") == 0) {
    if (strcmp(code, p->icb_code) != 0) {
      snprintf(detail, sizeof detail, "the ICB member must be the project's ICB, %s", p->icb_code);
      validate_error(errors, "", "org_code", detail);
    }
    return json_array_size(errors) ? PINS_EINVALID : PINS_OK;
  }
  int rc = store_partner_has(&partner, db, p->id, type, code);
  if (rc)
    return rc;
  if (!partner) {
    snprintf(detail, sizeof detail, "%s %s is not a partner in this project; add it as a partner first", type, code);
    validate_error(errors, "", "org_code", detail);
  }
  return json_array_size(errors) ? PINS_EINVALID : PINS_OK;
}

int project_governance_add(char **doc, struct store_conn *db, const char *id, json_t *body,
                           const struct store_actor *actor, json_t *errors, char *why)
{
  struct project_row p;
  int rc;
  if (validate_object(errors, body, member_fields, false, ""))
    return PINS_EINVALID;
  const char *type = json_string_value(json_object_get(body, "org_type"));
  const char *code = json_string_value(json_object_get(body, "org_code"));
  const char *title = json_string_value(json_object_get(body, "role_title"));
  if ((rc = project_begin(&p, db, id, actor)))
    return rc;
  if ((rc = open_for_change(&p, why)) || (rc = check_member(db, &p, type, code, errors)))
    goto done;
  if ((rc = store_governance_add(db, id, type, code, title))) {
    if (rc == PINS_ECONFLICT)
      snprintf(why, PROJECT_WHY, "%s %s is already in the governance group", type, code);
    goto done;
  }
  json_t *detail = json_pack("{s:s, s:s, s:s}", "org_type", type, "org_code", code, "role_title", title);
  rc = project_commit(db, id, "governance_member_added", NULL, NULL, NULL, detail);
  json_decref(detail);
  if (rc == PINS_OK)
    rc = store_governance_doc(doc, db, id, type, code);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}

int project_governance_remove(struct store_conn *db, const char *id, const char *type, const char *code,
                              const struct store_actor *actor, char *why)
{
  struct project_row p;
  long rows = 0;
  int rc;
  if (!validate_in(member_types, type))
    return PINS_ENOTFOUND;
  if ((rc = project_begin(&p, db, id, actor)))
    return rc;
  if ((rc = open_for_change(&p, why)) || (rc = store_governance_remove(&rows, db, id, type, code)))
    goto done;
  if (rows == 0) {
    rc = PINS_ENOTFOUND;
    goto done;
  }
  json_t *detail = json_pack("{s:s, s:s}", "org_type", type, "org_code", code);
  rc = project_commit(db, id, "governance_member_removed", NULL, NULL, NULL, detail);
  json_decref(detail);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}
