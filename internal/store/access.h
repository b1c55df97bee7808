#ifndef PINS_STORE_ACCESS_H
#define PINS_STORE_ACCESS_H

#include "domain/policy.h"
#include "store/db.h"

/* The SQL of who may see and change what: the rules themselves are SQL functions (project_access,
 * school_work_access, engagement_access; migrations 007 and 012). role and org are the caller's. */

/* Record routes' access checks, staged as gates (store_gate): need is what the route needs,
 * "read", "write" or "never" (the caller's role may not use the route). */
int store_project_gate(struct store_conn *db, const char *id, const char *role, const char *org, const char *need);
int store_self_assessment_gate(struct store_conn *db, const char *id, const char *role, const char *org,
                               const char *need);
int store_meeting_gate(struct store_conn *db, const char *id, const char *role, const char *org, const char *need);
int store_school_group_gate(struct store_conn *db, const char *project_id, const char *urn, const char *role,
                            const char *org, const char *need);

/* The caller's access to a school's work in a project (creating a self-assessment): ACCESS_NONE
 * also when either is unknown, and when the caller may not see the project (project_access), so
 * that a project the caller may not see is answered exactly as one that does not exist. */
int store_school_work_access(enum access *out, struct store_conn *db, const char *project_id, const char *urn,
                             const char *role, const char *org);
/* The caller's engagement access to a school in a project (creating a meeting); ACCESS_NONE as
 * above. */
int store_engagement_access_for(enum access *out, struct store_conn *db, const char *project_id, const char *urn,
                                const char *role, const char *org);

#endif
