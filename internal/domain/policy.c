#include "domain/policy.h"

#include <ctype.h>
#include <string.h>

#include "core/status.h"
#include "store/projects.h"
#include "store/school_work.h"

bool policy_is_uuid(const char *s)
{
  if (!s || strlen(s) != 36)
    return false;
  for (int i = 0; i < 36; i++) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-')
        return false;
    } else if (!isxdigit((unsigned char)s[i])) {
      return false;
    }
  }
  return true;
}

int policy_self_assessment_access(enum access *out, struct store_conn *db,
                                  const struct auth_principal *who, const char *const *params)
{
  const char *id = params[0];
  *out = ACCESS_NONE;
  if (!policy_is_uuid(id))
    return PINS_OK;
  return store_self_assessment_access(out, db, id, auth_role_name(who->role), who->org);
}

int policy_project_access(enum access *out, struct store_conn *db, const struct auth_principal *who,
                          const char *const *params)
{
  const char *project_id = params[0];
  *out = ACCESS_NONE;
  if (!policy_is_uuid(project_id))
    return PINS_OK;
  return store_project_access(out, db, project_id, auth_role_name(who->role), who->org);
}

int policy_engagement_access(enum access *out, struct store_conn *db,
                             const struct auth_principal *who, const char *const *params)
{
  *out = ACCESS_NONE;
  if (!policy_is_uuid(params[0]))
    return PINS_OK;
  return store_engagement_access(out, db, params[0], auth_role_name(who->role), who->org);
}

int policy_school_group_access(enum access *out, struct store_conn *db,
                               const struct auth_principal *who, const char *const *params)
{
  *out = ACCESS_NONE;
  if (!policy_is_uuid(params[0]) || !params[1] || strlen(params[1]) != 6 || strspn(params[1], "0123456789") != 6)
    return PINS_OK;
  return store_school_group_access(out, db, params[0], params[1], auth_role_name(who->role), who->org);
}
