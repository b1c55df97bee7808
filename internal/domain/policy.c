#include "domain/policy.h"

#include <ctype.h>
#include <string.h>

#include "core/status.h"
#include "store/projects.h"

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

int policy_self_assessment_access(enum access *out, char *icb_code, struct store_conn *db,
                                  const struct auth_principal *who, const char *id)
{
  *out = ACCESS_NONE;
  if (!policy_is_uuid(id))
    return PINS_OK;
  return store_self_assessment_access(out, icb_code, db, id, auth_role_name(who->role), who->org);
}

int policy_project_access(enum access *out, char *icb_code, struct store_conn *db, const struct auth_principal *who,
                          const char *project_id)
{
  *out = ACCESS_NONE;
  if (!policy_is_uuid(project_id))
    return PINS_OK;
  return store_project_access(out, icb_code, db, project_id, auth_role_name(who->role), who->org);
}
