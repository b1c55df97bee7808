#ifndef PINS_STORE_REFDATA_H
#define PINS_STORE_REFDATA_H

#include "domain/refdata.h"
#include "store/db.h"

/* SQL for each kind of reference record. Records go in and out as JSON text: PostgreSQL builds
 * the document (views *_docs) and reads input with jsonb_populate_record. */

/* Reads one record; lock takes FOR UPDATE. PINS_ENOTFOUND when absent. */
int store_ref_get(struct ref_doc *out, struct store_conn *db, enum ref_kind kind, const char *key, bool lock);
/* Lists: params are the resource's filters in order, then valid_on, after_key, limit (text). */
int store_ref_list(PGresult **out, struct store_conn *db, enum ref_kind kind, const char *const *params);
int store_ref_insert(struct store_conn *db, enum ref_kind kind, const char *doc);
int store_ref_update(struct store_conn *db, enum ref_kind kind, const char *key, const char *doc);
int store_ref_delete(struct store_conn *db, enum ref_kind kind, const char *key);

/* Records that an LA's area reaches into an ICB (share of its small areas, 0-1]. */
int store_la_icb_area_put(struct store_conn *db, const char *la, const char *icb, const char *share);

#endif
