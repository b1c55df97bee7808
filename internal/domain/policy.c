#include "domain/policy.h"

#include <ctype.h>
#include <string.h>

#include "core/status.h"
#include "store/access.h"

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

int policy_self_assessment_access(struct store_conn *db, const struct auth_principal *who,
                                  const char *const *params, const char *need)
{
  if (!policy_is_uuid(params[0]))
    return PINS_ENOTFOUND;
  return store_self_assessment_gate(db, params[0], auth_role_name(who->role), who->org, need);
}

int policy_project_access(struct store_conn *db, const struct auth_principal *who, const char *const *params,
                          const char *need)
{
  if (!policy_is_uuid(params[0]))
    return PINS_ENOTFOUND;
  return store_project_gate(db, params[0], auth_role_name(who->role), who->org, need);
}

int policy_engagement_access(struct store_conn *db, const struct auth_principal *who, const char *const *params,
                             const char *need)
{
  if (!policy_is_uuid(params[0]))
    return PINS_ENOTFOUND;
  return store_meeting_gate(db, params[0], auth_role_name(who->role), who->org, need);
}

int policy_school_group_access(struct store_conn *db, const struct auth_principal *who, const char *const *params,
                               const char *need)
{
  if (!policy_is_uuid(params[0]) || !params[1] || strlen(params[1]) != 6 || strspn(params[1], "0123456789") != 6)
    return PINS_ENOTFOUND;
  return store_school_group_gate(db, params[0], params[1], auth_role_name(who->role), who->org, need);
}
