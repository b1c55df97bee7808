#ifndef PINS_STORE_SCHOOL_WORK_H
#define PINS_STORE_SCHOOL_WORK_H

#include <stdbool.h>

#include "domain/policy.h"
#include "store/db.h"
#include "store/outbox.h"

/* SQL for interventions, parent carer groups, engagement meetings and quarterly reports.
 * Documents are JSON text the caller frees. Lists return (doc, key) rows. */

/* A menu item's rule: whether it is active, its professional types and delivery modes (JSON). */
int store_menu_item_rules(bool *active, char **types, char **modes, struct store_conn *db, const char *code);

/* Interventions: a row's fields as text, for the insert (see store/school_work.c for order). */
int store_intervention_insert(char *id, struct store_conn *db, const char *const fields[10]);
int store_intervention_doc(char **doc, struct store_conn *db, const char *project_id, const char *id);
/* The document, added as an event in the same round trip (store_outbox_doc_event). */
int store_intervention_doc_event(char **doc, struct store_conn *db, const char *project_id, const char *id,
                                 const struct outbox_event *ev);
/* Locks one intervention of the project; its status and URN into the arrays (sizes in store/db.h). */
int store_intervention_lock(char status[STORE_STATUS_LEN], char urn[STORE_URN_LEN], struct store_conn *db,
                            const char *project_id, const char *id);
int store_intervention_set(struct store_conn *db, const char *id, const char *status, const char *delivered_on,
                           const char *delivered_days, const char *attendance, const char *cancel_reason);
/* params: project_id, urn, status, delivery_mode, after id, limit. */
int store_intervention_list(PGresult **out, struct store_conn *db, const char *const params[6]);
/* Committed and allocation pence for the project (locked by the caller). */
int store_project_funding(long long *committed, long long *allocation, struct store_conn *db, const char *project_id);

/* Parent carer groups. */
int store_group_put(struct store_conn *db, const char *project_id, const char *urn, const char *pcf_id,
                    const char *formed_on, const char *member_count);
int store_group_doc(char **doc, struct store_conn *db, const char *project_id, const char *urn);

/* Engagement meetings. */
int store_meeting_insert(char *id, struct store_conn *db, const char *project_id, const char *urn, const char *pcf_id,
                         const char *scheduled_for);
int store_meeting_doc(char **doc, long long *version, struct store_conn *db, const char *id);
int store_meeting_lock(char status[STORE_STATUS_LEN], char project_id[STORE_ID_LEN], struct store_conn *db,
                       const char *id);
/* Records the meeting as held, reads its document into *doc, adds it as event ev and commits, in
 * one round trip. */
int store_meeting_complete(char **doc, struct store_conn *db, const char *id, const char *held_on,
                           const char *attendance, const char *themes, const char *actions,
                           const struct outbox_event *ev);
int store_meeting_cancel(struct store_conn *db, const char *id, const char *reason);
/* params: role, org, project_id, urn, status, after id, limit. */
int store_meeting_list(PGresult **out, struct store_conn *db, const char *const params[7]);
/* Whether a forum is a partner of the project. */
int store_pcf_partner(bool *out, struct store_conn *db, const char *project_id, const char *pcf_id);

/* Quarterly reports. */
int store_report_insert(char *id, struct store_conn *db, const char *project_id, const char *quarter,
                        const char *due_on);
int store_report_doc(char **doc, struct store_conn *db, const char *project_id, const char *id);
int store_report_doc_event(char **doc, struct store_conn *db, const char *project_id, const char *id,
                           const struct outbox_event *ev);
int store_report_lock(char status[STORE_STATUS_LEN], char quarter[STORE_QUARTER_LEN], struct store_conn *db,
                      const char *project_id, const char *id);
int store_report_narrative(struct store_conn *db, const char *id, const char *narrative_patch);
/* Freezes the figures; late when now is after due_on. */
int store_report_submit(struct store_conn *db, const char *id);
int store_report_review(struct store_conn *db, const char *id, const char *status, const char *comment);
int store_report_list(PGresult **out, struct store_conn *db, const char *project_id, const char *after,
                      const char *limit);

#endif
