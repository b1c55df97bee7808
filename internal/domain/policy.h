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

/* A rule: checks the caller's access to the record the path parameters name (params[0] is its
 * id; nested records add more) against need, what the route needs ("read", "write", or "never"
 * when the caller's role may not use it). The check is staged on db as a gate (store_gate): it
 * goes with the request's first statements, and a failure surfaces from them (PINS_ENOTFOUND:
 * the caller may not see the record; PINS_EFORBIDDEN: may see it but not do this). Returns
 * PINS_ENOTFOUND at once for a malformed id. */
typedef int (*policy_fn)(struct store_conn *db, const struct auth_principal *who, const char *const *params,
                         const char *need);

/* Self-assessments: SQL function school_work_access. */
int policy_self_assessment_access(struct store_conn *db, const struct auth_principal *who,
                                  const char *const *params, const char *need);
/* Engagement meetings (params[0]) and a school's parent carer group (params[0] project,
 * params[1] URN): SQL function engagement_access. */
int policy_engagement_access(struct store_conn *db, const struct auth_principal *who, const char *const *params,
                             const char *need);
int policy_school_group_access(struct store_conn *db, const struct auth_principal *who, const char *const *params,
                               const char *need);
/* Projects (params[0]): SQL function project_access. */
int policy_project_access(struct store_conn *db, const struct auth_principal *who, const char *const *params,
                          const char *need);

/* True for a canonical UUID text. */
bool policy_is_uuid(const char *s);

#endif
