#include "domain/refdata.h"
#include "http/handlers.h"
#include "http/router.h"

/* Every route the service serves. A test compares this table with openapi.yaml. */

#define REF_ROUTES(kind, coll, key)                                                                             \
  {"GET", "/v1/" coll, handle_ref_list, RIGHT_REF_READ, &refdata_resources[kind], BODY_NONE, 0},                \
      {"POST", "/v1/" coll, handle_ref_create, RIGHT_REF_WRITE, &refdata_resources[kind], BODY_JSON, 0},        \
      {"GET", "/v1/" coll "/{" key "}", handle_ref_get, RIGHT_REF_READ, &refdata_resources[kind], BODY_NONE, 0}, \
      {"PUT", "/v1/" coll "/{" key "}", handle_ref_replace, RIGHT_REF_WRITE, &refdata_resources[kind], BODY_JSON, \
       0},                                                                                                      \
      {"PATCH", "/v1/" coll "/{" key "}", handle_ref_patch, RIGHT_REF_WRITE, &refdata_resources[kind],          \
       BODY_JSON | BODY_MERGE_PATCH, 0},                                                                        \
      {"DELETE", "/v1/" coll "/{" key "}", handle_ref_delete, RIGHT_REF_WRITE, &refdata_resources[kind],        \
       BODY_NONE, 0}

const struct route routes[] = {
    {"GET", "/healthz", handle_healthz, RIGHT_PUBLIC, NULL, BODY_NONE, 0},
    {"GET", "/readyz", handle_readyz, RIGHT_PUBLIC, NULL, BODY_NONE, 0},
    REF_ROUTES(REF_ICB, "icbs", "code"),
    REF_ROUTES(REF_LA, "local-authorities", "code"),
    REF_ROUTES(REF_SCHOOL, "schools", "urn"),
    {"POST", "/v1/schools/import", handle_schools_import, RIGHT_REF_WRITE, NULL, BODY_JSON | BODY_CSV,
     128 * 1024 * 1024},
    REF_ROUTES(REF_PCF, "parent-carer-forums", "id"),
    REF_ROUTES(REF_MENU_ITEM, "menu-items", "code"),
};

const size_t route_count = sizeof routes / sizeof routes[0];
