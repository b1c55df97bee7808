#include "domain/refdata.h"
#include "http/handlers.h"
#include "http/router.h"

/* Every route the service serves. A test compares this table with openapi.yaml. */

#define ANY ROLES_ANY
#define NATIONAL ROLES_NATIONAL
#define NATIONAL_ICB (ROLE_BIT(ROLE_NATIONAL) | ROLE_BIT(ROLE_ICB))
#define ICB ROLE_BIT(ROLE_ICB)
#define SCHOOL_WORKERS (ROLE_BIT(ROLE_SCHOOL) | ROLE_BIT(ROLE_ICB) | ROLE_BIT(ROLE_LOCAL_AUTHORITY))
#define ENGAGERS (ROLE_BIT(ROLE_SCHOOL) | ROLE_BIT(ROLE_ICB) | ROLE_BIT(ROLE_PCF))
#define READERS_OF_EVENTS (ROLE_BIT(ROLE_NATIONAL) | ROLE_BIT(ROLE_EVALUATOR))
#define OPERATORS (ROLE_BIT(ROLE_NATIONAL) | ROLE_BIT(ROLE_EVALUATOR))
#define PARTNERS (ROLE_BIT(ROLE_ICB) | ROLE_BIT(ROLE_LOCAL_AUTHORITY) | ROLE_BIT(ROLE_PCF))

#define ROUTE(m, p, h, sc, ro, ne, bo)                                                                          \
  {.method = (m), .path = (p), .handler = (h), .scope = (sc), .roles = (ro), .need = (ne), .bodies = (bo)}
#define REF(m, p, h, ro, kind, bo)                                                                              \
  {.method = (m), .path = (p), .handler = (h), .scope = SCOPE_GLOBAL, .roles = (ro),                           \
   .ctx = &refdata_resources[kind], .bodies = (bo)}
#define REF_ROUTES(kind, coll, key)                                                                             \
  REF("GET", "/v1/" coll, handle_ref_list, ANY, kind, BODY_NONE),                                               \
      REF("POST", "/v1/" coll, handle_ref_create, NATIONAL, kind, BODY_JSON),                                   \
      REF("GET", "/v1/" coll "/{" key "}", handle_ref_get, ANY, kind, BODY_NONE),                               \
      REF("PUT", "/v1/" coll "/{" key "}", handle_ref_replace, NATIONAL, kind, BODY_JSON),                      \
      REF("PATCH", "/v1/" coll "/{" key "}", handle_ref_patch, NATIONAL, kind, BODY_JSON | BODY_MERGE_PATCH),   \
      REF("DELETE", "/v1/" coll "/{" key "}", handle_ref_delete, NATIONAL, kind, BODY_NONE)
#define RECORD(m, p, h, ro, ne, bo, pol)                                                                        \
  {.method = (m), .path = (p), .handler = (h), .scope = SCOPE_RECORD, .roles = (ro), .need = (ne),             \
   .bodies = (bo), .policy = (pol)}
#define PROJECT(m, p, h, ro, ne, bo) RECORD(m, "/v1/projects/{id}" p, h, ro, ne, bo, policy_project_access)

const struct route routes[] = {
    ROUTE("GET", "/healthz", handle_healthz, SCOPE_PUBLIC, ANY, ACCESS_NONE, BODY_NONE),
    ROUTE("GET", "/readyz", handle_readyz, SCOPE_PUBLIC, ANY, ACCESS_NONE, BODY_NONE),
    ROUTE("GET", "/v1/status", handle_status, SCOPE_GLOBAL, OPERATORS, ACCESS_NONE, BODY_NONE),
    REF_ROUTES(REF_ICB, "icbs", "code"),
    REF_ROUTES(REF_LA, "local-authorities", "code"),
    REF_ROUTES(REF_SCHOOL, "schools", "urn"),
    {.method = "POST", .path = "/v1/schools/import", .handler = handle_schools_import, .scope = SCOPE_GLOBAL,
     .roles = NATIONAL, .bodies = BODY_JSON | BODY_CSV, .max_body = 128 * 1024 * 1024},
    REF_ROUTES(REF_PCF, "parent-carer-forums", "id"),
    REF_ROUTES(REF_MENU_ITEM, "menu-items", "code"),

    ROUTE("GET", "/v1/projects", handle_project_list, SCOPE_GLOBAL, ANY, ACCESS_NONE, BODY_NONE),
    ROUTE("POST", "/v1/projects", handle_project_create, SCOPE_GLOBAL, NATIONAL_ICB, ACCESS_NONE, BODY_JSON),
    PROJECT("GET", "", handle_project_get, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("GET", "/history", handle_project_history, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("GET", "/partners", handle_partner_list, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("POST", "/partners", handle_partner_add, ANY, ACCESS_WRITE, BODY_JSON),
    PROJECT("DELETE", "/partners/{org_type}/{org_code}", handle_partner_remove, ANY, ACCESS_WRITE, BODY_NONE),
    PROJECT("GET", "/governance-members", handle_governance_list, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("POST", "/governance-members", handle_governance_add, ANY, ACCESS_WRITE, BODY_JSON),
    PROJECT("DELETE", "/governance-members/{org_type}/{org_code}", handle_governance_remove, ANY, ACCESS_WRITE,
            BODY_NONE),
    PROJECT("GET", "/delivery-plan", handle_plan_get, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("PUT", "/delivery-plan", handle_plan_put, ANY, ACCESS_WRITE, BODY_JSON),
    PROJECT("POST", "/delivery-plan/sign-offs", handle_plan_sign, PARTNERS, ACCESS_READ, BODY_JSON),
    PROJECT("POST", "/delivery-plan/submit", handle_plan_submit, ICB, ACCESS_WRITE, BODY_JSON),
    PROJECT("POST", "/delivery-plan/approve", handle_plan_approve, NATIONAL, ACCESS_WRITE, BODY_JSON),
    PROJECT("POST", "/delivery-plan/return", handle_plan_return, NATIONAL, ACCESS_WRITE, BODY_JSON),
    PROJECT("POST", "/mou", handle_project_mou, NATIONAL, ACCESS_WRITE, BODY_JSON),
    PROJECT("POST", "/funding-release", handle_project_funding_release, NATIONAL, ACCESS_WRITE, BODY_JSON),
    PROJECT("POST", "/close", handle_project_close, NATIONAL, ACCESS_WRITE, BODY_JSON),
    PROJECT("GET", "/schools", handle_enrolment_list, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("POST", "/schools", handle_enrolment_add, ANY, ACCESS_WRITE, BODY_JSON),
    PROJECT("GET", "/schools/{urn}", handle_enrolment_get, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("DELETE", "/schools/{urn}", handle_enrolment_withdraw, ANY, ACCESS_WRITE, BODY_JSON),

    ROUTE("GET", "/v1/self-assessment-templates", handle_template_list, SCOPE_GLOBAL, ANY, ACCESS_NONE, BODY_NONE),
    ROUTE("POST", "/v1/self-assessment-templates", handle_template_publish, SCOPE_GLOBAL, NATIONAL, ACCESS_NONE,
          BODY_JSON),
    ROUTE("GET", "/v1/self-assessment-templates/{version}", handle_template_get, SCOPE_GLOBAL, ANY, ACCESS_NONE,
          BODY_NONE),
    ROUTE("GET", "/v1/self-assessments", handle_assessment_list, SCOPE_GLOBAL, ANY, ACCESS_NONE, BODY_NONE),
    ROUTE("POST", "/v1/self-assessments", handle_assessment_create, SCOPE_GLOBAL, SCHOOL_WORKERS, ACCESS_NONE,
          BODY_JSON),
    RECORD("GET", "/v1/self-assessments/{id}", handle_assessment_get, ANY, ACCESS_READ, BODY_NONE,
           policy_self_assessment_access),
    RECORD("PATCH", "/v1/self-assessments/{id}", handle_assessment_patch, ANY, ACCESS_WRITE,
           BODY_JSON | BODY_MERGE_PATCH, policy_self_assessment_access),
    RECORD("POST", "/v1/self-assessments/{id}/complete", handle_assessment_complete, ANY, ACCESS_WRITE, BODY_JSON,
           policy_self_assessment_access),

    PROJECT("GET", "/interventions", handle_intervention_list, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("POST", "/interventions", handle_intervention_create, ANY, ACCESS_WRITE, BODY_JSON),
    PROJECT("GET", "/interventions/{intervention_id}", handle_intervention_get, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("POST", "/interventions/{intervention_id}/commission", handle_intervention_commission, ANY, ACCESS_WRITE,
            BODY_JSON),
    PROJECT("POST", "/interventions/{intervention_id}/deliver", handle_intervention_deliver, ANY, ACCESS_WRITE,
            BODY_JSON),
    PROJECT("POST", "/interventions/{intervention_id}/cancel", handle_intervention_cancel, ANY, ACCESS_WRITE,
            BODY_JSON),
    RECORD("GET", "/v1/projects/{id}/schools/{urn}/parent-carer-group", handle_group_get, ANY, ACCESS_READ,
           BODY_NONE, policy_school_group_access),
    RECORD("PUT", "/v1/projects/{id}/schools/{urn}/parent-carer-group", handle_group_put, ANY, ACCESS_WRITE,
           BODY_JSON, policy_school_group_access),
    PROJECT("GET", "/quarterly-reports", handle_report_list, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("POST", "/quarterly-reports", handle_report_create, NATIONAL_ICB, ACCESS_WRITE, BODY_JSON),
    PROJECT("GET", "/quarterly-reports/{report_id}", handle_report_get, ANY, ACCESS_READ, BODY_NONE),
    PROJECT("PATCH", "/quarterly-reports/{report_id}", handle_report_patch, NATIONAL_ICB, ACCESS_WRITE,
            BODY_JSON | BODY_MERGE_PATCH),
    PROJECT("POST", "/quarterly-reports/{report_id}/submit", handle_report_submit, ICB, ACCESS_WRITE, BODY_JSON),
    PROJECT("POST", "/quarterly-reports/{report_id}/accept", handle_report_accept, NATIONAL, ACCESS_WRITE,
            BODY_JSON),
    PROJECT("POST", "/quarterly-reports/{report_id}/return", handle_report_return, NATIONAL, ACCESS_WRITE,
            BODY_JSON),

    ROUTE("GET", "/v1/engagement-meetings", handle_meeting_list, SCOPE_GLOBAL, ANY, ACCESS_NONE, BODY_NONE),
    ROUTE("POST", "/v1/engagement-meetings", handle_meeting_create, SCOPE_GLOBAL, ENGAGERS, ACCESS_NONE, BODY_JSON),
    RECORD("GET", "/v1/engagement-meetings/{id}", handle_meeting_get, ANY, ACCESS_READ, BODY_NONE,
           policy_engagement_access),
    RECORD("POST", "/v1/engagement-meetings/{id}/complete", handle_meeting_complete, ANY, ACCESS_WRITE, BODY_JSON,
           policy_engagement_access),
    RECORD("POST", "/v1/engagement-meetings/{id}/cancel", handle_meeting_cancel, ANY, ACCESS_WRITE, BODY_JSON,
           policy_engagement_access),

    ROUTE("GET", "/v1/events", handle_events, SCOPE_GLOBAL, READERS_OF_EVENTS, ACCESS_NONE, BODY_NONE),
    ROUTE("GET", "/v1/audit", handle_audit_list, SCOPE_GLOBAL, NATIONAL, ACCESS_NONE, BODY_NONE),
};

const size_t route_count = sizeof routes / sizeof routes[0];
