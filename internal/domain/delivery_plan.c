/* The delivery plan: what may be commissioned and how the funding is allocated. Every partner
 * organisation signs the current version; any change is a new version that needs signing again. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/project.h"
#include "domain/validate.h"

static bool is_menu_code(const char *s)
{
  size_t n = strlen(s);
  if (n < 2 || n > 32)
    return false;
  for (; *s; s++)
    if (!isupper((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
      return false;
  return true;
}

static const struct field_spec priority_fields[] = {
    {.name = "domains", .kind = FIELD_ENUM_SET, .flags = FIELD_REQUIRED, .values = refdata_domains},
    {.name = "menu_items", .kind = FIELD_TEXT_LIST, .flags = FIELD_REQUIRED, .max_len = 32, .format = is_menu_code,
     .format_hint = "a menu item code, e.g. OT-SENSORY-AUDIT"},
    {.name = "description", .kind = FIELD_TEXT, .flags = FIELD_NULLABLE, .max_len = 2000},
    {0}};

static const struct field_spec funding_line_fields[] = {
    {.name = "purpose", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 200},
    {.name = "amount_pence", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 1, .max = 100000000000L,
     .format_hint = "a whole number of pence above zero"},
    {0}};

static const struct field_spec plan_fields[] = {
    {.name = "commissioning_priorities", .kind = FIELD_ARRAY, .flags = FIELD_REQUIRED, .items = priority_fields,
     .min_items = 1, .max_items = 50},
    {.name = "commissioning_approach", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 4000},
    {.name = "builds_on_local_offers", .kind = FIELD_BOOL, .flags = FIELD_REQUIRED},
    {.name = "funding_lines", .kind = FIELD_ARRAY, .flags = FIELD_REQUIRED, .items = funding_line_fields,
     .min_items = 1, .max_items = 100},
    {0}};

int project_plan_get(char **doc, struct store_conn *db, const char *id)
{
  return store_plan_doc(doc, db, id);
}

/* Every menu item named must be on the active national menu: the guidance forbids commissioning
 * outside it. */
static int check_menu(struct store_conn *db, json_t *priorities, json_t *errors)
{
  size_t i, j, n = 2;
  json_t *pr, *code;
  json_array_foreach(priorities, i, pr) json_array_foreach(json_object_get(pr, "menu_items"), j, code) n +=
      strlen(json_string_value(code)) + 1;
  char *array = malloc(n + 1), *inactive_text = NULL;
  if (!array)
    return PINS_ENOMEM;
  size_t at = 0;
  array[at++] = '{';
  json_array_foreach(priorities, i, pr) json_array_foreach(json_object_get(pr, "menu_items"), j, code)
  {
    at += (size_t)sprintf(array + at, "%s%s", at > 1 ? "," : "", json_string_value(code));
  }
  array[at++] = '}';
  array[at] = '\0';
  int rc = store_menu_inactive(&inactive_text, db, array);
  free(array);
  if (rc)
    return rc;
  json_t *inactive = json_loads(inactive_text, 0, NULL);
  free(inactive_text);
  json_array_foreach(priorities, i, pr) json_array_foreach(json_object_get(pr, "menu_items"), j, code)
  {
    size_t k;
    json_t *bad;
    json_array_foreach(inactive, k, bad) if (json_equal(bad, code))
    {
      char pointer[96];
      snprintf(pointer, sizeof pointer, "/commissioning_priorities/%zu/menu_items/%zu", i, j);
      json_array_append_new(errors,
                            json_pack("{s:s, s:s}", "pointer", pointer, "detail",
                                      "is not an item on the active national menu of support; support outside the "
                                      "menu must not be commissioned"));
    }
  }
  json_decref(inactive);
  return PINS_OK;
}

int project_plan_put(char **doc, struct store_conn *db, const char *id, json_t *body, const struct store_actor *actor,
                     json_t *errors, char *why)
{
  struct project_row p;
  char *priorities = NULL, *lines = NULL;
  int rc;
  if (validate_object(errors, body, plan_fields, false, ""))
    return PINS_EINVALID;
  if ((rc = project_begin(&p, db, id, actor)))
    return rc;
  if (strcmp(p.status, "setup") != 0) {
    snprintf(why, PROJECT_WHY, "the plan can change only while the project is in setup; it is %s", p.status);
    rc = PINS_ECONFLICT;
    goto done;
  }
  if ((rc = check_menu(db, json_object_get(body, "commissioning_priorities"), errors)))
    goto done;
  long long total = 0;
  size_t i;
  json_t *line;
  json_array_foreach(json_object_get(body, "funding_lines"), i, line) total +=
      json_integer_value(json_object_get(line, "amount_pence"));
  if (total > p.allocation_pence) {
    char detail[200];
    snprintf(detail, sizeof detail, "the funding lines add up to %lld pence, over the allocation of %lld pence",
             total, p.allocation_pence);
    validate_error(errors, "", "funding_lines", detail);
  }
  if (json_array_size(errors)) {
    rc = PINS_EINVALID;
    goto done;
  }
  priorities = json_dumps(json_object_get(body, "commissioning_priorities"), JSON_COMPACT);
  lines = json_dumps(json_object_get(body, "funding_lines"), JSON_COMPACT);
  const char *approach = json_string_value(json_object_get(body, "commissioning_approach"));
  const char *builds = json_is_true(json_object_get(body, "builds_on_local_offers")) ? "true" : "false";
  if (!priorities || !lines) {
    rc = PINS_ENOMEM;
    goto done;
  }
  if ((rc = store_plan_put(db, id, priorities, approach, builds, lines)))
    goto done;
  int version = 0;
  if ((rc = store_plan_version(&version, db, id)))
    goto done;
  json_t *detail = json_pack("{s:i, s:I}", "plan_version", version, "funding_total_pence", (json_int_t)total);
  rc = project_commit(db, id, "delivery_plan_updated", NULL, NULL, NULL, detail);
  json_decref(detail);
  if (rc == PINS_OK)
    rc = store_plan_doc(doc, db, id);
done:
  if (db->in_tx)
    store_rollback(db);
  free(priorities);
  free(lines);
  return rc;
}

int project_plan_sign(char **doc, struct store_conn *db, const char *id, const struct auth_principal *who,
                      const struct store_actor *actor, char *why)
{
  struct project_row p;
  const char *type = who->role == ROLE_ICB ? "icb" : who->role == ROLE_LOCAL_AUTHORITY ? "local_authority"
                                                   : who->role == ROLE_PCF            ? "pcf"
                                                                                      : NULL;
  bool partner = false;
  int version = 0, rc;
  if (!type)
    return PINS_EFORBIDDEN;
  if ((rc = project_begin(&p, db, id, actor)))
    return rc;
  if (strcmp(type, "icb") == 0)
    partner = strcmp(p.icb_code, who->org) == 0;
  else if ((rc = store_partner_has(&partner, db, id, type, who->org)))
    goto done;
  if (!partner) {
    rc = PINS_EFORBIDDEN;
    goto done;
  }
  if (strcmp(p.status, "setup") != 0) {
    snprintf(why, PROJECT_WHY, "the plan is signed while the project is in setup; it is %s", p.status);
    rc = PINS_ECONFLICT;
    goto done;
  }
  if ((rc = store_plan_version(&version, db, id)) == PINS_ENOTFOUND) {
    snprintf(why, PROJECT_WHY, "there is no delivery plan to sign yet");
    rc = PINS_ECONFLICT;
    goto done;
  }
  if (rc || (rc = store_plan_sign(db, id, version, type, who->org, actor->sub)))
    goto done;
  json_t *detail = json_pack("{s:s, s:s, s:i}", "org_type", type, "org_code", who->org, "plan_version", version);
  rc = project_commit(db, id, "delivery_plan_signed", NULL, NULL, NULL, detail);
  json_decref(detail);
  if (rc == PINS_OK)
    rc = store_plan_doc(doc, db, id);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}
