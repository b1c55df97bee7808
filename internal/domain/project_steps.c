/* A project's life: setup -> plan_submitted -> plan_approved -> mou_signed -> funded -> closed,
 * and plan_submitted -> setup when the national team returns the plan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/project.h"
#include "domain/validate.h"

struct step_rule {
  const char *action;       /* history action */
  const char *from[2];      /* statuses the step may start from */
  const char *to;           /* NULL: status unchanged after the first time (funding release) */
  const struct field_spec *fields;
};

static const struct field_spec comment_required[] = {
    {.name = "comment", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 4000}, {0}};
static const struct field_spec comment_optional[] = {
    {.name = "comment", .kind = FIELD_TEXT, .flags = FIELD_NULLABLE, .max_len = 4000}, {0}};
static const struct field_spec mou_fields[] = {
    {.name = "signed_on", .kind = FIELD_DATE, .flags = FIELD_REQUIRED}, {0}};
static const struct field_spec release_fields[] = {
    {.name = "released_on", .kind = FIELD_DATE, .flags = FIELD_REQUIRED},
    {.name = "amount_pence", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 1, .max = 100000000000L,
     .format_hint = "a whole number of pence above zero"},
    {0}};

static const struct step_rule rules[] = {
    [STEP_SUBMIT] = {"plan_submitted", {"setup"}, "plan_submitted", comment_optional},
    [STEP_APPROVE] = {"plan_approved", {"plan_submitted"}, "plan_approved", comment_optional},
    [STEP_RETURN] = {"plan_returned", {"plan_submitted"}, "setup", comment_required},
    [STEP_MOU] = {"mou_signed", {"plan_approved"}, "mou_signed", mou_fields},
    [STEP_FUNDING_RELEASE] = {"funding_released", {"mou_signed", "funded"}, "funded", release_fields},
    [STEP_CLOSE] = {"closed", {"funded"}, "closed", comment_optional},
};


static void money(char *out, size_t cap, long long pence)
{
  snprintf(out, cap, "£%lld.%02lld", pence / 100, pence % 100);
}

/* Every unmet condition for submitting the plan, each as an error naming where to look. */
static int check_submission(struct store_conn *db, const char *id, json_t *errors)
{
  char *text = NULL, detail[256];
  json_t *f = NULL, *item;
  size_t i;
  int rc = store_plan_readiness(&text, db, id);
  if (rc)
    return rc;
  if (!(f = json_loads(text, 0, NULL))) {
    free(text);
    return PINS_ERROR;
  }
  if (!json_is_true(json_object_get(f, "has_plan")))
    validate_error(errors, "", "delivery-plan", "there is no delivery plan yet");
  if (json_integer_value(json_object_get(f, "partner_las")) == 0)
    validate_error(errors, "", "partners", "the partnership has no local authority");
  if (json_integer_value(json_object_get(f, "partner_pcfs")) == 0)
    validate_error(errors, "", "partners", "the partnership has no parent carer forum or parent carer-led group");
  if (!json_is_true(json_object_get(f, "governance_has_icb")))
    validate_error(errors, "", "governance-members", "the governance group does not include the ICB");
  if (!json_is_true(json_object_get(f, "governance_has_pcf")))
    validate_error(errors, "", "governance-members", "the governance group has no parent carer representative");
  json_array_foreach(json_object_get(f, "governance_missing_las"), i, item)
  {
    snprintf(detail, sizeof detail, "the governance group does not include local authority %s, which has schools "
                                    "in the project", json_string_value(item));
    validate_error(errors, "", "governance-members", detail);
  }
  if (json_is_true(json_object_get(f, "has_plan"))) {
    json_array_foreach(json_object_get(f, "sign_offs_missing"), i, item)
    {
      snprintf(detail, sizeof detail, "%s %s has not signed the current plan",
               json_string_value(json_object_get(item, "org_type")),
               json_string_value(json_object_get(item, "org_code")));
      validate_error(errors, "/delivery-plan", "sign-offs", detail);
    }
  }
  long long planned = json_integer_value(json_object_get(f, "planned_pence"));
  long long allocation = json_integer_value(json_object_get(f, "allocation_pence"));
  if (planned > allocation) {
    char a[32], b[32];
    money(a, sizeof a, planned);
    money(b, sizeof b, allocation);
    snprintf(detail, sizeof detail, "the funding lines add up to %s, over the allocation of %s", a, b);
    validate_error(errors, "/delivery-plan", "funding_lines", detail);
  }
  json_decref(f);
  free(text);
  return json_array_size(errors) ? PINS_EINVALID : PINS_OK;
}

int project_step(char **doc, struct store_conn *db, const char *id, enum project_step step, json_t *body,
                 const struct store_actor *actor, json_t *errors, char *why)
{
  const struct step_rule *r = &rules[step];
  struct project_row p;
  json_t *empty = NULL, *detail = NULL;
  int rc;
  if (!body)
    body = empty = json_object();
  if (validate_object(errors, body, r->fields, false, "")) {
    json_decref(empty);
    return PINS_EINVALID;
  }
  if ((rc = project_begin(&p, db, id, actor)))
    goto done;
  if ((rc = project_step_allowed(r->from, p.status, "project", why, PROJECT_WHY)))
    goto done;
  const char *comment = json_string_value(json_object_get(body, "comment"));
  if (step == STEP_SUBMIT && (rc = check_submission(db, id, errors)))
    goto done;
  if (step == STEP_MOU) {
    const char *on = json_string_value(json_object_get(body, "signed_on"));
    if ((rc = store_project_set_mou(db, id, on)))
      goto done;
    detail = json_pack("{s:s}", "signed_on", on);
  }
  if (step == STEP_FUNDING_RELEASE) {
    long long released = 0, amount = json_integer_value(json_object_get(body, "amount_pence"));
    char amount_text[24];
    snprintf(amount_text, sizeof amount_text, "%lld", amount);
    const char *on = json_string_value(json_object_get(body, "released_on"));
    if ((rc = store_project_add_release(&released, db, id, on, amount_text)))
      goto done;
    if (released > p.allocation_pence) {
      char a[32], b[32], d[200];
      money(a, sizeof a, released);
      money(b, sizeof b, p.allocation_pence);
      snprintf(d, sizeof d, "releases would total %s, over the allocation of %s", a, b);
      validate_error(errors, "", "amount_pence", d);
      rc = PINS_EINVALID;
      goto done;
    }
    detail = json_pack("{s:s, s:I, s:I}", "released_on", on, "amount_pence", (json_int_t)amount, "released_pence",
                       (json_int_t)released);
  }
  bool moves = strcmp(p.status, r->to) != 0;
  if (moves && (rc = store_project_set_status(db, id, r->to)))
    goto done;
  if ((rc = project_commit(db, id, r->action, p.status, moves ? r->to : p.status, comment, detail)))
    goto done;
  rc = store_project_doc(doc, NULL, db, id);
done:
  if (db->in_tx)
    store_rollback(db);
  json_decref(detail);
  json_decref(empty);
  return rc;
}
