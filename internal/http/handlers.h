#ifndef PINS_HTTP_HANDLERS_H
#define PINS_HTTP_HANDLERS_H

#include "http/request.h"

/* Route handlers: parse, call the domain, map the status, respond. route->ctx carries the
 * reference resource for the generic reference-data handlers. */
void handle_healthz(struct http_req *r);
void handle_readyz(struct http_req *r);
void handle_status(struct http_req *r);

void handle_ref_list(struct http_req *r);
void handle_ref_get(struct http_req *r);
void handle_ref_create(struct http_req *r);
void handle_ref_replace(struct http_req *r);
void handle_ref_patch(struct http_req *r);
void handle_ref_delete(struct http_req *r);

void handle_schools_import(struct http_req *r);

void handle_template_list(struct http_req *r);
void handle_template_get(struct http_req *r);
void handle_template_publish(struct http_req *r);
void handle_assessment_create(struct http_req *r);
void handle_assessment_list(struct http_req *r);
void handle_assessment_get(struct http_req *r);
void handle_assessment_patch(struct http_req *r);
void handle_assessment_complete(struct http_req *r);
void handle_events(struct http_req *r);
/* GET /v1/audit: the audit trail, filtered and paged (national only). */
void handle_audit_list(struct http_req *r);

void handle_intervention_create(struct http_req *r);
void handle_intervention_list(struct http_req *r);
void handle_intervention_get(struct http_req *r);
void handle_intervention_commission(struct http_req *r);
void handle_intervention_deliver(struct http_req *r);
void handle_intervention_cancel(struct http_req *r);
void handle_group_put(struct http_req *r);
void handle_group_get(struct http_req *r);
void handle_meeting_create(struct http_req *r);
void handle_meeting_list(struct http_req *r);
void handle_meeting_get(struct http_req *r);
void handle_meeting_complete(struct http_req *r);
void handle_meeting_cancel(struct http_req *r);
void handle_report_create(struct http_req *r);
void handle_report_list(struct http_req *r);
void handle_report_get(struct http_req *r);
void handle_report_patch(struct http_req *r);
void handle_report_submit(struct http_req *r);
void handle_report_accept(struct http_req *r);
void handle_report_return(struct http_req *r);

void handle_project_list(struct http_req *r);
void handle_project_create(struct http_req *r);
void handle_project_get(struct http_req *r);
void handle_project_history(struct http_req *r);
void handle_partner_list(struct http_req *r);
void handle_partner_add(struct http_req *r);
void handle_partner_remove(struct http_req *r);
void handle_governance_list(struct http_req *r);
void handle_governance_add(struct http_req *r);
void handle_governance_remove(struct http_req *r);
void handle_plan_get(struct http_req *r);
void handle_plan_put(struct http_req *r);
void handle_plan_sign(struct http_req *r);
void handle_plan_submit(struct http_req *r);
void handle_plan_approve(struct http_req *r);
void handle_plan_return(struct http_req *r);
void handle_project_mou(struct http_req *r);
void handle_project_funding_release(struct http_req *r);
void handle_project_close(struct http_req *r);
void handle_enrolment_list(struct http_req *r);
void handle_enrolment_add(struct http_req *r);
void handle_enrolment_get(struct http_req *r);
void handle_enrolment_withdraw(struct http_req *r);

#endif
