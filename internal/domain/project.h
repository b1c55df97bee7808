#ifndef PINS_DOMAIN_PROJECT_H
#define PINS_DOMAIN_PROJECT_H

#include <jansson.h>

#include "auth/jwt_verify.h"
#include "domain/refdata.h"
#include "store/db.h"
#include "store/projects.h"

/* Local PINS projects and their partnership, governance, delivery plan and schools. Every
 * rule the DfE guidance states is enforced here: a broken rule is PINS_EINVALID with
 * {pointer, detail} entries in errors saying which; a state that forbids the action is
 * PINS_ECONFLICT with a sentence in why. Documents come back as JSON text (*doc, freed by the
 * caller). Access (who may see or change the project) is checked before these run. */

#define PROJECT_WHY 256

/* Projects. */
int project_create(char **doc, char *id, struct store_conn *db, const struct auth_principal *who,
                   const struct store_actor *actor, json_t *body, json_t *errors);
int project_get(char **doc, long long *version, struct store_conn *db, const char *id);
/* filters: icb_code, financial_year, status (NULL = any); checked, with a sentence in why. */
int project_list(struct ref_page *out, struct store_conn *db, const struct auth_principal *who,
                 const char *const filters[3], const char *after, int limit, char *why, size_t whylen);
/* A page of the project's history. Who acted is shown by role and organisation to everyone who may
 * see the project; the actor's sub (often an e-mail address) only to national and to the project's
 * own ICB, null for the others. */
int project_history(struct ref_page *out, struct store_conn *db, const struct auth_principal *who, const char *id,
                    const char *after, int limit, char *why, size_t whylen);

enum project_step { STEP_SUBMIT, STEP_APPROVE, STEP_RETURN, STEP_MOU, STEP_FUNDING_RELEASE, STEP_CLOSE };
/* Moves the project on (setup -> plan_submitted -> plan_approved -> mou_signed -> funded ->
 * closed; plan_submitted -> setup when returned). body may be NULL for steps without one. */
int project_step(char **doc, struct store_conn *db, const char *id, enum project_step step, json_t *body,
                 const struct store_actor *actor, json_t *errors, char *why);

/* Partnership and governance. */
int project_partners(char **json, struct store_conn *db, const char *id);
int project_partner_add(char **doc, struct store_conn *db, const char *id, json_t *body,
                        const struct store_actor *actor, json_t *errors, char *why);
int project_partner_remove(struct store_conn *db, const char *id, const char *type, const char *code,
                           const struct store_actor *actor, char *why);
int project_governance(char **json, struct store_conn *db, const char *id);
int project_governance_add(char **doc, struct store_conn *db, const char *id, json_t *body,
                           const struct store_actor *actor, json_t *errors, char *why);
int project_governance_remove(struct store_conn *db, const char *id, const char *type, const char *code,
                              const struct store_actor *actor, char *why);

/* Delivery plan. */
int project_plan_get(char **doc, struct store_conn *db, const char *id);
int project_plan_put(char **doc, struct store_conn *db, const char *id, json_t *body, const struct store_actor *actor,
                     json_t *errors, char *why);
/* The caller's organisation signs the current version. PINS_EFORBIDDEN when it is no partner. */
int project_plan_sign(char **doc, struct store_conn *db, const char *id, const struct auth_principal *who,
                      const struct store_actor *actor, char *why);

/* Schools. The enrolled school's URN is written into urn. */
int project_school_enrol(char **doc, char urn[STORE_URN_LEN], struct store_conn *db, const char *id, json_t *body,
                         const struct store_actor *actor, json_t *errors, char *why);
int project_school_withdraw(char **doc, struct store_conn *db, const char *id, const char *urn, json_t *body,
                            const struct store_actor *actor, json_t *errors, char *why);
int project_school_get(char **doc, struct store_conn *db, const char *id, const char *urn);
int project_schools(struct ref_page *out, struct store_conn *db, const char *id, const char *after, int limit,
                    char *why, size_t whylen);

/* Helpers shared by the project files (domain/project_*.c). */
/* Begins a transaction and locks the project. */
int project_begin(struct project_row *p, struct store_conn *db, const char *id, const struct store_actor *actor);
/* Writes history, commits. */
int project_commit(struct store_conn *db, const char *id, const char *action, const char *from, const char *to,
                   const char *comment, json_t *detail);
/* Builds a page body {"items":[...] from a result whose column 0 is a document and column 1
 * the key. */
int project_page(struct ref_page *out, PGresult *res, int limit);
/* The state machines' one check: PINS_OK when status is one of from (up to two, NULL-padded),
 * else PINS_ECONFLICT with "the <what> is <status>; this step needs it to be a or b" in why. */
int project_step_allowed(const char *const from[2], const char *status, const char *what, char *why, size_t cap);

/* The financial year before fy ("2025-26" -> "2024-25") into out; false when fy is malformed. */
#define PROJECT_FY_LEN 8 /* "2025-26" and its NUL */
bool project_previous_year(char out[PROJECT_FY_LEN], const char *fy);

#endif
