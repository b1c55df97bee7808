/* Commissioned support: only items of the active national menu, with a professional type and
 * delivery mode the item allows, never committing more than the project's remaining funding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/policy.h"
#include "domain/project.h"
#include "domain/school_work.h"
#include "domain/validate.h"
#include "store/outbox.h"
#include "store/school_work.h"
#include "store/self_assessment.h"

static const char *const professional_types[] = {"occupational_therapist", "speech_and_language_therapist",
                                                 "educational_psychologist", "mental_health_practitioner",
                                                 "specialist_nurse", "specialist_teacher", NULL};
static const char *const modes[] = {"face_to_face", "virtual", "blended", NULL};
static const char *const statuses[] = {"planned", "commissioned", "delivered", "cancelled", NULL};

static bool is_code(const char *s)
{
  return strlen(s) >= 2 && strlen(s) <= 32 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(s);
}

static const struct field_spec create_fields[] = {
    {.name = "urn", .kind = FIELD_INT, .flags = FIELD_NULLABLE, .min = 100000, .max = 999999,
     .format_hint = "a six-digit URN, or null for project-wide training"},
    {.name = "menu_item_code", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 32, .format = is_code,
     .format_hint = "a menu item code"},
    {.name = "professional_type", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = professional_types},
    {.name = "delivery_mode", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = modes},
    {.name = "planned_days", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 1, .max = 365,
     .format_hint = "a whole number of days from 1 to 365"},
    {.name = "cost_pence", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 100000000000L,
     .format_hint = "a whole number of pence"},
    {.name = "addresses_domains", .kind = FIELD_ENUM_SET, .flags = FIELD_REQUIRED, .values = refdata_domains},
    {.name = "builds_on_local_offer", .kind = FIELD_BOOL, .flags = FIELD_REQUIRED},
    {0}};

static const struct field_spec attendance_fields[] = {
    {.name = "staff_role", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 100},
    {.name = "count", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 10000},
    {0}};
static const struct field_spec deliver_fields[] = {
    {.name = "delivered_on", .kind = FIELD_DATE, .flags = FIELD_REQUIRED},
    {.name = "delivered_days", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 365,
     .format_hint = "a whole number of days from 0 to 365"},
    {.name = "attendance", .kind = FIELD_ARRAY, .flags = FIELD_REQUIRED, .items = attendance_fields,
     .min_items = 0, .max_items = 50},
    {0}};
static const struct field_spec cancel_fields[] = {
    {.name = "reason", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 2000}, {0}};
static const struct field_spec no_fields[] = {{0}};

static bool json_array_has(const json_t *array, const char *s)
{
  size_t i;
  json_t *v;
  json_array_foreach(array, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return true;
  return false;
}

/* The menu's rules for the item. */
static int check_menu_item(struct store_conn *db, json_t *body, json_t *errors)
{
  bool active = false;
  char *types = NULL, *item_modes = NULL, detail[200];
  const char *code = json_string_value(json_object_get(body, "menu_item_code"));
  int rc = store_menu_item_rules(&active, &types, &item_modes, db, code);
  if (rc == PINS_ENOTFOUND || (rc == PINS_OK && !active)) {
    validate_error(errors, "", "menu_item_code",
                   "is not an item on the active national menu of support; support outside the menu must not be "
                   "commissioned");
    rc = PINS_OK;
  } else if (rc == PINS_OK) {
    json_t *t = json_loads(types, 0, NULL), *m = json_loads(item_modes, 0, NULL);
    const char *pt = json_string_value(json_object_get(body, "professional_type"));
    const char *dm = json_string_value(json_object_get(body, "delivery_mode"));
    if (!json_array_has(t, pt)) {
      snprintf(detail, sizeof detail, "%s is not a professional type menu item %s allows", pt, code);
      validate_error(errors, "", "professional_type", detail);
    }
    if (!json_array_has(m, dm)) {
      snprintf(detail, sizeof detail, "%s is not a delivery mode menu item %s allows", dm, code);
      validate_error(errors, "", "delivery_mode", detail);
    }
    json_decref(t);
    json_decref(m);
  }
  free(types);
  free(item_modes);
  return rc;
}

static void domains_literal(char *out, size_t cap, const json_t *domains)
{
  size_t i, n = (size_t)snprintf(out, cap, "{");
  json_t *d;
  json_array_foreach(domains, i, d) if (n < cap) n +=
      (size_t)snprintf(out + n, cap - n, "%s%s", i ? "," : "", json_string_value(d));
  if (n < cap)
    snprintf(out + n, cap - n, "}");
}

int intervention_create(char **doc, char *id, struct store_conn *db, const char *project_id, json_t *body,
                        const struct store_actor *actor, json_t *errors, char *why)
{
  struct project_row p;
  char urn[8] = "", days[16], cost[24], domains[256];
  bool enrolled = true;
  long long committed = 0, allocation = 0;
  int rc;
  if (validate_object(errors, body, create_fields, false, ""))
    return PINS_EINVALID;
  json_t *u = json_object_get(body, "urn");
  if (json_is_integer(u))
    snprintf(urn, sizeof urn, "%lld", (long long)json_integer_value(u));
  snprintf(days, sizeof days, "%lld", (long long)json_integer_value(json_object_get(body, "planned_days")));
  long long cost_pence = json_integer_value(json_object_get(body, "cost_pence"));
  snprintf(cost, sizeof cost, "%lld", cost_pence);
  domains_literal(domains, sizeof domains, json_object_get(body, "addresses_domains"));
  /* The project row lock serialises commitments, so two cannot overspend together. */
  if ((rc = project_begin(&p, db, project_id, actor)))
    return rc;
  if ((rc = check_menu_item(db, body, errors)))
    goto done;
  if (*urn) {
    if ((rc = store_school_enrolled(&enrolled, db, project_id, urn)))
      goto done;
    if (!enrolled)
      validate_error(errors, "", "urn", "the school is not enrolled in this project");
  }
  if (json_array_size(errors)) {
    rc = PINS_EINVALID;
    goto done;
  }
  if ((rc = store_project_funding(&committed, &allocation, db, project_id)))
    goto done;
  if (committed + cost_pence > allocation) {
    snprintf(why, WORK_WHY,
             "this would commit %lld pence but only %lld pence of the project's allocation of %lld pence remain",
             cost_pence, allocation - committed, allocation);
    rc = PINS_ECONFLICT;
    goto done;
  }
  const char *fields[10] = {project_id, *urn ? urn : NULL, json_string_value(json_object_get(body, "menu_item_code")),
                            json_string_value(json_object_get(body, "professional_type")),
                            json_string_value(json_object_get(body, "delivery_mode")), days, cost, domains,
                            json_is_true(json_object_get(body, "builds_on_local_offer")) ? "true" : "false", NULL};
  if ((rc = store_intervention_insert(id, db, fields)))
    goto done;
  json_t *detail = json_pack("{s:s, s:s, s:I}", "intervention_id", id, "menu_item_code", fields[2], "cost_pence",
                             (json_int_t)cost_pence);
  rc = project_commit(db, project_id, "intervention_planned", NULL, NULL, NULL, detail);
  json_decref(detail);
  if (rc == PINS_OK)
    rc = store_intervention_doc(doc, db, project_id, id);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}

int intervention_get(char **doc, struct store_conn *db, const char *project_id, const char *id)
{
  if (!policy_is_uuid(id))
    return PINS_ENOTFOUND;
  return store_intervention_doc(doc, db, project_id, id);
}

struct step_rule {
  const char *from[2];
  const char *to;
  const struct field_spec *fields;
};
static const struct step_rule rules[] = {
    [INTERVENTION_COMMISSION] = {{"planned"}, "commissioned", no_fields},
    [INTERVENTION_DELIVER] = {{"commissioned"}, "delivered", deliver_fields},
    [INTERVENTION_CANCEL] = {{"planned", "commissioned"}, "cancelled", cancel_fields},
};

int intervention_step(char **doc, struct store_conn *db, const char *project_id, const char *id,
                      enum intervention_step step, json_t *body, const struct store_actor *actor, json_t *errors,
                      char *why)
{
  const struct step_rule *r = &rules[step];
  struct project_row p;
  char status[STORE_STATUS_LEN], urn[STORE_URN_LEN], days[16] = "", *attendance = NULL;
  json_t *empty = NULL;
  int rc;
  if (!policy_is_uuid(id))
    return PINS_ENOTFOUND;
  if (!body)
    body = empty = json_object();
  if (validate_object(errors, body, r->fields, false, "")) {
    json_decref(empty);
    return PINS_EINVALID;
  }
  if ((rc = project_begin(&p, db, project_id, actor)))
    goto done;
  if ((rc = store_intervention_lock(status, urn, db, project_id, id)))
    goto done;
  if ((rc = project_step_allowed(r->from, status, "intervention", why, WORK_WHY)))
    goto done;
  const char *on = json_string_value(json_object_get(body, "delivered_on"));
  const char *reason = json_string_value(json_object_get(body, "reason"));
  if (step == INTERVENTION_DELIVER) {
    snprintf(days, sizeof days, "%lld", (long long)json_integer_value(json_object_get(body, "delivered_days")));
    attendance = json_dumps(json_object_get(body, "attendance"), JSON_COMPACT);
  }
  if ((rc = store_intervention_set(db, id, r->to, on, step == INTERVENTION_DELIVER ? days : NULL, attendance,
                                   reason)))
    goto done;
  char subject[128];
  snprintf(subject, sizeof subject, "/v1/projects/%s/interventions/%s", project_id, id);
  const struct outbox_event ev = {"pins.interventions", project_id, "uk.gov.pins.intervention.delivered.v1", subject};
  if ((rc = step == INTERVENTION_DELIVER ? store_intervention_doc_event(doc, db, project_id, id, &ev)
                                         : store_intervention_doc(doc, db, project_id, id)))
    goto done;
  json_t *detail = json_pack("{s:s}", "intervention_id", id);
  char action[40];
  snprintf(action, sizeof action, "intervention_%s", r->to);
  rc = project_commit(db, project_id, action, status, r->to, reason, detail);
  json_decref(detail);
done:
  if (rc && doc && *doc) {
    free(*doc);
    *doc = NULL;
  }
  if (db->in_tx)
    store_rollback(db);
  free(attendance);
  json_decref(empty);
  return rc;
}

int intervention_list(struct ref_page *out, struct store_conn *db, const char *project_id,
                      const char *const filters[3], const char *after, int limit, char *why, size_t whylen)
{
  static const struct field_spec urn_spec = {.kind = FIELD_INT, .min = 100000, .max = 999999};
  PGresult *res = NULL;
  char lim[16];
  if (filters[0] && !validate_text_value(&urn_spec, filters[0])) {
    snprintf(why, whylen, "query parameter urn must be a six-digit unique reference number");
    return PINS_EINVALID;
  }
  if (filters[1] && !validate_in(statuses, filters[1])) {
    snprintf(why, whylen, "query parameter status must be planned, commissioned, delivered or cancelled");
    return PINS_EINVALID;
  }
  if (filters[2] && !validate_in(modes, filters[2])) {
    snprintf(why, whylen, "query parameter delivery_mode must be face_to_face, virtual or blended");
    return PINS_EINVALID;
  }
  if (after && !policy_is_uuid(after)) {
    snprintf(why, whylen, "query parameter cursor is not a cursor this list gave out");
    return PINS_EINVALID;
  }
  snprintf(lim, sizeof lim, "%d", limit + 1);
  const char *params[6] = {project_id, filters[0], filters[1], filters[2], after, lim};
  int rc = store_intervention_list(&res, db, params);
  if (rc == PINS_OK)
    rc = project_page(out, res, limit);
  PQclear(res);
  return rc;
}
