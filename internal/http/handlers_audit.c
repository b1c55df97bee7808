/* GET /v1/audit: the audit trail, for the national team (the route table admits no other role). */
#include "domain/audit.h"
#include "http/handlers.h"
#include "http/pagination.h"

static int list_audit(struct ref_page *out, struct http_req *r, struct store_conn *db, const char *after, int limit,
                      char *why, size_t whylen)
{
  const struct audit_filters f = {.table = http_query(r, "table"),
                                  .record_id = http_query(r, "record_id"),
                                  .sub = http_query(r, "sub"),
                                  .org = http_query(r, "org"),
                                  .from = http_query(r, "from"),
                                  .to = http_query(r, "to")};
  return audit_list(out, db, &f, after, limit, why, whylen);
}

void handle_audit_list(struct http_req *r)
{
  pagination_serve(r, list_audit);
}
