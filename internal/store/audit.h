#ifndef PINS_STORE_AUDIT_H
#define PINS_STORE_AUDIT_H

#include "store/db.h"

/* The audit trail (audit_log, written by the audit_record trigger: migrations 001 and 017). */

/* The filters of a page of the trail; NULL = any. from and to are timestamps PostgreSQL reads
 * (from inclusive, to exclusive); after is the id of the last row of the previous page. */
struct store_audit_query {
  const char *table;
  const char *record_id;
  const char *sub;
  const char *org;
  const char *from;
  const char *to;
  const char *after;
  const char *limit;
};

/* Rows of the trail in id order. Column 0 is the item as JSON text, column 1 its id. */
int store_audit_list(PGresult **out, struct store_conn *db, const struct store_audit_query *q);

#endif
