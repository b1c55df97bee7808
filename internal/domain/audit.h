#ifndef PINS_DOMAIN_AUDIT_H
#define PINS_DOMAIN_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/refdata.h"
#include "store/db.h"

/* Reading the audit trail (GET /v1/audit). */

/* The query's filters as sent; NULL = absent. */
struct audit_filters {
  const char *table;     /* a table name, e.g. self_assessments */
  const char *record_id; /* the record's key: its primary key, parts joined with '/' */
  const char *sub;       /* the actor's token subject */
  const char *org;       /* the actor's organisation */
  const char *from;      /* RFC 3339 date-time, inclusive */
  const char *to;        /* RFC 3339 date-time, exclusive */
};

/* A page of the trail in the order it was written, after the row `after` (NULL: from the start).
 * A bad filter or cursor is PINS_EINVALID with a sentence naming the parameter in why. */
int audit_list(struct ref_page *out, struct store_conn *db, const struct audit_filters *f, const char *after,
               int limit, char *why, size_t whylen);

/* True for an RFC 3339 date-time: 2025-04-01T09:30:00Z, with optional fraction of a second and an
 * offset (+01:00) instead of Z. */
bool audit_is_timestamp(const char *s);

#endif
