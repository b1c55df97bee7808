#ifndef PINS_DOMAIN_SCHOOL_WORK_H
#define PINS_DOMAIN_SCHOOL_WORK_H

#include <jansson.h>

#include "auth/jwt_verify.h"
#include "domain/refdata.h"
#include "store/db.h"

/* Commissioned support, parent carer engagement and quarterly reports. As elsewhere: a broken
 * rule is PINS_EINVALID with {pointer, detail} in errors; a state that forbids the action is
 * PINS_ECONFLICT with a sentence in why (WORK_WHY bytes). Documents are JSON text (free). */

#define WORK_WHY 256

/* Interventions (project routes: access to the project is checked by the dispatcher). */
int intervention_create(char **doc, char *id, struct store_conn *db, const char *project_id, json_t *body,
                        const struct store_actor *actor, json_t *errors, char *why);
int intervention_get(char **doc, struct store_conn *db, const char *project_id, const char *id);
enum intervention_step { INTERVENTION_COMMISSION, INTERVENTION_DELIVER, INTERVENTION_CANCEL };
int intervention_step(char **doc, struct store_conn *db, const char *project_id, const char *id,
                      enum intervention_step step, json_t *body, const struct store_actor *actor, json_t *errors,
                      char *why);
/* filters: urn, status, delivery_mode. */
int intervention_list(struct ref_page *out, struct store_conn *db, const char *project_id,
                      const char *const filters[3], const char *after, int limit, char *why, size_t whylen);

/* Parent carer groups and engagement meetings. */
int group_put(char **doc, struct store_conn *db, const char *project_id, const char *urn, json_t *body,
              const struct store_actor *actor, json_t *errors);
int group_get(char **doc, struct store_conn *db, const char *project_id, const char *urn);
int meeting_create(char **doc, char *id, struct store_conn *db, const struct auth_principal *who,
                   const struct store_actor *actor, json_t *body, json_t *errors, char *why);
int meeting_get(char **doc, long long *version, struct store_conn *db, const char *id);
int meeting_complete(char **doc, struct store_conn *db, const char *id, json_t *body, const struct store_actor *actor,
                     json_t *errors, char *why);
int meeting_cancel(char **doc, struct store_conn *db, const char *id, json_t *body, const struct store_actor *actor,
                   json_t *errors, char *why);
/* filters: project_id, urn, status. */
int meeting_list(struct ref_page *out, struct store_conn *db, const struct auth_principal *who,
                 const char *const filters[3], const char *after, int limit, char *why, size_t whylen);

/* Quarterly reports. due_days: days after the quarter's end when the report is due. */
int report_create(char **doc, char *id, struct store_conn *db, const char *project_id, json_t *body, int due_days,
                  const struct store_actor *actor, json_t *errors, char *why);
int report_get(char **doc, struct store_conn *db, const char *project_id, const char *id);
int report_patch(char **doc, struct store_conn *db, const char *project_id, const char *id, json_t *body,
                 const struct store_actor *actor, json_t *errors, char *why);
enum report_step { REPORT_SUBMIT, REPORT_ACCEPT, REPORT_RETURN };
int report_step(char **doc, struct store_conn *db, const char *project_id, const char *id, enum report_step step,
                json_t *body, const struct store_actor *actor, json_t *errors, char *why);
int report_list(struct ref_page *out, struct store_conn *db, const char *project_id, const char *after, int limit,
                char *why, size_t whylen);

/* The date a quarter's report is due ("2025-26-Q2" -> the quarter's last day + due_days) into
 * out (11 bytes); false for a malformed quarter. */
bool report_due_date(char *out, const char *quarter, int due_days);

#endif
