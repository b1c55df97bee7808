#ifndef PINS_STORE_PROJECTS_H
#define PINS_STORE_PROJECTS_H

#include <stdbool.h>

#include "domain/policy.h"
#include "store/db.h"

/* SQL for projects and everything hanging off them. Documents come back as JSON text built by
 * PostgreSQL (new strings the caller frees); lists as results whose column 0 is the document and
 * column 1 the pagination key. */

struct project_row {
  char id[40];
  char icb_code[8];
  char financial_year[8];
  char kind[16];
  char status[20];
  long long allocation_pence;
};

/* Creates a project; *id (40 bytes) receives its id. PINS_ECONFLICT when the ICB has one that year. */
int store_project_create(char *id, struct store_conn *db, const char *icb_code, const char *financial_year,
                         const char *kind, const char *allocation_pence);
int store_project_doc(char **doc, long long *version, struct store_conn *db, const char *id);
/* Locks the project row for the rest of the transaction. */
int store_project_lock(struct project_row *out, struct store_conn *db, const char *id);
int store_project_exists(bool *out, struct store_conn *db, const char *icb_code, const char *financial_year);
int store_project_set_status(struct store_conn *db, const char *id, const char *status);
int store_project_set_mou(struct store_conn *db, const char *id, const char *signed_on);
int store_project_add_release(long long *released_total, struct store_conn *db, const char *id,
                              const char *released_on, const char *amount_pence);
/* Appends to the project's history and commits, in one round trip; from/to/comment/detail (JSON
 * text) may be NULL. The actor comes from the transaction (store_begin). */
int store_project_history_commit(struct store_conn *db, const char *id, const char *action, const char *from,
                                 const char *to, const char *comment, const char *detail);
/* params: role, org, icb_code, financial_year, status, after id, limit. */
int store_project_list(PGresult **out, struct store_conn *db, const char *const params[7]);
/* A page of the project's history. Each actor's sub is shown when subs_shown, or when the project
 * belongs to the ICB subs_icb (may be NULL); else it is null. */
int store_project_history(PGresult **out, struct store_conn *db, const char *id, bool subs_shown,
                          const char *subs_icb, const char *after, const char *limit);

/* Partners and governance members: org_type, org_code. */
int store_partner_list(char **json, struct store_conn *db, const char *id);
int store_partner_add(struct store_conn *db, const char *id, const char *type, const char *code);
int store_partner_remove(long *rows, struct store_conn *db, const char *id, const char *type, const char *code);
int store_partner_doc(char **doc, struct store_conn *db, const char *id, const char *type, const char *code);
int store_partner_has(bool *out, struct store_conn *db, const char *id, const char *type, const char *code);
int store_governance_list(char **json, struct store_conn *db, const char *id);
int store_governance_add(struct store_conn *db, const char *id, const char *type, const char *code,
                         const char *role_title);
int store_governance_remove(long *rows, struct store_conn *db, const char *id, const char *type, const char *code);
int store_governance_doc(char **doc, struct store_conn *db, const char *id, const char *type, const char *code);

/* Facts the partnership rules need. */
int store_la_reaches_icb(bool *exists, bool *reaches, struct store_conn *db, const char *la, const char *icb);
/* *la_code (8 bytes) receives the forum's LA; PINS_ENOTFOUND when there is no such forum. */
int store_pcf_la(char la_code[STORE_CODE_LEN], struct store_conn *db, const char *pcf);
int store_la_has_enrolled(bool *out, struct store_conn *db, const char *id, const char *la);

/* Delivery plans. */
int store_plan_doc(char **doc, struct store_conn *db, const char *id);
int store_plan_put(struct store_conn *db, const char *id, const char *priorities, const char *approach,
                   const char *builds_on_local_offers, const char *funding_lines);
int store_plan_version(int *version, struct store_conn *db, const char *id);
int store_plan_sign(struct store_conn *db, const char *id, int version, const char *type, const char *code,
                    const char *signed_by);
/* Menu item codes (a text array literal) that are not active on the national menu, as JSON. */
int store_menu_inactive(char **json, struct store_conn *db, const char *codes_array);
/* What stops submission: one JSON object {no_plan, partner_las, partner_pcfs, las_without_partner,
 * governance_missing[], sign_offs_missing[], planned_pence, allocation_pence}. */
int store_plan_readiness(char **json, struct store_conn *db, const char *id);

/* Enrolment. */
struct school_facts {
  char la_code[8];
  char phase[32];
  char status[32];
  bool mainstream;
};
int store_school_facts(struct school_facts *out, struct store_conn *db, const char *urn);
int store_enrol(struct store_conn *db, const char *id, const char *urn, const char *financial_year,
                const char *cohort, const char *reason);
int store_enrolled_before(bool *out, struct store_conn *db, const char *icb_code, const char *financial_year,
                          const char *urn);
int store_enrolment_doc(char **doc, struct store_conn *db, const char *id, const char *urn);
int store_withdraw(long *rows, struct store_conn *db, const char *id, const char *urn, const char *reason);
int store_enrolment_list(PGresult **out, struct store_conn *db, const char *id, const char *after,
                         const char *limit);
/* The other project this school is enrolled in that year, if any (JSON text or ENOTFOUND). */
int store_enrolment_elsewhere(char **project_id, struct store_conn *db, const char *urn,
                              const char *financial_year);

#endif
