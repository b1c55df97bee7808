#ifndef PINS_DOMAIN_SELF_ASSESSMENT_H
#define PINS_DOMAIN_SELF_ASSESSMENT_H

#include <jansson.h>

#include "auth/jwt_verify.h"
#include "domain/refdata.h"
#include "store/db.h"

/* Self-assessment: versioned templates (six domains, items, a 1-4 scale) and each school's
 * baseline and follow-up assessments. Completing one computes its scores and priorities, makes
 * it a record (never edited again) and writes a self_assessment.completed event to the outbox in
 * the same transaction.
 *
 * Scoring rule: a domain's score is the mean of its items' responses (1-4), to two decimals;
 * the overall score is the mean of the domain scores. Priority domains are those scoring below
 * the template's priority_threshold (2.5 by default), lowest first, at most three. The menu items
 * that address them are the active national menu items naming any priority domain. For a
 * follow-up, change_since_baseline gives each domain's score minus the baseline's. */

#define ASSESSMENT_WHY 256
#define ASSESSMENT_MAX_PRIORITIES 3

int template_list(char **json, struct store_conn *db);
int template_get(char **doc, struct store_conn *db, const char *version);
/* Publishes a new template version (national); its number as text into version (STORE_ID_LEN bytes). */
int template_publish(char **doc, char *version, struct store_conn *db, json_t *body, const struct store_actor *actor,
                     json_t *errors, char *why);
/* Checks a template document; every fault appended to errors. */
int template_check(const json_t *tmpl, json_t *errors);

int assessment_create(char **doc, char *id, struct store_conn *db, const struct auth_principal *who,
                      const struct store_actor *actor, json_t *body, json_t *errors, char *why);
int assessment_get(char **doc, long long *version, struct store_conn *db, const char *id);
int assessment_patch(char **doc, struct store_conn *db, const char *id, json_t *body, const struct store_actor *actor,
                     json_t *errors, char *why);
int assessment_complete(char **doc, struct store_conn *db, const char *id, const struct store_actor *actor,
                        json_t *errors, char *why);
/* filters: project_id, urn, kind, status. */
int assessment_list(struct ref_page *out, struct store_conn *db, const struct auth_principal *who,
                    const char *const filters[4], const char *after, int limit, char *why, size_t whylen);

/* Pure scoring (no database): results {domain_scores, overall_score, priority_domains,
 * priority_threshold, change_since_baseline (follow-up only, else absent)}. baseline may be NULL.
 * *out is a new object. */
int assessment_score(json_t **out, const json_t *tmpl, const json_t *responses, const json_t *baseline);

/* Appends {pointer: /responses/<item>, detail} for each item of tmpl with no response. */
int assessment_unanswered(const json_t *tmpl, const json_t *responses, json_t *errors);

#endif
