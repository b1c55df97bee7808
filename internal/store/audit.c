#include "store/audit.h"

/* One prepared statement per combination of filters (store_filtered), each served by an index of
 * migration 017 in id order. */
static struct store_filtered stmt_list = STORE_FILTERED(
    "SELECT (SELECT row_to_json(d) FROM (SELECT a.at, a.table_name AS \"table\", a.record_key AS record_id,"
    " a.action, a.actor_sub AS sub, a.actor_role AS role, a.actor_org AS org, a.request_id, a.client_request_id,"
    " a.before, a.after) d)::text, a.id FROM audit_log a WHERE true",
    1, " ORDER BY a.id LIMIT $8::int", "a.table_name = $1", "a.record_key = $2", "a.actor_sub = $3",
    "a.actor_org = $4", "a.at >= $5::timestamptz", "a.at < $6::timestamptz", "a.id > $7::bigint");

int store_audit_list(PGresult **out, struct store_conn *db, const struct store_audit_query *q)
{
  const char *p[] = {q->table, q->record_id, q->sub, q->org, q->from, q->to, q->after, q->limit};
  return store_exec_filtered(out, db, &stmt_list, 8, p);
}
