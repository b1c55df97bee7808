/* Parent carer engagement: each school's parent carer group, and the meetings of parent carer
 * representatives with the school's senior leaders. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/status.h"
#include "domain/policy.h"
#include "domain/project.h"
#include "domain/school_work.h"
#include "domain/validate.h"
#include "store/access.h"
#include "store/outbox.h"
#include "store/school_work.h"
#include "store/self_assessment.h"

static const char *const statuses[] = {"scheduled", "completed", "cancelled", NULL};
static const char *const owner_roles[] = {"school", "pcf", "icb", "local_authority", "parent_carer_group", NULL};

#define NOT_PARTNER "the parent carer forum is not a partner in this project"

static bool is_pcf_id(const char *s)
{
  return strlen(s) >= 2 && strlen(s) <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

static const struct field_spec group_fields[] = {
    {.name = "pcf_id", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 64, .format = is_pcf_id,
     .format_hint = "a parent carer forum id"},
    {.name = "formed_on", .kind = FIELD_DATE, .flags = FIELD_REQUIRED},
    {.name = "member_count", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 10000},
    {0}};

int group_put(char **doc, struct store_conn *db, const char *project_id, const char *urn, json_t *body,
              const struct store_actor *actor, json_t *errors)
{
  char count[16], field[64];
  bool partner = false;
  int rc;
  if (validate_object(errors, body, group_fields, false, ""))
    return PINS_EINVALID;
  const char *pcf = json_string_value(json_object_get(body, "pcf_id"));
  snprintf(count, sizeof count, "%lld", (long long)json_integer_value(json_object_get(body, "member_count")));
  if ((rc = store_begin(db, actor)))
    return rc;
  /* The group's forum is a partner of the project, as a meeting's is (meeting_create). */
  rc = store_pcf_partner(&partner, db, project_id, pcf);
  if (rc == PINS_OK && !partner) {
    validate_error(errors, "", "pcf_id", NOT_PARTNER);
    rc = PINS_EINVALID;
  }
  if (rc == PINS_OK)
    rc = store_group_put(db, project_id, urn, pcf, json_string_value(json_object_get(body, "formed_on")), count);
  if (rc == PINS_ECONFLICT && store_fk_field(db, field, sizeof field)) {
    validate_error(errors, "", field, "names no parent carer forum");
    rc = PINS_EINVALID;
  }
  if (rc == PINS_OK) {
    json_t *detail = json_pack("{s:s, s:s}", "urn", urn, "pcf_id", pcf);
    rc = project_commit(db, project_id, "parent_carer_group_recorded", NULL, NULL, NULL, detail);
    json_decref(detail);
  }
  if (db->in_tx)
    store_rollback(db);
  if (rc == PINS_OK)
    rc = store_group_doc(doc, db, project_id, urn);
  return rc;
}

int group_get(char **doc, struct store_conn *db, const char *project_id, const char *urn)
{
  return store_group_doc(doc, db, project_id, urn);
}

static const struct field_spec meeting_fields[] = {
    {.name = "project_id", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 36, .format = policy_is_uuid,
     .format_hint = "a project id"},
    {.name = "urn", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 100000, .max = 999999,
     .format_hint = "a six-digit unique reference number"},
    {.name = "pcf_id", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 64, .format = is_pcf_id,
     .format_hint = "a parent carer forum id"},
    {.name = "scheduled_for", .kind = FIELD_DATE, .flags = FIELD_REQUIRED},
    {0}};

int meeting_create(char **doc, char *id, struct store_conn *db, const struct auth_principal *who,
                   const struct store_actor *actor, json_t *body, json_t *errors, char *why)
{
  enum access access = ACCESS_NONE;
  bool enrolled = false, partner = false;
  char urn[8];
  int rc;
  (void)why;
  if (validate_object(errors, body, meeting_fields, false, ""))
    return PINS_EINVALID;
  const char *project = json_string_value(json_object_get(body, "project_id"));
  const char *pcf = json_string_value(json_object_get(body, "pcf_id"));
  snprintf(urn, sizeof urn, "%lld", (long long)json_integer_value(json_object_get(body, "urn")));
  if ((rc = store_engagement_access_for(&access, db, project, urn, auth_role_name(who->role), who->org)))
    return rc;
  if (access == ACCESS_NONE) {
    validate_error(errors, "", "project_id", "names no project with this school that you may see");
    return PINS_EINVALID;
  }
  if (access < ACCESS_WRITE)
    return PINS_EFORBIDDEN;
  if ((rc = store_begin(db, actor)))
    return rc;
  if ((rc = store_school_enrolled(&enrolled, db, project, urn)) || (rc = store_pcf_partner(&partner, db, project, pcf)))
    goto done;
  if (!enrolled)
    validate_error(errors, "", "urn", "the school is not enrolled in this project");
  if (!partner)
    validate_error(errors, "", "pcf_id", NOT_PARTNER);
  if (json_array_size(errors)) {
    rc = PINS_EINVALID;
    goto done;
  }
  if ((rc = store_meeting_insert(id, db, project, urn, pcf, json_string_value(json_object_get(body, "scheduled_for")))))
    goto done;
  if ((rc = store_commit(db)) == PINS_OK)
    rc = store_meeting_doc(doc, NULL, db, id);
done:
  if (db->in_tx)
    store_rollback(db);
  return rc;
}

int meeting_get(char **doc, long long *version, struct store_conn *db, const char *id)
{
  return store_meeting_doc(doc, version, db, id);
}

static const struct field_spec attendance_fields[] = {
    {.name = "parent_carers", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 10000},
    {.name = "senior_leaders", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 10000},
    {.name = "school_staff", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 10000},
    {.name = "pcf_representatives", .kind = FIELD_INT, .flags = FIELD_REQUIRED, .min = 0, .max = 10000},
    {0}};
static const struct field_spec action_fields[] = {
    {.name = "description", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 1000},
    {.name = "owner_role", .kind = FIELD_ENUM, .flags = FIELD_REQUIRED, .values = owner_roles},
    {.name = "due_on", .kind = FIELD_DATE, .flags = FIELD_REQUIRED},
    {0}};
static const struct field_spec complete_fields[] = {
    {.name = "held_on", .kind = FIELD_DATE, .flags = FIELD_REQUIRED},
    {.name = "attendance", .kind = FIELD_BOOL, .flags = FIELD_REQUIRED}, /* an object: checked below */
    {.name = "themes", .kind = FIELD_TEXT_LIST, .max_len = 200, .format_hint = "a theme of at most 200 characters"},
    {.name = "actions", .kind = FIELD_ARRAY, .items = action_fields, .min_items = 0, .max_items = 50},
    {0}};
static const struct field_spec cancel_fields[] = {
    {.name = "reason", .kind = FIELD_TEXT, .flags = FIELD_REQUIRED, .max_len = 2000}, {0}};

static int check_completion(json_t *body, json_t *errors)
{
  json_t *copy = json_deep_copy(body), *attendance = json_object_get(body, "attendance");
  if (json_is_object(attendance))
    json_object_set_new(copy, "attendance", json_true());
  validate_object(errors, copy, complete_fields, false, "");
  json_decref(copy);
  if (json_is_object(attendance))
    validate_object(errors, attendance, attendance_fields, false, "/attendance");
  return json_array_size(errors) ? PINS_EINVALID : PINS_OK;
}

static int meeting_finish(char **doc, struct store_conn *db, const char *id, json_t *body,
                          const struct store_actor *actor, json_t *errors, char *why, bool complete)
{
  char status[STORE_STATUS_LEN], project[STORE_ID_LEN], *attendance = NULL, *themes = NULL, *actions = NULL;
  int rc = complete ? check_completion(body, errors)
                    : (validate_object(errors, body, cancel_fields, false, "") ? PINS_EINVALID : PINS_OK);
  if (rc)
    return rc;
  if ((rc = store_begin(db, actor)))
    return rc;
  if ((rc = store_meeting_lock(status, project, db, id)))
    goto done;
  if (strcmp(status, "scheduled") != 0) {
    snprintf(why, WORK_WHY, "the meeting is %s; only a scheduled meeting can be %s", status,
             complete ? "completed" : "cancelled");
    rc = PINS_ECONFLICT;
    goto done;
  }
  if (!complete) {
    if ((rc = store_meeting_cancel(db, id, json_string_value(json_object_get(body, "reason")))) ||
        (rc = store_commit(db)))
      goto done;
    rc = store_meeting_doc(doc, NULL, db, id);
    goto done;
  }
  json_t *t = json_object_get(body, "themes"), *a = json_object_get(body, "actions");
  attendance = json_dumps(json_object_get(body, "attendance"), JSON_COMPACT);
  themes = t ? json_dumps(t, JSON_COMPACT) : strdup("[]");
  actions = a ? json_dumps(a, JSON_COMPACT) : strdup("[]");
  if (!attendance || !themes || !actions) {
    rc = PINS_ENOMEM;
    goto done;
  }
  char subject[80];
  snprintf(subject, sizeof subject, "/v1/engagement-meetings/%s", id);
  const struct outbox_event ev = {"pins.engagement-meetings", project, "uk.gov.pins.engagement_meeting.completed.v1",
                                  subject};
  rc = store_meeting_complete(doc, db, id, json_string_value(json_object_get(body, "held_on")), attendance, themes,
                              actions, &ev);
done:
  if (db->in_tx)
    store_rollback(db);
  free(attendance);
  free(themes);
  free(actions);
  return rc;
}

int meeting_complete(char **doc, struct store_conn *db, const char *id, json_t *body, const struct store_actor *actor,
                     json_t *errors, char *why)
{
  return meeting_finish(doc, db, id, body, actor, errors, why, true);
}

int meeting_cancel(char **doc, struct store_conn *db, const char *id, json_t *body, const struct store_actor *actor,
                   json_t *errors, char *why)
{
  return meeting_finish(doc, db, id, body, actor, errors, why, false);
}

int meeting_list(struct ref_page *out, struct store_conn *db, const struct auth_principal *who,
                 const char *const filters[3], const char *after, int limit, char *why, size_t whylen)
{
  static const struct field_spec urn_spec = {.kind = FIELD_INT, .min = 100000, .max = 999999};
  PGresult *res = NULL;
  char lim[16];
  if ((filters[0] && !policy_is_uuid(filters[0])) || (filters[1] && !validate_text_value(&urn_spec, filters[1])) ||
      (filters[2] && !validate_in(statuses, filters[2])) || (after && !policy_is_uuid(after))) {
    snprintf(why, whylen, "query parameters: project_id is a project id, urn six digits, status one of scheduled, "
                          "completed or cancelled, cursor one this list gave out");
    return PINS_EINVALID;
  }
  snprintf(lim, sizeof lim, "%d", limit + 1);
  const char *params[7] = {auth_role_name(who->role), who->org, filters[0], filters[1], filters[2], after, lim};
  int rc = store_meeting_list(&res, db, params);
  if (rc == PINS_OK)
    rc = project_page(out, res, limit);
  PQclear(res);
  return rc;
}
