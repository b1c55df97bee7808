#ifndef PINS_DOMAIN_POLICY_H
#define PINS_DOMAIN_POLICY_H

#include "auth/jwt_verify.h"
#include "store/db.h"

/* Who may see and change what. The rule itself lives in one place, the SQL function
 * project_access (sql/migrations/002_projects.sql), so that single reads, writes and list
 * filters all agree:
 *   national: write every project; evaluator: read every project;
 *   icb: write its own ICB's projects; local_authority and pcf: read projects they are partners
 *   in; school: read projects it is enrolled in. */
enum access { ACCESS_NONE = 0, ACCESS_READ = 1, ACCESS_WRITE = 2 };

/* A rule: the caller's access to the record the path parameters name (params[0] is its id;
 * nested records add more). A malformed or unknown id is ACCESS_NONE. */
typedef int (*policy_fn)(enum access *out, struct store_conn *db, const struct auth_principal *who,
                         const char *const *params);

/* Self-assessments, engagement meetings and other school work: SQL function school_work_access. */
int policy_self_assessment_access(enum access *out, struct store_conn *db,
                                  const struct auth_principal *who, const char *const *params);
/* Engagement meetings (params[0]) and a school's parent carer group (params[0] project,
 * params[1] URN): SQL function engagement_access. */
int policy_engagement_access(enum access *out, struct store_conn *db,
                             const struct auth_principal *who, const char *const *params);
int policy_school_group_access(enum access *out, struct store_conn *db,
                               const struct auth_principal *who, const char *const *params);

/* The caller's access to project id (text). ACCESS_NONE for a malformed or unknown id. */
int policy_project_access(enum access *out, struct store_conn *db, const struct auth_principal *who,
                          const char *const *params);

/* True for a canonical UUID text. */
bool policy_is_uuid(const char *s);

#endif
